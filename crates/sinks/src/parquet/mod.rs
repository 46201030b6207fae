//! Parquet: pages encoded here ([`chunk`]), files, row groups and footers by the
//! `parquet` crate (no Arrow in between).
//!
//! Types: ids are `FIXED_LEN_BYTE_ARRAY(16)` annotated `UUID`; money is `INT64`
//! annotated `DECIMAL(18, 2)` (exact minor units); dates are `INT32` annotated `DATE`
//! (Date32); integers `INT64`; text `BYTE_ARRAY` annotated `STRING`. Nullable columns
//! are `OPTIONAL`, the rest `REQUIRED`. Encodings: ids, money and booleans PLAIN; the
//! rest dictionary (RLE_DICTIONARY), falling back to PLAIN for the rest of a chunk once
//! its dictionary holds 1 MiB.
//!
//! Each value is encoded as it arrives into its column's open page, which closes every
//! [`chunk::DATA_PAGE_BYTES`] or [`chunk::DATA_PAGE_ROWS`]; it is then compressed and kept in 64 KiB
//! blocks (no growing `Vec`'s copies and slack). So a row group in progress is held as
//! compressed pages, not as values. It closes once `row_group_bytes` of values (as
//! counted before encoding, checked every [`CHUNK_ROWS`] rows) have gone in; then each
//! column's dictionary page and data pages are appended to the file, one column after
//! the other, as Parquet lays them out. What a table holds is therefore the compressed
//! row group plus one open page and one dictionary per column; each writer thread holds
//! one zstd context.

mod chunk;
mod hybrid;

use crate::file::AtomicFile;
use crate::{FileReport, Sink, SinkError, SinkOptions, TableReport, table_report};
use chunk::{ColumnChunk, PageCodec};
use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::io::BufWriter;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use synth_model::{Column, ColumnType, FieldVisitor, Record, Value};

/// Rows after which the sink checks whether its row group is full.
pub const CHUNK_ROWS: usize = 1024;
/// Write buffer in front of the file: appended column chunks arrive in 8 KiB pieces.
const FILE_BUFFER_BYTES: usize = 256 << 10;

/// Hands a record's values to its columns' chunks.
struct Columns<'a> {
    cols: &'a mut [ColumnChunk],
    i: usize,
    /// The first column whose value did not fit it (a bug in a record's visitor).
    bad: Option<usize>,
}

impl FieldVisitor for Columns<'_> {
    // Always inlined: at each call site the value's type is known, so what is left is
    // the call to the column's encoder.
    #[inline(always)]
    fn field(&mut self, value: Value<'_>) {
        let i = self.i;
        self.i += 1;
        let Some(col) = self.cols.get_mut(i) else {
            self.bad.get_or_insert(i);
            return;
        };
        let fits = match value {
            Value::Int(x) | Value::Money(x) => col.int(x),
            Value::Date(d) => col.int(i64::from(d.0)),
            Value::Timestamp(t) => col.int(t.0.saturating_mul(1_000_000)),
            Value::Bool(b) => col.bool(b),
            Value::Id(id) => col.id(id),
            Value::Static(t) => col.text(t.as_bytes(), Some(t.as_ptr() as usize)),
            Value::Text(t) => col.text(t.as_bytes(), None),
            Value::Null => col.null(),
        };
        // Anything else would shift the column against its definition levels.
        if !fits {
            self.bad.get_or_insert(i);
        }
    }
}

/// Writes one table to `TABLE.parquet`.
pub struct ParquetSink<R> {
    writer: Option<SerializedFileWriter<BufWriter<AtomicFile>>>,
    path: PathBuf,
    /// The file's path inside the output directory, as the manifest lists it.
    relative: String,
    /// Each column's chunk of the open row group (kept from group to group).
    columns: Vec<ColumnChunk>,
    /// Rows since the row group's size was last checked.
    rows_in_chunk: usize,
    /// Rows in the open row group.
    rows_in_group: u64,
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
        let err = |e: ParquetError| SinkError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        };
        let compression = options.compression_for(crate::Format::Parquet);
        let codec = PageCodec::new(compression).ok_or(SinkError::CompressionUnavailable {
            format: "parquet",
            compression: compression.name(),
        })?;
        // Statistics per column chunk (ids have none: random UUIDs span the whole range
        // in every row group, so their min/max prune nothing) and no page indexes: those
        // would be kept in memory for every row group until the footer, so memory would
        // grow with the file.
        let props = WriterProperties::builder()
            .set_created_by(format!("synthdata {}", env!("CARGO_PKG_VERSION")))
            .build();
        let file = AtomicFile::create(&dir, name, options.drop_page_cache_every)?;
        let writer = SerializedFileWriter::new(
            BufWriter::with_capacity(FILE_BUFFER_BYTES, file),
            Arc::new(schema(R::TABLE, R::SCHEMA).map_err(err)?),
            Arc::new(props),
        )
        .map_err(err)?;
        let columns = R::SCHEMA
            .iter()
            .zip(writer.schema_descr().columns())
            .map(|(c, d)| ColumnChunk::new(c, Arc::clone(d), codec))
            .collect();
        Ok(Self {
            writer: Some(writer),
            columns,
            path,
            relative,
            rows_in_chunk: 0,
            rows_in_group: 0,
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

    /// Closes every column of the open row group and appends its pages to the file.
    fn close_group(&mut self) -> Result<(), SinkError> {
        if self.rows_in_group == 0 {
            return Ok(());
        }
        self.rows_in_group = 0;
        self.rows_in_chunk = 0;
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let result = (|| -> Result<(), ParquetError> {
            let mut out = writer.next_row_group()?;
            for c in &mut self.columns {
                let (pages, closed) = c.close()?;
                out.append_column(&pages, closed)?;
                c.recycle(pages);
            }
            out.close()?;
            Ok(())
        })();
        result.map_err(|e| self.err(e))
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
            self.rows_in_group += 1;
            self.rows_in_chunk += 1;
            if self.rows_in_chunk == CHUNK_ROWS {
                self.rows_in_chunk = 0;
                // A page that failed to close fails the table within a chunk of rows.
                if let Some(e) = self.columns.iter_mut().find_map(ColumnChunk::take_error) {
                    return Err(self.err(e));
                }
                let bytes: usize = self.columns.iter().map(ColumnChunk::value_bytes).sum();
                if bytes >= self.row_group_bytes {
                    self.close_group()?;
                }
            }
        }
        self.rows += records.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.close_group()
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn buffered_bytes(&self) -> usize {
        self.columns.iter().map(ColumnChunk::held_bytes).sum()
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.close_group()?;
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
