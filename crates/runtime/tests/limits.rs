//! The guard in the loop: a run that needs more than its hard limit stops with
//! `MemoryExceeded` and valid partial files; a soft limit triggers relief; a run that
//! cannot fit is refused before anything is written.
//!
//! The tests of this file measure this process's memory, so they run one at a time.

mod common;

use std::sync::Mutex;
use synth_guard::EffectiveLimit;
use synth_runtime::{Error, GenerationOrchestrator};
use synth_sinks::MANIFEST_FILE;

static SERIAL: Mutex<()> = Mutex::new(());
const MIB: u64 = 1 << 20;

fn ram() -> EffectiveLimit {
    synth_probe::LimitDiscovery::system()
        .discover()
        .expect("limit")
}

fn rss() -> u64 {
    synth_probe::RssReader::new()
        .and_then(|r| r.rss_bytes())
        .expect("rss")
}

#[test]
fn a_run_that_retains_its_batches_stops_at_the_hard_limit_with_valid_partial_output() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = common::config(dir.path(), 5_000_000);
    c.global.check_interval_ms = 10;
    // Small parts, one at a time, so that some are whole before the limit stops the run.
    c.output.part_entries = 4096;
    c.output.threads = Some(1);
    // Room for the estimate and 64 MiB of leak, far less than 5 M entries retained.
    let estimate = synth_runtime::estimate_memory(&c)
        .expect("estimate")
        .streaming_peak;
    c.global.memory_limit = Some(synth_guard::ByteSize(rss() + estimate + 64 * MIB));
    let mut run = GenerationOrchestrator::with_limit(c, ram()).expect("valid");
    // A sink that keeps what it is given: memory grows until the guard stops the run.
    let mut kept = Vec::new();
    run.observe_batches(Box::new(move |b| kept.push(b.clone())));
    let err = common::with_watchdog(120, move || run.run()).expect_err("must stop");
    let Error::MemoryExceeded {
        records_written,
        refused_up_front,
        limit,
        used,
        projected,
        ..
    } = &err
    else {
        panic!("expected MemoryExceeded, got {err}")
    };
    assert!(!refused_up_front);
    assert!(
        *records_written > 0 && *records_written < 5_000_000,
        "{err}"
    );
    // Stopped at the limit, or when the next reading would have passed it.
    assert!(*used >= *limit || *projected >= *limit, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("after {records_written} journal entries: using ")),
        "{err}"
    );
    assert_eq!(err.exit_code(), 3);
    let m = common::check_csv_against_manifest(dir.path());
    assert!(!m.complete);
    assert_eq!(m.stop_reason.as_deref(), Some("memory_limit"));
    assert_eq!(m.entries_written, *records_written);
    let entries = m
        .tables
        .iter()
        .find(|t| t.table == "journal_entries")
        .expect("entries table");
    assert_eq!(entries.rows, *records_written);
    common::check_tree_against_manifest(dir.path());
}

#[test]
fn the_soft_limit_triggers_relief_and_the_report_counts_it() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = common::config(dir.path(), 300_000);
    c.global.check_interval_ms = 10;
    let base = rss();
    c.global.memory_limit = Some(synth_guard::ByteSize(base + 2048 * MIB));
    c.global.soft_limit = Some(synth_guard::ByteSize(base + 48 * MIB));
    let mut run = GenerationOrchestrator::with_limit(c, ram()).expect("valid");
    let health = run.health();
    let mut kept = Vec::new();
    run.observe_batches(Box::new(move |b| kept.push(b.clone())));
    let report =
        common::with_watchdog(120, move || run.run()).expect("completes below the hard limit");
    assert!(report.reliefs >= 1, "no relief: {report:?}");
    assert_eq!(health.read().reliefs, report.reliefs);
    assert_eq!(report.entries_written, 300_000);
    assert!(common::check_csv_against_manifest(dir.path()).complete);
}

#[test]
fn a_run_that_cannot_fit_is_refused_before_writing_anything() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("out");
    let mut c = common::config(&out, 1_000_000);
    c.global.memory_limit = Some(synth_guard::ByteSize(rss() + 2 * MIB));
    let err = GenerationOrchestrator::with_limit(c, ram())
        .expect("valid")
        .run()
        .expect_err("refused");
    match &err {
        Error::MemoryExceeded {
            refused_up_front: true,
            records_written: 0,
            ..
        } => {}
        other => panic!("expected a refusal, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.starts_with("refused before writing anything: the estimated peak of"),
        "{msg}"
    );
    assert!(
        msg.contains("(from configured limit)") && msg.contains("raise global.memory_limit"),
        "{msg}"
    );
    assert!(!out.exists(), "nothing on disk");
    assert!(!parent.path().join(MANIFEST_FILE).exists());
}

#[test]
fn the_soft_limit_lowers_the_parts_at_once_before_the_run_stops() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = common::config(dir.path(), 5_000_000);
    c.global.check_interval_ms = 10;
    c.output.part_entries = 20_000;
    c.output.threads = Some(2);
    let estimate = synth_runtime::estimate_memory(&c)
        .expect("estimate")
        .streaming_peak;
    c.global.memory_limit = Some(synth_guard::ByteSize(rss() + estimate + 96 * MIB));
    let mut run = GenerationOrchestrator::with_limit(c, ram()).expect("valid");
    let health = run.health();
    // Memory grows with every batch: past the soft limit (relief: one part at once),
    // then to the hard limit (stop).
    let mut kept = Vec::new();
    run.observe_batches(Box::new(move |b| kept.push(b.clone())));
    let err = common::with_watchdog(120, move || run.run()).expect_err("must stop");
    assert!(matches!(err, Error::MemoryExceeded { .. }), "{err}");
    let h = health.read();
    assert_eq!(h.threads, 2);
    assert!(h.reliefs >= 1, "{h:?}");
    assert_eq!(h.parallelism, 1, "lowered at the soft limit: {h:?}");
    common::check_tree_against_manifest(dir.path());
}
