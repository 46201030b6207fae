//! `synthdata report`: reads a finished output directory (CSV, JSON Lines or Parquet),
//! streaming, and reports on its quality: files against the manifest, the balance of
//! every entry, referential integrity, Benford's law, the posting calendar, settlement
//! of invoices, profit and loss and balance sheet per company, and the labelled
//! anomalies. [`html`] draws it as one self-contained page with SVG plots.
//!
//! Memory grows only with the invoices open at the end of the data: entries and their
//! lines are read side by side (both are written in entry order), master data is small,
//! and an invoice is dropped once settled.

mod checks;
pub mod events;
pub mod html;
mod read;
pub mod score;
mod text;

use serde::Serialize;
use std::path::{Path, PathBuf};
use synth_guard::MemoryGuard;

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
    /// The directory cannot be exported as asked (the sentence says why).
    #[error("{0}")]
    Refused(String),
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
    /// Why the rows were or were not read, and what was found.
    pub why: String,
}

/// The profile of one column over the rows profiled.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnProfile {
    /// Column name.
    pub column: String,
    /// Its logical type, as `synthdata schema` names it.
    pub kind: &'static str,
    /// Null values.
    pub nulls: u64,
    /// Distinct non-null values (a HyperLogLog estimate, within a few percent).
    pub distinct: u64,
    /// The smallest value (none for ids and booleans, or when every value is null).
    pub min: Option<String>,
    /// The largest value.
    pub max: Option<String>,
    /// A small distribution: numbers by decade of their absolute value (0-9, 10-99, ...),
    /// dates by month of the year (January first), booleans false then true; empty for
    /// ids and text.
    pub distribution: Vec<u64>,
}

/// The column profiles of one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableProfile {
    /// Table name.
    pub table: String,
    /// Rows profiled (the first of the table, at most a million).
    pub rows_profiled: u64,
    /// Each column, in schema order.
    pub columns: Vec<ColumnProfile>,
}

/// One part of the score, from 0 (worst) to 1.
#[derive(Debug, Clone, Serialize)]
pub struct ScorePart {
    /// What it measures.
    pub name: &'static str,
    /// Its value, 0 to 1.
    pub value: f64,
}

/// The overall score: 100 times the mean of its parts.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// 0 to 100.
    pub value: f64,
    /// Its parts.
    pub parts: Vec<ScorePart>,
    /// How it is computed.
    pub definition: &'static str,
}

/// How the score is computed, as the report and the docs state it.
pub const SCORE_DEFINITION: &str = "100 times the mean of seven parts, each from 0 to 1: \
files (1 when every file matches the manifest, else 0), completeness (entries written over \
entries requested), balance (the share of entries that balance), integrity (the share of \
rows that pass every referential check), Benford (1 for close conformity of the line \
amounts' first digits, 0.75 acceptable, 0.5 marginal, 0 nonconformity), books (the share \
of companies whose balance sheet balances), rows (the share of the tables read whose rows \
match the manifest).";

/// The run the report is about, as its manifest says (never the clock of the report).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// The version of synthdata that wrote it.
    pub version: String,
    /// Its seed.
    pub seed: u64,
    /// Digest of the config that shapes the data (same digest and seed: same data).
    pub config_digest: String,
    /// When its manifest was last written, UTC (`None` for manifests of older versions).
    pub written_at: Option<String>,
    /// Its shard, `K/N`, if it is one.
    pub shard: Option<String>,
}

/// What the report checks, in the order it reports them.
pub const CHECKED: &[&str] = &[
    "every file's size and xxh3 checksum against the manifest",
    "the rows of journal_entries, journal_lines, documents, anomalies, bank_statements, bank_statement_lines and stock_movements against the manifest",
    "every entry balances",
    "referential integrity (lines, documents, partners, accounts, reversals)",
    "Benford's law over line amounts",
    "postings per weekday and day of month, and entered hours",
    "settlement of invoices by payments",
    "profit and loss and the balance sheet per company",
    "per company and year: trial balance, income statement, balance sheet and cash flow, and that they tie",
    "per year: the group's consolidated trial balance, translated into the group's currency with intercompany balances and results eliminated",
    "anomaly labels against the entries they name",
    "bank statements against their lines, each other and the G/L bank account",
    "the stock ledger against the inventory account month by month, and stock on hand at month ends",
];

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

/// One account of a trial balance, in the company's currency.
#[derive(Debug, Clone, Serialize)]
pub struct TrialBalanceRow {
    /// Account number.
    pub account: i64,
    /// Account name.
    pub name: String,
    /// Account type.
    pub account_type: String,
    /// Balance at the opening of the year (debit positive).
    pub opening: f64,
    /// Debits of the year (closing entries included, opening entries not).
    pub debit: f64,
    /// Credits of the year.
    pub credit: f64,
    /// Balance at the end of the year (debit positive).
    pub closing: f64,
}

/// A year's income statement: the year's movements, closing entries left out.
#[derive(Debug, Clone, Serialize)]
pub struct IncomeStatement {
    /// Revenue from sales, net of discounts granted.
    pub revenue: f64,
    /// Cost of goods sold, price variances, freight and purchased services.
    pub cost_of_sales: f64,
    /// Revenue less cost of sales.
    pub gross_profit: f64,
    /// Every other expense but income tax.
    pub operating_expenses: f64,
    /// Interest and other income.
    pub other_income: f64,
    /// Gross profit less operating expenses plus other income.
    pub profit_before_tax: f64,
    /// Income tax expense.
    pub income_tax: f64,
    /// Profit before tax less income tax.
    pub net_income: f64,
}

/// A balance sheet at one day: assets positive, liabilities and equity positive.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceSheet {
    /// Cash on hand and bank accounts.
    pub cash: f64,
    /// Trade receivables and what group companies owe for charges and goods.
    pub receivables: f64,
    /// Loans to group companies (with their revaluation).
    pub loans_to_group: f64,
    /// Inventory.
    pub inventory: f64,
    /// Tax receivables, prepayments and other current assets.
    pub other_current_assets: f64,
    /// Fixed assets at cost less accumulated depreciation.
    pub fixed_assets: f64,
    /// All assets.
    pub total_assets: f64,
    /// Trade payables.
    pub payables: f64,
    /// Loans from group companies (with their revaluation).
    pub loans_from_group: f64,
    /// Every other liability (goods received not invoiced, payables to group companies,
    /// accruals, taxes, payroll).
    pub other_liabilities: f64,
    /// All liabilities.
    pub total_liabilities: f64,
    /// Share capital.
    pub share_capital: f64,
    /// Retained earnings (with the results of earlier years).
    pub retained_earnings: f64,
    /// Other equity accounts (the opening balance clearing nets to zero).
    pub other_equity: f64,
    /// The result still on profit and loss accounts (no closing entry has carried it).
    pub unclosed_result: f64,
    /// Equity with the unclosed result.
    pub total_equity: f64,
}

/// A year's cash flow by the indirect method.
#[derive(Debug, Clone, Serialize)]
pub struct CashFlow {
    /// The year's net income.
    pub net_income: f64,
    /// Depreciation added back (the year's depreciation expense).
    pub depreciation: f64,
    /// The gain on fixed assets sold taken out, or the loss added back (their proceeds
    /// are investing cash).
    pub disposals: f64,
    /// The change in receivables, inventory, other current assets and liabilities.
    pub working_capital: f64,
    /// Net income + depreciation + disposals + working capital.
    pub operating: f64,
    /// Fixed assets bought, less the proceeds of those sold.
    pub investing: f64,
    /// Equity moved by anything but the result.
    pub financing: f64,
    /// Operating + investing + financing.
    pub net_change: f64,
    /// Cash and bank at the opening.
    pub cash_opening: f64,
    /// Cash and bank at the end.
    pub cash_closing: f64,
}

impl IncomeStatement {
    /// Its lines as a reader sees them (costs negative), in order.
    pub fn rows(&self) -> [(&'static str, f64); 8] {
        [
            ("Revenue", self.revenue),
            ("Cost of sales", -self.cost_of_sales),
            ("Gross profit", self.gross_profit),
            ("Operating expenses", -self.operating_expenses),
            ("Other income", self.other_income),
            ("Profit before income tax", self.profit_before_tax),
            ("Income tax", -self.income_tax),
            ("Net income", self.net_income),
        ]
    }
}

impl BalanceSheet {
    /// The lines of the opening and closing sheets side by side, in order.
    pub fn rows(opening: &BalanceSheet, closing: &BalanceSheet) -> [(&'static str, f64, f64); 16] {
        let (o, c) = (opening, closing);
        [
            ("Cash and bank", o.cash, c.cash),
            ("Receivables", o.receivables, c.receivables),
            (
                "Loans to group companies",
                o.loans_to_group,
                c.loans_to_group,
            ),
            ("Inventory", o.inventory, c.inventory),
            (
                "Other current assets",
                o.other_current_assets,
                c.other_current_assets,
            ),
            ("Fixed assets, net", o.fixed_assets, c.fixed_assets),
            ("Total assets", o.total_assets, c.total_assets),
            ("Payables", o.payables, c.payables),
            (
                "Loans from group companies",
                o.loans_from_group,
                c.loans_from_group,
            ),
            (
                "Other liabilities",
                o.other_liabilities,
                c.other_liabilities,
            ),
            (
                "Total liabilities",
                o.total_liabilities,
                c.total_liabilities,
            ),
            ("Share capital", o.share_capital, c.share_capital),
            (
                "Retained earnings",
                o.retained_earnings,
                c.retained_earnings,
            ),
            ("Other equity", o.other_equity, c.other_equity),
            (
                "Result not yet closed",
                o.unclosed_result,
                c.unclosed_result,
            ),
            ("Total equity", o.total_equity, c.total_equity),
        ]
    }
}

impl CashFlow {
    /// Its lines, in order.
    pub fn rows(&self) -> [(&'static str, f64); 8] {
        [
            ("Net income", self.net_income),
            ("Depreciation", self.depreciation),
            ("Loss (gain) on assets sold", self.disposals),
            ("Change in working capital", self.working_capital),
            ("Operating cash flow", self.operating),
            ("Investing cash flow", self.investing),
            ("Financing cash flow", self.financing),
            ("Net change in cash", self.net_change),
        ]
    }
}

/// A check that two figures of the statements agree.
#[derive(Debug, Clone, Serialize)]
pub struct Tie {
    /// What is checked.
    pub check: &'static str,
    /// The left side.
    pub left: f64,
    /// The right side.
    pub right: f64,
    /// Whether they are equal (to the minor unit).
    pub holds: bool,
}

/// One company's statements for one (calendar) year, in its currency.
#[derive(Debug, Clone, Serialize)]
pub struct Statements {
    /// Company code.
    pub company: String,
    /// Currency.
    pub currency: String,
    /// Fiscal year.
    pub year: i32,
    /// Every account with a balance or a posting in the year.
    pub trial_balance: Vec<TrialBalanceRow>,
    /// Income statement.
    pub income: IncomeStatement,
    /// Balance sheet at the opening of the year.
    pub opening: BalanceSheet,
    /// Balance sheet at the end of the year.
    pub closing: BalanceSheet,
    /// Cash flow statement.
    pub cash_flow: CashFlow,
    /// The ties checked.
    pub ties: Vec<Tie>,
}

/// A company's rates into the group's currency for a year.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRate {
    /// Company code.
    pub company: String,
    /// Its currency.
    pub currency: String,
    /// Units of the group's currency per unit of it on the year's first rate day (equity).
    pub opening: f64,
    /// The mean of the year's daily rates (revenue and expenses).
    pub average: f64,
    /// On the year's last rate day (assets and liabilities).
    pub closing: f64,
}

/// One account of the consolidated trial balance, in the group's currency (debit
/// positive), before the year-end closing.
#[derive(Debug, Clone, Serialize)]
pub struct ConsolidatedRow {
    /// Account number.
    pub account: i64,
    /// Account name.
    pub name: String,
    /// Account type.
    pub account_type: String,
    /// The companies' balances translated and summed.
    pub companies: f64,
    /// What the consolidation eliminates (intercompany balances and results).
    pub eliminated: f64,
    /// The group's balance.
    pub consolidated: f64,
}

/// An intercompany document one side had posted at a year's end and the other not yet.
#[derive(Debug, Clone, Serialize)]
pub struct TransitItem {
    /// Its id (`intercompany.document_id`).
    pub document_id: String,
    /// `invoice` or `payment`.
    pub document_type: String,
    /// The company that charged.
    pub seller_company: String,
    /// The company charged.
    pub buyer_company: String,
    /// The amount, in `currency`.
    pub amount: f64,
    /// The invoice's currency.
    pub currency: String,
    /// When the seller posted it.
    pub seller_posting_date: String,
    /// When the buyer posted it.
    pub buyer_posting_date: String,
}

/// The group's consolidated trial balance for one year, in the group's currency.
#[derive(Debug, Clone, Serialize)]
pub struct GroupStatements {
    /// Calendar year.
    pub year: i32,
    /// The group's currency.
    pub currency: String,
    /// Each company's translation rates.
    pub rates: Vec<GroupRate>,
    /// Every account with a balance.
    pub rows: Vec<ConsolidatedRow>,
    /// The currency translation difference, to equity (credit negative).
    pub translation_difference: f64,
    /// Intercompany receivables less payables after translation: items in transit and
    /// exchange rates.
    pub elimination_difference_balances: f64,
    /// Intercompany revenue less charges after translation (exchange rates).
    pub elimination_difference_results: f64,
    /// What was in transit between group companies at the year's last rate day, at that
    /// day's rates.
    pub in_transit: f64,
    /// The intercompany documents in transit then, one side having posted them.
    pub transit_items: Vec<TransitItem>,
    /// The group's income statement: the consolidated profit and loss, intercompany
    /// revenue and charges eliminated.
    pub income: IncomeStatement,
    /// The group's balance sheet at the year's end (before its closing, the year's
    /// result not yet closed): what is in transit between its companies among the other
    /// current assets, the currency translation difference and what eliminating the
    /// results left in other equity.
    pub balance_sheet: BalanceSheet,
    /// The ties checked.
    pub ties: Vec<Tie>,
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
    /// The run, as its manifest says.
    pub run: RunInfo,
    /// What was checked.
    pub checked: Vec<&'static str>,
    /// Files checked against the manifest (size and checksum).
    pub files_checked: u64,
    /// Problems the file check found (damaged, missing or stray files); 0 when every
    /// file matches.
    pub file_problems: u64,
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
    /// Trial balance, income statement, balance sheet and cash flow per company and year.
    pub statements: Vec<Statements>,
    /// The group's consolidated trial balance per year (with two or more companies).
    pub group: Vec<GroupStatements>,
    /// Labelled anomalies per type.
    pub anomalies: Vec<AnomalyCount>,
    /// Everything wrong: damaged or missing files, unbalanced entries, broken
    /// references, labels that disagree. Empty for a sound dataset.
    pub problems: Vec<String>,
    /// The overall score, with its parts and definition.
    pub score: Score,
    /// A profile of every column of every table.
    pub profiles: Vec<TableProfile>,
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

pub use text::text;

/// Reads the output directory `dir` and reports on it; `guard` (if any) is checked as
/// rows are read, and the report stops at its hard limit.
pub fn report(dir: &Path, guard: Option<&mut MemoryGuard>) -> Result<Report, ReportError> {
    checks::report(dir, guard)
}
