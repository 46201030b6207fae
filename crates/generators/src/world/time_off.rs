//! Time off: the working days each employee is away in a month of the period. Paid
//! vacation (the country's usual yearly entitlement, in weeks and single days, mostly
//! in summer and at year end), paid sick leave (a spell of one to five days in about one month of
//! eight), and unpaid leave (one to eight days in about one month of a hundred), which
//! is deducted from the month's salary at a 21.75th (the working days of an average
//! month) of it per day. A leaver is paid the vacation they earned that year and did not
//! take, at the same rate.

use crate::config::GeneratorConfig;
use crate::world::rng::{Draws, splitmix64, stream};
use synth_model::Employee;

/// Working days in an average month (261 a year).
const WORKING_DAYS: i64 = 2175; // hundredths

/// How vacation is spread over the calendar year (January first): little in winter and
/// spring, most in July, August and late December.
const VACATION_SEASON: [f64; 12] = [0.6, 0.6, 0.8, 1.0, 1.0, 1.3, 2.0, 2.0, 0.9, 0.9, 0.8, 1.6];

/// The working days a full-time employee of `country` usually takes off a year:
/// statutory or usual leave (the US and Japan have no or little statutory leave; their
/// usual practice), without public holidays.
fn entitlement(country: &str) -> f64 {
    match country {
        "DE" => 30.0,
        "FR" | "CH" | "NL" => 25.0,
        "GB" => 25.0,
        "IT" => 26.0,
        "ES" => 23.0,
        "AU" => 20.0,
        "CA" => 15.0,
        "JP" => 12.0,
        _ => 15.0,
    }
}

/// The days an employee is away in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TimeOff {
    /// Paid vacation days.
    pub vacation: u32,
    /// Paid sick days.
    pub sick: u32,
    /// Unpaid leave days.
    pub unpaid: u32,
}

impl TimeOff {
    /// The deduction of the unpaid days from a monthly salary of `salary`, rounded half
    /// up to the minor unit.
    pub(crate) fn deduction(self, salary: i64) -> i64 {
        days_of(salary, self.unpaid)
    }
}

/// `days` working days of a monthly salary of `salary`: a 21.75th of it per day, rounded
/// half up to the minor unit (what unpaid leave deducts and unused vacation pays).
pub(crate) fn days_of(salary: i64, days: u32) -> i64 {
    let days = i128::from(days);
    ((i128::from(salary) * days * 100 * 2 + i128::from(WORKING_DAYS))
        / (2 * i128::from(WORKING_DAYS))) as i64
}

/// The vacation days employee `e` of a company in `country` plans to take in month
/// `calendar` (0 = January) of `year`: each calendar year's vacation is planned whole,
/// the entitlement in weeks and single days, each in a month drawn by the season.
fn planned(
    config: &GeneratorConfig,
    e: &Employee,
    country: &str,
    year: i64,
    calendar: usize,
) -> u32 {
    let person = splitmix64(e.employee_id as u64);
    let mut plan = Draws::new(config.seed, stream::TIME_OFF, person ^ (year as u64) << 40);
    let total: f64 = VACATION_SEASON.iter().sum();
    let mut pick_month = || {
        let mut u = plan.unit() * total;
        VACATION_SEASON
            .iter()
            .position(|w| {
                u -= w;
                u < 0.0
            })
            .unwrap_or(11)
    };
    let days = entitlement(country) as u32;
    let mut vacation = 0;
    for k in 0..days / 5 + days % 5 {
        let length = if k < days / 5 { 5 } else { 1 };
        if pick_month() == calendar {
            vacation += length;
        }
    }
    vacation
}

/// Employee `e`'s time off in month `m` of the period (employed that month), in the
/// country of company `country`. Each calendar year's vacation is planned whole (see
/// `planned`), so a year never holds more than the entitlement (less for those hired or
/// leaving during it).
pub(crate) fn time_off(config: &GeneratorConfig, e: &Employee, country: &str, m: u64) -> TimeOff {
    let t = u64::from(config.start_month) - 1 + m;
    let (year, calendar) = (
        i64::from(config.start_year) + (t / 12) as i64,
        (t % 12) as usize,
    );
    let vacation = planned(config, e, country, year, calendar);
    let person = splitmix64(e.employee_id as u64);
    let mut d = Draws::new(config.seed, stream::TIME_OFF, person ^ (m + 1) << 52);
    let sick = if d.below(100) < 12 {
        1 + d.below(5) as u32
    } else {
        0
    };
    let unpaid = if d.below(100) < 1 {
        1 + d.below(8) as u32
    } else {
        0
    };
    // No more days away than a month has working days.
    let vacation = vacation.min(20u32.saturating_sub(sick + unpaid));
    TimeOff {
        vacation,
        sick,
        unpaid,
    }
}

/// The vacation days employee `e` (of a company in `country`), leaving at the end of
/// month `left` of the period, has earned and not taken in the calendar year they leave:
/// the country's entitlement pro rata to the months employed that year (from the month
/// of hire if hired in it), rounded half up to whole days, less the days taken in those
/// months (months before the period count as planned); none where they took more.
pub(crate) fn unused_vacation(
    config: &GeneratorConfig,
    e: &Employee,
    country: &str,
    left: i64,
) -> u32 {
    let first_month = i64::from(config.start_year) * 12 + i64::from(config.start_month) - 1;
    let at = first_month + left;
    let (year, calendar) = (at.div_euclid(12), at.rem_euclid(12));
    let (hired_year, hired_in, _) = e.hire_date.ymd();
    let from = if i64::from(hired_year) == year {
        i64::from(hired_in) - 1
    } else {
        0
    };
    let months = (calendar - from + 1).max(0);
    let earned = (i64::from(entitlement(country) as u32) * months + 6) / 12;
    let taken: i64 = (from..=calendar)
        .map(|k| {
            let m = year * 12 + k - first_month;
            match u64::try_from(m) {
                Ok(m) => time_off(config, e, country, m).vacation,
                Err(_) => planned(config, e, country, year, k as usize).min(20),
            }
        })
        .map(i64::from)
        .sum();
    (earned - taken).max(0) as u32
}
