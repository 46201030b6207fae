//! Employees over the period: each company has a fixed number of positions; each
//! position's holder may leave at the end of any month (the monthly churn of the
//! config) and is replaced from the first day of the next month, and everyone's salary
//! rises on each anniversary of their hire. Each payroll run pays each person employed
//! in the month a payslip (salary, overtime, year-end bonus in December, a leaver's
//! unused vacation, less income tax and social security by the country's rules); the
//! run's entry is the sum of its payslips, per cost center.

use crate::config::GeneratorConfig;
use crate::world::economy::CompanyBooks;
use crate::world::economy::share;
use crate::world::pools::{self, COST_CENTERS, JOB_TITLES};
use crate::world::rng::{Draws, record_id, stream};
use crate::world::time_off::{TimeOff, days_of, time_off, unused_vacation};
use synth_model::{Date, Employee, PartnerName, days_in_month};

/// One holder of a position: (position, holder number, first month paid, last month
/// paid), months counted from the start of the period (the first holder of each
/// position was hired before it, so starts at 0; the last holder stays past its end).
type Tenure = (u64, u64, u64, Option<u64>);

/// The home of employee `index` (its key in the employees stream) of a company in
/// `country`: a place in the company's country, drawn from the employee's own stream so
/// that it is known without the rest of the employee.
pub(crate) fn home(seed: u64, index: u64, country: &'static str) -> pools::places::Place {
    pools::places::place_in(country, &mut Draws::new(seed, stream::EMPLOYEE_HOME, index))
}

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

/// The keys (in the employees stream) of the people company `ci` employs on `day`, by
/// position.
pub(crate) fn employed_on(
    config: &GeneratorConfig,
    ci: usize,
    c: &CompanyBooks,
    day: Date,
) -> Vec<u64> {
    let (y, m, _) = day.ymd();
    let month = (i64::from(y) * 12 + i64::from(m))
        - (i64::from(config.start_year) * 12 + i64::from(config.start_month));
    let Ok(month) = u64::try_from(month) else {
        return Vec::new();
    };
    tenures(config, ci, headcount(c).0)
        .into_iter()
        .filter(|(_, _, from, to)| *from <= month && to.is_none_or(|t| month <= t))
        .map(|(k, holder, _, _)| (ci as u64) << 32 | holder << 20 | k)
        .collect()
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
        let home = home(seed, index, c.country);
        employees.push(Employee {
            employee_id: record_id(seed, stream::EMPLOYEE, index),
            company_code: c.code,
            name: PartnerName::from(name.as_str()),
            street: home.street.text(home.country),
            city: home.city,
            region: home.region,
            postcode: home.postcode,
            job_title,
            cost_center: COST_CENTERS[cc].0,
            hire_date,
            leave_date,
            monthly_salary: ((salary * 10.0).round() as i64 * 10).max(100),
            annual_raise_percent: raise,
            bonus_percent: bonus,
            bank_account: crate::world::identity::employee_account(seed, index, c.country),
        });
    }
    employees
}

/// Months from year 0 to the first month of the period.
fn first_month(config: &GeneratorConfig) -> i64 {
    i64::from(config.start_year) * 12 + i64::from(config.start_month) - 1
}

/// Month of the period (0 = the first; negative before it) that date `d` falls in.
pub(crate) fn month_of(config: &GeneratorConfig, d: Date) -> i64 {
    let (y, m, _) = d.ymd();
    i64::from(y) * 12 + i64::from(m) - 1 - first_month(config)
}

/// How the payroll treats an employee who leaves.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Leaving {
    /// Months it keeps paying them past the leave date (0 but for a ghost employee).
    pub kept: u64,
    /// Their unused vacation is paid with the next month's payroll, not the leaving
    /// month's (a clean look-alike of a ghost employee).
    pub deferred: bool,
}

/// What the payroll pays an employee in a month of the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MonthPay {
    /// Employed that month (else paid only for their unused vacation).
    pub employed: bool,
    /// Monthly salary (0 where not employed).
    pub salary: i64,
    /// Year-end bonus (December).
    pub bonus: i64,
    /// Vacation days earned that year and not taken, paid out on leaving.
    pub payout_days: u32,
    /// What those days pay: a 21.75th of the last monthly salary each.
    pub payout: i64,
}

impl MonthPay {
    /// Whether run `run` of `runs` of the month pays it: all runs pay the employed; a
    /// month that only pays unused vacation pays it with its last run.
    pub(crate) fn in_run(&self, run: u64, runs: u64) -> bool {
        self.employed || run + 1 == runs
    }
}

/// The monthly salary of employee `e`, first paid in month `from`, in month `m` of the
/// period: raised on each anniversary of the hire after `from`.
fn salary_in(config: &GeneratorConfig, e: &Employee, from: i64, m: i64) -> i64 {
    let (_, hired_in, _) = e.hire_date.ymd();
    // The first anniversary after `from`, in months of the period.
    let calendar = |t: i64| (first_month(config) + t).rem_euclid(12) + 1;
    let ahead = (i64::from(hired_in) - calendar(from)).rem_euclid(12);
    let first = from + if ahead == 0 { 12 } else { ahead };
    let raises = if m >= first { (m - first) / 12 + 1 } else { 0 };
    let mut salary = e.monthly_salary;
    for _ in 0..raises {
        salary = raised(salary, e.annual_raise_percent);
    }
    salary
}

/// What the payroll pays employee `e` (of a company in `country`) in month `m` of the
/// period; none when it pays them nothing: before their hire, after their leave date
/// (but for the `kept` months a ghost employee is paid past it, and the month their
/// unused vacation is paid). The salary is raised on each anniversary of the hire
/// within the period; the bonus is paid in December; a leaver's unused vacation with
/// the leaving month's payroll, or the next month's where `deferred`.
pub(crate) fn month_pay(
    config: &GeneratorConfig,
    e: &Employee,
    m: u64,
    country: &str,
    leaving: Leaving,
) -> Option<MonthPay> {
    let months = i64::from(config.months);
    let from = month_of(config, e.hire_date).max(0);
    let left = e.leave_date.map(|d| month_of(config, d));
    let to = left.map_or(months, |l| (l + 1 + leaving.kept as i64).min(months));
    let settles = left
        .filter(|l| *l >= from)
        .map(|l| l + i64::from(leaving.deferred))
        .filter(|s| *s < months);
    let m = m as i64;
    let employed = m >= from && m < to;
    if !employed && settles != Some(m) {
        return None;
    }
    let mut pay = MonthPay {
        employed,
        ..MonthPay::default()
    };
    if employed {
        pay.salary = salary_in(config, e, from, m);
        let (hired_year, hired_in, _) = e.hire_date.ymd();
        let (y, month) = year_month(config, m as u64);
        if month == 12 {
            pay.bonus = bonus(pay.salary, e.bonus_percent, (hired_year, hired_in), y);
        }
    }
    if let (Some(s), Some(l)) = (settles, left)
        && s == m
    {
        pay.payout_days = unused_vacation(config, e, country, l);
        pay.payout = days_of(salary_in(config, e, from, l), pay.payout_days);
    }
    (employed || pay.payout_days > 0).then_some(pay)
}

/// Whether month `m` of the period is after employee `e`'s leave date and the ghost
/// employee's pay then has no time off and no overtime (below the hard level, where
/// they are drawn as for anyone employed).
pub(crate) fn after_leaving(config: &GeneratorConfig, e: &Employee, m: u64) -> bool {
    let hard = config
        .anomalies
        .level(crate::anomalies::AnomalyType::GhostEmployee)
        == crate::anomalies::Difficulty::Hard;
    !hard && e.leave_date.is_some_and(|d| month_of(config, d) < m as i64)
}

/// The overtime rate of cost center `k` (index into `COST_CENTERS`) of company `ci` in
/// month `month` of the period: only logistics and service centers pay it, about 5% of
/// salaries in a month of average activity, more in busy months (the cube of the
/// month's seasonality weight over their mean), at most 15%.
pub(crate) fn overtime_rate(config: &GeneratorConfig, ci: usize, month: u64, k: usize) -> f64 {
    use crate::world::pools::centers::{LOGISTICS, SERVICES};
    if !LOGISTICS.contains(&k) && !SERVICES.contains(&k) {
        return 0.0;
    }
    let weights = &config.transactions.seasonality;
    let mean = weights.iter().sum::<f64>() / 12.0;
    let calendar = (u64::from(config.start_month) - 1 + month) % 12;
    let busy = weights[calendar as usize] / mean.max(f64::MIN_POSITIVE);
    let mut d = Draws::new(
        config.seed,
        stream::OVERTIME,
        (ci as u64) << 40 | month << 8 | k as u64,
    );
    (0.05 * busy * busy * busy * libm::exp(0.15 * d.normal())).min(0.15)
}

/// How a company's country withholds and insures pay, in minor units of its pay.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PayRules {
    /// The employee's social security, in hundredths of a percent of gross.
    employee_bp: i64,
    /// The employer's social security, in hundredths of a percent of gross.
    employer_bp: i64,
    /// Yearly salary free of income tax.
    allowance: i64,
    /// Rate above the allowance, in hundredths of a percent.
    low_bp: i64,
    /// Yearly salary above which the higher rate applies.
    threshold: i64,
    /// Rate above the threshold, in hundredths of a percent.
    high_bp: i64,
    /// Payroll runs per month.
    pub runs: u64,
}

impl PayRules {
    /// The rules of company `c`.
    pub(crate) fn of(c: &CompanyBooks) -> PayRules {
        let runs = pools::COUNTRIES
            .iter()
            .find(|x| x.0 == c.country)
            .map_or(1, |x| x.2);
        let (_, employee_bp, allowance, low_bp, threshold, high_bp) = pools::WITHHOLDING
            .iter()
            .copied()
            .find(|w| w.0 == c.country)
            .unwrap_or(pools::WITHHOLDING[0]);
        PayRules {
            employee_bp,
            employer_bp: c.social_security_bp,
            allowance: (allowance * 100.0) as i64,
            low_bp,
            threshold: (threshold * 100.0) as i64,
            high_bp,
            runs: u64::from(runs.clamp(1, 2)),
        }
    }

    /// The income tax on a yearly salary of `yearly`, and the marginal rate there.
    fn yearly_tax(&self, yearly: i64) -> (i64, i64) {
        let low = (yearly.min(self.threshold) - self.allowance).max(0);
        let high = (yearly - self.threshold.max(self.allowance)).max(0);
        let marginal = if high > 0 {
            self.high_bp
        } else if low > 0 {
            self.low_bp
        } else {
            0
        };
        (
            share_of(low, self.low_bp) + share_of(high, self.high_bp),
            marginal,
        )
    }

    /// What an employee paid `pay` this month, with time off `off`, is paid in run
    /// `run` of the month, at an overtime rate of `overtime_rate`: the salary split
    /// evenly between the runs, less the unpaid leave, overtime, bonus and unused
    /// vacation with the last; income tax on the run's salary at its yearly rate, on
    /// overtime, bonus and unused vacation at the marginal rate (where there is no
    /// salary, on the unused vacation as on a run's salary).
    pub(crate) fn slip(&self, pay: MonthPay, off: TimeOff, overtime_rate: f64, run: u64) -> Pay {
        let runs = self.runs as i64;
        let r = run as i64;
        let last = r + 1 == runs;
        let month = pay.salary;
        let overtime = if last {
            (month as f64 * overtime_rate).round() as i64
        } else {
            0
        };
        let unpaid = if last { off.deduction(month) } else { 0 };
        let salary = month * (r + 1) / runs - month * r / runs - unpaid;
        let (bonus, payout) = if last {
            (pay.bonus, pay.payout)
        } else {
            (0, 0)
        };
        let periods = 12 * runs;
        let (regular, extra) = if pay.employed {
            (salary, overtime + bonus + payout)
        } else {
            (payout, 0)
        };
        let (tax, marginal) = self.yearly_tax(regular * periods);
        let gross = salary + overtime + bonus + payout;
        Pay {
            salary,
            overtime,
            bonus,
            payout,
            unpaid,
            income_tax: (tax + periods / 2) / periods + share_of(extra, marginal),
            employee_ss: share_of(gross, self.employee_bp),
            employer_ss: share_of(gross, self.employer_bp),
        }
    }
}

/// `bp` hundredths of a percent of `x`, rounded half up to the minor unit.
fn share_of(x: i64, bp: i64) -> i64 {
    ((i128::from(x) * i128::from(bp) + 5_000) / 10_000) as i64
}

/// What company `ci` (`code`, in `country`, paid by `rules`) pays its employees per
/// month of the period, cost center (`COST_CENTERS.len()`) and payroll run: the sums of
/// the payslips (ghost employees', paid the months `leaving` keeps them past leaving,
/// and leavers' unused vacation, included).
pub(crate) fn payroll_by_month(
    config: &GeneratorConfig,
    (ci, code, country, rules): (usize, &str, &str, &PayRules),
    employees: &[Employee],
    leaving: &dyn Fn(&Employee) -> Leaving,
) -> Vec<Vec<[Pay; 2]>> {
    let months = u64::from(config.months);
    let mut table = vec![vec![[Pay::default(); 2]; COST_CENTERS.len()]; months as usize];
    for e in employees.iter().filter(|e| e.company_code.as_str() == code) {
        let Some(k) = COST_CENTERS.iter().position(|x| x.0 == e.cost_center) else {
            continue;
        };
        for m in 0..months {
            let Some(pay) = month_pay(config, e, m, country, leaving(e)) else {
                continue;
            };
            let (rate, off) = if !pay.employed || after_leaving(config, e, m) {
                (0.0, TimeOff::default())
            } else {
                (
                    overtime_rate(config, ci, m, k),
                    time_off(config, e, country, m),
                )
            };
            for run in (0..rules.runs.min(2)).filter(|r| pay.in_run(*r, rules.runs)) {
                table[m as usize][k][run as usize] += rules.slip(pay, off, rate, run);
            }
        }
    }
    table
}

/// What one employee is paid in one payroll run, or the sum of such payslips, in minor
/// units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Pay {
    /// Salary (less unpaid leave).
    pub salary: i64,
    /// Unpaid leave deducted from the salary.
    pub unpaid: i64,
    /// Overtime.
    pub overtime: i64,
    /// Year-end bonus.
    pub bonus: i64,
    /// Unused vacation paid out on leaving.
    pub payout: i64,
    /// Income tax withheld.
    pub income_tax: i64,
    /// The employee's social security withheld.
    pub employee_ss: i64,
    /// The employer's social security on top.
    pub employer_ss: i64,
}

impl Pay {
    /// Everything earned.
    pub(crate) fn gross(self) -> i64 {
        self.salary + self.overtime + self.bonus + self.payout
    }

    /// What is withheld and owed to the authorities on the employee's behalf.
    pub(crate) fn withheld(self) -> i64 {
        self.income_tax + self.employee_ss
    }

    /// What the employee is paid.
    pub(crate) fn net(self) -> i64 {
        self.gross() - self.withheld()
    }
}

impl std::ops::AddAssign for Pay {
    fn add_assign(&mut self, o: Pay) {
        self.salary += o.salary;
        self.unpaid += o.unpaid;
        self.overtime += o.overtime;
        self.bonus += o.bonus;
        self.payout += o.payout;
        self.income_tax += o.income_tax;
        self.employee_ss += o.employee_ss;
        self.employer_ss += o.employer_ss;
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
