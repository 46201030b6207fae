//! What a sink is asked to write: the format, the compression, the buffer sizes, and
//! what an open sink holds in memory (for the runtime's budget).

use crate::{OutputDir, SinkError, part_stem};
use serde::{Deserialize, Serialize};

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
pub(crate) const BUFFER_SLACK: usize = 64 << 10;

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
    /// Parquet: annotate id columns `UUID` (false: plain 16-byte binary, for Spark).
    pub parquet_uuid: bool,
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
            parquet_uuid: true,
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
