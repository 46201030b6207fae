//! Who posts and the amounts people would type: a user from a range of the user pool,
//! approval limits, the round amounts clean postings avoid, the petty cash cap.

use crate::world::pools::{USERS, users};
use crate::world::rng::Draws;
use synth_model::Date;

pub(crate) fn pick_user(range: std::ops::Range<usize>, d: &mut Draws) -> &'static str {
    USERS[range.start + d.below(range.end - range.start)].0
}

/// The day the raised limit of a user of `users::RAISED` with `share` takes effect in
/// the period from `start` to `end`: a Monday (or the period's first day).
pub(crate) fn raise_day(start: Date, end: Date, share: f64) -> Date {
    let day = start.add_days((f64::from(end.0 - start.0) * share) as i32);
    day.add_days(-(day.weekday() as i32)).max(start)
}

/// The limit user `k` approves under on `day`: the tier's, or for a user of
/// `users::RAISED` from its raise day on the controllers'.
pub(crate) fn limit_on(k: usize, day: Date, (start, end): (Date, Date)) -> i64 {
    let own = USERS[k].4;
    users::RAISED
        .iter()
        .find(|(u, _)| *u == k)
        .filter(|(_, share)| day >= raise_day(start, end, *share))
        .map_or(own, |_| users::APPROVERS[2].1)
}

/// Whether a gross amount is within 10% below an approval limit.
pub(crate) fn near_limit(gross: i64) -> bool {
    users::APPROVERS
        .iter()
        .any(|(_, limit)| gross < *limit && gross >= limit / 10 * 9)
}

/// `x`, or 100.00 more when it is a round thousand of at least 10,000.00: clean manual
/// G/L postings are never round thousands, so that such amounts are only ever a
/// labelled `round_amount` anomaly.
pub(crate) fn off_round(x: i64) -> i64 {
    if x >= 1_000_000 && x % 100_000 == 0 {
        x + 10_000
    } else {
        x
    }
}

/// A manual posting's amount between `low` and `low + width` of `limit`, rounded to
/// hundreds as often as clean reclassifications of its size are (six in ten) where that
/// keeps it in `[low × limit, limit)`, and never a round thousand.
pub(crate) fn share_of_limit(limit: i64, (low, width): (f64, f64), d: &mut Draws) -> i64 {
    let mut amount = libm::round(limit as f64 * (low + width * d.unit())) as i64;
    if d.below(100) < 60 {
        let rounded = off_round(amount / 10_000 * 10_000);
        if rounded < limit && rounded as f64 >= limit as f64 * low {
            amount = rounded;
        }
    }
    amount
}

/// The largest petty cash purchase (net), in minor units: 500 at the default price scale.
pub(crate) fn petty_cap(price_scale: f64, fx: f64) -> i64 {
    ((500.0 * price_scale * fx * 100.0) as i64).max(100)
}
