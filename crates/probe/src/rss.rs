//! Resident memory of this process, as the OS accounts it.

use crate::ProbeError;
use crate::sys::ProcessMemory;

/// Reads this process's resident memory cheaply and repeatedly.
///
/// On Linux it keeps `/proc/self/statm` open and re-reads it with `pread`, so a
/// reading is one system call and a short parse (well under a microsecond).
#[derive(Debug)]
pub struct RssReader {
    #[cfg(target_os = "linux")]
    statm: std::fs::File,
    #[cfg(target_os = "linux")]
    page_size: u64,
}

#[cfg(target_os = "linux")]
const STATM: &str = "/proc/self/statm";

impl RssReader {
    /// Opens whatever the platform needs for repeated readings.
    pub fn new() -> Result<Self, ProbeError> {
        #[cfg(target_os = "linux")]
        {
            let statm = std::fs::File::open(STATM).map_err(|e| ProbeError::io(STATM, e))?;
            Ok(Self {
                statm,
                page_size: page_size()?,
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            // Fail now, not at the first reading, where the platform has no method.
            let reader = Self {};
            reader.read()?;
            Ok(reader)
        }
    }

    /// The resident set size in bytes.
    pub fn rss_bytes(&self) -> Result<u64, ProbeError> {
        #[cfg(target_os = "linux")]
        {
            self.read_statm()
        }
        #[cfg(not(target_os = "linux"))]
        {
            self.read().map(|m| m.rss_bytes)
        }
    }

    /// The resident set size and, where the platform has it, the footprint.
    pub fn read(&self) -> Result<ProcessMemory, ProbeError> {
        #[cfg(target_os = "linux")]
        {
            Ok(ProcessMemory {
                rss_bytes: self.read_statm()?,
                footprint_bytes: None,
            })
        }
        #[cfg(target_os = "macos")]
        {
            crate::sys::macos::process_memory()
        }
        #[cfg(windows)]
        {
            crate::sys::windows::process_memory()
        }
        #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
        {
            Err(ProbeError::Unsupported {
                what: "resident memory (RSS)",
            })
        }
    }

    /// The resident set size and the virtual size (all mapped address space, what
    /// `RLIMIT_AS` limits) in bytes, from one reading; the virtual size is `None` where
    /// the platform has no cheap figure for it (everywhere but Linux).
    pub fn rss_and_virtual_bytes(&self) -> Result<(u64, Option<u64>), ProbeError> {
        #[cfg(target_os = "linux")]
        {
            let (size, resident) = self.read_statm_pages()?;
            Ok((resident * self.page_size, Some(size * self.page_size)))
        }
        #[cfg(not(target_os = "linux"))]
        {
            Ok((self.rss_bytes()?, None))
        }
    }

    #[cfg(target_os = "linux")]
    fn read_statm(&self) -> Result<u64, ProbeError> {
        Ok(self.read_statm_pages()?.1 * self.page_size)
    }

    /// (size, resident) in pages.
    #[cfg(target_os = "linux")]
    fn read_statm_pages(&self) -> Result<(u64, u64), ProbeError> {
        use std::os::unix::fs::FileExt;
        let mut buf = [0u8; 256];
        let n = self
            .statm
            .read_at(&mut buf, 0)
            .map_err(|e| ProbeError::io(STATM, e))?;
        parse_statm(&buf[..n])
            .ok_or_else(|| ProbeError::parse(STATM, "expected at least two page counts"))
    }
}

/// The first two fields of `/proc/self/statm` (size and resident pages), parsed
/// without allocating.
#[cfg(any(target_os = "linux", test))]
fn parse_statm(buf: &[u8]) -> Option<(u64, u64)> {
    fn number(field: &[u8]) -> Option<u64> {
        if field.is_empty() {
            return None;
        }
        let mut value: u64 = 0;
        for &b in field {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        Some(value)
    }
    let mut fields = buf.split(|b| *b == b' ');
    let size = number(fields.next()?)?;
    let resident = number(fields.next()?)?;
    Some((size, resident))
}

/// The page size of this machine, from `sysconf`, never assumed.
#[cfg(unix)]
pub fn page_size() -> Result<u64, ProbeError> {
    // SAFETY: sysconf has no preconditions; it only reads a system constant.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size)
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| ProbeError::last_os("sysconf(_SC_PAGESIZE)"))
}

/// The highest resident set size this process has reached, in bytes.
///
/// Linux: `VmHWM` from `/proc/self/status`. Not `getrusage`: Linux carries `ru_maxrss`
/// across `execve`, so a process started by a large parent (`cargo run`, a test
/// harness) would report the parent's peak at fork time as its own.
/// Other Unix: `getrusage(RUSAGE_SELF)` (`ru_maxrss` is bytes on macOS).
/// Windows: `PeakWorkingSetSize`.
pub fn peak_rss_bytes() -> Result<u64, ProbeError> {
    #[cfg(target_os = "linux")]
    {
        const STATUS: &str = "/proc/self/status";
        let text = std::fs::read_to_string(STATUS).map_err(|e| ProbeError::io(STATUS, e))?;
        text.lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .ok_or_else(|| ProbeError::parse(STATUS, "expected a line `VmHWM: N kB`"))
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        // SAFETY: an all-zero rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid, writable rusage for the call to fill.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
        if rc != 0 {
            return Err(ProbeError::last_os("getrusage"));
        }
        let max = u64::try_from(usage.ru_maxrss).unwrap_or(0);
        if cfg!(target_os = "macos") {
            Ok(max)
        } else {
            Ok(max * 1024)
        }
    }
    #[cfg(windows)]
    {
        crate::sys::windows::peak_working_set()
    }
    #[cfg(not(any(unix, windows)))]
    {
        Err(ProbeError::Unsupported {
            what: "peak resident memory",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statm_parse() {
        assert_eq!(parse_statm(b"1000 250 30 4 0 90 0\n"), Some((1000, 250)));
        assert_eq!(parse_statm(b"1000"), None);
        assert_eq!(parse_statm(b"1000 x2 3"), None);
        assert_eq!(parse_statm(b""), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_nonzero_rss() {
        let reader = RssReader::new().expect("statm opens");
        let rss = reader.rss_bytes().expect("statm reads");
        assert!(rss > 0);
        assert_eq!(rss % page_size().expect("page size"), 0);
        assert!(peak_rss_bytes().expect("peak RSS") >= rss / 2);
    }
}
