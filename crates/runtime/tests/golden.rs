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
    ("accounts.csv", "7e88ff1a7fa79579"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "37536dc885b4cd1a"),
    ("vendor_bank_changes.csv", "70321687c4710cda"),
    ("customers.csv", "2bbc9e9908e68da8"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "92e3a6f9fc459651"),
    ("fixed_assets.csv", "4678eacbb406624a"),
    ("graph_nodes.csv", "fc06457a12816371"),
    ("journal_entries/part-00000.csv", "73aa771b36a8d55d"),
    ("journal_entries/part-00001.csv", "6ac11b82f71977f0"),
    ("journal_entries/part-00002.csv", "fc2754f4af65c69d"),
    ("journal_lines/part-00000.csv", "320621ef0bee853f"),
    ("journal_lines/part-00001.csv", "0517a1b42facb4ab"),
    ("journal_lines/part-00002.csv", "46e3433c12e3e1a1"),
    ("documents/part-00000.csv", "397decb044a740ed"),
    ("documents/part-00001.csv", "2650fba01c6830c2"),
    ("documents/part-00002.csv", "9ae8e13f83b2da20"),
    ("document_items/part-00000.csv", "172cd41e668298d2"),
    ("document_items/part-00001.csv", "6c5fb1da0ed3af0f"),
    ("document_items/part-00002.csv", "75bf1c8b966c1522"),
    ("graph_edges/part-00000.csv", "0df859afa4a63e69"),
    ("graph_edges/part-00001.csv", "eb99157fce17e87b"),
    ("graph_edges/part-00002.csv", "87e026ae89f5508e"),
    ("payslips/part-00000.csv", "f58f32007c1958a2"),
    ("payslips/part-00001.csv", "065cc83fd32ca936"),
    ("payslips/part-00002.csv", "69c0f25b05784c91"),
    ("expense_claims/part-00000.csv", "082d7f01dd4215b2"),
    ("expense_claims/part-00001.csv", "2b67629cc863c5db"),
    ("expense_claims/part-00002.csv", "6cb9fc42a10dbe8d"),
    ("bank_statements/part-00000.csv", "83a06823d0be20ea"),
    ("bank_statements/part-00001.csv", "7136c7c6a817a3f7"),
    ("bank_statements/part-00002.csv", "7136c7c6a817a3f7"),
    ("bank_statement_lines/part-00000.csv", "197f554cf1f2a3d6"),
    ("bank_statement_lines/part-00001.csv", "daa7d82cec4397c0"),
    ("bank_statement_lines/part-00002.csv", "9da6e2efe08eda90"),
    ("anomalies/part-00000.csv", "26711f93e8db5531"),
    ("anomalies/part-00001.csv", "789b2e890d4b9850"),
    ("anomalies/part-00002.csv", "1908d8008e032503"),
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
