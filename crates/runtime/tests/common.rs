//! Helpers shared by the runtime's integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use synth_runtime::Config;
use synth_sinks::Manifest;

/// A small config writing into `dir`.
pub fn config(dir: &Path, entries: u64) -> Config {
    let mut c = Config::default();
    c.transactions.target_count = entries;
    c.output.directory = dir.to_path_buf();
    // Most tests stop their runs early; the up-front free-space check would judge the
    // whole count against the test machine's disk. The test of that check turns it on.
    c.output.space_check = false;
    c
}

/// Runs `f` on a thread and fails the test if it does not end within `secs`: no exit
/// path may hang.
pub fn with_watchdog<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("no result within {secs} s: deadlock?"))
}

/// Checks that every CSV file the manifest lists parses and holds the rows it says.
pub fn check_csv_against_manifest(dir: &Path) -> Manifest {
    let m = Manifest::read(dir).expect("manifest");
    let whole = m.tables.iter().flat_map(|t| t.files.iter());
    {
        for f in whole.chain(&m.partial_files) {
            let mut r = csv::Reader::from_path(dir.join(&f.path)).expect("file opens");
            let mut rows = 0;
            for rec in r.records() {
                rec.unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path));
                rows += 1;
            }
            assert_eq!(rows, f.rows, "{}: rows in file vs manifest", f.path);
        }
    }
    m
}

/// Whether the slow tests run (`SYNTHDATA_SLOW_TESTS=1`, which `.ci/run` sets); when
/// they do not, says so on stderr.
pub fn slow_tests(name: &str) -> bool {
    let on = std::env::var_os("SYNTHDATA_SLOW_TESTS").is_some_and(|v| v != "0");
    if !on {
        eprintln!("SKIPPED: {name} is slow; set SYNTHDATA_SLOW_TESTS=1 to run it (CI does)");
    }
    on
}

/// The names of the files in a directory, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Re-runs this test binary's test `test` alone in a child process with `env` set, and
/// returns the number the child printed as `KEY=value`.
pub fn child_number(test: &str, env: &[(&str, &std::ffi::OsStr)], key: &str) -> u64 {
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = std::process::Command::new(exe);
    // The child helper is `#[ignore]`d, so it never counts as a test of its own.
    cmd.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // libtest prints `test name ... ` on the same line before the child's output.
    let prefix = format!("{key}=");
    stdout
        .lines()
        .find_map(|l| {
            l.find(&prefix).map(|i| {
                l[i + prefix.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {stdout}"))
}

/// Every file under `dir` is the manifest, the lock, a whole file the manifest lists, or
/// a `.partial` file it names; and every file it lists is there.
pub fn check_tree_against_manifest(dir: &Path) {
    let m = Manifest::read(dir).expect("manifest");
    let mut listed: Vec<String> = m
        .tables
        .iter()
        .flat_map(|t| t.files.iter().map(|f| f.path.clone()))
        .chain(m.partial_files.iter().map(|f| f.path.clone()))
        .collect();
    listed.sort();
    let mut found: Vec<String> = walk(dir)
        .into_iter()
        .filter(|rel| rel != "manifest.json" && rel != synth_sinks::LOCK_FILE)
        .collect();
    found.sort();
    assert_eq!(
        found, listed,
        "the files on disk are exactly those the manifest names"
    );
    for f in &m.partial_files {
        assert!(f.path.ends_with(".partial"), "{}", f.path);
    }
    let whole: u64 = m.parts.iter().map(|p| p.entries).sum();
    assert_eq!(
        whole, m.entries_written,
        "entries written = entries of the whole parts"
    );
}

/// Every file under `dir`, as paths relative to it, in no particular order.
pub fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("lists") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).expect("inside");
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    out
}
