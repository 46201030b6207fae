//! The group's consolidated trial balance per year: each company's trial balance before
//! its year-end closing, translated into the group's currency (assets and liabilities
//! at the closing rate, revenue and expenses at the year's average rate, equity at
//! historical rates: the opening equity at the period's first rate, each year's result
//! at that year's average; the difference a currency translation difference in equity),
//! summed, with the intercompany receivables, payables and loans, and the intercompany
//! revenue, charges, goods' cost and interest, eliminated (what eliminating leaves, from items in transit and exchange
//! rates, is shown as the elimination differences).

use super::Reader;
use super::entries::Ledger;
use super::master::Masters;
use super::money;
use crate::{
    ConsolidatedRow, GroupRate, GroupStatements, ReportError, Statements, Tie, TransitItem,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use synth_model::Date;

/// The intercompany accounts eliminated against each other: receivables and loans
/// (with their revaluation) against payables and borrowings (with theirs); revenue from
/// services and goods and interest income against the charges, the goods' cost at the
/// seller and the price the buyer paid above its standard, and the interest expense.
const ELIMINATED: [(&[i64], &[i64]); 2] = [
    (
        &[125_000, 125_900, 127_000, 127_900],
        &[206_000, 206_900, 207_000, 207_900],
    ),
    (
        &[430_000, 431_000, 481_000],
        &[675_000, 698_000, 501_000, 505_100],
    ),
];

/// Rates to one currency of the companies per day of the run's period: each day's rate
/// of each currency (by its index in `currencies`; NaN where the table has none), and
/// every pair's own rates of those days.
struct Rates {
    to: String,
    currencies: Vec<String>,
    by_day: BTreeMap<Date, Vec<f64>>,
    /// Each pair's rates by day, keyed by the two codes (`from` then `to`).
    quoted: HashMap<[u8; 6], BTreeMap<Date, f64>>,
}

/// The key of pair `from`, `to` in [`Rates::quoted`] (none for a code not of three
/// letters).
fn pair_key(from: &str, to: &str) -> Option<[u8; 6]> {
    let (a, b) = (from.as_bytes(), to.as_bytes());
    let mut key = [0u8; 6];
    key[..3].copy_from_slice(a.get(..3).filter(|_| a.len() == 3)?);
    key[3..].copy_from_slice(b.get(..3).filter(|_| b.len() == 3)?);
    Some(key)
}

impl Rates {
    /// Units of `to_currency` per unit of `from` on day `day`: the pair's own rate, or
    /// the inverse of the opposite one where that is the larger (eight places of a rate
    /// above one hold more digits: JPY in GBP is 0.00511495, GBP in JPY 195.50478559),
    /// else a cross rate through the table's currency.
    fn rate(&self, from: &str, to_currency: &str, day: Date) -> Option<f64> {
        if from == to_currency {
            return Some(1.0);
        }
        let quoted = |a: &str, b: &str| {
            let r = *self.quoted.get(&pair_key(a, b)?)?.get(&day)?;
            (r.is_finite() && r > 0.0).then_some(r)
        };
        match (quoted(from, to_currency), quoted(to_currency, from)) {
            (Some(direct), _) if direct >= 1.0 => return Some(direct),
            (_, Some(inverse)) if inverse >= 1.0 => return Some(1.0 / inverse),
            (Some(direct), _) => return Some(direct),
            _ => {}
        }
        let day_rates = self.by_day.get(&day)?;
        let of = |c: &str| {
            if c == self.to {
                return Some(1.0);
            }
            let k = self.currencies.iter().position(|x| x == c)?;
            day_rates.get(k).copied().filter(|r| r.is_finite())
        };
        Some(of(from)? / of(to_currency)?)
    }

    /// (opening, average, closing) rates from `from` to `to_currency` over the rate
    /// days of `year`.
    fn year(&self, from: &str, to_currency: &str, year: i32) -> Option<(f64, f64, f64)> {
        let days: Vec<Date> = self
            .by_day
            .keys()
            .copied()
            .filter(|d| d.ymd().0 == year)
            .collect();
        let first = self.rate(from, to_currency, *days.first()?)?;
        let last = self.rate(from, to_currency, *days.last()?)?;
        let all: Vec<f64> = days
            .iter()
            .filter_map(|d| self.rate(from, to_currency, *d))
            .collect();
        Some((first, all.iter().sum::<f64>() / all.len() as f64, last))
    }
}

/// Reads `fx_rates` (to the first currency it converts to) and the group's currency
/// from the manifest's config (the first company's when unset).
fn rates(r: &mut Reader<'_>) -> Result<(Rates, String), ReportError> {
    let config = &r.manifest.config;
    let group = config["group"]["currency"]
        .as_str()
        .or_else(|| config["global"]["companies"][0]["currency"].as_str())
        .unwrap_or("USD")
        .to_string();
    // The period's days: `fx_rates` starts two months before it.
    let (year, month, months) = (
        config["global"]["start_year"].as_i64().unwrap_or(0),
        config["global"]["start_month"].as_i64().unwrap_or(1),
        config["global"]["months"].as_i64().unwrap_or(0),
    );
    let first = Date::from_ymd(year as i32, month as u32, 1).unwrap_or(Date(i32::MIN));
    let t_end = year * 12 + month - 1 + months;
    let end = Date::from_ymd((t_end / 12) as i32, (t_end % 12) as u32 + 1, 1)
        .map_or(Date(i32::MAX), |d| d.add_days(-1));
    let mut t = r.table(
        "fx_rates",
        &["rate_date", "from_currency", "to_currency", "rate"],
    );
    let mut rates = Rates {
        to: String::new(),
        currencies: Vec::new(),
        by_day: BTreeMap::new(),
        quoted: HashMap::new(),
    };
    while let Some(row) = t.next_row()? {
        let (Some(day), Some(from), Some(to), Some(rate)) =
            (row.date(0), row.text(1), row.text(2), row.rate(3))
        else {
            continue;
        };
        if rates.to.is_empty() {
            rates.to = to.to_string();
        }
        if let Some(key) = pair_key(from, to).filter(|_| (first..=end).contains(&day)) {
            rates.quoted.entry(key).or_default().insert(day, rate);
        }
        if to == rates.to && (first..=end).contains(&day) {
            let k = match rates.currencies.iter().position(|x| x == from) {
                Some(k) => k,
                None => {
                    rates.currencies.push(from.to_string());
                    rates.currencies.len() - 1
                }
            };
            let day_rates = rates.by_day.entry(day).or_default();
            if day_rates.len() <= k {
                day_rates.resize(k + 1, f64::NAN);
            }
            day_rates[k] = rate;
        }
    }
    Ok((rates, group))
}

/// What the `intercompany` table says of one year: the documents in transit at its
/// end, their sum in the group's currency at that day's rates, and how many documents
/// the year has.
#[derive(Default)]
struct YearTransit {
    items: Vec<TransitItem>,
    sum: i64,
    documents: i64,
}

/// The documents in transit between group companies at each year's end `ends` (invoices
/// one side has posted and the other not yet, payments sent and not yet received).
fn in_transit(
    r: &mut Reader<'_>,
    rates: &Rates,
    group: &str,
    ends: &BTreeMap<i32, Date>,
) -> Result<BTreeMap<i32, YearTransit>, ReportError> {
    let mut out: BTreeMap<i32, YearTransit> = BTreeMap::new();
    let mut t = r.table(
        "intercompany",
        &[
            "seller_posting_date",
            "buyer_posting_date",
            "amount",
            "currency",
            "document_id",
            "document_type",
            "seller_company",
            "buyer_company",
        ],
    );
    while let Some(row) = t.next_row()? {
        let (Some(a), Some(b), Some(amount), Some(currency)) =
            (row.date(0), row.date(1), row.cents(2), row.text(3))
        else {
            continue;
        };
        for (&year, &end) in ends {
            let y = out.entry(year).or_default();
            if a.ymd().0 == year {
                y.documents += 1;
            }
            if a.min(b) <= end
                && a.max(b) > end
                && let Some(rate) = rates.rate(currency, group, end)
            {
                y.sum += (amount as f64 * rate).round() as i64;
                let text = |k| row.text(k).unwrap_or("").to_string();
                y.items.push(TransitItem {
                    document_id: row.id(4).map(synth_sinks::uuid_string).unwrap_or_default(),
                    document_type: text(5),
                    seller_company: text(6),
                    buyer_company: text(7),
                    amount: money(amount),
                    currency: currency.to_string(),
                    seller_posting_date: super::date_text(a),
                    buyer_posting_date: super::date_text(b),
                });
            }
        }
    }
    Ok(out)
}

/// The consolidated trial balance of every year the companies' statements cover.
pub(crate) fn consolidate(
    r: &mut Reader<'_>,
    m: &Masters,
    ledger: &Ledger,
    statements: &[Statements],
    problems: &mut Vec<String>,
) -> Result<Vec<GroupStatements>, ReportError> {
    // One company, or a run written without its rates (`output.tables`): no group to
    // translate.
    if m.currencies.len() < 2 || r.files("fx_rates").is_empty() {
        return Ok(Vec::new());
    }
    let (rates, group) = rates(r)?;
    let years: BTreeSet<i32> = statements.iter().map(|s| s.year).collect();
    // The last rate day of each year: where the year's balance sheet is translated.
    let ends: BTreeMap<i32, Date> = years
        .iter()
        .filter_map(|&y| {
            let last = rates.by_day.keys().rev().find(|d| d.ymd().0 == y)?;
            Some((y, *last))
        })
        .collect();
    let mut transit = in_transit(r, &rates, &group, &ends)?;
    let index: HashMap<&str, usize> = m
        .currencies
        .keys()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for &year in &years {
        let companies = statements.iter().filter(|s| s.year == year);
        let Some(t) = translate(companies, (&rates, &group, year, &years), &index, ledger) else {
            problems.push(format!(
                "{year}: no exchange rates to translate every company into {group}"
            ));
            continue;
        };
        let translation = -t.balances.values().sum::<i64>();
        let (eliminated, differences) = eliminate(&t.balances);
        let after = |a: &i64| {
            t.balances.get(a).copied().unwrap_or(0) + eliminated.get(a).copied().unwrap_or(0)
        };
        // The group's income statement: its profit and loss accounts, intercompany
        // revenue and charges eliminated.
        let (income, _) = super::statements::income_statement(m, &|keep| {
            t.balances.keys().filter(|a| keep(**a)).map(after).sum()
        });
        let left_over: i64 = ELIMINATED
            .iter()
            .flat_map(|(a, b)| a.iter().chain(b.iter()))
            .map(after)
            .sum();
        let in_transit = transit.remove(&year).unwrap_or_default();
        let total: i64 = t.balances.values().sum::<i64>()
            + eliminated.values().sum::<i64>()
            + translation
            + differences.iter().sum::<i64>();
        // The group's balance sheet at the year's end: what is in transit between its
        // companies (what eliminating the balances left) among the other current
        // assets, the translation difference and what eliminating the results left in
        // other equity, the year's result not yet closed.
        let groups = super::statements::sheet_groups(m, &|keep| {
            (
                0,
                0,
                t.balances.keys().filter(|a| keep(**a)).map(after).sum(),
            )
        });
        let mut sheet = groups.sheet(|s| s.2);
        let [transit_left, results_left] = differences.map(money);
        let to_equity = -money(translation) - results_left;
        sheet.other_current_assets += transit_left;
        sheet.total_assets += transit_left;
        sheet.other_equity += to_equity;
        sheet.total_equity += to_equity;
        let mut ties = group_ties(t.unbalanced, left_over, differences[0], &in_transit, total);
        let equity_side = sheet.total_liabilities + sheet.total_equity;
        ties.push(Tie {
            check: "the group's balance sheet: assets = liabilities + equity (to a minor unit)",
            left: sheet.total_assets,
            right: equity_side,
            holds: (sheet.total_assets - equity_side).abs() < 0.005,
        });
        for t in &ties {
            if !t.holds {
                problems.push(format!(
                    "group, {year}: {} does not hold ({:.2} against {:.2})",
                    t.check, t.left, t.right
                ));
            }
        }
        out.push(GroupStatements {
            year,
            currency: group.clone(),
            rates: t.rates,
            rows: consolidated_rows(m, &t.balances, &eliminated),
            translation_difference: money(translation),
            elimination_difference_balances: money(differences[0]),
            elimination_difference_results: money(differences[1]),
            in_transit: money(in_transit.sum),
            income,
            balance_sheet: sheet,
            transit_items: in_transit.items,
            ties,
        });
    }
    Ok(out)
}

/// The companies' trial balances of one year translated into the group's currency.
struct Translated {
    /// Each account's balance before the year-end closing, translated and summed over
    /// the companies, in minor units.
    balances: BTreeMap<i64, i64>,
    /// The rates each company was translated at.
    rates: Vec<GroupRate>,
    /// How far the companies' trial balances before translation are from zero, summed.
    unbalanced: i64,
}

/// Translates `companies`' trial balances of `year` before its closing (the closing's
/// entries in `ledger` taken out) into `group`: the balance sheet at the closing rate,
/// the profit and loss at the average, equity at historical rates ([`historical`]).
/// `None` where a company's currency has no rates.
fn translate<'a>(
    companies: impl Iterator<Item = &'a Statements>,
    (rates, group, year, years): (&Rates, &str, i32, &BTreeSet<i32>),
    index: &HashMap<&str, usize>,
    ledger: &Ledger,
) -> Option<Translated> {
    let mut out = Translated {
        balances: BTreeMap::new(),
        rates: Vec::new(),
        unbalanced: 0,
    };
    for st in companies {
        let (opening, average, closing) = rates.year(&st.currency, group, year)?;
        out.rates.push(GroupRate {
            company: st.company.clone(),
            currency: st.currency.clone(),
            opening,
            average,
            closing,
        });
        let ci = index
            .get(st.company.as_str())
            .copied()
            .unwrap_or(usize::MAX);
        let mut sum = 0;
        for row in &st.trial_balance {
            let closed = ledger
                .get(&(ci, year, row.account))
                .map_or(0, |c| c.closing);
            // The balance before the year-end closing carried results to equity.
            let pre = (row.closing * 100.0).round() as i64 - closed;
            sum += pre;
            let translated = match row.account_type.as_str() {
                "revenue" | "expense" => pre as f64 * average,
                "equity" => historical(
                    st,
                    (rates, group, years),
                    (ci, year, row.account),
                    pre,
                    ledger,
                )?,
                _ => pre as f64 * closing,
            };
            *out.balances.entry(row.account).or_default() += translated.round() as i64;
        }
        out.unbalanced += sum.abs();
    }
    Some(out)
}

/// Equity account `account` of company `ci` (balance `pre` in year `year`, before its
/// closing) at historical rates: each earlier year's result its closing carried to the
/// account at that year's average rate (the rate its profit and loss was translated
/// at), and the rest, the equity the books opened with, at the period's first rate.
fn historical(
    st: &Statements,
    (rates, group, years): (&Rates, &str, &BTreeSet<i32>),
    (ci, year, account): (usize, i32, i64),
    pre: i64,
    ledger: &Ledger,
) -> Option<f64> {
    let mut opened = pre;
    let mut translated = 0.0;
    for &y in years.range(..year) {
        let carried = ledger.get(&(ci, y, account)).map_or(0, |c| c.closing);
        if carried != 0 {
            translated += carried as f64 * rates.year(&st.currency, group, y)?.1;
            opened -= carried;
        }
    }
    let first = rates.year(&st.currency, group, *years.first()?)?.0;
    Some(translated + opened as f64 * first)
}

/// The eliminations of `translated`: each intercompany account taken to zero, and what
/// that leaves of the balances (receivables against payables) and of the results
/// (revenue against charges).
fn eliminate(translated: &BTreeMap<i64, i64>) -> (BTreeMap<i64, i64>, [i64; 2]) {
    let mut eliminated = BTreeMap::new();
    let mut differences = [0i64; 2];
    for (k, (a, b)) in ELIMINATED.iter().enumerate() {
        for account in a.iter().chain(b.iter()) {
            let x = translated.get(account).copied().unwrap_or(0);
            eliminated.insert(*account, -x);
            differences[k] += x;
        }
    }
    (eliminated, differences)
}

/// The consolidated trial balance: each account's translated balance, its elimination
/// and what is left.
fn consolidated_rows(
    m: &Masters,
    translated: &BTreeMap<i64, i64>,
    eliminated: &BTreeMap<i64, i64>,
) -> Vec<ConsolidatedRow> {
    translated
        .iter()
        .map(|(&account, &v)| {
            let e = eliminated.get(&account).copied().unwrap_or(0);
            let (name, _) = m.names.get(&account).cloned().unwrap_or_default();
            ConsolidatedRow {
                account,
                name,
                account_type: m.accounts.get(&account).cloned().unwrap_or_default(),
                companies: money(v),
                eliminated: money(e),
                consolidated: money(v + e),
            }
        })
        .collect()
}

/// The four ties of a year's consolidation: the companies' trial balances, the
/// intercompany accounts after elimination, what eliminating the balances left against
/// what is `in_transit`, and the whole.
fn group_ties(
    unbalanced: i64,
    left_over: i64,
    balances_left: i64,
    in_transit: &YearTransit,
    total: i64,
) -> Vec<Tie> {
    // Each open item is translated and revalued at rates of eight places, each rounded
    // to the minor unit: at most a unit apart per document.
    let off = balances_left - in_transit.sum;
    let tolerance = in_transit.documents + 1;
    vec![
        Tie {
            check: "each company's trial balance before translation sums to zero",
            left: money(unbalanced),
            right: 0.0,
            holds: unbalanced == 0,
        },
        Tie {
            check: "the intercompany accounts are eliminated to zero",
            left: money(left_over),
            right: 0.0,
            holds: left_over == 0,
        },
        Tie {
            check: "the intercompany balances left by eliminating are what is in transit (to a minor unit per document)",
            left: money(balances_left),
            right: money(in_transit.sum),
            holds: off.abs() <= tolerance,
        },
        Tie {
            check: "the consolidated trial balance and its differences sum to zero",
            left: money(total),
            right: 0.0,
            holds: total == 0,
        },
    ]
}
