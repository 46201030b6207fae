//! The bank's side of the postings to a company's operating bank account: when the bank
//! books each one, what kind of transaction it is, and which monthly statement holds it.
//!
//! The bank books most postings on their posting date. A transfer the company sends to
//! a vendor or an employee (a payment of procure-to-pay or of an expense claim) leaves
//! the same day in about half the cases and one or two working days later in the rest,
//! so the payments of a month's last days are often still outstanding at its end: the
//! reconciling items between the book balance and the statement's. A few transfers to
//! vendors come back (the vendor's bank returns them) and are sent again a day or two
//! later, with no posting in between: outstanding again while they are back. What a posting
//! becomes on the bank's side is a function of the entry alone, so the books pass
//! (`books.rs`) sums the statements from the same function the lines are written with.

use crate::world::World;
use crate::world::pools::accounts as acc;
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{Date, JournalEntry, JournalLine, days_in_month};

/// The text of the lines of a vendor payment's transfer fee (a transfer in another
/// currency): the bank books the fee with the transfer, as a line of its own.
pub(crate) const TRANSFER_FEE: &str = "Charges for foreign transfer";

/// The share of transfers to vendors that the vendor's bank returns (returns of credit
/// transfers run at a few in a thousand).
const RETURN_SHARE: f64 = 0.004;

/// Why a vendor's bank returns a transfer, as ISO 20022 codes it: reasons the company
/// mends by sending it again with what the first lacked.
const RETURN_REASONS: [&str; 3] = ["BE04", "RR04", "MS03"];

/// A transfer the vendor's bank sent back, and its second sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Returned {
    /// When the bank books the money coming back: two to four working days after it
    /// booked the transfer.
    pub back: Date,
    /// When it books the transfer sent again: one or two working days after that.
    pub again: Date,
    /// Why it came back (see [`RETURN_REASONS`]).
    pub reason: &'static str,
}

/// The bank's view of one bank line of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cleared {
    /// When the bank books it.
    pub booking: Date,
    /// The day interest counts from.
    pub value: Date,
    /// Month of the period whose statement holds it.
    pub month: u64,
    /// The transaction code.
    pub code: &'static str,
}

impl World {
    /// Each of `entries` with its lines (`lines` holds them all, in entry order) and the
    /// index of its company; entries of a company not in the run are left out.
    pub(crate) fn with_lines<'a>(
        &'a self,
        entries: &'a [JournalEntry],
        lines: &'a [JournalLine],
    ) -> impl Iterator<Item = (usize, &'a JournalEntry, &'a [JournalLine])> + 'a {
        let mut next = 0;
        entries.iter().filter_map(move |e| {
            let own = lines.get(next..next + e.line_count as usize).unwrap_or(&[]);
            next += e.line_count as usize;
            Some((self.company_of(e.company_code)?, e, own))
        })
    }

    /// Whether company `company`'s statements are written: every scheduled entry of
    /// it (the year-end payments included) is in the run, so each month's statement
    /// holds every line that the month's bank postings have.
    pub(crate) fn banked(&self, company: usize) -> bool {
        self.layout.companies.get(company).is_some_and(|l| {
            l.offset + l.year_end + self.layout.year_end.len() as u64
                <= self.config.transactions.target_count
        })
    }

    /// Month of the period that `date` falls in, if it falls in the period.
    pub(crate) fn period_month(&self, date: Date) -> Option<u64> {
        let (y, m, _) = date.ymd();
        let t = i64::from(y) * 12 + i64::from(m)
            - (i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month));
        (0..i64::from(self.config.months))
            .contains(&t)
            .then_some(t as u64)
    }

    /// When the bank books line `l` of entry `e` of company `company`, if `l` is on the
    /// operating bank account and moves money: `None` for any other line, an opening
    /// balance (no transaction at all) or a zero amount. It may fall after the period
    /// (then no statement of the data holds it).
    #[inline]
    pub(crate) fn booked(&self, company: usize, e: &JournalEntry, l: &JournalLine) -> Option<Date> {
        if l.account != acc::BANK || l.debit == l.credit || e.business_process == "opening_balances"
        {
            return None;
        }
        let mut booking = e.posting_date;
        if l.credit > l.debit && matches!(e.business_process, "procure_to_pay" | "expenses") {
            let cal = &self.economy.companies.get(company)?.calendar;
            // A transfer's fee is booked with it (a vendor payment's transfer is its
            // second line).
            let line = if l.line_text == TRANSFER_FEE {
                2
            } else {
                l.line_number
            };
            let mut d = Draws::new(
                self.config.seed,
                stream::BANK_DAY,
                (e.entry_id as u64) ^ u64::from(line),
            );
            let u = d.unit();
            let days = if u < 0.5 {
                0
            } else if u < 0.85 {
                1
            } else {
                2
            };
            for _ in 0..days {
                booking = cal.next_working(booking.add_days(1));
            }
        }
        Some(booking)
    }

    /// Whether the vendor's bank returns the transfer of line `l` of entry `e` (of
    /// company `company`), booked on `booking`, and when the company's bank books the
    /// return and the second sending: for a share of the transfers of vendor payments
    /// ([`RETURN_SHARE`]; never a transfer's fee), drawn from the entry and line alone.
    pub(crate) fn returned(
        &self,
        company: usize,
        e: &JournalEntry,
        l: &JournalLine,
        booking: Date,
    ) -> Option<Returned> {
        if l.account != acc::BANK
            || l.credit <= l.debit
            || e.business_process != "procure_to_pay"
            || l.line_text == TRANSFER_FEE
        {
            return None;
        }
        let mut d = Draws::new(
            self.config.seed,
            stream::BANK_RETURN,
            (e.entry_id as u64) ^ u64::from(l.line_number),
        );
        if d.unit() >= RETURN_SHARE {
            return None;
        }
        let cal = &self.economy.companies.get(company)?.calendar;
        let mut back = booking;
        for _ in 0..2 + d.below(3) {
            back = cal.next_working(back.add_days(1));
        }
        let mut again = back;
        for _ in 0..1 + d.below(2) {
            again = cal.next_working(again.add_days(1));
        }
        Some(Returned {
            back,
            again,
            reason: d.pick(&RETURN_REASONS),
        })
    }

    /// What the bank makes of line `l` of entry `e` (of company `company`, with all its
    /// lines `lines`): see [`World::booked`].
    pub(crate) fn cleared(
        &self,
        company: usize,
        e: &JournalEntry,
        lines: &[JournalLine],
        l: &JournalLine,
    ) -> Option<Cleared> {
        let booking = self.booked(company, e, l)?;
        let counter = |a: u32| lines.iter().any(|x| x.account == a);
        let transfer_fee = l.line_text == TRANSFER_FEE;
        let code = if transfer_fee
            || (counter(acc::BANK_CHARGES) && e.business_process != "procure_to_pay")
        {
            "fee"
        } else if counter(acc::INTEREST_INCOME) {
            "interest"
        } else if counter(acc::CASH) {
            "cash_withdrawal"
        } else if counter(acc::RENT) {
            "standing_order"
        } else if counter(acc::PAYROLL_BANK) {
            "payroll_funding"
        } else if counter(acc::PAYROLL_LIABILITIES)
            || (e.business_process == "treasury" && counter(acc::OUTPUT_TAX))
            || counter(acc::VAT_SETTLEMENT)
            || counter(acc::INCOME_TAX_PREPAID)
            || counter(acc::INCOME_TAX_PAYABLE)
        {
            "tax"
        } else if l.credit > l.debit {
            "transfer_out"
        } else {
            "transfer_in"
        };
        let value = if matches!(code, "fee" | "interest") && !transfer_fee {
            let (y, m, _) = booking.ymd();
            Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(booking)
        } else {
            booking
        };
        Some(Cleared {
            booking,
            value,
            month: self.period_month(booking).unwrap_or(u64::MAX),
            code,
        })
    }

    /// The id of company `company`'s statement of month `month` of the period.
    pub(crate) fn statement_id(&self, company: usize, month: u64) -> u128 {
        record_id(
            self.config.seed,
            stream::BANK_STATEMENT,
            (company as u64) << 32 | month,
        )
    }
}
