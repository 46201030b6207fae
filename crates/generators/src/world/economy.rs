//! The economics of a run: what is bought and sold at what prices, and how big each
//! company is, so that the books make sense at any number of entries.
//!
//! Everything here is a pure function of the config and the seed. The sizes come from a
//! calibration: the amounts of the first few thousand cases are drawn at unit scale, and
//! the scales of purchases, services, payroll, depreciation and the opening balances are
//! set so that each company's profit and loss has the shape of a trading company
//! (gross margin about 40%, operating expenses about 30% of revenue).

use crate::config::GeneratorConfig;
use crate::world::calendar::PostingCalendar;
pub(crate) use crate::world::fx::currency_factor;
use crate::world::pools::{self, COUNTRIES, GOODS, SERVICES_BOUGHT, SERVICES_SOLD};
pub(crate) use crate::world::pools::{TaxSet, tax_of};
use crate::world::rng::{Draws, splitmix64, stream};
use synth_model::{CompanyCode, Currency};

/// Journal entries per case block: a case uses the first of its block's slots, the
/// rest hold single-entry cases (expense claims, direct debits, petty cash, reclasses).
pub(crate) const SLOTS: u64 = 4;

/// Goods bought per unit of the calibrated cost of goods sold: sales over a third of a
/// customer's credit limit are blocked and never delivered (the largest, in a heavy
/// tail), so the cost of goods delivered is below the calibrated one. Measured on the
/// default and three-country configs (purchases 1.10 x the cost of goods sold at 1.0).
const RESTOCK: f64 = 0.906;

/// Cases drawn at unit scale to calibrate the sizes.
const CALIBRATION_CASES: u64 = 4096;

/// Cases the restocking quantity is calibrated on: purchases favour the best sellers as
/// sales do, so a few materials carry most of the mean, and 4 096 cases leave it 9% off
/// (measured at the default config: stock would run down by a tenth of a year's cost of
/// goods sold); four times as many leave 2%.
const PURCHASE_CALIBRATION_CASES: u64 = 4 * CALIBRATION_CASES;

/// Shares of revenue the calibration aims at.
pub(crate) mod share {
    /// Services among sales.
    pub const SOLD_SERVICES: f64 = 0.15;
    /// Purchased services (P2P service invoices).
    pub const SERVICES: f64 = 0.08;
    /// Expense claims, direct debits and petty cash.
    pub const SMALL_EXPENSES: f64 = 0.025;
    /// Salaries and employer's social security.
    pub const PAYROLL: f64 = 0.14;
    /// Depreciation.
    pub const DEPRECIATION: f64 = 0.025;
    /// Rent.
    pub const RENT: f64 = 0.03;
    /// One month-end accrual.
    pub const ACCRUAL: f64 = 0.006;
    /// Bank charges.
    pub const BANK_CHARGES: f64 = 0.0005;
}

/// The business process of a case block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseKind {
    /// Purchase order, goods receipt, vendor invoice, payment(s).
    P2pGoods,
    /// (Purchase order,) vendor invoice for services, payment(s).
    P2pServices,
    /// Sales order, delivery, customer invoice, receipt(s).
    O2cGoods,
    /// Sales order, customer invoice for services, receipt(s).
    O2cServices,
}

/// Cumulative shares of the case kinds, in percent.
const CASE_CDF: [(u64, CaseKind); 4] = [
    (30, CaseKind::P2pGoods),
    (50, CaseKind::P2pServices),
    (85, CaseKind::O2cGoods),
    (100, CaseKind::O2cServices),
];

/// Share of the entries of a run that are free slots of the case blocks, measured on
/// the default config (368 500 of 1 000 000).
const FREE_SHARE: f64 = 0.3685;

/// The kind of case block `b`, from its key alone.
#[inline]
pub(crate) fn case_kind(key: u64) -> CaseKind {
    let r = ((u128::from(splitmix64(key ^ 0x5EED)) * 100) >> 64) as u64;
    CASE_CDF
        .iter()
        .find(|(c, _)| r < *c)
        .map_or(CaseKind::O2cServices, |(_, k)| *k)
}

/// The single-entry cases that fill a block's free slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FillerKind {
    /// An employee's expense claim, reimbursed by bank transfer.
    ExpenseClaim,
    /// A direct debit for telecoms, insurance, subscriptions.
    DirectDebit,
    /// A petty cash purchase.
    PettyCash,
    /// A manual reclassification between cost centers.
    Reclass,
}

/// The kind of filler `j`.
#[inline]
pub(crate) fn filler_kind(d: &mut Draws) -> FillerKind {
    match d.below(100) {
        0..35 => FillerKind::ExpenseClaim,
        35..65 => FillerKind::DirectDebit,
        65..85 => FillerKind::PettyCash,
        _ => FillerKind::Reclass,
    }
}

/// Median amount of a filler at unit scale, in major units.
pub(crate) fn filler_median(kind: FillerKind) -> f64 {
    match kind {
        FillerKind::ExpenseClaim => 160.0,
        FillerKind::DirectDebit => 320.0,
        FillerKind::PettyCash => 35.0,
        FillerKind::Reclass => 1500.0,
    }
}

/// A position in a list of `n` drawn from `u` in [0, 1), favouring the first: position
/// `j` or below with probability sqrt((j + 1) / n) (the best sellers come first).
pub(crate) fn skewed(n: usize, u: f64) -> usize {
    ((n as f64 * u * u) as usize).min(n.saturating_sub(1))
}

/// A material as the generators price it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MaterialInfo {
    /// A trading good (else a service).
    pub goods: bool,
    /// Pool description.
    pub description: &'static str,
    /// Unit of measure.
    pub unit: &'static str,
    /// Standard cost per unit in major units of the base price list.
    pub cost: f64,
    /// List price per unit in major units of the base price list.
    pub price: f64,
    /// Revenue account of its sales.
    pub revenue_account: u32,
}

/// The materials of a config, from the seed.
pub(crate) fn materials(config: &GeneratorConfig) -> Vec<MaterialInfo> {
    let scale = config.transactions.amount_median / 1200.0;
    (0..u64::from(config.master_data.materials))
        .map(|j| {
            let mut d = Draws::new(config.seed, stream::MATERIAL, j);
            let goods = j % 5 != 4;
            let z = d.normal();
            if goods {
                let (description, unit, median) = d.pick(GOODS);
                let price = median * libm::exp(0.35 * z) * scale;
                let margin = 0.20 + 0.25 * d.unit();
                MaterialInfo {
                    goods,
                    description,
                    unit,
                    cost: price * (1.0 - margin),
                    price,
                    revenue_account: pools::accounts::REVENUE_PRODUCTS,
                }
            } else {
                let (description, unit, median, account) = d.pick(SERVICES_SOLD);
                let price = median * libm::exp(0.25 * z) * scale;
                MaterialInfo {
                    goods,
                    description,
                    unit,
                    cost: price * (0.4 + 0.3 * d.unit()),
                    price,
                    revenue_account: account,
                }
            }
        })
        .collect()
}

/// Mean amounts per case at unit scale, from the calibration.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Calibration {
    /// Net sales of a goods sale.
    pub goods_sale: f64,
    /// Cost of goods sold of a goods sale.
    pub goods_cost: f64,
    /// Net sales of a services sale.
    pub service_sale: f64,
    /// Net purchases of a goods purchase at unit quantity scale.
    pub goods_purchase: f64,
    /// Net of a services purchase at unit scale.
    pub service_purchase: f64,
    /// Expense of a filler at unit scale.
    pub filler_expense: f64,
    /// The 95th percentile of a sale's gross, base units.
    pub sale_p95: f64,
}

/// What one company needs to post: its calendar, tax codes and the sizes of its
/// scheduled postings, in minor units of its currency.
#[derive(Debug, Clone)]
pub(crate) struct CompanyBooks {
    /// Company code.
    pub code: CompanyCode,
    /// Currency.
    pub currency: Currency,
    /// Country.
    pub country: &'static str,
    /// Units of its currency per base unit.
    pub fx: f64,
    /// Its currency's place in [`crate::world::fx::CURRENCIES`].
    pub currency_index: usize,
    /// Working days and posting-date weights.
    pub calendar: PostingCalendar,
    /// Its tax codes.
    pub tax: TaxSet,
    /// Employer's social security in hundredths of a percent of gross salaries.
    pub social_security_bp: i64,
    /// Median monthly salary in major units.
    pub median_salary: f64,
    /// Expected net revenue per month, minor units.
    pub revenue_month: f64,
    /// Expected cost of goods sold per month, minor units.
    pub cogs_month: f64,
    /// Expected gross purchases and services per month, minor units.
    pub purchases_month: f64,
    /// Expected petty cash spending per month, minor units.
    pub petty_month: f64,
}

/// The sizes of a run: scales of the case amounts and each company's books.
#[derive(Debug, Clone)]
pub(crate) struct Economy {
    /// Materials with their prices.
    pub materials: Vec<MaterialInfo>,
    /// Indices of the trading goods among them.
    pub goods: Vec<usize>,
    /// Indices of the services among them.
    pub services: Vec<usize>,
    /// The companies.
    pub companies: Vec<CompanyBooks>,
    /// Quantity multiplier of goods purchases (restocking what is sold).
    pub purchase_quantity: f64,
    /// Price multiplier of purchased services.
    pub service_scale: f64,
    /// Amount multiplier of fillers.
    pub filler_scale: f64,
    /// Cost allocations: per band (from the longest), the chance that a free slot holds
    /// one, and its fewest and most lines.
    pub long: [(f64, u32, u32); 3],
    /// Expected gross sales per year of all companies, base units (for credit limits).
    pub sales_year_base: f64,
    /// The 95th percentile of a sale's gross, base units.
    pub sale_p95: f64,
    /// Price scale (`amount_median / 1200`).
    pub price_scale: f64,
    /// Most items of an invoice.
    pub max_items: usize,
    /// Spread of ln(quantity) of items.
    pub sigma: f64,
    /// First day of the period.
    pub start: synth_model::Date,
    /// Last day of the period.
    pub end: synth_model::Date,
    /// The exchange rates of the period.
    pub fx_rates: crate::world::fx::FxRates,
}

/// A number rounded up to two significant digits (credit limits, capital).
pub(crate) fn nice_ceil(x: f64) -> i64 {
    if x <= 0.0 {
        return 0;
    }
    let mag = libm::pow(10.0, libm::floor(libm::log10(x)) - 1.0);
    (libm::ceil(x / mag) * mag) as i64
}

impl Economy {
    /// The economy of a validated config, for `cases` case blocks in the run.
    pub fn new(config: &GeneratorConfig, cases: u64) -> Economy {
        let materials = materials(config);
        let goods: Vec<usize> = (0..materials.len())
            .filter(|i| materials[*i].goods)
            .collect();
        let services: Vec<usize> = (0..materials.len())
            .filter(|i| !materials[*i].goods)
            .collect();
        // An invoice's lines besides its items: a price difference, two of tax (the
        // reverse charge self-assesses input and output tax), the partner's.
        let max_items = (config.transactions.max_lines.saturating_sub(4)).max(1) as usize;
        let mut economy = Economy {
            materials,
            goods,
            services,
            companies: Vec::new(),
            purchase_quantity: 1.0,
            service_scale: 1.0,
            filler_scale: 1.0,
            long: [(0.0, 2, 2); 3],
            sales_year_base: 0.0,
            sale_p95: 0.0,
            price_scale: config.transactions.amount_median / 1200.0,
            max_items,
            sigma: 0.5 * config.transactions.amount_sigma,
            start: synth_model::Date(0),
            end: synth_model::Date(0),
            fx_rates: crate::world::fx::FxRates::default(),
        };
        let mut cal = economy.calibrate(config);
        let n_companies = config.companies.len().max(1) as f64;
        let months = f64::from(config.months.max(1));
        // The companies are as big as the cases asked for: scheduled postings (payroll,
        // rent, ...) are sized from them, so that margins hold at any count.
        let blocks_cm = (cases as f64).max(1.0) / (n_companies * months);
        let pct = |k: CaseKind| {
            let lo = CASE_CDF
                .iter()
                .take_while(|(_, kind)| *kind != k)
                .last()
                .map_or(0, |(c, _)| *c);
            let hi = CASE_CDF
                .iter()
                .find(|(_, kind)| *kind == k)
                .map_or(0, |(c, _)| *c);
            (hi - lo) as f64 / 100.0
        };
        // Services sold make a sixth of sales (their cost is in payroll, not in COGS).
        let goods_sales = pct(CaseKind::O2cGoods) * cal.goods_sale;
        let services_sales = pct(CaseKind::O2cServices) * cal.service_sale;
        if goods_sales > 0.0 && services_sales > 0.0 {
            let f =
                share::SOLD_SERVICES / (1.0 - share::SOLD_SERVICES) * goods_sales / services_sales;
            for m in economy.materials.iter_mut().filter(|m| !m.goods) {
                m.price *= f;
                m.cost *= f;
            }
            cal.service_sale *= f;
            cal.sale_p95 = cal.sale_p95.max(cal.goods_sale * 1.1 * 3.0);
        }
        let revenue = blocks_cm
            * (pct(CaseKind::O2cGoods) * cal.goods_sale
                + pct(CaseKind::O2cServices) * cal.service_sale);
        let cogs = blocks_cm * pct(CaseKind::O2cGoods) * cal.goods_cost;
        // Restock what is sold: goods bought at the cost of goods sold. Quantities are
        // whole units, so the multiplier is refined on the calibration cases until
        // their purchases meet the target (rounding small quantities up would
        // otherwise build stock).
        let target = RESTOCK * cogs / (blocks_cm * pct(CaseKind::P2pGoods)).max(1e-9);
        let mut q = (target / cal.goods_purchase.max(1e-9)).max(0.05);
        for _ in 0..4 {
            let bought = economy.goods_purchase_at(config, q);
            q = (q * target / bought.max(1e-9)).max(0.05);
        }
        economy.purchase_quantity = q;
        economy.service_scale = share::SERVICES * revenue
            / (blocks_cm * pct(CaseKind::P2pServices) * cal.service_purchase.max(1e-9));
        // About 1.3 slots of a block are free for fillers; cost allocations take the
        // share of them that makes their share of all entries the configured one.
        let free_per_block = SLOTS as f64
            - (pct(CaseKind::P2pGoods) + pct(CaseKind::O2cGoods)) * 3.05
            - (pct(CaseKind::P2pServices) + pct(CaseKind::O2cServices)) * 2.05;
        // Measured: 36.9% of the entries of the default run are free slots (blocked
        // sales and unposted tails leave more than the estimate above); a mix of
        // cases that leaves more or fewer changes the allocations' share in proportion.
        let free_share = FREE_SHARE;
        let cap = config
            .transactions
            .max_lines
            .min(crate::config::MAX_ALLOCATION_LINES)
            & !1;
        let bands = config.transactions.long_entries.bands();
        for (k, (share, lo, hi)) in bands.into_iter().enumerate() {
            economy.long[k] = ((share / free_share).min(0.3), lo.min(cap), hi.min(cap));
        }
        let fillers_per_block =
            free_per_block * (1.0 - economy.long.iter().map(|b| b.0).sum::<f64>());
        economy.filler_scale = share::SMALL_EXPENSES * revenue
            / (blocks_cm * fillers_per_block * cal.filler_expense.max(1e-9));
        economy.sales_year_base = revenue * 12.0 * n_companies;
        economy.sale_p95 = cal.sale_p95;
        // Petty cash: a fifth of the fillers, lognormal (mean 1.38 x median), with tax.
        let petty = blocks_cm
            * fillers_per_block
            * 0.20
            * filler_median(FillerKind::PettyCash)
            * 1.38
            * 1.2
            * economy.price_scale
            * economy.filler_scale;
        let purchases = cogs + share::SERVICES * revenue;
        for c in &config.companies {
            let country = c.country().unwrap_or("US");
            let (_, ss, _, salary) = COUNTRIES
                .iter()
                .copied()
                .find(|x| x.0 == country)
                .unwrap_or(COUNTRIES[0]);
            let fx = currency_factor(&c.currency);
            economy.companies.push(CompanyBooks {
                currency_index: crate::world::fx::FxRates::index(&c.currency).unwrap_or(0),
                code: c.code.as_str().into(),
                currency: c.currency.as_str().into(),
                country,
                fx,
                calendar: PostingCalendar::seasonal(
                    country,
                    (config.start_year, config.start_month, config.months),
                    &config.transactions.seasonality,
                ),
                tax: TaxSet::of(country),
                social_security_bp: ss,
                median_salary: salary,
                revenue_month: revenue * 100.0 * fx,
                cogs_month: cogs * 100.0 * fx,
                purchases_month: purchases * 100.0 * fx * 1.1,
                petty_month: petty * 100.0 * fx,
            });
        }
        if let Some(c) = economy.companies.first() {
            (economy.start, economy.end) = c.calendar.bounds();
        }
        economy.fx_rates = crate::world::fx::FxRates::of(
            config.seed,
            config.fx.volatility,
            economy.start,
            economy.end,
        );
        economy
    }

    /// Mean case amounts at unit scale over the first cases of the run.
    fn calibrate(&self, config: &GeneratorConfig) -> Calibration {
        let mut c = Calibration::default();
        let mut n = [0f64; 4];
        let mut sales = Vec::new();
        let unit = Scales {
            purchase_quantity: 1.0,
            service_scale: 1.0,
            fx: 1.0,
            invoiced: 1.0,
        };
        for b in 0..CALIBRATION_CASES {
            let key = crate::world::rng::record_key(config.seed, stream::CASE, b);
            let kind = case_kind(key);
            let mut d = Draws::from_key(key);
            let items_key = d.bits();
            let count = self.item_count(config, &mut d);
            let (mut net, mut cost) = (0i64, 0i64);
            for k in 0..count {
                let it = self.item(kind, items_key, k, &unit);
                net += it.received * it.price;
                cost += it.received * it.cost;
            }
            let (net, cost) = (net as f64 / 100.0, cost as f64 / 100.0);
            match kind {
                CaseKind::O2cGoods => {
                    c.goods_sale += net;
                    c.goods_cost += cost;
                    n[0] += 1.0;
                    sales.push(net * 1.1);
                }
                CaseKind::O2cServices => {
                    c.service_sale += net;
                    n[1] += 1.0;
                    sales.push(net * 1.1);
                }
                CaseKind::P2pGoods => {
                    c.goods_purchase += net;
                    n[2] += 1.0;
                }
                CaseKind::P2pServices => {
                    c.service_purchase += net;
                    n[3] += 1.0;
                }
            }
        }
        c.goods_sale /= n[0].max(1.0);
        c.goods_cost /= n[0].max(1.0);
        c.service_sale /= n[1].max(1.0);
        c.goods_purchase /= n[2].max(1.0);
        c.service_purchase /= n[3].max(1.0);
        sales.sort_by(f64::total_cmp);
        c.sale_p95 = sales.get(sales.len() * 95 / 100).copied().unwrap_or(1000.0);
        // Fillers: the mean expense of claims, debits and petty cash (reclasses net out).
        let mut total = 0.0;
        for j in 0..CALIBRATION_CASES {
            let mut d = Draws::new(config.seed, stream::FILLER, j);
            let kind = filler_kind(&mut d);
            if kind != FillerKind::Reclass {
                total += filler_median(kind) * libm::exp(0.8 * d.normal()) * self.price_scale;
            }
        }
        c.filler_expense = total / CALIBRATION_CASES as f64;
        c
    }

    /// Mean net amount of a goods purchase over the calibration cases, at unit scale with
    /// quantity multiplier `purchase_quantity`.
    fn goods_purchase_at(&self, config: &GeneratorConfig, purchase_quantity: f64) -> f64 {
        let scales = Scales {
            purchase_quantity,
            service_scale: 1.0,
            fx: 1.0,
            invoiced: 1.0,
        };
        let (mut total, mut n) = (0f64, 0f64);
        for b in 0..PURCHASE_CALIBRATION_CASES {
            let key = crate::world::rng::record_key(config.seed, stream::CASE, b);
            if case_kind(key) != CaseKind::P2pGoods {
                continue;
            }
            let mut d = Draws::from_key(key);
            let items_key = d.bits();
            let count = self.item_count(config, &mut d);
            for k in 0..count {
                let it = self.item(CaseKind::P2pGoods, items_key, k, &scales);
                total += (it.received * it.price) as f64 / 100.0;
            }
            n += 1.0;
        }
        total / n.max(1.0)
    }

    /// How many items an order has: one with probability `two_line_share`, else a
    /// Pareto tail from 2, at most `max_items`.
    #[inline]
    pub fn item_count(&self, config: &GeneratorConfig, d: &mut Draws) -> u32 {
        let t = &config.transactions;
        let u = d.unit();
        if self.max_items <= 1 || u < t.two_line_share {
            return 1;
        }
        let n = 2.0 / libm::pow(d.unit_open(), 1.0 / t.line_tail_exponent);
        (n as usize).clamp(2, self.max_items) as u32
    }

    /// The standard cost per unit of material `m` in minor units of a company whose
    /// currency is `fx` base units: what its stock is valued at.
    #[inline]
    pub fn unit_cost(&self, m: usize, fx: f64) -> i64 {
        libm::round(self.materials[m].cost * 100.0 * fx).max(1.0) as i64
    }

    /// Item `k` of a case whose items come from `items_key`, in minor units: its prices
    /// in the invoice's currency, its cost in the company's.
    #[inline]
    pub fn item(&self, kind: CaseKind, items_key: u64, k: u32, s: &Scales) -> Item {
        let it = self.item_at_home(kind, items_key, k, s);
        if s.invoiced == 1.0 {
            return it;
        }
        let price_in = |x: i64| libm::round(x as f64 * s.invoiced).max(1.0) as i64;
        let po_price = price_in(it.po_price);
        let mut price = price_in(it.price);
        while price != po_price && crate::anomalies::one_swap_apart(po_price, price) {
            price += 1;
        }
        Item {
            po_price,
            price,
            ..it
        }
    }

    /// Item `k` of a case, priced in the company's currency.
    #[inline]
    fn item_at_home(&self, kind: CaseKind, items_key: u64, k: u32, s: &Scales) -> Item {
        let mut d = Draws::from_key(splitmix64(items_key ^ u64::from(k)));
        let sigma = self.sigma;
        let quantity = |d: &mut Draws, median: f64| {
            libm::round(median * libm::exp(sigma * d.normal())).max(1.0) as i64
        };
        let cents = |x: f64| libm::round(x * 100.0 * s.fx).max(1.0) as i64;
        match kind {
            CaseKind::O2cGoods | CaseKind::P2pGoods => {
                let pool = if self.goods.is_empty() {
                    &self.services
                } else {
                    &self.goods
                };
                // Sales favour a few best sellers, and purchases restock what sells: a
                // material is bought as often as it is sold.
                let m = pool[skewed(pool.len(), d.unit())];
                let info = &self.materials[m];
                let cost = self.unit_cost(m, s.fx);
                if kind == CaseKind::O2cGoods {
                    let qty = quantity(&mut d, 3.0);
                    let list = cents(info.price);
                    // 8% of items sell at a negotiated discount of 3-15%.
                    let price = if d.below(100) < 8 {
                        (list as f64 * (0.85 + 0.12 * d.unit())).round().max(1.0) as i64
                    } else {
                        list
                    };
                    Item {
                        material: Some(m),
                        service: 0,
                        quantity: qty,
                        received: qty,
                        po_price: price,
                        price,
                        cost,
                    }
                } else {
                    let qty = (quantity(&mut d, 3.0) as f64 * s.purchase_quantity)
                        .round()
                        .max(1.0) as i64;
                    // 2% of receipts are short; 1.5% of invoices differ in price by 1-4%.
                    let received = if qty > 1 && d.below(1000) < 20 {
                        qty - 1 - d.below((qty / 4).max(1) as usize) as i64
                    } else {
                        qty
                    };
                    // Three order items in ten are priced off the standard cost, by
                    // 0.5-2.5% either way (the vendor's price moved; the standard is
                    // set once a year): the receipt posts the difference to purchase
                    // price variances. Drawn apart, so the other draws stay as they were.
                    let mut o =
                        Draws::from_key(splitmix64(items_key ^ u64::from(k) ^ PO_PRICE_KEY));
                    let po = if o.below(10) < 3 {
                        let f = 0.005 + 0.02 * o.unit();
                        let sign = if o.below(2) == 0 { 1.0 } else { -1.0 };
                        (cost as f64 * (1.0 + sign * f)).round().max(1.0) as i64
                    } else {
                        cost
                    };
                    let price = if d.below(1000) < 15 {
                        let f = 0.01 + 0.03 * d.unit();
                        let sign = if d.below(2) == 0 { 1.0 } else { -1.0 };
                        let mut price = (po as f64 * (1.0 + sign * f)).round().max(1.0) as i64;
                        // Never the order's price with two digits swapped: that is a
                        // keying error, which only a `transposed_digits` makes.
                        while crate::anomalies::one_swap_apart(po, price) {
                            price += 1;
                        }
                        price
                    } else {
                        po
                    };
                    Item {
                        material: Some(m),
                        service: 0,
                        quantity: qty,
                        received,
                        po_price: po,
                        price,
                        cost,
                    }
                }
            }
            CaseKind::O2cServices => {
                let pool = if self.services.is_empty() {
                    &self.goods
                } else {
                    &self.services
                };
                let m = pool[d.below(pool.len())];
                let info = &self.materials[m];
                let qty = quantity(&mut d, 4.0);
                let price = cents(info.price);
                Item {
                    material: Some(m),
                    service: 0,
                    quantity: qty,
                    received: qty,
                    po_price: price,
                    price,
                    cost: cents(info.cost),
                }
            }
            CaseKind::P2pServices => {
                let service = d.below(SERVICES_BOUGHT.len());
                let median = SERVICES_BOUGHT[service].2;
                let qty = if d.below(100) < 60 {
                    1
                } else {
                    quantity(&mut d, 3.0)
                };
                let price = cents(
                    median * libm::exp(0.4 * d.normal()) * self.price_scale * s.service_scale,
                );
                Item {
                    material: None,
                    service,
                    quantity: qty,
                    received: qty,
                    po_price: price,
                    price,
                    cost: price,
                }
            }
        }
    }
}

/// Mixed into an item's key for the draws of its order price.
const PO_PRICE_KEY: u64 = 0x9E6C_63D0_676A_9A99;

/// The multipliers an item is priced with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scales {
    /// Quantity multiplier of goods purchases.
    pub purchase_quantity: f64,
    /// Price multiplier of purchased services.
    pub service_scale: f64,
    /// Units of the company's currency per base unit.
    pub fx: f64,
    /// Units of the invoice's currency per unit of the company's, at the price lists'
    /// rates: a partner that invoices in its own currency prices in it (1 otherwise).
    pub invoiced: f64,
}

/// One item of an order, in minor units of the company's currency.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Item {
    /// The material (goods and services sold).
    pub material: Option<usize>,
    /// The purchased service (index into [`SERVICES_BOUGHT`]).
    pub service: usize,
    /// Quantity ordered.
    pub quantity: i64,
    /// Quantity received and invoiced.
    pub received: i64,
    /// Unit price of the purchase order.
    pub po_price: i64,
    /// Unit price invoiced.
    pub price: i64,
    /// Standard cost per unit.
    pub cost: i64,
}
