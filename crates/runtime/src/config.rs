//! The configuration file: YAML, unknown keys rejected, every error with its field path,
//! line and column. Each crate owns its section's types; this module composes them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use synth_generators::{
    AnomaliesConfig, CompanyConfig, DocumentsConfig, GeneratorConfig, GraphConfig,
    MasterDataConfig, TransactionsConfig,
};
use synth_guard::{ByteRate, ByteSize};
use synth_sinks::{Compression, Format, MIN_BUFFER_BYTES};

/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Deepest nesting of flow collections (`[ ]`, `{ }`) accepted: the parser's time grows
/// with the square of the depth (100 000 levels took 33 s), and a config needs 3.
const MAX_FLOW_DEPTH: usize = 32;

/// Removes from `value` every key that `known` (the default config as YAML) lacks,
/// recording each as (path, message); lists are checked against their first default item.
fn strip_unknown(
    value: &mut serde_yaml::Value,
    known: &serde_yaml::Value,
    path: &str,
    found: &mut Vec<(String, String)>,
) {
    use serde_yaml::Value;
    match (value, known) {
        (Value::Mapping(map), Value::Mapping(known_map)) => {
            let expected: Vec<String> = known_map
                .keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
            map.retain(|k, _| {
                let name = k.as_str().map_or_else(|| format!("{k:?}"), str::to_string);
                let ok = known_map.contains_key(k);
                if !ok {
                    let close = expected.iter().find(|e| edit_distance(e, &name) <= 2);
                    let hint = close
                        .map(|c| format!("did you mean {c}? "))
                        .unwrap_or_default();
                    let at = if path.is_empty() {
                        name
                    } else {
                        format!("{path}.{name}")
                    };
                    let list = expected.join(", ");
                    found.push((at, format!("unknown key; {hint}expected one of {list}")));
                }
                ok
            });
            for (k, v) in map.iter_mut() {
                if let (Some(name), Some(kv)) = (k.as_str(), known_map.get(k)) {
                    let at = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    strip_unknown(v, kv, &at, found);
                }
            }
        }
        (Value::Sequence(items), Value::Sequence(known_items)) => {
            if let Some(template) = known_items.first() {
                for (i, item) in items.iter_mut().enumerate() {
                    strip_unknown(item, template, &format!("{path}[{i}]"), found);
                }
            }
        }
        _ => {}
    }
}

/// Levenshtein distance of two short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Most YAML aliases (`*name`) accepted: a config needs none, and each alias of a big
/// mapping is expanded again (40 000 aliases of one mapping kept the parser busy for
/// over 30 s).
const MAX_ALIASES: usize = 64;

/// What makes `text` too costly to parse, and where (line, column, 1-based): flow
/// collections nested deeper than [`MAX_FLOW_DEPTH`], or more than [`MAX_ALIASES`]
/// aliases; quoted text and comments are skipped.
fn too_costly(text: &str) -> Option<(usize, usize, String)> {
    let mut depth = 0usize;
    let mut aliases = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        // The last character outside quotes that was not a space: an alias starts a node.
        let mut before = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some('"'), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(q), c) if c == q && !escaped => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((
                            n + 1,
                            col + 1,
                            format!(
                                "expected at most {MAX_FLOW_DEPTH} nested [ ] or {{ }} (the config is a few levels deep)"
                            ),
                        ));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                (None, '*') if matches!(before, None | Some(':' | '-' | '[' | '{' | ',' | '?')) => {
                    aliases += 1;
                    if aliases > MAX_ALIASES {
                        return Some((
                            n + 1,
                            col + 1,
                            format!(
                                "expected at most {MAX_ALIASES} YAML aliases (*name); the config needs none"
                            ),
                        ));
                    }
                }
                (None, _) => {}
            }
            if quote.is_none() && !c.is_whitespace() {
                before = Some(c);
            }
            escaped = false;
        }
    }
    None
}

/// A mebibyte.
const MIB: u64 = 1 << 20;
/// A gibibyte.
const GIB: u64 = 1 << 30;

/// Problems found so far, as (field path, message), in field order.
struct Problems(Vec<(String, String)>);

impl Problems {
    /// Records that `path` is out of range unless `ok`.
    fn range(&mut self, path: &str, ok: bool, expected: &str, got: String) {
        if !ok {
            self.0
                .push((path.into(), format!("expected {expected}, got {got}")));
        }
    }

    /// Records a problem.
    fn push(&mut self, problem: (String, String)) {
        self.0.push(problem);
    }
}

/// The most journal entries one run may ask for (a trillion).
pub const MAX_ENTRIES: u64 = 1_000_000_000_000;

/// The default configuration, with a comment on every key (`synthdata init` writes it).
pub const DEFAULT_CONFIG_YAML: &str = include_str!("default.yaml");

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
    /// Only these tables are written (by name); `None` = every table the run makes.
    pub tables: Option<Vec<String>>,
    /// Journal entries (cases) per part: each streaming table is written as one file
    /// per part (`TABLE/part-00000.EXT`; a run of one part writes `TABLE.EXT`).
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
            batch_size: 4096,
            channel_capacity: 2,
            compression: None,
            rotate_bytes: None,
            overwrite: false,
            buffer_bytes: ByteSize(1 << 20),
            row_group_bytes: ByteSize(16 << 20),
            drop_page_cache_every: None,
            space_check: true,
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

/// Command-line values that replace config values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

impl Config {
    /// Parses YAML; `file` only names the source in errors.
    pub fn from_yaml(text: &str, file: Option<&Path>) -> Result<Self, ConfigErrors> {
        Self::from_yaml_with(text, file, &Overrides::default()).map(|(c, _)| c)
    }

    /// As [`Config::from_yaml`], with `overrides` applied before the ranges are checked
    /// (a flag may make a value valid: `--format parquet` for `compression: snappy`);
    /// also returns the log of the overrides.
    pub fn from_yaml_with(
        text: &str,
        file: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<(Self, Vec<String>), ConfigErrors> {
        if let Some((line, column, message)) = too_costly(text) {
            return Err(ConfigErrors(vec![ConfigError {
                file: file.map(Path::to_path_buf),
                path: "(file)".into(),
                message,
                location: Some((line, column)),
            }]));
        }
        // Every unknown key at once (the deserializer stops at the first), then the rest
        // of the file as if they were not there, so range problems are reported with them.
        if let Ok(mut value) = serde_yaml::from_str::<serde_yaml::Value>(text) {
            let mut unknown = Vec::new();
            if let Ok(known) = serde_yaml::to_value(Config::default()) {
                strip_unknown(&mut value, &known, "", &mut unknown);
            }
            if !unknown.is_empty() {
                let mut errors: Vec<ConfigError> = unknown
                    .into_iter()
                    .map(|(path, message)| ConfigError {
                        file: file.map(Path::to_path_buf),
                        location: locate(text, &path),
                        path,
                        message,
                    })
                    .collect();
                match serde_path_to_error::deserialize::<_, Config>(value) {
                    Ok(mut rest) => {
                        rest.apply(overrides);
                        if let Err(more) = rest.check_with(file, Some(text)) {
                            errors.extend(more.0);
                        }
                    }
                    Err(e) => {
                        let path = e.path().to_string();
                        errors.push(ConfigError {
                            file: file.map(Path::to_path_buf),
                            location: locate(text, &path),
                            message: e.into_inner().to_string(),
                            path,
                        });
                    }
                }
                return Err(ConfigErrors(errors));
            }
        }
        let de = serde_yaml::Deserializer::from_str(text);
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let mut message = inner.to_string();
            // serde_yaml adds its own path prefix and location suffix; ours are better.
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            if let Some(rest) = message
                .split_once(": ")
                .map(|(p, r)| (p.to_string(), r.to_string()))
                && !rest.0.contains(' ')
            {
                message = rest.1;
            }
            let location =
                locate(text, &path).or_else(|| inner.location().map(|l| (l.line(), l.column())));
            ConfigErrors(vec![ConfigError {
                file: file.map(Path::to_path_buf),
                path,
                message,
                location,
            }])
        })?;
        let mut config = config;
        let log = config.apply(overrides);
        config.check_with(file, Some(text))?;
        Ok((config, log))
    }

    /// Checks every range; all problems at once, with field paths.
    pub fn check(&self) -> Result<(), ConfigErrors> {
        self.check_with(None, None)
    }

    /// As [`Config::check`], naming `file` and locating each problem in `text`.
    fn check_with(&self, file: Option<&Path>, text: Option<&str>) -> Result<(), ConfigErrors> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(ConfigErrors(
            problems
                .into_iter()
                .map(|(path, message)| ConfigError {
                    file: file.map(Path::to_path_buf),
                    location: text.and_then(|t| locate(t, &path)),
                    path,
                    message,
                })
                .collect(),
        ))
    }

    /// Reads and parses a YAML file.
    ///
    /// Only a regular file of at most [`MAX_CONFIG_BYTES`] is read: a device, a FIFO or
    /// a directory is refused before it is opened, so nothing blocks or reads forever.
    pub fn from_file(path: &Path) -> Result<Self, ConfigErrors> {
        Self::from_file_with(path, &Overrides::default()).map(|(c, _)| c)
    }

    /// As [`Config::from_file`], with `overrides` applied before the ranges are checked;
    /// also returns the log of the overrides.
    pub fn from_file_with(
        path: &Path,
        overrides: &Overrides,
    ) -> Result<(Self, Vec<String>), ConfigErrors> {
        let fail = |message: String| {
            ConfigErrors(vec![ConfigError {
                file: Some(path.to_path_buf()),
                path: "(file)".into(),
                message,
                location: None,
            }])
        };
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => fail("no such file".into()),
            _ => fail(format!("cannot read the config file: {e}")),
        })?;
        if !meta.is_file() {
            return Err(fail(
                "expected a regular file (not a directory, device or pipe)".into(),
            ));
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(fail(format!(
                "expected a config file of at most 1 MiB, got {} bytes",
                meta.len()
            )));
        }
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| std::io::Read::take(f, MAX_CONFIG_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| fail(format!("cannot read the config file: {e}")))?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(fail("expected a config file of at most 1 MiB".into()));
        }
        Self::from_yaml_with(&text, Some(path), overrides)
    }

    /// Every range problem, as (field path, message), in field order.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut p = Problems(
            self.generator_config()
                .problems()
                .into_iter()
                .map(|e| {
                    let message = format!("expected {}, got {}", e.expected, e.got);
                    (yaml_path(e.field), message)
                })
                .collect(),
        );
        let t = &self.transactions;
        p.range(
            "transactions.target_count",
            t.target_count <= MAX_ENTRIES,
            "at most 1000000000000 entries",
            t.target_count.to_string(),
        );
        self.global_problems(&mut p);
        self.output_problems(&mut p);
        if let Some(addr) = &self.server.health_addr
            && addr.parse::<std::net::SocketAddr>().is_err()
        {
            p.push((
                "server.health_addr".into(),
                format!("expected an address like \"127.0.0.1:9090\", got {addr:?}"),
            ));
        }
        p.0
    }

    /// The problems of the `global` section.
    fn global_problems(&self, p: &mut Problems) {
        let g = &self.global;
        if let Some(m) = g.memory_limit {
            p.range(
                "global.memory_limit",
                m.0 >= MIB,
                "at least 1MiB",
                m.to_string(),
            );
        }
        if let Some(s) = g.soft_limit {
            p.range(
                "global.soft_limit",
                s.0 >= MIB,
                "at least 1MiB",
                s.to_string(),
            );
        }
        if let (Some(soft), Some(hard)) = (g.soft_limit, g.memory_limit) {
            p.range(
                "global.soft_limit",
                soft <= hard,
                &format!("at most global.memory_limit ({hard})"),
                soft.to_string(),
            );
        }
        p.range(
            "global.check_interval_ms",
            (1..=1000).contains(&g.check_interval_ms),
            "from 1 to 1000 milliseconds (the guard must read memory at least once a second)",
            g.check_interval_ms.to_string(),
        );
        p.range(
            "global.throttle_ms",
            (1..=10_000).contains(&g.throttle_ms),
            "from 1 to 10000 milliseconds",
            g.throttle_ms.to_string(),
        );
        p.range(
            "global.growth_rate_threshold",
            g.growth_rate_threshold.0 >= 1_000_000,
            "at least 1MB/s",
            g.growth_rate_threshold.to_string(),
        );
    }

    /// The problems of the `output` section.
    fn output_problems(&self, p: &mut Problems) {
        let t = &self.transactions;
        let o = &self.output;
        p.range(
            "output.batch_size",
            (1..=10_000_000).contains(&o.batch_size),
            "from 1 to 10000000 entries",
            o.batch_size.to_string(),
        );
        p.range(
            "output.channel_capacity",
            (1..=64).contains(&o.channel_capacity),
            "from 1 to 64 batches",
            o.channel_capacity.to_string(),
        );
        p.range(
            "output.buffer_bytes",
            (MIN_BUFFER_BYTES as u64..=GIB).contains(&o.buffer_bytes.0),
            "from 256KiB to 1GiB",
            o.buffer_bytes.to_string(),
        );
        p.range(
            "output.row_group_bytes",
            (64 << 10..=GIB).contains(&o.row_group_bytes.0),
            "from 64KiB to 1GiB",
            o.row_group_bytes.to_string(),
        );
        p.range(
            "output.part_entries",
            o.part_entries >= 1,
            "at least 1 entry per part",
            o.part_entries.to_string(),
        );
        let parts = o.parts(t.target_count);
        if o.part_entries >= 1 && parts > MAX_PARTS {
            p.range(
                "output.part_entries",
                false,
                &format!(
                    "at most {MAX_PARTS} parts per run: at least {} entries per part for {} entries",
                    t.target_count.div_ceil(MAX_PARTS),
                    t.target_count
                ),
                format!("{} ({parts} parts)", o.part_entries),
            );
        }
        if let Some(shard) = &o.shard {
            let parsed = shard.parse::<synth_sinks::Shard>();
            p.range(
                "output.shard",
                parsed.is_ok(),
                "a shard like 0/4: shard K of N, counting from 0 (0 <= K < N)",
                format!("{shard:?}"),
            );
            p.range(
                "output.shard",
                !o.to_stdout(),
                "no shard when writing to standard output",
                format!("{shard:?}"),
            );
        }
        if let Some(t) = o.threads {
            p.range(
                "output.threads",
                (1..=MAX_THREADS).contains(&t),
                &format!("from 1 to {MAX_THREADS} parts at once, or null for every CPU"),
                t.to_string(),
            );
        }
        if let Some(r) = o.rotate_bytes {
            p.range(
                "output.rotate_bytes",
                r.0 >= MIB,
                "at least 1MiB, or null",
                r.to_string(),
            );
        }
        let generator = self.generator_config();
        if let Some(names) = &o.tables {
            let all: Vec<&str> = synth_generators::Table::ALL
                .iter()
                .map(|t| t.name())
                .collect();
            for (i, name) in names.iter().enumerate() {
                let known = synth_generators::Table::from_name(name);
                p.range(
                    &format!("output.tables[{i}]"),
                    known.is_some_and(|t| generator.writes(t)),
                    &format!(
                        "a table this run writes ({}; documents and graph tables need documents.enabled and graph.enabled)",
                        all.join(", ")
                    ),
                    format!("{name:?}"),
                );
            }
            p.range(
                "output.tables",
                !names.is_empty(),
                "at least one table, or null",
                "[]".into(),
            );
        }
        if o.to_stdout() {
            let one = o.tables.as_ref().is_some_and(|t| t.len() == 1);
            p.range(
                "output.tables",
                one,
                "exactly one table when writing to standard output (directory \"-\"), e.g. output.tables: [journal_lines]",
                o.tables
                    .as_ref()
                    .map_or("all tables".into(), |t| t.join(",")),
            );
            p.range(
                "output.format",
                matches!(o.format, Format::Csv | Format::Jsonl),
                "csv or jsonl when writing to standard output",
                o.format.name().into(),
            );
        }
        if let Some(c) = o.compression {
            p.range(
                "output.compression",
                c.fits(o.format),
                match o.format {
                    Format::Parquet => "zstd, snappy or none for Parquet",
                    _ => "zstd, gzip or none for CSV and JSON Lines",
                },
                c.name().to_string(),
            );
        }
        if let Some(d) = o.drop_page_cache_every {
            p.range(
                "output.drop_page_cache_every",
                d.0 == 0 || d.0 >= MIB,
                "0 (off), at least 1MiB, or null (automatic)",
                d.to_string(),
            );
        }
        if o.directory.as_os_str().is_empty() {
            p.push((
                "output.directory".into(),
                "expected a directory path, got an empty string".into(),
            ));
        }
    }

    /// Applies command-line overrides; returns one line per changed value, to log.
    pub fn apply(&mut self, o: &Overrides) -> Vec<String> {
        let mut log = Vec::new();
        let mut note = |path: &str, flag: &str, old: String, new: String| {
            if old != new {
                log.push(format!("{path}: {old} -> {new} (from {flag})"));
            }
        };
        if let Some(n) = o.entries {
            note(
                "transactions.target_count",
                "--entries",
                self.transactions.target_count.to_string(),
                n.to_string(),
            );
            self.transactions.target_count = n;
        }
        if let Some(f) = o.format {
            note(
                "output.format",
                "--format",
                self.output.format.name().into(),
                f.name().into(),
            );
            self.output.format = f;
        }
        if let Some(d) = &o.out {
            note(
                "output.directory",
                "--out",
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
            note("global.memory_limit", "--memory-limit", old, m.to_string());
            self.global.memory_limit = Some(m);
        }
        if let Some(s) = o.seed {
            note(
                "global.seed",
                "--seed",
                self.global.seed.to_string(),
                s.to_string(),
            );
            self.global.seed = s;
        }
        if let Some(a) = &o.health_addr {
            let old = self
                .server
                .health_addr
                .clone()
                .unwrap_or_else(|| "off".into());
            note("server.health_addr", "--health-addr", old, a.clone());
            self.server.health_addr = Some(a.clone());
        }
        if let Some((year, month)) = o.start {
            let old = format!("{}-{:02}", self.global.start_year, self.global.start_month);
            note(
                "global.start_year/start_month",
                "--start",
                old,
                format!("{year}-{month:02}"),
            );
            self.global.start_year = year;
            self.global.start_month = month;
        }
        if let Some(m) = o.months {
            note(
                "global.months",
                "--months",
                self.global.months.to_string(),
                m.to_string(),
            );
            self.global.months = m;
        }
        if let Some(v) = o.vendors {
            let old = self.master_data.vendors.to_string();
            note("master_data.vendors", "--vendors", old, v.to_string());
            self.master_data.vendors = v;
        }
        if let Some(c) = o.customers {
            let old = self.master_data.customers.to_string();
            note("master_data.customers", "--customers", old, c.to_string());
            self.master_data.customers = c;
        }
        if let Some(c) = o.compression {
            let old = self.output.compression.map_or("default", Compression::name);
            note(
                "output.compression",
                "--compression",
                old.into(),
                c.name().into(),
            );
            self.output.compression = Some(c);
        }
        if let Some(t) = &o.tables {
            let old = self
                .output
                .tables
                .as_ref()
                .map_or("all".into(), |t| t.join(","));
            note("output.tables", "--tables", old, t.join(","));
            self.output.tables = Some(t.clone());
        }
        if let Some(t) = o.threads {
            let old = self.output.threads.map_or("auto".into(), |t| t.to_string());
            note("output.threads", "--threads", old, t.to_string());
            self.output.threads = Some(t);
        }
        if let Some(shard) = &o.shard {
            let old = self.output.shard.clone().unwrap_or_else(|| "none".into());
            note("output.shard", "--shard", old, shard.clone());
            self.output.shard = Some(shard.clone());
        }
        if o.resume {
            note(
                "output.resume",
                "--resume",
                self.output.resume.to_string(),
                "true".into(),
            );
            self.output.resume = true;
        }
        if let Some(p) = o.part_entries {
            let old = self.output.part_entries.to_string();
            note("output.part_entries", "--part-entries", old, p.to_string());
            self.output.part_entries = p;
        }
        if o.no_space_check {
            let old = self.output.space_check.to_string();
            note(
                "output.space_check",
                "--no-space-check",
                old,
                "false".into(),
            );
            self.output.space_check = false;
        }
        if o.overwrite {
            note(
                "output.overwrite",
                "--overwrite",
                self.output.overwrite.to_string(),
                "true".into(),
            );
            self.output.overwrite = true;
        }
        log
    }

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
            documents: self.documents.clone(),
            graph: self.graph.clone(),
            anomalies: self.anomalies.clone(),
        }
    }
}

/// Finds the line and column of the value at `path` (e.g. `global.memory_limit`) in
/// block-style YAML, for error messages. `None` when it cannot tell.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let segments: Vec<&str> = path
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    let mut parent_indent: isize = -1;
    let mut found = None;
    let mut start = 0;
    let lines: Vec<&str> = text.lines().collect();
    for seg in segments {
        found = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = (line.len() - trimmed.len()) as isize;
            if indent <= parent_indent {
                break;
            }
            if let Some(rest) = trimmed.strip_prefix(seg)
                && rest.trim_start().starts_with(':')
            {
                let after = rest.trim_start()[1..].trim_start();
                let column = if after.is_empty() || after.starts_with('#') {
                    indent as usize + 1
                } else {
                    line.len() - after.len() + 1
                };
                found = Some((i + 1, column));
                parent_indent = indent;
                start = i + 1;
                break;
            }
        }
        found?;
    }
    found
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
    fn embedded_default_equals_default() {
        assert_eq!(
            Config::from_yaml(DEFAULT_CONFIG_YAML, None).expect("default parses"),
            Config::default()
        );
    }

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
                "transactions.target_count: 1000000 -> 10 (from --entries)",
                "output.format: csv -> parquet (from --format)"
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
