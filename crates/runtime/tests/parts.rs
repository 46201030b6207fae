//! Parts: a run's streaming tables are cut into parts of a configured number of entries;
//! the bytes depend on that number alone, never on the threads that write them.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use synth_runtime::{Compression, Config, GenerationOrchestrator};
use synth_sinks::{Format, Manifest};

const ENTRIES: u64 = 10_000;
const PART: u64 = 3_000;

fn config(dir: &Path, format: Format, part_entries: u64, threads: usize) -> Config {
    let mut c = common::config(dir, ENTRIES);
    c.output.format = format;
    c.output.part_entries = part_entries;
    c.output.threads = Some(threads);
    // Small batches: several per part, so parts interleave between threads.
    c.output.batch_size = 700;
    c
}

fn run(c: Config) -> Manifest {
    let dir = c.output.directory.clone();
    let report = GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    assert_eq!(report.entries_written, ENTRIES);
    let m = Manifest::read(&dir).expect("manifest");
    assert!(m.complete);
    m
}

/// Every file under `dir` (relative paths), but the manifest and the lock.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::walk(dir)
        .into_iter()
        .filter(|rel| rel != "manifest.json" && rel != synth_sinks::LOCK_FILE)
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).expect("reads");
            (rel, bytes)
        })
        .collect()
}

#[test]
fn threads_1_2_and_3_write_byte_identical_parts_in_every_format() {
    for (format, compression) in [
        (Format::Csv, None),
        (Format::Jsonl, Some(Compression::Zstd)),
        (Format::Parquet, None),
    ] {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("tmp")).collect();
        let mut trees = Vec::new();
        for (d, threads) in dirs.iter().zip([1, 2, 3]) {
            let mut c = config(d.path(), format, PART, threads);
            c.output.compression = compression;
            let m = run(c);
            assert_eq!(m.parts_total, 4);
            let parts: Vec<_> = m.parts.iter().map(|p| (p.part, p.entries)).collect();
            assert_eq!(parts, [(0, 3000), (1, 3000), (2, 3000), (3, 1000)]);
            trees.push(tree(d.path()));
        }
        let names: Vec<_> = trees[0].keys().cloned().collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("journal_lines/part-00003.")),
            "{names:?}"
        );
        assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
        for t in &trees[1..] {
            assert_eq!(
                t.keys().collect::<Vec<_>>(),
                trees[0].keys().collect::<Vec<_>>()
            );
            for (name, bytes) in t {
                assert!(*bytes == trees[0][name], "{format:?}: {name} differs");
            }
        }
    }
}

/// The data rows of a CSV file (its lines after the header), and its header.
fn csv_rows(path: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(path).expect("reads");
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().expect("header");
    (header, lines.collect())
}

#[test]
fn a_one_part_run_is_the_concatenation_of_a_many_part_run_and_no_entry_crosses_a_part() {
    let one = tempfile::tempdir().expect("tmp");
    let many = tempfile::tempdir().expect("tmp");
    run(config(one.path(), Format::Csv, ENTRIES, 2));
    let m = run(config(many.path(), Format::Csv, PART, 2));
    assert!(one.path().join("journal_lines.csv").is_file());
    for table in [
        "journal_entries",
        "journal_lines",
        "documents",
        "document_items",
        "graph_edges",
    ] {
        let (header, whole) = csv_rows(&one.path().join(format!("{table}.csv")));
        let mut joined = Vec::new();
        for p in 0..m.parts_total {
            let (h, rows) = csv_rows(&many.path().join(format!("{table}/part-{p:05}.csv")));
            assert_eq!(h, header, "{table} part {p}");
            joined.extend(rows);
        }
        assert!(
            joined == whole,
            "{table}: parts joined differ from the one file"
        );
    }
    // Every line, document and edge of part k belongs to an entry of part k.
    for p in 0..m.parts_total {
        let (_, entries) = csv_rows(&many.path().join(format!("journal_entries/part-{p:05}.csv")));
        let ids: BTreeSet<String> = entries
            .iter()
            .map(|r| r.split(',').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(ids.len() as u64, m.parts[p as usize].entries);
        for table in ["journal_lines", "documents", "graph_edges"] {
            let path = many.path().join(format!("{table}/part-{p:05}.csv"));
            let mut r = csv::Reader::from_path(&path).expect("opens");
            let col = r
                .headers()
                .expect("header")
                .iter()
                .position(|h| h == "entry_id")
                .expect("entry_id column");
            for rec in r.records() {
                let rec = rec.expect("parses");
                // A document that posts no entry (an order, a goods receipt) has none.
                if rec[col].is_empty() {
                    continue;
                }
                assert!(
                    ids.contains(&rec[col]),
                    "{table} part {p}: {} of another part",
                    &rec[col]
                );
            }
        }
    }
}

#[test]
fn only_the_tables_asked_for_are_written_and_they_equal_a_full_runs() {
    let full = tempfile::tempdir().expect("tmp");
    let some = tempfile::tempdir().expect("tmp");
    run(config(full.path(), Format::Csv, PART, 2));
    let mut c = config(some.path(), Format::Csv, PART, 2);
    c.output.tables = Some(vec!["vendors".into(), "journal_lines".into()]);
    let m = run(c);
    let names: Vec<_> = m.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["vendors", "journal_lines"]);
    let full = tree(full.path());
    let some = tree(some.path());
    assert!(
        some.keys()
            .all(|k| k.starts_with("vendors") || k.starts_with("journal_lines"))
    );
    assert_eq!(some.len(), 1 + 4);
    for (name, bytes) in &some {
        assert!(*bytes == full[name], "{name} differs from the full run's");
    }
}

#[test]
fn master_tables_alone_generate_no_entries() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = config(dir.path(), Format::Csv, PART, 2);
    c.output.tables = Some(vec!["customers".into()]);
    let report = GenerationOrchestrator::new(c)
        .expect("valid")
        .run()
        .expect("completes");
    assert_eq!(report.entries_written, 0);
    let m = Manifest::read(dir.path()).expect("manifest");
    assert!(m.complete, "{m:?}");
    assert_eq!(m.parts_total, 0);
    assert_eq!(
        tree(dir.path()).keys().collect::<Vec<_>>(),
        ["customers.csv"]
    );
}

/// Set in the child process of the test below.
const FEWER_PARTS_CHILD: &str = "SYNTH_FEWER_PARTS_CHILD";

/// Runs in a child process only (its RSS is its own, not that of the other tests of
/// this binary): a Parquet run whose memory limit has room for two parts, not four.
#[test]
#[ignore = "a child process of a_memory_limit_too_small_for_every_thread_runs_fewer_parts_at_once"]
fn fewer_parts_child() {
    if std::env::var_os(FEWER_PARTS_CHILD).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = config(dir.path(), Format::Parquet, PART, 64);
    let estimate = synth_runtime::estimate_memory(&c).expect("estimate");
    assert_eq!(estimate.threads, 4, "at most one per part");
    let one = estimate.with_threads(1);
    // Room under the soft limit (80%) for two parts at once, not four.
    let limit = (one.streaming_peak + one.per_part + (4 << 20)) as f64 / 0.8;
    let limit = synth_runtime::ByteSize(
        limit as u64
            + synth_probe::RssReader::new()
                .and_then(|r| r.rss_bytes())
                .unwrap_or(0),
    );
    c.global.memory_limit = Some(limit);
    let ram = synth_probe::LimitDiscovery::system()
        .discover()
        .expect("limit");
    let report = GenerationOrchestrator::with_limit(c, ram)
        .expect("valid")
        .run()
        .expect("completes with fewer parts at once");
    assert_eq!(report.entries_written, ENTRIES);
    println!("THREADS={}", report.threads);
}

#[test]
fn a_memory_limit_too_small_for_every_thread_runs_fewer_parts_at_once() {
    let threads = common::child_number(
        "fewer_parts_child",
        &[(FEWER_PARTS_CHILD, "1".as_ref())],
        "THREADS",
    );
    assert!((1..4).contains(&threads), "{threads}");
}
