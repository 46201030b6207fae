//! Memory stays flat: a child process generating 10 M journal entries to CSV, two parts
//! at once, peaks at most at 64 MiB of RSS (its own `VmHWM`), and within 10% of the
//! 5 M run's peak, plus what its bigger company's master data holds. Each finished part
//! is deleted as soon as it lands (the run never reads its parts back), so the disk holds
//! only the parts being written: about 0.4 GB, not the 9 GB of 10 M entries.

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
    // Entries and lines only (and the anomalies), the CSV formatting whole.
    c.documents.enabled = false;
    c.graph.enabled = false;
    // The same parallelism at both sizes: two parts at once, 20 parts at 5 M, 40 at 10 M;
    // the disk holds the two being written, about 0.4 GB.
    c.output.threads = Some(2);
    c.output.part_entries = 250_000;
    let reaper = Reaper::start(std::path::PathBuf::from(&dir));
    let report = GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    let (deleted, most) = reaper.stop();
    eprintln!(
        "{deleted} finished parts deleted; at most {} MiB on disk",
        most >> 20
    );
    assert!(deleted > 0, "no finished part was seen");
    assert_eq!(
        report.entries_written,
        entries.parse::<u64>().expect("count")
    );
    println!("PEAK={}", synth_probe::peak_rss_bytes().expect("peak RSS"));
}

/// Deletes the finished `*.csv` files under a directory while a run writes there, and
/// measures the most bytes the directory held at once.
struct Reaper {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(u64, u64)>,
}

impl Reaper {
    fn start(dir: std::path::PathBuf) -> Reaper {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let (mut deleted, mut most) = (0, 0);
            loop {
                let last = flag.load(Ordering::Acquire);
                let (n, bytes) = reap(&dir);
                deleted += n;
                most = most.max(bytes);
                if last {
                    return (deleted, most);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        Reaper { stop, thread }
    }

    /// Stops the thread after one last pass: (parts deleted, most bytes on disk).
    fn stop(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        self.thread.join().expect("reaper thread")
    }
}

/// One pass: deletes the finished CSV files under `dir` (recursively); returns how many
/// it deleted and the bytes the directory held before.
fn reap(dir: &std::path::Path) -> (u64, u64) {
    let (mut deleted, mut bytes) = (0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        let path = e.path();
        if meta.is_dir() {
            let (d, b) = reap(&path);
            deleted += d;
            bytes += b;
            continue;
        }
        bytes += meta.len();
        if path.extension().is_some_and(|x| x == "csv") && std::fs::remove_file(&path).is_ok() {
            deleted += 1;
        }
    }
    (deleted, bytes)
}

#[test]
fn ten_million_entries_to_csv_peak_under_64_mib() {
    if !common::slow_tests("ten_million_entries_to_csv_peak_under_64_mib") {
        return;
    }
    // Both runs are many parts long (20 and 40 parts of 250 000, two at once), so what
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
