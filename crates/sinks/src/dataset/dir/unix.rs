//! The directory operations on Unix: `openat`, `renameat`, `unlinkat`, `fstatat` on the
//! opened directory, never following a link.

use super::*;
use crate::dataset::lock::Lock;
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
        let flags =
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
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
