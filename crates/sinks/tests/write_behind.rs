//! Write-behind on a real I/O thread: the files are byte for byte those of a sink that
//! writes on its own thread, and a dead I/O thread is an error, never a hang or a file
//! that looks finished.

use std::path::Path;
use std::thread;
use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{JournalEntry, JournalLine, Record};
use synth_sinks::{
    Format, Sink, SinkError, SinkOptions, TableReport, open_sink, open_sink_with, write_behind,
};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn write_all<R: Record>(mut sink: Box<dyn Sink<R>>, rows: &[R]) -> TableReport {
    for chunk in rows.chunks(1000) {
        sink.write_batch(chunk).expect("writes");
    }
    sink.flush().expect("flushes");
    sink.finish().expect("finishes")
}

#[test]
fn files_match_direct_writes_byte_for_byte() {
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..30_000).expect("valid range");
    // Small buffers and rotation: many buffers go through the queue, across file parts.
    for rotate in [None, Some(2 << 20)] {
        for format in [Format::Csv, Format::Jsonl] {
            let opts = SinkOptions {
                buffer_bytes: 256 << 10,
                rotate_bytes: rotate,
                ..SinkOptions::default()
            };
            let direct = tempfile::tempdir().expect("tempdir");
            let behind_dir = tempfile::tempdir().expect("tempdir");
            let direct_out = synth_sinks::OutputDir::open(direct.path(), false).expect("dir");
            let behind_out = synth_sinks::OutputDir::open(behind_dir.path(), false).expect("dir");
            let want_lines = write_all(
                open_sink(&direct_out, format, &opts).expect("opens"),
                &b.lines,
            );
            let want_entries = write_all(
                open_sink(&direct_out, format, &opts).expect("opens"),
                &b.entries,
            );

            let (queue, worker) = write_behind();
            let io = thread::spawn(move || worker.run());
            let lines: Box<dyn Sink<JournalLine>> =
                open_sink_with(&behind_out, format, &opts, Some(&queue)).expect("opens");
            let entries: Box<dyn Sink<JournalEntry>> =
                open_sink_with(&behind_out, format, &opts, Some(&queue)).expect("opens");
            drop(queue);
            let got_lines = write_all(lines, &b.lines);
            let got_entries = write_all(entries, &b.entries);
            io.join()
                .expect("the I/O thread ends once the sinks are gone");

            assert_eq!(got_lines, want_lines, "{format:?} {rotate:?}");
            assert_eq!(got_entries, want_entries, "{format:?} {rotate:?}");
            assert!(got_lines.files.len() > usize::from(rotate.is_some()));
            assert_eq!(names(direct.path()), names(behind_dir.path()));
            for name in names(direct.path()) {
                let a = std::fs::read(direct.path().join(&name)).expect("reads");
                let c = std::fs::read(behind_dir.path().join(&name)).expect("reads");
                assert!(a == c, "{name} differs");
            }
        }
    }
}

#[test]
fn a_dead_io_thread_is_an_error_and_finishes_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..20_000).expect("valid range");
    let (queue, worker) = write_behind();
    let opts = SinkOptions {
        buffer_bytes: 256 << 10,
        ..SinkOptions::default()
    };
    let mut sink: Box<dyn Sink<JournalLine>> =
        open_sink_with(&out, Format::Csv, &opts, Some(&queue)).expect("opens");
    // The I/O thread panics before it writes anything.
    let io = thread::spawn(move || {
        let _worker = worker;
        panic!("simulated I/O thread failure");
    });
    assert!(io.join().is_err());
    let err = b
        .lines
        .chunks(1000)
        .find_map(|c| sink.write_batch(c).err())
        .or_else(|| sink.flush().err())
        .expect("writing without an I/O thread fails");
    assert!(
        matches!(
            err,
            SinkError::IoThreadGone {
                table: "journal_lines"
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("journal_lines"), "{err}");
    let report = sink.abandon();
    assert_eq!(report.table, "journal_lines");
    assert!(
        names(dir.path())
            .iter()
            .all(|n| n.ends_with(".partial") || n == synth_sinks::LOCK_FILE),
        "{:?}",
        names(dir.path())
    );
}

#[cfg(target_os = "linux")]
#[test]
fn write_errors_come_back_from_the_io_thread() {
    // A directory that vanishes under the sink: its first file cannot be created.
    let dir = tempfile::tempdir().expect("tempdir");
    let gone = dir.path().join("gone");
    let out = synth_sinks::OutputDir::open(&gone, false).expect("output dir");
    let (queue, worker) = write_behind();
    let io = thread::spawn(move || worker.run());
    let mut sink: Box<dyn Sink<JournalLine>> =
        open_sink_with(&out, Format::Csv, &SinkOptions::default(), Some(&queue)).expect("opens");
    std::fs::remove_file(gone.join(synth_sinks::LOCK_FILE)).expect("rm lock");
    std::fs::remove_dir(&gone).expect("rmdir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..1_000).expect("valid range");
    sink.write_batch(&b.lines).expect("only encodes");
    let err = sink.flush().expect_err("the file cannot be created");
    assert!(
        matches!(&err, SinkError::Io { op: "create", path, .. } if path.starts_with(&gone)),
        "{err:?}"
    );
    drop(sink);
    drop(queue);
    io.join().expect("the I/O thread ends");
}
