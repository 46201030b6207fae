//! Where the `payroll_diversion` anomalies fall, as far as the payslips must know it
//! before any is written: whose net pay goes elsewhere, in which months, and to which
//! account.

use crate::anomalies::{AnomalyType, Difficulty, Selector};
use crate::config::GeneratorConfig;
use crate::world::economy::Economy;
use crate::world::employees::{month_of, month_pay};
use crate::world::layout::Layout;
use crate::world::master::MasterData;
use crate::world::rng::{Draws, stream};
use crate::world::scenes::scene_of;
use crate::world::schedules::CompanySchedule;
use std::collections::HashMap;
use synth_model::BankAccount;

/// Draws from a company's staff to find an employee a diversion can take.
const TRIES: usize = 48;

/// One employee's net pay sent to another account for a while.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Diversion {
    /// The case block that carries its label.
    pub(crate) block: u64,
    /// Index of the company.
    pub(crate) company: usize,
    /// The employee whose pay is diverted (index in the employees table).
    pub(crate) employee: u32,
    /// Index of the employee's cost center in the company's `centers`.
    pub(crate) center: usize,
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

/// Every payroll diversion of a run, by block, and by employee for the payslips.
#[derive(Debug, Default)]
pub(crate) struct Diversions {
    /// By block.
    items: Vec<Diversion>,
    /// For each diverted employee (by id), their diversions (indices into `items`).
    by_employee: HashMap<u128, Vec<usize>>,
}

impl Diversions {
    /// Plans the diversions of a run: one per block of the type, in block order. Each
    /// takes an employee of the block's company paid in every month it diverts, whose
    /// payslips the run writes, and whom no earlier diversion took; the account is a
    /// colleague's (easy: two months; realistic: one month) or one nobody in the data
    /// has (hard: one payroll run). A block where a few draws find no such employee
    /// carries nothing.
    pub(crate) fn plan(
        config: &GeneratorConfig,
        economy: &Economy,
        layout: &Layout,
        md: &MasterData,
        schedules: &[CompanySchedule],
    ) -> Diversions {
        let selector = Selector::new(config.seed, &config.anomalies);
        let t = AnomalyType::PayrollDiversion;
        let end = config.transactions.target_count;
        let blocks = selector.standalone_blocks(t, layout.total, end);
        let level = config.anomalies.level(t);
        let span = level.pick(2, 1, 1);
        let months = u64::from(config.months);
        let mut out = Diversions::default();
        for block in blocks {
            let sc = scene_of(config.seed, economy, block);
            let (ci, s, l) = (
                sc.company,
                &schedules[sc.company],
                &layout.companies[sc.company],
            );
            let first = (month_of(config, sc.date).max(0) as u64).min(months.saturating_sub(span));
            // Every payroll entry of the months it diverts is in the run.
            let last_entry = l.offset
                + l.opening
                + (first + span - 1) * l.per_month
                + l.runs * (1 + l.payroll_chunks);
            if months < span || last_entry > end {
                continue;
            }
            let paid = |i: u32| {
                md.employees.get(i as usize).is_some_and(|e| {
                    (first..first + span).all(|m| month_pay(config, e, m).is_some())
                })
            };
            let mut d = Draws::new(config.seed, stream::PAYROLL_DIVERSION, block);
            // A few draws from the company's staff, without listing it (a large run has
            // thousands of employees and blocks).
            let draw = |d: &mut Draws| {
                let j = d.below(s.staff.len().max(1));
                let staff = s.staff.get(j)?;
                let i = *staff.get(d.below(staff.len().max(1)))?;
                paid(i).then_some((i, j))
            };
            let taken = |i: u32| {
                md.employees
                    .get(i as usize)
                    .is_none_or(|e| out.by_employee.contains_key(&e.employee_id))
            };
            let Some((employee, center)) = (0..TRIES)
                .filter_map(|_| draw(&mut d))
                .find(|(i, _)| !taken(*i))
            else {
                continue;
            };
            let account = if level == Difficulty::Hard {
                let country = economy.companies[ci].country;
                crate::world::identity::employee_account(config.seed, (1 << 62) | block, country)
            } else {
                // A colleague's: anyone else paid in those months.
                let Some(colleague) = (0..TRIES)
                    .filter_map(|_| draw(&mut d))
                    .find(|(i, _)| *i != employee)
                    .and_then(|(i, _)| md.employees.get(i as usize))
                else {
                    continue;
                };
                colleague.bank_account
            };
            let Some(e) = md.employees.get(employee as usize) else {
                continue;
            };
            out.by_employee
                .entry(e.employee_id)
                .or_default()
                .push(out.items.len());
            out.items.push(Diversion {
                block,
                company: ci,
                employee,
                center,
                month: first,
                months: span,
                first_run_only: level == Difficulty::Hard,
                account,
            });
        }
        out
    }

    /// The diversion block `block` carries, if any.
    pub(crate) fn of(&self, block: u64) -> Option<&Diversion> {
        let k = self.items.binary_search_by_key(&block, |x| x.block).ok()?;
        self.items.get(k)
    }

    /// Where the pay of employee `employee` (id) in run `run` of month `month` goes
    /// instead of their own account, if it is diverted.
    pub(crate) fn account(&self, employee: u128, month: u64, run: u64) -> Option<BankAccount> {
        self.by_employee
            .get(&employee)?
            .iter()
            .filter_map(|k| self.items.get(*k))
            .find(|x| x.covers(month, run))
            .map(|x| x.account)
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
}
