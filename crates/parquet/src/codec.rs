//! How a table's pages are compressed: zstd (one context per writer thread, pages it
//! does not shrink stored as raw frames), snappy or none.

use crate::hybrid;
use parquet::basic::{Compression as ParquetCodec, ZstdLevel};
use parquet::errors::ParquetError;

/// zstd level: 1, parquet-rs's default. Measured, 2 M entries, all tables: level 3 made
/// files 0.6% smaller (314 against 316 MB) for 5–10% more CPU (pages of 64 KiB, ids that
/// do not compress, dictionary indices already packed).
pub(crate) const ZSTD_LEVEL: i32 = 1;
/// A page zstd shrinks by less than this (in hundredths) is stored raw instead...
pub(crate) const RAW_ABOVE_PERCENT: usize = 97;
/// ... and so are this many of the column's next pages, without trying: random ids
/// and dictionary indices of many values do not compress, and trying costs as much as
/// compressing.
pub(crate) const RAW_PAGES_AFTER_MISS: u32 = 15;

/// How a table's pages are compressed.
///
/// A zstd context holds about a megabyte (outside the Rust heap), so every writer
/// thread keeps one for all the columns of all its tables, instead of one
/// per column. Pages that zstd does not shrink are stored as zstd frames of raw blocks,
/// which every zstd decoder reads.
#[derive(Clone, Copy)]
pub enum Codec {
    /// zstd at level 1 (parquet-rs's default), one context per writer thread.
    Zstd,
    /// Snappy.
    Snappy,
    /// Stored as it is.
    None,
}

thread_local! {
    /// The zstd context of the Parquet sinks of one writer thread: they compress one
    /// page at a time, so one context serves them all. One per thread, not one per
    /// process: writers of parts running at once must not wait for each other's pages
    /// (a shared context cost 28% more CPU with two writers).
    static ZSTD: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

impl Codec {
    /// The codec as Parquet's metadata names it.
    pub(crate) fn parquet(self) -> Result<ParquetCodec, ParquetError> {
        Ok(match self {
            Self::Zstd => ParquetCodec::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?),
            Self::Snappy => ParquetCodec::SNAPPY,
            Self::None => ParquetCodec::UNCOMPRESSED,
        })
    }

    /// `input` compressed. `raw_left` is the column's count of pages still to be stored
    /// raw without trying zstd (see [`RAW_PAGES_AFTER_MISS`]).
    pub(crate) fn compress(
        self,
        input: &[u8],
        raw_left: &mut u32,
    ) -> Result<Vec<u8>, ParquetError> {
        match self {
            Self::None => Ok(input.to_vec()),
            Self::Zstd => {
                let mut out = Vec::new();
                if *raw_left > 0 {
                    *raw_left -= 1;
                    hybrid::zstd_raw_frame(input, &mut out);
                    return Ok(out);
                }
                out.reserve(zstd::zstd_safe::compress_bound(input.len()));
                // Every call compresses one whole frame, so a context is never left
                // half-used.
                ZSTD.with(|cell| -> Result<(), ParquetError> {
                    let mut mine = cell.borrow_mut();
                    let c = match &mut *mine {
                        Some(c) => c,
                        None => mine.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
                    };
                    c.compress_to_buffer(input, &mut out)?;
                    Ok(())
                })?;
                if out.len() * 100 >= input.len() * RAW_ABOVE_PERCENT {
                    *raw_left = RAW_PAGES_AFTER_MISS;
                }
                Ok(out)
            }
            Self::Snappy => {
                let mut out = vec![0; snap::raw::max_compress_len(input.len())];
                // The encoder's table lives on the stack: nothing to keep between pages.
                let n = snap::raw::Encoder::new()
                    .compress(input, &mut out)
                    .map_err(|e| ParquetError::External(Box::new(e)))?;
                out.truncate(n);
                Ok(out)
            }
        }
    }
}
