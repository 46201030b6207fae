//! The lock of an output directory: held by a run for its whole length, and by the
//! shards of one directory in turn around their compatibility check.

use crate::SinkError;
use crate::dataset::names::LOCK_FILE;
use std::fs::File;
use std::path::Path;

#[cfg(unix)]
pub(crate) type Lock = nix::fcntl::Flock<File>;
#[cfg(not(unix))]
pub(crate) type Lock = File;

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
