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
    ("accounts.csv", "029f4037d523a5c4"),
    ("tax_codes.csv", "9eb3bbb57b331c9f"),
    ("cost_centers.csv", "c99bd1fc62f0af07"),
    ("users.csv", "3a15f3b415acc937"),
    ("vendors.csv", "3200fc9a82858853"),
    ("vendor_bank_changes.csv", "9f3e74732263013b"),
    ("customers.csv", "ae6766bad6dd0787"),
    ("materials.csv", "8a017e3904d23696"),
    ("employees.csv", "072aec98f6ee8de7"),
    ("fixed_assets.csv", "290076d6854e5db5"),
    ("graph_nodes.csv", "116bdf7b2725c173"),
    ("journal_entries/part-00000.csv", "5a140df66d04b637"),
    ("journal_entries/part-00001.csv", "95f6e1d03353001d"),
    ("journal_entries/part-00002.csv", "0977e4dbf35c3a8f"),
    ("journal_lines/part-00000.csv", "e369c7fb89759a83"),
    ("journal_lines/part-00001.csv", "87be67a9f68b048d"),
    ("journal_lines/part-00002.csv", "0ea1ce797fb4e529"),
    ("documents/part-00000.csv", "ed2525db3023375e"),
    ("documents/part-00001.csv", "3f0ea674e0db548b"),
    ("documents/part-00002.csv", "353f312ea0532151"),
    ("document_items/part-00000.csv", "66481ac3def77646"),
    ("document_items/part-00001.csv", "feead3e8d422eacf"),
    ("document_items/part-00002.csv", "a141d546f554959e"),
    ("graph_edges/part-00000.csv", "b82fb3d1f9e359f2"),
    ("graph_edges/part-00001.csv", "140f904c7e9b6ff5"),
    ("graph_edges/part-00002.csv", "a30ce0528ae669ba"),
    ("anomalies/part-00000.csv", "5033509c374da6d0"),
    ("anomalies/part-00001.csv", "8ce76cf2a4620fc5"),
    ("anomalies/part-00002.csv", "6c574cae0dd8be87"),
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
