//! The estimate predicts the measured peak RSS within ±25%, for three configs, each
//! run in a child process of its own.

use std::process::Command;
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
    println!("PEAK={}", synth_probe::peak_rss_bytes().expect("getrusage"));
}

#[test]
fn estimates_are_within_25_percent_of_measured_peaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, c) in configs(dir.path()).iter().enumerate() {
        let estimate = estimate_memory(c).expect("estimate").streaming_peak as f64;
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .args(["child", "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE, i.to_string())
            .output()
            .expect("child runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "child failed: {stdout}");
        let peak: f64 = stdout
            .lines()
            .find_map(|l| l.find("PEAK=").map(|i| l[i + 5..].trim().to_string()))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no PEAK in {stdout}"));
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
