//! `manifest.json`: what a run wrote, whether it is complete, and how to check it.

use crate::dataset::dir::{MAX_MANIFEST_BYTES, OutputDir};
use crate::dataset::names::{MANIFEST_FILE, PARTIAL_SUFFIX, is_own_path};
use crate::dataset::shard::Shard;
use crate::{FileReport, SinkError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What was written for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableReport {
    /// Table name (file stem).
    pub table: String,
    /// Data rows written.
    pub rows: u64,
    /// Bytes written over all files of the table.
    pub bytes: u64,
    /// The files, in order.
    pub files: Vec<FileReport>,
}

/// One whole part of the streaming tables: the entries it covers. Its files are those
/// of [`Manifest::tables`] whose `part` is this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartReport {
    /// The part's number (from 0).
    pub part: u64,
    /// Index of its first journal entry.
    pub first_entry: u64,
    /// Journal entries in it.
    pub entries: u64,
}

/// Version of the manifest's format; readers should refuse a higher major version.
pub const MANIFEST_VERSION: u32 = 2;

/// The manifest of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `synthdata`.
    pub tool: String,
    /// The format of this file ([`MANIFEST_VERSION`]; 1 before parts existed).
    #[serde(default = "version_one")]
    pub manifest_version: u32,
    /// Version of the tool that wrote the files.
    pub version: String,
    /// `csv`, `jsonl`, `parquet` or `null`.
    pub format: String,
    /// The seed the data was generated from.
    pub seed: u64,
    /// `true` only if every requested entry was written and every file finished.
    pub complete: bool,
    /// Why the run ended early (`memory_limit`, `interrupted`, `error`), if it did.
    pub stop_reason: Option<String>,
    /// A human-readable account of the stop, if any.
    pub stop_message: Option<String>,
    /// Journal entries asked for.
    pub entries_requested: u64,
    /// Journal entries written.
    pub entries_written: u64,
    /// Journal entries per part.
    #[serde(default)]
    pub part_entries: u64,
    /// Parts the dataset has in all (over every shard).
    #[serde(default)]
    pub parts_total: u64,
    /// The shard this manifest is of (`None`: the whole dataset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// The whole parts, in order (all of them in a complete run).
    #[serde(default)]
    pub parts: Vec<PartReport>,
    /// Per table: rows, bytes, files and checksums of the whole files (master tables
    /// and whole parts).
    pub tables: Vec<TableReport>,
    /// Files left as `.partial` by a run that stopped: parts that were in flight. Not
    /// part of the dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial_files: Vec<FileReport>,
    /// The configuration as used (after command-line overrides).
    pub config: serde_json::Value,
    /// When this manifest was written, UTC (`2026-12-04T16:20:00Z`): for a finished run,
    /// when it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<String>,
}

fn version_one() -> u32 {
    1
}

impl Manifest {
    /// Writes the manifest atomically into `dir` (`manifest.json.partial`, synced, then
    /// renamed), using the room kept for it if the disk is full; on a disk too full even
    /// for that, as compact JSON (about half the size) before giving up.
    pub fn write(&self, dir: &OutputDir) -> Result<PathBuf, SinkError> {
        match dir.write_atomic(dir.manifest_name(), &self.encode(dir, true)?) {
            Err(SinkError::DiskFull { .. }) => {
                dir.write_atomic(dir.manifest_name(), &self.encode(dir, false)?)
            }
            other => other,
        }
    }

    /// The manifest as JSON (pretty, or compact) with a final newline.
    fn encode(&self, dir: &OutputDir, pretty: bool) -> Result<Vec<u8>, SinkError> {
        let path = dir.path().join(dir.manifest_name());
        let mut text = if pretty {
            serde_json::to_vec_pretty(self)
        } else {
            serde_json::to_vec(self)
        }
        .map_err(|e| SinkError::io("encode", &path, e.into()))?;
        text.push(b'\n');
        Ok(text)
    }

    /// As [`Manifest::write`]; if the disk is too full to hold the old manifest and the
    /// new one at once, the old one (this run's own) is removed first and the write
    /// tried again, so the manifest left does not say the run is still running.
    pub fn write_replacing(&self, dir: &OutputDir) -> Result<PathBuf, SinkError> {
        match self.write(dir) {
            Err(SinkError::DiskFull { .. }) if dir.is_regular_file(dir.manifest_name())? => {
                dir.remove(dir.manifest_name())?;
                self.write(dir)
            }
            other => other,
        }
    }

    /// Writes the manifest atomically as [`Manifest::write`] does, without touching the
    /// room kept for the final manifest (a run's progress, after each part).
    pub fn write_progress(&self, dir: &OutputDir) -> Result<PathBuf, SinkError> {
        dir.write_atomic_unreserved(dir.manifest_name(), &self.encode(dir, true)?)
    }

    /// Reads a manifest back.
    pub fn read(dir: &Path) -> Result<Self, SinkError> {
        Self::read_named(dir, MANIFEST_FILE)
    }

    /// Reads the manifest `name` (a shard's) back: a regular file (never a FIFO, a
    /// device or a link) of at most [`MAX_MANIFEST_BYTES`], every path it lists one the
    /// tool writes (see [`is_own_path`]).
    pub fn read_named(dir: &Path, name: &str) -> Result<Self, SinkError> {
        let path = dir.join(name);
        let text = read_regular(&path, MAX_MANIFEST_BYTES, "manifest")?;
        let manifest: Self =
            serde_json::from_slice(&text).map_err(|e| SinkError::io("parse", &path, e.into()))?;
        manifest.check_paths(&path)?;
        Ok(manifest)
    }

    /// Every file path this manifest lists, whole or `.partial`.
    pub fn listed_paths(&self) -> impl Iterator<Item = &str> {
        self.tables
            .iter()
            .flat_map(|t| &t.files)
            .chain(&self.partial_files)
            .map(|f| f.path.as_str())
    }

    /// Fails naming the first listed path that is not a file the tool writes in an
    /// output directory (`manifest` is the manifest's path, for the message).
    pub fn check_paths(&self, manifest: &Path) -> Result<(), SinkError> {
        match self.listed_paths().find(|p| !is_own_path(p)) {
            Some(listed) => Err(SinkError::ForeignPath {
                manifest: manifest.to_path_buf(),
                listed: listed.to_string(),
            }),
            None => Ok(()),
        }
    }
}

/// Records in the manifest `name` in `dir` that its run was aborted (`complete: false`,
/// `stop_reason: "interrupted"`, `message`): for a process about to end at once, so it
/// takes no lock. Written to `name.partial` (created new, not through a link), synced
/// and renamed over the manifest; a manifest being rewritten at that moment by the run
/// itself (its `.partial` exists) is left to that rewrite.
pub fn record_abort(dir: &Path, name: &str, message: &str) -> Result<(), SinkError> {
    use std::io::Write;
    let mut m = Manifest::read_named(dir, name)?;
    m.complete = false;
    m.stop_reason = Some("interrupted".into());
    m.stop_message = Some(message.into());
    let path = dir.join(name);
    let mut text =
        serde_json::to_vec_pretty(&m).map_err(|e| SinkError::io("encode", &path, e.into()))?;
    text.push(b'\n');
    let partial = dir.join(format!("{name}{}", PARTIAL_SUFFIX));
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits());
    }
    let mut file = options
        .open(&partial)
        .map_err(|e| SinkError::io("create", &partial, e))?;
    let written = file
        .write_all(&text)
        .and_then(|()| file.sync_data())
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|e| SinkError::io("write", &partial, e));
    if written.is_err() {
        // Created new above: ours to remove.
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Opens `path` for reading if it is a regular file: a link is not followed, and a
/// FIFO, a device or a directory is refused without blocking on it.
pub fn open_regular(path: &Path) -> Result<std::fs::File, SinkError> {
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use nix::fcntl::OFlag;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW).bits());
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32) {
            return SinkError::NotOurs {
                path: path.to_path_buf(),
            };
        }
        SinkError::io("open", path, e)
    })?;
    let meta = file
        .metadata()
        .map_err(|e| SinkError::io("inspect", path, e))?;
    if !meta.is_file() {
        return Err(SinkError::NotOurs {
            path: path.to_path_buf(),
        });
    }
    Ok(file)
}

/// Reads `path` whole if it is a regular file (see [`open_regular`]) of at most `max`
/// bytes (`what` names the kind of file in the error).
pub fn read_regular(path: &Path, max: u64, what: &'static str) -> Result<Vec<u8>, SinkError> {
    use std::io::Read;
    let file = open_regular(path)?;
    let len = file
        .metadata()
        .map_err(|e| SinkError::io("inspect", path, e))?
        .len();
    if len > max {
        return Err(SinkError::TooLarge {
            path: path.to_path_buf(),
            what,
            max,
        });
    }
    let mut text = Vec::with_capacity(len as usize);
    file.take(max + 1)
        .read_to_end(&mut text)
        .map_err(|e| SinkError::io("read", path, e))?;
    if text.len() as u64 > max {
        return Err(SinkError::TooLarge {
            path: path.to_path_buf(),
            what,
            max,
        });
    }
    Ok(text)
}
