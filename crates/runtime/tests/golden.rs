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
    ("accounts.csv", "e8e86f4ab85f24a4"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "37536dc885b4cd1a"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "2bbc9e9908e68da8"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "398e6b57fe03c40e"),
    ("fixed_assets.csv", "db0c44cd4e73a906"),
    ("graph_nodes.csv", "35dbd838ef10e2b7"),
    ("journal_entries/part-00000.csv", "01f6a73f0e688382"),
    ("journal_entries/part-00001.csv", "c588533609606f38"),
    ("journal_entries/part-00002.csv", "6985bc499acff7c4"),
    ("journal_lines/part-00000.csv", "be57e0cedb6f64b0"),
    ("journal_lines/part-00001.csv", "f68762369beb1557"),
    ("journal_lines/part-00002.csv", "668912293d084ad9"),
    ("documents/part-00000.csv", "eed2428c9952fde6"),
    ("documents/part-00001.csv", "739c084d60d3f713"),
    ("documents/part-00002.csv", "4fbb93368edbe2b2"),
    ("document_items/part-00000.csv", "9d2364ef386e3fde"),
    ("document_items/part-00001.csv", "dc3ab76df33f074e"),
    ("document_items/part-00002.csv", "dcc7c773765971d4"),
    ("graph_edges/part-00000.csv", "0630a8e70c88aa58"),
    ("graph_edges/part-00001.csv", "c0086d486cdb3e33"),
    ("graph_edges/part-00002.csv", "42966a61ce8dc2a5"),
    ("payslips/part-00000.csv", "7c1041662051292e"),
    ("payslips/part-00001.csv", "48f7627786db1745"),
    ("payslips/part-00002.csv", "9c32d7ab71cb7199"),
    ("expense_claims/part-00000.csv", "14ed964d02d8aaa0"),
    ("expense_claims/part-00001.csv", "a54119e6165beace"),
    ("expense_claims/part-00002.csv", "b72bc3941de83d11"),
    ("bank_statements/part-00000.csv", "57d8da5335c4e197"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "c7462fda32ca33ee"),
    ("bank_statement_lines/part-00001.csv", "e032b43aaca15d82"),
    ("bank_statement_lines/part-00002.csv", "4d1956489ca533db"),
    ("stock_movements/part-00000.csv", "2d0dc3f7288b662f"),
    ("stock_movements/part-00001.csv", "9428abe1a1dea749"),
    ("stock_movements/part-00002.csv", "744bc720c9f6f36d"),
    ("anomalies/part-00000.csv", "4ad012ae9a1f4094"),
    ("anomalies/part-00001.csv", "815edb2b1b7594fe"),
    ("anomalies/part-00002.csv", "50fbcfafe32a9bda"),
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
