//! The effective memory limit of this process and where it comes from.
//!
//! Discovery order (the smallest wins):
//! 1. cgroup v2 `memory.max`, from the process's own cgroup up to the mount root;
//! 2. cgroup v1 `memory.limit_in_bytes` and `hierarchical_memory_limit` (`memory.stat`);
//! 3. `RLIMIT_AS`, then `RLIMIT_DATA`;
//! 4. physical RAM (`MemTotal`).
//!
//! The cgroup code reads everything below a root directory (`/` in production), so
//! tests run on fixture trees.

use crate::ProbeError;
use crate::pressure::{Pressure, read_pressure};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where an effective limit was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitSource {
    /// cgroup v2 `memory.max` in this directory.
    CgroupV2 {
        /// The cgroup directory whose `memory.max` is the limit.
        path: PathBuf,
    },
    /// cgroup v1 memory controller limit in this directory.
    CgroupV1 {
        /// The cgroup directory whose limit applies.
        path: PathBuf,
    },
    /// The address-space rlimit (`ulimit -v`).
    RlimitAs,
    /// The data-segment rlimit (`ulimit -d`).
    RlimitData,
    /// Physical RAM: no tighter limit was found.
    PhysicalRam,
    /// Given by the user (config or command line).
    Configured,
}

impl LimitSource {
    /// A short stable name for scripts and metrics (`cgroup_v2`, `rlimit_as`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CgroupV2 { .. } => "cgroup_v2",
            Self::CgroupV1 { .. } => "cgroup_v1",
            Self::RlimitAs => "rlimit_as",
            Self::RlimitData => "rlimit_data",
            Self::PhysicalRam => "physical_ram",
            Self::Configured => "configured",
        }
    }
}

impl fmt::Display for LimitSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CgroupV2 { path } => write!(f, "cgroup v2 memory.max in {}", path.display()),
            Self::CgroupV1 { path } => write!(f, "cgroup v1 memory limit in {}", path.display()),
            Self::RlimitAs => f.write_str("RLIMIT_AS (ulimit -v)"),
            Self::RlimitData => f.write_str("RLIMIT_DATA (ulimit -d)"),
            Self::PhysicalRam => f.write_str("physical RAM"),
            Self::Configured => f.write_str("configured limit"),
        }
    }
}

/// The memory this process may use before the OS refuses or kills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveLimit {
    /// The limit in bytes: the smallest of all limits found.
    pub bytes: u64,
    /// Where that smallest limit comes from.
    pub source: LimitSource,
    /// cgroup v2 `memory.high`: above it the kernel throttles and reclaims.
    pub soft_ceiling: Option<u64>,
    /// Physical RAM (`MemTotal`).
    pub total_ram: u64,
    /// `MemAvailable`: what could be had now without swapping.
    pub available_ram: Option<u64>,
}

/// Which cgroup version a reading came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupVersion {
    /// The unified hierarchy.
    V2,
    /// The legacy memory controller.
    V1,
}

/// What the process's memory cgroup says.
#[derive(Debug, Clone, PartialEq)]
pub struct CgroupInfo {
    /// Which hierarchy this came from.
    pub version: CgroupVersion,
    /// The process's own cgroup directory (below the root given to discovery).
    pub dir: PathBuf,
    /// The tightest limit on the way to the mount root, and the directory holding it.
    pub limit: Option<(u64, PathBuf)>,
    /// The tightest v2 `memory.high` on the way up.
    pub high: Option<u64>,
    /// The cgroup's own `memory.pressure` (v2), if present.
    pub pressure: Option<Pressure>,
}

/// Values at or above this mean "unlimited" in cgroup v1 (2^63 rounded down to a page).
pub const V1_UNLIMITED: u64 = (1 << 63) - 4096;

/// Finds the effective limit; reads files below `root` (default `/`).
#[derive(Debug, Clone)]
pub struct LimitDiscovery {
    root: PathBuf,
    rlimits: bool,
}

impl Default for LimitDiscovery {
    fn default() -> Self {
        Self::system()
    }
}

impl LimitDiscovery {
    /// Discovery on the real system.
    pub fn system() -> Self {
        Self {
            root: PathBuf::from("/"),
            rlimits: true,
        }
    }

    /// Discovery on a tree laid out like `/` (with `proc/self/cgroup`,
    /// `proc/self/mountinfo`, `proc/meminfo` and the cgroup mounts below it).
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            rlimits: true,
        }
    }

    /// Leaves this process's rlimits out (fixture tests want the tree alone).
    pub fn ignore_rlimits(mut self) -> Self {
        self.rlimits = false;
        self
    }

    fn path(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    /// Finds the smallest limit that applies to this process.
    pub fn discover(&self) -> Result<EffectiveLimit, ProbeError> {
        let (total_ram, available_ram) = self.ram()?;
        let mut best = (total_ram, LimitSource::PhysicalRam);
        let mut consider = |bytes: u64, source: LimitSource| {
            if bytes < best.0 {
                best = (bytes, source);
            }
        };
        let mut soft_ceiling = None;
        for cg in self.cgroups()? {
            if let Some((bytes, path)) = cg.limit {
                let source = match cg.version {
                    CgroupVersion::V2 => LimitSource::CgroupV2 { path },
                    CgroupVersion::V1 => LimitSource::CgroupV1 { path },
                };
                consider(bytes, source);
            }
            soft_ceiling = min_opt(soft_ceiling, cg.high);
        }
        if self.rlimits {
            if let Some(bytes) = rlimit(Rlimit::As)? {
                consider(bytes, LimitSource::RlimitAs);
            }
            if let Some(bytes) = rlimit(Rlimit::Data)? {
                consider(bytes, LimitSource::RlimitData);
            }
        }
        Ok(EffectiveLimit {
            bytes: best.0,
            source: best.1,
            soft_ceiling,
            total_ram,
            available_ram,
        })
    }

    /// Physical RAM and what is available now.
    fn ram(&self) -> Result<(u64, Option<u64>), ProbeError> {
        #[cfg(target_os = "linux")]
        {
            let path = self.path("/proc/meminfo");
            let text = read_file(&path)?.ok_or_else(|| {
                ProbeError::io(&path, std::io::Error::from(std::io::ErrorKind::NotFound))
            })?;
            let total = meminfo_field(&text, "MemTotal:")
                .ok_or_else(|| ProbeError::parse(&path, "expected a line `MemTotal: N kB`"))?;
            Ok((total, meminfo_field(&text, "MemAvailable:")))
        }
        #[cfg(target_os = "macos")]
        {
            Ok((crate::sys::macos::total_ram()?, None))
        }
        #[cfg(windows)]
        {
            Ok((
                crate::sys::windows::total_ram()?,
                crate::sys::windows::available_ram(),
            ))
        }
        #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
        {
            Err(ProbeError::Unsupported {
                what: "physical RAM",
            })
        }
    }

    /// The memory cgroups of this process: a v2 one, a v1 one, both (hybrid), or none.
    pub fn cgroups(&self) -> Result<Vec<CgroupInfo>, ProbeError> {
        let cgroup_file = self.path("/proc/self/cgroup");
        let Some(cgroup_text) = read_file(&cgroup_file)? else {
            return Ok(Vec::new());
        };
        let mountinfo_file = self.path("/proc/self/mountinfo");
        let Some(mountinfo) = read_file(&mountinfo_file)? else {
            return Ok(Vec::new());
        };
        let mounts = parse_mountinfo(&mountinfo, &mountinfo_file)?;

        let mut found = Vec::new();
        for line in cgroup_text.lines().filter(|l| !l.trim().is_empty()) {
            let mut parts = line.splitn(3, ':');
            let (Some(_id), Some(controllers), Some(cg_path)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(ProbeError::parse(
                    &cgroup_file,
                    format!("expected `id:controllers:path`, got {line:?}"),
                ));
            };
            let version = if controllers.is_empty() {
                CgroupVersion::V2
            } else if controllers.split(',').any(|c| c == "memory") {
                CgroupVersion::V1
            } else {
                continue;
            };
            let Some(mount) = mounts.iter().find(|m| match version {
                CgroupVersion::V2 => m.fstype == "cgroup2",
                CgroupVersion::V1 => {
                    m.fstype == "cgroup" && m.super_opts.split(',').any(|o| o == "memory")
                }
            }) else {
                continue;
            };
            let mount_dir = self.path(&mount.mount_point);
            let rel = cg_path.strip_prefix(mount.root.as_str()).unwrap_or(cg_path);
            let rel = rel.trim_start_matches('/');
            let mut dir = if rel.is_empty() {
                mount_dir.clone()
            } else {
                mount_dir.join(rel)
            };
            if !dir.is_dir() {
                // A cgroup namespace can hide the path: the mount root is then ours.
                dir = mount_dir.clone();
            }
            found.push(match version {
                CgroupVersion::V2 => read_v2(&dir, &mount_dir)?,
                CgroupVersion::V1 => read_v1(&dir)?,
            });
        }
        Ok(found)
    }
}

struct Mount {
    root: String,
    mount_point: String,
    fstype: String,
    super_opts: String,
}

fn parse_mountinfo(text: &str, path: &Path) -> Result<Vec<Mount>, ProbeError> {
    let mut mounts = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (pre, post) = line.split_once(" - ").ok_or_else(|| {
            ProbeError::parse(path, format!("expected ` - ` separator in {line:?}"))
        })?;
        let pre: Vec<&str> = pre.split(' ').collect();
        let post: Vec<&str> = post.split(' ').collect();
        if pre.len() < 5 || post.len() < 3 {
            return Err(ProbeError::parse(
                path,
                format!("too few fields in {line:?}"),
            ));
        }
        mounts.push(Mount {
            root: unescape_mount(pre[3]),
            mount_point: unescape_mount(pre[4]),
            fstype: post[0].to_string(),
            super_opts: post[2].to_string(),
        });
    }
    Ok(mounts)
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo` octal.
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_v2(dir: &Path, mount_dir: &Path) -> Result<CgroupInfo, ProbeError> {
    let mut limit: Option<(u64, PathBuf)> = None;
    let mut high = None;
    let mut level = Some(dir);
    while let Some(d) = level {
        if let Some(max) = read_v2_value(&d.join("memory.max"))?
            && limit.as_ref().is_none_or(|(b, _)| max < *b)
        {
            limit = Some((max, d.to_path_buf()));
        }
        high = min_opt(high, read_v2_value(&d.join("memory.high"))?);
        if d == mount_dir {
            break;
        }
        level = d.parent().filter(|p| p.starts_with(mount_dir));
    }
    let pressure = read_pressure(&dir.join("memory.pressure"))?;
    Ok(CgroupInfo {
        version: CgroupVersion::V2,
        dir: dir.to_path_buf(),
        limit,
        high,
        pressure,
    })
}

/// A v2 limit file: a number of bytes, or `max` for none; `Ok(None)` if absent.
fn read_v2_value(path: &Path) -> Result<Option<u64>, ProbeError> {
    let Some(text) = read_file(path)? else {
        return Ok(None);
    };
    let v = text.trim();
    if v == "max" {
        return Ok(None);
    }
    v.parse::<u64>().map(Some).map_err(|_| {
        ProbeError::parse(
            path,
            format!("expected a number of bytes or `max`, got {v:?}"),
        )
    })
}

fn read_v1(dir: &Path) -> Result<CgroupInfo, ProbeError> {
    let mut limit = None;
    let file = dir.join("memory.limit_in_bytes");
    if let Some(text) = read_file(&file)? {
        let v = text.trim();
        let bytes = v.parse::<u64>().map_err(|_| {
            ProbeError::parse(&file, format!("expected a number of bytes, got {v:?}"))
        })?;
        if bytes < V1_UNLIMITED {
            limit = Some((bytes, dir.to_path_buf()));
        }
    }
    let stat = dir.join("memory.stat");
    if let Some(text) = read_file(&stat)?
        && let Some(line) = text
            .lines()
            .find(|l| l.starts_with("hierarchical_memory_limit "))
    {
        let v = line["hierarchical_memory_limit ".len()..].trim();
        let bytes = v.parse::<u64>().map_err(|_| {
            ProbeError::parse(
                &stat,
                format!("expected hierarchical_memory_limit to be a number, got {v:?}"),
            )
        })?;
        if bytes < V1_UNLIMITED && limit.as_ref().is_none_or(|(b, _)| bytes < *b) {
            limit = Some((bytes, dir.to_path_buf()));
        }
    }
    Ok(CgroupInfo {
        version: CgroupVersion::V1,
        dir: dir.to_path_buf(),
        limit,
        high: None,
        pressure: None,
    })
}

/// The file's text, `Ok(None)` if it does not exist, an error naming it otherwise.
fn read_file(path: &Path) -> Result<Option<String>, ProbeError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProbeError::io(path, e)),
    }
}

#[cfg(any(target_os = "linux", test))]
fn meminfo_field(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The address-space limit of this process (`RLIMIT_AS`, `ulimit -v`) in bytes, `None`
/// when unlimited (and off Unix).
pub fn address_space_limit() -> Result<Option<u64>, ProbeError> {
    rlimit(Rlimit::As)
}

/// How many files this process may have open at once (`RLIMIT_NOFILE`, `ulimit -n`),
/// `None` when unlimited (and off Unix).
pub fn open_files_limit() -> Result<Option<u64>, ProbeError> {
    rlimit(Rlimit::Nofile)
}

/// How many file descriptors this process has open now (`/proc/self/fd`, `/dev/fd`);
/// `None` where the platform does not list them.
pub fn open_files_now() -> Option<u64> {
    let dir = if cfg!(target_os = "linux") {
        "/proc/self/fd"
    } else if cfg!(unix) {
        "/dev/fd"
    } else {
        return None;
    };
    // Less the descriptor of the listing itself.
    std::fs::read_dir(dir)
        .ok()
        .map(|d| (d.count() as u64).saturating_sub(1))
}

#[derive(Clone, Copy)]
enum Rlimit {
    As,
    Data,
    Nofile,
}

/// The soft rlimit in bytes, `None` when unlimited.
fn rlimit(which: Rlimit) -> Result<Option<u64>, ProbeError> {
    #[cfg(unix)]
    {
        let (resource, call) = match which {
            Rlimit::As => (libc::RLIMIT_AS, "getrlimit(RLIMIT_AS)"),
            Rlimit::Data => (libc::RLIMIT_DATA, "getrlimit(RLIMIT_DATA)"),
            Rlimit::Nofile => (libc::RLIMIT_NOFILE, "getrlimit(RLIMIT_NOFILE)"),
        };
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a valid, writable rlimit for the call to fill.
        let rc = unsafe { libc::getrlimit(resource, &mut lim) };
        if rc != 0 {
            return Err(ProbeError::last_os(call));
        }
        if lim.rlim_cur == libc::RLIM_INFINITY {
            Ok(None)
        } else {
            Ok(Some(lim.rlim_cur))
        }
    }
    #[cfg(not(unix))]
    {
        let _ = which;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_mount_points() {
        assert_eq!(unescape_mount(r"/a\040b"), "/a b");
        assert_eq!(unescape_mount("/plain"), "/plain");
    }

    #[test]
    fn meminfo() {
        let t = "MemTotal:       16384 kB\nMemFree: 1 kB\nMemAvailable:    8192 kB\n";
        assert_eq!(meminfo_field(t, "MemTotal:"), Some(16 << 20));
        assert_eq!(meminfo_field(t, "MemAvailable:"), Some(8 << 20));
        assert_eq!(meminfo_field(t, "Nope:"), None);
    }
}
