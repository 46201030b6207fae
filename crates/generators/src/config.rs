//! The generators' configuration sections (`transactions`, `master_data`, `documents`,
//! `graph`) and the period and companies they need from `global`.

use serde::{Deserialize, Serialize};

/// A company that posts entries, and its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyConfig {
    /// Company code, at most 8 characters (e.g. `"1000"`).
    pub code: String,
    /// ISO 4217 currency code, 3 letters (e.g. `"USD"`).
    pub currency: String,
    /// ISO country code (decides public holidays, tax codes, payroll); `None`: the
    /// currency's country (USD US, EUR DE, GBP GB, CAD CA, CHF CH, JPY JP, AUD AU).
    #[serde(default)]
    pub country: Option<String>,
    /// How often the company files its VAT or sales tax returns; `None`: as most
    /// companies of its size in its country do (quarterly in GB, NL and CH, monthly
    /// elsewhere).
    #[serde(default)]
    pub vat_returns: Option<VatReturns>,
}

/// How often a company files its VAT or sales tax returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VatReturns {
    /// Each month's tax is paid with the return on the 10th of the next month.
    Monthly,
    /// Each month's tax is moved to the VAT settlement account on the 10th of the next
    /// month; the quarter's is paid with the return on the 10th after the quarter.
    Quarterly,
}

impl CompanyConfig {
    /// How often the company files its VAT returns: as configured, else its
    /// country's usual (quarterly in GB, NL and CH).
    pub fn vat_returns(&self) -> VatReturns {
        self.vat_returns.unwrap_or(match self.country() {
            Some("GB" | "NL" | "CH") => VatReturns::Quarterly,
            _ => VatReturns::Monthly,
        })
    }

    /// The company's country: the one given, else the currency's, if known.
    pub fn country(&self) -> Option<&'static str> {
        match &self.country {
            Some(c) => crate::world::calendar::SUPPORTED_COUNTRIES
                .iter()
                .copied()
                .find(|s| *s == c.as_str()),
            None => crate::world::pools::country_of_currency(&self.currency),
        }
    }
}

/// The `transactions` section: how many entries and what they look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TransactionsConfig {
    /// Number of journal entries to generate, exactly (scheduled postings included).
    #[serde(deserialize_with = "crate::count::deserialize_count")]
    pub target_count: u64,
    /// Share of orders and invoices with a single item.
    pub two_line_share: f64,
    /// Pareto exponent of the tail of item counts (orders with 2+ items); larger = thinner tail.
    pub line_tail_exponent: f64,
    /// Most lines one entry may have (5..=100 000): an invoice has at most this many
    /// minus four items; longer scheduled postings are split into several entries.
    pub max_lines: u32,
    /// Shares of all entries that are cost allocations of many lines (the long tail of
    /// a ledger's line counts).
    pub long_entries: LongEntries,
    /// How busy each calendar month is, January first: relative weights of the days
    /// business cases and single-entry cases fall on.
    pub seasonality: [f64; 12],
    /// Price scale in major units: 1200 gives the list prices of the material pools
    /// (a hydraulic pump about 1,450); every amount scales with it.
    pub amount_median: f64,
    /// Spread of ln(quantity) of order items (with the prices' own spread, it makes
    /// amounts span several orders of magnitude, as Benford's law needs).
    pub amount_sigma: f64,
}

impl Default for TransactionsConfig {
    fn default() -> Self {
        Self {
            target_count: 1_000_000,
            two_line_share: 0.60,
            line_tail_exponent: 2.0,
            max_lines: 2_000,
            long_entries: LongEntries::default(),
            seasonality: SEASONALITY,
            amount_median: 1_200.0,
            amount_sigma: 1.8,
        }
    }
}

/// Shares of all entries that are cost allocations (overhead assessed from the
/// overhead cost centers to the others, two lines per sender, receiver and account) of
/// 10 to 99, 100 to 999 and 1 000 or more lines; the line count is log-uniform within
/// its band, at most `max_lines` and [`MAX_ALLOCATION_LINES`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LongEntries {
    /// Share of entries that are allocations of 10 to 99 lines.
    pub lines_10_to_99: f64,
    /// Share of entries that are allocations of 100 to 999 lines.
    pub lines_100_to_999: f64,
    /// Share of entries that are allocations of 1 000 lines or more.
    pub lines_1000_or_more: f64,
}

impl Default for LongEntries {
    /// With the invoices' own items, near the line counts of real ledgers: 6.3% of
    /// entries with 10 to 99 lines, 0.76% with 100 to 999, 0.02% with 1 000 or more.
    fn default() -> Self {
        Self {
            lines_10_to_99: 0.057,
            lines_100_to_999: 0.0075,
            lines_1000_or_more: 0.0002,
        }
    }
}

impl LongEntries {
    /// The three shares, from the longest band to the shortest, with each band's line
    /// counts.
    pub(crate) fn bands(&self) -> [(f64, u32, u32); 3] {
        [
            (self.lines_1000_or_more, 1_000, MAX_ALLOCATION_LINES),
            (self.lines_100_to_999, 100, 999),
            (self.lines_10_to_99, 10, 99),
        ]
    }

    /// The share of all entries that are allocations.
    pub fn total(&self) -> f64 {
        self.bands().iter().map(|b| b.0).sum()
    }

    /// The section's problems, pushed onto `p`.
    fn problems(&self, p: &mut Vec<InvalidGeneratorConfig>) {
        let fields = [
            ("lines_10_to_99", self.lines_10_to_99),
            ("lines_100_to_999", self.lines_100_to_999),
            ("lines_1000_or_more", self.lines_1000_or_more),
        ];
        for (name, v) in fields {
            if !(0.0..=MAX_LONG_SHARE).contains(&v) {
                p.push(invalid(
                    format!("transactions.long_entries.{name}"),
                    "a share from 0.0 to 0.25",
                    v,
                ));
            }
        }
        if fields.iter().all(|f| (0.0..=MAX_LONG_SHARE).contains(&f.1))
            && self.total() > MAX_LONG_SHARE
        {
            p.push(invalid(
                "transactions.long_entries",
                "shares that add up to at most 0.25 (allocations take the slots the business cases leave free)",
                self.total(),
            ));
        }
    }
}

/// The most entries that may be allocations: they take free slots of the case blocks,
/// about a third of the entries.
pub const MAX_LONG_SHARE: f64 = 0.25;

/// The most lines of a cost allocation: two per sender (6 overhead cost centers),
/// receiver (the 16 others) and account (8 expense accounts).
pub const MAX_ALLOCATION_LINES: u32 = 2 * 6 * 16 * 8;

/// The default seasonality: a wholesaler's mild year (within 10% of the mean), quiet in
/// January, February and the summer holidays, busy at the end of the first quarter and
/// in the autumn.
pub const SEASONALITY: [f64; 12] = [
    0.90, 0.93, 1.05, 1.00, 1.02, 1.03, 0.95, 0.97, 1.03, 1.06, 1.04, 1.02,
];

/// The `master_data` section: how many partners and materials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MasterDataConfig {
    /// Number of vendors (at least 1).
    #[serde(deserialize_with = "crate::count::deserialize_count_u32")]
    pub vendors: u32,
    /// Number of customers (at least 1).
    #[serde(deserialize_with = "crate::count::deserialize_count_u32")]
    pub customers: u32,
    /// Number of materials (at least 1).
    #[serde(deserialize_with = "crate::count::deserialize_count_u32")]
    pub materials: u32,
    /// Share of customers abroad, 0 to 1: each customer is in another country than its
    /// company's with this probability (a wholesaler's 10-40% of sales by default).
    pub customers_abroad: f64,
    /// Share of employees who leave at the end of a month, 0 to 1 (each is replaced from
    /// the next month).
    pub employee_churn: f64,
}

impl MasterDataConfig {
    /// The section's problems, pushed onto `p`.
    fn problems(&self, p: &mut Vec<InvalidGeneratorConfig>) {
        if self.vendors == 0 {
            p.push(invalid("master_data.vendors", "at least 1", 0));
        }
        if self.customers == 0 {
            p.push(invalid("master_data.customers", "at least 1", 0));
        }
        if self.materials == 0 {
            p.push(invalid("master_data.materials", "at least 1", 0));
        }
        if !(0.0..=1.0).contains(&self.customers_abroad) {
            p.push(invalid(
                "master_data.customers_abroad",
                "a share from 0.0 to 1.0",
                self.customers_abroad,
            ));
        }
        if !(0.0..=1.0).contains(&self.employee_churn) {
            p.push(invalid(
                "master_data.employee_churn",
                "a monthly share from 0.0 to 1.0",
                self.employee_churn,
            ));
        }
    }
}

impl Default for MasterDataConfig {
    fn default() -> Self {
        Self {
            vendors: 500,
            customers: 2_000,
            materials: 400,
            customers_abroad: 0.25,
            employee_churn: 0.015,
        }
    }
}

/// The `fx` section: partners that invoice in their own currency, and the exchange
/// rates their documents are booked at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FxConfig {
    /// Share of vendors, and of customers abroad, that invoice (or are invoiced) in
    /// their own country's currency, 0 to 1; the others in the company's.
    pub foreign_currency_share: f64,
    /// Yearly volatility of each exchange rate (the standard deviation of a year's log
    /// change), 0 to 1: 0.08 is near the major currencies' against the dollar.
    pub volatility: f64,
}

impl Default for FxConfig {
    fn default() -> Self {
        Self {
            foreign_currency_share: 0.3,
            volatility: 0.08,
        }
    }
}

impl FxConfig {
    /// The section's problems, pushed onto `p`.
    fn problems(&self, p: &mut Vec<InvalidGeneratorConfig>) {
        if !(0.0..=1.0).contains(&self.foreign_currency_share) {
            p.push(invalid(
                "fx.foreign_currency_share",
                "a share from 0.0 to 1.0",
                self.foreign_currency_share,
            ));
        }
        if !(0.0..=1.0).contains(&self.volatility) {
            p.push(invalid(
                "fx.volatility",
                "a yearly volatility from 0.0 to 1.0",
                self.volatility,
            ));
        }
    }
}

/// Where a group company charges another for services every month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntercompanyPair {
    /// The code of the company that charges (and is paid).
    pub seller: String,
    /// The code of the company that is charged (and pays).
    pub buyer: String,
}

/// The `group` section: the companies as one group, what they charge each other and
/// the currency the group reports in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupConfig {
    /// The currency the group reports in; `None`: the first company's.
    pub currency: Option<String>,
    /// Each month's service charge between two group companies, as a share of the
    /// buyer's monthly revenue, 0 to 0.2; 0 charges nothing.
    pub service_charge: f64,
    /// Each month's trading goods a seller ships its buyer, at cost plus a markup, as a
    /// share of the buyer's monthly revenue, 0 to 0.2; 0 ships nothing.
    pub goods_trade: f64,
    /// What each seller lends its buyer on the period's first working day, in months of
    /// the smaller one's revenue, 0 to 2; 0 lends nothing.
    pub loan_months: f64,
    /// The loans' yearly interest rate, 0 to 0.25, paid each month (actual days / 360).
    pub loan_rate: f64,
    /// Which company charges which; `None`: the first company charges each other one.
    pub intercompany: Option<Vec<IntercompanyPair>>,
}

impl Default for GroupConfig {
    fn default() -> Self {
        Self {
            currency: None,
            service_charge: 0.02,
            goods_trade: 0.03,
            loan_months: 1.0,
            loan_rate: 0.045,
            intercompany: None,
        }
    }
}

impl GroupConfig {
    /// The (seller, buyer) pairs by index into `companies`, in the config's order: none
    /// without a charge, a shipment or a loan, and the pairs that name no company (which
    /// validation refuses) left out.
    pub fn pairs(&self, companies: &[CompanyConfig]) -> Vec<(usize, usize)> {
        if (self.service_charge <= 0.0 && self.goods_trade <= 0.0 && self.loan_months <= 0.0)
            || companies.len() < 2
        {
            return Vec::new();
        }
        let at = |code: &str| companies.iter().position(|c| c.code == code);
        match &self.intercompany {
            None => (1..companies.len()).map(|b| (0, b)).collect(),
            Some(list) => list
                .iter()
                .filter_map(|p| Some((at(&p.seller)?, at(&p.buyer)?)))
                .filter(|(s, b)| s != b)
                .collect(),
        }
    }

    /// The group's currency: as configured, else the first company's.
    pub fn currency<'a>(&'a self, companies: &'a [CompanyConfig]) -> &'a str {
        match &self.currency {
            Some(c) => c,
            None => companies.first().map_or("USD", |c| c.currency.as_str()),
        }
    }

    /// The section's problems, pushed onto `p`.
    fn problems(&self, companies: &[CompanyConfig], p: &mut Vec<InvalidGeneratorConfig>) {
        if let Some(c) = &self.currency
            && !crate::world::fx::CURRENCIES.contains(&c.as_str())
        {
            p.push(invalid(
                "group.currency",
                &format!(
                    "an ISO 4217 code the exchange rates know: one of {}",
                    crate::world::fx::CURRENCIES.join(", ")
                ),
                format!("{c:?}"),
            ));
        }
        if !(0.0..=0.2).contains(&self.service_charge) {
            p.push(invalid(
                "group.service_charge",
                "a share of the buyer's revenue from 0.0 to 0.2",
                self.service_charge,
            ));
        }
        if !(0.0..=0.2).contains(&self.goods_trade) {
            p.push(invalid(
                "group.goods_trade",
                "a share of the buyer's revenue from 0.0 to 0.2",
                self.goods_trade,
            ));
        }
        if !(0.0..=2.0).contains(&self.loan_months) {
            p.push(invalid(
                "group.loan_months",
                "months of revenue from 0.0 to 2.0",
                self.loan_months,
            ));
        }
        if !(0.0..=0.25).contains(&self.loan_rate) {
            p.push(invalid(
                "group.loan_rate",
                "a yearly rate from 0.0 to 0.25",
                self.loan_rate,
            ));
        }
        let codes: Vec<&str> = companies.iter().map(|c| c.code.as_str()).collect();
        let known = format!("the code of a company of the run ({})", codes.join(", "));
        for (i, pair) in self.intercompany.iter().flatten().enumerate() {
            for (key, code) in [("seller", &pair.seller), ("buyer", &pair.buyer)] {
                if !codes.contains(&code.as_str()) {
                    p.push(invalid(
                        format!("group.intercompany[{i}].{key}"),
                        &known,
                        format!("{code:?}"),
                    ));
                }
            }
            if pair.seller == pair.buyer {
                p.push(invalid(
                    format!("group.intercompany[{i}].buyer"),
                    "another company than the seller",
                    format!("{:?}", pair.buyer),
                ));
            }
            let seen = self.intercompany.iter().flatten().take(i);
            if seen
                .into_iter()
                .any(|o| o.seller == pair.seller && o.buyer == pair.buyer)
            {
                p.push(invalid(
                    format!("group.intercompany[{i}]"),
                    "a seller and buyer no other pair has",
                    format!("{} to {}", pair.seller, pair.buyer),
                ));
            }
        }
    }
}

/// The `documents` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// Generate procure-to-pay and order-to-cash documents and their items.
    pub enabled: bool,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// The `graph` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphConfig {
    /// Generate graph nodes and money-flow edges.
    pub enabled: bool,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// Everything a generator needs, composed by the runtime from the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    /// The seed: output depends on it and the config only.
    pub seed: u64,
    /// First year of the posting period.
    pub start_year: i32,
    /// First month (1–12) of the posting period.
    pub start_month: u32,
    /// Length of the posting period in months (1–1200).
    pub months: u32,
    /// The companies that post.
    pub companies: Vec<CompanyConfig>,
    /// The `transactions` section.
    pub transactions: TransactionsConfig,
    /// The `master_data` section.
    pub master_data: MasterDataConfig,
    /// The `fx` section.
    pub fx: FxConfig,
    /// The `group` section.
    pub group: GroupConfig,
    /// The `documents` section.
    pub documents: DocumentsConfig,
    /// The `graph` section.
    pub graph: GraphConfig,
    /// The `anomalies` section.
    pub anomalies: crate::anomalies::AnomaliesConfig,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            start_year: 2024,
            start_month: 1,
            months: 12,
            companies: vec![
                CompanyConfig {
                    code: "1000".into(),
                    currency: "USD".into(),
                    country: None,
                    vat_returns: None,
                },
                CompanyConfig {
                    code: "2000".into(),
                    currency: "EUR".into(),
                    country: None,
                    vat_returns: None,
                },
            ],
            transactions: TransactionsConfig::default(),
            master_data: MasterDataConfig::default(),
            fx: FxConfig::default(),
            group: GroupConfig::default(),
            documents: DocumentsConfig::default(),
            graph: GraphConfig::default(),
            anomalies: crate::anomalies::AnomaliesConfig::default(),
        }
    }
}

/// A value the generators cannot work with; names the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: expected {expected}, got {got}")]
pub struct InvalidGeneratorConfig {
    /// The field path, e.g. `transactions.max_lines`.
    pub field: String,
    /// What would be accepted.
    pub expected: String,
    /// What was given.
    pub got: String,
}

fn invalid(field: impl Into<String>, expected: &str, got: impl ToString) -> InvalidGeneratorConfig {
    InvalidGeneratorConfig {
        field: field.into(),
        expected: expected.into(),
        got: got.to_string(),
    }
}

/// The most lines an entry may have.
pub const MAX_LINES_LIMIT: u32 = 100_000;
/// The fewest lines an entry must be allowed: a payroll entry's four lines of one cost
/// center (salaries, overtime, bonuses, social security), its net pay and liabilities.
pub const MIN_LINES: u32 = 6;

impl GeneratorConfig {
    /// Whether this config writes `table` (documents and graph can be switched off).
    pub fn writes(&self, table: synth_model::Table) -> bool {
        match table.group() {
            synth_model::TableGroup::Documents => self.documents.enabled,
            synth_model::TableGroup::Graph => self.graph.enabled,
            _ => true,
        }
    }

    /// Checks every field the generators use; the first problem is returned.
    pub fn validate(&self) -> Result<(), InvalidGeneratorConfig> {
        self.problems().into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem, in field order (for `synthdata validate`).
    pub fn problems(&self) -> Vec<InvalidGeneratorConfig> {
        let mut p = Vec::new();
        let t = &self.transactions;
        if !(1..=12).contains(&self.start_month) {
            p.push(invalid(
                "start_month",
                "a month from 1 to 12",
                self.start_month,
            ));
        }
        if !(1900..=9000).contains(&self.start_year) {
            p.push(invalid(
                "start_year",
                "a year from 1900 to 9000",
                self.start_year,
            ));
        }
        if !(1..=1200).contains(&self.months) {
            p.push(invalid("months", "from 1 to 1200 months", self.months));
        }
        if self.companies.is_empty() {
            p.push(invalid(
                "companies",
                "at least one company",
                "an empty list",
            ));
        }
        for (i, c) in self.companies.iter().enumerate() {
            company_problems(i, c, &self.companies[..i], &mut p);
        }
        if !(0.0..=1.0).contains(&t.two_line_share) {
            p.push(invalid(
                "transactions.two_line_share",
                "a share from 0.0 to 1.0",
                t.two_line_share,
            ));
        }
        if !(t.line_tail_exponent > 0.1 && t.line_tail_exponent <= 10.0) {
            p.push(invalid(
                "transactions.line_tail_exponent",
                "a number above 0.1 and at most 10",
                t.line_tail_exponent,
            ));
        }
        if !(MIN_LINES..=MAX_LINES_LIMIT).contains(&t.max_lines) {
            p.push(invalid(
                "transactions.max_lines",
                "from 6 to 100000",
                t.max_lines,
            ));
        }
        if !(t.amount_median >= 0.01 && t.amount_median <= 1e9) {
            p.push(invalid(
                "transactions.amount_median",
                "an amount from 0.01 to 1e9",
                t.amount_median,
            ));
        }
        if !(0.0..=4.0).contains(&t.amount_sigma) {
            p.push(invalid(
                "transactions.amount_sigma",
                "a number from 0.0 to 4.0",
                t.amount_sigma,
            ));
        }
        t.long_entries.problems(&mut p);
        if t.seasonality.iter().any(|w| !(0.0..=100.0).contains(w))
            || t.seasonality.iter().all(|w| *w <= 0.0)
        {
            p.push(invalid(
                "transactions.seasonality",
                "12 weights from 0 to 100, January first, at least one above 0",
                format!("{:?}", t.seasonality),
            ));
        }
        self.master_data.problems(&mut p);
        self.fx.problems(&mut p);
        self.group.problems(&self.companies, &mut p);
        let a = &self.anomalies;
        if !(0.0..=crate::anomalies::MAX_RATE).contains(&a.rate) {
            p.push(invalid(
                "anomalies.rate",
                "a share of cases from 0.0 to 0.5",
                a.rate,
            ));
        }
        let mut total = 0.0;
        for t in crate::anomalies::AnomalyType::ALL {
            let w = a.weights.get(*t);
            if !(0.0..=MAX_WEIGHT).contains(&w) {
                p.push(invalid(
                    format!("anomalies.weights.{}", t.name()),
                    "a weight from 0 to 1e9 (weights are relative)",
                    w,
                ));
            } else {
                total += w;
            }
        }
        if !f64::is_finite(total) {
            p.push(invalid(
                "anomalies.weights",
                "weights whose sum is a finite number",
                total,
            ));
        }
        if a.enabled && a.rate > 0.0 && total <= 0.0 {
            p.push(invalid(
                "anomalies.weights",
                "at least one weight above 0 while anomalies are on",
                "all weights 0",
            ));
        }
        p
    }
}

/// The problems of company `i` of the config (`before`: the companies listed before it),
/// pushed onto `p`.
fn company_problems(
    i: usize,
    c: &CompanyConfig,
    before: &[CompanyConfig],
    p: &mut Vec<InvalidGeneratorConfig>,
) {
    if c.code.is_empty() || c.code.chars().count() > 8 {
        p.push(invalid(
            format!("companies[{i}].code"),
            "1 to 8 characters",
            format!("{:?}", c.code),
        ));
    }
    if !crate::world::fx::CURRENCIES.contains(&c.currency.as_str()) {
        p.push(invalid(
            format!("companies[{i}].currency"),
            &format!(
                "an ISO 4217 code the exchange rates know: one of {}",
                crate::world::fx::CURRENCIES.join(", ")
            ),
            format!("{:?}", c.currency),
        ));
    } else if c.country().is_none() {
        let supported = crate::world::calendar::SUPPORTED_COUNTRIES.join(", ");
        match &c.country {
            Some(country) => p.push(invalid(
                format!("companies[{i}].country"),
                &format!("one of {supported}"),
                format!("{country:?}"),
            )),
            None => p.push(invalid(
                format!("companies[{i}].country"),
                &format!(
                    "a country (one of {supported}): currency {} implies none",
                    c.currency
                ),
                "no country",
            )),
        }
    }
    if before.iter().any(|o| o.code == c.code) {
        p.push(invalid(
            format!("companies[{i}].code"),
            "a code no other company has",
            format!("{:?}", c.code),
        ));
    }
}

/// The largest weight of one anomaly type: weights are relative, and 15 of these still
/// add up to a finite number.
pub const MAX_WEIGHT: f64 = 1e9;
