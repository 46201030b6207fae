//! The one error type of the sinks: every variant names the path and the operation.

use std::io;
use std::path::PathBuf;

/// Why a sink could not write or finish.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The disk (or quota) is full.
    #[error("disk full while writing {path}")]
    DiskFull {
        /// The file being written.
        path: PathBuf,
    },
    /// Any other I/O failure.
    #[error("cannot {op} {path}: {source}")]
    Io {
        /// What was being done: `create`, `write`, `rename`, ...
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The output directory holds files and `overwrite` is off.
    #[error("output directory {path} is not empty, and overwriting is off")]
    NotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// The shard's manifest is already in the output directory and `overwrite` is off.
    #[error(
        "{path} exists: this shard was written (or started) already; resume it, or allow overwriting to write it anew"
    )]
    ShardWritten {
        /// The shard's manifest.
        path: PathBuf,
    },
    /// The output path exists and is not a directory.
    #[error("output directory {path} is a file, not a directory")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// Another run holds the output directory's lock.
    #[error("output directory {path} is in use by another run{}", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked {
        /// The directory.
        path: PathBuf,
        /// The holder's process id, if it could be read.
        pid: Option<u32>,
    },
    /// A name this crate writes is held by something it did not write (a symbolic link,
    /// a directory, a device): it is neither written through nor removed.
    #[error("{path} exists and is not a regular file written by this tool; it is left alone")]
    NotOurs {
        /// The path.
        path: PathBuf,
    },
    /// A manifest lists a path that is not a file this tool writes in an output directory
    /// (`../victim.csv`, an absolute path, a name of another tool): nothing is read,
    /// checked or removed through it.
    #[error(
        "{manifest} lists {listed:?}, which is not a file this tool writes in an output directory; nothing was changed"
    )]
    ForeignPath {
        /// The manifest.
        manifest: PathBuf,
        /// The path it lists.
        listed: String,
    },
    /// A file read back (a manifest) is larger than a file of its kind can be.
    #[error("{path} is larger than {max} bytes, more than a {what} this tool writes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What it was read as.
        what: &'static str,
        /// The cap, in bytes.
        max: u64,
    },
    /// The Parquet writer failed.
    #[error("cannot write Parquet file {path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the writer said.
        message: String,
    },
    /// The I/O thread that writes buffers behind the encoder ended (it panicked); the
    /// table's files stay `.partial`.
    #[error("the I/O thread writing {table} ended unexpectedly; its files stay .partial")]
    IoThreadGone {
        /// The table whose files it held.
        table: &'static str,
    },
    /// A record gave a value that does not fit its column (wrong type, a null in a
    /// required column, or too many or too few values): a bug in its visitor.
    #[error("table {table}: a record's value does not fit column {column} of the schema")]
    ValueMismatch {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
    },
    /// The reader of a pipe went away (`head`, say): nothing more can be written.
    #[error("the reader of {table} went away (closed pipe)")]
    PipeClosed {
        /// The table being written.
        table: &'static str,
    },
    /// A compression the format cannot write (gzip for Parquet, snappy for text).
    #[error("{format} cannot be written with {compression} compression")]
    CompressionUnavailable {
        /// The format.
        format: &'static str,
        /// The compression.
        compression: &'static str,
    },
    /// A format was asked for that this build does not include.
    #[error(
        "format {format} is not available in this build of synth-sinks (its `{format}` feature is off)"
    )]
    FormatUnavailable {
        /// The format.
        format: &'static str,
    },
}

impl SinkError {
    /// Wraps an I/O error, recognising a full disk.
    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::StorageFull
            || source.kind() == io::ErrorKind::QuotaExceeded
        {
            Self::DiskFull { path }
        } else {
            Self::Io { op, path, source }
        }
    }
}
