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
    ("companies.csv", "7b889bdb14a8ae5b"),
    ("accounts.csv", "029f4037d523a5c4"),
    ("tax_codes.csv", "9eb3bbb57b331c9f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "6ca77a389be5f49b"),
    ("vendors.csv", "9b0285b76b1ee368"),
    ("customers.csv", "91c70875f9775ed0"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "b41420374aca3bc6"),
    ("fixed_assets.csv", "8b1f146964efc72e"),
    ("graph_nodes.csv", "772b176033f9a70e"),
    ("journal_entries/part-00000.csv", "f605e2e880aa1465"),
    ("journal_entries/part-00001.csv", "67456ac23dd25b34"),
    ("journal_entries/part-00002.csv", "3b582ad2d7c35143"),
    ("journal_lines/part-00000.csv", "bdd16b33ac8a7080"),
    ("journal_lines/part-00001.csv", "541f001c95e0724e"),
    ("journal_lines/part-00002.csv", "ba71db2ab1ce0855"),
    ("documents/part-00000.csv", "a4ff80780de6e6fd"),
    ("documents/part-00001.csv", "52bd4c88c983cb9a"),
    ("documents/part-00002.csv", "4c39b403e05a8ae4"),
    ("document_items/part-00000.csv", "75c3918638087274"),
    ("document_items/part-00001.csv", "23161bbc37fb55f8"),
    ("document_items/part-00002.csv", "621addbf7e16fab1"),
    ("graph_edges/part-00000.csv", "af3c155adfc83ad8"),
    ("graph_edges/part-00001.csv", "fe9b0f8781542d88"),
    ("graph_edges/part-00002.csv", "5ea6b0ea248e1601"),
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
