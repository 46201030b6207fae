//! Memory estimates from measured record sizes, batch shapes, buffers and master data.
//!
//! ```text
//! streaming peak = baseline                       process, allocator, thread stacks
//!                + master data                    vendors, customers, nodes
//!                + master table sink              one, while master tables are written
//!                + threads × per part             parts generated at once, each:
//!   per part     =   (channel_capacity + 2) × batch   batches in flight and in the pool
//!                  + writer buffers               CSV/JSONL: two per table (encoding, writing);
//!                                                 Parquet: the open row group per table
//!                  + Parquet: 8 KiB per row group of the part (metadata kept for its footer)
//!                  + Parquet with zstd: the writer thread's zstd context
//! ```
//! The peak is what RSS will show: a batch counts the records it holds, not the 25%
//! headroom of its vectors' capacity (untouched pages are not resident). The byte
//! budget, which must hold by construction, reserves the capacity instead.
//! Calibrated against measured runs: see `docs/src/architecture/memory-management.md`.

use crate::config::Config;
use crate::error::Error;
use crate::plan::RunPlan;
use synth_generators::{Batch, JournalGenerator, PerTable, Table, master};
use synth_guard::{EffectiveLimit, LimitSource};
use synth_model::{Record, TablePhase, TableVisitor};
use synth_sinks::{
    CsvEncoder, Format, JsonlEncoder, MIN_BUFFER_BYTES, PARQUET_ROW_GROUP_BYTES,
    PARQUET_TABLE_BYTES, RecordWriter, SinkOptions,
};

/// What the process uses before generating: binary, allocator arenas, thread stacks
/// (measured: `synthdata generate --entries 1 --format null` peaks at 5.2 MiB).
pub const BASELINE_BYTES: u64 = 5 << 20;

/// Entries whose records are encoded to measure a config's bytes per row.
const BYTES_SAMPLE: u64 = 2_000;

/// Entries generated to measure a config's records per entry: enough that the rare
/// long entries (0.75% of 100 to 999 lines) weigh in the mean within 4%.
pub const RATIO_SAMPLE: u64 = 20_000;

/// Parquet files are this share of the CSV bytes of the same rows, at most: measured at
/// 200 000 entries (default config) from 0.09 (graph edges) to 0.26 (documents), 0.16
/// over all tables. The disk estimate of a Parquet run uses it.
pub const PARQUET_SHARE_OF_CSV: f64 = 0.26;

/// Partners of each kind in the sample's master data: rows per entry do not depend on
/// how many partners there are, and a sample must not build a huge master table.
const SAMPLE_PARTNERS: u32 = 1_000;

/// One table's share.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableEstimate {
    /// Table name.
    pub table: &'static str,
    /// Rows expected.
    pub rows: u64,
    /// Rows per journal entry (streaming tables; 0 for master tables).
    pub rows_per_entry: f64,
    /// Bytes of one record in memory.
    pub record_bytes: u64,
    /// Bytes this table takes in one batch.
    pub batch_bytes: u64,
    /// Bytes of this table's writer buffer.
    pub buffer_bytes: u64,
    /// Bytes expected on disk for this table in the run's format (Parquet: an upper
    /// bound, see [`PARQUET_SHARE_OF_CSV`]).
    pub disk_bytes: u64,
}

/// The memory a run is expected to need.
#[non_exhaustive]
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
    /// Writer buffers of all streaming tables of one part (with its Parquet footer).
    pub writer_buffers: u64,
    /// The sink that writes the master tables, one after the other.
    pub master_sink: u64,
    /// Parts of the run.
    pub parts: u64,
    /// Parts generated at once (each with its own batches and sinks).
    pub threads: u64,
    /// What one running part holds: its batches and its sinks.
    pub per_part: u64,
    /// The expected peak while streaming.
    pub streaming_peak: u64,
    /// A hard limit whose soft limit (80%) stays above the peak.
    pub recommended_limit: u64,
    /// Per table.
    pub per_table: Vec<TableEstimate>,
    /// Bytes this run is expected to write, all tables (a shard: its own share; the
    /// per-table figures are the whole dataset's).
    pub disk_bytes: u64,
    /// Measured rows per entry of each table.
    #[serde(skip)]
    pub per_entry: PerTable<f64>,
    /// Bytes each streaming text table encodes before one write: the configured buffer
    /// for the tables that write at least a quarter of what the largest one does, less
    /// (down to the minimum buffer) in proportion for the others, so that a table that
    /// writes little holds little and every table writes about as often.
    #[serde(skip)]
    pub buffers: PerTable<usize>,
}

impl MemoryEstimate {
    /// The same run generating `threads` parts at once.
    pub fn with_threads(&self, threads: u64) -> Self {
        let mut e = self.clone();
        e.threads = threads;
        e.streaming_peak = e.baseline + e.master_data + e.master_sink + threads * e.per_part;
        e.recommended_limit = recommended(e.streaming_peak);
        e
    }

    /// The most parts at once whose peak stays within `limit` (0 if not even one fits).
    pub fn threads_within(&self, limit: u64) -> u64 {
        let fixed = self.baseline + self.master_data + self.master_sink;
        match limit.checked_sub(fixed) {
            Some(left) => (left / self.per_part.max(1)).min(self.threads),
            None => 0,
        }
    }
}

/// A hard limit whose soft limit stays above `peak`, in whole MiB.
fn recommended(peak: u64) -> u64 {
    let limit = (peak as f64 / synth_guard::DEFAULT_SOFT_FRACTION) as u64;
    limit.div_ceil(1 << 20) << 20
}

/// Estimates the memory of a run of `config` (generates a small sample to measure it),
/// on a machine with no limit tighter than its RAM (the orchestrator estimates its own
/// plan, on the limit it found).
pub fn estimate_memory(config: &Config) -> Result<MemoryEstimate, Error> {
    estimate_plan(config, &RunPlan::new(config, &no_limit()))
}

/// A machine with no limit but its RAM: the plan of the public estimates.
fn no_limit() -> EffectiveLimit {
    EffectiveLimit {
        bytes: u64::MAX,
        source: LimitSource::PhysicalRam,
        soft_ceiling: None,
        total_ram: u64::MAX,
        available_ram: None,
    }
}

/// Estimates the memory of `plan`, the run of `config` (generates a small sample of its
/// entries to measure rows per entry and bytes per row).
pub(crate) fn estimate_plan(config: &Config, plan: &RunPlan) -> Result<MemoryEstimate, Error> {
    let mut sample = config.generator_config();
    let md = &mut sample.master_data;
    md.vendors = md.vendors.min(SAMPLE_PARTNERS);
    md.customers = md.customers.min(SAMPLE_PARTNERS);
    let generator = JournalGenerator::new(sample).map_err(crate::config::ConfigErrors::from)?;
    let sample = RATIO_SAMPLE.min(config.transactions.target_count.max(1));
    let per_entry = generator.records_per_entry(sample);
    let first = generator.scheduled_entries();
    // Bytes per row need fewer rows than rows per entry (no long tail to catch).
    let batch = generator
        .generate_range(first..first + sample.min(BYTES_SAMPLE))
        .map_err(|e| {
            crate::config::ConfigErrors(vec![crate::config::ConfigError {
                file: None,
                path: "transactions.target_count".into(),
                message: e.to_string(),
                location: None,
            }])
        })?;
    let mut bytes = EncodedBytes {
        format: config.output.format,
        per_row: PerTable::default(),
    };
    let _ = generator.master_data().visit(&mut bytes);
    let _ = batch.visit(&mut bytes);
    // Payslips come with the scheduled payroll entries, not the business cases.
    let _ = bytes.rows(Table::Payslips, &generator.sample_payslips());
    // Statements come with each month's interest posting, which needs the books summed.
    let _ = bytes.rows(Table::BankStatements, &generator.sample_statements());
    // Intercompany documents come with scheduled entries too.
    let _ = bytes.rows(Table::Intercompany, &generator.sample_intercompany());
    Ok(estimate_of_plan(config, plan, per_entry, bytes.per_row))
}

/// Measures the bytes per row of each table as its real encoder writes them.
struct EncodedBytes {
    format: Format,
    per_row: PerTable<f64>,
}

/// A writer that only counts.
#[derive(Default)]
struct Count(u64);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TableVisitor for EncodedBytes {
    type Error = std::io::Error;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), std::io::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let encoded = match self.format {
            Format::Jsonl => {
                let mut w = RecordWriter::<R, _, _>::new(Count::default(), JsonlEncoder::default());
                w.write_batch(rows)?;
                w.finish()?.0 as f64
            }
            Format::Null => 0.0,
            _ => {
                let mut w = RecordWriter::<R, _, _>::new(Count::default(), CsvEncoder::default());
                w.write_batch(rows)?;
                w.finish()?.0 as f64
            }
        };
        let share = if self.format == Format::Parquet {
            PARQUET_SHARE_OF_CSV
        } else {
            1.0
        };
        self.per_row[table] = encoded * share / rows.len() as f64;
        Ok(())
    }
}

/// Estimates from known rows per entry of each table (no disk estimate).
pub fn estimate_with(config: &Config, per_entry: PerTable<f64>) -> MemoryEstimate {
    estimate_with_disk(config, per_entry, PerTable::default())
}

/// Estimates from known rows per entry and encoded bytes per row of each table.
pub fn estimate_with_disk(
    config: &Config,
    per_entry: PerTable<f64>,
    bytes_per_row: PerTable<f64>,
) -> MemoryEstimate {
    let plan = RunPlan::new(config, &no_limit());
    estimate_of_plan(config, &plan, per_entry, bytes_per_row)
}

/// The estimate of `plan`: its parts, lanes, tables and sinks, from rows per entry and
/// encoded bytes per row of each table; `config` gives the batch and channel sizes.
fn estimate_of_plan(
    config: &Config,
    plan: &RunPlan,
    per_entry: PerTable<f64>,
    bytes_per_row: PerTable<f64>,
) -> MemoryEstimate {
    let o = &config.output;
    let n = plan.parts.total;
    let part_entries = plan.parts.part_entries.min(n).max(1);
    let batch_entries = o.batch_size.min(part_entries) as usize;
    let generator = &plan.generator;
    // Two buffers per text table (one being encoded, one with the I/O thread); Parquet
    // its compressed open row group and each column's open page and dictionary.
    let write_behind = matches!(o.format, Format::Csv | Format::Jsonl);
    let buffers = text_buffers(&plan.sink_options, plan, &per_entry, &bytes_per_row);
    let per_buffer = |t: Table| {
        let mut options = plan.sink_options.clone();
        options.buffer_bytes = buffers[t];
        options.memory_bytes(o.format, write_behind)
    };
    // A Parquet table holds at most its open row group, compressed: never more than what
    // it writes in a part (the anomalies, the master tables), however large the group.
    let buffer_for = |t: Table, disk_per_part: f64| -> u64 {
        if o.format != Format::Parquet {
            return per_buffer(t);
        }
        let group = per_buffer(t).saturating_sub(PARQUET_TABLE_BYTES);
        group.min(disk_per_part as u64) + PARQUET_TABLE_BYTES
    };
    let master_rows = master::row_counts(generator);
    let per_table: Vec<TableEstimate> = Table::ALL
        .iter()
        .filter(|&&t| generator.writes(t))
        .map(|&t| {
            let record_bytes = t.record_bytes() as u64;
            match t.phase() {
                TablePhase::Stream => {
                    let rows = (n as f64 * per_entry[t]).round() as u64;
                    TableEstimate {
                        table: t.name(),
                        rows,
                        rows_per_entry: per_entry[t],
                        record_bytes,
                        batch_bytes: (per_entry[t] * batch_entries as f64) as u64 * record_bytes,
                        buffer_bytes: if plan.writes[t] {
                            buffer_for(t, per_entry[t] * part_entries as f64 * bytes_per_row[t])
                        } else {
                            0
                        },
                        disk_bytes: (rows as f64 * bytes_per_row[t]) as u64,
                    }
                }
                // Master tables are written and closed before streaming starts.
                _ => TableEstimate {
                    table: t.name(),
                    rows: master_rows[t],
                    rows_per_entry: 0.0,
                    record_bytes,
                    batch_bytes: 0,
                    buffer_bytes: 0,
                    disk_bytes: (master_rows[t] as f64 * bytes_per_row[t]) as u64,
                },
            }
        })
        .collect();
    let batch_peak = Batch::touched_bytes(batch_entries, &per_entry) as u64;
    let batch_capacity = Batch::capacity_bytes(batch_entries, &per_entry) as u64;
    let batches_in_flight = o.channel_capacity as u64 + 2;
    let writer_buffers: u64 = per_table.iter().map(|t| t.buffer_bytes).sum();
    // The master data, and the world's plan of the anomalies that reach beyond a case.
    let master_data = master::estimated_bytes(generator)
        .saturating_add(JournalGenerator::planning_bytes(generator));
    // Parquet keeps metadata for every row group of a part until it writes the footer.
    let footer = if o.format == Format::Parquet {
        let values: u64 = per_table
            .iter()
            .map(|t| (t.rows_per_entry * part_entries as f64) as u64 * t.record_bytes)
            .sum();
        values / o.row_group_bytes.0.max(1) * PARQUET_ROW_GROUP_BYTES
    } else {
        0
    };
    let writer_buffers = writer_buffers + footer;
    // The master tables are written one after the other through one sink at a time.
    let master_sink = Table::ALL
        .iter()
        .filter(|&&t| t.phase() != TablePhase::Stream && plan.writes[t])
        .map(|&t| buffer_for(t, master_rows[t] as f64 * bytes_per_row[t]))
        .max()
        .unwrap_or(0);
    let parts = plan.parts.parts;
    let threads = plan.lanes_wanted;
    // Each part's writer thread holds its own Parquet zstd context.
    let per_part =
        batches_in_flight * batch_peak + writer_buffers + plan.sink_options.thread_bytes(o.format);
    let streaming_peak = BASELINE_BYTES + master_data + master_sink + threads * per_part;
    // A shard writes its share of the parts, and the master tables only in shard 0.
    // Only the tables written take disk space.
    let written = |t: &TableEstimate| Table::from_name(t.table).is_some_and(|t| plan.writes[t]);
    let disk_bytes = match plan.shard {
        None => per_table
            .iter()
            .filter(|t| written(t))
            .map(|t| t.disk_bytes)
            .sum(),
        Some(s) => {
            let share = plan.owned.len() as f64 / parts.max(1) as f64;
            per_table
                .iter()
                .filter(|t| written(t))
                .map(|t| match Table::from_name(t.table).map(|t| t.phase()) {
                    Some(TablePhase::Stream) => t.disk_bytes as f64 * share,
                    _ if s.writes_master() => t.disk_bytes as f64,
                    _ => 0.0,
                })
                .sum::<f64>() as u64
        }
    };
    MemoryEstimate {
        disk_bytes,
        baseline: BASELINE_BYTES,
        master_data,
        batch_peak,
        batch_capacity,
        batches_in_flight,
        writer_buffers,
        master_sink,
        parts,
        threads,
        per_part,
        streaming_peak,
        recommended_limit: recommended(streaming_peak),
        per_table,
        per_entry,
        buffers,
    }
}

/// See [`MemoryEstimate::buffers`]: master tables (written one at a time) get the
/// configured buffer.
fn text_buffers(
    options: &SinkOptions,
    plan: &RunPlan,
    per_entry: &PerTable<f64>,
    bytes_per_row: &PerTable<f64>,
) -> PerTable<usize> {
    let full = options.buffer_bytes.max(MIN_BUFFER_BYTES);
    let written = |t: Table| t.phase() == TablePhase::Stream && plan.writes[t];
    let per_entry_bytes = |t: Table| per_entry[t] * bytes_per_row[t];
    let largest = Table::ALL
        .iter()
        .filter(|&&t| written(t))
        .map(|&t| per_entry_bytes(t))
        .fold(0.0, f64::max);
    PerTable::from_fn(|t| {
        if !written(t) || largest <= 0.0 {
            return full;
        }
        let share = (4.0 * per_entry_bytes(t) / largest).min(1.0);
        ((full as f64 * share) as usize).clamp(MIN_BUFFER_BYTES, full)
    })
}
