//! The orchestrator: a generator thread and a writer thread joined by a bounded channel,
//! the guard between batches, progress on the calling thread, and a manifest at the end.
//! For CSV and JSON Lines a third thread (`synth-io`, see `synth_sinks::write_behind`)
//! writes each full buffer while the writer encodes the next.
//!
//! ```text
//!  generator thread                      writer thread
//!  ───────────────                       ─────────────
//!  guard.check → decide                  master data tables (written, closed)
//!  take a batch from the pool ◄───────── return emptied batches (pool channel)
//!  generate_batch(a..b)
//!  send Msg::Batch ─────── bounded(k) ──► encode per table (full buffers → I/O thread)
//!  (Relieve) send Msg::Flush ───────────► flush every sink
//!  send Msg::End, drop sender ──────────► finish files (rename .partial), report
//! ```
//! A writer error drops the receiver, so the generator's next send fails and it stops.
//! A channel that disconnects without `Msg::End` (a panic) leaves `.partial` files.

use crate::config::OutputConfig;
use crate::config::{Config, ConfigErrors};
use crate::error::Error;
use crate::estimate::{MemoryEstimate, estimate_memory};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use synth_generators::{Batch, JournalGenerator, MasterData, PerTable, Table};
use synth_guard::{
    Action, BudgetExceeded, ByteSize, EffectiveLimit, HealthSnapshot, LimitSource, MemoryBudget,
    MemoryExceeded, MemoryGuard, MemoryGuardConfig, MemoryStatus, Phase, Reservation, format_bytes,
};
use synth_model::{Record, TablePhase, TableVisitor};
use synth_sinks::{
    CsvEncoder, Format, JsonlEncoder, Manifest, OutputDir, Sink, SinkError, SinkOptions,
    TableReport, WriteBehind, WriterSink, open_sink_with, write_behind,
};
use tracing::{debug, info, warn};

/// Page-cache dropping interval used when a cgroup limit was found.
pub const AUTO_DROP_PAGE_CACHE_EVERY: u64 = 64 << 20;
/// What the manifest says while a run is in progress: if it is still there, the run
/// was killed (or lost its disk) before it could say how it ended.
pub const RUNNING_MESSAGE: &str = "the run had not finished when this manifest was written; \
     if it is still here, the run was killed before it could record how it ended";

/// How often progress is reported.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Stops a run from another thread (Ctrl-C): like a hard limit, but `Interrupted`.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    /// Asks the run to stop after the current batch.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether a stop was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Sleeps `pause`, or less if a stop is asked for meanwhile (checked every 20 ms):
    /// every wait of a run is interruptible.
    pub fn sleep(&self, pause: Duration) {
        let until = Instant::now() + pause;
        while !self.is_cancelled() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            thread::sleep(left.min(Duration::from_millis(20)));
        }
    }
}

/// Where a run is, delivered about 10 times a second.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Progress {
    /// What the run is doing.
    pub phase: Phase,
    /// Journal entries written.
    pub current: u64,
    /// Journal entries asked for.
    pub total: u64,
    /// `current / total` in percent.
    pub percent: f64,
    /// Entries per second so far.
    pub rate: f64,
    /// Journal lines per second so far.
    pub lines_rate: f64,
    /// Memory as of the last guard reading.
    pub memory: MemoryStatus,
    /// Time since the start.
    pub elapsed: Duration,
    /// Expected time to the end, once a rate is known.
    pub eta: Option<Duration>,
    /// Reliefs so far.
    pub reliefs: u64,
    /// Throttles so far.
    pub throttles: u64,
}

/// What a finished run did.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Journal entries written.
    pub entries_written: u64,
    /// Journal lines written.
    pub lines_written: u64,
    /// Per table: rows, bytes, files.
    pub tables: Vec<TableReport>,
    /// Wall time.
    pub elapsed: Duration,
    /// Reliefs (soft limit).
    pub reliefs: u64,
    /// Throttles (fast growth).
    pub throttles: u64,
    /// Peak RSS of the process (`VmHWM` on Linux).
    pub peak_rss: u64,
    /// Output directory.
    pub output_dir: PathBuf,
    /// The manifest file (none when writing to standard output).
    pub manifest: Option<PathBuf>,
    /// The hard limit in force.
    pub hard_limit: u64,
    /// The soft limit in force.
    pub soft_limit: u64,
    /// Where the hard limit comes from.
    pub limit_source: LimitSource,
    /// The estimate made before the run.
    pub estimate: MemoryEstimate,
}

/// Called on the writer thread with every batch after it was written.
pub type BatchObserver = Box<dyn FnMut(&Batch) + Send>;

enum Msg {
    Batch(Batch),
    Flush,
    End,
}

enum StopReason {
    MemoryLimit(MemoryExceeded),
    /// A batch's reservation did not fit the byte budget.
    Budget(BudgetExceeded),
    Interrupted,
}

struct GeneratorOutcome {
    stop: Option<StopReason>,
    probe_error: Option<synth_probe::ProbeError>,
    reliefs: u64,
    throttles: u64,
}

struct WriterOutcome {
    tables: Vec<TableReport>,
    error: Option<SinkError>,
}

/// Runs a generation: see the module docs.
pub struct GenerationOrchestrator {
    config: Config,
    limit: EffectiveLimit,
    guard_config: MemoryGuardConfig,
    estimate: MemoryEstimate,
    health: Arc<HealthSnapshot>,
    cancel: CancelHandle,
    observer: Option<BatchObserver>,
}

impl std::fmt::Debug for GenerationOrchestrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenerationOrchestrator")
            .field("guard_config", &self.guard_config)
            .finish_non_exhaustive()
    }
}

impl GenerationOrchestrator {
    /// Validates the config, discovers the effective limit and estimates the run.
    pub fn new(config: Config) -> Result<Self, Error> {
        let limit = synth_probe::LimitDiscovery::system().discover()?;
        Self::with_limit(config, limit)
    }

    /// As [`GenerationOrchestrator::new`], with a given effective limit (tests, `estimate`).
    pub fn with_limit(config: Config, limit: EffectiveLimit) -> Result<Self, Error> {
        config.check()?;
        let guard_config = guard_config(&config, &limit);
        if let Some(asked) = config.global.memory_limit
            && asked.0 > guard_config.hard_limit.0
        {
            warn!(
                "global.memory_limit {} is above what this machine allows: the hard limit is {} \
                 (90% of {} from {})",
                format_bytes(asked.0),
                format_bytes(guard_config.hard_limit.0),
                format_bytes(limit.bytes),
                limit.source
            );
        }
        let estimate = estimate_memory(&config)?;
        let health = Arc::new(HealthSnapshot::new(
            guard_config.soft_limit.0,
            guard_config.hard_limit.0,
            config.transactions.target_count,
            guard_config.limit_source.to_string(),
        ));
        Ok(Self {
            config,
            limit,
            guard_config,
            estimate,
            health,
            cancel: CancelHandle::default(),
            observer: None,
        })
    }

    /// The configuration of this run.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The guard's configuration (limits and their source).
    pub fn guard_config(&self) -> &MemoryGuardConfig {
        &self.guard_config
    }

    /// The effective limit found on this machine.
    pub fn effective_limit(&self) -> &EffectiveLimit {
        &self.limit
    }

    /// The estimate of this run.
    pub fn estimate(&self) -> &MemoryEstimate {
        &self.estimate
    }

    /// The live health of this run, for the server.
    pub fn health(&self) -> Arc<HealthSnapshot> {
        Arc::clone(&self.health)
    }

    /// A handle that stops the run.
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.clone()
    }

    /// Calls `observer` on the writer thread with every written batch.
    pub fn observe_batches(&mut self, observer: BatchObserver) {
        self.observer = Some(observer);
    }

    /// Runs to the end, without progress reports.
    pub fn run(self) -> Result<RunReport, Error> {
        self.run_with_progress(|_| {})
    }

    /// Runs to the end, calling `on_progress` about 10 times a second on this thread.
    pub fn run_with_progress(
        mut self,
        mut on_progress: impl FnMut(&Progress),
    ) -> Result<RunReport, Error> {
        let started = Instant::now();
        let hard = self.guard_config.hard_limit.0;
        let source = self.guard_config.limit_source.clone();
        let total = self.config.transactions.target_count;
        let o = self.config.output.clone();

        // Refuse up front, before anything is on disk.
        let more_memory = self.more_memory();
        // Under an address-space limit, what counts is the mapped size, and the
        // allocator must not reserve an arena per thread (done before any is spawned).
        let (rss, virtual_size) = synth_probe::RssReader::new()?.rss_and_virtual_bytes()?;
        let rss_now = if source == LimitSource::RlimitAs {
            synth_probe::fit_allocator_to_address_space();
            rss.max(virtual_size.unwrap_or(0))
        } else {
            rss
        };
        let refuse = |used: u64, hint: String| Error::MemoryExceeded {
            used,
            projected: used,
            limit: hard,
            limit_source: source.clone(),
            records_written: 0,
            refused_up_front: true,
            hint,
        };
        let e = &self.estimate;
        if rss_now >= hard {
            return Err(refuse(
                e.streaming_peak,
                format!(
                    "the process already uses {} before generating anything, and the run's estimate is {}; {}",
                    format_bytes(rss_now),
                    format_bytes(e.streaming_peak),
                    self.more_memory()
                ),
            ));
        }
        if e.streaming_peak > hard {
            return Err(refuse(
                e.streaming_peak,
                format!(
                    "{}, or lower output.batch_size ({}), output.channel_capacity ({}), \
                     output.buffer_bytes or master_data",
                    self.more_memory(),
                    o.batch_size,
                    o.channel_capacity
                ),
            ));
        }
        // The byte budget: every large allocation of the run holds a reservation in it,
        // taken before it allocates. Master data and the sinks reserve here, so a run
        // that cannot hold them is refused before anything is written; batches reserve
        // as the generator creates them, and a batch that does not fit stops the run.
        let budget = MemoryBudget::new(hard.saturating_sub(rss_now));
        let reserve = |consumer, bytes| {
            budget
                .try_reserve(consumer, bytes)
                .map_err(|b| refuse(e.streaming_peak, format!("{b}; {more_memory}")))
        };
        let behind_io = matches!(o.format, Format::Csv | Format::Jsonl);
        let drop_every = match o.drop_page_cache_every {
            Some(ByteSize(0)) => None,
            Some(ByteSize(n)) => Some(n),
            None => matches!(
                self.limit.source,
                LimitSource::CgroupV1 { .. } | LimitSource::CgroupV2 { .. }
            )
            .then_some(AUTO_DROP_PAGE_CACHE_EVERY),
        };
        let sink_options = sink_options(&o, drop_every);
        let sink_bytes = sink_options.memory_bytes(o.format, behind_io);
        let gen_config = self.config.generator_config();
        let writes = PerTable::from_fn(|t| gen_config.writes(t) && o.selects(t));
        let to_stdout = o.to_stdout();
        let master_reservation = reserve("master data", e.master_data)?;
        // Master tables are written one at a time through one sink's buffers.
        let master_sink = reserve("master table sink", sink_bytes)?;
        let mut sink_reservations = PerTable::from_fn(|_| None);
        for &t in Table::ALL {
            if writes[t] && t.phase() == TablePhase::Stream {
                sink_reservations[t] = Some(reserve("table sink", sink_bytes)?);
            }
        }

        let generator = JournalGenerator::new(gen_config).map_err(ConfigErrors::from)?;
        if o.space_check
            && !to_stdout
            && let Some(free) = synth_sinks::free_space(&o.directory)?
        {
            let needed = e.disk_bytes;
            // The estimate is within a few percent for text and an upper bound for
            // Parquet: refuse only what clearly cannot fit, warn about what may not.
            if needed as f64 * 0.9 > free as f64 {
                return Err(Error::NoSpace {
                    path: o.directory.clone(),
                    needed,
                    free,
                });
            }
            if needed > free {
                warn!(
                    "the run may not fit: about {} expected, {} free in {}",
                    format_bytes(needed),
                    format_bytes(free),
                    o.directory.display()
                );
            }
        }
        // Opened, locked for this run, cleaned of an earlier run's files (with overwrite).
        // Until the run ends, the manifest says it has not; and room is kept so that the
        // final manifest can be written even if the run fills the disk. Standard output
        // has no directory and no manifest.
        let out = match to_stdout {
            true => None,
            false => {
                let out = OutputDir::open(&o.directory, o.overwrite)?;
                out.reserve_manifest_room()?;
                let running = Some(("running", RUNNING_MESSAGE.to_string()));
                self.manifest(total, 0, Vec::new(), running).write(&out)?;
                Some(out)
            }
        };
        info!(
            "generating {total} journal entries into {} as {}; hard limit {} (from {source}), soft limit {}, estimated peak {}",
            o.directory.display(),
            o.format.name(),
            format_bytes(hard),
            format_bytes(self.guard_config.soft_limit.0),
            format_bytes(e.streaming_peak)
        );

        let guard = MemoryGuard::new(self.guard_config.clone()).map_err(|e| match e {
            synth_guard::GuardError::Probe(p) => Error::Probe(p),
            other => Error::Config(ConfigErrors(vec![crate::config::ConfigError {
                file: None,
                path: "global".into(),
                message: other.to_string(),
                location: None,
            }])),
        })?;
        let k = o.channel_capacity;
        let (tx, rx) = bounded::<Msg>(k);
        let (pool_tx, pool_rx) = bounded::<Batch>(k + 2);
        // Built here, inside its reservation (held until the run ends).
        let master = Arc::clone(generator.master_data());
        // CSV and JSON Lines: an I/O thread writes each full buffer while the writer
        // encodes the next. It ends when the writer drops its sinks.
        let (behind, io_thread) = match o.format {
            Format::Csv | Format::Jsonl if !to_stdout => {
                let (behind, worker) = write_behind();
                let io = thread::Builder::new()
                    .name("synth-io".into())
                    .spawn(move || worker.run())
                    .map_err(|source| Error::Spawn {
                        thread: "io",
                        source,
                    })?;
                (Some(behind), Some(io))
            }
            _ => (None, None),
        };
        let writer_job = WriterJob {
            dir: out.clone(),
            format: o.format,
            options: sink_options,
            behind,
            writes,
            master_sink: Some(master_sink),
            sink_reservations,
            health: Arc::clone(&self.health),
            observer: self.observer.take(),
        };
        let (generator_done, done) = bounded::<()>(0);
        let writer_done = generator_done.clone();
        let writer = thread::Builder::new()
            .name("synth-writer".into())
            .spawn(move || {
                // Dropped when the thread ends, even by a panic: that wakes the waiting loop.
                let _done = writer_done;
                writer_job.run(rx, pool_tx, master)
            })
            .map_err(|source| Error::Spawn {
                thread: "writer",
                source,
            })?;
        let generator_job = GeneratorJob {
            generator,
            guard,
            cancel: self.cancel.clone(),
            health: Arc::clone(&self.health),
            total,
            batch_size: o.batch_size,
            pool_size: k + 2,
            per_entry: e.per_entry,
            batches: reserve("batches", 0)?,
        };
        let generator_thread =
            thread::Builder::new()
                .name("synth-generator".into())
                .spawn(move || {
                    let _done = generator_done;
                    generator_job.run(tx, pool_rx)
                });
        let generator_thread = match generator_thread {
            Ok(t) => t,
            Err(source) => {
                // The writer sees its channel disconnect and leaves .partial files.
                let _ = writer.join();
                return Err(Error::Spawn {
                    thread: "generator",
                    source,
                });
            }
        };

        // Progress every interval; the loop ends as soon as both threads have ended
        // (their `done` senders are dropped), not at the next tick.
        while let Err(RecvTimeoutError::Timeout) = done.recv_timeout(PROGRESS_INTERVAL) {
            on_progress(&self.progress(started, total));
        }
        let gen_result = generator_thread.join();
        let writer_result = writer.join();
        // The writer has dropped its sinks, so the I/O thread has nothing left to do.
        let io_result = io_thread.map(|t| t.join());
        self.health.set_phase(Phase::Finishing);

        let gen_outcome = gen_result.map_err(|p| Error::ThreadPanicked {
            thread: "generator",
            message: panic_text(&p),
        });
        let writer_outcome = match (writer_result, io_result) {
            (Err(p), _) => Err(Error::ThreadPanicked {
                thread: "writer",
                message: panic_text(&p),
            }),
            (Ok(_), Some(Err(p))) => Err(Error::ThreadPanicked {
                thread: "io",
                message: panic_text(&p),
            }),
            (Ok(w), _) => Ok(w),
        };
        let tables = writer_outcome
            .as_ref()
            .map(|w| w.tables.clone())
            .unwrap_or_default();
        // Counted as the writer finished each batch, whichever tables were written.
        let written = self.health.read();
        let (entries_written, lines_written) = (written.records_written, written.lines_written);

        // Decide how the run ended: the first failure wins, then a stop, then success.
        let mut error: Option<Error> = None;
        let mut reliefs = 0;
        let mut throttles = 0;
        match (gen_outcome, writer_outcome) {
            (Err(e), _) | (_, Err(e)) => error = Some(e),
            (Ok(g), Ok(w)) => {
                reliefs = g.reliefs;
                throttles = g.throttles;
                if let Some(e) = w.error {
                    error = Some(Error::Sink(e));
                } else if let Some(e) = g.probe_error {
                    error = Some(Error::Probe(e));
                } else {
                    match g.stop {
                        Some(StopReason::MemoryLimit(m)) => {
                            error = Some(Error::MemoryExceeded {
                                used: m.used,
                                projected: m.projected,
                                limit: m.limit,
                                limit_source: m.limit_source,
                                records_written: entries_written,
                                refused_up_front: false,
                                hint: format!("{}, or lower output.batch_size", self.more_memory()),
                            })
                        }
                        Some(StopReason::Budget(b)) => {
                            error = Some(Error::MemoryExceeded {
                                used: budget.limit().saturating_sub(b.available) + rss_now,
                                projected: budget.limit().saturating_sub(b.available)
                                    + b.requested
                                    + rss_now,
                                limit: hard,
                                limit_source: source.clone(),
                                records_written: entries_written,
                                refused_up_front: false,
                                hint: format!(
                                    "{b}; {}, or lower output.batch_size",
                                    self.more_memory()
                                ),
                            })
                        }
                        Some(StopReason::Interrupted) => {
                            error = Some(Error::Interrupted {
                                records_written: entries_written,
                            })
                        }
                        None => {}
                    }
                }
            }
        }
        let stop = match &error {
            None if entries_written == total => None,
            None => Some((
                "error",
                "fewer entries were written than asked for".to_string(),
            )),
            Some(e @ Error::MemoryExceeded { .. }) => Some(("memory_limit", e.to_string())),
            Some(e @ Error::Interrupted { .. }) => Some(("interrupted", e.to_string())),
            Some(e) => Some(("error", e.to_string())),
        };
        let manifest = self.manifest(total, entries_written, tables.clone(), stop);
        let manifest_path = match &out {
            Some(out) => manifest
                .write(out)
                .and_then(|path| out.release_manifest_room().map(|()| Some(path))),
            None => Ok(None),
        };
        drop(master_reservation);
        self.health.set_phase(Phase::Done);
        on_progress(&self.progress(started, total));
        if let Some(e) = error {
            if let Err(m) = manifest_path {
                warn!("could not write the manifest: {m}");
            }
            return Err(e);
        }
        let manifest_path = manifest_path?;
        let report = RunReport {
            entries_written,
            lines_written,
            tables,
            elapsed: started.elapsed(),
            reliefs,
            throttles,
            peak_rss: synth_probe::peak_rss_bytes().unwrap_or(0),
            output_dir: o.directory.clone(),
            manifest: manifest_path,
            hard_limit: hard,
            soft_limit: self.guard_config.soft_limit.0,
            limit_source: source,
            estimate: self.estimate.clone(),
        };
        info!(
            "wrote {entries_written} entries ({lines_written} lines) in {:.2} s; peak RSS {}",
            report.elapsed.as_secs_f64(),
            format_bytes(report.peak_rss)
        );
        Ok(report)
    }

    /// What gives a run more memory: a higher configured limit when the limit is the
    /// configured one; otherwise a bigger container or machine, since the configured
    /// limit is already above what the machine allows.
    fn more_memory(&self) -> String {
        let need = format_bytes(self.estimate.recommended_limit);
        match &self.guard_config.limit_source {
            LimitSource::Configured => {
                format!("raise global.memory_limit (--memory-limit) to at least {need}")
            }
            source => format!(
                "the limit comes from {source}, so raising global.memory_limit cannot help: \
                 run with more memory (at least {need})"
            ),
        }
    }

    /// The manifest of this run; `complete` exactly when there is no stop.
    fn manifest(
        &self,
        total: u64,
        written: u64,
        tables: Vec<TableReport>,
        stop: Option<(&str, String)>,
    ) -> Manifest {
        Manifest {
            tool: "synthdata".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            format: self.config.output.format.name().into(),
            seed: self.config.global.seed,
            complete: stop.is_none(),
            stop_reason: stop.as_ref().map(|(r, _)| r.to_string()),
            stop_message: stop.map(|(_, m)| m),
            entries_requested: total,
            entries_written: written,
            tables,
            config: serde_json::to_value(&self.config).unwrap_or(serde_json::Value::Null),
        }
    }

    fn progress(&self, started: Instant, total: u64) -> Progress {
        let h = self.health.read();
        let elapsed = started.elapsed();
        let secs = elapsed.as_secs_f64().max(1e-9);
        let rate = h.records_written as f64 / secs;
        let eta = (rate > 0.0 && h.records_written > 0).then(|| {
            Duration::from_secs_f64(total.saturating_sub(h.records_written) as f64 / rate)
        });
        Progress {
            phase: h.phase,
            current: h.records_written,
            total,
            percent: if total == 0 {
                100.0
            } else {
                h.records_written as f64 * 100.0 / total as f64
            },
            rate,
            lines_rate: h.lines_written as f64 / secs,
            memory: MemoryStatus {
                current_usage: h.used,
                rss: h.rss,
                heap: (h.heap > 0).then_some(h.heap),
                virtual_size: None,
                soft_limit: h.soft_limit,
                hard_limit: h.hard_limit,
                exceeds_soft_limit: h.used >= h.soft_limit,
                exceeds_hard_limit: h.used >= h.hard_limit,
                growth_rate: h.growth_rate,
                projected: h.used,
                reads: h.reads,
            },
            elapsed,
            eta,
            reliefs: h.reliefs,
            throttles: h.throttles,
        }
    }
}

/// The guard configuration for a config on a machine with this effective limit.
pub fn guard_config(config: &Config, limit: &EffectiveLimit) -> MemoryGuardConfig {
    let g = &config.global;
    let mut c = MemoryGuardConfig::from_limit(
        limit,
        g.memory_limit.map(|m| m.0),
        g.soft_limit.map(|s| s.0),
    );
    if c.soft_limit.0 > c.hard_limit.0 {
        // A configured soft limit above a tighter discovered hard limit: keep the default share.
        c.soft_limit =
            ByteSize((c.hard_limit.0 as f64 * synth_guard::DEFAULT_SOFT_FRACTION) as u64);
    }
    c.check_interval_ms = g.check_interval_ms;
    c.growth_rate_threshold = g.growth_rate_threshold;
    c.throttle_step_ms = g.throttle_ms;
    c
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

struct GeneratorJob {
    generator: JournalGenerator,
    guard: MemoryGuard,
    cancel: CancelHandle,
    health: Arc<HealthSnapshot>,
    total: u64,
    batch_size: u64,
    pool_size: usize,
    per_entry: PerTable<f64>,
    /// Every batch's capacity, reserved before it is allocated and grown with it.
    batches: Reservation,
}

impl GeneratorJob {
    fn run(mut self, tx: Sender<Msg>, pool: Receiver<Batch>) -> GeneratorOutcome {
        let mut out = GeneratorOutcome {
            stop: None,
            probe_error: None,
            reliefs: 0,
            throttles: 0,
        };
        let mut created = 0;
        let mut next = 0;
        // Normal end, a stop or a probe failure send End; a vanished writer does not.
        let mut writer_gone = false;
        while next < self.total {
            if self.cancel.is_cancelled() {
                info!("interrupted after {next} entries generated; finishing files");
                out.stop = Some(StopReason::Interrupted);
                break;
            }
            let status = match self.guard.check() {
                Ok(s) => s,
                Err(e) => {
                    out.probe_error = Some(e);
                    break;
                }
            };
            self.health.update_memory(&status);
            match self.guard.decide(&status) {
                Action::Proceed => {}
                Action::Stop(e) => {
                    warn!("{e}; finishing the files written so far");
                    out.stop = Some(StopReason::MemoryLimit(e));
                    break;
                }
                Action::Relieve => {
                    out.reliefs += 1;
                    self.health.add_relief();
                    if tx.send(Msg::Flush).is_err() {
                        writer_gone = true;
                        break;
                    }
                    let cleared = self.generator.clear_caches();
                    let trim = self.guard.trim();
                    let after = trim.as_ref().map_or(0, |t| t.rss_after);
                    info!(
                        "soft limit {} reached at {}: flushed writers, cleared {} of caches, trimmed the allocator (RSS now {})",
                        format_bytes(status.soft_limit),
                        format_bytes(status.current_usage),
                        format_bytes(cleared as u64),
                        format_bytes(after)
                    );
                }
                Action::Throttle(pause) => {
                    out.throttles += 1;
                    self.health.add_throttle();
                    debug!(
                        "memory growing at {}/s: backing off {} ms",
                        format_bytes(status.growth_rate.max(0.0) as u64),
                        pause.as_millis()
                    );
                    self.cancel.sleep(pause);
                }
            }
            let mut batch = match pool.try_recv() {
                Ok(b) => b,
                Err(_) if created < self.pool_size => {
                    let cases = self.batch_size as usize;
                    let bytes = Batch::capacity_bytes(cases, &self.per_entry) as u64;
                    match self.batches.grow(bytes) {
                        Ok(()) => {}
                        Err(b) => {
                            warn!("{b}; finishing the files written so far");
                            out.stop = Some(StopReason::Budget(b));
                            break;
                        }
                    }
                    created += 1;
                    Batch::with_rows_per_case(cases, &self.per_entry)
                }
                Err(_) => match pool.recv() {
                    Ok(b) => b,
                    Err(_) => {
                        writer_gone = true;
                        break;
                    }
                },
            };
            let end = (next + self.batch_size).min(self.total);
            let before = batch.heap_bytes();
            let generated = self.generator.generate_batch(&mut batch, next..end);
            debug_assert!(generated.is_ok(), "next < end by construction");
            // A batch whose vectors grew past their capacity reserves the difference
            // (after the fact: a vector grows inside the generator).
            let grown = batch.heap_bytes().saturating_sub(before) as u64;
            if let Err(b) = self.batches.grow(grown) {
                warn!("{b}; finishing the files written so far");
                out.stop = Some(StopReason::Budget(b));
                break;
            }
            if tx.send(Msg::Batch(batch)).is_err() {
                writer_gone = true;
                break;
            }
            next = end;
        }
        if !writer_gone && out.probe_error.is_none() {
            let _ = tx.send(Msg::End);
        }
        out
    }
}

struct WriterJob {
    /// The output directory; `None` writes the one table to standard output.
    dir: Option<OutputDir>,
    format: Format,
    options: SinkOptions,
    /// The I/O thread's queue (CSV and JSON Lines).
    behind: Option<WriteBehind>,
    /// The tables this run writes.
    writes: PerTable<bool>,
    /// The budget of the one sink that writes master tables, one after the other.
    master_sink: Option<Reservation>,
    /// Each streaming table's sink budget; its sink is opened with it.
    sink_reservations: PerTable<Option<Reservation>>,
    health: Arc<HealthSnapshot>,
    observer: Option<BatchObserver>,
}

/// A table's open sink with its type erased, so that the sinks of every table sit in
/// one list.
trait TableSink: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    fn flush(&mut self) -> Result<(), SinkError>;
    fn finish(self: Box<Self>) -> Result<TableReport, SinkError>;
    fn abandon(self: Box<Self>) -> TableReport;
}

struct Typed<R>(Box<dyn Sink<R>>);

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

/// An open sink and the budget it holds (released when the sink is finished).
struct OpenSink {
    sink: Box<dyn TableSink>,
    _budget: Reservation,
}

/// One open sink per streaming table this run writes; a batch visits it.
struct StreamSinks {
    open: PerTable<Option<OpenSink>>,
}

impl TableVisitor for StreamSinks {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), SinkError> {
        let sink = self.open[table].as_mut().map(|s| s.sink.as_any());
        match sink.and_then(|s| s.downcast_mut::<Typed<R>>()) {
            Some(Typed(sink)) => sink.write_batch(rows),
            // A table the run does not write (not selected by `output.tables`).
            None => Ok(()),
        }
    }
}

impl StreamSinks {
    fn flush(&mut self) -> Result<(), SinkError> {
        for &t in Table::ALL {
            if let Some(s) = &mut self.open[t] {
                s.sink.flush()?;
            }
        }
        Ok(())
    }

    /// The open sinks, in table order, leaving none behind.
    fn take(mut self) -> impl Iterator<Item = Box<dyn TableSink>> {
        Table::ALL
            .iter()
            .filter_map(move |&t| self.open[t].take())
            .map(|s| s.sink)
    }

    fn finish(self) -> (Vec<TableReport>, Option<SinkError>) {
        let mut reports = Vec::new();
        let mut error = None;
        for sink in self.take() {
            match sink.finish() {
                Ok(t) => reports.push(t),
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        (reports, error)
    }

    fn abandon(self) -> Vec<TableReport> {
        self.take().map(|s| s.abandon()).collect()
    }
}

/// Opens the sink of every streaming table that has a budget (those the run writes).
struct Opener<'a> {
    job: &'a mut WriterJob,
    sinks: StreamSinks,
}

impl TableVisitor for Opener<'_> {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        _rows: &[R],
    ) -> Result<(), SinkError> {
        if let Some(budget) = self.job.sink_reservations[table].take() {
            let sink = Box::new(Typed(self.job.sink::<R>()?));
            self.sinks.open[table] = Some(OpenSink {
                sink,
                _budget: budget,
            });
        }
        Ok(())
    }
}

/// Writes each master table whole, one after the other.
struct MasterWriter<'a> {
    job: &'a WriterJob,
    reports: &'a mut Vec<TableReport>,
}

impl TableVisitor for MasterWriter<'_> {
    type Error = SinkError;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), SinkError> {
        if self.job.writes[table] {
            let mut sink = self.job.sink::<R>()?;
            sink.write_batch(rows)?;
            self.reports.push(sink.finish()?);
        }
        Ok(())
    }
}

impl WriterJob {
    fn sink<R: Record + Send + 'static>(&self) -> Result<Box<dyn Sink<R>>, SinkError> {
        let stdout = std::io::stdout;
        match (&self.dir, self.format) {
            (Some(dir), _) => {
                open_sink_with::<R>(dir, self.format, &self.options, self.behind.as_ref())
            }
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

    /// Writes the master tables, then opens the streaming tables' sinks.
    fn master(
        &mut self,
        md: &MasterData,
        out: &mut Vec<TableReport>,
    ) -> Result<StreamSinks, SinkError> {
        md.visit(&mut MasterWriter {
            job: self,
            reports: out,
        })?;
        self.master_sink = None;
        let mut opener = Opener {
            job: self,
            sinks: StreamSinks {
                open: PerTable::from_fn(|_| None),
            },
        };
        Batch::default().visit(&mut opener)?;
        Ok(opener.sinks)
    }

    fn run(
        mut self,
        rx: Receiver<Msg>,
        pool: Sender<Batch>,
        master: Arc<MasterData>,
    ) -> WriterOutcome {
        let mut tables = Vec::new();
        self.health.set_phase(Phase::MasterData);
        let sinks = self.master(&master, &mut tables);
        drop(master);
        let mut sinks = match sinks {
            Ok(s) => s,
            Err(e) => {
                return WriterOutcome {
                    tables,
                    error: Some(e),
                };
            }
        };
        self.health.set_phase(Phase::Generating);
        let mut ended = false;
        let mut error = None;
        for msg in rx.iter() {
            match msg {
                Msg::Batch(b) => {
                    if let Err(e) = b.visit(&mut sinks) {
                        error = Some(e);
                        break;
                    }
                    self.health
                        .add_written(b.entries.len() as u64, b.lines.len() as u64);
                    if let Some(observe) = &mut self.observer {
                        observe(&b);
                    }
                    // The generator may be gone already; the batch is then simply dropped.
                    let _ = pool.send(b);
                }
                Msg::Flush => {
                    if let Err(e) = sinks.flush() {
                        error = Some(e);
                        break;
                    }
                }
                Msg::End => {
                    ended = true;
                    break;
                }
            }
        }
        // Stop the generator at once on an error: its next send fails.
        drop(rx);
        if error.is_some() || !ended {
            if error.is_none() {
                warn!("the generator ended without finishing; leaving .partial files");
            }
            tables.extend(sinks.abandon());
            return WriterOutcome { tables, error };
        }
        let (reports, error) = sinks.finish();
        tables.extend(reports);
        WriterOutcome { tables, error }
    }
}

/// How the sinks of a run write, from its output config.
pub(crate) fn sink_options(o: &OutputConfig, drop_page_cache_every: Option<u64>) -> SinkOptions {
    SinkOptions {
        buffer_bytes: o.buffer_bytes.0 as usize,
        rotate_bytes: o.rotate_bytes.map(|r| r.0),
        drop_page_cache_every,
        compression: o.compression,
        row_group_bytes: o.row_group_bytes.0 as usize,
    }
}
