//! A cheap monotonic clock for checks that run between every batch.

use std::time::Duration;

/// Monotonic time since an arbitrary start, cheap enough to read very often.
///
/// Linux: `CLOCK_MONOTONIC_COARSE` (a few ns, resolution of one scheduler tick,
/// 1–4 ms). Elsewhere: `Instant` measured from the first call.
pub fn monotonic_coarse() -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC_COARSE always exists
        // on Linux >= 2.6.32, and on failure `ts` stays zero, which is still monotonic-safe.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed()
    }
}
