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
    for t in &m.tables {
        for f in &t.files {
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
