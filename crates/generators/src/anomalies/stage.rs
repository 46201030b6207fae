//! The scenes of the standalone types: a block whose case is replaced by an anomaly,
//! and the single-entry cases twisted to carry one.

use crate::anomalies::Touched;
use crate::anomalies::{AnomalyType as A, Effect, Staged, Twisted};
use crate::cases::{Damage, Plan, Twist};
use crate::world::World;
use crate::world::economy::FillerKind;
use crate::world::master::MasterData;
use crate::world::people::{off_round, pick_user};
use crate::world::pools::accounts as acc;
use crate::world::pools::{USERS, users};
use crate::world::rng::Draws;
use synth_model::{Batch, Date, DateTime};

/// Header texts auditors search for (a plug, an override, an instruction from above).
const SUSPICIOUS: &[&str] = &[
    "Plug to balance",
    "Per CFO instruction",
    "Do not reverse",
    "Manual override, see email",
    "Adjust to forecast",
    "As instructed by management",
    "Correction, confidential",
    "Top-side adjustment",
];

impl World {
    /// Slot `s` of a block whose case is replaced by a standalone anomaly `t`.
    pub(crate) fn scenario(&self, p: &Plan, t: A, s: u8, batch: &mut Batch, md: &MasterData) {
        let slot = p.first - self.layout.total + u64::from(s);
        match t.effect() {
            Effect::Scene(Staged::SplitPurchase) => self.split_purchase(p, s, batch, md),
            Effect::Scene(Staged::ReversalReposted) if s < 3 => self.reversal_reposted(p, s, batch),
            Effect::Scene(Staged::Benford) => self.benford(p, s, batch),
            Effect::Scene(Staged::FictitiousVendor) if s < 2 => {
                self.fictitious_vendor(p, t, s, batch, md)
            }
            Effect::Scene(Staged::DivertedPayment) if s < 2 => {
                self.diverted_payment(p, s, batch, md)
            }
            Effect::Scene(Staged::Duplicate) if s < 2 => self.duplicate(p, t, s, batch),
            Effect::Scene(Staged::CookieJar) if s < 2 => self.cookie_jar(p, s, batch),
            Effect::Scene(Staged::SplitEntry) => self.split_entry(p, s, batch),
            Effect::Scene(Staged::Collusion) => self.collusion(p, s, batch),
            Effect::Scene(Staged::PayrollDiversion) if s == 0 => {
                self.filler(slot, batch);
                self.payroll_diversion(p, batch);
            }
            Effect::Scene(Staged::InventoryTheft) if s == 0 => {
                self.filler(slot, batch);
                self.inventory_theft(p, batch);
            }
            Effect::Scene(Staged::GhostEmployee) if s == 0 => {
                self.filler(slot, batch);
                self.ghost_employee(p, batch);
            }
            Effect::Twist(_) if s == 0 => {
                let tw = self.twist(p.block(), t);
                let first_line = batch.lines.len();
                self.filler_with(slot, batch, &tw);
                let e = batch.entries.last().map(|e| e.posting_date);
                let company = tw.company.unwrap_or(0);
                // The line that lost its cost center, where one did.
                let line = match tw.no_cost_center {
                    true => batch.lines[first_line..]
                        .iter()
                        .find(|l| {
                            l.cost_center.is_none() && (500_000..700_000).contains(&l.account)
                        })
                        .map(|l| (p.first, l.line_number)),
                    false => None,
                };
                self.label(
                    batch,
                    t,
                    p.first,
                    company,
                    e.unwrap_or(self.economy.start),
                    Touched {
                        entries: &[p.first],
                        lines: line.as_slice(),
                        ..Touched::NONE
                    },
                );
            }
            // A scene's later slots hold single-entry cases; types that change a case
            // never stage a scene of their own.
            Effect::Scene(
                Staged::ReversalReposted
                | Staged::FictitiousVendor
                | Staged::DivertedPayment
                | Staged::Duplicate
                | Staged::CookieJar
                | Staged::PayrollDiversion
                | Staged::InventoryTheft
                | Staged::GhostEmployee,
            )
            | Effect::Twist(_)
            | Effect::Change(_) => self.filler(slot, batch),
        }
    }

    /// A case posted twice: its original in slot 0 (clean), its duplicate in slot 1
    /// (labelled), as many days later as `t`'s level says: a manual reclassification,
    /// or an expense claim (`duplicate_expense_claim`).
    fn duplicate(&self, p: &Plan, t: A, s: u8, batch: &mut Batch) {
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let (start, end) = (self.economy.start, self.economy.end);
        let kind = if t == A::DuplicateExpenseClaim {
            FillerKind::ExpenseClaim
        } else {
            FillerKind::Reclass
        };
        let (low, width) = self.level(t).pick((10, 11), (20, 41), (60, 91));
        let gap = low + d.below(width) as i32;
        // The duplicate `gap` days after the original; where that is past the period's
        // end, the original as long before.
        let mut first = sc.date;
        let mut second = c.calendar.next_working(first.add_days(gap));
        if second > end {
            second = sc.date;
            first = c.calendar.previous_working(second.add_days(-gap));
        }
        if first < start {
            (first, second) = (sc.date, sc.date);
        }
        let slot0 = p.first - self.layout.total;
        let original = Twist {
            company: Some(sc.company),
            date: Some(first),
            kind: Some(kind),
            ..Twist::NONE
        };
        if s == 0 {
            self.filler_with(slot0, batch, &original);
            return;
        }
        let again = Twist {
            anomaly: Some(t),
            date: Some(second),
            replay: Some((slot0, first)),
            ..original
        };
        self.filler_with(slot0 + 1, batch, &again);
        self.label(
            batch,
            t,
            p.first,
            sc.company,
            second,
            Touched {
                entries: &[p.first + 1],
                ..Touched::NONE
            },
        );
    }

    /// Who claims a `former_employee_claim` of block `block` in company `company`, and
    /// when it is posted: one of the company's leavers (their index in the employees
    /// table), with an expense 45-120 days after leaving (easy), 15-44 (realistic), 1-14
    /// (hard); `None` where nobody has left early enough.
    pub(crate) fn former_claimant(&self, company: usize, block: u64) -> Option<(usize, Date)> {
        let md = self.registry.get();
        let c = &self.economy.companies[company];
        let (low, high) = self
            .level(A::FormerEmployeeClaim)
            .pick((45, 120), (15, 44), (1, 14));
        let mut d = Draws::new(
            self.config.seed,
            crate::world::rng::stream::ANOMALY_PARTY,
            block,
        );
        let gap = low + d.below((high - low + 1) as usize) as i32;
        // Posted up to ten days after the expense (spent up to a week before submission,
        // submitted up to three days before posting).
        let posted = |left: Date| c.calendar.next_working(left.add_days(gap + 10));
        let leavers = md.employees.iter().enumerate().filter(|(_, e)| {
            e.company_code == c.code && e.leave_date.is_some_and(|l| posted(l) <= self.economy.end)
        });
        let n = leavers.clone().count();
        if n == 0 {
            return None;
        }
        let (i, e) = leavers.clone().nth(d.below(n))?;
        Some((i, posted(e.leave_date?)))
    }

    /// An expense claim of a former employee (`former_employee_claim`), on `base`.
    fn former_twist(&self, company: usize, block: u64, base: Twist) -> Twist {
        self.former_claimant(company, block)
            .map_or(base, |(i, date)| Twist {
                kind: Some(FillerKind::ExpenseClaim),
                claimant: Some(i),
                date: Some(date),
                ..base
            })
    }

    /// How a single-entry case is changed to carry `t`.
    pub(crate) fn twist(&self, block: u64, t: A) -> Twist {
        let mut sc = self.scene(block);
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let manual_kind = if d.below(2) == 0 {
            FillerKind::Reclass
        } else {
            FillerKind::PettyCash
        };
        let base = Twist {
            anomaly: Some(t),
            company: Some(sc.company),
            date: Some(sc.date),
            kind: Some(manual_kind),
            ..Twist::NONE
        };
        let Effect::Twist(k) = t.effect() else {
            // The others are staged by their scenes, or change a business case.
            return base;
        };
        match k {
            Twisted::SelfApproval => Twist {
                self_approve: true,
                ..base
            },
            Twisted::AboveLimit => self.above_limit(&mut sc, t, base),
            Twisted::OffHours => self.off_hours(&mut sc, t, base),
            Twisted::Round => {
                const K: &[i64] = &[10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 120, 150, 250];
                let scale = libm::pow(10.0, libm::floor(libm::log10(c.fx.max(1.0)))) as i64;
                Twist {
                    kind: Some(FillerKind::Reclass),
                    // A round thousand from 10,000 (easy), a round 500 from 5,000
                    // (realistic), a round 100 from 1,000 (hard), in the company's
                    // currency units scaled as its prices are.
                    amount: Some(d.pick(K) * self.level(t).pick(100_000, 50_000, 10_000) * scale),
                    ..base
                }
            }
            Twisted::CashAgainstExpense => Twist {
                cash_against_expense: true,
                ..base
            },
            Twisted::NoCostCenter => Twist {
                no_cost_center: true,
                ..base
            },
            Twisted::NoText => Twist {
                header: Some(""),
                ..base
            },
            Twisted::Damaged => Twist {
                damaged_header: Some(Damage::Encoding),
                ..base
            },
            Twisted::Typo => Twist {
                damaged_header: Some(Damage::Typo),
                ..base
            },
            Twisted::Backdated => self.backdated(&mut sc, t, base),
            Twisted::Unapproved => Twist {
                kind: Some(FillerKind::Reclass),
                unapproved: true,
                ..base
            },
            Twisted::Outsider => {
                // A clerk of another department who also does ordinary work of their
                // own: goods movements, receivables or payables.
                let pool = [users::WAREHOUSE, users::AR, users::AP][d.below(3)].clone();
                Twist {
                    user: Some(pick_user(pool, d)),
                    ..base
                }
            }
            Twisted::WrongPeriod => self.wrong_period(&mut sc, t, base),
            Twisted::Misposted => Twist {
                kind: Some(FillerKind::PettyCash),
                expense_account: Some(d.pick(&[acc::REVENUE_PRODUCTS, acc::REVENUE_SERVICES])),
                ..base
            },
            Twisted::Capitalised => Twist {
                kind: Some(FillerKind::Reclass),
                capitalise: true,
                ..base
            },
            Twisted::TopSide => {
                // A quarter's last working day (easy), one of a month's last three
                // (realistic), any day (hard).
                let (y, m, _) = sc.date.ymd();
                let level = self.level(t);
                let month = level.pick(m.div_ceil(3) * 3, m, m);
                let last = Date::from_ymd(y, month, synth_model::days_in_month(y, month))
                    .unwrap_or(sc.date);
                let mut day = c.calendar.previous_working(last);
                for _ in 0..level.pick(0, d.below(3), 0) {
                    day = c.calendar.previous_working(day.add_days(-1));
                }
                let day = match level {
                    crate::anomalies::Difficulty::Hard => sc.date,
                    _ if day < self.economy.start || day > self.economy.end => sc.date,
                    _ => day,
                };
                Twist {
                    kind: Some(FillerKind::Reclass),
                    date: Some(day),
                    top_side: true,
                    ..base
                }
            }
            Twisted::Padded => {
                // Above the largest clean meal claim (80 US dollars), by as much as the
                // level says before its tax (which only adds to it).
                let (low, width) = self.level(t).pick((2.5, 5.5), (1.25, 1.25), (1.02, 0.38));
                let gross = 80.0 * c.fx * 100.0 * (low + width * d.unit());
                Twist {
                    kind: Some(FillerKind::ExpenseClaim),
                    amount: Some(libm::round(gross) as i64),
                    padded: true,
                    ..base
                }
            }
            Twisted::FormerClaimant => self.former_twist(sc.company, block, base),
            Twisted::Suspicious => Twist {
                header: Some(d.pick(SUSPICIOUS)),
                ..base
            },
        }
    }

    /// A petty cash purchase posted in a later month than its receipt, as far from it as
    /// `t`'s level says.
    fn wrong_period(&self, sc: &mut crate::world::scenes::Scene, t: A, base: Twist) -> Twist {
        use crate::anomalies::Difficulty;
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let level = self.level(t);
        let month_end = |x: Date| {
            let (y, m, _) = x.ymd();
            Date::from_ymd(y, m, synth_model::days_in_month(y, m)).unwrap_or(x)
        };
        let mut plan = |receipt: Date| match level {
            // 32 to 90 days later: a month or more.
            Difficulty::Easy => (
                receipt,
                c.calendar
                    .next_working(receipt.add_days(32 + d.below(59) as i32)),
            ),
            // 6 to 31 days later, in the next month.
            Difficulty::Realistic => {
                let last = month_end(receipt);
                let mut late = receipt.add_days(6 + d.below(26) as i32);
                if late <= last {
                    late = last.add_days(1 + d.below(5) as i32);
                }
                (receipt, c.calendar.next_working(late))
            }
            // A receipt of a month's last three days, posted on one of the next month's
            // first three working days.
            Difficulty::Hard => {
                let last = month_end(receipt);
                let mut posting = c.calendar.next_working(last.add_days(1));
                for _ in 0..d.below(3) {
                    posting = c.calendar.next_working(posting.add_days(1));
                }
                (last.add_days(-(d.below(3) as i32)), posting)
            }
        };
        let (start, end) = (self.economy.start, self.economy.end);
        let (mut receipt, mut posting) = plan(sc.date);
        if posting > end {
            // Three months back, where the posting falls within the period.
            (receipt, posting) = plan(sc.date.add_days(-92));
        }
        if posting > end || posting < start {
            // A period too short for the level's distance: 35 days, another month.
            (receipt, posting) = (sc.date.add_days(-35), sc.date);
        }
        Twist {
            kind: Some(FillerKind::PettyCash),
            date: Some(posting),
            document_date: Some(receipt),
            ..base
        }
    }

    /// A reclassification above its approver's limit: a G/L accountant's, or above
    /// `easy` a senior accountant's before the raise that now covers it.
    fn above_limit(&self, sc: &mut crate::world::scenes::Scene, t: A, base: Twist) -> Twist {
        let d = &mut sc.d;
        // Approved by a G/L accountant; above `easy`, in nearly half the cases
        // (realistic) or most (hard), by a senior accountant a week or more before
        // the day the limit was raised, under a limit the users table no longer
        // shows.
        let early = self.level(t) != crate::anomalies::Difficulty::Easy
            && d.unit() < self.level(t).pick(0.0, 0.45, 0.85);
        let period = (self.economy.start, self.economy.end);
        let mut before = [0usize; users::RAISED.len()];
        let mut m = 0;
        for (k, _) in users::RAISED {
            let week = sc.date.add_days(7);
            if early && crate::world::people::limit_on(*k, week, period) == USERS[*k].4 {
                before[m] = *k;
                m += 1;
            }
        }
        let (limit, approver) = if m > 0 {
            let k = before[d.below(m)];
            (USERS[k].4, Some(USERS[k].0))
        } else {
            (users::APPROVERS[0].1, None)
        };
        // 1.1 to 3.6 times the limit (easy), 1.02 to 1.5 (realistic), 1.002 to
        // 1.1 (hard): cents, rounded to hundreds as often as clean
        // reclassifications are, and above the limit still.
        let (low, width) = self.level(t).pick((1.1, 2.5), (1.02, 0.48), (1.002, 0.098));
        let mut amount = libm::round(limit as f64 * (low + width * d.unit())) as i64;
        if d.below(100) < 60 {
            let rounded = off_round(amount / 10_000 * 10_000);
            amount = if rounded > limit { rounded } else { amount };
        }
        Twist {
            kind: Some(FillerKind::Reclass),
            amount: Some(amount),
            approver_tier: Some(0),
            approver,
            ..base
        }
    }

    /// A manual entry out of hours (as far out as `t`'s level says), on a weekend or on
    /// a public holiday.
    fn off_hours(&self, sc: &mut crate::world::scenes::Scene, t: A, base: Twist) -> Twist {
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        match d.below(3) {
            0 => {
                // On a working day: late at night or before dawn (easy), in the
                // evening or early morning (realistic), just after 19:00 or before
                // 07:00 (hard), where the clean near misses are.
                let (late, early) = self.level(t).pick(
                    ((20 * 3600, 4 * 3600), (1800, 5 * 3600)),
                    ((19 * 3600, 3 * 3600), (5 * 3600, 2 * 3600)),
                    ((19 * 3600, 3600), (6 * 3600, 3600)),
                );
                let (from, width) = if d.below(2) == 0 { late } else { early };
                let secs = from + d.below(width as usize) as u32;
                Twist {
                    created: Some(DateTime::new(sc.date, secs)),
                    ..base
                }
            }
            v => {
                // A weekend day, or a public holiday where the period has one.
                let (start, end) = (self.economy.start, self.economy.end);
                let mut day = sc.date;
                // New Year's Day and Christmas Day: public holidays of (nearly) every
                // country, national rather than regional.
                let wanted = |x: Date| {
                    let (_, m, day) = x.ymd();
                    if v == 1 {
                        x.is_weekend()
                    } else {
                        !x.is_weekend()
                            && !c.calendar.is_working(x)
                            && matches!((m, day), (1, 1) | (12, 25))
                    }
                };
                let mut found = None;
                for k in 0..800 {
                    let x = day.add_days(k);
                    let x = if x > end {
                        start.add_days((x.0 - end.0 - 1) % (end.0 - start.0 + 1).max(1))
                    } else {
                        x
                    };
                    if wanted(x) {
                        found = Some(x);
                        break;
                    }
                }
                if found.is_none() {
                    // No holiday in the period: the next weekend day.
                    while !day.is_weekend() {
                        day = day.add_days(1);
                    }
                    if day > end {
                        day = day.add_days(-7);
                    }
                    found = Some(day);
                }
                let day = found.unwrap_or(day);
                let secs = 9 * 3600 + d.below(8 * 3600) as u32;
                Twist {
                    date: Some(day),
                    created: Some(DateTime::new(day, secs)),
                    ..base
                }
            }
        }
    }

    /// A manual entry entered after its month closed, as far after as `t`'s level says.
    fn backdated(&self, sc: &mut crate::world::scenes::Scene, t: A, base: Twist) -> Twist {
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let level = self.level(t);
        let (date, late) = match level {
            // Entered 20 to 74 days after its posting date, in a later month
            // (a month later where that would still be the posting's).
            crate::anomalies::Difficulty::Easy => {
                let late = sc.date.add_days(20 + d.below(55) as i32);
                let (y, m, _) = sc.date.ymd();
                let (ly, lm, _) = late.ymd();
                let late = if (y, m) == (ly, lm) {
                    late.add_days(synth_model::days_in_month(y, m) as i32)
                } else {
                    late
                };
                (sc.date, late)
            }
            // Posted in a month's second half, entered 5 to 20 days into the
            // next (realistic); posted on one of its last three working days,
            // entered on the 4th to 9th (hard), after the close the clean near
            // misses fall in.
            crate::anomalies::Difficulty::Realistic | crate::anomalies::Difficulty::Hard => {
                let (y, m, _) = sc.date.ymd();
                let last =
                    Date::from_ymd(y, m, synth_model::days_in_month(y, m)).unwrap_or(sc.date);
                let mut day = c.calendar.previous_working(last);
                let back = level.pick(0, 14, 3);
                for _ in 0..d.below(back) {
                    day = c.calendar.previous_working(day.add_days(-1));
                }
                let (from, width) = level.pick((0, 1), (5, 16), (4, 6));
                (day, last.add_days(from + d.below(width) as i32))
            }
        };
        let (start, end) = (self.economy.start, self.economy.end);
        let date = if date < start || date > end {
            sc.date
        } else {
            date
        };
        let late = c.calendar.next_working(late);
        Twist {
            date: Some(date),
            created: Some(DateTime::new(late, 9 * 3600 + d.below(8 * 3600) as u32)),
            ..base
        }
    }
}
