//! What the OS says about this process's memory: resident size, peak, the effective
//! limit and where it comes from, memory pressure, and exact heap bytes.
//!
//! ```no_run
//! use synth_probe::{LimitDiscovery, RssReader};
//! let rss = RssReader::new()?;
//! println!("rss = {} bytes", rss.rss_bytes()?);
//! let limit = LimitDiscovery::system().discover()?;
//! println!("limit = {} bytes from {}", limit.bytes, limit.source);
//! # Ok::<(), synth_probe::ProbeError>(())
//! ```
//!
//! Methods: Linux re-reads `/proc/self/statm` (kept open) with `pread`; macOS calls
//! `task_info(MACH_TASK_BASIC_INFO)`; Windows calls `GetProcessMemoryInfo`. Any other
//! platform gets [`ProbeError::Unsupported`], never a silent 0.
//!
//! This crate never decides anything: it reports. Policy lives in `synth-guard`. It is
//! the only crate of the workspace with `unsafe` code (FFI and the allocator), each
//! block justified by a `// SAFETY:` comment.
#![allow(unsafe_code)]

mod alloc;
mod clock;
mod error;
mod limit;
mod pressure;
mod rss;
mod sys;

pub use alloc::{CountingAllocator, allocation_count, heap_bytes};
pub use clock::monotonic_coarse;
pub use error::ProbeError;
pub use limit::{
    CgroupInfo, CgroupVersion, EffectiveLimit, LimitDiscovery, LimitSource, V1_UNLIMITED,
    address_space_limit, open_files_limit, open_files_now,
};
pub use pressure::{Pressure, SYSTEM_PRESSURE, read_pressure};
#[cfg(unix)]
pub use rss::page_size;
pub use rss::{RssReader, peak_rss_bytes};
pub use sys::ProcessMemory;

/// System-wide memory pressure (`/proc/pressure/memory`), `Ok(None)` where absent.
pub fn system_pressure() -> Result<Option<Pressure>, ProbeError> {
    read_pressure(std::path::Path::new(SYSTEM_PRESSURE))
}

/// Keeps the allocator's address-space reservations small, for a process under an
/// address-space limit (`RLIMIT_AS`): glibc reserves 64 MiB of address space for each
/// thread's arena (up to 8 per core), which an `RLIMIT_AS` counts although little of it
/// is ever touched, so a thread's first allocation can fail far below the limit. With
/// `max_arenas` = 1 every thread shares the main heap. Call it before spawning threads.
/// glibc only; elsewhere a no-op returning `false`.
///
/// It also bounds a run's resident size: each arena keeps what its threads freed, so
/// the peak grew with the threads that ever allocated. A run of 10 M entries to CSV,
/// two parts at once, peaks at 60.0 MB with two arenas against 64.5-65.6 MB with
/// glibc's default.
pub fn limit_allocator_arenas(max_arenas: u32) -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let n = libc::c_int::try_from(max_arenas.max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a glibc tunable; M_ARENA_MAX takes any positive count.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, n) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = max_arenas;
        false
    }
}

/// Under an address-space limit, limits the allocator to one arena (see
/// [`limit_allocator_arenas`]); returns whether it did. Call it first thing in `main`.
pub fn fit_allocator_to_address_space() -> bool {
    matches!(address_space_limit(), Ok(Some(_))) && limit_allocator_arenas(1)
}

/// Gives freed heap memory back to the OS where the allocator allows it.
///
/// glibc: `malloc_trim(0)`, returns `true` if memory was released. Elsewhere a no-op
/// returning `false`.
pub fn trim_allocator() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks glibc's own heap; 0 keeps no padding.
        unsafe { libc::malloc_trim(0) != 0 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
