//! One column's chunk of the open row group, encoded here rather than by parquet-rs's
//! column writers (which cost about half of a Parquet run's CPU: a `Bytes` per value,
//! generic dictionary interning, statistics compared value by value).
//!
//! Values are encoded as they arrive into the column's open page: PLAIN, or dictionary
//! indices. A page closes at [`DATA_PAGE_ROWS`] values or [`DATA_PAGE_BYTES`] of plain
//! values; it is compressed and its header written (by parquet-rs's
//! [`SerializedPageWriter`]) into 64 KiB [`Blocks`]. A dictionary-encoded column falls
//! back to PLAIN for the rest of the chunk once its dictionary holds
//! [`DICTIONARY_BYTES`], as parquet-rs does. Closing the chunk writes its dictionary
//! page, puts it before the data pages, and builds the chunk's metadata (statistics:
//! min, max and nulls, except for ids).

use crate::blocks::{Blocks, Taken, TakenPages};
use crate::codec::Codec;
use crate::dictionary::{Dictionary, Kind};
use crate::hybrid;
use crate::stats::{Bounds, truncated_max, truncated_min};
use bytes::Bytes;
use parquet::basic::{Encoding, EncodingMask, PageType};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ColumnChunkMetaData, PageEncodingStats};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;
use std::sync::Arc;
use synth_model::{Column, ColumnType};

/// Plain-encoded bytes after which a page closes.
pub const DATA_PAGE_BYTES: usize = 64 << 10;
/// Values after which a page closes whatever its size.
pub const DATA_PAGE_ROWS: usize = 8192;
/// Dictionary bytes (PLAIN-encoded) after which a chunk falls back to PLAIN: parquet-rs's
/// default.
pub const DICTIONARY_BYTES: usize = 1 << 20;

/// One column's chunk of the open row group.
pub(crate) struct ColumnChunk {
    kind: Kind,
    nullable: bool,
    /// Whether values go through the dictionary (until it is full).
    dictionary: bool,
    codec: Codec,
    descriptor: ColumnDescPtr,
    /// Definition levels of the open page (nullable columns).
    defs: Vec<u32>,
    /// PLAIN values of the open page.
    plain: Vec<u8>,
    /// Dictionary indices (or booleans) of the open page.
    indices: Vec<u32>,
    /// Values (nulls included) in the open page.
    page_values: usize,
    dict: Dictionary,
    /// Whether the dictionary filled up: the rest of the chunk is PLAIN.
    fallen_back: bool,
    /// The page being assembled (reused).
    body: Vec<u8>,
    pages: TrackedWrite<Blocks>,
    rows: u64,
    nulls: u64,
    bounds: Bounds,
    /// Pages' sizes before compression, headers included.
    uncompressed: u64,
    dictionary_pages: i32,
    plain_pages: i32,
    /// Values as counted before encoding, which decides when a row group closes.
    value_bytes: usize,
    /// See [`Codec::compress`].
    raw_left: u32,
    /// See [`Self::take_error`].
    error: Option<ParquetError>,
}

impl ColumnChunk {
    /// An empty chunk of column `c`, described in the file's schema by `descriptor`.
    pub(crate) fn new(c: &Column, descriptor: ColumnDescPtr, codec: Codec) -> Self {
        let kind = match c.ty {
            ColumnType::Id => Kind::Id,
            ColumnType::Int | ColumnType::Money | ColumnType::Rate | ColumnType::Timestamp => {
                Kind::I64
            }
            ColumnType::Date => Kind::I32,
            ColumnType::Bool => Kind::Bool,
            ColumnType::Text => Kind::Text,
        };
        // Ids are random: a dictionary would only grow until abandoned. Money is nearly
        // always distinct. Booleans are bit-packed already.
        let dictionary = !matches!(c.ty, ColumnType::Id | ColumnType::Money | ColumnType::Bool);
        Self {
            kind,
            nullable: c.nullable,
            dictionary,
            codec,
            descriptor,
            defs: Vec::new(),
            plain: Vec::new(),
            indices: Vec::new(),
            page_values: 0,
            dict: if dictionary {
                Dictionary::new()
            } else {
                Dictionary::default()
            },
            fallen_back: false,
            body: Vec::new(),
            pages: TrackedWrite::new(Blocks::default()),
            rows: 0,
            nulls: 0,
            bounds: Bounds::Empty,
            uncompressed: 0,
            dictionary_pages: 0,
            plain_pages: 0,
            value_bytes: 0,
            raw_left: 0,
            error: None,
        }
    }

    /// Values as counted before encoding since the row group opened.
    pub(crate) fn value_bytes(&self) -> usize {
        self.value_bytes
    }

    /// Bytes held: the open page, the dictionary and the compressed pages.
    pub(crate) fn held_bytes(&self) -> usize {
        self.plain.len()
            + 4 * (self.indices.len() + self.defs.len())
            + self.dict.page.len()
            + self.pages.bytes_written()
    }

    /// Counts one more value in the open page, closing the page when it is full.
    #[inline]
    fn end_value(&mut self) -> bool {
        self.page_values += 1;
        self.rows += 1;
        if self.page_values >= DATA_PAGE_ROWS || self.plain.len() >= DATA_PAGE_BYTES {
            self.close_page_or_keep_error();
        }
        true
    }

    /// Closes the open page; an error is kept for [`Self::take_error`], so that the
    /// per-value calls return only whether the value fitted the column.
    fn close_page_or_keep_error(&mut self) {
        if let Err(e) = self.close_page() {
            self.error.get_or_insert(e);
        }
    }

    /// The first error met while closing a page since the last call.
    pub(crate) fn take_error(&mut self) -> Option<ParquetError> {
        self.error.take()
    }

    #[inline]
    fn present(&mut self, bytes: usize) {
        if self.nullable {
            self.defs.push(1);
            self.value_bytes += 2;
        }
        self.value_bytes += bytes;
    }

    /// A null. Returns `false` (and records nothing) if the column is not nullable.
    pub(crate) fn null(&mut self) -> bool {
        if !self.nullable {
            return false;
        }
        self.defs.push(0);
        self.value_bytes += 2;
        self.nulls += 1;
        self.end_value()
    }

    /// An integer of an INT64 or INT32 column (`false` if the column is neither).
    pub(crate) fn int(&mut self, x: i64) -> bool {
        let width = match self.kind {
            Kind::I64 => 8,
            Kind::I32 => 4,
            _ => return false,
        };
        self.present(width);
        self.bounds.int(x);
        if self.dictionary && !self.fallen_back {
            let index = self.dict.int(x, width);
            self.indices.push(index);
            return self.end_dictionary_value();
        }
        self.plain.extend_from_slice(&x.to_le_bytes()[..width]);
        self.end_value()
    }

    /// A boolean (`false` if the column is not BOOLEAN).
    pub(crate) fn bool(&mut self, b: bool) -> bool {
        if self.kind != Kind::Bool {
            return false;
        }
        self.present(1);
        self.bounds.bool(b);
        self.indices.push(u32::from(b));
        self.end_value()
    }

    /// An id (`false` if the column is not a 16-byte FIXED_LEN_BYTE_ARRAY).
    pub(crate) fn id(&mut self, id: u128) -> bool {
        if self.kind != Kind::Id {
            return false;
        }
        self.present(16);
        self.plain.extend_from_slice(&id.to_be_bytes());
        self.end_value()
    }

    /// A text (`false` if the column is not BYTE_ARRAY). `address` is where a pool
    /// text lives (for [`Dictionary::recent`]).
    pub(crate) fn text(&mut self, t: &[u8], address: Option<usize>) -> bool {
        if self.kind != Kind::Text {
            return false;
        }
        self.present(t.len() + 8);
        if self.dictionary && !self.fallen_back {
            let (index, new) = self.dict.text(t, address);
            if new {
                // New entries are the only values the bounds need to see.
                self.bounds.text(t);
            }
            self.indices.push(index);
            return self.end_dictionary_value();
        }
        self.bounds.text(t);
        self.plain
            .extend_from_slice(&(t.len() as u32).to_le_bytes());
        self.plain.extend_from_slice(t);
        self.end_value()
    }

    /// [`Self::end_value`] for a dictionary-encoded value: once the dictionary is full,
    /// the page closes and the rest of the chunk is PLAIN.
    fn end_dictionary_value(&mut self) -> bool {
        self.end_value();
        if self.dict.page.len() >= DICTIONARY_BYTES {
            if self.page_values > 0 {
                self.close_page_or_keep_error();
            }
            self.fallen_back = true;
        }
        true
    }

    /// Compresses `self.body` into a page of the chunk.
    /// Compresses the page (`self.plain` itself if `plain_only`, else `self.body`) and
    /// writes it with its header.
    fn write_page(
        &mut self,
        plain_only: bool,
        page: impl FnOnce(Bytes) -> Page,
    ) -> Result<(), ParquetError> {
        let input = if plain_only { &self.plain } else { &self.body };
        let compressed = self.codec.compress(input, &mut self.raw_left)?;
        let page = CompressedPage::new(page(Bytes::from(compressed)), input.len());
        let spec = SerializedPageWriter::new(&mut self.pages).write_page(page)?;
        self.uncompressed += spec.uncompressed_size as u64;
        Ok(())
    }

    /// Encodes the open page and writes it.
    fn close_page(&mut self) -> Result<(), ParquetError> {
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        if self.nullable {
            body.extend_from_slice(&[0; 4]);
            hybrid::encode(&self.defs, 1, &mut body);
            let n = (body.len() - 4) as u32;
            body[..4].copy_from_slice(&n.to_le_bytes());
        }
        // A page of PLAIN values and no levels is the values themselves: no copy.
        let plain_only = !self.nullable && self.kind != Kind::Bool && self.indices.is_empty();
        let encoding = if self.kind == Kind::Bool {
            hybrid::pack_bits(&self.indices, 1, &mut body);
            Encoding::PLAIN
        } else if self.indices.is_empty() {
            if !plain_only {
                body.extend_from_slice(&self.plain);
            }
            Encoding::PLAIN
        } else {
            let width = hybrid::width_for(self.dict.len.saturating_sub(1));
            body.push(width);
            hybrid::encode(&self.indices, width, &mut body);
            Encoding::RLE_DICTIONARY
        };
        self.body = body;
        let num_values = self.page_values as u32;
        self.write_page(plain_only, |buf| Page::DataPage {
            buf,
            num_values,
            encoding,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        })?;
        if encoding == Encoding::RLE_DICTIONARY {
            self.dictionary_pages += 1;
        } else {
            self.plain_pages += 1;
        }
        self.defs.clear();
        self.plain.clear();
        self.indices.clear();
        self.page_values = 0;
        Ok(())
    }

    /// The chunk's statistics, if its column keeps any.
    fn statistics(&self) -> Option<Statistics> {
        let nulls = Some(self.nulls);
        Some(match (&self.bounds, self.kind) {
            (_, Kind::Id) => return None,
            (Bounds::Int(lo, hi), Kind::I64) => {
                Statistics::int64(Some(*lo), Some(*hi), None, nulls, false)
            }
            (Bounds::Int(lo, hi), Kind::I32) => Statistics::int32(
                i32::try_from(*lo).ok(),
                i32::try_from(*hi).ok(),
                None,
                nulls,
                false,
            ),
            (Bounds::Bool(lo, hi), _) => {
                Statistics::boolean(Some(*lo), Some(*hi), None, nulls, false)
            }
            (Bounds::Text(lo, hi), _) => {
                let (min, min_exact) = truncated_min(lo);
                let (max, max_exact) = truncated_max(hi);
                Statistics::ByteArray(
                    ValueStatistics::new(
                        Some(ByteArray::from(min)),
                        max.map(ByteArray::from),
                        None,
                        nulls,
                        false,
                    )
                    .with_min_is_exact(min_exact)
                    .with_max_is_exact(max_exact),
                )
            }
            (_, Kind::I64) => Statistics::int64(None, None, None, nulls, false),
            (_, Kind::I32) => Statistics::int32(None, None, None, nulls, false),
            (_, Kind::Bool) => Statistics::boolean(None, None, None, nulls, false),
            (_, Kind::Text) => Statistics::byte_array(None, None, None, nulls, false),
        })
    }

    /// Closes the chunk: its bytes (dictionary page first) and what the row group
    /// writer needs to append them. The chunk is left empty for the next row group.
    pub(crate) fn close(&mut self) -> Result<(TakenPages, ColumnCloseResult), ParquetError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.page_values > 0 {
            self.close_page()?;
        }
        let mut dictionary = Vec::new();
        if self.dictionary_pages > 0 {
            let compressed = self.codec.compress(&self.dict.page, &mut self.raw_left)?;
            let page = CompressedPage::new(
                Page::DictionaryPage {
                    buf: Bytes::from(compressed),
                    num_values: self.dict.len,
                    encoding: Encoding::PLAIN,
                    is_sorted: false,
                },
                self.dict.page.len(),
            );
            let mut out = TrackedWrite::new(Vec::new());
            let spec = SerializedPageWriter::new(&mut out).write_page(page)?;
            self.uncompressed += spec.uncompressed_size as u64;
            dictionary = out.into_inner()?;
        }
        let pages = std::mem::replace(&mut self.pages, TrackedWrite::new(Blocks::default()));
        let taken = Taken {
            dictionary,
            pages: pages.into_inner()?,
        };
        let mut encodings = vec![Encoding::PLAIN, Encoding::RLE];
        let mut stats = Vec::new();
        if self.dictionary_pages > 0 {
            encodings.push(Encoding::RLE_DICTIONARY);
            stats.push(PageEncodingStats {
                page_type: PageType::DICTIONARY_PAGE,
                encoding: Encoding::PLAIN,
                count: 1,
            });
            stats.push(PageEncodingStats {
                page_type: PageType::DATA_PAGE,
                encoding: Encoding::RLE_DICTIONARY,
                count: self.dictionary_pages,
            });
        }
        if self.plain_pages > 0 {
            stats.push(PageEncodingStats {
                page_type: PageType::DATA_PAGE,
                encoding: Encoding::PLAIN,
                count: self.plain_pages,
            });
        }
        let total = taken.len() as i64;
        let mut meta = ColumnChunkMetaData::builder(Arc::clone(&self.descriptor))
            .set_compression(self.codec.parquet()?)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
            .set_page_encoding_stats(stats)
            .set_total_compressed_size(total)
            .set_total_uncompressed_size(self.uncompressed as i64)
            .set_num_values(self.rows as i64)
            .set_data_page_offset(taken.dictionary.len() as i64)
            .set_dictionary_page_offset((self.dictionary_pages > 0).then_some(0));
        if let Some(s) = self.statistics() {
            meta = meta.set_statistics(s);
        }
        let close = ColumnCloseResult {
            bytes_written: total as u64,
            rows_written: self.rows,
            metadata: meta.build()?,
            bloom_filter: None,
            column_index: None,
            offset_index: None,
        };
        self.dict.clear();
        self.fallen_back = false;
        self.rows = 0;
        self.nulls = 0;
        self.bounds = Bounds::Empty;
        self.uncompressed = 0;
        self.dictionary_pages = 0;
        self.plain_pages = 0;
        self.value_bytes = 0;
        self.raw_left = 0;
        Ok((TakenPages(Arc::new(taken)), close))
    }

    /// Gives back what [`Self::close`] returned, once appended, so that the next row
    /// group's pages go into the same memory instead of new blocks.
    pub(crate) fn recycle(&mut self, pages: TakenPages) {
        // The readers of the append are gone, so the blocks are this chunk's alone.
        if let Ok(mut taken) = Arc::try_unwrap(pages.0)
            && self.pages.bytes_written() == 0
        {
            taken.pages.clear();
            self.pages = TrackedWrite::new(taken.pages);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::BLOCK_BYTES;
    use crate::codec::RAW_PAGES_AFTER_MISS;
    use parquet::file::reader::ChunkReader;
    use std::io::Read;
    use std::io::Write;

    #[test]
    fn taken_pages_read_back_dictionary_then_blocks_from_any_offset_and_keep_their_memory() {
        let data: Vec<u8> = (0..3 * BLOCK_BYTES + 777)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let mut blocks = Blocks::default();
        // Pieces of odd sizes, some crossing a block boundary.
        for piece in data.chunks(10_007) {
            blocks.write_all(piece).expect("writes");
        }
        assert_eq!(blocks.full.len(), 4);
        let dictionary: Vec<u8> = (0..1000).map(|i| (i % 7) as u8).collect();
        let all: Vec<u8> = dictionary.iter().chain(&data).copied().collect();
        let taken = TakenPages(Arc::new(Taken {
            dictionary,
            pages: blocks,
        }));
        assert_eq!(parquet::file::reader::Length::len(&taken), all.len() as u64);
        for start in [
            0,
            1,
            999,
            1000,
            1000 + BLOCK_BYTES - 1,
            1000 + BLOCK_BYTES,
            1000 + 2 * BLOCK_BYTES + 5,
            all.len(),
        ] {
            let mut out = Vec::new();
            taken
                .get_read(start as u64)
                .expect("reader")
                .read_to_end(&mut out)
                .expect("reads");
            assert_eq!(out, all[start..], "from {start}");
        }
        let bytes = taken.get_bytes(995, 10).expect("bytes");
        assert_eq!(&bytes[..], &all[995..1005]);
        // Emptied, the blocks are used again rather than allocated anew.
        let mut blocks = Arc::try_unwrap(taken.0).ok().expect("one owner").pages;
        blocks.clear();
        assert_eq!(
            (blocks.full.len(), blocks.spare.len(), blocks.len),
            (0, 4, 0)
        );
        blocks.write_all(&data[..100]).expect("writes");
        assert_eq!((blocks.full.len(), blocks.spare.len()), (1, 3));
    }

    #[test]
    fn an_incompressible_column_is_stored_raw_between_tries() {
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let random: Vec<u8> = (0..DATA_PAGE_BYTES)
            .map(|_| {
                // xorshift64
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 56) as u8
            })
            .collect();
        let text = b"the same words again and again ".repeat(2000);
        let mut raw_left = 0;
        let first = Codec::Zstd.compress(&random, &mut raw_left).expect("zstd");
        assert_eq!(raw_left, RAW_PAGES_AFTER_MISS);
        for left in (0..RAW_PAGES_AFTER_MISS).rev() {
            let page = Codec::Zstd.compress(&random, &mut raw_left).expect("raw");
            assert_eq!(raw_left, left);
            // A raw frame: the data plus a 9-byte frame header and 3 bytes a block.
            assert_eq!(page.len(), random.len() + 9 + 3);
            assert_eq!(
                zstd::bulk::decompress(&page, random.len()).expect("frame"),
                random
            );
        }
        assert_eq!(
            zstd::bulk::decompress(&first, random.len()).expect("frame"),
            random
        );
        // Then zstd is tried again, and a page it shrinks keeps it trying.
        let page = Codec::Zstd.compress(&text, &mut raw_left).expect("zstd");
        assert!(page.len() < text.len() / 10);
        assert_eq!(raw_left, 0);
    }
}
