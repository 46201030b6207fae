//! Bank statements against their lines and the ledger: each statement's totals are the
//! sums of its lines, each opens with the closing balance of the company's statement
//! before and closes at opening + credits - debits, and its closing balance less the
//! payments outstanding is the G/L bank account's balance on its date.

use super::Checked;
use super::Reader;
use super::entries::{BANK_ACCOUNT, Entries};
use super::master::Masters;
use crate::{Integrity, ReportError};
use std::collections::{BTreeMap, HashMap};
use synth_model::Date;

/// One statement as read: company code, date, opening, credits, debits, closing, book
/// balance, outstanding payments.
type Statement = (String, Date, i64, i64, i64, i64, i64, i64);

/// The integrity checks of the bank statements (none when the run wrote none), and the
/// rows read of each table.
pub(crate) fn check(r: &mut Reader<'_>, m: &Masters, e: &Entries) -> Result<Checked, ReportError> {
    if r.files("bank_statements").is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    const S: &[&str] = &[
        "statement_id",
        "company_code",
        "statement_date",
        "opening_balance",
        "total_credits",
        "total_debits",
        "closing_balance",
        "book_balance",
        "outstanding_payments",
    ];
    let mut statements: HashMap<u128, Statement> = HashMap::new();
    let mut unreadable = 0u64;
    let mut t = r.table("bank_statements", S);
    while let Some(row) = t.next_row()? {
        let company = row.text(1).map(str::to_string);
        let cents: Vec<Option<i64>> = (3..9).map(|i| row.cents(i)).collect();
        match (
            row.id(0),
            company,
            row.date(2),
            cents.iter().all(Option::is_some),
        ) {
            (Some(id), Some(c), Some(d), true) => {
                let v: Vec<i64> = cents.into_iter().flatten().collect();
                statements.insert(id, (c, d, v[0], v[1], v[2], v[3], v[4], v[5]));
            }
            _ => unreadable += 1,
        }
        r.tick()?;
    }
    let n = statements.len() as u64 + unreadable;
    // The book balances are held against the G/L only when the run wrote it.
    let ledger_read = !r.files("journal_lines").is_empty();
    // Credits and debits of each statement's lines.
    let mut sums: HashMap<u128, (i64, i64)> = HashMap::new();
    let (mut lines, mut orphans) = (0u64, 0u64);
    let mut t = r.table("bank_statement_lines", &["statement_id", "amount"]);
    while let Some(row) = t.next_row()? {
        lines += 1;
        match row.id(0).filter(|id| statements.contains_key(id)) {
            Some(id) => {
                let s = sums.entry(id).or_default();
                let amount = row.cents(1).unwrap_or(0);
                if amount > 0 {
                    s.0 += amount;
                } else {
                    s.1 -= amount;
                }
            }
            None => orphans += 1,
        }
        r.tick()?;
    }
    let mut totals = unreadable;
    let mut book = unreadable;
    for (id, s) in &statements {
        let (credits, debits) = sums.get(id).copied().unwrap_or_default();
        totals += u64::from((s.3, s.4) != (credits, debits) || s.5 != s.2 + s.3 - s.4);
        // The G/L bank balance at the end of the statement's month (when the run
        // wrote its lines; a company missing from `companies` has none).
        let (y, mo, _) = s.1.ymd();
        let month = y * 12 + mo as i32 - 1;
        let gl: Option<i64> = m.currencies.keys().position(|k| *k == s.0).map(|c| {
            e.monthly
                .range((BANK_ACCOUNT, c, i32::MIN)..=(BANK_ACCOUNT, c, month))
                .map(|(_, v)| v)
                .sum()
        });
        let gl_differs = ledger_read && gl != Some(s.6);
        book += u64::from(gl_differs || s.5 - s.7 != s.6);
    }
    // Each company's statements in date order: each opens with the one before's close.
    let mut by_company: BTreeMap<(&str, Date), (i64, i64)> = BTreeMap::new();
    for s in statements.values() {
        by_company.insert((s.0.as_str(), s.1), (s.2, s.5));
    }
    let mut chain = 0u64;
    let mut prev: Option<(&str, i64)> = None;
    for (&(c, _), &(opening, closing)) in &by_company {
        if let Some((pc, pclose)) = prev
            && pc == c
        {
            chain += u64::from(opening != pclose);
        }
        prev = Some((c, closing));
    }
    let read = vec![("bank_statements", n), ("bank_statement_lines", lines)];
    Ok((vec![
        Integrity {
            check: "each bank statement's totals are its lines, and it closes at opening + credits - debits".into(),
            failures: totals,
            of: n,
        },
        Integrity {
            check: "each bank statement opens with the closing balance of the company's one before".into(),
            failures: chain,
            of: n,
        },
        Integrity {
            check: "each bank statement's book balance is the G/L bank account on its date, its closing balance less outstanding payments".into(),
            failures: book,
            of: n,
        },
        Integrity {
            check: "each bank statement line is on a statement".into(),
            failures: orphans,
            of: lines,
        },
    ], read))
}
