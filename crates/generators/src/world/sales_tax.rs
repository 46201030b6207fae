//! Tax by the customer's region. US sales tax: a US company charges a US customer the
//! sales tax of the customer's state where it has nexus there, and none where it has
//! not (or the state has no sales tax). Nexus is economic, as most states have had it
//! since 2018: the company's expected sales to the state's customers exceed 100 000 USD
//! a year. Canadian GST/HST: a Canadian company charges a Canadian customer the HST of
//! the customer's province where it has one, else the GST.

use crate::world::economy::{CompanyBooks, Economy};
use crate::world::master::{MasterData, customer_company, partner_share};
use crate::world::pools::{TAX_CODES, first_state_tax, no_nexus_tax, state_tax};
use synth_model::Customer;

/// Yearly sales into a state above which a seller has nexus there, in base units (USD).
const NEXUS_SALES: f64 = 100_000.0;

/// Where company `ci` has nexus (a bit per US state code from [`first_state_tax`]),
/// and the mean regional tax rate of its domestic sales in hundredths of a percent;
/// none and 0 outside the US and Canada.
pub(crate) fn nexus(economy: &Economy, md: &MasterData, ci: usize, c: &CompanyBooks) -> (u32, f64) {
    if c.country == "CA" {
        return (0, provinces_rate(economy, md, ci));
    }
    if c.country != "US" {
        return (0, 0.0);
    }
    let first = first_state_tax();
    let mut sales = [0f64; 32];
    let mut domestic = 0.0;
    let n = md.customers.len();
    for (j, cu) in md.customers.iter().enumerate() {
        if customer_company(j, economy.companies.len()) != ci || cu.country != "US" {
            continue;
        }
        let share = partner_share(j, n) * economy.sales_year_base;
        domestic += share;
        if let Some(k) = state_tax(cu.region) {
            sales[(k - first).min(31)] += share;
        }
    }
    let mut mask = 0u32;
    let mut taxed = 0.0;
    for (k, s) in sales.iter().enumerate() {
        if *s > NEXUS_SALES * c.fx {
            mask |= 1 << k;
            taxed += s * TAX_CODES.get(first + k).map_or(0.0, |t| t.3 as f64);
        }
    }
    (
        mask,
        if domestic > 0.0 {
            taxed / domestic
        } else {
            0.0
        },
    )
}

/// The mean GST/HST rate of Canadian company `ci`'s sales to Canadian customers, in
/// hundredths of a percent (0 without any).
fn provinces_rate(economy: &Economy, md: &MasterData, ci: usize) -> f64 {
    let (mut domestic, mut taxed) = (0.0, 0.0);
    let n = md.customers.len();
    for (j, cu) in md.customers.iter().enumerate() {
        if customer_company(j, economy.companies.len()) != ci || cu.country != "CA" {
            continue;
        }
        let share = partner_share(j, n);
        domestic += share;
        taxed += share * state_tax(cu.region).map_or(0.0, |k| TAX_CODES[k].3 as f64);
    }
    if domestic > 0.0 {
        taxed / domestic
    } else {
        0.0
    }
}

/// The output tax codes of a sale of company `c` (with nexus in the states of
/// `nexus`) to `customer` at home (standard, reduced, zero-rated): its country's; in
/// the US the customer's state's where the company has nexus (none where not), or tax
/// exempt for resale; in Canada the GST/HST of the customer's province.
pub(crate) fn sale_codes(nexus: u32, c: &CompanyBooks, customer: &Customer) -> [usize; 3] {
    if c.country == "CA" && customer.country == "CA" {
        return match state_tax(customer.region) {
            Some(k) => [k, k, c.tax.output[2]],
            None => c.tax.output,
        };
    }
    if c.country != "US" || customer.country != "US" {
        return c.tax.output;
    }
    let code = match state_tax(customer.region) {
        Some(k) if TAX_CODES[k].3 == 0 => k,
        Some(k) if nexus & (1 << (k - first_state_tax()).min(31)) != 0 => k,
        _ => no_nexus_tax(),
    };
    [code, code, c.tax.output[2]]
}
