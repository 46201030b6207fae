//! Before anything is written: the refusals (the process already too big, an address
//! space too small for the threads, an estimate above the hard limit, too few open
//! files for one part), how many parts run at once within the soft limit and the
//! open-file limit, and the byte budget's first reservations (master data, the master
//! sink, every lane's sinks).

use crate::config::Config;
use crate::error::Error;
use crate::estimate::{BASELINE_BYTES, MemoryEstimate};
use crate::plan::RunPlan;
use synth_guard::{LimitSource, MemoryBudget, MemoryGuardConfig, Reservation, format_bytes};
use tracing::{info, warn};

/// Address space a spawned thread maps for its stack (Rust's default, 2 MiB).
const THREAD_STACK_BYTES: u64 = 2 << 20;
/// Descriptors the health server may hold: its 16 connections and its listener.
const HEALTH_SERVER_FILES: u64 = 17;

/// What the checks before a run leave: the parts at once, the estimate for them, and
/// the reservations taken (held until the run ends).
pub(crate) struct Preflight {
    /// Resident (or, under an address-space limit, mapped) bytes before the run.
    pub(crate) rss_now: u64,
    /// The estimate for the parts at once.
    pub(crate) estimate: MemoryEstimate,
    /// The run's byte budget (`hard − rss_now`).
    pub(crate) budget: MemoryBudget,
    /// The master data's reservation.
    pub(crate) master_data: Reservation,
    /// The master tables' sink's reservation (empty when the run writes none).
    pub(crate) master_sink: Reservation,
    /// One reservation per lane that fits (its sinks and I/O thread).
    pub(crate) part_sinks: Vec<Reservation>,
}

/// The numbers a refusal or a stop reports, and what would give the run more memory.
pub(crate) struct Limits<'a> {
    /// The run's config.
    pub(crate) config: &'a Config,
    /// Its guard's limits and their source.
    pub(crate) guard: &'a MemoryGuardConfig,
}

impl Limits<'_> {
    /// A refusal before anything is written, at `used` bytes, saying `hint`.
    pub(crate) fn refuse(&self, used: u64, hint: String) -> Error {
        Error::MemoryExceeded {
            used,
            projected: used,
            limit: self.guard.hard_limit.0,
            limit_source: self.guard.limit_source.clone(),
            records_written: 0,
            refused_up_front: true,
            hint,
        }
    }

    /// What gives a run more memory (at least `recommended`, and after a stop at
    /// `reached` bytes at least a quarter above both that and the limit the run had,
    /// never a number the run already had): a higher configured limit when the limit is
    /// the configured one; otherwise a bigger container or machine, since the
    /// configured limit is already above what the machine allows.
    pub(crate) fn more_memory(&self, recommended: u64, reached: u64) -> String {
        let hard = self.guard.hard_limit.0;
        let had = self
            .config
            .global
            .memory_limit
            .map_or(hard, |l| l.0)
            .max(hard);
        let floor = match reached {
            0 => 0,
            r => r.max(had).saturating_add(r.max(had) / 4),
        };
        let need = format_bytes(recommended.max(floor));
        match &self.guard.limit_source {
            LimitSource::Configured => {
                format!("raise global.memory_limit to at least {need}")
            }
            source => format!(
                "the limit comes from {source}, so raising global.memory_limit cannot help: \
                 run with more memory (at least {need})"
            ),
        }
    }
}

impl Preflight {
    /// Checks `plan` against the limits, decides the parts at once and takes the first
    /// reservations; an error refuses the run before anything is written.
    pub(crate) fn new(
        plan: &RunPlan,
        limits: &Limits<'_>,
        estimate: &MemoryEstimate,
    ) -> Result<Self, Error> {
        let (hard, soft) = (limits.guard.hard_limit.0, limits.guard.soft_limit.0);
        let source = &limits.guard.limit_source;
        let o = &limits.config.output;
        // Under an address-space limit, what counts is the mapped size, and the
        // allocator must not reserve an arena per thread (done before any is spawned).
        let (rss, virtual_size) = synth_probe::RssReader::new()?.rss_and_virtual_bytes()?;
        let rss_now = if *source == LimitSource::RlimitAs {
            synth_probe::fit_allocator_to_address_space();
            rss.max(virtual_size.unwrap_or(0))
        } else {
            rss
        };
        // As many parts at once as asked for and as the soft limit holds; at least one
        // if the hard limit holds it.
        let wanted = plan.lanes_wanted;
        if *source == LimitSource::RlimitAs && estimate.threads > 1 && wanted == 1 {
            info!(
                "the limit is an address-space limit ({source}): generating one part at a time instead of {}",
                estimate.threads
            );
        }
        let fits_hard = estimate.with_threads(1).threads_within(hard);
        let mut lanes = wanted.min(estimate.threads_within(soft).max(1));
        if plan.streams() && fits_hard == 0 {
            lanes = 0;
        }
        let e = estimate.with_threads(lanes.max(1));
        let more = |reached| limits.more_memory(e.recommended_limit, reached);
        if rss_now >= hard {
            return Err(limits.refuse(
                e.streaming_peak,
                format!(
                    "the process already uses {} before generating anything, and the run's estimate is {}; {}",
                    format_bytes(rss_now),
                    format_bytes(e.streaming_peak),
                    limits.more_memory(estimate.recommended_limit, 0)
                ),
            ));
        }
        // Under an address-space limit the process's mapped size at this point (binary,
        // libraries, arenas) replaces the estimate's baseline, and every thread maps a
        // stack: a run whose mapped size would pass the limit is refused now, rather than
        // failing an allocation later (an abort).
        if *source == LimitSource::RlimitAs {
            let threads = 1 + 3 * lanes.max(1);
            let mapped = rss_now
                + e.streaming_peak.saturating_sub(BASELINE_BYTES)
                + threads * THREAD_STACK_BYTES;
            if mapped > hard {
                return Err(limits.refuse(
                    mapped,
                    format!(
                        "the process maps {} already and its {threads} threads' stacks and buffers need {} more; {}",
                        format_bytes(rss_now),
                        format_bytes(mapped - rss_now),
                        limits.more_memory(estimate.recommended_limit, 0)
                    ),
                ));
            }
        }
        if e.streaming_peak > hard {
            return Err(limits.refuse(
                e.streaming_peak,
                format!(
                    "{}, or lower output.batch_size ({}), output.channel_capacity ({}), \
                     output.buffer_bytes or master_data",
                    limits.more_memory(estimate.recommended_limit, 0),
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
        // The byte budget: every large allocation of the run holds a reservation in it,
        // taken before it allocates. Master data, the master sink and each running
        // part's sinks reserve here, so a run that cannot hold them is refused before
        // anything is written (or runs fewer parts at once); batches reserve as a part's
        // generator creates them, and a batch that does not fit stops the run.
        let budget = MemoryBudget::new(hard.saturating_sub(rss_now));
        let reserve = |consumer, bytes| {
            budget
                .try_reserve(consumer, bytes)
                .map_err(|b| limits.refuse(e.streaming_peak, format!("{b}; {}", more(0))))
        };
        let options = &plan.sink_options;
        let sink_bytes = options.memory_bytes(o.format, plan.behind_io);
        let master_data = reserve("master data", e.master_data)?;
        // Master tables are written one at a time through one sink's buffers.
        let master_sink = reserve(
            "master table sink",
            if plan.masters { sink_bytes } else { 0 },
        )?;
        let lanes = open_files(plan, limits.config, lanes)?;
        let mut part_sinks = Vec::new();
        for lane in 0..lanes {
            // What the estimate holds for a part's sinks: a Parquet table's buffer is
            // never more than what it writes in a part (a table of a few rows a part
            // holds a few pages, not a row group).
            let lane_bytes = e.writer_buffers + options.thread_bytes(o.format);
            match budget.try_reserve("part sinks", lane_bytes) {
                Ok(r) => part_sinks.push(r),
                Err(b) if lane == 0 => {
                    return Err(limits.refuse(e.streaming_peak, format!("{b}; {}", more(0))));
                }
                Err(b) => {
                    warn!("{b}: running {lane} parts at once instead of {lanes}");
                    break;
                }
            }
        }
        Ok(Self {
            rss_now,
            estimate: e,
            budget,
            master_data,
            master_sink,
            part_sinks,
        })
    }
}

/// The parts at once (at most `lanes`) that the open-file limit holds: each running part
/// holds a file and a directory per streaming table; too few for one part refuses the
/// run.
fn open_files(plan: &RunPlan, config: &Config, lanes: u64) -> Result<u64, Error> {
    let Ok(Some(limit)) = synth_probe::open_files_limit() else {
        return Ok(lanes);
    };
    let fd = FdBudget {
        limit,
        open: synth_probe::open_files_now().unwrap_or(3),
        // Measured: 11 to 12.3 a part for 6 tables, 8 besides at most.
        per_part: 2 * plan.stream_tables + 1,
        besides: 4 + if config.server.health_addr.is_some() {
            HEALTH_SERVER_FILES
        } else {
            0
        },
    };
    match fd.parts_at_once() {
        0 if plan.streams() || plan.masters => Err(Error::OpenFiles {
            limit,
            needed: fd.needed(1),
        }),
        n if n < lanes => {
            warn!(
                "at most {limit} files may be open at once (RLIMIT_NOFILE): running {n} parts at once instead of {lanes}"
            );
            Ok(n)
        }
        _ => Ok(lanes),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advice_after_a_stop_is_never_a_limit_the_run_had() {
        const MIB: u64 = 1 << 20;
        let mut config = Config::default();
        config.global.memory_limit = Some(synth_guard::ByteSize(100 * MIB));
        let mut guard = MemoryGuardConfig::with_hard_limit(100 * MIB);
        guard.limit_source = LimitSource::Configured;
        let limits = Limits {
            config: &config,
            guard: &guard,
        };
        // The estimate recommended 84 MiB; the run stopped at 95 MiB of a 100 MiB limit:
        // the advice is a quarter above the limit, 125 MiB, not the 84 MiB it had.
        let advice = limits.more_memory(84 * MIB, 95 * MIB);
        assert!(advice.contains("125.0 MiB"), "{advice}");
        assert!(advice.contains("global.memory_limit"), "{advice}");
        // Before a run (nothing reached), the estimate's recommendation stands.
        let advice = limits.more_memory(84 * MIB, 0);
        assert!(advice.contains("84.0 MiB"), "{advice}");
        // A limit that comes from the machine cannot be raised by the config.
        guard.limit_source = LimitSource::PhysicalRam;
        let limits = Limits {
            config: &config,
            guard: &guard,
        };
        let advice = limits.more_memory(84 * MIB, 95 * MIB);
        assert!(advice.contains("cannot help"), "{advice}");
    }

    #[test]
    fn open_files_make_fewer_parts_at_once_or_none() {
        let fd = FdBudget {
            limit: 64,
            open: 5,
            per_part: 13,
            besides: 4,
        };
        assert_eq!(fd.parts_at_once(), 4);
        assert_eq!(fd.needed(1), 22);
        let tight = FdBudget { limit: 20, ..fd };
        assert_eq!(tight.parts_at_once(), 0);
        let none = FdBudget { per_part: 0, ..fd };
        assert_eq!(
            none.parts_at_once(),
            u64::MAX,
            "no streaming table: no limit"
        );
    }
}
