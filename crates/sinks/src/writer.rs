//! A table's rows as CSV or JSON Lines into any [`std::io::Write`]: a socket, a pipe,
//! standard output, a `Vec<u8>`, a compressor. No files, no `.partial`, no manifest.

use crate::{CsvEncoder, JsonlEncoder, MIN_BUFFER_BYTES, RowEncoder, Sink, SinkError, TableReport};
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
    bytes: u64,
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
            bytes: 0,
            _record: PhantomData,
        }
    }

    /// Encodes `records`, writing each buffer once it holds [`MIN_BUFFER_BYTES`].
    pub fn write_batch(&mut self, records: &[R]) -> io::Result<()> {
        for r in records {
            self.encoder.row(r, &mut self.buf);
            if self.buf.len() >= MIN_BUFFER_BYTES {
                self.out.write_all(&self.buf)?;
                self.bytes += self.buf.len() as u64;
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

    /// Bytes handed to `out` so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Writes what is buffered and flushes `out`.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        self.out.flush()
    }

    /// Writes what is buffered, flushes `out` and gives it back.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush()?;
        Ok(self.out)
    }
}

/// A [`Sink`] over a [`RecordWriter`]: a table to any writer (standard output, say),
/// with no files and no manifest. A reader that went away (`BrokenPipe`) is
/// [`SinkError::PipeClosed`], so the caller can end quietly.
pub struct WriterSink<R, E, W: Write> {
    writer: Option<RecordWriter<R, E, W>>,
    name: &'static str,
}

impl<R: Record, E: RowEncoder, W: Write> WriterSink<R, E, W> {
    /// A sink writing `R` rows to `out`; `name` is how errors call it (`standard output`).
    pub fn new(out: W, encoder: E, name: &'static str) -> Self {
        Self {
            writer: Some(RecordWriter::new(out, encoder)),
            name,
        }
    }

    fn err(&self, e: io::Error) -> SinkError {
        if e.kind() == io::ErrorKind::BrokenPipe {
            SinkError::PipeClosed { table: R::TABLE }
        } else {
            SinkError::io("write", self.name, e)
        }
    }

    fn report(&self) -> TableReport {
        let (rows, bytes) = self
            .writer
            .as_ref()
            .map_or((0, 0), |w| (w.rows(), w.bytes()));
        TableReport {
            table: R::TABLE.to_string(),
            rows,
            bytes,
            files: Vec::new(),
        }
    }
}

impl<R: Record, E: RowEncoder, W: Write + Send> Sink<R> for WriterSink<R, E, W> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        match self.writer.as_mut().map(|w| w.write_batch(records)) {
            Some(Err(e)) => Err(self.err(e)),
            _ => Ok(()),
        }
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        match self.writer.as_mut().map(RecordWriter::flush) {
            Some(Err(e)) => Err(self.err(e)),
            _ => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        self.writer.as_ref().map_or(0, RecordWriter::rows)
    }

    fn buffered_bytes(&self) -> usize {
        self.writer.as_ref().map_or(0, |w| w.buf.capacity())
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        Sink::flush(&mut *self)?;
        Ok(self.report())
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        let _ = Sink::flush(&mut *self);
        self.report()
    }
}
