//! What a text format is to a text sink: a header and one row at a time into a buffer.

use synth_model::{Column, Record};

/// Encodes rows of text formats into a buffer.
pub trait RowEncoder: Send + 'static {
    /// File extension, e.g. `csv`.
    const EXTENSION: &'static str;
    /// Writes the header (if the format has one) and prepares for this schema.
    fn header(&mut self, schema: &[Column], out: &mut Vec<u8>);
    /// Appends one row.
    fn row<R: Record>(&mut self, record: &R, out: &mut Vec<u8>);
}
