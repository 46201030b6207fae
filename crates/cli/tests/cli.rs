//! End to end through the built `synthdata` binary: real processes, real files, a real
//! HTTP client against the real server, real signals.

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn synthdata(dir: &Path, args: &[&str]) -> Output {
    synthdata_logging(dir, args, "info")
}

/// As `synthdata`, with the log at `level` (`debug` shows each override).
fn synthdata_logging(dir: &Path, args: &[&str], level: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", level)
        .output()
        .expect("synthdata runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
        .expect("JSON")
}

/// Every file the manifest lists parses as CSV and holds the rows it says.
/// Every file the manifest lists, whole or `.partial`, parses and has the rows it says.
fn check_csv(dir: &Path) {
    let m = manifest(dir);
    let partial = m["partial_files"].as_array().cloned().unwrap_or_default();
    let whole = m["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .flat_map(|t| t["files"].as_array().cloned().unwrap_or_default());
    {
        for f in whole.chain(partial) {
            let path = dir.join(f["path"].as_str().expect("path"));
            let rows = csv::Reader::from_path(&path)
                .expect("opens")
                .records()
                .inspect(|r| assert!(r.is_ok(), "{} does not parse", path.display()))
                .count();
            assert_eq!(
                rows as u64,
                f["rows"].as_u64().expect("rows"),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn the_default_run_writes_a_complete_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Done: 1,000,000 journal entries"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Manifest: output/manifest.json"),
        "{stdout}"
    );
    let m = manifest(&dir.path().join("output"));
    assert_eq!(m["complete"], true);
    assert_eq!(m["entries_written"], 1_000_000);
    assert_eq!(m["format"], "csv");
    assert_eq!(m["tables"].as_array().map(Vec::len), Some(27));
    let mut r = csv::Reader::from_path(dir.path().join("output/journal_lines.csv")).expect("opens");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "entry_id",
            "line_number",
            "account",
            "debit",
            "credit",
            "tax_code",
            "cost_center",
            "partner_id",
            "line_text"
        ]
    );
    // A second run into the same directory is refused without --overwrite (exit 2).
    let again = synthdata(dir.path(), &["generate", "--entries", "10"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn flags_override_the_config_and_say_so_and_json_summarizes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("c.yaml"),
        "transactions:\n  target_count: 5\noutput:\n  format: jsonl\n",
    )
    .expect("write");
    let out = synthdata_logging(
        dir.path(),
        &[
            "generate",
            "--config",
            "c.yaml",
            "--entries",
            "2000",
            "--out",
            "d",
            "--format",
            "parquet",
            "--seed",
            "7",
            "--json",
        ],
        "debug",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let log = text(&out.stderr);
    assert!(
        log.contains("transactions.target_count: 5 -> 2000 (from --entries)"),
        "{log}"
    );
    assert!(
        log.contains("output.format: jsonl -> parquet (from --format)"),
        "{log}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(summary["status"], "complete");
    assert_eq!(summary["entries_written"], 2000);
    assert_eq!(summary["format"], "parquet");
    assert!(summary["peak_rss_bytes"].as_u64().unwrap_or(0) > 0);
    assert!(dir.path().join("d/journal_entries.parquet").is_file());
    assert_eq!(manifest(&dir.path().join("d"))["seed"], 7);
}

#[test]
fn a_bad_config_exits_2_naming_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "global:\n  seed: 1\n  memory_limit: lots\n",
    )
    .expect("write");
    let out = synthdata(
        dir.path(),
        &["generate", "--config", "bad.yaml", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.yaml: global.memory_limit: expected a size like \"2GiB\""),
        "{err}"
    );
    assert!(err.contains("got \"lots\" (line 3, column 17)"), "{err}");
    assert!(!dir.path().join("o").exists(), "no output directory");
    // validate reports every range problem with its place.
    std::fs::write(
        dir.path().join("bad2.yaml"),
        "global:\n  months: 0\noutput:\n  batch_size: 0\n",
    )
    .expect("write");
    let out = synthdata(dir.path(), &["validate", "--config", "bad2.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("global.months: expected from 1 to 1200 months, got 0 (line 2, column 11)"),
        "{err}"
    );
    assert!(
        err.contains(
            "output.batch_size: expected from 1 to 10000000 entries, got 0 (line 4, column 15)"
        ),
        "{err}"
    );
    // An output path that is a file is a usage error, and the file is left alone.
    std::fs::write(dir.path().join("afile"), "mine").expect("write");
    let out = synthdata(
        dir.path(),
        &["generate", "--entries", "10", "--out", "afile"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("afile is a file"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("afile")).expect("read"),
        "mine"
    );
    // Bad usage is exit 2 too.
    assert_eq!(
        synthdata(dir.path(), &["generate", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        synthdata(dir.path(), &["generate", "--memory-limit", "lots"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_limit_too_small_to_start_is_refused_with_exit_3_and_nothing_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata(
        dir.path(),
        &["generate", "--memory-limit", "8MiB", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("refused before writing anything"), "{err}");
    assert!(
        err.contains("8.0 MiB hard limit (from configured limit)"),
        "{err}"
    );
    assert!(!dir.path().join("o").exists());
}

#[test]
fn a_limit_reached_mid_run_exits_3_with_valid_partial_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args([
            "generate",
            "--entries",
            "5000000",
            // One batch a part, one part at a time: whole parts before the limit.
            "--part-entries",
            "4096",
            "--threads",
            "1",
            "--memory-limit",
            "96MiB",
            "--out",
            "o",
            "--json",
            // Stopped early by the limit: the whole count need not fit the disk.
            "--no-space-check",
        ])
        .current_dir(dir.path())
        .env("SYNTHDATA_FAULT_RETAIN_BATCHES", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("the memory limit after") || err.contains("memory limit reached after"),
        "{err}"
    );
    assert!(
        err.contains("96.0 MiB hard limit (from configured limit)"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["status"], "memory_limit");
    assert_eq!(v["exit_code"], 3);
    let o = dir.path().join("o");
    let m = manifest(&o);
    assert_eq!(m["complete"], false);
    assert_eq!(m["stop_reason"], "memory_limit");
    assert!(m["entries_written"].as_u64().unwrap_or(0) > 0);
    check_csv(&o);
}

#[test]
fn estimate_validate_init_and_probe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata(
        dir.path(),
        &["estimate", "--entries", "10000000", "--no-space-check"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("Estimate for 10,000,000 journal entries (csv"),
        "{s}"
    );
    assert!(
        s.contains("journal_lines") && s.contains("streaming peak") && s.contains("Verdict: fits"),
        "{s}"
    );
    let out = synthdata(
        dir.path(),
        &[
            "estimate",
            "--json",
            "--format",
            "parquet",
            "--memory-limit",
            "16MiB",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "does not fit in 16 MiB");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["fits"], false);
    assert_eq!(v["format"], "parquet");
    assert!(v["estimate"]["streaming_peak"].as_u64().unwrap_or(0) > 16 << 20);

    let out = synthdata(dir.path(), &["init", "my.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("my.yaml")).expect("written");
    assert!(written.contains("# Hard memory limit") && written.contains("memory_limit: null"));
    assert_eq!(
        synthdata(dir.path(), &["init", "my.yaml"]).status.code(),
        Some(2),
        "no silent overwrite"
    );
    assert_eq!(
        synthdata(dir.path(), &["init", "my.yaml", "--force"])
            .status
            .code(),
        Some(0)
    );
    let out = synthdata(dir.path(), &["validate", "--config", "my.yaml"]);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "my.yaml: valid\n".to_string())
    );

    let out = synthdata(dir.path(), &["probe", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["rss_bytes"].as_u64().unwrap_or(0) > 0);
    assert!(
        v["heap_bytes"].as_u64().unwrap_or(0) > 0,
        "the binary installs the counting allocator"
    );
    assert!(v["effective_limit"]["bytes"].as_u64().unwrap_or(0) > 0);
    assert!(v["effective_limit"]["source"].is_string());
    let out = synthdata(dir.path(), &["probe"]);
    assert!(
        text(&out.stdout).contains("limit "),
        "{}",
        text(&out.stdout)
    );

    for sub in ["generate", "estimate", "validate", "init", "probe"] {
        let out = synthdata(dir.path(), &[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            text(&out.stdout).contains("Examples:"),
            "{sub} --help has examples"
        );
    }
}

fn wait_exit(child: &mut Child, secs: u64) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("synthdata did not exit within {secs} s");
}

#[test]
fn health_and_metrics_during_a_run_then_sigint_stops_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args([
            "generate",
            "--entries",
            "500000000",
            // Stopped by a signal long before the disk would fill.
            "--no-space-check",
            "--out",
            "o",
            "--health-addr",
            "127.0.0.1:0",
            "--memory-limit",
            "1GiB",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // The port the server bound, from its log line (none picked beforehand).
    let addr = common::server_address(&mut child);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://{addr}/health");
    let start = Instant::now();
    let health = loop {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no healthy /health within 30 s"
        );
        if let Ok(mut resp) = agent.get(&url).call() {
            let v: serde_json::Value =
                serde_json::from_str(&resp.body_mut().read_to_string().expect("body"))
                    .expect("JSON");
            if v["phase"] == "generating" && v["records_written"].as_u64().unwrap_or(0) > 0 {
                assert_eq!(resp.status().as_u16(), 200);
                break v;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let keys: Vec<&str> = health
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "status",
        "memory_usage_mb",
        "memory_limit_mb",
        "memory_percent",
        "soft_limit_mb",
        "rss_bytes",
        "heap_bytes",
        "growth_rate_bytes_per_sec",
        "limit_source",
        "records_written",
        "phase",
    ] {
        assert!(keys.contains(&k), "missing {k} in {health}");
    }
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["memory_limit_mb"], 1024);
    assert_eq!(health["limit_source"], "configured limit");
    let used = health["memory_usage_mb"].as_u64().expect("number");
    assert!((1..200).contains(&used), "plausible usage: {used} MB");
    assert!(health["heap_bytes"].as_u64().unwrap_or(0) > 0);
    let mut resp = agent
        .get(&format!("http://{addr}/metrics"))
        .call()
        .expect("metrics");
    let metrics = resp.body_mut().read_to_string().expect("body");
    assert!(
        metrics.contains("# TYPE synthdata_records_written_total counter"),
        "{metrics}"
    );
    assert!(
        metrics.contains("synthdata_memory_hard_limit_bytes 1073741824\n"),
        "{metrics}"
    );

    // SIGINT: a graceful stop with valid partial output and exit 130.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_eq!(wait_exit(&mut child, 60), Some(130));
    let o = dir.path().join("o");
    let m = manifest(&o);
    assert_eq!(m["complete"], false);
    assert_eq!(m["stop_reason"], "interrupted");
    check_csv(&o);
}

#[test]
fn sigterm_also_stops_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args([
            "generate",
            "--entries",
            "500000000",
            // Stopped by a signal long before the disk would fill.
            "--no-space-check",
            "--part-entries",
            "20000",
            "--out",
            "o",
            "--quiet",
        ])
        .current_dir(dir.path())
        .spawn()
        .expect("starts");
    let start = Instant::now();
    // Any part: the first waits for the books of the whole run to be summed.
    let written = |d: &Path| {
        std::fs::read_dir(d.join("o/journal_entries")).is_ok_and(|r| {
            r.flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        })
    };
    while !written(dir.path()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A part is written: the run is under way; stop it there.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert_eq!(wait_exit(&mut child, 60), Some(130));
    check_csv(&dir.path().join("o"));
    assert_eq!(
        manifest(&dir.path().join("o"))["stop_reason"],
        "interrupted"
    );
}

#[test]
fn schema_lists_every_written_table_and_the_docs_page_is_its_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata(dir.path(), &["schema", "--markdown"]);
    assert!(out.status.success());
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/src/output/schema.md"
    );
    let docs = std::fs::read_to_string(page).expect("docs/src/output/schema.md");
    assert!(
        docs == text(&out.stdout),
        "docs/src/output/schema.md is stale: run `synthdata schema --markdown > docs/src/output/schema.md`"
    );
    // The JSON lists exactly the columns the files have.
    let out = synthdata(dir.path(), &["schema", "--json"]);
    let tables: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let run = synthdata(
        dir.path(),
        &["generate", "--entries", "500", "--out", "o", "--quiet"],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    for t in tables.as_array().expect("array") {
        let name = t["table"].as_str().expect("name");
        let csv = std::fs::read_to_string(dir.path().join("o").join(format!("{name}.csv")))
            .expect("every listed table is written");
        let header = csv.lines().next().expect("header");
        let columns: Vec<&str> = t["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| c["name"].as_str().expect("column name"))
            .collect();
        assert_eq!(header, columns.join(","), "{name}");
    }
    let bad = synthdata(dir.path(), &["schema", "no_such_table"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("the tables are companies, accounts, tax_codes"));
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definitions() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = synthdata(dir.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(text(&out.stdout).contains("generate"), "{shell}");
    }
    let script = synthdata(dir.path(), &["completions", "bash"]);
    std::fs::write(dir.path().join("c.bash"), &script.stdout).expect("writes");
    let loaded = Command::new("bash")
        .arg("-c")
        .arg("source ./c.bash && complete -p synthdata")
        .current_dir(dir.path())
        .output()
        .expect("bash");
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    let man = synthdata(dir.path(), &["man"]);
    assert!(
        text(&man.stdout).contains(".TH synthdata 1"),
        "{}",
        text(&man.stdout)
    );
    let bad = synthdata(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn validate_takes_a_path_reports_every_problem_at_once_and_speaks_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("c.yaml"),
        "global:\n  bogus: 1\n  months: 0\noutput:\n  colour: red\n  batch_size: 0\n",
    )
    .expect("writes");
    let out = synthdata(dir.path(), &["validate", "c.yaml"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for what in [
        "global.bogus: unknown key",
        "output.colour: unknown key",
        "global.months",
        "output.batch_size",
    ] {
        assert!(stderr.contains(what), "{what}: {stderr}");
    }
    let out = synthdata(dir.path(), &["validate", "--config", "c.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().expect("problems").len(), 4, "{v}");
    assert_eq!(v["problems"][0]["line"], 2, "{v}");
    std::fs::write(dir.path().join("ok.yaml"), "global:\n  seed: 9\n").expect("writes");
    let ok = synthdata(dir.path(), &["validate", "ok.yaml", "--json"]);
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn common_settings_are_flags_and_each_override_is_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata_logging(
        dir.path(),
        &[
            "generate",
            "--entries",
            "3000",
            "--start",
            "2023-07",
            "--months",
            "3",
            "--vendors",
            "7",
            "--customers",
            "9",
            "--seed",
            "5",
            "--out",
            "o",
        ],
        "debug",
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for line in [
        "global.start_year/start_month: 2024-01 -> 2023-07 (from --start)",
        "global.months: 12 -> 3 (from --months)",
        "master_data.vendors: 500 -> 7 (from --vendors)",
        "master_data.customers: 2000 -> 9 (from --customers)",
        "global.seed: 42 -> 5 (from --seed)",
    ] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    let o = dir.path().join("o");
    let vendors = std::fs::read_to_string(o.join("vendors.csv")).expect("vendors");
    // The 7 configured vendors, then the vendors of each vendor scene (fictitious,
    // shell, duplicate, an employee's interest) and the occasional ones whose account is
    // diverted: one per label, but at most a tenth and a quarter of the configured
    // vendors (at least one each).
    let anomalies = std::fs::read_to_string(o.join("anomalies.csv")).expect("anomalies");
    let appended: usize = [
        "fictitious_vendor",
        "shell_vendor",
        "duplicate_vendor",
        "conflict_of_interest",
        "vendor_bank_change",
    ]
    .iter()
    .map(|t| anomalies.matches(&format!(",{t},")).count().min(1))
    .sum();
    assert_eq!(vendors.lines().count(), 8 + appended, "header + 7 vendors");
    let mut r = csv::Reader::from_path(o.join("journal_entries.csv")).expect("entries");
    let col = r
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "posting_date")
        .expect("col");
    for rec in r.records() {
        let date = rec.expect("row")[col].to_string();
        assert!(
            ("2023-07-01".."2023-10-01").contains(&date.as_str()),
            "{date}"
        );
    }
    let bad = synthdata(dir.path(), &["generate", "--start", "2023-13"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn one_table_to_stdout_equals_its_file_and_a_closed_pipe_is_success() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let file_run = synthdata(
        d,
        &[
            "generate",
            "--entries",
            "5000",
            "--tables",
            "journal_lines,vendors",
            "--out",
            "o",
        ],
    );
    assert!(file_run.status.success(), "{}", text(&file_run.stderr));
    let mut names: Vec<String> = std::fs::read_dir(d.join("o"))
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["journal_lines.csv", "manifest.json", "vendors.csv"]);
    let m = manifest(&d.join("o"));
    assert_eq!(m["complete"], true);
    assert_eq!(m["entries_written"], 5000);

    let piped = synthdata(
        d,
        &[
            "generate",
            "--entries",
            "5000",
            "--tables",
            "journal_lines",
            "--out",
            "-",
        ],
    );
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    let file = std::fs::read(d.join("o/journal_lines.csv")).expect("reads");
    assert!(
        piped.stdout == file,
        "stdout carries exactly the file's bytes"
    );
    assert!(
        text(&piped.stderr).contains("Done:"),
        "the summary goes to stderr"
    );

    // A reader that stops early (like `head`): the run ends quietly with exit 0.
    let mut child = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args([
            "generate",
            "--entries",
            "5000000",
            "--tables",
            "journal_lines",
            "--out",
            "-",
        ])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 4096];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some rows");
    drop(stdout);
    let status = child.wait().expect("waits");
    assert_eq!(status.code(), Some(0));
    assert!(first.starts_with(b"entry_id,line_number"));

    for bad in [
        &["generate", "--entries", "10", "--out", "-"][..],
        &[
            "generate",
            "--entries",
            "10",
            "--tables",
            "journal_lines,vendors",
            "--out",
            "-",
        ],
        &[
            "generate",
            "--entries",
            "10",
            "--tables",
            "nope",
            "--out",
            "x",
        ],
    ] {
        let out = synthdata(d, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
    }
}

#[test]
fn messages_name_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let tiny = synthdata(
        d,
        &["generate", "--memory-limit", "1MiB", "--entries", "10"],
    );
    let stderr = text(&tiny.stderr);
    assert_eq!(tiny.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the process already uses"), "{stderr}");
    assert!(stderr.contains("the run's estimate is"), "{stderr}");
    let missing = synthdata(d, &["generate", "--config", "missing.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("missing.yaml: (file): no such file"),
        "{}",
        text(&missing.stderr)
    );
    for flag in ["-n", "--months", "--vendors", "--customers"] {
        let neg = synthdata(d, &["generate", flag, "-5"]);
        assert_eq!(neg.status.code(), Some(2), "{flag}");
        assert!(
            text(&neg.stderr).contains("must be positive"),
            "{flag}: {}",
            text(&neg.stderr)
        );
    }
    let dash = synthdata(d, &["generate", "-n", "10", "-o", "-"]);
    assert_eq!(dash.status.code(), Some(2));
    assert!(!d.join("-").exists(), "never a directory named -");
    for cmd in ["generate", "estimate", "validate", "schema", "completions"] {
        let help = synthdata(d, &[cmd, "--help"]);
        assert!(
            text(&help.stdout).contains("Examples:"),
            "{cmd} --help has examples"
        );
    }
    let help = text(&synthdata(d, &["generate", "--help"]).stdout);
    for flag in [
        "--tables",
        "--out -",
        "--compression",
        "--start",
        "--months",
        "--vendors",
        "--customers",
        "--seed",
        "--no-space-check",
    ] {
        let examples = help.split("Examples:").nth(1).unwrap_or_default();
        assert!(examples.contains(flag), "{flag} has an example: {examples}");
    }
}

#[test]
fn flags_apply_before_the_config_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("s.yaml"),
        "output:\n  compression: snappy\n",
    )
    .expect("w");
    // snappy is wrong for the file's CSV, right for the Parquet the flag asks for.
    let out = synthdata(
        dir.path(),
        &[
            "generate",
            "--config",
            "s.yaml",
            "--format",
            "parquet",
            "--entries",
            "100",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = synthdata(dir.path(), &["validate", "s.yaml"]);
    assert_eq!(csv.status.code(), Some(2), "on its own the file is invalid");
}

#[test]
fn bad_thread_and_part_counts_and_unknown_tables_are_usage_errors_naming_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (args, says) in [
        (&["--threads", "0"][..], "--threads"),
        (&["--threads", "5000"], "from 1 to 1024"),
        (&["--threads", "-2"], "--threads"),
        (&["--part-entries", "0"], "--part-entries"),
        (&["--tables", "journal_lines,nope"], "\"nope\""),
        (&["--tables", "nope"], "--tables"),
        (&["--tables", "nope"], "journal_entries, journal_lines"),
    ] {
        let mut all = vec!["generate", "--entries", "10", "--out", "o"];
        all.extend_from_slice(args);
        let out = synthdata(dir.path(), &all);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!dir.path().join("o").exists(), "{args:?}: nothing written");
    }
    std::fs::write(
        dir.path().join("c.yaml"),
        "output:\n  threads: 0\n  part_entries: 0\n",
    )
    .expect("writes");
    let out = synthdata(dir.path(), &["validate", "c.yaml"]);
    let stderr = text(&out.stderr) + &text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("output.threads"), "{stderr}");
    assert!(stderr.contains("output.part_entries"), "{stderr}");
}

#[test]
fn a_many_part_run_writes_table_directories_and_reports_its_parts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = synthdata(
        dir.path(),
        &[
            "generate",
            "--entries",
            "5000",
            "--part-entries",
            "2000",
            "--threads",
            "2",
            "--out",
            "o",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["parts"], 3);
    assert_eq!(v["threads"], 2);
    let o = dir.path().join("o");
    for p in 0..3 {
        assert!(o.join(format!("journal_lines/part-{p:05}.csv")).is_file());
    }
    assert!(
        o.join("accounts.csv").is_file(),
        "master tables stay single files"
    );
    let m = manifest(&o);
    assert_eq!(m["parts_total"], 3);
    assert_eq!(m["parts"].as_array().map(Vec::len), Some(3));
    check_csv(&o);
    // Run again over it: --overwrite replaces the parts, and keeps a user's file.
    std::fs::write(o.join("journal_lines/notes.txt"), "mine").expect("writes");
    let again = synthdata(
        dir.path(),
        &[
            "generate",
            "--entries",
            "10",
            "--out",
            "o",
            "--overwrite",
            "--quiet",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(!o.join("journal_lines/part-00000.csv").exists());
    assert!(o.join("journal_lines/notes.txt").is_file());
    assert!(o.join("journal_lines.csv").is_file());
}
