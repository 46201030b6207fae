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
use crate::manifest::MANIFEST_FILE;
use crate::shard::{RunNames, Shard, bookkeeping_shard, part_of};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use synth_model::Table;

/// The lock file a run holds in its output directory.
pub const LOCK_FILE: &str = ".synthdata.lock";
/// Space kept free for the final manifest, released when the manifest is written.
pub const RESERVE_FILE: &str = ".synthdata.reserve";
/// Bytes a manifest takes for each file it lists (pretty JSON, with room to spare).
const MANIFEST_BYTES_PER_FILE: u64 = 320;
/// Bytes a manifest takes besides its files (the config, the parts, the counts).
const MANIFEST_BYTES_FIXED: u64 = 16 << 10;

/// Bytes to keep free for a final manifest listing at most `files` files: enough for
/// that manifest, at least 64 KiB, at most [`crate::MAX_MANIFEST_BYTES`].
pub fn manifest_reserve_bytes(files: u64) -> u64 {
    (MANIFEST_BYTES_FIXED + files.saturating_mul(MANIFEST_BYTES_PER_FILE))
        .clamp(64 << 10, crate::MAX_MANIFEST_BYTES)
}
/// Extensions of the table files this crate writes.
const EXTENSIONS: [&str; 3] = ["csv", "jsonl", "parquet"];

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

#[cfg(unix)]
type Lock = nix::fcntl::Flock<File>;
#[cfg(not(unix))]
type Lock = File;

/// Whether `name` is one the tool writes: the manifest, its reserve, a table file or a
/// part of one (`journal_lines.csv`, `journal_lines.part-00002.csv`), or any of those
/// with `.partial`.
pub fn is_own_name(name: &str) -> bool {
    if bookkeeping_shard(name).is_some() && !name.contains(".lock") {
        return true;
    }
    let name = name.strip_suffix(crate::PARTIAL_SUFFIX).unwrap_or(name);
    Table::ALL.iter().any(|t| {
        let Some(rest) = name
            .strip_prefix(t.name())
            .and_then(|r| r.strip_prefix('.'))
        else {
            return false;
        };
        let ext = match rest.strip_prefix("part-") {
            Some(part) => match part.split_once('.') {
                Some((digits, ext))
                    if digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    ext
                }
                _ => return false,
            },
            None => rest,
        };
        is_table_extension(ext)
    })
}

/// Whether `rel`, a path a manifest lists, names a data file this tool writes in an
/// output directory: a table file at the top (`journal_lines.csv`, also `.partial`) or a
/// part in a table's directory (`journal_lines/part-00002.csv`). Nothing else (`..`, an
/// absolute path, a link's name, the bookkeeping, another tool's file) is ever opened,
/// checked or removed because a manifest names it.
pub fn is_own_path(rel: &str) -> bool {
    match rel.split_once('/') {
        None => is_own_name(rel) && bookkeeping_shard(rel).is_none(),
        Some((table, name)) => {
            Table::from_name(table).is_some() && !name.contains('/') && is_own_part_name(name)
        }
    }
}

/// Whether `ext` is what a table file ends with: `csv`, `jsonl`, `parquet`, and the
/// text ones with `.zst` or `.gz`.
fn is_table_extension(ext: &str) -> bool {
    let ext = ext
        .strip_suffix(".zst")
        .or_else(|| ext.strip_suffix(".gz"))
        .filter(|e| *e != "parquet")
        .unwrap_or(ext);
    EXTENSIONS.contains(&ext)
}

/// Whether `name` is one the tool writes inside a table's directory: a part
/// (`part-00003.csv`, `part-00003.csv.zst`, `part-00003.parquet`), a rotated file of a
/// part (`part-00003.part-00002.csv`), or any of those with `.partial`.
pub fn is_own_part_name(name: &str) -> bool {
    let name = name.strip_suffix(crate::PARTIAL_SUFFIX).unwrap_or(name);
    fn numbered(s: &str) -> Option<&str> {
        let (digits, rest) = s.strip_prefix("part-")?.split_once('.')?;
        (digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
    }
    let Some(rest) = numbered(name) else {
        return false;
    };
    is_table_extension(numbered(rest).unwrap_or(rest))
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

/// The name of part `part` of a table (`part-00003`), without extension.
pub fn part_stem(part: u64) -> String {
    format!("part-{part:05}")
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
                    if n.ends_with(crate::PARTIAL_SUFFIX)
                        && is_own_part_name(&n)
                        && self.owns(&sub.relative(&n))
                        && sub.is_regular_file(&n)?
                    {
                        sub.remove(&n)?;
                    }
                }
                continue;
            }
            let partial = name.ends_with(crate::PARTIAL_SUFFIX) && is_own_name(&name);
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
            let partial = name.ends_with(crate::PARTIAL_SUFFIX);
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
            let partial = name.ends_with(crate::PARTIAL_SUFFIX);
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
        let Ok(text) = self.read_small(self.manifest_name(), crate::MAX_MANIFEST_BYTES) else {
            return Vec::new();
        };
        let Ok(manifest) = serde_json::from_slice::<crate::Manifest>(&text) else {
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
        let partial = format!("{name}{}", crate::PARTIAL_SUFFIX);
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

/// The lock the shards of one directory take, each in turn, around their compatibility
/// check and their first manifest: so two shards of different datasets started together
/// cannot both find the directory free of the other. Held for milliseconds; an
/// unsharded run holds the same lock for its whole run.
#[derive(Debug)]
pub struct DatasetLock {
    _lock: Lock,
}

/// How long [`DatasetLock::take`] waits for another shard's check (they take
/// milliseconds; an unsharded run holding the directory holds it for its whole run).
const DATASET_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl DatasetLock {
    /// Takes the directory's lock (`.synthdata.lock` in `path`, created with the
    /// directory if needed), waiting while another shard checks.
    pub fn take(path: &Path) -> Result<Self, SinkError> {
        if !path.is_dir() {
            std::fs::create_dir_all(path)
                .map_err(|e| SinkError::io("create directory", path, e))?;
        }
        let lock_path = path.join(LOCK_FILE);
        let until = std::time::Instant::now() + DATASET_LOCK_WAIT;
        loop {
            match try_lock(&lock_path)? {
                Some(lock) => return Ok(Self { _lock: lock }),
                None if std::time::Instant::now() < until => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                None => {
                    return Err(SinkError::Locked {
                        path: path.to_path_buf(),
                        pid: std::fs::read_to_string(&lock_path)
                            .ok()
                            .and_then(|t| t.trim().parse().ok()),
                    });
                }
            }
        }
    }
}

/// The exclusive lock on `path` (not through a link), or `None` while another holds it.
#[cfg(unix)]
fn try_lock(path: &Path) -> Result<Option<Lock>, SinkError> {
    use nix::errno::Errno;
    use nix::fcntl::{Flock, FlockArg};
    use std::os::unix::fs::OpenOptionsExt;
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(path)
        .map_err(|e| SinkError::io("open", path, e))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(lock)),
        Err((_, Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, e)) => Err(SinkError::io("lock", path, e.into())),
    }
}

/// Without `flock`, the lock file is only opened.
#[cfg(not(unix))]
fn try_lock(path: &Path) -> Result<Option<Lock>, SinkError> {
    File::options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(Some)
        .map_err(|e| SinkError::io("open", path, e))
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

#[cfg(unix)]
mod ops {
    use super::*;
    use nix::errno::Errno;
    use nix::fcntl::{AtFlags, Flock, FlockArg, OFlag, openat, renameat};
    use nix::sys::stat::{Mode, SFlag, fstatat, mkdirat};
    use nix::unistd::{UnlinkatFlags, unlinkat};

    impl Inner {
        pub(super) fn lock(&self) -> Result<Lock, SinkError> {
            let path = self.path.join(&self.names.lock);
            let fd = openat(
                &self.fd,
                self.names.lock.as_str(),
                OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                Mode::from_bits_truncate(0o644),
            )
            .map_err(|e| SinkError::io("open", &path, e.into()))?;
            match Flock::lock(File::from(fd), FlockArg::LockExclusiveNonblock) {
                Ok(mut lock) => {
                    // Who holds it, for the message a second run prints.
                    let pid = std::process::id().to_string();
                    let _ = lock
                        .set_len(0)
                        .and_then(|()| lock.write_all(pid.as_bytes()));
                    Ok(lock)
                }
                Err((mut file, Errno::EWOULDBLOCK)) => {
                    let mut text = String::new();
                    let _ = (&mut file).take(32).read_to_string(&mut text);
                    Err(SinkError::Locked {
                        path: self.path.clone(),
                        pid: text.trim().parse().ok(),
                    })
                }
                Err((_, e)) => Err(SinkError::io("lock", &path, e.into())),
            }
        }
    }

    impl OutputDir {
        /// Creates `name` in the directory: exclusively, not through a link.
        pub(crate) fn create_new(&self, name: &str) -> Result<File, SinkError> {
            let flags = OFlag::O_WRONLY
                | OFlag::O_CREAT
                | OFlag::O_EXCL
                | OFlag::O_NOFOLLOW
                | OFlag::O_CLOEXEC;
            openat(&self.inner.fd, name, flags, Mode::from_bits_truncate(0o644))
                .map(File::from)
                .map_err(|e| SinkError::io("create", self.path().join(name), e.into()))
        }

        /// Creates (if needed) and opens the directory `name`, not through a link.
        pub(super) fn open_subdir(&self, name: &str) -> Result<File, SinkError> {
            let path = self.path().join(name);
            match mkdirat(&self.inner.fd, name, Mode::from_bits_truncate(0o755)) {
                Ok(()) | Err(Errno::EEXIST) => {}
                Err(e) => return Err(SinkError::io("create directory", &path, e.into())),
            }
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
            match openat(&self.inner.fd, name, flags, Mode::empty()) {
                Ok(fd) => Ok(File::from(fd)),
                Err(Errno::ELOOP | Errno::ENOTDIR) => Err(SinkError::NotOurs { path }),
                Err(e) => Err(SinkError::io("open directory", &path, e.into())),
            }
        }

        /// Removes the directory `name` if it is empty; anything else leaves it.
        pub(super) fn remove_empty_dir(&self, name: &str) {
            let _ = unlinkat(&self.inner.fd, name, UnlinkatFlags::RemoveDir);
        }

        pub(super) fn open_read(&self, name: &str) -> Result<File, SinkError> {
            let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
            openat(&self.inner.fd, name, flags, Mode::empty())
                .map(File::from)
                .map_err(|e| SinkError::io("open", self.path().join(name), e.into()))
        }

        /// Renames `from` to `to`, both in the directory.
        pub(crate) fn rename(&self, from: &str, to: &str) -> Result<(), SinkError> {
            renameat(&self.inner.fd, from, &self.inner.fd, to)
                .map_err(|e| SinkError::io("rename", self.path().join(from), e.into()))
        }

        /// Removes the file `name` from the directory (a link itself, never its target).
        pub(crate) fn remove(&self, name: &str) -> Result<(), SinkError> {
            unlinkat(&self.inner.fd, name, UnlinkatFlags::NoRemoveDir)
                .map_err(|e| SinkError::io("remove", self.path().join(name), e.into()))
        }

        /// Whether `name` is of file type `kind` (a link is neither a directory nor a
        /// regular file); false if it does not exist.
        fn is_of_type(&self, name: &str, kind: SFlag) -> Result<bool, SinkError> {
            match fstatat(&self.inner.fd, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
                Ok(st) => Ok(SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == kind),
                Err(Errno::ENOENT) => Ok(false),
                Err(e) => Err(SinkError::io("inspect", self.path().join(name), e.into())),
            }
        }

        /// Whether `name` is a directory (a link is not); false if it does not exist.
        pub(crate) fn is_dir(&self, name: &str) -> Result<bool, SinkError> {
            self.is_of_type(name, SFlag::S_IFDIR)
        }

        /// Whether `name` is a regular file (a link is not); false if it does not exist.
        pub(crate) fn is_regular_file(&self, name: &str) -> Result<bool, SinkError> {
            self.is_of_type(name, SFlag::S_IFREG)
        }
    }
}

#[cfg(not(unix))]
mod ops {
    //! Path-based fallback: `create_new` still refuses an existing name (a link too).
    use super::*;

    impl Inner {
        pub(super) fn lock(&self) -> Result<Lock, SinkError> {
            let path = self.path.join(&self.names.lock);
            File::options()
                .write(true)
                .create(true)
                .open(&path)
                .map_err(|e| SinkError::io("open", &path, e))
        }
    }

    impl OutputDir {
        pub(crate) fn create_new(&self, name: &str) -> Result<File, SinkError> {
            let path = self.path().join(name);
            File::options()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| SinkError::io("create", &path, e))
        }

        pub(super) fn open_subdir(&self, name: &str) -> Result<(), SinkError> {
            let path = self.path().join(name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => Err(SinkError::NotOurs { path }),
                Err(_) => std::fs::create_dir(&path)
                    .map_err(|e| SinkError::io("create directory", &path, e)),
            }
        }

        pub(super) fn remove_empty_dir(&self, name: &str) {
            let _ = std::fs::remove_dir(self.path().join(name));
        }

        pub(super) fn open_read(&self, name: &str) -> Result<File, SinkError> {
            let path = self.path().join(name);
            File::open(&path).map_err(|e| SinkError::io("open", &path, e))
        }

        pub(crate) fn rename(&self, from: &str, to: &str) -> Result<(), SinkError> {
            std::fs::rename(self.path().join(from), self.path().join(to))
                .map_err(|e| SinkError::io("rename", self.path().join(from), e))
        }

        pub(crate) fn remove(&self, name: &str) -> Result<(), SinkError> {
            std::fs::remove_file(self.path().join(name))
                .map_err(|e| SinkError::io("remove", self.path().join(name), e))
        }

        pub(crate) fn is_regular_file(&self, name: &str) -> Result<bool, SinkError> {
            Ok(std::fs::symlink_metadata(self.path().join(name)).is_ok_and(|m| m.is_file()))
        }

        pub(crate) fn is_dir(&self, name: &str) -> Result<bool, SinkError> {
            Ok(std::fs::symlink_metadata(self.path().join(name)).is_ok_and(|m| m.is_dir()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_names() {
        for ours in [
            "manifest.json",
            "manifest.json.partial",
            "journal_lines.csv",
            "journal_lines.csv.partial",
            "journal_lines.part-00002.jsonl",
            "journal_lines.csv.zst",
            "journal_lines.part-00002.jsonl.gz.partial",
            "accounts.parquet",
            ".synthdata.reserve",
        ] {
            assert!(is_own_name(ours), "{ours}");
        }
        for theirs in [
            "accounts.xlsx",
            "documents.pdf",
            "manifest.json.bak",
            "journal_lines.csv.bz2",
            "journal_lines.parquet.gz",
            "journal_lines.part-2.csv",
            "notes.txt",
            "journal_lines",
        ] {
            assert!(!is_own_name(theirs), "{theirs}");
        }
        for ours in [
            "part-00000.csv",
            "part-00012.parquet",
            "part-00012.jsonl.zst.partial",
            "part-123456.csv.gz",
            "part-00001.part-00002.csv",
        ] {
            assert!(is_own_part_name(ours), "{ours}");
        }
        for theirs in [
            "part-1.csv",
            "part-00001.xlsx",
            "notes.txt",
            "part-00001.parquet.gz",
        ] {
            assert!(!is_own_part_name(theirs), "{theirs}");
        }
    }
}
