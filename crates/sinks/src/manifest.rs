//! `manifest.json`: what a run wrote, whether it is complete, and how to check it.

use crate::{FileReport, OutputDir, SinkError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Name of the manifest file in the output directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What was written for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableReport {
    /// Table name (file stem).
    pub table: String,
    /// Data rows written.
    pub rows: u64,
    /// Bytes written over all files of the table.
    pub bytes: u64,
    /// The files, in order.
    pub files: Vec<FileReport>,
}

/// One whole part of the streaming tables: the entries it covers. Its files are those
/// of [`Manifest::tables`] whose `part` is this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartReport {
    /// The part's number (from 0).
    pub part: u64,
    /// Index of its first journal entry.
    pub first_entry: u64,
    /// Journal entries in it.
    pub entries: u64,
}

/// Version of the manifest's format; readers should refuse a higher major version.
pub const MANIFEST_VERSION: u32 = 2;

/// The manifest of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `synthdata`.
    pub tool: String,
    /// The format of this file ([`MANIFEST_VERSION`]; 1 before parts existed).
    #[serde(default = "version_one")]
    pub manifest_version: u32,
    /// Version of the tool that wrote the files.
    pub version: String,
    /// `csv`, `jsonl`, `parquet` or `null`.
    pub format: String,
    /// The seed the data was generated from.
    pub seed: u64,
    /// `true` only if every requested entry was written and every file finished.
    pub complete: bool,
    /// Why the run ended early (`memory_limit`, `interrupted`, `error`), if it did.
    pub stop_reason: Option<String>,
    /// A human-readable account of the stop, if any.
    pub stop_message: Option<String>,
    /// Journal entries asked for.
    pub entries_requested: u64,
    /// Journal entries written.
    pub entries_written: u64,
    /// Journal entries per part.
    #[serde(default)]
    pub part_entries: u64,
    /// Parts the dataset has in all (over every shard).
    #[serde(default)]
    pub parts_total: u64,
    /// The shard this manifest is of (`None`: the whole dataset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::Shard>,
    /// The whole parts, in order (all of them in a complete run).
    #[serde(default)]
    pub parts: Vec<PartReport>,
    /// Per table: rows, bytes, files and checksums of the whole files (master tables
    /// and whole parts).
    pub tables: Vec<TableReport>,
    /// Files left as `.partial` by a run that stopped: parts that were in flight. Not
    /// part of the dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial_files: Vec<FileReport>,
    /// The configuration as used (after command-line overrides).
    pub config: serde_json::Value,
}

fn version_one() -> u32 {
    1
}

impl Manifest {
    /// Writes the manifest atomically into `dir` (`manifest.json.partial`, synced, then
    /// renamed), using the room kept for it if the disk is full.
    pub fn write(&self, dir: &OutputDir) -> Result<PathBuf, SinkError> {
        dir.write_atomic(dir.manifest_name(), &self.encode(dir)?)
    }

    /// The manifest as pretty JSON with a final newline.
    fn encode(&self, dir: &OutputDir) -> Result<Vec<u8>, SinkError> {
        let path = dir.path().join(dir.manifest_name());
        let mut text = serde_json::to_vec_pretty(self)
            .map_err(|e| SinkError::io("encode", &path, e.into()))?;
        text.push(b'\n');
        Ok(text)
    }

    /// Writes the manifest atomically as [`Manifest::write`] does, without touching the
    /// room kept for the final manifest (a run's progress, after each part).
    pub fn write_progress(&self, dir: &OutputDir) -> Result<PathBuf, SinkError> {
        dir.write_atomic_unreserved(dir.manifest_name(), &self.encode(dir)?)
    }

    /// Reads a manifest back.
    pub fn read(dir: &Path) -> Result<Self, SinkError> {
        Self::read_named(dir, MANIFEST_FILE)
    }

    /// Reads the manifest `name` (a shard's) back.
    pub fn read_named(dir: &Path, name: &str) -> Result<Self, SinkError> {
        let path = dir.join(name);
        let text = std::fs::read(&path).map_err(|e| SinkError::io("read", &path, e))?;
        serde_json::from_slice(&text).map_err(|e| SinkError::io("parse", &path, e.into()))
    }
}
