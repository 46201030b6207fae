//! Parquet through the `parquet` crate's column writers (no Arrow in between).
//!
//! Types: ids are `FIXED_LEN_BYTE_ARRAY(16)` annotated `UUID`; money is `INT64`
//! annotated `DECIMAL(18, 2)` (exact minor units); dates are `INT32` annotated `DATE`
//! (Date32); integers `INT64`; text `BYTE_ARRAY` annotated `STRING`. Nullable columns
//! are `OPTIONAL`, the rest `REQUIRED`.
//!
//! Values are encoded as they arrive: every [`CHUNK_ROWS`] rows, each column's values go
//! to that column's writer, which closes a page every [`DATA_PAGE_BYTES`] or
//! [`DATA_PAGE_ROWS`] and hands it to a buffer of its own, where it is compressed and
//! kept in 64 KiB blocks (no growing `Vec`'s copies and slack). So a row group in
//! progress is held as compressed pages, not as values. It closes once
//! `row_group_bytes` of values (as counted before encoding) have gone in; then each
//! column's pages are appended to the file, one column after the other, as Parquet lays
//! them out. What a table holds is therefore the compressed row group plus one open page
//! and one dictionary per column; each writer thread holds one zstd context.

use crate::file::AtomicFile;
use crate::{Compression, FileReport, Sink, SinkError, SinkOptions, TableReport, table_report};
use bytes::Bytes;
use parquet::basic::{Compression as Codec, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageWriteSpec, PageWriter};
use parquet::column::writer::{ColumnWriter, get_column_writer};
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesPtr};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnDescPtr, ColumnPath, Type};
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use synth_model::{Column, ColumnType, FieldVisitor, Record, Value};

/// Rows whose values are handed to the column writers at once.
pub const CHUNK_ROWS: usize = 1024;
/// Encoded bytes after which a column writer compresses its page and hands it on.
pub const DATA_PAGE_BYTES: usize = 64 << 10;
/// Rows after which a page closes whatever its size. A dictionary-encoded column keeps
/// its page's indices as 8-byte integers until the page closes, and its size limit counts
/// them bit-packed, so without this bound one such page could hold megabytes.
pub const DATA_PAGE_ROWS: usize = 8192;
/// zstd level: 1, parquet-rs's default. Measured, 2 M entries, all tables: level 3 made
/// files 0.6% smaller (314 against 316 MB) for 5–10% more CPU (pages of 64 KiB, ids that
/// do not compress, dictionary indices already packed).
const ZSTD_LEVEL: i32 = 1;
/// Write buffer in front of the file: appended column chunks arrive in 8 KiB pieces.
const FILE_BUFFER_BYTES: usize = 256 << 10;

enum Values {
    Bool(Vec<bool>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    /// 16 bytes per value, and the values as the writer takes them (reused).
    Id(Vec<u8>, Vec<FixedLenByteArray>),
    /// Text values; `owned` holds the bytes of those that are not `'static`.
    Text {
        owned: Vec<u8>,
        items: Vec<TextRef>,
        /// The values as the writer takes them (reused).
        scratch: Vec<ByteArray>,
    },
}

/// One text value of the current chunk.
enum TextRef {
    /// Pool text: handed to the writer as it is, without a copy.
    Static(&'static str),
    /// A range of the chunk's `owned` bytes.
    Owned(usize, usize),
}

impl TextRef {
    /// Bytes of the value.
    fn len(&self) -> usize {
        match *self {
            Self::Static(t) => t.len(),
            Self::Owned(start, end) => end - start,
        }
    }
}

/// One column's values of the current chunk of rows (reused from chunk to chunk).
struct ColumnBuffer {
    values: Values,
    /// Definition levels (1 = value, 0 = null) for nullable columns.
    defs: Option<Vec<i16>>,
}

impl ColumnBuffer {
    fn new(c: &Column) -> Self {
        let values = match c.ty {
            ColumnType::Id => Values::Id(Vec::new(), Vec::new()),
            ColumnType::Int | ColumnType::Money | ColumnType::Timestamp => Values::I64(Vec::new()),
            ColumnType::Date => Values::I32(Vec::new()),
            ColumnType::Bool => Values::Bool(Vec::new()),
            ColumnType::Text => Values::Text {
                owned: Vec::new(),
                items: Vec::new(),
                scratch: Vec::new(),
            },
        };
        Self {
            values,
            defs: c.nullable.then(Vec::new),
        }
    }

    fn bytes(&self) -> usize {
        let defs = self.defs.as_ref().map_or(0, |d| d.len() * 2);
        defs + match &self.values {
            Values::Bool(v) => v.len(),
            Values::I64(v) => v.len() * 8,
            Values::I32(v) => v.len() * 4,
            Values::Id(v, _) => v.len(),
            Values::Text { items, .. } => items.iter().map(|t| t.len() + 8).sum(),
        }
    }

    /// Hands the buffered values to `writer` and empties the buffer (keeping its memory).
    fn write_to(&mut self, writer: &mut ColumnWriter<'static>) -> Result<(), ParquetError> {
        let defs = self.defs.as_deref();
        match (&mut self.values, writer) {
            (Values::I64(v), ColumnWriter::Int64ColumnWriter(w)) => {
                w.write_batch(v, defs, None)?;
                v.clear();
            }
            (Values::I32(v), ColumnWriter::Int32ColumnWriter(w)) => {
                w.write_batch(v, defs, None)?;
                v.clear();
            }
            (Values::Bool(v), ColumnWriter::BoolColumnWriter(w)) => {
                w.write_batch(v, defs, None)?;
                v.clear();
            }
            (Values::Id(v, ids), ColumnWriter::FixedLenByteArrayColumnWriter(w)) => {
                // One allocation per chunk: the values are slices of one copy.
                let all = Bytes::copy_from_slice(v);
                ids.extend((0..all.len() / 16).map(|k| {
                    FixedLenByteArray::from(ByteArray::from(all.slice(k * 16..k * 16 + 16)))
                }));
                w.write_batch(ids, defs, None)?;
                ids.clear();
                v.clear();
            }
            (
                Values::Text {
                    owned,
                    items,
                    scratch,
                },
                ColumnWriter::ByteArrayColumnWriter(w),
            ) => {
                let all = Bytes::copy_from_slice(owned);
                scratch.extend(items.iter().map(|t| match *t {
                    TextRef::Static(s) => ByteArray::from(Bytes::from_static(s.as_bytes())),
                    TextRef::Owned(start, end) => ByteArray::from(all.slice(start..end)),
                }));
                w.write_batch(scratch, defs, None)?;
                scratch.clear();
                items.clear();
                owned.clear();
            }
            _ => {
                return Err(ParquetError::General(
                    "column writer does not match the column's type".into(),
                ));
            }
        }
        if let Some(d) = &mut self.defs {
            d.clear();
        }
        Ok(())
    }
}

/// How a table's pages are compressed, by its page buffers rather than its column writers.
///
/// parquet-rs gives every column writer a codec of its own, and a zstd context holds
/// about a megabyte (outside the Rust heap); with every column of every table open at
/// once that was tens of megabytes. So the column writers are told to write
/// uncompressed pages, [`PageBuffer`] compresses each page before storing it (zstd
/// through one context for the process), and [`ParquetSink::close_group`] records the
/// real codec in the chunk's metadata.
#[derive(Clone, Copy)]
enum PageCodec {
    /// Through [`ZSTD`].
    Zstd,
    Snappy,
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

impl PageCodec {
    fn new(compression: Compression) -> Option<Self> {
        match compression {
            Compression::Zstd => Some(Self::Zstd),
            Compression::Snappy => Some(Self::Snappy),
            Compression::None => Some(Self::None),
            Compression::Gzip => None,
        }
    }

    /// The codec as Parquet's metadata names it.
    fn parquet(&self) -> Result<Codec, ParquetError> {
        Ok(match self {
            Self::Zstd => Codec::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?),
            Self::Snappy => Codec::SNAPPY,
            Self::None => Codec::UNCOMPRESSED,
        })
    }

    /// `page` (written uncompressed by its column writer) with its buffer compressed.
    fn compress(self, page: CompressedPage) -> Result<CompressedPage, ParquetError> {
        let input = page.data();
        let buf = match self {
            Self::None => return Ok(page),
            Self::Zstd => {
                let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(input.len()));
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
                out
            }
            Self::Snappy => {
                let mut out = vec![0; snap::raw::max_compress_len(input.len())];
                // The encoder's table lives on the stack: nothing to keep between pages.
                let n = snap::raw::Encoder::new()
                    .compress(input, &mut out)
                    .map_err(|e| ParquetError::External(Box::new(e)))?;
                out.truncate(n);
                out
            }
        };
        let buf = Bytes::from(buf);
        let compressed = match page.compressed_page() {
            Page::DataPage {
                num_values,
                encoding,
                def_level_encoding,
                rep_level_encoding,
                statistics,
                ..
            } => Page::DataPage {
                buf,
                num_values: *num_values,
                encoding: *encoding,
                def_level_encoding: *def_level_encoding,
                rep_level_encoding: *rep_level_encoding,
                statistics: statistics.clone(),
            },
            Page::DictionaryPage {
                num_values,
                encoding,
                is_sorted,
                ..
            } => Page::DictionaryPage {
                buf,
                num_values: *num_values,
                encoding: *encoding,
                is_sorted: *is_sorted,
            },
            // The writer is set to format 1.0, which writes no v2 pages.
            Page::DataPageV2 { .. } => {
                return Err(ParquetError::General(
                    "data page v2 is not written by this sink".into(),
                ));
            }
        };
        Ok(CompressedPage::new(compressed, page.uncompressed_size()))
    }
}

/// Bytes written in blocks of [`BLOCK_BYTES`]: grows without copying what it holds and
/// without the up-to-double slack of a growing `Vec`; emptied, it keeps its blocks for
/// the next row group.
#[derive(Default)]
struct Blocks {
    full: Vec<Vec<u8>>,
    /// Blocks emptied by [`Blocks::clear`], used again before new ones are allocated.
    spare: Vec<Vec<u8>>,
    len: usize,
}

/// Size of one block of [`Blocks`].
const BLOCK_BYTES: usize = 64 << 10;

impl Blocks {
    /// Empties it, keeping its blocks' memory.
    fn clear(&mut self) {
        for mut b in self.full.drain(..) {
            b.clear();
            self.spare.push(b);
        }
        self.len = 0;
    }
}

impl Write for Blocks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            let block = match self.full.last_mut() {
                Some(b) if b.len() < BLOCK_BYTES => b,
                _ => {
                    let b = self
                        .spare
                        .pop()
                        .unwrap_or_else(|| Vec::with_capacity(BLOCK_BYTES));
                    self.full.push(b);
                    let last = self.full.len() - 1;
                    &mut self.full[last]
                }
            };
            let k = (BLOCK_BYTES - block.len()).min(rest.len());
            block.extend_from_slice(&rest[..k]);
            rest = &rest[k..];
        }
        self.len += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A row group's pages of one column, as
/// [`parquet::file::writer::SerializedRowGroupWriter::append_column`]
/// reads them.
struct TakenPages(Arc<Blocks>);

impl parquet::file::reader::Length for TakenPages {
    fn len(&self) -> u64 {
        self.0.len as u64
    }
}

impl parquet::file::reader::ChunkReader for TakenPages {
    type T = BlocksRead;

    fn get_read(&self, start: u64) -> Result<BlocksRead, ParquetError> {
        let at = usize::try_from(start).unwrap_or(usize::MAX).min(self.0.len);
        Ok(BlocksRead {
            blocks: Arc::clone(&self.0),
            block: at / BLOCK_BYTES,
            offset: at % BLOCK_BYTES,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes, ParquetError> {
        let mut out = Vec::with_capacity(length);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(self.get_read(start)?, length as u64),
            &mut out,
        )?;
        Ok(Bytes::from(out))
    }
}

/// Reads [`Blocks`] from a position on.
struct BlocksRead {
    blocks: Arc<Blocks>,
    block: usize,
    offset: usize,
}

impl std::io::Read for BlocksRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(b) = self.blocks.full.get(self.block) else {
            return Ok(0);
        };
        let k = (b.len() - self.offset.min(b.len())).min(buf.len());
        buf[..k].copy_from_slice(&b[self.offset..self.offset + k]);
        self.offset += k;
        if self.offset >= b.len() {
            self.block += 1;
            self.offset = 0;
        }
        Ok(k)
    }
}

/// Where one column's compressed pages wait until its row group is appended to the file.
/// Shared with that column's writer, which owns a clone as its [`PageWriter`].
#[derive(Clone)]
struct PageBuffer {
    pages: Arc<Mutex<TrackedWrite<Blocks>>>,
    codec: PageCodec,
}

/// A lock, or an error if a panic poisoned it.
fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, ParquetError> {
    m.lock()
        .map_err(|_| ParquetError::General("a page buffer was poisoned by a panic".into()))
}

impl PageBuffer {
    fn new(codec: PageCodec) -> Self {
        Self {
            pages: Arc::new(Mutex::new(TrackedWrite::new(Blocks::default()))),
            codec,
        }
    }

    /// The pages written so far, leaving the buffer empty.
    fn take(&self) -> Result<TakenPages, ParquetError> {
        let mut sink = lock(&self.pages)?;
        let full = std::mem::replace(&mut *sink, TrackedWrite::new(Blocks::default()));
        Ok(TakenPages(Arc::new(full.into_inner()?)))
    }

    /// Gives back what [`Self::take`] returned, once appended, so that the next row
    /// group's pages go into the same memory instead of new blocks.
    fn recycle(&self, pages: TakenPages) -> Result<(), ParquetError> {
        // The readers of the append are gone, so the blocks are this one's alone.
        let Ok(mut blocks) = Arc::try_unwrap(pages.0) else {
            return Ok(());
        };
        blocks.clear();
        *lock(&self.pages)? = TrackedWrite::new(blocks);
        Ok(())
    }

    /// Compressed bytes held.
    fn len(&self) -> usize {
        lock(&self.pages).map_or(0, |s| s.bytes_written())
    }
}

impl PageWriter for PageBuffer {
    fn write_page(&mut self, page: CompressedPage) -> Result<PageWriteSpec, ParquetError> {
        let page = self.codec.compress(page)?;
        SerializedPageWriter::new(&mut *lock(&self.pages)?).write_page(page)
    }

    fn close(&mut self) -> Result<(), ParquetError> {
        lock(&self.pages)?.flush()?;
        Ok(())
    }
}

/// The column writers of the row group in progress.
struct OpenGroup {
    writers: Vec<ColumnWriter<'static>>,
    /// Values (as counted before encoding) written into this group.
    value_bytes: usize,
}

struct Columns<'a> {
    cols: &'a mut [ColumnBuffer],
    i: usize,
    /// The first column whose value did not fit it (a bug in a record's visitor).
    bad: Option<usize>,
}

impl FieldVisitor for Columns<'_> {
    #[inline]
    fn field(&mut self, value: Value<'_>) {
        let i = self.i;
        self.i += 1;
        let Some(col) = self.cols.get_mut(i) else {
            self.bad.get_or_insert(i);
            return;
        };
        match &mut col.defs {
            Some(defs) => defs.push(i16::from(value != Value::Null)),
            None if value == Value::Null => {
                self.bad.get_or_insert(i);
            }
            None => {}
        }
        match (&mut col.values, value) {
            (Values::I64(v), Value::Int(x) | Value::Money(x)) => v.push(x),
            (Values::I32(v), Value::Date(d)) => v.push(d.0),
            (Values::Bool(v), Value::Bool(b)) => v.push(b),
            (Values::I64(v), Value::Timestamp(t)) => v.push(t.0.saturating_mul(1_000_000)),
            (Values::Id(v, _), Value::Id(id)) => v.extend_from_slice(&id.to_be_bytes()),
            (Values::Text { items, .. }, Value::Static(t)) => {
                items.push(TextRef::Static(t));
            }
            (Values::Text { owned, items, .. }, Value::Text(t)) => {
                let start = owned.len();
                owned.extend_from_slice(t.as_bytes());
                items.push(TextRef::Owned(start, owned.len()));
            }
            // Null: only the definition level is recorded.
            (_, Value::Null) => {}
            // Anything else would shift the column against its definition levels.
            _ => {
                self.bad.get_or_insert(i);
            }
        }
    }
}

/// Writes one table to `TABLE.parquet`.
pub struct ParquetSink<R> {
    writer: Option<SerializedFileWriter<BufWriter<AtomicFile>>>,
    path: PathBuf,
    /// The file's path inside the output directory, as the manifest lists it.
    relative: String,
    /// Column-writer properties: uncompressed pages, as [`PageCodec`] compresses them.
    props: WriterPropertiesPtr,
    codec: PageCodec,
    descriptors: Vec<ColumnDescPtr>,
    /// Each column's pages of the open row group (kept from group to group).
    pages: Vec<PageBuffer>,
    /// Values of the rows not yet handed to the column writers.
    columns: Vec<ColumnBuffer>,
    rows_in_chunk: usize,
    group: Option<OpenGroup>,
    rows: u64,
    row_group_bytes: usize,
    _record: PhantomData<fn(&R)>,
}

fn schema(table: &str, columns: &[Column]) -> Result<Type, parquet::errors::ParquetError> {
    let fields = columns
        .iter()
        .map(|c| {
            let repetition = if c.nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            let builder = match c.ty {
                ColumnType::Id => {
                    Type::primitive_type_builder(c.name, Physical::FIXED_LEN_BYTE_ARRAY)
                        .with_length(16)
                        .with_logical_type(Some(LogicalType::Uuid))
                }
                ColumnType::Int => Type::primitive_type_builder(c.name, Physical::INT64),
                ColumnType::Money => Type::primitive_type_builder(c.name, Physical::INT64)
                    .with_logical_type(Some(LogicalType::Decimal(parquet::basic::DecimalType {
                        scale: 2,
                        precision: 18,
                    })))
                    .with_precision(18)
                    .with_scale(2),
                ColumnType::Date => Type::primitive_type_builder(c.name, Physical::INT32)
                    .with_logical_type(Some(LogicalType::Date)),
                ColumnType::Timestamp => Type::primitive_type_builder(c.name, Physical::INT64)
                    .with_logical_type(Some(LogicalType::Timestamp(
                        parquet::basic::TimestampType {
                            is_adjusted_to_u_t_c: false,
                            unit: parquet::basic::TimeUnit::MICROS,
                        },
                    ))),
                ColumnType::Bool => Type::primitive_type_builder(c.name, Physical::BOOLEAN),
                ColumnType::Text => Type::primitive_type_builder(c.name, Physical::BYTE_ARRAY)
                    .with_logical_type(Some(LogicalType::String)),
            };
            builder.with_repetition(repetition).build().map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Type::group_type_builder(table).with_fields(fields).build()
}

impl<R: Record> ParquetSink<R> {
    /// Creates `dir/TABLE.parquet.partial` and writes its header.
    pub fn new(dir: &crate::OutputDir, options: &SinkOptions) -> Result<Self, SinkError> {
        let (dir, stem) = options.place(dir, R::TABLE)?;
        let name = format!("{stem}.parquet");
        let path = dir.path().join(&name);
        let relative = dir.relative(&name);
        let err = |e: parquet::errors::ParquetError| SinkError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        };
        let compression = options.compression_for(crate::Format::Parquet);
        let codec = PageCodec::new(compression).ok_or(SinkError::CompressionUnavailable {
            format: "parquet",
            compression: compression.name(),
        })?;
        // Statistics per column chunk and no offset index: per-page indexes would be
        // kept in memory for every row group until the footer, so memory would grow
        // with the file. Id columns get no statistics and no dictionary: random UUIDs span
        // the whole range in every row group, so their min/max prune nothing yet cost time
        // and footer memory, and their dictionary only grows until it is abandoned.
        let mut props = WriterProperties::builder()
            .set_compression(Codec::UNCOMPRESSED)
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_offset_index_disabled(true)
            .set_data_page_size_limit(DATA_PAGE_BYTES)
            .set_data_page_row_count_limit(DATA_PAGE_ROWS)
            .set_created_by(format!("synthdata {}", env!("CARGO_PKG_VERSION")));
        for c in R::SCHEMA {
            match c.ty {
                ColumnType::Id => {
                    props = props
                        .set_column_statistics_enabled(
                            ColumnPath::from(c.name),
                            EnabledStatistics::None,
                        )
                        .set_column_dictionary_enabled(ColumnPath::from(c.name), false);
                }
                ColumnType::Money => {
                    props = props.set_column_dictionary_enabled(ColumnPath::from(c.name), false);
                }
                _ => {}
            }
        }
        let props = Arc::new(props.build());
        let file = AtomicFile::create(&dir, name, options.drop_page_cache_every)?;
        let writer = SerializedFileWriter::new(
            BufWriter::with_capacity(FILE_BUFFER_BYTES, file),
            Arc::new(schema(R::TABLE, R::SCHEMA).map_err(err)?),
            Arc::clone(&props),
        )
        .map_err(err)?;
        Ok(Self {
            descriptors: writer.schema_descr().columns().to_vec(),
            writer: Some(writer),
            props,
            pages: R::SCHEMA.iter().map(|_| PageBuffer::new(codec)).collect(),
            codec,
            columns: R::SCHEMA.iter().map(ColumnBuffer::new).collect(),
            path,
            relative,
            rows_in_chunk: 0,
            group: None,
            rows: 0,
            row_group_bytes: options.row_group_bytes.max(64 << 10),
            _record: PhantomData,
        })
    }

    fn err(&self, e: ParquetError) -> SinkError {
        // An I/O error from the file underneath keeps its meaning (a full disk, say).
        if let ParquetError::External(inner) = &e
            && let Some(io) = inner.downcast_ref::<std::io::Error>()
            && let Some(full) = disk_full(io)
        {
            return full;
        }
        SinkError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    fn io_err(&self, e: &std::io::Error) -> SinkError {
        disk_full(e).unwrap_or_else(|| SinkError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    /// Hands the buffered chunk of rows to the column writers (opening a row group if
    /// none is open), and closes the group once it holds `row_group_bytes` of values.
    fn write_chunk(&mut self) -> Result<(), SinkError> {
        if self.rows_in_chunk == 0 {
            return Ok(());
        }
        let result = (|| -> Result<usize, ParquetError> {
            let group = match &mut self.group {
                Some(g) => g,
                None => {
                    let writers = self
                        .descriptors
                        .iter()
                        .zip(&self.pages)
                        .map(|(d, p)| {
                            get_column_writer(
                                Arc::clone(d),
                                Arc::clone(&self.props),
                                Box::new(p.clone()),
                            )
                        })
                        .collect();
                    self.group.insert(OpenGroup {
                        writers,
                        value_bytes: 0,
                    })
                }
            };
            for (col, w) in self.columns.iter_mut().zip(&mut group.writers) {
                group.value_bytes += col.bytes();
                col.write_to(w)?;
            }
            Ok(group.value_bytes)
        })();
        self.rows_in_chunk = 0;
        let value_bytes = result.map_err(|e| self.err(e))?;
        if value_bytes >= self.row_group_bytes {
            self.close_group()?;
        }
        Ok(())
    }

    /// Closes every column of the open row group and appends its pages to the file.
    fn close_group(&mut self) -> Result<(), SinkError> {
        let (Some(group), Some(writer)) = (self.group.take(), self.writer.as_mut()) else {
            return Ok(());
        };
        let result = (|| -> Result<(), ParquetError> {
            let codec = self.codec.parquet()?;
            let mut out = writer.next_row_group()?;
            for (w, pages) in group.writers.into_iter().zip(&self.pages) {
                let mut closed = w.close()?;
                let stats = closed.metadata.statistics().map(owned_statistics);
                let mut meta = closed.metadata.into_builder().set_compression(codec);
                if let Some(stats) = stats {
                    meta = meta.set_statistics(stats);
                }
                closed.metadata = meta.build()?;
                let bytes = pages.take()?;
                out.append_column(&bytes, closed)?;
                pages.recycle(bytes)?;
            }
            out.close()?;
            Ok(())
        })();
        result.map_err(|e| self.err(e))
    }

    /// Writes the rows not yet written as a row group of their own.
    fn write_row_group(&mut self) -> Result<(), SinkError> {
        self.write_chunk()?;
        self.close_group()
    }
}

impl<R: Record> Sink<R> for ParquetSink<R> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        for r in records {
            let mut columns = Columns {
                cols: &mut self.columns,
                i: 0,
                bad: None,
            };
            r.visit(&mut columns);
            let bad = columns
                .bad
                .or((columns.i != R::SCHEMA.len()).then_some(columns.i));
            if let Some(column) = bad {
                return Err(SinkError::ValueMismatch {
                    table: R::TABLE,
                    column: R::SCHEMA
                        .get(column)
                        .map_or("(past the last column)", |c| c.name),
                });
            }
            self.rows_in_chunk += 1;
            if self.rows_in_chunk == CHUNK_ROWS {
                self.write_chunk()?;
            }
        }
        self.rows += records.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.write_row_group()
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn buffered_bytes(&self) -> usize {
        let pending: usize = self.columns.iter().map(ColumnBuffer::bytes).sum();
        pending + self.pages.iter().map(PageBuffer::len).sum::<usize>()
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.write_row_group()?;
        let Some(writer) = self.writer.take() else {
            return Ok(table_report(R::TABLE, Vec::new()));
        };
        let buffered = writer.into_inner().map_err(|e| self.err(e))?;
        let file = buffered.into_inner().map_err(|e| self.io_err(e.error()))?;
        Ok(table_report(R::TABLE, vec![file.finish(self.rows)?]))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // The footer is not written, so the `.partial` file is not a readable Parquet
        // file; the report says how many rows had been accepted.
        let bytes = self.writer.as_ref().map_or(0, |w| w.bytes_written() as u64);
        self.writer = None;
        let name = &self.relative;
        table_report(
            R::TABLE,
            vec![FileReport {
                path: format!("{name}{}", crate::PARTIAL_SUFFIX),
                rows: 0,
                bytes,
                xxh3: String::new(),
                part: None,
            }],
        )
    }
}

/// A full disk under the Parquet writer, as the file reported it.
fn disk_full(io: &std::io::Error) -> Option<SinkError> {
    match io.get_ref().and_then(|e| e.downcast_ref::<SinkError>()) {
        Some(SinkError::DiskFull { path }) => Some(SinkError::DiskFull { path: path.clone() }),
        _ => None,
    }
}

/// `stats` with text min/max copied out: the writer's copies are slices of the chunk
/// they came from, which would otherwise stay in memory until the file is finished.
fn owned_statistics(stats: &Statistics) -> Statistics {
    let Statistics::ByteArray(v) = stats else {
        return stats.clone();
    };
    let own = |b: Option<&[u8]>| b.map(|b| ByteArray::from(b.to_vec()));
    Statistics::ByteArray(
        ValueStatistics::new(
            own(v.min_bytes_opt()),
            own(v.max_bytes_opt()),
            v.distinct_count(),
            v.null_count_opt(),
            stats.is_min_max_deprecated(),
        )
        .with_min_is_exact(v.min_is_exact())
        .with_max_is_exact(v.max_is_exact())
        .with_backwards_compatible_min_max(v.is_min_max_backwards_compatible())
        .with_nan_count(v.nan_count_opt()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::ChunkReader;
    use std::io::Read;

    #[test]
    fn blocks_read_back_what_was_written_from_any_offset_and_keep_their_memory() {
        let data: Vec<u8> = (0..3 * BLOCK_BYTES + 777)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let mut blocks = Blocks::default();
        // Pieces of odd sizes, some crossing a block boundary.
        for piece in data.chunks(10_007) {
            blocks.write_all(piece).expect("writes");
        }
        assert_eq!(blocks.full.len(), 4);
        let taken = TakenPages(Arc::new(blocks));
        assert_eq!(
            parquet::file::reader::Length::len(&taken),
            data.len() as u64
        );
        for start in [
            0,
            1,
            BLOCK_BYTES - 1,
            BLOCK_BYTES,
            2 * BLOCK_BYTES + 5,
            data.len(),
        ] {
            let mut out = Vec::new();
            taken
                .get_read(start as u64)
                .expect("reader")
                .read_to_end(&mut out)
                .expect("reads");
            assert_eq!(out, data[start..], "from {start}");
        }
        let bytes = taken.get_bytes(BLOCK_BYTES as u64 - 3, 10).expect("bytes");
        assert_eq!(&bytes[..], &data[BLOCK_BYTES - 3..BLOCK_BYTES + 7]);
        // Emptied, the blocks are used again rather than allocated anew.
        let mut blocks = Arc::try_unwrap(taken.0).ok().expect("one owner");
        blocks.clear();
        assert_eq!(
            (blocks.full.len(), blocks.spare.len(), blocks.len),
            (0, 4, 0)
        );
        blocks.write_all(&data[..100]).expect("writes");
        assert_eq!((blocks.full.len(), blocks.spare.len()), (1, 3));
    }
}
