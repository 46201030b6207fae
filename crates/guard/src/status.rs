//! The guard's vocabulary: what it knows of memory at one moment ([`MemoryStatus`]), what
//! the caller should do ([`Action`]) and why a run must stop ([`MemoryExceeded`]). It
//! imports nothing else of this crate, so the policy and the guard both build on it.

use crate::size::format_bytes;
use std::time::Duration;
use synth_probe::LimitSource;

/// What the guard knows about memory at one moment.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MemoryStatus {
    /// `max(rss, heap)`, or under an address-space limit `max(rss, heap, virtual)`: the
    /// figure every limit is compared with.
    pub current_usage: u64,
    /// Resident set size from the probe.
    pub rss: u64,
    /// Live heap bytes, when a counting allocator is installed.
    pub heap: Option<u64>,
    /// Virtual size (mapped address space), where the probe knows it.
    pub virtual_size: Option<u64>,
    /// The soft limit in force.
    pub soft_limit: u64,
    /// The hard limit in force.
    pub hard_limit: u64,
    /// `current_usage >= soft_limit`.
    pub exceeds_soft_limit: bool,
    /// `current_usage >= hard_limit`, or the projection reaches it.
    pub exceeds_hard_limit: bool,
    /// EWMA of d(usage)/dt in bytes per second (negative when shrinking).
    pub growth_rate: f64,
    /// Usage expected at the next reading: `usage + max(rate, 0) × interval`.
    pub projected: u64,
    /// How many times the probe has been read so far.
    pub reads: u64,
}

impl MemoryStatus {
    /// Usage as a percentage of the hard limit.
    pub fn percent_of_hard(&self) -> f64 {
        if self.hard_limit == 0 {
            0.0
        } else {
            self.current_usage as f64 * 100.0 / self.hard_limit as f64
        }
    }
}

/// The run must stop: memory reached the hard limit, or is growing fast enough to
/// pass it before the next reading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct MemoryExceeded {
    /// Usage when the guard stopped.
    pub used: u64,
    /// Usage expected at the next reading (at least `used`).
    pub projected: u64,
    /// The hard limit.
    pub limit: u64,
    /// Where the hard limit comes from.
    pub limit_source: LimitSource,
}

impl MemoryExceeded {
    /// What happened, with the numbers: reached, or about to be passed.
    pub fn describe(&self) -> String {
        if self.used >= self.limit {
            format!(
                "memory limit reached: using {} of a {} hard limit (from {})",
                format_bytes(self.used),
                format_bytes(self.limit),
                self.limit_source
            )
        } else {
            format!(
                "memory limit about to be passed: using {} and growing to {} by the next check, \
                 against a {} hard limit (from {})",
                format_bytes(self.used),
                format_bytes(self.projected),
                format_bytes(self.limit),
                self.limit_source
            )
        }
    }
}

/// What the caller should do now. Deliberately exhaustive: a caller must handle every
/// action, so a new one is a compile error rather than an ignored `_`.
#[must_use]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Go on.
    Proceed,
    /// Memory is growing fast: back off this long, then go on.
    Throttle(Duration),
    /// Above the soft limit: flush, clear caches, trim, then go on.
    Relieve,
    /// At the hard limit: stop producing and finish cleanly.
    Stop(MemoryExceeded),
}
