//! The one error type of the probe.

use std::io;
use std::path::PathBuf;

/// Why a reading could not be taken. Every variant names what was being read.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// A file was read but did not hold what was expected.
    #[error("unexpected content in {path}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What was expected and what was found.
        reason: String,
    },
    /// A system call failed.
    #[error("{call} failed: {source}")]
    Os {
        /// The call, e.g. `getrusage`.
        call: &'static str,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// This platform has no way to take this reading; never reported as 0.
    #[error("{what} is not supported on this platform")]
    Unsupported {
        /// The reading that was asked for.
        what: &'static str,
    },
}

impl ProbeError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn parse(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Parse {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn last_os(call: &'static str) -> Self {
        Self::Os {
            call,
            source: io::Error::last_os_error(),
        }
    }
}
