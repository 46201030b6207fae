//! Files written atomically: `NAME.partial` while writing, renamed to `NAME` only when
//! finished; whole buffers to `write_all`; a checksum and byte count on the way; and,
//! on request, written pages dropped from the page cache.

use crate::SinkError;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::Xxh3;

/// Suffix of a file that is still being written (or was abandoned).
pub const PARTIAL_SUFFIX: &str = ".partial";

/// One finished (or abandoned) file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// File name inside the output directory.
    pub path: String,
    /// Data rows in the file (header not counted).
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// XXH3-64 of the file's bytes, 16 hex digits.
    pub xxh3: String,
}

/// A file being written as `NAME.partial`; `finish` syncs it and renames it to `NAME`.
/// Dropped without `finish`, it stays `NAME.partial`.
pub struct AtomicFile {
    file: File,
    partial: PathBuf,
    path: PathBuf,
    bytes: u64,
    hasher: Xxh3,
    drop_cache_every: Option<u64>,
    dropped_upto: u64,
}

impl AtomicFile {
    /// Creates `path.partial` (failing if it exists: two writers never share a file).
    pub fn create(path: PathBuf, drop_cache_every: Option<u64>) -> Result<Self, SinkError> {
        let mut partial = path.clone().into_os_string();
        partial.push(PARTIAL_SUFFIX);
        let partial = PathBuf::from(partial);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| SinkError::io("create", &partial, e))?;
        Ok(Self {
            file,
            partial,
            path,
            bytes: 0,
            hasher: Xxh3::new(),
            drop_cache_every,
            dropped_upto: 0,
        })
    }

    /// Writes through an already-open file (a device or a pipe); `finish` renames
    /// `partial` to `path` like any other.
    pub fn with_file(file: File, partial: PathBuf, path: PathBuf) -> Self {
        Self {
            file,
            partial,
            path,
            bytes: 0,
            hasher: Xxh3::new(),
            drop_cache_every: None,
            dropped_upto: 0,
        }
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Writes a whole buffer.
    pub fn write_buf(&mut self, buf: &[u8]) -> Result<(), SinkError> {
        self.file
            .write_all(buf)
            .map_err(|e| SinkError::io("write", &self.partial, e))?;
        self.hasher.update(buf);
        self.bytes += buf.len() as u64;
        if let Some(every) = self.drop_cache_every
            && self.bytes - self.dropped_upto >= every
        {
            self.drop_written_pages()?;
        }
        Ok(())
    }

    /// Writes dirty pages back and tells the kernel it may drop them, so a big output
    /// does not fill a container's memory (the page cache counts against a cgroup).
    fn drop_written_pages(&mut self) -> Result<(), SinkError> {
        self.file
            .sync_data()
            .map_err(|e| SinkError::io("sync", &self.partial, e))?;
        #[cfg(target_os = "linux")]
        {
            use nix::fcntl::{PosixFadviseAdvice, posix_fadvise};
            // Advisory only: a refusal changes nothing about the data, so it is ignored.
            let _ = posix_fadvise(
                &self.file,
                0,
                self.bytes as i64,
                PosixFadviseAdvice::POSIX_FADV_DONTNEED,
            );
        }
        self.dropped_upto = self.bytes;
        Ok(())
    }

    /// Syncs, closes and renames to the final name.
    pub fn finish(mut self, rows: u64) -> Result<FileReport, SinkError> {
        self.file
            .flush()
            .map_err(|e| SinkError::io("flush", &self.partial, e))?;
        self.file
            .sync_data()
            .map_err(|e| SinkError::io("sync", &self.partial, e))?;
        std::fs::rename(&self.partial, &self.path)
            .map_err(|e| SinkError::io("rename", &self.partial, e))?;
        Ok(self.report(rows, &self.path))
    }

    /// What has been written, under the `.partial` name (for a run that ended in error).
    pub fn abandon(self, rows: u64) -> FileReport {
        self.report(rows, &self.partial)
    }

    fn report(&self, rows: u64, path: &Path) -> FileReport {
        FileReport {
            path: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows,
            bytes: self.bytes,
            xxh3: format!("{:016x}", self.hasher.digest()),
        }
    }
}

impl std::fmt::Debug for AtomicFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicFile")
            .field("path", &self.partial)
            .field("bytes", &self.bytes)
            .finish()
    }
}

/// Lets the Parquet writer write through an `AtomicFile`.
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_buf(buf).map_err(std::io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The files of one table: one file, or numbered parts when rotation is on.
#[derive(Debug)]
pub struct FileSet {
    dir: PathBuf,
    table: &'static str,
    extension: &'static str,
    rotate_bytes: Option<u64>,
    drop_cache_every: Option<u64>,
    current: Option<(AtomicFile, u64)>,
    done: Vec<FileReport>,
    part: u32,
}

impl FileSet {
    /// The files of `table` in `dir`, e.g. `journal_lines.csv` or
    /// `journal_lines.part-00001.csv` when rotating every `rotate_bytes`.
    pub fn new(
        dir: &Path,
        table: &'static str,
        extension: &'static str,
        rotate_bytes: Option<u64>,
        drop_cache_every: Option<u64>,
    ) -> Self {
        Self {
            dir: dir.to_path_buf(),
            table,
            extension,
            rotate_bytes,
            drop_cache_every,
            current: None,
            done: Vec::new(),
            part: 0,
        }
    }

    /// Opens the next file (the first, or the next part).
    pub fn open_next(&mut self) -> Result<&mut AtomicFile, SinkError> {
        self.close_current()?;
        self.part += 1;
        let name = match self.rotate_bytes {
            Some(_) => format!("{}.part-{:05}.{}", self.table, self.part, self.extension),
            None => format!("{}.{}", self.table, self.extension),
        };
        let file = AtomicFile::create(self.dir.join(name), self.drop_cache_every)?;
        Ok(&mut self.current.insert((file, 0)).0)
    }

    /// Writes a buffer of `rows` whole rows; `header` starts every new file.
    pub fn write(&mut self, buf: &[u8], rows: u64, header: &[u8]) -> Result<(), SinkError> {
        let rotate = match (&self.current, self.rotate_bytes) {
            (None, _) => true,
            (Some((f, _)), Some(limit)) => f.bytes() >= limit,
            _ => false,
        };
        if rotate {
            self.open_next()?.write_buf(header)?;
        }
        if let Some((file, n)) = &mut self.current {
            file.write_buf(buf)?;
            *n += rows;
        }
        Ok(())
    }

    fn close_current(&mut self) -> Result<(), SinkError> {
        if let Some((file, rows)) = self.current.take() {
            self.done.push(file.finish(rows)?);
        }
        Ok(())
    }

    /// Finishes every file; a table that got no rows still gets its (header-only) file.
    pub fn finish(mut self, header: &[u8]) -> Result<Vec<FileReport>, SinkError> {
        if self.current.is_none() && self.done.is_empty() {
            self.open_next()?.write_buf(header)?;
        }
        self.close_current()?;
        Ok(self.done)
    }

    /// Reports what was written, leaving the current file as `.partial`.
    pub fn abandon(mut self) -> Vec<FileReport> {
        if let Some((file, rows)) = self.current.take() {
            self.done.push(file.abandon(rows));
        }
        self.done
    }
}

/// Makes sure `dir` exists and may be written into.
///
/// A non-empty directory is refused unless `overwrite` is set; with it, the files a
/// previous run left (tables, parts, `.partial` files, the manifest) are removed first,
/// and nothing else is touched.
pub fn prepare_output_dir(dir: &Path, overwrite: bool) -> Result<(), SinkError> {
    if dir.exists() && !dir.is_dir() {
        return Err(SinkError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| SinkError::io("create directory", dir, e))?;
    let entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| SinkError::io("list", dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| SinkError::io("list", dir, e))?;
    if entries.is_empty() {
        return Ok(());
    }
    if !overwrite {
        return Err(SinkError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with("manifest.json")
            || synth_model::Table::ALL.iter().any(|t| {
                name.strip_prefix(t.name())
                    .is_some_and(|rest| rest.starts_with('.'))
            });
        if ours && entry.path().is_file() {
            std::fs::remove_file(entry.path())
                .map_err(|e| SinkError::io("remove", entry.path(), e))?;
        }
    }
    Ok(())
}
