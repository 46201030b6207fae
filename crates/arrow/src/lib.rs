//! synthdata records as Arrow record batches, through their field visitor; and one table
//! of one part of a run as an Arrow stream ([`PartReader`]), generated batch by batch so
//! that a consumer holds at most one batch of it at a time.
//!
//! ```
//! use synth_arrow::{Ids, PartReader};
//! use synth_generators::{GeneratorConfig, JournalGenerator, Table};
//! use std::sync::Arc;
//! let generator = Arc::new(JournalGenerator::new(GeneratorConfig::default())?);
//! let reader = PartReader::new(generator, Table::JournalLines, 0..2_000, 1_000, Ids::Text);
//! let rows: usize = reader.map(|b| b.map(|b| b.num_rows())).sum::<Result<_, _>>()?;
//! assert!(rows > 2_000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Deliberately absent: files, memory limits and configuration (the runtime's), and
//! Python (the bindings').

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, FixedSizeBinaryBuilder, Int64Builder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use std::ops::Range;
use std::sync::Arc;
use synth_generators::{Batch, JournalGenerator};
use synth_model::{Column, ColumnType, Record, Table, TablePhase, TableVisitor, Value};

/// How id columns (UUIDs) are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// 16 bytes, big-endian (`FixedSizeBinary(16)`): what Parquet stores.
    Binary,
    /// The canonical 36-character text, as the CSV files have it: readable by every
    /// engine (Spark, pandas, Polars and DuckDB alike).
    Text,
}

/// The Arrow type of a column of type `ty`.
pub fn data_type(ty: ColumnType, ids: Ids) -> DataType {
    match ty {
        ColumnType::Id => match ids {
            Ids::Binary => DataType::FixedSizeBinary(16),
            Ids::Text => DataType::Utf8,
        },
        ColumnType::Int => DataType::Int64,
        ColumnType::Money => DataType::Decimal128(18, 2),
        ColumnType::Rate => DataType::Decimal128(18, 8),
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Text => DataType::Utf8,
    }
}

/// The Arrow schema of `table`.
pub fn schema(table: Table, ids: Ids) -> SchemaRef {
    schema_of(table.schema(), ids)
}

fn schema_of(columns: &[Column], ids: Ids) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(c.name, data_type(c.ty, ids), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

/// One Arrow builder per column, by the column's type.
enum Builder {
    Binary(FixedSizeBinaryBuilder),
    Int(Int64Builder),
    Money(Decimal128Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(ty: ColumnType, ids: Ids, rows: usize) -> Result<Self, ArrowError> {
        Ok(match (ty, ids) {
            (ColumnType::Id, Ids::Binary) => {
                Builder::Binary(FixedSizeBinaryBuilder::with_capacity(rows, 16))
            }
            (ColumnType::Id, Ids::Text) => {
                Builder::Text(StringBuilder::with_capacity(rows, rows * 36))
            }
            (ColumnType::Int, _) => Builder::Int(Int64Builder::with_capacity(rows)),
            (ColumnType::Money, _) => Builder::Money(
                Decimal128Builder::with_capacity(rows).with_precision_and_scale(18, 2)?,
            ),
            (ColumnType::Rate, _) => Builder::Money(
                Decimal128Builder::with_capacity(rows).with_precision_and_scale(18, 8)?,
            ),
            (ColumnType::Date, _) => Builder::Date(Date32Builder::with_capacity(rows)),
            (ColumnType::Timestamp, _) => {
                Builder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows))
            }
            (ColumnType::Bool, _) => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            (ColumnType::Text, _) => Builder::Text(StringBuilder::with_capacity(rows, rows * 16)),
        })
    }

    fn append(&mut self, v: Value<'_>, text: &mut String) -> Result<(), ArrowError> {
        match (self, v) {
            (Builder::Binary(b), Value::Id(id)) => b.append_value(id.to_be_bytes())?,
            (Builder::Text(b), Value::Id(id)) => {
                text.clear();
                uuid_text(id, text);
                b.append_value(&*text);
            }
            (Builder::Int(b), Value::Int(x)) => b.append_value(x),
            (Builder::Money(b), Value::Money(x) | Value::Rate(x)) => b.append_value(i128::from(x)),
            (Builder::Date(b), Value::Date(d)) => b.append_value(d.0),
            (Builder::Timestamp(b), Value::Timestamp(t)) => b.append_value(t.0 * 1_000_000),
            (Builder::Bool(b), Value::Bool(x)) => b.append_value(x),
            (Builder::Text(b), Value::Text(t) | Value::Static(t)) => b.append_value(t),
            (Builder::Binary(b), Value::Null) => b.append_null(),
            (Builder::Int(b), Value::Null) => b.append_null(),
            (Builder::Money(b), Value::Null) => b.append_null(),
            (Builder::Date(b), Value::Null) => b.append_null(),
            (Builder::Timestamp(b), Value::Null) => b.append_null(),
            (Builder::Bool(b), Value::Null) => b.append_null(),
            (Builder::Text(b), Value::Null) => b.append_null(),
            (_, v) => {
                return Err(ArrowError::InvalidArgumentError(format!(
                    "a value of the wrong type for its column: {v:?}"
                )));
            }
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self {
            Builder::Binary(mut b) => Arc::new(b.finish()),
            Builder::Int(mut b) => Arc::new(b.finish()),
            Builder::Money(mut b) => Arc::new(b.finish()),
            Builder::Date(mut b) => Arc::new(b.finish()),
            Builder::Timestamp(mut b) => Arc::new(b.finish()),
            Builder::Bool(mut b) => Arc::new(b.finish()),
            Builder::Text(mut b) => Arc::new(b.finish()),
        }
    }
}

/// Appends the canonical text of a UUID (`8-4-4-4-12` lower-case hex digits).
fn uuid_text(id: u128, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in id.to_be_bytes().iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
}

/// The rows as one Arrow record batch.
pub fn record_batch<R: Record>(rows: &[R], ids: Ids) -> Result<RecordBatch, ArrowError> {
    let mut builders = R::SCHEMA
        .iter()
        .map(|c| Builder::new(c.ty, ids, rows.len()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut text = String::with_capacity(36);
    let mut failed = None;
    for r in rows {
        let mut i = 0;
        r.visit(&mut |v: Value<'_>| {
            if let Some(b) = builders.get_mut(i)
                && let Err(e) = b.append(v, &mut text)
            {
                failed.get_or_insert(e);
            }
            i += 1;
        });
        if let Some(e) = failed.take() {
            return Err(ArrowError::InvalidArgumentError(format!(
                "{}: column {}: {e}",
                R::TABLE,
                i
            )));
        }
    }
    let columns = builders.into_iter().map(Builder::finish).collect();
    RecordBatch::try_new(schema_of(R::SCHEMA, ids), columns)
}

/// The rows of one table of a [`Batch`] or of the master data, as a record batch.
pub fn table_batch<S: VisitTables>(
    set: &S,
    table: Table,
    ids: Ids,
) -> Result<RecordBatch, ArrowError> {
    let mut pick = Pick {
        table,
        ids,
        out: None,
    };
    set.visit_tables(&mut pick)?;
    match pick.out {
        Some(b) => Ok(b),
        None => Ok(RecordBatch::new_empty(schema(table, ids))),
    }
}

/// A set of tables whose rows can be visited: a [`Batch`] or the master data.
pub trait VisitTables {
    /// Visits every table of the set.
    fn visit_tables<V: TableVisitor>(&self, v: &mut V) -> Result<(), V::Error>;
}

impl VisitTables for Batch {
    fn visit_tables<V: TableVisitor>(&self, v: &mut V) -> Result<(), V::Error> {
        self.visit(v)
    }
}

impl VisitTables for synth_model::MasterTables {
    fn visit_tables<V: TableVisitor>(&self, v: &mut V) -> Result<(), V::Error> {
        self.visit(v)
    }
}

/// Picks one table out of a visit.
struct Pick {
    table: Table,
    ids: Ids,
    out: Option<RecordBatch>,
}

impl TableVisitor for Pick {
    type Error = ArrowError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), ArrowError> {
        if table == self.table {
            self.out = Some(record_batch(rows, self.ids)?);
        }
        Ok(())
    }
}

/// Rows of a master table per record batch.
pub const MASTER_ROWS_PER_BATCH: usize = 65_536;

/// One table of one part of a run as an Arrow stream: a streaming table's rows of the
/// entries `range`, generated `batch_entries` at a time when the next batch is asked
/// for (one generator batch held at a time); a master table's rows whole, in batches of
/// [`MASTER_ROWS_PER_BATCH`]. The same rows, in the same order, as the files of a run.
pub struct PartReader {
    generator: Arc<JournalGenerator>,
    table: Table,
    ids: Ids,
    schema: SchemaRef,
    next: u64,
    end: u64,
    batch_entries: u64,
    batch: Batch,
    /// A master table's batch, cut into slices as they are read.
    master: Option<(RecordBatch, usize)>,
}

impl PartReader {
    /// The reader of `table` over the entries `range` (ignored for a master table).
    pub fn new(
        generator: Arc<JournalGenerator>,
        table: Table,
        range: Range<u64>,
        batch_entries: u64,
        ids: Ids,
    ) -> Self {
        Self {
            generator,
            table,
            ids,
            schema: schema(table, ids),
            next: range.start,
            end: range.end,
            batch_entries: batch_entries.max(1),
            batch: Batch::default(),
            master: None,
        }
    }

    fn next_master(&mut self) -> Option<Result<RecordBatch, ArrowError>> {
        if self.master.is_none() {
            if self.next >= self.end {
                return None;
            }
            // Read once: the whole table, then slices of it; as the files hold it (the
            // vendors by creation date).
            self.next = self.end;
            let md = self.generator.master_tables();
            match table_batch(&md, self.table, self.ids) {
                Ok(b) => self.master = Some((b, 0)),
                Err(e) => return Some(Err(e)),
            }
        }
        let (b, at) = self.master.as_mut()?;
        if *at >= b.num_rows() {
            return None;
        }
        let len = MASTER_ROWS_PER_BATCH.min(b.num_rows() - *at);
        let slice = b.slice(*at, len);
        *at += len;
        Some(Ok(slice))
    }
}

impl Iterator for PartReader {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.table.phase() != TablePhase::Stream {
            return self.next_master();
        }
        // Batches of entries that cause no row of the table (anomalies are rare) are
        // skipped rather than handed on empty.
        while self.next < self.end {
            let to = (self.next + self.batch_entries).min(self.end);
            if let Err(e) = self
                .generator
                .generate_batch(&mut self.batch, self.next..to)
            {
                self.next = self.end;
                return Some(Err(ArrowError::ComputeError(e.to_string())));
            }
            self.next = to;
            match table_batch(&self.batch, self.table, self.ids) {
                Ok(b) if b.num_rows() == 0 => continue,
                other => return Some(other),
            }
        }
        None
    }
}

impl RecordBatchReader for PartReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

/// Several streaming tables of one part from one generation: each generator batch is
/// turned into a record batch of every table and queued for that table's reader, so
/// tables read side by side generate the entries once, not once each. A table whose
/// queue reaches [`SHARED_QUEUE_BATCHES`] (its reader is not keeping up: tables read
/// one after another) leaves the sharing: its queue is dropped, and its reader later
/// generates its own rows from the first entry it has not had. Memory stays bounded by
/// that many batches per table.
pub struct SharedPart;

/// Batches a table's queue may hold before the table leaves the sharing.
pub const SHARED_QUEUE_BATCHES: usize = 8;

/// What the readers of a [`SharedPart`] share.
struct Shared {
    generator: Arc<JournalGenerator>,
    tables: Vec<Table>,
    ids: Ids,
    next: u64,
    end: u64,
    batch_entries: u64,
    batch: Batch,
    /// Per table: its queued batches, with the first entry each covers.
    queues: Vec<std::collections::VecDeque<(u64, RecordBatch)>>,
    /// Per table: the first entry it has not had, once it left the sharing.
    left: Vec<Option<u64>>,
    failed: Option<String>,
}

impl SharedPart {
    /// One reader per table of `tables` (streaming tables) over the entries `range`.
    pub fn readers(
        generator: Arc<JournalGenerator>,
        tables: &[Table],
        range: Range<u64>,
        batch_entries: u64,
        ids: Ids,
    ) -> Vec<SharedReader> {
        let shared = Arc::new(std::sync::Mutex::new(Shared {
            generator,
            tables: tables.to_vec(),
            ids,
            next: range.start,
            end: range.end,
            batch_entries: batch_entries.max(1),
            batch: Batch::default(),
            queues: tables.iter().map(|_| Default::default()).collect(),
            left: vec![None; tables.len()],
            failed: None,
        }));
        tables
            .iter()
            .enumerate()
            .map(|(slot, &t)| SharedReader {
                shared: Arc::clone(&shared),
                slot,
                table: t,
                schema: schema(t, ids),
                own: None,
            })
            .collect()
    }
}

/// One table's reader of a [`SharedPart`].
pub struct SharedReader {
    shared: Arc<std::sync::Mutex<Shared>>,
    slot: usize,
    table: Table,
    schema: SchemaRef,
    /// Its own reader, once the table left the sharing.
    own: Option<PartReader>,
}

impl Shared {
    /// Generates the next batch of entries and queues every table's rows of it.
    fn advance(&mut self) -> Result<(), ArrowError> {
        let to = (self.next + self.batch_entries).min(self.end);
        let range = self.next..to;
        self.next = to;
        self.generator
            .generate_batch(&mut self.batch, range.clone())
            .map_err(|e| ArrowError::ComputeError(e.to_string()))?;
        for (i, &t) in self.tables.iter().enumerate() {
            if self.left[i].is_some() {
                continue;
            }
            if self.queues[i].len() >= SHARED_QUEUE_BATCHES {
                // Not read meanwhile: it generates its own rows later, from the first
                // entry of its oldest queued batch.
                let from = self.queues[i].front().map_or(range.start, |q| q.0);
                self.left[i] = Some(from);
                self.queues[i].clear();
                continue;
            }
            let b = table_batch(&self.batch, t, self.ids)?;
            if b.num_rows() > 0 {
                self.queues[i].push_back((range.start, b));
            }
        }
        Ok(())
    }
}

impl Iterator for SharedReader {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(own) = self.own.as_mut() {
            return own.next();
        }
        let mut s = self
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some((_, b)) = s.queues[self.slot].pop_front() {
                return Some(Ok(b));
            }
            if let Some(from) = s.left[self.slot] {
                let own = PartReader::new(
                    Arc::clone(&s.generator),
                    self.table,
                    from..s.end,
                    s.batch_entries,
                    s.ids,
                );
                drop(s);
                return self.own.insert(own).next();
            }
            if let Some(e) = &s.failed {
                return Some(Err(ArrowError::ComputeError(e.clone())));
            }
            if s.next >= s.end {
                return None;
            }
            if let Err(e) = s.advance() {
                s.failed = Some(e.to_string());
                s.next = s.end;
            }
        }
    }
}

impl RecordBatchReader for SharedReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_generators::GeneratorConfig;

    #[test]
    fn uuid_text_is_canonical() {
        let mut s = String::new();
        uuid_text(0x0123_4567_89ab_cdef_0011_2233_4455_6677, &mut s);
        assert_eq!(s, "01234567-89ab-cdef-0011-223344556677");
    }

    #[test]
    fn a_part_read_in_any_batch_size_has_the_same_rows() {
        let g = Arc::new(JournalGenerator::new(GeneratorConfig::default()).expect("config"));
        let collect = |n| {
            let r = PartReader::new(
                Arc::clone(&g),
                Table::JournalLines,
                500..3_500,
                n,
                Ids::Text,
            );
            r.collect::<Result<Vec<RecordBatch>, _>>().expect("batches")
        };
        let rows = |b: &[RecordBatch]| b.iter().map(RecordBatch::num_rows).sum::<usize>();
        let (a, b) = (collect(3_000), collect(7));
        assert_eq!(rows(&a), rows(&b));
        assert!(rows(&a) > 3_000);
        assert_eq!(values(&a), values(&b));
    }

    /// Every value of the batches, row after row, as text.
    fn values(b: &[RecordBatch]) -> Vec<String> {
        let mut out = Vec::new();
        for batch in b {
            for row in 0..batch.num_rows() {
                for c in batch.columns() {
                    out.push(format!("{:?}", c.slice(row, 1)));
                }
            }
        }
        out
    }

    #[test]
    fn tables_read_from_one_generation_equal_their_own_readers() {
        let g = Arc::new(JournalGenerator::new(GeneratorConfig::default()).expect("config"));
        let tables = [Table::JournalEntries, Table::JournalLines, Table::Anomalies];
        let mut shared = SharedPart::readers(Arc::clone(&g), &tables, 100..9_100, 1_000, Ids::Text);
        // Read the last table first, then the others (they leave the sharing after a few
        // batches), then side by side below: each gets all of its own rows, in order.
        shared.reverse();
        for (reader, &t) in shared.into_iter().zip(tables.iter().rev()) {
            let mine: Vec<RecordBatch> = reader.collect::<Result<_, _>>().expect("batches");
            let own: Vec<RecordBatch> =
                PartReader::new(Arc::clone(&g), t, 100..9_100, 1_000, Ids::Text)
                    .collect::<Result<_, _>>()
                    .expect("batches");
            assert_eq!(values(&mine), values(&own), "{t}");
        }
        // Side by side, one batch of each in turn.
        let mut readers =
            SharedPart::readers(Arc::clone(&g), &tables, 100..9_100, 1_000, Ids::Text);
        let mut got: Vec<Vec<RecordBatch>> = vec![Vec::new(); tables.len()];
        let mut live = true;
        while live {
            live = false;
            for (r, out) in readers.iter_mut().zip(got.iter_mut()) {
                if let Some(b) = r.next() {
                    out.push(b.expect("batch"));
                    live = true;
                }
            }
        }
        for (mine, &t) in got.iter().zip(tables.iter()) {
            let own: Vec<RecordBatch> =
                PartReader::new(Arc::clone(&g), t, 100..9_100, 1_000, Ids::Text)
                    .collect::<Result<_, _>>()
                    .expect("batches");
            assert_eq!(values(mine), values(&own), "{t} side by side");
        }
    }

    #[test]
    fn master_tables_come_whole_in_slices() {
        let g = Arc::new(JournalGenerator::new(GeneratorConfig::default()).expect("config"));
        let r = PartReader::new(Arc::clone(&g), Table::Vendors, 0..1, 10, Ids::Binary);
        let rows: usize = r.map(|b| b.expect("batch").num_rows()).sum();
        assert_eq!(rows, g.master_data().vendors.len());
    }
}
