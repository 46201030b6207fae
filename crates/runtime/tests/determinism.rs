//! Output depends only on the config and the seed: not on runs, batch sizes or formats'
//! buffering.

mod common;

use std::collections::BTreeMap;
use synth_runtime::GenerationOrchestrator;
use synth_sinks::{Format, Manifest};

fn checksums(dir: &std::path::Path) -> BTreeMap<String, (u64, String)> {
    let m = Manifest::read(dir).expect("manifest");
    assert!(m.complete);
    m.tables
        .iter()
        .flat_map(|t| {
            t.files
                .iter()
                .map(|f| (f.path.clone(), (f.rows, f.xxh3.clone())))
        })
        .collect()
}

fn run(dir: &std::path::Path, batch_size: u64, format: Format) -> BTreeMap<String, (u64, String)> {
    let mut c = common::config(dir, 60_000);
    c.output.batch_size = batch_size;
    c.output.format = format;
    GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    checksums(dir)
}

#[test]
fn same_config_gives_identical_files_whatever_the_batch_size() {
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("tempdir"))
        .collect();
    let a = run(dirs[0].path(), 4096, Format::Csv);
    let b = run(dirs[1].path(), 4096, Format::Csv);
    let c = run(dirs[2].path(), 1000, Format::Csv);
    assert_eq!(a.len(), synth_model::Table::ALL.len(), "{a:?}");
    assert_eq!(a, b, "two runs of one config");
    assert_eq!(a, c, "batch size 4096 vs 1000");
    // Byte-for-byte, not only by checksum.
    for f in a.keys() {
        let x = std::fs::read(dirs[0].path().join(f)).expect("read");
        let y = std::fs::read(dirs[2].path().join(f)).expect("read");
        assert!(x == y, "{f} differs");
    }
}

#[test]
fn batch_sizes_1000_and_64000_give_identical_files() {
    for format in [Format::Jsonl, Format::Parquet] {
        let d1 = tempfile::tempdir().expect("tempdir");
        let d2 = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            run(d1.path(), 1000, format),
            run(d2.path(), 64_000, format),
            "{format:?}"
        );
    }
}
