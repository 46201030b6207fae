//! The output directory: opened once, locked for the run, and the one way this crate
//! creates, renames and removes files.
//!
//! Every file is created inside the opened directory (`openat`), exclusively (`O_EXCL`)
//! and without following a symbolic link (`O_NOFOLLOW`), and renamed within it
//! (`renameat`): a link planted under any name the tool uses, before or during a run,
//! makes the operation fail instead of writing elsewhere. Replacing the directory's path
//! during a run does not redirect the writes either: they go to the directory opened.
//!
//! An advisory lock (`flock`) on `.synthdata.lock` in the directory is held for the
//! run, so a second run into the same directory fails at once, naming the holder's pid.
//! With `overwrite`, only files of the tool's own names are removed (see
//! [`OutputDir::open`]); anything else stays.

use crate::SinkError;
use crate::dataset::lock::Lock;
use crate::dataset::names::{
    LOCK_FILE, MANIFEST_FILE, PARTIAL_SUFFIX, RESERVE_FILE, RunNames, bookkeeping_shard,
    is_own_name, is_own_part_name, is_own_path, part_of,
};
use crate::dataset::shard::Shard;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use synth_model::Table;

#[cfg(not(unix))]
mod other;
#[cfg(unix)]
mod unix;

/// The largest manifest read back: 64 MiB is about 300 000 part files; a bigger one
/// is not this tool's, and is refused rather than read into memory.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Bytes a manifest takes for each file it lists (pretty JSON, with room to spare).
const MANIFEST_BYTES_PER_FILE: u64 = 320;
/// Bytes a manifest takes besides its files (the config, the parts, the counts).
const MANIFEST_BYTES_FIXED: u64 = 16 << 10;

/// Bytes to keep free for a final manifest listing at most `files` files: enough for
/// that manifest, at least 64 KiB, at most [`MAX_MANIFEST_BYTES`].
pub fn manifest_reserve_bytes(files: u64) -> u64 {
    (MANIFEST_BYTES_FIXED + files.saturating_mul(MANIFEST_BYTES_PER_FILE))
        .clamp(64 << 10, MAX_MANIFEST_BYTES)
}

/// An output directory opened for a run; clones share it (and its lock).
#[derive(Debug, Clone)]
pub struct OutputDir {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    /// Where this directory lies inside the run's output directory (`""` for the output
    /// directory itself, `"journal_lines/"` for a table's parts).
    prefix: String,
    /// The output directory a table directory belongs to (holding its lock).
    _parent: Option<OutputDir>,
    /// This run's manifest, lock and reserve names.
    names: RunNames,
    /// The shard this run writes, if it is one.
    shard: Option<Shard>,
    /// The directory itself, for `openat` and friends.
    #[cfg(unix)]
    fd: File,
    /// Held (locked) for as long as any clone lives.
    _lock: Option<Lock>,
}

/// How a run opens its output directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirOptions {
    /// Replace an earlier run's files (only those of the tool's names it listed).
    pub overwrite: bool,
    /// Write only this shard, next to the other shards.
    pub shard: Option<Shard>,
    /// Continue an earlier run: remove nothing at opening.
    pub resume: bool,
}

/// Size and XXH3-64 of everything `r` yields, read in 1 MiB blocks.
pub(crate) fn hash_reader(mut r: impl Read, path: &Path) -> Result<(u64, String), SinkError> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                bytes += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(SinkError::io("read", path, e)),
        }
    }
    Ok((bytes, format!("{:016x}", hasher.digest())))
}

impl OutputDir {
    /// Creates `path` if needed, opens and locks it, and makes it ready for a run.
    ///
    /// A directory holding anything but the lock file is refused unless `overwrite` is
    /// set. With `overwrite`, these are removed, and nothing else: the files an earlier
    /// manifest of this tool lists (if they have the tool's own names), every `.partial`
    /// file of the tool's own names, the manifest and the reserve. A name the tool
    /// writes that is held by something other than a regular file (a link, a
    /// directory) is refused.
    pub fn open(path: &Path, overwrite: bool) -> Result<Self, SinkError> {
        Self::open_with(
            path,
            &DirOptions {
                overwrite,
                ..DirOptions::default()
            },
        )
    }

    /// As [`OutputDir::open`], for a shard or a resumed run. A shard locks and writes
    /// only its own names (its manifest `manifest.shard-K-of-N.json`, its lock, its
    /// parts), so other shards may write into the same directory at the same time; it
    /// is refused if its own manifest is there already, unless `overwrite` (which then
    /// removes only what that manifest lists and this shard's `.partial` files). With
    /// `resume`, nothing is removed: the caller checks the manifest, then calls
    /// [`OutputDir::remove_partials`].
    pub fn open_with(path: &Path, options: &DirOptions) -> Result<Self, SinkError> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_dir() => {
                return Err(SinkError::NotADirectory {
                    path: path.to_path_buf(),
                });
            }
            Ok(_) => {}
            Err(_) => std::fs::create_dir_all(path)
                .map_err(|e| SinkError::io("create directory", path, e))?,
        }
        let mut dir = Inner {
            path: path.to_path_buf(),
            prefix: String::new(),
            _parent: None,
            names: RunNames::of(options.shard),
            shard: options.shard,
            #[cfg(unix)]
            fd: File::open(path).map_err(|e| SinkError::io("open directory", path, e))?,
            _lock: None,
        };
        dir._lock = Some(dir.lock()?);
        let dir = Self {
            inner: Arc::new(dir),
        };
        match (options.resume, options.shard) {
            (true, _) => {}
            (false, None) => dir.prepare(options.overwrite)?,
            (false, Some(_)) => dir.prepare_shard(options.overwrite)?,
        }
        Ok(dir)
    }

    /// The name of this run's manifest (`manifest.json`, `manifest.shard-K-of-N.json`).
    pub fn manifest_name(&self) -> &str {
        &self.inner.names.manifest
    }

    /// The shard this run writes, if it is one.
    pub fn shard(&self) -> Option<Shard> {
        self.inner.shard
    }

    /// Whether this run writes the file at `rel` (a path inside the output directory):
    /// every file when unsharded; a shard its parts, and shard 0 the master tables.
    pub fn owns(&self, rel: &str) -> bool {
        let Some(shard) = self.inner.shard else {
            return true;
        };
        match rel.split_once('/') {
            Some((_, name)) => part_of(name).is_some_and(|p| shard.owns_part(p)),
            None => match bookkeeping_shard(rel) {
                Some(s) => s == Some(shard),
                // A master table, or a one-part run's table (part 0).
                None => shard.writes_master(),
            },
        }
    }

    /// Removes this run's `.partial` files (of the tool's names, and that it owns) and
    /// its reserve: what a killed run of it left.
    pub fn remove_partials(&self) -> Result<(), SinkError> {
        let path = self.path().to_path_buf();
        for entry in std::fs::read_dir(&path).map_err(|e| SinkError::io("list", &path, e))? {
            let entry = entry.map_err(|e| SinkError::io("list", &path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if Table::from_name(&name).is_some() && !self.is_regular_file(&name)? {
                let sub = self.table_dir(&name)?;
                let sub_path = sub.path().to_path_buf();
                for e in
                    std::fs::read_dir(&sub_path).map_err(|e| SinkError::io("list", &sub_path, e))?
                {
                    let e = e.map_err(|e| SinkError::io("list", &sub_path, e))?;
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n.ends_with(PARTIAL_SUFFIX)
                        && is_own_part_name(&n)
                        && self.owns(&sub.relative(&n))
                        && sub.is_regular_file(&n)?
                    {
                        sub.remove(&n)?;
                    }
                }
                continue;
            }
            let partial = name.ends_with(PARTIAL_SUFFIX) && is_own_name(&name);
            if (partial || name == self.inner.names.reserve)
                && self.owns(&name)
                && self.is_regular_file(&name)?
            {
                self.remove(&name)?;
            }
        }
        Ok(())
    }

    /// Fails unless `rel` is a path this tool writes (see [`is_own_path`]).
    fn own_path(&self, rel: &str) -> Result<(), SinkError> {
        match is_own_path(rel) {
            true => Ok(()),
            false => Err(SinkError::ForeignPath {
                manifest: self.path().join(self.manifest_name()),
                listed: rel.to_string(),
            }),
        }
    }

    /// Removes the file at `rel`, a path the manifest lists (a damaged part on resume):
    /// only a path the tool writes (see [`is_own_path`]), only a regular file.
    pub fn remove_listed(&self, rel: &str) -> Result<(), SinkError> {
        self.own_path(rel)?;
        if !self.has_file(rel)? {
            return Ok(());
        }
        match rel.split_once('/') {
            Some((table, name)) => self.table_dir(table)?.remove(name),
            None => self.remove(rel),
        }
    }

    /// Fails naming the first table name held by anything but a directory (a link, a
    /// file, a FIFO): a run that writes parts would be refused there, so a resume checks
    /// this before it removes anything.
    pub fn check_table_dirs(&self) -> Result<(), SinkError> {
        for t in Table::ALL {
            let name = t.name();
            let there = self.path().join(name).symlink_metadata().is_ok();
            if there && !self.is_dir(name)? {
                return Err(SinkError::NotOurs {
                    path: self.path().join(name),
                });
            }
        }
        Ok(())
    }

    /// Whether the file at `rel` is there as a regular file (nothing is read).
    pub fn has_file(&self, rel: &str) -> Result<bool, SinkError> {
        self.own_path(rel)?;
        match rel.split_once('/') {
            Some((table, name)) => {
                Ok(self.is_dir(table)? && self.table_dir(table)?.is_regular_file(name)?)
            }
            None => self.is_regular_file(rel),
        }
    }

    /// The size and XXH3-64 (16 hex digits) of the file at `rel`, read in 1 MiB blocks,
    /// not through a link; `None` if it is missing.
    pub fn checksum(&self, rel: &str) -> Result<Option<(u64, String)>, SinkError> {
        self.own_path(rel)?;
        let (dir, name) = match rel.split_once('/') {
            Some((table, name)) => {
                if !self.is_dir(table)? {
                    return Ok(None);
                }
                (self.table_dir(table)?, name)
            }
            None => (self.clone(), rel),
        };
        if !dir.is_regular_file(name)? {
            return Ok(None);
        }
        let file = dir.open_read(name)?;
        hash_reader(file, &self.path().join(rel)).map(Some)
    }

    /// This shard's preparation: its manifest must not be there (unless `overwrite`,
    /// which removes the files it lists and this shard's `.partial` files).
    fn prepare_shard(&self, overwrite: bool) -> Result<(), SinkError> {
        let manifest = self.manifest_name().to_string();
        if !self.is_regular_file(&manifest)? {
            if self.path().join(&manifest).symlink_metadata().is_ok() {
                return Err(SinkError::NotOurs {
                    path: self.path().join(manifest),
                });
            }
            return self.remove_partials();
        }
        if !overwrite {
            return Err(SinkError::ShardWritten {
                path: self.path().join(manifest),
            });
        }
        for rel in self.listed_in_manifest() {
            if self.owns(&rel) && self.has_file(&rel)? {
                self.remove_listed(&rel)?;
            }
        }
        self.remove(&manifest)?;
        self.remove_partials()
    }

    /// The directory's path (for messages and reports).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// `name`'s path relative to the run's output directory (as the manifest lists it).
    pub fn relative(&self, name: &str) -> String {
        format!("{}{name}", self.inner.prefix)
    }

    /// The directory of a table's parts (`journal_lines/`), created if needed, opened
    /// without following a link; a name held by anything but a directory is refused.
    pub fn table_dir(&self, table: &str) -> Result<OutputDir, SinkError> {
        let inner = Inner {
            path: self.path().join(table),
            prefix: format!("{}{table}/", self.inner.prefix),
            #[cfg(unix)]
            fd: self.open_subdir(table)?,
            _parent: Some(self.clone()),
            names: self.inner.names.clone(),
            shard: self.inner.shard,
            _lock: None,
        };
        #[cfg(not(unix))]
        self.open_subdir(table)?;
        Ok(OutputDir {
            inner: Arc::new(inner),
        })
    }

    fn prepare(&self, overwrite: bool) -> Result<(), SinkError> {
        let path = self.path();
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| SinkError::io("list", path, e))? {
            let entry = entry.map_err(|e| SinkError::io("list", path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != LOCK_FILE {
                names.push(name);
            }
        }
        if names.is_empty() {
            return Ok(());
        }
        if !overwrite {
            return Err(SinkError::NotEmpty {
                path: path.to_path_buf(),
            });
        }
        let listed = self.listed_in_manifest();
        for table in Table::ALL.iter().map(|t| t.name()) {
            if names.iter().any(|n| n == table) && !self.is_regular_file(table)? {
                self.clean_table_dir(table, &listed)?;
            }
        }
        for name in names.iter().filter(|n| is_own_name(n)) {
            if !self.is_regular_file(name)? {
                return Err(SinkError::NotOurs {
                    path: path.join(name),
                });
            }
            let partial = name.ends_with(PARTIAL_SUFFIX);
            let bookkeeping = name.starts_with(MANIFEST_FILE) || name.starts_with(RESERVE_FILE);
            if partial || bookkeeping || listed.iter().any(|l| l == name) {
                self.remove(name)?;
            }
        }
        Ok(())
    }

    /// Removes from a table's directory the parts an earlier manifest lists and every
    /// `.partial` part, then the directory itself if that left it empty.
    fn clean_table_dir(&self, table: &str, listed: &[String]) -> Result<(), SinkError> {
        let sub = self.table_dir(table).map_err(|_| SinkError::NotOurs {
            path: self.path().join(table),
        })?;
        let path = sub.path().to_path_buf();
        for entry in std::fs::read_dir(&path).map_err(|e| SinkError::io("list", &path, e))? {
            let entry = entry.map_err(|e| SinkError::io("list", &path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_own_part_name(&name) {
                continue;
            }
            if !sub.is_regular_file(&name)? {
                return Err(SinkError::NotOurs {
                    path: path.join(&name),
                });
            }
            let partial = name.ends_with(PARTIAL_SUFFIX);
            if partial || listed.iter().any(|l| *l == sub.relative(&name)) {
                sub.remove(&name)?;
            }
        }
        drop(sub);
        // Left alone if anything else is in it.
        self.remove_empty_dir(table);
        Ok(())
    }

    /// The file names an earlier manifest in this directory lists (none if there is no
    /// readable manifest of this tool).
    fn listed_in_manifest(&self) -> Vec<String> {
        let Ok(text) = self.read_small(self.manifest_name(), MAX_MANIFEST_BYTES) else {
            return Vec::new();
        };
        // Only what is needed of it: the tool and the files (this module knows no more
        // of a manifest).
        #[derive(serde::Deserialize)]
        struct Listed {
            tool: String,
            tables: Vec<ListedTable>,
        }
        #[derive(serde::Deserialize)]
        struct ListedTable {
            files: Vec<ListedFile>,
        }
        #[derive(serde::Deserialize)]
        struct ListedFile {
            path: String,
        }
        let Ok(manifest) = serde_json::from_slice::<Listed>(&text) else {
            return Vec::new();
        };
        if manifest.tool != "synthdata" {
            return Vec::new();
        }
        manifest
            .tables
            .iter()
            .flat_map(|t| t.files.iter().map(|f| f.path.clone()))
            .filter(|p| is_own_path(p))
            .collect()
    }

    /// Writes `bytes` to `name` atomically: `name.partial` created exclusively, synced,
    /// renamed. If the disk is full and space is reserved, the reserve is given up and
    /// the write tried once more.
    pub fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, SinkError> {
        match self.try_write_atomic(name, bytes) {
            Err(SinkError::DiskFull { .. })
                if self.is_regular_file(&self.inner.names.reserve)? =>
            {
                self.remove(&self.inner.names.reserve)?;
                self.try_write_atomic(name, bytes)
            }
            other => other,
        }
    }

    /// As [`OutputDir::write_atomic`], never giving up the reserved room.
    pub fn write_atomic_unreserved(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, SinkError> {
        self.try_write_atomic(name, bytes)
    }

    fn try_write_atomic(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, SinkError> {
        let partial = format!("{name}{}", PARTIAL_SUFFIX);
        let mut file = self.create_new(&partial)?;
        let result = file
            .write_all(bytes)
            .and_then(|()| file.sync_data())
            .map_err(|e| SinkError::io("write", self.path().join(&partial), e));
        if let Err(e) = result {
            drop(file);
            // Ours, and incomplete: it must not stay behind under a name we refuse.
            let _ = self.remove(&partial);
            return Err(e);
        }
        self.rename(&partial, name)?;
        Ok(self.path().join(name))
    }

    /// Keeps `bytes` of the file system (see [`manifest_reserve_bytes`]) for the final
    /// manifest, so a run that fills the disk can still record how it ended.
    pub fn reserve_manifest_room(&self, bytes: u64) -> Result<(), SinkError> {
        let reserve = &self.inner.names.reserve;
        let mut file = self.create_new(reserve)?;
        let zeros = vec![0u8; 64 << 10];
        let mut left = bytes;
        let written = std::iter::from_fn(|| {
            let n = left.min(zeros.len() as u64) as usize;
            left -= n as u64;
            (n > 0).then_some(n)
        })
        .try_for_each(|n| file.write_all(&zeros[..n]))
        .and_then(|()| file.sync_data())
        .map_err(|e| SinkError::io("write", self.path().join(reserve), e));
        if written.is_err() {
            let _ = self.remove(reserve);
        }
        written
    }

    /// Gives the reserved room back (after the final manifest is written).
    pub fn release_manifest_room(&self) -> Result<(), SinkError> {
        if self.is_regular_file(&self.inner.names.reserve)? {
            self.remove(&self.inner.names.reserve)?;
        }
        Ok(())
    }

    /// Reads at most `max` bytes of `name` (not following a link; not blocking on a
    /// FIFO); more than `max` is an error.
    pub fn read_small(&self, name: &str, max: u64) -> Result<Vec<u8>, SinkError> {
        let file = self.open_read(name)?;
        let mut text = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut text)
            .map_err(|e| SinkError::io("read", self.path().join(name), e))?;
        if text.len() as u64 > max {
            return Err(SinkError::io(
                "read",
                self.path().join(name),
                std::io::Error::other(format!("larger than {max} bytes")),
            ));
        }
        Ok(text)
    }
}

/// Bytes free for an unprivileged writer on the file system holding `path` (or its
/// nearest existing ancestor); `None` where the platform does not say.
pub fn free_space(path: &Path) -> Result<Option<u64>, SinkError> {
    let mut at = path;
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => {
                at = Path::new(".");
                break;
            }
        }
    }
    #[cfg(unix)]
    {
        let st = nix::sys::statvfs::statvfs(at)
            .map_err(|e| SinkError::io("inspect free space of", at, e.into()))?;
        #[allow(clippy::useless_conversion)] // u32 on some platforms, u64 on Linux
        let free = u64::from(st.blocks_available()).saturating_mul(u64::from(st.fragment_size()));
        Ok(Some(free))
    }
    #[cfg(not(unix))]
    {
        let _ = at;
        Ok(None)
    }
}
