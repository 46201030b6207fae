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
    ("companies.csv", "61d690316be0e0a6"),
    ("accounts.csv", "fa337adaeeb566f4"),
    ("tax_codes.csv", "cc623aeb883ff14f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "3200fc9a82858853"),
    ("vendor_bank_changes.csv", "9f3e74732263013b"),
    ("customers.csv", "ae6766bad6dd0787"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "cd42d3ab6d70d6ca"),
    ("fixed_assets.csv", "195e4c647cfdc0f0"),
    ("graph_nodes.csv", "d0f5c098dfc686a7"),
    ("journal_entries/part-00000.csv", "999e8696603d297b"),
    ("journal_entries/part-00001.csv", "d1cdc42ed14d8abe"),
    ("journal_entries/part-00002.csv", "d5d60c9639b24798"),
    ("journal_lines/part-00000.csv", "8a6ad976bb84bbf5"),
    ("journal_lines/part-00001.csv", "35faceed61bcf9df"),
    ("journal_lines/part-00002.csv", "f4365f159af3a1a2"),
    ("documents/part-00000.csv", "c8b8765c7fb317e5"),
    ("documents/part-00001.csv", "0af0d838580c038a"),
    ("documents/part-00002.csv", "cf937fd2d10830a6"),
    ("document_items/part-00000.csv", "c1eb83072996e623"),
    ("document_items/part-00001.csv", "5f1e264d86674e28"),
    ("document_items/part-00002.csv", "7417fcbe1bfea8be"),
    ("graph_edges/part-00000.csv", "c38ec2174c1b5b41"),
    ("graph_edges/part-00001.csv", "c64ac19e6f8a5e3d"),
    ("graph_edges/part-00002.csv", "e6b349ba223b4b65"),
    ("anomalies/part-00000.csv", "508b754451a6d5e7"),
    ("anomalies/part-00001.csv", "c723ef4acabb5eb9"),
    ("anomalies/part-00002.csv", "7cbba07f5cb8c640"),
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
