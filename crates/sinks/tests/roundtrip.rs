//! Every table in every format, written to real files and read back with independent
//! readers (`csv`, `serde_json`, the Parquet reader), compared value by value.

use std::path::Path;
use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{ColumnType, Record, Value};
use synth_sinks::{Format, Manifest, SinkError, SinkOptions, open_sink, uuid_string};

/// The expected text of each field: UUIDs, `1234.56`, `YYYY-MM-DD`, empty for null.
fn expected_row<R: Record>(r: &R) -> Vec<String> {
    let mut row = Vec::new();
    r.visit(&mut |v: Value<'_>| {
        row.push(match v {
            Value::Id(id) => uuid_string(id),
            Value::Int(i) => i.to_string(),
            Value::Money(m) => format!(
                "{}{}.{:02}",
                if m < 0 { "-" } else { "" },
                m.unsigned_abs() / 100,
                m.unsigned_abs() % 100
            ),
            Value::Rate(r) => format!(
                "{}{}.{:08}",
                if r < 0 { "-" } else { "" },
                r.unsigned_abs() / 100_000_000,
                r.unsigned_abs() % 100_000_000
            ),
            Value::Date(d) => {
                let (y, m, day) = d.ymd();
                format!("{y:04}-{m:02}-{day:02}")
            }
            Value::Timestamp(t) => timestamp_text(t.0),
            Value::Bool(b) => b.to_string(),
            Value::Text(t) | Value::Static(t) => t.to_string(),
            Value::Null => String::new(),
        })
    });
    row
}

/// `YYYY-MM-DD HH:MM:SS` of seconds since the epoch.
fn timestamp_text(seconds: i64) -> String {
    let t = synth_model::DateTime(seconds);
    let (y, m, day) = t.date().ymd();
    let s = t.seconds_of_day();
    format!(
        "{y:04}-{m:02}-{day:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn write<R: Record + Send + 'static>(
    dir: &synth_sinks::OutputDir,
    format: Format,
    records: &[R],
    options: &SinkOptions,
) {
    let mut sink = open_sink::<R>(dir, format, options).expect("sink opens");
    for chunk in records.chunks(777) {
        sink.write_batch(chunk).expect("writes");
    }
    let report = sink.finish().expect("finishes");
    assert_eq!(report.rows, records.len() as u64);
    for f in &report.files {
        assert!(dir.path().join(&f.path).is_file(), "{} exists", f.path);
        assert_eq!(
            std::fs::metadata(dir.path().join(&f.path))
                .expect("stat")
                .len(),
            f.bytes
        );
    }
}

fn check_csv<R: Record>(dir: &Path, records: &[R]) {
    let mut reader = csv::Reader::from_path(dir.join(format!("{}.csv", R::TABLE))).expect("opens");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, R::SCHEMA.iter().map(|c| c.name).collect::<Vec<_>>());
    let mut n = 0;
    for (row, r) in reader.records().zip(records) {
        let row: Vec<String> = row.expect("valid CSV").iter().map(str::to_string).collect();
        assert_eq!(row, expected_row(r));
        n += 1;
    }
    assert_eq!(n, records.len());
}

fn check_jsonl<R: Record>(dir: &Path, records: &[R]) {
    let text = std::fs::read_to_string(dir.join(format!("{}.jsonl", R::TABLE))).expect("reads");
    let mut n = 0;
    for (line, r) in text.lines().zip(records) {
        let obj: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).expect("valid JSON");
        assert_eq!(obj.len(), R::SCHEMA.len());
        for (col, want) in R::SCHEMA.iter().zip(expected_row(r)) {
            let got = &obj[col.name];
            match (col.ty, got) {
                (_, serde_json::Value::Null) => assert!(want.is_empty() && col.nullable),
                (ColumnType::Money, serde_json::Value::Number(x)) => {
                    let cents = (x.as_f64().expect("number") * 100.0).round() as i64;
                    assert_eq!(
                        cents,
                        want.replace('.', "")
                            .parse::<i64>()
                            .expect("expected money")
                    );
                }
                (ColumnType::Rate, serde_json::Value::Number(x)) => {
                    let got = (x.as_f64().expect("number") * 1e8).round() as i64;
                    assert_eq!(
                        got,
                        want.replace('.', "").parse::<i64>().expect("expected rate")
                    );
                }
                (ColumnType::Int, serde_json::Value::Number(x)) => assert_eq!(x.to_string(), want),
                (ColumnType::Bool, serde_json::Value::Bool(b)) => assert_eq!(b.to_string(), want),
                (ColumnType::Timestamp, serde_json::Value::String(s)) => {
                    assert_eq!(s, &want.replacen(' ', "T", 1))
                }
                (_, serde_json::Value::String(s)) => assert_eq!(s, &want),
                other => panic!("unexpected {other:?} for {}", col.name),
            }
        }
        n += 1;
    }
    assert_eq!(n, records.len());
}

fn check_parquet<R: Record>(dir: &Path, records: &[R]) {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let file = std::fs::File::open(dir.join(format!("{}.parquet", R::TABLE))).expect("opens");
    let reader = SerializedFileReader::new(file).expect("valid Parquet");
    assert_eq!(
        reader.metadata().file_metadata().num_rows() as usize,
        records.len()
    );
    let mut n = 0;
    for (row, r) in reader.get_row_iter(None).expect("rows").zip(records) {
        let row = row.expect("row reads");
        let got: Vec<String> = row
            .get_column_iter()
            .map(|(_, f)| match f {
                Field::Null => String::new(),
                Field::Long(v) => v.to_string(),
                Field::Bool(b) => b.to_string(),
                Field::Str(s) => s.clone(),
                Field::TimestampMicros(v) => timestamp_text(v.div_euclid(1_000_000)),
                Field::Date(d) => {
                    let (y, m, day) = synth_model::Date(*d).ymd();
                    format!("{y:04}-{m:02}-{day:02}")
                }
                Field::Decimal(d) => {
                    let v = i64::from_be_bytes(d.data().try_into().expect("8 bytes"));
                    let unit = 10u64.pow(d.scale() as u32);
                    format!(
                        "{}{}.{:0width$}",
                        if v < 0 { "-" } else { "" },
                        v.unsigned_abs() / unit,
                        v.unsigned_abs() % unit,
                        width = d.scale() as usize
                    )
                }
                Field::Bytes(b) => {
                    uuid_string(u128::from_be_bytes(b.data().try_into().expect("16 bytes")))
                }
                other => panic!("unexpected field {other:?}"),
            })
            .collect();
        assert_eq!(got, expected_row(r));
        n += 1;
    }
    assert_eq!(n, records.len());
}

fn roundtrip_all(format: Format) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..3_000).expect("valid range");
    let md = g.master_data();
    let opts = SinkOptions::default();
    macro_rules! each_table {
        ($check:ident) => {{
            write(&out, format, &b.entries, &opts);
            $check(dir.path(), &b.entries);
            write(&out, format, &b.lines, &opts);
            $check(dir.path(), &b.lines);
            write(&out, format, &b.documents, &opts);
            $check(dir.path(), &b.documents);
            write(&out, format, &b.items, &opts);
            $check(dir.path(), &b.items);
            write(&out, format, &b.edges, &opts);
            $check(dir.path(), &b.edges);
            assert!(!b.anomalies.is_empty(), "the sample holds anomalies");
            write(&out, format, &b.anomalies, &opts);
            $check(dir.path(), &b.anomalies);
            write(&out, format, &md.accounts, &opts);
            $check(dir.path(), &md.accounts);
            write(&out, format, &md.vendors, &opts);
            $check(dir.path(), &md.vendors);
            write(&out, format, &md.customers, &opts);
            $check(dir.path(), &md.customers);
            write(&out, format, &md.nodes, &opts);
            $check(dir.path(), &md.nodes);
        }};
    }
    match format {
        Format::Csv => each_table!(check_csv),
        Format::Jsonl => each_table!(check_jsonl),
        Format::Parquet => each_table!(check_parquet),
        Format::Null => {}
    }
    // Nothing half-written is left behind.
    for entry in std::fs::read_dir(dir.path()).expect("lists") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(!name.ends_with(".partial"), "{name}");
    }
}

#[test]
fn csv_roundtrip_every_table() {
    roundtrip_all(Format::Csv);
}

#[test]
fn jsonl_roundtrip_every_table() {
    roundtrip_all(Format::Jsonl);
}

#[test]
fn parquet_roundtrip_every_table() {
    roundtrip_all(Format::Parquet);
}

/// A record with awkward text, to test quoting and escaping in every format.
struct Awkward(&'static str);
impl Record for Awkward {
    const TABLE: &'static str = "journal_entries";
    const SCHEMA: &'static [synth_model::Column] = &[
        synth_model::Column::new("text", ColumnType::Text),
        synth_model::Column::nullable("maybe", ColumnType::Id),
        synth_model::Column::new("static_text", ColumnType::Text),
    ];
    fn visit<V: synth_model::FieldVisitor>(&self, v: &mut V) {
        v.field(Value::Text(self.0));
        v.field(Value::Null);
        // The same text as `'static`: the encoders remember clean ones by address.
        v.field(Value::Static(self.0));
    }
}

#[test]
fn quoting_and_escaping_edge_cases() {
    // A clean prefix at the same address as a text that needs quoting, and the reverse.
    const COMMA: &str = "comma, inside";
    const QUOTED: &str = "\"quoted\" at the end";
    let once = [
        Awkward(&COMMA[..5]),
        Awkward(COMMA),
        Awkward(&QUOTED[1..7]),
        Awkward(QUOTED),
        Awkward("plain"),
        Awkward("comma, inside"),
        Awkward("quote \" inside"),
        Awkward("\"starts and ends\""),
        Awkward("new\nline"),
        Awkward("carriage\r\nreturn"),
        Awkward("tab\tand \u{1} control"),
        Awkward("back\\slash"),
        Awkward("ünïcödé ✓"),
        Awkward(""),
    ];
    // Twice over, so every text is seen again after it was (or was not) remembered.
    let nasty: Vec<Awkward> = once.iter().chain(&once).map(|a| Awkward(a.0)).collect();
    for format in [Format::Csv, Format::Jsonl, Format::Parquet] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
        write(&out, format, &nasty, &SinkOptions::default());
        match format {
            Format::Csv => check_csv(dir.path(), &nasty),
            Format::Jsonl => check_jsonl(dir.path(), &nasty),
            _ => check_parquet(dir.path(), &nasty),
        }
    }
}

#[test]
fn rotation_splits_files_with_a_header_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..20_000).expect("valid range");
    let opts = SinkOptions {
        rotate_bytes: Some(1 << 20),
        buffer_bytes: 256 << 10,
        ..SinkOptions::default()
    };
    let mut sink = open_sink::<synth_model::JournalLine>(&out, Format::Csv, &opts).expect("opens");
    sink.write_batch(&b.lines).expect("writes");
    let report = sink.finish().expect("finishes");
    assert!(report.files.len() > 2, "{report:?}");
    let mut rows = 0;
    for (k, f) in report.files.iter().enumerate() {
        assert_eq!(f.path, format!("journal_lines.part-{:05}.csv", k + 1));
        let mut r = csv::Reader::from_path(dir.path().join(&f.path)).expect("opens");
        assert_eq!(r.headers().expect("header").get(0), Some("entry_id"));
        let n = r.records().count() as u64;
        assert_eq!(n, f.rows);
        rows += n;
    }
    assert_eq!(rows, b.lines.len() as u64);
}

#[test]
fn a_full_disk_is_disk_full_naming_the_path() {
    let enospc = std::io::Error::from(std::io::ErrorKind::StorageFull);
    let err = SinkError::io("write", "/data/journal_lines.csv.partial", enospc);
    assert!(matches!(&err, SinkError::DiskFull { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "disk full while writing /data/journal_lines.csv.partial"
    );
}

#[test]
fn a_sink_dropped_without_finish_leaves_only_partial_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..5_000).expect("valid range");
    for format in [Format::Csv, Format::Jsonl, Format::Parquet] {
        let mut sink = open_sink::<synth_model::JournalLine>(&out, format, &SinkOptions::default())
            .expect("opens");
        sink.write_batch(&b.lines).expect("writes");
        sink.flush().expect("flushes");
        drop(sink);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != synth_sinks::LOCK_FILE)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "journal_lines.csv.partial",
            "journal_lines.jsonl.partial",
            "journal_lines.parquet.partial"
        ]
    );
}

#[test]
fn output_dir_refuses_non_empty_and_overwrite_removes_only_its_own_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let put = |name: &str| std::fs::write(d.join(name), "x").expect("writes");
    // An earlier run: its manifest lists journal_lines.csv; it left a .partial.
    let mut m = manifest();
    m.tables = vec![synth_sinks::TableReport {
        table: "journal_lines".into(),
        rows: 1,
        bytes: 1,
        files: ["journal_lines.csv", "journal_lines/part-00001.csv"]
            .map(|path| synth_sinks::FileReport {
                path: path.into(),
                rows: 1,
                bytes: 1,
                xxh3: "0".into(),
                part: None,
            })
            .to_vec(),
    }];
    std::fs::write(
        d.join("manifest.json"),
        serde_json::to_vec(&m).expect("json"),
    )
    .expect("w");
    put("journal_lines.csv");
    put("documents.csv.partial");
    // Parts in a table's directory: one listed, one unfinished, and the user's file.
    std::fs::create_dir(d.join("journal_lines")).expect("mkdir");
    std::fs::create_dir(d.join("documents")).expect("mkdir");
    put("journal_lines/part-00001.csv");
    put("journal_lines/part-00002.csv.partial");
    put("journal_lines/part-00003.csv");
    put("journal_lines/mine.txt");
    put("documents/part-00000.csv.partial");
    // The user's files, some with names close to the tool's.
    for theirs in [
        "accounts.xlsx",
        "documents.pdf",
        "manifest.json.bak",
        "notes.txt",
    ] {
        put(theirs);
    }
    let err = synth_sinks::OutputDir::open(d, false).expect_err("refuses");
    assert!(matches!(err, SinkError::NotEmpty { .. }), "{err}");
    drop(synth_sinks::OutputDir::open(d, true).expect("overwrite"));
    for gone in [
        "manifest.json",
        "journal_lines.csv",
        "documents.csv.partial",
        "journal_lines/part-00001.csv",
        "journal_lines/part-00002.csv.partial",
        // Emptied, so removed too.
        "documents",
    ] {
        assert!(!d.join(gone).exists(), "{gone} removed");
    }
    for kept in [
        // Not listed in the manifest: not known to be the tool's.
        "journal_lines/part-00003.csv",
        "journal_lines/mine.txt",
        "accounts.xlsx",
        "documents.pdf",
        "manifest.json.bak",
        "notes.txt",
    ] {
        assert!(d.join(kept).exists(), "{kept} untouched");
    }
    let err = synth_sinks::OutputDir::open(&d.join("notes.txt"), true).expect_err("a file");
    assert!(matches!(err, SinkError::NotADirectory { .. }), "{err}");
}

#[cfg(unix)]
#[test]
fn a_link_under_a_name_the_tool_writes_is_never_written_through_nor_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("writes");
    let out_path = dir.path().join("out");
    let out = synth_sinks::OutputDir::open(&out_path, false).expect("output dir");
    // Planted during the run, under the names the sink and the manifest will create.
    for name in ["journal_lines.csv.partial", "manifest.json.partial"] {
        std::os::unix::fs::symlink(&victim, out_path.join(name)).expect("link");
    }
    let err = open_sink::<synth_model::JournalLine>(&out, Format::Csv, &SinkOptions::default())
        .and_then(|mut s| {
            s.write_batch(&[])?;
            s.finish()
        })
        .expect_err("refuses the link");
    assert!(
        err.to_string().contains("journal_lines.csv.partial"),
        "{err}"
    );
    manifest().write(&out).expect_err("refuses the link");
    assert_eq!(std::fs::read_to_string(&victim).expect("reads"), "precious");
    drop(out);
    // With overwrite, a link under an own name is refused, not removed.
    let err = synth_sinks::OutputDir::open(&out_path, true).expect_err("a link");
    assert!(matches!(err, SinkError::NotOurs { .. }), "{err}");
    assert!(std::fs::symlink_metadata(out_path.join("manifest.json.partial")).is_ok());
}

#[cfg(unix)]
#[test]
fn a_second_run_into_a_locked_directory_is_refused_naming_the_holder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = synth_sinks::OutputDir::open(dir.path(), false).expect("first");
    let err = synth_sinks::OutputDir::open(dir.path(), true).expect_err("locked");
    let pid = std::process::id();
    assert!(
        matches!(err, SinkError::Locked { pid: Some(p), .. } if p == pid),
        "{err}"
    );
    assert!(err.to_string().contains(&format!("pid {pid}")), "{err}");
    drop(first);
    synth_sinks::OutputDir::open(dir.path(), false).expect("free again");
}

fn manifest() -> Manifest {
    Manifest {
        tool: "synthdata".into(),
        manifest_version: synth_sinks::MANIFEST_VERSION,
        shard: None,
        version: "0.1.0".into(),
        format: "csv".into(),
        seed: 42,
        complete: false,
        stop_reason: Some("memory_limit".into()),
        stop_message: None,
        entries_requested: 10,
        entries_written: 5,
        part_entries: 5,
        parts_total: 2,
        parts: vec![synth_sinks::PartReport {
            part: 0,
            first_entry: 0,
            entries: 5,
        }],
        tables: vec![],
        partial_files: vec![],
        config: serde_json::json!({"a": 1}),
        written_at: None,
    }
}

#[test]
fn manifest_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let m = manifest();
    m.write(&out).expect("writes");
    assert_eq!(Manifest::read(dir.path()).expect("reads"), m);
}

#[test]
fn parquet_id_columns_have_no_statistics_and_no_dictionary() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..2_000).expect("valid range");
    write(&out, Format::Parquet, &b.lines, &SinkOptions::default());
    let file = std::fs::File::open(dir.path().join("journal_lines.parquet")).expect("opens");
    let reader = SerializedFileReader::new(file).expect("valid Parquet");
    let group = reader.metadata().row_group(0);
    for (i, col) in synth_model::JournalLine::SCHEMA.iter().enumerate() {
        let stats = group.column(i).statistics();
        // Random UUIDs span the whole range in every group: min/max would prune nothing,
        // and a dictionary of distinct values only grows until it is abandoned.
        assert_eq!(
            stats.is_some(),
            col.ty != ColumnType::Id,
            "{}: {stats:?}",
            col.name
        );
        if col.ty == ColumnType::Id {
            assert!(
                group.column(i).dictionary_page_offset().is_none(),
                "{}",
                col.name
            );
        }
    }
}

#[test]
fn parquet_many_row_groups_with_every_codec() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::statistics::Statistics;
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..6_000).expect("valid range");
    for (compression, codec) in [
        (synth_sinks::Compression::Zstd, "ZSTD"),
        (synth_sinks::Compression::Snappy, "SNAPPY"),
        (synth_sinks::Compression::None, "UNCOMPRESSED"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
        // The smallest row groups: the lines make several groups of several pages.
        let opts = SinkOptions {
            compression: Some(compression),
            row_group_bytes: 64 << 10,
            ..SinkOptions::default()
        };
        write(&out, Format::Parquet, &b.entries, &opts);
        check_parquet(dir.path(), &b.entries);
        write(&out, Format::Parquet, &b.lines, &opts);
        check_parquet(dir.path(), &b.lines);

        let file = std::fs::File::open(dir.path().join("journal_entries.parquet")).expect("opens");
        let meta = SerializedFileReader::new(file)
            .expect("valid Parquet")
            .metadata()
            .clone();
        assert!(
            meta.num_row_groups() > 3,
            "{} groups",
            meta.num_row_groups()
        );
        let mut rows = 0;
        for group in meta.row_groups() {
            let first = rows;
            rows += group.num_rows() as usize;
            let entries = &b.entries[first..rows];
            for (i, col) in synth_model::JournalEntry::SCHEMA.iter().enumerate() {
                let chunk = group.column(i);
                assert!(
                    chunk.compression().to_string().starts_with(codec),
                    "{}: {} in a {codec} file",
                    col.name,
                    chunk.compression()
                );
                // Text statistics are this group's own min and max.
                if let Some(Statistics::ByteArray(s)) = chunk.statistics() {
                    // Nulls (written empty here) are not in the statistics.
                    let texts: Vec<String> = entries
                        .iter()
                        .map(|e| expected_row(e)[i].clone())
                        .filter(|t| !(col.nullable && t.is_empty()))
                        .collect();
                    if texts.is_empty() {
                        // Every row of the group null: no min or max.
                        assert_eq!(s.min_bytes_opt(), None, "{}", col.name);
                        continue;
                    }
                    let min = texts.iter().min().expect("rows");
                    let max = texts.iter().max().expect("rows");
                    assert_eq!(s.min_bytes_opt(), Some(min.as_bytes()), "{}", col.name);
                    assert_eq!(s.max_bytes_opt(), Some(max.as_bytes()), "{}", col.name);
                }
            }
        }
        assert_eq!(rows, b.entries.len());
    }
}

#[test]
fn compressed_text_decompresses_to_the_same_bytes_and_an_abandoned_file_still_decodes() {
    use std::io::Read as _;
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..5_000).expect("valid range");
    let plain_dir = tempfile::tempdir().expect("tempdir");
    let plain = synth_sinks::OutputDir::open(plain_dir.path(), false).expect("dir");
    write(&plain, Format::Csv, &b.lines, &SinkOptions::default());
    let want = std::fs::read(plain_dir.path().join("journal_lines.csv")).expect("reads");
    for (codec, name) in [
        (synth_sinks::Compression::Zstd, "journal_lines.csv.zst"),
        (synth_sinks::Compression::Gzip, "journal_lines.csv.gz"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = synth_sinks::OutputDir::open(dir.path(), false).expect("dir");
        let opts = SinkOptions {
            compression: Some(codec),
            ..SinkOptions::default()
        };
        let mut sink =
            open_sink::<synth_model::JournalLine>(&out, Format::Csv, &opts).expect("opens");
        sink.write_batch(&b.lines).expect("writes");
        let report = sink.finish().expect("finishes");
        assert_eq!(report.files[0].path, name);
        let file = std::fs::read(dir.path().join(name)).expect("reads");
        assert_eq!(
            report.bytes,
            file.len() as u64,
            "bytes are the file's (compressed)"
        );
        assert!(
            file.len() * 3 < want.len(),
            "{codec:?} compresses: {} of {}",
            file.len(),
            want.len()
        );
        let mut got = Vec::new();
        match codec {
            synth_sinks::Compression::Zstd => {
                zstd::stream::read::Decoder::new(&file[..])
                    .expect("zstd")
                    .read_to_end(&mut got)
                    .expect("decodes");
            }
            _ => {
                flate2::read::GzDecoder::new(&file[..])
                    .read_to_end(&mut got)
                    .expect("decodes");
            }
        }
        assert!(
            got == want,
            "{codec:?}: decompressed bytes equal the plain file"
        );

        // Abandoned mid-run: the .partial file holds a whole stream of what was written.
        let dir = tempfile::tempdir().expect("tempdir");
        let out = synth_sinks::OutputDir::open(dir.path(), false).expect("dir");
        let mut sink =
            open_sink::<synth_model::JournalLine>(&out, Format::Csv, &opts).expect("opens");
        sink.write_batch(&b.lines).expect("writes");
        sink.flush().expect("flushes");
        let report = sink.abandon();
        let partial = std::fs::read(dir.path().join(&report.files[0].path)).expect("partial");
        let mut got = Vec::new();
        let decoded = match codec {
            synth_sinks::Compression::Zstd => zstd::stream::read::Decoder::new(&partial[..])
                .and_then(|mut d| d.read_to_end(&mut got)),
            _ => flate2::read::GzDecoder::new(&partial[..]).read_to_end(&mut got),
        };
        decoded.expect("the partial file decodes");
        assert!(
            got == want,
            "{codec:?}: every flushed row is in the partial file"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("dir");
    let snappy = SinkOptions {
        compression: Some(synth_sinks::Compression::Snappy),
        ..SinkOptions::default()
    };
    let err = open_sink::<synth_model::JournalLine>(&out, Format::Csv, &snappy)
        .err()
        .expect("refused");
    assert!(
        matches!(err, SinkError::CompressionUnavailable { .. }),
        "{err}"
    );
}

#[test]
fn a_part_is_written_in_the_tables_directory_and_listed_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let b = g.generate_range(0..100).expect("valid range");
    for format in [Format::Csv, Format::Parquet] {
        let options = SinkOptions {
            part: Some(3),
            ..SinkOptions::default()
        };
        let mut sink =
            open_sink::<synth_model::JournalLine>(&out, format, &options).expect("opens");
        sink.write_batch(&b.lines).expect("writes");
        let report = sink.finish().expect("finishes");
        let path = format!("journal_lines/part-00003.{}", format.name());
        assert_eq!(report.files[0].path, path);
        assert!(dir.path().join(&path).is_file(), "{path}");
    }
}

#[cfg(unix)]
#[test]
fn a_link_in_place_of_a_tables_directory_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("journal_lines")).expect("link");
    let options = SinkOptions {
        part: Some(0),
        ..SinkOptions::default()
    };
    let err = open_sink::<synth_model::JournalLine>(&out, Format::Csv, &options)
        .map(|_| ())
        .expect_err("refuses the link");
    assert!(matches!(err, SinkError::NotOurs { .. }), "{err}");
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).expect("lists").count(),
        0
    );
}

/// A record for the Parquet encoder's edges: a text whose distinct values overflow the
/// dictionary, texts longer than the statistics keep, a column always null, booleans,
/// and nullable dates and integers with runs of nulls.
struct Edges(u32);
impl Record for Edges {
    const TABLE: &'static str = "journal_lines";
    const SCHEMA: &'static [synth_model::Column] = &[
        synth_model::Column::new("distinct", ColumnType::Text),
        synth_model::Column::nullable("never", ColumnType::Int),
        synth_model::Column::new("flag", ColumnType::Bool),
        synth_model::Column::nullable("day", ColumnType::Date),
        synth_model::Column::nullable("small", ColumnType::Int),
        synth_model::Column::new("long", ColumnType::Text),
    ];
    fn visit<V: synth_model::FieldVisitor>(&self, v: &mut V) {
        let i = self.0;
        let distinct = format!("{i:08} {}", "x".repeat(40));
        v.field(Value::Text(&distinct));
        v.field(Value::Null);
        v.field(Value::Bool(i.is_multiple_of(3)));
        v.field(if (i / 100).is_multiple_of(2) {
            Value::Date(synth_model::Date(19_000 + (i % 365) as i32))
        } else {
            Value::Null
        });
        v.field(if i.is_multiple_of(7) {
            Value::Null
        } else {
            Value::Int(i64::from(i % 5) - 2)
        });
        // Over 64 bytes, with a multi-byte character across the 64th byte.
        let long = format!("{}é{} {}", "a".repeat(63), "z".repeat(10), i % 11);
        v.field(Value::Text(&long));
    }
}

#[test]
fn parquet_dictionary_fallback_nulls_booleans_and_long_text_statistics_read_back() {
    use parquet::basic::{Encoding, PageType};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::statistics::Statistics;
    use parquet::record::Field;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synth_sinks::OutputDir::open(dir.path(), false).expect("output dir");
    // 60 000 distinct 49-byte texts: 3 MB, past the 1 MiB dictionary, in one row group.
    let records: Vec<Edges> = (0..60_000).map(Edges).collect();
    write(&out, Format::Parquet, &records, &SinkOptions::default());
    let file = std::fs::File::open(dir.path().join("journal_lines.parquet")).expect("opens");
    let reader = SerializedFileReader::new(file).expect("valid Parquet");
    let meta = reader.metadata();
    assert_eq!(meta.num_row_groups(), 1);
    let group = meta.row_group(0);

    // The distinct texts start in the dictionary, then fall back to PLAIN pages.
    let distinct = group.column(0);
    assert!(distinct.dictionary_page_offset().is_some());
    let pages: Vec<(PageType, Encoding)> = reader
        .get_row_group(0)
        .expect("group")
        .get_column_page_reader(0)
        .expect("pages")
        .map(|p| p.map(|p| (p.page_type(), p.encoding())))
        .collect::<Result<_, _>>()
        .expect("pages read");
    let count = |ty: PageType, enc: Encoding| pages.iter().filter(|&&p| p == (ty, enc)).count();
    assert_eq!(pages[0], (PageType::DICTIONARY_PAGE, Encoding::PLAIN));
    assert_eq!(count(PageType::DICTIONARY_PAGE, Encoding::PLAIN), 1);
    let dictionary = count(PageType::DATA_PAGE, Encoding::RLE_DICTIONARY);
    let plain = count(PageType::DATA_PAGE, Encoding::PLAIN);
    assert!(dictionary > 0 && plain > 0, "{pages:?}");
    // Once PLAIN, the chunk stays PLAIN.
    assert!(
        pages[1..=dictionary]
            .iter()
            .all(|p| p.1 == Encoding::RLE_DICTIONARY),
        "{pages:?}"
    );

    // A column always null: all nulls counted, no min or max.
    match group.column(1).statistics() {
        Some(Statistics::Int64(s)) => {
            assert_eq!(s.null_count_opt(), Some(60_000));
            assert!(s.min_opt().is_none() && s.max_opt().is_none());
        }
        other => panic!("never: {other:?}"),
    }
    match group.column(4).statistics() {
        Some(Statistics::Int64(s)) => {
            assert_eq!((s.min_opt(), s.max_opt()), (Some(&-2), Some(&2)));
            assert_eq!(s.null_count_opt(), Some(60_000_u64.div_ceil(7)));
        }
        other => panic!("small: {other:?}"),
    }
    match group.column(2).statistics() {
        Some(Statistics::Boolean(s)) => {
            assert_eq!((s.min_opt(), s.max_opt()), (Some(&false), Some(&true)));
        }
        other => panic!("flag: {other:?}"),
    }
    // Long texts: a prefix for the min, a larger bound for the max, both marked
    // inexact, at most 64 bytes, and valid UTF-8.
    match group.column(5).statistics() {
        Some(Statistics::ByteArray(s)) => {
            let min = s.min_bytes_opt().expect("min");
            let max = s.max_bytes_opt().expect("max");
            assert!(min.len() <= 64 && max.len() <= 64, "{min:?} {max:?}");
            assert!(std::str::from_utf8(min).is_ok() && std::str::from_utf8(max).is_ok());
            let texts: Vec<String> = (0..11)
                .map(|k| format!("{}é{} {k}", "a".repeat(63), "z".repeat(10)))
                .collect();
            assert!(
                texts
                    .iter()
                    .all(|t| min <= t.as_bytes() && t.as_bytes() <= max)
            );
            assert!(!s.min_is_exact() && !s.max_is_exact());
        }
        other => panic!("long: {other:?}"),
    }

    let mut n = 0;
    for (row, r) in reader.get_row_iter(None).expect("rows").zip(&records) {
        let row = row.expect("row reads");
        let got: Vec<Field> = row.get_column_iter().map(|(_, f)| f.clone()).collect();
        let i = r.0;
        assert_eq!(got[0], Field::Str(format!("{i:08} {}", "x".repeat(40))));
        assert_eq!(got[1], Field::Null);
        assert_eq!(got[2], Field::Bool(i % 3 == 0));
        let day = if (i / 100) % 2 == 0 {
            Field::Date(19_000 + (i % 365) as i32)
        } else {
            Field::Null
        };
        assert_eq!(got[3], day, "row {i}");
        let small = if i % 7 == 0 {
            Field::Null
        } else {
            Field::Long(i64::from(i % 5) - 2)
        };
        assert_eq!(got[4], small, "row {i}");
        n += 1;
    }
    assert_eq!(n, records.len());
}
