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
mod dataset;
mod encoder;
mod error;
mod file;
mod jsonl;
mod open;
mod options;
#[cfg(feature = "parquet")]
mod parquet;
mod sink;
mod text;
mod writer;

pub use crate::csv::CsvEncoder;
pub use behind::{IoWorker, WriteBehind, write_behind};
pub use dataset::dir::{
    DirOptions, MAX_MANIFEST_BYTES, OutputDir, free_space, manifest_reserve_bytes,
};
pub use dataset::lock::DatasetLock;
pub use dataset::manifest::{
    MANIFEST_VERSION, Manifest, PartReport, TableReport, open_regular, read_regular, record_abort,
};
pub use dataset::names::{
    LOCK_FILE, MANIFEST_FILE, PARTIAL_SUFFIX, RESERVE_FILE, RunNames, bookkeeping_shard,
    is_own_name, is_own_part_name, is_own_path, part_of, part_stem,
};
pub use dataset::shard::Shard;
pub use dataset::verify::{Verification, config_digest, data_identity, verify, verify_manifests};
pub use encoder::RowEncoder;
pub use error::SinkError;
pub use file::{AtomicFile, FileReport, FileSet};
pub use jsonl::{JsonlEncoder, push_json_string};
pub use open::{open_sink, open_sink_with};
pub use options::{
    Compression, Format, MIN_BUFFER_BYTES, PARQUET_BUFFER_FACTOR, PARQUET_ROW_GROUP_BYTES,
    PARQUET_TABLE_BYTES, PARQUET_ZSTD_CONTEXT_BYTES, SinkOptions, TEXT_GZIP_BYTES, TEXT_ZSTD_BYTES,
};
pub use sink::{NullSink, Sink, TextSink, table_report};
pub use text::{push_date, push_int, push_money, push_rate, push_uuid, uuid_string};
pub use writer::{RecordWriter, WriterSink};
