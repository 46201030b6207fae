//! JSON Lines: one object per line with the schema's field names. Ids and dates are
//! strings, integers are numbers, null is `null`.
//!
//! Money is written as a JSON *number* with exactly two decimals (`1234.56`), produced
//! from integer minor units without a float. Why a number: pandas, Polars, DuckDB and
//! Spark load it into a numeric column with no cast, and every amount the generators
//! make (below 10^13 minor units) round-trips exactly through an f64 to the cent. Readers
//! that need exact decimals can read the column as text: the digits are exact.

use crate::RowEncoder;
use crate::text::{
    CleanCache, json_needs_escapes, push_date, push_datetime, push_int, push_money, push_rate,
    push_uuid,
};
use synth_model::{Column, FieldVisitor, Record, Value};

/// Encodes records as JSON objects, one per line.
#[derive(Debug, Default, Clone)]
pub struct JsonlEncoder {
    /// `{"name":` for the first field, `,"name":` for the others.
    keys: Vec<Vec<u8>>,
    /// `'static` texts known to need no escapes.
    clean: CleanCache,
}

struct Row<'a> {
    out: &'a mut Vec<u8>,
    keys: &'a [Vec<u8>],
    i: usize,
    clean: &'a mut CleanCache,
}

impl FieldVisitor for Row<'_> {
    // Always inlined: each call site then knows its variant, and the match folds away.
    #[inline(always)]
    fn field(&mut self, value: Value<'_>) {
        if let Some(key) = self.keys.get(self.i) {
            self.out.extend_from_slice(key);
        }
        self.i += 1;
        match value {
            Value::Id(id) => {
                self.out.push(b'"');
                push_uuid(self.out, id);
                self.out.push(b'"');
            }
            Value::Int(v) => push_int(self.out, v),
            Value::Money(v) => push_money(self.out, v),
            Value::Rate(v) => push_rate(self.out, v),
            Value::Date(d) => {
                self.out.push(b'"');
                push_date(self.out, d);
                self.out.push(b'"');
            }
            Value::Timestamp(t) => {
                self.out.push(b'"');
                push_datetime(self.out, t, b'T');
                self.out.push(b'"');
            }
            Value::Text(t) => push_json_string(self.out, t),
            Value::Static(t) => {
                if self.clean.needs(t, json_needs_escapes) {
                    push_json_string(self.out, t);
                } else {
                    self.out.push(b'"');
                    self.out.extend_from_slice(t.as_bytes());
                    self.out.push(b'"');
                }
            }
            Value::Bool(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Null => self.out.extend_from_slice(b"null"),
        }
    }
}

/// Appends a JSON string literal, escaping quotes, backslashes and control characters.
#[inline]
pub fn push_json_string(out: &mut Vec<u8>, t: &str) {
    let bytes = t.as_bytes();
    if !json_needs_escapes(bytes) {
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

impl RowEncoder for JsonlEncoder {
    const EXTENSION: &'static str = "jsonl";

    fn header(&mut self, schema: &[Column], _out: &mut Vec<u8>) {
        self.keys = schema
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut k = Vec::new();
                k.push(if i == 0 { b'{' } else { b',' });
                push_json_string(&mut k, c.name);
                k.push(b':');
                k
            })
            .collect();
    }

    #[inline]
    fn row<R: Record>(&mut self, record: &R, out: &mut Vec<u8>) {
        record.visit(&mut Row {
            out,
            keys: &self.keys,
            i: 0,
            clean: &mut self.clean,
        });
        out.extend_from_slice(b"}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_json_requires() {
        let mut v = Vec::new();
        push_json_string(&mut v, "a\"b\\c\nd\u{1}é");
        assert_eq!(
            String::from_utf8(v).expect("utf8"),
            r#""a\"b\\c\nd\u0001é""#
        );
    }
}
