//! The golden checksums: a small run's files hash to these committed values on every
//! platform (transcendental functions come from `libm`, pure Rust) and with any number
//! of threads. A change that alters the data changes them; if it is meant, update the
//! table in the same commit. To print the new table:
//! `GOLDEN_PRINT=1 cargo test -p synth-runtime --test golden -- --nocapture`.

mod common;

use synth_runtime::GenerationOrchestrator;
use synth_sinks::Manifest;

/// XXH3-64 of every file of 5 000 entries, seed 42, default config, CSV, parts of 2 000.
const GOLDEN: &[(&str, &str)] = &[
    ("accounts.csv", "477595a9745bdb17"),
    ("vendors.csv", "4eda110a4d7cd8e5"),
    ("customers.csv", "38846a03fe81f3f5"),
    ("graph_nodes.csv", "4081e8df7270570b"),
    ("journal_entries/part-00000.csv", "adb2fd54b932669b"),
    ("journal_entries/part-00001.csv", "bbec25f224c625c2"),
    ("journal_entries/part-00002.csv", "2a0ef2fbc34cd40b"),
    ("journal_lines/part-00000.csv", "0ac4d6c5f4267173"),
    ("journal_lines/part-00001.csv", "bfc48a996e4f6228"),
    ("journal_lines/part-00002.csv", "efab5ee8407a8a55"),
    ("documents/part-00000.csv", "4523d45d4506358f"),
    ("documents/part-00001.csv", "ea8c27dc72175280"),
    ("documents/part-00002.csv", "1857a1d5bbffd314"),
    ("document_items/part-00000.csv", "cca12a70de8dcab9"),
    ("document_items/part-00001.csv", "ec4b81e16fa08290"),
    ("document_items/part-00002.csv", "c921061183f2f0ae"),
    ("graph_edges/part-00000.csv", "f6fb92999abc2cdd"),
    ("graph_edges/part-00001.csv", "15a23f6976c4a2f4"),
    ("graph_edges/part-00002.csv", "15ff63e18dd372a8"),
];

#[test]
fn a_small_run_hashes_to_the_committed_checksums_with_any_number_of_threads() {
    for threads in [1, 3] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = common::config(dir.path(), 5_000);
        c.output.part_entries = 2_000;
        c.output.threads = Some(threads);
        GenerationOrchestrator::new(c)
            .expect("valid")
            .run()
            .expect("completes");
        let m = Manifest::read(dir.path()).expect("manifest");
        let got: Vec<(String, String)> = m
            .tables
            .iter()
            .flat_map(|t| t.files.iter().map(|f| (f.path.clone(), f.xxh3.clone())))
            .collect();
        if std::env::var_os("GOLDEN_PRINT").is_some() {
            for (path, hash) in &got {
                println!("    (\"{path}\", \"{hash}\"),");
            }
        }
        let want: Vec<(String, String)> = GOLDEN
            .iter()
            .map(|(p, h)| (p.to_string(), h.to_string()))
            .collect();
        assert_eq!(
            got, want,
            "threads {threads}: the data changed (see the module docs)"
        );
    }
}
