//! A month's postings past the payroll: the remittance of withheld tax and social
//! security, depreciation, accruals and their reversals, the cycle count, rent, bank and
//! petty cash.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::tax_of;
use crate::world::layout::{ACCRUALS, CAPEX_SLOTS, DISPOSAL_SLOTS, STOCK_COUNT_SLOTS};
use crate::world::ledger::Books;
use crate::world::pools::{ASSET_CLASSES, accounts as acc, centers, users};
use crate::world::rng::Draws;
use crate::world::schedules::CompanySchedule;

use super::{Month, Posted};
use crate::world::identity::company_account;
use synth_model::{BankStatement, Batch};

impl World {
    /// Slot `q` past the payroll of month `mo`: the remittance of withheld tax and social
    /// security, depreciation, accruals and their reversals, rent, bank and petty cash.
    pub(super) fn month_end(
        &self,
        mo: &Month<'_>,
        q: u64,
        batch: &mut Batch,
        d: &mut Draws,
        head: &mut Head,
    ) -> Posted {
        let Month {
            l,
            s,
            cal,
            first,
            last,
            entry_id,
            month,
            ..
        } = *mo;
        if q == 0 {
            let remittance = s.remittance(month);
            Self::paid_from_bank(
                batch,
                entry_id,
                Line {
                    account: acc::PAYROLL_LIABILITIES,
                    amount: remittance,
                    text: "Remittance to tax office and social security",
                    ..Line::BARE
                },
                "Remittance",
            );
            (
                "Payroll taxes and social security",
                cal.next_working(first.add_days(9)),
                "PR",
                "payroll",
                users::PAYRUN,
                false,
                true,
            )
        } else if q <= l.depreciation_chunks {
            let k = (q - 1) as usize;
            let from = k * l.classes_per_chunk;
            let to = (from + l.classes_per_chunk).min(ASSET_CLASSES.len());
            for (class, info) in ASSET_CLASSES.iter().enumerate().take(to).skip(from) {
                let amount = s
                    .depreciation
                    .get(mo.month as usize)
                    .and_then(|row| row.get(class))
                    .copied()
                    .unwrap_or(1);
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::DEPRECIATION,
                        amount,
                        cost_center: Some(centers::ASSET_CENTERS[class]),
                        text: "Depreciation",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: info.2,
                        amount: -amount,
                        text: "Accumulated depreciation",
                        ..Line::BARE
                    },
                );
            }
            (
                "Depreciation run",
                last,
                "AA",
                "fixed_assets",
                users::ASSETS,
                false,
                false,
            )
        } else {
            let q = q - 1 - l.depreciation_chunks;
            // The slot from the month's first.
            let slot = q + l.runs * (1 + l.payroll_chunks) + 1 + l.depreciation_chunks;
            if q < 2 * ACCRUALS {
                self.accrual(mo, q, batch, d, head)
            } else if q < 2 * ACCRUALS + CAPEX_SLOTS {
                self.capex(mo, q - 2 * ACCRUALS, batch, head)
            } else if q < 2 * ACCRUALS + CAPEX_SLOTS + DISPOSAL_SLOTS {
                self.disposal(mo, q - 2 * ACCRUALS - CAPEX_SLOTS, batch)
            } else if q < 2 * ACCRUALS + CAPEX_SLOTS + DISPOSAL_SLOTS + STOCK_COUNT_SLOTS {
                self.stock_count_entry(mo, batch, d)
            } else if slot < l.intercompany_slot() + l.intercompany_slots() {
                self.intercompany(mo, slot - l.intercompany_slot(), batch, head)
            } else if slot >= l.revaluation_slot() {
                self.revaluation(mo, batch)
            } else {
                self.bank_posting(
                    mo,
                    q - 2 * ACCRUALS
                        - CAPEX_SLOTS
                        - DISPOSAL_SLOTS
                        - STOCK_COUNT_SLOTS
                        - l.intercompany_slots(),
                    batch,
                    d,
                )
            }
        }
    }

    /// Slot `q` of the month's accruals: the accrual at its end, or the reversal of the
    /// previous month's on its first working day.
    pub(super) fn accrual(
        &self,
        mo: &Month<'_>,
        q: u64,
        batch: &mut Batch,
        d: &mut Draws,
        head: &mut Head,
    ) -> Posted {
        let Month {
            l,
            s,
            cal,
            month,
            first,
            last,
            entry_id,
            ..
        } = *mo;
        let a = q % ACCRUALS;
        let account =
            acc::ACCRUED_EXPENSES[((month + a) % acc::ACCRUED_EXPENSES.len() as u64) as usize];
        let cc = centers::OVERHEAD[(a as usize * 3 + month as usize) % centers::OVERHEAD.len()];
        if q < ACCRUALS {
            let amount = s.accrual(month as i64, a);
            Self::accrual_lines(batch, entry_id, (account, cc), amount, "Month-end accrual");
            (
                "Month-end accrual",
                cal.previous_working(last),
                "SA",
                "period_close",
                crate::world::people::pick_user(users::GL, d),
                true,
                true,
            )
        } else {
            // The reversal of the previous month's accrual `a` (for the first
            // month, of the accrual the books opened with).
            let prev = month as i64 - 1;
            let prev_account =
                acc::ACCRUED_EXPENSES[(((month + acc::ACCRUED_EXPENSES.len() as u64 - 1) + a)
                    % acc::ACCRUED_EXPENSES.len() as u64)
                    as usize];
            let prev_cc =
                centers::OVERHEAD[(a as usize * 3 + month as usize + centers::OVERHEAD.len() - 1)
                    % centers::OVERHEAD.len()];
            let amount = s.accrual(prev, a);
            Self::accrual_reversal_lines(batch, entry_id, (prev_account, prev_cc), amount);
            if prev >= 0 {
                let accrual_index = l.offset
                    + l.opening
                    + (month - 1) * l.per_month
                    + l.runs * (1 + l.payroll_chunks)
                    + 1
                    + l.depreciation_chunks
                    + a;
                head.reversal_of = Some(self.entry_id(accrual_index));
            }
            (
                "Reversal of month-end accrual",
                cal.next_working(first),
                "SA",
                "period_close",
                users::GL_AUTO,
                false,
                false,
            )
        }
    }

    /// Slot `q` past the accruals: rent, bank charges, interest, the petty cash top-up and
    /// the tax return.
    pub(super) fn bank_posting(
        &self,
        mo: &Month<'_>,
        q: u64,
        batch: &mut Batch,
        d: &mut Draws,
    ) -> Posted {
        match q {
            0 => self.rent(mo, batch, d),
            1 => self.bank_charges(mo, batch, d),
            2 => self.interest(mo, batch, d),
            4 => self.tax_return(mo, batch, d),
            _ => self.petty_cash(mo, batch, d),
        }
    }

    /// The month's rent, with its input tax.
    fn rent(&self, mo: &Month<'_>, batch: &mut Batch, _d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            first,
            entry_id,
            y,
            ..
        } = *mo;
        let rent = s.rent_in(self.config.start_year, y);
        let tax = tax_of(s.rent_tax, rent);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::RENT,
                amount: rent,
                tax: Some(s.rent_tax),
                cost_center: Some(centers::FACILITIES),
                text: "Office and warehouse rent",
                ..Line::BARE
            },
        );
        Self::tax_line(batch, entry_id, s.rent_tax, tax);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: -(rent + tax),
                text: "Standing order",
                ..Line::BARE
            },
        );
        (
            "Rent",
            cal.next_working(first),
            "ZB",
            "treasury",
            users::BANK,
            false,
            false,
        )
    }

    /// The month's bank charges.
    fn bank_charges(&self, mo: &Month<'_>, batch: &mut Batch, _d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            last,
            entry_id,
            ..
        } = *mo;
        Self::paid_from_bank(
            batch,
            entry_id,
            Line {
                account: acc::BANK_CHARGES,
                amount: s.bank_fee,
                cost_center: Some(centers::FINANCE),
                text: "Account fees",
                ..Line::BARE
            },
            "Bank charges",
        );
        (
            "Bank charges",
            cal.previous_working(last),
            "ZB",
            "treasury",
            users::BANK,
            false,
            false,
        )
    }

    /// The month's bank statement of the company, written with its interest.
    fn bank_statement(&self, mo: &Month<'_>, batch: &mut Batch) {
        let st = self.books().statement(mo.s.company, mo.month);
        let row = self.statement_row(mo.s.company, mo.month, &st);
        batch.bank_statements.push(row);
    }

    /// Company `ci`'s statement of month `month` of the period, with the balances `st`.
    pub(crate) fn statement_row(
        &self,
        ci: usize,
        month: u64,
        st: &crate::world::ledger::Statement,
    ) -> BankStatement {
        let c = &self.economy.companies[ci];
        let (_, _, first, last) = self.month_dates(month);
        BankStatement {
            statement_id: self.statement_id(ci, month),
            company_code: c.code,
            bank_account: company_account(self.config.seed, ci as u64, c.country),
            currency: c.currency,
            period_start: first,
            statement_date: last,
            opening_balance: st.opening,
            total_credits: st.credits,
            total_debits: st.debits,
            closing_balance: st.closing(),
            book_balance: st.book,
            outstanding_payments: st.outstanding,
        }
    }

    /// The month's interest.
    fn interest(&self, mo: &Month<'_>, batch: &mut Batch, _d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            last,
            entry_id,
            month,
            ..
        } = *mo;
        let interest = self.books().interest(s.company, month);
        if self.banked(s.company) {
            self.bank_statement(mo, batch);
        }
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: interest,
                text: "Interest credited",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::INTEREST_INCOME,
                amount: -interest,
                cost_center: Some(centers::FINANCE),
                text: "Interest income",
                ..Line::BARE
            },
        );
        (
            "Interest",
            cal.previous_working(last),
            "ZB",
            "treasury",
            users::BANK,
            false,
            false,
        )
    }

    /// The output and input tax the return of month `month` pays: the month before's as
    /// `books` hold them (the first month's: the opening balances). A month whose books
    /// hold no tax at all (only in runs too small to fill every month) pays the expected
    /// tax on account instead of a nil return.
    pub(crate) fn tax_return_amounts(books: &Books, s: &CompanySchedule, month: u64) -> (i64, i64) {
        match month {
            0 => (s.vat_output, s.vat_input),
            _ => match books.month(s.company, month - 1) {
                b if b.output_tax == 0 && b.input_tax == 0 => (s.vat_output, s.vat_input),
                b => (-b.output_tax, b.input_tax),
            },
        }
    }

    /// The petty cash top-up of month `month`: what the month before spent, as `books`
    /// hold it (the first month's, or after a month without spending: the expected
    /// spending of a month).
    pub(crate) fn top_up(books: &Books, s: &CompanySchedule, month: u64) -> i64 {
        let spent = match month {
            0 => s.petty,
            _ => -books.month(s.company, month - 1).cash,
        };
        if spent > 0 { spent } else { s.petty }
    }

    /// Whether the tax return slot of month `month` files a return: every month for a
    /// monthly filer, the month after a quarter's end for a quarterly one.
    pub(crate) fn files_vat(&self, s: &CompanySchedule, month: u64) -> bool {
        !s.vat_quarterly || self.month_dates(month).1 % 3 == 1
    }

    /// What a quarterly filer's return of month `month` pays from the settlement
    /// account: the net tax moved there in the quarter's months before (those before the
    /// start from the opening balance); 0 in other months and for monthly filers.
    pub(crate) fn vat_settled(&self, books: &Books, s: &CompanySchedule, month: u64) -> i64 {
        if !s.vat_quarterly || !self.files_vat(s, month) {
            return 0;
        }
        let moved: i64 = (1..=2u64.min(month))
            .map(|j| {
                let (output, input) = Self::tax_return_amounts(books, s, month - j);
                output - input
            })
            .sum();
        moved
            + if month < 2 {
                s.vat_settlement_opening
            } else {
                0
            }
    }

    /// What the tax return slot of month `month` pays from the bank: the month before's
    /// net tax and what the settlement account holds when it files, else nothing.
    pub(crate) fn vat_paid(&self, books: &Books, s: &CompanySchedule, month: u64) -> i64 {
        if !self.files_vat(s, month) {
            return 0;
        }
        let (output, input) = Self::tax_return_amounts(books, s, month);
        output - input + self.vat_settled(books, s, month)
    }

    /// The tax return slot: the month before's output tax less the input tax it
    /// reclaims, as the books hold them (the first month's: the opening balances),
    /// paid with the return; a quarterly filer moves it to the settlement account in the
    /// quarter's other months and pays the quarter's with the return.
    fn tax_return(&self, mo: &Month<'_>, batch: &mut Batch, _d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            first,
            entry_id,
            month,
            ..
        } = *mo;
        let books = self.books();
        let (output, input) = Self::tax_return_amounts(books, s, month);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::OUTPUT_TAX,
                amount: output,
                text: "Output tax of the month before",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::INPUT_TAX,
                amount: -input,
                text: "Input tax of the month before",
                ..Line::BARE
            },
        );
        let day = cal.next_working(first.add_days(9));
        if !self.files_vat(s, month) {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::VAT_SETTLEMENT,
                    amount: input - output,
                    text: "Tax of the month before to the settlement account",
                    ..Line::BARE
                },
            );
            return (
                "VAT of the month before to the settlement account",
                day,
                "SA",
                "period_close",
                users::GL_AUTO,
                false,
                false,
            );
        }
        let settled = self.vat_settled(books, s, month);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::VAT_SETTLEMENT,
                amount: settled,
                text: "Tax of the quarter's months before",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: input - output - settled,
                text: "Tax return payment",
                ..Line::BARE
            },
        );
        (
            if s.vat_quarterly {
                "Tax return of the quarter before"
            } else {
                "Tax return of the month before"
            },
            day,
            "ZB",
            "treasury",
            users::PAYRUN,
            false,
            true,
        )
    }

    /// The petty cash top-up to its float: what the month before spent, as the books
    /// hold it (the first month's: the expected spending of a month).
    fn petty_cash(&self, mo: &Month<'_>, batch: &mut Batch, d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            first,
            entry_id,
            month,
            ..
        } = *mo;
        let top_up = Self::top_up(self.books(), s, month);
        Self::paid_from_bank(
            batch,
            entry_id,
            Line {
                account: acc::CASH,
                amount: top_up,
                text: "Petty cash top-up",
                ..Line::BARE
            },
            "Cash withdrawal",
        );
        (
            "Petty cash replenishment",
            cal.next_working(first),
            "SA",
            "treasury",
            crate::world::people::pick_user(users::GL, d),
            true,
            true,
        )
    }
}

impl World {
    /// Each company's statements of the first year with balances of the planned size:
    /// its opening bank balance, a month's revenue in and purchases out (the books are
    /// not summed).
    pub(crate) fn sample_statements(&self) -> Vec<BankStatement> {
        let months = u64::from(self.config.months).min(12);
        (0..self.economy.companies.len() as u64 * months)
            .map(|k| {
                let (ci, month) = ((k / months) as usize, k % months);
                let c = &self.economy.companies[ci];
                let opening = self.schedules[ci]
                    .opening
                    .iter()
                    .filter(|l| l.0 == acc::BANK)
                    .map(|l| l.1)
                    .sum::<i64>();
                let (credits, debits) = (c.revenue_month as i64, c.purchases_month as i64);
                let st = crate::world::ledger::Statement {
                    opening,
                    credits,
                    debits,
                    book: opening + credits - debits,
                    outstanding: debits / 50,
                };
                self.statement_row(ci, month, &st)
            })
            .collect()
    }
}
