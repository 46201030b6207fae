//! The layout of the scheduled entries: how many slots each company's opening balances,
//! monthly postings and income tax postings take, and where the case blocks begin.

use crate::config::GeneratorConfig;
use crate::world::economy::SLOTS;
use crate::world::pools::{ASSET_CLASSES, COST_CENTERS, COUNTRIES};

/// Open items (per side: receivables, payables) each company opens with: one per 4 000
/// entries of the run, 16 to 256, so that each stays within its customer's credit limit.
pub(crate) fn open_items(config: &GeneratorConfig) -> usize {
    (config.transactions.target_count / 4_000).clamp(16, 256) as usize
}
/// Opening lines before the open items: bank, cash, inventory, each asset class's
/// cost and accumulated depreciation, accrued and payroll liabilities, last month's
/// output and input tax, the income tax of the year before, share capital, retained
/// earnings.
pub(crate) const OPENING_FIXED_LINES: usize = 3 + 2 * ASSET_CLASSES.len() + 7;
/// Month-end accruals per company and month.
pub(crate) const ACCRUALS: u64 = 2;
/// The month's purchase of a fixed asset: its invoice and its payment.
pub(crate) const CAPEX_SLOTS: u64 = 2;
/// Slots of the month's asset retirement: the retirement, the sale.
pub(crate) const DISPOSAL_SLOTS: u64 = 2;

/// The month's cycle count and scrap.
pub(crate) const STOCK_COUNT_SLOTS: u64 = 1;

/// Slots at the end of each month that post what the books hold (the interest on the
/// bank balance, the petty cash top-up, the tax return): generated after the books are
/// summed. The revaluation's slots follow them, where a run has them.
pub(crate) const BOOKED_SLOTS: u64 = 3;

/// Slots of a month's revaluation of the open items in foreign currency.
pub(crate) const REVALUATION_SLOTS: u64 = 1;

/// A posting of every company that a year's books call for (income tax, the closing),
/// in month `month` of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearEvent {
    /// A quarterly prepayment of the year's income tax (10th of March, June, September
    /// and December).
    Prepayment { year: i32, month: u64 },
    /// The year-end provision of the year's tax (31 December): expense, prepayments
    /// cleared, the rest payable.
    Provision { year: i32, month: u64 },
    /// The payment of the year's remaining tax (end of May of the next year).
    Settlement { year: i32, month: u64 },
    /// One of the `of` entries of the year-end closing (31 December, fiscal period 13):
    /// the year's balance of its share of the profit and loss accounts carried to
    /// retained earnings.
    Close {
        year: i32,
        month: u64,
        chunk: u32,
        of: u32,
    },
}

/// Entries of one year-end closing: one line per profit and loss account and one on
/// retained earnings, at most `max_lines` lines each.
pub(crate) fn closing_entries(config: &GeneratorConfig) -> u32 {
    let per = config.transactions.max_lines.max(crate::config::MIN_LINES) - 1;
    (pl_accounts().len() as u32).div_ceil(per)
}

/// The profit and loss accounts of the chart (revenue and expense), by number.
pub(crate) fn pl_accounts() -> &'static [u32] {
    static PL: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    PL.get_or_init(|| {
        let mut v: Vec<u32> = crate::world::pools::CHART_OF_ACCOUNTS
            .iter()
            .filter(|a| a.account_type == "revenue" || a.account_type == "expense")
            .map(|a| a.account)
            .collect();
        v.sort_unstable();
        v
    })
}

impl YearEvent {
    /// Month of the period it is posted in.
    pub(crate) fn month(self) -> u64 {
        match self {
            YearEvent::Prepayment { month, .. }
            | YearEvent::Provision { month, .. }
            | YearEvent::Settlement { month, .. }
            | YearEvent::Close { month, .. } => month,
        }
    }

    /// The year's postings of a period, in date order: an income tax prepayment at the
    /// end of every calendar quarter, the provision and the closing every December, the
    /// settlement of the year before every May (the first year's: the opening payable,
    /// when the period starts by May).
    pub(crate) fn of(config: &GeneratorConfig) -> Vec<YearEvent> {
        let mut events = Vec::new();
        let of = closing_entries(config);
        for month in 0..u64::from(config.months) {
            let t = i64::from(config.start_year) * 12 + i64::from(config.start_month) - 1
                + month as i64;
            let (year, m) = ((t / 12) as i32, t % 12 + 1);
            if m == 5 {
                events.push(YearEvent::Settlement {
                    year: year - 1,
                    month,
                });
            }
            if m % 3 == 0 {
                events.push(YearEvent::Prepayment { year, month });
            }
            if m == 12 {
                events.push(YearEvent::Provision { year, month });
                for chunk in 0..of {
                    events.push(YearEvent::Close {
                        year,
                        month,
                        chunk,
                        of,
                    });
                }
            }
        }
        events
    }
}

/// Case blocks per group of interleaved blocks (see [`Layout::index_at`]).
pub(crate) const INTERLEAVE: u64 = 64;

/// How far row `row` of group `g` is turned: a fixed mix of both, below
/// [`INTERLEAVE`].
fn turn(g: u64, row: u64) -> u64 {
    let x = (g << 2 | row).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> 58) % INTERLEAVE
}

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
    /// Index (from `offset`) of its first year-end posting, after the months.
    pub year_end: u64,
    /// Slots of the month's revaluation ([`REVALUATION_SLOTS`], none where no partner
    /// invoices in another currency).
    pub revaluation: u64,
    /// Its intercompany slots each month, in order: the flow's index in
    /// [`Layout::flows`], whether it is the seller's (or lender's) side, and which of
    /// the side's postings (a service charge has two a side: as seller the invoice and
    /// the receipt, as buyer the invoice's posting and the payment; a loan one: its
    /// disbursement in the first month, its interest after).
    pub intercompany: Vec<(usize, bool, u64)>,
}

impl CompanyLayout {
    /// The slot of a month (from the month's first) that holds its cycle count.
    pub(crate) fn stock_count_slot(&self) -> u64 {
        self.runs * (1 + self.payroll_chunks)
            + 1
            + self.depreciation_chunks
            + 2 * ACCRUALS
            + CAPEX_SLOTS
            + DISPOSAL_SLOTS
    }

    /// The slots at a month's end computed from the summed books (see [`BOOKED_SLOTS`]).
    pub(crate) fn booked(&self) -> u64 {
        BOOKED_SLOTS + self.revaluation
    }

    /// The position (in the run's entries) just after month `month`'s last payroll
    /// entry: its payroll is in a run of more entries than that.
    pub(crate) fn payroll_end(&self, month: u64) -> u64 {
        self.offset + self.opening + month * self.per_month + self.runs * (1 + self.payroll_chunks)
    }

    /// The slot of a month (from the month's first) that holds its first intercompany
    /// posting.
    pub(crate) fn intercompany_slot(&self) -> u64 {
        self.stock_count_slot() + STOCK_COUNT_SLOTS
    }

    /// Intercompany slots per month.
    pub(crate) fn intercompany_slots(&self) -> u64 {
        self.intercompany.len() as u64
    }

    /// The slot of a month (from the month's first) that holds its revaluation.
    pub(crate) fn revaluation_slot(&self) -> u64 {
        self.per_month - self.revaluation
    }
}

/// What flows between two group companies each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// The seller's service charge: invoiced, booked, paid and received.
    Services,
    /// The seller's shipment of trading goods: delivered and invoiced, received and
    /// booked, paid and received.
    Goods,
    /// The seller's loan to the buyer: paid out in the first month, its interest paid
    /// in each later one.
    Loan,
}

impl Flow {
    /// The postings of each side a month.
    pub(crate) const fn postings(self) -> u64 {
        match self {
            Flow::Services | Flow::Goods => 2,
            Flow::Loan => 1,
        }
    }
}

/// The layout of the scheduled entries of a config.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Per company.
    pub companies: Vec<CompanyLayout>,
    /// The year-end postings (income tax, closing) of every company, in order.
    pub year_end: Vec<YearEvent>,
    /// The pairs of group companies: (seller, buyer) by company index.
    pub pairs: Vec<(usize, usize)>,
    /// What flows between them each month: a pair's service charge, its shipment of
    /// goods or its loan (the pair's index in `pairs`).
    pub flows: Vec<(usize, Flow)>,
    /// All scheduled entries.
    pub total: u64,
}

impl Layout {
    /// The layout for a validated config.
    pub fn new(config: &GeneratorConfig) -> Layout {
        let m = config.transactions.max_lines.max(crate::config::MIN_LINES) as usize;
        // Salaries, overtime, bonuses and social security per center; net pay and
        // liabilities once.
        let centers_per_chunk = ((m - 2) / 4).max(1);
        let payroll_chunks = COST_CENTERS.len().div_ceil(centers_per_chunk) as u64;
        let classes_per_chunk = (m / 2).max(1);
        let depreciation_chunks = ASSET_CLASSES.len().div_ceil(classes_per_chunk) as u64;
        let lines_per_opening = m - 1;
        let items = open_items(config);
        let opening_lines = OPENING_FIXED_LINES + 2 * items;
        let opening_chunks = opening_lines.div_ceil(lines_per_opening) as u64;
        let pairs = config.group.pairs(&config.companies);
        let flows: Vec<(usize, Flow)> = (0..pairs.len())
            .flat_map(|k| {
                [
                    (config.group.service_charge > 0.0).then_some((k, Flow::Services)),
                    (config.group.goods_trade > 0.0).then_some((k, Flow::Goods)),
                    (config.group.loan_months > 0.0).then_some((k, Flow::Loan)),
                ]
            })
            .flatten()
            .collect();
        // Only partners, or group companies, in another currency leave open items to
        // revalue.
        let currency = |c: usize| config.companies.get(c).map(|c| c.currency.as_str());
        let revaluation = if config.fx.foreign_currency_share > 0.0
            || pairs.iter().any(|(s, b)| currency(*s) != currency(*b))
        {
            REVALUATION_SLOTS
        } else {
            0
        };
        let months = u64::from(config.months);
        let year_end = YearEvent::of(config);
        let mut offset = 0;
        let companies = config
            .companies
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let intercompany: Vec<(usize, bool, u64)> = flows
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &(pair, flow))| {
                        let (s, b) = *pairs.get(pair)?;
                        (s == ci || b == ci).then_some((k, s == ci, flow))
                    })
                    .flat_map(|(k, sells, flow)| (0..flow.postings()).map(move |r| (k, sells, r)))
                    .collect();
                let country = c.country().unwrap_or("US");
                let runs = COUNTRIES.iter().find(|x| x.0 == country).map_or(1, |x| x.2) as u64;
                let opening = opening_chunks + 2 * items as u64;
                let per_month = runs * (1 + payroll_chunks)
                    + 1
                    + depreciation_chunks
                    + 2 * ACCRUALS
                    + CAPEX_SLOTS
                    + DISPOSAL_SLOTS
                    + STOCK_COUNT_SLOTS
                    + intercompany.len() as u64
                    + 5
                    + revaluation;
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
                    year_end: opening + months * per_month,
                    revaluation,
                    intercompany,
                };
                offset += opening + months * per_month + year_end.len() as u64;
                l
            })
            .collect();
        Layout {
            companies,
            year_end,
            pairs,
            flows,
            total: offset,
        }
    }

    /// The entry index of intercompany flow `flow`'s posting `r` (see
    /// [`CompanyLayout::intercompany`]) on the seller's side (`seller`) or the buyer's,
    /// in month `month`.
    pub(crate) fn intercompany_index(&self, flow: usize, seller: bool, r: u64, month: u64) -> u64 {
        let Some(&(s, b)) = self.flows.get(flow).and_then(|f| self.pairs.get(f.0)) else {
            return u64::MAX;
        };
        let Some(l) = self.companies.get(if seller { s } else { b }) else {
            return u64::MAX;
        };
        let k = l
            .intercompany
            .iter()
            .position(|&x| x == (flow, seller, r))
            .unwrap_or(0) as u64;
        l.offset + l.opening + month * l.per_month + l.intercompany_slot() + k
    }

    /// The entry index written at position `pos` of the run. The scheduled postings
    /// keep their places; the case blocks are written in groups of [`INTERLEAVE`]
    /// blocks, slot by slot (each block's first slot, then each one's second, ...),
    /// each row of a group turned by its own amount, so that a case's entries (or an
    /// anomaly's) are not adjacent rows but spread over the group in their order, among
    /// other cases' entries, as an export by date of entry would have them. The last
    /// group, when short, is written block by block.
    pub fn index_at(&self, pos: u64, end: u64) -> u64 {
        let k = self.total;
        let span = INTERLEAVE * SLOTS;
        if pos < k || (pos - k) / span >= end.saturating_sub(k) / span {
            return pos;
        }
        let (g, r) = ((pos - k) / span, (pos - k) % span);
        let (row, col) = (r / INTERLEAVE, r % INTERLEAVE);
        let block = (col + turn(g, row)) % INTERLEAVE;
        k + (g * INTERLEAVE + block) * SLOTS + row
    }

    /// The position of entry `index` in the run (the inverse of [`Layout::index_at`]).
    pub fn position_of(&self, index: u64, end: u64) -> u64 {
        let k = self.total;
        let span = INTERLEAVE * SLOTS;
        if index < k || (index - k) / span >= end.saturating_sub(k) / span {
            return index;
        }
        let (g, r) = ((index - k) / span, (index - k) % span);
        let (block, row) = (r / SLOTS, r % SLOTS);
        let col = (block + INTERLEAVE - turn(g, row)) % INTERLEAVE;
        k + g * span + row * INTERLEAVE + col
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_indices_are_one_bijection_that_keeps_each_blocks_order() {
        let mut config = GeneratorConfig::default();
        for end in [10_000u64, 12_345, 3_000] {
            config.transactions.target_count = end;
            let layout = Layout::new(&config);
            let mut seen = vec![false; end as usize];
            let mut last_row = std::collections::HashMap::new();
            for pos in 0..end {
                let i = layout.index_at(pos, end);
                assert!(i < end, "position {pos} maps to {i}, past the end {end}");
                assert!(!seen[i as usize], "index {i} written twice");
                seen[i as usize] = true;
                assert_eq!(layout.position_of(i, end), pos);
                if i >= layout.total {
                    let (block, row) = ((i - layout.total) / SLOTS, (i - layout.total) % SLOTS);
                    if let Some(prev) = last_row.insert(block, row) {
                        assert!(row > prev, "block {block}: slot {row} after slot {prev}");
                    }
                }
            }
            // Interleaved: a block's first two slots are not adjacent rows.
            let k = layout.total;
            let adjacent = (k..end.saturating_sub(INTERLEAVE * SLOTS))
                .filter(|&i| (i - k).is_multiple_of(SLOTS))
                .filter(|&i| layout.position_of(i + 1, end) == layout.position_of(i, end) + 1)
                .count();
            assert!(adjacent < 5, "{adjacent} blocks with adjacent first slots");
        }
    }
}
