//! Records as Arrow record batches, through their field visitor: what parquet-rs's Arrow
//! writer is given in the differential test and the writers' comparison.

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, FixedSizeBinaryBuilder, Int64Builder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use std::sync::Arc;
use synth_model::{ColumnType, Record, Value};

/// One Arrow builder per column, by the column's type.
enum Builder {
    Id(FixedSizeBinaryBuilder),
    Int(Int64Builder),
    Money(Decimal128Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
}

fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Id => DataType::FixedSizeBinary(16),
        ColumnType::Int => DataType::Int64,
        ColumnType::Money => DataType::Decimal128(18, 2),
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Text => DataType::Utf8,
    }
}

/// The rows as one Arrow record batch, through the records' field visitor.
pub fn record_batch<R: Record>(rows: &[R]) -> RecordBatch {
    let mut builders: Vec<Builder> = R::SCHEMA
        .iter()
        .map(|c| match c.ty {
            ColumnType::Id => Builder::Id(FixedSizeBinaryBuilder::new(16)),
            ColumnType::Int => Builder::Int(Int64Builder::new()),
            ColumnType::Money => Builder::Money(
                Decimal128Builder::new()
                    .with_precision_and_scale(18, 2)
                    .expect("valid decimal"),
            ),
            ColumnType::Date => Builder::Date(Date32Builder::new()),
            ColumnType::Timestamp => Builder::Timestamp(TimestampMicrosecondBuilder::new()),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::new()),
            ColumnType::Text => Builder::Text(StringBuilder::new()),
        })
        .collect();
    for r in rows {
        let mut i = 0;
        r.visit(&mut |v: Value<'_>| {
            match (&mut builders[i], v) {
                (Builder::Id(b), Value::Id(id)) => {
                    b.append_value(id.to_be_bytes()).expect("16 bytes");
                }
                (Builder::Int(b), Value::Int(x)) => b.append_value(x),
                (Builder::Money(b), Value::Money(x)) => b.append_value(i128::from(x)),
                (Builder::Date(b), Value::Date(d)) => b.append_value(d.0),
                (Builder::Timestamp(b), Value::Timestamp(t)) => {
                    b.append_value(t.0 * 1_000_000);
                }
                (Builder::Bool(b), Value::Bool(x)) => b.append_value(x),
                (Builder::Text(b), Value::Text(t) | Value::Static(t)) => b.append_value(t),
                (Builder::Id(b), Value::Null) => b.append_null(),
                (Builder::Int(b), Value::Null) => b.append_null(),
                (Builder::Money(b), Value::Null) => b.append_null(),
                (Builder::Date(b), Value::Null) => b.append_null(),
                (Builder::Timestamp(b), Value::Null) => b.append_null(),
                (Builder::Bool(b), Value::Null) => b.append_null(),
                (Builder::Text(b), Value::Null) => b.append_null(),
                (_, v) => panic!("{}: column {i} got {v:?}", R::TABLE),
            }
            i += 1;
        });
    }
    let columns: Vec<ArrayRef> = builders
        .into_iter()
        .map(|b| -> ArrayRef {
            match b {
                Builder::Id(mut b) => Arc::new(b.finish()),
                Builder::Int(mut b) => Arc::new(b.finish()),
                Builder::Money(mut b) => Arc::new(b.finish()),
                Builder::Date(mut b) => Arc::new(b.finish()),
                Builder::Timestamp(mut b) => Arc::new(b.finish()),
                Builder::Bool(mut b) => Arc::new(b.finish()),
                Builder::Text(mut b) => Arc::new(b.finish()),
            }
        })
        .collect();
    let schema = Schema::new(
        R::SCHEMA
            .iter()
            .map(|c| Field::new(c.name, data_type(c.ty), c.nullable))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(Arc::new(schema), columns).expect("a batch")
}
