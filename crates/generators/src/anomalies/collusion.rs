//! Two G/L accountants who approve each other's entries (`collusion`): the four-eyes
//! principle kept in form, with both pairs of eyes in the scheme.

use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::{Plan, Twist};
use crate::world::World;
use crate::world::economy::FillerKind;
use crate::world::people::share_of_limit;
use crate::world::pools::{USERS, users};
use crate::world::rng::Draws;
use synth_model::{Batch, Date, DateTime};

/// The scene's four entries: who enters each, who approves it, its amount, day and time.
struct Ring {
    company: usize,
    users: [&'static str; 2],
    amounts: [i64; 4],
    days: [Date; 4],
    times: [u32; 4],
}

impl World {
    /// Slot `s` of a `collusion` scene: two G/L accountants of one company, each
    /// entering two manual reclassifications that the other approves (slots 0 and 2 the
    /// first's, 1 and 3 the second's). Each is 55-79% of the lowest approval limit,
    /// theirs, and all four fall on one day (easy); 35-79% within five working days
    /// (realistic); 15-79% within fifteen (hard). Below 80% of the limit, so that no part
    /// of it reads as a split entry. Accounts, cost centers and texts are drawn as any
    /// reclassification's. All four carry the label, written with the first.
    pub(crate) fn collusion(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let mut sc = self.scene(p.block());
        let ring = self.ring(&mut sc.d, sc.company, sc.date);
        let k = usize::from(s);
        let user = ring.users[k % 2];
        let tw = Twist {
            anomaly: Some(A::Collusion),
            company: Some(ring.company),
            kind: Some(FillerKind::Reclass),
            amount: Some(ring.amounts[k]),
            date: Some(ring.days[k]),
            created: Some(DateTime::new(ring.days[k], ring.times[k])),
            user: Some(user),
            approver: Some(ring.users[(k + 1) % 2]),
            ..Twist::NONE
        };
        let slot = p.first - self.layout.total + u64::from(s);
        self.filler_with(slot, batch, &tw);
        if s == 0 {
            let first = ring.days.iter().min().copied().unwrap_or(ring.days[0]);
            self.label(
                batch,
                A::Collusion,
                p.first,
                ring.company,
                first,
                Touched {
                    entries: &[p.first, p.first + 1, p.first + 2, p.first + 3],
                    ..Touched::NONE
                },
            );
        }
    }

    /// The two accountants, amounts, days and times of a ring of company `ci` from
    /// `date` on, drawn from `d` (see [`World::collusion`]).
    fn ring(&self, d: &mut Draws, ci: usize, date: Date) -> Ring {
        let c = &self.economy.companies[ci];
        let level = self.level(A::Collusion);
        let gl = users::GL;
        let n = gl.end - gl.start;
        let a = d.below(n);
        let b = (a + 1 + d.below(n - 1)) % n;
        let users = [USERS[gl.start + a].0, USERS[gl.start + b].0];
        let limit = users::APPROVERS[0].1;
        let (low, width) = level.pick((0.55, 0.24), (0.35, 0.44), (0.15, 0.64));
        let mut amounts = [0i64; 4];
        for x in &mut amounts {
            *x = share_of_limit(limit, (low, width), d);
        }
        let span = level.pick(0, 5, 15);
        let end = self.economy.end;
        let mut days = [date; 4];
        let mut times = [0u32; 4];
        for (day, time) in days.iter_mut().zip(&mut times) {
            let mut at = date;
            for _ in 0..d.below(span + 1) {
                at = c.calendar.next_working(at.add_days(1));
            }
            *day = if at > end {
                c.calendar.previous_working(end)
            } else {
                at
            };
            *time = Self::time_of_day(true, d);
        }
        Ring {
            company: ci,
            users,
            amounts,
            days,
            times,
        }
    }
}
