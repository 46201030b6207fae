//! The books of a run, summed per company and month (`books.rs` sums them): what the
//! scheduled postings that settle a month or a year pay.

use crate::world::fx::CURRENCIES;
use crate::world::layout::pl_accounts;

/// One company's month, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MonthBooks {
    /// Movement of output tax (debit less credit: negative when tax was charged).
    pub output_tax: i64,
    /// Movement of input tax (debit less credit).
    pub input_tax: i64,
    /// Movement of petty cash (debit less credit: negative when cash was spent).
    pub cash: i64,
    /// Movement of the operating bank account.
    pub bank: i64,
    /// Money in that the bank books in the month (the postings summed; the month-end
    /// postings computed from the books are added to the statement).
    pub bank_in: i64,
    /// Money out that the bank books in the month (positive).
    pub bank_out: i64,
    /// Payments posted in the month that the bank books after it (positive).
    pub outstanding: i64,
}

impl MonthBooks {
    pub(crate) fn add(&mut self, o: &MonthBooks) {
        self.output_tax += o.output_tax;
        self.input_tax += o.input_tax;
        self.cash += o.cash;
        self.bank += o.bank;
        self.bank_in += o.bank_in;
        self.bank_out += o.bank_out;
        self.outstanding += o.outstanding;
    }
}

/// Every company's months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Books {
    pub(crate) months: usize,
    /// Company-major: `company * months + month`.
    pub(crate) cells: Vec<MonthBooks>,
    /// The movement (debit less credit) of each profit and loss account
    /// ([`pl_accounts`] order) in each cell: `cell * pl_accounts().len() + account`.
    pub(crate) pl: Vec<i64>,
    /// The interest credited on the bank balance in each cell (computed from the rest,
    /// month by month, once they are summed).
    pub(crate) interest: Vec<i64>,
    /// The bank statement of each cell (computed with the interest).
    pub(crate) statements: Vec<Statement>,
    /// Each company's opening stock of each material in units, `company * materials +
    /// material` (computed from the stock tally once the books are summed).
    pub(crate) stock_opening: Vec<i64>,
    /// The movement of the open items in foreign currency in each cell, per side and
    /// currency (`(cell * SIDES + side) * CURRENCIES.len() + currency`; the sides are
    /// [`OPEN_ITEM_ACCOUNTS`]): in the currency, and in the company's as booked.
    pub(crate) foreign: Vec<[i64; 2]>,
    /// What the revaluation at each cell's month end adds to its open items, per side
    /// and currency, indexed as `foreign` (computed once the books are summed).
    pub(crate) revaluation: Vec<i64>,
}

/// The accounts of the open items that are revalued at month ends, one per side of
/// [`Books::foreign`]: trade receivables and payables, what group companies owe each
/// other, and what they lent each other.
pub(crate) const OPEN_ITEM_ACCOUNTS: [u32; SIDES] = [
    crate::world::pools::accounts::RECEIVABLES,
    crate::world::pools::accounts::PAYABLES,
    crate::world::pools::accounts::IC_RECEIVABLES,
    crate::world::pools::accounts::IC_PAYABLES,
    crate::world::pools::accounts::IC_LOANS,
    crate::world::pools::accounts::IC_BORROWINGS,
];

/// Sides of the open items in foreign currency (see [`OPEN_ITEM_ACCOUNTS`]).
pub(crate) const SIDES: usize = 6;

/// A month's bank statement, and the book balance it reconciles to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Statement {
    /// The balance the month opens with.
    pub opening: i64,
    /// Money in.
    pub credits: i64,
    /// Money out (positive).
    pub debits: i64,
    /// The G/L bank balance at the month's end.
    pub book: i64,
    /// Payments posted by the month's end that the bank books after it.
    pub outstanding: i64,
}

impl Statement {
    /// The balance the month closes with.
    pub(crate) fn closing(&self) -> i64 {
        self.opening + self.credits - self.debits
    }
}

impl Books {
    pub(crate) fn new(companies: usize, months: usize) -> Books {
        Books {
            months,
            cells: vec![MonthBooks::default(); companies * months],
            pl: vec![0; companies * months * pl_accounts().len()],
            interest: vec![0; companies * months],
            statements: vec![Statement::default(); companies * months],
            stock_opening: Vec::new(),
            foreign: vec![[0; 2]; companies * months * SIDES * CURRENCIES.len()],
            revaluation: Vec::new(),
        }
    }

    /// The index of side `side` (see [`OPEN_ITEM_ACCOUNTS`]) and currency `currency` of
    /// company `company`'s month `month` in `foreign` and `revaluation`.
    pub(crate) fn foreign_at(
        &self,
        company: usize,
        month: u64,
        side: usize,
        currency: usize,
    ) -> usize {
        ((company * self.months + month as usize) * SIDES + side) * CURRENCIES.len() + currency
    }

    /// What the revaluation at the end of company `company`'s month `month` adds to its
    /// open items of side `side` in currency `currency` (0 outside the period).
    pub(crate) fn revalued(&self, company: usize, month: u64, side: usize, currency: usize) -> i64 {
        if month as usize >= self.months {
            return 0;
        }
        self.revaluation
            .get(self.foreign_at(company, month, side, currency))
            .copied()
            .unwrap_or(0)
    }

    /// Company `company`'s profit before income tax in month `month` of the period
    /// (interest aside): revenue less expenses, the profit and loss movements negated.
    pub(crate) fn profit(&self, company: usize, month: u64) -> i64 {
        let n = pl_accounts().len();
        let at = (company * self.months + month as usize) * n;
        -self
            .pl
            .get(at..at + n)
            .map_or(0, |row| row.iter().sum::<i64>())
    }

    /// The interest credited to company `company` in month `month` of the period.
    pub(crate) fn interest(&self, company: usize, month: u64) -> i64 {
        self.interest
            .get(company * self.months + month as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Company `company`'s movement of profit and loss account `account` in month
    /// `month` of the period (0 for an account not of profit and loss).
    pub(crate) fn pl_movement(&self, company: usize, month: u64, account: u32) -> i64 {
        let accounts = pl_accounts();
        match accounts.binary_search(&account) {
            Ok(k) => self
                .pl
                .get((company * self.months + month as usize) * accounts.len() + k)
                .copied()
                .unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// Company `company`'s bank statement of month `month` of the period.
    pub(crate) fn statement(&self, company: usize, month: u64) -> Statement {
        self.statements
            .get(company * self.months + month as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Company `company`'s month `month` of the period.
    pub(crate) fn month(&self, company: usize, month: u64) -> MonthBooks {
        self.cells
            .get(company * self.months + month as usize)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn merge(&mut self, o: &Books) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            a.add(b);
        }
        for (a, b) in self.pl.iter_mut().zip(&o.pl) {
            *a += b;
        }
        for (a, b) in self.foreign.iter_mut().zip(&o.foreign) {
            a[0] += b[0];
            a[1] += b[1];
        }
    }
}
