//! Platform calls that have no portable form.

#[cfg(target_os = "macos")]
pub(crate) mod macos;
#[cfg(windows)]
pub(crate) mod windows;

/// One reading of this process's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessMemory {
    /// Resident set size in bytes: the pages of this process that are in RAM.
    pub rss_bytes: u64,
    /// What the OS charges this process beyond RSS where it says so: macOS
    /// `phys_footprint`, Windows private bytes. `None` on Linux.
    pub footprint_bytes: Option<u64>,
}
