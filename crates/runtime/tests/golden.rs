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
    ("vendors.csv", "8a398f73e3901454"),
    ("vendor_bank_changes.csv", "bcd3def16b264e36"),
    ("customers.csv", "33f7d9aa783660e2"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "c430ee96fe4394a9"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "4dcd4325c9f40377"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "72431a1b3c6b423a"),
    ("journal_entries/part-00000.csv", "52a0b0358df60755"),
    ("journal_entries/part-00001.csv", "4e07b8d038da4885"),
    ("journal_entries/part-00002.csv", "625d5c4f7bb54908"),
    ("journal_lines/part-00000.csv", "b3a2a2831181d62a"),
    ("journal_lines/part-00001.csv", "a4865c4b434e6932"),
    ("journal_lines/part-00002.csv", "862eb6181455b30c"),
    ("documents/part-00000.csv", "6f978d713f494e98"),
    ("documents/part-00001.csv", "5768fcf948686da3"),
    ("documents/part-00002.csv", "c540da1d7eb94176"),
    ("document_items/part-00000.csv", "8776035c5b8c1272"),
    ("document_items/part-00001.csv", "d7f67a7bc026385e"),
    ("document_items/part-00002.csv", "36f5dcb67f767382"),
    ("graph_edges/part-00000.csv", "18a7cc9d5b1a29a1"),
    ("graph_edges/part-00001.csv", "602c91470eab8c4a"),
    ("graph_edges/part-00002.csv", "dd5f079962f3efaf"),
    ("payslips/part-00000.csv", "ab336594a1dd5245"),
    ("payslips/part-00001.csv", "f9fcce3ab5794d6d"),
    ("payslips/part-00002.csv", "a6fb413d08e2451b"),
    ("expense_claims/part-00000.csv", "ceddb39d08713568"),
    ("expense_claims/part-00001.csv", "3e2503b9e7fd61ff"),
    ("expense_claims/part-00002.csv", "8d545822926de0bb"),
    ("bank_statements/part-00000.csv", "d715c45610f64c39"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "8b1d7e3d0b30a0e8"),
    ("bank_statement_lines/part-00001.csv", "0f805a57c4b85ecc"),
    ("bank_statement_lines/part-00002.csv", "059a8f10a695cf30"),
    ("stock_movements/part-00000.csv", "1ad84e402bb387aa"),
    ("stock_movements/part-00001.csv", "1f0f9fca98cc03f3"),
    ("stock_movements/part-00002.csv", "7572c9407a3b2d16"),
    ("intercompany/part-00000.csv", "d228dc2352f96ed8"),
    ("intercompany/part-00001.csv", "1eda4fefe9708855"),
    ("intercompany/part-00002.csv", "1eda4fefe9708855"),
    ("anomalies/part-00000.csv", "11819a18599891c6"),
    ("anomalies/part-00001.csv", "367590cadc859e70"),
    ("anomalies/part-00002.csv", "f8185b115b73cb53"),
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
