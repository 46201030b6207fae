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
    ("employees.csv", "072aec98f6ee8de7"),
    ("fixed_assets.csv", "290076d6854e5db5"),
    ("graph_nodes.csv", "772b176033f9a70e"),
    ("journal_entries/part-00000.csv", "fe35f94b1df25519"),
    ("journal_entries/part-00001.csv", "c295c11e4446f8af"),
    ("journal_entries/part-00002.csv", "445a267c1d878a2b"),
    ("journal_lines/part-00000.csv", "a679fb6707714f75"),
    ("journal_lines/part-00001.csv", "b03ee577c485e0a0"),
    ("journal_lines/part-00002.csv", "cff5c5a3ac1c3da9"),
    ("documents/part-00000.csv", "fcecf7feb593ed82"),
    ("documents/part-00001.csv", "1de5bcb4aa305534"),
    ("documents/part-00002.csv", "07cb987a9c0d0361"),
    ("document_items/part-00000.csv", "66481ac3def77646"),
    ("document_items/part-00001.csv", "5584c7e68f904455"),
    ("document_items/part-00002.csv", "fafdc4f4bfaffa06"),
    ("graph_edges/part-00000.csv", "bdee6abf779adaef"),
    ("graph_edges/part-00001.csv", "d66273e6204e9a84"),
    ("graph_edges/part-00002.csv", "29a2a33b7b8dc29f"),
    ("anomalies/part-00000.csv", "9c250beb375d2a73"),
    ("anomalies/part-00001.csv", "3d34ce2c3e3400f0"),
    ("anomalies/part-00002.csv", "117cf5dd8440f737"),
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
