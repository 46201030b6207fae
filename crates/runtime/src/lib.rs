//! The orchestrator of a synthetic data run: configuration, a generator thread and a
//! writer thread joined by a bounded channel (plus an I/O thread that writes CSV and JSON
//! Lines buffers behind the writer), the memory guard between batches, progress,
//! estimates, and a health snapshot for the server.
//!
//! ```no_run
//! use synth_runtime::{Config, GenerationOrchestrator};
//! let mut config = Config::default();
//! config.transactions.target_count = 100_000;
//! config.output.format = synth_runtime::Format::Parquet;
//! let run = GenerationOrchestrator::new(config)?;
//! let stop = run.cancel_handle(); // e.g. from a Ctrl-C handler
//! let report = run.run_with_progress(|p| eprintln!("{:.1}% {:.0} entries/s", p.percent, p.rate))?;
//! println!("{} entries, peak RSS {} bytes", report.entries_written, report.peak_rss);
//! # drop(stop);
//! # Ok::<(), synth_runtime::Error>(())
//! ```
//!
//! It spawns the threads of a run (the health server and a Ctrl-C handler, where a
//! program uses them, start their own). It never formats
//! records (that is `synth-sinks`) nor decides memory policy (that is `synth-guard`).

mod config;
mod error;
mod estimate;
mod lane;
mod orchestrator;
mod outcome;
mod output;
mod plan;
mod preflight;
mod verify;
mod writer;
mod written;

pub use config::{
    Bound, Config, ConfigError, ConfigErrors, DEFAULT_PART_ENTRIES, DetectedShard, GlobalConfig,
    KEYS, Key, MAX_CONFIG_BYTES, MAX_ENTRIES, MAX_THREADS, OutputConfig, Overrides, ServerConfig,
    Unit, config_of_run, default_config_yaml, key_at, keys_markdown, locate, parse_year_month,
    shard_from_env,
};
pub use error::Error;
pub use synth_sinks::{Shard, Verification};
pub use verify::verify;
pub use written::Tally;
// What a program that drives a run needs, so that it needs this crate alone.
pub use estimate::{
    BASELINE_BYTES, MemoryEstimate, PARQUET_SHARE_OF_CSV, RATIO_SAMPLE, TableEstimate,
    estimate_memory, estimate_with, estimate_with_disk,
};
pub use lane::{BatchObserver, CancelHandle};
pub use orchestrator::{GenerationOrchestrator, guard_config};
pub use outcome::{PROGRESS_INTERVAL, Progress, RunReport};
pub use output::RUNNING_MESSAGE;
pub use plan::{AUTO_DROP_PAGE_CACHE_EVERY, Parts};
pub use synth_generators::{
    CompanyConfig, Difficulty, DocumentsConfig, GeneratorConfig, GraphConfig, JournalGenerator,
    MAX_ANOMALY_RATE, MasterDataConfig, Table, TablePhase, TransactionsConfig, parse_count,
};
pub use synth_guard::{ByteRate, ByteSize, LimitSource, MemoryStatus, format_bytes};
pub use synth_guard::{HealthReading, HealthSnapshot, HealthStatus, Phase};
pub use synth_sinks::{Compression, Format, TableReport};
