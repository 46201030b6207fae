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
    ("companies.csv", "c3488921dd3490f3"),
    ("accounts.csv", "7e88ff1a7fa79579"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "3adaf2617fd34c21"),
    ("vendor_bank_changes.csv", "7fd1c19802769a27"),
    ("customers.csv", "ef34b524fbf1122d"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "14c138ea30b4c468"),
    ("fixed_assets.csv", "4678eacbb406624a"),
    ("graph_nodes.csv", "fc06457a12816371"),
    ("journal_entries/part-00000.csv", "7cb03effcaa3770a"),
    ("journal_entries/part-00001.csv", "f21264f2834d3c5f"),
    ("journal_entries/part-00002.csv", "3071be1f9afc5e72"),
    ("journal_lines/part-00000.csv", "f3f08f1a762d7c56"),
    ("journal_lines/part-00001.csv", "767153a00e3a3b5e"),
    ("journal_lines/part-00002.csv", "f5c57972c8b6f7c5"),
    ("documents/part-00000.csv", "61f7b77dda634614"),
    ("documents/part-00001.csv", "ef430a0cd0c751f3"),
    ("documents/part-00002.csv", "9535e35dc0a35469"),
    ("document_items/part-00000.csv", "10760560ebab5ebb"),
    ("document_items/part-00001.csv", "8cb11cfe8122f7c6"),
    ("document_items/part-00002.csv", "763578f80171478b"),
    ("graph_edges/part-00000.csv", "116a4c8333600d2b"),
    ("graph_edges/part-00001.csv", "fdfd9386e03e992f"),
    ("graph_edges/part-00002.csv", "18a0820cde3dde6a"),
    ("anomalies/part-00000.csv", "c62eeedd2dc75a54"),
    ("anomalies/part-00001.csv", "a1b289d8971f744b"),
    ("anomalies/part-00002.csv", "dd8962a5ff76999b"),
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
