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
    ("vendors.csv", "62c8293661ce5a4d"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "2bbc9e9908e68da8"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "398e6b57fe03c40e"),
    ("fixed_assets.csv", "db0c44cd4e73a906"),
    ("graph_nodes.csv", "ab2d8a83f89daf03"),
    ("journal_entries/part-00000.csv", "690146f38aa95458"),
    ("journal_entries/part-00001.csv", "ad0a5873c7a6ddff"),
    ("journal_entries/part-00002.csv", "8355bf59a10b6cda"),
    ("journal_lines/part-00000.csv", "a6a6aee7d33bcd1e"),
    ("journal_lines/part-00001.csv", "3fca8768cbcca619"),
    ("journal_lines/part-00002.csv", "b239aaa95246e38d"),
    ("documents/part-00000.csv", "ccdfbf0b5b72d607"),
    ("documents/part-00001.csv", "d792dbede49af557"),
    ("documents/part-00002.csv", "bea6af8d30959927"),
    ("document_items/part-00000.csv", "20346c314fa75b77"),
    ("document_items/part-00001.csv", "deda2e390d1a29e7"),
    ("document_items/part-00002.csv", "8fc30e24228ed5ad"),
    ("graph_edges/part-00000.csv", "f6a89acf91324a68"),
    ("graph_edges/part-00001.csv", "c73c607b859f3e21"),
    ("graph_edges/part-00002.csv", "be147a2ada1cd154"),
    ("payslips/part-00000.csv", "7c1041662051292e"),
    ("payslips/part-00001.csv", "48f7627786db1745"),
    ("payslips/part-00002.csv", "9c32d7ab71cb7199"),
    ("expense_claims/part-00000.csv", "14ed964d02d8aaa0"),
    ("expense_claims/part-00001.csv", "5ff6c42161ecb01f"),
    ("expense_claims/part-00002.csv", "b72bc3941de83d11"),
    ("bank_statements/part-00000.csv", "612d192aaff9d5f4"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "a13dd672f41e5f64"),
    ("bank_statement_lines/part-00001.csv", "c6755044739240fc"),
    ("bank_statement_lines/part-00002.csv", "3a8a3f99ad9f1c5b"),
    ("stock_movements/part-00000.csv", "c69f69c7e81a25a4"),
    ("stock_movements/part-00001.csv", "910e56f8f1a2be8b"),
    ("stock_movements/part-00002.csv", "2013a037cabdf631"),
    ("anomalies/part-00000.csv", "6ea6d18292c81856"),
    ("anomalies/part-00001.csv", "a8ef0298c4a77f8c"),
    ("anomalies/part-00002.csv", "1d686536295c29e5"),
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
