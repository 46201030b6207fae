//! Documents: invoices kept until settled (about 40 bytes each), payments matched to
//! them, terms kept, vendor payments against the vendor's bank account of their day.

use super::master::Masters;
use super::{RECENTLY_SETTLED, Reader, money};
use crate::{OpenItems, ReportError, Settlement, TermsRow};
use std::collections::{BTreeMap, HashMap, HashSet};
use synth_model::Date;

/// What the pass over documents found.
pub(crate) struct Documents {
    pub(crate) settlement: Settlement,
    pub(crate) vendor_payments: u64,
    pub(crate) wrong_account: u64,
    /// Rows read.
    pub(crate) rows: u64,
}

/// The documents of labelled anomalies (a payment diverted to another account is one): a
/// few per thousand entries.
fn labelled_documents(r: &mut Reader<'_>) -> Result<HashSet<u128>, ReportError> {
    let mut labelled = HashSet::new();
    let mut labels = r.table("anomalies", &["document_ids"]);
    while let Some(row) = labels.next_row()? {
        let ids = row.text(0).unwrap_or("").split(' ');
        labelled.extend(ids.filter_map(crate::read::parse_id));
    }
    Ok(labelled)
}

/// Reads the documents.
pub(crate) fn read(r: &mut Reader<'_>, m: &Masters) -> Result<Documents, ReportError> {
    let (currencies, banks) = (&m.currencies, &m.banks);
    // Documents: invoices kept until settled.
    const D: &[&str] = &[
        "document_id",
        "document_type",
        "company_code",
        "document_date",
        "due_date",
        "amount",
        "discount_amount",
        "reference_document_id",
        "partner_id",
        "bank_account",
    ];
    let mut settlement = Settlement::default();
    // About 40 bytes per open invoice: the company as an index into `codes`.
    let codes: Vec<String> = currencies.keys().cloned().collect();
    struct Open {
        company: u16,
        payable: bool,
        date: Date,
        due: Date,
        amount: i64,
        settled: i64,
    }
    let mut open: HashMap<u128, Open> = HashMap::new();
    // Invoices settled lately (a payment beyond them comes soon after, in the same case).
    let mut settled: std::collections::VecDeque<u128> = std::collections::VecDeque::new();
    let mut settled_set: HashSet<u128> = HashSet::new();
    let mut terms: BTreeMap<i64, (u64, i64, u64)> = BTreeMap::new();
    let (mut vendor_payments, mut wrong_account) = (0u64, 0u64);
    let labelled = labelled_documents(r)?;
    let mut docs = r.table("documents", D);
    while let Some(d) = docs.next_row()? {
        let kind = d.text(1).unwrap_or("");
        match kind {
            "vendor_invoice" | "customer_invoice" => {
                settlement.invoices += 1;
                if let (Some(id), Some(date)) = (d.id(0), d.date(3)) {
                    open.insert(
                        id,
                        Open {
                            company: d
                                .text(2)
                                .and_then(|c| codes.iter().position(|x| x == c))
                                .map_or(u16::MAX, |i| i as u16),
                            payable: kind == "vendor_invoice",
                            date,
                            due: d.date(4).unwrap_or(date),
                            amount: d.cents(5).unwrap_or(0),
                            settled: 0,
                        },
                    );
                }
            }
            "payment" | "receipt" => {
                settlement.payments += 1;
                let clean = d.id(0).is_none_or(|id| !labelled.contains(&id));
                if let (Some(h), Some(day), true) =
                    (d.id(8).and_then(|v| banks.get(&v)), d.date(3), clean)
                {
                    // Paid into the account the vendor master had on the payment's day
                    // (labelled payments aside).
                    vendor_payments += 1;
                    let k = h.partition_point(|(from, _)| *from <= day);
                    let want = h[k.saturating_sub(1)].1.as_str();
                    if d.text(9) != Some(want) {
                        wrong_account += 1;
                    }
                }
                let paid = d.cents(5).unwrap_or(0) + d.cents(6).unwrap_or(0);
                let reference = d.id(7);
                match reference.and_then(|i| open.get_mut(&i).map(|o| (i, o))) {
                    Some((inv, o)) => {
                        let day = d.date(3).unwrap_or(o.date);
                        if day < o.date {
                            settlement.paid_before_invoice += 1;
                        }
                        let t = terms.entry(i64::from(o.due.0 - o.date.0)).or_default();
                        t.0 += 1;
                        t.1 += i64::from(day.0 - o.date.0);
                        t.2 += u64::from(day <= o.due);
                        o.settled += paid;
                        if o.settled > o.amount {
                            settlement.overpaid_invoices += 1;
                        }
                        if o.settled >= o.amount {
                            open.remove(&inv);
                            settled.push_back(inv);
                            settled_set.insert(inv);
                            if settled.len() > RECENTLY_SETTLED
                                && let Some(old) = settled.pop_front()
                            {
                                settled_set.remove(&old);
                            }
                        }
                    }
                    None if reference.is_some_and(|i| settled_set.contains(&i)) => {
                        settlement.overpaid_invoices += 1;
                    }
                    None => settlement.payments_without_invoice += 1,
                }
            }
            _ => {}
        }
        r.tick()?;
    }
    settlement.by_terms = terms
        .into_iter()
        .map(|(days, (n, sum, on_time))| TermsRow {
            terms_days: days,
            payments: n,
            mean_days: sum as f64 / n.max(1) as f64,
            on_time_share: on_time as f64 / n.max(1) as f64,
        })
        .collect();
    let mut items: BTreeMap<(String, bool), (u64, i64)> = BTreeMap::new();
    for o in open.values() {
        if o.settled < o.amount {
            let company = codes
                .get(usize::from(o.company))
                .cloned()
                .unwrap_or_default();
            let e = items.entry((company, o.payable)).or_default();
            e.0 += 1;
            e.1 += o.amount - o.settled;
        }
    }
    settlement.open_items = items
        .into_iter()
        .map(|((company, payable), (n, amount))| OpenItems {
            company,
            kind: if payable { "payables" } else { "receivables" },
            invoices: n,
            amount: money(amount),
        })
        .collect();
    Ok(Documents {
        settlement,
        vendor_payments,
        wrong_account,
        rows: docs.rows,
    })
}
