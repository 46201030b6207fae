//! The output of a run on disk, before its parts are written: free space, the
//! directory opened and locked (cleaned with overwrite), the other shards checked under
//! the directory's lock, an earlier run resumed (checked first, then its damaged parts
//! removed), the first manifest written, room kept for the last; and the manifest of
//! what has been written so far.

use crate::config::{Config, ConfigErrors};
use crate::error::Error;
use crate::estimate::MemoryEstimate;
use crate::plan::{PartPlan, RunPlan};
use crate::written::{PartDone, Written};
use synth_generators::Table;
use synth_guard::format_bytes;
use synth_model::TablePhase;
use synth_sinks::{DirOptions, Manifest, OutputDir, SinkError, TableReport};
use tracing::{info, warn};

/// What the manifest says while a run is in progress: if it is still there, the run
/// was killed (or lost its disk) before it could say how it ended.
pub const RUNNING_MESSAGE: &str = "the run had not finished when this manifest was written; \
     if it is still here, the run was killed before it could record how it ended";

/// The output opened for a run.
pub(crate) struct Output {
    /// The directory (none for standard output).
    pub(crate) dir: Option<OutputDir>,
    /// What an earlier run left that is kept (resume), else nothing.
    pub(crate) written: Written,
    /// The parts this run makes, in order (on resume, less those kept).
    pub(crate) todo: Vec<u64>,
    /// Whether this run writes the master tables (not when a resume kept them).
    pub(crate) masters: bool,
}

/// The free-space check of a run: the bytes it will write against what the file
/// system holds.
struct Space<'a> {
    config: &'a Config,
    plan: PartPlan,
    estimate: &'a MemoryEstimate,
    to_stdout: bool,
}

impl Space<'_> {
    /// The bytes a run of `parts` of the parts writes, with the master tables if
    /// `masters`.
    fn needed(&self, parts: u64, masters: bool) -> u64 {
        let share = parts as f64 / self.plan.parts.max(1) as f64;
        self.estimate
            .per_table
            .iter()
            .map(|t| match Table::from_name(t.table).map(|t| t.phase()) {
                Some(TablePhase::Stream) => t.disk_bytes as f64 * share,
                _ if masters => t.disk_bytes as f64,
                _ => 0.0,
            })
            .sum::<f64>() as u64
    }

    /// Refuses what clearly cannot fit (the estimate is within a few percent for text
    /// and an upper bound for Parquet), warns about what may not.
    fn check(&self, needed: u64) -> Result<(), Error> {
        let o = &self.config.output;
        if !o.space_check || self.to_stdout {
            return Ok(());
        }
        let Some(free) = synth_sinks::free_space(&o.directory)? else {
            return Ok(());
        };
        if needed as f64 * 0.9 > free as f64 {
            return Err(Error::NoSpace {
                path: o.directory.clone(),
                needed,
                free,
            });
        }
        if needed > free {
            warn!(
                "the run may not fit: about {} expected, {} free in {}",
                format_bytes(needed),
                format_bytes(free),
                o.directory.display()
            );
        }
        Ok(())
    }
}

/// The config as the manifest carries it.
pub(crate) fn config_value(config: &Config) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
}

/// Opens the output of `plan` (see the module docs); an error changes nothing on disk
/// that a later run would take for its own.
pub(crate) fn open(
    config: &Config,
    run: &RunPlan,
    e: &MemoryEstimate,
    lanes: u64,
) -> Result<Output, Error> {
    let o = &config.output;
    let (plan, shard, to_stdout) = (run.parts, run.shard, run.to_stdout);
    let (mut masters, stream_tables) = (run.masters, run.stream_tables);
    // The parts this run makes: all, or its shard's; on resume, less those kept.
    let mut todo = run.owned.clone();
    let owned = todo.len() as u64;
    let space = Space {
        config,
        plan,
        estimate: e,
        to_stdout,
    };
    if !o.resume {
        space.check(space.needed(owned, masters))?;
    }
    // Opened, locked for this run, cleaned of an earlier run's files (with overwrite).
    // Until the run ends, the manifest says it has not; and room is kept so that the
    // final manifest can be written even if the run fills the disk. Standard output
    // has no directory and no manifest.
    let mut written = Written::default();
    let out = match to_stdout {
        true => None,
        false => {
            let options = DirOptions {
                overwrite: o.overwrite,
                shard,
                resume: o.resume,
            };
            if o.resume {
                // Nothing is opened (or locked, or removed) before the manifest is
                // known to be this tool's and of this config.
                let name = synth_sinks::RunNames::of(shard).manifest;
                let path = o.directory.join(&name);
                if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    return Err(Error::Resume {
                        path: o.directory.clone(),
                        reason: format!("there is no manifest {name} of an earlier run"),
                    });
                }
            }
            // Shards check the others and write their first manifest under the
            // directory's lock, one at a time, so two of different datasets
            // started together cannot both pass. (A resumed shard's manifest is
            // there already for the others to see.)
            let dataset_lock = match shard {
                Some(_) if !o.resume => Some(synth_sinks::DatasetLock::take(&o.directory)?),
                _ => None,
            };
            if shard.is_some() {
                check_other_shards(config, &o.directory, shard)?;
                let name = synth_sinks::RunNames::of(shard).manifest;
                let path = o.directory.join(&name);
                if !o.resume && !o.overwrite && std::fs::symlink_metadata(&path).is_ok() {
                    return Err(SinkError::ShardWritten { path }.into());
                }
            }
            // Checked before the directory is opened: a refusal changes nothing.
            let earlier = match o.resume {
                true => Some(resume_check(config, &o.directory, shard, plan)?),
                false => None,
            };
            if let Some(old) = &earlier {
                // What is on disk already does not need room again.
                let left = owned.saturating_sub(old.parts.len() as u64);
                let master_left = masters
                    && !old.tables.iter().any(|t| {
                        Table::from_name(&t.table).is_some_and(|t| t.phase() != TablePhase::Stream)
                    });
                space.check(space.needed(left, master_left))?;
            }
            let out = OutputDir::open_with(&o.directory, &options)?;
            if let Some(old) = earlier {
                let kept = resume(&out, old, masters)?;
                todo.retain(|p| !kept.parts.iter().any(|k| k.part == *p));
                if !kept.master.is_empty() {
                    masters = false;
                }
                info!(
                    "resuming: {} whole parts kept, {} to generate{}",
                    kept.parts.len(),
                    todo.len(),
                    if masters {
                        ", and the master tables"
                    } else {
                        ""
                    }
                );
                written = kept;
            }
            // The manifest first, then the room for its last rewrite: a disk too
            // full for that room still ends with a manifest saying so.
            let running = Some(("running", RUNNING_MESSAGE.to_string()));
            manifest(config, plan, &written, running).write(&out)?;
            drop(dataset_lock);
            let files = Table::ALL.len() as u64 + 2 * (owned + lanes) * stream_tables;
            if let Err(e) = out.reserve_manifest_room(synth_sinks::manifest_reserve_bytes(files)) {
                let stop = Some(("error", e.to_string()));
                if let Err(m) = manifest(config, plan, &written, stop).write_replacing(&out) {
                    warn!("could not record the stop in the manifest: {m}");
                }
                return Err(e.into());
            }
            Some(out)
        }
    };
    Ok(Output {
        dir: out,
        written,
        todo,
        masters,
    })
}

/// The manifest of this run after `written`; `complete` exactly when there is no stop.
pub(crate) fn manifest(
    config: &Config,
    plan: PartPlan,
    written: &Written,
    stop: Option<(&str, String)>,
) -> Manifest {
    Manifest {
        tool: "synthdata".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        format: config.output.format.name().into(),
        seed: config.global.seed,
        complete: stop.is_none(),
        stop_reason: stop.as_ref().map(|(r, _)| r.to_string()),
        stop_message: stop.map(|(_, m)| m),
        entries_requested: plan.total,
        entries_written: written.entries(),
        part_entries: plan.part_entries,
        parts_total: plan.parts,
        shard: config.output.shard(),
        manifest_version: synth_sinks::MANIFEST_VERSION,
        parts: written.part_reports(plan),
        tables: written.tables(),
        partial_files: written
            .partial
            .iter()
            .flat_map(|t| t.files.clone())
            .collect(),
        config: config_value(config),
        written_at: Some(utc_now()),
    }
}

/// The time now, UTC, as `2026-12-04T16:20:00Z` (the clock's whole seconds).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = synth_model::Date((secs / 86_400) as i32).ymd();
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// A shard shares its directory only with shards of the same dataset: the other
/// manifests there must be of the same shard count, config and seed (read only;
/// refused with exit 2 before anything is written).
pub(crate) fn check_other_shards(
    config: &Config,
    dir: &std::path::Path,
    shard: Option<synth_sinks::Shard>,
) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mine = synth_sinks::RunNames::of(shard).manifest;
    let now = synth_sinks::data_identity(&config_value(config));
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(other) = synth_sinks::bookkeeping_shard(&name) else {
            continue;
        };
        if !name.ends_with(".json") || name == mine {
            continue;
        }
        let refuse = |why: String| {
            Err(Error::Config(ConfigErrors(vec![
                crate::config::ConfigError {
                    file: None,
                    path: "output.shard".into(),
                    message: format!("{} already holds {name}: {why}", dir.display()),
                    location: None,
                },
            ])))
        };
        match (other, shard) {
            (None, _) => {
                return refuse("a whole, unsharded run; shard into another directory".into());
            }
            (Some(o), Some(s)) if o.count != s.count => {
                return refuse(format!(
                    "a shard of {} shards, and this run is one of {}; every shard of a dataset uses the same count",
                    o.count, s.count
                ));
            }
            _ => {}
        }
        let m = match Manifest::read_named(dir, &name) {
            Ok(m) => m,
            Err(e) => {
                return refuse(format!(
                    "a manifest that cannot be read, so the dataset it belongs to is unknown ({e})"
                ));
            }
        };
        if synth_sinks::data_identity(&m.config) != now || m.seed != config.global.seed {
            return refuse(
                "a shard of another dataset (its config or seed differs from this run's)".into(),
            );
        }
    }
    Ok(())
}

/// On resume, before anything is opened: the earlier manifest, checked against this
/// run's config. What is then kept: the master tables and the parts whose files all
/// verify (size and checksum); the files of the others, and every `.partial` file of
/// this run, are removed. Nothing is touched if the manifest does not match.
pub(crate) fn resume_check(
    config: &Config,
    dir: &std::path::Path,
    shard: Option<synth_sinks::Shard>,
    plan: PartPlan,
) -> Result<Manifest, Error> {
    let name = synth_sinks::RunNames::of(shard).manifest;
    let bad = |reason: String| Error::Resume {
        path: dir.to_path_buf(),
        reason,
    };
    let old = Manifest::read_named(dir, &name).map_err(|e| match e {
        SinkError::ForeignPath { .. } | SinkError::TooLarge { .. } => bad(e.to_string()),
        SinkError::Io { op: "parse", .. } => bad(format!("its manifest {name} is damaged: {e}")),
        e => bad(format!("its manifest {name} cannot be read: {e}")),
    })?;
    if !old.config.is_object() {
        return Err(bad(format!(
            "its manifest {name} carries no config, so nothing shows it was made as this run would make it; write it anew with overwrite"
        )));
    }
    if old.tool != "synthdata" || old.manifest_version > synth_sinks::MANIFEST_VERSION {
        return Err(bad(format!(
            "{name} is not a manifest this version of synthdata writes"
        )));
    }
    let now = config_value(config);
    let differs = config_differences(
        &synth_sinks::data_identity(&old.config),
        &synth_sinks::data_identity(&now),
    );
    if !differs.is_empty() || old.shard != config.output.shard() {
        return Err(bad(format!(
            "it was made with another config ({}); resume with the config and seed it was started with, or write it anew with overwrite",
            if differs.is_empty() {
                "output.shard".to_string()
            } else {
                differs.join(", ")
            }
        )));
    }
    if old.parts_total != plan.parts || old.part_entries != plan.part_entries {
        return Err(bad(format!(
            "its manifest has {} parts of {} entries, this run {} of {}",
            old.parts_total, old.part_entries, plan.parts, plan.part_entries
        )));
    }
    Ok(old)
}

/// On resume, in the opened directory: what of the earlier run `old` is kept (see
/// [`Self::resume_check`]), the rest removed.
pub(crate) fn resume(out: &OutputDir, old: Manifest, masters: bool) -> Result<Written, Error> {
    // Check first, then act: a table name held by a link or a file would refuse the
    // run when its parts are written, so it refuses it now, before anything is
    // removed.
    out.check_table_dirs()?;
    let verified = |f: &synth_sinks::FileReport| -> Result<bool, Error> {
        Ok(out
            .checksum(&f.path)?
            .is_some_and(|(bytes, hash)| bytes == f.bytes && hash == f.xxh3))
    };
    let mut kept = Written::default();
    let mut remove = Vec::new();
    // The master tables: kept if every one of their files verifies.
    let master: Vec<TableReport> = old
        .tables
        .iter()
        .filter(|t| Table::from_name(&t.table).is_some_and(|t| t.phase() != TablePhase::Stream))
        .cloned()
        .collect();
    let mut master_ok = masters && !master.is_empty();
    for f in master.iter().flat_map(|t| &t.files) {
        let ok = verified(f)?;
        if masters && !ok {
            warn!(
                "resume: {} does not match its manifest; the master tables are made again",
                f.path
            );
        }
        master_ok &= ok;
    }
    match master_ok {
        true => kept.master = master,
        false => remove.extend(
            master
                .iter()
                .flat_map(|t| t.files.iter().map(|f| f.path.clone())),
        ),
    }
    for p in &old.parts {
        let mut tables = Vec::new();
        let mut ok = true;
        for t in &old.tables {
            let files: Vec<_> = t
                .files
                .iter()
                .filter(|f| f.part == Some(p.part))
                .cloned()
                .collect();
            if files.is_empty() {
                continue;
            }
            for f in &files {
                if !verified(f)? {
                    warn!(
                        "resume: {} does not match its manifest; part {} is made again",
                        f.path, p.part
                    );
                    ok = false;
                }
            }
            tables.push(synth_sinks::table_report(&t.table, files));
        }
        if ok && !tables.is_empty() {
            let lines = tables
                .iter()
                .find(|t| t.table == Table::JournalLines.name())
                .map_or(0, |t| t.rows);
            kept.add(PartDone {
                part: p.part,
                entries: p.entries,
                lines,
                tables,
            });
        } else {
            remove.extend(
                tables
                    .iter()
                    .flat_map(|t| t.files.iter().map(|f| f.path.clone())),
            );
        }
    }
    for rel in &remove {
        out.remove_listed(rel)?;
    }
    out.remove_partials()?;
    Ok(kept)
}

/// The keys (`section.key`) whose values differ between two configs.
fn config_differences(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (ao, bo) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let mut out = Vec::new();
    let sections: std::collections::BTreeSet<&String> = ao.keys().chain(bo.keys()).collect();
    for section in sections {
        let (x, y) = (ao.get(section), bo.get(section));
        if x == y {
            continue;
        }
        match (x.and_then(|x| x.as_object()), y.and_then(|y| y.as_object())) {
            (Some(xo), Some(yo)) => {
                let keys: std::collections::BTreeSet<&String> =
                    xo.keys().chain(yo.keys()).collect();
                out.extend(
                    keys.into_iter()
                        .filter(|k| xo.get(*k) != yo.get(*k))
                        .map(|k| format!("{section}.{k}")),
                );
            }
            _ => out.push(section.clone()),
        }
    }
    out
}
