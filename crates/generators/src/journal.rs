//! The journal generator: entry *i* and everything it causes, from `(config, seed, i)` alone.
//!
//! The entry indices of a run are laid out in two ranges. The first holds the
//! scheduled postings (opening balances and their settlement, then per company and
//! month payroll, depreciation, accruals and their reversals, rent, bank charges,
//! interest, petty cash, the tax return), in a fixed number of slots per company and
//! month, then each company's income tax postings of the period. The rest is
//! cut into blocks of [`SLOTS`] entries: block *b* is one business case (procure to pay
//! or order to cash) that uses the first slots of the block for its entries, and the
//! free slots hold single-entry cases. So an index alone says what its entry is, and
//! any range of indices can be generated on its own. The run writes the case blocks in
//! groups of 64, slot by slot (`Layout::index_at`), so that a case's entries are spread
//! over its group in their order rather than adjacent.

use crate::anomalies::AnomalyType;
use crate::config::{GeneratorConfig, InvalidGeneratorConfig};
use crate::world::World;
use crate::world::economy::SLOTS;
use crate::world::layout::INTERLEAVE;
use crate::world::master::MasterData;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use synth_model::{Batch, PerTable, Table};

/// Generates journal entries and everything they cause, deterministically by index.
///
/// ```
/// use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
/// let generator = JournalGenerator::new(GeneratorConfig::default())?;
/// let mut batch = Batch::with_capacity(1000);
/// generator.generate_batch(&mut batch, 0..1000)?;
/// assert_eq!(batch.entries.len(), 1000);
/// // Any range alone gives the same records as the same slice of a bigger run.
/// assert_eq!(generator.generate_range(500..501)?.entries[0], batch.entries[500]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JournalGenerator {
    world: World,
}

/// A range of entry indices that ends before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid range of entries {start}..{end}: the end is before the start")]
pub struct InvalidRange {
    /// First index asked for.
    pub start: u64,
    /// One past the last index asked for.
    pub end: u64,
}

/// The number of cases in `range`, or why it is not a range.
fn check_range(range: &Range<u64>) -> Result<usize, InvalidRange> {
    if range.end < range.start {
        return Err(InvalidRange {
            start: range.start,
            end: range.end,
        });
    }
    Ok((range.end - range.start) as usize)
}

impl JournalGenerator {
    /// Bytes [`JournalGenerator::new`] will spend on planning the anomalies of `config`
    /// that reach beyond one case (an upper bound, proportional to the entries) and the
    /// books pass on its stock tally (companies × materials × months); computed without
    /// building anything, so that a run can be refused before it is built.
    pub fn planning_bytes(config: &GeneratorConfig) -> u64 {
        let scheduled = crate::world::layout::Layout::new(config).total;
        let tally = crate::world::stock::StockTally::bytes(
            config.companies.len(),
            config.master_data.materials as usize,
            config.months as usize,
        );
        crate::anomalies::Selector::new(config.seed, &config.anomalies)
            .planning_bytes(scheduled, config.transactions.target_count)
            .saturating_add(tally)
    }

    /// A generator for a validated config.
    pub fn new(config: GeneratorConfig) -> Result<Self, InvalidGeneratorConfig> {
        Ok(Self {
            world: World::new(config)?,
        })
    }

    /// Flags that, once set, cut short the summing of the books (see [`Self::books_need`]):
    /// the scheduled entries generated after that are not the run's, so set them only
    /// when the run stops and what it generates from then on is thrown away.
    pub fn with_stop_flags(self, flags: Vec<Arc<AtomicBool>>) -> Self {
        let _ = self.world.stops.set(flags);
        self
    }

    /// Whether generating `range` needs the books of the whole run summed first (the
    /// tax returns, petty cash top-ups and income tax postings among the scheduled
    /// entries pay what the books hold): about a third of the run's generation time,
    /// once per generator.
    pub fn books_need(&self, range: Range<u64>) -> bool {
        range.start < self.world.layout.total && range.start < range.end
    }

    /// Sums the books of the run now if they are not yet (see [`Self::books_need`]), so
    /// that a caller can run it where it can be interrupted.
    pub fn prepare_books(&self) {
        let _ = self.world.books();
    }

    /// The configuration in use.
    pub fn config(&self) -> &GeneratorConfig {
        &self.world.config
    }

    /// The master data (built on first use), each table in the order the generator
    /// indexes it.
    pub fn master_data(&self) -> &Arc<MasterData> {
        self.world.registry.get()
    }

    /// The master data as the files hold it: the vendor master (and the vendors among
    /// the graph's nodes) by creation date, then id, as a vendor master lists them, so
    /// that no vendor's row tells how it came into the data (the vendors the anomalies
    /// create sit among the configured ones created on nearby days); every other table
    /// as [`JournalGenerator::master_data`] has it.
    pub fn master_tables(&self) -> MasterData {
        crate::world::master::as_written(self.master_data())
    }

    /// How many of the first entries are scheduled postings (opening balances, payroll,
    /// depreciation, accruals, bank postings); the business cases follow them.
    pub fn scheduled_entries(&self) -> u64 {
        self.world.layout.total
    }

    /// How many anomalies of each type the entries `range` hold (their labels are
    /// written with those entries), in [`AnomalyType::ALL`] order.
    pub fn anomaly_counts(&self, range: Range<u64>) -> Vec<(AnomalyType, u64)> {
        self.world.anomaly_counts(range)
    }

    /// Drops what can be rebuilt (the master data registry); returns the bytes released.
    pub fn clear_caches(&mut self) -> usize {
        self.world.registry.clear()
    }

    /// Rows of each table per entry of this config, measured on `sample` entries of
    /// business cases (1 for journal entries, 0 for master tables); payslips, which only
    /// payroll entries write, counted over the whole run.
    pub fn records_per_entry(&self, sample: u64) -> PerTable<f64> {
        // In chunks, so that a large sample holds no more than a chunk's records.
        const CHUNK: u64 = 1_024;
        let start = self.world.layout.total;
        let end = start + sample.max(1);
        let mut b = Batch::with_capacity(CHUNK as usize);
        let mut rows = PerTable::from_fn(|_| 0usize);
        let mut n = 0usize;
        for a in (start..end).step_by(CHUNK as usize) {
            self.world.fill(&mut b, a..(a + CHUNK).min(end));
            n += b.entries.len();
            rows = PerTable::from_fn(|t| rows[t] + b.rows(t));
        }
        let entries = self.world.config.transactions.target_count.max(1) as f64;
        PerTable::from_fn(|t| match t {
            Table::Payslips => self.world.slips.total as f64 / entries,
            Table::BankStatements => {
                (self.world.economy.companies.len() as u64 * u64::from(self.world.config.months))
                    as f64
                    / entries
            }
            // An invoice and a payment per service charge and month, a transfer per
            // loan and month.
            Table::Intercompany => {
                let per_month: u64 = (self.world.layout.flows.iter())
                    .map(|(_, f)| f.postings())
                    .sum();
                (per_month * u64::from(self.world.config.months)) as f64 / entries
            }
            _ => rows[t] as f64 / n.max(1) as f64,
        })
    }

    /// Payslips of the first payroll run of the period (their entry not written): a
    /// sample to measure what a payslip's row takes.
    pub fn sample_payslips(&self) -> Vec<synth_model::Payslip> {
        let mut batch = Batch::default();
        self.world.sample_payslips(&mut batch);
        batch.payslips
    }

    /// The first year's intercompany rows of the first flow between two group companies
    /// (none without one): a sample to measure what a row takes (enough rows that a
    /// text file's header weighs little on each).
    pub fn sample_intercompany(&self) -> Vec<synth_model::IntercompanyDocument> {
        let layout = &self.world.layout;
        let Some((_, flow)) = layout.flows.first() else {
            return Vec::new();
        };
        // The postings that write a row: a charge's or shipment's invoice (the seller's
        // first) and payment (the buyer's second), a loan's transfer (the lender's).
        let writers: &[(bool, u64)] = match flow {
            crate::world::layout::Flow::Services | crate::world::layout::Flow::Goods => {
                &[(true, 0), (false, 1)]
            }
            crate::world::layout::Flow::Loan => &[(true, 0)],
        };
        let mut batch = Batch::default();
        let mut rows = Vec::new();
        for month in 0..u64::from(self.world.config.months.min(12)) {
            for &(seller, r) in writers {
                let i = layout.intercompany_index(0, seller, r, month);
                // Each fill starts the batch afresh.
                self.world.fill(&mut batch, i..i + 1);
                rows.append(&mut batch.intercompany);
            }
        }
        rows
    }

    /// Each company's bank statements of the first year, with balances of the size its
    /// books plan (not summed): a sample to measure what a statement's row takes.
    pub fn sample_statements(&self) -> Vec<synth_model::BankStatement> {
        self.world.sample_statements()
    }

    /// Records for the entries `range`, in a new batch.
    pub fn generate_range(&self, range: Range<u64>) -> Result<Batch, InvalidRange> {
        let cases = check_range(&range)?;
        let mut batch = Batch::with_capacity(cases);
        self.world.fill(&mut batch, range);
        Ok(batch)
    }

    /// Iterates over `range` in batches of `batch_size` entries (each batch new).
    pub fn generate_stream(
        &self,
        range: Range<u64>,
        batch_size: u64,
    ) -> Result<impl Iterator<Item = Batch> + '_, InvalidRange> {
        check_range(&range)?;
        let step = batch_size.max(1);
        Ok((range.start..range.end)
            .step_by(step as usize)
            .map(move |a| {
                let mut batch = Batch::with_capacity(step as usize);
                self.world.fill(&mut batch, a..(a + step).min(range.end));
                batch
            }))
    }

    /// Refills `batch` with the records of entries `range` (no allocation once the
    /// batch's vectors have grown to the run's needs).
    pub fn generate_batch(&self, batch: &mut Batch, range: Range<u64>) -> Result<(), InvalidRange> {
        check_range(&range)?;
        self.world.fill(batch, range);
        Ok(())
    }
}

impl World {
    /// The records of entries `range` into `batch` (emptied first): the dispatcher from
    /// an entry index to a scheduled posting, a case's entry or an anomaly scene.
    pub(crate) fn fill(&self, batch: &mut Batch, range: Range<u64>) {
        self.fill_with(batch, range, true);
    }

    /// [`World::fill`], with the bank statement lines when `bank` (the books pass sums
    /// the bank's side itself, without them).
    pub(crate) fn fill_with(&self, batch: &mut Batch, range: Range<u64>, bank: bool) {
        batch.clear();
        batch.range = range.clone();
        let md = Arc::clone(self.registry.get());
        let k = self.layout.total;
        let end = self.config.transactions.target_count;
        // One plan per block of an interleaved group, kept in place (a few hundred
        // bytes each).
        let mut plans: [Option<crate::cases::Plan>; INTERLEAVE as usize] =
            [const { None }; INTERLEAVE as usize];
        let mut window: crate::anomalies::WindowChoice = [None; 2];
        self.payslips_at(range.clone(), &md, batch);
        for pos in range {
            let i = self.layout.index_at(pos, end);
            if i < k {
                self.scheduled(i, &md, batch);
                continue;
            }
            let slot = i - k;
            let (block, s) = (slot / SLOTS, slot % SLOTS);
            let p = match &mut plans[(block % INTERLEAVE) as usize] {
                Some(p) if p.block() == block => &*p,
                slot => {
                    let anomaly = self.anomaly_of(block, &md, &mut window);
                    &*slot.insert(self.plan_for(block, anomaly, &md))
                }
            };
            if let Some(t) = p.anomaly.filter(|t| t.standalone()) {
                self.scenario(p, t, s as u8, batch, &md);
                continue;
            }
            // Each document is written with the entry it caused (orders with the first
            // slot), so that no part holds a document of another part's entry.
            self.case_documents(p, s, batch, &md);
            if p.is_posted(p.role(s as u8)) {
                self.case_entry(p, s as u8, batch);
            } else if p.anomaly == Some(AnomalyType::DuplicatePayment) && s == u64::from(p.posted) {
                self.case_entry_as(p, s as u8, crate::cases::Role::Payment(0), batch);
            } else if self.holds_accrual(p, s as u8) {
                self.clean_accrual(p, s as u8, batch);
            } else {
                self.filler(slot, batch);
            }
        }
        if bank {
            self.bank_lines(batch);
        }
    }
}
