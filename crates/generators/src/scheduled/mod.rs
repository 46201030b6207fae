//! Scheduled postings: each company opens its books with balances (and settles the
//! open items it opened with), then posts, every month, the same fixed set: payroll
//! (funding, runs, remittance of the withheld tax and social security), depreciation,
//! month-end accruals and their reversal on the first working day of the next month,
//! the purchase and the retirement of a fixed asset, the cycle count and scrap, rent, bank charges, interest and
//! the petty cash top-up.
//!
//! They take the first entry indices of a run, in a fixed number of slots per company
//! and month, so the index of each is known from the config alone.

mod capex;
mod disposal;
mod intercompany;
mod loan;
mod month_end;
mod opening;
mod payroll;
mod revaluation;
mod stock;
mod tax;

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::calendar::PostingCalendar;
use crate::world::layout::CompanyLayout;
use crate::world::master::MasterData;
use crate::world::pools::{accounts as acc, users};
use crate::world::rng::{Draws, stream};
use crate::world::schedules::CompanySchedule;

/// A month's scheduled entry: where it stands, for the postings of that month.
#[derive(Clone, Copy)]
pub(crate) struct Month<'a> {
    l: &'a CompanyLayout,
    md: &'a MasterData,
    s: &'a CompanySchedule,
    cal: &'a PostingCalendar,
    /// Months since the start of the period.
    month: u64,
    y: i32,
    m: u32,
    first: Date,
    last: Date,
    entry_id: u128,
}

/// The header fields a month's posting sets: text, day, document type, process, user,
/// whether manual and whether approved.
pub(crate) type Posted = (
    &'static str,
    Date,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
);
use synth_model::{Batch, Date, days_in_month};

impl World {
    /// Year, month, first and last day of month `month` of the period.
    pub(crate) fn month_dates(&self, month: u64) -> (i32, u32, Date, Date) {
        let start = self.economy.start;
        let t = i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month) - 1
            + month as i64;
        let (y, m) = ((t / 12) as i32, (t % 12) as u32 + 1);
        let first = Date::from_ymd(y, m, 1).unwrap_or(start);
        let last = Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(start);
        (y, m, first, last)
    }

    /// Scheduled entry `i` (below `layout.total`).
    pub(crate) fn scheduled(&self, i: u64, md: &MasterData, batch: &mut Batch) {
        let layout = &self.layout;
        let ci = layout
            .companies
            .partition_point(|c| c.offset <= i)
            .saturating_sub(1);
        let l = &layout.companies[ci];
        let s = &self.schedules[ci];
        let c = &self.economy.companies[ci];
        let cal = &c.calendar;
        let r = i - l.offset;
        let entry_id = self.entry_id(i);
        let first_line = batch.lines.len();
        let mut d = Draws::new(self.config.seed, stream::SCHEDULED, i);
        let start = self.economy.start;
        let mut head = Head {
            index: i,
            company: ci,
            posting: start,
            document_date: start,
            document_type: "SA",
            process: "opening_balances",
            manual: false,
            user: users::GL_AUTO,
            approval: false,
            header_text: "Opening balances",
            document_id: None,
            reversal_of: None,
            partner_flow: None,
            ..Head::CLEAN
        };
        if r < l.opening_chunks {
            let per = l.lines_per_opening;
            let from = r as usize * per;
            let lines = &s.opening[from.min(s.opening.len())..(from + per).min(s.opening.len())];
            let mut sum = 0;
            for &(account, amount, partner, text) in lines {
                let amount = self.opening_amount(ci, account, amount);
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount,
                        partner,
                        text,
                        ..Line::BARE
                    },
                );
                sum += amount;
            }
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::OPENING_CLEARING,
                    amount: -sum,
                    text: "Opening balance clearing",
                    ..Line::BARE
                },
            );
            self.close(batch, &head, first_line, &mut d);
            if lines.iter().any(|l| l.0 == acc::INVENTORY) {
                self.opening_stock_rows(ci, batch);
            }
            return;
        }
        if r < l.opening {
            let item = s.items[(r - l.opening_chunks) as usize];
            self.settle_open_item(&item, &mut head, batch, entry_id, md);
            self.close(batch, &head, first_line, &mut d);
            return;
        }
        if r >= l.year_end {
            let event = self.layout.year_end[(r - l.year_end) as usize];
            let head = self.income_tax(ci, event, batch, entry_id, &mut d, head);
            self.close(batch, &head, first_line, &mut d);
            return;
        }
        let month = (r - l.opening) / l.per_month;
        let q = (r - l.opening) % l.per_month;
        let (y, m, first, last) = self.month_dates(month);
        let mo = Month {
            l,
            md,
            s,
            cal,
            month,
            y,
            m,
            first,
            last,
            entry_id,
        };
        let head = match self.payroll(&mo, q, batch, &head) {
            Ok(head) => head,
            Err(q) => {
                let (text, day, document_type, process, user, manual, approval) =
                    self.month_end(&mo, q, batch, &mut d, &mut head);
                // A posting of an older document (an intercompany invoice the buyer
                // books days after its date) set its date; the others are of their day.
                let document_date = if head.document_date > start && head.document_date < day {
                    head.document_date
                } else {
                    day
                };
                Head {
                    posting: day,
                    document_date,
                    document_type,
                    process,
                    user,
                    manual,
                    approval,
                    header_text: text,
                    ..head
                }
            }
        };
        // A count that writes off a theft carries its mark.
        let head = match q == l.stock_count_slot() && self.thefts.in_count(ci, month).count() > 0 {
            true => Head {
                anomaly: Some(crate::anomalies::AnomalyType::InventoryTheft),
                ..head
            },
            false => head,
        };
        self.close(batch, &head, first_line, &mut d);
        if q == l.stock_count_slot() {
            self.stock_count_rows(ci, month, batch);
        }
        self.ic_stock_rows(ci, q, month, batch);
    }
}
