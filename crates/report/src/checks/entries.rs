//! Entries and their lines, read side by side (both are written in entry order): balance,
//! line counts, references, Benford's first digits, the calendar, amounts, the
//! balances per company and account.

use super::master::Masters;
use super::{Reader, first_digit};
use crate::ReportError;
use crate::read;
use std::collections::{BTreeMap, HashMap};

/// What the pass over entries and lines found.
pub(crate) struct Entries {
    pub(crate) n_entries: u64,
    pub(crate) n_lines: u64,
    pub(crate) unbalanced: u64,
    pub(crate) count_mismatch: u64,
    pub(crate) bad_company: u64,
    pub(crate) bad_user: u64,
    pub(crate) bad_account: u64,
    pub(crate) bad_partner: u64,
    pub(crate) partner_lines: u64,
    /// Lines that belong to no entry (or are out of order).
    pub(crate) orphan_lines: u64,
    /// Amounts by first digit, 1 to 9.
    pub(crate) digits: [u64; 9],
    pub(crate) weekdays: [u64; 7],
    pub(crate) days_of_month: [u64; 31],
    /// Entries per posting day (days since the epoch).
    pub(crate) per_day: BTreeMap<i32, u64>,
    /// Entries per tenth of a decade of their debits.
    pub(crate) histogram: BTreeMap<i64, u64>,
    pub(crate) manual: u64,
    pub(crate) off_hours: u64,
    /// Entries marked per anomaly type.
    pub(crate) marked: BTreeMap<String, u64>,
    /// The ledger: what each company posted on each account in each year.
    pub(crate) ledger: Ledger,
    /// The movement of the operating bank account and of the inventory account per
    /// account, company and month of the posting date (months since year 0), opening
    /// balances included; the invoices labelled as posted to stock without an order
    /// left out of the inventory (the stock ledger does not hold them).
    pub(crate) monthly: BTreeMap<(i64, usize, i32), i64>,
}

/// The operating bank account of the chart (see `bank_statements`).
pub(crate) const BANK_ACCOUNT: i64 = 110_000;
/// The inventory account of the chart (see `stock_movements`).
pub(crate) const INVENTORY_ACCOUNT: i64 = 130_000;

/// What was posted on one account of one company in one year, in minor units.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cell {
    /// Opening entries (debits less credits).
    pub(crate) opening: i64,
    /// Debits of every other entry (closing entries included).
    pub(crate) debit: i64,
    /// Credits of every other entry (closing entries included).
    pub(crate) credit: i64,
    /// Closing entries (fiscal period 13 and later): debits less credits.
    pub(crate) closing: i64,
}

/// (company index in the company master, fiscal year, account) → what was posted.
pub(crate) type Ledger = HashMap<(usize, i32, i64), Cell>;

/// What an entry is to the statements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An opening balance entry: the balances it posts are where the year starts.
    Opening,
    /// A year-end closing entry (a fiscal period after the twelfth).
    Closing,
    /// Anything else: the year's business.
    Flow,
}

/// A line as the merge needs it: entry, account, debit, credit, partner.
type Line = (Option<u128>, i64, i64, i64, Option<u128>);

fn line_of(l: &read::Row) -> Line {
    (
        l.id(0),
        l.int(1).unwrap_or(-1),
        l.cents(2).unwrap_or(0),
        l.cents(3).unwrap_or(0),
        l.id(4),
    )
}

/// Adds a line's `debit` and `credit` of an entry of `kind` to its ledger cell.
fn post(cell: &mut Cell, kind: Kind, debit: i64, credit: i64) {
    match kind {
        Kind::Opening => cell.opening += debit - credit,
        Kind::Closing | Kind::Flow => {
            cell.debit += debit;
            cell.credit += credit;
            if kind == Kind::Closing {
                cell.closing += debit - credit;
            }
        }
    }
}

/// Reads entries and lines side by side.
pub(crate) fn read(r: &mut Reader<'_>, m: &Masters) -> Result<Entries, ReportError> {
    let Masters {
        accounts,
        currencies,
        users,
        partners,
        ..
    } = m;
    // Entries and their lines, side by side.
    const E: &[&str] = &[
        "entry_id",
        "company_code",
        "posting_date",
        "created_at",
        "source",
        "user_id",
        "approved_by",
        "line_count",
        "anomaly_type",
        "business_process",
        "fiscal_period",
    ];
    const L: &[&str] = &["entry_id", "account", "debit", "credit", "partner_id"];
    let mut entries = r.table("journal_entries", E);
    let mut lines = r.table("journal_lines", L);
    let mut pending = lines.next_row()?.map(line_of);
    let (mut n_entries, mut n_lines, mut unbalanced, mut count_mismatch) = (0u64, 0u64, 0u64, 0u64);
    let (mut bad_company, mut bad_user, mut bad_account, mut bad_partner, mut partner_lines) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut digits = [0u64; 9];
    let mut weekdays = [0u64; 7];
    let mut days_of_month = [0u64; 31];
    let mut per_day: BTreeMap<i32, u64> = BTreeMap::new();
    let mut histogram: BTreeMap<i64, u64> = BTreeMap::new();
    let (mut manual, mut off_hours) = (0u64, 0u64);
    let mut marked: BTreeMap<String, u64> = BTreeMap::new();
    let mut ledger = Ledger::new();
    let mut monthly: BTreeMap<(i64, usize, i32), i64> = BTreeMap::new();
    while let Some(e) = entries.next_row()? {
        n_entries += 1;
        let id = e.id(0);
        let company = e
            .text(1)
            .and_then(|c| currencies.keys().position(|k| k == c));
        if company.is_none() {
            bad_company += 1;
        }
        let (year, month) = e.date(2).map_or((0, 0), |d| {
            let (y, m, _) = d.ymd();
            (y, y * 12 + m as i32 - 1)
        });
        let kind = if e.text(9) == Some("opening_balances") {
            Kind::Opening
        } else if e.int(10).is_some_and(|p| p > 12) {
            Kind::Closing
        } else {
            Kind::Flow
        };
        let user_ok = e.text(5).is_some_and(|u| users.contains(u))
            && e.text(6).is_none_or(|u| users.contains(u));
        if !user_ok {
            bad_user += 1;
        }
        if let Some(d) = e.date(2) {
            weekdays[d.weekday() as usize] += 1;
            let (_, _, day) = d.ymd();
            days_of_month[(day as usize).clamp(1, 31) - 1] += 1;
            *per_day.entry(d.0).or_default() += 1;
        }
        if e.text(4) == Some("manual") {
            manual += 1;
            if e.hour(3).is_some_and(|h| !(7..19).contains(&h)) {
                off_hours += 1;
            }
        }
        if let Some(t) = e.text(8) {
            *marked.entry(t.to_string()).or_default() += 1;
        }
        let stocked = e.text(8) != Some("invoice_without_order");
        let want_lines = e.int(7).unwrap_or(-1);
        let (mut got, mut debit, mut credit) = (0i64, 0i64, 0i64);
        while let Some(l) = pending.filter(|l| l.0 == id) {
            got += 1;
            debit += l.2;
            credit += l.3;
            for amount in [l.2, l.3].into_iter().filter(|&a| a > 0) {
                digits[first_digit(amount) - 1] += 1;
            }
            if !accounts.contains_key(&l.1) {
                bad_account += 1;
            }
            if let Some(p) = l.4 {
                partner_lines += 1;
                if !partners.contains(&p) {
                    bad_partner += 1;
                }
            }
            if let Some(c) = company {
                post(ledger.entry((c, year, l.1)).or_default(), kind, l.2, l.3);
                if l.1 == BANK_ACCOUNT || (l.1 == INVENTORY_ACCOUNT && stocked) {
                    *monthly.entry((l.1, c, month)).or_default() += l.2 - l.3;
                }
            }
            n_lines += 1;
            r.tick()?;
            pending = lines.next_row()?.map(line_of);
        }
        if got != want_lines {
            count_mismatch += 1;
        }
        if debit != credit {
            unbalanced += 1;
        }
        if debit > 0 {
            let bin = ((debit as f64 / 100.0).log10() * 10.0).floor() as i64;
            *histogram.entry(bin).or_default() += 1;
        }
        r.tick()?;
    }
    // Lines left over belong to no entry (or are out of order).
    let mut orphan_lines = 0u64;
    while pending.is_some() {
        orphan_lines += 1;
        n_lines += 1;
        pending = lines.next_row()?.map(line_of);
    }
    Ok(Entries {
        n_entries,
        n_lines,
        unbalanced,
        count_mismatch,
        bad_company,
        bad_user,
        bad_account,
        bad_partner,
        partner_lines,
        orphan_lines,
        digits,
        weekdays,
        days_of_month,
        per_day,
        histogram,
        manual,
        off_hours,
        marked,
        ledger,
        monthly,
    })
}
