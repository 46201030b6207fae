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
    ("accounts.csv", "f9f192c79dec4d0c"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "8a398f73e3901454"),
    ("vendor_bank_changes.csv", "bcd3def16b264e36"),
    ("customers.csv", "33f7d9aa783660e2"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "c3be37b780546a4c"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "a77b0f5c7969c5c9"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "2dfa186963e9ea87"),
    ("journal_entries/part-00000.csv", "1cf377e3093302ab"),
    ("journal_entries/part-00001.csv", "d25b6f3481607277"),
    ("journal_entries/part-00002.csv", "ec1cf90d656ed9b4"),
    ("journal_lines/part-00000.csv", "1f741ee113a9fae7"),
    ("journal_lines/part-00001.csv", "488dcde3bc8636bc"),
    ("journal_lines/part-00002.csv", "babef6b858a74d6f"),
    ("documents/part-00000.csv", "ecc86462114e57bc"),
    ("documents/part-00001.csv", "f3d594c8498bbaf7"),
    ("documents/part-00002.csv", "239f1d4f2a3d4443"),
    ("document_items/part-00000.csv", "2274a7f0339689a9"),
    ("document_items/part-00001.csv", "650b8694985f0569"),
    ("document_items/part-00002.csv", "4933003eb3e71530"),
    ("graph_edges/part-00000.csv", "1d7a206ae69d096a"),
    ("graph_edges/part-00001.csv", "ed0557088a32417d"),
    ("graph_edges/part-00002.csv", "153fc933022b384e"),
    ("payslips/part-00000.csv", "6fa7555579fb42a3"),
    ("payslips/part-00001.csv", "f34e20479e4be71f"),
    ("payslips/part-00002.csv", "1b9ae89425c743c3"),
    ("expense_claims/part-00000.csv", "577736660662cb05"),
    ("expense_claims/part-00001.csv", "669d1dc8a6a08602"),
    ("expense_claims/part-00002.csv", "5f115bf2b9760320"),
    ("bank_statements/part-00000.csv", "b429ad3533c5d319"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "e6cd47841007c8e2"),
    ("bank_statement_lines/part-00001.csv", "b0265a96c152a708"),
    ("bank_statement_lines/part-00002.csv", "95c01b8a18ed69a2"),
    ("stock_movements/part-00000.csv", "3853c0130522bb3b"),
    ("stock_movements/part-00001.csv", "8bbae09dd6b16cf1"),
    ("stock_movements/part-00002.csv", "dac26417ec8d6261"),
    ("intercompany/part-00000.csv", "e456a81872120db5"),
    ("intercompany/part-00001.csv", "1eda4fefe9708855"),
    ("intercompany/part-00002.csv", "1eda4fefe9708855"),
    ("anomalies/part-00000.csv", "d753c90f87e3b31f"),
    ("anomalies/part-00001.csv", "b85268968aa38021"),
    ("anomalies/part-00002.csv", "f63e584bfe5687fa"),
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
