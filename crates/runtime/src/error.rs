//! The runtime's error type: each variant maps to one exit code of `synthdata`.

use crate::config::ConfigErrors;
use synth_guard::{LimitSource, format_bytes};

/// Why a run did not complete.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is invalid (exit 2).
    #[error("{0}")]
    Config(#[from] ConfigErrors),
    /// The memory limit was reached, or the run was refused up front (exit 3).
    #[error("{}", memory_message(.used, .projected, .limit, .limit_source, .records_written, .refused_up_front, .hint))]
    MemoryExceeded {
        /// Usage when stopped, or the estimated peak when refused.
        used: u64,
        /// Usage expected at the next reading when the guard stopped (at least `used`).
        projected: u64,
        /// The hard limit.
        limit: u64,
        /// Where the hard limit comes from.
        limit_source: LimitSource,
        /// Journal entries written before the stop (0 when refused).
        records_written: u64,
        /// Refused before anything was written.
        refused_up_front: bool,
        /// What to change.
        hint: String,
    },
    /// Cancelled (Ctrl-C or a cancel handle) (exit 130).
    #[error(
        "interrupted after {records_written} journal entries; the files written so far are valid and the manifest says complete: false"
    )]
    Interrupted {
        /// Journal entries written before the stop.
        records_written: u64,
    },
    /// The output's file system clearly cannot hold the run (exit 1), found before
    /// anything was written.
    #[error(
        "not enough disk space in {}: the run needs about {} and {} are free; free space, \
         choose another output.directory, or skip this check with \
         output.space_check: false",
        path.display(), format_bytes(*needed), format_bytes(*free)
    )]
    NoSpace {
        /// The output directory.
        path: std::path::PathBuf,
        /// Bytes the run is expected to write.
        needed: u64,
        /// Bytes free there.
        free: u64,
    },
    /// Not even one part fits the open-file limit: refused before anything is written.
    #[error(
        "refused before writing anything: a run needs about {needed} open files and at most {limit} may be open at once (RLIMIT_NOFILE)"
    )]
    OpenFiles {
        /// The most files the process may have open.
        limit: u64,
        /// About how many one part at a time needs.
        needed: u64,
    },
    /// An earlier run cannot be continued (exit 2); nothing was changed on disk.
    #[error("cannot resume the run in {}: {reason}", path.display())]
    Resume {
        /// The output directory.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Writing failed (exit 1).
    #[error("{0}")]
    Sink(#[from] synth_sinks::SinkError),
    /// Reading memory failed (exit 1).
    #[error("memory probe: {0}")]
    Probe(#[from] synth_probe::ProbeError),
    /// A thread panicked (exit 1).
    #[error("the {thread} thread panicked: {message}")]
    ThreadPanicked {
        /// `generator` or `writer`.
        thread: &'static str,
        /// The panic message.
        message: String,
    },
    /// A thread could not be started (exit 1).
    #[error("cannot start the {thread} thread: {source}")]
    Spawn {
        /// Which thread.
        thread: &'static str,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

fn memory_message(
    used: &u64,
    projected: &u64,
    limit: &u64,
    source: &LimitSource,
    written: &u64,
    refused: &bool,
    hint: &str,
) -> String {
    if *refused {
        format!(
            "refused before writing anything: the estimated peak of {} exceeds the {} hard limit (from {source}); {hint}",
            format_bytes(*used),
            format_bytes(*limit)
        )
    } else if used >= limit {
        format!(
            "memory limit reached after {written} journal entries: using {} of a {} hard limit (from {source}); \
             the files written so far are valid and the manifest says complete: false; {hint}",
            format_bytes(*used),
            format_bytes(*limit)
        )
    } else {
        format!(
            "stopped at the memory limit after {written} journal entries: using {} and growing to {} by the next \
             check, against a {} hard limit (from {source}); the files written so far are valid and the manifest \
             says complete: false; {hint}",
            format_bytes(*used),
            format_bytes(*projected),
            format_bytes(*limit)
        )
    }
}

impl Error {
    /// The exit code of `synthdata` for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            // Pointing at a directory that holds other files is a usage error.
            Self::Config(_)
            | Self::Resume { .. }
            | Self::Sink(
                synth_sinks::SinkError::ShardWritten { .. }
                | synth_sinks::SinkError::NotEmpty { .. }
                | synth_sinks::SinkError::NotADirectory { .. }
                | synth_sinks::SinkError::Locked { .. }
                | synth_sinks::SinkError::NotOurs { .. }
                | synth_sinks::SinkError::ForeignPath { .. }
                | synth_sinks::SinkError::TooLarge { .. },
            ) => 2,
            Self::MemoryExceeded { .. } | Self::OpenFiles { .. } => 3,
            Self::Interrupted { .. } => 130,
            _ => 1,
        }
    }
}
