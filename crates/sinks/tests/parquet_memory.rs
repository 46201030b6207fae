//! A Parquet table holds its open row group as compressed pages, not as values: measured
//! with the counting allocator while writing many row groups.

use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_probe::CountingAllocator;
use synth_sinks::{Format, SinkOptions, open_sink};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

/// The only test in this binary, so no other thread allocates meanwhile.
#[test]
fn an_open_row_group_is_held_compressed_and_written_groups_leave_little_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..20_000).expect("valid range");
    let row_group_bytes = 16 << 20;
    let opts = SinkOptions {
        row_group_bytes,
        ..SinkOptions::default()
    };
    let mut sink =
        open_sink::<synth_model::JournalEntry>(&out, Format::Parquet, &opts).expect("opens");
    let start = synth_probe::heap_bytes().expect("installed");
    // 200 × 20 000 entries: about 38 row groups of 16 MiB of values.
    let mut held = Vec::new();
    for _ in 0..200 {
        sink.write_batch(&b.entries).expect("writes");
        held.push(
            synth_probe::heap_bytes()
                .expect("installed")
                .saturating_sub(start),
        );
    }
    let most = held.iter().copied().max().unwrap_or(0);
    let quarter = held.len() / 4;
    let early = held[quarter..2 * quarter]
        .iter()
        .copied()
        .max()
        .unwrap_or(0);
    let late = held[3 * quarter..].iter().copied().max().unwrap_or(0);
    eprintln!(
        "held by the sink: at most {} KiB; second quarter {} KiB, last quarter {} KiB",
        most >> 10,
        early >> 10,
        late >> 10
    );
    // Values are 16 MiB a group. Held compressed (about 3 MiB, in page buffers that keep
    // the capacity they grew to) with the column writers' pages in progress and their
    // dictionaries (about 2.5 MiB), the sink held 7.7 MiB when this was written.
    // Buffering the values themselves, it held more than the 16 MiB of values.
    assert!(
        most <= row_group_bytes as u64 * 5 / 8,
        "the sink held {} KiB for row groups of {} KiB of values",
        most >> 10,
        row_group_bytes >> 10
    );
    // What stays per written group is its footer metadata, a few KiB (19 groups here);
    // text statistics that kept their chunk alive cost hundreds of KiB a group.
    assert!(
        late <= early + (512 << 10),
        "grew from {} KiB to {} KiB",
        early >> 10,
        late >> 10
    );
    let report = sink.finish().expect("finishes");
    assert_eq!(report.rows, 200 * b.entries.len() as u64);
}
