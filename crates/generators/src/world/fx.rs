//! Exchange rates: one deterministic path per currency, in dollars per unit, from which
//! every rate between two currencies on a day follows (so cross rates always agree).
//!
//! Each path starts from the currency's anchor (the fixed price-list rate of
//! [`currency_factor`]) and moves on each weekday by a normal log return of the
//! configured yearly volatility over √252, pulled back towards the anchor (a mean
//! reversion of 0.5% a day keeps a long run near plausible levels: the stationary spread
//! is about 5% at a volatility of 8%). Weekends keep Friday's rate. The whole path is
//! computed once, when the world is built: a few thousand numbers per currency, and the
//! same whatever the parts, threads or machine (the draws are keyed, the arithmetic is
//! `libm`'s).

use crate::world::rng::{Draws, stream};
use synth_model::Date;

/// Every currency the rates know: the companies may book in these, and partners
/// invoice in their country's.
pub const CURRENCIES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CAD", "CHF", "AUD", "PLN", "SEK", "NOK", "DKK", "CNY", "INR",
    "MXN", "BRL",
];

/// Units of the company's currency per unit of the base price list (a fixed rate).
pub(crate) fn currency_factor(currency: &str) -> f64 {
    match currency {
        "EUR" => 0.92,
        "GBP" => 0.79,
        "CHF" => 0.88,
        "CAD" => 1.36,
        "AUD" => 1.52,
        "JPY" => 150.0,
        "SEK" | "NOK" => 10.5,
        "DKK" => 6.9,
        "PLN" => 4.0,
        "CNY" => 7.2,
        "INR" => 83.0,
        "MXN" => 17.0,
        "BRL" => 5.0,
        _ => 1.0,
    }
}

/// The currency of a partner's country, where the rates know it.
pub(crate) fn currency_of_country(country: &str) -> Option<&'static str> {
    Some(match country {
        "US" => "USD",
        "DE" | "FR" | "NL" | "IT" | "ES" => "EUR",
        "GB" => "GBP",
        "JP" => "JPY",
        "CA" => "CAD",
        "CH" => "CHF",
        "AU" => "AUD",
        "PL" => "PLN",
        "SE" => "SEK",
        _ => return None,
    })
}

/// The first day of the rates: the first of the month two months before the period's
/// (orders are dated up to about six weeks before the receipts and invoices they lead to).
pub(crate) fn first_rate_day(start: Date) -> Date {
    let (y, m, _) = start.ymd();
    let (y, m) = if m > 2 { (y, m - 2) } else { (y - 1, m + 10) };
    Date::from_ymd(y, m, 1).unwrap_or(start)
}

/// Hundred-millionths: a rate of 1 is `RATE_ONE`.
pub(crate) const RATE_ONE: i64 = 100_000_000;

/// Mean reversion of a log rate towards its anchor, per weekday.
const REVERSION: f64 = 0.005;

/// The rates of a run: each currency's path in dollars per unit, day by day.
#[derive(Debug, Clone, Default)]
pub(crate) struct FxRates {
    /// The first day of the paths.
    first: Date,
    /// Days in each path.
    days: usize,
    /// Dollars per unit, `currency * days + day` ([`CURRENCIES`] order).
    usd: Vec<f64>,
}

impl FxRates {
    /// The rates of a period from `start` to `end`, from the first day of
    /// [`first_rate_day`].
    pub(crate) fn of(seed: u64, volatility: f64, start: Date, end: Date) -> Self {
        Self::new(seed, volatility, first_rate_day(start), end)
    }

    /// The paths from `first` to `last` (both included) at yearly volatility
    /// `volatility`, drawn from `seed`.
    pub(crate) fn new(seed: u64, volatility: f64, first: Date, last: Date) -> Self {
        let days = (last.0 - first.0 + 1).max(1) as usize;
        let daily = volatility / libm::sqrt(252.0);
        // The spread the path settles to, so that the first day looks like any other.
        let settled = daily / libm::sqrt(REVERSION * (2.0 - REVERSION));
        let mut usd = Vec::with_capacity(CURRENCIES.len() * days);
        for (c, code) in CURRENCIES.iter().enumerate() {
            let anchor = -libm::log(currency_factor(code));
            if *code == "USD" {
                usd.extend(std::iter::repeat_n(1.0, days));
                continue;
            }
            let mut d = Draws::new(seed, stream::FX_RATE, c as u64);
            let mut x = anchor + settled * d.normal();
            for day in 0..days {
                let date = Date(first.0 + day as i32);
                if day > 0 && date.weekday() < 5 {
                    x += REVERSION * (anchor - x) + daily * d.normal();
                }
                usd.push(libm::exp(x));
            }
        }
        Self { first, days, usd }
    }

    /// Index of `currency` in [`CURRENCIES`].
    pub(crate) fn index(currency: &str) -> Option<usize> {
        CURRENCIES.iter().position(|c| *c == currency)
    }

    /// Units of currency `to` per unit of `from` on `date` (a weekend's is Friday's; a
    /// day outside the paths takes their nearest end), in hundred-millionths.
    pub(crate) fn rate(&self, from: usize, to: usize, date: Date) -> i64 {
        if from == to {
            return RATE_ONE;
        }
        let day = (date.0 - self.first.0).clamp(0, (self.days as i32 - 1).max(0)) as usize;
        let at = |c: usize| self.usd.get(c * self.days + day).copied().unwrap_or(1.0);
        libm::round(at(from) / at(to) * RATE_ONE as f64) as i64
    }
}

/// `amount` (minor units of a currency) at `rate` (hundred-millionths of the other per
/// unit), in minor units of the other, rounded half away from zero.
#[inline]
pub(crate) fn convert(amount: i64, rate: i64) -> i64 {
    if rate == RATE_ONE {
        return amount;
    }
    let x = i128::from(amount) * i128::from(rate);
    let half = i128::from(RATE_ONE / 2);
    let q = if x >= 0 {
        (x + half) / i128::from(RATE_ONE)
    } else {
        (x - half) / i128::from(RATE_ONE)
    };
    q as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_rates_agree_and_move_plausibly() {
        let first = Date::from_ymd(2024, 1, 1).expect("a date");
        let fx = FxRates::new(42, 0.08, first, first.add_days(730));
        let (usd, eur, jpy) = (0, 1, 3);
        for day in 0..730 {
            let d = first.add_days(day);
            let a = fx.rate(eur, usd, d) as f64 / 1e8;
            let b = fx.rate(usd, eur, d) as f64 / 1e8;
            assert!((a * b - 1.0).abs() < 1e-7, "{a} {b}");
            assert!((0.9..1.35).contains(&a), "EUR/USD {a} on day {day}");
            let y = fx.rate(usd, jpy, d) as f64 / 1e8;
            assert!((110.0..200.0).contains(&y), "USD/JPY {y}");
            if d.weekday() >= 5 {
                assert_eq!(fx.rate(eur, usd, d), fx.rate(eur, usd, d.add_days(-1)));
            }
        }
        let still = FxRates::new(42, 0.0, first, first.add_days(30));
        assert_eq!(
            still.rate(eur, usd, first),
            still.rate(eur, usd, first.add_days(30))
        );
        assert_eq!(convert(10_000, RATE_ONE), 10_000);
        assert_eq!(convert(-150, 50_000_000), -75);
        assert_eq!(convert(1, 50_000_000), 1);
    }
}
