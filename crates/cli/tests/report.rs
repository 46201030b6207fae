//! Anomalies and `synthdata report` through the built binary: real runs in every
//! format, the report read back as JSON and its HTML page parsed as XML (every plot a
//! valid SVG), damaged files reported as such, bad anomaly settings refused.

use std::path::Path;
use std::process::{Command, Output};

fn synthdata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("synthdata runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn generate(dir: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["generate", "--entries", "60000", "--out", out, "--quiet"];
    args.extend_from_slice(extra);
    let o = synthdata(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

fn report_json(dir: &Path, out: &str) -> (Option<i32>, serde_json::Value) {
    let o = synthdata(dir, &["report", out, "--json"]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", text(&o.stdout), text(&o.stderr)));
    (o.status.code(), v)
}

/// The report's integrity checks whose text contains `needle`, in order.
fn checks<'a>(r: &'a serde_json::Value, needle: &str) -> Vec<&'a serde_json::Value> {
    r["integrity"]
        .as_array()
        .expect("integrity")
        .iter()
        .filter(|c| c["check"].as_str().is_some_and(|t| t.contains(needle)))
        .collect()
}

#[test]
fn the_report_reads_every_format_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut reports = Vec::new();
    for format in ["csv", "jsonl", "parquet"] {
        generate(dir.path(), format, &["--format", format]);
        let (code, r) = report_json(dir.path(), format);
        assert_eq!(code, Some(0), "{format}: {}", r["problems"]);
        assert_eq!(r["entries"], 60_000, "{format}");
        assert_eq!(r["unbalanced_entries"], 0, "{format}");
        assert_eq!(r["problems"].as_array().map(Vec::len), Some(0), "{format}");
        for check in r["integrity"].as_array().expect("integrity") {
            assert_eq!(check["failures"], 0, "{format}: {check}");
        }
        let banks = *checks(&r, "bank account")
            .first()
            .expect("the bank-account check");
        assert!(
            banks["of"].as_u64().expect("of") > 1_000,
            "{format}: {banks}"
        );
        // The bank statements were checked (24 of them: two companies, twelve months),
        // and every line of theirs (all failures are 0 above).
        let statements = checks(&r, "bank statement")
            .iter()
            .map(|c| c["of"].as_u64().expect("of"))
            .collect::<Vec<_>>();
        assert_eq!(statements.len(), 4, "{format}");
        assert_eq!(statements[..3], [24, 24, 24], "{format}");
        assert!(statements[3] > 10_000, "{format}: {statements:?}");
        // The stock ledger was checked: every movement, each company-month against the
        // inventory account (two companies, twelve months), each material's month ends.
        let stock = checks(&r, "stock")
            .iter()
            .map(|c| c["of"].as_u64().expect("of"))
            .collect::<Vec<_>>();
        assert_eq!(stock.len(), 3, "{format}");
        assert!(stock[0] > 10_000 && stock[2] > 1_000, "{format}: {stock:?}");
        assert_eq!(stock[1], 24, "{format}: {stock:?}");
        // Each table the report reads is counted against the manifest.
        for t in r["tables"].as_array().expect("tables") {
            if ["bank_statements", "bank_statement_lines", "stock_movements"]
                .contains(&t["table"].as_str().unwrap_or(""))
            {
                assert_eq!(t["rows_read"], t["manifest_rows"], "{format}: {t}");
            }
        }
        let mad = r["benford"]["mad"].as_f64().expect("mad");
        assert!(mad < 0.015, "{format}: MAD {mad}");
        let labels: u64 = r["anomalies"]
            .as_array()
            .expect("anomalies")
            .iter()
            .map(|a| a["labels"].as_u64().expect("labels"))
            .sum();
        assert!(labels > 0, "{format}: anomalies are on by default");
        reports.push(r);
    }
    // The same data in three formats gives the same numbers.
    for key in [
        "lines",
        "benford",
        "weekdays",
        "days_of_month",
        "settlement",
        "anomalies",
        "amount_histogram",
    ] {
        assert_eq!(reports[0][key], reports[1][key], "csv vs jsonl: {key}");
        assert_eq!(reports[0][key], reports[2][key], "csv vs parquet: {key}");
    }
}

#[test]
fn the_html_page_and_its_plots_are_valid_xml() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "out", &[]);
    let o = synthdata(dir.path(), &["report", "out", "--html", "report.html"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("No problems found."));
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("page");
    // The page is XHTML: a whole XML document, with one SVG per plot inside.
    let body = html.trim_start_matches("<!DOCTYPE html>\n");
    let doc = roxmltree::Document::parse(body).expect("the page parses as XML");
    let all: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .collect();
    // The plots, then one small distribution per profiled number, date or boolean.
    let (svgs, sparks): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|n| n.attribute("width") != Some("120"));
    assert_eq!(
        svgs.len(),
        4,
        "Benford, entries per day, amounts, anomalies"
    );
    assert!(sparks.len() > 20, "{} distributions", sparks.len());
    for s in &sparks {
        assert_eq!(s.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    }
    for svg in &svgs {
        assert_eq!(
            svg.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let drawn = svg
            .descendants()
            .filter(|n| matches!(n.tag_name().name(), "rect" | "polyline" | "path" | "line"))
            .count();
        assert!(drawn > 5, "a plot draws something");
    }
    assert!(html.contains("First digits: MAD"));
    assert!(!dir.path().join("report.html.partial").exists());
}

#[test]
fn a_damaged_file_is_reported_never_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "csv", &[]);
    // One flipped byte in the middle of the lines.
    let lines = dir.path().join("csv/journal_lines.csv");
    let mut bytes = std::fs::read(&lines).expect("lines");
    let at = bytes.len() / 2;
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    std::fs::write(&lines, &bytes).expect("writes");
    let o = synthdata(dir.path(), &["report", "csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    // Either the checksum names the file, or reading it fails where it is damaged.
    let all = text(&o.stdout) + &text(&o.stderr);
    assert!(
        all.contains("journal_lines.csv") && all.contains("damaged"),
        "{all}"
    );

    // A Parquet file whose footer is cut off.
    generate(dir.path(), "pq", &["--format", "parquet"]);
    let lines = dir.path().join("pq/journal_lines.parquet");
    let bytes = std::fs::read(&lines).expect("lines");
    std::fs::write(&lines, &bytes[..bytes.len() - 100]).expect("writes");
    let o = synthdata(dir.path(), &["report", "pq"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let all = text(&o.stdout) + &text(&o.stderr);
    assert!(all.contains("damaged"), "{all}");

    // Not an output directory at all.
    let o = synthdata(dir.path(), &["report", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no such output directory"));
}

#[test]
fn clean_books_have_no_labels_and_the_summary_counts_each_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("clean.yaml"),
        "anomalies:\n  enabled: false\n",
    )
    .expect("yaml");
    generate(dir.path(), "clean", &["--config", "clean.yaml"]);
    let (code, r) = report_json(dir.path(), "clean");
    assert_eq!(code, Some(0));
    assert_eq!(r["anomalies"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["settlement"]["overpaid_invoices"], 0);
    assert_eq!(r["settlement"]["paid_before_invoice"], 0);
    assert_eq!(r["manual_off_hours"], 0);

    let o = synthdata(
        dir.path(),
        &["generate", "--entries", "200000", "--out", "on", "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let counts = summary["anomalies"].as_object().expect("counts per type");
    // Every type, the data-quality family (off by default) at 0.
    assert_eq!(counts.len(), 47);
    for t in [
        "missing_cost_center",
        "missing_text",
        "encoding_damage",
        "typo",
    ] {
        assert_eq!(counts[t], 0, "{t}");
    }
    let total: u64 = counts.values().map(|v| v.as_u64().expect("count")).sum();
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("on/manifest.json")).expect("manifest"),
    )
    .expect("JSON");
    let rows = m["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "anomalies")
        .map(|t| t["rows"].as_u64().expect("rows"));
    assert_eq!(rows, Some(total), "the summary counts what the table holds");
    // 0.5% of about 50 000 cases, evenly over the types on by default.
    let on = counts.len() as u64 - 4;
    for (t, n) in counts {
        let n = n.as_u64().expect("count");
        let off = [
            "missing_cost_center",
            "missing_text",
            "encoding_damage",
            "typo",
        ]
        .contains(&t.as_str());
        assert!(off || n.abs_diff(total / on) <= 2, "{t}: {n} of {total}");
    }
}

#[test]
fn bad_anomaly_settings_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (yaml, key) in [
        ("anomalies:\n  rate: 0.6\n", "anomalies.rate"),
        ("anomalies:\n  rate: -0.1\n", "anomalies.rate"),
        (
            "anomalies:\n  weights:\n    self_approval: -1\n",
            "anomalies.weights.self_approval",
        ),
        ("anomalies:\n  weights:\n    not_a_type: 1\n", "not_a_type"),
    ] {
        std::fs::write(dir.path().join("bad.yaml"), yaml).expect("yaml");
        for cmd in [
            vec!["validate", "bad.yaml"],
            vec![
                "generate",
                "--config",
                "bad.yaml",
                "--entries",
                "1000",
                "--out",
                "x",
            ],
        ] {
            let o = synthdata(dir.path(), &cmd);
            assert_eq!(o.status.code(), Some(2), "{yaml} {cmd:?}");
            let all = text(&o.stdout) + &text(&o.stderr);
            assert!(all.contains(key), "{yaml}: {all}");
        }
        assert!(!dir.path().join("x").exists(), "nothing written for {yaml}");
    }
}

#[test]
fn a_payment_into_another_bank_account_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "t", &[]);
    let path = dir.path().join("t/documents.csv");
    let data = std::fs::read_to_string(&path).expect("documents");
    // The last column of a vendor payment is the account it was paid into.
    let line = data
        .lines()
        .find(|l| l.contains(",payment,"))
        .expect("a payment");
    let (head, _) = line.rsplit_once(',').expect("columns");
    let changed = format!("{head},DE02120300000000202051");
    std::fs::write(&path, data.replacen(line, &changed, 1)).expect("writes");
    let (code, r) = report_json(dir.path(), "t");
    assert_eq!(code, Some(1));
    let problems = r["problems"].to_string();
    assert!(
        problems.contains("bank account of its day: 1 of"),
        "{problems}"
    );
}

#[test]
fn the_header_names_the_run_and_never_contradicts_the_file_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = synthdata(
        dir.path(),
        &[
            "generate", "-n", "5000", "--seed", "77", "--out", "r", "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let whole = text(&synthdata(dir.path(), &["report", "r"]).stdout);
    assert!(
        whole.contains("files checked, all match the manifest"),
        "{whole}"
    );
    assert!(whole.contains("seed 77, config digest "), "{whole}");
    assert!(whole.contains("manifest written 20"), "{whole}");
    assert!(whole.contains("Checked: every file's size"), "{whole}");
    let (code, v) = report_json(dir.path(), "r");
    assert_eq!(code, Some(0));
    assert_eq!(v["run"]["seed"], 77);
    assert_eq!(v["run"]["config_digest"].as_str().map(str::len), Some(16));
    assert_eq!(v["file_problems"], 0);
    for t in v["tables"].as_array().expect("tables") {
        let why = t["why"].as_str().expect("why");
        match t["rows_read"].is_null() {
            true => assert!(why.starts_with("not read: "), "{t}"),
            false => assert_eq!(why, "read: as the manifest says", "{t}"),
        }
    }
    // One amount changed: the header says there is a problem, and the list names it.
    let path = dir.path().join("r/journal_lines.csv");
    let lines = std::fs::read_to_string(&path).expect("lines");
    let changed = lines.replacen(",0.00,", ",1.00,", 1);
    assert_ne!(changed, lines);
    std::fs::write(&path, changed).expect("writes");
    let damaged = synthdata(dir.path(), &["report", "r"]);
    assert_eq!(damaged.status.code(), Some(1));
    let out = text(&damaged.stdout);
    let first = out.lines().next().unwrap_or_default();
    assert!(
        first.ends_with("files checked against the manifest, 1 problem (listed below)"),
        "{first}"
    );
    assert!(!out.contains("all match"), "{out}");
    assert!(out.contains("damaged file"), "{out}");
    assert!(
        out.contains("\n1 entry does not balance") || out.contains("  1 entry does not balance"),
        "{out}"
    );
}

#[test]
fn the_plots_are_readable_with_month_ticks_and_decades() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "r", &[]);
    let o = synthdata(dir.path(), &["report", "r", "--html", "r.html"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(dir.path().join("r.html")).expect("page");
    // Every text of every plot at 12 px or more.
    let sizes: Vec<f64> = page
        .split("font-size=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert!(!sizes.is_empty());
    assert!(sizes.iter().all(|&s| s >= 12.0), "{sizes:?}");
    let texts: Vec<&str> = page
        .split("<text")
        .skip(1)
        .filter_map(|s| s.split_once('>')?.1.split("</text>").next())
        .map(str::trim)
        .collect();
    // The calendar's ticks are the months of the period, in order.
    let months: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| t.len() == 7 && t.starts_with("2024-"))
        .collect();
    let expected: Vec<String> = (1..=12).map(|m| format!("2024-{m:02}")).collect();
    assert_eq!(months, expected);
    // The log axis of entry totals is labelled at decades.
    let at = texts
        .iter()
        .position(|t| t.starts_with("Entry totals"))
        .expect("amounts plot");
    let end = texts
        .iter()
        .position(|t| t.starts_with("Labelled anomalies"))
        .expect("anomalies plot");
    let amounts = &texts[at..end];
    for decade in ["1", "10", "100", "1k", "10k"] {
        assert!(amounts.contains(&decade), "{decade} in {amounts:?}");
    }
}

#[test]
fn a_score_with_its_definition_and_a_profile_of_every_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "r", &["--format", "parquet"]);
    let (code, v) = report_json(dir.path(), "r");
    assert_eq!(code, Some(0));
    let score = &v["score"];
    assert_eq!(score["value"].as_f64(), Some(100.0), "{score}");
    assert_eq!(score["parts"].as_array().map(Vec::len), Some(7));
    assert!(
        score["definition"]
            .as_str()
            .is_some_and(|d| d.contains("mean of seven parts"))
    );
    let profiles = v["profiles"].as_array().expect("profiles");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("r/manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(
        profiles.len(),
        manifest["tables"].as_array().map_or(0, Vec::len),
        "a profile for every table"
    );
    let table = |name: &str| {
        profiles
            .iter()
            .find(|p| p["table"] == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let column = |t: &serde_json::Value, name: &str| {
        t["columns"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["column"] == name).cloned())
            .unwrap_or_else(|| panic!("{name}"))
    };
    let entries = table("journal_entries");
    assert_eq!(entries["rows_profiled"], 60000);
    // Ids are distinct: the estimate is within 5% of the rows.
    let ids = column(entries, "entry_id");
    let distinct = ids["distinct"].as_f64().expect("distinct");
    assert!((distinct / 60000.0 - 1.0).abs() < 0.05, "{ids}");
    assert_eq!(ids["nulls"], 0);
    // Dates: the period's first and last days, a month-of-year distribution.
    let dates = column(entries, "posting_date");
    assert!(
        dates["min"]
            .as_str()
            .is_some_and(|d| d.starts_with("2024-01")),
        "{dates}"
    );
    assert!(
        dates["max"]
            .as_str()
            .is_some_and(|d| d.starts_with("2024-12")),
        "{dates}"
    );
    assert_eq!(dates["distribution"].as_array().map(Vec::len), Some(12));
    // Nullable columns count their nulls; booleans have two bins.
    assert!(
        column(entries, "reversal_of")["nulls"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    let flags = column(entries, "is_anomaly")["distribution"].clone();
    assert!(
        flags[0].as_u64().unwrap_or(0) > flags[1].as_u64().unwrap_or(0),
        "{flags}"
    );
    let debit = column(table("journal_lines"), "debit");
    assert_eq!(debit["min"], "0.00");
    // The page shows them, and the text.
    let o = synthdata(dir.path(), &["report", "r", "--html", "r.html"]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(dir.path().join("r.html")).expect("page");
    for section in [
        "<h2>Score</h2>",
        "<h2>Column profiles</h2>",
        "<h3>journal_lines",
    ] {
        assert!(page.contains(section), "{section}");
    }
    assert!(text(&o.stdout).contains("Score 100.0 / 100"));
}

#[test]
fn parquet_ids_without_the_uuid_annotation_are_the_same_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("spark.yaml"),
        "output:\n  parquet_uuid: false\n",
    )
    .expect("writes");
    generate(
        dir.path(),
        "plain",
        &["--format", "parquet", "--config", "spark.yaml"],
    );
    generate(dir.path(), "uuid", &["--format", "parquet"]);
    let (code, plain) = report_json(dir.path(), "plain");
    assert_eq!(code, Some(0));
    let (_, uuid) = report_json(dir.path(), "uuid");
    // The same rows, amounts and checks; only the annotation differs.
    for key in [
        "entries",
        "lines",
        "unbalanced_entries",
        "integrity",
        "benford",
        "companies",
    ] {
        assert_eq!(plain[key], uuid[key], "{key}");
    }
    let lines = std::fs::read(dir.path().join("plain/journal_lines.parquet")).expect("file");
    let annotated = std::fs::read(dir.path().join("uuid/journal_lines.parquet")).expect("file");
    assert_ne!(lines, annotated);
}

#[test]
fn statements_per_company_and_year_tie_and_open_with_the_last_close() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "out", &["--start", "2023-07", "--months", "24"]);
    let (code, r) = report_json(dir.path(), "out");
    assert_eq!(code, Some(0), "{}", r["problems"]);
    let st = r["statements"].as_array().expect("statements");
    // Two companies, each with July-December 2023, 2024 and January-June 2025.
    assert_eq!(st.len(), 6, "{st:?}");
    let f = |v: &serde_json::Value| v.as_f64().expect("a number");
    for s in st {
        let ties = s["ties"].as_array().expect("ties");
        let closed = s["year"] != 2025;
        assert_eq!(ties.len(), if closed { 5 } else { 3 }, "{ties:?}");
        for t in ties {
            assert_eq!(t["holds"], true, "{t}");
        }
        assert!(s["trial_balance"].as_array().expect("rows").len() > 30);
        // A closed year ends with its result in retained earnings; the last, open,
        // year keeps it on the profit and loss accounts.
        let unclosed = f(&s["closing"]["unclosed_result"]);
        let net = f(&s["income"]["net_income"]);
        if closed {
            assert_eq!(unclosed, 0.0);
            let grown =
                f(&s["closing"]["retained_earnings"]) - f(&s["opening"]["retained_earnings"]);
            assert!((grown - net).abs() < 0.005, "{grown} vs {net}");
        } else {
            assert!((unclosed - net).abs() < 0.005, "{unclosed} vs {net}");
        }
        let cf = &s["cash_flow"];
        assert!(
            (f(&cf["net_change"]) - (f(&cf["cash_closing"]) - f(&cf["cash_opening"]))).abs()
                < 0.005
        );
    }
    // The group's loan, paid out in July 2023: the lender's investing, the borrower's
    // financing (at the rate it booked), which equity moved by nothing else.
    let ic =
        std::fs::read_to_string(dir.path().join("out/intercompany.csv")).expect("intercompany");
    let loan: Vec<&str> = ic
        .lines()
        .find(|l| l.split(',').nth(1) == Some("loan"))
        .expect("a loan row")
        .split(',')
        .collect();
    let (lent, borrowed): (f64, f64) = (
        loan[7].parse().expect("amount"),
        loan[14].parse().expect("buyer amount"),
    );
    let first = |company: &str| {
        st.iter()
            .find(|s| s["company"] == company && s["year"] == 2023)
            .expect("the first year")
    };
    let borrower = &first(loan[4])["cash_flow"];
    assert!(
        (f(&borrower["financing"]) - borrowed).abs() < 0.005,
        "{borrower}"
    );
    let lender = &first(loan[3])["cash_flow"];
    assert!(f(&lender["investing"]) <= -lent, "{lender} lent {lent}");
    assert_eq!(f(&lender["financing"]), 0.0, "{lender}");
    // The balance sheet shows the loan on its own lines: the lender's at what it lent
    // (in its own currency), the borrower's at least what it booked less its revaluation.
    let sheet = |company: &str, key: &str| f(&first(company)["closing"][key]);
    assert!((sheet(loan[3], "loans_to_group") - lent).abs() < 0.005);
    assert_eq!(sheet(loan[3], "loans_from_group"), 0.0);
    assert!(sheet(loan[4], "loans_from_group") > 0.0);
    assert_eq!(sheet(loan[4], "loans_to_group"), 0.0);
    // Each year opens with the year before's close.
    for pair in st.windows(2).filter(|w| w[0]["company"] == w[1]["company"]) {
        for key in ["total_assets", "retained_earnings", "cash", "receivables"] {
            assert_eq!(pair[0]["closing"][key], pair[1]["opening"][key], "{key}");
        }
    }

    // A closing entry that carries one unit more than the result is reported.
    let path = dir.path().join("out/journal_lines.csv");
    let csv = std::fs::read_to_string(&path).expect("lines");
    let re = csv
        .lines()
        .find(|l| {
            l.contains("Result of the year to retained earnings")
                && l.split(',').nth(4) != Some("0.00")
        })
        .expect("a closing line carrying a profit")
        .to_string();
    let entry = re.split(',').next().expect("entry id").to_string();
    // Columns: entry_id, line_number, account, debit, credit, ...: the result (a profit)
    // is a credit, the closing of a revenue account a debit.
    let other = csv
        .lines()
        .find(|l| {
            l.starts_with(&entry)
                && l.contains("Year-end closing")
                && l.split(',').nth(3) != Some("0.00")
        })
        .expect("a closing debit")
        .to_string();
    let bump = |line: &str, col: usize| {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let v: f64 = cells[col].parse().expect("amount");
        cells[col] = format!("{:.2}", v + 1.0);
        cells.join(",")
    };
    let damaged = csv
        .replace(&re, &bump(&re, 4))
        .replace(&other, &bump(&other, 3));
    std::fs::write(&path, damaged).expect("write");
    let (code, r) = report_json(dir.path(), "out");
    assert_eq!(code, Some(1));
    let problems = r["problems"].to_string();
    assert!(
        problems.contains("the result carried to retained earnings = net income does not hold"),
        "{problems}"
    );
}

#[test]
fn bank_statements_written_alone_are_checked_against_their_lines() {
    // A run of the bank tables only: no companies, no ledger. The statements still tie
    // to their lines and to each other; the ledger is not there to hold them against.
    let dir = tempfile::tempdir().expect("tempdir");
    generate(
        dir.path(),
        "banks",
        &["--tables", "bank_statements,bank_statement_lines"],
    );
    let (_, r) = report_json(dir.path(), "banks");
    let found = checks(&r, "bank statement");
    assert_eq!(found.len(), 4, "{found:?}");
    for c in found {
        assert_eq!(c["failures"], 0, "{c}");
        assert!(c["of"].as_u64().expect("of") > 0, "{c}");
    }
}

#[test]
fn stock_movements_written_alone_are_checked_without_the_companies() {
    // A run of the stock ledger only: no companies master, no ledger. Each movement is
    // still its quantity at its cost and no material runs short; the month totals are
    // not held against a ledger that is not there.
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), "stock", &["--tables", "stock_movements"]);
    let (code, r) = report_json(dir.path(), "stock");
    let found = checks(&r, "stock");
    assert_eq!(found.len(), 3, "{found:?}");
    for c in &found {
        assert_eq!(c["failures"], 0, "{c}");
    }
    assert!(found[0]["of"].as_u64().expect("of") > 1_000, "{}", found[0]);
    assert_eq!(code, Some(0), "{}", r["problems"]);
}

#[test]
fn the_group_is_consolidated_in_its_currency_with_intercompany_eliminated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("group.yaml");
    std::fs::write(
        &config,
        "global:\n  start_year: 2023\n  start_month: 7\n  months: 24\n  companies:\n    \
         - {code: UK01, currency: GBP}\n    - {code: JP01, currency: JPY}\n    \
         - {code: FR01, currency: EUR, country: FR}\ngroup:\n  currency: USD\n",
    )
    .expect("config");
    let path = config.to_string_lossy().into_owned();
    generate(dir.path(), "out", &["--config", &path]);
    let (code, r) = report_json(dir.path(), "out");
    assert_eq!(code, Some(0), "{}", r["problems"]);
    let group = r["group"].as_array().expect("group");
    assert_eq!(group.len(), 3, "2023, 2024 and 2025");
    let f = |v: &serde_json::Value| v.as_f64().expect("a number");
    let mut transit = 0.0;
    for g in group {
        // USD is none of the companies' currencies: crossed through theirs.
        assert_eq!(g["currency"], "USD");
        assert_eq!(g["rates"].as_array().map(Vec::len), Some(3));
        for t in g["ties"].as_array().expect("ties") {
            assert_eq!(t["holds"], true, "{}: {t}", g["year"]);
        }
        for row in g["rows"].as_array().expect("rows") {
            let account = row["account"].as_i64().expect("account");
            if [125000, 125900, 206000, 206900, 430000, 675000].contains(&account) {
                assert_eq!(f(&row["consolidated"]), 0.0, "{row}");
            }
        }
        let left = f(&g["elimination_difference_balances"]);
        assert!((left - f(&g["in_transit"])).abs() < 0.5, "{g}");
        transit += f(&g["in_transit"]).abs();
        let items = g["transit_items"].as_array().expect("transit items");
        assert_eq!(items.is_empty(), f(&g["in_transit"]) == 0.0, "{g}");
        assert!(f(&g["translation_difference"]) != 0.0);
        // The group's net income: each company's at its average rate, with what
        // eliminating the intercompany results left (a minor unit per account rounded).
        let year = &g["year"];
        let companies: f64 = r["statements"]
            .as_array()
            .expect("statements")
            .iter()
            .filter(|s| &s["year"] == year)
            .map(|s| {
                let rate = g["rates"]
                    .as_array()
                    .expect("rates")
                    .iter()
                    .find(|x| x["company"] == s["company"])
                    .map_or(f64::NAN, |x| f(&x["average"]));
                f(&s["income"]["net_income"]) * rate
            })
            .sum();
        let group_income = f(&g["income"]["net_income"]);
        // The group's balance sheet: no loan between its companies left, the year's
        // result its income statement's, assets equal to liabilities and equity.
        let sheet = &g["balance_sheet"];
        assert_eq!(f(&sheet["loans_to_group"]), 0.0, "{sheet}");
        assert_eq!(f(&sheet["loans_from_group"]), 0.0, "{sheet}");
        assert!((f(&sheet["unclosed_result"]) - group_income).abs() < 0.005);
        let (assets, liabilities, equity) = (
            f(&sheet["total_assets"]),
            f(&sheet["total_liabilities"]),
            f(&sheet["total_equity"]),
        );
        assert!(
            assets > 0.0 && (assets - liabilities - equity).abs() < 0.01,
            "{sheet}"
        );
        let expected = companies + f(&g["elimination_difference_results"]);
        assert!(
            (group_income - expected).abs() < 2.0,
            "{group_income} vs {expected}"
        );
    }
    assert!(transit > 0.0, "something in transit at a year's end");
    // Equity at historical rates: the share capital the books opened with is the same
    // in the group's currency every year (at the period's first rate), and the retained
    // earnings of a year after the first differ from the last year's by that year's
    // result at its average rate, the group's net income before eliminating.
    let account = |g: &serde_json::Value, a: i64| {
        g["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["account"] == a)
            .map_or(f64::NAN, |r| f(&r["companies"]))
    };
    let capital: Vec<f64> = group.iter().map(|g| account(g, 300000)).collect();
    assert!(capital[0] != 0.0, "{capital:?}");
    assert!(
        capital.iter().all(|c| (c - capital[0]).abs() < 0.5),
        "{capital:?}"
    );
    for pair in group.windows(2) {
        let carried = account(&pair[1], 310000) - account(&pair[0], 310000);
        let result =
            f(&pair[0]["income"]["net_income"]) - f(&pair[0]["elimination_difference_results"]);
        // Retained earnings are a credit: the carried profit lowers the debit balance.
        assert!((carried + result).abs() < 2.0, "{carried} vs {result}");
    }
}
