//! A whole run from a program: a config built in code, progress reports, and how the
//! run ended. Everything comes from `synth_runtime`, the one dependency.
//!
//! `cargo run --release -p synth-runtime --example run_in_code [DIR]`

use synth_runtime::{ByteSize, Config, Error, Format, GenerationOrchestrator, format_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = Config::default();
    config.transactions.target_count = 50_000;
    config.master_data.vendors = 200;
    config.output.format = Format::Parquet;
    config.output.overwrite = true;
    config.output.directory = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join(format!("synth-run-{}", std::process::id())),
        Into::into,
    );
    config.global.memory_limit = Some(ByteSize(512 << 20));

    let run = GenerationOrchestrator::new(config)?;
    println!(
        "estimated peak {}",
        format_bytes(run.estimate().streaming_peak)
    );
    let outcome = run.run_with_progress(|p| {
        eprint!(
            "\r{:5.1}% {:>9} entries, {}",
            p.percent,
            p.current,
            format_bytes(p.memory.current_usage)
        );
    });
    eprintln!();
    match outcome {
        Ok(report) => {
            for t in &report.tables {
                println!("{:<16} {:>9} rows {:>12} bytes", t.table, t.rows, t.bytes);
            }
            if let Some(manifest) = &report.manifest {
                println!("complete; manifest {}", manifest.display());
            }
        }
        // Stopped cleanly: the files are valid and the manifest says `complete: false`.
        Err(Error::MemoryExceeded {
            records_written, ..
        }) => {
            println!("stopped at the memory limit after {records_written} entries");
        }
        Err(Error::Interrupted { records_written }) => {
            println!("interrupted after {records_written} entries");
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
