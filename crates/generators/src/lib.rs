//! Deterministic, seed-addressable generators of synthetic accounting data.
//!
//! Entry *i* and everything it causes (lines, documents, items, graph edges) come from
//! an RNG seeded by `splitmix64(seed, table, i)`, so the output depends only on the
//! config and the seed: never on batch size, thread, shard or time.
//!
//! ```
//! use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
//! let generator = JournalGenerator::new(GeneratorConfig::default())?;
//! let mut batch = Batch::with_capacity(10_000);
//! generator.generate_batch(&mut batch, 0..10_000);
//! for entry in &batch.entries {
//!     let lines = batch.lines.iter().filter(|l| l.entry_id == entry.entry_id);
//!     let (debit, credit) = lines.fold((0, 0), |(d, c), l| (d + l.debit, c + l.credit));
//!     assert_eq!(debit, credit);
//! #   break;
//! }
//! # Ok::<(), synth_generators::InvalidGeneratorConfig>(())
//! ```
//!
//! Deliberately absent: formatting and writing bytes (that is `synth-sinks`), and any
//! knowledge of memory limits (that is `synth-guard`).

mod batch;
mod calendar;
mod config;
mod journal;
mod master;
mod pools;
mod rng;

pub use batch::{Batch, EXPECTED_PER_ENTRY, PerEntry};
pub use calendar::PostingCalendar;
pub use config::{
    CompanyConfig, DocumentsConfig, GeneratorConfig, GraphConfig, InvalidGeneratorConfig,
    MAX_LINES_LIMIT, MasterDataConfig, TransactionsConfig,
};
pub use journal::{JournalGenerator, Scenario};
pub use master::{LazyRegistry, MasterData, account_node_id};
pub use pools::CHART_OF_ACCOUNTS;
pub use rng::{record_id, record_key, splitmix64};

/// Measured bytes of one record of each kind (struct size; records own no heap).
pub mod sizes {
    use synth_model::*;
    /// One journal entry header.
    pub const JOURNAL_ENTRY: usize = size_of::<JournalEntry>();
    /// One journal line.
    pub const JOURNAL_LINE: usize = size_of::<JournalLine>();
    /// One document.
    pub const DOCUMENT: usize = size_of::<Document>();
    /// One document item.
    pub const DOCUMENT_ITEM: usize = size_of::<DocumentItem>();
    /// One graph node.
    pub const GRAPH_NODE: usize = size_of::<GraphNode>();
    /// One graph edge.
    pub const GRAPH_EDGE: usize = size_of::<GraphEdge>();
    /// One vendor.
    pub const VENDOR: usize = size_of::<Vendor>();
    /// One customer.
    pub const CUSTOMER: usize = size_of::<Customer>();
}
