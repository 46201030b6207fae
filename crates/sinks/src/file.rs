//! Files written atomically: `NAME.partial` while writing, renamed to `NAME` only when
//! finished; whole buffers to `write_all`; a checksum and byte count on the way; and,
//! on request, written pages dropped from the page cache.

use crate::dataset::names::PARTIAL_SUFFIX;
use crate::{Compression, OutputDir, SinkError};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use xxhash_rust::xxh3::Xxh3;

/// One finished (or abandoned) file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// Path inside the output directory (`journal_lines.csv`,
    /// `journal_lines/part-00003.csv`).
    pub path: String,
    /// Data rows in the file (header not counted).
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// XXH3-64 of the file's bytes, 16 hex digits.
    pub xxh3: String,
    /// The part the file belongs to (streaming tables); `None` for master tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u64>,
}

/// A file being written as `NAME.partial` in an [`OutputDir`]; `finish` syncs it and
/// renames it to `NAME`. Dropped without `finish`, it stays `NAME.partial`.
pub struct AtomicFile {
    file: File,
    dir: OutputDir,
    name: String,
    partial: String,
    bytes: u64,
    hasher: Xxh3,
    drop_cache_every: Option<u64>,
    dropped_upto: u64,
}

impl AtomicFile {
    /// Creates `NAME.partial` in `dir`, exclusively and not through a link (failing if
    /// anything holds the name: two writers never share a file).
    pub fn create(
        dir: &OutputDir,
        name: String,
        drop_cache_every: Option<u64>,
    ) -> Result<Self, SinkError> {
        let partial = format!("{name}{PARTIAL_SUFFIX}");
        let file = dir.create_new(&partial)?;
        Ok(Self {
            file,
            dir: dir.clone(),
            name,
            partial,
            bytes: 0,
            hasher: Xxh3::new(),
            drop_cache_every,
            dropped_upto: 0,
        })
    }

    /// The path being written (`NAME.partial`), for messages.
    pub fn partial_path(&self) -> PathBuf {
        self.dir.path().join(&self.partial)
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Writes a whole buffer.
    pub fn write_buf(&mut self, buf: &[u8]) -> Result<(), SinkError> {
        self.file
            .write_all(buf)
            .map_err(|e| SinkError::io("write", self.partial_path(), e))?;
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
            .map_err(|e| SinkError::io("sync", self.partial_path(), e))?;
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
            .map_err(|e| SinkError::io("flush", self.partial_path(), e))?;
        self.file
            .sync_data()
            .map_err(|e| SinkError::io("sync", self.partial_path(), e))?;
        self.dir.rename(&self.partial, &self.name)?;
        Ok(self.report(rows, &self.name))
    }

    /// What has been written, under the `.partial` name (for a run that ended in error).
    pub fn abandon(self, rows: u64) -> FileReport {
        self.report(rows, &self.partial)
    }

    /// What has been written so far, under the `.partial` name, without closing.
    #[cfg(feature = "compression")]
    fn partial_report(&self, rows: u64) -> FileReport {
        self.report(rows, &self.partial)
    }

    fn report(&self, rows: u64, name: &str) -> FileReport {
        FileReport {
            path: self.dir.relative(name),
            rows,
            bytes: self.bytes,
            xxh3: format!("{:016x}", self.hasher.digest()),
            part: None,
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
    dir: OutputDir,
    stem: String,
    extension: &'static str,
    rotate_bytes: Option<u64>,
    drop_cache_every: Option<u64>,
    compression: Compression,
    current: Option<(Target, u64)>,
    done: Vec<FileReport>,
    part: u32,
}

impl FileSet {
    /// The files named `stem` in `dir`, e.g. `journal_lines.csv` or
    /// `journal_lines.part-00001.csv` when rotating every `rotate_bytes` (of compressed
    /// bytes, when compressed); with zstd or gzip, `journal_lines.csv.zst` / `.csv.gz`.
    pub fn new(
        dir: &OutputDir,
        stem: String,
        extension: &'static str,
        rotate_bytes: Option<u64>,
        drop_cache_every: Option<u64>,
        compression: Compression,
    ) -> Self {
        Self {
            dir: dir.clone(),
            stem,
            extension,
            rotate_bytes,
            drop_cache_every,
            compression,
            current: None,
            done: Vec::new(),
            part: 0,
        }
    }

    /// Opens the next file (the first, or the next part).
    fn open_next(&mut self) -> Result<&mut Target, SinkError> {
        self.close_current()?;
        self.part += 1;
        let suffix = self.compression.file_suffix();
        let name = match self.rotate_bytes {
            Some(_) => format!(
                "{}.part-{:05}.{}{suffix}",
                self.stem, self.part, self.extension
            ),
            None => format!("{}.{}{suffix}", self.stem, self.extension),
        };
        let file = AtomicFile::create(&self.dir, name, self.drop_cache_every)?;
        let target = Target::new(file, self.compression)?;
        Ok(&mut self.current.insert((target, 0)).0)
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

/// Levels of the text files' stream codecs, both the fastest: they run on the I/O thread,
/// which becomes the bottleneck. Measured, 200 000 entries of CSV (258 MB): zstd level 3
/// 3.26 s and 58 MB, level 1 2.23 s and 57 MB (uncompressed: 1.28 s); gzip level 1
/// 2.32 s and 73 MB.
#[cfg(feature = "compression")]
const TEXT_ZSTD_LEVEL: i32 = 1;
#[cfg(feature = "compression")]
const TEXT_GZIP_LEVEL: u32 = 1;

/// A text file being written: as is, or through a stream compressor.
enum Target {
    Plain(AtomicFile),
    #[cfg(feature = "compression")]
    Zstd(zstd::stream::write::Encoder<'static, AtomicFile>),
    #[cfg(feature = "compression")]
    Gzip(flate2::write::GzEncoder<AtomicFile>),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.file().fmt(f)
    }
}

/// The sink's own error back from inside a compressor's `io::Error`.
#[cfg(feature = "compression")]
fn sink_error(e: std::io::Error, file: &AtomicFile) -> SinkError {
    let path = file.partial_path();
    match e.get_ref().is_some_and(|inner| inner.is::<SinkError>()) {
        true => match e.into_inner().map(|b| b.downcast::<SinkError>()) {
            Some(Ok(inner)) => *inner,
            _ => SinkError::io("compress", path, std::io::Error::other("compressor failed")),
        },
        false => SinkError::io("compress", path, e),
    }
}

impl Target {
    fn new(file: AtomicFile, compression: Compression) -> Result<Self, SinkError> {
        Ok(match compression {
            Compression::None | Compression::Snappy => Self::Plain(file),
            #[cfg(not(feature = "compression"))]
            Compression::Zstd | Compression::Gzip => {
                return Err(SinkError::CompressionUnavailable {
                    format: "text files in this build of synth-sinks (its `compression` feature is off)",
                    compression: compression.name(),
                });
            }
            #[cfg(feature = "compression")]
            Compression::Zstd => {
                let path = file.partial_path();
                let enc = zstd::stream::write::Encoder::new(file, TEXT_ZSTD_LEVEL)
                    .map_err(|e| SinkError::io("compress", path, e))?;
                Self::Zstd(enc)
            }
            #[cfg(feature = "compression")]
            Compression::Gzip => Self::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::new(TEXT_GZIP_LEVEL),
            )),
        })
    }

    fn file(&self) -> &AtomicFile {
        match self {
            Self::Plain(f) => f,
            #[cfg(feature = "compression")]
            Self::Zstd(e) => e.get_ref(),
            #[cfg(feature = "compression")]
            Self::Gzip(e) => e.get_ref(),
        }
    }

    /// Bytes in the file so far (compressed bytes, when compressed).
    fn bytes(&self) -> u64 {
        self.file().bytes()
    }

    fn write_buf(&mut self, buf: &[u8]) -> Result<(), SinkError> {
        #[cfg(feature = "compression")]
        use std::io::Write as _;
        #[cfg(feature = "compression")]
        let result = match self {
            Self::Plain(f) => return f.write_buf(buf),
            Self::Zstd(e) => e.write_all(buf),
            Self::Gzip(e) => e.write_all(buf),
        };
        #[cfg(feature = "compression")]
        return result.map_err(|e| sink_error(e, self.file()));
        #[cfg(not(feature = "compression"))]
        match self {
            Self::Plain(f) => f.write_buf(buf),
        }
    }

    fn finish(self, rows: u64) -> Result<FileReport, SinkError> {
        let file = match self {
            Self::Plain(f) => f,
            #[cfg(feature = "compression")]
            Self::Zstd(e) => e
                .try_finish()
                .map_err(|(e, err)| sink_error(err, e.get_ref()))?,
            #[cfg(feature = "compression")]
            Self::Gzip(mut e) => {
                e.try_finish().map_err(|err| sink_error(err, e.get_ref()))?;
                e.finish()
                    .map_err(|err| SinkError::io("compress", "", err))?
            }
        };
        file.finish(rows)
    }

    /// Ends the stream where possible, so the rows that reached the `.partial` file
    /// decompress; the file stays `.partial`.
    fn abandon(self, rows: u64) -> FileReport {
        match self {
            Self::Plain(f) => f.abandon(rows),
            #[cfg(feature = "compression")]
            Self::Zstd(mut e) => {
                let _ = e.do_finish();
                e.get_ref().partial_report(rows)
            }
            #[cfg(feature = "compression")]
            Self::Gzip(mut e) => {
                let _ = e.try_finish();
                e.get_ref().partial_report(rows)
            }
        }
    }
}
