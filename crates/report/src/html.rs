//! The report as one self-contained HTML page (XHTML, so any XML parser reads it) with
//! SVG plots drawn by `plotters`: Benford's law, entries per day, the distribution of
//! amounts, anomalies per type.

use crate::Report;
use plotters::prelude::*;

/// An error of the plotting library, as text.
#[derive(Debug, thiserror::Error)]
#[error("could not draw the {plot} plot: {reason}")]
pub struct PlotError {
    /// Which plot.
    pub plot: &'static str,
    /// What went wrong.
    pub reason: String,
}

fn err(plot: &'static str) -> impl Fn(String) -> PlotError {
    move |reason| PlotError { plot, reason }
}

const W: u32 = 720;
/// Text of axis labels and legends (at least 12 px when the plot is shown at its size).
const LABEL: (&str, u32) = ("sans-serif", 16);
/// Plot titles.
const TITLE: (&str, u32) = ("sans-serif", 22);
const H: u32 = 340;
const BLUE: RGBColor = RGBColor(52, 101, 164);
const ORANGE: RGBColor = RGBColor(230, 126, 34);

/// Benford's law: observed first digits (bars) against the expected curve.
pub fn benford_svg(r: &Report) -> Result<String, PlotError> {
    let e = err("Benford");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
        let top = r
            .benford
            .observed
            .iter()
            .chain(&r.benford.expected)
            .fold(0.0f64, |a, b| a.max(*b))
            * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "First digits: MAD {:.4} ({})",
                    r.benford.mad, r.benford.verdict
                ),
                TITLE,
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(0.5f64..9.5f64, 0f64..top.max(0.01))
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .label_style(LABEL)
            .axis_desc_style(LABEL)
            .disable_x_mesh()
            .x_labels(9)
            .x_label_formatter(&|x| format!("{:.0}", x))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .x_desc("first digit")
            .y_desc("share of amounts")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        chart
            .draw_series(r.benford.observed.iter().enumerate().map(|(i, v)| {
                let x = i as f64 + 1.0;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, *v)], BLUE.filled())
            }))
            .map_err(|x| e(x.to_string()))?
            .label("observed")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], BLUE.filled()));
        chart
            .draw_series(LineSeries::new(
                r.benford
                    .expected
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as f64 + 1.0, *v)),
                ORANGE.stroke_width(3),
            ))
            .map_err(|x| e(x.to_string()))?
            .label("Benford: log10(1 + 1/d)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], ORANGE.stroke_width(3)));
        chart
            .configure_series_labels()
            .label_font(LABEL)
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw()
            .map_err(|x| e(x.to_string()))?;
        root.present().map_err(|x| e(x.to_string()))?;
    }
    Ok(svg)
}

/// Journal entries per posting date over the period.
pub fn per_day_svg(r: &Report) -> Result<String, PlotError> {
    let e = err("entries per day");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
        let n = r.per_day.len().max(1);
        let top = r.per_day.iter().map(|(_, c)| *c).max().unwrap_or(1) as f64 * 1.1;
        let labels: Vec<String> = r.per_day.iter().map(|(d, _)| d.clone()).collect();
        // Ticks at the first posting date of each month (every k-th month beyond 12),
        // labelled with the month.
        let starts: Vec<f64> = (0..labels.len())
            .filter(|&i| i == 0 || labels[i - 1].get(..7) != labels[i].get(..7))
            .map(|i| i as f64)
            .collect();
        let step = starts.len().div_ceil(12).max(1);
        let ticks: Vec<f64> = starts.iter().copied().step_by(step).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption("Journal entries per posting date", TITLE)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..n as f64, 0f64..top.max(1.0))
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .label_style(LABEL)
            .axis_desc_style(LABEL)
            .disable_x_mesh()
            .x_labels(0)
            .y_label_formatter(&|y| format!("{:.0}", y))
            .y_desc("entries")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        chart
            .draw_series(LineSeries::new(
                r.per_day
                    .iter()
                    .enumerate()
                    .map(|(i, (_, c))| (i as f64, *c as f64)),
                BLUE.stroke_width(1),
            ))
            .map_err(|x| e(x.to_string()))?;
        // Month ticks: a light line up the plot and the month below the axis.
        let grey = RGBColor(200, 200, 200);
        chart
            .draw_series(ticks.iter().map(|&x| {
                PathElement::new(vec![(x, 0.0), (x, top.max(1.0))], grey.stroke_width(1))
            }))
            .map_err(|x| e(x.to_string()))?;
        for &x in &ticks {
            let (px, py) = chart.backend_coord(&(x, 0.0));
            let month = labels
                .get(x as usize)
                .and_then(|d| d.get(..7))
                .unwrap_or_default()
                .to_string();
            root.draw(&Text::new(
                month,
                (px - 24, py + 8),
                LABEL.into_font().color(&BLACK),
            ))
            .map_err(|x| e(x.to_string()))?;
        }
        root.present().map_err(|x| e(x.to_string()))?;
    }
    Ok(svg)
}

/// Entry totals on a log scale: entries per tenth of a decade.
pub fn amounts_svg(r: &Report) -> Result<String, PlotError> {
    let e = err("amounts");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
        let lo = r.amount_histogram.first().map_or(0.0, |b| b.0).floor();
        let hi = r.amount_histogram.last().map_or(1.0, |b| b.0 + 0.1).ceil();
        let top = r.amount_histogram.iter().map(|b| b.1).max().unwrap_or(1) as f64 * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption("Entry totals (log scale)", TITLE)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi.max(lo + 1.0), 0f64..top.max(1.0))
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .label_style(LABEL)
            .axis_desc_style(LABEL)
            .disable_x_mesh()
            .x_labels(((hi - lo) as usize + 1).max(2))
            .x_label_formatter(&|x| {
                // Decades only: 0.01, 0.1, 1, 10, 100, 1k, ... (never a "0").
                let v = 10f64.powf(x.round());
                match v {
                    v if v >= 1e6 => format!("{:.0}M", v / 1e6),
                    v if v >= 1e3 => format!("{:.0}k", v / 1e3),
                    v if v >= 1.0 => format!("{v:.0}"),
                    v => format!("{v}"),
                }
            })
            .y_label_formatter(&|y| format!("{:.0}", y))
            .x_desc("entry total, in the company's currency")
            .y_desc("entries")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        chart
            .draw_series(
                r.amount_histogram.iter().map(|(x, c)| {
                    Rectangle::new([(*x, 0.0), (*x + 0.09, *c as f64)], BLUE.filled())
                }),
            )
            .map_err(|x| e(x.to_string()))?;
        root.present().map_err(|x| e(x.to_string()))?;
    }
    Ok(svg)
}

/// Labelled anomalies per type (horizontal bars).
pub fn anomalies_svg(r: &Report) -> Result<String, PlotError> {
    let e = err("anomalies");
    let mut svg = String::new();
    {
        let n = r.anomalies.len().max(1);
        let height = (60 + 26 * n as u32).max(160);
        let root = SVGBackend::with_string(&mut svg, (W, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
        let top = r.anomalies.iter().map(|a| a.labels).max().unwrap_or(1) as f64 * 1.15;
        let names: Vec<String> = r.anomalies.iter().map(|a| a.anomaly_type.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(
                if r.anomalies.is_empty() {
                    "Labelled anomalies: none".to_string()
                } else {
                    "Labelled anomalies per type".to_string()
                },
                TITLE,
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..top.max(1.0), -0.5f64..n as f64 - 0.5)
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .label_style(LABEL)
            .axis_desc_style(LABEL)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() > 0.01 || k < 0.0 {
                    return String::new();
                }
                names.get(k as usize).cloned().unwrap_or_default()
            })
            .x_label_formatter(&|x| format!("{:.0}", x))
            .x_desc("labels")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        chart
            .draw_series(r.anomalies.iter().enumerate().map(|(i, a)| {
                let y = i as f64;
                Rectangle::new(
                    [(0.0, y - 0.35), (a.labels as f64, y + 0.35)],
                    ORANGE.filled(),
                )
            }))
            .map_err(|x| e(x.to_string()))?;
        root.present().map_err(|x| e(x.to_string()))?;
    }
    Ok(svg)
}

/// A distribution as a small inline bar chart (an SVG of 120 × 28 px).
fn sparkline(bins: &[u64]) -> String {
    let top = bins.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = 120.0 / bins.len().max(1) as f64;
    let bars: String = bins
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let h = (n as f64 / top * 26.0).max(if n > 0 { 1.0 } else { 0.0 });
            format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#3465a4\"/>",
                i as f64 * w,
                27.0 - h,
                (w - 1.0).max(1.0)
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"28\" viewBox=\"0 0 120 28\">{bars}</svg>"
    )
}

/// The column profiles: a table per data table.
fn profiles_html(r: &Report) -> String {
    let mut h = String::from(
        "<h2>Column profiles</h2>\n<p>Of the first rows of each table (at most a million): \
         nulls, distinct values (HyperLogLog estimate), smallest and largest, and the \
         distribution (numbers by decade of their size, dates by month of the year, \
         booleans false and true).</p>\n",
    );
    for t in &r.profiles {
        h += &format!(
            "<h3>{} <small>({} rows profiled)</small></h3>\n<table>\n<tr><th class=\"l\">column</th><th class=\"l\">type</th><th>nulls</th><th>distinct</th><th class=\"l\">min</th><th class=\"l\">max</th><th>distribution</th></tr>\n",
            esc(&t.table),
            t.rows_profiled
        );
        for c in &t.columns {
            let dist = match c.distribution.is_empty() {
                true => String::new(),
                false => sparkline(&c.distribution),
            };
            h += &format!(
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{dist}</td></tr>\n",
                esc(&c.column),
                c.kind,
                c.nulls,
                c.distinct,
                esc(c.min.as_deref().unwrap_or("-")),
                esc(c.max.as_deref().unwrap_or("-"))
            );
        }
        h += "</table>\n";
    }
    h
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Drops the XML declaration a standalone SVG starts with, to inline it.
fn inline(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// The whole report as one HTML page.
pub fn page(r: &Report) -> Result<String, PlotError> {
    let mut h = String::from(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>synthdata report</title>\n<style>\nbody{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#222}\ntable{border-collapse:collapse;margin:0.5em 0 1.5em}\ntd,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\nth{background:#f0f0f0}\ntd.l,th.l{text-align:left}\n.bad{color:#b00;font-weight:bold}\n.ok{color:#070;font-weight:bold}\nfigure{margin:1em 0}\n.score b{font-size:2em}\n</style>\n</head>\n<body>\n",
    );
    h += &format!(
        "<h1>Data-quality report</h1>\n<p>{} ({}, {}): {} entries, {} lines; {}.</p>\n<p>{}</p>\n<p>Checked: {}.</p>\n",
        esc(&r.directory.display().to_string()),
        esc(&r.format),
        if r.complete { "complete" } else { "incomplete" },
        r.entries,
        r.lines,
        esc(&crate::text::files_line(r)),
        esc(&crate::text::run_line(r)),
        esc(&r.checked.join("; "))
    );
    if r.problems.is_empty() {
        h += "<p class=\"ok\">No problems found.</p>\n";
    } else {
        h += &match r.problems.len() {
            1 => "<p class=\"bad\">1 problem:</p>\n<ul>\n".to_string(),
            n => format!("<p class=\"bad\">{n} problems:</p>\n<ul>\n"),
        };
        for p in &r.problems {
            h += &format!("<li>{}</li>\n", esc(p));
        }
        h += "</ul>\n";
    }
    h += &format!(
        "<h2>Score</h2>\n<p class=\"score\"><b>{:.1}</b> / 100</p>\n<table>\n<tr>{}</tr>\n<tr>{}</tr>\n</table>\n<p>{}</p>\n",
        r.score.value,
        r.score
            .parts
            .iter()
            .map(|p| format!("<th>{}</th>", esc(p.name)))
            .collect::<String>(),
        r.score
            .parts
            .iter()
            .map(|p| format!("<td>{:.2}</td>", p.value))
            .collect::<String>(),
        esc(r.score.definition)
    );
    h += "<h2>Tables</h2>\n<table>\n<tr><th class=\"l\">table</th><th>rows (manifest)</th><th>rows read</th><th>files</th><th class=\"l\">why</th></tr>\n";
    for t in &r.tables {
        h += &format!(
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
            esc(&t.table),
            t.manifest_rows,
            t.rows_read.map_or("-".into(), |n| n.to_string()),
            t.files,
            esc(&t.why)
        );
    }
    h += "</table>\n<h2>Integrity</h2>\n<table>\n<tr><th class=\"l\">check</th><th>failures</th><th>of</th></tr>\n";
    h += &format!(
        "<tr><td class=\"l\">every entry balances</td><td>{}</td><td>{}</td></tr>\n",
        r.unbalanced_entries, r.entries
    );
    for i in &r.integrity {
        h += &format!(
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&i.check),
            i.failures,
            i.of
        );
    }
    h += "</table>\n<h2>Benford's law</h2>\n";
    h += &format!("<figure>{}</figure>\n", inline(&benford_svg(r)?));
    h += "<h2>Calendar</h2>\n";
    h += &format!("<figure>{}</figure>\n", inline(&per_day_svg(r)?));
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    h += "<table>\n<tr>";
    for d in days {
        h += &format!("<th>{d}</th>");
    }
    h += "</tr>\n<tr>";
    for n in r.weekdays {
        h += &format!("<td>{n}</td>");
    }
    h += "</tr>\n</table>\n";
    h += &format!(
        "<p>Manual entries: {}; entered outside 07:00-19:00: {}.</p>\n",
        r.manual_entries, r.manual_off_hours
    );
    h += "<h2>Amounts</h2>\n";
    h += &format!("<figure>{}</figure>\n", inline(&amounts_svg(r)?));
    let st = &r.settlement;
    h += &format!(
        "<h2>Settlement</h2>\n<p>{} invoices, {} payments and receipts; paid before the invoice: {}; paid beyond the invoice: {}; without an invoice: {}.</p>\n",
        st.invoices,
        st.payments,
        st.paid_before_invoice,
        st.overpaid_invoices,
        st.payments_without_invoice
    );
    h += "<table>\n<tr><th>terms (days)</th><th>payments</th><th>mean days to pay</th><th>on time</th></tr>\n";
    for t in &st.by_terms {
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}%</td></tr>\n",
            t.terms_days,
            t.payments,
            t.mean_days,
            t.on_time_share * 100.0
        );
    }
    h += "</table>\n<table>\n<tr><th class=\"l\">company</th><th class=\"l\">open</th><th>invoices</th><th>amount</th></tr>\n";
    for o in &st.open_items {
        h += &format!(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{:.2}</td></tr>\n",
            esc(&o.company),
            o.kind,
            o.invoices,
            o.amount
        );
    }
    h += "</table>\n<h2>Profit and loss, balance sheet</h2>\n<table>\n<tr><th class=\"l\">company</th><th>revenue</th><th>expenses</th><th>net income</th><th>gross margin</th><th>assets</th><th>liabilities</th><th>equity</th><th>balanced</th></tr>\n";
    for c in &r.companies {
        h += &format!(
            "<tr><td class=\"l\">{} ({})</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.1}%</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{}</td></tr>\n",
            esc(&c.company),
            esc(&c.currency),
            c.revenue,
            c.expenses,
            c.net_income,
            c.gross_margin * 100.0,
            c.assets,
            c.liabilities,
            c.equity,
            if c.balanced { "yes" } else { "no" }
        );
    }
    h += "</table>\n";
    h += &statements_html(r);
    h += &group_html(r);
    h += "<h2>Anomalies</h2>\n";
    h += &format!("<figure>{}</figure>\n", inline(&anomalies_svg(r)?));
    h += "<table>\n<tr><th class=\"l\">type</th><th>labels</th><th>entries marked</th></tr>\n";
    for a in &r.anomalies {
        h += &format!(
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&a.anomaly_type),
            a.labels,
            a.entries
        );
    }
    h += "</table>\n";
    h += &profiles_html(r);
    h += "</body>\n</html>\n";
    Ok(h)
}

/// Closes the table before and opens one of `ties`: each check, its sides, whether it
/// holds.
fn ties_html(ties: &[crate::Tie]) -> String {
    let mut h = String::from(
        "</table>\n<table>\n<tr><th class=\"l\">tie</th><th>left</th><th>right</th><th>ties</th></tr>\n",
    );
    for t in ties {
        h += &format!(
            "<tr><td class=\"l\">{}</td><td>{:.2}</td><td>{:.2}</td><td>{}</td></tr>\n",
            esc(t.check),
            t.left,
            t.right,
            if t.holds { "yes" } else { "no" }
        );
    }
    h
}

/// Per year: the group's rates, differences and ties, the consolidated trial balance
/// folded under them.
fn group_html(r: &Report) -> String {
    if r.group.is_empty() {
        return String::new();
    }
    let mut h = String::from("<h2>The group</h2>\n");
    for g in &r.group {
        h += &format!(
            "<h3>{} ({})</h3>\n<table>\n<tr><th class=\"l\">company</th><th class=\"l\">currency</th><th>opening</th><th>average</th><th>closing</th></tr>\n",
            g.year,
            esc(&g.currency)
        );
        for x in &g.rates {
            h += &format!(
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.6}</td><td>{:.6}</td><td>{:.6}</td></tr>\n",
                esc(&x.company),
                esc(&x.currency),
                x.opening,
                x.average,
                x.closing
            );
        }
        h += "</table>\n<table>\n<tr><th class=\"l\">income statement of the group</th><th>amount</th></tr>\n";
        for (label, v) in g.income.rows() {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{v:.2}</td></tr>\n");
        }
        h += "</table>\n<table>\n<tr><th class=\"l\">balance sheet of the group at the year's end</th><th>amount</th></tr>\n";
        for (label, _, v) in crate::BalanceSheet::rows(&g.balance_sheet, &g.balance_sheet) {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{v:.2}</td></tr>\n");
        }
        h += "</table>\n<table>\n<tr><th class=\"l\">difference</th><th>amount</th></tr>\n";
        for (label, v) in [
            ("currency translation difference", g.translation_difference),
            (
                "intercompany balances left by eliminating",
                g.elimination_difference_balances,
            ),
            (
                "intercompany results left by eliminating",
                g.elimination_difference_results,
            ),
            ("in transit between group companies", g.in_transit),
        ] {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{v:.2}</td></tr>\n");
        }
        for x in &g.transit_items {
            h += &format!(
                "<tr><td class=\"l\">in transit: {} {} to {} (seller {}, buyer {})</td><td>{:.2} {}</td></tr>\n",
                esc(&x.document_type),
                esc(&x.seller_company),
                esc(&x.buyer_company),
                esc(&x.seller_posting_date),
                esc(&x.buyer_posting_date),
                x.amount,
                esc(&x.currency)
            );
        }
        h += &ties_html(&g.ties);
        h += &format!(
            "</table>\n<details><summary>consolidated trial balance ({} accounts)</summary>\n<table>\n<tr><th>account</th><th class=\"l\">name</th><th>companies</th><th>eliminated</th><th>group</th></tr>\n",
            g.rows.len()
        );
        for row in &g.rows {
            h += &format!(
                "<tr><td>{}</td><td class=\"l\">{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>\n",
                row.account,
                esc(&row.name),
                row.companies,
                row.eliminated,
                row.consolidated
            );
        }
        h += "</table>\n</details>\n";
    }
    h
}

/// Per company and year: the income statement, the balance sheets, the cash flow and
/// the ties in one table, the trial balance folded under it.
fn statements_html(r: &Report) -> String {
    let mut h = String::from("<h2>Statements</h2>\n");
    for st in &r.statements {
        h += &format!(
            "<h3>{} {} ({})</h3>\n<table>\n<tr><th class=\"l\">income statement</th><th>{}</th></tr>\n",
            esc(&st.company),
            st.year,
            esc(&st.currency),
            st.year
        );
        for (label, v) in st.income.rows() {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{v:.2}</td></tr>\n");
        }
        h += "</table>\n<table>\n<tr><th class=\"l\">balance sheet</th><th>opening</th><th>closing</th></tr>\n";
        for (label, a, b) in crate::BalanceSheet::rows(&st.opening, &st.closing) {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{a:.2}</td><td>{b:.2}</td></tr>\n");
        }
        h += "</table>\n<table>\n<tr><th class=\"l\">cash flow (indirect)</th><th>amount</th></tr>\n";
        for (label, v) in st.cash_flow.rows() {
            h += &format!("<tr><td class=\"l\">{label}</td><td>{v:.2}</td></tr>\n");
        }
        h += &ties_html(&st.ties);
        h += &format!(
            "</table>\n<details><summary>trial balance ({} accounts)</summary>\n<table>\n<tr><th>account</th><th class=\"l\">name</th><th>opening</th><th>debit</th><th>credit</th><th>closing</th></tr>\n",
            st.trial_balance.len()
        );
        for t in &st.trial_balance {
            h += &format!(
                "<tr><td>{}</td><td class=\"l\">{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>\n",
                t.account,
                esc(&t.name),
                t.opening,
                t.debit,
                t.credit,
                t.closing
            );
        }
        h += "</table>\n</details>\n";
    }
    h
}
