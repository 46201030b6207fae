//! `synthdata report`: reads a finished output directory (CSV, JSON Lines or Parquet),
//! streaming, and reports on its quality: files against the manifest, the balance of
//! every entry, referential integrity, Benford's law, the posting calendar, settlement
//! of invoices, profit and loss and balance sheet per company, and the labelled
//! anomalies. [`html`] draws it as one self-contained page with SVG plots.
//!
//! Memory grows only with the invoices open at the end of the data: entries and their
//! lines are read side by side (both are written in entry order), master data is small,
//! and an invoice is dropped once settled.

pub mod html;
mod read;

use read::TableRows;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use synth_guard::MemoryGuard;
use synth_model::Date;
use synth_sinks::Manifest;

/// Why a report could not be made, or what it found broken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The directory has no readable manifest.
    #[error("{path}: no readable manifest: {reason}")]
    NoManifest {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A file is damaged: it cannot be parsed as its format.
    #[error("{path} (table {table}) is damaged: {reason}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Its table.
        table: String,
        /// What is wrong.
        reason: String,
    },
    /// The manifest names a format this reader does not know.
    #[error("unknown output format {0:?} in the manifest")]
    Format(String),
    /// The memory guard's hard limit was reached while reading.
    #[error("memory use {used} bytes passed the hard limit of {limit} bytes while reading")]
    Memory {
        /// Bytes in use.
        used: u64,
        /// The limit.
        limit: u64,
    },
}

/// Rows of one table: the manifest's count and what was read.
#[derive(Debug, Clone, Serialize)]
pub struct TableCheck {
    /// Table name.
    pub table: String,
    /// Rows the manifest lists.
    pub manifest_rows: u64,
    /// Rows read (for the tables the report reads; else the manifest's).
    pub rows_read: Option<u64>,
    /// Files of the table.
    pub files: usize,
}

/// One integrity check: how many rows failed it, of how many.
#[derive(Debug, Clone, Serialize)]
pub struct Integrity {
    /// What is checked.
    pub check: String,
    /// Rows that fail it.
    pub failures: u64,
    /// Rows checked.
    pub of: u64,
}

/// First digits of line amounts against Benford's law.
#[derive(Debug, Clone, Serialize)]
pub struct Benford {
    /// Amounts counted (each line's debit or credit).
    pub amounts: u64,
    /// Observed share of first digits 1 to 9.
    pub observed: [f64; 9],
    /// Benford's expected share, log10(1 + 1/d).
    pub expected: [f64; 9],
    /// Mean absolute deviation.
    pub mad: f64,
    /// Nigrini's verdict for first digits.
    pub verdict: &'static str,
}

/// Days to pay for one payment term.
#[derive(Debug, Clone, Serialize)]
pub struct TermsRow {
    /// Days between invoice date and due date.
    pub terms_days: i64,
    /// Payments and receipts.
    pub payments: u64,
    /// Mean days from invoice to payment.
    pub mean_days: f64,
    /// Share paid on or before the due date.
    pub on_time_share: f64,
}

/// Invoices not settled at the end of the data.
#[derive(Debug, Clone, Serialize)]
pub struct OpenItems {
    /// Company.
    pub company: String,
    /// `payables` or `receivables`.
    pub kind: &'static str,
    /// Open invoices.
    pub invoices: u64,
    /// Their unsettled amount.
    pub amount: f64,
}

/// Settlement of invoices by payments and receipts.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Settlement {
    /// Invoices read.
    pub invoices: u64,
    /// Payments and receipts read.
    pub payments: u64,
    /// Payments dated before their invoice.
    pub paid_before_invoice: u64,
    /// Invoices paid beyond their amount (a duplicate payment, for instance).
    pub overpaid_invoices: u64,
    /// Payments whose invoice is not in the data.
    pub payments_without_invoice: u64,
    /// Days to pay, by payment term.
    pub by_terms: Vec<TermsRow>,
    /// What is still open at the end, per company.
    pub open_items: Vec<OpenItems>,
}

/// Profit and loss and balance sheet of one company, in its currency.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyBooks {
    /// Company code.
    pub company: String,
    /// Currency.
    pub currency: String,
    /// Revenue (credits less debits of revenue accounts).
    pub revenue: f64,
    /// Expenses (debits less credits of expense accounts).
    pub expenses: f64,
    /// Revenue less expenses.
    pub net_income: f64,
    /// Gross margin: 1 - cost of goods sold / revenue.
    pub gross_margin: f64,
    /// Assets at the end.
    pub assets: f64,
    /// Liabilities at the end.
    pub liabilities: f64,
    /// Equity at the end, before the year's result.
    pub equity: f64,
    /// Assets = liabilities + equity + net income.
    pub balanced: bool,
}

/// Anomalies of one type: labels and the entries marked.
#[derive(Debug, Clone, Serialize)]
pub struct AnomalyCount {
    /// Type.
    pub anomaly_type: String,
    /// Rows of the `anomalies` table.
    pub labels: u64,
    /// Entries with `is_anomaly` and this type.
    pub entries: u64,
}

/// Everything the report found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The directory read.
    pub directory: PathBuf,
    /// Output format.
    pub format: String,
    /// Whether the manifest says the run completed.
    pub complete: bool,
    /// Journal entries the run was asked for.
    pub entries_requested: u64,
    /// Files whose size and checksum match the manifest.
    pub files_checked: u64,
    /// Rows per table.
    pub tables: Vec<TableCheck>,
    /// Entries read.
    pub entries: u64,
    /// Lines read.
    pub lines: u64,
    /// Entries whose debits differ from their credits.
    pub unbalanced_entries: u64,
    /// Referential integrity.
    pub integrity: Vec<Integrity>,
    /// Benford's law over line amounts.
    pub benford: Benford,
    /// Entries per weekday of the posting date, Monday first.
    pub weekdays: [u64; 7],
    /// Entries per day of the month of the posting date (1 to 31).
    pub days_of_month: [u64; 31],
    /// Entries per posting date.
    pub per_day: Vec<(String, u64)>,
    /// Manual entries, and those entered outside 07:00-19:00.
    pub manual_entries: u64,
    /// Manual entries entered outside 07:00-19:00.
    pub manual_off_hours: u64,
    /// Entry totals per tenth of a decade: (log10 of the lower bound, entries).
    pub amount_histogram: Vec<(f64, u64)>,
    /// Invoices and their payments.
    pub settlement: Settlement,
    /// Profit and loss and balance sheet per company.
    pub companies: Vec<CompanyBooks>,
    /// Labelled anomalies per type.
    pub anomalies: Vec<AnomalyCount>,
    /// Everything wrong: damaged or missing files, unbalanced entries, broken
    /// references, labels that disagree. Empty for a sound dataset.
    pub problems: Vec<String>,
}

impl Report {
    /// Whether nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Nigrini's verdict for a first-digit MAD.
pub fn nigrini(mad: f64) -> &'static str {
    match mad {
        m if m < 0.006 => "close conformity",
        m if m < 0.012 => "acceptable conformity",
        m if m < 0.015 => "marginally acceptable conformity",
        _ => "nonconformity",
    }
}

/// Settled invoices remembered, to recognise a payment beyond one.
const RECENTLY_SETTLED: usize = 1 << 16;

/// Checks memory every this many rows.
const GUARD_EVERY: u64 = 1 << 16;

struct Reader<'a> {
    dir: PathBuf,
    manifest: Manifest,
    guard: Option<&'a mut MemoryGuard>,
    read: u64,
}

impl Reader<'_> {
    fn files(&self, table: &str) -> Vec<PathBuf> {
        self.manifest
            .tables
            .iter()
            .find(|t| t.table == table)
            .map(|t| t.files.iter().map(|f| self.dir.join(&f.path)).collect())
            .unwrap_or_default()
    }

    fn table(&self, table: &str, columns: &[&str]) -> TableRows {
        TableRows::new(table, &self.manifest.format, self.files(table), columns)
    }

    fn tick(&mut self) -> Result<(), ReportError> {
        self.read += 1;
        if self.read.is_multiple_of(GUARD_EVERY)
            && let Some(g) = self.guard.as_deref_mut()
            && let Ok(s) = g.check()
            && s.exceeds_hard_limit
        {
            return Err(ReportError::Memory {
                used: s.current_usage,
                limit: s.hard_limit,
            });
        }
        Ok(())
    }
}

fn benford_expected() -> [f64; 9] {
    std::array::from_fn(|i| (1.0 + 1.0 / (i as f64 + 1.0)).log10())
}

fn first_digit(cents: i64) -> usize {
    let mut x = cents.unsigned_abs();
    while x >= 10 {
        x /= 10;
    }
    x as usize
}

fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn date_text(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}-{m:02}-{day:02}")
}

/// Reads the output directory `dir` and reports on it; `guard` (if any) is checked as
/// rows are read, and the report stops at its hard limit.
pub fn report(dir: &Path, guard: Option<&mut MemoryGuard>) -> Result<Report, ReportError> {
    let manifest = Manifest::read(dir).map_err(|e| ReportError::NoManifest {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut problems = Vec::new();
    // Files against the manifest: sizes and checksums.
    let files_checked = match synth_sinks::verify(&[dir.to_path_buf()]) {
        Ok(v) => {
            problems.extend(
                v.problems
                    .iter()
                    .map(|p| format!("damaged or missing: {p}")),
            );
            v.files_checked
        }
        Err(e) => {
            problems.push(format!("could not verify the files: {e}"));
            0
        }
    };
    if !manifest.complete {
        problems.push(format!(
            "the run did not complete ({})",
            manifest.stop_reason.as_deref().unwrap_or("stopped")
        ));
    }
    let mut r = Reader {
        dir: dir.to_path_buf(),
        manifest,
        guard,
        read: 0,
    };

    // Master data: small, kept whole.
    let mut accounts: HashMap<i64, String> = HashMap::new();
    let mut t = r.table("accounts", &["account", "account_type"]);
    while let Some(row) = t.next_row()? {
        if let (Some(a), Some(ty)) = (row.int(0), row.text(1)) {
            accounts.insert(a, ty.to_string());
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
    // (company, account) → debits less credits.
    let mut balances: HashMap<(String, i64), i64> = HashMap::new();
    while let Some(e) = entries.next_row()? {
        n_entries += 1;
        let id = e.id(0);
        let company = e.text(1).unwrap_or("").to_string();
        if !currencies.contains_key(&company) {
            bad_company += 1;
        }
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
        let want_lines = e.int(7).unwrap_or(-1);
        let (mut got, mut debit, mut credit) = (0i64, 0i64, 0i64);
        while let Some(l) = pending.filter(|l| l.0 == id) {
            got += 1;
            debit += l.2;
            credit += l.3;
            for amount in [l.2, l.3] {
                if amount > 0 {
                    digits[first_digit(amount) - 1] += 1;
                }
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
            *balances.entry((company.clone(), l.1)).or_default() += l.2 - l.3;
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
                if let (Some(h), Some(day)) = (d.id(8).and_then(|v| banks.get(&v)), d.date(3)) {
                    // Paid into the account the vendor master had on the payment's day.
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

    // Labels.
    let mut labels: BTreeMap<String, u64> = BTreeMap::new();
    let mut t = r.table("anomalies", &["anomaly_type"]);
    while let Some(row) = t.next_row()? {
        *labels
            .entry(row.text(0).unwrap_or("").to_string())
            .or_default() += 1;
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
        if a.labels == 0 || a.entries < a.labels {
            problems.push(format!(
                "anomaly type {}: {} labels but {} entries marked",
                a.anomaly_type, a.labels, a.entries
            ));
        }
    }

    // Profit and loss, balance sheet.
    let mut companies = Vec::new();
    for (code, currency) in &currencies {
        let sum = |ty: &str, sign: i64, cogs_only: bool| -> i64 {
            balances
                .iter()
                .filter(|((c, a), _)| {
                    c == code
                        && accounts.get(a).is_some_and(|t| t == ty)
                        && (!cogs_only || (500_000..510_000).contains(a))
                })
                .map(|(_, v)| v * sign)
                .sum()
        };
        let revenue = sum("revenue", -1, false);
        let expenses = sum("expense", 1, false);
        let cogs = sum("expense", 1, true);
        let assets = sum("asset", 1, false);
        let liabilities = sum("liability", -1, false);
        let equity = sum("equity", -1, false);
        companies.push(CompanyBooks {
            company: code.clone(),
            currency: currency.clone(),
            revenue: money(revenue),
            expenses: money(expenses),
            net_income: money(revenue - expenses),
            gross_margin: if revenue != 0 {
                1.0 - cogs as f64 / revenue as f64
            } else {
                0.0
            },
            assets: money(assets),
            liabilities: money(liabilities),
            equity: money(equity),
            balanced: assets == liabilities + equity + revenue - expenses,
        });
    }

    let total_digits: u64 = digits.iter().sum();
    let expected = benford_expected();
    let observed: [f64; 9] = std::array::from_fn(|i| digits[i] as f64 / total_digits.max(1) as f64);
    let mad = (0..9)
        .map(|i| (observed[i] - expected[i]).abs())
        .sum::<f64>()
        / 9.0;

    let integrity = vec![
        Integrity {
            check: "every line belongs to an entry, in order".into(),
            failures: orphan_lines,
            of: n_lines,
        },
        Integrity {
            check: "each entry's line_count equals its lines".into(),
            failures: count_mismatch,
            of: n_entries,
        },
        Integrity {
            check: "each entry's company is in companies".into(),
            failures: bad_company,
            of: n_entries,
        },
        Integrity {
            check: "each entry's user and approver are in users".into(),
            failures: bad_user,
            of: n_entries,
        },
        Integrity {
            check: "each line's account is in accounts".into(),
            failures: bad_account,
            of: n_lines,
        },
        Integrity {
            check: "each line's partner is a vendor or customer".into(),
            failures: bad_partner,
            of: partner_lines,
        },
        Integrity {
            check: "each payment's invoice is in documents".into(),
            failures: settlement.payments_without_invoice,
            of: settlement.payments,
        },
        Integrity {
            check: "each vendor payment goes to the vendor's bank account of its day".into(),
            failures: wrong_account,
            of: vendor_payments,
        },
    ];
    for i in &integrity {
        if i.failures > 0 {
            problems.push(format!("{}: {} of {} fail", i.check, i.failures, i.of));
        }
    }
    if unbalanced > 0 {
        problems.push(format!("{unbalanced} entries do not balance"));
    }
    for c in &companies {
        if !c.balanced {
            problems.push(format!(
                "company {}: the balance sheet does not balance",
                c.company
            ));
        }
    }
    let read_rows: HashMap<&str, u64> = [
        ("journal_entries", entries.rows),
        ("journal_lines", lines.rows),
        ("documents", docs.rows),
        ("anomalies", label_rows),
    ]
    .into_iter()
    .collect();
    let tables: Vec<TableCheck> = r
        .manifest
        .tables
        .iter()
        .map(|t| TableCheck {
            table: t.table.clone(),
            manifest_rows: t.rows,
            rows_read: read_rows.get(t.table.as_str()).copied(),
            files: t.files.len(),
        })
        .collect();
    for t in &tables {
        let read = match t.table.as_str() {
            "journal_entries" => Some(n_entries),
            "journal_lines" => Some(n_lines),
            "anomalies" => Some(label_rows),
            "documents" => Some(docs.rows),
            _ => None,
        };
        if let Some(n) = read
            && n != t.manifest_rows
        {
            problems.push(format!(
                "{}: {} rows read, the manifest lists {}",
                t.table, n, t.manifest_rows
            ));
        }
    }
    Ok(Report {
        directory: dir.to_path_buf(),
        format: r.manifest.format.clone(),
        complete: r.manifest.complete,
        entries_requested: r.manifest.entries_requested,
        files_checked,
        tables,
        entries: n_entries,
        lines: n_lines,
        unbalanced_entries: unbalanced,
        integrity,
        benford: Benford {
            amounts: total_digits,
            observed,
            expected,
            mad,
            verdict: nigrini(mad),
        },
        weekdays,
        days_of_month,
        per_day: per_day
            .into_iter()
            .map(|(d, n)| (date_text(Date(d)), n))
            .collect(),
        manual_entries: manual,
        manual_off_hours: off_hours,
        amount_histogram: histogram
            .into_iter()
            .map(|(b, n)| (b as f64 / 10.0, n))
            .collect(),
        settlement,
        companies,
        anomalies,
        problems,
    })
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

/// The report as text, for people.
pub fn text(r: &Report) -> String {
    let mut s = format!(
        "Report on {} ({}, {}): {} files match the manifest\n",
        r.directory.display(),
        r.format,
        if r.complete { "complete" } else { "incomplete" },
        r.files_checked
    );
    s += "\nRows per table (manifest / read):\n";
    for t in &r.tables {
        s += &format!(
            "  {:<18} {:>14} {:>14}\n",
            t.table,
            t.manifest_rows,
            t.rows_read.map_or("-".to_string(), |n| n.to_string())
        );
    }
    s += &format!(
        "\nEntries {} with {} lines; unbalanced entries: {}\n",
        r.entries, r.lines, r.unbalanced_entries
    );
    s += "Referential integrity:\n";
    for i in &r.integrity {
        s += &format!("  {:<48} {} of {} fail\n", i.check, i.failures, i.of);
    }
    s += &format!(
        "\nBenford (first digits of {} line amounts): MAD {:.4}, {}\n  digit   observed  expected\n",
        r.benford.amounts, r.benford.mad, r.benford.verdict
    );
    for d in 0..9 {
        s += &format!(
            "  {}       {:>6.1}%   {:>6.1}%\n",
            d + 1,
            r.benford.observed[d] * 100.0,
            r.benford.expected[d] * 100.0
        );
    }
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    s += "\nEntries per weekday: ";
    s += &days
        .iter()
        .zip(r.weekdays)
        .map(|(d, n)| format!("{d} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    s += "\nEntries per day of month: ";
    s += &r
        .days_of_month
        .iter()
        .enumerate()
        .map(|(d, n)| format!("{}:{n}", d + 1))
        .collect::<Vec<_>>()
        .join(" ");
    s += &format!(
        "\nManual entries {}, entered outside 07:00-19:00: {}\n",
        r.manual_entries, r.manual_off_hours
    );
    let st = &r.settlement;
    s += &format!(
        "\nSettlement: {} invoices, {} payments; paid before invoice {}, invoices paid beyond their amount {}, payments without invoice {}\n  terms   payments  mean days  on time\n",
        st.invoices,
        st.payments,
        st.paid_before_invoice,
        st.overpaid_invoices,
        st.payments_without_invoice
    );
    for t in &st.by_terms {
        s += &format!(
            "  {:>4}  {:>10}  {:>9.1}  {:>6.1}%\n",
            t.terms_days,
            t.payments,
            t.mean_days,
            t.on_time_share * 100.0
        );
    }
    s += "Open items at the end:\n";
    for o in &st.open_items {
        s += &format!(
            "  {:<8} {:<12} {:>8} invoices {:>18.2}\n",
            o.company, o.kind, o.invoices, o.amount
        );
    }
    s += "\nProfit and loss, balance sheet:\n";
    for c in &r.companies {
        s += &format!(
            "  {} ({}): revenue {:.2}, expenses {:.2}, net income {:.2} ({:.1}%), gross margin {:.1}%; assets {:.2} = liabilities {:.2} + equity {:.2} + result: {}\n",
            c.company,
            c.currency,
            c.revenue,
            c.expenses,
            c.net_income,
            if c.revenue != 0.0 {
                c.net_income / c.revenue * 100.0
            } else {
                0.0
            },
            c.gross_margin * 100.0,
            c.assets,
            c.liabilities,
            c.equity,
            if c.balanced {
                "balanced"
            } else {
                "NOT BALANCED"
            }
        );
    }
    s += "\nAnomalies (labels / entries marked):\n";
    if r.anomalies.is_empty() {
        s += "  none\n";
    }
    for a in &r.anomalies {
        s += &format!(
            "  {:<26} {:>8} {:>8}\n",
            a.anomaly_type, a.labels, a.entries
        );
    }
    if r.problems.is_empty() {
        s += "\nNo problems found.";
    } else {
        s += &format!("\n{} problems:\n", r.problems.len());
        for p in &r.problems {
            s += &format!("  {p}\n");
        }
    }
    s
}
