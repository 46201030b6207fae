//! A live view of a run for the health server: atomics updated at every guard reading,
//! read without locks and without probing.

use crate::status::MemoryStatus;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// What a run is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Not started.
    Starting = 0,
    /// Writing master data.
    MasterData = 1,
    /// Generating journal entries.
    Generating = 2,
    /// Finishing files and the manifest.
    Finishing = 3,
    /// Done (complete or stopped).
    Done = 4,
}

impl Phase {
    /// Lowercase name, as served by `/health`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::MasterData => "master_data",
            Self::Generating => "generating",
            Self::Finishing => "finishing",
            Self::Done => "done",
        }
    }

    fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::MasterData,
            2 => Self::Generating,
            3 => Self::Finishing,
            4 => Self::Done,
            _ => Self::Starting,
        }
    }
}

/// `healthy` below the soft limit, `degraded` between soft and hard, `critical` at hard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthStatus {
    /// Below the soft limit.
    Healthy,
    /// Between the soft and the hard limit.
    Degraded,
    /// At or above the hard limit.
    Critical,
}

impl HealthStatus {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Degraded => "degraded",
            Self::Critical => "critical",
        }
    }
}

/// The run's health, shared by reference (`Arc`) with the server.
#[derive(Debug)]
pub struct HealthSnapshot {
    used: AtomicU64,
    rss: AtomicU64,
    heap: AtomicU64,
    soft: AtomicU64,
    hard: AtomicU64,
    growth_rate_bits: AtomicU64,
    records_written: AtomicU64,
    lines_written: AtomicU64,
    total_entries: AtomicU64,
    reliefs: AtomicU64,
    throttles: AtomicU64,
    reads: AtomicU64,
    threads: AtomicU64,
    parallelism: AtomicU64,
    parts_total: AtomicU64,
    parts_done: AtomicU64,
    phase: AtomicU8,
    limit_source: String,
}

/// A consistent-enough copy of the snapshot's values.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthReading {
    /// `max(rss, heap)`.
    pub used: u64,
    /// Resident set size.
    pub rss: u64,
    /// Heap bytes from the counting allocator (0 when not installed).
    pub heap: u64,
    /// Soft limit.
    pub soft_limit: u64,
    /// Hard limit.
    pub hard_limit: u64,
    /// EWMA growth rate, bytes per second.
    pub growth_rate: f64,
    /// Journal entries written.
    pub records_written: u64,
    /// Journal lines written.
    pub lines_written: u64,
    /// Journal entries asked for.
    pub total_entries: u64,
    /// Reliefs so far.
    pub reliefs: u64,
    /// Throttles so far.
    pub throttles: u64,
    /// Memory readings so far.
    pub reads: u64,
    /// Parts the run may generate at once (its threads).
    pub threads: u64,
    /// Parts allowed to run at once now (lowered at the soft limit).
    pub parallelism: u64,
    /// Parts of the run.
    pub parts_total: u64,
    /// Parts finished (whole, on disk).
    pub parts_done: u64,
    /// What the run is doing.
    pub phase: Phase,
    /// Where the hard limit comes from.
    pub limit_source: String,
}

impl HealthReading {
    /// Health from usage against the limits.
    pub fn status(&self) -> HealthStatus {
        if self.hard_limit > 0 && self.used >= self.hard_limit {
            HealthStatus::Critical
        } else if self.soft_limit > 0 && self.used >= self.soft_limit {
            HealthStatus::Degraded
        } else {
            HealthStatus::Healthy
        }
    }

    /// Usage as a percentage of the hard limit.
    pub fn percent(&self) -> f64 {
        if self.hard_limit == 0 {
            0.0
        } else {
            self.used as f64 * 100.0 / self.hard_limit as f64
        }
    }
}

impl HealthSnapshot {
    /// A snapshot for a run with these limits, holding the process's memory as the
    /// probe reads it now (never a zero before the guard's first reading).
    pub fn new(soft: u64, hard: u64, total_entries: u64, limit_source: String) -> Self {
        let rss = synth_probe::RssReader::new()
            .and_then(|r| r.rss_bytes())
            .unwrap_or(0);
        let heap = synth_probe::heap_bytes().unwrap_or(0);
        Self {
            used: AtomicU64::new(rss.max(heap)),
            rss: AtomicU64::new(rss),
            heap: AtomicU64::new(heap),
            soft: AtomicU64::new(soft),
            hard: AtomicU64::new(hard),
            growth_rate_bits: AtomicU64::new(0f64.to_bits()),
            records_written: AtomicU64::new(0),
            lines_written: AtomicU64::new(0),
            total_entries: AtomicU64::new(total_entries),
            reliefs: AtomicU64::new(0),
            throttles: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            threads: AtomicU64::new(0),
            parallelism: AtomicU64::new(0),
            parts_total: AtomicU64::new(0),
            parts_done: AtomicU64::new(0),
            phase: AtomicU8::new(Phase::Starting as u8),
            limit_source,
        }
    }

    /// Records a guard reading.
    pub fn update_memory(&self, s: &MemoryStatus) {
        self.used.store(s.current_usage, Ordering::Relaxed);
        self.rss.store(s.rss, Ordering::Relaxed);
        self.heap.store(s.heap.unwrap_or(0), Ordering::Relaxed);
        self.growth_rate_bits
            .store(s.growth_rate.to_bits(), Ordering::Relaxed);
        self.reads.store(s.reads, Ordering::Relaxed);
    }

    /// Sets the entries this process is to have written at the end (its shard's).
    pub fn set_total_entries(&self, entries: u64) {
        self.total_entries.store(entries, Ordering::Relaxed);
    }

    /// Adds written entries and lines.
    pub fn add_written(&self, entries: u64, lines: u64) {
        self.records_written.fetch_add(entries, Ordering::Relaxed);
        self.lines_written.fetch_add(lines, Ordering::Relaxed);
    }

    /// Counts a relief.
    pub fn add_relief(&self) {
        self.reliefs.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a throttle.
    pub fn add_throttle(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets the run's parts and the parts it may generate at once.
    pub fn set_parts(&self, total: u64, threads: u64) {
        self.parts_total.store(total, Ordering::Relaxed);
        self.threads.store(threads, Ordering::Relaxed);
        self.parallelism.store(threads, Ordering::Relaxed);
    }

    /// Sets how many parts may run at once now.
    pub fn set_parallelism(&self, parts: u64) {
        self.parallelism.store(parts, Ordering::Relaxed);
    }

    /// Counts a finished part.
    pub fn add_part_done(&self) {
        self.parts_done.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets the phase.
    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    /// Reads every value.
    pub fn read(&self) -> HealthReading {
        HealthReading {
            used: self.used.load(Ordering::Relaxed),
            rss: self.rss.load(Ordering::Relaxed),
            heap: self.heap.load(Ordering::Relaxed),
            soft_limit: self.soft.load(Ordering::Relaxed),
            hard_limit: self.hard.load(Ordering::Relaxed),
            growth_rate: f64::from_bits(self.growth_rate_bits.load(Ordering::Relaxed)),
            records_written: self.records_written.load(Ordering::Relaxed),
            lines_written: self.lines_written.load(Ordering::Relaxed),
            total_entries: self.total_entries.load(Ordering::Relaxed),
            reliefs: self.reliefs.load(Ordering::Relaxed),
            throttles: self.throttles.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
            threads: self.threads.load(Ordering::Relaxed),
            parallelism: self.parallelism.load(Ordering::Relaxed),
            parts_total: self.parts_total.load(Ordering::Relaxed),
            parts_done: self.parts_done.load(Ordering::Relaxed),
            phase: Phase::from_u8(self.phase.load(Ordering::Relaxed)),
            limit_source: self.limit_source.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_snapshot_holds_the_process_memory_never_a_zero() {
        let h = HealthSnapshot::new(80 << 30, 100 << 30, 10, "configured limit".into());
        let r = h.read();
        assert!(r.rss > 0 && r.used >= r.rss, "{} {}", r.rss, r.used);
        assert!(r.percent() > 0.0);
    }

    #[test]
    fn status_follows_the_limits() {
        let h = HealthSnapshot::new(80, 100, 10, "configured limit".into());
        let mut s = MemoryStatus {
            current_usage: 50,
            ..MemoryStatus::default()
        };
        h.update_memory(&s);
        assert_eq!(h.read().status(), HealthStatus::Healthy);
        s.current_usage = 80;
        h.update_memory(&s);
        assert_eq!(h.read().status(), HealthStatus::Degraded);
        s.current_usage = 100;
        h.update_memory(&s);
        assert_eq!(h.read().status(), HealthStatus::Critical);
        assert_eq!(h.read().percent(), 100.0);
    }
}
