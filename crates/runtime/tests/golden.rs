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
    ("accounts.csv", "6cf37afdeefcae00"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "71625cf8da7d6a28"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "d020f54d02b8f93e"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "398e6b57fe03c40e"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "db0c44cd4e73a906"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "3794febb604a4599"),
    ("journal_entries/part-00000.csv", "e3f44771f1d2ac24"),
    ("journal_entries/part-00001.csv", "2e42c5db0a04e3cc"),
    ("journal_entries/part-00002.csv", "ec66e2e6c86629fa"),
    ("journal_lines/part-00000.csv", "8059cc9148906044"),
    ("journal_lines/part-00001.csv", "f63c1b03c2884e8f"),
    ("journal_lines/part-00002.csv", "d4c9bcfc605fbb05"),
    ("documents/part-00000.csv", "579ab1f5d78a112f"),
    ("documents/part-00001.csv", "d056294935893f41"),
    ("documents/part-00002.csv", "3120949c413218d1"),
    ("document_items/part-00000.csv", "f836af5670c89da2"),
    ("document_items/part-00001.csv", "47509979066d4d8e"),
    ("document_items/part-00002.csv", "389d4b33d3241fd3"),
    ("graph_edges/part-00000.csv", "bc2d9669901d932f"),
    ("graph_edges/part-00001.csv", "fe3525a8b69d3301"),
    ("graph_edges/part-00002.csv", "2ae211ad146d2473"),
    ("payslips/part-00000.csv", "ccb37d66391185d1"),
    ("payslips/part-00001.csv", "ac200482c2072d17"),
    ("payslips/part-00002.csv", "c3e5f9eca245f8e7"),
    ("expense_claims/part-00000.csv", "0b1ba78fdcf495d3"),
    ("expense_claims/part-00001.csv", "c76dab3b1ce07688"),
    ("expense_claims/part-00002.csv", "0241a60ae1d829cd"),
    ("bank_statements/part-00000.csv", "5f7b7751659efee2"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "415612af3cd8ebf3"),
    ("bank_statement_lines/part-00001.csv", "ecbc48a1d44b2be1"),
    ("bank_statement_lines/part-00002.csv", "5bc7565e218eae90"),
    ("stock_movements/part-00000.csv", "dd5de5ab720b7eb6"),
    ("stock_movements/part-00001.csv", "1d5c8b849f9e5bd7"),
    ("stock_movements/part-00002.csv", "e6fc444c2df3033e"),
    ("anomalies/part-00000.csv", "069aee0edb2eeec2"),
    ("anomalies/part-00001.csv", "a7c946cce60a9c93"),
    ("anomalies/part-00002.csv", "b54d00eb0770a471"),
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
