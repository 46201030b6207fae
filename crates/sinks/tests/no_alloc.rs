//! The sinks' hot path allocates nothing per record once warm: CSV and JSON Lines,
//! on the calling thread and with write-behind, proved with the counting allocator.
//! (Parquet allocates per chunk of 1024 rows and per page inside the `parquet` crate;
//! its memory is bounded instead, see `parquet_memory.rs`.)

use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{JournalEntry, JournalLine};
use synth_probe::CountingAllocator;
use synth_sinks::{Format, Sink, SinkOptions, open_sink_with, write_behind};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

fn allocations_while_writing(format: Format, behind: bool) -> u64 {
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let batch = g.generate_range(0..20_000).expect("range");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let (queue, worker) = write_behind();
    let io = std::thread::spawn(move || worker.run());
    let options = SinkOptions::default();
    let q = behind.then_some(&queue);
    let mut entries: Box<dyn Sink<JournalEntry>> =
        open_sink_with(&out, format, &options, q).expect("sink");
    let mut lines: Box<dyn Sink<JournalLine>> =
        open_sink_with(&out, format, &options, q).expect("sink");
    // Warm-up: buffers reach their size, files are open, the spare buffer is back.
    for _ in 0..3 {
        entries.write_batch(&batch.entries).expect("write");
        lines.write_batch(&batch.lines).expect("write");
    }
    entries.flush().expect("flush");
    lines.flush().expect("flush");
    let before = synth_probe::allocation_count().expect("installed");
    for _ in 0..20 {
        entries.write_batch(&batch.entries).expect("write");
        lines.write_batch(&batch.lines).expect("write");
    }
    let after = synth_probe::allocation_count().expect("installed");
    entries.finish().expect("finish");
    lines.finish().expect("finish");
    drop(queue);
    io.join().expect("io thread");
    after - before
}

/// Allocations the channels between a sink and the I/O thread may make however long the
/// run: crossbeam grows a channel's list of parked threads the first time more of them
/// wait at once, and gives a thread its parking context once. Both threads of a sink
/// pair can wait on two channels, so this is bounded by the threads, not the rows.
const CHANNEL_WAITERS_ALLOCATIONS: u64 = 8;

/// One test, so no other test allocates meanwhile.
#[test]
fn text_sinks_allocate_nothing_per_record_once_warm() {
    for format in [Format::Csv, Format::Jsonl] {
        for behind in [false, true] {
            let n = allocations_while_writing(format, behind);
            // 20 × (20 000 entries + ~67 000 lines) = 1.7 M rows, ~90 buffers handed over.
            let most = if behind {
                CHANNEL_WAITERS_ALLOCATIONS
            } else {
                0
            };
            assert!(
                n <= most,
                "{format:?}, write-behind {behind}: {n} allocations"
            );
        }
    }
}
