//! The `fx_rates` table: each pair of currencies the run's partners invoice in or its
//! companies book in, on each weekday of the period, from the economy's rate paths.

use crate::world::economy::Economy;
use crate::world::pools::places;
use synth_model::Date;

/// The currencies of the rates: each a partner may invoice in or a company books in,
/// converted to each company's (in [`crate::world::fx::CURRENCIES`] order).
fn fx_pairs(economy: &Economy) -> Vec<(usize, usize)> {
    use crate::world::fx::{CURRENCIES, currency_of_country};
    let home: Vec<usize> = CURRENCIES
        .iter()
        .enumerate()
        .filter(|(i, _)| economy.companies.iter().any(|c| c.currency_index == *i))
        .map(|(i, _)| i)
        .collect();
    let used = |i: usize, code: &str| {
        home.contains(&i)
            || places::COUNTRY_SLOTS
                .iter()
                .any(|c| currency_of_country(c) == Some(code))
    };
    home.iter()
        .flat_map(|&to| {
            CURRENCIES
                .iter()
                .enumerate()
                .filter(move |&(from, code)| from != to && used(from, code))
                .map(move |(from, _)| (from, to))
        })
        .collect()
}

/// Rows of `fx_rates`: each pair on each weekday of the period.
pub(crate) fn fx_rate_count(economy: &Economy) -> u64 {
    let first = crate::world::fx::first_rate_day(economy.start);
    let weekdays = (first.0..=economy.end.0)
        .filter(|d| !Date(*d).is_weekend())
        .count();
    (weekdays * fx_pairs(economy).len()) as u64
}

/// The rows of `fx_rates`, day by day.
pub(crate) fn fx_rates(economy: &Economy) -> Vec<synth_model::FxRate> {
    use crate::world::fx::CURRENCIES;
    let pairs = fx_pairs(economy);
    let rates = &economy.fx_rates;
    (crate::world::fx::first_rate_day(economy.start).0..=economy.end.0)
        .map(Date)
        .filter(|d| !d.is_weekend())
        .flat_map(|rate_date| {
            pairs.iter().map(move |&(from, to)| synth_model::FxRate {
                rate_date,
                from_currency: CURRENCIES[from],
                to_currency: CURRENCIES[to],
                rate: rates.rate(from, to, rate_date),
            })
        })
        .collect()
}
