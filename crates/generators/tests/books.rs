//! The books a run generates are a company's that could exist: payments follow their
//! invoices, bank accounts stay positive, margins are plausible, tax is a rate, and
//! scheduled postings run on schedule. (The same questions are asked of real output
//! files in DuckDB by `docs/snippets/check_books.py` in CI.)

use std::collections::HashMap;
use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
use synth_model::{Date, Document};

fn run(entries: u64) -> (JournalGenerator, Batch) {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = entries;
    // Clean books: the labelled irregularities are checked in `anomalies.rs`.
    c.anomalies.enabled = false;
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..entries).expect("valid range");
    (g, b)
}

/// Each company's currency, by company code.
fn home_currencies(md: &synth_generators::MasterData) -> HashMap<&str, &str> {
    md.companies
        .iter()
        .map(|c| (c.company_code.as_str(), c.currency.as_str()))
        .collect()
}

/// The rate from `from` to `to` of `day` in `fx_rates` (a weekend's: Friday's).
fn rate_on(md: &synth_generators::MasterData, from: &str, to: &str, day: Date) -> i64 {
    md.fx_rates
        .iter()
        .filter(|r| r.from_currency == from && r.to_currency == to && r.rate_date <= day)
        .max_by_key(|r| r.rate_date)
        .map_or(0, |r| r.rate)
}

/// Employee `e`'s account on `day`, as the employee master and its change log say.
fn account_on(
    md: &synth_generators::MasterData,
    e: &synth_model::Employee,
    day: synth_model::Date,
) -> synth_model::BankAccount {
    // The log is by time: the last change on or before the day, else the first's old.
    let changes: Vec<_> = md
        .employee_bank_changes
        .iter()
        .filter(|c| c.employee_id == e.employee_id)
        .collect();
    match changes.iter().rev().find(|c| c.changed_at.date() <= day) {
        Some(c) => c.new_bank_account,
        None => changes
            .first()
            .map_or(e.bank_account, |c| c.old_bank_account),
    }
}

#[test]
fn a_year_of_books_makes_business_sense() {
    let (g, b) = run(300_000);
    let md = g.master_data();
    assert_eq!(b.entries.len(), 300_000, "exactly the entries asked for");
    // Each: opening (1 balance entry, 2 x 75 open items settled) + 12 x 15 (US: two
    // payroll runs) or 12 x 13 (Germany) before the asset purchases + 6 income tax postings (4 prepayments, the
    // provision, last year's settlement) + the year-end closing + 12 x 2 for the
    // month's fixed asset (invoice, payment) + 12 x 2 for the asset retired (retirement,
    // sale) + 12 cycle counts + 12 revaluations of the open items in foreign currency
    // + 12 x 2 for the month's intercompany charge (the US company's invoice and
    // receipt, the German one's posting of it and payment) + 12 x 2 for its shipment of
    // goods (the same four) + 12 for the group loan (its payment in January, its
    // interest after: the US company's side, the German one's).
    assert_eq!(g.scheduled_entries(), 470 + 446);
    let accounts: HashMap<u32, &synth_model::Account> =
        md.accounts.iter().map(|a| (a.account, a)).collect();
    let entry_of: HashMap<u128, &synth_model::JournalEntry> =
        b.entries.iter().map(|e| (e.entry_id, e)).collect();

    // Payments: after their invoice, never more than it in total.
    let docs: HashMap<u128, &Document> = b.documents.iter().map(|d| (d.document_id, d)).collect();
    let mut paid: HashMap<u128, i64> = HashMap::new();
    let mut payments = 0;
    for p in b
        .documents
        .iter()
        .filter(|d| matches!(d.document_type, "payment" | "receipt"))
    {
        let invoice = docs[&p
            .reference_document_id
            .expect("a payment references its invoice")];
        assert!(
            p.document_date > invoice.document_date,
            "{p:?} before {invoice:?}"
        );
        if let (Some(pe), Some(ie)) = (p.entry_id, invoice.entry_id) {
            assert!(entry_of[&pe].posting_date > entry_of[&ie].posting_date);
        }
        *paid.entry(invoice.document_id).or_default() += p.amount;
        payments += 1;
    }
    assert!(payments > 50_000, "{payments} payments");
    for (invoice, amount) in &paid {
        assert!(*amount <= docs[invoice].amount, "invoice over-paid");
    }

    // Month-end balances of bank and cash, and the profit and loss, per company.
    let mut flows: HashMap<(String, u32, u8), i64> = HashMap::new();
    let mut pl: HashMap<String, [i64; 3]> = HashMap::new();
    let mut payroll_runs: HashMap<(String, u8), u32> = HashMap::new();
    let mut k = 0;
    for e in &b.entries {
        let lines = &b.lines[k..k + e.line_count as usize];
        k += lines.len();
        if e.fiscal_period == 13 {
            // The year-end closing: checked in `taxes_and_petty_cash_settle_...`.
            continue;
        }
        let company = e.company_code.as_str().to_string();
        if e.header_text == "Payroll run" {
            *payroll_runs
                .entry((company.clone(), e.fiscal_period))
                .or_default() += 1;
        }
        for l in lines {
            let a = accounts[&l.account];
            let net = l.debit - l.credit;
            if matches!(l.account, 100000 | 110000 | 111000) {
                *flows
                    .entry((company.clone(), l.account, e.fiscal_period))
                    .or_default() += net;
            }
            let is_pl = matches!(a.account_type, "revenue" | "expense");
            assert_eq!(
                is_pl,
                l.cost_center.is_some(),
                "cost center on P&L lines only: {l:?}"
            );
            let p = pl.entry(company.clone()).or_default();
            if (400000..450000).contains(&l.account) {
                p[0] -= net;
            }
            if matches!(l.account, 500000 | 505000) {
                p[1] += net;
            }
            if is_pl {
                p[2] -= net;
            }
        }
    }
    for company in ["1000", "2000"] {
        for account in [100000, 110000, 111000] {
            let mut balance = 0;
            for month in 1..=12 {
                balance += flows
                    .get(&(company.to_string(), account, month))
                    .copied()
                    .unwrap_or(0);
                assert!(balance >= 0, "{company} {account} month {month}: {balance}");
            }
        }
        let [revenue, cogs, profit] = pl[company];
        let gross = (revenue - cogs) as f64 / revenue as f64;
        let net = profit as f64 / revenue as f64;
        assert!(
            (0.20..=0.60).contains(&gross),
            "{company}: gross margin {gross}"
        );
        assert!((-0.05..=0.25).contains(&net), "{company}: net margin {net}");
    }
    assert!(payroll_runs.values().all(|n| *n <= 2), "{payroll_runs:?}");
    assert_eq!(
        payroll_runs.len(),
        24,
        "payroll every month in both companies"
    );
}

#[test]
fn tax_is_the_rate_times_the_net_and_approvals_respect_limits() {
    let (g, b) = run(100_000);
    let md = g.master_data();
    let rates: HashMap<&str, i64> = md
        .tax_codes
        .iter()
        .map(|t| (t.tax_code, t.rate_percent))
        .collect();
    let limits: HashMap<&str, &synth_model::User> =
        md.users.iter().map(|u| (u.user_id, u)).collect();
    let mut k = 0;
    let mut taxed = 0;
    for e in &b.entries {
        let lines = &b.lines[k..k + e.line_count as usize];
        k += lines.len();
        let total: i64 = lines.iter().map(|l| l.debit).sum();
        if let Some(approver) = e.approved_by {
            assert_ne!(approver, e.user_id, "no self-approval");
            let limit = limits[approver].limit_on(e.created_at.date());
            assert!(
                total <= limit,
                "{approver} approved {total} on {:?}",
                e.created_at
            );
        }
        assert!(limits.contains_key(e.user_id), "unknown user {}", e.user_id);
        let Some(code) = lines.iter().find_map(|l| l.tax_code) else {
            continue;
        };
        let (mut net, mut tax) = (0i64, 0i64);
        for l in lines.iter().filter(|l| l.tax_code == Some(code)) {
            if matches!(l.account, 145000 | 220000) {
                tax += l.debit + l.credit;
            } else {
                net += l.debit - l.credit;
            }
        }
        let expected = (net.abs() as f64 * rates[code] as f64 / 10_000.0).round() as i64;
        // The reverse charge posts the tax twice: input and output, self-assessed.
        let tax = if code.ends_with("-IRC") { tax / 2 } else { tax };
        assert!((tax - expected).abs() <= 1, "{code}: tax {tax} on {net}");
        taxed += 1;
    }
    assert!(taxed > 30_000, "{taxed} taxed entries");
}

#[test]
fn manual_entries_are_entered_on_working_days_in_office_hours() {
    let (_, b) = run(100_000);
    let holidays: Vec<Date> = synth_generators::holidays("US", 2024)
        .into_iter()
        .chain(synth_generators::holidays("DE", 2024))
        .collect();
    let mut manual = 0;
    for e in b.entries.iter().filter(|e| e.source == "manual") {
        let country_holidays = if e.company_code.as_str() == "1000" {
            synth_generators::holidays("US", 2024)
        } else {
            synth_generators::holidays("DE", 2024)
        };
        assert!(
            !e.posting_date.is_weekend() && !country_holidays.contains(&e.posting_date),
            "{e:?}"
        );
        let hour = e.created_at.seconds_of_day() / 3600;
        assert!((7..19).contains(&hour), "{e:?}");
        assert_eq!(e.created_at.date(), e.posting_date);
        manual += 1;
    }
    assert!(manual > 10_000 && !holidays.is_empty());
}

#[test]
fn taxes_and_petty_cash_settle_what_the_books_hold() {
    let (_, b) = run(200_000);
    let mut lines_of: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines_of.entry(l.entry_id).or_default().push(l);
    }
    // Per company: profit before income tax, income tax expense, each account's balance
    // at the end, December's output tax, and per month the petty cash spent and the
    // top-up.
    let mut profit: HashMap<&str, i64> = HashMap::new();
    let mut tax: HashMap<&str, i64> = HashMap::new();
    let mut balance: HashMap<(&str, u32), i64> = HashMap::new();
    let mut december: HashMap<&str, i64> = HashMap::new();
    let mut spent: HashMap<(&str, u8), i64> = HashMap::new();
    let mut top_up: HashMap<(&str, u8), i64> = HashMap::new();
    // What the closing entries carried to retained earnings, and the P&L balance after.
    let mut carried: HashMap<&str, i64> = HashMap::new();
    let mut pl_after: HashMap<&str, i64> = HashMap::new();
    for e in &b.entries {
        let c = e.company_code.as_str();
        if e.fiscal_period == 13 {
            assert_eq!(
                e.posting_date.ymd(),
                (2024, 12, 31),
                "closing on 31 December"
            );
            for l in &lines_of[&e.entry_id] {
                let net = l.debit - l.credit;
                match l.account {
                    310000 => *carried.entry(c).or_default() -= net,
                    a if a >= 400000 => *pl_after.entry(c).or_default() += net,
                    a => panic!("a closing entry posts on {a}"),
                }
            }
            continue;
        }
        let refill = e.header_text == "Petty cash replenishment";
        let tax_return = e.header_text == "Tax return of the month before";
        for l in &lines_of[&e.entry_id] {
            let net = l.debit - l.credit;
            *balance.entry((c, l.account)).or_default() += net;
            match l.account {
                890000 => *tax.entry(c).or_default() += net,
                a if a >= 400000 => *profit.entry(c).or_default() -= net,
                220000 if e.fiscal_period == 12 && !tax_return => {
                    *december.entry(c).or_default() += net
                }
                100000 if refill => *top_up.entry((c, e.fiscal_period)).or_default() += net,
                100000 if e.business_process != "opening_balances" => {
                    *spent.entry((c, e.fiscal_period)).or_default() -= net
                }
                _ => {}
            }
        }
    }
    for (c, rate) in [("1000", 2580), ("2000", 2990)] {
        let p = profit[c];
        assert!(p > 0, "{c}: profit {p}");
        assert_eq!(tax[c], p * rate / 10_000, "{c}: tax at {rate} bp of {p}");
        assert_eq!(balance[&(c, 146000)], 0, "{c}: prepayments cleared");
        // The closing carries the result after tax to retained earnings and leaves
        // every P&L account at zero.
        assert_eq!(carried[c], p - tax[c], "{c}: result carried");
        let pl_left: i64 = balance
            .iter()
            .filter(|((cc, a), _)| *cc == c && *a >= 400000)
            .map(|(_, v)| v)
            .sum();
        assert_eq!(pl_left + pl_after[c], 0, "{c}: P&L closed");
        // The output tax account holds December's tax alone.
        assert_eq!(balance[&(c, 220000)], december[c], "{c}: one return period");
        // Petty cash is an imprest float: each month's top-up is the month before's
        // spending.
        for m in 2..=12u8 {
            assert_eq!(top_up[&(c, m)], spent[&(c, m - 1)], "{c}: month {m}");
        }
    }
}

#[test]
fn interest_is_on_the_bank_balance_and_rent_is_indexed_each_january() {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 150_000;
    c.start_year = 2023;
    c.months = 24;
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..150_000).expect("valid range");
    let mut k = 0;
    // Per company and month (from the start): the bank's movement, the interest
    // credited and the rent.
    let mut bank: HashMap<(&str, i32), i64> = HashMap::new();
    let mut interest: HashMap<(&str, i32), i64> = HashMap::new();
    let mut rent: HashMap<(&str, i32), i64> = HashMap::new();
    for e in &b.entries {
        let lines = &b.lines[k..k + e.line_count as usize];
        k += lines.len();
        let (y, m, _) = e.posting_date.ymd();
        let month = (y - 2023) * 12 + m as i32 - 1;
        let c = e.company_code.as_str();
        for l in lines {
            match l.account {
                110000 => *bank.entry((c, month)).or_default() += l.debit - l.credit,
                480000 if e.fiscal_period <= 12 => {
                    *interest.entry((c, month)).or_default() += l.credit
                }
                610000 if e.header_text == "Rent" => {
                    *rent.entry((c, month)).or_default() += l.debit
                }
                _ => {}
            }
        }
    }
    for c in ["1000", "2000"] {
        let mut balance = bank[&(c, 0)];
        for month in 1..24 {
            let expected = (balance * 200 + 60_000) / 120_000;
            assert_eq!(interest[&(c, month)], expected, "{c} month {month}");
            balance += bank[&(c, month)];
        }
        let (first, second) = (rent[&(c, 0)], rent[&(c, 12)]);
        assert!(
            (1..12).all(|m| rent[&(c, m)] == first),
            "{c}: rent fixed in a year"
        );
        let rise = second as f64 / first as f64 - 1.0;
        assert!((0.0199..=0.0401).contains(&rise), "{c}: indexed {rise}");
    }
}

#[test]
fn a_quarterly_filer_pays_each_quarters_vat_after_it_and_a_monthly_one_each_month() {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 100_000;
    c.anomalies.enabled = false;
    c.companies[0].currency = "GBP".into();
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..100_000).expect("valid range");
    let mut lines_of: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines_of.entry(l.entry_id).or_default().push(l);
    }
    let mut returns: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut settlement: HashMap<&str, i64> = HashMap::new();
    let mut transfers = 0;
    for e in &b.entries {
        let c = e.company_code.as_str();
        let lines = &lines_of[&e.entry_id];
        let net = |a: u32| -> i64 {
            lines
                .iter()
                .filter(|l| l.account == a)
                .map(|l| l.debit - l.credit)
                .sum()
        };
        *settlement.entry(c).or_default() += net(225000);
        if e.header_text.starts_with("Tax return") {
            returns.entry(c).or_default().push(e.posting_date.ymd().1);
            // The bank pays what the tax accounts and the settlement account held.
            assert_eq!(-net(110000), net(220000) + net(145000) + net(225000));
        }
        if e.header_text == "VAT of the month before to the settlement account" {
            transfers += 1;
            assert_eq!(net(110000), 0);
            assert_eq!(net(225000), -(net(220000) + net(145000)));
        }
    }
    // GB files quarterly: in January, April, July and October; Germany each month.
    assert_eq!(returns["1000"], [1, 4, 7, 10]);
    assert_eq!(returns["2000"], (1..=12).collect::<Vec<u32>>());
    assert_eq!(transfers, 8);
    // The settlement account ends holding October's and November's tax: two months.
    assert!(settlement["1000"] < 0, "a payable");
    assert_eq!(settlement.get("2000").copied().unwrap_or(0), 0);
}

#[test]
fn a_us_company_charges_the_sales_tax_of_the_customers_state() {
    let (g, b) = run(100_000);
    let md = g.master_data();
    let region: HashMap<u128, (&str, &str)> = md
        .customers
        .iter()
        .map(|c| (c.customer_id, (c.country, c.region)))
        .collect();
    let us_entries: HashMap<u128, bool> = b
        .entries
        .iter()
        .map(|e| {
            (
                e.entry_id,
                e.company_code.as_str() == "1000" && e.document_type == "DR",
            )
        })
        .collect();
    let mut customer_of: HashMap<u128, u128> = HashMap::new();
    for l in &b.lines {
        if l.account == 120000
            && us_entries[&l.entry_id]
            && let Some(p) = l.partner_id
        {
            customer_of.insert(l.entry_id, p);
        }
    }
    let mut taxed = std::collections::HashSet::new();
    for l in &b.lines {
        let (Some(code), Some(p)) = (l.tax_code, customer_of.get(&l.entry_id)) else {
            continue;
        };
        let (country, state) = region[p];
        if country != "US" {
            assert_eq!(code, "US-OX", "exports are zero-rated");
            continue;
        }
        assert!(
            code == state || code == "US-O0" || code == "US-NN",
            "a sale into {state} taxed as {code}"
        );
        if code == state && state != "US-OR" {
            taxed.insert(state);
        }
    }
    assert!(!taxed.contains("US-OR"), "Oregon has no sales tax");
    assert!(taxed.len() >= 10, "{taxed:?}");
}

#[test]
fn a_canadian_company_charges_the_gst_or_hst_of_the_customers_province() {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 100_000;
    c.anomalies.enabled = false;
    c.companies[0].currency = "CAD".into();
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..100_000).expect("valid range");
    let md = g.master_data();
    let region: HashMap<u128, (&str, &str)> = md
        .customers
        .iter()
        .map(|c| (c.customer_id, (c.country, c.region)))
        .chain(
            md.vendors
                .iter()
                .map(|v| (v.vendor_id, (v.country, v.region))),
        )
        .collect();
    let kind: HashMap<u128, &str> = b
        .entries
        .iter()
        .filter(|e| e.company_code.as_str() == "1000")
        .map(|e| (e.entry_id, e.document_type))
        .collect();
    let mut partner_of: HashMap<u128, u128> = HashMap::new();
    for l in &b.lines {
        if (l.account == 120000 || l.account == 200000)
            && kind.contains_key(&l.entry_id)
            && let Some(p) = l.partner_id
        {
            partner_of.insert(l.entry_id, p);
        }
    }
    let mut provinces = std::collections::HashSet::new();
    let mut bought_at_home = 0;
    for l in &b.lines {
        let (Some(code), Some(p)) = (l.tax_code, partner_of.get(&l.entry_id)) else {
            continue;
        };
        let (country, province) = region[p];
        match (kind[&l.entry_id], country) {
            ("DR", "CA") => {
                assert!(
                    code == province || code == "CA-O0",
                    "a sale into {province} taxed as {code}"
                );
                provinces.insert(province);
            }
            ("DR", _) => assert_eq!(code, "CA-OX", "exports are zero-rated"),
            ("KR", "CA") => {
                assert!(
                    code == "CA-I13" || code == "CA-I0",
                    "bought at home: {code}"
                );
                bought_at_home += 1;
            }
            _ => {}
        }
    }
    // Ontario and New Brunswick charge the HST, the others the GST; every province
    // with a city is sold into.
    assert_eq!(provinces.len(), 6, "{provinces:?}");
    assert!(bought_at_home > 0);
    let rate = |code: &str| {
        md.tax_codes
            .iter()
            .find(|t| t.tax_code == code)
            .map(|t| t.rate_percent)
    };
    assert_eq!(rate("CA-ON"), Some(1300));
    assert_eq!(rate("CA-NB"), Some(1500));
    assert_eq!(rate("CA-QC"), Some(500));
}

#[test]
fn each_payroll_entry_is_the_sum_of_its_payslips() {
    let (payroll, keys) = payslips_tie_out(100_000);
    assert!(payroll >= 24 && keys > 1_000, "{payroll} {keys}");
    // A run that ends among the payroll entries writes the payslips of those written
    // and no others.
    for entries in [250, 37] {
        let (payroll, keys) = payslips_tie_out(entries);
        assert!(payroll > 0 && keys > 0, "{entries}: {payroll} {keys}");
    }
}

/// Checks that the payroll entries of a run of `entries` are the sums of its payslips;
/// returns how many payroll entries and (entry, cost center, account) sums there are.
fn payslips_tie_out(entries: u64) -> (usize, usize) {
    let (g, b) = run(entries);
    let md = g.master_data();
    let employee: HashMap<u128, &synth_model::Employee> =
        md.employees.iter().map(|e| (e.employee_id, e)).collect();
    // (entry, cost center or none, account) -> amount, from the payslips and the lines.
    let mut slips: HashMap<(u128, Option<&str>, u32), i64> = HashMap::new();
    for p in &b.payslips {
        let e = employee[&p.employee_id];
        assert_eq!(p.gross, p.salary + p.overtime + p.bonus + p.vacation_payout);
        // Unused vacation is paid to leavers only, on the leaving month's last run.
        assert!(
            p.vacation_payout == 0 || e.leave_date.is_some_and(|d| d == p.period_end),
            "{p:?}"
        );
        assert_eq!(p.vacation_payout > 0, p.vacation_payout_days > 0, "{p:?}");
        assert!(p.vacation_days + p.sick_days + p.unpaid_leave_days <= 20);
        assert_eq!(
            p.unpaid_leave_days == 0,
            p.unpaid_leave_deduction == 0,
            "{p:?}"
        );
        assert_eq!(p.net, p.gross - p.income_tax - p.employee_social_security);
        assert!(p.income_tax >= 0 && p.employee_social_security > 0 && p.net > 0);
        assert_eq!(
            (p.bank_account, p.cost_center),
            (account_on(md, e, p.pay_date), e.cost_center)
        );
        assert!(e.hire_date <= p.period_end && e.leave_date.is_none_or(|d| d >= p.period_start));
        let cc = Some(p.cost_center);
        for (account, amount) in [
            (600000, p.salary + p.vacation_payout),
            (602000, p.overtime),
            (603000, p.bonus),
            (601000, p.employer_social_security),
        ] {
            *slips.entry((p.entry_id, cc, account)).or_default() += amount;
        }
        *slips.entry((p.entry_id, None, 111000)).or_default() -= p.net;
        *slips.entry((p.entry_id, None, 230000)).or_default() -=
            p.income_tax + p.employee_social_security + p.employer_social_security;
    }
    let payroll: std::collections::HashSet<u128> = b
        .entries
        .iter()
        .filter(|e| e.header_text == "Payroll run")
        .map(|e| e.entry_id)
        .collect();
    let mut posted: HashMap<(u128, Option<&str>, u32), i64> = HashMap::new();
    for l in b.lines.iter().filter(|l| payroll.contains(&l.entry_id)) {
        let cc = if matches!(l.account, 111000 | 230000) {
            None
        } else {
            l.cost_center
        };
        *posted.entry((l.entry_id, cc, l.account)).or_default() += l.debit - l.credit;
    }
    slips.retain(|_, v| *v != 0);
    assert_eq!(slips, posted);
    (payroll.len(), slips.len())
}

#[test]
fn each_document_is_entered_after_the_one_it_follows() {
    let (_, b) = run(100_000);
    let created: HashMap<u128, synth_model::DateTime> = b
        .entries
        .iter()
        .map(|e| (e.entry_id, e.created_at))
        .collect();
    let entered: HashMap<u128, synth_model::DateTime> = b
        .documents
        .iter()
        .filter_map(|d| Some((d.document_id, created[&d.entry_id?])))
        .collect();
    let (mut pairs, mut same_day) = (0, 0);
    for d in &b.documents {
        let (Some(at), Some(before)) = (
            entered.get(&d.document_id),
            d.reference_document_id.and_then(|r| entered.get(&r)),
        ) else {
            continue;
        };
        pairs += 1;
        same_day += usize::from(at.date() == before.date());
        assert!(at > before, "{d:?} entered at {at:?}, before {before:?}");
    }
    assert!(pairs > 10_000 && same_day > 1_000, "{pairs} {same_day}");
}

#[test]
fn each_expense_claim_is_its_entry_and_an_employee_in_service() {
    let (g, b) = run(60_000);
    let md = g.master_data();
    let employee: HashMap<u128, &synth_model::Employee> =
        md.employees.iter().map(|e| (e.employee_id, e)).collect();
    let entry: HashMap<u128, &synth_model::JournalEntry> =
        b.entries.iter().map(|e| (e.entry_id, e)).collect();
    let mut lines: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines.entry(l.entry_id).or_default().push(l);
    }
    for c in &b.claims {
        let (e, j, ls) = (
            employee[&c.employee_id],
            entry[&c.entry_id],
            &lines[&c.entry_id],
        );
        assert!(
            e.hire_date <= c.expense_date && e.leave_date.is_none_or(|d| d >= j.posting_date),
            "{c:?}"
        );
        assert!(c.expense_date <= c.submitted_date && c.submitted_date <= j.posting_date);
        assert_eq!(
            (c.company_code, c.cost_center, c.bank_account),
            (
                j.company_code,
                e.cost_center,
                account_on(md, e, j.posting_date)
            )
        );
        // The expense on the claimant's cost center, its input tax, the bank paying both.
        assert_eq!(ls[0].cost_center, Some(c.cost_center));
        assert_eq!(ls.iter().map(|l| l.credit).sum::<i64>(), c.amount);
        assert_eq!(c.amount - ls[0].debit, c.tax_amount);
    }
    let claims: std::collections::HashSet<u128> = b.claims.iter().map(|c| c.entry_id).collect();
    let entries = b
        .entries
        .iter()
        .filter(|e| e.user_id == "SYS_EXPENSE")
        .inspect(|e| assert!(claims.contains(&e.entry_id), "{e:?} has no claim"))
        .count();
    assert!(
        entries > 1_000 && entries == claims.len(),
        "{entries} {}",
        claims.len()
    );
}

#[test]
fn bank_statements_hold_every_bank_line_and_reconcile_to_the_ledger() {
    // Anomalies on: the bank books what was paid, labelled or not.
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 60_000;
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..60_000).expect("valid range");
    assert_eq!(b.bank_statements.len(), 24, "two companies, twelve months");
    let entry_of: HashMap<u128, &synth_model::JournalEntry> =
        b.entries.iter().map(|e| (e.entry_id, e)).collect();
    let mut sums: HashMap<u128, (i64, i64)> = HashMap::new();
    for x in &b.bank_lines {
        let s = sums.entry(x.statement_id).or_default();
        if x.amount > 0 {
            s.0 += x.amount;
        } else {
            s.1 -= x.amount;
        }
        let e = entry_of[&x.entry_id];
        let late = (x.booking_date.0 - e.posting_date.0) as i64;
        assert!(
            // A foreign transfer's fee is booked with it; a returned transfer comes
            // back and is sent again within a fortnight or so.
            late == 0
                || (matches!(x.transaction_code, "transfer_out" | "fee")
                    && (1..=10).contains(&late))
                || (matches!(x.transaction_code, "transfer_out" | "return")
                    && e.business_process == "procure_to_pay"
                    && (2..=26).contains(&late)),
            "{x:?} booked {late} days after {e:?}"
        );
        assert_eq!(
            x.transaction_code == "return",
            x.return_reason.is_some(),
            "{x:?}"
        );
    }
    let returns = b
        .bank_lines
        .iter()
        .filter(|x| x.transaction_code == "return")
        .count();
    // The G/L bank balance of each company at each month end, from the lines.
    let mut by_company: HashMap<&str, Vec<&synth_model::BankStatement>> = HashMap::new();
    for s in &b.bank_statements {
        by_company
            .entry(s.company_code.as_str())
            .or_default()
            .push(s);
    }
    let mut next = 0;
    let mut bank: Vec<(&str, Date, i64, Date)> = Vec::new();
    let booked: HashMap<(u128, i64), Date> = b
        .bank_lines
        .iter()
        .map(|x| ((x.entry_id, x.amount), x.booking_date))
        .collect();
    for e in &b.entries {
        let lines = &b.lines[next..next + e.line_count as usize];
        next += e.line_count as usize;
        for l in lines.iter().filter(|l| l.account == 110000) {
            let amount = l.debit - l.credit;
            let on = booked.get(&(e.entry_id, amount)).copied();
            if e.business_process != "opening_balances" && amount != 0 {
                assert!(
                    on.is_some()
                        || e.posting_date.0 > Date::from_ymd(2024, 12, 20).expect("date").0,
                    "{e:?}: a bank line on no statement"
                );
            }
            // An opening balance is no transaction: the statement opens with it.
            let on = match e.business_process {
                "opening_balances" => e.posting_date,
                _ => on.unwrap_or(Date(i32::MAX)),
            };
            bank.push((e.company_code.as_str(), e.posting_date, amount, on));
        }
    }
    let mut outstanding_seen = 0;
    for (company, statements) in by_company {
        let mut prev: Option<i64> = None;
        for s in statements {
            let (cr, dr) = sums.get(&s.statement_id).copied().unwrap_or_default();
            assert_eq!((s.total_credits, s.total_debits), (cr, dr), "{s:?}");
            assert_eq!(s.closing_balance, s.opening_balance + cr - dr);
            if let Some(p) = prev {
                assert_eq!(s.opening_balance, p, "{s:?} opens with the last close");
            }
            prev = Some(s.closing_balance);
            let gl: i64 = bank
                .iter()
                .filter(|x| x.0 == company && x.1 <= s.statement_date)
                .map(|x| x.2)
                .sum();
            assert_eq!(s.book_balance, gl, "{s:?}: the G/L says {gl}");
            // What the bank books after the month end of what was posted by then (a
            // returned transfer is outstanding again while the money is back).
            let out: i64 = b
                .bank_lines
                .iter()
                .filter(|x| {
                    x.company_code.as_str() == company
                        && entry_of[&x.entry_id].posting_date <= s.statement_date
                        && x.booking_date > s.statement_date
                })
                .map(|x| -x.amount)
                .sum::<i64>()
                // and what no statement of the data holds (booked after its end),
                + bank
                    .iter()
                    .filter(|x| x.0 == company && x.1 <= s.statement_date && x.3 == Date(i32::MAX))
                    .map(|x| -x.2)
                    .sum::<i64>()
                // and a returned transfer sent again after the data's end: the money is
                // back, the payment outstanding again.
                + b.bank_lines
                    .iter()
                    .filter(|x| {
                        x.company_code.as_str() == company
                            && x.transaction_code == "return"
                            && x.booking_date <= s.statement_date
                            && b.bank_lines
                                .iter()
                                .filter(|y| y.entry_id == x.entry_id && y.amount == -x.amount)
                                .count()
                                < 2
                    })
                    .map(|x| x.amount)
                    .sum::<i64>();

            assert_eq!(s.outstanding_payments, out, "{s:?}");
            assert_eq!(s.closing_balance - s.outstanding_payments, s.book_balance);
            outstanding_seen += usize::from(out > 0);
        }
    }
    assert!(
        outstanding_seen >= 12,
        "payments outstanding at {outstanding_seen} month ends"
    );
    assert!(returns > 0, "no transfer came back");
}

/// The two goods movements of order `order` (`parts`: at most two), first and second,
/// and the invoice that bills it, where it moved in two parts and is invoiced: the
/// parts three or more days apart, the invoice after the second and referencing it.
fn in_two_parts<'a>(
    order: u128,
    parts: &[&'a Document],
    invoices: &HashMap<u128, &'a Document>,
) -> Option<(&'a Document, &'a Document, &'a Document)> {
    assert!(parts.len() <= 2, "{order}: {} movements", parts.len());
    let [a, b] = parts else {
        return None;
    };
    let (first, second) = if a.document_date < b.document_date {
        (*a, *b)
    } else {
        (*b, *a)
    };
    assert!(
        second.document_date.0 - first.document_date.0 >= 3,
        "{first:?} {second:?}"
    );
    let invoice = *invoices.get(&second.document_id)?;
    assert!(invoice.document_date >= second.document_date, "{invoice:?}");
    assert!(
        !invoices.contains_key(&first.document_id),
        "{first:?} invoiced on its own"
    );
    Some((first, second, invoice))
}

#[test]
fn a_sales_order_delivered_in_two_parts_ships_every_unit_before_its_one_invoice() {
    let (_, b) = run(60_000);
    let docs: HashMap<u128, &Document> = b.documents.iter().map(|d| (d.document_id, d)).collect();
    let mut deliveries: HashMap<u128, Vec<&Document>> = HashMap::new();
    for d in b.documents.iter().filter(|d| d.document_type == "delivery") {
        let order = d
            .reference_document_id
            .expect("a delivery follows its order");
        assert_eq!(docs[&order].document_type, "sales_order", "{d:?}");
        deliveries.entry(order).or_default().push(d);
    }
    let mut units: HashMap<(u128, u32), i64> = HashMap::new();
    for it in &b.items {
        units.insert((it.document_id, it.item_number), it.quantity);
    }
    let cogs: HashMap<u128, i64> = b
        .lines
        .iter()
        .filter(|l| l.account == 500000)
        .map(|l| (l.entry_id, l.debit - l.credit))
        .collect();
    let invoices: HashMap<u128, &Document> = b
        .documents
        .iter()
        .filter(|d| d.document_type == "customer_invoice")
        .filter_map(|d| Some((d.reference_document_id?, d)))
        .collect();
    let mut split = 0;
    for (order, parts) in &deliveries {
        // The invoice follows the second delivery, once every unit has left.
        let Some((first, second, _)) = in_two_parts(*order, parts, &invoices) else {
            continue;
        };
        split += 1;
        let ordered: Vec<(u32, i64)> = b
            .items
            .iter()
            .filter(|it| it.document_id == *order)
            .map(|it| (it.item_number, it.quantity))
            .collect();
        for (n, quantity) in ordered {
            let shipped: i64 = [first, second]
                .iter()
                .map(|d| units.get(&(d.document_id, n)).copied().unwrap_or(0))
                .sum();
            assert_eq!(shipped, quantity, "order {order} item {n}");
        }
        // Each delivery is its entry's cost of goods sold, and the stock it issues.
        for d in [first, second] {
            let entry = d.entry_id.expect("a delivery has its entry");
            assert_eq!(cogs.get(&entry).copied(), Some(d.amount), "{d:?}");
            let issued: i64 = b
                .stock
                .iter()
                .filter(|m| m.entry_id == entry)
                .map(|m| -m.value)
                .sum();
            assert_eq!(issued, d.amount, "{d:?}");
        }
    }
    // About a tenth of the sales orders of goods paid at once.
    assert!(split > 100, "{split} orders delivered in two parts");
}

#[test]
fn a_purchase_order_received_in_two_parts_clears_both_receipts_with_its_one_invoice() {
    let (_, b) = run(60_000);
    let docs: HashMap<u128, &Document> = b.documents.iter().map(|d| (d.document_id, d)).collect();
    let mut receipts: HashMap<u128, Vec<&Document>> = HashMap::new();
    for d in b
        .documents
        .iter()
        .filter(|d| d.document_type == "goods_receipt")
    {
        let order = d
            .reference_document_id
            .expect("a goods receipt follows its order");
        assert_eq!(docs[&order].document_type, "purchase_order", "{d:?}");
        receipts.entry(order).or_default().push(d);
    }
    let units: HashMap<(u128, u32), i64> = b
        .items
        .iter()
        .map(|it| ((it.document_id, it.item_number), it.quantity))
        .collect();
    // Each entry's net debit on an account.
    let on = |entry: u128, account: u32| -> i64 {
        b.lines
            .iter()
            .filter(|l| l.entry_id == entry && l.account == account)
            .map(|l| l.debit - l.credit)
            .sum()
    };
    let invoices: HashMap<u128, &Document> = b
        .documents
        .iter()
        .filter(|d| d.document_type == "vendor_invoice")
        .filter_map(|d| Some((d.reference_document_id?, d)))
        .collect();
    let (mut split, mut foreign) = (0, 0);
    for (order, parts) in &receipts {
        let Some((first, second, invoice)) = in_two_parts(*order, parts, &invoices) else {
            continue;
        };
        assert!(
            docs[order].document_date < first.document_date,
            "{order} ordered after its first receipt"
        );
        split += 1;
        foreign +=
            usize::from(first.currency != second.currency || first.exchange_rate != 100_000_000);
        // Together the receipts carry every unit the invoice bills.
        for it in b
            .items
            .iter()
            .filter(|it| it.document_id == invoice.document_id)
        {
            let received: i64 = [first, second]
                .iter()
                .map(|d| {
                    units
                        .get(&(d.document_id, it.item_number))
                        .copied()
                        .unwrap_or(0)
                })
                .sum();
            assert_eq!(
                received, it.quantity,
                "order {order} item {}",
                it.item_number
            );
        }
        // Each receipt puts its goods in stock, and the invoice clears on GR/IR exactly
        // what the two receipts credited there.
        let mut credited = 0;
        for d in [first, second] {
            let entry = d.entry_id.expect("a receipt has its entry");
            let stocked: i64 = b
                .stock
                .iter()
                .filter(|m| m.entry_id == entry)
                .map(|m| m.value)
                .sum();
            assert_eq!(on(entry, 130000), stocked, "{d:?}");
            assert!(stocked > 0, "{d:?}");
            credited -= on(entry, 205000);
        }
        let cleared = on(invoice.entry_id.expect("an invoice has its entry"), 205000);
        assert_eq!(
            cleared, credited,
            "order {order}: GR/IR cleared against received"
        );
    }
    // 8% of the purchase orders of goods paid at once, some of them in a foreign currency.
    assert!(split > 100, "{split} orders received in two parts");
    assert!(
        foreign > 0,
        "no order received in two parts in a foreign currency"
    );
}

#[test]
fn some_vendors_bill_services_only_and_are_never_sent_an_order() {
    let (g, b) = run(60_000);
    let mut invoices: HashMap<u128, usize> = HashMap::new();
    let mut ordered: HashMap<u128, usize> = HashMap::new();
    for d in &b.documents {
        match d.document_type {
            "vendor_invoice" => *invoices.entry(d.partner_id).or_default() += 1,
            "purchase_order" | "goods_receipt" => *ordered.entry(d.partner_id).or_default() += 1,
            _ => {}
        }
    }
    // Vendors billing often without a single order or receipt: services only.
    let only: Vec<u128> = invoices
        .iter()
        .filter(|(v, n)| **n >= 5 && !ordered.contains_key(*v))
        .map(|(v, _)| *v)
        .collect();
    let configured = g.master_data().vendors.len();
    assert!(
        only.len() * 20 > configured,
        "{} of {configured} vendors bill services only",
        only.len()
    );
    // Their invoices are for services: no line on GR/IR or inventory.
    let entries: std::collections::HashSet<u128> = b
        .documents
        .iter()
        .filter(|d| d.document_type == "vendor_invoice" && only.contains(&d.partner_id))
        .filter_map(|d| d.entry_id)
        .collect();
    assert!(
        b.lines
            .iter()
            .filter(|l| entries.contains(&l.entry_id))
            .all(|l| l.account != 205000 && l.account != 130000)
    );
}

#[test]
fn the_stock_ledger_is_the_inventory_account_and_never_runs_short() {
    // Anomalies off: every inventory line is a movement's (an invoice posted straight to
    // stock is labelled and has none).
    let (g, b) = run(60_000);
    let goods = g
        .master_data()
        .materials
        .iter()
        .filter(|m| m.material_type == "trading_good")
        .count();
    let opening = b
        .stock
        .iter()
        .filter(|m| m.movement_type == "opening_balance")
        .count();
    assert_eq!(
        opening,
        2 * goods,
        "each company opens with every trading good"
    );
    // Each entry's movements are what it posts to the inventory account.
    let mut by_entry: HashMap<u128, i64> = HashMap::new();
    for m in &b.stock {
        assert_eq!(m.value, m.quantity * m.unit_cost, "{m:?}");
        *by_entry.entry(m.entry_id).or_default() += m.value;
    }
    let mut next = 0;
    let mut posted = 0;
    for e in &b.entries {
        let lines = &b.lines[next..next + e.line_count as usize];
        next += e.line_count as usize;
        let inventory: i64 = lines
            .iter()
            .filter(|l| l.account == 130000)
            .map(|l| l.debit - l.credit)
            .sum();
        if inventory != 0 || by_entry.contains_key(&e.entry_id) {
            assert_eq!(
                by_entry.get(&e.entry_id).copied().unwrap_or(0),
                inventory,
                "{e:?}"
            );
            posted += 1;
        }
    }
    assert_eq!(posted, by_entry.len());
    // No material's stock is short on any day, were its issues taken before its receipts.
    let mut moves: Vec<&synth_model::StockMovement> = b.stock.iter().collect();
    moves.sort_by_key(|m| {
        (
            m.company_code.as_str(),
            m.material_id,
            m.posting_date.0,
            m.movement_type != "opening_balance",
            m.quantity >= 0,
        )
    });
    let mut on_hand: HashMap<(&str, u128), i64> = HashMap::new();
    for m in moves {
        let s = on_hand
            .entry((m.company_code.as_str(), m.material_id))
            .or_default();
        *s += m.quantity;
        assert!(*s >= 0, "short after {m:?}: {s}");
    }
    // Scrap each month (one or two materials), and counts that find about 0.5% of the
    // issues missing.
    let of = |kind: &str| -> (usize, i64) {
        let rows = b.stock.iter().filter(|m| m.movement_type == kind);
        (rows.clone().count(), rows.map(|m| m.value).sum())
    };
    let (scrapped, _) = of("scrap");
    assert!((24..=48).contains(&scrapped), "{scrapped} scrap movements");
    let (_, counted) = of("count_difference");
    let (_, issued) = of("goods_issue");
    let shrinkage = counted as f64 / issued as f64;
    assert!((0.001..0.01).contains(&shrinkage), "shrinkage {shrinkage}");
}

#[test]
fn foreign_currency_documents_are_booked_at_the_days_rate_and_settle_with_realised_differences() {
    let (g, b) = run(100_000);
    let md = g.master_data();
    let home = home_currencies(md);
    let rate_of = |from: &str, to: &str, day: Date| rate_on(md, from, to, day);
    let at = |amount: i64, rate: i64| (amount as f64 * rate as f64 / 1e8).round() as i64;
    let mut lines_of: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines_of.entry(l.entry_id).or_default().push(l);
    }
    let side = |entry: u128, accounts: &[u32]| -> i64 {
        lines_of[&entry]
            .iter()
            .filter(|l| accounts.contains(&l.account))
            .map(|l| l.debit + l.credit)
            .sum()
    };
    let foreign: Vec<&Document> = b
        .documents
        .iter()
        .filter(|d| d.currency.as_str() != home[d.company_code.as_str()])
        .collect();
    let (mut invoices, mut payments, mut realised) = (0, 0, 0);
    let mut booked: HashMap<u128, (i64, i64)> = HashMap::new();
    for d in &foreign {
        let to = home[d.company_code.as_str()];
        let rate = rate_of(d.currency.as_str(), to, d.document_date);
        assert_eq!(
            d.exchange_rate, rate,
            "{} of {:?}",
            d.document_type, d.document_date
        );
        let Some(entry) = d.entry_id else { continue };
        match d.document_type {
            "vendor_invoice" | "customer_invoice" => {
                assert_eq!(side(entry, &[120000, 200000]), at(d.amount, rate));
                booked.entry(d.document_id).or_default().0 = at(d.amount, rate);
                invoices += 1;
            }
            "payment" | "receipt" => {
                // A payment abroad also pays the bank's fee for the transfer.
                let fee: i64 = lines_of[&entry]
                    .iter()
                    .filter(|l| l.account == 695000)
                    .map(|l| l.debit)
                    .sum();
                assert_eq!(fee > 0, d.document_type == "payment");
                assert_eq!(side(entry, &[110000]), at(d.amount, rate) + fee);
                let lines = &lines_of[&entry];
                let debit: i64 = lines.iter().map(|l| l.debit).sum();
                let credit: i64 = lines.iter().map(|l| l.credit).sum();
                assert_eq!(debit, credit, "a settlement balances");
                realised += lines
                    .iter()
                    .filter(|l| matches!(l.account, 476000 | 696000))
                    .count();
                if let Some(invoice) = d.reference_document_id {
                    booked.entry(invoice).or_default().1 += side(entry, &[120000, 200000]);
                }
                payments += 1;
            }
            _ => {}
        }
    }
    // A paid invoice clears in the ledger at exactly what it was booked at.
    let paid = b
        .documents
        .iter()
        .filter(|d| d.status == "paid" && booked.contains_key(&d.document_id))
        .inspect(|d| {
            let (at_invoice, cleared) = booked[&d.document_id];
            assert_eq!(at_invoice, cleared, "invoice of {:?}", d.document_date);
        })
        .count();
    assert!(
        invoices > 1_000 && payments > 1_000 && paid > 1_000,
        "{invoices} {payments} {paid}"
    );
    assert!(
        realised * 10 > payments * 9,
        "{realised} of {payments} settle with a difference"
    );
    // Realised differences appear only on those settlements (and in the year-end close).
    // (A group company's payment in the seller's currency is one.)
    let settlements: std::collections::HashSet<u128> = foreign
        .iter()
        .filter(|d| matches!(d.document_type, "payment" | "receipt"))
        .filter_map(|d| d.entry_id)
        .chain(
            b.intercompany
                .iter()
                .filter(|d| d.document_type == "payment" && d.currency != d.buyer_currency)
                .filter_map(|d| d.buyer_entry_id),
        )
        .collect();
    for e in &b.entries {
        if e.fiscal_period != 13 && !settlements.contains(&e.entry_id) {
            assert!(
                lines_of[&e.entry_id]
                    .iter()
                    .all(|l| !matches!(l.account, 476000 | 696000)),
                "{} posts an exchange difference",
                e.document_type
            );
        }
    }
}

#[test]
fn open_items_in_foreign_currency_are_revalued_at_each_month_end() {
    let (g, b) = run(100_000);
    let md = g.master_data();
    let home = home_currencies(md);
    let rate_of = |from: &str, to: &str, day: Date| i128::from(rate_on(md, from, to, day));
    // Half away from zero, as an ERP rounds.
    let at = |amount: i128, rate: i128| -> i64 {
        let x = amount * rate;
        (if x >= 0 {
            x + 50_000_000
        } else {
            x - 50_000_000
        } / 100_000_000) as i64
    };
    let entry_of: HashMap<u128, &synth_model::JournalEntry> =
        b.entries.iter().map(|e| (e.entry_id, e)).collect();
    let mut lines_of: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines_of.entry(l.entry_id).or_default().push(l);
    }
    // Each partner line in another currency: company, side (0 receivables, 1 payables),
    // currency, posting date, amount in the currency and in the company's (debit +).
    let mut open = Vec::new();
    for d in &b.documents {
        let company = d.company_code.as_str();
        let payment = matches!(d.document_type, "payment" | "receipt");
        let invoice = matches!(d.document_type, "vendor_invoice" | "customer_invoice");
        let (Some(entry), true) = (
            d.entry_id,
            (payment || invoice) && d.currency.as_str() != home[company],
        ) else {
            continue;
        };
        for l in lines_of[&entry]
            .iter()
            .filter(|l| matches!(l.account, 120000 | 200000))
        {
            let booked = l.debit - l.credit;
            let fc = d.amount + if payment { d.discount_amount } else { 0 };
            open.push((
                company,
                usize::from(l.account == 200000),
                d.currency.as_str(),
                entry_of[&entry].posting_date,
                fc * booked.signum(),
                booked,
            ));
        }
    }
    // A buyer's payable to a group company in that one's currency (side 3: 206900),
    // and its loan from it (side 5: 207900); the interest is paid the day it is due.
    for d in b
        .intercompany
        .iter()
        .filter(|d| d.currency != d.buyer_currency && d.document_type != "loan_interest")
    {
        let sign = if matches!(d.document_type, "invoice" | "loan") {
            -1
        } else {
            1
        };
        open.push((
            d.buyer_company.as_str(),
            if d.document_type == "loan" { 5 } else { 3 },
            d.currency.as_str(),
            d.buyer_posting_date,
            sign * d.amount,
            sign * d.buyer_amount,
        ));
    }
    assert!(open.len() > 1_000, "{} partner lines abroad", open.len());
    // The revaluations, in date order: each posts the change since the month before's.
    let mut revaluations: Vec<&synth_model::JournalEntry> = b
        .entries
        .iter()
        .filter(|e| e.header_text == "Revaluation of open items in foreign currency")
        .collect();
    revaluations.sort_by_key(|e| (e.company_code.as_str(), e.posting_date));
    assert_eq!(revaluations.len(), 12 * md.companies.len(), "one a month");
    let mut held: HashMap<(&str, usize, &str), i64> = HashMap::new();
    let mut checked = 0;
    for e in &revaluations {
        let company = e.company_code.as_str();
        let lines = &lines_of[&e.entry_id];
        let debit: i64 = lines.iter().map(|l| l.debit).sum();
        let credit: i64 = lines.iter().map(|l| l.credit).sum();
        assert_eq!(debit, credit, "a revaluation balances");
        for l in lines.iter() {
            match l.account {
                120900 | 200900 | 206900 | 207900 => {
                    let currency = &l.line_text[l.line_text.len() - 3..];
                    let side = match l.account {
                        120900 => 0,
                        200900 => 1,
                        206900 => 3,
                        _ => 5,
                    };
                    *held.entry((company, side, currency)).or_default() += l.debit - l.credit;
                }
                477000 => assert_eq!(l.debit, 0, "a gain is a credit"),
                697000 => assert_eq!(l.credit, 0, "a loss is a debit"),
                other => panic!("a revaluation posts to {other}"),
            }
        }
        // What is open at the month end, at its rate, less as booked: per side and currency.
        let mut due: HashMap<(usize, &str), (i128, i64)> = HashMap::new();
        for &(c, side, currency, day, fc, booked) in &open {
            if c == company && day <= e.posting_date {
                let x = due.entry((side, currency)).or_default();
                x.0 += i128::from(fc);
                x.1 += booked;
            }
        }
        for (&(side, currency), &(fc, booked)) in &due {
            let want = at(fc, rate_of(currency, home[company], e.posting_date)) - booked;
            let got = held.get(&(company, side, currency)).copied().unwrap_or(0);
            assert_eq!(
                got, want,
                "{company} {side} {currency} on {:?}",
                e.posting_date
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} month ends, sides and currencies");
    // No partner abroad: only the payable to the group company and the loan from it
    // are revalued; and without intercompany charges and loans, nothing is.
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 20_000;
    c.fx.foreign_currency_share = 0.0;
    let g = JournalGenerator::new(c.clone()).expect("valid");
    let b = g.generate_range(0..20_000).expect("valid range");
    assert!(
        b.lines
            .iter()
            .all(|l| !matches!(l.account, 120900 | 200900))
    );
    assert!(b.lines.iter().any(|l| l.account == 206900));
    assert!(b.lines.iter().any(|l| l.account == 207900));
    c.group.service_charge = 0.0;
    c.group.goods_trade = 0.0;
    c.group.loan_months = 0.0;
    let g = JournalGenerator::new(c).expect("valid");
    let b = g.generate_range(0..20_000).expect("valid range");
    assert!(b.intercompany.is_empty());
    assert!(
        b.lines
            .iter()
            .all(|l| !matches!(l.account, 120900 | 200900 | 206900 | 477000 | 697000))
    );
}

#[test]
fn a_leaver_is_paid_the_vacation_earned_that_year_and_not_taken() {
    let (g, b) = run(300_000);
    let md = g.master_data();
    let country: HashMap<&str, &str> = md
        .companies
        .iter()
        .map(|c| (c.company_code.as_str(), c.country))
        .collect();
    // The usual yearly vacation, in working days, as the countries have it.
    let entitlement = |c: &str| match c {
        "DE" => 30,
        "FR" | "CH" | "NL" | "GB" => 25,
        "IT" => 26,
        "ES" => 23,
        "AU" => 20,
        "JP" => 12,
        _ => 15,
    };
    let first = b
        .payslips
        .iter()
        .map(|p| p.period_start)
        .min()
        .expect("payslips");
    let (mut checked, mut paid) = (0, 0);
    for e in md.employees.iter().filter(|e| e.leave_date.is_some()) {
        let Some(left) = e.leave_date else { continue };
        let (ly, lm, _) = left.ymd();
        let (hy, hm, _) = e.hire_date.ymd();
        let from = if hy == ly { hm } else { 1 };
        let (fy, fm, _) = first.ymd();
        if (ly, from) < (fy, fm) {
            continue;
        }
        let mine: Vec<&synth_model::Payslip> = b
            .payslips
            .iter()
            .filter(|p| p.employee_id == e.employee_id)
            .collect();
        if !mine.iter().any(|p| p.period_end == left) {
            continue; // the run ends before the leaving month's last payroll
        }
        checked += 1;
        let months = i64::from(lm - from + 1);
        let earned = (entitlement(country[e.company_code.as_str()]) * months + 6) / 12;
        let taken: i64 = mine
            .iter()
            .filter(|p| p.period_end.ymd().0 == ly && p.period_end <= left)
            .map(|p| i64::from(p.vacation_days))
            .sum();
        let days = (earned - taken).max(0);
        let salary: i64 = mine
            .iter()
            .filter(|p| p.period_end.ymd().0 == ly && p.period_end.ymd().1 == lm)
            .map(|p| p.salary + p.unpaid_leave_deduction)
            .sum();
        let payouts: Vec<&&synth_model::Payslip> =
            mine.iter().filter(|p| p.vacation_payout > 0).collect();
        if days == 0 {
            assert!(payouts.is_empty(), "{e:?}");
            continue;
        }
        assert_eq!(payouts.len(), 1, "{e:?}");
        let p = payouts[0];
        assert_eq!(i64::from(p.vacation_payout_days), days, "{p:?}");
        assert_eq!(
            p.vacation_payout,
            (salary * days * 200 + 2175) / 4350,
            "{p:?}"
        );
        assert_eq!(p.period_end, left, "with the leaving month's last run");
        paid += 1;
    }
    assert!(checked >= 20 && paid >= 5, "{checked} leavers, {paid} paid");
}

#[test]
fn a_group_loan_is_paid_out_once_and_its_interest_each_month_on_both_sides_the_same_day() {
    let (g, b) = run(60_000);
    let md = g.master_data();
    let mut next = 0;
    let mut by_entry: HashMap<u128, (Date, HashMap<u32, i64>)> = HashMap::new();
    for e in &b.entries {
        let mut sums = HashMap::new();
        for l in &b.lines[next..next + e.line_count as usize] {
            *sums.entry(l.account).or_insert(0) += l.debit - l.credit;
        }
        next += e.line_count as usize;
        by_entry.insert(e.entry_id, (e.posting_date, sums));
    }
    let side = |id: Option<u128>, day: Date| {
        let (posted, sums) = &by_entry[&id.expect("in the run")];
        assert_eq!(*posted, day);
        sums.clone()
    };
    let loans: Vec<_> = (b.intercompany.iter())
        .filter(|d| d.document_type.starts_with("loan"))
        .collect();
    assert_eq!(
        loans.len(),
        12,
        "paid out in January, interest from February"
    );
    let loan = loans[0];
    assert_eq!(loan.document_type, "loan");
    assert!(loans.iter().all(|l| l.flow == "loan"));
    assert_eq!(loan.amount % 1_000_000, 0, "in round ten thousands");
    let at_day = |d: &synth_model::IntercompanyDocument| {
        let rate = rate_on(
            md,
            d.currency.as_str(),
            d.buyer_currency.as_str(),
            d.document_date,
        );
        (i128::from(d.amount) * i128::from(rate) + 50_000_000).div_euclid(100_000_000) as i64
    };
    assert_eq!(loan.buyer_amount, at_day(loan));
    let s = side(loan.seller_entry_id, loan.document_date);
    assert_eq!((s[&127000], s[&110000]), (loan.amount, -loan.amount));
    let z = side(loan.buyer_entry_id, loan.document_date);
    assert_eq!(
        (z[&110000], z[&207000]),
        (loan.buyer_amount, -loan.buyer_amount)
    );
    let mut since = loan.document_date;
    for i in &loans[1..] {
        assert_eq!(i.document_type, "loan_interest");
        assert_eq!(i.reference_document_id, Some(loan.document_id));
        let days = i.document_date.0 - since.0;
        assert!(
            (28..=35).contains(&days) || since == loan.document_date,
            "{days} days"
        );
        let due = (loan.amount as f64 * 0.045 * f64::from(days) / 360.0).round() as i64;
        assert_eq!(i.amount, due, "interest for {days} days at 4.5%");
        assert_eq!(i.buyer_amount, at_day(i));
        let s = side(i.seller_entry_id, i.document_date);
        assert_eq!((s[&110000], s[&481000]), (i.amount, -i.amount));
        let z = side(i.buyer_entry_id, i.document_date);
        assert_eq!((z[&698000], z[&110000]), (i.buyer_amount, -i.buyer_amount));
        since = i.document_date;
    }
    // Lent up to two months of revenue, no more.
    let mut c = GeneratorConfig::default();
    c.group.loan_months = 2.5;
    let e = JournalGenerator::new(c).expect_err("over two months");
    assert!(e.to_string().contains("group.loan_months"), "{e}");
}

/// A shipment of goods between group companies (invoice `i`, its seller's and buyer's
/// entries summed by account `s` and `z`): invoiced at the seller's standard cost plus
/// 8%, the units out of the seller's stock at its standard cost and into the buyer's at
/// its own, the buyer's price above that on 505100.
fn a_shipment_moves_its_units_from_one_stock_to_the_other(
    b: &Batch,
    i: &synth_model::IntercompanyDocument,
    s: &HashMap<u32, i64>,
    z: &HashMap<u32, i64>,
) {
    assert_eq!((s[&125000], s[&431000]), (i.amount, -i.amount));
    assert!(s[&501000] > 0 && s[&501000] == -s[&130000], "{s:?}");
    assert_eq!(z[&206000], -i.buyer_amount);
    let variance = z.get(&505100).copied().unwrap_or(0);
    assert_eq!(z[&130000] + variance, i.buyer_amount, "{z:?}");
    let moves = |entry: Option<u128>, kind: &str| -> HashMap<u128, (i64, i64, i64)> {
        let mut by = HashMap::new();
        for m in b.stock.iter().filter(|m| Some(m.entry_id) == entry) {
            assert_eq!(m.movement_type, kind);
            assert_eq!(m.value, m.quantity * m.unit_cost);
            let e = by.entry(m.material_id).or_insert((0, 0, 0));
            *e = (e.0 + m.quantity, e.1 + m.value, m.unit_cost);
        }
        by
    };
    let out = moves(i.seller_entry_id, "intercompany_issue");
    let came = moves(i.buyer_entry_id, "intercompany_receipt");
    assert!(!out.is_empty() && out.len() <= 3, "one to three materials");
    let mut priced = 0;
    for (material, (q, _, cost)) in &out {
        assert!(*q < 0);
        assert_eq!(
            came[material].0, -q,
            "the units shipped are the units received"
        );
        priced += -q * (*cost as f64 * 1.08).round() as i64;
    }
    assert_eq!(out.len(), came.len());
    assert_eq!(priced, i.amount, "standard cost plus 8%");
    assert_eq!(out.values().map(|m| m.1).sum::<i64>(), s[&130000]);
    assert_eq!(came.values().map(|m| m.1).sum::<i64>(), z[&130000]);
}

#[test]
fn group_companies_post_both_halves_of_each_charge_and_their_balances_agree_but_for_transit() {
    let (g, b) = run(60_000);
    let md = g.master_data();
    let homes = home_currencies(md);
    let invoices: Vec<_> = b
        .intercompany
        .iter()
        .filter(|d| d.document_type == "invoice")
        .collect();
    let payments: Vec<_> = b
        .intercompany
        .iter()
        .filter(|d| d.document_type == "payment")
        .collect();
    assert_eq!(
        invoices.len(),
        24,
        "one charge and one shipment a month of the default pair"
    );
    assert_eq!(payments.len(), 24, "each paid within the period");
    // Each entry's lines by account, debit positive.
    let mut by_entry: HashMap<u128, (&synth_model::JournalEntry, HashMap<u32, i64>)> =
        HashMap::new();
    let mut next = 0;
    for e in &b.entries {
        let lines = &b.lines[next..next + e.line_count as usize];
        next += e.line_count as usize;
        let mut sums = HashMap::new();
        for l in lines {
            *sums.entry(l.account).or_insert(0) += l.debit - l.credit;
        }
        by_entry.insert(e.entry_id, (e, sums));
    }
    let side = |id: Option<u128>, company: &str, day: Date| {
        let (e, sums) = by_entry
            .get(&id.expect("in the run"))
            .expect("entry written");
        assert_eq!(e.company_code.as_str(), company);
        assert_eq!(e.posting_date, day);
        assert_eq!(e.business_process, "intercompany");
        sums
    };
    let mut shipments = 0;
    for i in &invoices {
        assert_eq!(i.currency.as_str(), homes[i.seller_company.as_str()]);
        let rate = rate_on(
            md,
            i.currency.as_str(),
            i.buyer_currency.as_str(),
            i.document_date,
        );
        assert_eq!(
            i.buyer_amount,
            (i128::from(i.amount) * i128::from(rate) + 50_000_000).div_euclid(100_000_000) as i64,
            "the buyer books the invoice at its day's rate"
        );
        let s = side(
            i.seller_entry_id,
            i.seller_company.as_str(),
            i.document_date,
        );
        let bside = side(
            i.buyer_entry_id,
            i.buyer_company.as_str(),
            i.buyer_posting_date,
        );
        assert_eq!(i.flow == "goods", s.contains_key(&431000), "{i:?}");
        assert!(["goods", "services"].contains(&i.flow));
        if s.contains_key(&431000) {
            shipments += 1;
            a_shipment_moves_its_units_from_one_stock_to_the_other(&b, i, s, bside);
        } else {
            assert_eq!((s[&125000], s[&430000]), (i.amount, -i.amount));
            assert_eq!(
                (bside[&675000], bside[&206000]),
                (i.buyer_amount, -i.buyer_amount)
            );
        }
        // The German buyer self-assesses VAT on a service from abroad.
        assert_eq!(bside.get(&145000).copied(), bside.get(&220000).map(|x| -x));
        assert!(bside.get(&145000).is_some_and(|x| *x > 0));
        assert!(i.buyer_posting_date > i.document_date);
    }
    assert_eq!(shipments, 12, "goods shipped every month");
    for bad in [0.3, f64::NAN, -0.01] {
        let mut c = GeneratorConfig::default();
        c.group.goods_trade = bad;
        let e = JournalGenerator::new(c).expect_err("outside 0..0.2");
        assert!(e.to_string().contains("group.goods_trade"), "{e}");
    }
    for p in &payments {
        let i = invoices
            .iter()
            .find(|i| Some(i.document_id) == p.reference_document_id)
            .expect("the invoice it pays");
        assert_eq!(p.amount, i.amount);
        let bside = side(p.buyer_entry_id, p.buyer_company.as_str(), p.document_date);
        let rate = rate_on(
            md,
            p.currency.as_str(),
            p.buyer_currency.as_str(),
            p.document_date,
        );
        let paid =
            (i128::from(p.amount) * i128::from(rate) + 50_000_000).div_euclid(100_000_000) as i64;
        assert_eq!((bside[&206000], bside[&110000]), (i.buyer_amount, -paid));
        let fx = bside
            .get(&476000)
            .or(bside.get(&696000))
            .copied()
            .unwrap_or(0);
        assert_eq!(
            fx,
            paid - i.buyer_amount,
            "the difference is a realised gain or loss"
        );
        let s = side(
            p.seller_entry_id,
            p.seller_company.as_str(),
            p.seller_posting_date,
        );
        assert_eq!((s[&110000], s[&125000]), (p.amount, -p.amount));
        assert!(p.seller_posting_date >= p.document_date);
    }
    // At every month end: what the seller is owed less what the buyer owes, in the
    // invoice's currency, is what is in transit.
    let start = Date::from_ymd(2024, 1, 1).expect("date");
    for m in 1..=12 {
        let end = Date::from_ymd(2024, m, synth_model::days_in_month(2024, m)).expect("date");
        let (mut seller, mut buyer, mut transit) = (0, 0, 0);
        for d in &b.intercompany {
            let sign = if d.document_type == "invoice" { 1 } else { -1 };
            let (a, z) = (d.seller_posting_date, d.buyer_posting_date);
            seller += sign * d.amount * i64::from(a <= end);
            buyer += sign * d.amount * i64::from(z <= end);
            transit += d.amount * i64::from(a.min(z) <= end && a.max(z) > end);
        }
        assert_eq!(seller - buyer, transit, "month end {end:?}");
        assert!(end > start);
    }
}

#[test]
fn manual_month_end_accruals_sit_among_the_cases_and_the_system_reverses_each_next_month() {
    let n = 300_000;
    let (g, b) = run(n);
    let md = g.master_data();
    let users: HashMap<&str, &str> = md.users.iter().map(|u| (u.user_id, u.role)).collect();
    let entries: HashMap<u128, (usize, &synth_model::JournalEntry)> = b
        .entries
        .iter()
        .enumerate()
        .map(|(k, e)| (e.entry_id, (k, e)))
        .collect();
    let mut lines: HashMap<u128, Vec<&synth_model::JournalLine>> = HashMap::new();
    for l in &b.lines {
        lines.entry(l.entry_id).or_default().push(l);
    }
    let accruals: Vec<(usize, &synth_model::JournalEntry)> = b
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.header_text == "Month-end accrual" && e.source == "manual")
        .collect();
    let mut reversed = 0;
    for (_, a) in &accruals {
        assert_eq!(users[a.user_id], "gl_accountant", "{a:?}");
        assert_eq!(a.business_process, "period_close");
        assert!(a.approved_by.is_some());
        let Some((_, r)) = b
            .entries
            .iter()
            .filter(|r| r.reversal_of == Some(a.entry_id))
            .map(|r| ((), r))
            .next()
        else {
            continue;
        };
        reversed += 1;
        assert_eq!((r.user_id, r.source), ("SYS_GL", "automated"), "{r:?}");
        // The next month's first working day: after the accrual, within days of its
        // month's end, in the next month.
        let (ay, am, _) = a.posting_date.ymd();
        let (ry, rm, rd) = r.posting_date.ymd();
        assert_eq!(
            (ry * 12 + rm as i32) - (ay * 12 + am as i32),
            1,
            "{a:?} {r:?}"
        );
        assert!(rd <= 4, "{r:?}");
        // The same two accounts and amount, sides swapped.
        let side = |id: u128| {
            let mut v: Vec<(u32, i64)> = lines[&id]
                .iter()
                .map(|l| (l.account, l.debit - l.credit))
                .collect();
            v.sort();
            v
        };
        let mut flipped: Vec<(u32, i64)> =
            side(r.entry_id).into_iter().map(|(a, x)| (a, -x)).collect();
        flipped.sort();
        assert_eq!(side(a.entry_id), flipped);
        assert!(entries.contains_key(&r.entry_id));
    }
    // Every accrual is reversed in the period but the scheduled ones of its last month,
    // and a third or more sit among the business cases, past the scheduled postings'
    // first rows (half or more from about 500 000 entries on).
    assert!(accruals.len() >= 60, "{}", accruals.len());
    let companies = md.companies.len() * 2;
    assert_eq!(reversed + companies, accruals.len());
    let late = accruals
        .iter()
        .filter(|(k, _)| *k > b.entries.len() / 10)
        .count();
    assert!(late * 3 > accruals.len(), "{late} of {}", accruals.len());
}
