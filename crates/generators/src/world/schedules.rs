//! The amounts of each company's scheduled postings, built once: its opening balance
//! sheet and open items, salaries, assets, rent, accruals (what the scheduled postings
//! post, read by `schedule.rs`).

use crate::config::GeneratorConfig;
use crate::world::economy::{CompanyBooks, Economy, nice_ceil, share};
use crate::world::employees::Pay;
use crate::world::layout::{ACCRUALS, Layout, open_items};
use crate::world::master::{CompanyTotals, MasterData, company_totals};
use crate::world::pools::{ASSET_CLASSES, accounts as acc};
use crate::world::rng::{Draws, stream};
use synth_model::Date;

/// Share of a month's expected output and input tax that the opening balances hold as
/// the tax of the month before the period (paid with the first month's return).
pub(crate) const VAT_ON_ACCOUNT: f64 = 0.9;

/// A receivable or payable a company opens with, settled early in the period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenItem {
    pub(crate) customer: bool,
    pub(crate) partner_id: u128,
    /// Index of the partner in its master table.
    pub(crate) partner: usize,
    pub(crate) index: u64,
    pub(crate) date: Date,
    pub(crate) due: Date,
    pub(crate) settle: Date,
    pub(crate) gross: i64,
    pub(crate) tax: i64,
}

/// A line of the opening balances: account, amount (debit positive), partner, text.
pub(crate) type OpeningLine = (u32, i64, Option<u128>, &'static str);

/// The amounts of one company's scheduled postings, in minor units.
#[derive(Debug, Clone)]
pub(crate) struct CompanySchedule {
    pub(crate) opening: Vec<OpeningLine>,
    pub(crate) items: Vec<OpenItem>,
    /// The cost centers with employees (index into `COST_CENTERS`), in order.
    pub(crate) centers: Vec<usize>,
    /// What is paid per month of the period, one per entry of `centers`, per payroll
    /// run: the sums of the payslips.
    pub(crate) payroll: Vec<Vec<[Pay; 2]>>,
    /// The employees of each of `centers` (indices into the master's `employees`).
    pub(crate) staff: Vec<Vec<u32>>,
    /// How the company's country withholds and insures pay.
    pub(crate) pay_rules: crate::world::employees::PayRules,
    /// Payroll runs per month.
    pub(crate) runs: u64,
    /// Depreciation per month of the period and asset class.
    pub(crate) depreciation: Vec<Vec<i64>>,
    /// The fixed asset bought in each month of the period (index into the master's
    /// `fixed_assets`), if any.
    pub(crate) capex: Vec<Option<usize>>,
    /// The fixed asset retired and sold in each month of the period (index into the
    /// master's `fixed_assets`), if any.
    pub(crate) disposals: Vec<Option<usize>>,
    /// The monthly rent in the period's first calendar year.
    pub(crate) rent: i64,
    /// The lease's yearly indexation (each January), in basis points: 2.0% to 4.0%.
    pub(crate) rent_index_bp: i64,
    pub(crate) rent_tax: usize,
    pub(crate) bank_fee: i64,
    pub(crate) petty: i64,
    pub(crate) accrual_base: f64,
    pub(crate) vat_output: i64,
    pub(crate) vat_input: i64,
    /// The US states where the company has nexus (see `sales_tax.rs`).
    pub(crate) nexus: u32,
    /// Files its VAT returns quarterly (else monthly).
    pub(crate) vat_quarterly: bool,
    /// What the VAT settlement account holds at the start: the net tax of the months of
    /// the quarter before the start already moved there.
    pub(crate) vat_settlement_opening: i64,
    /// Income tax rate in basis points.
    pub(crate) income_tax_bp: i64,
    /// The income tax of the year before the period still payable at its start.
    pub(crate) income_tax_opening: i64,
    pub(crate) company: usize,
    pub(crate) seed: u64,
}

impl CompanySchedule {
    /// The output tax codes of a sale of company `c` to `customer` at home (see
    /// `sales_tax.rs`).
    pub(crate) fn sale_codes(
        &self,
        c: &CompanyBooks,
        customer: &synth_model::Customer,
    ) -> [usize; 3] {
        crate::world::sales_tax::sale_codes(self.nexus, c, customer)
    }

    /// The monthly rent in calendar year `year`: the first year's, indexed each January
    /// since, rounded to the unit.
    pub(crate) fn rent_in(&self, first_year: i32, year: i32) -> i64 {
        let mut rent = self.rent;
        for _ in first_year..year {
            rent = (rent + (i128::from(rent) * i128::from(self.rent_index_bp) / 10_000) as i64)
                / 100
                * 100;
        }
        rent
    }
}

pub(crate) fn round_to(x: f64, unit: i64) -> i64 {
    ((x / unit as f64).round() as i64).max(1) * unit
}

pub(crate) fn nice_floor(x: f64) -> i64 {
    if x <= 1.0 {
        return 0;
    }
    let mag = libm::pow(10.0, libm::floor(libm::log10(x)) - 1.0);
    (libm::floor(x / mag) * mag) as i64
}

impl CompanySchedule {
    /// What `centers[j]` pays in payroll run `run` of month `month`: the sum of its
    /// payslips.
    pub(crate) fn run_pay(&self, month: u64, run: u64, j: usize) -> Pay {
        self.payroll
            .get(month as usize)
            .and_then(|row| row.get(j))
            .and_then(|runs| runs.get(run as usize))
            .copied()
            .unwrap_or_default()
    }

    /// The net pay and the liabilities (withheld tax and social security, the
    /// employer's contributions) of `centers[js]` in payroll run `run` of month `month`.
    pub(crate) fn run_amounts(
        &self,
        month: u64,
        run: u64,
        js: std::ops::Range<usize>,
    ) -> (i64, i64) {
        js.fold((0, 0), |(net, liabilities), j| {
            let pay = self.run_pay(month, run, j);
            (
                net + pay.net(),
                liabilities + pay.withheld() + pay.employer_ss,
            )
        })
    }

    /// The payroll liabilities of month `month`'s runs (paid on the 10th of the next).
    pub(crate) fn liabilities(&self, month: u64) -> i64 {
        (0..self.runs)
            .map(|r| self.run_amounts(month, r, 0..self.centers.len()).1)
            .sum()
    }

    /// What the remittance of month `month` pays: the month before's liabilities (the
    /// first month's: those the books open with, a month like the first).
    pub(crate) fn remittance(&self, month: u64) -> i64 {
        self.liabilities(month.saturating_sub(1))
    }

    /// Company `c`'s fixed asset (index into `md.fixed_assets`) that `day` dates in
    /// each month of the period, if any: the one it buys, or the one it retires.
    fn assets_by_month(
        (config, economy, md): (&GeneratorConfig, &Economy, &MasterData),
        c: &CompanyBooks,
        day: impl Fn(&synth_model::FixedAsset) -> Option<Date>,
    ) -> Vec<Option<usize>> {
        let mut by_month = vec![None; config.months as usize];
        let (y0, m0, _) = economy.start.ymd();
        for (k, a) in md.fixed_assets.iter().enumerate() {
            if let Some(d) = day(a).filter(|d| a.company_code == c.code && *d >= economy.start) {
                let (y, m, _) = d.ymd();
                let month = ((y - y0) * 12 + m as i32 - m0 as i32) as usize;
                if let Some(slot) = by_month.get_mut(month) {
                    *slot = Some(k);
                }
            }
        }
        by_month
    }

    /// The schedules of every company (`diversions` says whom the payroll keeps paying
    /// after they left).
    pub fn all(
        config: &GeneratorConfig,
        economy: &Economy,
        md: &MasterData,
        diversions: &crate::world::diversions::Diversions,
    ) -> Vec<CompanySchedule> {
        let totals = company_totals(config, md, economy, diversions);
        let layout = Layout::new(config);
        economy
            .companies
            .iter()
            .enumerate()
            .map(|(ci, c)| Self::company(config, economy, md, (&totals, &layout), ci, c))
            .collect()
    }

    /// The schedule of company `ci`.
    fn company(
        config: &GeneratorConfig,
        economy: &Economy,
        md: &MasterData,
        (totals, layout): (&[CompanyTotals], &Layout),
        ci: usize,
        c: &CompanyBooks,
    ) -> CompanySchedule {
        let runs = layout.companies[ci].runs;
        let by_center = &totals[ci].payroll;
        let centers: Vec<usize> = (0..crate::world::pools::COST_CENTERS.len())
            .filter(|&k| by_center.iter().any(|row| row[k][0].salary > 0))
            .collect();
        let payroll: Vec<Vec<[Pay; 2]>> = by_center
            .iter()
            .map(|row| centers.iter().map(|&k| row[k]).collect())
            .collect();
        let staff = centers
            .iter()
            .map(|&k| {
                (md.employees.iter().enumerate())
                    .filter(|(_, e)| {
                        e.company_code == c.code
                            && e.cost_center == crate::world::pools::COST_CENTERS[k].0
                    })
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect();
        let mut s = CompanySchedule {
            opening: Vec::new(),
            items: Vec::new(),
            centers,
            payroll,
            staff,
            pay_rules: crate::world::employees::PayRules::of(c),
            runs,
            depreciation: totals[ci]
                .depreciation
                .iter()
                .map(|row| row.iter().map(|a| (*a).max(1)).collect())
                .collect(),
            capex: Self::assets_by_month((config, economy, md), c, |a| Some(a.acquisition_date)),
            disposals: Self::assets_by_month((config, economy, md), c, |a| a.disposal_date),
            rent: round_to(share::RENT * c.revenue_month, 10_000),
            rent_index_bp: 200
                + 50 * (crate::world::rng::record_key(config.seed, stream::RENT_INDEX, ci as u64)
                    % 5) as i64,
            rent_tax: c.tax.input[0],
            bank_fee: (share::BANK_CHARGES * c.revenue_month).round() as i64
                + (4_500.0 * c.fx) as i64,
            petty: crate::world::people::off_round(round_to(
                (1.25 * c.petty_month)
                    .max(crate::world::people::petty_cap(economy.price_scale, c.fx) as f64),
                10_000,
            )),
            accrual_base: share::ACCRUAL * c.revenue_month,
            vat_output: 0,
            vat_input: 0,
            vat_quarterly: config
                .companies
                .get(ci)
                .is_some_and(|c| c.vat_returns() == crate::config::VatReturns::Quarterly),
            vat_settlement_opening: 0,
            nexus: 0,
            income_tax_bp: crate::world::pools::income_tax_bp(c.country),
            income_tax_opening: 0,
            company: ci,
            seed: config.seed,
        };
        s.opening = Self::opening_balances((config, economy, md), &totals[ci], (ci, c), &mut s);
        s
    }

    /// The lines of company `ci`'s opening balances: cash for three months of spending
    /// (and a few of the largest sales, for small runs), two months of stock, the fixed
    /// assets at cost less depreciation, the year before's open items (kept in `s`)
    /// and liabilities; equity balances them.
    fn opening_balances(
        (config, economy, md): (&GeneratorConfig, &Economy, &MasterData),
        totals: &CompanyTotals,
        (ci, c): (usize, &CompanyBooks),
        s: &mut CompanySchedule,
    ) -> Vec<OpeningLine> {
        let large = economy.sale_p95 * 100.0 * c.fx;
        let bank = nice_ceil(3.3 * c.revenue_month + 5.0 * large).max(100_000);
        // Petty cash: 2.5 months of spending and three of the largest purchases.
        let cap = crate::world::people::petty_cap(economy.price_scale, c.fx) as f64;
        let cash = round_to(2.5 * c.petty_month + 3.0 * cap, 10_000);
        let inventory = nice_ceil(2.0 * c.cogs_month + 5.0 * large).max(10_000);
        let mut lines = vec![
            (acc::BANK, bank, None, "Opening balance"),
            (acc::CASH, cash, None, "Opening balance"),
            (acc::INVENTORY, inventory, None, "Opening balance"),
        ];
        for (k, (_, account, dep_account, _, _)) in ASSET_CLASSES.iter().enumerate() {
            let (cost, accumulated) = totals.assets[k];
            lines.push((*account, cost.max(1), None, "Opening balance, at cost"));
            lines.push((
                *dep_account,
                -accumulated.max(1),
                None,
                "Opening balance, accumulated depreciation",
            ));
        }
        let accrued: i64 = (0..ACCRUALS).map(|a| s.accrual(-1, a)).sum();
        lines.push((acc::ACCRUED, -accrued, None, "Opening balance"));
        lines.extend(Self::opening_tax((config, economy, md), (ci, c), s));
        lines.push((
            acc::PAYROLL_LIABILITIES,
            -s.remittance(0).max(1),
            None,
            "Opening balance",
        ));
        s.income_tax_opening = Self::income_tax_opening(config, c, s.income_tax_bp);
        lines.push((
            acc::INCOME_TAX_PAYABLE,
            -s.income_tax_opening,
            None,
            "Opening balance, income tax of the year before",
        ));
        // How long an invoice stays open: customers pay about ten days after their
        // terms, vendors are paid about five days early for the discount.
        let own = md.customers.iter().filter(|p| p.company_code == c.code);
        let open_days = (
            mean_terms(own.map(|p| p.payment_terms_days)) + 10.0,
            mean_terms(md.vendors.iter().map(|p| p.payment_terms_days)) - 5.0,
        );
        for k in 0..2 * open_items(config) {
            let item = s.open_item(config, economy, md, (ci, c, open_days), k);
            s.items.push(item);
            lines.push(match item.customer {
                true => (
                    acc::RECEIVABLES,
                    item.gross,
                    Some(item.partner_id),
                    "Open item, prior year",
                ),
                false => (
                    acc::PAYABLES,
                    -item.gross,
                    Some(item.partner_id),
                    "Open item, prior year",
                ),
            });
        }
        let net_assets: i64 = lines.iter().map(|l| l.1).sum();
        let capital = nice_floor(0.4 * net_assets as f64).max(1);
        lines.push((acc::SHARE_CAPITAL, -capital, None, "Opening balance"));
        lines.push((
            acc::RETAINED_EARNINGS,
            -(net_assets - capital),
            None,
            "Opening balance",
        ));
        lines
    }

    /// The tax lines of company `ci`'s opening balances (kept in `s`): the output and
    /// input tax of the month before, and of a quarterly filer the quarter's months
    /// before that on the settlement account.
    fn opening_tax(
        (config, economy, md): (&GeneratorConfig, &Economy, &MasterData),
        (ci, c): (usize, &CompanyBooks),
        s: &mut CompanySchedule,
    ) -> Vec<OpeningLine> {
        let mut lines = Vec::with_capacity(3);
        // Tax paid on account each month: the expected output and input tax of
        // the month before (standard rate 85%, reduced 10%, zero 5%).
        let average = |codes: [usize; 3]| {
            let r = |k: usize| crate::world::pools::TAX_CODES[codes[k]].3 as f64 / 10_000.0;
            0.85 * r(0) + 0.10 * r(1)
        };
        let input_rate = if crate::world::pools::TAX_CODES[c.tax.input[0]].4 == 0 {
            0.0
        } else {
            average(c.tax.input)
        };
        let (nexus, regional_rate) = crate::world::sales_tax::nexus(economy, md, ci, c);
        s.nexus = nexus;
        let output_rate = if c.country == "US" || c.country == "CA" {
            0.95 * regional_rate / 10_000.0
        } else {
            average(c.tax.output)
        };
        s.vat_output = round_to(VAT_ON_ACCOUNT * c.revenue_month * output_rate, 100);
        s.vat_input = if input_rate > 0.0 {
            round_to(VAT_ON_ACCOUNT * c.purchases_month / 1.1 * input_rate, 100)
        } else {
            0
        };
        lines.push((
            acc::OUTPUT_TAX,
            -s.vat_output,
            None,
            "Opening balance, tax of the month before",
        ));
        lines.push((
            acc::INPUT_TAX,
            s.vat_input,
            None,
            "Opening balance, tax of the month before",
        ));
        if s.vat_quarterly {
            // The months of the quarter moved to the settlement account before the
            // start: those before the month before the start (January: October and
            // November).
            let before = (config.start_month + 10) % 12;
            s.vat_settlement_opening = i64::from(before % 3) * (s.vat_output - s.vat_input);
            lines.push((
                acc::VAT_SETTLEMENT,
                -s.vat_settlement_opening,
                None,
                "Opening balance, tax of the quarter's months before",
            ));
        }
        lines
    }

    /// The year before's income tax less its prepayments, paid in May: a fifth of the
    /// year's tax on a 10% margin (none when the period starts after May).
    fn income_tax_opening(config: &GeneratorConfig, c: &CompanyBooks, bp: i64) -> i64 {
        if config.start_month > 5 {
            return 0;
        }
        round_to(
            0.2 * 0.10 * 12.0 * c.revenue_month * bp as f64 / 10_000.0,
            10_000,
        )
    }

    /// Open item `k` of company `ci`'s opening balances (customers first, then vendors),
    /// settled early in the period; `open_days`: how long a customer's and a vendor's invoice
    /// stays open.
    fn open_item(
        &self,
        config: &GeneratorConfig,
        economy: &Economy,
        md: &MasterData,
        (ci, c, (customer_days, vendor_days)): (usize, &CompanyBooks, (f64, f64)),
        k: usize,
    ) -> OpenItem {
        let cal = &c.calendar;
        let (start, end) = (economy.start, economy.end);
        let items = open_items(config);
        let customer = k < items;
        let j = k % items;
        let mut d = Draws::new(
            config.seed,
            stream::OPENING_DOCUMENT,
            (ci as u64) << 32 | k as u64,
        );
        let (partner, partner_id, terms, cap) = if customer {
            // The company's own customers, each within its credit limit.
            let n = economy.companies.len();
            let k = (ci + j * n) % md.customers.len();
            let p = &md.customers[k];
            (
                k,
                p.customer_id,
                p.payment_terms_days,
                p.credit_limit as f64 * 0.9,
            )
        } else {
            // The first vendors, whose bank accounts never change.
            let steady = md
                .vendors
                .len()
                .min(config.master_data.vendors as usize)
                .clamp(1, crate::world::bank::STEADY_VENDORS);
            let p = &md.vendors[j % steady];
            (j % steady, p.vendor_id, p.payment_terms_days, f64::MAX)
        };
        // A steady state: what a month's invoices leave open for the days they stay
        // open, spread over the items.
        let (base, days) = if customer {
            (c.revenue_month * 1.1, customer_days)
        } else {
            (c.purchases_month, vendor_days)
        };
        let share = base * days.max(7.0) / 30.4 / items as f64;
        let gross = (share * (0.7 + 0.6 * d.unit()))
            .min(cap * (0.5 + 0.4 * d.unit()))
            .round()
            .max(100.0) as i64;
        // Tax by the partner's country, as the cases have it: none on an invoice to or
        // from abroad (zero-rated export; the reverse charge is self-assessed).
        let abroad = if customer {
            md.customers[partner].country != c.country
        } else {
            md.vendors[partner].country != c.country
        };
        let rate = if abroad {
            0
        } else {
            crate::world::pools::TAX_CODES[if customer {
                self.sale_codes(c, &md.customers[partner])[0]
            } else {
                c.tax.input[0]
            }]
            .3
        };
        let net = (gross as f64 / (1.0 + rate as f64 / 10_000.0)).round() as i64;
        // Invoiced within its terms before the start, so due in the period.
        let date = start.add_days(-(1 + d.below(usize::from(terms.max(1))) as i32));
        let due = date.add_days(i32::from(terms));
        let mut settle = cal.next_working(due.add_days(d.below(12) as i32 - 3).max(start));
        if settle > end {
            settle = cal.previous_working(end);
        }
        OpenItem {
            customer,
            partner_id,
            partner,
            index: (ci as u64) << 32 | k as u64,
            date,
            due,
            settle,
            gross,
            tax: gross - net,
        }
    }

    /// Accrual `a` of month `m` (-1: the month before the period), a round amount.
    pub(crate) fn accrual(&self, m: i64, a: u64) -> i64 {
        let key = (self.company as u64) << 40 | ((m + 1) as u64) << 8 | a;
        let mut d = Draws::new(self.seed, stream::SCHEDULED, key);
        crate::world::people::off_round(round_to(
            self.accrual_base * libm::exp(0.35 * d.normal()),
            10_000,
        ))
    }
}

/// The mean of payment terms in days (30 for none).
fn mean_terms(terms: impl Iterator<Item = u16>) -> f64 {
    let (sum, n) = terms.fold((0f64, 0f64), |(s, n), t| (s + f64::from(t), n + 1.0));
    if n == 0.0 { 30.0 } else { sum / n }
}

/// Where each company-month's payslips are among the run's payslips, which are written
/// spread over the whole run (a share of them with every batch of entries), not with
/// the payroll entries at its start: their order is company, month, payroll run, cost
/// center (the order of `centers`), employee (the order of `staff`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SlipIndex {
    /// Per company-month: its first payslip, company, month, the payslips of each run
    /// before each cost center (`centers.len() + 1` counts per run, run after run, the
    /// last of each the run's), and how many of the month's payslips are written: all of
    /// them unless the run ends before some of the month's payroll entries, whose
    /// payslips are then not written.
    pub(crate) months: Vec<(u64, usize, u64, Vec<u64>, u64)>,
    /// Payslips in all.
    pub(crate) total: u64,
}

impl SlipIndex {
    /// The index of `schedules` (of the companies of `economy`), whose staff are in
    /// `md` and payroll entries where `layout` puts them.
    pub(crate) fn new(
        config: &GeneratorConfig,
        (economy, md): (&crate::world::economy::Economy, &MasterData),
        diversions: &crate::world::diversions::Diversions,
        schedules: &[CompanySchedule],
        layout: &crate::world::layout::Layout,
    ) -> Self {
        let mut index = SlipIndex::default();
        let entries = config.transactions.target_count;
        for (ci, s) in schedules.iter().enumerate() {
            let l = &layout.companies[ci];
            let country = economy.companies[ci].country;
            let runs = s.pay_rules.runs;
            for month in 0..u64::from(config.months) {
                let mut before = Vec::with_capacity((s.staff.len() + 1) * runs as usize);
                for run in 0..runs {
                    let mut n = 0u64;
                    for staff in &s.staff {
                        before.push(n);
                        n += staff
                            .iter()
                            .filter_map(|&i| md.employees.get(i as usize))
                            .filter(|e| {
                                crate::world::employees::month_pay(
                                    config,
                                    e,
                                    month,
                                    country,
                                    diversions.leaving(e),
                                )
                                .is_some_and(|p| p.in_run(run, runs))
                            })
                            .count() as u64;
                    }
                    before.push(n);
                }
                // The runs' payslips in order (run, then cost center) while their payroll
                // entry is among the run's entries.
                let base = l.offset + l.opening + month * l.per_month;
                let width = s.staff.len() + 1;
                let mut written = 0;
                'runs: for run in 0..runs {
                    let counts = &before[run as usize * width..(run as usize + 1) * width];
                    for j in 0..s.staff.len() {
                        let chunk = (j / l.centers_per_chunk.max(1)) as u64;
                        if base + run * (1 + l.payroll_chunks) + 1 + chunk >= entries {
                            break 'runs;
                        }
                        written += counts[j + 1] - counts[j];
                    }
                }
                index.months.push((index.total, ci, month, before, written));
                index.total += written;
            }
        }
        index
    }
}
