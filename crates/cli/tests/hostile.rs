//! The binary against hostile input and a hostile environment: what it must never do is
//! be killed, hang, panic, write through a link, or delete what is not its own. Every
//! exit code seen here is one of 0, 1, 2, 3, 130.

mod common;

use common::{run, spawn, text, wait_at_most};
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn overwrite_removes_only_what_the_tool_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--entries", "2000", "--out", "o", "--quiet"];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    assert_eq!(generate(&[]).status.code(), Some(0));
    let o = d.join("o");
    let theirs = [
        "accounts.xlsx",
        "documents.pdf",
        "manifest.json.bak",
        "vendors.csv.gz",
    ];
    for name in theirs {
        std::fs::write(o.join(name), "the user's").expect("writes");
    }
    let again = generate(&[]);
    assert_eq!(again.status.code(), Some(2), "refused without --overwrite");
    assert!(
        text(&again.stderr).contains("--overwrite"),
        "{}",
        text(&again.stderr)
    );
    let out = generate(&["--overwrite"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for name in theirs {
        assert_eq!(
            std::fs::read_to_string(o.join(name)).expect("still there"),
            "the user's",
            "{name}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_planted_link_is_never_written_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let victim = d.join("victim");
    std::fs::write(&victim, "precious").expect("writes");
    let o = d.join("o");
    std::fs::create_dir(&o).expect("mkdir");
    for name in [
        "manifest.json.partial",
        "journal_lines.csv.partial",
        "accounts.csv",
    ] {
        std::os::unix::fs::symlink(&victim, o.join(name)).expect("link");
    }
    for extra in [&[][..], &["--overwrite"][..]] {
        let mut args = vec!["generate", "--entries", "1000", "--out", "o", "--quiet"];
        args.extend_from_slice(extra);
        let out = run(d, &args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    }
    assert_eq!(std::fs::read_to_string(&victim).expect("reads"), "precious");
    for name in [
        "manifest.json.partial",
        "journal_lines.csv.partial",
        "accounts.csv",
    ] {
        let m = std::fs::symlink_metadata(o.join(name)).expect("the link is still there");
        assert!(m.file_type().is_symlink(), "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_second_run_into_a_busy_directory_fails_at_once_naming_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let first = spawn(
        d,
        &[
            "generate",
            "--entries",
            "1000000000",
            "--format",
            "null",
            "--out",
            "o",
            "--quiet",
        ],
    );
    let pid = first.id();
    // The first run writes its pid into the lock file once it holds the lock.
    let lock = d.join("o").join(".synthdata.lock");
    let until = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&lock).ok().as_deref() != Some(pid.to_string().as_str()) {
        assert!(Instant::now() < until, "the first run never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = run(
        d,
        &["generate", "--entries", "10", "--out", "o", "--overwrite"],
    );
    let stderr = text(&second.stderr);
    // Stop the first run before asserting, so a failure leaves no process behind.
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let first = wait_at_most(first, 60);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("in use by another run (pid {pid})")),
        "{stderr}"
    );
    assert_eq!(first.status.code(), Some(130), "{}", text(&first.stderr));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("o/manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(
        m["stop_reason"], "interrupted",
        "the second run did not touch it"
    );
}

#[test]
fn closed_pipes_never_end_a_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn(
        dir.path(),
        &["generate", "--entries", "30000", "--out", "o"],
    );
    // Both readers go away at once: every log line and the summary hit a closed pipe.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let out = wait_at_most(child, 120);
    assert_eq!(out.status.code(), Some(0));
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("o/manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(m["complete"], true);
}

#[test]
fn every_numeric_setting_has_a_range_checked_by_validate_and_generate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("bad.yaml"),
        "global:\n  throttle_ms: 18446744073709551615\n  growth_rate_threshold: 0\n  \
         check_interval_ms: 3600000\noutput:\n  row_group_bytes: 0\n  buffer_bytes: 16GiB\n\
         transactions:\n  target_count: 18446744073709551615\n",
    )
    .expect("writes");
    for cmd in ["validate", "generate"] {
        let out = run(d, &[cmd, "--config", "bad.yaml"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        for field in [
            "global.throttle_ms",
            "global.growth_rate_threshold",
            "global.check_interval_ms",
            "output.row_group_bytes",
            "output.buffer_bytes",
            "transactions.target_count",
        ] {
            assert!(stderr.contains(field), "{cmd} names {field}: {stderr}");
        }
    }
    assert!(!d.join("output").exists(), "nothing written");
}

#[cfg(unix)]
#[test]
fn a_config_that_is_not_a_small_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let fifo = d.join("fifo.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let deep = d.join("deep.yaml");
    let mut f = std::fs::File::create(&deep).expect("creates");
    write!(
        f,
        "global:\n  seed: {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    )
    .expect("w");
    let big = d.join("big.yaml");
    std::fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).expect("writes");
    for (path, says) in [
        ("/dev/zero", "regular file"),
        (fifo.to_str().expect("utf-8"), "regular file"),
        (d.to_str().expect("utf-8"), "regular file"),
        (deep.to_str().expect("utf-8"), "nested"),
        (big.to_str().expect("utf-8"), "1 MiB"),
    ] {
        for cmd in ["validate", "generate"] {
            let out = wait_at_most(spawn(d, &[cmd, "--config", path]), 20);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd} {path}: {stderr}");
            assert!(stderr.contains(says), "{cmd} {path}: {stderr}");
        }
    }
}

#[test]
fn company_codes_count_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let config = |code: &str| {
        format!("global:\n  companies:\n    - code: \"{code}\"\n      currency: EUR\n")
    };
    std::fs::write(d.join("ok.yaml"), config("ééééé")).expect("writes");
    std::fs::write(d.join("long.yaml"), config("ééééééééé")).expect("writes");
    let ok = run(
        d,
        &[
            "generate",
            "--config",
            "ok.yaml",
            "--entries",
            "200",
            "--quiet",
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let csv = std::fs::read_to_string(d.join("output/journal_entries.csv")).expect("reads");
    assert!(
        csv.lines().nth(1).expect("a row").contains(",ééééé,"),
        "{csv:.300}"
    );
    let long = run(d, &["validate", "--config", "long.yaml"]);
    assert_eq!(long.status.code(), Some(2));
    assert!(
        text(&long.stderr).contains("1 to 8 characters"),
        "{}",
        text(&long.stderr)
    );
}

#[test]
fn huge_master_data_is_refused_up_front_from_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("huge.yaml"),
        "master_data:\n  vendors: 4294967295\n  customers: 100000000\n",
    )
    .expect("writes");
    for cmd in ["estimate", "generate"] {
        let out = wait_at_most(
            spawn(
                d,
                &[cmd, "--config", "huge.yaml", "--memory-limit", "256MiB"],
            ),
            60,
        );
        let stderr = text(&out.stderr);
        let expected = if cmd == "estimate" {
            [Some(0), Some(3)]
        } else {
            [Some(3), Some(3)]
        };
        assert!(expected.contains(&out.status.code()), "{cmd}: {stderr}");
        if cmd == "generate" {
            assert!(
                stderr.contains("refused before writing anything"),
                "{stderr}"
            );
        }
    }
    assert!(!d.join("output").exists(), "nothing written");
}

#[test]
fn a_memory_limit_above_the_machine_is_lowered_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        dir.path(),
        &[
            "generate",
            "--entries",
            "100",
            "--memory-limit",
            "1000TiB",
            "--format",
            "null",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("is above what this machine allows"),
        "{stderr}"
    );
}

#[test]
fn serving_every_interface_is_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        dir.path(),
        &[
            "generate",
            "--entries",
            "100",
            "--format",
            "null",
            "--health-addr",
            "0.0.0.0:0",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("every network interface"), "{stderr}");
    let bad = run(
        dir.path(),
        &["generate", "--entries", "1", "--health-addr", "nowhere"],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("health_addr"));
}

#[cfg(unix)]
#[test]
fn idle_health_clients_cannot_use_up_the_runs_file_descriptors() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 96 descriptors in all: without a cap on connections, 200 idle clients take them.
    // (The run itself asks for about 2 per streaming table and part, 17 for the server
    // and what the child inherits from the test harness, which is not little.)
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -n 96 && exec {} generate --entries 400000 --out o --health-addr 127.0.0.1:0",
            env!("CARGO_BIN_EXE_synthdata")
        ))
        .current_dir(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let addr = common::server_address(&mut child);
    let mut idle = Vec::new();
    let until = Instant::now() + Duration::from_secs(60);
    while idle.is_empty() && Instant::now() < until {
        if let Ok(s) = std::net::TcpStream::connect(&addr) {
            idle.push(s);
        }
    }
    for _ in 0..200 {
        match std::net::TcpStream::connect(&addr) {
            Ok(s) => idle.push(s),
            Err(_) => break, // the run ended and the server with it
        }
    }
    let out = wait_at_most(child, 120);
    drop(idle);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("o/manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(m["complete"], true);
}

#[cfg(target_os = "linux")]
#[test]
fn an_address_space_limit_is_watched_as_one_never_an_abort() {
    // `ulimit -v` limits mapped address space, not RSS: the guard must watch the
    // virtual size, and the allocator must not reserve an arena per thread.
    let dir = tempfile::tempdir().expect("tempdir");
    for mb in [48u64, 90, 150] {
        for format in ["parquet", "csv", "jsonl"] {
            let out_dir = format!("o-{mb}-{format}");
            let child = Command::new("bash")
                .arg("-c")
                .arg(format!(
                    "ulimit -v {} && exec {} generate --entries 300000 --format {format} --out {out_dir} --quiet",
                    mb * 1000,
                    env!("CARGO_BIN_EXE_synthdata")
                ))
                .current_dir(dir.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawns");
            let out = wait_at_most(child, 120);
            let stderr = text(&out.stderr);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 3)),
                "{mb} MB {format}: exit {code:?} (never 134): {stderr}"
            );
            if code == Some(3) {
                assert!(stderr.contains("RLIMIT_AS"), "{mb} MB {format}: {stderr}");
            }
        }
    }
}
