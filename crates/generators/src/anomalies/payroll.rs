//! The payroll's anomalies: an employee's net pay diverted to another account
//! (`payroll_diversion`), labelled on the payslips it changed.

use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::Plan;
use crate::world::World;
use synth_model::{Batch, IdList};

impl World {
    /// The label of block `p`'s payroll diversion: the payslips it sent elsewhere and
    /// the employee whose pay they were. The books are right (the payroll entry pays
    /// what the payslips add up to), so it names no journal entry. The payslips are
    /// written with their payroll entries; the block's entry is an ordinary case.
    pub(crate) fn payroll_diversion(&self, p: &Plan, batch: &mut Batch) {
        let Some(x) = self.diversions.of(p.block()) else {
            return;
        };
        let md = self.registry.get();
        let Some(employee) = md.employees.get(x.employee as usize).map(|e| e.employee_id) else {
            return;
        };
        let mut ids = IdList::new();
        let paid = self.diverted_payslips(x, employee, &mut ids);
        self.label(
            batch,
            A::PayrollDiversion,
            p.first,
            x.company,
            paid,
            Touched {
                payslips: Some(ids),
                partner: Some(employee),
                ..Touched::NONE
            },
        );
    }
}

impl World {
    /// The label of block `p`'s ghost employee: the payslips paid after the employee
    /// left, the payroll entries that pay them (their expense is the ghost's pay) and
    /// the employee. The block's entry is an ordinary case.
    pub(crate) fn ghost_employee(&self, p: &Plan, batch: &mut Batch) {
        let Some(g) = self.diversions.ghost(p.block()) else {
            return;
        };
        let md = self.registry.get();
        let Some(employee) = md.employees.get(g.employee as usize).map(|e| e.employee_id) else {
            return;
        };
        let mut ids = IdList::new();
        // Two months of two runs at most.
        let mut entries = [0u64; 4];
        let (paid, n) = self.ghost_payslips(g, employee, &mut ids, &mut entries);
        self.label(
            batch,
            A::GhostEmployee,
            p.first,
            g.company,
            paid,
            Touched {
                entries: &entries[..n],
                payslips: Some(ids),
                partner: Some(employee),
                ..Touched::NONE
            },
        );
    }
}
