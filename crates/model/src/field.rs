//! How a field's Rust type maps to a column type and a value, so that a record's schema
//! and its visitor both follow from one declaration (see [`crate::record!`]).

use crate::{ColumnType, Date, DateTime, InlineText, Value};

/// A Rust type that can be a column: its column type, whether it may be null, its value.
pub trait Field {
    /// The column type of this Rust type (a declaration may override it, e.g. `Money`).
    const TYPE: ColumnType;
    /// Whether the column may hold [`Value::Null`].
    const NULLABLE: bool = false;
    /// The value of this field, borrowed from the record.
    fn value(&self) -> Value<'_>;
}

impl Field for u128 {
    const TYPE: ColumnType = ColumnType::Id;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Id(*self)
    }
}

impl Field for Option<u128> {
    const TYPE: ColumnType = ColumnType::Id;
    const NULLABLE: bool = true;
    #[inline]
    fn value(&self) -> Value<'_> {
        self.map_or(Value::Null, Value::Id)
    }
}

macro_rules! int_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            const TYPE: ColumnType = ColumnType::Int;
            #[inline]
            fn value(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_field!(u8, u16, u32, i32, i64);

impl Field for Date {
    const TYPE: ColumnType = ColumnType::Date;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Date(*self)
    }
}

impl Field for Option<Date> {
    const TYPE: ColumnType = ColumnType::Date;
    const NULLABLE: bool = true;
    #[inline]
    fn value(&self) -> Value<'_> {
        self.map_or(Value::Null, Value::Date)
    }
}

impl Field for DateTime {
    const TYPE: ColumnType = ColumnType::Timestamp;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Timestamp(*self)
    }
}

impl Field for bool {
    const TYPE: ColumnType = ColumnType::Bool;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

impl Field for Option<&'static str> {
    const TYPE: ColumnType = ColumnType::Text;
    const NULLABLE: bool = true;
    #[inline]
    fn value(&self) -> Value<'_> {
        self.map_or(Value::Null, Value::Static)
    }
}

impl Field for &'static str {
    const TYPE: ColumnType = ColumnType::Text;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Static(self)
    }
}

impl Field for u64 {
    const TYPE: ColumnType = ColumnType::Int;
    #[inline]
    fn value(&self) -> Value<'_> {
        // Indices and counts stay far below 2^63.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl<const N: usize> Field for Option<InlineText<N>> {
    const TYPE: ColumnType = ColumnType::Text;
    const NULLABLE: bool = true;
    #[inline]
    fn value(&self) -> Value<'_> {
        self.as_ref()
            .map_or(Value::Null, |t| Value::Text(t.as_str()))
    }
}

impl<const N: usize> Field for InlineText<N> {
    const TYPE: ColumnType = ColumnType::Text;
    #[inline]
    fn value(&self) -> Value<'_> {
        Value::Text(self.as_str())
    }
}

impl<'a> Value<'a> {
    /// This value as a column of type `ty` holds it: an integer in a `Money` column is
    /// money. Folded away at compile time where `ty` is a constant.
    #[inline(always)]
    pub const fn typed(self, ty: ColumnType) -> Self {
        match (self, ty) {
            (Value::Int(x), ColumnType::Money) => Value::Money(x),
            (Value::Int(x), ColumnType::Rate) => Value::Rate(x),
            (v, _) => v,
        }
    }

    /// Whether this value may stand in a column of type `ty` (null aside).
    pub const fn fits(&self, ty: ColumnType) -> bool {
        matches!(
            (self, ty),
            (Value::Id(_), ColumnType::Id)
                | (Value::Int(_), ColumnType::Int)
                | (Value::Money(_), ColumnType::Money)
                | (Value::Rate(_), ColumnType::Rate)
                | (Value::Date(_), ColumnType::Date)
                | (Value::Timestamp(_), ColumnType::Timestamp)
                | (Value::Bool(_), ColumnType::Bool)
                | (Value::Text(_) | Value::Static(_), ColumnType::Text)
                | (Value::Null, _)
        )
    }
}

/// Declares a record type once: the struct, its [`Record`](crate::Record) schema and its
/// field visitor all follow from the same field list, so they cannot disagree.
///
/// A field's column type comes from its Rust type ([`Field`]); `as Money` makes an `i64`
/// a money column. `Option<u128>` is a nullable id. Each field's doc comment becomes its
/// column's [`doc`](crate::Column::doc), which the schema listing shows.
///
/// ```
/// use synth_model::{Record, Value, record};
/// record! {
///     /// A price list entry.
///     pub struct Price in "prices" {
///         /// The item.
///         item: &'static str,
///         /// Its price in cents.
///         price: i64 as Money,
///     }
/// }
/// let p = Price { item: "tea", price: 250 };
/// let mut values = Vec::new();
/// p.visit(&mut |v: Value<'_>| values.push(format!("{v:?}")));
/// assert_eq!(values, ["Static(\"tea\")", "Money(250)"]);
/// assert_eq!(Price::SCHEMA[1].ty, synth_model::ColumnType::Money);
/// ```
#[macro_export]
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal {
            $(
                $(#[doc = $fdoc:literal])*
                $field:ident : $ty:ty $(as $col:ident)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl $crate::Record for $name {
            const TABLE: &'static str = $table;
            const SCHEMA: &'static [$crate::Column] = &[
                $( $crate::Column {
                    name: stringify!($field),
                    ty: $crate::record!(@type $ty $(, $col)?),
                    nullable: <$ty as $crate::Field>::NULLABLE,
                    doc: concat!($($fdoc, "\n"),*),
                }, )*
            ];
            #[inline]
            fn visit<V: $crate::FieldVisitor>(&self, visitor: &mut V) {
                $( visitor.field(
                    $crate::Field::value(&self.$field).typed($crate::record!(@type $ty $(, $col)?))
                ); )*
            }
        }
    };
    (@type $ty:ty) => { <$ty as $crate::Field>::TYPE };
    (@type $ty:ty, $col:ident) => { $crate::ColumnType::$col };
}
