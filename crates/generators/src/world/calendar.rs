//! Calendars: public holidays per country, working days, and posting dates drawn from a
//! weighted table of every day in the period (month-, quarter- and year-end spikes,
//! weekends and public holidays quiet), sampled by binary search.

use crate::world::rng::Draws;
use synth_model::{Date, days_in_month};

/// Weight of an ordinary working day.
pub const WEEKDAY_WEIGHT: u32 = 100;
/// Weight of a Saturday or a Sunday.
pub const WEEKEND_WEIGHT: u32 = 12;
/// Weight of a public holiday on a weekday (offices closed, as on a weekend; a little
/// quieter, since entries derived from a case's dates also land on weekends).
pub const HOLIDAY_WEIGHT: u32 = 8;
/// Multiplier (in percent) for the last three days of a month.
pub const MONTH_END_PERCENT: u32 = 250;
/// Extra multiplier (percent) for the last five days of a quarter.
pub const QUARTER_END_PERCENT: u32 = 150;
/// Extra multiplier (percent) for the last five days of a year.
pub const YEAR_END_PERCENT: u32 = 150;

/// Days before the period (and after it) whose working days are known: documents and
/// open items of the year before, payments after the end.
const MARGIN_DAYS: i32 = 800;

/// The countries whose public holidays are known.
pub const SUPPORTED_COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "DE", "FR", "NL", "IT", "ES", "CH", "JP", "AU",
];

/// Easter Sunday of a year (Gregorian; the anonymous algorithm).
fn easter(y: i32) -> Date {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_ymd(y, month as u32, day as u32).unwrap_or(Date(0))
}

fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap_or(Date(0))
}

/// The `n`-th (1-based) `weekday` (0 = Monday) of a month; `n = 0` the last one.
fn nth_weekday(y: i32, m: u32, weekday: u32, n: u32) -> Date {
    if n == 0 {
        let last = ymd(y, m, days_in_month(y, m));
        let back = (last.weekday() + 7 - weekday) % 7;
        return last.add_days(-(back as i32));
    }
    let first = ymd(y, m, 1);
    let ahead = (weekday + 7 - first.weekday()) % 7;
    first.add_days((ahead + 7 * (n - 1)) as i32)
}

/// The weekday a Saturday or Sunday holiday is observed on: the US moves Saturday to
/// Friday and Sunday to Monday; Britain, Canada and Australia move both to Monday.
fn observed(d: Date, us_style: bool) -> Date {
    match (d.weekday(), us_style) {
        (5, true) => d.add_days(-1),
        (6, true) => d.add_days(1),
        (5, false) => d.add_days(2),
        (6, false) => d.add_days(1),
        _ => d,
    }
}

/// The public holidays of `country` in year `y` (nationwide ones).
pub fn holidays(country: &str, y: i32) -> Vec<Date> {
    let e = easter(y);
    let mut h = Vec::new();
    match country {
        "US" => {
            for (m, d) in [(1, 1), (6, 19), (7, 4), (11, 11), (12, 25)] {
                h.push(observed(ymd(y, m, d), true));
            }
            h.push(nth_weekday(y, 1, 0, 3)); // Martin Luther King Jr. Day
            h.push(nth_weekday(y, 2, 0, 3)); // Presidents' Day
            h.push(nth_weekday(y, 5, 0, 0)); // Memorial Day
            h.push(nth_weekday(y, 9, 0, 1)); // Labor Day
            h.push(nth_weekday(y, 10, 0, 2)); // Columbus Day
            h.push(nth_weekday(y, 11, 3, 4)); // Thanksgiving
        }
        "CA" => {
            for (m, d) in [(1, 1), (7, 1), (12, 25)] {
                h.push(observed(ymd(y, m, d), false));
            }
            h.push(
                observed(ymd(y, 12, 26), false).max(observed(ymd(y, 12, 25), false).add_days(1)),
            );
            h.push(e.add_days(-2));
            h.push(
                nth_weekday(y, 5, 0, 4)
                    .min(ymd(y, 5, 24))
                    .max(ymd(y, 5, 18)),
            ); // Victoria Day
            h.push(nth_weekday(y, 9, 0, 1));
            h.push(nth_weekday(y, 10, 0, 2));
        }
        "GB" => {
            h.push(observed(ymd(y, 1, 1), false));
            let christmas = observed(ymd(y, 12, 25), false);
            h.push(christmas);
            let boxing = observed(ymd(y, 12, 26), false);
            h.push(if boxing <= christmas {
                christmas.add_days(1)
            } else {
                boxing
            });
            h.push(e.add_days(-2));
            h.push(e.add_days(1));
            h.push(nth_weekday(y, 5, 0, 1));
            h.push(nth_weekday(y, 5, 0, 0));
            h.push(nth_weekday(y, 8, 0, 0));
        }
        "DE" => {
            for (m, d) in [(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)] {
                h.push(ymd(y, m, d));
            }
            for off in [-2, 1, 39, 50] {
                h.push(e.add_days(off));
            }
        }
        "FR" => {
            for (m, d) in [
                (1, 1),
                (5, 1),
                (5, 8),
                (7, 14),
                (8, 15),
                (11, 1),
                (11, 11),
                (12, 25),
            ] {
                h.push(ymd(y, m, d));
            }
            for off in [1, 39, 50] {
                h.push(e.add_days(off));
            }
        }
        "NL" => {
            for (m, d) in [(1, 1), (12, 25), (12, 26)] {
                h.push(ymd(y, m, d));
            }
            let kings = ymd(y, 4, 27);
            h.push(if kings.weekday() == 6 {
                kings.add_days(-1)
            } else {
                kings
            });
            for off in [-2, 1, 39, 50] {
                h.push(e.add_days(off));
            }
        }
        "IT" => {
            for (m, d) in [
                (1, 1),
                (1, 6),
                (4, 25),
                (5, 1),
                (6, 2),
                (8, 15),
                (11, 1),
                (12, 8),
                (12, 25),
                (12, 26),
            ] {
                h.push(ymd(y, m, d));
            }
            h.push(e.add_days(1));
        }
        "ES" => {
            for (m, d) in [
                (1, 1),
                (1, 6),
                (5, 1),
                (8, 15),
                (10, 12),
                (11, 1),
                (12, 6),
                (12, 8),
                (12, 25),
            ] {
                h.push(ymd(y, m, d));
            }
            h.push(e.add_days(-2));
        }
        "CH" => {
            for (m, d) in [(1, 1), (1, 2), (8, 1), (12, 25), (12, 26)] {
                h.push(ymd(y, m, d));
            }
            for off in [-2, 1, 39, 50] {
                h.push(e.add_days(off));
            }
        }
        "JP" | "AU" => pacific(country, y, e, &mut h),
        _ => {}
    }
    h
}

/// The public holidays of Japan and Australia in year `y`, whose Easter is `e`.
fn pacific(country: &str, y: i32, e: Date, h: &mut Vec<Date>) {
    match country {
        "JP" => {
            for (m, d) in [
                (1, 1),
                (1, 2),
                (1, 3),
                (2, 11),
                (2, 23),
                (3, 20),
                (4, 29),
                (5, 3),
                (5, 4),
                (5, 5),
                (8, 11),
                (9, 23),
                (11, 3),
                (11, 23),
                (12, 31),
            ] {
                h.push(ymd(y, m, d));
            }
            h.push(nth_weekday(y, 1, 0, 2));
            h.push(nth_weekday(y, 7, 0, 3));
            h.push(nth_weekday(y, 9, 0, 3));
            h.push(nth_weekday(y, 10, 0, 2));
            // A holiday on a Sunday moves to the next day that is not one.
            let sundays: Vec<Date> = h.iter().copied().filter(|d| d.weekday() == 6).collect();
            for s in sundays {
                let mut d = s.add_days(1);
                while h.contains(&d) {
                    d = d.add_days(1);
                }
                h.push(d);
            }
        }
        "AU" => {
            for (m, d) in [(1, 1), (1, 26), (4, 25)] {
                h.push(observed(ymd(y, m, d), false));
            }
            let christmas = observed(ymd(y, 12, 25), false);
            h.push(christmas);
            let boxing = observed(ymd(y, 12, 26), false);
            h.push(if boxing <= christmas {
                christmas.add_days(1)
            } else {
                boxing
            });
            for off in [-2, 1] {
                h.push(e.add_days(off));
            }
            h.push(nth_weekday(y, 6, 0, 2));
        }
        _ => {}
    }
}

/// One day of the period, with what entries need from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day {
    pub date: Date,
}

/// A company's calendar: its working days, and its period's days with cumulative
/// weights for drawing posting dates.
#[derive(Debug, Clone)]
pub struct PostingCalendar {
    days: Vec<Day>,
    cumulative: Vec<u64>,
    /// Cumulative weights of working days only (others weigh 0).
    cumulative_working: Vec<u64>,
    /// Whether each day from `first_known` is a working day.
    working: Vec<bool>,
    first_known: Date,
}

impl PostingCalendar {
    /// The calendar of `months` months from `year`-`month`-01 for a company in `country`,
    /// every month as busy as the others.
    pub fn new(country: &str, year: i32, month: u32, months: u32) -> Self {
        Self::seasonal(country, (year, month, months), &[1.0; 12])
    }

    /// The calendar of `months` months from `year`-`month`-01 for a company in
    /// `country`, each calendar month's days weighted by its entry of `season`
    /// (January first; relative weights).
    pub fn seasonal(
        country: &str,
        (year, month, months): (i32, u32, u32),
        season: &[f64; 12],
    ) -> Self {
        let mean = season.iter().sum::<f64>() / 12.0;
        let scale: Vec<u64> = season
            .iter()
            .map(|w| libm::round(1_000.0 * w / if mean > 0.0 { mean } else { 1.0 }) as u64)
            .collect();
        let start = ymd(year, month, 1);
        let end_month = (month - 1 + months) % 12 + 1;
        let end_year = year + ((month - 1 + months) / 12) as i32;
        let end = ymd(end_year, end_month, 1).add_days(-1);
        let first_known = start.add_days(-MARGIN_DAYS);
        let last_known = end.add_days(MARGIN_DAYS);
        let mut working = vec![true; (last_known.0 - first_known.0 + 1) as usize];
        for (i, w) in working.iter_mut().enumerate() {
            *w = !Date(first_known.0 + i as i32).is_weekend();
        }
        for y in first_known.ymd().0..=last_known.ymd().0 {
            for d in holidays(country, y) {
                if d >= first_known && d <= last_known {
                    working[(d.0 - first_known.0) as usize] = false;
                }
            }
        }
        let mut calendar = Self {
            days: Vec::new(),
            cumulative: Vec::new(),
            cumulative_working: Vec::new(),
            working,
            first_known,
        };
        let (mut total, mut total_working) = (0u64, 0u64);
        for d in start.0..=end.0 {
            let date = Date(d);
            let (y, m, day) = date.ymd();
            let len = days_in_month(y, m);
            let work = calendar.is_working(date);
            let mut w = match (work, date.is_weekend()) {
                (true, _) => WEEKDAY_WEIGHT,
                (false, true) => WEEKEND_WEIGHT,
                (false, false) => HOLIDAY_WEIGHT,
            };
            let from_end = len - day;
            if from_end < 3 {
                w = w * MONTH_END_PERCENT / 100;
            }
            if from_end < 5 && m % 3 == 0 {
                w = w * QUARTER_END_PERCENT / 100;
            }
            if from_end < 5 && m == 12 {
                w = w * YEAR_END_PERCENT / 100;
            }
            let w = u64::from(w) * scale[(m - 1) as usize % 12];
            total += w;
            if work {
                total_working += w;
            }
            calendar.days.push(Day { date });
            calendar.cumulative.push(total);
            calendar.cumulative_working.push(total_working);
        }
        calendar
    }

    /// Whether `date` is a working day (not a weekend, not a public holiday).
    #[inline]
    pub fn is_working(&self, date: Date) -> bool {
        let i = date.0 - self.first_known.0;
        if i < 0 || i as usize >= self.working.len() {
            return !date.is_weekend();
        }
        self.working[i as usize]
    }

    /// The first working day on or after `date`.
    #[inline]
    pub fn next_working(&self, date: Date) -> Date {
        let mut d = date;
        while !self.is_working(d) {
            d = d.add_days(1);
        }
        d
    }

    /// The last working day on or before `date`.
    #[inline]
    pub fn previous_working(&self, date: Date) -> Date {
        let mut d = date;
        while !self.is_working(d) {
            d = d.add_days(-1);
        }
        d
    }

    #[inline]
    fn draw(&self, cumulative: &[u64], draws: &mut Draws) -> Date {
        let total = cumulative.last().copied().unwrap_or(1).max(1);
        let r = ((u128::from(draws.bits()) * u128::from(total)) >> 64) as u64;
        let i = cumulative.partition_point(|c| *c <= r);
        self.days[i.min(self.days.len() - 1)].date
    }

    /// A weighted random day of the period (any day; weekends and holidays quiet).
    #[inline]
    pub(crate) fn sample(&self, draws: &mut Draws) -> Date {
        self.draw(&self.cumulative, draws)
    }

    /// A weighted random working day of the period.
    #[inline]
    pub(crate) fn sample_working(&self, draws: &mut Draws) -> Date {
        self.draw(&self.cumulative_working, draws)
    }

    /// First and last day of the period.
    pub fn bounds(&self) -> (Date, Date) {
        (
            self.days.first().map_or(Date(0), |d| d.date),
            self.days.last().map_or(Date(0), |d| d.date),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_and_holidays_fall_where_they_should() {
        assert_eq!(easter(2024), ymd(2024, 3, 31));
        assert_eq!(easter(2025), ymd(2025, 4, 20));
        let us = holidays("US", 2024);
        assert!(us.contains(&ymd(2024, 11, 28)), "Thanksgiving 2024");
        assert!(us.contains(&ymd(2024, 5, 27)), "Memorial Day 2024");
        let de = holidays("DE", 2024);
        assert!(de.contains(&ymd(2024, 3, 29)) && de.contains(&ymd(2024, 5, 9)));
        assert!(
            holidays("JP", 2024).contains(&ymd(2024, 2, 12)),
            "substitute holiday"
        );
        let gb = holidays("GB", 2021);
        // Christmas 2021 fell on a Saturday: substitute days Monday 27 and Tuesday 28.
        assert!(gb.contains(&ymd(2021, 12, 27)) && gb.contains(&ymd(2021, 12, 28)));
        let c = PostingCalendar::new("DE", 2024, 1, 12);
        assert!(!c.is_working(ymd(2024, 12, 25)) && !c.is_working(ymd(2024, 12, 28)));
        assert_eq!(c.next_working(ymd(2024, 12, 25)), ymd(2024, 12, 27));
        for code in SUPPORTED_COUNTRIES {
            assert!(holidays(code, 2024).len() >= 8, "{code}");
        }
    }
}
