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
    ("accounts.csv", "2478ac11c829f60c"),
    ("tax_codes.csv", "871cd843e0d31c72"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "aa8eb16ba5cf66a7"),
    ("vendors.csv", "45d7343e20cf7631"),
    ("vendor_bank_changes.csv", "7fd1c19802769a27"),
    ("customers.csv", "ef34b524fbf1122d"),
    ("materials.csv", "ccecad9f2604e016"),
    ("employees.csv", "c9aa5b19aa932597"),
    ("fixed_assets.csv", "4333ef57c702a14e"),
    ("graph_nodes.csv", "cd6323c3e178467d"),
    ("journal_entries/part-00000.csv", "4235df489a91d539"),
    ("journal_entries/part-00001.csv", "4182e83dbc25f1a5"),
    ("journal_entries/part-00002.csv", "38197470ba48273a"),
    ("journal_lines/part-00000.csv", "61b4e07e9ae69217"),
    ("journal_lines/part-00001.csv", "10024f6a6f3d4513"),
    ("journal_lines/part-00002.csv", "9f08c4c75c4b3080"),
    ("documents/part-00000.csv", "efc1b0b27e513922"),
    ("documents/part-00001.csv", "76c952193512f10f"),
    ("documents/part-00002.csv", "166f7ec6483e5ae5"),
    ("document_items/part-00000.csv", "75ce72394058546a"),
    ("document_items/part-00001.csv", "a43395589fca2bcf"),
    ("document_items/part-00002.csv", "a45737c5b0bb4567"),
    ("graph_edges/part-00000.csv", "a2a191710aecd7f5"),
    ("graph_edges/part-00001.csv", "3e7c6659781a6843"),
    ("graph_edges/part-00002.csv", "1ec3cbd2f503a087"),
    ("anomalies/part-00000.csv", "746bd085ec2488a1"),
    ("anomalies/part-00001.csv", "8d397d05cfe35954"),
    ("anomalies/part-00002.csv", "65508e4f77cb9f5d"),
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
