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

use crate::config::{Config, ConfigErrors};
use crate::error::Error;
use crate::estimate::{MemoryEstimate, estimate_plan};
use crate::lane::{BatchObserver, CancelHandle, GeneratorJob, Msg, Shared, StopReason, lock};
use crate::outcome::{Outcome, PROGRESS_INTERVAL, Progress, RunReport, Threads};
use crate::output::{Output, RUNNING_MESSAGE, manifest};
use crate::plan::{Parts, RunPlan};
use crate::preflight::{Limits, Preflight};
use crate::writer::{MasterJob, WriterJob};
use crate::written::{Event, Tally, Written};
use crossbeam_channel::{Receiver, RecvTimeoutError, bounded};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use synth_generators::{AnomalyType, Batch, GeneratorConfig, JournalGenerator};
use synth_guard::{
    ByteSize, EffectiveLimit, HealthSnapshot, MemoryBudget, MemoryGuard, MemoryGuardConfig,
    MemoryStatus, Phase, format_bytes,
};
use synth_sinks::{OutputDir, write_behind};
use tracing::{info, warn};

/// Runs a generation: see the module docs.
pub struct GenerationOrchestrator {
    config: Config,
    /// What the run will do, decided in `new` from the config and the limit found.
    plan: RunPlan,
    limit: EffectiveLimit,
    guard_config: MemoryGuardConfig,
    estimate: MemoryEstimate,
    health: Arc<HealthSnapshot>,
    cancel: CancelHandle,
    observer: Option<BatchObserver>,
    /// Entries a resume kept: in the progress, not in its rate.
    kept_entries: u64,
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
        // Refused before anything is built when planning the anomalies alone (memory
        // proportional to the entries) cannot fit the hard limit.
        let planning = JournalGenerator::planning_bytes(&config.generator_config());
        if planning >= guard_config.hard_limit.0 {
            let limits = Limits {
                config: &config,
                guard: &guard_config,
            };
            return Err(limits.refuse(
                planning,
                format!(
                    "planning the labelled anomalies of {} entries alone takes about {}; lower \
                     transactions.target_count or anomalies.rate, or {}",
                    config.transactions.target_count,
                    format_bytes(planning),
                    limits.more_memory(planning.saturating_mul(2), 0)
                ),
            ));
        }
        // plan → estimate (of that plan, on this machine's limit) → preflight → run.
        let plan = RunPlan::new(&config, &limit);
        let estimate = estimate_plan(&config, &plan)?;
        let health = Arc::new(HealthSnapshot::new(
            guard_config.soft_limit.0,
            guard_config.hard_limit.0,
            config.transactions.target_count,
            guard_config.limit_source.to_string(),
        ));
        Ok(Self {
            config,
            plan,
            limit,
            guard_config,
            estimate,
            health,
            cancel: CancelHandle::default(),
            observer: None,
            kept_entries: 0,
        })
    }

    /// The parts of this run and the tables written: what a program that makes parts
    /// itself (the Python bindings) generates, part by part.
    pub fn parts(&self) -> Parts {
        self.plan.parts_view()
    }

    /// The generator's config of this run (the graph off when no graph table is
    /// written; every other table is the same bytes either way).
    pub fn generator_config(&self) -> &GeneratorConfig {
        &self.plan.generator
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

    /// Runs to the end, calling `on_progress` about 10 times a second on this thread:
    /// plan → preflight (refusals, reservations) → output (directory, shards, resume,
    /// manifest) → lanes (generator, writer, I/O threads) → events → outcome.
    pub fn run_with_progress(
        mut self,
        mut on_progress: impl FnMut(&Progress),
    ) -> Result<RunReport, Error> {
        let started = Instant::now();
        let plan = self.plan.clone();
        // One heap per part at once (two at least), before any lane's thread allocates:
        // the C allocator's default of eight per core keeps what each thread freed.
        // Under an address-space limit, one: each arena reserves 64 MiB of it.
        let arenas = match synth_probe::address_space_limit() {
            Ok(Some(_)) => 1,
            _ => plan.lanes_wanted.clamp(2, u64::from(u32::MAX)) as u32,
        };
        let _ = synth_probe::limit_allocator_arenas(arenas);
        let limits = Limits {
            config: &self.config,
            guard: &self.guard_config,
        };
        // Refused before anything is on disk, or reserved.
        let pre = Preflight::new(&plan, &limits, &self.estimate)?;
        let stopping = Arc::new(AtomicBool::new(false));
        let generator = JournalGenerator::new(plan.generator.clone())
            .map_err(ConfigErrors::from)?
            .with_stop_flags(vec![self.cancel.flag(), Arc::clone(&stopping)]);
        let output = crate::output::open(
            &self.config,
            &plan,
            &pre.estimate,
            pre.part_sinks.len() as u64,
        )?;
        self.estimate = pre.estimate.clone();
        let Preflight {
            rss_now,
            budget,
            master_data,
            master_sink,
            mut part_sinks,
            ..
        } = pre;
        part_sinks.truncate(output.todo.len());
        self.log_start(&plan, part_sinks.len());
        let shared = self.shared(&plan, &output, part_sinks.len(), stopping)?;
        let master = Arc::new(generator.master_tables());
        let generator = Arc::new(generator);
        let (events_tx, events) = crossbeam_channel::unbounded::<Event>();
        let mut threads = Threads::default();
        self.health.set_phase(Phase::Generating);
        if output.masters {
            let job = MasterJob {
                dir: output.dir.clone(),
                format: self.config.output.format,
                options: plan.sink_options.clone(),
                writes: plan.writes,
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
            drop((master, master_sink));
        }
        let lanes = Lanes {
            plan: &plan,
            dir: output.dir.as_ref(),
            shared: &shared,
            generator: &generator,
            events: &events_tx,
            budget: &budget,
        };
        let limits = Limits {
            config: &self.config,
            guard: &self.guard_config,
        };
        lanes.spawn(&limits, &self.estimate, part_sinks, &mut threads)?;
        drop(events_tx);
        if threads.failed() {
            shared.stop(StopReason::Failed);
        }
        let mut written = output.written;
        let kept = written.tally();
        self.kept_entries = kept.entries;
        self.follow(
            &events,
            &plan,
            output.dir.as_ref(),
            &mut written,
            started,
            &mut on_progress,
        );
        let outcomes = threads.join();
        self.health.set_phase(Phase::Finishing);
        let ending = Ending {
            shared: &shared,
            budget: &budget,
            rss_now,
        };
        let error = self.outcome(outcomes, &ending, &mut written);
        let report = self.finish(
            &plan,
            output.dir.as_ref(),
            (written, kept),
            error,
            &generator,
            started,
            &shared,
            &mut on_progress,
        );
        // The master data's reservation is held until the run has ended.
        drop(master_data);
        report
    }

    /// The two lines that open a run's log: the shard's share, and the plan in numbers.
    fn log_start(&self, plan: &RunPlan, lanes: usize) {
        let o = &self.config.output;
        let g = &self.guard_config;
        if let Some(s) = plan.shard {
            info!(
                "shard {s}: {} of the {} parts{}",
                plan.owned.len(),
                plan.parts.parts,
                if s.writes_master() {
                    ", and the master tables"
                } else {
                    ""
                }
            );
        }
        let parts = match plan.parts.parts {
            1 => "1 part".to_string(),
            n => format!("{n} parts of {} entries", plan.parts.part_entries),
        };
        let entries = match plan.parts.total {
            1 => "1 journal entry".to_string(),
            n => format!("{n} journal entries"),
        };
        info!(
            "generating {entries} (seed {}) into {} as {}: {parts}, {lanes} at once; hard limit {} (from {}), soft limit {}, estimated peak {}",
            self.config.global.seed,
            o.directory.display(),
            o.format.name(),
            format_bytes(g.hard_limit.0),
            g.limit_source,
            format_bytes(g.soft_limit.0),
            format_bytes(self.estimate.streaming_peak)
        );
    }

    /// What the threads of the run share: the guard, the parts to make, the stop.
    fn shared(
        &mut self,
        plan: &RunPlan,
        output: &Output,
        lanes: usize,
        stopping: Arc<AtomicBool>,
    ) -> Result<Arc<Shared>, Error> {
        let guard = MemoryGuard::new(self.guard_config.clone()).map_err(|e| match e {
            synth_guard::GuardError::Probe(p) => Error::Probe(p),
            other => Error::Config(ConfigErrors(vec![crate::config::ConfigError {
                file: None,
                path: "global".into(),
                message: other.to_string(),
                location: None,
            }])),
        })?;
        self.health.set_parts(plan.owned.len() as u64, lanes as u64);
        self.health.set_total_entries(plan.owned_entries());
        for p in &output.written.parts {
            self.health.add_part_done();
            self.health.add_written(p.entries, p.lines);
        }
        Ok(Arc::new(Shared {
            guard: Mutex::new(guard),
            health: Arc::clone(&self.health),
            cancel: self.cancel.clone(),
            plan: plan.parts,
            todo: output.todo.clone(),
            next_part: AtomicU64::new(0),
            stop: Mutex::new(None),
            stopping,
            probe_error: Mutex::new(None),
            lanes,
            allowed: AtomicUsize::new(lanes),
            lowest: AtomicUsize::new(lanes),
            changed: Mutex::new(None),
            spacing: Duration::from_millis(self.guard_config.check_interval_ms.max(1))
                * synth_guard::RELIEF_SPACING_INTERVALS,
            observer: Mutex::new(self.observer.take()),
        }))
    }

    /// Until every thread that reports has ended: progress every interval, and each
    /// whole part recorded (and the manifest rewritten) as it arrives.
    fn follow(
        &self,
        events: &Receiver<Event>,
        plan: &RunPlan,
        dir: Option<&OutputDir>,
        written: &mut Written,
        started: Instant,
        on_progress: &mut impl FnMut(&Progress),
    ) {
        let total = plan.owned_entries();
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
                    if let Some(out) = dir
                        && last_write.elapsed() >= last_took * 10
                    {
                        let began = Instant::now();
                        let running = Some(("running", RUNNING_MESSAGE.to_string()));
                        let m = manifest(&self.config, plan.parts, written, running);
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
    }

    /// How the run ended: the first failure wins, then a stop, then success.
    fn outcome(
        &self,
        outcomes: Vec<Result<Outcome, Error>>,
        ending: &Ending<'_>,
        written: &mut Written,
    ) -> Option<Error> {
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
        let shared = ending.shared;
        if error.is_none()
            && let Some(p) = lock(&shared.probe_error).take()
        {
            error = Some(Error::Probe(p));
        }
        if error.is_some() {
            return error;
        }
        let entries_written = written.entries();
        let limits = Limits {
            config: &self.config,
            guard: &self.guard_config,
        };
        let recommended = self.estimate.recommended_limit;
        let hard = self.guard_config.hard_limit.0;
        match lock(&shared.stop).take() {
            Some(StopReason::MemoryLimit(m)) => Some(Error::MemoryExceeded {
                used: m.used,
                projected: m.projected,
                limit: m.limit,
                limit_source: m.limit_source,
                records_written: entries_written,
                refused_up_front: false,
                hint: format!(
                    "{}, or lower output.batch_size",
                    limits.more_memory(recommended, m.used.max(m.projected))
                ),
            }),
            Some(StopReason::Budget(b)) => {
                let used = ending.budget.limit().saturating_sub(b.available) + ending.rss_now;
                Some(Error::MemoryExceeded {
                    used,
                    projected: used + b.requested,
                    limit: hard,
                    limit_source: self.guard_config.limit_source.clone(),
                    records_written: entries_written,
                    refused_up_front: false,
                    hint: format!(
                        "{b}; {}, or lower output.batch_size",
                        limits.more_memory(recommended, hard)
                    ),
                })
            }
            Some(StopReason::Interrupted) => Some(Error::Interrupted {
                records_written: entries_written,
            }),
            Some(StopReason::Failed) | None => None,
        }
    }

    /// The last manifest (saying how the run ended) and the run's report, or its error.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        plan: &RunPlan,
        dir: Option<&OutputDir>,
        (written, kept): (Written, Tally),
        error: Option<Error>,
        generator: &JournalGenerator,
        started: Instant,
        shared: &Shared,
        on_progress: &mut impl FnMut(&Progress),
    ) -> Result<RunReport, Error> {
        let (entries_written, lines_written) = (written.entries(), written.lines());
        let h = self.health.read();
        let stop = match &error {
            None if written.parts.len() == plan.owned.len() => None,
            None => Some((
                "error",
                "fewer parts were written than the run has".to_string(),
            )),
            Some(e @ Error::MemoryExceeded { .. }) => Some(("memory_limit", e.to_string())),
            Some(e @ Error::Interrupted { .. }) => Some(("interrupted", e.to_string())),
            Some(e) => Some(("error", e.to_string())),
        };
        let manifest = manifest(&self.config, plan.parts, &written, stop);
        let manifest_path = match dir {
            Some(out) => manifest
                .write_replacing(out)
                .and_then(|path| out.release_manifest_room().map(|()| Some(path))),
            None => Ok(None),
        };
        self.health.set_phase(Phase::Done);
        on_progress(&self.progress(started, plan.owned_entries()));
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
        let g = &self.guard_config;
        let lanes = shared.lanes;
        let report = RunReport {
            anomalies,
            entries_written,
            lines_written,
            tables: manifest.tables,
            elapsed: started.elapsed(),
            reliefs: h.reliefs,
            throttles: h.throttles,
            peak_rss: synth_probe::peak_rss_bytes().unwrap_or(0),
            output_dir: self.config.output.directory.clone(),
            manifest: manifest_path,
            hard_limit: g.hard_limit.0,
            soft_limit: g.soft_limit.0,
            limit_source: g.limit_source.clone(),
            estimate: self.estimate.clone(),
            parts: plan.parts.parts,
            parts_generated: written.parts.len() as u64 - kept.parts,
            kept,
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

    fn progress(&self, started: Instant, total: u64) -> Progress {
        let h = self.health.read();
        let elapsed = started.elapsed();
        let secs = elapsed.as_secs_f64().max(1e-9);
        let rate = h.records_written.saturating_sub(self.kept_entries) as f64 / secs;
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

/// What the outcome of a run needs besides its threads' results.
struct Ending<'a> {
    shared: &'a Shared,
    budget: &'a MemoryBudget,
    rss_now: u64,
}

/// What every lane is started with.
struct Lanes<'a> {
    plan: &'a RunPlan,
    dir: Option<&'a OutputDir>,
    shared: &'a Arc<Shared>,
    generator: &'a Arc<JournalGenerator>,
    events: &'a crossbeam_channel::Sender<Event>,
    budget: &'a MemoryBudget,
}

impl Lanes<'_> {
    /// Starts each lane's generator, writer and (CSV, JSON Lines) I/O thread, one lane
    /// per reservation in `part_sinks`; spawning stops at the first failure.
    fn spawn(
        &self,
        limits: &Limits<'_>,
        estimate: &MemoryEstimate,
        part_sinks: Vec<synth_guard::Reservation>,
        threads: &mut Threads,
    ) -> Result<(), Error> {
        let o = &limits.config.output;
        for (lane, sinks_budget) in part_sinks.into_iter().enumerate() {
            if threads.failed() {
                break;
            }
            let k = o.channel_capacity;
            let (tx, rx) = bounded::<Msg>(k);
            let (pool_tx, pool_rx) = bounded::<Batch>(k + 2);
            // CSV and JSON Lines: an I/O thread writes each full buffer while the writer
            // encodes the next. It ends when the writer drops its sinks.
            let behind = match self.plan.behind_io {
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
                dir: self.dir.cloned(),
                format: o.format,
                options: self.plan.sink_options.clone(),
                behind,
                writes: self.plan.writes,
                buffers: estimate.buffers,
                shared: Arc::clone(self.shared),
                events: self.events.clone(),
                _budget: sinks_budget,
            };
            threads.spawn("writer", "synth-writer", move || {
                Outcome::Writer(writer.run(rx, pool_tx))
            });
            let batches = self.budget.try_reserve("batches", 0).map_err(|b| {
                let more = limits.more_memory(estimate.recommended_limit, 0);
                limits.refuse(estimate.streaming_peak, format!("{b}; {more}"))
            })?;
            let job = GeneratorJob {
                lane,
                generator: Arc::clone(self.generator),
                shared: Arc::clone(self.shared),
                batch_size: o.batch_size,
                pool_size: k + 2,
                per_entry: estimate.per_entry,
                batches,
            };
            threads.spawn("generator", "synth-generator", move || {
                job.run(tx, pool_rx);
                Outcome::Generator
            });
        }
        Ok(())
    }
}
