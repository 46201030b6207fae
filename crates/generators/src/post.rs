//! The posting vocabulary and builder: an entry's header ([`Head`]) and the helpers that
//! push its lines, header, documents' edges (the only code that writes journal rows).

use crate::anomalies::AnomalyType;
use crate::world::World;
use crate::world::master::{MasterData, account_node_id};
use crate::world::pools::{COST_CENTERS, TAX_CODES, USERS, users};
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{Batch, Date, DateTime, GraphEdge, JournalEntry, JournalLine};

/// What the header of an entry needs; its lines are already in the batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    /// The entry's index in the run.
    pub index: u64,
    /// Index of the company.
    pub company: usize,
    /// Posting date.
    pub posting: Date,
    /// Document date (on or before the posting date).
    pub document_date: Date,
    /// SAP-style document type.
    pub document_type: &'static str,
    /// Business process.
    pub process: &'static str,
    /// Entered by a person (else by a batch job).
    pub manual: bool,
    /// Who entered it.
    pub user: &'static str,
    /// Whether someone approves it.
    pub approval: bool,
    /// Header text.
    pub header_text: &'static str,
    /// The document it posts.
    pub document_id: Option<u128>,
    /// The entry it reverses.
    pub reversal_of: Option<u128>,
    /// A payment's partner and whether the money goes to them (for graph edges).
    pub partner_flow: Option<(u128, bool)>,
    /// The irregularity this entry carries, if any.
    pub anomaly: Option<AnomalyType>,
    /// Who approves it, when not the approver its amount calls for (anomalies).
    pub approver: Option<&'static str>,
    /// When it was entered, when not on its posting date (anomalies).
    pub created: Option<DateTime>,
    /// The day whose approval limits choose its approver, when not the day it was
    /// entered: a duplicate's is its original's, so that the same user approves both.
    pub approval_day: Option<Date>,
    /// A year-end closing entry: posted in fiscal period 13 of its year.
    pub closing: bool,
    /// Moves value between accounts, as the graph's edges show (a cost allocation moves
    /// costs between cost centers on each account, and has no edges).
    pub flows: bool,
}

impl Head {
    /// The fields of a clean entry that most heads leave as they are.
    pub const CLEAN: Head = Head {
        index: 0,
        company: 0,
        posting: Date(0),
        document_date: Date(0),
        document_type: "",
        process: "",
        manual: false,
        user: "",
        approval: false,
        header_text: "",
        document_id: None,
        reversal_of: None,
        partner_flow: None,
        anomaly: None,
        approver: None,
        created: None,
        approval_day: None,
        closing: false,
        flows: true,
    };
}

/// One line of an entry, by name: the account, the amount (> 0 debit, < 0 credit), and
/// what the line carries besides (`..Line::BARE` for none of it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// The account.
    pub(crate) account: u32,
    /// Minor units: > 0 debit, < 0 credit, 0 writes no line.
    pub(crate) amount: i64,
    /// Index of its tax code.
    pub(crate) tax: Option<usize>,
    /// Index of its cost center (P&L lines).
    pub(crate) cost_center: Option<usize>,
    /// The partner (vendor, customer, employee) it concerns.
    pub(crate) partner: Option<u128>,
    /// The line's text.
    pub(crate) text: &'static str,
}

impl Line {
    /// A line with no tax, cost center or partner (and no account, amount or text yet).
    pub(crate) const BARE: Line = Line {
        account: 0,
        amount: 0,
        tax: None,
        cost_center: None,
        partner: None,
        text: "",
    };
}

impl World {
    /// The bank account vendor `vendor` is paid into on `day`.
    #[inline]
    pub(crate) fn vendor_account(
        &self,
        md: &MasterData,
        vendor: usize,
        day: Date,
    ) -> synth_model::BankAccount {
        let current = md.vendors.get(vendor).map(|v| v.bank_account);
        self.bank
            .account_at(vendor, current.unwrap_or_default(), day)
    }

    /// The id of entry `index`.
    #[inline]
    pub(crate) fn entry_id(&self, index: u64) -> u128 {
        record_id(self.config.seed, stream::ENTRY, index)
    }

    /// Appends line `l` of entry `entry_id`: its amount > 0 debits, < 0 credits, 0
    /// writes nothing.
    #[inline]
    pub(crate) fn line(batch: &mut Batch, entry_id: u128, l: Line) {
        if l.amount == 0 {
            return;
        }
        batch.lines.push(JournalLine {
            entry_id,
            line_number: 0,
            account: l.account,
            debit: l.amount.max(0),
            credit: (-l.amount).max(0),
            tax_code: l.tax.map(|t| TAX_CODES[t].0),
            cost_center: l.cost_center.map(|c| COST_CENTERS[c].0),
            partner_id: l.partner,
            line_text: l.text,
        });
    }

    /// Appends line `l` and its counterpart on the operating bank account, under
    /// `bank_text`: what is paid from the bank (`l` a debit) or received into it.
    #[inline]
    pub(crate) fn paid_from_bank(
        batch: &mut Batch,
        entry_id: u128,
        l: Line,
        bank_text: &'static str,
    ) {
        let amount = l.amount;
        Self::line(batch, entry_id, l);
        Self::line(
            batch,
            entry_id,
            Line {
                account: crate::world::pools::accounts::BANK,
                amount: -amount,
                text: bank_text,
                ..Line::BARE
            },
        );
    }

    /// Appends an accrual's two lines: `amount` on expense `account` (cost center
    /// `cost_center`, text `text`), the opposite on accrued liabilities.
    #[inline]
    pub(crate) fn accrual_lines(
        batch: &mut Batch,
        entry_id: u128,
        (account, cost_center): (u32, usize),
        amount: i64,
        text: &'static str,
    ) {
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount,
                cost_center: Some(cost_center),
                text,
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: crate::world::pools::accounts::ACCRUED,
                amount: -amount,
                text: "Accrued liabilities",
                ..Line::BARE
            },
        );
    }

    /// Appends the two lines that reverse an accrual of `amount` on `account` and
    /// `cost_center`: accrued liabilities debited, the expense credited.
    pub(crate) fn accrual_reversal_lines(
        batch: &mut Batch,
        entry_id: u128,
        (account, cost_center): (u32, usize),
        amount: i64,
    ) {
        Self::line(
            batch,
            entry_id,
            Line {
                account: crate::world::pools::accounts::ACCRUED,
                amount,
                text: "Accrued liabilities",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: -amount,
                cost_center: Some(cost_center),
                text: "Reversal of accrual",
                ..Line::BARE
            },
        );
    }

    /// Appends the tax line of code `tax` (input tax debited, output tax credited by the
    /// sign of `amount`), if the code posts tax to an account.
    #[inline]
    pub(crate) fn tax_line(batch: &mut Batch, entry_id: u128, tax: usize, amount: i64) {
        let account = TAX_CODES[tax].4;
        if account != 0 {
            let text = match account {
                crate::world::pools::accounts::INPUT_TAX => "Input tax",
                crate::world::pools::accounts::OUTPUT_TAX => "Output tax",
                _ => "Tax",
            };
            Self::line(
                batch,
                entry_id,
                Line {
                    account,
                    amount,
                    tax: Some(tax),
                    text,
                    ..Line::BARE
                },
            );
        }
    }

    /// Appends a line with nothing but its account, amount, partner and text.
    pub(crate) fn bare_line(
        batch: &mut Batch,
        entry_id: u128,
        (account, amount): (u32, i64),
        partner: Option<u128>,
        text: &'static str,
    ) {
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
    }

    /// The two lines of tax the company self-assesses under the reverse charge (code
    /// `tax`): input tax and output tax of `amount`.
    pub(crate) fn reverse_charge_lines(batch: &mut Batch, entry_id: u128, tax: usize, amount: i64) {
        for (account, amount, text) in [
            (
                crate::world::pools::accounts::INPUT_TAX,
                amount,
                "Input tax, reverse charge",
            ),
            (
                crate::world::pools::accounts::OUTPUT_TAX,
                -amount,
                "Output tax, reverse charge",
            ),
        ] {
            Self::line(
                batch,
                entry_id,
                Line {
                    account,
                    amount,
                    tax: Some(tax),
                    text,
                    ..Line::BARE
                },
            );
        }
    }

    /// An approver for an entry of `total` entered by `creator` on `day`: a user of the
    /// lowest role whose approval limit covers it, or a senior accountant whose limit
    /// was raised to it by then; never the creator.
    #[inline]
    pub(crate) fn approver(
        &self,
        total: i64,
        creator: &str,
        day: Date,
        d: &mut Draws,
    ) -> &'static str {
        let period = (self.economy.start, self.economy.end);
        for (tier, (range, limit)) in users::APPROVERS.iter().enumerate() {
            if total <= *limit {
                // The senior accountants whose limit was raised to the controllers'
                // approve with them from the day it was.
                let mut extra = [0usize; users::RAISED.len()];
                let mut m = 0;
                for (k, _) in users::RAISED {
                    if tier == 2 && crate::world::people::limit_on(*k, day, period) >= *limit {
                        extra[m] = *k;
                        m += 1;
                    }
                }
                let own = range.end - range.start;
                let n = own + m;
                let pick = |j: usize| {
                    if j < own {
                        range.start + j
                    } else {
                        extra[j - own]
                    }
                };
                let mut j = d.below(n);
                if USERS[pick(j)].0 == creator {
                    if n == 1 {
                        // The only one of the role: the next role up approves.
                        continue;
                    }
                    j = (j + 1) % n;
                }
                return USERS[pick(j)].0;
            }
        }
        // Above every limit: the highest role (the CFO).
        let top = users::APPROVERS
            .last()
            .map_or(USERS.len() - 1, |(r, _)| r.start);
        USERS[top].0
    }

    /// A time of day: office hours for people, mostly night for batch jobs.
    #[inline]
    pub(crate) fn time_of_day(manual: bool, d: &mut Draws) -> u32 {
        if manual {
            // 08:00-18:00, quieter over lunch.
            let mut s = 8 * 3600 + d.below(10 * 3600) as u32;
            if (12 * 3600..13 * 3600).contains(&s) && d.below(2) == 0 {
                s = 8 * 3600 + d.below(10 * 3600) as u32;
            }
            s
        } else if d.below(100) < 65 {
            // The nightly batch window.
            1800 + d.below(5 * 3600) as u32
        } else {
            6 * 3600 + d.below(18 * 3600) as u32
        }
    }

    /// Numbers the lines from `first_line`, writes the header and the graph edges.
    pub(crate) fn close(&self, batch: &mut Batch, head: &Head, first_line: usize, d: &mut Draws) {
        let entry_id = self.entry_id(head.index);
        let lines = &mut batch.lines[first_line..];
        let mut total = 0i64;
        for (k, line) in lines.iter_mut().enumerate() {
            line.line_number = k as u32 + 1;
            total += line.debit;
        }
        let n = lines.len();
        let created_at = match head.created {
            Some(t) => t,
            None => DateTime::new(head.posting, Self::time_of_day(head.manual, d)),
        };
        let approved_by = head.approval.then(|| {
            head.approver.unwrap_or_else(|| {
                let day = head.approval_day.unwrap_or(created_at.date());
                self.approver(total, head.user, day, d)
            })
        });
        let (y, m, _) = head.posting.ymd();
        let company = &self.economy.companies[head.company];
        batch.entries.push(JournalEntry {
            entry_id,
            company_code: company.code,
            fiscal_year: y as u16,
            fiscal_period: if head.closing { 13 } else { m as u8 },
            posting_date: head.posting,
            document_date: head.document_date.min(head.posting),
            created_at,
            document_type: head.document_type,
            business_process: head.process,
            source: if head.manual { "manual" } else { "automated" },
            user_id: head.user,
            approved_by,
            currency: company.currency,
            header_text: head.header_text,
            line_count: n as u32,
            document_id: head.document_id,
            reversal_of: head.reversal_of,
            is_anomaly: head.anomaly.is_some(),
            anomaly_type: head.anomaly.map(AnomalyType::name),
        });
        if self.config.graph.enabled && head.flows {
            self.edges(batch, head, entry_id, first_line);
        }
    }

    /// Money flows from the hub line (the largest line of the side with fewer lines)
    /// to each line of the other side, or from each line to it.
    fn edges(&self, batch: &mut Batch, head: &Head, entry_id: u128, first_line: usize) {
        let seed = self.config.seed;
        let end = batch.lines.len();
        if end == first_line {
            return;
        }
        let debits = batch.lines[first_line..end]
            .iter()
            .filter(|l| l.debit > 0)
            .count();
        let credits = end - first_line - debits;
        let hub_is_credit = credits <= debits;
        let mut hub = first_line;
        let mut best = -1i64;
        for k in first_line..end {
            let l = &batch.lines[k];
            let (on_hub_side, amount) = if hub_is_credit {
                (l.credit > 0, l.credit)
            } else {
                (l.debit > 0, l.debit)
            };
            if on_hub_side && amount > best {
                best = amount;
                hub = k;
            }
        }
        let hub_node = account_node_id(seed, batch.lines[hub].account);
        for k in first_line..end {
            let l = batch.lines[k];
            let other = if hub_is_credit { l.debit } else { l.credit };
            if other == 0 {
                continue;
            }
            let node = account_node_id(seed, l.account);
            let (source, target) = if hub_is_credit {
                (hub_node, node)
            } else {
                (node, hub_node)
            };
            batch.edges.push(GraphEdge {
                source_node_id: source,
                target_node_id: target,
                entry_id,
                amount: other,
                posting_date: head.posting,
                edge_type: "posting",
            });
        }
        if let Some((partner, outgoing)) = head.partner_flow {
            let bank = account_node_id(seed, crate::world::pools::accounts::BANK);
            let amount = batch.lines[first_line..end]
                .iter()
                .filter(|l| l.account == crate::world::pools::accounts::BANK)
                .map(|l| l.debit + l.credit)
                .sum();
            let (source, target) = if outgoing {
                (bank, partner)
            } else {
                (partner, bank)
            };
            batch.edges.push(GraphEdge {
                source_node_id: source,
                target_node_id: target,
                entry_id,
                amount,
                posting_date: head.posting,
                edge_type: "partner",
            });
        }
    }
}

/// A completed document of company `c` with vendor `vendor`, without tax, due date,
/// reference or items (the caller sets those it has).
pub(crate) fn bare_document(
    c: &crate::world::economy::CompanyBooks,
    vendor: u128,
    (id, document_type): (u128, &'static str),
    (amount, day): (i64, synth_model::Date),
    entry_id: u128,
) -> synth_model::Document {
    synth_model::Document {
        document_id: id,
        document_type,
        company_code: c.code,
        partner_id: vendor,
        document_date: day,
        due_date: None,
        amount,
        tax_amount: 0,
        discount_amount: 0,
        currency: c.currency,
        exchange_rate: crate::world::fx::RATE_ONE,
        status: "completed",
        reference_document_id: None,
        entry_id: Some(entry_id),
        item_count: 0,
        bank_account: None,
    }
}
