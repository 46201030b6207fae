//! Command-line values that replace config values, each change logged.

use super::Config;
use std::path::PathBuf;
use synth_guard::ByteSize;
use synth_sinks::{Compression, Format};

/// Command-line values that replace config values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// `--entries`
    pub entries: Option<u64>,
    /// `--format`
    pub format: Option<Format>,
    /// `--out`
    pub out: Option<PathBuf>,
    /// `--memory-limit`
    pub memory_limit: Option<ByteSize>,
    /// `--seed`
    pub seed: Option<u64>,
    /// `--health-addr`
    pub health_addr: Option<String>,
    /// `--overwrite`
    pub overwrite: bool,
    /// `--start YYYY-MM`: the first month (year, month).
    pub start: Option<(i32, u32)>,
    /// `--months`
    pub months: Option<u32>,
    /// `--vendors`
    pub vendors: Option<u32>,
    /// `--customers`
    pub customers: Option<u32>,
    /// `--anomaly-rate` (also turns anomalies on)
    pub anomaly_rate: Option<f64>,
    /// `--no-anomalies`
    pub no_anomalies: bool,
    /// `--difficulty`: every anomaly type's level
    pub difficulty: Option<synth_generators::Difficulty>,
    /// `--compression`
    pub compression: Option<Compression>,
    /// `--no-space-check`
    pub no_space_check: bool,
    /// `--tables a,b`
    pub tables: Option<Vec<String>>,
    /// `--threads`
    pub threads: Option<usize>,
    /// `--part-entries`
    pub part_entries: Option<u64>,
    /// `--shard K/N` (or from the environment)
    pub shard: Option<String>,
    /// `--resume DIR` (also sets the directory)
    pub resume: bool,
}

/// Parses `YYYY-MM` (a year and a month 1-12), as `--start` takes it.
pub fn parse_year_month(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("expected a month like 2024-01, got {text:?}");
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || y.len() != 4 {
        return Err(bad());
    }
    Ok((year, month))
}

/// The log of the overrides applied: one line per changed value.
struct Log(Vec<String>);

impl Log {
    /// Notes that `path` changed from `old` to `new` (nothing if equal).
    fn note(&mut self, path: &str, old: String, new: String) {
        if old != new {
            self.0.push(format!("{path}: {old} -> {new}"));
        }
    }
}

impl Config {
    /// Applies command-line overrides; returns one line per changed value, to log
    /// (`key: old -> new`; the caller knows which of its options set the key).
    pub fn apply(&mut self, o: &Overrides) -> Vec<String> {
        let mut log = Log(Vec::new());
        self.apply_run(o, &mut log);
        self.apply_output(o, &mut log);
        log.0
    }

    /// The overrides of what the run makes (entries, format, directory, limits, seed,
    /// period, partners).
    fn apply_run(&mut self, o: &Overrides, log: &mut Log) {
        let mut note = |path: &str, old: String, new: String| log.note(path, old, new);
        if let Some(n) = o.entries {
            note(
                "transactions.target_count",
                self.transactions.target_count.to_string(),
                n.to_string(),
            );
            self.transactions.target_count = n;
        }
        if let Some(f) = o.format {
            note(
                "output.format",
                self.output.format.name().into(),
                f.name().into(),
            );
            self.output.format = f;
        }
        if let Some(d) = &o.out {
            note(
                "output.directory",
                self.output.directory.display().to_string(),
                d.display().to_string(),
            );
            self.output.directory = d.clone();
        }
        if let Some(m) = o.memory_limit {
            let old = self
                .global
                .memory_limit
                .map_or("auto".into(), |m| m.to_string());
            note("global.memory_limit", old, m.to_string());
            self.global.memory_limit = Some(m);
        }
        if let Some(s) = o.seed {
            note("global.seed", self.global.seed.to_string(), s.to_string());
            self.global.seed = s;
        }
        if let Some(a) = &o.health_addr {
            let old = self
                .server
                .health_addr
                .clone()
                .unwrap_or_else(|| "off".into());
            note("server.health_addr", old, a.clone());
            self.server.health_addr = Some(a.clone());
        }
        if let Some((year, month)) = o.start {
            let old = format!("{}-{:02}", self.global.start_year, self.global.start_month);
            note(
                "global.start_year/start_month",
                old,
                format!("{year}-{month:02}"),
            );
            self.global.start_year = year;
            self.global.start_month = month;
        }
        if let Some(m) = o.months {
            note(
                "global.months",
                self.global.months.to_string(),
                m.to_string(),
            );
            self.global.months = m;
        }
        if let Some(v) = o.vendors {
            let old = self.master_data.vendors.to_string();
            note("master_data.vendors", old, v.to_string());
            self.master_data.vendors = v;
        }
        if let Some(c) = o.customers {
            let old = self.master_data.customers.to_string();
            note("master_data.customers", old, c.to_string());
            self.master_data.customers = c;
        }
        if let Some(r) = o.anomaly_rate {
            let old = self.anomalies.rate.to_string();
            note("anomalies.rate", old, r.to_string());
            self.anomalies.rate = r;
            let old = self.anomalies.enabled.to_string();
            note("anomalies.enabled", old, "true".into());
            self.anomalies.enabled = true;
        }
        if let Some(level) = o.difficulty {
            let old = self.anomalies.difficulty.name().to_string();
            note("anomalies.difficulty", old, level.name().into());
            self.anomalies.difficulty = level;
            let set = synth_generators::AnomalyType::ALL
                .iter()
                .any(|t| self.anomalies.difficulty_by_type.get(*t).is_some());
            if set {
                note(
                    "anomalies.difficulty_by_type",
                    "some types set".into(),
                    "every type at the one level".into(),
                );
                self.anomalies.difficulty_by_type = Default::default();
            }
        }
        if o.no_anomalies {
            let old = self.anomalies.enabled.to_string();
            note("anomalies.enabled", old, "false".into());
            self.anomalies.enabled = false;
        }
    }

    /// The overrides of how the run writes (compression, tables, threads, shard,
    /// resume, parts, checks).
    fn apply_output(&mut self, o: &Overrides, log: &mut Log) {
        let mut note = |path: &str, old: String, new: String| log.note(path, old, new);
        if let Some(c) = o.compression {
            let old = self.output.compression.map_or("default", Compression::name);
            note("output.compression", old.into(), c.name().into());
            self.output.compression = Some(c);
        }
        if let Some(t) = &o.tables {
            let old = self
                .output
                .tables
                .as_ref()
                .map_or("all".into(), |t| t.join(","));
            note("output.tables", old, t.join(","));
            self.output.tables = Some(t.clone());
        }
        if let Some(t) = o.threads {
            let old = self.output.threads.map_or("auto".into(), |t| t.to_string());
            note("output.threads", old, t.to_string());
            self.output.threads = Some(t);
        }
        if let Some(shard) = &o.shard {
            let old = self.output.shard.clone().unwrap_or_else(|| "none".into());
            note("output.shard", old, shard.clone());
            self.output.shard = Some(shard.clone());
        }
        if o.resume {
            note(
                "output.resume",
                self.output.resume.to_string(),
                "true".into(),
            );
            self.output.resume = true;
        }
        if let Some(p) = o.part_entries {
            let old = self.output.part_entries.to_string();
            note("output.part_entries", old, p.to_string());
            self.output.part_entries = p;
        }
        if o.no_space_check {
            let old = self.output.space_check.to_string();
            note("output.space_check", old, "false".into());
            self.output.space_check = false;
        }
        if o.overwrite {
            note(
                "output.overwrite",
                self.output.overwrite.to_string(),
                "true".into(),
            );
            self.output.overwrite = true;
        }
    }
}
