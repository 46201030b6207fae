//! The financial statements of each company and year, from the ledger the entries pass
//! summed: the trial balance, the income statement, the balance sheet and a cash-flow
//! statement by the indirect method, and the checks that they tie.
//!
//! Accounts are grouped by their type in the chart and by the ranges of its numbering:
//! 10xxxx–11xxxx cash and bank, 12xxxx receivables (127xxx loans to group companies),
//! 13xxxx inventory, 14xxxx other current assets, 15xxxx–19xxxx fixed assets (cost on
//! debit accounts, accumulated depreciation on credit ones), 200000–204999 payables,
//! 207xxx loans from group companies, 31xxxx retained earnings, 48xxxx and
//! up other income, 5xxxxx cost of sales, 89xxxx income tax.
//!
//! A year opens with the previous year's closing balances; what the profit and loss
//! accounts hold at a year's end that no closing entry carried to retained earnings is
//! carried there when the next year opens, as an ERP's balance carryforward does.

use super::entries::{Cell, Ledger};
use super::master::Masters;
use super::money;
use crate::{BalanceSheet, CashFlow, IncomeStatement, Statements, Tie, TrialBalanceRow};
use std::collections::{BTreeMap, BTreeSet};

/// The first account of retained earnings, where results are carried.
const RETAINED_EARNINGS: i64 = 310_000;

/// Whether an account of type `ty` is one of profit and loss.
fn is_pl(ty: &str) -> bool {
    ty == "revenue" || ty == "expense"
}

/// The statements of every company and year, and the problems their ties found.
pub(crate) fn statements(
    m: &Masters,
    ledger: &Ledger,
    problems: &mut Vec<String>,
) -> Vec<Statements> {
    let mut years: BTreeMap<usize, BTreeSet<i32>> = BTreeMap::new();
    for &(c, y, _) in ledger.keys() {
        years.entry(c).or_default().insert(y);
    }
    let mut out = Vec::new();
    for (ci, (code, currency)) in m.currencies.iter().enumerate() {
        let Some(ys) = years.get(&ci) else {
            continue;
        };
        let mut accounts: BTreeSet<i64> = BTreeSet::new();
        for &(c, _, a) in ledger.keys() {
            if c == ci {
                accounts.insert(a);
            }
        }
        // Closing balances carried into the next year (debits less credits).
        let mut carried: BTreeMap<i64, i64> = BTreeMap::new();
        for &year in ys {
            let s = year_statements(m, ledger, ci, year, &accounts, &mut carried);
            let s = Statements {
                company: code.clone(),
                currency: currency.clone(),
                ..s
            };
            for t in &s.ties {
                if !t.holds {
                    problems.push(format!(
                        "company {}, {}: {} does not hold ({:.2} against {:.2})",
                        s.company, s.year, t.check, t.left, t.right
                    ));
                }
            }
            out.push(s);
        }
    }
    out
}

/// (account, opening, movement without closing entries, closing) in minor units.
type Balance = (i64, i64, i64, i64);

/// The trial balance of company `ci` for `year`, opening with `carried` (which is left
/// holding the year's closing balances): its rows, each account's balances, and the
/// year's debits and credits (opening entries included).
fn trial_balance(
    m: &Masters,
    ledger: &Ledger,
    (ci, year): (usize, i32),
    accounts: &BTreeSet<i64>,
    carried: &mut BTreeMap<i64, i64>,
) -> (Vec<TrialBalanceRow>, Vec<Balance>, i64, i64) {
    let ty = |a: i64| m.accounts.get(&a).map_or("", String::as_str);
    // Profit and loss balances are carried to retained earnings when the year opens.
    let left_in_pl: i64 = carried
        .iter()
        .filter(|(a, _)| is_pl(ty(**a)))
        .map(|(_, v)| v)
        .sum();
    carried.retain(|a, _| !is_pl(ty(*a)));
    *carried.entry(RETAINED_EARNINGS).or_default() += left_in_pl;

    let mut rows = Vec::new();
    let mut bal: Vec<Balance> = Vec::new();
    let (mut debits, mut credits) = (0i64, 0i64);
    let mut all: BTreeSet<i64> = accounts.clone();
    all.extend(carried.keys().copied());
    for &a in &all {
        let cell = ledger
            .get(&(ci, year, a))
            .copied()
            .unwrap_or(Cell::default());
        let opening = carried.get(&a).copied().unwrap_or(0) + cell.opening;
        let closing = opening + cell.debit - cell.credit;
        if opening == 0 && cell.debit == 0 && cell.credit == 0 {
            continue;
        }
        debits += cell.debit + cell.opening.max(0);
        credits += cell.credit + (-cell.opening).max(0);
        bal.push((a, opening, cell.debit - cell.credit - cell.closing, closing));
        let (name, _) = m.names.get(&a).cloned().unwrap_or_default();
        rows.push(TrialBalanceRow {
            account: a,
            name,
            account_type: ty(a).to_string(),
            opening: money(opening),
            debit: money(cell.debit),
            credit: money(cell.credit),
            closing: money(closing),
        });
        carried.insert(a, closing);
    }
    (rows, bal, debits, credits)
}

/// (opening, movement, closing) of a group of accounts, in minor units.
pub(crate) type Sums = (i64, i64, i64);

/// The account groups a balance sheet shows, each summed.
pub(crate) struct SheetGroups {
    cash: Sums,
    receivables: Sums,
    lent: Sums,
    inventory: Sums,
    other_current: Sums,
    fixed_cost: Sums,
    depreciation: Sums,
    assets: Sums,
    payables: Sums,
    borrowed: Sums,
    liabilities: Sums,
    share_capital: Sums,
    retained: Sums,
    equity: Sums,
    pl: Sums,
}

impl SheetGroups {
    /// The cash flow statement of the year (indirect), the sum of its three flows and
    /// the change in cash: `sold` is the book value of the assets sold and their
    /// proceeds, `loans` the movements of what the company lent group companies and
    /// what they lent it (at the rates they were booked at: their revaluation stays
    /// with working capital, against the unrealised result).
    fn cash_flow(
        &self,
        net_income: i64,
        depreciation: i64,
        (book_value_sold, proceeds): (i64, i64),
        (financing, (lent, borrowed)): (i64, (i64, i64)),
    ) -> (CashFlow, i64, i64) {
        let moved = |g: Sums| g.2 - g.0;
        let loss_on_sales = book_value_sold - proceeds;
        let d_working = -moved(self.receivables)
            - moved(self.lent)
            - moved(self.inventory)
            - moved(self.other_current)
            - moved(self.liabilities)
            + lent
            + borrowed;
        let operating = net_income + depreciation + loss_on_sales + d_working;
        let d_net_fixed = moved(self.fixed_cost) + moved(self.depreciation);
        let investing = -(d_net_fixed + depreciation + book_value_sold) + proceeds - lent;
        let financing = financing - borrowed;
        let flows = operating + investing + financing;
        let flow = CashFlow {
            net_income: money(net_income),
            depreciation: money(depreciation),
            disposals: money(loss_on_sales),
            working_capital: money(d_working),
            operating: money(operating),
            investing: money(investing),
            financing: money(financing),
            net_change: money(flows),
            cash_opening: money(self.cash.0),
            cash_closing: money(self.cash.2),
        };
        (flow, flows, moved(self.cash))
    }

    /// The balance sheet of the balances `pick` takes (the opening or the closing).
    pub(crate) fn sheet(&self, pick: fn(Sums) -> i64) -> BalanceSheet {
        BalanceSheet {
            cash: money(pick(self.cash)),
            receivables: money(pick(self.receivables)),
            loans_to_group: money(pick(self.lent)),
            inventory: money(pick(self.inventory)),
            other_current_assets: money(pick(self.other_current)),
            fixed_assets: money(pick(self.fixed_cost) + pick(self.depreciation)),
            total_assets: money(pick(self.assets)),
            payables: money(-pick(self.payables)),
            loans_from_group: money(-pick(self.borrowed)),
            other_liabilities: money(
                -pick(self.liabilities) + pick(self.payables) + pick(self.borrowed),
            ),
            total_liabilities: money(-pick(self.liabilities)),
            share_capital: money(-pick(self.share_capital)),
            retained_earnings: money(-pick(self.retained)),
            other_equity: money(
                -pick(self.equity) + pick(self.share_capital) + pick(self.retained),
            ),
            unclosed_result: money(-pick(self.pl)),
            total_equity: money(-pick(self.equity) - pick(self.pl)),
        }
    }
}

/// Which accounts a sum takes.
pub(crate) type Keep<'a> = &'a dyn Fn(i64) -> bool;

/// The income statement of the profit and loss movements that `movement` sums over the
/// accounts it is given (debit positive), and its net income in minor units.
pub(crate) fn income_statement(
    m: &Masters,
    movement: &dyn Fn(Keep<'_>) -> i64,
) -> (IncomeStatement, i64) {
    let ty = |a: i64| m.accounts.get(&a).map_or("", String::as_str);
    let kind = |t: &'static str| move |a: i64| ty(a) == t;
    let within = |lo: i64, hi: i64| move |a: i64| (lo..hi).contains(&a);
    let revenue_all = -movement(&kind("revenue"));
    let other_income = -movement(&|a| kind("revenue")(a) && a >= 480_000);
    let revenue = revenue_all - other_income;
    let cost_of_sales = movement(&|a| kind("expense")(a) && within(500_000, 600_000)(a));
    let income_tax = movement(&|a| kind("expense")(a) && within(890_000, 900_000)(a));
    let expenses = movement(&kind("expense"));
    let operating_expenses = expenses - cost_of_sales - income_tax;
    let before_tax = revenue_all - expenses + income_tax;
    let net_income = before_tax - income_tax;
    let income = IncomeStatement {
        revenue: money(revenue),
        cost_of_sales: money(cost_of_sales),
        gross_profit: money(revenue - cost_of_sales),
        operating_expenses: money(operating_expenses),
        other_income: money(other_income),
        profit_before_tax: money(before_tax),
        income_tax: money(income_tax),
        net_income: money(net_income),
    };
    (income, net_income)
}

/// The account groups of a balance sheet, each summed by `sum` over the accounts it
/// selects (opening, movement, closing).
pub(crate) fn sheet_groups(m: &Masters, sum: &dyn Fn(Keep<'_>) -> Sums) -> SheetGroups {
    let ty = |a: i64| m.accounts.get(&a).map_or("", String::as_str);
    let credit_normal = |a: i64| m.names.get(&a).is_some_and(|n| n.1);
    let kind = |t: &'static str| move |a: i64| ty(a) == t;
    let within = |lo: i64, hi: i64| move |a: i64| (lo..hi).contains(&a);
    let asset = kind("asset");
    let loans = within(127_000, 128_000);
    let liability = kind("liability");
    let equity_kind = kind("equity");
    SheetGroups {
        cash: sum(&|a| asset(a) && within(100_000, 120_000)(a)),
        receivables: sum(&|a| asset(a) && within(120_000, 130_000)(a) && !loans(a)),
        lent: sum(&|a| asset(a) && loans(a)),
        inventory: sum(&|a| asset(a) && within(130_000, 140_000)(a)),
        other_current: sum(&|a| asset(a) && within(140_000, 150_000)(a)),
        fixed_cost: sum(&|a| asset(a) && a >= 150_000 && !credit_normal(a)),
        depreciation: sum(&|a| asset(a) && a >= 150_000 && credit_normal(a)),
        assets: sum(&asset),
        payables: sum(&|a| liability(a) && within(200_000, 205_000)(a)),
        borrowed: sum(&|a| liability(a) && within(207_000, 208_000)(a)),
        liabilities: sum(&liability),
        share_capital: sum(&|a| equity_kind(a) && within(300_000, 310_000)(a)),
        retained: sum(&|a| equity_kind(a) && within(310_000, 320_000)(a)),
        equity: sum(&equity_kind),
        pl: sum(&|a| is_pl(ty(a))),
    }
}

/// One company's statements for `year`; `carried` holds the closing balances of the
/// year before and is left holding this year's.
fn year_statements(
    m: &Masters,
    ledger: &Ledger,
    ci: usize,
    year: i32,
    accounts: &BTreeSet<i64>,
    carried: &mut BTreeMap<i64, i64>,
) -> Statements {
    let (rows, bal, debits, credits) = trial_balance(m, ledger, (ci, year), accounts, carried);
    // Sums over the accounts that `keep` selects: (opening, movement, closing).
    let sum = |keep: Keep<'_>| -> Sums {
        bal.iter()
            .filter(|b| keep(b.0))
            .fold((0, 0, 0), |s, b| (s.0 + b.1, s.1 + b.2, s.2 + b.3))
    };

    // Income statement: the year's movements, closing entries left out.
    let (income, net_income) = income_statement(m, &|keep| sum(keep).1);

    // Balance sheet at the year's end, and at its opening.
    let groups = sheet_groups(m, &sum);
    let opening_sheet = groups.sheet(|t| t.0);
    let closing_sheet = groups.sheet(|t| t.2);

    // Cash flow, indirect: the result, the depreciation added back, the loss on assets
    // sold added back (their net book value less their proceeds), the change in
    // working capital; fixed assets bought less the proceeds of those sold (the change
    // in their net book value with the depreciation and the book value retired added
    // back) and the loans to group companies; the change in equity other than the
    // result, and the loans from group companies.
    let depreciation_expense = sum(&|a| a == 680_000).1;
    let book_value_sold = sum(&|a| a == 685_000).1;
    let proceeds = -sum(&|a| a == 485_000).1;
    // Equity moved by anything but the result (closing entries, which carry the result,
    // are left out of the movements).
    let financing = -groups.equity.1;
    let loans = (sum(&|a| a == 127_000).1, sum(&|a| a == 207_000).1);
    let (cash_flow, flows, change) = groups.cash_flow(
        net_income,
        depreciation_expense,
        (book_value_sold, proceeds),
        (financing, loans),
    );
    let tie = |check: &'static str, left: i64, right: i64| Tie {
        check,
        left: money(left),
        right: money(right),
        holds: left == right,
    };
    let closed = accounts
        .iter()
        .any(|&a| ledger.get(&(ci, year, a)).is_some_and(|c| c.closing != 0));
    let mut ties = vec![
        tie("trial balance: debits = credits", debits, credits),
        tie(
            "balance sheet: assets = liabilities + equity",
            groups.assets.2,
            -groups.liabilities.2 - groups.equity.2 - groups.pl.2,
        ),
        tie(
            "cash flow: operating + investing + financing = change in cash",
            flows,
            change,
        ),
    ];
    if closed {
        // What the closing entries carried to retained earnings is the year's result,
        // and the profit and loss accounts end the year at zero.
        ties.push(tie(
            "closing: the result carried to retained earnings = net income",
            -(groups.retained.2 - groups.retained.0 - groups.retained.1),
            net_income,
        ));
        ties.push(tie(
            "closing: profit and loss accounts at zero after it",
            groups.pl.2,
            0,
        ));
    }
    Statements {
        company: String::new(),
        currency: String::new(),
        year,
        trial_balance: rows,
        income,
        opening: opening_sheet,
        closing: closing_sheet,
        cash_flow,
        ties,
    }
}
