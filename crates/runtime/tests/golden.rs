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
    ("vendors.csv", "009c955fa04ac4cf"),
    ("vendor_bank_changes.csv", "464eb79376638afe"),
    ("customers.csv", "2bbc9e9908e68da8"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "398e6b57fe03c40e"),
    ("fixed_assets.csv", "db0c44cd4e73a906"),
    ("graph_nodes.csv", "ab2d8a83f89daf03"),
    ("journal_entries/part-00000.csv", "58400dca33069201"),
    ("journal_entries/part-00001.csv", "6fd18bbf392c7838"),
    ("journal_entries/part-00002.csv", "ee8bee31d0a889d8"),
    ("journal_lines/part-00000.csv", "33af2c8d42a1be0a"),
    ("journal_lines/part-00001.csv", "4f5f9ee90ee78c3a"),
    ("journal_lines/part-00002.csv", "e158e993b62447f0"),
    ("documents/part-00000.csv", "fdeb109f7e2ebaf8"),
    ("documents/part-00001.csv", "1e1e0dbcea10d762"),
    ("documents/part-00002.csv", "bdd5a32524147891"),
    ("document_items/part-00000.csv", "20346c314fa75b77"),
    ("document_items/part-00001.csv", "2d88cb134f8cca47"),
    ("document_items/part-00002.csv", "8fc30e24228ed5ad"),
    ("graph_edges/part-00000.csv", "cc353e5b5d0002b6"),
    ("graph_edges/part-00001.csv", "44b9690603e22fce"),
    ("graph_edges/part-00002.csv", "2142a2c96cdaff94"),
    ("payslips/part-00000.csv", "7c1041662051292e"),
    ("payslips/part-00001.csv", "48f7627786db1745"),
    ("payslips/part-00002.csv", "9c32d7ab71cb7199"),
    ("expense_claims/part-00000.csv", "14ed964d02d8aaa0"),
    ("expense_claims/part-00001.csv", "5ff6c42161ecb01f"),
    ("expense_claims/part-00002.csv", "b72bc3941de83d11"),
    ("bank_statements/part-00000.csv", "185a74320f09af36"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "1086769ef59c770e"),
    ("bank_statement_lines/part-00001.csv", "7fd30dbd456aa61e"),
    ("bank_statement_lines/part-00002.csv", "e80639875711a891"),
    ("stock_movements/part-00000.csv", "8c21c387c5addebc"),
    ("stock_movements/part-00001.csv", "c511b62fed4aa741"),
    ("stock_movements/part-00002.csv", "36b3452668e2b90d"),
    ("anomalies/part-00000.csv", "19d7d73ffcb6e9c6"),
    ("anomalies/part-00001.csv", "8bc124c6864a0cb2"),
    ("anomalies/part-00002.csv", "1a523056a5aff637"),
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
