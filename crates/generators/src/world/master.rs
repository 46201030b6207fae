//! Master data (companies, chart of accounts, tax codes, cost centers, users, vendors,
//! customers, materials, employees, fixed assets, graph nodes), built once on first use
//! and shared read-only.

use crate::config::GeneratorConfig;
use crate::world::economy::{CompanyBooks, Economy, nice_ceil, share};
use crate::world::employees::PayRules;
use crate::world::fx_table::{fx_rate_count, fx_rates};
use crate::world::identity::partner_name;
use crate::world::layout::Layout;
use crate::world::pools::places::{self, Place};
use crate::world::pools::{self, ASSET_CLASSES, CHART_OF_ACCOUNTS, COST_CENTERS};
use crate::world::rng::{Draws, record_id, stream};
use crate::world::tax_id::{CUSTOMER_IDS, VENDOR_IDS, vat_id};
use std::sync::{Arc, OnceLock};
use synth_model::{
    Company, CostCenter, Customer, Date, FixedAsset, GraphNode, MasterTables, Material,
    PartnerName, PerTable, Table, TaxCode, User, Vendor,
};

/// All master data of a run: every master table, whole.
pub type MasterData = MasterTables;

/// The graph node id of an account.
pub fn account_node_id(seed: u64, account: u32) -> u128 {
    record_id(seed, stream::ACCOUNT_NODE, u64::from(account))
}

/// The company customer `j` buys from.
#[inline]
pub(crate) fn customer_company(j: usize, companies: usize) -> usize {
    j % companies.max(1)
}

/// Configured vendors (past the steady few whose bank accounts never change) that bill
/// services only and are never sent a purchase order (utilities, advisers, landlords'
/// agents), in hundredths of a percent.
const SERVICES_ONLY_SHARE: u64 = 1_500;

/// Whether configured vendor `v` bills services only, without orders: a fixed share of
/// them, drawn from the seed and the vendor's index alone.
#[inline]
pub(crate) fn bills_services_only(seed: u64, v: usize) -> bool {
    v >= crate::world::bank::STEADY_VENDORS
        && crate::world::rng::record_key(seed, crate::world::rng::stream::SERVICES_ONLY, v as u64)
            % 10_000
            < SERVICES_ONLY_SHARE
}

/// Where a customer of a company in `home` is: a city of another country with
/// probability `abroad` (`master_data.customers_abroad`), else one of `home`.
fn customer_location(home: &str, abroad: f64, d: &mut Draws) -> Place {
    let abroad = d.unit() < abroad;
    let candidates = places::COUNTRY_SLOTS
        .iter()
        .filter(|c| (**c == home) != abroad);
    let n = candidates.clone().count();
    let country = match n {
        0 => d.pick(places::COUNTRY_SLOTS),
        _ => {
            let k = d.below(n);
            candidates
                .clone()
                .nth(k)
                .copied()
                .unwrap_or(places::COUNTRY_SLOTS[0])
        }
    };
    places::place_in(country, d)
}

/// The share of a partner's business: partner `j` of `n` is drawn with
/// `floor(n·u²)`, so its share is `sqrt((j+1)/n) - sqrt(j/n)`.
pub(crate) fn partner_share(j: usize, n: usize) -> f64 {
    let n = n.max(1) as f64;
    libm::sqrt((j as f64 + 1.0) / n) - libm::sqrt(j as f64 / n)
}

/// The most fixed assets a company has (beyond it, they cost more).
const MAX_ASSETS: f64 = 2_000.0;

/// Fixed assets of a company.
pub(crate) fn asset_count(c: &CompanyBooks, price_scale: f64) -> u32 {
    let yearly = share::DEPRECIATION * c.revenue_month * 12.0;
    (yearly / (9_000.0 * 100.0 * c.fx * price_scale).max(1.0))
        .round()
        .clamp(ASSET_CLASSES.len() as f64, MAX_ASSETS) as u32
}

/// Rows of each master table for a config (0 for streaming tables), without building.
pub fn row_counts(config: &GeneratorConfig) -> PerTable<u64> {
    let layout = Layout::new(config);
    let economy = Economy::new(config, layout.cases(config));
    let accounts = CHART_OF_ACCOUNTS.len() as u64;
    let frauds = crate::world::bank::fraud_blocks(config).len();
    let occasional = crate::world::bank::occasional_count(config, frauds) as u64;
    let configured = u64::from(config.master_data.vendors);
    let (v, c) = (
        configured
            + crate::world::scenes::SceneVendors::all(config, &economy, configured)
                .iter()
                .map(|v| v.count)
                .sum::<u64>()
            + occasional,
        u64::from(config.master_data.customers),
    );
    let changes = crate::world::bank::most_changes(
        config,
        configured + occasional,
        (occasional, frauds as u64),
    );
    let employees: u64 = economy
        .companies
        .iter()
        .enumerate()
        .map(|(ci, c)| crate::world::employees::employee_count(config, ci, c))
        .sum();
    let assets: u64 = economy
        .companies
        .iter()
        .map(|c| u64::from(asset_count(c, economy.price_scale)) + u64::from(config.months))
        .sum();
    let countries: std::collections::HashSet<&str> =
        economy.companies.iter().map(|c| c.country).collect();
    let tax_codes = pools::TAX_CODES
        .iter()
        .filter(|t| countries.contains(t.1))
        .count() as u64;
    PerTable::from_fn(|t| match t {
        Table::Companies => config.companies.len() as u64,
        Table::Accounts => accounts,
        Table::TaxCodes => tax_codes,
        Table::CostCenters => COST_CENTERS.len() as u64,
        Table::Users => (pools::USERS.len() + pools::BATCH_USERS.len()) as u64,
        Table::Vendors => v,
        Table::VendorBankChanges => changes,
        Table::Customers => c,
        Table::Materials => u64::from(config.master_data.materials),
        Table::Employees => employees,
        Table::EmployeeBankChanges => crate::world::diversions::Diversions::rows(config, employees),
        Table::FixedAssets => assets,
        Table::FxRates => fx_rate_count(&economy),
        Table::GraphNodes => accounts + v + c,
        // The streaming tables are not master data.
        Table::JournalEntries
        | Table::JournalLines
        | Table::Documents
        | Table::DocumentItems
        | Table::Quotations
        | Table::GraphEdges
        | Table::Payslips
        | Table::ExpenseClaims
        | Table::BankStatements
        | Table::BankStatementLines
        | Table::StockMovements
        | Table::Intercompany
        | Table::Anomalies => 0,
    })
}

/// Bytes the master data of a config holds once built, without building it.
pub fn estimated_bytes(config: &GeneratorConfig) -> u64 {
    row_counts(config)
        .iter()
        .map(|(t, rows)| rows * t.record_bytes() as u64)
        .sum()
}

/// The per-company aggregates scheduled postings need from the master data.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompanyTotals {
    /// The sums of the payslips per month of the period, cost center (index into
    /// `COST_CENTERS`) and payroll run.
    pub payroll: Vec<Vec<[crate::world::employees::Pay; 2]>>,
    /// Per asset class: (cost at start, accumulated depreciation at start) of the assets
    /// owned at the start.
    pub assets: Vec<(i64, i64)>,
    /// Depreciation per month of the period and asset class: of the assets owned at
    /// the start, and of those bought from the month after their purchase.
    pub depreciation: Vec<Vec<i64>>,
}

/// Sums of employees and fixed assets per company, in the order of the companies.
pub(crate) fn company_totals(
    config: &GeneratorConfig,
    md: &MasterData,
    economy: &Economy,
    diversions: &crate::world::diversions::Diversions,
) -> Vec<CompanyTotals> {
    economy
        .companies
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let months = config.months as usize;
            let mut assets = vec![(0i64, 0i64); ASSET_CLASSES.len()];
            let mut depreciation = vec![vec![0i64; ASSET_CLASSES.len()]; months];
            for a in md.fixed_assets.iter().filter(|a| a.company_code == c.code) {
                let Some(k) = ASSET_CLASSES.iter().position(|x| x.0 == a.asset_class) else {
                    continue;
                };
                let from = if a.acquisition_date < economy.start {
                    let months = months_between(a.acquisition_date, economy.start);
                    assets[k].0 += a.acquisition_cost;
                    assets[k].1 += a.monthly_depreciation * i64::from(months);
                    0
                } else {
                    months_between(economy.start, a.acquisition_date) as usize + 1
                };
                // Not depreciated from the month it is retired.
                let until = a
                    .disposal_date
                    .map_or(months, |d| months_between(economy.start, d) as usize);
                for row in depreciation.iter_mut().take(until).skip(from) {
                    row[k] += a.monthly_depreciation;
                }
            }
            CompanyTotals {
                payroll: crate::world::employees::payroll_by_month(
                    config,
                    (ci, c.code.as_str(), c.country, &PayRules::of(c)),
                    &md.employees,
                    &|e| diversions.leaving(e),
                ),
                assets,
                depreciation,
            }
        })
        .collect()
}

fn months_between(a: Date, b: Date) -> u32 {
    let (ya, ma, _) = a.ymd();
    let (yb, mb, _) = b.ymd();
    ((yb - ya) * 12 + mb as i32 - ma as i32).max(0) as u32
}

/// `md` as its files hold it (see `JournalGenerator::master_tables`): its vendors, and
/// the vendor nodes of the graph, by creation date, then id.
pub(crate) fn as_written(md: &MasterData) -> MasterData {
    let mut out = md.clone();
    out.vendors.sort_by_key(|v| (v.created_date, v.vendor_id));
    // The graph has one node per vendor, in the vendors' order: the same order now.
    let mut sorted = out.vendors.iter();
    for node in out.nodes.iter_mut().filter(|n| n.node_type == "vendor") {
        if let Some(v) = sorted.next() {
            node.node_id = v.vendor_id;
            node.label = v.name;
        }
    }
    out
}

/// The vendors as created: the configured ones, then the fictitious ones, each with
/// the bank account it was created with.
fn vendors(config: &GeneratorConfig, economy: &Economy) -> Vec<Vendor> {
    let configured = u64::from(config.master_data.vendors);
    let mut vendors: Vec<Vendor> = (0..configured)
        .map(|i| ordinary_vendor(config, economy, i))
        .collect();
    let level = config
        .anomalies
        .level(crate::anomalies::AnomalyType::DuplicateVendor);
    for (v, copy_of) in crate::world::scenes::fictitious_vendors(config, economy, configured) {
        let original = copy_of.map(|block| duplicated(config.seed, block, configured));
        let row = match original.and_then(|i| vendors.get(i as usize)) {
            Some(original) => crate::world::scenes::duplicate_of(&v, original, level),
            None => v,
        };
        vendors.push(row);
    }
    // Then the occasional vendors, whose bank account a `vendor_bank_change` changes.
    let first = vendors.len() as u64;
    let occasional = crate::world::bank::occasional_count(
        config,
        crate::world::bank::fraud_blocks(config).len(),
    ) as u64;
    // Occasional vendors invoice in the company's currency (the diverted payments of
    // `vendor_bank_change` are amounts of it).
    vendors.extend((first..first + occasional).map(|i| Vendor {
        currency: None,
        ..ordinary_vendor(config, economy, i)
    }));
    vendors
}

/// Which configured vendor (of `configured`) a duplicate-vendor block enters again: one
/// whose bank account never changes.
fn duplicated(seed: u64, block: u64, configured: u64) -> u64 {
    let steady = (crate::world::bank::STEADY_VENDORS as u64)
        .min(configured)
        .max(1);
    Draws::new(seed, stream::ANOMALY_PARTY, block).below(steady as usize) as u64
}

/// Vendor `i` as the configured ones are made.
fn ordinary_vendor(config: &GeneratorConfig, economy: &Economy, i: u64) -> Vendor {
    let seed = config.seed;
    let mut d = Draws::new(seed, stream::VENDOR, i);
    let Place {
        country,
        city,
        region,
        postcode,
        street,
    } = places::place(&mut d);
    let discount = d.below(100) < 30;
    Vendor {
        vendor_id: record_id(seed, stream::VENDOR, i),
        name: partner_name(i, 0, country),
        country,
        street: street.text(country),
        city,
        region,
        postcode,
        vat_id: vat_id(seed, VENDOR_IDS, i, country),
        payment_terms_days: d.pick(pools::PAYMENT_TERMS),
        cash_discount_percent: if discount { 200 } else { 0 },
        cash_discount_days: if discount { 10 } else { 0 },
        created_date: economy.start.add_days(-(60 + d.below(3000) as i32)),
        bank_account: crate::world::identity::account(seed, i, 0, country),
        currency: own_currency(config, i, country),
    }
}

/// The currency partner `key` of `country` invoices in when it is its own (drawn with
/// the configured share; `None`: the company's).
fn own_currency(config: &GeneratorConfig, key: u64, country: &str) -> Option<&'static str> {
    let share = config.fx.foreign_currency_share;
    let drawn = Draws::new(config.seed, stream::PARTNER_CURRENCY, key).unit() < share;
    drawn
        .then(|| crate::world::fx::currency_of_country(country))
        .flatten()
}

/// The customers: each with its company's country or another, terms, a credit limit
/// that fits its share of the sales.
fn customers(config: &GeneratorConfig, economy: &Economy) -> Vec<Customer> {
    let seed = config.seed;
    let start = economy.start;
    let n_customers = config.master_data.customers as usize;
    (0..n_customers as u64)
        .map(|i| {
            let mut d = Draws::new(seed, stream::CUSTOMER, i);
            let home =
                economy.companies[customer_company(i as usize, economy.companies.len())].country;
            let Place {
                country,
                city,
                region,
                postcode,
                street,
            } = customer_location(home, config.master_data.customers_abroad, &mut d);
            let terms = d.pick(pools::PAYMENT_TERMS);
            let discount = d.below(100) < 20;
            // Credit limit: four times the customer's expected open items, and room
            // for six large orders (an order over a third of the limit is blocked).
            let exposure = partner_share(i as usize, n_customers)
                * economy.sales_year_base
                * (f64::from(terms) + 20.0)
                / 365.0;
            let fx = economy.companies[customer_company(i as usize, economy.companies.len())].fx;
            let limit =
                nice_ceil((4.0 * exposure).max(6.0 * economy.sale_p95).max(5_000.0) * 100.0 * fx);
            Customer {
                customer_id: record_id(seed, stream::CUSTOMER, i),
                company_code: economy.companies
                    [customer_company(i as usize, economy.companies.len())]
                .code,
                name: partner_name(i, 3571, country),
                country,
                street: street.text(country),
                city,
                region,
                postcode,
                vat_id: vat_id(seed, CUSTOMER_IDS, i, country),
                credit_limit: limit,
                payment_terms_days: terms,
                cash_discount_percent: if discount { 200 } else { 0 },
                cash_discount_days: if discount { 10 } else { 0 },
                created_date: start.add_days(-(30 + d.below(3000) as i32)),
                currency: customer_currency(config, economy, i, country),
            }
        })
        .collect()
}

/// The currency customer `i` of `country` is invoiced in: its own for the configured
/// share of those abroad, else its company's.
fn customer_currency(
    config: &GeneratorConfig,
    economy: &Economy,
    i: u64,
    country: &str,
) -> &'static str {
    let c = &economy.companies[customer_company(i as usize, economy.companies.len())];
    let home = crate::world::fx::CURRENCIES[c.currency_index];
    match own_currency(config, CUSTOMER_CURRENCY_KEYS + i, country) {
        Some(own) if country != c.country => own,
        _ => home,
    }
}

/// Where customers' currency draws start among the partners' (vendors' come first).
const CUSTOMER_CURRENCY_KEYS: u64 = 1 << 40;

/// Builds every master record from the config and its seed.
pub fn build(config: &GeneratorConfig) -> MasterData {
    let layout = Layout::new(config);
    let economy = Economy::new(config, layout.cases(config));
    build_with(config, &economy)
}

/// Builds every master record with an economy already computed.
pub(crate) fn build_with(config: &GeneratorConfig, economy: &Economy) -> MasterData {
    build_parts(config, economy).0
}

/// Builds every master record with an economy already computed, and the employees'
/// bank-account history the change log is drawn from (the world keeps it for the
/// payslips and expense claims).
pub(crate) fn build_parts(
    config: &GeneratorConfig,
    economy: &Economy,
) -> (MasterData, crate::world::diversions::Diversions) {
    let seed = config.seed;
    let start = economy.start;
    let companies: Vec<Company> = economy
        .companies
        .iter()
        .enumerate()
        .map(|(i, c)| Company {
            company_code: c.code,
            name: crate::world::identity::company_name(i as u64, c.country),
            country: c.country,
            currency: c.currency,
            vat_id: vat_id(seed, 0, i as u64, c.country),
        })
        .collect();
    let countries: Vec<&str> = economy.companies.iter().map(|c| c.country).collect();
    let tax_codes = pools::TAX_CODES
        .iter()
        .filter(|t| countries.contains(&t.1))
        .map(|t| TaxCode {
            tax_code: t.0,
            country: t.1,
            direction: t.2,
            rate_percent: t.3,
            account: t.4,
            description: t.5,
        })
        .collect();
    let cost_centers = COST_CENTERS
        .iter()
        .map(|c| CostCenter {
            cost_center: c.0,
            name: c.1,
            department: c.2,
        })
        .collect();
    let period = (economy.start, economy.end);
    let mut users: Vec<User> = pools::USERS
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let raise = pools::users::RAISED.iter().find(|(r, _)| *r == k);
            User {
                user_id: u.0,
                name: u.1,
                role: u.2,
                department: u.3,
                approval_limit: crate::world::people::limit_on(k, economy.end, period),
                previous_approval_limit: u.4,
                approval_limit_since: raise.map(|(_, share)| {
                    crate::world::people::raise_day(economy.start, economy.end, *share)
                }),
            }
        })
        .collect();
    users.extend(pools::BATCH_USERS.iter().map(|u| User {
        user_id: u.0,
        name: u.1,
        role: "batch_job",
        department: "IT",
        approval_limit: 0,
        previous_approval_limit: 0,
        approval_limit_since: None,
    }));
    let mut vendors = vendors(config, economy);
    let (history, vendor_bank_changes) =
        crate::world::bank::BankHistory::build(config, economy, &vendors);
    for (i, v) in vendors.iter_mut().enumerate() {
        v.bank_account = history.final_account(i, v.bank_account);
    }
    let customers = customers(config, economy);
    let materials = economy
        .materials
        .iter()
        .enumerate()
        .map(|(j, m)| {
            let name = format!(
                "{} {}-{:04}",
                m.description,
                if m.goods { "M" } else { "S" },
                j + 1
            );
            Material {
                material_id: record_id(seed, stream::MATERIAL, j as u64),
                description: PartnerName::from(name.as_str()),
                material_type: if m.goods { "trading_good" } else { "service" },
                unit: m.unit,
                standard_cost: (m.cost * 100.0).round().max(1.0) as i64,
                sales_price: (m.price * 100.0).round().max(1.0) as i64,
            }
        })
        .collect();
    let mut employees = Vec::new();
    let mut fixed_assets = Vec::new();
    let months = i64::from(config.months);
    for (ci, c) in economy.companies.iter().enumerate() {
        employees.extend(crate::world::employees::company_employees(
            config, start, ci, c,
        ));
        fixed_assets.extend(company_assets(seed, (start, months), economy, ci, c));
    }
    let diversions = crate::world::diversions::Diversions::new(config, economy, &employees);
    let employee_bank_changes = diversions.log().to_vec();
    let mut nodes = Vec::with_capacity(CHART_OF_ACCOUNTS.len() + vendors.len() + customers.len());
    nodes.extend(CHART_OF_ACCOUNTS.iter().map(|a| GraphNode {
        node_id: account_node_id(seed, a.account),
        node_type: "account",
        label: a.name.into(),
    }));
    nodes.extend(vendors.iter().map(|v| GraphNode {
        node_id: v.vendor_id,
        node_type: "vendor",
        label: v.name,
    }));
    nodes.extend(customers.iter().map(|c| GraphNode {
        node_id: c.customer_id,
        node_type: "customer",
        label: c.name,
    }));
    let md = MasterData {
        companies,
        accounts: CHART_OF_ACCOUNTS.to_vec(),
        tax_codes,
        cost_centers,
        users,
        vendors,
        vendor_bank_changes,
        customers,
        materials,
        employees,
        employee_bank_changes,
        fixed_assets,
        fx_rates: fx_rates(economy),
        nodes,
    };
    (md, diversions)
}

/// Master data built on first use and shared read-only; can be dropped and rebuilt.
#[derive(Debug)]
pub struct LazyRegistry {
    config: GeneratorConfig,
    cell: OnceLock<Arc<MasterData>>,
}

impl LazyRegistry {
    /// A registry that will build master data for this config (and its seed).
    pub fn new(config: GeneratorConfig) -> Self {
        Self {
            config,
            cell: OnceLock::new(),
        }
    }

    /// A registry holding master data already built for its config.
    pub(crate) fn with(config: GeneratorConfig, md: MasterData) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Arc::new(md));
        Self { config, cell }
    }

    /// The master data, built now if it was not yet.
    pub fn get(&self) -> &Arc<MasterData> {
        self.cell.get_or_init(|| Arc::new(build(&self.config)))
    }

    /// Whether the master data is built.
    pub fn is_built(&self) -> bool {
        self.cell.get().is_some()
    }

    /// Drops this registry's reference; the data is rebuilt, identical, on next use.
    /// Returns the bytes that were held (freed once no other `Arc` holds them).
    pub fn clear(&mut self) -> usize {
        self.cell.take().map_or(0, |m| m.heap_bytes())
    }
}

/// The fixed assets of company `ci`, their costs scaled so that a month's depreciation
/// is the company's share of revenue for it.
fn company_assets(
    seed: u64,
    (start, months): (Date, i64),
    economy: &Economy,
    ci: usize,
    c: &CompanyBooks,
) -> Vec<FixedAsset> {
    let mut fixed_assets = Vec::new();
    let n_assets = asset_count(c, economy.price_scale);
    let target = share::DEPRECIATION * c.revenue_month;
    let mut monthly_sum = 0.0;
    let mut drafts = Vec::new();
    for k in 0..u64::from(n_assets) {
        let index = (ci as u64) << 32 | k;
        let mut d = Draws::new(seed, stream::ASSET, index);
        let class = if (k as usize) < ASSET_CLASSES.len() {
            k as usize
        } else {
            match d.below(100) {
                0..40 => 0,
                40..75 => 1,
                _ => 2,
            }
        };
        let (_, _, _, life, names) = ASSET_CLASSES[class];
        let life = i64::from(life).max(months + 13);
        let median = [60_000.0, 8_000.0, 35_000.0][class];
        let cost = median * libm::exp(0.6 * d.normal()) * economy.price_scale * c.fx * 100.0;
        let age = 1 + d.below((life - months - 1).max(1) as usize) as i64;
        monthly_sum += cost / life as f64;
        drafts.push((index, class, life, cost, age, d.pick(names)));
    }
    let scale = if monthly_sum > 0.0 {
        target / monthly_sum
    } else {
        1.0
    };
    for (index, class, life, cost, age, description) in drafts {
        let (class_name, account, dep_account, _, _) = ASSET_CLASSES[class];
        let cost = ((cost * scale / 100.0).round() as i64).max(1) * 100;
        let (y, m, _) = start.ymd();
        let total = i64::from(y) * 12 + i64::from(m) - 1 - age;
        let acquired =
            Date::from_ymd((total / 12) as i32, (total % 12) as u32 + 1, 1).unwrap_or(start);
        fixed_assets.push(FixedAsset {
            asset_id: record_id(seed, stream::ASSET, index),
            company_code: c.code,
            description,
            asset_class: class_name,
            account,
            depreciation_account: dep_account,
            cost_center: COST_CENTERS[pools::centers::ASSET_CENTERS[class]].0,
            acquisition_date: acquired,
            acquisition_cost: cost,
            useful_life_months: life as u16,
            monthly_depreciation: (cost / life).max(1),
            disposal_date: None,
            disposal_proceeds: 0,
        });
    }
    fixed_assets.extend(bought(seed, (start, months), ci, c, target));
    retire(seed, (start, months), (ci, c), &mut fixed_assets);
    fixed_assets
}

/// Each month a company retires and sells one asset on the first working day from the
/// 20th: the oldest it owns that cost no more than the asset it buys that month (like
/// replaced with like, so the fleet neither shrinks nor balloons), else the cheapest.
/// The buyer pays the net book value times a lognormal factor (median 0.97, σ 0.35:
/// gains and losses), or a scrap price of 2% of cost (one in seven); at least 1.00.
fn retire(
    seed: u64,
    (start, months): (Date, i64),
    (ci, c): (usize, &CompanyBooks),
    assets: &mut [FixedAsset],
) {
    let mut order: Vec<usize> = (0..assets.len()).collect();
    order.sort_by_key(|&k| (assets[k].acquisition_date, k));
    let bought: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&k| assets[k].acquisition_date >= start)
        .collect();
    let mut retired = vec![false; assets.len()];
    let (y0, m0, _) = start.ymd();
    for month in 0..months {
        let t = i64::from(y0) * 12 + i64::from(m0) - 1 + month;
        let first = Date::from_ymd((t / 12) as i32, (t % 12) as u32 + 1, 1).unwrap_or(start);
        let cap = bought
            .get(month as usize)
            .map_or(i64::MAX, |&k| assets[k].acquisition_cost);
        let owned = || {
            order
                .iter()
                .copied()
                .filter(|&k| !retired[k] && assets[k].acquisition_date < first)
        };
        let Some(k) = owned()
            .find(|&k| assets[k].acquisition_cost <= cap)
            .or_else(|| owned().min_by_key(|&k| assets[k].acquisition_cost))
        else {
            break;
        };
        retired[k] = true;
        let a = &mut assets[k];
        let nbv = a.acquisition_cost - accumulated_at(a, start, month);
        let mut d = Draws::new(seed, stream::DISPOSAL, (ci as u64) << 32 | month as u64);
        let price = if d.below(7) == 0 {
            a.acquisition_cost as f64 * 0.02
        } else {
            nbv as f64 * libm::exp(0.35 * d.normal() - 0.03)
        };
        a.disposal_date = Some(c.calendar.next_working(first.add_days(19)));
        a.disposal_proceeds = ((price / 100.0).round() as i64).max(1) * 100;
    }
}

/// The depreciation asset `a` has accumulated by month `month` of the period (runs of
/// the months before it; the books open with its depreciation before the start).
pub(crate) fn accumulated_at(a: &FixedAsset, start: Date, month: i64) -> i64 {
    let runs = if a.acquisition_date < start {
        i64::from(months_between(a.acquisition_date, start)) + month
    } else {
        month - i64::from(months_between(start, a.acquisition_date)) - 1
    };
    a.monthly_depreciation * runs.max(0)
}

/// Where an asset bought in the period goes in the asset index space of its company
/// (above those it opened with).
const BOUGHT: u64 = 1 << 31;

/// The fixed assets company `ci` buys in the period: one a month, invoiced on the first
/// working day from the 5th, costing about a month's depreciation of what it owns (so
/// that a year's purchases replace what a year wears out), depreciated straight-line
/// from the next month.
fn bought(
    seed: u64,
    (start, months): (Date, i64),
    ci: usize,
    c: &CompanyBooks,
    target: f64,
) -> Vec<FixedAsset> {
    let (y0, m0, _) = start.ymd();
    (0..months)
        .map(|m| {
            let index = (ci as u64) << 32 | BOUGHT | m as u64;
            let mut d = Draws::new(seed, stream::ASSET, index);
            let class = match d.below(100) {
                0..40 => 0,
                40..75 => 1,
                _ => 2,
            };
            let (class_name, account, dep_account, life, names) = ASSET_CLASSES[class];
            let life = i64::from(life).max(months + 13);
            let cost = target * libm::exp(0.5 * d.normal() - 0.125);
            let cost = ((cost / 100.0).round() as i64).max(1) * 100;
            let t = i64::from(y0) * 12 + i64::from(m0) - 1 + m;
            let fifth = Date::from_ymd((t / 12) as i32, (t % 12) as u32 + 1, 5).unwrap_or(start);
            FixedAsset {
                asset_id: record_id(seed, stream::ASSET, index),
                company_code: c.code,
                description: d.pick(names),
                asset_class: class_name,
                account,
                depreciation_account: dep_account,
                cost_center: COST_CENTERS[pools::centers::ASSET_CENTERS[class]].0,
                acquisition_date: c.calendar.next_working(fifth),
                acquisition_cost: cost,
                useful_life_months: life as u16,
                monthly_depreciation: (cost / life).max(1),
                disposal_date: None,
                disposal_proceeds: 0,
            }
        })
        .collect()
}
