//! The books as a whole: labels against marked entries, profit and loss and the
//! balance sheet per company, the integrity checks, rows read against the manifest.

use super::documents::Documents;
use super::entries::{Entries, Ledger};
use super::master::Masters;
use super::{Reader, money};
use crate::{AnomalyCount, CompanyBooks, Integrity, ReportError, TableCheck};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// The labels per type against the entries marked with it (problems when a type has
/// no label or fewer marked entries than the distinct entries its labels name: several
/// inventory thefts can name one count entry, a payroll diversion's label names
/// payslips only), and the label rows read.
pub(crate) fn labels(
    r: &mut Reader<'_>,
    marked: &BTreeMap<String, u64>,
    problems: &mut Vec<String>,
) -> Result<(Vec<AnomalyCount>, u64), ReportError> {
    // Labels.
    let mut labels: BTreeMap<String, u64> = BTreeMap::new();
    // The entries each type's labels name, by a hash of their id (8 bytes each).
    let mut named: HashMap<String, HashSet<u64>> = HashMap::new();
    let mut t = r.table("anomalies", &["anomaly_type", "entry_ids"]);
    while let Some(row) = t.next_row()? {
        let ty = row.text(0).unwrap_or("").to_string();
        for id in row.text(1).unwrap_or("").split_whitespace() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            id.hash(&mut h);
            named.entry(ty.clone()).or_default().insert(h.finish());
        }
        *labels.entry(ty).or_default() += 1;
    }
    let label_rows: u64 = labels.values().sum();
    let mut anomaly_types: Vec<String> = labels.keys().chain(marked.keys()).cloned().collect();
    anomaly_types.sort();
    anomaly_types.dedup();
    let anomalies: Vec<AnomalyCount> = anomaly_types
        .into_iter()
        .map(|t| AnomalyCount {
            labels: labels.get(&t).copied().unwrap_or(0),
            entries: marked.get(&t).copied().unwrap_or(0),
            anomaly_type: t,
        })
        .collect();
    for a in &anomalies {
        let naming = named.get(&a.anomaly_type).map_or(0, |s| s.len() as u64);
        if a.labels == 0 || a.entries < naming {
            problems.push(format!(
                "anomaly type {}: {} labels but {} entries marked",
                a.anomaly_type, a.labels, a.entries
            ));
        }
    }
    Ok((anomalies, label_rows))
}

/// Profit and loss and the balance sheet of every company over the whole data: the
/// profit and loss of every year (closing entries left out), the balances at the end.
pub(crate) fn companies(m: &Masters, ledger: &Ledger) -> Vec<CompanyBooks> {
    let accounts = &m.accounts;
    let mut companies = Vec::new();
    for (ci, (code, currency)) in m.currencies.iter().enumerate() {
        // (debits less credits without closing entries, balance at the end) of the
        // accounts that `keep` selects.
        let sum = |ty: &str, keep: &dyn Fn(i64) -> bool| -> (i64, i64) {
            ledger
                .iter()
                .filter(|((c, _, a), _)| {
                    *c == ci && accounts.get(a).is_some_and(|t| t == ty) && keep(*a)
                })
                .fold((0, 0), |s, (_, v)| {
                    let moved = v.debit - v.credit;
                    (s.0 + moved - v.closing, s.1 + moved + v.opening)
                })
        };
        let any = |_: i64| true;
        let revenue = sum("revenue", &any);
        let expenses = sum("expense", &any);
        let cogs = sum("expense", &|a| (500_000..510_000).contains(&a)).0;
        let assets = sum("asset", &any).1;
        let liabilities = -sum("liability", &any).1;
        let equity = -sum("equity", &any).1;
        let (revenue_now, expenses_now) = (-revenue.0, expenses.0);
        companies.push(CompanyBooks {
            company: code.clone(),
            currency: currency.clone(),
            revenue: money(revenue_now),
            expenses: money(expenses_now),
            net_income: money(revenue_now - expenses_now),
            gross_margin: if revenue_now != 0 {
                1.0 - cogs as f64 / revenue_now as f64
            } else {
                0.0
            },
            assets: money(assets),
            liabilities: money(liabilities),
            equity: money(equity),
            balanced: assets == liabilities + equity - revenue.1 - expenses.1,
        });
    }
    companies
}

/// The integrity checks: how many rows failed each, of how many.
pub(crate) fn integrity(e: &Entries, d: &Documents) -> Vec<Integrity> {
    vec![
        Integrity {
            check: "every line belongs to an entry, in order".into(),
            failures: e.orphan_lines,
            of: e.n_lines,
        },
        Integrity {
            check: "each entry's line_count equals its lines".into(),
            failures: e.count_mismatch,
            of: e.n_entries,
        },
        Integrity {
            check: "each entry's company is in companies".into(),
            failures: e.bad_company,
            of: e.n_entries,
        },
        Integrity {
            check: "each entry's user and approver are in users".into(),
            failures: e.bad_user,
            of: e.n_entries,
        },
        Integrity {
            check: "each line's account is in accounts".into(),
            failures: e.bad_account,
            of: e.n_lines,
        },
        Integrity {
            check: "each line's partner is a vendor or customer".into(),
            failures: e.bad_partner,
            of: e.partner_lines,
        },
        Integrity {
            check: "each payment's invoice is in documents".into(),
            failures: d.settlement.payments_without_invoice,
            of: d.settlement.payments,
        },
        Integrity {
            check: "each vendor payment goes to the vendor's bank account of its day".into(),
            failures: d.wrong_account,
            of: d.vendor_payments,
        },
    ]
}

/// Rows per table: the manifest's, and those read for the tables the report reads (the
/// entries and lines, and `read`'s; a difference is a problem).
pub(crate) fn tables(
    r: &Reader<'_>,
    e: &Entries,
    read: &[(&'static str, u64)],
    problems: &mut Vec<String>,
) -> Vec<TableCheck> {
    let read_rows: HashMap<&str, u64> = [
        ("journal_entries", e.n_entries),
        ("journal_lines", e.n_lines),
    ]
    .into_iter()
    .chain(read.iter().copied())
    .collect();
    let tables: Vec<TableCheck> = r
        .manifest
        .tables
        .iter()
        .map(|t| {
            let read = read_rows.get(t.table.as_str()).copied();
            let why = match read {
                Some(n) if n == t.rows => "read: as the manifest says".to_string(),
                Some(n) => format!("read: {n} rows, the manifest lists {}", t.rows),
                None => "not read: its files are checked by size and checksum only".to_string(),
            };
            TableCheck {
                table: t.table.clone(),
                manifest_rows: t.rows,
                rows_read: read,
                files: t.files.len(),
                why,
            }
        })
        .collect();
    for t in &tables {
        if let Some(n) = t.rows_read
            && n != t.manifest_rows
        {
            problems.push(format!(
                "{}: {} rows read, the manifest lists {}",
                t.table, n, t.manifest_rows
            ));
        }
    }
    tables
}
