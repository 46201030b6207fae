//! Deterministic, seed-addressable generators of synthetic accounting data.
//!
//! Entry *i* and everything it causes (lines, documents, items, graph edges) come from
//! an RNG seeded by `splitmix64(seed, table, i)`, so the output depends only on the
//! config and the seed: never on batch size, thread, shard or time. The first entries
//! are the scheduled postings (opening balances, payroll, depreciation, accruals, bank);
//! the rest are business cases (procure to pay, order to cash) of a few entries each,
//! with coherent documents, dates and amounts.
//!
//! ```
//! use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
//! let generator = JournalGenerator::new(GeneratorConfig::default())?;
//! let mut batch = Batch::with_capacity(10_000);
//! generator.generate_batch(&mut batch, 0..10_000)?;
//! for entry in &batch.entries {
//!     let lines = batch.lines.iter().filter(|l| l.entry_id == entry.entry_id);
//!     let (debit, credit) = lines.fold((0, 0), |(d, c), l| (d + l.debit, c + l.credit));
//!     assert_eq!(debit, credit);
//! #   break;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Deliberately absent: formatting and writing bytes (that is `synth-sinks`), and any
//! knowledge of memory limits (that is `synth-guard`).

mod anomalies;
mod books;
mod cases;
mod config;
mod count;
mod journal;
mod post;
mod scheduled;
pub(crate) mod world;

pub use anomalies::{
    AnomaliesConfig, AnomalyDifficulties, AnomalyType, AnomalyWeights, Difficulty, Family,
    MAX_RATE as MAX_ANOMALY_RATE,
};
pub use config::{
    CompanyConfig, DocumentsConfig, FxConfig, GeneratorConfig, GraphConfig, GroupConfig,
    IntercompanyPair, InvalidGeneratorConfig, LongEntries, MAX_ALLOCATION_LINES, MAX_LINES_LIMIT,
    MAX_LONG_SHARE, MIN_LINES, MasterDataConfig, TransactionsConfig, VatReturns,
};
pub use count::{deserialize_count, deserialize_count_u32, parse_count};
pub use journal::{InvalidRange, JournalGenerator};
pub use synth_model::{Batch, PerTable, Table, TablePhase};
pub use world::calendar::{PostingCalendar, SUPPORTED_COUNTRIES, holidays};
pub use world::master;
pub use world::master::{LazyRegistry, MasterData, account_node_id};
pub use world::pools::CHART_OF_ACCOUNTS;
pub use world::rng::{record_id, record_key, splitmix64};
