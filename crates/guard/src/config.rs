//! The guard's configuration: limits, check interval, growth threshold.

use crate::size::{ByteRate, ByteSize, format_bytes};
use serde::{Deserialize, Serialize};
use synth_probe::{EffectiveLimit, LimitSource};

/// Share of the effective limit that the default hard limit takes (the rest is headroom
/// for what the guard cannot see between two readings).
pub const DEFAULT_HARD_FRACTION: f64 = 0.90;
/// Share of the hard limit at which relief starts.
pub const DEFAULT_SOFT_FRACTION: f64 = 0.80;
/// Default time between two probe readings.
pub const DEFAULT_CHECK_INTERVAL_MS: u64 = 100;
/// Default growth rate above which the guard throttles (100 MB/s).
pub const DEFAULT_GROWTH_RATE_THRESHOLD: u64 = 100_000_000;
/// Default back-off when throttling.
pub const DEFAULT_THROTTLE_STEP_MS: u64 = 100;

/// Limits and timing of a [`crate::MemoryGuard`], resolved to bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryGuardConfig {
    /// Usage at which the guard relieves (flush, clear caches, trim).
    pub soft_limit: ByteSize,
    /// Usage at which the guard stops the run.
    pub hard_limit: ByteSize,
    /// The probe is read at most once per this many milliseconds.
    pub check_interval_ms: u64,
    /// Growth rate (EWMA) above which the guard throttles.
    pub growth_rate_threshold: ByteRate,
    /// How long one throttle step backs off, in milliseconds.
    #[serde(default = "default_throttle_step")]
    pub throttle_step_ms: u64,
    /// Where the hard limit comes from, so every message can name it.
    #[serde(skip, default = "configured")]
    pub limit_source: LimitSource,
}

fn default_throttle_step() -> u64 {
    DEFAULT_THROTTLE_STEP_MS
}

fn configured() -> LimitSource {
    LimitSource::Configured
}

/// A configuration value that is out of range; names the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: expected {expected}, got {got}")]
pub struct InvalidConfig {
    /// The field, e.g. `soft_limit`.
    pub field: &'static str,
    /// What would be accepted.
    pub expected: String,
    /// What was given.
    pub got: String,
}

/// The defaults for this machine (see [`MemoryGuardConfig::from_limit`]), so a caller can
/// write `MemoryGuardConfig { hard_limit, ..Default::default() }`; set `limit_source` to
/// [`LimitSource::Configured`] too when you choose the limits, so messages name them so.
impl Default for MemoryGuardConfig {
    fn default() -> Self {
        Self::discovered()
    }
}

impl MemoryGuardConfig {
    /// Defaults derived from the effective limit and what the user configured.
    ///
    /// hard = the smaller of `configured_hard` and 90% of the effective limit (the
    /// source follows whichever is smaller); soft = `configured_soft` or 80% of hard.
    pub fn from_limit(
        effective: &EffectiveLimit,
        configured_hard: Option<u64>,
        configured_soft: Option<u64>,
    ) -> Self {
        let derived = (effective.bytes as f64 * DEFAULT_HARD_FRACTION) as u64;
        let (hard, source) = match configured_hard {
            Some(c) if c <= derived => (c, LimitSource::Configured),
            _ => (derived, effective.source.clone()),
        };
        let soft = configured_soft.unwrap_or((hard as f64 * DEFAULT_SOFT_FRACTION) as u64);
        Self {
            soft_limit: ByteSize(soft),
            hard_limit: ByteSize(hard),
            check_interval_ms: DEFAULT_CHECK_INTERVAL_MS,
            growth_rate_threshold: ByteRate(DEFAULT_GROWTH_RATE_THRESHOLD),
            throttle_step_ms: DEFAULT_THROTTLE_STEP_MS,
            limit_source: source,
        }
    }

    /// The defaults for this machine: hard = 90% of the effective limit that
    /// `synth_probe` discovers (cgroup, rlimit or RAM), soft = 80% of hard; if nothing
    /// can be discovered, a 1 GiB hard limit.
    fn discovered() -> Self {
        match synth_probe::LimitDiscovery::system().discover() {
            Ok(limit) => Self::from_limit(&limit, None, None),
            Err(_) => Self::with_hard_limit(1 << 30),
        }
    }

    /// A configuration with a fixed hard limit (source `Configured`) and default rest.
    pub fn with_hard_limit(hard: u64) -> Self {
        Self {
            soft_limit: ByteSize((hard as f64 * DEFAULT_SOFT_FRACTION) as u64),
            hard_limit: ByteSize(hard),
            check_interval_ms: DEFAULT_CHECK_INTERVAL_MS,
            growth_rate_threshold: ByteRate(DEFAULT_GROWTH_RATE_THRESHOLD),
            throttle_step_ms: DEFAULT_THROTTLE_STEP_MS,
            limit_source: LimitSource::Configured,
        }
    }

    /// Checks the ranges: a non-zero hard limit, soft at most hard, a non-zero interval.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.hard_limit.0 == 0 {
            return Err(InvalidConfig {
                field: "hard_limit",
                expected: "a size above zero".into(),
                got: "0".into(),
            });
        }
        if self.soft_limit.0 > self.hard_limit.0 {
            return Err(InvalidConfig {
                field: "soft_limit",
                expected: format!(
                    "at most the hard limit ({})",
                    format_bytes(self.hard_limit.0)
                ),
                got: format_bytes(self.soft_limit.0),
            });
        }
        if self.check_interval_ms == 0 {
            return Err(InvalidConfig {
                field: "check_interval_ms",
                expected: "a whole number of milliseconds above zero".into(),
                got: "0".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(bytes: u64) -> EffectiveLimit {
        EffectiveLimit {
            bytes,
            source: LimitSource::PhysicalRam,
            soft_ceiling: None,
            total_ram: bytes,
            available_ram: None,
        }
    }

    #[test]
    fn defaults_from_the_effective_limit() {
        let c = MemoryGuardConfig::from_limit(&limit(10 << 30), None, None);
        assert_eq!(c.hard_limit.0, 9 << 30);
        assert_eq!(c.soft_limit.0, ((9u64 << 30) as f64 * 0.8) as u64);
        assert_eq!(c.limit_source, LimitSource::PhysicalRam);
        let c = MemoryGuardConfig::from_limit(&limit(10 << 30), Some(2 << 30), None);
        assert_eq!(
            (c.hard_limit.0, c.limit_source.clone()),
            (2 << 30, LimitSource::Configured)
        );
        let c = MemoryGuardConfig::from_limit(&limit(1 << 30), Some(2 << 30), None);
        assert_eq!(
            c.limit_source,
            LimitSource::PhysicalRam,
            "the tighter limit wins"
        );
        assert!(c.validate().is_ok());
    }

    #[test]
    fn validation_names_the_field() {
        let mut c = MemoryGuardConfig::with_hard_limit(1 << 30);
        c.soft_limit = ByteSize(2 << 30);
        let e = c.validate().expect_err("soft above hard");
        assert_eq!(e.field, "soft_limit");
        assert!(
            e.to_string().contains("at most the hard limit (1.0 GiB)"),
            "{e}"
        );
        c.soft_limit = ByteSize(1);
        c.check_interval_ms = 0;
        assert_eq!(
            c.validate().expect_err("zero interval").field,
            "check_interval_ms"
        );
        assert_eq!(
            MemoryGuardConfig::with_hard_limit(0)
                .validate()
                .expect_err("zero")
                .field,
            "hard_limit"
        );
    }

    #[test]
    fn deserializes_sizes_and_rates() {
        let c: MemoryGuardConfig = serde_yaml::from_str(
            "soft_limit: 1.5 GB\nhard_limit: 2GiB\ncheck_interval_ms: 50\ngrowth_rate_threshold: 100MB/s\n",
        )
        .expect("parses");
        assert_eq!(c.hard_limit, ByteSize(2 << 30));
        assert_eq!(c.soft_limit, ByteSize(1_500_000_000));
        assert_eq!(c.growth_rate_threshold, ByteRate(100_000_000));
        assert_eq!(c.throttle_step_ms, DEFAULT_THROTTLE_STEP_MS);
    }
}
