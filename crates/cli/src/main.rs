//! `synthdata`: generate large synthetic accounting datasets as streams, inside a
//! memory budget. See `synthdata --help`.

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
mod logging;
mod schema;
mod summary;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

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
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the dataset.
    #[command(after_help = "Examples:
  synthdata generate
  synthdata generate --entries 10000000 --format parquet --out data
  synthdata generate --config synth.yaml --memory-limit 512MiB --health-addr 127.0.0.1:9090
  synthdata generate --entries 1000 --json --quiet --overwrite

Flags override the config file, and each override is logged.")]
    Generate(GenerateArgs),
    /// Estimate the memory a run needs and compare it with the effective limit.
    #[command(after_help = "Examples:
  synthdata estimate
  synthdata estimate --entries 100000000 --format parquet
  synthdata estimate --config synth.yaml --json")]
    Estimate(EstimateArgs),
    /// Check a config file and report every problem with its field path, line and column.
    #[command(after_help = "Examples:
  synthdata validate --config synth.yaml")]
    Validate {
        /// The config file to check.
        #[arg(long, short)]
        config: PathBuf,
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
    },
    /// List every table with its columns, types, nullability and meaning.
    #[command(after_help = "Examples:
  synthdata schema
  synthdata schema journal_lines
  synthdata schema --json
  synthdata schema --markdown > docs/src/output/schema.md")]
    Schema {
        /// Only this table.
        table: Option<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print Markdown (the docs' page).
        #[arg(long)]
        markdown: bool,
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
    /// Config file (YAML); without it the built-in default config is used.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Number of journal entries (transactions.target_count).
    #[arg(long, short = 'n')]
    entries: Option<u64>,
    /// Output format: csv, jsonl, parquet or null (output.format).
    #[arg(long, short)]
    format: Option<synth_sinks::Format>,
    /// Hard memory limit, e.g. 2GiB (global.memory_limit).
    #[arg(long, value_name = "SIZE")]
    memory_limit: Option<synth_guard::ByteSize>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    common: Common,
    /// Output directory (output.directory).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Seed (global.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Serve /health and /metrics on this address, e.g. 127.0.0.1:9090 (server.health_addr).
    #[arg(long, value_name = "ADDR")]
    health_addr: Option<String>,
    /// Write into a non-empty output directory, replacing an earlier run's files.
    #[arg(long)]
    overwrite: bool,
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
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    // A panic is a bug; it still ends with a documented exit code (1), never 101.
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => {
            err!("error: internal error (a bug in synthdata); the output is incomplete");
            ExitCode::from(1)
        }
    }
}

fn run() -> ExitCode {
    // Before any thread exists: under `ulimit -v`, one allocator arena, not one per thread.
    synth_probe::fit_allocator_to_address_space();
    let cli = Cli::parse();
    let quiet = matches!(&cli.command, Command::Generate(g) if g.quiet);
    logging::init(quiet);
    let code = match cli.command {
        Command::Generate(args) => commands::generate(args),
        Command::Estimate(args) => commands::estimate(args),
        Command::Validate { config } => commands::validate(&config),
        Command::Init { path, force } => commands::init(&path, force),
        Command::Probe { json } => commands::probe(json),
        Command::Schema {
            table,
            json,
            markdown,
        } => commands::schema(table.as_deref(), json, markdown),
    };
    ExitCode::from(code)
}
