//! Encoders and files for synthetic data: CSV, JSON Lines, Parquet and null, written
//! atomically, with a manifest.
//!
//! ```no_run
//! use synth_model::JournalLine;
//! use synth_sinks::{Format, OutputDir, SinkOptions, open_sink};
//! let dir = OutputDir::open("out".as_ref(), false)?; // created, locked, checked empty
//! let mut sink = open_sink::<JournalLine>(&dir, Format::Csv, &SinkOptions::default())?;
//! sink.write_batch(&[])?;
//! let report = sink.finish()?; // journal_lines.csv.partial -> journal_lines.csv
//! println!("{} rows in {:?}", report.rows, report.files);
//! # Ok::<(), synth_sinks::SinkError>(())
//! ```
//!
//! One sink per table. Rows are encoded into a reused buffer and written in whole
//! buffers (at least 256 KiB) to `write_all`: no system call per record. Each file is
//! `NAME.partial` until it is finished; a sink dropped without `finish` leaves only
//! `.partial` files. Sinks never generate data and know nothing about memory limits.

mod behind;
mod csv;
mod dir;
mod error;
mod file;
mod jsonl;
mod manifest;
#[cfg(feature = "parquet")]
mod parquet;
mod shard;
mod text;
mod verify;
mod writer;

pub use crate::csv::CsvEncoder;
pub use behind::{IoWorker, WriteBehind, write_behind};
pub use dir::{
    DatasetLock, DirOptions, LOCK_FILE, OutputDir, RESERVE_FILE, free_space, is_own_name,
    is_own_part_name, is_own_path, manifest_reserve_bytes, part_stem,
};
pub use error::SinkError;
pub use file::{AtomicFile, FileReport, FileSet, PARTIAL_SUFFIX};
pub use jsonl::{JsonlEncoder, push_json_string};
pub use manifest::{
    MANIFEST_FILE, MANIFEST_VERSION, MAX_MANIFEST_BYTES, Manifest, PartReport, TableReport,
    open_regular, read_regular, record_abort,
};
pub use shard::{RunNames, Shard, bookkeeping_shard, part_of};
pub use text::{push_date, push_int, push_money, push_uuid, uuid_string};
pub use verify::{Verification, data_identity, verify};
pub use writer::{RecordWriter, WriterSink};

use behind::SinkQueue;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use std::sync::Arc;
use synth_model::{Column, Record};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RFC 4180 CSV with a header row.
    #[default]
    Csv,
    /// JSON Lines.
    Jsonl,
    /// Apache Parquet.
    Parquet,
    /// Nothing written; rows and bytes counted (benchmarks).
    Null,
}

impl Format {
    /// Lowercase name, as in configs and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
            Self::Parquet => "parquet",
            Self::Null => "null",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "jsonl" | "json" | "ndjson" => Ok(Self::Jsonl),
            "parquet" => Ok(Self::Parquet),
            "null" => Ok(Self::Null),
            _ => Err(format!(
                "expected one of csv, jsonl, parquet, null; got {s:?}"
            )),
        }
    }
}

/// Compression: Parquet's page codec (zstd, snappy, none), or a whole-stream codec for
/// CSV and JSON Lines files (zstd, gzip, none: `journal_lines.csv.zst`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Zstandard (level 1).
    #[default]
    Zstd,
    /// Snappy (Parquet only).
    Snappy,
    /// gzip (CSV and JSON Lines only; level 1, for speed).
    Gzip,
    /// No compression.
    None,
}

impl Compression {
    /// Lowercase name, as in configs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zstd => "zstd",
            Self::Snappy => "snappy",
            Self::Gzip => "gzip",
            Self::None => "none",
        }
    }

    /// Whether `format` can write with this compression.
    pub fn fits(self, format: Format) -> bool {
        !matches!(
            (format, self),
            (Format::Parquet, Self::Gzip) | (Format::Csv | Format::Jsonl, Self::Snappy)
        )
    }

    /// What a text file's name gets appended (`.zst`, `.gz`), if anything.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Self::Zstd => ".zst",
            Self::Gzip => ".gz",
            Self::Snappy | Self::None => "",
        }
    }
}

impl std::str::FromStr for Compression {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "zstd" => Ok(Self::Zstd),
            "snappy" => Ok(Self::Snappy),
            "gzip" | "gz" => Ok(Self::Gzip),
            "none" => Ok(Self::None),
            _ => Err(format!(
                "expected one of zstd, gzip, snappy, none; got {s:?}"
            )),
        }
    }
}

/// Smallest write buffer: whole buffers of at least this size go to `write_all`.
pub const MIN_BUFFER_BYTES: usize = 256 << 10;

/// What one zstd stream (level 1) of a compressed text file holds: its context and
/// window, allocated in C (so RSS sees it; the counting allocator does not).
pub const TEXT_ZSTD_BYTES: u64 = 3 << 20;
/// What one gzip stream of a compressed text file holds.
pub const TEXT_GZIP_BYTES: u64 = 512 << 10;

/// Room a text buffer keeps past its limit, so the row that crosses it never reallocates.
const BUFFER_SLACK: usize = 64 << 10;

/// Parquet holds its open row group as compressed pages: about a quarter of
/// `row_group_bytes` per table that fills its groups (measured 2026-12-02, 1 M entries,
/// one thread, five such tables: peak 43.9 MiB at 4 MiB row groups, 47.8 at 8, 57.5 at
/// 16, 77.6 at 32)...
pub const PARQUET_BUFFER_FACTOR: f64 = 0.25;

/// ...plus what each open table's open pages, dictionaries and page blocks hold whatever
/// the group size (the same measurements: about 1.5 MiB a table).
pub const PARQUET_TABLE_BYTES: u64 = 3 << 19;

/// What a Parquet file keeps per written row group until its footer (metadata, chunk
/// statistics): measured 10 M entries peak 5.0 MiB above 1 M entries over about 610
/// more row groups.
pub const PARQUET_ROW_GROUP_BYTES: u64 = 8 << 10;

/// What the zstd context of one writer thread's Parquet sinks holds (allocated in C,
/// once per thread that writes Parquet with zstd).
pub const PARQUET_ZSTD_CONTEXT_BYTES: u64 = 3 << 20;

/// How sinks write their files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkOptions {
    /// Bytes encoded before a buffer is written (at least [`MIN_BUFFER_BYTES`]).
    pub buffer_bytes: usize,
    /// Start a new part file once a file reaches this size (CSV and JSONL).
    pub rotate_bytes: Option<u64>,
    /// Sync and drop written pages from the page cache every this many bytes.
    pub drop_page_cache_every: Option<u64>,
    /// Compression: Parquet's codec, or the text files' stream codec; `None` is the
    /// format's default (Parquet zstd, text files none).
    pub compression: Option<Compression>,
    /// Parquet: close a row group once this many bytes of values (counted before
    /// encoding) went into it.
    pub row_group_bytes: usize,
    /// Write part `k` of the table, `TABLE/part-0000k.EXT`, instead of `TABLE.EXT`.
    pub part: Option<u64>,
}

impl Default for SinkOptions {
    fn default() -> Self {
        Self {
            buffer_bytes: 1 << 20,
            rotate_bytes: None,
            drop_page_cache_every: None,
            compression: None,
            row_group_bytes: 16 << 20,
            part: None,
        }
    }
}

impl SinkOptions {
    /// Bytes one writer thread holds once, whatever its number of sinks: the Parquet
    /// zstd context.
    pub fn thread_bytes(&self, format: Format) -> u64 {
        match (format, self.compression_for(format)) {
            (Format::Parquet, Compression::Zstd) => PARQUET_ZSTD_CONTEXT_BYTES,
            _ => 0,
        }
    }

    /// Where table `table`'s files go: the directory and the name they start with
    /// (`TABLE` in `dir`, or `part-0000k` in `dir/TABLE/` when writing a part).
    pub fn place(&self, dir: &OutputDir, table: &str) -> Result<(OutputDir, String), SinkError> {
        match self.part {
            None => Ok((dir.clone(), table.to_string())),
            Some(k) => Ok((dir.table_dir(table)?, part_stem(k))),
        }
    }

    /// The compression `format` writes with: the one asked for, or the format's default
    /// (Parquet zstd, CSV and JSON Lines none).
    pub fn compression_for(&self, format: Format) -> Compression {
        self.compression.unwrap_or(match format {
            Format::Parquet => Compression::Zstd,
            _ => Compression::None,
        })
    }

    /// Bytes one open sink of `format` holds at most (not counting the Parquet footer's
    /// growth, [`PARQUET_ROW_GROUP_BYTES`] per row group): CSV and JSON Lines their
    /// encode buffer, and a second one with the I/O thread when `write_behind`; Parquet
    /// its open row group, compressed, and its open pages and dictionaries.
    pub fn memory_bytes(&self, format: Format, write_behind: bool) -> u64 {
        match format {
            Format::Csv | Format::Jsonl => {
                let one = (self.buffer_bytes.max(MIN_BUFFER_BYTES) + BUFFER_SLACK) as u64;
                let buffers = if write_behind { 2 * one } else { one };
                buffers
                    + match self.compression_for(format) {
                        Compression::Zstd => TEXT_ZSTD_BYTES,
                        Compression::Gzip => TEXT_GZIP_BYTES,
                        _ => 0,
                    }
            }
            Format::Parquet => {
                (self.row_group_bytes as f64 * PARQUET_BUFFER_FACTOR) as u64 + PARQUET_TABLE_BYTES
            }
            Format::Null => 0,
        }
    }
}

/// Writes the records of one table.
pub trait Sink<R: Record>: Send {
    /// Appends records.
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError>;
    /// Writes out what is buffered (CSV/JSONL: the encode buffer; Parquet: a row group).
    fn flush(&mut self) -> Result<(), SinkError>;
    /// Rows accepted so far.
    fn rows(&self) -> u64;
    /// Bytes held in memory by this sink right now.
    fn buffered_bytes(&self) -> usize;
    /// Flushes, finishes every file (renaming it from `.partial`), and reports.
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError>;
    /// Writes what it can and reports, leaving unfinished files as `.partial`.
    fn abandon(self: Box<Self>) -> TableReport;
}

/// Encodes rows of text formats into a buffer.
pub trait RowEncoder: Send + 'static {
    /// File extension, e.g. `csv`.
    const EXTENSION: &'static str;
    /// Writes the header (if the format has one) and prepares for this schema.
    fn header(&mut self, schema: &[Column], out: &mut Vec<u8>);
    /// Appends one row.
    fn row<R: Record>(&mut self, record: &R, out: &mut Vec<u8>);
}

/// A CSV or JSON Lines sink: rows encoded into a reused buffer, written whole, either
/// on the calling thread or, with [`TextSink::with_write_behind`], by an I/O thread while
/// the next buffer is encoded.
pub struct TextSink<R, E> {
    encoder: E,
    header: Arc<[u8]>,
    buf: Vec<u8>,
    limit: usize,
    rows_in_buf: u64,
    rows: u64,
    /// The table's files; `None` while a buffer is with the I/O thread (or if it died).
    files: Option<Box<FileSet>>,
    /// Write-behind: the queue, and the second buffer when it is back.
    behind: Option<SinkQueue>,
    spare: Option<Vec<u8>>,
    /// A write failed: nothing more is written (a retry could repeat half a buffer).
    failed: bool,
    _record: PhantomData<fn(&R)>,
}

impl<R: Record, E: RowEncoder> TextSink<R, E> {
    /// A sink writing `R::TABLE` into `dir` on the calling thread.
    pub fn new(encoder: E, dir: &OutputDir, options: &SinkOptions) -> Result<Self, SinkError> {
        Self::build(encoder, dir, options, None)
    }

    /// A sink whose full buffers are written by the I/O thread behind `queue`; it holds
    /// two buffers (one being encoded, one being written).
    pub fn with_write_behind(
        encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        queue: &WriteBehind,
    ) -> Result<Self, SinkError> {
        Self::build(encoder, dir, options, Some(SinkQueue::new(queue)))
    }

    fn build(
        mut encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        behind: Option<SinkQueue>,
    ) -> Result<Self, SinkError> {
        let (dir, stem) = options.place(dir, R::TABLE)?;
        let mut header = Vec::new();
        encoder.header(R::SCHEMA, &mut header);
        let limit = options.buffer_bytes.max(MIN_BUFFER_BYTES);
        Ok(Self {
            encoder,
            header: header.into(),
            buf: Vec::with_capacity(Self::capacity(limit)),
            limit,
            rows_in_buf: 0,
            rows: 0,
            files: Some(Box::new(FileSet::new(
                &dir,
                stem,
                E::EXTENSION,
                options.rotate_bytes,
                options.drop_page_cache_every,
                options.compression_for(Format::Csv),
            ))),
            behind,
            spare: None,
            failed: false,
            _record: PhantomData,
        })
    }

    /// Room for one more row past the limit, so a buffer never reallocates.
    fn capacity(limit: usize) -> usize {
        limit + BUFFER_SLACK
    }

    /// Gets the files (and the spare buffer) back from the I/O thread, if they are out.
    fn wait(&mut self) -> Result<(), SinkError> {
        // Files away means a buffer is out; if the I/O thread died, every wait says so.
        if let (None, Some(q)) = (&self.files, &self.behind) {
            let done = q.wait(R::TABLE)?;
            self.files = Some(done.files);
            self.spare = Some(done.buf);
            self.failed |= done.result.is_err();
            done.result?;
        }
        Ok(())
    }

    fn write_buffer(&mut self) -> Result<(), SinkError> {
        if self.rows_in_buf == 0 || self.failed {
            return Ok(());
        }
        self.wait()?;
        let rows = std::mem::take(&mut self.rows_in_buf);
        match (&self.behind, self.files.take()) {
            (_, None) => return Err(SinkError::IoThreadGone { table: R::TABLE }),
            (None, Some(mut files)) => {
                let result = files.write(&self.buf, rows, &self.header);
                self.files = Some(files);
                self.buf.clear();
                self.failed |= result.is_err();
                result?;
            }
            (Some(q), Some(files)) => {
                let limit = self.limit;
                let next = self
                    .spare
                    .take()
                    .unwrap_or_else(|| Vec::with_capacity(Self::capacity(limit)));
                let full = std::mem::replace(&mut self.buf, next);
                if let Err(files) = q.send(files, full, rows, &self.header) {
                    self.files = Some(files);
                    return Err(SinkError::IoThreadGone { table: R::TABLE });
                }
            }
        }
        Ok(())
    }
}

/// The report of a table from its files.
pub fn table_report(table: &str, files: Vec<FileReport>) -> TableReport {
    TableReport {
        table: table.to_string(),
        rows: files.iter().map(|f| f.rows).sum(),
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
    }
}

impl<R: Record, E: RowEncoder> Sink<R> for TextSink<R, E> {
    #[inline]
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        for r in records {
            self.encoder.row(r, &mut self.buf);
            self.rows_in_buf += 1;
            if self.buf.len() >= self.limit {
                self.write_buffer()?;
            }
        }
        self.rows += records.len() as u64;
        Ok(())
    }

    /// Writes what is buffered and, with write-behind, waits until it is in the file.
    fn flush(&mut self) -> Result<(), SinkError> {
        self.write_buffer()?;
        self.wait()
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn buffered_bytes(&self) -> usize {
        let out = if self.files.is_none() { self.limit } else { 0 };
        self.buf.capacity() + self.spare.as_ref().map_or(0, Vec::capacity) + out
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.write_buffer()?;
        self.wait()?;
        let header = Arc::clone(&self.header);
        let files = self
            .files
            .take()
            .ok_or(SinkError::IoThreadGone { table: R::TABLE })?;
        Ok(table_report(R::TABLE, files.finish(&header)?))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // Best effort: rows that reach the file stay readable; an error here (a full
        // disk, say) just means fewer rows, which the report counts.
        let _ = self.write_buffer();
        let _ = self.wait();
        let files = self.files.take().map(|f| f.abandon()).unwrap_or_default();
        table_report(R::TABLE, files)
    }
}

/// Counts rows and their in-memory bytes; writes nothing.
#[derive(Debug)]
pub struct NullSink<R> {
    rows: u64,
    _record: PhantomData<fn(&R)>,
}

impl<R> Default for NullSink<R> {
    fn default() -> Self {
        Self {
            rows: 0,
            _record: PhantomData,
        }
    }
}

impl<R: Record> Sink<R> for NullSink<R> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        self.rows += records.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
    fn rows(&self) -> u64 {
        self.rows
    }
    fn buffered_bytes(&self) -> usize {
        0
    }
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError> {
        Ok(self.abandon())
    }
    fn abandon(self: Box<Self>) -> TableReport {
        TableReport {
            table: R::TABLE.to_string(),
            rows: self.rows,
            bytes: self.rows * size_of::<R>() as u64,
            files: Vec::new(),
        }
    }
}

/// Opens the sink of table `R::TABLE` in `dir` for `format`, writing on the calling thread.
pub fn open_sink<R: Record + Send + 'static>(
    dir: &OutputDir,
    format: Format,
    options: &SinkOptions,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    open_sink_with(dir, format, options, None)
}

/// Opens the sink of table `R::TABLE`; CSV and JSON Lines hand their full buffers to the
/// I/O thread behind `behind` when one is given (Parquet and null write as before).
pub fn open_sink_with<R: Record + Send + 'static>(
    dir: &OutputDir,
    format: Format,
    options: &SinkOptions,
    behind: Option<&WriteBehind>,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    fn text<R: Record + Send + 'static, E: RowEncoder>(
        encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        behind: Option<&WriteBehind>,
    ) -> Result<Box<dyn Sink<R>>, SinkError> {
        Ok(match behind {
            Some(q) => Box::new(TextSink::<R, E>::with_write_behind(
                encoder, dir, options, q,
            )?),
            None => Box::new(TextSink::<R, E>::new(encoder, dir, options)?),
        })
    }
    let compression = options.compression_for(format);
    if !compression.fits(format) {
        return Err(SinkError::CompressionUnavailable {
            format: format.name(),
            compression: compression.name(),
        });
    }
    Ok(match format {
        Format::Csv => text::<R, _>(CsvEncoder::default(), dir, options, behind)?,
        Format::Jsonl => text::<R, _>(JsonlEncoder::default(), dir, options, behind)?,
        Format::Null => Box::new(NullSink::<R>::default()),
        #[cfg(feature = "parquet")]
        Format::Parquet => Box::new(parquet::ParquetSink::<R>::new(dir, options)?),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => return Err(SinkError::FormatUnavailable { format: "parquet" }),
    })
}
