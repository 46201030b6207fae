//! The year's postings: income tax (quarterly prepayments, the year-end provision at
//! the country's rate on the year's profit before tax, current tax only: no deferred
//! tax, and the payment of what remains in May of the next year), and the year-end
//! closing that carries the balance of every profit and loss account to retained
//! earnings (31 December, fiscal period 13).

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::layout::{YearEvent, pl_accounts};
use crate::world::ledger::Books;
use crate::world::pools::{accounts as acc, centers, users};
use crate::world::rng::Draws;
use crate::world::schedules::round_to;

use synth_model::Batch;

impl World {
    /// Company `company`'s profit before income tax in `year` (the months of the period
    /// in that year) as `books` hold it, with the interest credited when `interest`,
    /// and how many months of the period fall in it.
    fn profit_of_year(
        &self,
        books: &Books,
        company: usize,
        year: i32,
        interest: bool,
    ) -> (i64, i64) {
        (0..u64::from(self.config.months))
            .filter(|&m| self.month_dates(m).0 == year)
            .fold((0, 0), |(p, n), m| {
                let credited = if interest {
                    books.interest(company, m)
                } else {
                    0
                };
                (p + books.profit(company, m) + credited, n + 1)
            })
    }

    /// Income tax at the company's rate on a profit (none on a loss).
    fn tax_on(&self, company: usize, profit: i64) -> i64 {
        let bp = self.schedules[company].income_tax_bp;
        (i128::from(profit.max(0)) * i128::from(bp) / 10_000) as i64
    }

    /// One quarterly prepayment of `year`'s tax: a quarter of 90% of the tax on the
    /// year before's profit when the period holds all of it, else on this year's
    /// operating profit (interest aside) at an annual rate (the tax office's cautious
    /// estimate), in round hundreds; the provision finds the rest payable.
    fn prepayment(&self, books: &Books, company: usize, year: i32) -> i64 {
        let (before, months_before) = self.profit_of_year(books, company, year - 1, true);
        let base = if months_before == 12 {
            before
        } else {
            let (profit, months) = self.profit_of_year(books, company, year, false);
            profit * 12 / months.max(1)
        };
        round_to(0.9 * self.tax_on(company, base) as f64 / 4.0, 10_000)
    }

    /// `year`'s tax and the prepayments of it the period holds.
    fn tax_and_prepaid(&self, books: &Books, company: usize, year: i32) -> (i64, i64) {
        let tax = self.tax_on(company, self.profit_of_year(books, company, year, true).0);
        let prepaid = self
            .layout
            .year_end
            .iter()
            .filter(|e| matches!(e, YearEvent::Prepayment { year: y, .. } if *y == year))
            .count() as i64
            * self.prepayment(books, company, year);
        (tax, prepaid)
    }

    /// The income tax of `year` still owed at its settlement (the first year's: the
    /// payable the books opened with).
    fn owed(&self, books: &Books, company: usize, year: i32) -> i64 {
        if self.config.start_year > year {
            self.schedules[company].income_tax_opening
        } else {
            let (tax, prepaid) = self.tax_and_prepaid(books, company, year);
            tax - prepaid
        }
    }

    /// What company `company` pays from the bank for income tax in month `month`
    /// (prepayments and settlements), from `books`: only months before `month` need
    /// their interest known.
    pub(crate) fn year_end_payments(&self, books: &Books, company: usize, month: u64) -> i64 {
        self.layout
            .year_end
            .iter()
            .filter(|e| e.month() == month)
            .map(|e| match *e {
                YearEvent::Prepayment { year, .. } => self.prepayment(books, company, year),
                YearEvent::Settlement { year, .. } => self.owed(books, company, year),
                YearEvent::Provision { .. } | YearEvent::Close { .. } => 0,
            })
            .sum()
    }

    /// The profit and loss accounts that closing entry `chunk` of `of` of company
    /// `company` carries to retained earnings, with their balances of `year` (debit
    /// less credit): the accounts with a balance, shared evenly among the entries.
    fn closing_lines(&self, company: usize, year: i32, chunk: u32, of: u32) -> Vec<(u32, i64)> {
        let books = self.books();
        let months: Vec<u64> = (0..u64::from(self.config.months))
            .filter(|&m| self.month_dates(m).0 == year)
            .collect();
        let tax = self.tax_and_prepaid(books, company, year).0;
        let balances: Vec<(u32, i64)> = pl_accounts()
            .iter()
            .map(|&a| {
                let moved: i64 = months
                    .iter()
                    .map(|&m| books.pl_movement(company, m, a))
                    .sum();
                let posted = match a {
                    acc::INCOME_TAX => tax,
                    acc::INTEREST_INCOME => -months
                        .iter()
                        .map(|&m| books.interest(company, m))
                        .sum::<i64>(),
                    _ => 0,
                };
                (a, moved + posted)
            })
            .filter(|&(_, b)| b != 0)
            .collect();
        let n = balances.len();
        let (of, chunk) = (of.max(1) as usize, chunk as usize);
        balances[chunk * n / of..(chunk + 1) * n / of].to_vec()
    }

    /// The year-end posting `event` (income tax, closing) of company `company`.
    pub(super) fn income_tax(
        &self,
        company: usize,
        event: YearEvent,
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
        head: Head,
    ) -> Head {
        let cal = &self.economy.companies[company].calendar;
        let (_, _, first, last) = self.month_dates(event.month());
        let line = |batch: &mut Batch, account, amount, text| {
            Self::bare_line(batch, entry_id, (account, amount), None, text)
        };
        let payment = Head {
            document_type: "ZB",
            process: "treasury",
            manual: false,
            user: users::PAYRUN,
            approval: true,
            ..head
        };
        match event {
            YearEvent::Prepayment { year, .. } => {
                let amount = self.prepayment(self.books(), company, year);
                line(
                    batch,
                    acc::INCOME_TAX_PREPAID,
                    amount,
                    "Income tax prepayment",
                );
                line(batch, acc::BANK, -amount, "Income tax prepayment");
                let day = cal.next_working(first.add_days(9));
                Head {
                    posting: day,
                    document_date: day,
                    header_text: "Income tax prepayment",
                    ..payment
                }
            }
            YearEvent::Provision { year, .. } => {
                let (tax, prepaid) = self.tax_and_prepaid(self.books(), company, year);
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::INCOME_TAX,
                        amount: tax,
                        cost_center: Some(centers::OVERHEAD[1]),
                        text: "Income tax for the year",
                        ..Line::BARE
                    },
                );
                line(
                    batch,
                    acc::INCOME_TAX_PREPAID,
                    -prepaid,
                    "Prepayments of the year cleared",
                );
                line(
                    batch,
                    acc::INCOME_TAX_PAYABLE,
                    prepaid - tax,
                    "Income tax payable",
                );
                // Entered by hand, so on the last working day of December.
                let day = cal.previous_working(last);
                Head {
                    posting: day,
                    document_date: day,
                    document_type: "SA",
                    process: "period_close",
                    manual: true,
                    user: crate::world::people::pick_user(users::GL, d),
                    approval: true,
                    header_text: "Income tax provision",
                    ..head
                }
            }
            YearEvent::Close {
                year, chunk, of, ..
            } => {
                let lines = self.closing_lines(company, year, chunk, of);
                let mut result = 0;
                for (account, balance) in lines {
                    line(batch, account, -balance, "Year-end closing");
                    result += balance;
                }
                line(
                    batch,
                    acc::RETAINED_EARNINGS,
                    result,
                    "Result of the year to retained earnings",
                );
                Head {
                    posting: last,
                    document_date: last,
                    document_type: "SA",
                    process: "period_close",
                    manual: false,
                    user: users::GL_AUTO,
                    approval: false,
                    header_text: "Year-end closing",
                    closing: true,
                    ..head
                }
            }
            YearEvent::Settlement { year, .. } => {
                let owed = self.owed(self.books(), company, year);
                line(
                    batch,
                    acc::INCOME_TAX_PAYABLE,
                    owed,
                    "Income tax of the year before",
                );
                line(batch, acc::BANK, -owed, "Income tax payment");
                let day = cal.previous_working(last);
                Head {
                    posting: day,
                    document_date: day,
                    header_text: "Income tax of the year before",
                    ..payment
                }
            }
        }
    }
}
