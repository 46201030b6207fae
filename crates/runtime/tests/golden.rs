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
    ("companies.csv", "61d690316be0e0a6"),
    ("accounts.csv", "029f4037d523a5c4"),
    ("tax_codes.csv", "9eb3bbb57b331c9f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "ce810d52a8e71b99"),
    ("vendor_bank_changes.csv", "5eac91e6f8604113"),
    ("customers.csv", "d278da4777e2d358"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "072aec98f6ee8de7"),
    ("fixed_assets.csv", "290076d6854e5db5"),
    ("graph_nodes.csv", "fa04a68d72359a7f"),
    ("journal_entries/part-00000.csv", "17d99a4c7868a32a"),
    ("journal_entries/part-00001.csv", "98693df1d37d7adc"),
    ("journal_entries/part-00002.csv", "0d8490b07eb9fca1"),
    ("journal_lines/part-00000.csv", "8bf4e168579cbfe4"),
    ("journal_lines/part-00001.csv", "df0dfb7ed581cdf6"),
    ("journal_lines/part-00002.csv", "e0b823697592df5f"),
    ("documents/part-00000.csv", "21e9f74319004266"),
    ("documents/part-00001.csv", "45086200c7cd6d3c"),
    ("documents/part-00002.csv", "97ec8e99b63dd3ea"),
    ("document_items/part-00000.csv", "66481ac3def77646"),
    ("document_items/part-00001.csv", "feead3e8d422eacf"),
    ("document_items/part-00002.csv", "a141d546f554959e"),
    ("graph_edges/part-00000.csv", "d245f5d23a83ca58"),
    ("graph_edges/part-00001.csv", "8933c4a7612f85c4"),
    ("graph_edges/part-00002.csv", "d2bbf951ef3d9cc1"),
    ("anomalies/part-00000.csv", "5033509c374da6d0"),
    ("anomalies/part-00001.csv", "8ce76cf2a4620fc5"),
    ("anomalies/part-00002.csv", "6c574cae0dd8be87"),
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
