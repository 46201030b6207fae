//! Posting dates: a weighted table of every day in the period (month-, quarter- and
//! year-end spikes, fewer weekend postings), sampled by binary search.

use crate::rng::Draws;
use synth_model::Date;

/// Weight of an ordinary weekday.
pub const WEEKDAY_WEIGHT: u32 = 100;
/// Weight of a Saturday or Sunday.
pub const WEEKEND_WEIGHT: u32 = 15;
/// Multiplier (in percent) for the last three days of a month.
pub const MONTH_END_PERCENT: u32 = 250;
/// Extra multiplier (percent) for the last five days of a quarter.
pub const QUARTER_END_PERCENT: u32 = 150;
/// Extra multiplier (percent) for the last five days of a year.
pub const YEAR_END_PERCENT: u32 = 150;

/// One day of the period, with what entries need from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day {
    pub date: Date,
    pub year: u16,
    pub month: u8,
}

/// The period's days and their cumulative weights.
#[derive(Debug, Clone)]
pub struct PostingCalendar {
    days: Vec<Day>,
    cumulative: Vec<u64>,
}

impl PostingCalendar {
    /// The calendar of `months` months from `year`-`month`-01.
    pub fn new(year: i32, month: u32, months: u32) -> Self {
        let mut days = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0u64;
        let (mut y, mut m) = (year, month);
        for _ in 0..months {
            let len = synth_model::days_in_month(y, m);
            for d in 1..=len {
                let Some(date) = Date::from_ymd(y, m, d) else {
                    continue;
                };
                let mut w = if date.is_weekend() {
                    WEEKEND_WEIGHT
                } else {
                    WEEKDAY_WEIGHT
                };
                let from_end = len - d;
                if from_end < 3 {
                    w = w * MONTH_END_PERCENT / 100;
                }
                if from_end < 5 && m % 3 == 0 {
                    w = w * QUARTER_END_PERCENT / 100;
                }
                if from_end < 5 && m == 12 {
                    w = w * YEAR_END_PERCENT / 100;
                }
                total += u64::from(w);
                days.push(Day {
                    date,
                    year: y as u16,
                    month: m as u8,
                });
                cumulative.push(total);
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        Self { days, cumulative }
    }

    /// A weighted random day.
    #[inline]
    pub(crate) fn sample(&self, draws: &mut Draws) -> Day {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let r = ((u128::from(draws.bits()) * u128::from(total)) >> 64) as u64;
        let i = self.cumulative.partition_point(|c| *c <= r);
        self.days[i.min(self.days.len() - 1)]
    }

    /// First and last day of the period.
    pub fn bounds(&self) -> (Date, Date) {
        (
            self.days.first().map_or(Date(0), |d| d.date),
            self.days.last().map_or(Date(0), |d| d.date),
        )
    }
}
