//! Parquet through the `parquet` crate's column writers (no Arrow in between).
//!
//! Types: ids are `FIXED_LEN_BYTE_ARRAY(16)` annotated `UUID`; money is `INT64`
//! annotated `DECIMAL(18, 2)` (exact minor units); dates are `INT32` annotated `DATE`
//! (Date32); integers `INT64`; text `BYTE_ARRAY` annotated `STRING`. Nullable columns
//! are `OPTIONAL`, the rest `REQUIRED`. Values are buffered per column and a row group
//! is written once the buffers reach `row_group_bytes`, so a file never buffers more.

use crate::file::AtomicFile;
use crate::{Compression, FileReport, Sink, SinkError, SinkOptions, TableReport, table_report};
use bytes::Bytes;
use parquet::basic::{Compression as Codec, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{
    ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int32Type, Int64Type,
};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use parquet::schema::types::Type;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use synth_model::{Column, ColumnType, FieldVisitor, Record, Value};

enum Values {
    I64(Vec<i64>),
    I32(Vec<i32>),
    /// 16 bytes per value.
    Id(Vec<u8>),
    /// All text bytes, and where each value ends.
    Text(Vec<u8>, Vec<usize>),
}

struct ColumnBuffer {
    values: Values,
    /// Definition levels (1 = value, 0 = null) for nullable columns.
    defs: Option<Vec<i16>>,
}

impl ColumnBuffer {
    fn new(c: &Column) -> Self {
        let values = match c.ty {
            ColumnType::Id => Values::Id(Vec::new()),
            ColumnType::Int | ColumnType::Money => Values::I64(Vec::new()),
            ColumnType::Date => Values::I32(Vec::new()),
            ColumnType::Text => Values::Text(Vec::new(), Vec::new()),
        };
        Self {
            values,
            defs: c.nullable.then(Vec::new),
        }
    }

    fn bytes(&self) -> usize {
        let defs = self.defs.as_ref().map_or(0, |d| d.len() * 2);
        defs + match &self.values {
            Values::I64(v) => v.len() * 8,
            Values::I32(v) => v.len() * 4,
            Values::Id(v) => v.len(),
            Values::Text(v, ends) => v.len() + ends.len() * 8,
        }
    }
}

struct Columns<'a> {
    cols: &'a mut [ColumnBuffer],
    i: usize,
}

impl FieldVisitor for Columns<'_> {
    #[inline]
    fn field(&mut self, value: Value<'_>) {
        let Some(col) = self.cols.get_mut(self.i) else {
            return;
        };
        self.i += 1;
        if let Some(defs) = &mut col.defs {
            defs.push(i16::from(value != Value::Null));
        }
        match (&mut col.values, value) {
            (Values::I64(v), Value::Int(x) | Value::Money(x)) => v.push(x),
            (Values::I32(v), Value::Date(d)) => v.push(d.0),
            (Values::Id(v), Value::Id(id)) => v.extend_from_slice(&id.to_be_bytes()),
            (Values::Text(v, ends), Value::Text(t) | Value::Static(t)) => {
                v.extend_from_slice(t.as_bytes());
                ends.push(v.len());
            }
            // Null: only the definition level is recorded.
            _ => {}
        }
    }
}

/// Writes one table to `TABLE.parquet`.
pub struct ParquetSink<R> {
    writer: Option<SerializedFileWriter<AtomicFile>>,
    path: PathBuf,
    columns: Vec<ColumnBuffer>,
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
    pub fn new(dir: &Path, options: &SinkOptions) -> Result<Self, SinkError> {
        let path = dir.join(format!("{}.parquet", R::TABLE));
        let err = |e: parquet::errors::ParquetError| SinkError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        };
        let codec = match options.compression {
            Compression::Zstd => Codec::ZSTD(ZstdLevel::try_new(3).map_err(err)?),
            Compression::Snappy => Codec::SNAPPY,
            Compression::None => Codec::UNCOMPRESSED,
        };
        // Statistics per column chunk and no offset index: per-page indexes would be
        // kept in memory for every row group until the footer, so memory would grow
        // with the file. Id columns get no statistics and no dictionary: random UUIDs span
        // the whole range in every row group, so their min/max prune nothing yet cost time
        // and footer memory, and their dictionary only grows until it is abandoned.
        let mut props = WriterProperties::builder()
            .set_compression(codec)
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_offset_index_disabled(true)
            .set_created_by(format!("synthdata {}", env!("CARGO_PKG_VERSION")));
        for c in R::SCHEMA.iter().filter(|c| c.ty == ColumnType::Id) {
            props = props
                .set_column_statistics_enabled(ColumnPath::from(c.name), EnabledStatistics::None)
                .set_column_dictionary_enabled(ColumnPath::from(c.name), false);
        }
        let props = props.build();
        let file = AtomicFile::create(path.clone(), options.drop_page_cache_every)?;
        let writer = SerializedFileWriter::new(
            file,
            Arc::new(schema(R::TABLE, R::SCHEMA).map_err(err)?),
            Arc::new(props),
        )
        .map_err(err)?;
        Ok(Self {
            writer: Some(writer),
            columns: R::SCHEMA.iter().map(ColumnBuffer::new).collect(),
            path,
            rows_in_group: 0,
            rows: 0,
            row_group_bytes: options.row_group_bytes.max(64 << 10),
            _record: PhantomData,
        })
    }

    fn err(&self, e: parquet::errors::ParquetError) -> SinkError {
        // An I/O error from the file underneath keeps its meaning (a full disk, say).
        if let parquet::errors::ParquetError::External(inner) = &e
            && let Some(io) = inner.downcast_ref::<std::io::Error>()
            && let Some(sink) = io.get_ref().and_then(|e| e.downcast_ref::<SinkError>())
            && let SinkError::DiskFull { path } = sink
        {
            return SinkError::DiskFull { path: path.clone() };
        }
        SinkError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    fn write_row_group(&mut self) -> Result<(), SinkError> {
        if self.rows_in_group == 0 {
            return Ok(());
        }
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let result = (|| -> Result<(), parquet::errors::ParquetError> {
            let mut group = writer.next_row_group()?;
            for col in &mut self.columns {
                let Some(mut cw) = group.next_column()? else {
                    break;
                };
                let defs = col.defs.as_deref();
                match &mut col.values {
                    Values::I64(v) => {
                        cw.typed::<Int64Type>().write_batch(v, defs, None)?;
                        v.clear();
                    }
                    Values::I32(v) => {
                        cw.typed::<Int32Type>().write_batch(v, defs, None)?;
                        v.clear();
                    }
                    Values::Id(v) => {
                        let all = Bytes::from(std::mem::take(v));
                        let ids: Vec<FixedLenByteArray> = (0..all.len() / 16)
                            .map(|k| {
                                FixedLenByteArray::from(ByteArray::from(
                                    all.slice(k * 16..k * 16 + 16),
                                ))
                            })
                            .collect();
                        cw.typed::<FixedLenByteArrayType>()
                            .write_batch(&ids, defs, None)?;
                    }
                    Values::Text(v, ends) => {
                        let all = Bytes::from(std::mem::take(v));
                        let mut start = 0;
                        let texts: Vec<ByteArray> = ends
                            .iter()
                            .map(|&end| {
                                let t = ByteArray::from(all.slice(start..end));
                                start = end;
                                t
                            })
                            .collect();
                        cw.typed::<ByteArrayType>()
                            .write_batch(&texts, defs, None)?;
                        ends.clear();
                    }
                }
                if let Some(d) = &mut col.defs {
                    d.clear();
                }
                cw.close()?;
            }
            group.close()?;
            Ok(())
        })();
        result.map_err(|e| self.err(e))?;
        self.rows_in_group = 0;
        Ok(())
    }
}

impl<R: Record> Sink<R> for ParquetSink<R> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        for r in records {
            r.visit(&mut Columns {
                cols: &mut self.columns,
                i: 0,
            });
            self.rows_in_group += 1;
            if self.rows_in_group.is_multiple_of(1024)
                && self.buffered_bytes() >= self.row_group_bytes
            {
                self.write_row_group()?;
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
        self.columns.iter().map(ColumnBuffer::bytes).sum()
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.write_row_group()?;
        let Some(writer) = self.writer.take() else {
            return Ok(table_report(R::TABLE, Vec::new()));
        };
        let file = writer.into_inner().map_err(|e| self.err(e))?;
        Ok(table_report(R::TABLE, vec![file.finish(self.rows)?]))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // The footer is not written, so the `.partial` file is not a readable Parquet
        // file; the report says how many rows had been accepted.
        let bytes = self.writer.as_ref().map_or(0, |w| w.bytes_written() as u64);
        self.writer = None;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        table_report(
            R::TABLE,
            vec![FileReport {
                path: format!("{name}{}", crate::PARTIAL_SUFFIX),
                rows: 0,
                bytes,
                xxh3: String::new(),
            }],
        )
    }
}
