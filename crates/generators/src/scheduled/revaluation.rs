//! The month-end revaluation of the open items in foreign currency: each company's
//! receivables and payables still open at a month's end (to trade partners and to group
//! companies, and the loans between group companies), per currency, at that day's rate
//! against what they were booked at. The revaluation accounts beside the receivables
//! (120900, 125900, 127900) and payables (200900, 206900, 207900) hold that difference
//! at every month end,
//! against unrealised exchange gains (477000) or losses (697000): each month's entry
//! posts the change since the month before's (the month before's reversed on the
//! first and the new one posted, netted into one entry, as SAP's delta logic does), so
//! the settlements book the realised difference from the invoice's rate as before.

use crate::post::Line;
use crate::world::World;
use crate::world::fx::{CURRENCIES, convert};
use crate::world::ledger::{Books, SIDES};
use crate::world::pools::{accounts as acc, centers, users};

use super::{Month, Posted};
use synth_model::Batch;

/// The text of a revaluation line of each currency ([`CURRENCIES`] order).
const TEXTS: [&str; 15] = [
    "Revaluation of open items in USD",
    "Revaluation of open items in EUR",
    "Revaluation of open items in GBP",
    "Revaluation of open items in JPY",
    "Revaluation of open items in CAD",
    "Revaluation of open items in CHF",
    "Revaluation of open items in AUD",
    "Revaluation of open items in PLN",
    "Revaluation of open items in SEK",
    "Revaluation of open items in NOK",
    "Revaluation of open items in DKK",
    "Revaluation of open items in CNY",
    "Revaluation of open items in INR",
    "Revaluation of open items in MXN",
    "Revaluation of open items in BRL",
];

/// The text of a side's line where an entry could not hold one per currency.
const ALL_CURRENCIES: &str = "Revaluation of open items in foreign currency";

/// The revaluation accounts of the receivables (side 0) and payables (side 1).
const ACCOUNTS: [u32; SIDES] = [
    acc::RECEIVABLES_REVALUED,
    acc::PAYABLES_REVALUED,
    acc::IC_RECEIVABLES_REVALUED,
    acc::IC_PAYABLES_REVALUED,
    acc::IC_LOANS_REVALUED,
    acc::IC_BORROWINGS_REVALUED,
];

impl World {
    /// Sets what the revaluation at each month's end adds to each company's open items
    /// (see the module), and adds each month's unrealised gains and losses (the change
    /// since the month before's) to the profit and loss of `books`.
    pub(crate) fn revalue(&self, books: &mut Books) {
        let n = CURRENCIES.len();
        books.revaluation = vec![0; books.foreign.len()];
        for (ci, c) in self.economy.companies.iter().enumerate() {
            for side in 0..SIDES {
                for currency in (0..n).filter(|&k| k != c.currency_index) {
                    let (mut open, mut booked) = (0i64, 0i64);
                    for month in 0..books.months as u64 {
                        let at = books.foreign_at(ci, month, side, currency);
                        let [fc, home] = books.foreign.get(at).copied().unwrap_or([0; 2]);
                        open += fc;
                        booked += home;
                        let day = self.month_dates(month).3;
                        let rate = self.economy.fx_rates.rate(currency, c.currency_index, day);
                        if let Some(x) = books.revaluation.get_mut(at) {
                            *x = convert(open, rate) - booked;
                        }
                    }
                }
            }
            for month in 0..books.months as u64 {
                let (gains, losses) = self.revaluation_pl(books, ci, month);
                let at = (ci * books.months + month as usize) * pl_len();
                add_pl(&mut books.pl, at, acc::FX_UNREALISED_GAIN, -gains);
                add_pl(&mut books.pl, at, acc::FX_UNREALISED_LOSS, losses);
            }
        }
    }

    /// The revaluation lines of company `company`'s month `month` (account, amount with
    /// debit positive, text): the change since the month before of what the revaluation
    /// adds to the open items, one line per side and currency that changed, or one per
    /// side where the entry cannot hold that many lines.
    fn revaluation_lines(
        &self,
        books: &Books,
        company: usize,
        month: u64,
        mut f: impl FnMut(u32, i64, &'static str),
    ) {
        let n = CURRENCIES.len();
        let change = |side: usize, k: usize| {
            let before = match month.checked_sub(1) {
                Some(m) => books.revalued(company, m, side, k),
                None => 0,
            };
            books.revalued(company, month, side, k) - before
        };
        let pairs = (0..SIDES)
            .flat_map(|side| (0..n).map(move |k| (side, k)))
            .filter(|&(side, k)| change(side, k) != 0)
            .count();
        let per_currency = pairs + 2 <= self.config.transactions.max_lines as usize;
        for (side, account) in ACCOUNTS.iter().enumerate() {
            if per_currency {
                for (k, text) in TEXTS.iter().enumerate() {
                    let x = change(side, k);
                    if x != 0 {
                        f(*account, x, text);
                    }
                }
            } else {
                let x: i64 = (0..n).map(|k| change(side, k)).sum();
                if x != 0 {
                    f(*account, x, ALL_CURRENCIES);
                }
            }
        }
    }

    /// The unrealised gains and losses (both positive) of company `company`'s
    /// revaluation of month `month`: what its lines add to the open items and what they
    /// take from them.
    fn revaluation_pl(&self, books: &Books, company: usize, month: u64) -> (i64, i64) {
        let (mut gains, mut losses) = (0, 0);
        self.revaluation_lines(books, company, month, |_, x, _| {
            if x > 0 {
                gains += x;
            } else {
                losses -= x;
            }
        });
        (gains, losses)
    }

    /// Month `mo`'s revaluation.
    pub(super) fn revaluation(&self, mo: &Month<'_>, batch: &mut Batch) -> Posted {
        let Month {
            s,
            last,
            entry_id,
            month,
            ..
        } = *mo;
        let books = self.books();
        self.revaluation_lines(books, s.company, month, |account, amount, text| {
            Self::bare_line(batch, entry_id, (account, amount), None, text);
        });
        let (gains, losses) = self.revaluation_pl(books, s.company, month);
        for (account, amount, text) in [
            (acc::FX_UNREALISED_GAIN, -gains, "Unrealised exchange gain"),
            (acc::FX_UNREALISED_LOSS, losses, "Unrealised exchange loss"),
        ] {
            Self::line(
                batch,
                entry_id,
                Line {
                    account,
                    amount,
                    cost_center: Some(centers::FINANCE),
                    text,
                    ..Line::BARE
                },
            );
        }
        (
            "Revaluation of open items in foreign currency",
            last,
            "SA",
            "period_close",
            users::GL_AUTO,
            false,
            false,
        )
    }
}

/// Profit and loss accounts per cell of [`Books::pl`].
fn pl_len() -> usize {
    crate::world::layout::pl_accounts().len()
}

/// Adds `amount` to account `account`'s movement in the cell of `pl` that starts at `at`.
fn add_pl(pl: &mut [i64], at: usize, account: u32, amount: i64) {
    if let Ok(k) = crate::world::layout::pl_accounts().binary_search(&account)
        && let Some(x) = pl.get_mut(at + k)
    {
        *x += amount;
    }
}
