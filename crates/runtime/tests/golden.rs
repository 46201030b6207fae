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
    ("journal_entries/part-00000.csv", "2c38b329e82306c5"),
    ("journal_entries/part-00001.csv", "b33d41f3004bb297"),
    ("journal_entries/part-00002.csv", "14e00ffdc4dd59d8"),
    ("journal_lines/part-00000.csv", "929c86004920072d"),
    ("journal_lines/part-00001.csv", "385564593d5707cb"),
    ("journal_lines/part-00002.csv", "ab4b75d987c14de2"),
    ("documents/part-00000.csv", "16dad8fb697ca85d"),
    ("documents/part-00001.csv", "11a049a286cac88e"),
    ("documents/part-00002.csv", "8c27d6f813dd3554"),
    ("document_items/part-00000.csv", "320901a3a9efa0d4"),
    ("document_items/part-00001.csv", "e29f3d027dd02766"),
    ("document_items/part-00002.csv", "56a8b5ab744147ae"),
    ("graph_edges/part-00000.csv", "73b0fdc7134c5dfe"),
    ("graph_edges/part-00001.csv", "c589fbba8a2993d8"),
    ("graph_edges/part-00002.csv", "2255b6e8a9941047"),
    ("payslips/part-00000.csv", "ab336594a1dd5245"),
    ("payslips/part-00001.csv", "f9fcce3ab5794d6d"),
    ("payslips/part-00002.csv", "a6fb413d08e2451b"),
    ("expense_claims/part-00000.csv", "eee5d1c0a3b48f2b"),
    ("expense_claims/part-00001.csv", "0fee7b5c7f33c41a"),
    ("expense_claims/part-00002.csv", "73985edac8c13719"),
    ("bank_statements/part-00000.csv", "a0db9946a4c2bd6e"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "5b11420be43ec6fe"),
    ("bank_statement_lines/part-00001.csv", "4274ac0362cbdd93"),
    ("bank_statement_lines/part-00002.csv", "80f430168afaa4e1"),
    ("stock_movements/part-00000.csv", "e9c3b3c7f1ce9226"),
    ("stock_movements/part-00001.csv", "bac63536bb0a50b8"),
    ("stock_movements/part-00002.csv", "9eb7b5e70bc41280"),
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
