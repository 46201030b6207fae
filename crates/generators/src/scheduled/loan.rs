//! The group's loans: each seller of a pair of group companies lends its buyer, in its
//! own currency, on the period's first working day, and the buyer pays the interest
//! for the days since (actual/360, at the configured yearly rate) on the last working
//! day of each later month. Both sides post each transfer on the same day, the lender
//! on 127000 and its bank (interest to 481000), the borrower on its bank and 207000
//! (interest to 698000) at the day's rate; a borrower in another currency holds the
//! loan at each month end's rate (the month-end revaluation). The `intercompany` table
//! lists the disbursement (`loan`) and each interest payment (`loan_interest`).

use crate::post::Line;
use crate::world::World;
use crate::world::fx::convert;
use crate::world::pools::{accounts as acc, centers, users};
use crate::world::rng::{record_id, stream};

use super::{Month, Posted};
use synth_model::{Batch, Date, IntercompanyDocument};

/// A loan's posting of one month: its disbursement (month 0) or an interest payment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoanPosting {
    /// Lender and borrower (company indices).
    pub lender: usize,
    pub borrower: usize,
    /// What is transferred: the principal, or the interest.
    pub amount: i64,
    /// In the borrower's currency at the day's rate.
    pub at_borrower: i64,
    /// The day both sides post it.
    pub day: Date,
    /// Whether it is an interest payment.
    pub interest: bool,
}

impl World {
    /// The day of a loan's posting in month `month` (the lender's calendar): the
    /// period's first working day, then each month's last.
    fn loan_day(&self, lender: usize, month: u64) -> Date {
        let (_, _, first, last) = self.month_dates(month);
        let cal = &self.economy.companies[lender].calendar;
        if month == 0 {
            cal.next_working(first)
        } else {
            cal.previous_working(last).max(first)
        }
    }

    /// Pair `pair`'s loan posting of month `month`.
    pub(crate) fn loan(&self, pair: usize, month: u64) -> Option<LoanPosting> {
        let &(lender, borrower) = self.layout.pairs.get(pair)?;
        let (s, b) = (
            self.economy.companies.get(lender)?,
            self.economy.companies.get(borrower)?,
        );
        let rates = &self.economy.fx_rates;
        let start = self.loan_day(lender, 0);
        // Months of the smaller company's revenue, in the lender's currency, in round
        // ten thousands.
        let borrower_revenue = convert(
            libm::round(b.revenue_month) as i64,
            rates.rate(b.currency_index, s.currency_index, start),
        );
        let base =
            (s.revenue_month as i64).min(borrower_revenue) as f64 * self.config.group.loan_months;
        let principal = ((libm::round(base / 1e6) * 1e6) as i64).max(100_000);
        let day = self.loan_day(lender, month);
        let amount = match month.checked_sub(1) {
            None => principal,
            Some(before) => {
                let days = day.0 - self.loan_day(lender, before).0;
                libm::round(
                    principal as f64 * self.config.group.loan_rate * f64::from(days) / 360.0,
                ) as i64
            }
        };
        Some(LoanPosting {
            lender,
            borrower,
            amount,
            at_borrower: convert(amount, rates.rate(s.currency_index, b.currency_index, day)),
            day,
            interest: month > 0,
        })
    }

    /// Month `mo`'s posting of loan flow `flow` (of pair `pair`) on the lender's side
    /// (`lends`) or the borrower's; the lender's writes the `intercompany` row.
    pub(super) fn loan_posting(
        &self,
        mo: &Month<'_>,
        (flow, pair): (usize, usize),
        lends: bool,
        batch: &mut Batch,
    ) -> Posted {
        let Month {
            first,
            month,
            entry_id,
            ..
        } = *mo;
        let text = if month == 0 {
            "Intercompany loan"
        } else {
            "Intercompany loan interest"
        };
        let Some(p) = self.loan(pair, month) else {
            return super::intercompany::unplanned(text, first);
        };
        let (s, b) = (
            &self.economy.companies[p.lender],
            &self.economy.companies[p.borrower],
        );
        if lends {
            let index =
                |seller| self.entry_in_run(self.layout.intercompany_index(flow, seller, 0, month));
            batch.intercompany.push(IntercompanyDocument {
                document_id: record_id(
                    self.config.seed,
                    stream::IC_LOAN,
                    (pair as u64) << 32 | month,
                ),
                document_type: if p.interest { "loan_interest" } else { "loan" },
                reference_document_id: p
                    .interest
                    .then(|| record_id(self.config.seed, stream::IC_LOAN, (pair as u64) << 32)),
                seller_company: s.code,
                buyer_company: b.code,
                document_date: p.day,
                due_date: None,
                amount: p.amount,
                currency: s.currency,
                seller_entry_id: index(true),
                seller_posting_date: p.day,
                seller_amount: p.amount,
                buyer_entry_id: index(false),
                buyer_posting_date: p.day,
                buyer_amount: p.at_borrower,
                buyer_currency: b.currency,
                flow: "loan",
            });
        }
        let (amount, account, text_line, user) = match (lends, p.interest) {
            (true, false) => (
                -p.amount,
                acc::IC_LOANS,
                "Loan to group company",
                users::PAYRUN,
            ),
            (true, true) => (
                p.amount,
                acc::IC_INTEREST_INCOME,
                "Interest from group company",
                users::BANK,
            ),
            (false, false) => (
                p.at_borrower,
                acc::IC_BORROWINGS,
                "Loan from group company",
                users::BANK,
            ),
            (false, true) => (
                -p.at_borrower,
                acc::IC_INTEREST_EXPENSE,
                "Interest to group company",
                users::PAYRUN,
            ),
        };
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount,
                text: if amount > 0 {
                    "Incoming payment"
                } else {
                    "Outgoing payment"
                },
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: -amount,
                cost_center: p.interest.then_some(centers::FINANCE),
                text: text_line,
                ..Line::BARE
            },
        );
        // The borrower's loan in the lender's currency, for the month-end revaluation.
        if !lends && !p.interest && s.currency_index != b.currency_index {
            batch.foreign.push(synth_model::ForeignAmount {
                entry_id,
                currency: s.currency,
                amount: -p.amount,
            });
        }
        (text, p.day, "SA", "intercompany", user, false, false)
    }
}
