//! Shards, resume and verify, through the binary: the union of the shards is the single
//! run byte for byte; a run killed with SIGKILL and resumed is the uninterrupted run;
//! `verify` finds what is missing, damaged, repeated or stray.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn synthdata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("synthdata runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every file under `dir`, bookkeeping too (relative path → bytes).
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("lists") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(&p).expect("reads"));
        }
    }
    out
}

/// Every data file under `dir`: not manifests, locks, reserves.
fn data(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = everything(dir);
    all.retain(|rel, _| !rel.starts_with("manifest") && !rel.starts_with(".synthdata"));
    all
}

const RUN: [&str; 5] = ["--entries", "30000", "--part-entries", "4000", "--threads"];

fn generate(cwd: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "--out", out, "--quiet"];
    args.extend_from_slice(&RUN);
    args.push("2");
    args.extend_from_slice(extra);
    synthdata(cwd, &args)
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// `o` ended with `code` and its stderr and stdout say `says`.
fn ended(o: &Output, code: i32, says: &str) {
    let all = text(&o.stderr) + &text(&o.stdout);
    assert_eq!(o.status.code(), Some(code), "{all}");
    assert!(all.contains(says), "expected {says:?} in: {all}");
}

#[test]
fn one_to_four_shards_united_are_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    ok(&generate(d, "one", &[]));
    let one = data(&d.join("one"));
    assert!(one.contains_key("journal_lines/part-00007.csv"));
    for n in 1..=4 {
        let out = format!("n{n}");
        for k in 0..n {
            ok(&generate(d, &out, &["--shard", &format!("{k}/{n}")]));
        }
        let united = data(&d.join(&out));
        assert_eq!(
            united.keys().collect::<Vec<_>>(),
            one.keys().collect::<Vec<_>>(),
            "{n} shards"
        );
        for (name, bytes) in &united {
            assert!(*bytes == one[name], "{n} shards: {name} differs");
        }
        let v = synthdata(d, &["verify", &out]);
        assert_eq!(v.status.code(), Some(0), "{n} shards: {}", text(&v.stdout));
        if n > 1 {
            assert!(
                d.join(&out)
                    .join(format!("manifest.shard-{}-of-{n}.json", n - 1))
                    .is_file()
            );
        }
    }
    // Shards in separate directories (one per machine) verify together.
    for k in 0..2 {
        ok(&generate(
            d,
            &format!("m{k}"),
            &["--shard", &format!("{k}/2")],
        ));
    }
    let v = synthdata(d, &["verify", "m0", "m1"]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
    // Half a dataset is not whole.
    ended(&synthdata(d, &["verify", "m0"]), 1, "part 1 is missing");
}

#[test]
fn the_shard_comes_from_a_slurm_array_or_a_kubernetes_indexed_job() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let with_env = |out: &str, env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["generate", "--out", out];
        args.extend_from_slice(&RUN);
        args.push("2");
        args.extend_from_slice(extra);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_synthdata"));
        cmd.args(&args).current_dir(d).env("RUST_LOG", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("runs")
    };
    let o = with_env(
        "s",
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
        &[],
    );
    ok(&o);
    assert!(
        text(&o.stderr).contains("Slurm job array"),
        "{}",
        text(&o.stderr)
    );
    assert!(d.join("s/manifest.shard-1-of-3.json").is_file());
    let o = with_env(
        "k",
        &[("JOB_COMPLETION_INDEX", "2")],
        &["--shard-count", "3"],
    );
    ok(&o);
    assert!(
        text(&o.stderr).contains("Kubernetes Indexed Job"),
        "{}",
        text(&o.stderr)
    );
    assert!(d.join("k/manifest.shard-2-of-3.json").is_file());
    // The count is needed.
    ended(
        &with_env("k2", &[("JOB_COMPLETION_INDEX", "2")], &[]),
        2,
        "--shard-count",
    );
}

#[test]
fn bad_shards_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    for bad in ["3/3", "1/0", "a/b"] {
        let o = generate(d, "x", &["--shard", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", text(&o.stderr));
        assert!(!d.join("x").exists());
    }
    ok(&generate(d, "s", &["--shard", "0/2"]));
    let before = everything(&d.join("s"));
    for (extra, says) in [
        (&["--shard", "1/3"][..], "same count"),
        (&["--shard", "1/2", "--seed", "7"], "another dataset"),
        (&["--shard", "0/2"], "exists"),
    ] {
        ended(&generate(d, "s", extra), 2, says);
        assert!(
            everything(&d.join("s")) == before,
            "{extra:?} changed the directory"
        );
    }
}

/// Starts a run and SIGKILLs it once its manifest lists at least `parts` whole parts.
fn kill_after(d: &Path, out: &str, parts: usize, extra: &[&str]) {
    let mut args = vec!["generate", "--out", out, "--quiet"];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(&args)
        .current_dir(d)
        .spawn()
        .expect("starts");
    let manifest = d.join(out).join("manifest.json");
    let start = Instant::now();
    loop {
        let done = std::fs::read(&manifest)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|m| m["parts"].as_array().map(Vec::len))
            .unwrap_or(0);
        if done >= parts {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before {parts} parts");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "too slow");
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .expect("kill");
    let _ = child.wait();
}

#[test]
fn a_run_killed_at_30_and_70_percent_and_resumed_is_the_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let run = [
        "--entries",
        "400000",
        "--part-entries",
        "20000",
        "--threads",
        "2",
    ];
    let mut full = vec!["generate", "--out", "full", "--quiet"];
    full.extend_from_slice(&run);
    ok(&synthdata(d, &full));
    let whole = data(&d.join("full"));
    kill_after(d, "r", 6, &run);
    let v = synthdata(d, &["verify", "r"]);
    assert_eq!(v.status.code(), Some(1), "a killed run is not whole");
    // Resumed with a different number of threads, killed again at 70%, resumed again.
    let o = synthdata(
        d,
        &["generate", "--resume", "r", "--threads", "1", "--quiet"],
    );
    ok(&o);
    let data_r = data(&d.join("r"));
    assert!(
        data_r == whole,
        "resumed once: differs from the uninterrupted run"
    );
    kill_after(d, "r2", 14, &run);
    ok(&synthdata(d, &["generate", "--resume", "r2", "--quiet"]));
    assert!(data(&d.join("r2")) == whole, "resumed at 70%: differs");
    let v = synthdata(d, &["verify", "r2"]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
}

#[test]
fn a_memory_limit_stop_resumed_with_a_larger_limit_completes_the_dataset() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let run = [
        "--entries",
        "200000",
        "--part-entries",
        "4096",
        "--threads",
        "1",
        "--no-space-check",
        "--quiet",
        "--format",
        "parquet",
    ];
    let mut args = vec!["generate", "--out", "r", "--memory-limit", "96MiB"];
    args.extend_from_slice(&run);
    let o = Command::new(env!("CARGO_BIN_EXE_synthdata"))
        .args(&args)
        .current_dir(d)
        .env("SYNTHDATA_FAULT_RETAIN_BATCHES", "1")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let o = synthdata(
        d,
        &[
            "generate",
            "--resume",
            "r",
            "--memory-limit",
            "1GiB",
            "--quiet",
        ],
    );
    ok(&o);
    let v = synthdata(d, &["verify", "r"]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("r/manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(m["complete"], true);
    assert_eq!(m["entries_written"], 200_000);
}

#[test]
fn resume_refuses_another_config_a_foreign_directory_or_a_damaged_manifest() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    ok(&generate(d, "r", &[]));
    let before = everything(&d.join("r"));
    for (extra, says) in [
        (&["--seed", "9"][..], "global.seed"),
        (&["--entries", "40000"], "transactions.target_count"),
        (&["--format", "jsonl"], "output.format"),
    ] {
        let mut args = vec!["generate", "--resume", "r"];
        args.extend_from_slice(extra);
        ended(&synthdata(d, &args), 2, says);
        assert!(
            everything(&d.join("r")) == before,
            "{extra:?} changed the directory"
        );
    }
    // A directory this tool did not write.
    std::fs::create_dir(d.join("mine")).expect("mkdir");
    std::fs::write(d.join("mine/notes.txt"), "x").expect("writes");
    let o = synthdata(d, &["generate", "--resume", "mine"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(everything(&d.join("mine")).len(), 1, "nothing added");
    // A damaged manifest.
    std::fs::write(d.join("r/manifest.json"), b"{ not json").expect("writes");
    let before = everything(&d.join("r"));
    let o = synthdata(d, &["generate", "--resume", "r"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        everything(&d.join("r")) == before,
        "a damaged manifest changes nothing"
    );
}

#[test]
fn verify_finds_flipped_truncated_missing_repeated_and_stray_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let fresh = |name: &str| {
        ok(&generate(d, name, &[]));
        let v = synthdata(d, &["verify", name]);
        assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
        d.join(name)
    };
    let says = |dirs: &[&str], what: &str| {
        let mut args = vec!["verify"];
        args.extend_from_slice(dirs);
        let v = synthdata(d, &args);
        assert_eq!(v.status.code(), Some(1), "{what}: {}", text(&v.stdout));
        assert!(
            text(&v.stdout).contains(what),
            "{what}: {}",
            text(&v.stdout)
        );
    };
    let a = fresh("flip");
    let p = a.join("journal_lines/part-00003.csv");
    let mut bytes = std::fs::read(&p).expect("reads");
    bytes[1000] ^= 1;
    std::fs::write(&p, bytes).expect("writes");
    says(&["flip"], "damaged file");
    let b = fresh("cut");
    let p = b.join("documents/part-00001.csv");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .expect("opens");
    f.set_len(100).expect("truncates");
    says(&["cut"], "damaged file");
    let c = fresh("gone");
    std::fs::remove_file(c.join("graph_edges/part-00005.csv")).expect("removes");
    says(&["gone"], "missing file");
    let e = fresh("stray");
    std::fs::write(e.join("journal_entries/part-00002.csv.partial"), "x").expect("writes");
    says(&["stray"], "unfinished file");
    std::fs::remove_file(e.join("journal_entries/part-00002.csv.partial")).expect("removes");
    std::fs::write(e.join("notes.txt"), "x").expect("writes");
    says(&["stray"], "stray file");
    // Shard 0 of 2 twice, in two directories: its parts are in two shards.
    for (out, k) in [("t0", 0), ("t1", 1), ("t1", 0)] {
        let o = generate(d, out, &["--shard", &format!("{k}/2")]);
        ok(&o);
    }
    says(&["t0", "t1"], "in 2 shards");
}
