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
    ("accounts.csv", "f44a30eef11bd435"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "ef54c5b748db5971"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "d020f54d02b8f93e"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "d20730bf93538ed8"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "4dcd4325c9f40377"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "b7c3b2da16f15136"),
    ("journal_entries/part-00000.csv", "8f0c55f1878ff592"),
    ("journal_entries/part-00001.csv", "64543e7934ea3095"),
    ("journal_entries/part-00002.csv", "dc04d98fbd958986"),
    ("journal_lines/part-00000.csv", "4d8a936849cafabe"),
    ("journal_lines/part-00001.csv", "643269d89c18fc21"),
    ("journal_lines/part-00002.csv", "1e09c86b31d98576"),
    ("documents/part-00000.csv", "7008080c600c4af4"),
    ("documents/part-00001.csv", "65d4f9623017765f"),
    ("documents/part-00002.csv", "61b6e729f76947f8"),
    ("document_items/part-00000.csv", "90f89df373bf557e"),
    ("document_items/part-00001.csv", "913ab3413f66b596"),
    ("document_items/part-00002.csv", "8bc03f1b546d32cf"),
    ("graph_edges/part-00000.csv", "bf4e03194fb0a4fa"),
    ("graph_edges/part-00001.csv", "7bf3976307893d0f"),
    ("graph_edges/part-00002.csv", "b1adab22e21f6483"),
    ("payslips/part-00000.csv", "ab336594a1dd5245"),
    ("payslips/part-00001.csv", "f9fcce3ab5794d6d"),
    ("payslips/part-00002.csv", "a6fb413d08e2451b"),
    ("expense_claims/part-00000.csv", "aa3880f6bb49cbe4"),
    ("expense_claims/part-00001.csv", "87e39654a2e01ada"),
    ("expense_claims/part-00002.csv", "a2fd38d78787eb9c"),
    ("bank_statements/part-00000.csv", "08d1e2325e3a0f96"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "290c6d3ecb1a5400"),
    ("bank_statement_lines/part-00001.csv", "58ff347d0b297ad9"),
    ("bank_statement_lines/part-00002.csv", "88918fffa0b0239b"),
    ("stock_movements/part-00000.csv", "44b67a346d3bedb2"),
    ("stock_movements/part-00001.csv", "968f8773b4834e3c"),
    ("stock_movements/part-00002.csv", "7872e74f54041c06"),
    ("intercompany/part-00000.csv", "d228dc2352f96ed8"),
    ("intercompany/part-00001.csv", "1eda4fefe9708855"),
    ("intercompany/part-00002.csv", "1eda4fefe9708855"),
    ("anomalies/part-00000.csv", "5baf9d7933c4aac1"),
    ("anomalies/part-00001.csv", "d74be342ddc8d3ad"),
    ("anomalies/part-00002.csv", "d1311471bea763d9"),
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
