//! A lane's writer (one part's files at a time: opened, written batch by batch,
//! finished or left `.partial`) and the master job (each master table whole, one after
//! the other); the open sinks of a part, one per streaming table, with their types
//! erased.

use crate::lane::{Msg, Shared, StopReason, lock};
use crate::written::{Event, PartDone};
use crossbeam_channel::{Receiver, Sender};
use std::any::Any;
use std::sync::Arc;
use synth_generators::{Batch, MasterData, PerTable, Table};
use synth_guard::Reservation;
use synth_model::{Record, TableVisitor};
use synth_sinks::{
    CsvEncoder, Format, JsonlEncoder, OutputDir, Sink, SinkError, SinkOptions, TableReport,
    WriteBehind, WriterSink, open_sink_with,
};

pub(crate) struct WriterOutcome {
    /// The sinks of parts that were not finished (left `.partial`).
    pub(crate) partial: Vec<TableReport>,
    pub(crate) error: Option<SinkError>,
}

/// Opens the sink of table `R` in `dir`, or on standard output when there is no `dir`.
pub(crate) fn open_table_sink<R: Record + Send + 'static>(
    dir: Option<&OutputDir>,
    format: Format,
    options: &SinkOptions,
    behind: Option<&WriteBehind>,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    let stdout = std::io::stdout;
    match (dir, format) {
        (Some(dir), _) => open_sink_with::<R>(dir, format, options, behind),
        (None, Format::Jsonl) => Ok(Box::new(WriterSink::<R, _, _>::new(
            stdout(),
            JsonlEncoder::default(),
            "standard output",
        ))),
        (None, _) => Ok(Box::new(WriterSink::<R, _, _>::new(
            stdout(),
            CsvEncoder::default(),
            "standard output",
        ))),
    }
}

/// One lane's writer: opens a part's files, writes its batches, finishes the part (and
/// reports it) or leaves it `.partial`.
pub(crate) struct WriterJob {
    /// The output directory; `None` writes the one table to standard output.
    pub(crate) dir: Option<OutputDir>,
    pub(crate) format: Format,
    pub(crate) options: SinkOptions,
    /// The I/O thread's queue (CSV and JSON Lines).
    pub(crate) behind: Option<WriteBehind>,
    /// The tables this run writes.
    pub(crate) writes: PerTable<bool>,
    /// Bytes a text table encodes before one write (see [`crate::MemoryEstimate::buffers`]).
    pub(crate) buffers: PerTable<usize>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: Sender<Event>,
    /// The budget of this lane's sinks.
    pub(crate) _budget: Reservation,
}

/// A table's open sink with its type erased, so that the sinks of every table sit in
/// one list.
pub(crate) trait TableSink: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    fn flush(&mut self) -> Result<(), SinkError>;
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError>;
    fn abandon(self: Box<Self>) -> TableReport;
}

pub(crate) struct Typed<R>(Box<dyn Sink<R>>);

impl<R: Record + 'static> TableSink for Typed<R> {
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        self.0.flush()
    }
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError> {
        self.0.finish()
    }
    fn abandon(self: Box<Self>) -> TableReport {
        self.0.abandon()
    }
}

/// One open sink per streaming table this run writes; a batch visits it.
pub(crate) struct StreamSinks {
    pub(crate) open: PerTable<Option<Box<dyn TableSink>>>,
}

impl TableVisitor for StreamSinks {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), SinkError> {
        let sink = self.open[table].as_mut().map(|s| s.as_any());
        match sink.and_then(|s| s.downcast_mut::<Typed<R>>()) {
            Some(Typed(sink)) => sink.write_batch(rows),
            // A table the run does not write (not selected by `output.tables`).
            None => Ok(()),
        }
    }
}

impl StreamSinks {
    pub(crate) fn flush(&mut self) -> Result<(), SinkError> {
        for &t in Table::ALL {
            if let Some(s) = &mut self.open[t] {
                s.flush()?;
            }
        }
        Ok(())
    }

    /// The open sinks, in table order, leaving none behind.
    pub(crate) fn take(mut self) -> impl Iterator<Item = Box<dyn TableSink>> {
        Table::ALL.iter().filter_map(move |&t| self.open[t].take())
    }

    /// Finishes every sink; on an error, the rest are abandoned.
    pub(crate) fn finish(self) -> Result<Vec<TableReport>, SinkError> {
        let mut reports = Vec::new();
        let mut error = None;
        for sink in self.take() {
            match error {
                Some(_) => drop(sink.abandon()),
                None => match sink.finish() {
                    Ok(t) => reports.push(t),
                    Err(e) => error = Some(e),
                },
            }
        }
        error.map_or(Ok(reports), Err)
    }

    pub(crate) fn abandon(self) -> Vec<TableReport> {
        self.take().map(|s| s.abandon()).collect()
    }
}

/// Opens the sink of every streaming table the run writes.
pub(crate) struct Opener<'a> {
    pub(crate) job: &'a WriterJob,
    pub(crate) options: SinkOptions,
    pub(crate) sinks: StreamSinks,
}

impl TableVisitor for Opener<'_> {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        _rows: &[R],
    ) -> Result<(), SinkError> {
        let j = self.job;
        if j.writes[table] {
            self.options.buffer_bytes = j.buffers[table];
            let sink =
                open_table_sink::<R>(j.dir.as_ref(), j.format, &self.options, j.behind.as_ref())?;
            self.sinks.open[table] = Some(Box::new(Typed(sink)));
        }
        Ok(())
    }
}

/// A part being written.
pub(crate) struct InFlight {
    pub(crate) part: u64,
    pub(crate) sinks: StreamSinks,
    pub(crate) entries: u64,
    pub(crate) lines: u64,
}

impl WriterJob {
    /// Opens the files of part `k` (`TABLE.EXT` when the run has one part).
    pub(crate) fn open_part(&self, k: u64) -> Result<StreamSinks, SinkError> {
        let mut options = self.options.clone();
        options.part = (self.shared.plan.parts > 1).then_some(k);
        let mut opener = Opener {
            job: self,
            options,
            sinks: StreamSinks {
                open: PerTable::from_fn(|_| None),
            },
        };
        Batch::default().visit(&mut opener)?;
        Ok(opener.sinks)
    }

    pub(crate) fn run(self, rx: Receiver<Msg>, pool: Sender<Batch>) -> WriterOutcome {
        let mut open: Option<InFlight> = None;
        let mut partial = Vec::new();
        let mut error = None;
        for msg in rx.iter() {
            match msg {
                Msg::Start(part) => match self.open_part(part) {
                    Ok(sinks) => {
                        open = Some(InFlight {
                            part,
                            sinks,
                            entries: 0,
                            lines: 0,
                        })
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                },
                Msg::Batch(b) => {
                    if let Some(p) = &mut open {
                        if let Err(e) = b.visit(&mut p.sinks) {
                            error = Some(e);
                            break;
                        }
                        p.entries += b.entries.len() as u64;
                        p.lines += b.lines.len() as u64;
                    }
                    self.shared
                        .health
                        .add_written(b.entries.len() as u64, b.lines.len() as u64);
                    if let Some(observe) = lock(&self.shared.observer).as_mut() {
                        observe(&b);
                    }
                    // The generator may be gone already; the batch is then simply dropped.
                    let _ = pool.send(b);
                }
                Msg::Flush => {
                    if let Some(Err(e)) = open.as_mut().map(|p| p.sinks.flush()) {
                        error = Some(e);
                        break;
                    }
                }
                Msg::EndPart => {
                    let Some(p) = open.take() else { continue };
                    match p.sinks.finish() {
                        Ok(tables) => {
                            // The part's buffers are freed: hand their pages back, so
                            // that a long run's RSS does not creep up with the heap's
                            // fragments (+7.6 MiB from 3 M to 30 M entries without).
                            synth_probe::trim_allocator();
                            self.shared.health.add_part_done();
                            let done = PartDone {
                                part: p.part,
                                entries: p.entries,
                                lines: p.lines,
                                tables,
                            };
                            let _ = self.events.send(Event::Part(done));
                        }
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    }
                }
                Msg::Abandon => {
                    if let Some(p) = open.take() {
                        partial.extend(p.sinks.abandon());
                    }
                }
            }
        }
        // Stop the generator at once on an error: its next send fails.
        drop(rx);
        if error.is_some() {
            self.shared.stop(StopReason::Failed);
        }
        // A part still open when the channel closed did not end well (a stop, an error
        // or a panic of the generator): it stays `.partial`.
        if let Some(p) = open.take() {
            partial.extend(p.sinks.abandon());
        }
        WriterOutcome { partial, error }
    }
}

/// Writes each master table whole, one after the other, through one sink.
pub(crate) struct MasterJob {
    pub(crate) dir: Option<OutputDir>,
    pub(crate) format: Format,
    pub(crate) options: SinkOptions,
    pub(crate) writes: PerTable<bool>,
    pub(crate) master: Arc<MasterData>,
    pub(crate) events: Sender<Event>,
    pub(crate) _budget: Reservation,
}

impl MasterJob {
    pub(crate) fn run(self) -> Result<(), SinkError> {
        let mut reports = Vec::new();
        self.master.visit(&mut MasterWriter {
            job: &self,
            reports: &mut reports,
        })?;
        let _ = self.events.send(Event::Master(reports));
        Ok(())
    }
}

pub(crate) struct MasterWriter<'a> {
    pub(crate) job: &'a MasterJob,
    pub(crate) reports: &'a mut Vec<TableReport>,
}

impl TableVisitor for MasterWriter<'_> {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), SinkError> {
        let j = self.job;
        if j.writes[table] {
            let mut sink = open_table_sink::<R>(j.dir.as_ref(), j.format, &j.options, None)?;
            sink.write_batch(rows)?;
            self.reports.push(sink.finish()?);
        }
        Ok(())
    }
}
