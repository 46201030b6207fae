//! `synthdata`, the command: generate large synthetic accounting datasets as streams,
//! inside a memory budget. See `synthdata --help`. A library so that the binary and the
//! Python wheel's `synthdata` command are the same code ([`main`]).

/// `println!` that never panics: if stdout's reader went away, the text is lost and the
/// run goes on (a closed pipe must never end a run or exit 101).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that never panics (see `out!`).
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see `out!`).
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod commands;
mod hints;
mod logging;
mod reading;
mod schema;
mod signals;
mod summary;

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
/// Generate realistic synthetic accounting data (journal entries, master data,
/// documents, transaction graphs) as CSV, JSON Lines or Parquet, at disk speed, inside
/// a memory budget that is discovered (cgroup, rlimit, RAM) or given.
#[derive(Debug, Parser)]
#[command(name = "synthdata", version, propagate_version = true)]
#[command(after_help = "Examples:
  synthdata generate                          1 M entries, CSV, into ./output
  synthdata generate --entries 10000000 --format parquet --out data --memory-limit 2GiB
  synthdata estimate --entries 50000000
  synthdata init synth.yaml && synthdata validate --config synth.yaml

Exit codes: 0 done, 1 runtime or I/O error (disk full too), 2 bad usage or config,
3 memory limit reached (valid partial output) or refused up front (nothing written),
130 interrupted (valid partial output).")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colours on stderr: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colours on a terminal when NO_COLOR is unset or empty.
    Auto,
    /// Always colours.
    Always,
    /// Never colours.
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the dataset.
    #[command(after_help = "Examples:
  synthdata generate
  synthdata generate --entries 10000000 --format parquet --out data
  synthdata generate --config synth.yaml --memory-limit 512MiB --health-addr 127.0.0.1:9090
  synthdata generate --entries 1000 --json --quiet --overwrite
  synthdata generate --out - --tables journal_lines | head
  synthdata generate --tables journal_entries,journal_lines --compression zstd
  synthdata generate --start 2023-07 --months 6 --vendors 2000 --customers 10000 --seed 7
  synthdata generate --entries 100000000 --no-space-check
  synthdata generate --entries 20000000 --format parquet --threads 4 --part-entries 2000000
  synthdata generate --entries 100000000 --shard 2/8 --out /shared/data
  synthdata generate --resume data

Flags override the config file, and each override is logged.")]
    Generate(GenerateArgs),
    /// Estimate the memory and disk a run needs and compare them with the effective
    /// limit and the output's free space (exit 0 fits, 3 memory does not, 1 disk does not).
    #[command(after_help = "Examples:
  synthdata estimate
  synthdata estimate --entries 100000000 --format parquet
  synthdata estimate --vendors 1000000 --customers 5000000 --months 24 --compression gzip
  synthdata estimate --config synth.yaml --json")]
    Estimate(EstimateArgs),
    /// Check a config file and report every problem with its field path, line and column.
    #[command(after_help = "Examples:
  synthdata validate synth.yaml
  synthdata validate --config synth.yaml --json")]
    Validate {
        /// The config file to check.
        #[arg(required_unless_present = "config", conflicts_with = "config")]
        path: Option<PathBuf>,
        /// The config file to check (the same as the path argument).
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Print JSON: {"valid", "file", "problems": [{"path", "message", "line", "column"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Check a dataset against its manifests: every file present with its size and
    /// checksum, every part in exactly one shard, no stray or .partial file (exit 0
    /// whole, 1 not).
    #[command(after_help = "Examples:
  synthdata verify output
  synthdata verify shard-0 shard-1 shard-2 --json")]
    Verify {
        /// The output directory, or the directories of the dataset's shards.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Print JSON: {"whole", "manifests", "files_checked", "bytes_checked", "problems"}.
        #[arg(long)]
        json: bool,
    },
    /// Read a finished output directory (any format, streaming) and report on its
    /// quality: rows and checksums against the manifest, the balance of every entry,
    /// referential integrity, Benford's law, postings per weekday and day of month,
    /// settlement, profit and loss and balance sheet per company, anomalies per type
    /// (exit 0 sound, 1 damaged or inconsistent, 2 no such output, 3 memory).
    #[command(after_help = "Examples:
  synthdata report output
  synthdata report output --html report.html
  synthdata report output --json | jq .benford")]
    Report {
        /// The output directory (with its manifest.json).
        dir: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also write one self-contained HTML page with plots to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Write a finished run's procure-to-pay and order-to-cash documents as event logs
    /// for process mining: one OCEL 2.0 object-centric log (ocel2.json) and one XES log
    /// per process (procure_to_pay.xes, order_to_cash.xes) in OUT (exit 0 written, 1 the
    /// run's files damaged or unfit, 2 no such run or OUT refused, 3 memory).
    #[command(
        after_help = "Each document is an event at the time its journal entry was entered (an
order, which has no entry, at its date in office hours); a case is an order and the
documents that follow it (or an invoice without an order). OUT is created if missing;
the logs' files must not exist there yet, and OUT must not be inside DIR.

Examples:
  synthdata export-ocel output logs
  python -c \"import pm4py; print(pm4py.read_ocel2_json('logs/ocel2.json'))\""
    )]
    ExportOcel {
        /// The output directory of a finished run (with its manifest.json and documents).
        dir: PathBuf,
        /// The directory to write the logs into.
        out: PathBuf,
        /// Print what was written as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score a detector's predictions against a run's labels: per entry and per anomaly
    /// (scheme), overall and per type, the average precision, the precision and recall
    /// at k (k = the labelled count) and the precision of the 100 best (exit 0 scored,
    /// 1 the run's files damaged, 2 no such run or malformed predictions, 3 memory).
    #[command(
        after_help = "PREDICTIONS is a CSV file with a header naming entry_id and score (other
columns are ignored): one row per entry scored, higher meaning more suspect; entries
not scored count as never found. Every entry_id must be an entry of the run.

Examples:
  synthdata score output predictions.csv
  synthdata score output predictions.csv --json | jq .scheme"
    )]
    Score {
        /// The output directory (with its manifest.json and its anomalies table).
        dir: PathBuf,
        /// The predictions: a CSV file with the columns entry_id and score.
        predictions: PathBuf,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        /// Score against the labels of the scored entries only (a test split), not
        /// every label of the run.
        #[arg(long)]
        scored_only: bool,
    },
    /// Write the default config, with a comment on every key.
    #[command(after_help = "Examples:
  synthdata init                 writes ./synthdata.yaml
  synthdata init conf/big.yaml --force")]
    Init {
        /// Where to write it.
        #[arg(default_value = "synthdata.yaml")]
        path: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
        /// Print the docs' table of every key (default, range, flag, meaning) instead.
        #[arg(long, hide = true)]
        markdown: bool,
    },
    /// List every table with its columns, types, nullability and meaning.
    #[command(after_help = "Examples:
  synthdata schema
  synthdata schema journal_lines
  synthdata schema --json
  synthdata schema --markdown > docs/src/output/schema.md
  synthdata schema --sql postgres | psql mydb")]
    Schema {
        /// Only this table.
        table: Option<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print Markdown (the docs' page).
        #[arg(long, conflicts_with = "sql")]
        markdown: bool,
        /// Print CREATE TABLE statements for a database: postgres.
        #[arg(long, value_name = "DIALECT", value_parser = ["postgres"], conflicts_with = "json")]
        sql: Option<String>,
    },
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = "Examples:
  synthdata completions bash > ~/.local/share/bash-completion/completions/synthdata
  synthdata completions zsh > ~/.zfunc/_synthdata
  synthdata completions fish > ~/.config/fish/completions/synthdata.fish")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): synthdata(1), or a subcommand's, synthdata-generate(1)
    /// and so on; `cargo xtask man` writes them all to target/man/.
    #[command(hide = true)]
    Man {
        /// The subcommand whose page to print.
        command: Option<String>,
        /// List the subcommands that have a page, one a line.
        #[arg(long, conflicts_with = "command")]
        list: bool,
    },
    /// Show what the OS says about memory: RSS, heap, peak, effective limit, cgroups, PSI.
    #[command(after_help = "Examples:
  synthdata probe
  synthdata probe --json")]
    Probe {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Options shared by `generate` and `estimate`.
#[derive(Debug, Args)]
struct Common {
    /// Config file (YAML); without it ./synthdata.yaml when present, else the built-in
    /// default config.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Ignore ./synthdata.yaml: the built-in default config and the flags only.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// Number of journal entries, exactly, scheduled postings included, e.g. 1000000,
    /// 1M or 2.5e6 (transactions.target_count).
    #[arg(long, short = 'n', value_name = "N", allow_negative_numbers = true, value_parser = count::<u64>)]
    entries: Option<u64>,
    /// Output format: csv, jsonl, parquet or null (output.format).
    #[arg(long, short)]
    format: Option<synth_sinks::Format>,
    /// Hard memory limit, e.g. 2GiB (global.memory_limit).
    #[arg(long, value_name = "SIZE")]
    memory_limit: Option<synth_guard::ByteSize>,
    /// Seed (global.seed).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<u64>)]
    seed: Option<u64>,
    /// First month of the period, e.g. 2024-01 (global.start_year, global.start_month).
    #[arg(long, value_name = "YYYY-MM", value_parser = synth_runtime::parse_year_month)]
    start: Option<(i32, u32)>,
    /// Number of months (global.months).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<u32>)]
    months: Option<u32>,
    /// Number of vendors, e.g. 2000 or 2k (master_data.vendors).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    vendors: Option<u32>,
    /// Number of customers, e.g. 10000 or 10k (master_data.customers).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    customers: Option<u32>,
    /// Share of business cases that carry a labelled anomaly, 0 to 0.5 (anomalies.rate;
    /// also sets anomalies.enabled).
    #[arg(long, value_name = "RATE", value_parser = anomaly_rate, conflicts_with = "no_anomalies")]
    anomaly_rate: Option<f64>,
    /// Clean books: no labelled anomalies (anomalies.enabled: false).
    #[arg(long)]
    no_anomalies: bool,
    /// How hard the anomalies are to find, for every type: easy, realistic or hard
    /// (anomalies.difficulty; clears anomalies.difficulty_by_type).
    #[arg(long, value_name = "LEVEL", value_parser = difficulty)]
    difficulty: Option<synth_runtime::Difficulty>,
    /// Compression (output.compression): Parquet zstd (default), snappy or none; CSV and
    /// JSON Lines zstd or gzip (journal_lines.csv.zst) or none (default).
    #[arg(long)]
    compression: Option<synth_runtime::Compression>,
    /// Parts generated at once, 1 to 1024 (output.threads; default: the CPUs this
    /// process may use). The output is the same bytes whatever the number.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = threads)]
    threads: Option<usize>,
    /// Journal entries per part (output.part_entries, default 1000000): a run of more
    /// writes each streaming table as TABLE/part-00000.EXT, ...
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = part_entries)]
    part_entries: Option<u64>,
    /// Only shard K of N of the dataset, e.g. 0/4 (output.shard): the parts p with
    /// p % N == K, master tables in shard 0, manifest.shard-K-of-N.json. Without it, a
    /// Slurm job array or a Kubernetes Indexed Job is detected from the environment.
    #[arg(long, value_name = "K/N", value_parser = |s: &str| s.parse::<synth_runtime::Shard>())]
    shard: Option<synth_runtime::Shard>,
}

/// `--threads`: 1 to 1024.
fn threads(text: &str) -> Result<usize, String> {
    let n: usize = whole(text)?;
    match n {
        1..=synth_runtime::MAX_THREADS => Ok(n),
        _ => Err(format!(
            "expected from 1 to {} parts at once, got {n}",
            synth_runtime::MAX_THREADS
        )),
    }
}

/// One name of `--tables`: a table synthdata writes (whether this run writes it, with
/// documents or the graph off, is checked with the config).
fn table_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if synth_runtime::Table::from_name(name).is_some() {
        return Ok(name.to_string());
    }
    let all: Vec<&str> = synth_runtime::Table::ALL.iter().map(|t| t.name()).collect();
    Err(format!(
        "expected table names among {}; got {name:?}",
        all.join(", ")
    ))
}

/// `--shard-count`: at least 1.
fn shard_count(text: &str) -> Result<u64, String> {
    match whole::<u64>(text)? {
        0 => Err("expected at least 1 shard, got 0".into()),
        n => Ok(n),
    }
}

/// `--part-entries`: at least 1.
fn part_entries(text: &str) -> Result<u64, String> {
    let n: u64 = count(text)?;
    match n {
        0 => Err("expected at least 1 entry per part, got 0".into()),
        _ => Ok(n),
    }
}

/// `--anomaly-rate`: a share from 0 to 0.5.
fn anomaly_rate(text: &str) -> Result<f64, String> {
    let max = synth_runtime::MAX_ANOMALY_RATE;
    match text.trim().parse::<f64>() {
        Ok(r) if (0.0..=max).contains(&r) => Ok(r),
        _ => Err(format!(
            "expected a share of business cases from 0 to {max}, e.g. 0.01, got {:?}",
            text.trim()
        )),
    }
}

/// `--difficulty`: easy, realistic or hard.
fn difficulty(text: &str) -> Result<synth_runtime::Difficulty, String> {
    use synth_runtime::Difficulty as D;
    [D::Easy, D::Realistic, D::Hard]
        .into_iter()
        .find(|d| d.name() == text.trim())
        .ok_or_else(|| format!("expected easy, realistic or hard, got {:?}", text.trim()))
}

/// A count flag: `1000000`, `1_000_000`, `1M`, `2.5e6`, `10k`.
fn count<T: TryFrom<u64>>(text: &str) -> Result<T, String> {
    let n = synth_runtime::parse_count(text)?;
    T::try_from(n).map_err(|_| format!("{n} is too large"))
}

/// The file the config comes from: `--config`, else `./synthdata.yaml` when present and
/// not refused with `--no-config`, else none (the built-in default).
pub fn config_path(config: Option<&Path>, no_config: bool) -> Option<PathBuf> {
    if let Some(c) = config {
        return Some(c.to_path_buf());
    }
    let here = Path::new(DISCOVERED_CONFIG);
    (!no_config && here.is_file()).then(|| {
        tracing::info!(
            "config: ./{DISCOVERED_CONFIG} (found in this directory; --no-config ignores it)"
        );
        here.to_path_buf()
    })
}

/// The config file `generate` and `estimate` read from the current directory when no
/// `--config` is given (the one `synthdata init` writes).
pub const DISCOVERED_CONFIG: &str = "synthdata.yaml";

impl Common {
    /// The flags as overrides of the config.
    fn overrides(&self) -> synth_runtime::Overrides {
        synth_runtime::Overrides {
            anomaly_rate: self.anomaly_rate,
            no_anomalies: self.no_anomalies,
            difficulty: self.difficulty,
            entries: self.entries,
            format: self.format,
            memory_limit: self.memory_limit,
            seed: self.seed,
            start: self.start,
            months: self.months,
            vendors: self.vendors,
            customers: self.customers,
            compression: self.compression,
            threads: self.threads,
            part_entries: self.part_entries,
            shard: self.shard.map(|s| s.to_string()),
            ..Default::default()
        }
    }
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    common: Common,
    /// Output directory (output.directory); `-` writes the one table of --tables to
    /// standard output (csv or jsonl, no manifest).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Only these tables, comma-separated, e.g. journal_entries,journal_lines (output.tables).
    #[arg(long, value_delimiter = ',', value_name = "TABLES", value_parser = table_name)]
    tables: Option<Vec<String>>,
    /// Serve /health and /metrics on this address, e.g. 127.0.0.1:9090 (server.health_addr).
    #[arg(long, value_name = "ADDR")]
    health_addr: Option<String>,
    /// Write into a non-empty output directory, replacing an earlier run's files.
    #[arg(long)]
    overwrite: bool,
    /// Do not compare the expected output size with the free disk space (output.space_check).
    #[arg(long)]
    no_space_check: bool,
    /// The number of shards when the environment gives only the index
    /// (Kubernetes' JOB_COMPLETION_INDEX): the Job's completions.
    #[arg(long, value_name = "N", value_parser = shard_count)]
    shard_count: Option<u64>,
    /// Continue the run in DIR (output.directory, output.resume): keep its whole parts
    /// whose checksums verify, remove .partial files, generate the rest.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "overwrite"])]
    resume: Option<PathBuf>,
    /// No progress and no summary (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EstimateArgs {
    #[command(flatten)]
    common: Common,
    /// The output directory whose free space the disk need is compared with
    /// (output.directory).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Do not compare the disk need with the free space (output.space_check), as
    /// `generate --no-space-check` would not.
    #[arg(long)]
    no_space_check: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// A whole number for a count flag: `-5` is "must be positive", not "unexpected argument".
fn whole<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(format!(
            "must be positive (a whole number of at least 0), got {t}"
        ));
    }
    t.parse()
        .map_err(|_| format!("expected a whole number, got {t:?}"))
}

/// `synthdata man`: the page of the command or of one subcommand, or their list.
fn man(command: Option<&str>, list: bool) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    if list {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            out!("{}", sub.get_name());
        }
        return 0;
    }
    let page = match command {
        None => cmd,
        Some(name) => match cmd
            .get_subcommands()
            .find(|s| s.get_name() == name && !s.is_hide_set())
        {
            Some(sub) => sub.clone(),
            None => {
                err!("error: no subcommand {name:?} (synthdata man --list names them)");
                return 2;
            }
        },
    };
    let mut buf = Vec::new();
    match clap_mangen::Man::new(page).render(&mut buf) {
        Ok(()) => {
            out_raw!("{}", String::from_utf8_lossy(&buf));
            0
        }
        Err(e) => {
            err!("error: cannot render the man page: {e}");
            1
        }
    }
}

/// Runs the command with `args` (the program's name first, as `std::env::args_os`
/// gives them) and returns its exit code (0, 1, 2, 3 or 130).
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // A panic is a bug; it still ends with a documented exit code (1), never 101.
    match std::panic::catch_unwind(move || run(args)) {
        Ok(code) => code,
        Err(_) => {
            err!("error: internal error (a bug in synthdata); the output is incomplete");
            1
        }
    }
}

fn run(args: Vec<std::ffi::OsString>) -> u8 {
    // Before any thread exists: under `ulimit -v`, one allocator arena, not one per thread.
    synth_probe::fit_allocator_to_address_space();
    let cli = Cli::parse_from(args);
    let quiet = matches!(&cli.command, Command::Generate(g) if g.quiet);
    let colour = logging::colour(cli.color);
    logging::init(quiet, colour);
    match cli.command {
        Command::Generate(args) => commands::generate(args, colour),
        Command::Estimate(args) => commands::estimate(args),
        Command::Validate { path, config, json } => match path.or(config) {
            Some(p) => commands::validate(&p, json),
            None => 2,
        },
        Command::Init {
            path,
            force,
            markdown,
        } => commands::init(&path, force, markdown),
        Command::Verify { dirs, json } => reading::verify(&dirs, json),
        Command::Report { dir, json, html } => reading::report(&dir, json, html.as_deref()),
        Command::ExportOcel { dir, out, json } => reading::export_ocel(&dir, &out, json),
        Command::Score {
            dir,
            predictions,
            json,
            scored_only,
        } => reading::score(&dir, &predictions, json, scored_only),
        Command::Probe { json } => commands::probe(json),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "synthdata", &mut buf);
            out_raw!("{}", String::from_utf8_lossy(&buf));
            0
        }
        Command::Man { command, list } => man(command.as_deref(), list),
        Command::Schema {
            table,
            json,
            markdown,
            sql,
        } => commands::schema(table.as_deref(), json, markdown, sql.is_some()),
    }
}
