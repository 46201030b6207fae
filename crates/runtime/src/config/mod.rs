//! The configuration file: YAML, unknown keys rejected, every error with its field path,
//! line and column. Each crate owns its section's types; this module composes them.

mod checks;
mod keys;
mod load;
mod overrides;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use synth_generators::{
    AnomaliesConfig, CompanyConfig, DocumentsConfig, FxConfig, GeneratorConfig, GraphConfig,
    GroupConfig, MasterDataConfig, TransactionsConfig,
};
use synth_guard::{ByteRate, ByteSize};
use synth_sinks::{Compression, Format};

pub use load::{MAX_CONFIG_BYTES, locate};
pub use overrides::{Overrides, parse_year_month};

/// The most journal entries one run may ask for (a trillion).
pub const MAX_ENTRIES: u64 = 1_000_000_000_000;

pub use keys::{Bound, KEYS, Key, Unit, default_config_yaml, key_at, keys_markdown};

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Seed, memory limits, period and companies.
    pub global: GlobalConfig,
    /// How many entries and what they look like.
    pub transactions: TransactionsConfig,
    /// How many vendors and customers.
    pub master_data: MasterDataConfig,
    /// Partners in their own currency, and the exchange rates.
    pub fx: FxConfig,
    /// The group: what its companies charge each other, the currency it reports in.
    pub group: GroupConfig,
    /// Business documents on or off.
    pub documents: DocumentsConfig,
    /// Graph tables on or off.
    pub graph: GraphConfig,
    /// Labelled irregularities: on or off, how often, which types.
    pub anomalies: AnomaliesConfig,
    /// Where and how files are written.
    pub output: OutputConfig,
    /// The health server.
    pub server: ServerConfig,
}

impl Default for Config {
    fn default() -> Self {
        let g = GeneratorConfig::default();
        Self {
            global: GlobalConfig::default(),
            transactions: g.transactions,
            master_data: g.master_data,
            fx: g.fx,
            group: g.group,
            documents: g.documents,
            graph: g.graph,
            anomalies: g.anomalies,
            output: OutputConfig::default(),
            server: ServerConfig::default(),
        }
    }
}

/// The `global` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GlobalConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Hard memory limit; `None` = 90% of the effective limit.
    pub memory_limit: Option<ByteSize>,
    /// Soft memory limit; `None` = 80% of the hard limit.
    pub soft_limit: Option<ByteSize>,
    /// Milliseconds between two memory readings.
    pub check_interval_ms: u64,
    /// Growth rate above which generation backs off.
    pub growth_rate_threshold: ByteRate,
    /// Length of one back-off in milliseconds.
    pub throttle_ms: u64,
    /// First year of the posting period.
    pub start_year: i32,
    /// First month of the posting period.
    pub start_month: u32,
    /// Length of the posting period in months.
    pub months: u32,
    /// The companies that post.
    pub companies: Vec<CompanyConfig>,
}

impl Default for GlobalConfig {
    fn default() -> Self {
        let g = GeneratorConfig::default();
        Self {
            seed: g.seed,
            memory_limit: None,
            soft_limit: None,
            check_interval_ms: synth_guard::DEFAULT_CHECK_INTERVAL_MS,
            growth_rate_threshold: ByteRate(synth_guard::DEFAULT_GROWTH_RATE_THRESHOLD),
            throttle_ms: synth_guard::DEFAULT_THROTTLE_STEP_MS,
            start_year: g.start_year,
            start_month: g.start_month,
            months: g.months,
            companies: g.companies,
        }
    }
}

/// A path as config text: a string when it is UTF-8, else (on Unix) `{"unix_bytes":
/// [...]}`, so a manifest always carries the directory it was written to and reads it
/// back as the same path.
mod path_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::path::{Path, PathBuf};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Text {
        Utf8(String),
        Bytes { unix_bytes: Vec<u8> },
    }

    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        match path.to_str() {
            Some(t) => Text::Utf8(t.to_string()),
            #[cfg(unix)]
            None => {
                use std::os::unix::ffi::OsStrExt;
                Text::Bytes {
                    unix_bytes: path.as_os_str().as_bytes().to_vec(),
                }
            }
            #[cfg(not(unix))]
            None => Text::Utf8(path.to_string_lossy().into_owned()),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        match Text::deserialize(d)? {
            Text::Utf8(t) => Ok(PathBuf::from(t)),
            #[cfg(unix)]
            Text::Bytes { unix_bytes } => {
                use std::os::unix::ffi::OsStringExt;
                Ok(PathBuf::from(std::ffi::OsString::from_vec(unix_bytes)))
            }
            #[cfg(not(unix))]
            Text::Bytes { .. } => Err(serde::de::Error::custom(
                "a path of Unix bytes cannot be used on this platform",
            )),
        }
    }
}

/// The `output` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Output directory.
    #[serde(with = "path_text")]
    pub directory: PathBuf,
    /// File format.
    pub format: Format,
    /// Journal entries per batch.
    pub batch_size: u64,
    /// Batches in flight between generator and writer.
    pub channel_capacity: usize,
    /// Compression: Parquet's codec (zstd, snappy, none), or the stream codec of CSV and
    /// JSON Lines files (zstd, gzip, none); `None` = the format's default (Parquet zstd,
    /// text none).
    pub compression: Option<Compression>,
    /// Rotate CSV/JSONL files at this size.
    pub rotate_bytes: Option<ByteSize>,
    /// Allow a non-empty output directory.
    pub overwrite: bool,
    /// Encode buffer per table.
    pub buffer_bytes: ByteSize,
    /// Parquet row group size per table.
    pub row_group_bytes: ByteSize,
    /// Page-cache dropping interval; `None` = automatic, 0 = off.
    pub drop_page_cache_every: Option<ByteSize>,
    /// Refuse a run whose expected bytes clearly exceed the output's free space.
    pub space_check: bool,
    /// Parquet: annotate id columns `UUID` (false: plain 16-byte binary, which Spark
    /// reads; it refuses the annotation).
    pub parquet_uuid: bool,
    /// Only these tables are written (by name); `None` = every table the run makes.
    pub tables: Option<Vec<String>>,
    /// Journal entries (cases) per part: each streaming table is written as one file
    /// per part (`TABLE/part-00000.EXT`; a run of one part writes `TABLE.EXT`).
    #[serde(deserialize_with = "synth_generators::deserialize_count")]
    pub part_entries: u64,
    /// Parts generated at once; `None` = the CPUs this process may use.
    pub threads: Option<usize>,
    /// Write only shard `K/N` of the dataset (the parts `p` with `p % N == K`; master
    /// tables in shard 0), with its own manifest; `None` = the whole dataset.
    pub shard: Option<String>,
    /// Continue the run whose manifest is in the output directory: keep its whole parts
    /// whose checksums verify, generate the rest.
    pub resume: bool,
}

/// Most parts a run generates at once.
pub const MAX_THREADS: usize = 1024;

/// Most parts one run may have: the manifest lists every file of every part.
pub const MAX_PARTS: u64 = 100_000;

impl OutputConfig {
    /// The shard this run writes, if it is one and is valid.
    pub fn shard(&self) -> Option<synth_sinks::Shard> {
        self.shard.as_deref().and_then(|s| s.parse().ok())
    }

    /// Parts of a run of `entries` entries (one when writing to standard output).
    pub fn parts(&self, entries: u64) -> u64 {
        match self.to_stdout() {
            true => 1,
            false => entries.div_ceil(self.part_entries.max(1)).max(1),
        }
    }

    /// Parts generated at once: the configured threads (or the CPUs this process may
    /// use, after its affinity and cgroup CPU quota), at most one per part.
    pub fn lanes(&self, entries: u64) -> usize {
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        (threads.clamp(1, MAX_THREADS) as u64).min(self.parts(entries)) as usize
    }

    /// Whether the output goes to standard output (`directory: "-"`).
    pub fn to_stdout(&self) -> bool {
        self.directory.as_os_str() == "-"
    }

    /// Whether `table` is among the tables asked for.
    pub fn selects(&self, table: synth_generators::Table) -> bool {
        self.tables
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == table.name()))
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        Self {
            directory: PathBuf::from("output"),
            format: Format::Csv,
            batch_size: 2048,
            channel_capacity: 2,
            compression: None,
            rotate_bytes: None,
            overwrite: false,
            buffer_bytes: ByteSize(1 << 20),
            row_group_bytes: ByteSize(16 << 20),
            drop_page_cache_every: None,
            space_check: true,
            parquet_uuid: true,
            tables: None,
            part_entries: DEFAULT_PART_ENTRIES,
            threads: None,
            shard: None,
            resume: false,
        }
    }
}

/// Journal entries per part unless configured: about 1.3 GB of CSV or 0.3 GB of
/// Parquet over all tables, and a Parquet footer that stays small.
pub const DEFAULT_PART_ENTRIES: u64 = 1_000_000;

/// The `server` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address for `/health` and `/metrics`, e.g. `127.0.0.1:9090`; `None` = off.
    pub health_addr: Option<String>,
}

/// One problem in a configuration: where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, if the config came from one.
    pub file: Option<PathBuf>,
    /// Field path, e.g. `global.memory_limit`.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
    /// 1-based line and column in the file, when known.
    pub location: Option<(usize, usize)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some((line, column)) = self.location {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// Every problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<synth_generators::InvalidGeneratorConfig> for ConfigErrors {
    fn from(e: synth_generators::InvalidGeneratorConfig) -> Self {
        ConfigErrors(vec![ConfigError {
            file: None,
            message: format!("expected {}, got {}", e.expected, e.got),
            path: yaml_path(e.field),
            location: None,
        }])
    }
}

/// The YAML path of a generator config field: the period, the seed and the companies
/// live in the `global` section, the rest in sections of the same name.
fn yaml_path(field: String) -> String {
    const GLOBAL: [&str; 5] = ["seed", "start_year", "start_month", "months", "companies"];
    let root = field.split(['.', '[']).next().unwrap_or_default();
    if GLOBAL.contains(&root) {
        format!("global.{field}")
    } else {
        field
    }
}

impl Config {
    /// What the generators need.
    pub fn generator_config(&self) -> GeneratorConfig {
        GeneratorConfig {
            seed: self.global.seed,
            start_year: self.global.start_year,
            start_month: self.global.start_month,
            months: self.global.months,
            companies: self.global.companies.clone(),
            transactions: self.transactions.clone(),
            master_data: self.master_data.clone(),
            fx: self.fx.clone(),
            group: self.group.clone(),
            documents: self.documents.clone(),
            graph: self.graph.clone(),
            anomalies: self.anomalies.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shard_comes_from_slurm_or_kubernetes_variables() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let got = |vars, count| shard_from_env(env(vars), count).map(|d| d.map(|d| d.shard));
        assert_eq!(got(&[], None), Ok(None));
        assert_eq!(
            got(
                &[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4")
                ],
                None
            ),
            Ok(Some("2/4".into()))
        );
        assert_eq!(
            got(
                &[
                    ("SLURM_ARRAY_TASK_ID", "7"),
                    ("SLURM_ARRAY_TASK_MIN", "5"),
                    ("SLURM_ARRAY_TASK_MAX", "8")
                ],
                None
            ),
            Ok(Some("2/4".into()))
        );
        assert_eq!(
            got(&[("JOB_COMPLETION_INDEX", "3")], Some(5)),
            Ok(Some("3/5".into()))
        );
        assert!(got(&[("JOB_COMPLETION_INDEX", "3")], None).is_err());
        assert!(got(&[("SLURM_ARRAY_TASK_ID", "x")], None).is_err());
        assert!(got(&[("SLURM_ARRAY_TASK_ID", "1")], None).is_err());
    }

    use super::*;

    #[test]
    fn bad_size_names_field_line_and_column() {
        let e = Config::from_yaml("global:\n  seed: 1\n  memory_limit: lots\n", None)
            .expect_err("bad size");
        assert_eq!(
            e.to_string(),
            "global.memory_limit: expected a size like \"2GiB\", \"1.5 GB\", \"512MiB\" or a whole number of bytes, got \"lots\" (line 3, column 17)"
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let e = Config::from_yaml("output:\n  fromat: csv\n", None).expect_err("typo");
        let msg = e.to_string();
        assert!(
            msg.starts_with("output.fromat: unknown key; did you mean format? expected one of"),
            "{msg}"
        );
        assert!(
            msg.ends_with("(line 2, column 3)") || msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn range_problems_are_all_reported_with_locations() {
        let yaml = "global:\n  memory_limit: 1GiB\n  soft_limit: 2GiB\n  months: 0\noutput:\n  batch_size: 0\n";
        let e = Config::from_yaml(yaml, Some(Path::new("c.yaml"))).expect_err("invalid");
        let text = e.to_string();
        assert_eq!(e.0.len(), 3, "{text}");
        assert!(
            text.contains(
                "c.yaml: global.months: expected from 1 to 1200 months, got 0 (line 4, column 11)"
            ),
            "{text}"
        );
        assert!(text.contains("global.soft_limit: expected at most global.memory_limit (1.0 GiB), got 2.0 GiB (line 3, column 15)"), "{text}");
        assert!(
            text.contains(
                "output.batch_size: expected from 1 to 10000000 entries, got 0 (line 6, column 15)"
            ),
            "{text}"
        );
    }

    #[test]
    fn integer_memory_limit_and_overrides() {
        let mut c =
            Config::from_yaml("global:\n  memory_limit: 2147483648\n", None).expect("valid");
        assert_eq!(c.global.memory_limit, Some(ByteSize(2 << 30)));
        let log = c.apply(&Overrides {
            entries: Some(10),
            format: Some(Format::Parquet),
            ..Overrides::default()
        });
        assert_eq!(
            log,
            [
                "transactions.target_count: 1000000 -> 10",
                "output.format: csv -> parquet"
            ]
        );
    }
}

/// The configuration an earlier run in `dir` was made with, from its manifest (the
/// unsharded one, or shard `shard`'s): what a resumed run starts from.
pub fn config_of_run(dir: &Path, shard: Option<&str>) -> Result<Config, ConfigErrors> {
    let shard = shard.and_then(|s| s.parse::<synth_sinks::Shard>().ok());
    let name = synth_sinks::RunNames::of(shard).manifest;
    let problem = |message: String| {
        ConfigErrors(vec![ConfigError {
            file: Some(dir.join(&name)),
            path: "(manifest)".into(),
            message,
            location: None,
        }])
    };
    let m = synth_sinks::Manifest::read_named(dir, &name)
        .map_err(|e| problem(format!("cannot resume: {e}")))?;
    if m.tool != "synthdata" {
        return Err(problem("cannot resume: not a manifest of synthdata".into()));
    }
    serde_json::from_value(m.config).map_err(|e| {
        problem(format!(
            "cannot resume: the manifest's config does not parse: {e}"
        ))
    })
}

/// Which cluster engine said which shard this process is, from its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedShard {
    /// The shard, as `K/N`.
    pub shard: String,
    /// Where it came from, for the log (`Slurm job array`, `Kubernetes Indexed Job`).
    pub source: &'static str,
}

/// The shard of this process as a cluster engine sets it in the environment (`get`
/// reads a variable): a Slurm job array (`SLURM_ARRAY_TASK_ID`, with
/// `SLURM_ARRAY_TASK_COUNT` or `SLURM_ARRAY_TASK_MIN`/`MAX`) or a Kubernetes Indexed
/// Job (`JOB_COMPLETION_INDEX`, with `count`, since Kubernetes does not export the
/// number of completions). `Ok(None)` when neither is there.
pub fn shard_from_env(
    get: impl Fn(&str) -> Option<String>,
    count: Option<u64>,
) -> Result<Option<DetectedShard>, String> {
    let num = |name: &str| -> Result<Option<u64>, String> {
        match get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{name} is {v:?}, expected a whole number")),
        }
    };
    if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let n = match (
            count,
            num("SLURM_ARRAY_TASK_COUNT")?,
            num("SLURM_ARRAY_TASK_MAX")?,
        ) {
            (Some(n), _, _) | (None, Some(n), _) => n,
            (None, None, Some(max)) => max.saturating_sub(min) + 1,
            (None, None, None) => {
                return Err("SLURM_ARRAY_TASK_ID is set, but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX says how many shards there are".into());
            }
        };
        let k = id.checked_sub(min).ok_or_else(|| {
            format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
        })?;
        return Ok(Some(DetectedShard {
            shard: format!("{k}/{n}"),
            source: "Slurm job array (SLURM_ARRAY_TASK_ID)",
        }));
    }
    if let Some(k) = num("JOB_COMPLETION_INDEX")? {
        let n = count.ok_or("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job), but not how many shards there are: give the count (the Job's completions)")?;
        return Ok(Some(DetectedShard {
            shard: format!("{k}/{n}"),
            source: "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)",
        }));
    }
    Ok(None)
}
