//! The books of a run, summed: what each company's ledger holds per month on the
//! accounts that the month's closing postings settle (output and input tax, petty cash),
//! its profit before income tax and the movement of each profit and loss account.
//!
//! The tax return, the petty cash top-up and the income tax postings pay what the books
//! hold, and the opening stock covers each material's issues of the run (its movements
//! tallied per company, material and month: `world/stock.rs`), so they need the sum of
//! every other entry of the run. It is computed once per
//! generator, on first need, by generating every other entry (without writing it) on
//! all cores and summing its lines: integers, so the sum is the same whatever the order
//! or the number of threads. Only the scheduled entries need it, and they are the first
//! indices of a run, so only the part that holds them waits for it; its cost is that of
//! generating the run's entries once more without formatting (about 0.3 s per million
//! entries of one core).

use crate::world::World;
use crate::world::layout::pl_accounts;
use crate::world::ledger::{Books, OPEN_ITEM_ACCOUNTS, Statement};
use crate::world::pools::accounts as acc;
use crate::world::stock::StockTally;
use std::ops::Range;
use synth_model::Batch;

/// Entries generated at once by each thread of the sum: a few hundred KiB of records
/// (7.8 lines an entry), next to the parts being written.
const CHUNK: u64 = 256;

/// The yearly interest rate on a bank balance, in basis points.
const INTEREST_BP: i64 = 200;

impl World {
    /// The books of the run, summed on first use.
    pub(crate) fn books(&self) -> &Books {
        self.books.get_or_init(|| {
            let tally = StockTally::new(
                self.economy.companies.len(),
                self.economy.materials.len(),
                self.config.months as usize,
            );
            let mut books = self.sum_books(&tally);
            self.revalue(&mut books);
            books.stock_opening = self.opening_stock(&tally);
            self.credit_interest(&mut books);
            books
        })
    }

    /// The interest each company's bank credits month by month: the yearly rate on
    /// the balance at the end of the month before (the opening balance in the first),
    /// at least 1.00. The balance is what the books hold with every posting that pays
    /// from the bank on what they hold: the tax returns, the petty cash top-ups, the
    /// income tax prepayments and payments, and the interest itself.
    fn credit_interest(&self, books: &mut Books) {
        for (ci, s) in self.schedules.iter().enumerate() {
            let mut balance = s
                .opening
                .iter()
                .filter(|l| l.0 == acc::BANK)
                .map(|l| l.1)
                .sum::<i64>();
            let mut statement = balance;
            for month in 0..u64::from(self.config.months) {
                // Rounded to the minor unit, half up.
                let interest = ((i128::from(balance.max(0)) * i128::from(INTEREST_BP) + 60_000)
                    / 120_000)
                    .max(100) as i64;
                let cell = ci * books.months + month as usize;
                books.interest[cell] = interest;
                let c = books.month(ci, month);
                // The postings computed from the books: the bank books them the day
                // they are posted.
                let computed = [
                    interest,
                    -Self::top_up(books, s, month),
                    -self.vat_paid(books, s, month),
                    -self.year_end_payments(books, ci, month),
                ];
                balance += c.bank + computed.iter().sum::<i64>();
                books.statements[cell] = Statement {
                    opening: statement,
                    credits: c.bank_in + computed.iter().filter(|&&x| x > 0).sum::<i64>(),
                    debits: c.bank_out - computed.iter().filter(|&&x| x < 0).sum::<i64>(),
                    book: balance,
                    outstanding: c.outstanding,
                };
                statement = books.statements[cell].closing();
            }
        }
    }

    /// Whether the run stopped (the books summed so far are then thrown away with
    /// whatever is generated from them).
    fn stopped(&self) -> bool {
        self.stops.get().is_some_and(|flags| {
            flags
                .iter()
                .any(|f| f.load(std::sync::atomic::Ordering::Relaxed))
        })
    }

    /// The entries the books are summed over: the settlements of the open items the
    /// books open with, every scheduled month without its booked slots (the opening
    /// balances and the year-end postings left out), then the cases.
    fn summed_ranges(&self) -> (Vec<Range<u64>>, Range<u64>) {
        let end = self.config.transactions.target_count;
        let clip = |r: Range<u64>| r.start.min(end)..r.end.min(end);
        let mut scheduled = Vec::new();
        for l in &self.layout.companies {
            scheduled.push(clip(l.offset + l.opening_chunks..l.offset + l.opening));
            for month in 0..u64::from(self.config.months) {
                let first = l.offset + l.opening + month * l.per_month;
                scheduled.push(clip(first..first + l.per_month - l.booked()));
            }
        }
        (scheduled, clip(self.layout.total..end))
    }

    fn sum_books(&self, tally: &StockTally) -> Books {
        let (scheduled, cases) = self.summed_ranges();
        let mut books = Books::new(self.economy.companies.len(), self.config.months as usize);
        let mut batch = Batch::with_capacity(CHUNK as usize);
        for r in scheduled {
            self.sum_range(r, &mut batch, &mut books, tally);
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8) as u64;
        // Whole chunks per thread, so that no case block is cut between two ranges.
        let span = (cases.end - cases.start)
            .div_ceil(threads)
            .div_ceil(CHUNK)
            .max(1)
            * CHUNK;
        let parts: Vec<Books> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| cases.start + t * span)
                .filter(|&a| a < cases.end)
                .map(|a| {
                    let b = (a + span).min(cases.end);
                    scope.spawn(move || {
                        let mut books =
                            Books::new(self.economy.companies.len(), self.config.months as usize);
                        let mut batch = Batch::with_capacity(CHUNK as usize);
                        let mut i = a;
                        while i < b && !self.stopped() {
                            let to = (i + CHUNK).min(b);
                            self.sum_range(i..to, &mut batch, &mut books, tally);
                            i = to;
                        }
                        books
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(b) => b,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        for p in &parts {
            books.merge(p);
        }
        books
    }

    /// Adds partner line `f` in foreign currency of an entry with `lines`, posted in
    /// company `company`'s month `month`, to the open items of `books`.
    fn tally_foreign(
        books: &mut Books,
        company: usize,
        month: u64,
        lines: &[synth_model::JournalLine],
        f: &synth_model::ForeignAmount,
    ) {
        let Some(currency) = crate::world::fx::FxRates::index(f.currency.as_str()) else {
            return;
        };
        // A trade partner's line, or a group company's (which names no partner).
        let partner = lines.iter().find_map(|l| {
            let side = OPEN_ITEM_ACCOUNTS.iter().position(|a| *a == l.account)?;
            (l.partner_id.is_some() || side >= 2).then_some((l, side))
        });
        if let Some((l, side)) = partner {
            let at = books.foreign_at(company, month, side, currency);
            if let Some(cell) = books.foreign.get_mut(at) {
                cell[0] += f.amount;
                cell[1] += l.debit - l.credit;
            }
        }
    }

    /// Adds the lines of entries `range` to `books`, their stock movements to `tally`.
    fn sum_range(
        &self,
        range: Range<u64>,
        batch: &mut Batch,
        books: &mut Books,
        tally: &StockTally,
    ) {
        if range.is_empty() {
            return;
        }
        self.fill_with(batch, range, false);
        self.tally_stock(&batch.stock, tally);
        let start = i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month);
        let pl_accounts = pl_accounts();
        // The partner lines in foreign currency, found by entry.
        batch.foreign.sort_unstable_by_key(|f| f.entry_id);
        for (company, e, lines) in self.with_lines(&batch.entries, &batch.lines) {
            let (y, m, _) = e.posting_date.ymd();
            let month = i64::from(y) * 12 + i64::from(m) - start;
            let amount = batch
                .foreign
                .binary_search_by_key(&e.entry_id, |f| f.entry_id)
                .ok()
                .and_then(|k| batch.foreign.get(k));
            if !(0..i64::from(self.config.months)).contains(&month) {
                continue;
            }
            if let Some(f) = amount {
                Self::tally_foreign(books, company, month as u64, lines, f);
            }
            let at = company * books.months + month as usize;
            // The bank's side: the month the bank books each bank line in.
            for l in lines {
                let Some(booking) = self.booked(company, e, l) else {
                    continue;
                };
                // Each statement line (amount as the bank sees it: positive in) on the
                // statement of the month it is booked in, and outstanding at every
                // month end from the posting's to the one before.
                let mut bank = |day: synth_model::Date, amount: i64| {
                    let bank_month = if day == e.posting_date {
                        month as usize
                    } else {
                        self.period_month(day).map_or(usize::MAX, |m| m as usize)
                    };
                    for t in month as usize..bank_month.min(books.months) {
                        books.cells[company * books.months + t].outstanding -= amount;
                    }
                    if bank_month < books.months {
                        let cell = &mut books.cells[company * books.months + bank_month];
                        cell.bank_in += amount.max(0);
                        cell.bank_out += (-amount).max(0);
                    }
                };
                let amount = l.debit - l.credit;
                bank(booking, amount);
                if let Some(r) = self.returned(company, e, l, booking) {
                    bank(r.back, -amount);
                    bank(r.again, amount);
                }
            }
            let pl = &mut books.pl[at * pl_accounts.len()..(at + 1) * pl_accounts.len()];
            let cell = &mut books.cells[at];
            for l in lines {
                debug_assert_eq!(l.entry_id, e.entry_id);
                let net = l.debit - l.credit;
                match l.account {
                    acc::OUTPUT_TAX => cell.output_tax += net,
                    acc::INPUT_TAX => cell.input_tax += net,
                    acc::CASH => cell.cash += net,
                    acc::BANK => cell.bank += net,
                    a if a >= acc::REVENUE_PRODUCTS => {
                        if let Ok(k) = pl_accounts.binary_search(&a) {
                            pl[k] += net;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
