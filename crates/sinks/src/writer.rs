//! A table's rows as CSV or JSON Lines into any [`std::io::Write`]: a socket, a pipe,
//! standard output, a `Vec<u8>`, a compressor. No files, no `.partial`, no manifest.

use crate::{CsvEncoder, JsonlEncoder, MIN_BUFFER_BYTES, RowEncoder};
use std::io::{self, Write};
use std::marker::PhantomData;
use synth_model::Record;

/// Encodes rows of `R` into a reused buffer and writes it to `out` in whole buffers.
///
/// ```
/// use synth_model::{Account, Record};
/// use synth_sinks::RecordWriter;
/// let mut w = RecordWriter::<Account, _, _>::csv(Vec::new());
/// w.write_batch(&[Account { account: 100000, name: "Cash", account_type: "asset",
///     normal_balance: "debit" }])?;
/// let bytes = w.finish()?;
/// assert_eq!(bytes, b"account,name,account_type,normal_balance\n100000,Cash,asset,debit\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct RecordWriter<R, E, W: Write> {
    out: W,
    encoder: E,
    buf: Vec<u8>,
    rows: u64,
    _record: PhantomData<fn(&R)>,
}

impl<R: Record, W: Write> RecordWriter<R, CsvEncoder, W> {
    /// A CSV writer (header first) into `out`.
    pub fn csv(out: W) -> Self {
        Self::new(out, CsvEncoder::default())
    }
}

impl<R: Record, W: Write> RecordWriter<R, JsonlEncoder, W> {
    /// A JSON Lines writer into `out`.
    pub fn jsonl(out: W) -> Self {
        Self::new(out, JsonlEncoder::default())
    }
}

impl<R: Record, E: RowEncoder, W: Write> RecordWriter<R, E, W> {
    /// A writer of `R` rows encoded by `encoder` into `out`; the header is written with
    /// the first buffer.
    pub fn new(out: W, mut encoder: E) -> Self {
        let mut buf = Vec::with_capacity(MIN_BUFFER_BYTES + (64 << 10));
        encoder.header(R::SCHEMA, &mut buf);
        Self {
            out,
            encoder,
            buf,
            rows: 0,
            _record: PhantomData,
        }
    }

    /// Encodes `records`, writing each buffer once it holds [`MIN_BUFFER_BYTES`].
    pub fn write_batch(&mut self, records: &[R]) -> io::Result<()> {
        for r in records {
            self.encoder.row(r, &mut self.buf);
            if self.buf.len() >= MIN_BUFFER_BYTES {
                self.out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        self.rows += records.len() as u64;
        Ok(())
    }

    /// Rows accepted so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes what is buffered, flushes `out` and gives it back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.out)
    }
}
