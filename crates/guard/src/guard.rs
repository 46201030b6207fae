//! The guard: reads the probe at most once per interval, tracks growth, decides.

use crate::config::{InvalidConfig, MemoryGuardConfig};
use crate::policy::{DefaultPolicy, MemoryPolicy};
use crate::status::{Action, MemoryStatus};
use std::time::Duration;
use synth_probe::{LimitSource, ProbeError, RssReader};

/// Where the guard gets its readings; a trait so tests can script them.
pub trait MemoryProbe: Send {
    /// Resident set size of the process in bytes.
    fn rss_bytes(&mut self) -> Result<u64, ProbeError>;
    /// Live heap bytes from a counting allocator, if one is installed.
    fn heap_bytes(&mut self) -> Option<u64>;
    /// Virtual size (mapped address space) as of the last `rss_bytes`, where known:
    /// what an address-space limit (`RLIMIT_AS`) counts.
    fn virtual_bytes(&mut self) -> Option<u64> {
        None
    }
}

/// A monotonic clock; a trait so tests can script time.
pub trait Clock: Send {
    /// Time since an arbitrary fixed start.
    fn now(&self) -> Duration;
}

/// The real probe: `synth_probe::RssReader` and the counting allocator's figure.
#[derive(Debug)]
pub struct SystemProbe {
    reader: RssReader,
    virtual_bytes: Option<u64>,
}

impl SystemProbe {
    /// Opens the platform's RSS source.
    pub fn new() -> Result<Self, ProbeError> {
        Ok(Self {
            reader: RssReader::new()?,
            virtual_bytes: None,
        })
    }
}

impl MemoryProbe for SystemProbe {
    fn rss_bytes(&mut self) -> Result<u64, ProbeError> {
        let (rss, virt) = self.reader.rss_and_virtual_bytes()?;
        self.virtual_bytes = virt;
        Ok(rss)
    }

    fn heap_bytes(&mut self) -> Option<u64> {
        synth_probe::heap_bytes()
    }

    fn virtual_bytes(&mut self) -> Option<u64> {
        self.virtual_bytes
    }
}

/// The real clock: `synth_probe::monotonic_coarse` (a few ns per read).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        synth_probe::monotonic_coarse()
    }
}

/// What `trim()` knows of its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrimOutcome {
    /// Whether the allocator can give memory back at all (glibc: yes).
    pub supported: bool,
    /// Whether the allocator says it gave memory back.
    pub released: bool,
    /// RSS before the trim.
    pub rss_before: u64,
    /// RSS after the trim.
    pub rss_after: u64,
}

/// EWMA weight of the newest rate sample.
const RATE_ALPHA: f64 = 0.5;

/// Why a guard could not be made.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    /// The configuration is out of range (a soft limit above the hard limit, say).
    #[error("invalid memory guard configuration: {0}")]
    Config(#[from] InvalidConfig),
    /// The platform's memory figures cannot be read.
    #[error(transparent)]
    Probe(#[from] ProbeError),
}

/// Watches memory against soft and hard limits and says what to do: it reads the probe,
/// and its [`MemoryPolicy`] ([`DefaultPolicy`] unless the caller chose another) decides.
///
/// ```no_run
/// use synth_guard::{Action, MemoryGuard, MemoryGuardConfig};
/// let mut guard = MemoryGuard::new(MemoryGuardConfig::with_hard_limit(512 << 20))?;
/// loop {
///     let status = guard.check()?;
///     match guard.decide(&status) {
///         Action::Proceed => { /* produce a batch */ break }
///         Action::Throttle(pause) => std::thread::sleep(pause),
///         Action::Relieve => { /* flush, clear caches */ guard.trim()?; }
///         Action::Stop(exceeded) => return Err(exceeded.into()),
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MemoryGuard {
    config: MemoryGuardConfig,
    interval: Duration,
    probe: Box<dyn MemoryProbe>,
    clock: Box<dyn Clock>,
    policy: Box<dyn MemoryPolicy>,
    status: MemoryStatus,
    last_read: Option<Duration>,
}

impl std::fmt::Debug for MemoryGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryGuard")
            .field("config", &self.config)
            .field("status", &self.status)
            .finish()
    }
}

impl MemoryGuard {
    /// A guard on the real probe and clock, with the default policy; refuses a config
    /// that [`MemoryGuardConfig::validate`] refuses.
    pub fn new(config: MemoryGuardConfig) -> Result<Self, GuardError> {
        let probe = SystemProbe::new()?;
        Ok(Self::with_probe(
            config,
            Box::new(probe),
            Box::new(SystemClock),
        )?)
    }

    /// A guard on any probe and clock (tests script both), with the default policy.
    pub fn with_probe(
        config: MemoryGuardConfig,
        probe: Box<dyn MemoryProbe>,
        clock: Box<dyn Clock>,
    ) -> Result<Self, InvalidConfig> {
        config.validate()?;
        let status = MemoryStatus {
            soft_limit: config.soft_limit.0,
            hard_limit: config.hard_limit.0,
            ..MemoryStatus::default()
        };
        Ok(Self {
            interval: Duration::from_millis(config.check_interval_ms.max(1)),
            config,
            probe,
            clock,
            policy: Box::new(DefaultPolicy::default()),
            status,
            last_read: None,
        })
    }

    /// This guard, deciding with `policy` instead of the default.
    pub fn with_policy(mut self, policy: impl MemoryPolicy + 'static) -> Self {
        self.policy = Box::new(policy);
        self
    }

    /// The configuration in force.
    pub fn config(&self) -> &MemoryGuardConfig {
        &self.config
    }

    /// The status as of the last reading, without reading.
    pub fn last_status(&self) -> MemoryStatus {
        self.status
    }

    /// The current status: reads the probe if a check interval has passed since the
    /// last reading, else returns the cached status (a clock read and a compare).
    #[inline]
    pub fn check(&mut self) -> Result<MemoryStatus, ProbeError> {
        let now = self.clock.now();
        match self.last_read {
            Some(t) if now.saturating_sub(t) < self.interval => Ok(self.status),
            _ => self.read_at(now),
        }
    }

    /// Reads the probe now, whatever the interval (after a relief, say).
    pub fn refresh(&mut self) -> Result<MemoryStatus, ProbeError> {
        let now = self.clock.now();
        self.read_at(now)
    }

    fn read_at(&mut self, now: Duration) -> Result<MemoryStatus, ProbeError> {
        let rss = self.probe.rss_bytes()?;
        let heap = self.probe.heap_bytes();
        let virtual_size = self.probe.virtual_bytes();
        let mut used = rss.max(heap.unwrap_or(0));
        // An address-space limit counts every mapping, touched or not.
        if self.config.limit_source == LimitSource::RlimitAs {
            used = used.max(virtual_size.unwrap_or(0));
        }
        let mut rate = self.status.growth_rate;
        if let Some(t) = self.last_read {
            let dt = now.saturating_sub(t).as_secs_f64();
            if dt > 0.0 {
                let sample = (used as f64 - self.status.current_usage as f64) / dt;
                rate = RATE_ALPHA * sample + (1.0 - RATE_ALPHA) * rate;
            }
        }
        let projected = used.saturating_add((rate.max(0.0) * self.interval.as_secs_f64()) as u64);
        let hard = self.config.hard_limit.0;
        self.status = MemoryStatus {
            current_usage: used,
            rss,
            heap,
            virtual_size,
            soft_limit: self.config.soft_limit.0,
            hard_limit: hard,
            exceeds_soft_limit: used >= self.config.soft_limit.0,
            exceeds_hard_limit: used >= hard || projected >= hard,
            growth_rate: rate,
            projected,
            reads: self.status.reads + 1,
        };
        self.last_read = Some(now);
        Ok(self.status)
    }

    /// What to do now, as the guard's policy decides for `status`.
    pub fn decide(&mut self, status: &MemoryStatus) -> Action {
        let now = self.clock.now();
        self.policy.decide(status, now, &self.config)
    }

    /// Gives freed memory back to the OS where the allocator allows (glibc
    /// `malloc_trim`), then re-reads the probe.
    pub fn trim(&mut self) -> Result<TrimOutcome, ProbeError> {
        let rss_before = self.probe.rss_bytes()?;
        let released = synth_probe::trim_allocator();
        let status = self.refresh()?;
        Ok(TrimOutcome {
            supported: cfg!(all(target_os = "linux", target_env = "gnu")),
            released,
            rss_before,
            rss_after: status.rss,
        })
    }
}
