//! Employees over the period: each company has a fixed number of positions; each
//! position's holder may leave at the end of any month (the monthly churn of the
//! config) and is replaced from the first day of the next month, and everyone's salary
//! rises on each anniversary of their hire. The payroll of a month is the sum of the
//! salaries of the people employed in it, per cost center, and in December their
//! year-end bonuses.

use crate::config::GeneratorConfig;
use crate::world::economy::CompanyBooks;
use crate::world::economy::share;
use crate::world::pools::{self, COST_CENTERS, JOB_TITLES};
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{Date, Employee, PartnerName, days_in_month};

/// One holder of a position: (position, holder number, first month paid, last month
/// paid), months counted from the start of the period (the first holder of each
/// position was hired before it, so starts at 0; the last holder stays past its end).
type Tenure = (u64, u64, u64, Option<u64>);

/// The tenures of company `ci`'s positions, by position then holder.
fn tenures(config: &GeneratorConfig, ci: usize, positions: u32) -> Vec<Tenure> {
    let months = u64::from(config.months);
    let churn = config.master_data.employee_churn;
    let mut out = Vec::with_capacity(positions as usize);
    for k in 0..u64::from(positions) {
        let mut d = Draws::new(config.seed, stream::EMPLOYEE_CHURN, (ci as u64) << 32 | k);
        let (mut holder, mut from) = (0u64, 0u64);
        // Nobody leaves at the end of the last month: their successor would start after
        // the period.
        for m in 0..months.saturating_sub(1) {
            if d.unit() < churn {
                out.push((k, holder, from, Some(m)));
                holder += 1;
                from = m + 1;
            }
        }
        out.push((k, holder, from, None));
    }
    out
}

/// Overtime and bonuses on top of salaries, as a share of them (measured on the default
/// run: bonuses 6.6-8.4%, overtime 2.1-2.3%), so that the payroll's share of revenue
/// holds.
const EXTRA_PAY: f64 = 0.095;

/// The year-end bonus of a holder of a position in `department`, in hundredths of a
/// percent of a year's salary: management 15-30%, sales and marketing 8-20%, logistics
/// and service (paid overtime instead) 0-5%, the others 0-10%.
fn bonus_percent(department: &str, d: &mut Draws) -> i64 {
    match department {
        "Management" => 1_500 + 250 * d.below(7) as i64,
        "Sales" | "Marketing" => 800 + 200 * d.below(7) as i64,
        "Logistics" | "Service" => 250 * d.below(3) as i64,
        _ => 250 * d.below(5) as i64,
    }
}

/// The most employees a company has: beyond it, salaries grow with the company instead,
/// so that master data (held in memory whole) stays bounded at any size.
const MAX_EMPLOYEES: f64 = 5_000.0;
/// Employees of a company and the factor its salaries are scaled by (1 unless the
/// head count hit a bound).
pub(crate) fn headcount(c: &CompanyBooks) -> (u32, f64) {
    let target = share::PAYROLL * c.revenue_month;
    let per_head = c.median_salary
        * 100.0
        * 1.05
        * (1.0 + EXTRA_PAY)
        * (1.0 + c.social_security_bp as f64 / 10_000.0);
    let wanted = target / per_head.max(1.0);
    let n = wanted
        .round()
        .clamp(COST_CENTERS.len() as f64, MAX_EMPLOYEES);
    (n as u32, if wanted.round() == n { 1.0 } else { wanted / n })
}

/// Rows of the employees table of company `c` (`ci`), without building them.
pub(crate) fn employee_count(config: &GeneratorConfig, ci: usize, c: &CompanyBooks) -> u64 {
    tenures(config, ci, headcount(c).0).len() as u64
}

/// Year and month of month `m` of the period.
fn year_month(config: &GeneratorConfig, m: u64) -> (i32, u32) {
    let t = i64::from(config.start_year) * 12 + i64::from(config.start_month) - 1 + m as i64;
    ((t / 12) as i32, (t % 12) as u32 + 1)
}

/// The employees of company `ci`: every holder of each of its positions over the
/// period. A position keeps its cost center; each holder has a title of its department,
/// a salary around the company's median and a yearly raise of 1.5% to 5%.
pub(crate) fn company_employees(
    config: &GeneratorConfig,
    start: Date,
    ci: usize,
    c: &CompanyBooks,
) -> Vec<Employee> {
    let seed = config.seed;
    let (n, factor) = headcount(c);
    let mut employees = Vec::new();
    let mut cc = 0;
    for (k, holder, from, to) in tenures(config, ci, n) {
        let index = (ci as u64) << 32 | holder << 20 | k;
        let mut d = Draws::new(seed, stream::EMPLOYEE, index);
        if holder == 0 {
            cc = if (k as usize) < COST_CENTERS.len() {
                k as usize
            } else {
                // Sales, logistics and service employ most people.
                let pool = match d.below(10) {
                    0..4 => pools::centers::SALES,
                    4..6 => pools::centers::LOGISTICS,
                    6..8 => pools::centers::SERVICES,
                    _ => pools::centers::ALL,
                };
                d.pick(pool)
            };
        }
        let department = COST_CENTERS[cc].2;
        let titles = JOB_TITLES
            .iter()
            .find(|t| t.0 == department)
            .map_or(&["Employee"][..], |t| t.1);
        let salary = c.median_salary * factor * libm::exp(0.3 * d.normal());
        let name = format!(
            "{} {}",
            d.pick(pools::PERSON_FIRST),
            d.pick(pools::PERSON_LAST)
        );
        let job_title = d.pick(titles);
        let before = start.add_days(-(20 + d.below(6000) as i32));
        let raise = 150 + 50 * d.below(8) as i64;
        let bonus = bonus_percent(department, &mut d);
        let (y, m) = year_month(config, from);
        let hire_date = if holder == 0 {
            before
        } else {
            Date::from_ymd(y, m, 1).unwrap_or(start)
        };
        let leave_date = to.map(|t| {
            let (y, m) = year_month(config, t);
            Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(start)
        });
        employees.push(Employee {
            employee_id: record_id(seed, stream::EMPLOYEE, index),
            company_code: c.code,
            name: PartnerName::from(name.as_str()),
            job_title,
            cost_center: COST_CENTERS[cc].0,
            hire_date,
            leave_date,
            monthly_salary: ((salary * 10.0).round() as i64 * 10).max(100),
            annual_raise_percent: raise,
            bonus_percent: bonus,
        });
    }
    employees
}

/// What company `code` pays its employees per month of the period and cost center
/// (`months` rows of `COST_CENTERS.len()`): salaries and year-end bonuses.
pub(crate) fn payroll_by_month(
    config: &GeneratorConfig,
    employees: &[Employee],
    code: &str,
) -> Vec<Vec<Pay>> {
    let months = u64::from(config.months);
    let mut table = vec![vec![Pay::default(); COST_CENTERS.len()]; months as usize];
    let first = i64::from(config.start_year) * 12 + i64::from(config.start_month) - 1;
    let month_of = |d: Date| {
        let (y, m, _) = d.ymd();
        i64::from(y) * 12 + i64::from(m) - 1 - first
    };
    for e in employees.iter().filter(|e| e.company_code.as_str() == code) {
        let Some(cc) = COST_CENTERS.iter().position(|x| x.0 == e.cost_center) else {
            continue;
        };
        let from = month_of(e.hire_date).max(0) as u64;
        let to = e
            .leave_date
            .map_or(months, |d| (month_of(d) + 1).clamp(0, months as i64) as u64);
        let (hired_year, hired_in, _) = e.hire_date.ymd();
        let mut salary = e.monthly_salary;
        for m in from..to {
            let (y, month) = year_month(config, m);
            if m > from && month == hired_in {
                salary = raised(salary, e.annual_raise_percent);
            }
            let pay = &mut table[m as usize][cc];
            pay.salary += salary;
            if month == 12 {
                pay.bonus += bonus(salary, e.bonus_percent, (hired_year, hired_in), y);
            }
        }
    }
    table
}

/// What a cost center pays in a month, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Pay {
    /// Salaries.
    pub salary: i64,
    /// Overtime (set by the schedule, not from the employees).
    pub overtime: i64,
    /// Year-end bonuses.
    pub bonus: i64,
}

impl Pay {
    /// Everything paid.
    pub(crate) fn gross(self) -> i64 {
        self.salary + self.overtime + self.bonus
    }
}

/// The year-end bonus paid in December of `year` on a December salary of `salary` at
/// `percent` hundredths of a percent of a year's pay, pro rata to the months employed
/// that year (all twelve for those hired before it; from the month of hire else),
/// rounded half up to the minor unit.
pub(crate) fn bonus(
    salary: i64,
    percent: i64,
    (hired_year, hired_in): (i32, u32),
    year: i32,
) -> i64 {
    let months = if hired_year < year {
        12
    } else {
        13 - i64::from(hired_in)
    };
    (salary * months * percent + 5_000) / 10_000
}

/// A salary after a raise of `percent` hundredths of a percent, rounded half up to the
/// minor unit.
pub(crate) fn raised(salary: i64, percent: i64) -> i64 {
    salary + (salary * percent + 5_000) / 10_000
}
