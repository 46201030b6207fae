//! [`TableWriter`]: the records of one table into one Parquet file, row group after row
//! group, its memory bounded by the row group's compressed pages.

use crate::codec::Codec;
use crate::column::ColumnChunk;
use crate::schema::schema_with;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::io::Write;
use std::marker::PhantomData;
use std::sync::Arc;
use synth_model::{FieldVisitor, Record, Value};

/// Rows after which the writer checks whether its row group is full.
pub const CHUNK_ROWS: usize = 1024;
/// The smallest row group size in bytes of values accepted.
const MIN_ROW_GROUP_BYTES: usize = 64 << 10;

/// Why a table could not be written.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// parquet-rs failed (an I/O error of the writer underneath included).
    #[error("{0}")]
    Parquet(#[from] ParquetError),
    /// A record gave a value that does not fit its column (wrong type, a null in a
    /// required column, or too many or too few values): a bug in its visitor.
    #[error("table {table}: a record's value does not fit column {column} of the schema")]
    ValueMismatch {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
    },
}

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
            Value::Int(x) | Value::Money(x) | Value::Rate(x) => col.int(x),
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

/// Writes the records of table `R` into `W` as one Parquet file.
pub struct TableWriter<R, W: Write + Send> {
    writer: SerializedFileWriter<W>,
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

impl<R: Record, W: Write + Send> TableWriter<R, W> {
    /// Starts the file in `inner` (its header is written), pages compressed with
    /// `codec`, a row group closed once `row_group_bytes` of values (as counted before
    /// encoding, at least 64 KiB) have gone in; `created_by` goes into the footer.
    pub fn new(
        inner: W,
        codec: Codec,
        row_group_bytes: usize,
        created_by: &str,
    ) -> Result<Self, WriteError> {
        Self::with_ids(inner, codec, row_group_bytes, created_by, true)
    }

    /// As [`TableWriter::new`]; with `uuid` false, id columns carry no `UUID`
    /// annotation (plain 16-byte binary, the same bytes: what Spark can read).
    pub fn with_ids(
        inner: W,
        codec: Codec,
        row_group_bytes: usize,
        created_by: &str,
        uuid: bool,
    ) -> Result<Self, WriteError> {
        // Statistics per column chunk (ids have none: random UUIDs span the whole range
        // in every row group, so their min/max prune nothing) and no page indexes: those
        // would be kept in memory for every row group until the footer, so memory would
        // grow with the file.
        let props = WriterProperties::builder()
            .set_created_by(created_by.to_string())
            .build();
        let writer = SerializedFileWriter::new(
            inner,
            Arc::new(schema_with(R::TABLE, R::SCHEMA, uuid)?),
            Arc::new(props),
        )?;
        let columns = R::SCHEMA
            .iter()
            .zip(writer.schema_descr().columns())
            .map(|(c, d)| ColumnChunk::new(c, Arc::clone(d), codec))
            .collect();
        Ok(Self {
            writer,
            columns,
            rows_in_chunk: 0,
            rows_in_group: 0,
            rows: 0,
            row_group_bytes: row_group_bytes.max(MIN_ROW_GROUP_BYTES),
            _record: PhantomData,
        })
    }

    /// Encodes `records` into the open row group, closing it when it is full.
    pub fn write(&mut self, records: &[R]) -> Result<(), WriteError> {
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
                return Err(WriteError::ValueMismatch {
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
                    return Err(e.into());
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

    /// Closes every column of the open row group and appends its pages to the file.
    pub fn close_group(&mut self) -> Result<(), WriteError> {
        if self.rows_in_group == 0 {
            return Ok(());
        }
        self.rows_in_group = 0;
        self.rows_in_chunk = 0;
        let mut out = self.writer.next_row_group()?;
        for c in &mut self.columns {
            let (pages, closed) = c.close()?;
            out.append_column(&pages, closed)?;
            c.recycle(pages);
        }
        out.close()?;
        Ok(())
    }

    /// Rows accepted so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes the open row group holds (compressed pages, open pages, dictionaries).
    pub fn held_bytes(&self) -> usize {
        self.columns.iter().map(ColumnChunk::held_bytes).sum()
    }

    /// Bytes written to `W` so far.
    pub fn bytes_written(&self) -> usize {
        self.writer.bytes_written()
    }

    /// Closes the last row group, writes the footer, and gives `W` back with the rows.
    pub fn finish(mut self) -> Result<(W, u64), WriteError> {
        self.close_group()?;
        let rows = self.rows;
        Ok((self.writer.into_inner()?, rows))
    }
}
