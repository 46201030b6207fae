//! Employees' bank accounts over the period: the ordinary changes (someone moves to
//! another bank) and the `payroll_diversion` anomalies, as far as the payslips and
//! expense claims must know them before any is written: whose pay goes elsewhere, in
//! which months, to which account, and what the employee master's change log shows.

use crate::anomalies::{AnomalyType, Difficulty, Selector};
use crate::config::GeneratorConfig;
use crate::world::economy::Economy;
use crate::world::employees::{Leaving, month_of, month_pay};
use crate::world::identity::employee_account;
use crate::world::layout::Layout;
use crate::world::people::pick_user;
use crate::world::pools::users;
use crate::world::rng::{Draws, record_id, stream};
use crate::world::scenes::scene_of;
use crate::world::time_off::unused_vacation;
use std::collections::{HashMap, HashSet};
use synth_model::{BankAccount, Date, DateTime, Employee, EmployeeBankChange};

/// Draws from a company's employees to find one a diversion can take.
const TRIES: usize = 48;

/// The share of employees who change their bank account in a year.
const CHANGES_PER_YEAR: f64 = 0.04;

/// The position of employee `e`'s company among the companies.
fn company_of(economy: &Economy, e: &Employee) -> Option<usize> {
    economy
        .companies
        .iter()
        .position(|c| c.code == e.company_code)
}

/// The rows of company `ci`'s employees in the employees table (a contiguous range).
fn staff_of(economy: &Economy, employees: &[Employee], ci: usize) -> (usize, usize) {
    let at = |e: &Employee| company_of(economy, e).unwrap_or(usize::MAX);
    (
        employees.partition_point(|e| at(e) < ci),
        employees.partition_point(|e| at(e) <= ci),
    )
}

/// Whether employee `e` (of a company in `country`) is employed, and paid a salary, in
/// month `m` of the period.
fn employed(config: &GeneratorConfig, e: &Employee, m: u64, country: &str) -> bool {
    month_pay(config, e, m, country, Leaving::default()).is_some_and(|p| p.employed)
}

/// One employee's net pay sent to another account for a while.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Diversion {
    /// The case block that carries its label.
    pub(crate) block: u64,
    /// Index of the company.
    pub(crate) company: usize,
    /// The employee whose pay is diverted (index in the employees table).
    pub(crate) employee: u32,
    /// The first month of the period it diverts.
    pub(crate) month: u64,
    /// How many months it diverts (1 or 2).
    pub(crate) months: u64,
    /// Only the first payroll run of its month (the rest are paid as usual).
    pub(crate) first_run_only: bool,
    /// Where the pay goes instead.
    pub(crate) account: BankAccount,
}

impl Diversion {
    /// Whether it diverts the pay of run `run` of month `month` of the period.
    pub(crate) fn covers(&self, month: u64, run: u64) -> bool {
        (self.month..self.month + self.months).contains(&month)
            && (run == 0 || !self.first_run_only)
    }
}

/// The most ghost employees a company has (the type falls short of its share beyond).
const MAX_GHOSTS: usize = 2;

/// A leaver kept on the payroll, their pay sent elsewhere (`ghost_employee`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ghost {
    /// The case block that carries its label.
    pub(crate) block: u64,
    /// Index of the company.
    pub(crate) company: usize,
    /// The employee who left (index in the employees table).
    pub(crate) employee: u32,
    /// The first month of the period paid after the leave date.
    pub(crate) month: u64,
    /// How many months are paid after it (1 or 2).
    pub(crate) months: u64,
    /// Where the pay goes.
    pub(crate) account: BankAccount,
}

/// Every employee's bank-account history and every payroll diversion of a run.
#[derive(Debug, Default)]
pub(crate) struct Diversions {
    /// The diversions, by block.
    items: Vec<Diversion>,
    /// The ghost employees, by block.
    ghosts: Vec<Ghost>,
    /// For each ghost employee (by id), their ghost (index into `ghosts`).
    ghost_of: HashMap<u128, usize>,
    /// The leavers (by id) whose unused vacation is paid a month late, the ghosts'
    /// clean look-alikes.
    deferred: HashSet<u128>,
    /// For each diverted employee (by id), their diversions (indices into `items`).
    by_employee: HashMap<u128, Vec<usize>>,
    /// The employees whose account changes in the ordinary way (by id): when, and the
    /// account before (the master holds the one after).
    moved: HashMap<u128, (DateTime, BankAccount)>,
    /// The employee master's change log (the ordinary changes), by time.
    log: Vec<EmployeeBankChange>,
}

impl Diversions {
    /// The bank-account history of `employees` (the employees table) and the run's
    /// payroll diversions.
    ///
    /// About 4% of employees a year change their account once, on a working day while
    /// employed: their pay and reimbursements go to the old account before it.
    ///
    /// One diversion per block of the type, in block order: an employee of the block's
    /// company paid in every month it diverts, whose payslips the run writes, whose
    /// account never changes, whom no earlier diversion took. Their net pay goes to a
    /// colleague's account for two months (easy) or one (realistic), or for one payroll
    /// run to an account nobody in the data has (hard), changed in the payroll's payment
    /// run and nowhere else: the employee master and its log show nothing. A block where
    /// a few draws find no such employee carries nothing.
    pub(crate) fn new(
        config: &GeneratorConfig,
        economy: &Economy,
        employees: &[Employee],
    ) -> Diversions {
        let seed = config.seed;
        let mut out = Diversions::default();
        // The ordinary changes.
        let share = CHANGES_PER_YEAR * f64::from(config.months) / 12.0;
        for e in employees {
            let key = e.employee_id as u64;
            let mut d = Draws::new(seed, stream::EMPLOYEE_BANK_CHANGE, key);
            let Some(ci) = company_of(economy, e) else {
                continue;
            };
            if d.unit() >= share {
                continue;
            }
            let c = &economy.companies[ci];
            let from = e.hire_date.max(economy.start).add_days(7);
            let to = e
                .leave_date
                .unwrap_or(economy.end)
                .min(economy.end)
                .add_days(-7);
            if to <= from {
                continue;
            }
            let day = c
                .calendar
                .next_working(from.add_days(d.below((to.0 - from.0) as usize) as i32));
            let at = DateTime::new(day, 8 * 3600 + d.below(9 * 3600) as u32);
            let old = employee_account(seed, (1 << 61) | key, c.country);
            out.moved.insert(e.employee_id, (at, old));
            out.log.push(EmployeeBankChange {
                change_id: record_id(seed, stream::EMPLOYEE_BANK_CHANGE, key),
                employee_id: e.employee_id,
                changed_at: at,
                changed_by: pick_user(users::MASTER_DATA, &mut d),
                old_bank_account: old,
                new_bank_account: e.bank_account,
            });
        }
        out.plan_ghosts(config, economy, employees);
        out.plan_late_payouts(config, economy, employees);
        out.plan(config, economy, employees);
        out.log.sort_by_key(|c| (c.changed_at, c.change_id));
        out
    }

    /// Adds the run's diversions (see [`Diversions::new`]).
    fn plan(&mut self, config: &GeneratorConfig, economy: &Economy, employees: &[Employee]) {
        let seed = config.seed;
        let layout = Layout::new(config);
        let selector = Selector::new(seed, &config.anomalies);
        let t = AnomalyType::PayrollDiversion;
        let end = config.transactions.target_count;
        let level = config.anomalies.level(t);
        let span = level.pick(2, 1, 1);
        let months = u64::from(config.months);
        let latest = months.saturating_sub(span);
        if months < span {
            return;
        }
        for block in selector.standalone_blocks(t, layout.total, end) {
            let sc = scene_of(seed, economy, block);
            let ci = sc.company;
            let l = &layout.companies[ci];
            let c = &economy.companies[ci];
            let first = (month_of(config, sc.date).max(0) as u64).min(latest);
            // Every payroll entry of the months it diverts is in the run.
            if l.payroll_end(first + span - 1) > end {
                continue;
            }
            let (lo, hi) = staff_of(economy, employees, ci);
            if hi <= lo + 1 {
                continue;
            }
            let mut d = Draws::new(seed, stream::PAYROLL_DIVERSION, block);
            let paid = |i: usize| {
                employees.get(i).is_some_and(|e| {
                    (first..first + span).all(|m| employed(config, e, m, c.country))
                })
            };
            let free = |i: usize| {
                employees.get(i).is_some_and(|e| {
                    !self.by_employee.contains_key(&e.employee_id)
                        && !self.moved.contains_key(&e.employee_id)
                        && !self.ghost_of.contains_key(&e.employee_id)
                })
            };
            let Some(employee) = (0..TRIES)
                .map(|_| lo + d.below(hi - lo))
                .find(|&i| paid(i) && free(i))
            else {
                continue;
            };
            let account = if level == Difficulty::Hard {
                employee_account(seed, (1 << 62) | block, c.country)
            } else {
                // A colleague's: anyone else paid in those months.
                match (0..TRIES)
                    .map(|_| lo + d.below(hi - lo))
                    .find(|&i| i != employee && paid(i))
                    .and_then(|i| employees.get(i))
                {
                    Some(colleague) => colleague.bank_account,
                    None => continue,
                }
            };
            let Some(e) = employees.get(employee) else {
                continue;
            };
            let x = Diversion {
                block,
                company: ci,
                employee: employee as u32,
                month: first,
                months: span,
                first_run_only: level == Difficulty::Hard,
                account,
            };
            self.by_employee
                .entry(e.employee_id)
                .or_default()
                .push(self.items.len());
            self.items.push(x);
        }
    }

    /// Adds the run's ghost employees (see [`Diversions::new`]).
    ///
    /// One per block of the type, in block order, at most [`MAX_GHOSTS`] a company: an
    /// employee of the block's company who leaves in the period early enough that the
    /// months it keeps paying them (two at easy, one above) are in it, with every payroll entry of those months in the run, whose account never
    /// changes in the ordinary way. Their pay goes to a colleague's account (easy) or to
    /// one nobody in the data has (realistic, hard), changed in the payroll's payment run
    /// only. A block where a few draws find no such leaver carries nothing.
    fn plan_ghosts(&mut self, config: &GeneratorConfig, economy: &Economy, employees: &[Employee]) {
        let seed = config.seed;
        let layout = Layout::new(config);
        let selector = Selector::new(seed, &config.anomalies);
        let t = AnomalyType::GhostEmployee;
        let end = config.transactions.target_count;
        let level = config.anomalies.level(t);
        let span = level.pick(2, 1, 1);
        let months = u64::from(config.months);
        for block in selector.standalone_blocks(t, layout.total, end) {
            let ci = scene_of(seed, economy, block).company;
            if self.ghosts.iter().filter(|g| g.company == ci).count() >= MAX_GHOSTS {
                continue;
            }
            let l = &layout.companies[ci];
            let c = &economy.companies[ci];
            let (lo, hi) = staff_of(economy, employees, ci);
            if hi <= lo + 1 {
                continue;
            }
            // The first month paid after leaving, where the months kept are in the run.
            let kept_from = |e: &Employee| -> Option<u64> {
                let left = month_of(config, e.leave_date?);
                let first = u64::try_from(left + 1).ok()?;
                (first + span <= months && l.payroll_end(first + span - 1) <= end).then_some(first)
            };
            let mut d = Draws::new(seed, stream::GHOST_EMPLOYEE, block);
            let Some((employee, first)) = (0..TRIES).map(|_| lo + d.below(hi - lo)).find_map(|i| {
                let e = employees.get(i)?;
                let free = !self.ghost_of.contains_key(&e.employee_id)
                    && !self.moved.contains_key(&e.employee_id);
                free.then(|| kept_from(e).map(|first| (i, first)))?
            }) else {
                continue;
            };
            let account = if level == Difficulty::Easy {
                // A colleague's: anyone paid in those months.
                match (0..TRIES)
                    .map(|_| lo + d.below(hi - lo))
                    .filter(|&i| i != employee)
                    .filter_map(|i| employees.get(i))
                    .find(|e| (first..first + span).all(|m| employed(config, e, m, c.country)))
                {
                    Some(colleague) => colleague.bank_account,
                    None => continue,
                }
            } else {
                employee_account(seed, (3 << 61) | block, c.country)
            };
            let Some(e) = employees.get(employee) else {
                continue;
            };
            self.ghost_of.insert(e.employee_id, self.ghosts.len());
            self.ghosts.push(Ghost {
                block,
                company: ci,
                employee: employee as u32,
                month: first,
                months: span,
                account,
            });
        }
    }

    /// Adds the ghosts' clean look-alikes, above `easy` (see [`Diversions::new`]): in
    /// each ghost's company, about two (realistic) or five (hard) leavers whose unused
    /// vacation is paid with the next month's payroll instead of the leaving month's,
    /// on a payslip dated after they left, which a rule that flags pay after leaving
    /// flags too. Leavers with vacation left, whose next month's payroll entries are all
    /// in the run, who are no ghost, in an order the seed draws.
    fn plan_late_payouts(
        &mut self,
        config: &GeneratorConfig,
        economy: &Economy,
        employees: &[Employee],
    ) {
        let level = config.anomalies.level(AnomalyType::GhostEmployee);
        let per_ghost = level.pick(0, 2, 5);
        if self.ghosts.is_empty() || per_ghost == 0 {
            return;
        }
        let layout = Layout::new(config);
        let end = config.transactions.target_count;
        let months = u64::from(config.months);
        for (ci, c) in economy.companies.iter().enumerate() {
            let wanted = per_ghost * self.ghosts.iter().filter(|g| g.company == ci).count();
            if wanted == 0 {
                continue;
            }
            let l = &layout.companies[ci];
            let (lo, hi) = staff_of(economy, employees, ci);
            let mut candidates: Vec<(u64, u128)> = employees
                .get(lo..hi)
                .unwrap_or_default()
                .iter()
                .filter(|e| !self.ghost_of.contains_key(&e.employee_id))
                .filter_map(|e| {
                    let left = u64::try_from(month_of(config, e.leave_date?)).ok()?;
                    let late = left + 1 < months
                        && l.payroll_end(left + 1) <= end
                        && month_of(config, e.hire_date) <= left as i64
                        && unused_vacation(config, e, c.country, left as i64) > 0;
                    let key = (e.employee_id as u64) ^ 1 << 63;
                    let order = Draws::new(config.seed, stream::GHOST_EMPLOYEE, key).bits();
                    late.then_some((order, e.employee_id))
                })
                .collect();
            candidates.sort_unstable();
            self.deferred
                .extend(candidates.iter().take(wanted).map(|x| x.1));
        }
    }

    /// How the payroll treats employee `e` when they leave: the months a ghost is kept
    /// on it, and whether their unused vacation is paid a month late.
    pub(crate) fn leaving(&self, e: &Employee) -> Leaving {
        Leaving {
            kept: self.kept(e),
            deferred: self.deferred.contains(&e.employee_id),
        }
    }

    /// The ghost block `block` carries, if any.
    pub(crate) fn ghost(&self, block: u64) -> Option<&Ghost> {
        let k = self.ghosts.binary_search_by_key(&block, |g| g.block).ok()?;
        self.ghosts.get(k)
    }

    /// Months the payroll keeps paying employee `e` after they left (0 but for a ghost).
    pub(crate) fn kept(&self, e: &Employee) -> u64 {
        self.ghost_of
            .get(&e.employee_id)
            .and_then(|k| self.ghosts.get(*k))
            .map_or(0, |g| g.months)
    }

    /// The ghosts company `company` pays in month `month` of the period.
    pub(crate) fn ghosts_paid(&self, company: usize, month: u64) -> impl Iterator<Item = &Ghost> {
        self.ghosts
            .iter()
            .filter(move |g| g.company == company && (g.month..g.month + g.months).contains(&month))
    }

    /// About how many rows the change log of a run with `employees` employees holds,
    /// without building it (for the estimate).
    pub(crate) fn rows(config: &GeneratorConfig, employees: u64) -> u64 {
        (employees as f64 * CHANGES_PER_YEAR * f64::from(config.months) / 12.0).ceil() as u64
    }

    /// The diversion block `block` carries, if any.
    pub(crate) fn of(&self, block: u64) -> Option<&Diversion> {
        let k = self.items.binary_search_by_key(&block, |x| x.block).ok()?;
        self.items.get(k)
    }

    /// The account the pay of employee `e` in run `run` of month `month`, paid on
    /// `day`, goes to, and the irregularity that sent it there, if any: a ghost's or a
    /// diversion's, else the account of that day.
    pub(crate) fn pay_account(
        &self,
        e: &Employee,
        (month, run): (u64, u64),
        day: Date,
    ) -> (BankAccount, Option<AnomalyType>) {
        let ghost = self
            .ghost_of
            .get(&e.employee_id)
            .and_then(|k| self.ghosts.get(*k))
            .filter(|g| month >= g.month);
        if let Some(g) = ghost {
            return (g.account, Some(AnomalyType::GhostEmployee));
        }
        self.by_employee
            .get(&e.employee_id)
            .and_then(|ks| {
                ks.iter()
                    .filter_map(|k| self.items.get(*k))
                    .find(|x| x.covers(month, run))
                    .map(|x| (x.account, Some(AnomalyType::PayrollDiversion)))
            })
            .unwrap_or_else(|| (self.account_on(e, day), None))
    }

    /// Employee `e`'s own account on `day`: the one before their ordinary change, if it
    /// comes later, else the master's.
    pub(crate) fn account_on(&self, e: &Employee, day: Date) -> BankAccount {
        match self.moved.get(&e.employee_id) {
            Some((at, old)) if day < at.date() => *old,
            _ => e.bank_account,
        }
    }

    /// The employee master's change log, by time.
    pub(crate) fn log(&self) -> &[EmployeeBankChange] {
        &self.log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planning_estimate_covers_what_a_diversion_holds() {
        // Its row, its employee's entry in the index (the table's slot and control
        // byte at its lowest load, and the one-index list's heap block with the
        // allocator's overhead), and its block while the blocks are listed.
        let held = std::mem::size_of::<Diversion>()
            + 2 * (std::mem::size_of::<(u128, Vec<usize>)>() + 1)
            + 32
            + 2 * std::mem::size_of::<u64>();
        assert!(
            held as f64 <= crate::anomalies::PLANNING_BYTES_PAYROLL,
            "{held}"
        );
    }

    #[test]
    fn the_planning_estimate_covers_what_a_ghost_holds() {
        // Its row, its employee's entry in the index (the table's slot and control byte
        // at its lowest load), its block while the blocks are listed, and its five
        // look-alikes' entries in the set of late payouts (at its lowest load).
        let held = std::mem::size_of::<Ghost>()
            + 2 * (std::mem::size_of::<(u128, usize)>() + 1)
            + 2 * std::mem::size_of::<u64>()
            + 5 * 2 * (std::mem::size_of::<u128>() + 1);
        assert!(
            held as f64 <= crate::anomalies::PLANNING_BYTES_GHOST,
            "{held}"
        );
    }
}
