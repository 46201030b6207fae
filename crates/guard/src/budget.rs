//! Byte budgets: reserve before allocating, so the sum of reservations never passes
//! the budget.
//!
//! ```text
//!  budget (e.g. hard limit − baseline)
//!  ├── channel: k × batch bytes      (reserved once, for the run)
//!  ├── writer buffers                (reserved once)
//!  └── free                          (what later reservations may take)
//! ```

use crate::size::format_bytes;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A reservation was refused; says who asked, for how much, and what was left.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "memory budget refused {consumer}: asked for {}, {} of {} remain",
    format_bytes(*requested),
    format_bytes(*available),
    format_bytes(*budget)
)]
pub struct BudgetExceeded {
    /// Who asked.
    pub consumer: &'static str,
    /// How many bytes.
    pub requested: u64,
    /// What was left unreserved.
    pub available: u64,
    /// The whole budget.
    pub budget: u64,
}

#[derive(Debug)]
struct Pool {
    limit: u64,
    used: AtomicU64,
}

/// A thread-safe byte budget; clones share the same pool.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    pool: Arc<Pool>,
}

impl MemoryBudget {
    /// A budget of `limit` bytes, nothing reserved.
    pub fn new(limit: u64) -> Self {
        Self {
            pool: Arc::new(Pool {
                limit,
                used: AtomicU64::new(0),
            }),
        }
    }

    /// The whole budget.
    pub fn limit(&self) -> u64 {
        self.pool.limit
    }

    /// Bytes held by live reservations.
    pub fn reserved(&self) -> u64 {
        self.pool.used.load(Ordering::Acquire)
    }

    /// Bytes still free.
    pub fn available(&self) -> u64 {
        self.pool.limit.saturating_sub(self.reserved())
    }

    /// Reserves `bytes` for `consumer`, or refuses without reserving anything.
    pub fn try_reserve(
        &self,
        consumer: &'static str,
        bytes: u64,
    ) -> Result<Reservation, BudgetExceeded> {
        self.pool.take(consumer, bytes)?;
        Ok(Reservation {
            pool: Arc::clone(&self.pool),
            consumer,
            bytes,
        })
    }
}

impl Pool {
    fn take(&self, consumer: &'static str, bytes: u64) -> Result<(), BudgetExceeded> {
        let mut used = self.used.load(Ordering::Acquire);
        loop {
            let new =
                used.checked_add(bytes)
                    .filter(|n| *n <= self.limit)
                    .ok_or(BudgetExceeded {
                        consumer,
                        requested: bytes,
                        available: self.limit.saturating_sub(used),
                        budget: self.limit,
                    })?;
            match self
                .used
                .compare_exchange_weak(used, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => used = actual,
            }
        }
    }

    fn give(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// Bytes held in a [`MemoryBudget`]; released when dropped.
#[must_use = "the bytes are released as soon as the reservation is dropped"]
#[derive(Debug)]
pub struct Reservation {
    pool: Arc<Pool>,
    consumer: &'static str,
    bytes: u64,
}

impl Reservation {
    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Who holds it.
    pub fn consumer(&self) -> &'static str {
        self.consumer
    }

    /// Holds `more` bytes in addition, or refuses and keeps what it had.
    pub fn grow(&mut self, more: u64) -> Result<(), BudgetExceeded> {
        self.pool.take(self.consumer, more)?;
        self.bytes += more;
        Ok(())
    }

    /// Gives back up to `less` bytes.
    pub fn shrink(&mut self, less: u64) {
        let less = less.min(self.bytes);
        self.pool.give(less);
        self.bytes -= less;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.pool.give(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_grow_shrink_release() {
        let budget = MemoryBudget::new(1000);
        let mut a = budget.try_reserve("a", 600).expect("fits");
        let err = budget.try_reserve("b", 500).expect_err("does not fit");
        assert_eq!(
            (err.consumer, err.requested, err.available, err.budget),
            ("b", 500, 400, 1000)
        );
        assert!(
            err.to_string()
                .contains("refused b: asked for 500 B, 400 B of 1000 B remain"),
            "{err}"
        );
        assert!(a.grow(500).is_err());
        assert_eq!(a.bytes(), 600);
        a.grow(400).expect("fits exactly");
        assert_eq!(budget.available(), 0);
        a.shrink(900);
        assert_eq!(budget.reserved(), 100);
        drop(a);
        assert_eq!(budget.reserved(), 0);
    }

    #[test]
    fn sum_of_live_reservations_never_exceeds_the_budget() {
        const LIMIT: u64 = 10_000;
        let budget = MemoryBudget::new(LIMIT);
        let peak = Arc::new(AtomicU64::new(0));
        std::thread::scope(|s| {
            for t in 0..4u64 {
                let budget = budget.clone();
                let peak = Arc::clone(&peak);
                s.spawn(move || {
                    let mut held = Vec::new();
                    // A deterministic pseudo-random walk of reserve and release.
                    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ t;
                    for _ in 0..20_000 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        if x.is_multiple_of(3) && !held.is_empty() {
                            drop(held.swap_remove((x as usize / 3) % held.len()));
                        } else if let Ok(r) = budget.try_reserve("walker", 1 + x % 1500) {
                            held.push(r);
                        }
                        let now = budget.reserved();
                        assert!(now <= LIMIT, "reserved {now} > {LIMIT}");
                        peak.fetch_max(now, Ordering::Relaxed);
                    }
                });
            }
        });
        assert_eq!(budget.reserved(), 0, "every reservation released on drop");
        assert!(
            peak.load(Ordering::Relaxed) > LIMIT / 2,
            "the walk did fill the budget"
        );
    }
}
