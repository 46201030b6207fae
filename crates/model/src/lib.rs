//! Plain record types for synthetic accounting data, the [`Record`] trait that lets one
//! encoder write every table without per-type code, and the one list of tables
//! ([`Table`], with the [`Batch`] and [`MasterTables`] that hold their rows).
//!
//! ```
//! use synth_model::{JournalLine, Record, Value};
//! let line = JournalLine { entry_id: 7, line_number: 1, account: 400000, debit: 0,
//!     credit: 12_345, tax_code: Some("US-CA"), cost_center: Some("CC3000"), partner_id: None,
//!     line_text: "Revenue" };
//! let mut names = Vec::new();
//! line.visit(&mut |v: Value<'_>| names.push(format!("{v:?}")));
//! assert_eq!(JournalLine::TABLE, "journal_lines");
//! assert_eq!(names.len(), JournalLine::SCHEMA.len());
//! ```
//!
//! Deliberately absent: I/O, randomness and per-record heap allocation. Text comes from
//! `&'static str` pools or small inline buffers ([`InlineText`]), ids are 128-bit values
//! (printed as UUID text by the sinks), money is `i64` minor units.

mod date;
mod field;
mod master;
mod records;
mod tables;
mod text;

pub use date::{Date, DateTime, days_in_month};
pub use field::Field;
pub use master::*;
pub use records::*;
pub use tables::{
    Batch, ForeignAmount, MasterTables, PerTable, Table, TableGroup, TablePhase, TableVisitor,
};
pub use text::InlineText;

/// The type of a column, which decides how each format encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 128-bit identifier, written as UUID text.
    Id,
    /// A signed integer.
    Int,
    /// Money in minor units (cents), written with two decimals.
    Money,
    /// An exchange rate in hundred-millionths, written with eight decimals.
    Rate,
    /// A calendar date, written `YYYY-MM-DD`.
    Date,
    /// A date and time of day without time zone, written `YYYY-MM-DD HH:MM:SS`.
    Timestamp,
    /// UTF-8 text.
    Text,
    /// True or false, written `true`/`false`.
    Bool,
}

impl ColumnType {
    /// The logical type's name, as `synthdata schema` and the report's profiles spell it.
    pub const fn name(self) -> &'static str {
        match self {
            ColumnType::Id => "uuid",
            ColumnType::Int => "int64",
            ColumnType::Money => "decimal(18,2)",
            ColumnType::Rate => "decimal(18,8)",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "string",
            ColumnType::Bool => "boolean",
        }
    }
}

/// One column of a table's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Column name, as written in headers and field names.
    pub name: &'static str,
    /// The column's type.
    pub ty: ColumnType,
    /// Whether the column may hold [`Value::Null`].
    pub nullable: bool,
    /// What the column means (the field's doc comment).
    pub doc: &'static str,
}

impl Column {
    /// A column that always has a value.
    pub const fn new(name: &'static str, ty: ColumnType) -> Self {
        Self {
            name,
            ty,
            nullable: false,
            doc: "",
        }
    }

    /// What the column means, on one line.
    pub fn description(&self) -> String {
        self.doc.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// A column that may be null.
    pub const fn nullable(name: &'static str, ty: ColumnType) -> Self {
        Self {
            name,
            ty,
            nullable: true,
            doc: "",
        }
    }
}

/// One field value, borrowed from a record while it is visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A 128-bit identifier.
    Id(u128),
    /// An integer.
    Int(i64),
    /// Money in minor units.
    Money(i64),
    /// An exchange rate in hundred-millionths.
    Rate(i64),
    /// A date.
    Date(Date),
    /// A date and time of day.
    Timestamp(DateTime),
    /// Text.
    Text(&'a str),
    /// True or false.
    Bool(bool),
    /// Text that lives as long as the program (pools, literals). It can never change, so
    /// encoders may remember what they checked about it (quoting, escaping) by address.
    Static(&'static str),
    /// No value (nullable columns only).
    Null,
}

/// Receives a record's fields in schema order.
pub trait FieldVisitor {
    /// Called once per column, in the order of the schema.
    fn field(&mut self, value: Value<'_>);
}

impl<F: FnMut(Value<'_>)> FieldVisitor for F {
    fn field(&mut self, value: Value<'_>) {
        self(value)
    }
}

/// A row of one table: its name, its schema, and its fields in schema order.
pub trait Record {
    /// The table this record belongs to (file name stem).
    const TABLE: &'static str;
    /// The columns, in order.
    const SCHEMA: &'static [Column];
    /// Calls `visitor.field` once per column, in schema order.
    fn visit<V: FieldVisitor>(&self, visitor: &mut V);
}
