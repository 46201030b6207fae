//! `synthdata`: generate large synthetic accounting datasets as streams, inside a
//! memory budget. See `synthdata --help`.

use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(synth_cli::main(std::env::args_os()))
}
