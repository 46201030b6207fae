//! The guard's policy as a value the caller chooses: [`MemoryPolicy`] turns a reading
//! into an [`Action`]; [`DefaultPolicy`] is the behaviour of `synthdata`.

use crate::config::MemoryGuardConfig;
use crate::status::{Action, MemoryExceeded, MemoryStatus};
use std::time::Duration;

/// Decides what to do with a memory reading. Implement it to guard with other rules
/// (never throttle, stop at the soft limit, ...) and pass it to
/// [`MemoryGuard::with_policy`](crate::MemoryGuard::with_policy).
pub trait MemoryPolicy: Send {
    /// The action for `status`, read at `now` (a monotonic clock), under `config`.
    fn decide(
        &mut self,
        status: &MemoryStatus,
        now: Duration,
        config: &MemoryGuardConfig,
    ) -> Action;
}

/// Relief re-arms once usage falls below this share of the soft limit.
pub const REARM_FRACTION: f64 = 0.90;
/// Without re-arming, a new relief needs this many check intervals since the last.
pub const RELIEF_SPACING_INTERVALS: u32 = 20;

/// Stop at the hard limit (or when the next reading would pass it); relieve at the soft
/// limit once, and again only after usage fell below soft − 10% or 20 check intervals
/// passed (hysteresis); throttle on fast growth once usage is past half the soft limit;
/// else proceed.
#[derive(Debug, Clone)]
pub struct DefaultPolicy {
    relief_armed: bool,
    last_relief: Option<Duration>,
}

impl Default for DefaultPolicy {
    fn default() -> Self {
        Self {
            relief_armed: true,
            last_relief: None,
        }
    }
}

impl MemoryPolicy for DefaultPolicy {
    fn decide(
        &mut self,
        status: &MemoryStatus,
        now: Duration,
        config: &MemoryGuardConfig,
    ) -> Action {
        if status.exceeds_hard_limit {
            return Action::Stop(MemoryExceeded {
                used: status.current_usage,
                projected: status.projected.max(status.current_usage),
                limit: status.hard_limit,
                limit_source: config.limit_source.clone(),
            });
        }
        if (status.current_usage as f64) < status.soft_limit as f64 * REARM_FRACTION {
            self.relief_armed = true;
        }
        if status.exceeds_soft_limit {
            let interval = Duration::from_millis(config.check_interval_ms.max(1));
            let spaced = self
                .last_relief
                .is_none_or(|t| now.saturating_sub(t) >= interval * RELIEF_SPACING_INTERVALS);
            if self.relief_armed || spaced {
                self.relief_armed = false;
                self.last_relief = Some(now);
                return Action::Relieve;
            }
        }
        // Fast growth far below the limits (start-up, say) needs no back-off.
        if status.growth_rate > config.growth_rate_threshold.0 as f64
            && status.current_usage >= status.soft_limit / 2
        {
            return Action::Throttle(Duration::from_millis(config.throttle_step_ms));
        }
        Action::Proceed
    }
}
