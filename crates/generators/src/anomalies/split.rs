//! A manual G/L posting split in two so that each part stays below the lowest approval
//! limit (`split_entry`): the threshold avoidance auditors test journal entries for.

use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::{Plan, Twist};
use crate::world::World;
use crate::world::economy::FillerKind;
use crate::world::people::off_round;
use crate::world::pools::users;
use synth_model::{Batch, DateTime};

impl World {
    /// Slot `s` (0 or 1) of a `split_entry` scene: one reclassification entered as two,
    /// by one accountant, on the same accounts and cost centers, each part below the
    /// lowest approval limit (so one accountant approves it) and their sum above it
    /// (which a senior accountant should have approved). Each part is 90-99.5% of the
    /// limit, the second entered minutes after the first (easy); 85-99.5%, on the same
    /// day or the next working day (realistic); 80-99%, one to five working days apart
    /// (hard). Both entries carry the label, written with the first.
    pub(crate) fn split_entry(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let level = self.level(A::SplitEntry);
        let limit = users::APPROVERS[0].1;
        let (low, width) = level.pick((0.90, 0.095), (0.85, 0.145), (0.80, 0.19));
        let mut parts = [0i64; 2];
        for part in &mut parts {
            let mut amount = libm::round(limit as f64 * (low + width * d.unit())) as i64;
            // Rounded to hundreds as often as clean reclassifications of this size are.
            if d.below(100) < 60 {
                let rounded = off_round(amount / 10_000 * 10_000);
                if rounded < limit && rounded as f64 >= limit as f64 * low {
                    amount = rounded;
                }
            }
            *part = amount.min(limit - 1);
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
        let first = sc.date;
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
        let slot0 = p.first - self.layout.total;
        let one = Twist {
            anomaly: Some(A::SplitEntry),
            company: Some(sc.company),
            kind: Some(FillerKind::Reclass),
            amount: Some(parts[0]),
            date: Some(first),
            created: Some(DateTime::new(first, at)),
            ..Twist::NONE
        };
        if s == 0 {
            self.filler_with(slot0, batch, &one);
            self.label(
                batch,
                A::SplitEntry,
                p.first,
                sc.company,
                first,
                Touched {
                    entries: &[p.first, p.first + 1],
                    ..Touched::NONE
                },
            );
            return;
        }
        // The second part: the first's draws (accounts, cost centers, text, user and
        // approver), its own amount and time.
        let two = Twist {
            amount: Some(parts[1]),
            date: Some(second),
            created: Some(DateTime::new(second, later)),
            replay: Some((slot0, first)),
            ..one
        };
        self.filler_with(slot0 + 1, batch, &two);
    }
}
