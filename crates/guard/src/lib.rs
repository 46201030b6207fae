//! The memory guard: soft and hard limits, growth detection, a policy, and byte
//! budgets that make the hard limit hold by construction.
//!
//! ```no_run
//! use synth_guard::{Action, MemoryGuard, MemoryGuardConfig};
//! use synth_probe::LimitDiscovery;
//!
//! let limit = LimitDiscovery::system().discover()?;
//! let config = MemoryGuardConfig::from_limit(&limit, Some(2 << 30), None);
//! config.validate()?;
//! let mut guard = MemoryGuard::new(config)?;
//! let status = guard.check()?; // cached between probe reads
//! if let Action::Stop(e) = guard.decide(&status) {
//!     eprintln!("{e}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | status | action |
//! |---|---|
//! | usage (or its projection) ≥ hard | `Stop(MemoryExceeded)` |
//! | usage ≥ soft | `Relieve` once; again only after usage fell below soft − 10% or 20 intervals passed |
//! | growth rate > threshold and usage ≥ soft / 2 | `Throttle(step)` |
//! | otherwise | `Proceed` |
//!
//! That table is [`DefaultPolicy`]; a caller may pass its own [`MemoryPolicy`] to
//! [`MemoryGuard::with_policy`]. The guard decides; it never touches files, threads of
//! others, or records. Its probe
//! and clock are traits ([`MemoryProbe`], [`Clock`]) so tests script readings and time.

mod budget;
mod config;
mod guard;
mod health;
mod policy;
mod size;
mod status;

pub use budget::{BudgetExceeded, MemoryBudget, Reservation};
pub use config::{
    DEFAULT_CHECK_INTERVAL_MS, DEFAULT_GROWTH_RATE_THRESHOLD, DEFAULT_HARD_FRACTION,
    DEFAULT_SOFT_FRACTION, DEFAULT_THROTTLE_STEP_MS, InvalidConfig, MemoryGuardConfig,
};
pub use guard::{
    Clock, GuardError, MemoryGuard, MemoryProbe, SystemClock, SystemProbe, TrimOutcome,
};
pub use health::{HealthReading, HealthSnapshot, HealthStatus, Phase};
pub use policy::{DefaultPolicy, MemoryPolicy, REARM_FRACTION, RELIEF_SPACING_INTERVALS};
pub use size::{
    ByteRate, ByteSize, RATE_EXPECTED, SIZE_EXPECTED, format_bytes, parse_rate, parse_size,
};
pub use status::{Action, MemoryExceeded, MemoryStatus};
pub use synth_probe::{EffectiveLimit, LimitSource};
