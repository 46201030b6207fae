//! The estimate predicts the measured peak RSS within ±25%, for three configs, each
//! run in a child process of its own.

mod common;

use synth_runtime::{Config, GenerationOrchestrator, estimate_memory};
use synth_sinks::Format;

const ROLE: &str = "SYNTH_ESTIMATE_CHILD";

fn configs(dir: &std::path::Path) -> Vec<Config> {
    let base = |format: Format, batch: u64, entries: u64| {
        let mut c = Config::default();
        c.output.directory = dir.to_path_buf();
        c.output.format = format;
        c.output.batch_size = batch;
        c.transactions.target_count = entries;
        c
    };
    let mut jsonl = base(Format::Jsonl, 16_384, 200_000);
    jsonl.documents.enabled = false;
    vec![
        base(Format::Csv, 4096, 300_000),
        jsonl,
        base(Format::Parquet, 8192, 200_000),
    ]
}

/// Runs in the child only: runs config number `SYNTH_ESTIMATE_CHILD` and prints its peak.
#[test]
#[ignore = "a child process of the estimate test"]
fn child() {
    let Ok(which) = std::env::var(ROLE) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let c = configs(dir.path()).swap_remove(which.parse().expect("index"));
    GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    println!("PEAK={}", synth_probe::peak_rss_bytes().expect("peak RSS"));
}

#[test]
fn estimates_are_within_25_percent_of_measured_peaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, c) in configs(dir.path()).iter().enumerate() {
        let estimate = estimate_memory(c).expect("estimate").streaming_peak as f64;
        let which = i.to_string();
        let peak = common::child_number("child", &[(ROLE, which.as_ref())], "PEAK") as f64;
        let error = (estimate - peak) / peak;
        eprintln!(
            "config {i} ({}): estimate {:.1} MiB, peak {:.1} MiB, {:+.1}%",
            c.output.format.name(),
            estimate / 1048576.0,
            peak / 1048576.0,
            error * 100.0
        );
        assert!(
            error.abs() <= 0.25,
            "config {i}: estimate {estimate}, measured {peak}"
        );
    }
}

#[test]
fn the_disk_estimate_of_each_table_is_within_a_third_of_what_is_written() {
    // Every table with rows, the scheduled ones too (payslips, bank statements): none
    // estimated at nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Config::default();
    c.output.directory = dir.path().join("out");
    c.transactions.target_count = 30_000;
    let estimate = estimate_memory(&c).expect("estimate");
    GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    let manifest = synth_sinks::Manifest::read(&dir.path().join("out")).expect("manifest");
    for t in manifest.tables.iter().filter(|t| t.rows >= 20) {
        let e = estimate
            .per_table
            .iter()
            .find(|e| e.table == t.table)
            .expect("every table estimated");
        let ratio = e.disk_bytes as f64 / t.bytes as f64;
        assert!(
            (0.67..=1.5).contains(&ratio),
            "{}: estimated {} bytes, wrote {} ({ratio:.2})",
            t.table,
            e.disk_bytes,
            t.bytes
        );
    }
}
