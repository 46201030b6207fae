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
    ("journal_entries/part-00000.csv", "7aa93a33c683dc89"),
    ("journal_entries/part-00001.csv", "e1dbe0a62187ff32"),
    ("journal_entries/part-00002.csv", "f8ada7e592e3918a"),
    ("journal_lines/part-00000.csv", "7294b411e6e50e23"),
    ("journal_lines/part-00001.csv", "bb757b61d03e6731"),
    ("journal_lines/part-00002.csv", "a6a76bd7b132f8e6"),
    ("documents/part-00000.csv", "ff3d91ec653a256f"),
    ("documents/part-00001.csv", "2a92453a9710e7bb"),
    ("documents/part-00002.csv", "bea6af8d30959927"),
    ("document_items/part-00000.csv", "50ebf43df208df10"),
    ("document_items/part-00001.csv", "7aa4e0f8abb78057"),
    ("document_items/part-00002.csv", "8fc30e24228ed5ad"),
    ("graph_edges/part-00000.csv", "4224511657fa82bc"),
    ("graph_edges/part-00001.csv", "88d6a209e26b0a74"),
    ("graph_edges/part-00002.csv", "8232d4d27adf8ebf"),
    ("payslips/part-00000.csv", "7c1041662051292e"),
    ("payslips/part-00001.csv", "48f7627786db1745"),
    ("payslips/part-00002.csv", "9c32d7ab71cb7199"),
    ("expense_claims/part-00000.csv", "14ed964d02d8aaa0"),
    ("expense_claims/part-00001.csv", "5ff6c42161ecb01f"),
    ("expense_claims/part-00002.csv", "b72bc3941de83d11"),
    ("bank_statements/part-00000.csv", "a8d1642bee7bff0d"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "a485d3b91286096b"),
    ("bank_statement_lines/part-00001.csv", "eaf0c85c80eb7097"),
    ("bank_statement_lines/part-00002.csv", "3a8a3f99ad9f1c5b"),
    ("stock_movements/part-00000.csv", "dacdd938f7076023"),
    ("stock_movements/part-00001.csv", "9428abe1a1dea749"),
    ("stock_movements/part-00002.csv", "2013a037cabdf631"),
    ("anomalies/part-00000.csv", "ac6c089d8fccdadf"),
    ("anomalies/part-00001.csv", "564d1e5f865a3c85"),
    ("anomalies/part-00002.csv", "ff91563e6dbc3a86"),
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
