//! The layout of the scheduled entries: how many slots each company's opening balances
//! and monthly postings take, and where the case blocks begin.

use crate::config::GeneratorConfig;
use crate::world::pools::{ASSET_CLASSES, COST_CENTERS, COUNTRIES};

/// Open items (per side: receivables, payables) each company opens with.
pub(crate) const OPEN_ITEMS: usize = 6;
/// Opening lines before the open items: bank, cash, inventory, each asset class's
/// cost and accumulated depreciation, accrued and payroll liabilities, last month's
/// output and input tax, share capital, retained earnings.
pub(crate) const OPENING_FIXED_LINES: usize = 3 + 2 * ASSET_CLASSES.len() + 6;
/// Month-end accruals per company and month.
pub(crate) const ACCRUALS: u64 = 2;

/// Where each company's scheduled entries are among the first indices of the run.
#[derive(Debug, Clone)]
pub(crate) struct CompanyLayout {
    /// Index of its first scheduled entry.
    pub offset: u64,
    /// Opening entries (balances in chunks, then the settlements of open items).
    pub opening: u64,
    /// Opening balance entries (chunks of the opening lines).
    pub opening_chunks: u64,
    /// Scheduled entries per month.
    pub per_month: u64,
    /// Payroll runs per month.
    pub runs: u64,
    /// Entries per payroll run.
    pub payroll_chunks: u64,
    /// Cost centers per payroll entry.
    pub centers_per_chunk: usize,
    /// Entries per depreciation run.
    pub depreciation_chunks: u64,
    /// Asset classes per depreciation entry.
    pub classes_per_chunk: usize,
    /// Opening lines per opening entry (plus one clearing line).
    pub lines_per_opening: usize,
}

/// The layout of the scheduled entries of a config.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Per company.
    pub companies: Vec<CompanyLayout>,
    /// All scheduled entries.
    pub total: u64,
}

impl Layout {
    /// The layout for a validated config.
    pub fn new(config: &GeneratorConfig) -> Layout {
        let m = config.transactions.max_lines.max(4) as usize;
        let centers_per_chunk = ((m - 2) / 2).max(1);
        let payroll_chunks = COST_CENTERS.len().div_ceil(centers_per_chunk) as u64;
        let classes_per_chunk = (m / 2).max(1);
        let depreciation_chunks = ASSET_CLASSES.len().div_ceil(classes_per_chunk) as u64;
        let lines_per_opening = m - 1;
        let opening_lines = OPENING_FIXED_LINES + 2 * OPEN_ITEMS;
        let opening_chunks = opening_lines.div_ceil(lines_per_opening) as u64;
        let months = u64::from(config.months);
        let mut offset = 0;
        let companies = config
            .companies
            .iter()
            .map(|c| {
                let country = c.country().unwrap_or("US");
                let runs = COUNTRIES.iter().find(|x| x.0 == country).map_or(1, |x| x.2) as u64;
                let opening = opening_chunks + 2 * OPEN_ITEMS as u64;
                let per_month =
                    runs * (1 + payroll_chunks) + 1 + depreciation_chunks + 2 * ACCRUALS + 5;
                let l = CompanyLayout {
                    offset,
                    opening,
                    opening_chunks,
                    per_month,
                    runs,
                    payroll_chunks,
                    centers_per_chunk,
                    depreciation_chunks,
                    classes_per_chunk,
                    lines_per_opening,
                };
                offset += opening + months * per_month;
                l
            })
            .collect();
        Layout {
            companies,
            total: offset,
        }
    }

    /// Case blocks of a run of this config.
    pub fn cases(&self, config: &GeneratorConfig) -> u64 {
        config
            .transactions
            .target_count
            .saturating_sub(self.total)
            .div_ceil(crate::world::economy::SLOTS)
    }
}
