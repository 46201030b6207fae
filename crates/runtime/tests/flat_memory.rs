//! Memory stays flat: a child process generating 10 M journal entries to CSV, two parts
//! at once, peaks at most at 64 MiB of RSS (its own `VmHWM`), and within 10% of the
//! 5 M run's peak, plus what its bigger company's master data holds.

mod common;

use synth_runtime::GenerationOrchestrator;

const ROLE: &str = "SYNTH_RUNTIME_CHILD_ENTRIES";

fn child_peak(entries: u64) -> u64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = entries.to_string();
    let env = [
        (ROLE, n.as_ref()),
        ("SYNTH_RUNTIME_CHILD_DIR", dir.path().as_os_str()),
    ];
    common::child_number("child", &env, "PEAK")
}

/// Runs in the child only: generates and prints its peak RSS.
#[test]
#[ignore = "a child process of ten_million_entries_to_csv_peak_under_64_mib"]
fn child() {
    let Ok(entries) = std::env::var(ROLE) else {
        return;
    };
    let dir = std::env::var("SYNTH_RUNTIME_CHILD_DIR").expect("dir");
    let mut c = common::config(std::path::Path::new(&dir), entries.parse().expect("count"));
    // Entries and lines only, to keep the disk use of 10 M entries near 9 GB.
    c.documents.enabled = false;
    c.graph.enabled = false;
    // The same parallelism at both sizes: two parts at once, 2 parts at 1 M, 20 at 10 M.
    c.output.threads = Some(2);
    c.output.part_entries = 500_000;
    let report = GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    assert_eq!(
        report.entries_written,
        entries.parse::<u64>().expect("count")
    );
    println!("PEAK={}", synth_probe::peak_rss_bytes().expect("peak RSS"));
}

#[test]
fn ten_million_entries_to_csv_peak_under_64_mib() {
    if !common::slow_tests("ten_million_entries_to_csv_peak_under_64_mib") {
        return;
    }
    // Both runs are many parts long (10 and 20 parts of 500 000, two at once), so what
    // grows with the count of entries shows as the difference.
    let small = child_peak(5_000_000);
    let big = child_peak(10_000_000);
    eprintln!(
        "peak RSS: 5 M entries {} KiB, 10 M entries {} KiB",
        small >> 10,
        big >> 10
    );
    assert!(big <= 64 << 20, "10 M entries peaked at {} MiB", big >> 20);
    // The company grows with the entries asked for (more employees and fixed assets,
    // up to a bound), and its master data is held whole, at most three times (the
    // estimate's sample, the generator's, the tables being written): that much may grow.
    let master = |n| {
        let dir = std::path::Path::new(".");
        synth_generators::master::estimated_bytes(&common::config(dir, n).generator_config())
    };
    let growth = 3 * master(10_000_000).saturating_sub(master(5_000_000));
    eprintln!("master data grows by {} KiB", growth >> 10);
    assert!(growth < 8 << 20, "master data grows by {growth} bytes");
    assert!(
        (big as f64) <= small as f64 * 1.10 + growth as f64,
        "not flat: {small} at 5 M, {big} at 10 M"
    );
}
