//! What a new user trips over, through the built binary: the config file in the current
//! directory, counts as people type them, every problem of a config at once, colours
//! and the log's level, man pages, summaries that count what this run did, the disk in
//! `estimate`, and `/health` from its first answer.

mod common;

use common::{bin, run, text};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary with no `RUST_LOG`: the log a user sees by default.
fn plain(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .output()
        .expect("synthdata runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}): {}", text(&out.stdout)))
}

#[test]
fn the_config_file_in_this_directory_is_read_and_announced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let init = run(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init.stderr));
    let path = dir.path().join("synthdata.yaml");
    let yaml = std::fs::read_to_string(&path).expect("init wrote synthdata.yaml");
    let yaml = yaml
        .lines()
        .map(|l| match l.trim_start().starts_with("target_count:") {
            true => "  target_count: 2.5k".to_string(),
            false => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, yaml + "\n").expect("writes");

    let out = run(dir.path(), &["generate", "--out", "found", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("config: ./synthdata.yaml"),
        "announced: {}",
        text(&out.stderr)
    );
    assert_eq!(json(&out)["entries_written"], 2500);

    // --no-config: the built-in default (1 M entries), here cut by a flag.
    let out = run(
        dir.path(),
        &[
            "generate",
            "--no-config",
            "-n",
            "1200",
            "--out",
            "ignored",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("synthdata.yaml"));
    assert_eq!(json(&out)["entries_written"], 1200);

    // A config given names itself; the one here is not read.
    std::fs::write(
        dir.path().join("other.yaml"),
        "transactions:\n  target_count: 700\n",
    )
    .expect("writes");
    let out = run(
        dir.path(),
        &[
            "generate",
            "--config",
            "other.yaml",
            "--out",
            "other",
            "--json",
        ],
    );
    assert_eq!(json(&out)["entries_written"], 700);
    assert!(!text(&out.stderr).contains("config: ./synthdata.yaml"));

    // estimate reads it too.
    let out = run(dir.path(), &["estimate", "--json"]);
    assert_eq!(json(&out)["entries"], 2500);
}

#[test]
fn counts_take_suffixes_and_exponents_and_refuse_fractions() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (flag, entries) in [("2.5k", 2500), ("3e3", 3000), ("1_500", 1500)] {
        let out = run(
            dir.path(),
            &[
                "generate",
                "-n",
                flag,
                "--out",
                &format!("o{entries}"),
                "--json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", text(&out.stderr));
        assert_eq!(json(&out)["entries_written"], entries, "{flag}");
    }
    let out = run(
        dir.path(),
        &["estimate", "-n", "1M", "--vendors", "2k", "--json"],
    );
    assert_eq!(json(&out)["entries"], 1_000_000);
    for bad in ["1.5", "-3", "1m", "ten"] {
        let out = run(dir.path(), &["generate", "-n", bad, "--out", "bad"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            text(&out.stderr).contains("--entries"),
            "{bad}: {}",
            text(&out.stderr)
        );
        assert!(!dir.path().join("bad").exists(), "{bad} wrote nothing");
    }
    std::fs::write(
        dir.path().join("c.yaml"),
        "transactions:\n  target_count: 1e3\nmaster_data:\n  vendors: 1k\n",
    )
    .expect("writes");
    let out = run(
        dir.path(),
        &["generate", "--config", "c.yaml", "--out", "y", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json(&out)["entries_written"], 1000);
}

#[test]
fn validate_reports_every_problem_of_a_file_in_file_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "global:
  seed: \"abc\"
  companies:
    - code: \"1000\"
      currency: 12
transactions:
  target_count: 1.5
anomalies:
  rate: 0.9
  enabeld: true
output:
  format: xlsx
  batch_size: 0
",
    )
    .expect("writes");
    let out = run(dir.path(), &["validate", "bad.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let problems = v["problems"].as_array().expect("problems");
    let paths: Vec<&str> = problems
        .iter()
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        [
            "global.seed",
            "global.companies[0].currency",
            "transactions.target_count",
            "anomalies.rate",
            "anomalies.enabeld",
            "output.format",
            "output.batch_size",
        ],
        "{v}"
    );
    let lines: Vec<u64> = problems
        .iter()
        .map(|p| p["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [2, 5, 7, 9, 10, 12, 13]);
    // The text form says the same, one line each, and generate refuses alike.
    let out = run(dir.path(), &["validate", "bad.yaml"]);
    assert_eq!(
        text(&out.stderr).lines().count(),
        7,
        "{}",
        text(&out.stderr)
    );
    let out = run(
        dir.path(),
        &["generate", "--config", "bad.yaml", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).matches("error:").count(), 7);
    assert!(!dir.path().join("o").exists());
}

#[test]
fn overrides_are_debug_lines_and_the_run_opens_with_one_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = plain(
        dir.path(),
        &[
            "generate",
            "-n",
            "2000",
            "--seed",
            "9",
            "--out",
            "o",
            "--threads",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let log = text(&out.stderr);
    assert!(!log.contains("override"), "{log}");
    let header: Vec<&str> = log.lines().filter(|l| l.contains("generating")).collect();
    assert_eq!(header.len(), 1, "{log}");
    assert!(
        header[0].contains("2000 journal entries (seed 9) into o as csv: 1 part, 1 at once"),
        "{log}"
    );
    let out = bin()
        .env("RUST_LOG", "debug")
        .args(["generate", "-n", "2000", "--seed", "9", "--out", "d"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(
        text(&out.stderr).contains("global.seed: 42 -> 9 (from --seed)"),
        "{}",
        text(&out.stderr)
    );
}

/// Runs `synthdata ARGS` under a pseudo-terminal (`script` from util-linux), so that
/// `auto` sees a terminal; returns what the terminal showed.
fn on_a_terminal(dir: &Path, args: &str, no_color: Option<&str>) -> String {
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("{} {args}", env!("CARGO_BIN_EXE_synthdata")),
        "/dev/null",
    ])
    .current_dir(dir)
    .env("RUST_LOG", "info")
    .env_remove("NO_COLOR");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd
        .output()
        .expect("script (util-linux) runs: the colour test needs a pseudo-terminal");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Whether `s` holds a colour or style (an SGR sequence, `ESC [ ... m`); the progress
/// bar's cursor moves (`ESC [ 2K`) are not colours.
fn has_colour(s: &str) -> bool {
    s.split("\u{1b}[").skip(1).any(|rest| {
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        end.is_some_and(|i| rest[i..].starts_with('m'))
    })
}

#[test]
fn colours_follow_the_terminal_no_color_and_the_color_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run_args = |out: &str| format!("generate -n 500 --out {out}");
    assert!(has_colour(&on_a_terminal(dir.path(), &run_args("a"), None)));
    assert!(!has_colour(&on_a_terminal(
        dir.path(),
        &run_args("b"),
        Some("1")
    )));
    // An empty NO_COLOR is as if unset (no-color.org).
    assert!(has_colour(&on_a_terminal(
        dir.path(),
        &run_args("c"),
        Some("")
    )));
    assert!(!has_colour(&on_a_terminal(
        dir.path(),
        &format!("{} --color never", run_args("d")),
        None
    )));
    // Piped: no colour unless asked for.
    let out = run(dir.path(), &["generate", "-n", "500", "--out", "e"]);
    assert!(!has_colour(&text(&out.stderr)));
    let out = run(
        dir.path(),
        &["--color", "always", "generate", "-n", "500", "--out", "f"],
    );
    assert!(has_colour(&text(&out.stderr)), "{}", text(&out.stderr));
}

#[test]
fn every_subcommand_named_by_the_man_page_has_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = run(dir.path(), &["man", "--list"]);
    let subs: Vec<String> = text(&list.stdout).lines().map(str::to_string).collect();
    for sub in [
        "generate", "estimate", "validate", "verify", "report", "init", "schema",
    ] {
        assert!(subs.iter().any(|s| s == sub), "{sub} in {subs:?}");
    }
    let top = text(&run(dir.path(), &["man"]).stdout);
    for sub in &subs {
        let escaped = sub.replace('-', "\\-");
        assert!(top.contains(&format!("synthdata\\-{escaped}(1)")), "{sub}");
        let page = run(dir.path(), &["man", sub]);
        assert_eq!(page.status.code(), Some(0));
        assert!(
            text(&page.stdout).contains(&format!(".TH synthdata-{sub} 1")),
            "{sub}"
        );
    }
    assert_eq!(run(dir.path(), &["man", "nope"]).status.code(), Some(2));
}

#[test]
fn a_missing_directory_is_exit_2_for_verify_and_report_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["verify", "report"] {
        let out = run(dir.path(), &[sub, "missing"]);
        assert_eq!(out.status.code(), Some(2), "{sub}");
        assert!(
            text(&out.stderr).contains("no such output directory"),
            "{sub}"
        );
    }
}

#[test]
fn summaries_count_what_this_run_did() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A shard makes 2 of the 5 parts.
    let out = run(
        dir.path(),
        &[
            "generate",
            "-n",
            "2500",
            "--part-entries",
            "500",
            "--shard",
            "1/2",
            "--out",
            "s",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(
        summary.contains("2 parts generated, ")
            && summary.contains("the dataset has 5 parts in all"),
        "{summary}"
    );
    // One part: singular.
    let out = run(dir.path(), &["generate", "-n", "1", "--out", "one"]);
    let summary = text(&out.stdout);
    assert!(summary.contains("Done: 1 journal entry ("), "{summary}");
    let err = text(&out.stderr);
    assert!(
        err.contains("generating 1 journal entry (seed 42)"),
        "{err}"
    );
    assert!(summary.contains("1 part generated, 1 at once"), "{summary}");
    assert!(summary.contains("0 reliefs, 0 throttles"), "{summary}");
    // A resume that keeps 2 of 3 parts generates 1 and says so.
    let args = [
        "generate",
        "-n",
        "3000",
        "--part-entries",
        "1000",
        "--out",
        "r",
        "--quiet",
    ];
    assert_eq!(run(dir.path(), &args).status.code(), Some(0));
    std::fs::remove_file(dir.path().join("r/journal_lines/part-00002.csv")).expect("rm");
    let out = run(dir.path(), &["generate", "--resume", "r", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(
        (
            &v["entries_written"],
            &v["entries_generated"],
            &v["parts_generated"],
            &v["parts_kept"]
        ),
        (&3000.into(), &1000.into(), &1.into(), &2.into()),
        "{v}"
    );
    std::fs::remove_file(dir.path().join("r/journal_lines/part-00000.csv")).expect("rm");
    let out = run(dir.path(), &["generate", "--resume", "r"]);
    let summary = text(&out.stdout);
    assert!(
        summary.contains("Kept from the earlier run: 2 whole parts (2,000 entries)")
            && summary.contains("generated now: 1,000 entries"),
        "{summary}"
    );
    // The refusal of a non-empty directory gives its advice once.
    let out = run(dir.path(), &["generate", "-n", "10", "--out", "one"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.matches("choose an empty directory").count(), 1, "{err}");
}

#[test]
fn estimate_compares_the_disk_need_with_the_free_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        dir.path(),
        &["estimate", "-n", "10k", "--out", "o", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert!(v["disk_free_bytes"].as_u64().unwrap_or(0) > 0, "{v}");
    assert_eq!(v["disk_fits"], true);
    let out = run(dir.path(), &["estimate", "-n", "10k", "--out", "o"]);
    assert!(
        text(&out.stdout).contains("Disk: fits: about "),
        "{}",
        text(&out.stdout)
    );
    // A million entries do not fit a 1 MiB disk: exit 1, as generate would refuse; the
    // null format writes nothing, so it fits.
    let Some(disk) = common::SmallDisk::mount("1m") else {
        eprintln!("SKIPPED: the small-disk half of this test needs root (mount -t tmpfs)");
        return;
    };
    let small = disk.0.path().join("o");
    let small = small.to_str().expect("utf-8 path");
    let out = run(
        dir.path(),
        &["estimate", "-n", "1M", "--out", small, "--json"],
    );
    let v = json(&out);
    assert_eq!(
        (v["fits"].clone(), v["disk_fits"].clone()),
        (true.into(), false.into()),
        "{v}"
    );
    assert_eq!(out.status.code(), Some(1), "{v}");
    let out = run(dir.path(), &["estimate", "-n", "1M", "--out", small]);
    assert!(
        text(&out.stdout).contains("Disk: does not fit: about "),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        dir.path(),
        &[
            "estimate", "-n", "1M", "--format", "null", "--out", small, "--json",
        ],
    );
    assert_eq!(json(&out)["disk_fits"], true);
    assert_eq!(out.status.code(), Some(0));
    // With the check off, as generate --no-space-check would write: exit 0, "may not fit".
    let out = run(
        dir.path(),
        &["estimate", "-n", "1M", "--out", small, "--no-space-check"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Disk: may not fit: about "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn health_reads_the_probe_from_its_first_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = bin()
        .args([
            "generate",
            "-n",
            "1B",
            "--format",
            "null",
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
    let addr = common::server_address(&mut child);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let until = Instant::now() + Duration::from_secs(30);
    let first = loop {
        assert!(Instant::now() < until, "no answer from {addr}");
        if let Ok(mut resp) = agent.get(&format!("http://{addr}/health")).call() {
            break serde_json::from_str::<serde_json::Value>(
                &resp.body_mut().read_to_string().expect("body"),
            )
            .expect("JSON");
        }
    };
    let metrics = agent
        .get(&format!("http://{addr}/metrics"))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok())
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first["memory_usage_mb"].as_u64().unwrap_or(0) > 0,
        "{first}"
    );
    assert!(
        first["memory_percent"].as_f64().unwrap_or(0.0) > 0.0,
        "{first}"
    );
    let used: f64 = metrics
        .lines()
        .find(|l| l.starts_with("synthdata_memory_used_bytes "))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    assert!(used > 0.0, "{metrics}");
}

#[test]
fn the_docs_table_of_keys_is_the_one_list_and_init_writes_every_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["init", "--markdown"]);
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/src/configuration/keys.md"
    );
    let docs = std::fs::read_to_string(page).expect("docs/src/configuration/keys.md");
    assert!(
        docs == text(&out.stdout),
        "docs/src/configuration/keys.md is stale: run `synthdata init --markdown > docs/src/configuration/keys.md`"
    );
    // init writes every key of the table, and the file is the default config.
    assert_eq!(run(dir.path(), &["init"]).status.code(), Some(0));
    let file = std::fs::read_to_string(dir.path().join("synthdata.yaml")).expect("written");
    for row in docs.lines().filter(|l| l.starts_with("| `")) {
        let path = row.split('`').nth(1).expect("key");
        let name = path.split_once('.').map_or(path, |(_, n)| n);
        assert!(
            file.contains(&format!("\n  {name}:")),
            "{path} in synthdata.yaml"
        );
    }
    assert_eq!(
        run(dir.path(), &["validate", "synthdata.yaml"])
            .status
            .code(),
        Some(0)
    );
    // Never through a symbolic link: the link's target is not created.
    std::os::unix::fs::symlink(dir.path().join("elsewhere.yaml"), dir.path().join("l.yaml"))
        .expect("symlink");
    let out = run(dir.path(), &["init", "l.yaml", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("elsewhere.yaml").exists());
}

#[test]
fn a_run_whose_anomaly_plan_cannot_fit_is_refused_before_it_is_built() {
    // A trillion entries plan about 8 GiB of anomalies before any part starts: under a
    // 1 GiB limit that is refused at once (it used to take minutes and the memory).
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["generate", "estimate"] {
        let child = bin()
            .args([
                sub,
                "-n",
                "1T",
                "--part-entries",
                "1B",
                "--memory-limit",
                "1GiB",
                "--out",
                "o",
            ])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let out = common::wait_at_most(child, 30);
        assert_eq!(out.status.code(), Some(3), "{sub}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(
            err.contains("planning the labelled anomalies of 1000000000000 entries"),
            "{err}"
        );
        assert!(err.contains("refused before writing anything"), "{err}");
    }
    assert!(!dir.path().join("o").exists());
    // With anomalies off nothing is planned, and the estimate goes on.
    let out = run(
        dir.path(),
        &[
            "estimate",
            "-n",
            "1T",
            "--part-entries",
            "1B",
            "--no-anomalies",
            "--json",
        ],
    );
    assert!(
        out.status.code().is_some_and(|c| c != 2),
        "{}",
        text(&out.stderr)
    );
}

/// Validates `yaml` (exit 2, the problems at `paths` in order) and generates from it
/// (exit 2, stderr naming each of `named`, nothing written).
fn refused_naming(yaml: &str, paths: &[&str], named: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.yaml"), yaml).expect("writes");
    let out = run(dir.path(), &["validate", "bad.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let got: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert_eq!(got, paths, "{v}");
    let out = run(
        dir.path(),
        &["generate", "--config", "bad.yaml", "--out", "o", "--quiet"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(named.iter().all(|n| err.contains(n)), "{err}");
    assert!(!dir.path().join("o").exists());
}

#[test]
fn shares_of_the_business_outside_0_to_1_are_refused_naming_the_key() {
    refused_naming(
        "global:
  companies:
    - code: \"1000\"
      currency: EUR
      country: XX
master_data:
  customers_abroad: -0.1
  employee_churn: .nan
",
        &[
            "global.companies[0].country",
            "master_data.customers_abroad",
            "master_data.employee_churn",
        ],
        &["master_data.employee_churn"],
    );
}

#[test]
fn an_unknown_currency_and_exchange_rates_out_of_range_are_refused_naming_the_key() {
    refused_naming(
        "global:
  companies:
    - code: \"1000\"
      currency: XYZ
      country: US
fx:
  foreign_currency_share: 1.5
  volatility: -0.1
",
        &[
            "global.companies[0].currency",
            "fx.foreign_currency_share",
            "fx.volatility",
        ],
        &["companies[0].currency", "XYZ"],
    );
}

#[test]
fn an_unknown_vat_period_a_short_seasonality_and_long_entry_shares_over_a_quarter_are_refused_naming_the_key()
 {
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, yaml, key) in [
        (
            "period.yaml",
            "global:\n  companies:\n    - code: \"1000\"\n      currency: GBP\n      vat_returns: weekly\n",
            "global.companies[0].vat_returns: unknown variant `weekly`, expected `monthly` or `quarterly`",
        ),
        (
            "shares.yaml",
            "transactions:\n  long_entries:\n    lines_10_to_99: 0.2\n    lines_100_to_999: 0.1\n",
            "transactions.long_entries: expected shares that add up to at most 0.25",
        ),
        (
            "season.yaml",
            "transactions:\n  seasonality: [1, 2]\n",
            "transactions.seasonality: invalid length 2, expected an array of length 12",
        ),
        (
            "nan.yaml",
            "transactions:\n  long_entries:\n    lines_1000_or_more: .nan\n",
            "transactions.long_entries.lines_1000_or_more: expected a share from 0.0 to 0.25",
        ),
    ] {
        std::fs::write(dir.path().join(file), yaml).expect("writes");
        let out = run(
            dir.path(),
            &["generate", "--config", file, "--out", "o", "--quiet"],
        );
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{file}: {err}");
        assert!(!dir.path().join("o").exists());
    }
}
