//! A month's payroll: per run, the funding of the payroll account, then the run's
//! entries.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::employees::{MonthPay, after_leaving, month_pay, overtime_rate};
use crate::world::pools::{COST_CENTERS, accounts as acc, users};
use crate::world::rng::{record_id, splitmix64, stream};

use super::Month;
use crate::world::calendar::PostingCalendar;
use crate::world::master::MasterData;
use synth_model::{Batch, Date, Employee, Payslip};

impl World {
    /// The payroll of month `mo`: per run, the funding of the payroll account, then the
    /// run's entries; the header of slot `q`, or what is left of `q` past the payroll.
    pub(super) fn payroll(
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
            month,
            ..
        } = *mo;
        // Payroll: per run, the funding of the payroll account, then the run's entries.
        for run in 0..l.runs {
            let pay_day = pay_day(cal, (y, m, last), run, l.runs);
            if q == 0 {
                let net = s.run_amounts(month, run, 0..s.centers.len()).0;
                Self::paid_from_bank(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_BANK,
                        amount: net,
                        text: "Transfer for net salaries",
                        ..Line::BARE
                    },
                    "Transfer to payroll account",
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
                let js =
                    from.min(s.centers.len())..(from + l.centers_per_chunk).min(s.centers.len());
                let (net, liabilities) = s.run_amounts(month, run, js.clone());
                for j in js.clone() {
                    let cc = Some(s.centers[j]);
                    let pay = s.run_pay(month, run, j);
                    for (account, amount, text) in [
                        (acc::SALARIES, pay.salary + pay.payout, "Gross salaries"),
                        (acc::OVERTIME, pay.overtime, "Overtime"),
                        (acc::BONUSES, pay.bonus, "Year-end bonuses"),
                        (
                            acc::SOCIAL_SECURITY,
                            pay.employer_ss,
                            "Employer contributions",
                        ),
                    ] {
                        if amount != 0 || account == acc::SALARIES {
                            Self::line(
                                batch,
                                entry_id,
                                Line {
                                    account,
                                    amount,
                                    cost_center: cc,
                                    text,
                                    ..Line::BARE
                                },
                            );
                        }
                    }
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
                // A run that pays a ghost employee of these centers carries its mark.
                let ghost = self
                    .diversions
                    .ghosts_paid(s.company, month)
                    .any(|g| js.contains(&self.center_of(s.company, g.employee)));
                let head = Head {
                    posting: pay_day,
                    document_date: pay_day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYROLL,
                    header_text: "Payroll run",
                    anomaly: ghost.then_some(crate::anomalies::AnomalyType::GhostEmployee),
                    ..*head
                };
                return Ok(head);
            }
            q -= 1 + l.payroll_chunks;
        }
        Err(q)
    }

    /// The payslips written with the entries at positions `range` of the run: an even
    /// share of the run's payslips (their ordinals from `start * total / entries`), so
    /// that no batch holds more than its share, whatever the size of the company.
    pub(crate) fn payslips_at(
        &self,
        range: std::ops::Range<u64>,
        md: &MasterData,
        batch: &mut Batch,
    ) {
        let total = self.slips.total;
        let entries = self.config.transactions.target_count.max(1);
        let at = |pos: u64| (u128::from(pos) * u128::from(total) / u128::from(entries)) as u64;
        let (from, to) = (at(range.start), at(range.end));
        if from >= to {
            return;
        }
        let months = &self.slips.months;
        let mut g = months.partition_point(|x| x.0 <= from).saturating_sub(1);
        let mut p = from;
        while p < to && g < months.len() {
            let (start, ci, month, ref before, written) = months[g];
            // The month's written payslips are a prefix of its runs' in order.
            let end = to.min(start + written);
            let s = &self.schedules[ci];
            let country = self.economy.companies[ci].country;
            let runs = s.pay_rules.runs;
            let width = s.centers.len() + 1;
            let mut run_start = start;
            for run in 0..runs {
                let counts = before
                    .get(run as usize * width..(run as usize + 1) * width)
                    .unwrap_or_default();
                let per_run = counts.last().copied().unwrap_or(0);
                let here = run_start;
                run_start += per_run;
                if p >= here + per_run || p >= end {
                    continue;
                }
                for j in 0..s.centers.len() {
                    let (lo, hi) = (here + counts[j], here + counts[j + 1]);
                    if p >= hi || p >= end {
                        continue;
                    }
                    // The `p - lo`th employee this run pays, then the next ones.
                    let skip = p - lo;
                    let last = end.min(hi);
                    let paid = s.staff[j]
                        .iter()
                        .filter_map(|&i| md.employees.get(i as usize))
                        .filter_map(|e| {
                            let leaving = self.diversions.leaving(e);
                            month_pay(&self.config, e, month, country, leaving)
                                .filter(|pay| pay.in_run(run, runs))
                                .map(|pay| (e, pay))
                        })
                        .skip(skip as usize)
                        .take((last - p) as usize);
                    let slip = self.slip_of(ci, month, run, j);
                    for (e, pay) in paid {
                        self.payslip(&slip, e, pay, batch);
                    }
                    p = last;
                }
            }
            g += 1;
        }
    }

    /// What the payslips of `centers[j]` of company `ci` in run `run` of month `month`
    /// share: their entry, pay day, period and overtime rate.
    fn slip_of(&self, ci: usize, month: u64, run: u64, j: usize) -> Slip {
        let l = &self.layout.companies[ci];
        let s = &self.schedules[ci];
        let cal = &self.economy.companies[ci].calendar;
        let (y, m, first, last) = self.month_dates(month);
        let chunk = (j / l.centers_per_chunk.max(1)) as u64;
        let index =
            l.offset + l.opening + month * l.per_month + run * (1 + l.payroll_chunks) + 1 + chunk;
        let k = s.centers[j];
        // The first of two runs pays for the 1st to the 15th, the second for the rest.
        let (start, end) = match (s.pay_rules.runs, run) {
            (1, _) => (first, last),
            (_, 0) => (first, first.add_days(14)),
            _ => (first.add_days(15), last),
        };
        Slip {
            company: ci,
            run,
            center: COST_CENTERS[k].0,
            period: (start, end),
            pay_day: pay_day(cal, (y, m, last), run, l.runs),
            overtime_rate: overtime_rate(&self.config, ci, month, k),
            entry_id: self.entry_id(index),
            month,
        }
    }

    /// The payslip of employee `e`, paid `pay` this month; the month's time off is on
    /// the payslip of its last run.
    fn payslip(&self, slip: &Slip, e: &Employee, pay: MonthPay, batch: &mut Batch) {
        let s = &self.schedules[slip.company];
        let country = self.economy.companies[slip.company].country;
        // A ghost employee's months after leaving, and a month that only pays unused
        // vacation: no time off, no overtime.
        let (off, rate) = if !pay.employed || after_leaving(&self.config, e, slip.month) {
            (Default::default(), 0.0)
        } else {
            let off = crate::world::time_off::time_off(&self.config, e, country, slip.month);
            (off, slip.overtime_rate)
        };
        let p = s.pay_rules.slip(pay, off, rate, slip.run);
        let off = if slip.run + 1 == s.pay_rules.runs {
            off
        } else {
            Default::default()
        };
        let key = splitmix64(e.employee_id as u64) ^ splitmix64(slip.entry_id as u64);
        let (bank_account, diverted) =
            self.diversions
                .pay_account(e, (slip.month, slip.run), slip.pay_day);
        batch.payslips.push(Payslip {
            payslip_id: record_id(self.config.seed, stream::PAYSLIP, key),
            company_code: e.company_code,
            employee_id: e.employee_id,
            cost_center: slip.center,
            period_start: slip.period.0,
            period_end: slip.period.1,
            pay_date: slip.pay_day,
            salary: p.salary,
            vacation_days: off.vacation,
            sick_days: off.sick,
            unpaid_leave_days: off.unpaid,
            unpaid_leave_deduction: p.unpaid,
            overtime: p.overtime,
            bonus: p.bonus,
            vacation_payout_days: if p.payout > 0 { pay.payout_days } else { 0 },
            vacation_payout: p.payout,
            gross: p.gross(),
            income_tax: p.income_tax,
            employee_social_security: p.employee_ss,
            net: p.net(),
            employer_social_security: p.employer_ss,
            bank_account,
            entry_id: slip.entry_id,
            is_anomaly: diverted.is_some(),
            anomaly_type: diverted.map(crate::anomalies::AnomalyType::name),
        });
    }

    /// The payslips diversion `x` (of employee `employee_id`) sends elsewhere, their ids
    /// added to `ids` in order, and the day the first of them is paid.
    pub(crate) fn diverted_payslips(
        &self,
        x: &crate::world::diversions::Diversion,
        employee_id: u128,
        ids: &mut synth_model::IdList,
    ) -> Date {
        let s = &self.schedules[x.company];
        let runs = s.pay_rules.runs;
        let center = self.center_of(x.company, x.employee);
        let mut first = None;
        for month in x.month..x.month + x.months {
            for run in (0..runs).filter(|r| x.covers(month, *r)) {
                let slip = self.slip_of(x.company, month, run, center);
                first = first.or(Some(slip.pay_day));
                let key = splitmix64(employee_id as u64) ^ splitmix64(slip.entry_id as u64);
                ids.push_id(record_id(self.config.seed, stream::PAYSLIP, key));
            }
        }
        first.unwrap_or(self.economy.start)
    }

    /// The position among company `company`'s cost centers with staff of employee
    /// `employee`'s (an index into the employees table), whose payroll entry pays them.
    fn center_of(&self, company: usize, employee: u32) -> usize {
        let s = &self.schedules[company];
        self.registry
            .get()
            .employees
            .get(employee as usize)
            .and_then(|e| {
                s.centers
                    .iter()
                    .position(|k| COST_CENTERS[*k].0 == e.cost_center)
            })
            .unwrap_or(0)
    }

    /// The payslips ghost `g` (employee `employee_id`) is paid after leaving, their ids
    /// added to `ids` in order, and the indices of the payroll entries that pay them to
    /// `entries` (as many as fit); the day the first of them is paid.
    pub(crate) fn ghost_payslips(
        &self,
        g: &crate::world::diversions::Ghost,
        employee_id: u128,
        ids: &mut synth_model::IdList,
        entries: &mut [u64],
    ) -> (Date, usize) {
        let s = &self.schedules[g.company];
        let l = &self.layout.companies[g.company];
        let center = self.center_of(g.company, g.employee);
        let chunk = (center / l.centers_per_chunk.max(1)) as u64;
        let (mut first, mut n) = (None, 0);
        for month in g.month..g.month + g.months {
            for run in 0..s.pay_rules.runs {
                let slip = self.slip_of(g.company, month, run, center);
                first = first.or(Some(slip.pay_day));
                let key = splitmix64(employee_id as u64) ^ splitmix64(slip.entry_id as u64);
                ids.push_id(record_id(self.config.seed, stream::PAYSLIP, key));
                if let Some(x) = entries.get_mut(n) {
                    *x = l.offset
                        + l.opening
                        + month * l.per_month
                        + run * (1 + l.payroll_chunks)
                        + 1
                        + chunk;
                    n += 1;
                }
            }
        }
        (first.unwrap_or(self.economy.start), n)
    }

    /// Payslips of the first company's first payroll run: what payslips look like, to
    /// measure their size.
    pub(crate) fn sample_payslips(&self, batch: &mut Batch) {
        let md = self.registry.get();
        let Some(s) = self.schedules.first() else {
            return;
        };
        for j in 0..s.centers.len() {
            let slip = self.slip_of(0, 0, 0, j);
            for e in s.staff[j]
                .iter()
                .filter_map(|&i| md.employees.get(i as usize))
            {
                let country = self.economy.companies[0].country;
                if let Some(pay) = month_pay(&self.config, e, 0, country, Default::default()) {
                    self.payslip(&slip, e, pay, batch);
                }
            }
        }
    }
}

/// What the payslips of one cost center in one payroll run share.
struct Slip {
    company: usize,
    run: u64,
    center: &'static str,
    period: (Date, Date),
    pay_day: Date,
    overtime_rate: f64,
    entry_id: u128,
    /// The month of the period.
    month: u64,
}

/// The day payroll run `run` of `runs` of the month (`y`, `m`, its `last` day) pays: the
/// last working day on or before the 25th for a monthly payroll, else on or before the
/// 15th and the month's end.
fn pay_day(cal: &PostingCalendar, (y, m, last): (i32, u32, Date), run: u64, runs: u64) -> Date {
    if runs == 1 {
        cal.previous_working(Date::from_ymd(y, m, 25).unwrap_or(last))
    } else if run == 0 {
        cal.previous_working(Date::from_ymd(y, m, 15).unwrap_or(last))
    } else {
        cal.previous_working(last)
    }
}
