//! A manual G/L posting split in two so that each part stays below the lowest approval
//! limit (`split_entry`): the threshold avoidance auditors test journal entries for;
//! and, above `easy`, its clean look-alike.

use crate::anomalies::AnomalyType as A;
use crate::anomalies::{Difficulty, Touched};
use crate::cases::{Plan, Twist};
use crate::world::World;
use crate::world::economy::FillerKind;
use crate::world::people::{off_round, share_of_limit};
use crate::world::pools::users;
use crate::world::rng::{Draws, stream};
use synth_model::{Batch, Date, DateTime};

/// One reclassification entered as two: its company, the parts' amounts, days and
/// times of entry.
struct Pair {
    company: usize,
    parts: [i64; 2],
    days: [Date; 2],
    times: [u32; 2],
}

impl World {
    /// Slot `s` of a `split_entry` scene. Slots 0 and 1: one reclassification entered
    /// as two, by one accountant, on the same accounts and cost centers, each part below
    /// the lowest approval limit (so one accountant approves it) and their sum above it
    /// (which a senior accountant should have approved). Each part is 90-99.5% of the
    /// limit, the second entered minutes after the first (easy); 85-99.5%, on the same
    /// day or the next working day (realistic); 80-99%, one to five working days apart
    /// (hard). Both entries carry the label, written with the first.
    ///
    /// Slots 2 and 3, above `easy`: a clean look-alike, another day's reclassification
    /// entered as two in the same way but approved by a senior accountant, whose limit
    /// covers their sum (two receipts booked apart, say): what a rule that reads the
    /// lowest limit instead of the approver's flags too. At `easy`, single-entry cases.
    pub(crate) fn split_entry(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let level = self.level(A::SplitEntry);
        let slot0 = p.first - self.layout.total;
        let mut sc = self.scene(p.block());
        if s >= 2 {
            if level == Difficulty::Easy {
                self.filler(slot0 + u64::from(s), batch);
                return;
            }
            let mut d = Draws::new(self.config.seed, stream::LOOK_ALIKE, p.block() | 1 << 63);
            let c = &self.economy.companies[sc.company];
            let mut date = c.calendar.sample_working(&mut d);
            if date.add_days(21) > self.economy.end {
                date = c
                    .calendar
                    .previous_working(self.economy.end.add_days(-21).max(self.economy.start));
            }
            let pair = self.split_pair(&mut d, sc.company, date, level);
            self.split_part(&pair, s - 2, slot0 + 2, None, batch);
            return;
        }
        let pair = self.split_pair(&mut sc.d, sc.company, sc.date, level);
        self.split_part(&pair, s, slot0, Some(A::SplitEntry), batch);
        if s == 0 {
            self.label(
                batch,
                A::SplitEntry,
                p.first,
                sc.company,
                pair.days[0],
                Touched {
                    entries: &[p.first, p.first + 1],
                    ..Touched::NONE
                },
            );
        }
    }

    /// A pair's amounts, days and times, drawn from `d` at `level` for company `ci`
    /// around `date` (see [`World::split_entry`]).
    fn split_pair(&self, d: &mut Draws, ci: usize, date: Date, level: Difficulty) -> Pair {
        let c = &self.economy.companies[ci];
        let limit = users::APPROVERS[0].1;
        let (low, width) = level.pick((0.90, 0.095), (0.85, 0.145), (0.80, 0.19));
        let mut parts = [0i64; 2];
        for part in &mut parts {
            *part = share_of_limit(limit, (low, width), d).min(limit - 1);
        }
        // Two equal parts would repeat the first entry line for line (a duplicate
        // entry): the second a hundred or two off it, within the range and not a round
        // thousand.
        if parts[1] == parts[0] {
            let fits =
                |x: &i64| *x < limit && *x as f64 >= limit as f64 * low && off_round(*x) == *x;
            parts[1] = [-10_000, 10_000, -20_000, 20_000]
                .map(|k| parts[0] + k)
                .into_iter()
                .find(fits)
                .unwrap_or(parts[0] - 10_000);
        }
        let days = level.pick(0, d.below(2), 1 + d.below(5)) as i32;
        let first = date;
        let mut second = first;
        for _ in 0..days {
            second = c.calendar.next_working(second.add_days(1));
        }
        let end = self.economy.end;
        let first = if second > end {
            // Past the period's end: the first part as many working days before.
            second = first;
            let mut at = first;
            for _ in 0..days {
                at = c.calendar.previous_working(at.add_days(-1));
            }
            at.max(self.economy.start)
        } else {
            first
        };
        let at = Self::time_of_day(true, d);
        let later = if second == first {
            // Minutes later, within office hours.
            (at + 120 + d.below(40 * 60) as u32).min(18 * 3600 + 3599)
        } else {
            Self::time_of_day(true, d)
        };
        Pair {
            company: ci,
            parts,
            days: [first, second],
            times: [at, later],
        }
    }

    /// Part `k` of `pair` in slot `slot0 + k`: the split itself when `anomaly` is set,
    /// else its look-alike, approved by a senior accountant. The second part replays the
    /// first's draws (accounts, cost centers, text, user and approver).
    fn split_part(&self, pair: &Pair, k: u8, slot0: u64, anomaly: Option<A>, batch: &mut Batch) {
        let one = Twist {
            anomaly,
            company: Some(pair.company),
            kind: Some(FillerKind::Reclass),
            amount: Some(pair.parts[0]),
            date: Some(pair.days[0]),
            created: Some(DateTime::new(pair.days[0], pair.times[0])),
            approver_tier: anomaly.is_none().then_some(1),
            ..Twist::NONE
        };
        if k == 0 {
            self.filler_with(slot0, batch, &one);
            return;
        }
        let two = Twist {
            amount: Some(pair.parts[1]),
            date: Some(pair.days[1]),
            created: Some(DateTime::new(pair.days[1], pair.times[1])),
            replay: Some((slot0, pair.days[0])),
            ..one
        };
        self.filler_with(slot0 + 1, batch, &two);
    }
}
