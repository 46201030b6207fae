//! The report as text, for people.

use crate::Report;

/// What the file check found, in words that never contradict the problems listed.
pub fn files_line(r: &Report) -> String {
    let files = |n: u64| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    match r.file_problems {
        0 => format!("{} checked, all match the manifest", files(r.files_checked)),
        1 => format!(
            "{} checked against the manifest, 1 problem (listed below)",
            files(r.files_checked)
        ),
        n => format!(
            "{} checked against the manifest, {n} problems (listed below)",
            files(r.files_checked)
        ),
    }
}

/// The run as its manifest says: version, seed, config digest, when, shard.
pub fn run_line(r: &Report) -> String {
    let i = &r.run;
    format!(
        "Run: synthdata {}, seed {}, config digest {}, manifest written {}{}",
        i.version,
        i.seed,
        i.config_digest,
        i.written_at.as_deref().unwrap_or("(not recorded)"),
        i.shard
            .as_ref()
            .map_or(String::new(), |s| format!(", shard {s}"))
    )
}

/// The report as text, for people.
pub fn text(r: &Report) -> String {
    let mut s = format!(
        "Report on {} ({}, {}): {}\n",
        r.directory.display(),
        r.format,
        if r.complete { "complete" } else { "incomplete" },
        files_line(r)
    );
    s += &format!("{}\n", run_line(r));
    s += &format!("Checked: {}.\n", r.checked.join("; "));
    s += &format!("{}\n", score_line(r));
    s += "\nRows per table (manifest / read):\n";
    for t in &r.tables {
        s += &format!(
            "  {:<20} {:>14} {:>14}  {}\n",
            t.table,
            t.manifest_rows,
            t.rows_read.map_or("-".to_string(), |n| n.to_string()),
            t.why
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
    s += &statements_text(r);
    s += &group_text(r);
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
    s += &profiles_text(r);
    if r.problems.is_empty() {
        s += "\nNo problems found.";
    } else {
        s += &match r.problems.len() {
            1 => "\n1 problem:\n".to_string(),
            n => format!("\n{n} problems:\n"),
        };
        for p in &r.problems {
            s += &format!("  {p}\n");
        }
    }
    s
}

/// `Score 99.2 / 100: files 1.00, completeness 1.00, ...`.
pub fn score_line(r: &Report) -> String {
    let parts: Vec<String> = r
        .score
        .parts
        .iter()
        .map(|p| format!("{} {:.2}", p.name, p.value))
        .collect();
    format!("Score {:.1} / 100: {}", r.score.value, parts.join(", "))
}

/// The column profiles, one line a column.
fn profiles_text(r: &Report) -> String {
    let mut s = String::from("\nColumn profiles (type, nulls, distinct, min, max):\n");
    for t in &r.profiles {
        s += &format!("  {} ({} rows profiled)\n", t.table, t.rows_profiled);
        for c in &t.columns {
            s += &format!(
                "    {:<24} {:<14} {:>10} {:>10}  {} .. {}\n",
                c.column,
                c.kind,
                c.nulls,
                c.distinct,
                c.min.as_deref().unwrap_or("-"),
                c.max.as_deref().unwrap_or("-")
            );
        }
    }
    s
}

/// The group's consolidated trial balance of every year: rates, accounts, eliminations,
/// differences and ties.
fn group_text(r: &Report) -> String {
    let mut s = String::new();
    for g in &r.group {
        s += &format!(
            "\nGroup: consolidated trial balance, {} ({}), before the year-end closing\n  Rates (opening, average, closing):\n",
            g.year, g.currency
        );
        for x in &g.rates {
            s += &format!(
                "    {:<10} {} {:>14.6} {:>14.6} {:>14.6}\n",
                x.company, x.currency, x.opening, x.average, x.closing
            );
        }
        s += "  Income statement of the group\n";
        for (label, v) in g.income.rows() {
            s += &format!("    {label:<40} {v:>20.2}\n");
        }
        s += "  Balance sheet of the group at the year's end\n";
        for (label, _, v) in crate::BalanceSheet::rows(&g.balance_sheet, &g.balance_sheet) {
            s += &format!("    {label:<40} {v:>20.2}\n");
        }
        s += &format!(
            "  {:<8} {:<40} {:>18} {:>18} {:>18}\n",
            "account", "name", "companies", "eliminated", "group"
        );
        for row in &g.rows {
            s += &format!(
                "  {:<8} {:<40} {:>18.2} {:>18.2} {:>18.2}\n",
                row.account, row.name, row.companies, row.eliminated, row.consolidated
            );
        }
        for (label, v) in [
            ("Currency translation difference", g.translation_difference),
            (
                "Intercompany balances left by eliminating",
                g.elimination_difference_balances,
            ),
            (
                "Intercompany results left by eliminating",
                g.elimination_difference_results,
            ),
            ("In transit between group companies", g.in_transit),
        ] {
            s += &format!("  {label:<49} {v:>18.2}\n");
        }
        for x in &g.transit_items {
            s += &format!(
                "    in transit: {} {} {} to {}, {:.2} {}, posted by the seller {}, by the buyer {}\n",
                x.document_type,
                x.document_id,
                x.seller_company,
                x.buyer_company,
                x.amount,
                x.currency,
                x.seller_posting_date,
                x.buyer_posting_date
            );
        }
        for t in &g.ties {
            s += &format!("  {} {}\n", if t.holds { "ok  " } else { "FAIL" }, t.check);
        }
    }
    s
}

/// The statements of every company and year: income statement, balance sheets, cash
/// flow, the ties, and the trial balance.
fn statements_text(r: &Report) -> String {
    let mut s = String::new();
    let row = |s: &mut String, label: &str, v: f64| {
        *s += &format!("    {label:<40} {v:>20.2}\n");
    };
    let two = |s: &mut String, label: &str, a: f64, b: f64| {
        *s += &format!("    {label:<40} {a:>20.2} {b:>20.2}\n");
    };
    for st in &r.statements {
        s += &format!(
            "\nStatements: company {}, {} ({})\n  Income statement\n",
            st.company, st.year, st.currency
        );
        for (label, v) in st.income.rows() {
            row(&mut s, label, v);
        }
        s += &format!("  Balance sheet {:>45} {:>20}\n", "opening", "closing");
        for (label, a, b) in crate::BalanceSheet::rows(&st.opening, &st.closing) {
            two(&mut s, label, a, b);
        }
        s += "  Cash flow (indirect method)\n";
        let f = &st.cash_flow;
        for (label, v) in f.rows() {
            row(&mut s, label, v);
        }
        two(
            &mut s,
            "Cash and bank: opening, closing",
            f.cash_opening,
            f.cash_closing,
        );
        s += "  Ties\n";
        for t in &st.ties {
            s += &format!(
                "    {:<62} {}\n",
                t.check,
                if t.holds { "ties" } else { "DOES NOT TIE" }
            );
        }
        s += &format!(
            "  Trial balance ({} accounts)\n    {:<8} {:<44} {:>18} {:>18} {:>18} {:>18}\n",
            st.trial_balance.len(),
            "account",
            "name",
            "opening",
            "debit",
            "credit",
            "closing"
        );
        for t in &st.trial_balance {
            s += &format!(
                "    {:<8} {:<44} {:>18.2} {:>18.2} {:>18.2} {:>18.2}\n",
                t.account, t.name, t.opening, t.debit, t.credit, t.closing
            );
        }
    }
    s
}
