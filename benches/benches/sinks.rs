//! Encoders: rows per second and bytes per second into memory (the formatting limit)
//! and into a file, for CSV, JSON Lines and Parquet.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
use synth_model::{JournalLine, Record};
use synth_sinks::{CsvEncoder, Format, JsonlEncoder, RowEncoder, SinkOptions, open_sink};

fn encode_into_memory<E: RowEncoder>(mut enc: E, lines: &[JournalLine], buf: &mut Vec<u8>) {
    buf.clear();
    enc.header(<JournalLine as synth_model::Record>::SCHEMA, buf);
    for l in lines {
        enc.row(l, buf);
    }
    black_box(&buf);
}

/// Encodes every streaming table of a batch, as a run's writer does (without the files).
fn encode_batch<E: RowEncoder + Clone>(enc: &E, b: &Batch, full: bool, buf: &mut Vec<u8>) {
    fn table<E: RowEncoder + Clone, R: Record>(enc: &E, rows: &[R], buf: &mut Vec<u8>) {
        let mut enc = enc.clone();
        enc.header(R::SCHEMA, buf);
        for r in rows {
            enc.row(r, buf);
        }
    }
    buf.clear();
    table(enc, &b.entries, buf);
    table(enc, &b.lines, buf);
    if full {
        table(enc, &b.documents, buf);
        table(enc, &b.items, buf);
        table(enc, &b.edges, buf);
    }
    black_box(&buf);
}

fn sinks(c: &mut Criterion) {
    let generator = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let batch = generator.generate_range(0..30_000).expect("valid range");
    let lines = batch.lines.clone();
    let mut buf = Vec::with_capacity(64 << 20);
    encode_into_memory(CsvEncoder::default(), &lines, &mut buf);
    let csv_bytes = buf.len() as u64;
    encode_into_memory(JsonlEncoder::default(), &lines, &mut buf);
    let jsonl_bytes = buf.len() as u64;

    let mut g = c.benchmark_group("encode_memory");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.bench_function("csv/lines", |b| {
        b.iter(|| encode_into_memory(CsvEncoder::default(), &lines, &mut buf))
    });
    g.bench_function("jsonl/lines", |b| {
        b.iter(|| encode_into_memory(JsonlEncoder::default(), &lines, &mut buf))
    });
    // The rows a run writes, counted in journal lines: the encoder's limit for a whole run.
    for (name, full) in [("entries_lines", false), ("all_tables", true)] {
        g.bench_function(format!("csv/{name}"), |b| {
            b.iter(|| encode_batch(&CsvEncoder::default(), &batch, full, &mut buf))
        });
        g.bench_function(format!("jsonl/{name}"), |b| {
            b.iter(|| encode_batch(&JsonlEncoder::default(), &batch, full, &mut buf))
        });
    }
    g.throughput(Throughput::Bytes(csv_bytes));
    g.bench_function("csv/bytes", |b| {
        b.iter(|| encode_into_memory(CsvEncoder::default(), &lines, &mut buf))
    });
    g.throughput(Throughput::Bytes(jsonl_bytes));
    g.bench_function("jsonl/bytes", |b| {
        b.iter(|| encode_into_memory(JsonlEncoder::default(), &lines, &mut buf))
    });
    g.finish();

    // Into files: tmpfs where there is one, so the disk's speed does not hide the encoder's.
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        "/dev/shm"
    } else {
        "."
    };
    let mut g = c.benchmark_group("encode_file");
    g.sample_size(10);
    g.throughput(Throughput::Elements(lines.len() as u64));
    for format in [Format::Csv, Format::Jsonl, Format::Parquet] {
        g.bench_function(format!("{}/lines", format.name()), |b| {
            b.iter(|| {
                let dir = tempfile::tempdir_in(base).expect("tempdir");
                let out = synth_sinks::OutputDir::open(dir.path(), false).expect("dir");
                let mut sink =
                    open_sink::<JournalLine>(&out, format, &SinkOptions::default()).expect("opens");
                sink.write_batch(&lines).expect("writes");
                black_box(sink.finish().expect("finishes"));
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sinks);
criterion_main!(benches);
