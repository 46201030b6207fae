//! The Parquet schema of a table, from its columns.

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::schema::types::Type;
use std::sync::Arc;
use synth_model::{Column, ColumnType};

/// The Parquet schema of table `table` with `columns`: ids `FIXED_LEN_BYTE_ARRAY(16)`
/// `UUID`, money `INT64` `DECIMAL(18, 2)`, dates `INT32` `DATE`, timestamps `INT64`
/// `TIMESTAMP(MICROS)`, integers `INT64`, booleans, texts `BYTE_ARRAY` `STRING`.
pub fn schema(table: &str, columns: &[Column]) -> Result<Type, parquet::errors::ParquetError> {
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
