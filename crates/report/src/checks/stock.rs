//! The stock ledger against the inventory account: each movement is its quantity at
//! its unit cost, each company's movements of a month are what its entries of the month
//! post to the inventory account (the invoices labelled as posted to stock without an
//! order aside), and no material's stock on hand is below zero at any month end.

use super::Checked;
use super::Reader;
use super::entries::{Entries, INVENTORY_ACCOUNT};
use super::master::Masters;
use crate::{Integrity, ReportError};
use std::collections::BTreeMap;

/// The integrity checks of the stock movements (none when the run wrote none), and the
/// rows read.
pub(crate) fn check(r: &mut Reader<'_>, m: &Masters, e: &Entries) -> Result<Checked, ReportError> {
    if r.files("stock_movements").is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    const S: &[&str] = &[
        "company_code",
        "material_id",
        "posting_date",
        "quantity",
        "unit_cost",
        "value",
    ];
    // Value per company and month; units per company, material and month; companies
    // by code, as the rows name them (a run may not have written the companies).
    let mut codes: Vec<String> = Vec::new();
    let mut value: BTreeMap<(usize, i32), i64> = BTreeMap::new();
    let mut units: BTreeMap<(usize, u128, i32), i64> = BTreeMap::new();
    let (mut rows, mut wrong) = (0u64, 0u64);
    let mut t = r.table("stock_movements", S);
    while let Some(row) = t.next_row()? {
        rows += 1;
        let company = row.text(0).map(|code| {
            codes.iter().position(|k| k == code).unwrap_or_else(|| {
                codes.push(code.to_string());
                codes.len() - 1
            })
        });
        match (
            company,
            row.id(1),
            row.date(2),
            row.int(3),
            row.cents(4),
            row.cents(5),
        ) {
            (Some(c), Some(material), Some(d), Some(q), Some(cost), Some(v)) => {
                wrong += u64::from(q.checked_mul(cost) != Some(v));
                let (y, mo, _) = d.ymd();
                let month = y * 12 + mo as i32 - 1;
                *value.entry((c, month)).or_default() += v;
                *units.entry((c, material, month)).or_default() += q;
            }
            _ => wrong += 1,
        }
        r.tick()?;
    }
    // The inventory account against the ledger month by month, when the run wrote the
    // journal lines (the ledger's companies are the master's, by position).
    let ledger_read = !r.files("journal_lines").is_empty();
    let master: Vec<&String> = m.currencies.keys().collect();
    let mut months: BTreeMap<(&str, i32), (i64, i64)> = BTreeMap::new();
    for (&(c, month), &v) in &value {
        months.entry((codes[c].as_str(), month)).or_default().0 += v;
    }
    for (&(account, c, month), &v) in &e.monthly {
        if let Some(code) = master.get(c).filter(|_| account == INVENTORY_ACCOUNT) {
            months.entry((code.as_str(), month)).or_default().1 += v;
        }
    }
    let differ = months
        .values()
        .filter(|(stock, gl)| ledger_read && stock != gl)
        .count() as u64;
    // Each material's stock on hand at each month end (the months in order).
    let mut short = 0u64;
    let mut on_hand: BTreeMap<(usize, u128), i64> = BTreeMap::new();
    let mut ends = 0u64;
    for (&(c, material, _), q) in &units {
        let s = on_hand.entry((c, material)).or_default();
        *s += q;
        short += u64::from(*s < 0);
        ends += 1;
    }
    Ok((vec![
        Integrity {
            check: "each stock movement's value is its quantity at its unit cost".into(),
            failures: wrong,
            of: rows,
        },
        Integrity {
            check: "each company's stock movements of a month are what its entries post to inventory (labelled invoices without order aside)".into(),
            failures: differ,
            of: months.len() as u64,
        },
        Integrity {
            check: "no material's stock on hand is below zero at a month end it moved in".into(),
            failures: short,
            of: ends,
        },
    ], vec![("stock_movements", rows)]))
}
