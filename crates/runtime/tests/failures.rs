//! Every way a run can end early ends promptly, with the right error and files that
//! are either whole or clearly `.partial`: a full disk, a cancel, a panicking thread.

mod common;

use std::process::Command;
use synth_runtime::{Error, GenerationOrchestrator};
use synth_sinks::Manifest;

/// A tmpfs of `size` mounted on a fresh directory, unmounted on drop. Needs root (CI
/// runs as root); `None` elsewhere.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

/// Runs 1 M entries in `format` into an 8 MiB tmpfs and checks the run ends with
/// `DiskFull` naming a path in the output directory, exit code 1, and that neither
/// streaming table's file looks finished. Returns the disk and the output directory.
fn fill_the_disk(format: synth_sinks::Format) -> Option<(SmallDisk, std::path::PathBuf)> {
    let Some(disk) = SmallDisk::mount("8m") else {
        // Mounting needs root; CI has it. Say so rather than pass silently.
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return None;
    };
    let dir = disk.0.path().join("out");
    let mut c = common::config(&dir, 1_000_000);
    c.output.format = format;
    let run = GenerationOrchestrator::new(c).expect("valid");
    let err = common::with_watchdog(60, move || run.run()).expect_err("disk fills up");
    let Error::Sink(synth_sinks::SinkError::DiskFull { path }) = &err else {
        panic!("expected DiskFull, got {err}")
    };
    assert!(path.starts_with(&dir), "{path:?}");
    assert_eq!(err.exit_code(), 1);
    assert!(
        err.to_string().starts_with("disk full while writing "),
        "{err}"
    );
    let names = common::files(&dir);
    for table in ["journal_entries", "journal_lines"] {
        let finished = format!("{table}.{}", format.name());
        assert!(!names.contains(&finished), "{names:?}");
    }
    // The room kept for it let the manifest record why the run stopped.
    let m = synth_sinks::Manifest::read(&dir).expect("a manifest despite the full disk");
    assert!(!m.complete);
    assert_eq!(m.stop_reason.as_deref(), Some("error"));
    let message = m.stop_message.unwrap_or_default();
    assert!(message.contains("disk full"), "{message}");
    assert!(
        !names.iter().any(|n| n == "manifest.json.partial"),
        "{names:?}"
    );
    Some((disk, dir))
}

#[test]
fn a_run_that_clearly_cannot_fit_the_disk_is_refused_before_writing() {
    let Some(disk) = SmallDisk::mount("8m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return;
    };
    let dir = disk.0.path().join("out");
    let mut c = common::config(&dir, 1_000_000);
    c.output.space_check = true;
    let run = GenerationOrchestrator::new(c).expect("valid");
    let err = run.run().expect_err("does not fit");
    let Error::NoSpace { needed, free, .. } = &err else {
        panic!("expected NoSpace, got {err}")
    };
    assert!(*needed > 100 << 20 && *free <= 8 << 20, "{needed} {free}");
    assert_eq!(err.exit_code(), 1);
    assert!(
        err.to_string().contains("output.space_check: false"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("--"),
        "the library names no flag: {err}"
    );
    assert!(!dir.exists(), "nothing written");
}

#[test]
fn a_full_disk_ends_the_run_with_disk_full_and_readable_rows() {
    let Some((_disk, dir)) = fill_the_disk(synth_sinks::Format::Csv) else {
        return;
    };
    // The streaming files stay .partial, and rows that reached the file parse (the
    // last one may be cut by the full disk).
    let text = std::fs::read_to_string(dir.join("journal_entries.csv.partial")).expect("readable");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let whole = reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.len() == <synth_model::JournalEntry as synth_model::Record>::SCHEMA.len())
        .count();
    assert!(whole > 0, "some rows were written before the disk filled");
}

#[test]
fn a_full_disk_under_parquet_is_disk_full_and_finishes_no_streaming_file() {
    let Some((_disk, dir)) = fill_the_disk(synth_sinks::Format::Parquet) else {
        return;
    };
    assert!(dir.join("journal_lines.parquet.partial").is_file());
}

#[test]
fn cancel_stops_promptly_with_valid_partial_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = common::config(dir.path(), 50_000_000);
    c.output.part_entries = 4096;
    let mut run = GenerationOrchestrator::new(c).expect("valid");
    let cancel = run.cancel_handle();
    let mut batches = 0;
    run.observe_batches(Box::new(move |_| {
        batches += 1;
        if batches == 5 {
            cancel.cancel();
        }
    }));
    let err = common::with_watchdog(60, move || run.run()).expect_err("cancelled");
    let Error::Interrupted { records_written } = err else {
        panic!("expected Interrupted, got {err}")
    };
    // Whole parts only: the parts in flight stay .partial.
    assert!(records_written < 50_000_000);
    assert_eq!(Error::Interrupted { records_written }.exit_code(), 130);
    let m = common::check_csv_against_manifest(dir.path());
    assert!(!m.complete);
    assert_eq!(m.stop_reason.as_deref(), Some("interrupted"));
    assert_eq!(m.entries_written, records_written);
    assert_eq!(m.parts.len() as u64 * 4096, records_written);
    common::check_tree_against_manifest(dir.path());
}

#[test]
fn a_panic_in_the_writer_thread_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = common::config(dir.path(), 10_000_000);
    // One part, so one writer, and its files are TABLE.csv.partial.
    c.output.part_entries = 10_000_000;
    let mut run = GenerationOrchestrator::new(c).expect("valid");
    let mut batches = 0;
    run.observe_batches(Box::new(move |_| {
        batches += 1;
        assert!(batches < 3, "injected writer failure");
    }));
    let err = common::with_watchdog(60, move || run.run()).expect_err("panics");
    let Error::ThreadPanicked { thread, message } = &err else {
        panic!("expected ThreadPanicked, got {err}")
    };
    assert_eq!(*thread, "writer");
    assert!(message.contains("injected writer failure"), "{message}");
    // Nothing was finished: the streaming files are .partial and the manifest says so.
    let names = common::files(dir.path());
    assert!(
        names.contains(&"journal_lines.csv.partial".to_string()),
        "{names:?}"
    );
    let m = Manifest::read(dir.path()).expect("manifest");
    assert!(!m.complete);
    assert_eq!(m.stop_reason.as_deref(), Some("error"));
}

#[test]
fn a_run_stopped_by_a_full_disk_resumes_once_there_is_room_and_equals_a_whole_run() {
    let Some(disk) = SmallDisk::mount("24m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return;
    };
    let dir = disk.0.path().join("out");
    let config = |dir: &std::path::Path| {
        let mut c = common::config(dir, 60_000);
        c.output.part_entries = 5_000;
        c.output.threads = Some(2);
        c
    };
    let err = GenerationOrchestrator::new(config(&dir))
        .expect("valid")
        .run()
        .expect_err("the disk fills up");
    assert!(
        matches!(err, Error::Sink(synth_sinks::SinkError::DiskFull { .. })),
        "{err}"
    );
    let m = Manifest::read(&dir).expect("the manifest is written even on a full disk");
    assert!(!m.complete);
    assert!(
        !m.parts.is_empty(),
        "some parts were whole before the disk filled"
    );
    // Room again: the same run resumed keeps its whole parts and makes the rest.
    let grown = Command::new("mount")
        .args(["-o", "remount,size=256m"])
        .arg(disk.0.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(grown, "remount");
    let mut c = config(&dir);
    c.output.resume = true;
    GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("the resumed run completes");
    let whole = tempfile::tempdir().expect("tempdir");
    GenerationOrchestrator::new(config(whole.path()))
        .expect("valid")
        .run()
        .expect("completes");
    let resumed = Manifest::read(&dir).expect("manifest");
    assert!(resumed.complete);
    let files = |m: &Manifest| -> Vec<(String, String)> {
        m.tables
            .iter()
            .flat_map(|t| t.files.iter().map(|f| (f.path.clone(), f.xxh3.clone())))
            .collect()
    };
    assert_eq!(
        files(&resumed),
        files(&Manifest::read(whole.path()).expect("manifest"))
    );
    common::check_tree_against_manifest(&dir);
}

#[test]
fn a_shard_needs_room_for_its_own_parts_only() {
    let Some(disk) = SmallDisk::mount("48m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return;
    };
    let config = |dir: std::path::PathBuf, shard: Option<&str>| {
        let mut c = common::config(&dir, 120_000);
        c.output.part_entries = 10_000;
        c.output.space_check = true;
        c.output.shard = shard.map(str::to_string);
        c
    };
    // The whole dataset (about 150 MB of CSV) clearly cannot fit: refused.
    let whole = config(disk.0.path().join("whole"), None);
    let err = GenerationOrchestrator::new(whole)
        .expect("valid")
        .run()
        .expect_err("no room");
    assert!(matches!(err, Error::NoSpace { .. }), "{err}");
    // One shard of six (2 of the 12 parts) fits and is written.
    let shard = config(disk.0.path().join("shard"), Some("1/6"));
    let report = GenerationOrchestrator::new(shard)
        .expect("valid")
        .run()
        .expect("the shard fits");
    assert_eq!(report.entries_written, 20_000);
}
