//! Scheduled postings: each company opens its books with balances (and settles the
//! open items it opened with), then posts, every month, the same fixed set: payroll
//! (funding, runs, remittance of the withheld tax and social security), depreciation,
//! month-end accruals and their reversal on the first working day of the next month,
//! rent, bank charges, interest and the petty cash top-up.
//!
//! They take the first entry indices of a run, in a fixed number of slots per company
//! and month, so the index of each is known from the config alone.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::calendar::PostingCalendar;
use crate::world::economy::tax_of;
use crate::world::layout::ACCRUALS;
use crate::world::layout::CompanyLayout;
use crate::world::master::MasterData;
use crate::world::pools::{ASSET_CLASSES, accounts as acc, centers, users};
use crate::world::rng::{Draws, record_id, stream};
use crate::world::schedules::{CompanySchedule, OpenItem, WITHHOLDING};

/// A month's scheduled entry: where it stands, for the postings of that month.
#[derive(Clone, Copy)]
struct Month<'a> {
    l: &'a CompanyLayout,
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
type Posted = (
    &'static str,
    Date,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
);
use synth_model::{Batch, Date, Document, days_in_month};

impl World {
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
            return;
        }
        if r < l.opening {
            let item = s.items[(r - l.opening_chunks) as usize];
            self.settle_open_item(&item, &mut head, batch, entry_id, md);
            self.close(batch, &head, first_line, &mut d);
            return;
        }
        let month = (r - l.opening) / l.per_month;
        let q = (r - l.opening) % l.per_month;
        let (y, m) = {
            let t = i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month) - 1
                + month as i64;
            ((t / 12) as i32, (t % 12) as u32 + 1)
        };
        let first = Date::from_ymd(y, m, 1).unwrap_or(start);
        let last = Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(start);
        let mo = Month {
            l,
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
                Head {
                    posting: day,
                    document_date: day,
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
        self.close(batch, &head, first_line, &mut d);
    }

    /// The payroll of month `mo`: per run, the funding of the payroll account, then the
    /// run's entries; the header of slot `q`, or what is left of `q` past the payroll.
    fn payroll(
        &self,
        mo: &Month<'_>,
        mut q: u64,
        batch: &mut Batch,
        head: &Head,
    ) -> Result<Head, u64> {
        let Month {
            l,
            s,
            cal,
            y,
            m,
            last,
            entry_id,
            ..
        } = *mo;
        let ss_bp = s.social_security_bp;
        // Payroll: per run, the funding of the payroll account, then the run's entries.
        for run in 0..l.runs {
            let pay_day = if l.runs == 1 {
                cal.previous_working(Date::from_ymd(y, m, 25).unwrap_or(last))
            } else if run == 0 {
                cal.previous_working(Date::from_ymd(y, m, 15).unwrap_or(last))
            } else {
                cal.previous_working(last)
            };
            if q == 0 {
                let net = s.run_net[run.min(1) as usize];
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_BANK,
                        amount: net,
                        text: "Transfer for net salaries",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: -net,
                        text: "Transfer to payroll account",
                        ..Line::BARE
                    },
                );
                let day = cal.previous_working(pay_day.add_days(-1));
                let head = Head {
                    posting: day,
                    document_date: day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYRUN,
                    approval: true,
                    header_text: "Payroll funding",
                    ..*head
                };
                return Ok(head);
            }
            if q <= l.payroll_chunks {
                let k = (q - 1) as usize;
                let from = k * l.centers_per_chunk;
                let chunk = &s.salaries[from.min(s.salaries.len())
                    ..(from + l.centers_per_chunk).min(s.salaries.len())];
                let (mut net, mut liabilities) = (0, 0);
                for &(cc, g) in chunk {
                    let gross = CompanySchedule::run_gross(g, run, l.runs);
                    let withheld = (gross as f64 * WITHHOLDING).round() as i64;
                    let ss = (gross as i128 * i128::from(ss_bp) / 10_000) as i64;
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account: acc::SALARIES,
                            amount: gross,
                            cost_center: Some(cc),
                            text: "Gross salaries",
                            ..Line::BARE
                        },
                    );
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account: acc::SOCIAL_SECURITY,
                            amount: ss,
                            cost_center: Some(cc),
                            text: "Employer contributions",
                            ..Line::BARE
                        },
                    );
                    net += gross - withheld;
                    liabilities += withheld + ss;
                }
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_BANK,
                        amount: -net,
                        text: "Net salaries",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_LIABILITIES,
                        amount: -liabilities,
                        text: "Withholding tax and social security",
                        ..Line::BARE
                    },
                );
                let head = Head {
                    posting: pay_day,
                    document_date: pay_day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYROLL,
                    header_text: "Payroll run",
                    ..*head
                };
                return Ok(head);
            }
            q -= 1 + l.payroll_chunks;
        }
        Err(q)
    }

    /// Slot `q` past the payroll of month `mo`: the remittance of withheld tax and social
    /// security, depreciation, accruals and their reversals, rent, bank and petty cash.
    fn month_end(
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
            ..
        } = *mo;
        let (text, day, doc_type, process, user, manual, approval): (
            &'static str,
            Date,
            &str,
            &str,
            &str,
            bool,
            bool,
        );
        if q == 0 {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::PAYROLL_LIABILITIES,
                    amount: s.remittance,
                    text: "Remittance to tax office and social security",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: -s.remittance,
                    text: "Remittance",
                    ..Line::BARE
                },
            );
            (text, day, doc_type, process, user, manual, approval) = (
                "Payroll taxes and social security",
                cal.next_working(first.add_days(9)),
                "PR",
                "payroll",
                users::PAYRUN,
                false,
                true,
            );
        } else if q <= l.depreciation_chunks {
            let k = (q - 1) as usize;
            let from = k * l.classes_per_chunk;
            let to = (from + l.classes_per_chunk).min(ASSET_CLASSES.len());
            for (class, info) in ASSET_CLASSES.iter().enumerate().take(to).skip(from) {
                let amount = s.depreciation[class];
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
            (text, day, doc_type, process, user, manual, approval) = (
                "Depreciation run",
                last,
                "AA",
                "fixed_assets",
                users::ASSETS,
                false,
                false,
            );
        } else {
            let q = q - 1 - l.depreciation_chunks;
            if q < 2 * ACCRUALS {
                (text, day, doc_type, process, user, manual, approval) =
                    self.accrual(mo, q, batch, d, head);
            } else {
                (text, day, doc_type, process, user, manual, approval) =
                    self.bank_posting(mo, q - 2 * ACCRUALS, batch, d);
            }
        }
        (text, day, doc_type, process, user, manual, approval)
    }

    /// Slot `q` of the month's accruals: the accrual at its end, or the reversal of the
    /// previous month's on its first working day.
    fn accrual(
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
        let (text, day, doc_type, process, user, manual, approval): Posted;
        let a = q % ACCRUALS;
        let account =
            acc::ACCRUED_EXPENSES[((month + a) % acc::ACCRUED_EXPENSES.len() as u64) as usize];
        let cc = centers::OVERHEAD[(a as usize * 3 + month as usize) % centers::OVERHEAD.len()];
        if q < ACCRUALS {
            let amount = s.accrual(month as i64, a);
            Self::accrual_lines(batch, entry_id, (account, cc), amount, "Month-end accrual");
            (text, day, doc_type, process, user, manual, approval) = (
                "Month-end accrual",
                cal.previous_working(last),
                "SA",
                "period_close",
                crate::world::people::pick_user(users::GL, d),
                true,
                true,
            );
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
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::ACCRUED,
                    amount,
                    text: "Accrued liabilities",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: prev_account,
                    amount: -amount,
                    cost_center: Some(prev_cc),
                    text: "Reversal of accrual",
                    ..Line::BARE
                },
            );
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
            (text, day, doc_type, process, user, manual, approval) = (
                "Reversal of month-end accrual",
                cal.next_working(first),
                "SA",
                "period_close",
                users::GL_AUTO,
                false,
                false,
            );
        }
        (text, day, doc_type, process, user, manual, approval)
    }

    /// Slot `q` past the accruals: rent, bank charges, interest and the petty cash top-up.
    fn bank_posting(&self, mo: &Month<'_>, q: u64, batch: &mut Batch, d: &mut Draws) -> Posted {
        let Month {
            s,
            cal,
            first,
            last,
            entry_id,
            ..
        } = *mo;
        let (text, day, doc_type, process, user, manual, approval): Posted;
        match q {
            0 => {
                let tax = tax_of(s.rent_tax, s.rent);
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::RENT,
                        amount: s.rent,
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
                        amount: -(s.rent + tax),
                        text: "Standing order",
                        ..Line::BARE
                    },
                );
                (text, day, doc_type, process, user, manual, approval) = (
                    "Rent",
                    cal.next_working(first),
                    "ZB",
                    "treasury",
                    users::BANK,
                    false,
                    false,
                );
            }
            1 => {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK_CHARGES,
                        amount: s.bank_fee,
                        cost_center: Some(centers::FINANCE),
                        text: "Account fees",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: -s.bank_fee,
                        text: "Bank charges",
                        ..Line::BARE
                    },
                );
                (text, day, doc_type, process, user, manual, approval) = (
                    "Bank charges",
                    cal.previous_working(last),
                    "ZB",
                    "treasury",
                    users::BANK,
                    false,
                    false,
                );
            }
            2 => {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: s.interest,
                        text: "Interest credited",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::INTEREST_INCOME,
                        amount: -s.interest,
                        cost_center: Some(centers::FINANCE),
                        text: "Interest income",
                        ..Line::BARE
                    },
                );
                (text, day, doc_type, process, user, manual, approval) = (
                    "Interest",
                    cal.previous_working(last),
                    "ZB",
                    "treasury",
                    users::BANK,
                    false,
                    false,
                );
            }
            4 => {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::OUTPUT_TAX,
                        amount: s.vat_output,
                        text: "Output tax of the month before",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::INPUT_TAX,
                        amount: -s.vat_input,
                        text: "Input tax of the month before",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: s.vat_input - s.vat_output,
                        text: "Tax payment on account",
                        ..Line::BARE
                    },
                );
                (text, day, doc_type, process, user, manual, approval) = (
                    "Tax payment on account",
                    cal.next_working(first.add_days(9)),
                    "ZB",
                    "treasury",
                    users::PAYRUN,
                    false,
                    true,
                );
            }
            _ => {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::CASH,
                        amount: s.petty,
                        text: "Petty cash top-up",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: -s.petty,
                        text: "Cash withdrawal",
                        ..Line::BARE
                    },
                );
                (text, day, doc_type, process, user, manual, approval) = (
                    "Petty cash replenishment",
                    cal.next_working(first),
                    "SA",
                    "treasury",
                    crate::world::people::pick_user(users::GL, d),
                    true,
                    true,
                );
            }
        }
        (text, day, doc_type, process, user, manual, approval)
    }

    /// The receipt or payment that settles an open item of the opening balances, and
    /// (with documents on) the invoice it settles and its own document.
    fn settle_open_item(
        &self,
        item: &OpenItem,
        head: &mut Head,
        batch: &mut Batch,
        entry_id: u128,
        md: &MasterData,
    ) {
        let seed = self.config.seed;
        let invoice = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2);
        let payment = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2 + 1);
        if item.customer {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: item.gross,
                    text: "Incoming payment",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::RECEIVABLES,
                    amount: -item.gross,
                    partner: Some(item.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
            );
        } else {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::PAYABLES,
                    amount: item.gross,
                    partner: Some(item.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: -item.gross,
                    text: "Outgoing payment",
                    ..Line::BARE
                },
            );
        }
        let docs = self.config.documents.enabled;
        *head = Head {
            posting: item.settle,
            document_date: item.settle,
            document_type: if item.customer { "DZ" } else { "KZ" },
            process: if item.customer {
                "order_to_cash"
            } else {
                "procure_to_pay"
            },
            manual: false,
            user: if item.customer {
                users::BANK
            } else {
                users::PAYRUN
            },
            approval: !item.customer,
            header_text: if item.customer {
                "Incoming payment"
            } else {
                "Payment run"
            },
            document_id: docs.then_some(payment),
            reversal_of: None,
            partner_flow: Some((item.partner_id, !item.customer)),
            ..*head
        };
        if docs {
            let c = &self.economy.companies[head.company];
            let doc =
                |id, document_type, date, due_date, tax_amount, reference, entry_id| Document {
                    document_id: id,
                    document_type,
                    company_code: c.code,
                    partner_id: item.partner_id,
                    document_date: date,
                    due_date,
                    amount: item.gross,
                    tax_amount,
                    discount_amount: 0,
                    currency: c.currency,
                    status: if due_date.is_some() {
                        "paid"
                    } else {
                        "completed"
                    },
                    reference_document_id: reference,
                    entry_id,
                    item_count: 0,
                    bank_account: None,
                };
            let (inv_type, pay_type) = if item.customer {
                ("customer_invoice", "receipt")
            } else {
                ("vendor_invoice", "payment")
            };
            batch.documents.push(doc(
                invoice,
                inv_type,
                item.date,
                Some(item.due),
                item.tax,
                None,
                None,
            ));
            batch.documents.push(Document {
                bank_account: (!item.customer)
                    .then(|| self.vendor_account(md, item.partner, item.settle)),
                ..doc(
                    payment,
                    pay_type,
                    item.settle,
                    None,
                    0,
                    Some(invoice),
                    Some(entry_id),
                )
            });
        }
    }
}
