//! Path-based fallback off Unix: `create_new` still refuses an existing name (a link too).

use super::*;
use crate::dataset::lock::Lock;

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
            Err(_) => {
                std::fs::create_dir(&path).map_err(|e| SinkError::io("create directory", &path, e))
            }
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
