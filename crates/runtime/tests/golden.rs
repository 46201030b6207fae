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
    ("accounts.csv", "fa337adaeeb566f4"),
    ("tax_codes.csv", "9eb3bbb57b331c9f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "3200fc9a82858853"),
    ("vendor_bank_changes.csv", "9f3e74732263013b"),
    ("customers.csv", "ae6766bad6dd0787"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "293abd0f455b4f5c"),
    ("fixed_assets.csv", "1ecc68ce599265ca"),
    ("graph_nodes.csv", "d0f5c098dfc686a7"),
    ("journal_entries/part-00000.csv", "cba30abd6acbd8d2"),
    ("journal_entries/part-00001.csv", "f41dfd1a18e8f446"),
    ("journal_entries/part-00002.csv", "8ba3af508f22cd49"),
    ("journal_lines/part-00000.csv", "78a5b0e10f66842a"),
    ("journal_lines/part-00001.csv", "7f636297f2f28002"),
    ("journal_lines/part-00002.csv", "48c6f582c2adef3f"),
    ("documents/part-00000.csv", "fb941e5cb9c3162f"),
    ("documents/part-00001.csv", "f551f4960f09962d"),
    ("documents/part-00002.csv", "5f8ba725ab7a7a22"),
    ("document_items/part-00000.csv", "b3f807301570a7c9"),
    ("document_items/part-00001.csv", "d9f416ce0c901346"),
    ("document_items/part-00002.csv", "b45ad47dc5699041"),
    ("graph_edges/part-00000.csv", "b87534cce6102696"),
    ("graph_edges/part-00001.csv", "7d1f73e82f9fb117"),
    ("graph_edges/part-00002.csv", "ad387d9bb43c4cdd"),
    ("anomalies/part-00000.csv", "d0364fae10c8394e"),
    ("anomalies/part-00001.csv", "b5d8c3ea7ed104f4"),
    ("anomalies/part-00002.csv", "1951cb3f9326a738"),
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
