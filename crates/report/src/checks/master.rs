//! Master data, small and kept whole: accounts, company currencies, users, each vendor's
//! bank accounts by date, partners.

use super::Reader;
use crate::ReportError;
use std::collections::{BTreeMap, HashMap, HashSet};
use synth_model::Date;

/// What the master tables hold that the other checks look up.
pub(crate) struct Masters {
    /// Account → account type.
    pub(crate) accounts: HashMap<i64, String>,
    /// Account → name and whether its normal balance is a credit.
    pub(crate) names: HashMap<i64, (String, bool)>,
    /// Company code → currency.
    pub(crate) currencies: BTreeMap<String, String>,
    /// User ids.
    pub(crate) users: HashSet<String>,
    /// Each vendor's bank accounts: (day from, account), by date; the first from the
    /// beginning of time.
    pub(crate) banks: HashMap<u128, Vec<(Date, String)>>,
    /// Vendor and customer ids.
    pub(crate) partners: HashSet<u128>,
}

/// Reads the master tables.
pub(crate) fn read(r: &mut Reader<'_>) -> Result<Masters, ReportError> {
    // Master data: small, kept whole.
    let mut accounts: HashMap<i64, String> = HashMap::new();
    let mut names: HashMap<i64, (String, bool)> = HashMap::new();
    let mut t = r.table(
        "accounts",
        &["account", "account_type", "name", "normal_balance"],
    );
    while let Some(row) = t.next_row()? {
        if let (Some(a), Some(ty)) = (row.int(0), row.text(1)) {
            accounts.insert(a, ty.to_string());
            let name = row.text(2).unwrap_or("").to_string();
            names.insert(a, (name, row.text(3) == Some("credit")));
        }
    }
    let mut currencies: BTreeMap<String, String> = BTreeMap::new();
    let mut t = r.table("companies", &["company_code", "currency"]);
    while let Some(row) = t.next_row()? {
        if let Some(c) = row.text(0) {
            currencies.insert(c.to_string(), row.text(1).unwrap_or("").to_string());
        }
    }
    let mut users: HashSet<String> = HashSet::new();
    let mut t = r.table("users", &["user_id"]);
    while let Some(row) = t.next_row()? {
        if let Some(u) = row.text(0) {
            users.insert(u.to_string());
        }
    }
    // Each vendor's bank accounts: (day from, account), by date; the first from the
    // beginning of time.
    let mut banks: HashMap<u128, Vec<(Date, String)>> = HashMap::new();
    let mut t = r.table("vendors", &["vendor_id", "bank_account"]);
    while let Some(row) = t.next_row()? {
        if let (Some(id), Some(a)) = (row.id(0), row.text(1)) {
            banks.insert(id, vec![(Date(i32::MIN), a.to_string())]);
        }
    }
    let mut t = r.table(
        "vendor_bank_changes",
        &[
            "vendor_id",
            "changed_at",
            "old_bank_account",
            "new_bank_account",
        ],
    );
    let mut changes: Vec<(u128, Date, String, String)> = Vec::new();
    while let Some(row) = t.next_row()? {
        if let (Some(id), Some(day)) = (row.id(0), row.date(1)) {
            let text = |k| row.text(k).unwrap_or("").to_string();
            changes.push((id, day, text(2), text(3)));
        }
    }
    changes.sort_by_key(|c| (c.0, c.1));
    for (id, day, old, new) in changes {
        if let Some(h) = banks.get_mut(&id) {
            if h.len() == 1 {
                // Before its first change the vendor had that change's old account.
                h[0].1 = old;
            }
            h.push((day, new));
        }
    }
    let mut partners: HashSet<u128> = HashSet::new();
    for (table, col) in [("vendors", "vendor_id"), ("customers", "customer_id")] {
        let mut t = r.table(table, &[col]);
        while let Some(row) = t.next_row()? {
            if let Some(id) = row.id(0) {
                partners.insert(id);
            }
        }
    }
    Ok(Masters {
        accounts,
        names,
        currencies,
        users,
        banks,
        partners,
    })
}
