//! The `Sink` trait and the sinks that are not a format of their own: text (CSV and JSON
//! Lines through one `RowEncoder`), null.

use crate::behind::{SinkQueue, WriteBehind};
use crate::encoder::RowEncoder;
use crate::options::BUFFER_SLACK;
use crate::{
    FileReport, FileSet, Format, MIN_BUFFER_BYTES, OutputDir, SinkError, SinkOptions, TableReport,
};
use std::marker::PhantomData;
use std::sync::Arc;
use synth_model::Record;

/// Writes the records of one table.
pub trait Sink<R: Record>: Send {
    /// Appends records.
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError>;
    /// Writes out what is buffered (CSV/JSONL: the encode buffer; Parquet: a row group).
    fn flush(&mut self) -> Result<(), SinkError>;
    /// Rows accepted so far.
    fn rows(&self) -> u64;
    /// Bytes held in memory by this sink right now.
    fn buffered_bytes(&self) -> usize;
    /// Flushes, finishes every file (renaming it from `.partial`), and reports.
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError>;
    /// Writes what it can and reports, leaving unfinished files as `.partial`.
    fn abandon(self: Box<Self>) -> TableReport;
}

/// A CSV or JSON Lines sink: rows encoded into a reused buffer, written whole, either
/// on the calling thread or, with [`TextSink::with_write_behind`], by an I/O thread while
/// the next buffer is encoded.
pub struct TextSink<R, E> {
    encoder: E,
    header: Arc<[u8]>,
    buf: Vec<u8>,
    limit: usize,
    rows_in_buf: u64,
    rows: u64,
    /// The table's files; `None` while a buffer is with the I/O thread (or if it died).
    files: Option<Box<FileSet>>,
    /// Write-behind: the queue, and the second buffer when it is back.
    behind: Option<SinkQueue>,
    spare: Option<Vec<u8>>,
    /// A write failed: nothing more is written (a retry could repeat half a buffer).
    failed: bool,
    _record: PhantomData<fn(&R)>,
}

impl<R: Record, E: RowEncoder> TextSink<R, E> {
    /// A sink writing `R::TABLE` into `dir` on the calling thread.
    pub fn new(encoder: E, dir: &OutputDir, options: &SinkOptions) -> Result<Self, SinkError> {
        Self::build(encoder, dir, options, None)
    }

    /// A sink whose full buffers are written by the I/O thread behind `queue`; it holds
    /// two buffers (one being encoded, one being written).
    pub fn with_write_behind(
        encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        queue: &WriteBehind,
    ) -> Result<Self, SinkError> {
        Self::build(encoder, dir, options, Some(SinkQueue::new(queue)))
    }

    fn build(
        mut encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        behind: Option<SinkQueue>,
    ) -> Result<Self, SinkError> {
        let (dir, stem) = options.place(dir, R::TABLE)?;
        let mut header = Vec::new();
        encoder.header(R::SCHEMA, &mut header);
        let limit = options.buffer_bytes.max(MIN_BUFFER_BYTES);
        Ok(Self {
            encoder,
            header: header.into(),
            buf: Vec::with_capacity(Self::capacity(limit)),
            limit,
            rows_in_buf: 0,
            rows: 0,
            files: Some(Box::new(FileSet::new(
                &dir,
                stem,
                E::EXTENSION,
                options.rotate_bytes,
                options.drop_page_cache_every,
                options.compression_for(Format::Csv),
            ))),
            behind,
            spare: None,
            failed: false,
            _record: PhantomData,
        })
    }

    /// Room for one more row past the limit, so a buffer never reallocates.
    fn capacity(limit: usize) -> usize {
        limit + BUFFER_SLACK
    }

    /// Gets the files (and the spare buffer) back from the I/O thread, if they are out.
    fn wait(&mut self) -> Result<(), SinkError> {
        // Files away means a buffer is out; if the I/O thread died, every wait says so.
        if let (None, Some(q)) = (&self.files, &self.behind) {
            let done = q.wait(R::TABLE)?;
            self.files = Some(done.files);
            self.spare = Some(done.buf);
            self.failed |= done.result.is_err();
            done.result?;
        }
        Ok(())
    }

    fn write_buffer(&mut self) -> Result<(), SinkError> {
        if self.rows_in_buf == 0 || self.failed {
            return Ok(());
        }
        self.wait()?;
        let rows = std::mem::take(&mut self.rows_in_buf);
        match (&self.behind, self.files.take()) {
            (_, None) => return Err(SinkError::IoThreadGone { table: R::TABLE }),
            (None, Some(mut files)) => {
                let result = files.write(&self.buf, rows, &self.header);
                self.files = Some(files);
                self.buf.clear();
                self.failed |= result.is_err();
                result?;
            }
            (Some(q), Some(files)) => {
                let limit = self.limit;
                let next = self
                    .spare
                    .take()
                    .unwrap_or_else(|| Vec::with_capacity(Self::capacity(limit)));
                let full = std::mem::replace(&mut self.buf, next);
                if let Err(files) = q.send(files, full, rows, &self.header) {
                    self.files = Some(files);
                    return Err(SinkError::IoThreadGone { table: R::TABLE });
                }
            }
        }
        Ok(())
    }
}

/// The report of a table from its files.
pub fn table_report(table: &str, files: Vec<FileReport>) -> TableReport {
    TableReport {
        table: table.to_string(),
        rows: files.iter().map(|f| f.rows).sum(),
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
    }
}

impl<R: Record, E: RowEncoder> Sink<R> for TextSink<R, E> {
    #[inline]
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        for r in records {
            self.encoder.row(r, &mut self.buf);
            self.rows_in_buf += 1;
            if self.buf.len() >= self.limit {
                self.write_buffer()?;
            }
        }
        self.rows += records.len() as u64;
        Ok(())
    }

    /// Writes what is buffered and, with write-behind, waits until it is in the file.
    fn flush(&mut self) -> Result<(), SinkError> {
        self.write_buffer()?;
        self.wait()
    }

    fn rows(&self) -> u64 {
        self.rows
    }

    fn buffered_bytes(&self) -> usize {
        let out = if self.files.is_none() { self.limit } else { 0 };
        self.buf.capacity() + self.spare.as_ref().map_or(0, Vec::capacity) + out
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        self.write_buffer()?;
        self.wait()?;
        let header = Arc::clone(&self.header);
        let files = self
            .files
            .take()
            .ok_or(SinkError::IoThreadGone { table: R::TABLE })?;
        Ok(table_report(R::TABLE, files.finish(&header)?))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // Best effort: rows that reach the file stay readable; an error here (a full
        // disk, say) just means fewer rows, which the report counts.
        let _ = self.write_buffer();
        let _ = self.wait();
        let files = self.files.take().map(|f| f.abandon()).unwrap_or_default();
        table_report(R::TABLE, files)
    }
}

/// Counts rows and their in-memory bytes; writes nothing.
#[derive(Debug)]
pub struct NullSink<R> {
    rows: u64,
    _record: PhantomData<fn(&R)>,
}

impl<R> Default for NullSink<R> {
    fn default() -> Self {
        Self {
            rows: 0,
            _record: PhantomData,
        }
    }
}

impl<R: Record> Sink<R> for NullSink<R> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        self.rows += records.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
    fn rows(&self) -> u64 {
        self.rows
    }
    fn buffered_bytes(&self) -> usize {
        0
    }
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError> {
        Ok(self.abandon())
    }
    fn abandon(self: Box<Self>) -> TableReport {
        TableReport {
            table: R::TABLE.to_string(),
            rows: self.rows,
            bytes: self.rows * size_of::<R>() as u64,
            files: Vec::new(),
        }
    }
}
