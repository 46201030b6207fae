//! Parquet files of synthdata records, with the pages encoded here rather than by
//! parquet-rs's column writers (which cost about half of a Parquet run's CPU).
//!
//! ```no_run
//! use synth_model::JournalLine;
//! use synth_parquet::{Codec, TableWriter};
//! let file = std::fs::File::create("journal_lines.parquet")?;
//! let mut writer = TableWriter::<JournalLine, _>::new(file, Codec::Zstd, 16 << 20, "me")?;
//! writer.write(&[])?;
//! let (_file, rows) = writer.finish()?;
//! # let _ = rows;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Types: ids are `FIXED_LEN_BYTE_ARRAY(16)` annotated `UUID`; money is `INT64`
//! annotated `DECIMAL(18, 2)` (exact minor units); dates are `INT32` annotated `DATE`;
//! timestamps `INT64` `TIMESTAMP(MICROS)`; integers `INT64`; text `BYTE_ARRAY` annotated
//! `STRING`. Nullable columns are `OPTIONAL`, the rest `REQUIRED`. Encodings: ids, money
//! and booleans PLAIN; the rest dictionary (RLE_DICTIONARY), falling back to PLAIN for
//! the rest of a chunk once its dictionary holds 1 MiB.
//!
//! Each value is encoded as it arrives into its column's open page (`column.rs`, with
//! its dictionary in `dictionary.rs` and the RLE/bit-packed hybrid in `hybrid.rs`), which
//! closes every [`DATA_PAGE_BYTES`] or [`DATA_PAGE_ROWS`]; it is then compressed
//! (`codec.rs`) and kept in 64 KiB blocks (`blocks.rs`). So a row group in progress is
//! held as compressed pages, not as values. parquet-rs writes the page headers, appends
//! each closed chunk with the metadata built here (`stats.rs`) and writes the footer.
//!
//! It depends on `synth-model` and `parquet` alone: it knows nothing of files, manifests
//! or memory limits (that is `synth-sinks`).

mod blocks;
mod codec;
mod column;
mod dictionary;
mod hybrid;
mod schema;
mod stats;
mod writer;

pub use codec::Codec;
pub use column::{DATA_PAGE_BYTES, DATA_PAGE_ROWS, DICTIONARY_BYTES};
pub use schema::{schema, schema_with};
pub use writer::{CHUNK_ROWS, TableWriter, WriteError};
