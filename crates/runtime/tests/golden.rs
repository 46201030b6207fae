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
    ("tax_codes.csv", "cc623aeb883ff14f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "bc6c0e0e7f4a0efc"),
    ("vendor_bank_changes.csv", "9f3e74732263013b"),
    ("customers.csv", "ae6766bad6dd0787"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "670f8fed8c4e95d7"),
    ("fixed_assets.csv", "a0dadabd119b52f6"),
    ("graph_nodes.csv", "0d8f2dcc3c603db9"),
    ("journal_entries/part-00000.csv", "192c0a98ee63f68b"),
    ("journal_entries/part-00001.csv", "c24fe166d28905ec"),
    ("journal_entries/part-00002.csv", "2cb2c8ce12d029ef"),
    ("journal_lines/part-00000.csv", "f5419f7c27332637"),
    ("journal_lines/part-00001.csv", "b9084be0468ff7aa"),
    ("journal_lines/part-00002.csv", "778cfcc36835a690"),
    ("documents/part-00000.csv", "064a071660cedaa2"),
    ("documents/part-00001.csv", "75e6664270385725"),
    ("documents/part-00002.csv", "d82f3f351e19a2bf"),
    ("document_items/part-00000.csv", "9effe33e4a85303a"),
    ("document_items/part-00001.csv", "1efbf96380005139"),
    ("document_items/part-00002.csv", "2da123d00b1de909"),
    ("graph_edges/part-00000.csv", "52f588a60ed3c9c3"),
    ("graph_edges/part-00001.csv", "ac8f989fa76e9bbf"),
    ("graph_edges/part-00002.csv", "ee913fd488c20fe7"),
    ("anomalies/part-00000.csv", "5244013cb7ef7e82"),
    ("anomalies/part-00001.csv", "853e10f2040d1a19"),
    ("anomalies/part-00002.csv", "6af5a950320c2c68"),
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
