//! A lane: one part at a time, its generator thread taking the next part, checking the
//! guard between two batches, and handing the batches to its writer. What the lanes of a
//! run share (the guard, the stop, the parts at once) lives here too.

use crate::plan::PartPlan;
use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};
use synth_generators::{Batch, JournalGenerator, PerTable};
use synth_guard::{
    Action, BudgetExceeded, HealthSnapshot, MemoryExceeded, MemoryGuard, MemoryStatus,
    REARM_FRACTION, Reservation, format_bytes,
};
use tracing::{debug, info, warn};

/// Stops a run from another thread (Ctrl-C): like a hard limit, but `Interrupted`.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    /// The flag itself, for work that polls it (the generator's summing of the books).
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }

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

/// Called on the writer thread with every batch after it was written.
pub type BatchObserver = Box<dyn FnMut(&Batch) + Send>;

/// From a lane's generator to its writer. A batch moves by value (its vectors' three
/// words each, a few hundred bytes, once per batch): boxing it would allocate per batch
/// what the pool of batches exists to avoid.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Msg {
    /// Open the files of part `k`.
    Start(u64),
    Batch(Batch),
    Flush,
    /// The part is complete: finish its files.
    EndPart,
    /// The part will not be completed: leave its files `.partial`.
    Abandon,
}

/// Why the parts stop being generated.
pub(crate) enum StopReason {
    MemoryLimit(MemoryExceeded),
    /// A batch's reservation did not fit the byte budget.
    Budget(BudgetExceeded),
    Interrupted,
    /// A thread failed; its own error says why.
    Failed,
}

/// What the threads of a run share.
pub(crate) struct Shared {
    pub(crate) guard: Mutex<MemoryGuard>,
    pub(crate) health: Arc<HealthSnapshot>,
    pub(crate) cancel: CancelHandle,
    pub(crate) plan: PartPlan,
    /// The parts this run generates, in order.
    pub(crate) todo: Vec<u64>,
    /// Index in `todo` of the next part to start.
    pub(crate) next_part: AtomicU64,
    /// The first reason to stop; once set, every part in flight is abandoned.
    pub(crate) stop: Mutex<Option<StopReason>>,
    /// Set with the first stop; the generator's summing of the books reads it too.
    pub(crate) stopping: Arc<AtomicBool>,
    pub(crate) probe_error: Mutex<Option<synth_probe::ProbeError>>,
    /// Parts generated at once at most.
    pub(crate) lanes: usize,
    /// Parts allowed at once now: lowered at the soft limit, raised again below it.
    pub(crate) allowed: AtomicUsize,
    /// The fewest parts allowed at once during the run.
    pub(crate) lowest: AtomicUsize,
    /// When `allowed` last changed.
    pub(crate) changed: Mutex<Option<Instant>>,
    /// Least time between two raises.
    pub(crate) spacing: Duration,
    pub(crate) observer: Mutex<Option<BatchObserver>>,
}

/// The value inside a mutex, even if a thread panicked while holding it (every value
/// guarded here stays valid across a panic).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Stops every part (the first reason is kept).
    pub(crate) fn stop(&self, why: StopReason) {
        let mut stop = lock(&self.stop);
        if stop.is_none() {
            *stop = Some(why);
        }
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// One part fewer at once; `None` if only one may run already.
    pub(crate) fn lower(&self) -> Option<usize> {
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
    pub(crate) fn raise(&self, status: &MemoryStatus) -> Option<usize> {
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

/// One lane's generator: takes the next part, generates its batches (the guard between
/// two), and hands them to its writer; then the next part, until none is left.
pub(crate) struct GeneratorJob {
    pub(crate) lane: usize,
    pub(crate) generator: Arc<JournalGenerator>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) batch_size: u64,
    pub(crate) pool_size: usize,
    pub(crate) per_entry: PerTable<f64>,
    /// Every batch's capacity, reserved before it is allocated and grown with it.
    pub(crate) batches: Reservation,
}

impl GeneratorJob {
    pub(crate) fn run(mut self, tx: Sender<Msg>, pool: Receiver<Batch>) {
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
    pub(crate) fn guard_step(&mut self, tx: &Sender<Msg>) -> bool {
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
