//! Expense claims: who claims an expense-claim entry, and the claim's row.

use crate::world::World;
use crate::world::pools::COST_CENTERS;
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{Batch, Date, Employee, ExpenseClaim};

/// What is claimed, by the claim's size in US dollars: (below this many, the (category,
/// description) of such claims).
const BANDS: &[(f64, &[(&str, &str)])] = &[
    (
        25.0,
        &[
            ("meals", "Business lunch"),
            ("meals", "Meals while travelling"),
            ("travel", "Taxi"),
            ("mileage", "Mileage, own car"),
        ],
    ),
    (
        80.0,
        &[
            ("meals", "Client dinner"),
            ("travel", "Train ticket"),
            ("travel", "Taxi"),
            ("mileage", "Mileage, own car"),
        ],
    ),
    (
        250.0,
        &[
            ("lodging", "Hotel"),
            ("travel", "Train ticket"),
            ("travel", "Rental car"),
        ],
    ),
    (
        f64::INFINITY,
        &[
            ("lodging", "Hotel, two nights"),
            ("lodging", "Hotel, three nights"),
            ("travel", "Flight"),
        ],
    ),
];

/// The departments that travel most: three claims in four are theirs.
const TRAVELLERS: &[&str] = &["Sales", "Service", "Management", "Marketing"];

/// Random tries to find someone employed on the day before a scan.
const TRIES: usize = 8;

/// What an expense-claim entry posts and where.
pub(crate) struct ClaimEntry {
    pub(crate) company: usize,
    pub(crate) slot: u64,
    /// The slot whose draws the claim's details follow (its own, or its original's).
    pub(crate) draws: u64,
    /// The day the claim was first posted.
    pub(crate) date: Date,
    /// The day a duplicate claim was posted again.
    pub(crate) resubmitted: Option<Date>,
    /// A client dinner, whatever its size (a padded claim).
    pub(crate) padded: bool,
    pub(crate) gross: i64,
    pub(crate) tax: i64,
    /// Units of the company's currency to the US dollar.
    pub(crate) fx: f64,
    pub(crate) entry_id: u128,
}

impl World {
    /// Who claims the expense-claim entry of `slot` in company `ci`, posted on `date`:
    /// someone employed that day, of a travelling department three times in four;
    /// their index among `employees` and their cost center (index into `COST_CENTERS`).
    pub(crate) fn claimant(
        &self,
        employees: &[Employee],
        ci: usize,
        date: Date,
        slot: u64,
    ) -> Option<(usize, usize)> {
        let s = self.schedules.get(ci)?;
        let mut d = Draws::new(self.config.seed, stream::EXPENSE_CLAIM, slot);
        let employed = |i: u32| {
            employees
                .get(i as usize)
                .is_some_and(|e| e.hire_date <= date && e.leave_date.is_none_or(|l| l >= date))
        };
        let travels = d.below(4) < 3;
        let of_kind = |j: &usize| TRAVELLERS.contains(&COST_CENTERS[s.centers[*j]].2) == travels;
        let n = (0..s.centers.len()).filter(of_kind).count();
        if n > 0 {
            let r = d.below(n);
            if let Some(j) = (0..s.centers.len()).filter(of_kind).nth(r) {
                let staff = &s.staff[j];
                for _ in 0..TRIES.min(staff.len() * 2) {
                    let i = staff[d.below(staff.len())];
                    if employed(i) {
                        return Some((i as usize, s.centers[j]));
                    }
                }
            }
        }
        // Anyone employed that day, from a drawn place in the staff.
        let all = s.staff.iter().map(Vec::len).sum::<usize>();
        let start = d.below(all.max(1));
        (0..s.centers.len())
            .flat_map(|j| s.staff[j].iter().map(move |&i| (i, j)))
            .cycle()
            .skip(start)
            .take(all)
            .find(|&(i, _)| employed(i))
            .map(|(i, j)| (i as usize, s.centers[j]))
    }

    /// The claim of employee `e` (of cost center `k`) behind expense-claim entry `c`: a
    /// category and description fit for its size (meals and taxis small, flights and
    /// hotel nights large), the day of the expense (up to a week before it was submitted) and of
    /// submission (up to three days before the posting), never before the hire.
    pub(crate) fn claim(&self, c: &ClaimEntry, (e, k): (&Employee, usize), batch: &mut Batch) {
        let mut d = Draws::new(self.config.seed, stream::CLAIM_DETAIL, c.draws);
        let size = c.gross as f64 / (100.0 * c.fx.max(f64::MIN_POSITIVE));
        let band = BANDS
            .iter()
            .find(|b| size < b.0)
            .map_or(BANDS[0].1, |b| b.1);
        let (category, description) = d.pick(band);
        let (category, description) = if c.padded {
            ("meals", "Client dinner")
        } else {
            (category, description)
        };
        let submitted = c.date.add_days(-(d.below(4) as i32)).max(e.hire_date);
        let spent = submitted.add_days(-(d.below(8) as i32)).max(e.hire_date);
        // A duplicate: the same receipt, submitted again the day it is posted or the day
        // before.
        let submitted = c
            .resubmitted
            .map_or(submitted, |r| r.add_days(-(d.below(2) as i32)).max(spent));
        batch.claims.push(ExpenseClaim {
            claim_id: record_id(self.config.seed, stream::EXPENSE_CLAIM, c.slot),
            company_code: e.company_code,
            employee_id: e.employee_id,
            cost_center: COST_CENTERS[k].0,
            category,
            description,
            expense_date: spent,
            submitted_date: submitted,
            amount: c.gross,
            tax_amount: c.tax,
            currency: self.economy.companies[c.company].currency,
            // Reimbursed with the entry, into the account of its day.
            bank_account: self
                .diversions
                .account_on(e, c.resubmitted.unwrap_or(c.date)),
            entry_id: c.entry_id,
        });
    }
}
