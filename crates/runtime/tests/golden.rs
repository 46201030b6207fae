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
    ("accounts.csv", "fa337adaeeb566f4"),
    ("tax_codes.csv", "cc623aeb883ff14f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "9f21b312b5e69e7a"),
    ("vendor_bank_changes.csv", "9f3e74732263013b"),
    ("customers.csv", "0d2a8a147e97d937"),
    ("materials.csv", "b5c240a606650adb"),
    ("employees.csv", "1bcc397a6fef4b55"),
    ("fixed_assets.csv", "df3c13ce7a8bdee0"),
    ("graph_nodes.csv", "0d8f2dcc3c603db9"),
    ("journal_entries/part-00000.csv", "0f6b69d6c3726c8e"),
    ("journal_entries/part-00001.csv", "4cfda8ed170eaddf"),
    ("journal_entries/part-00002.csv", "f8130b159025b280"),
    ("journal_lines/part-00000.csv", "2f615990f2c65f28"),
    ("journal_lines/part-00001.csv", "11396e6200bee926"),
    ("journal_lines/part-00002.csv", "6e54d2a6b2ce7e90"),
    ("documents/part-00000.csv", "5c06ae9e481b091d"),
    ("documents/part-00001.csv", "4860091be692dc29"),
    ("documents/part-00002.csv", "6c5aa5979fdb2919"),
    ("document_items/part-00000.csv", "964e474ff93bbb69"),
    ("document_items/part-00001.csv", "a1cebba14f8fdabc"),
    ("document_items/part-00002.csv", "9a006bbd090f8dd9"),
    ("graph_edges/part-00000.csv", "bed02037200fb31d"),
    ("graph_edges/part-00001.csv", "5ed3413fd337b6cc"),
    ("graph_edges/part-00002.csv", "bb44580468d0911d"),
    ("anomalies/part-00000.csv", "d676d1600773126a"),
    ("anomalies/part-00001.csv", "6eac6e5940498f35"),
    ("anomalies/part-00002.csv", "51e10501285ef321"),
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
