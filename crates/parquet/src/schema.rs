//! The Parquet schema of a table, from its columns.

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::schema::types::Type;
use std::sync::Arc;
use synth_model::{Column, ColumnType};

/// The Parquet schema of table `table` with `columns`: ids `FIXED_LEN_BYTE_ARRAY(16)`
/// `UUID`, money `INT64` `DECIMAL(18, 2)`, dates `INT32` `DATE`, timestamps `INT64`
/// `TIMESTAMP(MICROS)`, integers `INT64`, booleans, texts `BYTE_ARRAY` `STRING`.
pub fn schema(table: &str, columns: &[Column]) -> Result<Type, parquet::errors::ParquetError> {
    schema_with(table, columns, true)
}

/// As [`schema`]; with `uuid` false, ids are plain `FIXED_LEN_BYTE_ARRAY(16)` with no
/// `UUID` annotation (the same bytes; Spark refuses the annotation and reads these as
/// binary).
pub fn schema_with(
    table: &str,
    columns: &[Column],
    uuid: bool,
) -> Result<Type, parquet::errors::ParquetError> {
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
                        .with_logical_type(uuid.then_some(LogicalType::Uuid))
                }
                ColumnType::Int => Type::primitive_type_builder(c.name, Physical::INT64),
                ColumnType::Money => Type::primitive_type_builder(c.name, Physical::INT64)
                    .with_logical_type(Some(LogicalType::Decimal(parquet::basic::DecimalType {
                        scale: 2,
                        precision: 18,
                    })))
                    .with_precision(18)
                    .with_scale(2),
                ColumnType::Rate => Type::primitive_type_builder(c.name, Physical::INT64)
                    .with_logical_type(Some(LogicalType::Decimal(parquet::basic::DecimalType {
                        scale: 8,
                        precision: 18,
                    })))
                    .with_precision(18)
                    .with_scale(8),
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

#[cfg(test)]
mod tests {
    use super::*;
    use synth_model::Table;

    #[test]
    fn ids_carry_the_uuid_annotation_unless_asked_not_to() {
        let columns = Table::JournalLines.schema();
        for uuid in [true, false] {
            let t = schema_with("journal_lines", columns, uuid).expect("schema");
            let id = t
                .get_fields()
                .iter()
                .find(|f| f.name() == "entry_id")
                .expect("id");
            let info = id.get_basic_info();
            assert_eq!(info.logical_type_ref() == Some(&LogicalType::Uuid), uuid);
            assert_eq!(id.get_physical_type(), Physical::FIXED_LEN_BYTE_ARRAY);
        }
    }
}
