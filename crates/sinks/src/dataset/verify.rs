//! `verify`: a dataset's directories checked against their manifests: every listed file
//! present with its size and checksum, every part of the dataset in exactly one shard,
//! nothing else but the tool's bookkeeping. Files are read in 1 MiB blocks, so memory
//! stays flat whatever their size.

use crate::SinkError;
use crate::dataset::dir::hash_reader;
use crate::dataset::manifest::Manifest;
use crate::dataset::names::{PARTIAL_SUFFIX, bookkeeping_shard, is_own_path};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// The manifests read.
    pub manifests: Vec<PathBuf>,
    /// Files whose size and checksum were checked.
    pub files_checked: u64,
    /// Bytes read to check them.
    pub bytes_checked: u64,
    /// Parts of the dataset.
    pub parts_total: u64,
    /// Everything missing, damaged, repeated or stray, one line each.
    pub problems: Vec<String>,
}

impl Verification {
    /// Whether the dataset is whole: nothing missing, damaged, repeated or stray.
    pub fn is_whole(&self) -> bool {
        self.problems.is_empty() && !self.manifests.is_empty()
    }
}

/// A short digest (16 hex digits, xxh3) of the config's [`data_identity`]: two runs with
/// the same digest and seed make the same data.
pub fn config_digest(config: &serde_json::Value) -> String {
    let text = serde_json::to_string(&data_identity(config)).unwrap_or_default();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// The manifest's config without what does not change the data (limits, threads, the
/// directory, buffers): what two runs must share to be parts of one dataset.
pub fn data_identity(config: &serde_json::Value) -> serde_json::Value {
    let mut c = config.clone();
    let drop = |c: &mut serde_json::Value, section: &str, keys: &[&str]| {
        if let Some(obj) = c.get_mut(section).and_then(|s| s.as_object_mut()) {
            for k in keys {
                obj.remove(*k);
            }
        }
    };
    drop(
        &mut c,
        "global",
        &[
            "memory_limit",
            "soft_limit",
            "check_interval_ms",
            "growth_rate_threshold",
            "throttle_ms",
        ],
    );
    drop(
        &mut c,
        "output",
        &[
            "directory",
            "overwrite",
            "threads",
            "batch_size",
            "channel_capacity",
            "buffer_bytes",
            "drop_page_cache_every",
            "space_check",
            "shard",
            "resume",
        ],
    );
    if let Some(obj) = c.as_object_mut() {
        obj.remove("server");
    }
    c
}

/// Checks the dataset in `dirs` (one directory, or the directories of its shards).
pub fn verify(dirs: &[PathBuf]) -> Result<Verification, SinkError> {
    verify_manifests(dirs).map(|(v, _)| v)
}

/// As [`verify`], also giving back the manifests it read (with their directories), so
/// that a caller checking more of them reads each once.
pub fn verify_manifests(
    dirs: &[PathBuf],
) -> Result<(Verification, Vec<(PathBuf, Manifest)>), SinkError> {
    let mut v = Verification::default();
    // A directory named twice is one directory.
    let mut seen = BTreeSet::new();
    let dirs: Vec<PathBuf> = dirs
        .iter()
        .filter(|d| seen.insert(std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf())))
        .cloned()
        .collect();
    let dirs = &dirs[..];
    // Every manifest, with the directory it is in.
    let mut manifests: Vec<(PathBuf, Manifest)> = Vec::new();
    for dir in dirs {
        let names = list(dir)?;
        let mut found = false;
        for name in &names {
            let is_manifest = name.ends_with(".json")
                && bookkeeping_shard(name).is_some()
                && !name.ends_with(PARTIAL_SUFFIX);
            if !is_manifest {
                continue;
            }
            found = true;
            let path = dir.join(name);
            match Manifest::read_named(dir, name) {
                Ok(m) if m.tool == "synthdata" => {
                    v.manifests.push(path);
                    manifests.push((dir.clone(), m));
                }
                Ok(_) => v
                    .problems
                    .push(format!("{}: not a manifest of synthdata", path.display())),
                Err(e) => v
                    .problems
                    .push(format!("{}: damaged manifest: {e}", path.display())),
            }
        }
        if !found {
            v.problems.push(format!("{}: no manifest", dir.display()));
        }
    }
    let Some((_, first)) = manifests.first() else {
        return Ok((v, manifests));
    };
    v.parts_total = first.parts_total;
    // One dataset: the same data config, seed and format, and one way of sharding.
    let identity = data_identity(&first.config);
    for (dir, m) in &manifests[1..] {
        if data_identity(&m.config) != identity || m.seed != first.seed || m.format != first.format
        {
            v.problems.push(format!(
                "{}: a manifest of another dataset (its config, seed or format differs)",
                dir.display()
            ));
        }
        if m.shard.map(|s| s.count) != first.shard.map(|s| s.count) {
            v.problems.push(format!(
                "{}: shards of different counts ({} and {}) in one dataset",
                dir.display(),
                m.shard.map_or("unsharded".into(), |s| s.to_string()),
                first.shard.map_or("unsharded".into(), |s| s.to_string())
            ));
        }
    }
    let mut listed: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut part_owner: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut master_owner: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (dir, m) in &manifests {
        let who = m.shard.map_or("the run".into(), |s| format!("shard {s}"));
        if !m.complete {
            v.problems.push(format!(
                "{} is not complete ({})",
                who,
                m.stop_reason.as_deref().unwrap_or("no reason given")
            ));
        }
        for p in &m.parts {
            part_owner.entry(p.part).or_default().push(who.clone());
        }
        for t in &m.tables {
            for f in &t.files {
                listed
                    .entry(dir.clone())
                    .or_default()
                    .insert(f.path.clone());
                if f.part.is_none() {
                    master_owner
                        .entry(t.table.clone())
                        .or_default()
                        .push(who.clone());
                }
                check_file(dir, &f.path, f.bytes, &f.xxh3, &mut v)?;
            }
        }
    }
    for part in 0..first.parts_total {
        match part_owner.get(&part).map(Vec::as_slice) {
            None | Some([]) => v.problems.push(format!("part {part} is missing")),
            Some([_]) => {}
            Some(owners) => v.problems.push(format!(
                "part {part} is in {} shards: {}",
                owners.len(),
                owners.join(", ")
            )),
        }
    }
    for (table, owners) in &master_owner {
        if owners.len() > 1 {
            v.problems.push(format!(
                "table {table} is in {} manifests: {}",
                owners.len(),
                owners.join(", ")
            ));
        }
    }
    // Nothing but listed files and the tool's bookkeeping.
    for dir in dirs {
        let empty = BTreeSet::new();
        let known = listed.get(dir).unwrap_or(&empty);
        for rel in tree(dir)? {
            let bookkeeping = !rel.contains('/')
                && bookkeeping_shard(&rel).is_some()
                && !rel.ends_with(PARTIAL_SUFFIX)
                && (rel.ends_with(".json") || rel.ends_with(".lock"));
            if bookkeeping || known.contains(&rel) {
                continue;
            }
            let what = if rel.ends_with(PARTIAL_SUFFIX) {
                "unfinished file"
            } else {
                "stray file"
            };
            v.problems
                .push(format!("{what} {}", dir.join(&rel).display()));
        }
    }
    Ok((v, manifests))
}

fn check_file(
    dir: &Path,
    rel: &str,
    bytes: u64,
    xxh3: &str,
    v: &mut Verification,
) -> Result<(), SinkError> {
    let path = dir.join(rel);
    if !is_own_path(rel) {
        v.problems.push(format!(
            "the manifest in {} lists {rel:?}, which is not a file this tool writes",
            dir.display()
        ));
        return Ok(());
    }
    match std::fs::symlink_metadata(&path) {
        Err(_) => {
            v.problems.push(format!("missing file {}", path.display()));
            return Ok(());
        }
        Ok(m) if !m.is_file() => {
            v.problems
                .push(format!("{} is not a regular file", path.display()));
            return Ok(());
        }
        Ok(m) if m.len() != bytes => {
            v.problems.push(format!(
                "damaged file {}: {} bytes, the manifest says {bytes}",
                path.display(),
                m.len()
            ));
            return Ok(());
        }
        Ok(_) => {}
    }
    let file = std::fs::File::open(&path).map_err(|e| SinkError::io("open", &path, e))?;
    let (read, hash) = hash_reader(file, &path)?;
    v.files_checked += 1;
    v.bytes_checked += read;
    if hash != xxh3 {
        v.problems.push(format!(
            "damaged file {}: checksum {hash}, the manifest says {xxh3}",
            path.display()
        ));
    }
    Ok(())
}

fn list(dir: &Path) -> Result<Vec<String>, SinkError> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| SinkError::io("list", dir, e))? {
        let e = e.map_err(|e| SinkError::io("list", dir, e))?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Every file under `dir`, as paths relative to it (one level of table directories).
fn tree(dir: &Path) -> Result<Vec<String>, SinkError> {
    let mut out = Vec::new();
    for name in list(dir)? {
        let path = dir.join(&name);
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| SinkError::io("inspect", &path, e))?;
        if meta.is_dir() {
            for sub in list(&path)? {
                out.push(format!("{name}/{sub}"));
            }
        } else {
            out.push(name);
        }
    }
    Ok(out)
}
