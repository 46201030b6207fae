//! Calendar dates as days since 1970-01-01 (the Arrow/Parquet `Date32` value).

/// A calendar date: days since 1970-01-01, proleptic Gregorian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

impl Date {
    /// The date for a year, month (1–12) and day (1–31); `None` if it does not exist.
    pub const fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month (1–12) and day (1–31).
    pub const fn ymd(self) -> (i32, u32, u32) {
        // Howard Hinnant's civil_from_days.
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        (y, m, d)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub const fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// Saturday or Sunday.
    pub const fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    /// This date moved by `days` (negative moves back).
    pub const fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

/// A date and time of day, without time zone: seconds since 1970-01-01T00:00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime(pub i64);

impl DateTime {
    /// Seconds in a day.
    pub const DAY: i64 = 86_400;

    /// `date` at `seconds` after midnight (clamped to the day).
    pub const fn new(date: Date, seconds: u32) -> DateTime {
        let s = if seconds as i64 >= Self::DAY {
            Self::DAY - 1
        } else {
            seconds as i64
        };
        DateTime(date.0 as i64 * Self::DAY + s)
    }

    /// The calendar date.
    pub const fn date(self) -> Date {
        Date(self.0.div_euclid(Self::DAY) as i32)
    }

    /// Seconds since midnight (0..86 400).
    pub const fn seconds_of_day(self) -> u32 {
        self.0.rem_euclid(Self::DAY) as u32
    }
}

/// Days in a month of a year.
pub const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::from_ymd(1900, 1, 1).expect("valid").0;
        let end = Date::from_ymd(2300, 12, 31).expect("valid").0;
        let mut expect = (1900, 1, 1);
        for d in start..=end {
            let ymd = Date(d).ymd();
            assert_eq!(ymd, expect);
            assert_eq!(Date::from_ymd(ymd.0, ymd.1, ymd.2), Some(Date(d)));
            expect = if ymd.2 < days_in_month(ymd.0, ymd.1) {
                (ymd.0, ymd.1, ymd.2 + 1)
            } else if ymd.1 < 12 {
                (ymd.0, ymd.1 + 1, 1)
            } else {
                (ymd.0 + 1, 1, 1)
            };
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(Date::from_ymd(2024, 2, 29).map(|d| d.0), Some(19_782));
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
        assert_eq!(Date::from_ymd(2024, 6, 1).map(|d| d.weekday()), Some(5)); // Saturday
    }
}
