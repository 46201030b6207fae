//! Memory estimates from measured record sizes, batch shapes, buffers and master data.
//!
//! ```text
//! streaming peak = baseline                       process, allocator, thread stacks
//!                + master data                    vendors, customers, nodes
//!                + (channel_capacity + 2) × batch batches in flight and in the pool
//!                + writer buffers                 CSV/JSONL: two per table (encoding, writing);
//!                                                 Parquet: the open row group per table
//!                + Parquet: 12 KiB per row group written (metadata kept for the footer)
//! ```
//! The peak is what RSS will show: a batch counts the records it holds, not the 25%
//! headroom of its vectors' capacity (untouched pages are not resident). The byte
//! budget, which must hold by construction, reserves the capacity instead.
//! Calibrated against measured runs: see `docs/src/architecture/memory-management.md`.

use crate::config::Config;
use crate::error::Error;
use synth_generators::{Batch, JournalGenerator, MasterData, PerEntry, sizes};
use synth_model::Record;
use synth_sinks::Format;

/// What the process uses before generating: binary, allocator arenas, thread stacks
/// (measured: `synthdata generate --entries 1 --format null` peaks at 5.2 MiB).
pub const BASELINE_BYTES: u64 = 5 << 20;

/// Parquet holds its open row group as compressed pages: per streaming table about a
/// quarter of `row_group_bytes` (measured: 1 M entries peak 48.8 MiB at 8 MiB row
/// groups, 57.8 MiB at 16 MiB, five streaming tables)...
pub const PARQUET_BUFFER_FACTOR: f64 = 0.25;

/// ...plus what each open table's column writers, page buffers and their dictionaries
/// hold whatever the group size (the same measurements, and 44.6 MiB at 4 MiB groups).
pub const PARQUET_TABLE_BYTES: u64 = 3 << 20;

/// What a Parquet writer keeps per written row group until the footer (metadata,
/// chunk statistics): measured 10 M entries peak 5.0 MiB above 1 M entries over about
/// 610 more row groups.
pub const PARQUET_ROW_GROUP_BYTES: u64 = 8 << 10;

/// Entries generated to measure a config's records per entry.
pub const RATIO_SAMPLE: u64 = 2_000;

/// One table's share.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableEstimate {
    /// Table name.
    pub table: &'static str,
    /// Rows expected.
    pub rows: u64,
    /// Bytes of one record in memory.
    pub record_bytes: u64,
    /// Bytes this table takes in one batch.
    pub batch_bytes: u64,
    /// Bytes of this table's writer buffer.
    pub buffer_bytes: u64,
}

/// The memory a run is expected to need.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemoryEstimate {
    /// The process before generation.
    pub baseline: u64,
    /// Master data in memory.
    pub master_data: u64,
    /// One batch: the bytes its records occupy.
    pub batch_peak: u64,
    /// One batch's reserved capacity (what the byte budget holds for it).
    pub batch_capacity: u64,
    /// Batches alive at once (channel capacity + one at the generator + one at the writer).
    pub batches_in_flight: u64,
    /// Writer buffers of all tables.
    pub writer_buffers: u64,
    /// The expected peak while streaming.
    pub streaming_peak: u64,
    /// A hard limit whose soft limit (80%) stays above the peak.
    pub recommended_limit: u64,
    /// Per table.
    pub per_table: Vec<TableEstimate>,
    /// Measured records per entry (lines, documents, items, edges).
    pub per_entry: PerEntry,
}

/// Estimates the memory of a run of `config` (generates a small sample to measure it).
pub fn estimate_memory(config: &Config) -> Result<MemoryEstimate, Error> {
    let generator = JournalGenerator::new(config.generator_config())
        .map_err(crate::config::ConfigErrors::from)?;
    let per_entry =
        generator.records_per_entry(RATIO_SAMPLE.min(config.transactions.target_count.max(1)));
    Ok(estimate_with(config, per_entry))
}

/// Estimates from known records-per-entry ratios.
pub fn estimate_with(config: &Config, per_entry: PerEntry) -> MemoryEstimate {
    let o = &config.output;
    let n = config.transactions.target_count;
    let batch_entries = o.batch_size.min(n.max(1)) as usize;
    let md = &config.master_data;
    let accounts = synth_generators::CHART_OF_ACCOUNTS.len() as u64;
    let per_buffer = match o.format {
        // Two buffers per table: one being encoded, one with the I/O thread.
        Format::Csv | Format::Jsonl => {
            2 * o.buffer_bytes.0.max(synth_sinks::MIN_BUFFER_BYTES as u64)
        }
        // Compressed pages of the open row group, and the column writers.
        Format::Parquet => {
            (o.row_group_bytes.0 as f64 * PARQUET_BUFFER_FACTOR) as u64 + PARQUET_TABLE_BYTES
        }
        Format::Null => 0,
    };
    let mut per_table = Vec::new();
    let mut add =
        |table: &'static str, rows: u64, record_bytes: usize, per_batch: f64, streaming: bool| {
            per_table.push(TableEstimate {
                table,
                rows,
                record_bytes: record_bytes as u64,
                batch_bytes: (per_batch * batch_entries as f64) as u64 * record_bytes as u64,
                // Master tables are written and closed before streaming starts.
                buffer_bytes: if streaming { per_buffer } else { 0 },
            });
        };
    let ratio = |k: usize| (n as f64 * per_entry[k]).round() as u64;
    add(
        synth_model::Account::TABLE,
        accounts,
        size_of::<synth_model::Account>(),
        0.0,
        false,
    );
    add(
        synth_model::Vendor::TABLE,
        u64::from(md.vendors),
        sizes::VENDOR,
        0.0,
        false,
    );
    add(
        synth_model::Customer::TABLE,
        u64::from(md.customers),
        sizes::CUSTOMER,
        0.0,
        false,
    );
    if config.graph.enabled {
        let nodes = accounts + u64::from(md.vendors) + u64::from(md.customers);
        add(
            synth_model::GraphNode::TABLE,
            nodes,
            sizes::GRAPH_NODE,
            0.0,
            false,
        );
    }
    add(
        synth_model::JournalEntry::TABLE,
        n,
        sizes::JOURNAL_ENTRY,
        1.0 / 1.25,
        true,
    );
    add(
        synth_model::JournalLine::TABLE,
        ratio(0),
        sizes::JOURNAL_LINE,
        per_entry[0],
        true,
    );
    if config.documents.enabled {
        add(
            synth_model::Document::TABLE,
            ratio(1),
            sizes::DOCUMENT,
            per_entry[1],
            true,
        );
        add(
            synth_model::DocumentItem::TABLE,
            ratio(2),
            sizes::DOCUMENT_ITEM,
            per_entry[2],
            true,
        );
    }
    if config.graph.enabled {
        add(
            synth_model::GraphEdge::TABLE,
            ratio(3),
            sizes::GRAPH_EDGE,
            per_entry[3],
            true,
        );
    }
    let batch_peak = Batch::touched_bytes(batch_entries, per_entry) as u64;
    let batch_capacity = Batch::expected_bytes(batch_entries, per_entry) as u64;
    let batches_in_flight = o.channel_capacity as u64 + 2;
    let writer_buffers: u64 = per_table.iter().map(|t| t.buffer_bytes).sum();
    let master_data = MasterData::estimated_bytes(md) as u64;
    // Parquet keeps metadata for every row group it wrote until it writes the footer.
    let footer = if o.format == Format::Parquet {
        let values: u64 = per_table.iter().map(|t| t.rows * t.record_bytes).sum();
        values / o.row_group_bytes.0.max(1) * PARQUET_ROW_GROUP_BYTES
    } else {
        0
    };
    let writer_buffers = writer_buffers + footer;
    let streaming_peak =
        BASELINE_BYTES + master_data + batches_in_flight * batch_peak + writer_buffers;
    let recommended_limit = (streaming_peak as f64 / synth_guard::DEFAULT_SOFT_FRACTION) as u64;
    MemoryEstimate {
        baseline: BASELINE_BYTES,
        master_data,
        batch_peak,
        batch_capacity,
        batches_in_flight,
        writer_buffers,
        streaming_peak,
        recommended_limit: recommended_limit.div_ceil(1 << 20) << 20,
        per_table,
        per_entry,
    }
}
