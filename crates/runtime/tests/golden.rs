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
    ("accounts.csv", "1553cf5b6717fd76"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "4dffbcbc9f4da85e"),
    ("vendors.csv", "8a398f73e3901454"),
    ("vendor_bank_changes.csv", "bcd3def16b264e36"),
    ("customers.csv", "33f7d9aa783660e2"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "89fda24950de302b"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "67654315e32c9c85"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "e06ace01d0cc5f4f"),
    ("journal_entries/part-00000.csv", "6b54b19376a311ae"),
    ("journal_entries/part-00001.csv", "7e2d7d4ecf6c41c0"),
    ("journal_entries/part-00002.csv", "b037394f97396b52"),
    ("journal_lines/part-00000.csv", "f738cb2feb32d885"),
    ("journal_lines/part-00001.csv", "1ae5bff214ec40b7"),
    ("journal_lines/part-00002.csv", "ebc66d1f5446fb27"),
    ("documents/part-00000.csv", "1c838241a1b1bb99"),
    ("documents/part-00001.csv", "dc75d10aba4e3f21"),
    ("documents/part-00002.csv", "3e2f7bc905fb45e4"),
    ("document_items/part-00000.csv", "25b5e19eef25d1cd"),
    ("document_items/part-00001.csv", "8988cc8863a49fb5"),
    ("document_items/part-00002.csv", "45bbe5881c2b8d75"),
    ("quotations/part-00000.csv", "3baa4fb29f1d5b7b"),
    ("quotations/part-00001.csv", "8c2e6b818ad5c9da"),
    ("quotations/part-00002.csv", "8276e565da673aba"),
    ("graph_edges/part-00000.csv", "fe0eef89ad8a356a"),
    ("graph_edges/part-00001.csv", "58d2113cb485ae72"),
    ("graph_edges/part-00002.csv", "f4dbe2f7f5d8ac4e"),
    ("payslips/part-00000.csv", "8e2e9122aaac996e"),
    ("payslips/part-00001.csv", "25aa75118123da9d"),
    ("payslips/part-00002.csv", "d6658560eab06f47"),
    ("expense_claims/part-00000.csv", "fe0b0887f009eedf"),
    ("expense_claims/part-00001.csv", "d47b83650c4f0e73"),
    ("expense_claims/part-00002.csv", "7e4d7fcbd70019a7"),
    ("bank_statements/part-00000.csv", "a36113a37706f2da"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "f06611795db275c4"),
    ("bank_statement_lines/part-00001.csv", "14cd8d89e8d52e82"),
    ("bank_statement_lines/part-00002.csv", "dbe64b9e2c93df98"),
    ("stock_movements/part-00000.csv", "82d14808adfe809f"),
    ("stock_movements/part-00001.csv", "1f4b963970f90881"),
    ("stock_movements/part-00002.csv", "b5456bbbf153a0a2"),
    ("intercompany/part-00000.csv", "1bee472f342cc921"),
    ("intercompany/part-00001.csv", "97e83fafda9fca65"),
    ("intercompany/part-00002.csv", "97e83fafda9fca65"),
    ("anomalies/part-00000.csv", "685e94974c432299"),
    ("anomalies/part-00001.csv", "609cbe172fdac8de"),
    ("anomalies/part-00002.csv", "bc9a7d3053191a95"),
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
