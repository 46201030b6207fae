//! Encoders and files for synthetic data: CSV, JSON Lines, Parquet and null, written
//! atomically, with a manifest.
//!
//! ```no_run
//! use synth_model::JournalLine;
//! use synth_sinks::{Format, SinkOptions, open_sink, prepare_output_dir};
//! let dir = std::path::Path::new("out");
//! prepare_output_dir(dir, false)?;
//! let mut sink = open_sink::<JournalLine>(dir, Format::Csv, &SinkOptions::default())?;
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

mod csv;
mod error;
mod file;
mod jsonl;
mod manifest;
#[cfg(feature = "parquet")]
mod parquet;
mod text;

pub use crate::csv::{CsvEncoder, push_text as push_csv_text};
pub use error::SinkError;
pub use file::{AtomicFile, FileReport, FileSet, PARTIAL_SUFFIX, prepare_output_dir};
pub use jsonl::{JsonlEncoder, push_json_string};
pub use manifest::{MANIFEST_FILE, Manifest, TableReport};
pub use text::{push_date, push_int, push_money, push_uuid, uuid_string};

use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use std::path::Path;
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

/// Parquet compression codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Zstandard (level 3).
    #[default]
    Zstd,
    /// Snappy.
    Snappy,
    /// No compression.
    None,
}

/// Smallest write buffer: whole buffers of at least this size go to `write_all`.
pub const MIN_BUFFER_BYTES: usize = 256 << 10;

/// How sinks write their files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkOptions {
    /// Bytes encoded before a buffer is written (at least [`MIN_BUFFER_BYTES`]).
    pub buffer_bytes: usize,
    /// Start a new part file once a file reaches this size (CSV and JSONL).
    pub rotate_bytes: Option<u64>,
    /// Sync and drop written pages from the page cache every this many bytes.
    pub drop_page_cache_every: Option<u64>,
    /// Parquet compression.
    pub compression: Compression,
    /// Parquet: close a row group once its buffered values reach this many bytes.
    pub row_group_bytes: usize,
}

impl Default for SinkOptions {
    fn default() -> Self {
        Self {
            buffer_bytes: 1 << 20,
            rotate_bytes: None,
            drop_page_cache_every: None,
            compression: Compression::Zstd,
            row_group_bytes: 8 << 20,
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

/// A CSV or JSON Lines sink: rows encoded into a reused buffer, written whole.
pub struct TextSink<R, E> {
    encoder: E,
    header: Vec<u8>,
    buf: Vec<u8>,
    limit: usize,
    rows_in_buf: u64,
    rows: u64,
    files: FileSet,
    _record: PhantomData<fn(&R)>,
}

impl<R: Record, E: RowEncoder> TextSink<R, E> {
    /// A sink writing `R::TABLE` into `dir`.
    pub fn new(mut encoder: E, dir: &Path, options: &SinkOptions) -> Self {
        let mut header = Vec::new();
        encoder.header(R::SCHEMA, &mut header);
        let limit = options.buffer_bytes.max(MIN_BUFFER_BYTES);
        Self {
            encoder,
            header,
            // Room for one more row past the limit, so the buffer never reallocates.
            buf: Vec::with_capacity(limit + (64 << 10)),
            limit,
            rows_in_buf: 0,
            rows: 0,
            files: FileSet::new(
                dir,
                R::TABLE,
                E::EXTENSION,
                options.rotate_bytes,
                options.drop_page_cache_every,
            ),
            _record: PhantomData,
        }
    }

    fn write_buffer(&mut self) -> Result<(), SinkError> {
        if self.rows_in_buf > 0 {
            self.files
                .write(&self.buf, self.rows_in_buf, &self.header)?;
            self.buf.clear();
            self.rows_in_buf = 0;
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

    fn flush(&mut self) -> Result<(), SinkError> {
        self.write_buffer()
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn buffered_bytes(&self) -> usize {
        self.buf.capacity()
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.write_buffer()?;
        let TextSink { files, header, .. } = *self;
        Ok(table_report(R::TABLE, files.finish(&header)?))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // Best effort: rows that reach the file stay readable; an error here (a full
        // disk, say) just means fewer rows, which the report counts.
        let _ = self.write_buffer();
        let TextSink { files, .. } = *self;
        table_report(R::TABLE, files.abandon())
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

/// Opens the sink of table `R::TABLE` in `dir` for `format`.
pub fn open_sink<R: Record + Send + 'static>(
    dir: &Path,
    format: Format,
    options: &SinkOptions,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    Ok(match format {
        Format::Csv => Box::new(TextSink::<R, _>::new(CsvEncoder, dir, options)),
        Format::Jsonl => Box::new(TextSink::<R, _>::new(JsonlEncoder::default(), dir, options)),
        Format::Null => Box::new(NullSink::<R>::default()),
        #[cfg(feature = "parquet")]
        Format::Parquet => Box::new(parquet::ParquetSink::<R>::new(dir, options)?),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => return Err(SinkError::FormatUnavailable { format: "parquet" }),
    })
}
