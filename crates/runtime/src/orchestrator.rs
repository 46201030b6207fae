//! The orchestrator: the run's entries cut into parts, N lanes generating parts at
//! once, a master thread writing the master tables, the guard between batches, progress
//! and the manifest on the calling thread.
//!
//! ```text
//!  lane (one of N)                                           calling thread
//!  ───────────────                                           ──────────────
//!  generator thread                  writer thread
//!  next part k (shared counter)
//!  send Start(k) ──────────────────► open TABLE/part-k.EXT.partial
//!  per batch: guard.check → decide
//!  take a batch from the pool ◄───── return emptied batches
//!  generate_batch(a..b), send ─────► encode per table (full buffers → I/O thread)
//!  (Relieve) lower N, send Flush ──► flush every sink
//!  send EndPart ───────────────────► finish (rename), report ──► Event::Part: record it,
//!  (stop) send Abandon ────────────► leave .partial               rewrite the manifest
//! ```
//! A writer error drops its receiver, so its generator's next send fails, and sets the
//! shared stop, so every other lane abandons its part. A channel that closes with a part
//! open (a panic) leaves that part's files `.partial`.

use crate::config::OutputConfig;
use crate::config::{Config, ConfigErrors};
use crate::error::Error;
use crate::estimate::{MemoryEstimate, estimate_memory};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use std::any::Any;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};
use synth_generators::{AnomalyType, Batch, JournalGenerator, MasterData, PerTable, Table};
use synth_guard::{
    Action, BudgetExceeded, ByteSize, EffectiveLimit, HealthSnapshot, LimitSource, MemoryBudget,
    MemoryExceeded, MemoryGuard, MemoryGuardConfig, MemoryStatus, Phase, REARM_FRACTION,
    Reservation, format_bytes,
};
use synth_model::{Record, TablePhase, TableVisitor};
use synth_sinks::{
    CsvEncoder, DirOptions, Format, JsonlEncoder, Manifest, OutputDir, PartReport, Sink, SinkError,
    SinkOptions, TableReport, WriteBehind, WriterSink, open_sink_with, write_behind,
};
use tracing::{debug, info, warn};

/// Address space a spawned thread maps for its stack (Rust's default, 2 MiB).
const THREAD_STACK_BYTES: u64 = 2 << 20;

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
    /// The estimate made before the run (for the parts it ran at once).
    pub estimate: MemoryEstimate,
    /// Parts of the run.
    pub parts: u64,
    /// Parts generated at once.
    pub threads: usize,
    /// The fewest parts at once after the soft limit lowered them (`threads` if never).
    pub lowest_parallelism: usize,
    /// Injected anomalies per type (all types, in the config's order; 0 when off).
    pub anomalies: Vec<(&'static str, u64)>,
}

/// Called on the writer thread with every batch after it was written.
pub type BatchObserver = Box<dyn FnMut(&Batch) + Send>;

/// From a lane's generator to its writer.
enum Msg {
    /// Open the files of part `k`.
    Start(u64),
    Batch(Batch),
    Flush,
    /// The part is complete: finish its files.
    EndPart,
    /// The part will not be completed: leave its files `.partial`.
    Abandon,
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
        let soft = self.guard_config.soft_limit.0;
        let source = self.guard_config.limit_source.clone();
        let total = self.config.transactions.target_count;
        let o = self.config.output.clone();
        let mut gen_config = self.config.generator_config();
        let writes = PerTable::from_fn(|t| gen_config.writes(t) && o.selects(t));
        // Graph edges take no random draws, so a run that writes no graph table need
        // not make them: every other table stays the same bytes.
        if !Table::ALL
            .iter()
            .any(|&t| t.group() == synth_model::TableGroup::Graph && writes[t])
        {
            gen_config.graph.enabled = false;
        }
        let to_stdout = o.to_stdout();
        // Only master tables asked for: no entry needs generating.
        let streams = Table::ALL
            .iter()
            .any(|&t| writes[t] && t.phase() == TablePhase::Stream);
        let plan = match streams {
            true => PartPlan::new(total, o.part_entries, o.parts(total)),
            false => PartPlan::new(total, o.part_entries, 0),
        };

        // Refuse up front, before anything is on disk.
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
        // As many parts at once as asked for and as the soft limit holds; at least one
        // if the hard limit holds it.
        let mut wanted = if streams { self.estimate.threads } else { 0 };
        // Under an address-space limit every thread maps its stack and may get an
        // allocator arena of its own: one part at a time keeps the mapped size small.
        if source == LimitSource::RlimitAs && wanted > 1 {
            info!(
                "the limit is an address-space limit ({source}): generating one part at a time instead of {wanted}"
            );
            wanted = 1;
        }
        let fits_hard = self.estimate.with_threads(1).threads_within(hard);
        let mut lanes = wanted.min(self.estimate.threads_within(soft).max(1));
        if streams && fits_hard == 0 {
            lanes = 0;
        }
        let e = self.estimate.with_threads(lanes.max(1));
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
        // Under an address-space limit the process's mapped size at this point (binary,
        // libraries, arenas) replaces the estimate's baseline, and every thread maps a
        // stack: a run whose mapped size would pass the limit is refused now, rather than
        // failing an allocation later (an abort).
        if source == LimitSource::RlimitAs {
            let threads = 1 + 3 * lanes.max(1);
            let mapped = rss_now
                + e.streaming_peak
                    .saturating_sub(crate::estimate::BASELINE_BYTES)
                + threads * THREAD_STACK_BYTES;
            if mapped > hard {
                return Err(refuse(
                    mapped,
                    format!(
                        "the process maps {} already and its {threads} threads' stacks and buffers need {} more; {}",
                        format_bytes(rss_now),
                        format_bytes(mapped - rss_now),
                        self.more_memory()
                    ),
                ));
            }
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
        if lanes < wanted {
            warn!(
                "the memory limit holds {lanes} of the {wanted} parts asked for at once ({} each, soft limit {}): running {lanes}",
                format_bytes(e.per_part),
                format_bytes(soft)
            );
        }
        self.estimate = e;
        let more_memory = self.more_memory();
        let e = &self.estimate;
        // The byte budget: every large allocation of the run holds a reservation in it,
        // taken before it allocates. Master data, the master sink and each running
        // part's sinks reserve here, so a run that cannot hold them is refused before
        // anything is written (or runs fewer parts at once); batches reserve as a part's
        // generator creates them, and a batch that does not fit stops the run.
        let budget = MemoryBudget::new(hard.saturating_sub(rss_now));
        let reserve = |consumer, bytes| {
            budget
                .try_reserve(consumer, bytes)
                .map_err(|b| refuse(e.streaming_peak, format!("{b}; {more_memory}")))
        };
        let behind_io = matches!(o.format, Format::Csv | Format::Jsonl) && !to_stdout;
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
        let master_reservation = reserve("master data", e.master_data)?;
        let shard = o.shard();
        // Master tables come from shard 0 only.
        let mut masters = shard.is_none_or(|s| s.writes_master())
            && Table::ALL
                .iter()
                .any(|&t| writes[t] && t.phase() != TablePhase::Stream);
        // Master tables are written one at a time through one sink's buffers.
        let master_sink = reserve("master table sink", if masters { sink_bytes } else { 0 })?;
        let stream_tables = Table::ALL
            .iter()
            .filter(|&&t| writes[t] && t.phase() == TablePhase::Stream)
            .count() as u64;
        // File descriptors are a budget too: each running part holds a file and a
        // directory per streaming table.
        let lanes = match synth_probe::open_files_limit() {
            Ok(Some(limit)) => {
                let fd = FdBudget {
                    limit,
                    open: synth_probe::open_files_now().unwrap_or(3),
                    // Measured: 11 to 12.3 a part for 6 tables, 8 besides at most.
                    per_part: 2 * stream_tables + 1,
                    besides: 4 + if self.config.server.health_addr.is_some() {
                        HEALTH_SERVER_FILES
                    } else {
                        0
                    },
                };
                match fd.parts_at_once() {
                    0 if stream_tables > 0 || masters => {
                        return Err(Error::OpenFiles {
                            limit,
                            needed: fd.needed(1),
                        });
                    }
                    n if n < lanes => {
                        warn!(
                            "at most {limit} files may be open at once (RLIMIT_NOFILE): running {n} parts at once instead of {lanes}"
                        );
                        n
                    }
                    _ => lanes,
                }
            }
            _ => lanes,
        };
        let mut part_sinks = Vec::new();
        for lane in 0..lanes {
            let lane_bytes = stream_tables * sink_bytes + sink_options.thread_bytes(o.format);
            match budget.try_reserve("part sinks", lane_bytes) {
                Ok(r) => part_sinks.push(r),
                Err(b) if lane == 0 => {
                    return Err(refuse(e.streaming_peak, format!("{b}; {more_memory}")));
                }
                Err(b) => {
                    warn!("{b}: running {lane} parts at once instead of {lanes}");
                    break;
                }
            }
        }

        let generator = JournalGenerator::new(gen_config).map_err(ConfigErrors::from)?;
        // The parts this run makes: all, or its shard's; on resume, less those kept.
        let mut todo: Vec<u64> = (0..plan.parts)
            .filter(|&p| shard.is_none_or(|s| s.owns_part(p)))
            .collect();
        let owned = todo.len() as u64;
        // The bytes this run will write: its share of the parts, and the master tables
        // if it writes them.
        let disk_needed = |parts: u64, masters: bool| -> u64 {
            let share = parts as f64 / plan.parts.max(1) as f64;
            e.per_table
                .iter()
                .map(|t| match Table::from_name(t.table).map(|t| t.phase()) {
                    Some(TablePhase::Stream) => t.disk_bytes as f64 * share,
                    _ if masters => t.disk_bytes as f64,
                    _ => 0.0,
                })
                .sum::<f64>() as u64
        };
        let check_space = |needed: u64| -> Result<(), Error> {
            if !o.space_check || to_stdout {
                return Ok(());
            }
            let Some(free) = synth_sinks::free_space(&o.directory)? else {
                return Ok(());
            };
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
            Ok(())
        };
        if !o.resume {
            check_space(disk_needed(owned, masters))?;
        }
        // Opened, locked for this run, cleaned of an earlier run's files (with overwrite).
        // Until the run ends, the manifest says it has not; and room is kept so that the
        // final manifest can be written even if the run fills the disk. Standard output
        // has no directory and no manifest.
        let mut written = Written::default();
        let out = match to_stdout {
            true => None,
            false => {
                let options = DirOptions {
                    overwrite: o.overwrite,
                    shard,
                    resume: o.resume,
                };
                if o.resume {
                    // Nothing is opened (or locked, or removed) before the manifest is
                    // known to be this tool's and of this config.
                    let name = synth_sinks::RunNames::of(shard).manifest;
                    let path = o.directory.join(&name);
                    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                        return Err(Error::Resume {
                            path: o.directory.clone(),
                            reason: format!("there is no manifest {name} of an earlier run"),
                        });
                    }
                }
                // Shards check the others and write their first manifest under the
                // directory's lock, one at a time, so two of different datasets
                // started together cannot both pass. (A resumed shard's manifest is
                // there already for the others to see.)
                let dataset_lock = match shard {
                    Some(_) if !o.resume => Some(synth_sinks::DatasetLock::take(&o.directory)?),
                    _ => None,
                };
                if shard.is_some() {
                    self.check_other_shards(&o.directory, shard)?;
                    let name = synth_sinks::RunNames::of(shard).manifest;
                    let path = o.directory.join(&name);
                    if !o.resume && !o.overwrite && std::fs::symlink_metadata(&path).is_ok() {
                        return Err(SinkError::ShardWritten { path }.into());
                    }
                }
                // Checked before the directory is opened: a refusal changes nothing.
                let earlier = match o.resume {
                    true => Some(self.resume_check(&o.directory, shard, plan)?),
                    false => None,
                };
                if let Some(old) = &earlier {
                    // What is on disk already does not need room again.
                    let left = owned.saturating_sub(old.parts.len() as u64);
                    let master_left = masters
                        && !old.tables.iter().any(|t| {
                            Table::from_name(&t.table)
                                .is_some_and(|t| t.phase() != TablePhase::Stream)
                        });
                    check_space(disk_needed(left, master_left))?;
                }
                let out = OutputDir::open_with(&o.directory, &options)?;
                if let Some(old) = earlier {
                    let kept = self.resume(&out, old, masters)?;
                    todo.retain(|p| !kept.parts.iter().any(|k| k.part == *p));
                    if !kept.master.is_empty() {
                        masters = false;
                    }
                    info!(
                        "resuming: {} whole parts kept, {} to generate{}",
                        kept.parts.len(),
                        todo.len(),
                        if masters {
                            ", and the master tables"
                        } else {
                            ""
                        }
                    );
                    written = kept;
                }
                // The manifest first, then the room for its last rewrite: a disk too
                // full for that room still ends with a manifest saying so.
                let running = Some(("running", RUNNING_MESSAGE.to_string()));
                self.manifest(plan, &written, running).write(&out)?;
                drop(dataset_lock);
                let files = Table::ALL.len() as u64 + 2 * (owned + lanes as u64) * stream_tables;
                if let Err(e) =
                    out.reserve_manifest_room(synth_sinks::manifest_reserve_bytes(files))
                {
                    let stop = Some(("error", e.to_string()));
                    if let Err(m) = self.manifest(plan, &written, stop).write_replacing(&out) {
                        warn!("could not record the stop in the manifest: {m}");
                    }
                    return Err(e.into());
                }
                Some(out)
            }
        };
        if let Some(s) = shard {
            info!(
                "shard {s}: {owned} of the {} parts{}",
                plan.parts,
                if s.writes_master() {
                    ", and the master tables"
                } else {
                    ""
                }
            );
        }
        part_sinks.truncate(todo.len());
        let lanes = part_sinks.len();
        info!(
            "generating {total} journal entries into {} as {}: {} parts of {} entries, {lanes} at once; hard limit {} (from {source}), soft limit {}, estimated peak {}",
            o.directory.display(),
            o.format.name(),
            plan.parts,
            plan.part_entries,
            format_bytes(hard),
            format_bytes(soft),
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
        // Built here, inside its reservation (held until the run ends).
        let master = Arc::clone(generator.master_data());
        let generator = Arc::new(generator);
        self.health.set_parts(owned, lanes as u64);
        for _ in &written.parts {
            self.health.add_part_done();
        }
        let shared = Arc::new(Shared {
            guard: Mutex::new(guard),
            health: Arc::clone(&self.health),
            cancel: self.cancel.clone(),
            plan,
            todo,
            next_part: AtomicU64::new(0),
            stop: Mutex::new(None),
            stopping: AtomicBool::new(false),
            probe_error: Mutex::new(None),
            lanes,
            allowed: AtomicUsize::new(lanes),
            lowest: AtomicUsize::new(lanes),
            changed: Mutex::new(None),
            spacing: Duration::from_millis(self.guard_config.check_interval_ms.max(1))
                * synth_guard::RELIEF_SPACING_INTERVALS,
            observer: Mutex::new(self.observer.take()),
        });
        let (events_tx, events) = crossbeam_channel::unbounded::<Event>();
        let mut threads = Threads::default();
        self.health.set_phase(Phase::Generating);
        if masters {
            let job = MasterJob {
                dir: out.clone(),
                format: o.format,
                options: sink_options.clone(),
                writes,
                master,
                events: events_tx.clone(),
                _budget: master_sink,
            };
            let s = Arc::clone(&shared);
            threads.spawn("master", "synth-master", move || {
                let result = job.run();
                if result.is_err() {
                    s.stop(StopReason::Failed);
                }
                Outcome::Master(result)
            });
        } else {
            drop(master);
            drop(master_sink);
        }
        for (lane, sinks_budget) in part_sinks.into_iter().enumerate() {
            if threads.failed() {
                break;
            }
            let k = o.channel_capacity;
            let (tx, rx) = bounded::<Msg>(k);
            let (pool_tx, pool_rx) = bounded::<Batch>(k + 2);
            // CSV and JSON Lines: an I/O thread writes each full buffer while the writer
            // encodes the next. It ends when the writer drops its sinks.
            let behind = match behind_io {
                true => {
                    let (behind, worker) = write_behind();
                    threads.spawn("io", "synth-io", move || {
                        worker.run();
                        Outcome::Io
                    });
                    Some(behind)
                }
                false => None,
            };
            let writer = WriterJob {
                dir: out.clone(),
                format: o.format,
                options: sink_options.clone(),
                behind,
                writes,
                shared: Arc::clone(&shared),
                events: events_tx.clone(),
                _budget: sinks_budget,
            };
            threads.spawn("writer", "synth-writer", move || {
                Outcome::Writer(writer.run(rx, pool_tx))
            });
            let job = GeneratorJob {
                lane,
                generator: Arc::clone(&generator),
                shared: Arc::clone(&shared),
                batch_size: o.batch_size,
                pool_size: k + 2,
                per_entry: e.per_entry,
                batches: reserve("batches", 0)?,
            };
            threads.spawn("generator", "synth-generator", move || {
                job.run(tx, pool_rx);
                Outcome::Generator
            });
        }
        drop(events_tx);
        if threads.failed() {
            shared.stop(StopReason::Failed);
        }

        // Progress every interval; each whole part is recorded (and the manifest
        // rewritten) as it arrives; the loop ends once every thread that reports has
        // ended, not at the next tick.
        let mut progress_failed = false;
        let (mut last_write, mut last_took) = (Instant::now(), Duration::ZERO);
        loop {
            match events.recv_timeout(PROGRESS_INTERVAL) {
                Ok(Event::Master(tables)) => written.master = tables,
                Ok(Event::Part(part)) => {
                    written.add(part);
                    // After every part, unless the manifest has grown so large that
                    // writing it would take more than a tenth of the time: then after
                    // the first part that ends once that tenth has passed.
                    if let Some(out) = &out
                        && last_write.elapsed() >= last_took * 10
                    {
                        let began = Instant::now();
                        let running = Some(("running", RUNNING_MESSAGE.to_string()));
                        let m = self.manifest(plan, &written, running);
                        if let Err(e) = m.write_progress(out)
                            && !progress_failed
                        {
                            progress_failed = true;
                            warn!("could not update the manifest after a part: {e}");
                        }
                        (last_write, last_took) = (Instant::now(), began.elapsed());
                    }
                }
                Err(RecvTimeoutError::Timeout) => on_progress(&self.progress(started, total)),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let outcomes = threads.join();
        self.health.set_phase(Phase::Finishing);
        let (entries_written, lines_written) = (written.entries(), written.lines());

        // Decide how the run ended: the first failure wins, then a stop, then success.
        let mut error: Option<Error> = None;
        for outcome in outcomes {
            match outcome {
                Err(e) => {
                    error.get_or_insert(e);
                }
                Ok(Outcome::Writer(w)) => {
                    written.partial.extend(w.partial);
                    if let Some(e) = w.error {
                        error.get_or_insert(Error::Sink(e));
                    }
                }
                Ok(Outcome::Master(Err(e))) => {
                    error.get_or_insert(Error::Sink(e));
                }
                Ok(Outcome::Master(Ok(()))) | Ok(Outcome::Generator) | Ok(Outcome::Io) => {}
            }
        }
        if error.is_none()
            && let Some(p) = lock(&shared.probe_error).take()
        {
            error = Some(Error::Probe(p));
        }
        let h = self.health.read();
        if error.is_none() {
            match lock(&shared.stop).take() {
                Some(StopReason::MemoryLimit(m)) => {
                    error = Some(Error::MemoryExceeded {
                        used: m.used,
                        projected: m.projected,
                        limit: m.limit,
                        limit_source: m.limit_source,
                        records_written: entries_written,
                        refused_up_front: false,
                        hint: format!(
                            "{}, or lower output.batch_size",
                            self.more_memory_than(m.used.max(m.projected))
                        ),
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
                            self.more_memory_than(hard)
                        ),
                    })
                }
                Some(StopReason::Interrupted) => {
                    error = Some(Error::Interrupted {
                        records_written: entries_written,
                    })
                }
                Some(StopReason::Failed) | None => {}
            }
        }
        let stop = match &error {
            None if written.parts.len() as u64 == owned => None,
            None => Some((
                "error",
                "fewer parts were written than the run has".to_string(),
            )),
            Some(e @ Error::MemoryExceeded { .. }) => Some(("memory_limit", e.to_string())),
            Some(e @ Error::Interrupted { .. }) => Some(("interrupted", e.to_string())),
            Some(e) => Some(("error", e.to_string())),
        };
        let manifest = self.manifest(plan, &written, stop);
        let manifest_path = match &out {
            Some(out) => manifest
                .write_replacing(out)
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
        // Injected anomalies per type, in the parts written (a pure function of the
        // config, so resumed parts count as well).
        let mut anomalies: Vec<(&'static str, u64)> =
            AnomalyType::ALL.iter().map(|t| (t.name(), 0)).collect();
        for p in &manifest.parts {
            let counts = generator.anomaly_counts(p.first_entry..p.first_entry + p.entries);
            for (into, (_, n)) in anomalies.iter_mut().zip(counts) {
                into.1 += n;
            }
        }
        let report = RunReport {
            anomalies,
            entries_written,
            lines_written,
            tables: manifest.tables,
            elapsed: started.elapsed(),
            reliefs: h.reliefs,
            throttles: h.throttles,
            peak_rss: synth_probe::peak_rss_bytes().unwrap_or(0),
            output_dir: o.directory.clone(),
            manifest: manifest_path,
            hard_limit: hard,
            soft_limit: soft,
            limit_source: source,
            estimate: self.estimate.clone(),
            parts: plan.parts,
            threads: lanes,
            lowest_parallelism: shared.lowest.load(Ordering::Relaxed).min(lanes),
        };
        info!(
            "wrote {entries_written} entries ({lines_written} lines) in {:.2} s; peak RSS {}",
            report.elapsed.as_secs_f64(),
            format_bytes(report.peak_rss)
        );
        Ok(report)
    }

    /// A shard shares its directory only with shards of the same dataset: the other
    /// manifests there must be of the same shard count, config and seed (read only;
    /// refused with exit 2 before anything is written).
    fn check_other_shards(
        &self,
        dir: &std::path::Path,
        shard: Option<synth_sinks::Shard>,
    ) -> Result<(), Error> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        let mine = synth_sinks::RunNames::of(shard).manifest;
        let now = synth_sinks::data_identity(
            &serde_json::to_value(&self.config).unwrap_or(serde_json::Value::Null),
        );
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(other) = synth_sinks::bookkeeping_shard(&name) else {
                continue;
            };
            if !name.ends_with(".json") || name == mine {
                continue;
            }
            let refuse = |why: String| {
                Err(Error::Config(ConfigErrors(vec![
                    crate::config::ConfigError {
                        file: None,
                        path: "output.shard".into(),
                        message: format!("{} already holds {name}: {why}", dir.display()),
                        location: None,
                    },
                ])))
            };
            match (other, shard) {
                (None, _) => {
                    return refuse("a whole, unsharded run; shard into another directory".into());
                }
                (Some(o), Some(s)) if o.count != s.count => {
                    return refuse(format!(
                        "a shard of {} shards, and this run is one of {}; every shard of a dataset uses the same count",
                        o.count, s.count
                    ));
                }
                _ => {}
            }
            let m = match Manifest::read_named(dir, &name) {
                Ok(m) => m,
                Err(e) => {
                    return refuse(format!(
                        "a manifest that cannot be read, so the dataset it belongs to is unknown ({e})"
                    ));
                }
            };
            if synth_sinks::data_identity(&m.config) != now || m.seed != self.config.global.seed {
                return refuse(
                    "a shard of another dataset (its config or seed differs from this run's)"
                        .into(),
                );
            }
        }
        Ok(())
    }

    /// On resume, before anything is opened: the earlier manifest, checked against this
    /// run's config. What is then kept: the master tables and the parts whose files all
    /// verify (size and checksum); the files of the others, and every `.partial` file of
    /// this run, are removed. Nothing is touched if the manifest does not match.
    fn resume_check(
        &self,
        dir: &std::path::Path,
        shard: Option<synth_sinks::Shard>,
        plan: PartPlan,
    ) -> Result<Manifest, Error> {
        let name = synth_sinks::RunNames::of(shard).manifest;
        let bad = |reason: String| Error::Resume {
            path: dir.to_path_buf(),
            reason,
        };
        let old = Manifest::read_named(dir, &name).map_err(|e| match e {
            SinkError::ForeignPath { .. } | SinkError::TooLarge { .. } => bad(e.to_string()),
            SinkError::Io { op: "parse", .. } => {
                bad(format!("its manifest {name} is damaged: {e}"))
            }
            e => bad(format!("its manifest {name} cannot be read: {e}")),
        })?;
        if !old.config.is_object() {
            return Err(bad(format!(
                "its manifest {name} carries no config, so nothing shows it was made as this run would make it; write it anew with overwrite"
            )));
        }
        if old.tool != "synthdata" || old.manifest_version > synth_sinks::MANIFEST_VERSION {
            return Err(bad(format!(
                "{name} is not a manifest this version of synthdata writes"
            )));
        }
        let now = serde_json::to_value(&self.config).unwrap_or(serde_json::Value::Null);
        let differs = config_differences(
            &synth_sinks::data_identity(&old.config),
            &synth_sinks::data_identity(&now),
        );
        if !differs.is_empty() || old.shard != self.config.output.shard() {
            return Err(bad(format!(
                "it was made with another config ({}); resume with the config and seed it was started with, or write it anew with overwrite",
                if differs.is_empty() {
                    "output.shard".to_string()
                } else {
                    differs.join(", ")
                }
            )));
        }
        if old.parts_total != plan.parts || old.part_entries != plan.part_entries {
            return Err(bad(format!(
                "its manifest has {} parts of {} entries, this run {} of {}",
                old.parts_total, old.part_entries, plan.parts, plan.part_entries
            )));
        }
        Ok(old)
    }

    /// On resume, in the opened directory: what of the earlier run `old` is kept (see
    /// [`Self::resume_check`]), the rest removed.
    fn resume(&self, out: &OutputDir, old: Manifest, masters: bool) -> Result<Written, Error> {
        // Check first, then act: a table name held by a link or a file would refuse the
        // run when its parts are written, so it refuses it now, before anything is
        // removed.
        out.check_table_dirs()?;
        let verified = |f: &synth_sinks::FileReport| -> Result<bool, Error> {
            Ok(out
                .checksum(&f.path)?
                .is_some_and(|(bytes, hash)| bytes == f.bytes && hash == f.xxh3))
        };
        let mut kept = Written::default();
        let mut remove = Vec::new();
        // The master tables: kept if every one of their files verifies.
        let master: Vec<TableReport> = old
            .tables
            .iter()
            .filter(|t| Table::from_name(&t.table).is_some_and(|t| t.phase() != TablePhase::Stream))
            .cloned()
            .collect();
        let mut master_ok = masters && !master.is_empty();
        for f in master.iter().flat_map(|t| &t.files) {
            let ok = verified(f)?;
            if masters && !ok {
                warn!(
                    "resume: {} does not match its manifest; the master tables are made again",
                    f.path
                );
            }
            master_ok &= ok;
        }
        match master_ok {
            true => kept.master = master,
            false => remove.extend(
                master
                    .iter()
                    .flat_map(|t| t.files.iter().map(|f| f.path.clone())),
            ),
        }
        for p in &old.parts {
            let mut tables = Vec::new();
            let mut ok = true;
            for t in &old.tables {
                let files: Vec<_> = t
                    .files
                    .iter()
                    .filter(|f| f.part == Some(p.part))
                    .cloned()
                    .collect();
                if files.is_empty() {
                    continue;
                }
                for f in &files {
                    if !verified(f)? {
                        warn!(
                            "resume: {} does not match its manifest; part {} is made again",
                            f.path, p.part
                        );
                        ok = false;
                    }
                }
                tables.push(synth_sinks::table_report(&t.table, files));
            }
            if ok && !tables.is_empty() {
                let lines = tables
                    .iter()
                    .find(|t| t.table == Table::JournalLines.name())
                    .map_or(0, |t| t.rows);
                kept.add(PartDone {
                    part: p.part,
                    entries: p.entries,
                    lines,
                    tables,
                });
            } else {
                remove.extend(
                    tables
                        .iter()
                        .flat_map(|t| t.files.iter().map(|f| f.path.clone())),
                );
            }
        }
        for rel in &remove {
            out.remove_listed(rel)?;
        }
        out.remove_partials()?;
        Ok(kept)
    }

    /// What gives a run more memory: a higher configured limit when the limit is the
    /// configured one; otherwise a bigger container or machine, since the configured
    /// limit is already above what the machine allows.
    fn more_memory(&self) -> String {
        self.more_memory_than(0)
    }

    /// As [`Self::more_memory`], after a stop at `reached` bytes: the advice is at least
    /// a quarter above both what was reached and the limit the run had, never a number
    /// the run already had.
    fn more_memory_than(&self, reached: u64) -> String {
        let had = self
            .config
            .global
            .memory_limit
            .map_or(self.guard_config.hard_limit.0, |l| l.0)
            .max(self.guard_config.hard_limit.0);
        let floor = match reached {
            0 => 0,
            r => r.max(had).saturating_add(r.max(had) / 4),
        };
        let need = format_bytes(self.estimate.recommended_limit.max(floor));
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

    /// The manifest of this run after `written`; `complete` exactly when there is no stop.
    fn manifest(
        &self,
        plan: PartPlan,
        written: &Written,
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
            entries_requested: plan.total,
            entries_written: written.entries(),
            part_entries: plan.part_entries,
            parts_total: plan.parts,
            shard: self.config.output.shard(),
            manifest_version: synth_sinks::MANIFEST_VERSION,
            parts: written.part_reports(plan),
            tables: written.tables(),
            partial_files: written
                .partial
                .iter()
                .flat_map(|t| t.files.clone())
                .collect(),
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

/// The parts of a run: contiguous ranges of entries of a size fixed by the config.
#[derive(Debug, Clone, Copy)]
struct PartPlan {
    total: u64,
    part_entries: u64,
    parts: u64,
}

impl PartPlan {
    fn new(total: u64, part_entries: u64, parts: u64) -> Self {
        // One part holds every entry, whatever the configured size (standard output).
        let part_entries = match parts {
            1 => total.max(part_entries.min(total)).max(1),
            _ => part_entries.max(1),
        };
        Self {
            total,
            part_entries,
            parts,
        }
    }

    /// The entries of part `k`.
    fn range(&self, k: u64) -> Range<u64> {
        let start = (k * self.part_entries).min(self.total);
        start..(start + self.part_entries).min(self.total)
    }
}

/// A whole part, as its writer finished it.
struct PartDone {
    part: u64,
    entries: u64,
    lines: u64,
    tables: Vec<TableReport>,
}

/// What reaches the coordinating thread while the run goes on.
enum Event {
    /// The master tables are written.
    Master(Vec<TableReport>),
    /// A part is whole on disk.
    Part(PartDone),
}

/// What has been written: master tables, whole parts, and (at the end) the files that
/// stayed `.partial`.
#[derive(Default)]
struct Written {
    master: Vec<TableReport>,
    parts: Vec<PartDone>,
    partial: Vec<TableReport>,
}

impl Written {
    fn add(&mut self, part: PartDone) {
        let at = self.parts.partition_point(|p| p.part < part.part);
        self.parts.insert(at, part);
    }

    fn entries(&self) -> u64 {
        self.parts.iter().map(|p| p.entries).sum()
    }

    fn lines(&self) -> u64 {
        self.parts.iter().map(|p| p.lines).sum()
    }

    fn part_reports(&self, plan: PartPlan) -> Vec<PartReport> {
        self.parts
            .iter()
            .map(|p| PartReport {
                part: p.part,
                first_entry: plan.range(p.part).start,
                entries: p.entries,
            })
            .collect()
    }

    /// Per table, in table order: the master table's file, or every whole part's files
    /// in part order.
    fn tables(&self) -> Vec<TableReport> {
        let mut tables: Vec<TableReport> = Vec::new();
        let reports = self.master.iter().map(|t| (None, t)).chain(
            self.parts
                .iter()
                .flat_map(|p| p.tables.iter().map(|t| (Some(p.part), t))),
        );
        for (part, t) in reports {
            let i = match tables.iter().position(|x| x.table == t.table) {
                Some(i) => i,
                None => {
                    tables.push(TableReport {
                        table: t.table.clone(),
                        rows: 0,
                        bytes: 0,
                        files: Vec::new(),
                    });
                    tables.len() - 1
                }
            };
            let into = &mut tables[i];
            into.rows += t.rows;
            into.bytes += t.bytes;
            into.files.extend(t.files.iter().cloned().map(|mut f| {
                f.part = part;
                f
            }));
        }
        let order = |name: &str| Table::from_name(name).map_or(usize::MAX, |t| t as usize);
        tables.sort_by_key(|t| order(&t.table));
        tables
    }
}

/// Why the parts stop being generated.
enum StopReason {
    MemoryLimit(MemoryExceeded),
    /// A batch's reservation did not fit the byte budget.
    Budget(BudgetExceeded),
    Interrupted,
    /// A thread failed; its own error says why.
    Failed,
}

/// What the threads of a run share.
struct Shared {
    guard: Mutex<MemoryGuard>,
    health: Arc<HealthSnapshot>,
    cancel: CancelHandle,
    plan: PartPlan,
    /// The parts this run generates, in order.
    todo: Vec<u64>,
    /// Index in `todo` of the next part to start.
    next_part: AtomicU64,
    /// The first reason to stop; once set, every part in flight is abandoned.
    stop: Mutex<Option<StopReason>>,
    stopping: AtomicBool,
    probe_error: Mutex<Option<synth_probe::ProbeError>>,
    /// Parts generated at once at most.
    lanes: usize,
    /// Parts allowed at once now: lowered at the soft limit, raised again below it.
    allowed: AtomicUsize,
    /// The fewest parts allowed at once during the run.
    lowest: AtomicUsize,
    /// When `allowed` last changed.
    changed: Mutex<Option<Instant>>,
    /// Least time between two raises.
    spacing: Duration,
    observer: Mutex<Option<BatchObserver>>,
}

/// The keys (`section.key`) whose values differ between two configs.
fn config_differences(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (ao, bo) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let mut out = Vec::new();
    let sections: std::collections::BTreeSet<&String> = ao.keys().chain(bo.keys()).collect();
    for section in sections {
        let (x, y) = (ao.get(section), bo.get(section));
        if x == y {
            continue;
        }
        match (x.and_then(|x| x.as_object()), y.and_then(|y| y.as_object())) {
            (Some(xo), Some(yo)) => {
                let keys: std::collections::BTreeSet<&String> =
                    xo.keys().chain(yo.keys()).collect();
                out.extend(
                    keys.into_iter()
                        .filter(|k| xo.get(*k) != yo.get(*k))
                        .map(|k| format!("{section}.{k}")),
                );
            }
            _ => out.push(section.clone()),
        }
    }
    out
}

/// The value inside a mutex, even if a thread panicked while holding it (every value
/// guarded here stays valid across a panic).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Stops every part (the first reason is kept).
    fn stop(&self, why: StopReason) {
        let mut stop = lock(&self.stop);
        if stop.is_none() {
            *stop = Some(why);
        }
        self.stopping.store(true, Ordering::SeqCst);
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// One part fewer at once; `None` if only one may run already.
    fn lower(&self) -> Option<usize> {
        let mut changed = lock(&self.changed);
        let now = self.allowed.load(Ordering::SeqCst);
        if now <= 1 {
            return None;
        }
        self.allowed.store(now - 1, Ordering::SeqCst);
        self.lowest.fetch_min(now - 1, Ordering::SeqCst);
        self.health.set_parallelism(now as u64 - 1);
        *changed = Some(Instant::now());
        Some(now - 1)
    }

    /// One part more at once, when usage is below the guard's re-arm mark and the last
    /// change is old enough.
    fn raise(&self, status: &MemoryStatus) -> Option<usize> {
        if self.allowed.load(Ordering::SeqCst) >= self.lanes
            || status.current_usage as f64 >= status.soft_limit as f64 * REARM_FRACTION
        {
            return None;
        }
        let mut changed = lock(&self.changed);
        if changed.is_some_and(|t| t.elapsed() < self.spacing) {
            return None;
        }
        let now = self.allowed.load(Ordering::SeqCst);
        if now >= self.lanes {
            return None;
        }
        self.allowed.store(now + 1, Ordering::SeqCst);
        self.health.set_parallelism(now as u64 + 1);
        *changed = Some(Instant::now());
        Some(now + 1)
    }
}

/// What each thread of a run returns.
enum Outcome {
    Generator,
    Writer(WriterOutcome),
    Master(Result<(), SinkError>),
    Io,
}

/// The threads of a run; spawning stops at the first failure.
#[derive(Default)]
struct Threads {
    handles: Vec<(&'static str, thread::JoinHandle<Outcome>)>,
    spawn_error: Option<Error>,
}

impl Threads {
    fn spawn(
        &mut self,
        what: &'static str,
        name: &str,
        f: impl FnOnce() -> Outcome + Send + 'static,
    ) {
        if self.spawn_error.is_some() {
            return;
        }
        match thread::Builder::new().name(name.into()).spawn(f) {
            Ok(h) => self.handles.push((what, h)),
            Err(source) => {
                self.spawn_error = Some(Error::Spawn {
                    thread: what,
                    source,
                })
            }
        }
    }

    fn failed(&self) -> bool {
        self.spawn_error.is_some()
    }

    /// Every thread's outcome (a panic as an error), then a failure to spawn.
    fn join(self) -> Vec<Result<Outcome, Error>> {
        let mut out: Vec<_> = self
            .handles
            .into_iter()
            .map(|(what, h)| {
                h.join().map_err(|p| Error::ThreadPanicked {
                    thread: what,
                    message: panic_text(&p),
                })
            })
            .collect();
        out.extend(self.spawn_error.map(Err));
        out
    }
}

/// One lane's generator: takes the next part, generates its batches (the guard between
/// two), and hands them to its writer; then the next part, until none is left.
struct GeneratorJob {
    lane: usize,
    generator: Arc<JournalGenerator>,
    shared: Arc<Shared>,
    batch_size: u64,
    pool_size: usize,
    per_entry: PerTable<f64>,
    /// Every batch's capacity, reserved before it is allocated and grown with it.
    batches: Reservation,
}

impl GeneratorJob {
    fn run(mut self, tx: Sender<Msg>, pool: Receiver<Batch>) {
        let shared = Arc::clone(&self.shared);
        let plan = shared.plan;
        let mut created = 0;
        'parts: loop {
            // This lane's turn: the soft limit may have lowered the parts at once.
            loop {
                if shared.cancel.is_cancelled() {
                    shared.stop(StopReason::Interrupted);
                }
                let left = shared.next_part.load(Ordering::SeqCst) < shared.todo.len() as u64;
                if shared.stopping() || !left {
                    break 'parts;
                }
                if self.lane < shared.allowed.load(Ordering::SeqCst) {
                    break;
                }
                shared.cancel.sleep(Duration::from_millis(20));
            }
            let i = shared.next_part.fetch_add(1, Ordering::SeqCst);
            let Some(&k) = shared.todo.get(i as usize) else {
                break;
            };
            if tx.send(Msg::Start(k)).is_err() {
                break;
            }
            let range = plan.range(k);
            let mut next = range.start;
            let mut whole = true;
            while next < range.end {
                if !self.guard_step(&tx) {
                    whole = false;
                    break;
                }
                let mut batch = match pool.try_recv() {
                    Ok(b) => b,
                    Err(_) if created < self.pool_size => {
                        let cases = self.batch_size.min(plan.part_entries) as usize;
                        let bytes = Batch::capacity_bytes(cases, &self.per_entry) as u64;
                        if let Err(b) = self.batches.grow(bytes) {
                            warn!("{b}; finishing the parts written so far");
                            shared.stop(StopReason::Budget(b));
                            whole = false;
                            break;
                        }
                        created += 1;
                        Batch::with_rows_per_case(cases, &self.per_entry)
                    }
                    Err(_) => match pool.recv() {
                        Ok(b) => b,
                        // The writer is gone (it failed and said so).
                        Err(_) => return,
                    },
                };
                let end = (next + self.batch_size).min(range.end);
                let before = batch.heap_bytes();
                let generated = self.generator.generate_batch(&mut batch, next..end);
                debug_assert!(generated.is_ok(), "next < end by construction");
                // A batch whose vectors grew past their capacity reserves the difference
                // (after the fact: a vector grows inside the generator).
                let grown = batch.heap_bytes().saturating_sub(before) as u64;
                if let Err(b) = self.batches.grow(grown) {
                    warn!("{b}; finishing the parts written so far");
                    shared.stop(StopReason::Budget(b));
                    whole = false;
                    break;
                }
                if tx.send(Msg::Batch(batch)).is_err() {
                    return;
                }
                next = end;
            }
            let end = if whole { Msg::EndPart } else { Msg::Abandon };
            if tx.send(end).is_err() || !whole {
                break;
            }
        }
    }

    /// Between two batches: reads memory and acts on it; false when the run stops.
    fn guard_step(&mut self, tx: &Sender<Msg>) -> bool {
        let s = &self.shared;
        if s.cancel.is_cancelled() {
            s.stop(StopReason::Interrupted);
        }
        if s.stopping() {
            return false;
        }
        let (status, action) = {
            let mut guard = lock(&s.guard);
            match guard.check() {
                Ok(status) => {
                    let action = guard.decide(&status);
                    (status, action)
                }
                Err(e) => {
                    drop(guard);
                    lock(&s.probe_error).get_or_insert(e);
                    s.stop(StopReason::Failed);
                    return false;
                }
            }
        };
        s.health.update_memory(&status);
        match action {
            Action::Proceed => {
                if let Some(k) = s.raise(&status) {
                    info!(
                        "memory at {}, below the soft limit {}: {k} parts at once again",
                        format_bytes(status.current_usage),
                        format_bytes(status.soft_limit)
                    );
                }
            }
            Action::Stop(e) => {
                warn!("{e}; finishing the parts written so far");
                s.stop(StopReason::MemoryLimit(e));
                return false;
            }
            Action::Relieve => {
                s.health.add_relief();
                if tx.send(Msg::Flush).is_err() {
                    return false;
                }
                let lowered = s.lower();
                let trim = lock(&s.guard).trim();
                let after = trim.as_ref().map_or(0, |t| t.rss_after);
                match lowered {
                    Some(k) => info!(
                        "soft limit {} reached at {}: {k} parts at once from now on (the parts in flight finish); flushed writers, trimmed the allocator (RSS now {})",
                        format_bytes(status.soft_limit),
                        format_bytes(status.current_usage),
                        format_bytes(after)
                    ),
                    None => info!(
                        "soft limit {} reached at {}: flushed writers, trimmed the allocator (RSS now {})",
                        format_bytes(status.soft_limit),
                        format_bytes(status.current_usage),
                        format_bytes(after)
                    ),
                }
            }
            Action::Throttle(pause) => {
                s.health.add_throttle();
                debug!(
                    "memory growing at {}/s: backing off {} ms",
                    format_bytes(status.growth_rate.max(0.0) as u64),
                    pause.as_millis()
                );
                s.cancel.sleep(pause);
            }
        }
        true
    }
}

struct WriterOutcome {
    /// The sinks of parts that were not finished (left `.partial`).
    partial: Vec<TableReport>,
    error: Option<SinkError>,
}

/// Opens the sink of table `R` in `dir`, or on standard output when there is no `dir`.
fn open_table_sink<R: Record + Send + 'static>(
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
struct WriterJob {
    /// The output directory; `None` writes the one table to standard output.
    dir: Option<OutputDir>,
    format: Format,
    options: SinkOptions,
    /// The I/O thread's queue (CSV and JSON Lines).
    behind: Option<WriteBehind>,
    /// The tables this run writes.
    writes: PerTable<bool>,
    shared: Arc<Shared>,
    events: Sender<Event>,
    /// The budget of this lane's sinks.
    _budget: Reservation,
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

/// One open sink per streaming table this run writes; a batch visits it.
struct StreamSinks {
    open: PerTable<Option<Box<dyn TableSink>>>,
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
    fn flush(&mut self) -> Result<(), SinkError> {
        for &t in Table::ALL {
            if let Some(s) = &mut self.open[t] {
                s.flush()?;
            }
        }
        Ok(())
    }

    /// The open sinks, in table order, leaving none behind.
    fn take(mut self) -> impl Iterator<Item = Box<dyn TableSink>> {
        Table::ALL.iter().filter_map(move |&t| self.open[t].take())
    }

    /// Finishes every sink; on an error, the rest are abandoned.
    fn finish(self) -> Result<Vec<TableReport>, SinkError> {
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

    fn abandon(self) -> Vec<TableReport> {
        self.take().map(|s| s.abandon()).collect()
    }
}

/// Opens the sink of every streaming table the run writes.
struct Opener<'a> {
    job: &'a WriterJob,
    options: SinkOptions,
    sinks: StreamSinks,
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
            let sink =
                open_table_sink::<R>(j.dir.as_ref(), j.format, &self.options, j.behind.as_ref())?;
            self.sinks.open[table] = Some(Box::new(Typed(sink)));
        }
        Ok(())
    }
}

/// A part being written.
struct InFlight {
    part: u64,
    sinks: StreamSinks,
    entries: u64,
    lines: u64,
}

impl WriterJob {
    /// Opens the files of part `k` (`TABLE.EXT` when the run has one part).
    fn open_part(&self, k: u64) -> Result<StreamSinks, SinkError> {
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

    fn run(self, rx: Receiver<Msg>, pool: Sender<Batch>) -> WriterOutcome {
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
struct MasterJob {
    dir: Option<OutputDir>,
    format: Format,
    options: SinkOptions,
    writes: PerTable<bool>,
    master: Arc<MasterData>,
    events: Sender<Event>,
    _budget: Reservation,
}

impl MasterJob {
    fn run(self) -> Result<(), SinkError> {
        let mut reports = Vec::new();
        self.master.visit(&mut MasterWriter {
            job: &self,
            reports: &mut reports,
        })?;
        let _ = self.events.send(Event::Master(reports));
        Ok(())
    }
}

struct MasterWriter<'a> {
    job: &'a MasterJob,
    reports: &'a mut Vec<TableReport>,
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

/// How the sinks of a run write, from its output config.
pub(crate) fn sink_options(o: &OutputConfig, drop_page_cache_every: Option<u64>) -> SinkOptions {
    SinkOptions {
        buffer_bytes: o.buffer_bytes.0 as usize,
        rotate_bytes: o.rotate_bytes.map(|r| r.0),
        drop_page_cache_every,
        compression: o.compression,
        row_group_bytes: o.row_group_bytes.0 as usize,
        part: None,
    }
}

/// Descriptors the health server may hold: its 16 connections and its listener.
const HEALTH_SERVER_FILES: u64 = 17;

/// The open-file budget of a run: how many parts can run at once within `limit`.
#[derive(Debug, Clone, Copy)]
struct FdBudget {
    /// The most files the process may have open.
    limit: u64,
    /// Open now.
    open: u64,
    /// Held by one running part.
    per_part: u64,
    /// Held besides the parts (master tables, bookkeeping, the server).
    besides: u64,
}

impl FdBudget {
    /// Descriptors a run of `parts` parts at once needs.
    fn needed(&self, parts: u64) -> u64 {
        self.open + self.besides + parts * self.per_part
    }

    /// Parts that fit at once (0: not even one).
    fn parts_at_once(&self) -> u64 {
        self.limit
            .saturating_sub(self.open + self.besides)
            .checked_div(self.per_part)
            .unwrap_or(u64::MAX)
    }
}
