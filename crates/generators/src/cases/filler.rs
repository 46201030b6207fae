//! The single-entry cases that fill a block's free slots (expense claims, direct
//! debits, petty cash, reclassifications, cost allocations), and how one is changed to
//! carry an anomaly.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::{CompanyBooks, FillerKind, TaxSet, filler_kind, filler_median, tax_of};
use crate::world::people::{off_round, petty_cap, pick_user};
use crate::world::pools::{self, USERS, accounts as acc, centers, texts, users};
use crate::world::rng::{Draws, stream};
use synth_model::{Batch, Date};

/// The header fields of a single-entry case: document type, process, whether manual,
/// user, whether approved, header text.
type FillerHead = (
    &'static str,
    &'static str,
    bool,
    &'static str,
    bool,
    &'static str,
);

impl World {
    /// A single-entry case in a free slot of a block: an expense claim, a direct debit,
    /// a petty cash purchase or a reclassification.
    pub(crate) fn filler(&self, slot: u64, batch: &mut Batch) {
        if let Some((n, d)) = self.allocation_lines(slot) {
            self.allocation(slot, n, d, batch);
            return;
        }
        let tw = self.near_miss(slot).unwrap_or(Twist::NONE);
        self.filler_with(slot, batch, &tw);
    }

    /// A clean look-alike of a single-entry anomaly whose type is set above `easy`, for
    /// a share of the slots: what a naive rule flags too (entries made late in the
    /// evening at a month end, legitimate round amounts, a month's last entries made in
    /// the first days of the next). About two per anomaly of the type (realistic), five
    /// (hard); none at `easy`.
    fn near_miss(&self, slot: u64) -> Option<Twist> {
        use crate::anomalies::{AnomalyType as A, Difficulty};
        const LOOK_ALIKES: [A; 3] = [A::OffHoursEntry, A::RoundAmount, A::BackdatedEntry];
        let a = &self.config.anomalies;
        if !a.enabled || LOOK_ALIKES.iter().all(|t| a.level(*t) == Difficulty::Easy) {
            return None;
        }
        let total: f64 = A::ALL.iter().map(|t| a.weights.get(*t).max(0.0)).sum();
        let mut d = Draws::new(self.config.seed, stream::NEAR_MISS, slot);
        let u = d.unit();
        let mut below = 0.0;
        let t = LOOK_ALIKES.into_iter().find(|t| {
            let per_anomaly = a.level(*t).pick(0.0, 2.0, 5.0);
            below +=
                a.rate * a.weights.get(*t).max(0.0) / total.max(f64::MIN_POSITIVE) * per_anomaly;
            u < below
        })?;
        let level = a.level(t);
        let e = &self.economy;
        let company = d.below(e.companies.len());
        let c = &e.companies[company];
        // A month's last two working days: the close, when people work late.
        let drawn = c.calendar.sample_working(&mut d);
        let (y, m, _) = drawn.ymd();
        let last = Date::from_ymd(y, m, synth_model::days_in_month(y, m)).unwrap_or(drawn);
        let mut close = c.calendar.previous_working(last);
        if d.below(2) == 0 {
            close = c.calendar.previous_working(close.add_days(-1));
        }
        if close < e.start || close > e.end {
            close = drawn;
        }
        let manual = Twist {
            company: Some(company),
            date: Some(close),
            kind: Some(if d.below(2) == 0 {
                FillerKind::Reclass
            } else {
                FillerKind::PettyCash
            }),
            ..Twist::NONE
        };
        let secs = |from: u32, width: u32, d: &mut Draws| from + d.below(width as usize) as u32;
        Some(match t {
            A::OffHoursEntry => {
                let at = match (level, d.below(2)) {
                    (Difficulty::Hard, 0) => secs(6 * 3600, 2 * 3600, &mut d),
                    (Difficulty::Hard, _) => secs(18 * 3600, 3 * 3600, &mut d),
                    _ => secs(18 * 3600, 9000, &mut d),
                };
                Twist {
                    created: Some(synth_model::DateTime::new(close, at)),
                    ..manual
                }
            }
            A::RoundAmount => {
                const K: &[i64] = &[10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100];
                let scale = libm::pow(10.0, libm::floor(libm::log10(c.fx.max(1.0)))) as i64;
                Twist {
                    kind: Some(FillerKind::Reclass),
                    date: Some(drawn),
                    amount: Some(d.pick(K) * 100_000 * scale),
                    ..manual
                }
            }
            _ => {
                let late = c
                    .calendar
                    .next_working(close.add_days(1 + d.below(3) as i32));
                Twist {
                    created: Some(synth_model::DateTime::new(
                        late,
                        secs(9 * 3600, 8 * 3600, &mut d),
                    )),
                    ..manual
                }
            }
        })
    }

    /// A single-entry case, changed as `tw` says (the anomalies that are one entry).
    pub(crate) fn filler_with(&self, slot: u64, batch: &mut Batch, tw: &Twist) {
        let seed = self.config.seed;
        let e = &self.economy;
        let index = self.layout.total + slot;
        let entry_id = self.entry_id(index);
        // A duplicate draws what its original drew.
        let draws = tw.replay.map_or(slot, |r| r.0);
        let mut d = Draws::new(seed, stream::FILLER, draws);
        let drawn_kind = filler_kind(&mut d);
        let kind = tw.kind.unwrap_or(drawn_kind);
        let drawn_company = d.below(e.companies.len());
        let company = tw.company.unwrap_or(drawn_company);
        let c = &e.companies[company];
        let z = d.normal();
        // Reclassifications move amounts of any size (and so follow Benford's law).
        let sigma = if kind == FillerKind::Reclass {
            1.5
        } else {
            0.8
        };
        let mut amount = libm::round(
            filler_median(kind)
                * e.price_scale
                * e.filler_scale
                * c.fx
                * 100.0
                * libm::exp(sigma * z),
        )
        .max(100.0) as i64;
        if kind == FillerKind::Reclass {
            amount = large_reclass(amount, &mut d);
        }
        let drawn_date = c.calendar.sample_working(&mut d);
        let date = tw.date.unwrap_or(drawn_date);
        let first_line = batch.lines.len();
        let tax = TaxSet::draw(c.tax.input, &mut d);
        if let Some(a) = tw.amount {
            amount = a;
        }
        if tw.self_approve {
            // Within the user's own limit: only the approval itself is irregular.
            amount = amount.min(users::APPROVERS[0].1 * 4 / 5 - 1_111);
        }
        // An expense claim is an employee's, charged to their cost center.
        let md = self.registry.get();
        let claimant = (kind == FillerKind::ExpenseClaim && !tw.cash_against_expense)
            .then(|| {
                let first = tw.replay.map_or(date, |r| r.1);
                match tw.claimant {
                    Some(i) => md.employees.get(i).and_then(|e| {
                        let k = pools::COST_CENTERS
                            .iter()
                            .position(|x| x.0 == e.cost_center)?;
                        Some((i, k))
                    }),
                    None => self.claimant(&md.employees, company, first, draws),
                }
            })
            .flatten();
        let (document_type, process, manual, user, approval, header_text) = match kind {
            _ if tw.cash_against_expense => {
                let cap = petty_cap(e.price_scale, c.fx);
                Self::cash_correction((amount.min(cap).max(100), tax), batch, entry_id, &mut d)
            }
            FillerKind::ExpenseClaim | FillerKind::DirectDebit | FillerKind::PettyCash => {
                let center = claimant.map(|c| c.1);
                self.expense(
                    c,
                    (kind, tw, center),
                    (amount, tax),
                    batch,
                    entry_id,
                    &mut d,
                )
            }
            FillerKind::Reclass => Self::reclass(tw, amount, batch, entry_id, &mut d),
        };
        let user = tw.user.unwrap_or(user);
        if let Some((i, k)) = claimant
            && let (Some(e), Some(expense)) = (md.employees.get(i), batch.lines.get(first_line))
        {
            let gross: i64 = batch.lines[first_line..].iter().map(|l| l.credit).sum();
            let claim = super::claims::ClaimEntry {
                company,
                slot,
                draws,
                date: tw.replay.map_or(date, |r| r.1),
                resubmitted: tw.replay.map(|_| date),
                padded: tw.padded,
                gross,
                tax: gross - expense.debit,
                fx: c.fx,
                entry_id,
            };
            self.claim(&claim, (e, k), batch);
        }
        let header_text = match (tw.header, tw.damaged_header) {
            (Some(h), _) => h,
            (None, Some(how)) => damaged(header_text, how),
            (None, None) => header_text,
        };
        if tw.no_cost_center
            && let Some(l) = batch.lines[first_line..]
                .iter_mut()
                .find(|l| l.cost_center.is_some())
        {
            l.cost_center = None;
        }
        let head = Head {
            index,
            company,
            posting: date,
            document_date: tw.document_date.unwrap_or(date),
            document_type,
            process,
            manual,
            user,
            approval: approval && !tw.unapproved,
            header_text,
            document_id: None,
            reversal_of: None,
            partner_flow: None,
            anomaly: tw.anomaly,
            approver: if tw.self_approve {
                Some(user)
            } else if tw.approver.is_some() {
                tw.approver
            } else {
                tw.approver_tier.map(|t| {
                    let r = users::APPROVERS[t].0.clone();
                    let mut k = r.start + d.below(r.end - r.start);
                    if USERS[k].0 == user {
                        k = r.start + (k - r.start + 1) % (r.end - r.start);
                    }
                    USERS[k].0
                })
            },
            created: tw.created,
            approval_day: tw.replay.map(|r| r.1),
            closing: false,
            flows: true,
        };
        let _ = pools::COST_CENTERS.len();
        self.close(batch, &head, first_line, &mut d);
    }

    /// A manual entry that debits cash or bank and credits an expense (an anomaly's twist).
    fn cash_correction(
        (amount, tax): (i64, usize),
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
    ) -> FillerHead {
        let amount = off_round(amount);
        let account = d.pick(&[acc::OFFICE_SUPPLIES, acc::TRAVEL, 690000]);
        let t = tax_of(tax, amount);
        // A petty cash purchase turned around, with its texts and its tax as clean ones
        // have them: only the direction is irregular (a manual entry of this kind never
        // touches the bank).
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: -amount,
                tax: Some(tax),
                cost_center: Some(d.pick(centers::ALL)),
                text: "Petty cash purchase",
                ..Line::BARE
            },
        );
        Self::tax_line(batch, entry_id, tax, -t);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::CASH,
                amount: amount + t,
                text: "Paid from petty cash",
                ..Line::BARE
            },
        );
        (
            "SA",
            "expenses",
            true,
            pick_user(users::GL, d),
            true,
            d.pick(texts::PETTY_CASH),
        )
    }

    /// An expense claim (charged to `center`, the claimant's, if any), a direct debit or
    /// a petty cash purchase.
    fn expense(
        &self,
        c: &CompanyBooks,
        (kind, tw, center): (FillerKind, &Twist, Option<usize>),
        (mut amount, tax): (i64, usize),
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
    ) -> FillerHead {
        let (drawn, centers_pool) = match kind {
            FillerKind::ExpenseClaim => (acc::TRAVEL, centers::ALL),
            FillerKind::DirectDebit => (
                d.pick(&[acc::UTILITIES, 650000, 690000, acc::PROFESSIONAL_FEES]),
                centers::OVERHEAD,
            ),
            _ => (
                d.pick(&[acc::OFFICE_SUPPLIES, acc::OFFICE_SUPPLIES, acc::TRAVEL]),
                centers::ALL,
            ),
        };
        let account = tw.expense_account.unwrap_or(drawn);
        if kind == FillerKind::PettyCash && tw.amount.is_none() {
            amount = amount
                .min(petty_cap(self.economy.price_scale, c.fx))
                .max(100);
            // Clean G/L postings are never round thousands (see `off_round`).
            if off_round(amount + tax_of(tax, amount)) != amount + tax_of(tax, amount) {
                amount += 1;
            }
        }
        let t = tax_of(tax, amount);
        let text = match kind {
            FillerKind::ExpenseClaim => "Travel and subsistence",
            FillerKind::DirectDebit => "Direct debit",
            _ => "Petty cash purchase",
        };
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount,
                tax: Some(tax),
                cost_center: Some(center.unwrap_or(d.pick(centers_pool))),
                text,
                ..Line::BARE
            },
        );
        Self::tax_line(batch, entry_id, tax, t);
        let credit = if kind == FillerKind::PettyCash {
            acc::CASH
        } else {
            acc::BANK
        };
        Self::line(
            batch,
            entry_id,
            Line {
                account: credit,
                amount: -(amount + t),
                text: if credit == acc::CASH {
                    "Paid from petty cash"
                } else {
                    "Bank"
                },
                ..Line::BARE
            },
        );
        match kind {
            FillerKind::ExpenseClaim => (
                "SA",
                "expenses",
                false,
                users::EXPENSE,
                true,
                d.pick(texts::EXPENSE_CLAIM),
            ),
            FillerKind::DirectDebit => (
                "ZB",
                "treasury",
                false,
                users::BANK,
                false,
                d.pick(texts::DIRECT_DEBIT),
            ),
            _ => (
                "SA",
                "expenses",
                true,
                pick_user(users::GL, d),
                true,
                d.pick(texts::PETTY_CASH),
            ),
        }
    }

    /// The two lines of a reclassification of `amount` between two cost centers.
    pub(crate) fn reclass_lines(batch: &mut Batch, entry_id: u128, amount: i64, d: &mut Draws) {
        let account = d.pick(acc::RECLASS);
        let from = d.pick(centers::ALL);
        let mut to = d.pick(centers::ALL);
        if to == from {
            to = centers::ALL[(from + 1) % centers::ALL.len()];
        }
        Self::center_pair(
            batch,
            entry_id,
            (account, amount),
            (to, from),
            ("Reclass to cost center", "Reclass from cost center"),
        );
    }

    /// The two lines of an expense moved to a fixed asset account (an anomaly's twist):
    /// repairs or software credited on a cost center, the asset debited.
    fn capitalisation(batch: &mut Batch, entry_id: u128, amount: i64, d: &mut Draws) {
        let (asset, expense) = d.pick(&[(150000, 690000), (151000, 650000), (151000, 690000)]);
        let center = d.pick(centers::ALL);
        Self::disguised_reclass(batch, entry_id, amount, (asset, expense, center));
    }

    /// The two lines of revenue booked against receivables of no customer (an anomaly's
    /// twist).
    fn top_side(batch: &mut Batch, entry_id: u128, amount: i64, d: &mut Draws) {
        let revenue = d.pick(&[acc::REVENUE_PRODUCTS, acc::REVENUE_SERVICES]);
        let center = d.pick(centers::SALES);
        Self::disguised_reclass(batch, entry_id, amount, (acc::RECEIVABLES, revenue, center));
    }

    /// Two lines dressed as a reclassification between cost centers (its texts), that
    /// debit `debit` (a balance-sheet account, without a cost center) and credit `credit`
    /// on cost center `center`: how the anomalies that move amounts out of the P&L or
    /// into it disguise themselves.
    pub(crate) fn disguised_reclass(
        batch: &mut Batch,
        entry_id: u128,
        amount: i64,
        (debit, credit, center): (u32, u32, usize),
    ) {
        Self::line(
            batch,
            entry_id,
            Line {
                account: debit,
                amount,
                text: "Reclass to cost center",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: credit,
                amount: -amount,
                cost_center: Some(center),
                text: "Reclass from cost center",
                ..Line::BARE
            },
        );
    }

    /// Two lines that move `amount` on `account` from cost center `from` to `to`: the
    /// debit of `to`, then the credit of `from`, with their texts.
    pub(crate) fn center_pair(
        batch: &mut Batch,
        entry_id: u128,
        (account, amount): (u32, i64),
        (to, from): (usize, usize),
        (to_text, from_text): (&'static str, &'static str),
    ) {
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount,
                cost_center: Some(to),
                text: to_text,
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: -amount,
                cost_center: Some(from),
                text: from_text,
                ..Line::BARE
            },
        );
    }

    /// A reclassification between two cost centers.
    fn reclass(
        tw: &Twist,
        mut amount: i64,
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
    ) -> FillerHead {
        // Manual adjustments are often round.
        if d.below(100) < 60 && tw.amount.is_none() && amount >= 100_000 {
            amount = off_round((amount / 10_000).max(1) * 10_000);
        }
        if tw.capitalise {
            Self::capitalisation(batch, entry_id, amount, d);
        } else if tw.top_side {
            Self::top_side(batch, entry_id, amount, d);
        } else {
            Self::reclass_lines(batch, entry_id, amount, d);
        }
        (
            "SA",
            "general_ledger",
            true,
            pick_user(users::GL, d),
            true,
            d.pick(texts::RECLASS),
        )
    }
}

/// What a single-entry case changes to carry an anomaly ([`Twist::NONE`]: nothing).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Twist {
    /// The irregularity, for the entry's label columns.
    pub anomaly: Option<crate::anomalies::AnomalyType>,
    /// The kind of case, instead of the drawn one.
    pub kind: Option<FillerKind>,
    /// The company, instead of the drawn one.
    pub company: Option<usize>,
    /// The amount (net), instead of the drawn one.
    pub amount: Option<i64>,
    /// The posting date, instead of the drawn one.
    pub date: Option<Date>,
    /// When it was entered, instead of the posting date in office hours.
    pub created: Option<synth_model::DateTime>,
    /// Approved by the user who entered it.
    pub self_approve: bool,
    /// Approved by a user of this approval tier, whatever the amount.
    pub approver_tier: Option<usize>,
    /// Approved by this user, whatever the amount.
    pub approver: Option<&'static str>,
    /// Cash or bank debited against an expense credited.
    pub cash_against_expense: bool,
    /// Its first line with a cost center loses it.
    pub no_cost_center: bool,
    /// The header text, instead of the drawn one.
    pub header: Option<&'static str>,
    /// The header text damaged: a character lost to an encoding, or a typing error.
    pub damaged_header: Option<Damage>,
    /// Saved without an approval.
    pub unapproved: bool,
    /// Entered by this user, instead of one whose role posts such entries.
    pub user: Option<&'static str>,
    /// The date of its document (receipt), instead of the posting date.
    pub document_date: Option<Date>,
    /// Its expense line's account, instead of the drawn expense account.
    pub expense_account: Option<u32>,
    /// An expense moved to a fixed asset account, instead of a reclassification between
    /// cost centers.
    pub capitalise: bool,
    /// Revenue credited against receivables of no customer, instead of a
    /// reclassification between cost centers.
    pub top_side: bool,
    /// An expense claim for a client dinner, whatever its amount (padded).
    pub padded: bool,
    /// A duplicate of the case of this slot, first posted on this date: the same draws
    /// (company, amount, accounts, texts, user, claimant), posted again.
    pub replay: Option<(u64, Date)>,
    /// An expense claim of this employee (index in the employees table), instead of one
    /// employed on the day.
    pub claimant: Option<usize>,
}

impl Twist {
    /// No change.
    pub const NONE: Twist = Twist {
        anomaly: None,
        kind: None,
        company: None,
        amount: None,
        date: None,
        created: None,
        self_approve: false,
        approver_tier: None,
        approver: None,
        cash_against_expense: false,
        no_cost_center: false,
        header: None,
        damaged_header: None,
        unapproved: false,
        user: None,
        document_date: None,
        expense_account: None,
        capitalise: false,
        top_side: false,
        padded: false,
        replay: None,
        claimant: None,
    };
}

/// How a header text is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    /// One character lost to a broken encoding (U+FFFD in its place).
    Encoding,
    /// A typing error: two letters swapped, or one left out.
    Typo,
}

/// `text` damaged as `how` says: the header texts of manual single-entry cases, each
/// damaged once each way.
fn damaged(text: &str, how: Damage) -> &'static str {
    const DAMAGED: &[(&str, &str, &str)] = &[
        ("Petty cash", "Petty c\u{FFFD}sh", "Petty cahs"),
        ("Cash purchase", "Cash purch\u{FFFD}se", "Cash purhcase"),
        (
            "Petty cash voucher",
            "Petty cash vouch\u{FFFD}r",
            "Petty cash vocuher",
        ),
        (
            "Reclassification",
            "Reclassi\u{FFFD}cation",
            "Reclassifciation",
        ),
        (
            "Cost center correction",
            "Cost center correcti\u{FFFD}n",
            "Cost center corretcion",
        ),
        (
            "Reclass, see memo",
            "Reclass, see m\u{FFFD}mo",
            "Reclass, see meom",
        ),
        ("Expense claim", "Expense cl\u{FFFD}im", "Expense cliam"),
        (
            "Travel expense report",
            "Travel expense rep\u{FFFD}rt",
            "Travel expense reoprt",
        ),
        (
            "Employee reimbursement",
            "Employee reimburs\u{FFFD}ment",
            "Employee reimbursment",
        ),
        ("Direct debit", "Direct d\u{FFFD}bit", "Direct debti"),
        ("Bank debit", "Bank d\u{FFFD}bit", "Bank debti"),
        ("Standing order", "Standing ord\u{FFFD}r", "Standing oredr"),
    ];
    let (_, encoding, typo) = DAMAGED
        .iter()
        .find(|(clean, _, _)| *clean == text)
        .copied()
        .unwrap_or(DAMAGED[3]);
    match how {
        Damage::Encoding => encoding,
        Damage::Typo => typo,
    }
}

/// A reclassification's amount: `amount`, or for one in forty a large one, log-uniform
/// from the lowest approval limit to forty times it (approved by whoever's limit covers
/// it), never in the last fifth below a limit (where the parts of a split sit).
fn large_reclass(amount: i64, d: &mut Draws) -> i64 {
    if d.below(40) != 0 {
        return amount;
    }
    let lowest = users::APPROVERS[0].1 as f64;
    let x = libm::round(lowest * libm::exp(d.unit() * libm::log(40.0))) as i64;
    match users::APPROVERS
        .iter()
        .find(|(_, limit)| x >= limit / 5 * 4 && x <= *limit)
    {
        Some(_) => x / 4 * 3,
        None => x,
    }
}
