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
    ("accounts.csv", "0b04ee54a91f42c1"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "ef54c5b748db5971"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "d020f54d02b8f93e"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "0c1a6607299f6185"),
    ("employee_bank_changes.csv", "99c5a08b3f48c439"),
    ("fixed_assets.csv", "4f96992021cb6568"),
    ("fx_rates.csv", "d4f76d26aa737ea4"),
    ("graph_nodes.csv", "c619c4fbb26f7005"),
    ("journal_entries/part-00000.csv", "98fc9757e01046c5"),
    ("journal_entries/part-00001.csv", "5d8e0092d0a7c431"),
    ("journal_entries/part-00002.csv", "3ab22c1236faef26"),
    ("journal_lines/part-00000.csv", "0ff885ff17a5f357"),
    ("journal_lines/part-00001.csv", "44472af75d69db4b"),
    ("journal_lines/part-00002.csv", "28e30e2c19769710"),
    ("documents/part-00000.csv", "293f4b0795739261"),
    ("documents/part-00001.csv", "97d96529f9eee45c"),
    ("documents/part-00002.csv", "da8629082bceda3c"),
    ("document_items/part-00000.csv", "57b07605c2c897b5"),
    ("document_items/part-00001.csv", "7a3a53f816a30dac"),
    ("document_items/part-00002.csv", "42877dadc968de35"),
    ("graph_edges/part-00000.csv", "3452f72687049737"),
    ("graph_edges/part-00001.csv", "34d79f7a0f79f2ed"),
    ("graph_edges/part-00002.csv", "c7ff0c4ad60477f8"),
    ("payslips/part-00000.csv", "5d3be60435ced1ac"),
    ("payslips/part-00001.csv", "6acde34819bedfb8"),
    ("payslips/part-00002.csv", "94b97dec738d0140"),
    ("expense_claims/part-00000.csv", "a4b68440829cb4c6"),
    ("expense_claims/part-00001.csv", "2afc2c4a98a15776"),
    ("expense_claims/part-00002.csv", "44a25b43e5b73679"),
    ("bank_statements/part-00000.csv", "ce8c42af11266e8f"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "fb6b9144c7c5a535"),
    ("bank_statement_lines/part-00001.csv", "551c09457e4c236c"),
    ("bank_statement_lines/part-00002.csv", "ca9cf724af8d1b21"),
    ("stock_movements/part-00000.csv", "8a6cf0276cd47988"),
    ("stock_movements/part-00001.csv", "ead95ab243a4e828"),
    ("stock_movements/part-00002.csv", "197806f553597c33"),
    ("anomalies/part-00000.csv", "a97aebc7e20f1898"),
    ("anomalies/part-00001.csv", "867941104abad597"),
    ("anomalies/part-00002.csv", "80c231d76bbea734"),
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
