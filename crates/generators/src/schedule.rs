//! Scheduled postings: each company opens its books with balances (and settles the
//! open items it opened with), then posts, every month, the same fixed set: payroll
//! (funding, runs, remittance of the withheld tax and social security), depreciation,
//! month-end accruals and their reversal on the first working day of the next month,
//! rent, bank charges, interest and the petty cash top-up.
//!
//! They take the first entry indices of a run, in a fixed number of slots per company
//! and month, so the index of each is known from the config alone.

use crate::config::GeneratorConfig;
use crate::journal::{Head, JournalGenerator};
use crate::world::economy::{Economy, nice_ceil, share, tax_of};
use crate::world::layout::{ACCRUALS, Layout, OPEN_ITEMS};
use crate::world::master::{MasterData, company_totals};
use crate::world::pools::{ASSET_CLASSES, accounts as acc, centers, users};
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{Batch, Date, Document, days_in_month};

/// Share of the expected tax of a month paid on account (the rest is settled with the
/// annual return, after the period).
const VAT_ON_ACCOUNT: f64 = 0.9;
/// Share of gross salaries withheld (income tax, employee's social security).
const WITHHOLDING: f64 = 0.25;

/// A receivable or payable a company opens with, settled early in the period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenItem {
    customer: bool,
    partner_id: u128,
    /// Index of the partner in its master table.
    partner: usize,
    index: u64,
    date: Date,
    due: Date,
    settle: Date,
    gross: i64,
    tax: i64,
}

/// The amounts of one company's scheduled postings, in minor units.
#[derive(Debug, Clone)]
pub(crate) struct CompanySchedule {
    opening: Vec<(u32, i64, Option<u128>, &'static str)>,
    items: Vec<OpenItem>,
    salaries: Vec<(usize, i64)>,
    social_security_bp: i64,
    run_net: [i64; 2],
    remittance: i64,
    depreciation: Vec<i64>,
    rent: i64,
    rent_tax: usize,
    bank_fee: i64,
    interest: i64,
    petty: i64,
    accrual_base: f64,
    vat_output: i64,
    vat_input: i64,
    company: usize,
    seed: u64,
}

fn round_to(x: f64, unit: i64) -> i64 {
    ((x / unit as f64).round() as i64).max(1) * unit
}

fn nice_floor(x: f64) -> i64 {
    if x <= 1.0 {
        return 0;
    }
    let mag = libm::pow(10.0, libm::floor(libm::log10(x)) - 1.0);
    (libm::floor(x / mag) * mag) as i64
}

impl CompanySchedule {
    /// The gross salary of cost center entry `k` in payroll run `run` of `runs`.
    fn run_gross(gross: i64, run: u64, runs: u64) -> i64 {
        if runs <= 1 {
            gross
        } else if run == 0 {
            gross / 2
        } else {
            gross - gross / 2
        }
    }

    /// The schedules of every company.
    pub fn all(
        config: &GeneratorConfig,
        economy: &Economy,
        md: &MasterData,
    ) -> Vec<CompanySchedule> {
        let totals = company_totals(md, economy);
        let layout = Layout::new(config);
        economy
            .companies
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let runs = layout.companies[ci].runs;
                let salaries = totals[ci].salaries.clone();
                let mut run_net = [0i64; 2];
                let mut run_liabilities = [0i64; 2];
                for r in 0..runs.min(2) {
                    for (_, g) in &salaries {
                        let gross = Self::run_gross(*g, r, runs);
                        let withheld = (gross as f64 * WITHHOLDING).round() as i64;
                        let ss = (gross as i128 * i128::from(c.social_security_bp) / 10_000) as i64;
                        run_net[r as usize] += gross - withheld;
                        run_liabilities[r as usize] += withheld + ss;
                    }
                }
                let remittance = run_liabilities.iter().sum::<i64>();
                let mut s = CompanySchedule {
                    opening: Vec::new(),
                    items: Vec::new(),
                    salaries,
                    social_security_bp: c.social_security_bp,
                    run_net,
                    remittance,
                    depreciation: totals[ci].assets.iter().map(|a| a.2.max(1)).collect(),
                    rent: round_to(share::RENT * c.revenue_month, 10_000),
                    rent_tax: c.tax.input[0],
                    bank_fee: (share::BANK_CHARGES * c.revenue_month).round() as i64
                        + (4_500.0 * c.fx) as i64,
                    interest: 0,
                    petty: crate::world::people::off_round(round_to(
                        (1.25 * c.petty_month)
                            .max(crate::world::people::petty_cap(economy.price_scale, c.fx) as f64),
                        10_000,
                    )),
                    accrual_base: share::ACCRUAL * c.revenue_month,
                    vat_output: 0,
                    vat_input: 0,
                    company: ci,
                    seed: config.seed,
                };
                // Opening balances: enough cash for three months of spending, two months
                // of stock, the fixed assets at cost less depreciation so far, the open
                // items and liabilities of the year before; equity balances them.
                // A few of the largest sales on top, so that small runs (few, uneven cases)
                // stay positive too.
                let large = economy.sale_p95 * 100.0 * c.fx;
                let bank = nice_ceil(3.3 * c.revenue_month + 5.0 * large).max(100_000);
                // Petty cash: two and a half months of spending, and at least three of the
                // largest purchases (so that few, large ones cannot empty it).
                let cap = crate::world::people::petty_cap(economy.price_scale, c.fx) as f64;
                let cash = round_to(2.5 * c.petty_month + 3.0 * cap, 10_000);
                let inventory = nice_ceil(2.0 * c.cogs_month + 5.0 * large).max(10_000);
                s.interest = (bank as f64 * 0.02 / 12.0).round().max(100.0) as i64;
                let mut lines = vec![
                    (acc::BANK, bank, None, "Opening balance"),
                    (acc::CASH, cash, None, "Opening balance"),
                    (acc::INVENTORY, inventory, None, "Opening balance"),
                ];
                for (k, (_, account, dep_account, _, _)) in ASSET_CLASSES.iter().enumerate() {
                    let (cost, accumulated, _) = totals[ci].assets[k];
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
                s.vat_output = round_to(
                    VAT_ON_ACCOUNT * c.revenue_month * average(c.tax.output),
                    100,
                );
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
                lines.push((
                    acc::PAYROLL_LIABILITIES,
                    -remittance.max(1),
                    None,
                    "Opening balance",
                ));
                let cal = &c.calendar;
                let (start, end) = (economy.start, economy.end);
                for k in 0..2 * OPEN_ITEMS {
                    let customer = k < OPEN_ITEMS;
                    let j = k % OPEN_ITEMS;
                    let mut d = Draws::new(
                        config.seed,
                        stream::OPENING_DOCUMENT,
                        (ci as u64) << 32 | k as u64,
                    );
                    let (partner, partner_id, terms, cap) = if customer {
                        // The company's own biggest customers.
                        let n = economy.companies.len();
                        let k = (ci + j * n) % md.customers.len();
                        let p = &md.customers[k];
                        (
                            k,
                            p.customer_id,
                            p.payment_terms_days,
                            p.credit_limit as f64 / 3.0,
                        )
                    } else {
                        let configured = md
                            .vendors
                            .len()
                            .min(config.master_data.vendors as usize)
                            .max(1);
                        let p = &md.vendors[j % configured];
                        (j % configured, p.vendor_id, p.payment_terms_days, f64::MAX)
                    };
                    let base = if customer {
                        c.revenue_month * 1.1
                    } else {
                        c.purchases_month
                    };
                    let gross = (0.04 * base * (0.6 + 0.8 * d.unit()))
                        .min(cap * (0.5 + 0.4 * d.unit()))
                        .round()
                        .max(100.0) as i64;
                    let rate = crate::world::pools::TAX_CODES[if customer {
                        c.tax.output[0]
                    } else {
                        c.tax.input[0]
                    }]
                    .3;
                    let net = (gross as f64 / (1.0 + rate as f64 / 10_000.0)).round() as i64;
                    let date = start.add_days(-(3 + d.below(30) as i32));
                    let due = date.add_days(i32::from(terms));
                    let mut settle =
                        cal.next_working(due.add_days(d.below(12) as i32 - 3).max(start));
                    if settle > end {
                        settle = cal.previous_working(end);
                    }
                    s.items.push(OpenItem {
                        customer,
                        partner_id,
                        partner,
                        index: (ci as u64) << 32 | k as u64,
                        date,
                        due,
                        settle,
                        gross,
                        tax: gross - net,
                    });
                    if customer {
                        lines.push((
                            acc::RECEIVABLES,
                            gross,
                            Some(partner_id),
                            "Open item, prior year",
                        ));
                    } else {
                        lines.push((
                            acc::PAYABLES,
                            -gross,
                            Some(partner_id),
                            "Open item, prior year",
                        ));
                    }
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
                s.opening = lines;
                s
            })
            .collect()
    }

    /// Accrual `a` of month `m` (-1: the month before the period), a round amount.
    fn accrual(&self, m: i64, a: u64) -> i64 {
        let key = (self.company as u64) << 40 | ((m + 1) as u64) << 8 | a;
        let mut d = Draws::new(self.seed, stream::SCHEDULED, key);
        crate::world::people::off_round(round_to(
            self.accrual_base * libm::exp(0.35 * d.normal()),
            10_000,
        ))
    }
}

impl JournalGenerator {
    /// Scheduled entry `i` (below `layout.total`).
    pub(crate) fn scheduled(&self, i: u64, md: &MasterData, batch: &mut Batch) {
        let layout = &self.layout;
        let ci = layout
            .companies
            .partition_point(|c| c.offset <= i)
            .saturating_sub(1);
        let l = &layout.companies[ci];
        let s = &self.schedules[ci];
        let c = &self.economy.companies[ci];
        let cal = &c.calendar;
        let r = i - l.offset;
        let entry_id = self.entry_id(i);
        let first_line = batch.lines.len();
        let mut d = Draws::new(self.config.seed, stream::SCHEDULED, i);
        let start = self.economy.start;
        let mut head = Head {
            index: i,
            company: ci,
            posting: start,
            document_date: start,
            document_type: "SA",
            process: "opening_balances",
            manual: false,
            user: users::GL_AUTO,
            approval: false,
            header_text: "Opening balances",
            document_id: None,
            reversal_of: None,
            partner_flow: None,
            ..Head::CLEAN
        };
        if r < l.opening_chunks {
            let per = l.lines_per_opening;
            let from = r as usize * per;
            let lines = &s.opening[from.min(s.opening.len())..(from + per).min(s.opening.len())];
            let mut sum = 0;
            for &(account, amount, partner, text) in lines {
                Self::line(batch, entry_id, account, amount, None, None, partner, text);
                sum += amount;
            }
            Self::line(
                batch,
                entry_id,
                acc::OPENING_CLEARING,
                -sum,
                None,
                None,
                None,
                "Opening balance clearing",
            );
            self.close(batch, &head, first_line, &mut d);
            return;
        }
        if r < l.opening {
            let item = s.items[(r - l.opening_chunks) as usize];
            self.settle_open_item(&item, &mut head, batch, entry_id, md);
            self.close(batch, &head, first_line, &mut d);
            return;
        }
        let month = (r - l.opening) / l.per_month;
        let mut q = (r - l.opening) % l.per_month;
        let (y, m) = {
            let t = i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month) - 1
                + month as i64;
            ((t / 12) as i32, (t % 12) as u32 + 1)
        };
        let first = Date::from_ymd(y, m, 1).unwrap_or(start);
        let last = Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(start);
        let ss_bp = s.social_security_bp;
        // Payroll: per run, the funding of the payroll account, then the run's entries.
        for run in 0..l.runs {
            let pay_day = if l.runs == 1 {
                cal.previous_working(Date::from_ymd(y, m, 25).unwrap_or(last))
            } else if run == 0 {
                cal.previous_working(Date::from_ymd(y, m, 15).unwrap_or(last))
            } else {
                cal.previous_working(last)
            };
            if q == 0 {
                let net = s.run_net[run.min(1) as usize];
                Self::line(
                    batch,
                    entry_id,
                    acc::PAYROLL_BANK,
                    net,
                    None,
                    None,
                    None,
                    "Transfer for net salaries",
                );
                Self::line(
                    batch,
                    entry_id,
                    acc::BANK,
                    -net,
                    None,
                    None,
                    None,
                    "Transfer to payroll account",
                );
                let day = cal.previous_working(pay_day.add_days(-1));
                head = Head {
                    posting: day,
                    document_date: day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYRUN,
                    approval: true,
                    header_text: "Payroll funding",
                    ..head
                };
                self.close(batch, &head, first_line, &mut d);
                return;
            }
            if q <= l.payroll_chunks {
                let k = (q - 1) as usize;
                let from = k * l.centers_per_chunk;
                let chunk = &s.salaries[from.min(s.salaries.len())
                    ..(from + l.centers_per_chunk).min(s.salaries.len())];
                let (mut net, mut liabilities) = (0, 0);
                for &(cc, g) in chunk {
                    let gross = CompanySchedule::run_gross(g, run, l.runs);
                    let withheld = (gross as f64 * WITHHOLDING).round() as i64;
                    let ss = (gross as i128 * i128::from(ss_bp) / 10_000) as i64;
                    Self::line(
                        batch,
                        entry_id,
                        acc::SALARIES,
                        gross,
                        None,
                        Some(cc),
                        None,
                        "Gross salaries",
                    );
                    Self::line(
                        batch,
                        entry_id,
                        acc::SOCIAL_SECURITY,
                        ss,
                        None,
                        Some(cc),
                        None,
                        "Employer contributions",
                    );
                    net += gross - withheld;
                    liabilities += withheld + ss;
                }
                Self::line(
                    batch,
                    entry_id,
                    acc::PAYROLL_BANK,
                    -net,
                    None,
                    None,
                    None,
                    "Net salaries",
                );
                Self::line(
                    batch,
                    entry_id,
                    acc::PAYROLL_LIABILITIES,
                    -liabilities,
                    None,
                    None,
                    None,
                    "Withholding tax and social security",
                );
                head = Head {
                    posting: pay_day,
                    document_date: pay_day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYROLL,
                    header_text: "Payroll run",
                    ..head
                };
                self.close(batch, &head, first_line, &mut d);
                return;
            }
            q -= 1 + l.payroll_chunks;
        }
        let (text, day, doc_type, process, user, manual, approval): (
            &'static str,
            Date,
            &str,
            &str,
            &str,
            bool,
            bool,
        );
        if q == 0 {
            Self::line(
                batch,
                entry_id,
                acc::PAYROLL_LIABILITIES,
                s.remittance,
                None,
                None,
                None,
                "Remittance to tax office and social security",
            );
            Self::line(
                batch,
                entry_id,
                acc::BANK,
                -s.remittance,
                None,
                None,
                None,
                "Remittance",
            );
            (text, day, doc_type, process, user, manual, approval) = (
                "Payroll taxes and social security",
                cal.next_working(first.add_days(9)),
                "PR",
                "payroll",
                users::PAYRUN,
                false,
                true,
            );
        } else if q <= l.depreciation_chunks {
            let k = (q - 1) as usize;
            let from = k * l.classes_per_chunk;
            let to = (from + l.classes_per_chunk).min(ASSET_CLASSES.len());
            for (class, info) in ASSET_CLASSES.iter().enumerate().take(to).skip(from) {
                let amount = s.depreciation[class];
                Self::line(
                    batch,
                    entry_id,
                    acc::DEPRECIATION,
                    amount,
                    None,
                    Some(centers::ASSET_CENTERS[class]),
                    None,
                    "Depreciation",
                );
                Self::line(
                    batch,
                    entry_id,
                    info.2,
                    -amount,
                    None,
                    None,
                    None,
                    "Accumulated depreciation",
                );
            }
            (text, day, doc_type, process, user, manual, approval) = (
                "Depreciation run",
                last,
                "AA",
                "fixed_assets",
                users::ASSETS,
                false,
                false,
            );
        } else {
            let q = q - 1 - l.depreciation_chunks;
            if q < 2 * ACCRUALS {
                let a = q % ACCRUALS;
                let account = acc::ACCRUED_EXPENSES
                    [((month + a) % acc::ACCRUED_EXPENSES.len() as u64) as usize];
                let cc =
                    centers::OVERHEAD[(a as usize * 3 + month as usize) % centers::OVERHEAD.len()];
                if q < ACCRUALS {
                    let amount = s.accrual(month as i64, a);
                    Self::accrual_lines(
                        batch,
                        entry_id,
                        (account, cc),
                        amount,
                        "Month-end accrual",
                    );
                    (text, day, doc_type, process, user, manual, approval) = (
                        "Month-end accrual",
                        cal.previous_working(last),
                        "SA",
                        "period_close",
                        crate::world::people::pick_user(users::GL, &mut d),
                        true,
                        true,
                    );
                } else {
                    // The reversal of the previous month's accrual `a` (for the first
                    // month, of the accrual the books opened with).
                    let prev = month as i64 - 1;
                    let prev_account =
                        acc::ACCRUED_EXPENSES[(((month + acc::ACCRUED_EXPENSES.len() as u64 - 1)
                            + a)
                            % acc::ACCRUED_EXPENSES.len() as u64)
                            as usize];
                    let prev_cc = centers::OVERHEAD[(a as usize * 3
                        + month as usize
                        + centers::OVERHEAD.len()
                        - 1)
                        % centers::OVERHEAD.len()];
                    let amount = s.accrual(prev, a);
                    Self::line(
                        batch,
                        entry_id,
                        acc::ACCRUED,
                        amount,
                        None,
                        None,
                        None,
                        "Accrued liabilities",
                    );
                    Self::line(
                        batch,
                        entry_id,
                        prev_account,
                        -amount,
                        None,
                        Some(prev_cc),
                        None,
                        "Reversal of accrual",
                    );
                    if prev >= 0 {
                        let accrual_index = l.offset
                            + l.opening
                            + (month - 1) * l.per_month
                            + l.runs * (1 + l.payroll_chunks)
                            + 1
                            + l.depreciation_chunks
                            + a;
                        head.reversal_of = Some(self.entry_id(accrual_index));
                    }
                    (text, day, doc_type, process, user, manual, approval) = (
                        "Reversal of month-end accrual",
                        cal.next_working(first),
                        "SA",
                        "period_close",
                        users::GL_AUTO,
                        false,
                        false,
                    );
                }
            } else {
                match q - 2 * ACCRUALS {
                    0 => {
                        let tax = tax_of(s.rent_tax, s.rent);
                        Self::line(
                            batch,
                            entry_id,
                            acc::RENT,
                            s.rent,
                            Some(s.rent_tax),
                            Some(centers::FACILITIES),
                            None,
                            "Office and warehouse rent",
                        );
                        Self::tax_line(batch, entry_id, s.rent_tax, tax);
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK,
                            -(s.rent + tax),
                            None,
                            None,
                            None,
                            "Standing order",
                        );
                        (text, day, doc_type, process, user, manual, approval) = (
                            "Rent",
                            cal.next_working(first),
                            "ZB",
                            "treasury",
                            users::BANK,
                            false,
                            false,
                        );
                    }
                    1 => {
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK_CHARGES,
                            s.bank_fee,
                            None,
                            Some(centers::FINANCE),
                            None,
                            "Account fees",
                        );
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK,
                            -s.bank_fee,
                            None,
                            None,
                            None,
                            "Bank charges",
                        );
                        (text, day, doc_type, process, user, manual, approval) = (
                            "Bank charges",
                            cal.previous_working(last),
                            "ZB",
                            "treasury",
                            users::BANK,
                            false,
                            false,
                        );
                    }
                    2 => {
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK,
                            s.interest,
                            None,
                            None,
                            None,
                            "Interest credited",
                        );
                        Self::line(
                            batch,
                            entry_id,
                            acc::INTEREST_INCOME,
                            -s.interest,
                            None,
                            Some(centers::FINANCE),
                            None,
                            "Interest income",
                        );
                        (text, day, doc_type, process, user, manual, approval) = (
                            "Interest",
                            cal.previous_working(last),
                            "ZB",
                            "treasury",
                            users::BANK,
                            false,
                            false,
                        );
                    }
                    4 => {
                        Self::line(
                            batch,
                            entry_id,
                            acc::OUTPUT_TAX,
                            s.vat_output,
                            None,
                            None,
                            None,
                            "Output tax of the month before",
                        );
                        Self::line(
                            batch,
                            entry_id,
                            acc::INPUT_TAX,
                            -s.vat_input,
                            None,
                            None,
                            None,
                            "Input tax of the month before",
                        );
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK,
                            s.vat_input - s.vat_output,
                            None,
                            None,
                            None,
                            "Tax payment on account",
                        );
                        (text, day, doc_type, process, user, manual, approval) = (
                            "Tax payment on account",
                            cal.next_working(first.add_days(9)),
                            "ZB",
                            "treasury",
                            users::PAYRUN,
                            false,
                            true,
                        );
                    }
                    _ => {
                        Self::line(
                            batch,
                            entry_id,
                            acc::CASH,
                            s.petty,
                            None,
                            None,
                            None,
                            "Petty cash top-up",
                        );
                        Self::line(
                            batch,
                            entry_id,
                            acc::BANK,
                            -s.petty,
                            None,
                            None,
                            None,
                            "Cash withdrawal",
                        );
                        (text, day, doc_type, process, user, manual, approval) = (
                            "Petty cash replenishment",
                            cal.next_working(first),
                            "SA",
                            "treasury",
                            crate::world::people::pick_user(users::GL, &mut d),
                            true,
                            true,
                        );
                    }
                }
            }
        }
        head = Head {
            posting: day,
            document_date: day,
            document_type: doc_type,
            process,
            user,
            manual,
            approval,
            header_text: text,
            ..head
        };
        self.close(batch, &head, first_line, &mut d);
    }

    /// The receipt or payment that settles an open item of the opening balances, and
    /// (with documents on) the invoice it settles and its own document.
    fn settle_open_item(
        &self,
        item: &OpenItem,
        head: &mut Head,
        batch: &mut Batch,
        entry_id: u128,
        md: &MasterData,
    ) {
        let seed = self.config.seed;
        let invoice = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2);
        let payment = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2 + 1);
        if item.customer {
            Self::line(
                batch,
                entry_id,
                acc::BANK,
                item.gross,
                None,
                None,
                None,
                "Incoming payment",
            );
            Self::line(
                batch,
                entry_id,
                acc::RECEIVABLES,
                -item.gross,
                None,
                None,
                Some(item.partner_id),
                "Cleared item",
            );
        } else {
            Self::line(
                batch,
                entry_id,
                acc::PAYABLES,
                item.gross,
                None,
                None,
                Some(item.partner_id),
                "Cleared item",
            );
            Self::line(
                batch,
                entry_id,
                acc::BANK,
                -item.gross,
                None,
                None,
                None,
                "Outgoing payment",
            );
        }
        let docs = self.config.documents.enabled;
        *head = Head {
            posting: item.settle,
            document_date: item.settle,
            document_type: if item.customer { "DZ" } else { "KZ" },
            process: if item.customer {
                "order_to_cash"
            } else {
                "procure_to_pay"
            },
            manual: false,
            user: if item.customer {
                users::BANK
            } else {
                users::PAYRUN
            },
            approval: !item.customer,
            header_text: if item.customer {
                "Incoming payment"
            } else {
                "Payment run"
            },
            document_id: docs.then_some(payment),
            reversal_of: None,
            partner_flow: Some((item.partner_id, !item.customer)),
            ..*head
        };
        if docs {
            let c = &self.economy.companies[head.company];
            let doc =
                |id, document_type, date, due_date, tax_amount, reference, entry_id| Document {
                    document_id: id,
                    document_type,
                    company_code: c.code,
                    partner_id: item.partner_id,
                    document_date: date,
                    due_date,
                    amount: item.gross,
                    tax_amount,
                    discount_amount: 0,
                    currency: c.currency,
                    status: if due_date.is_some() {
                        "paid"
                    } else {
                        "completed"
                    },
                    reference_document_id: reference,
                    entry_id,
                    item_count: 0,
                    bank_account: None,
                };
            let (inv_type, pay_type) = if item.customer {
                ("customer_invoice", "receipt")
            } else {
                ("vendor_invoice", "payment")
            };
            batch.documents.push(doc(
                invoice,
                inv_type,
                item.date,
                Some(item.due),
                item.tax,
                None,
                None,
            ));
            batch.documents.push(Document {
                bank_account: (!item.customer)
                    .then(|| self.vendor_account(md, item.partner, item.settle)),
                ..doc(
                    payment,
                    pay_type,
                    item.settle,
                    None,
                    0,
                    Some(invoice),
                    Some(entry_id),
                )
            });
        }
    }
}
