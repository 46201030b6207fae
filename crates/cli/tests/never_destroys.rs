//! "Never destroys what is not its own", part 2: resume, report, verify and shards under
//! attack, through the binary. Each test is one defect an adversary found; each failed
//! before its fix. Every exit code seen here is one of 0, 1, 2, 3, 130.

#![cfg(unix)]

mod common;

use common::{SmallDisk, bin, run, spawn, text, wait_at_most};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn manifest(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("manifest")).expect("json")
}

fn write_manifest(path: &Path, m: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(m).expect("json")).expect("writes");
}

/// A finished run of `entries` entries in parts of `part` into `d/o`.
fn generate(d: &Path, entries: &str, part: &str) -> PathBuf {
    let out = run(
        d,
        &[
            "generate",
            "--entries",
            entries,
            "--part-entries",
            part,
            "--out",
            "o",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    d.join("o")
}

/// Every file under `dir` (one level of table directories) with a hash of its bytes;
/// the lock file (which holds the last run's pid) aside.
fn snapshot(dir: &Path) -> Vec<(String, u64)> {
    use std::hash::{Hash, Hasher};
    let digest = |p: &Path| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::fs::read(p).unwrap_or_default().hash(&mut h);
        h.finish()
    };
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).expect("lists") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(e.path()).expect("meta");
        if meta.is_dir() {
            for s in std::fs::read_dir(e.path()).expect("lists") {
                let s = s.expect("entry");
                let sub = format!("{name}/{}", s.file_name().to_string_lossy());
                all.push((sub, digest(&s.path())));
            }
        } else if meta.is_file() && name != ".synthdata.lock" {
            all.push((name, digest(&e.path())));
        }
    }
    all.sort();
    all
}

#[test]
fn resume_never_removes_a_path_outside_the_output_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "3000", "1000");
    std::fs::write(d.join("victim.csv"), "precious").expect("writes");
    let victim_abs = d.join("victim.csv").to_string_lossy().into_owned();
    let original = manifest(&o.join("manifest.json"));
    for listed in [
        "../victim.csv",
        victim_abs.as_str(),
        "journal_lines/../../victim.csv",
    ] {
        let mut m = original.clone();
        let files = m["tables"][0]["files"].as_array_mut().expect("files");
        files.push(serde_json::json!({
            "path": listed, "rows": 1, "bytes": 1, "xxh3": "0000000000000000"
        }));
        write_manifest(&o.join("manifest.json"), &m);
        let before = snapshot(&o);
        // Plain resume (the config from the manifest), and resume with a config file.
        std::fs::write(
            d.join("c.yaml"),
            "output:\n  part_entries: 1000\ntransactions:\n  target_count: 3000\n",
        )
        .expect("writes");
        for extra in [&[][..], &["--config", "c.yaml"][..]] {
            let mut args = vec!["generate", "--resume", "o", "--quiet"];
            args.extend_from_slice(extra);
            let out = run(d, &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{listed} {extra:?}: {stderr}");
            assert!(stderr.contains(listed), "names the path: {stderr}");
            assert_eq!(
                std::fs::read_to_string(d.join("victim.csv")).expect("still there"),
                "precious"
            );
            assert_eq!(snapshot(&o), before, "a refused resume changes nothing");
        }
        // verify names it and reads nothing through it.
        let out = run(d, &["verify", "o"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(text(&out.stdout).contains(listed), "{}", text(&out.stdout));
    }
}

#[test]
fn a_refused_resume_removes_nothing_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "5000", "1000");
    // A table directory replaced by a link: the resume is refused, and the other
    // tables' whole parts (which it would make again) are still there.
    std::fs::rename(o.join("documents"), d.join("elsewhere")).expect("moves");
    std::os::unix::fs::symlink("../elsewhere", o.join("documents")).expect("links");
    let before = snapshot(&o);
    let out = run(d, &["generate", "--resume", "o", "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("documents"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&o), before);
    assert_eq!(
        std::fs::read_dir(d.join("elsewhere"))
            .expect("lists")
            .count(),
        5
    );
}

#[test]
fn resume_blames_only_the_damaged_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "3000", "1000");
    let damaged = o.join("documents/part-00001.csv");
    let mut bytes = std::fs::read(&damaged).expect("reads");
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&damaged, bytes).expect("writes");
    let out = run(d, &["generate", "--resume", "o"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("documents/part-00001.csv does not match"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("journal_lines/part-00001.csv does not match"),
        "{stderr}"
    );
    let out = run(d, &["verify", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn report_html_never_replaces_a_fifo_a_link_or_the_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "2000", "1000000");
    let fifo = d.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    std::fs::write(d.join("victim"), "precious").expect("writes");
    std::os::unix::fs::symlink(d.join("victim"), d.join("link")).expect("links");
    std::fs::create_dir(d.join("a-directory")).expect("mkdir");
    let before = snapshot(&o);
    for target in [
        "fifo",
        "link",
        "a-directory",
        "o/journal_lines.csv",
        "o/manifest.json",
        "o/new.html",
    ] {
        let out = run(d, &["report", "o", "--html", target]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(target), "{stderr}");
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("there")
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(d.join("link"))
            .expect("there")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(d.join("victim")).expect("reads"),
        "precious"
    );
    assert_eq!(snapshot(&o), before, "the dataset is untouched");
    // A regular file or nothing is fine.
    std::fs::write(d.join("old.html"), "old").expect("writes");
    for target in ["old.html", "new.html"] {
        let out = run(d, &["report", "o", "--html", target]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            text(&out.stderr)
        );
        let page = std::fs::read_to_string(d.join(target)).expect("written");
        assert!(page.contains("<svg"), "{target}");
    }
}

#[test]
fn report_bounds_every_record_and_never_blocks_on_a_fifo_or_a_device() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "2000", "1000000");
    let lines = o.join("journal_lines.csv");
    let original = std::fs::read(&lines).expect("reads");
    // A record of 8 MiB (the cap is 1 MiB): an error naming the file and the line.
    let mut long = original.clone();
    let first_newline = long.iter().position(|&b| b == b'\n').expect("header");
    long.splice(first_newline + 1..first_newline + 1, vec![b'x'; 8 << 20]);
    std::fs::write(&lines, &long).expect("writes");
    let out = wait_at_most(spawn(d, &["report", "o"]), 120);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("journal_lines.csv") && stderr.contains("line 2"),
        "{stderr}"
    );
    // A table file that is a link to /dev/zero, or a FIFO: refused at once.
    std::fs::remove_file(&lines).expect("removes");
    std::os::unix::fs::symlink("/dev/zero", &lines).expect("links");
    let out = wait_at_most(spawn(d, &["report", "o"]), 120);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    std::fs::remove_file(&lines).expect("removes");
    assert!(
        Command::new("mkfifo")
            .arg(&lines)
            .status()
            .expect("mkfifo")
            .success()
    );
    let out = wait_at_most(spawn(d, &["report", "o"]), 120);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("journal_lines.csv"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_huge_or_unparsable_manifest_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "1000", "1000000");
    let path = o.join("manifest.json");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("opens");
    // 2 GiB, sparse: reading it whole would take 2 GiB of memory.
    f.set_len(2 << 30).expect("grows");
    drop(f);
    for args in [
        &["generate", "--resume", "o"][..],
        &["verify", "o"][..],
        &["report", "o"][..],
    ] {
        let out = wait_at_most(spawn(d, args), 60);
        let all = text(&out.stderr) + &text(&out.stdout);
        assert!(matches!(out.status.code(), Some(1 | 2)), "{args:?}: {all}");
        assert!(all.contains("larger than"), "{args:?}: {all}");
    }
    std::fs::write(&path, "{ not json").expect("writes");
    let out = run(d, &["report", "o"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = run(d, &["verify", "no-such-directory"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn shards_of_two_datasets_started_together_cannot_both_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for round in 0..3 {
        let out = format!("o{round}");
        let a = spawn(
            d,
            &[
                "generate",
                "--entries",
                "40000",
                "--part-entries",
                "10000",
                "--shard",
                "0/2",
                "--seed",
                "1",
                "--out",
                &out,
                "--quiet",
            ],
        );
        let b = spawn(
            d,
            &[
                "generate",
                "--entries",
                "40000",
                "--part-entries",
                "10000",
                "--shard",
                "1/3",
                "--seed",
                "2",
                "--out",
                &out,
                "--quiet",
            ],
        );
        let (a, b) = (wait_at_most(a, 120), wait_at_most(b, 120));
        let codes = [a.status.code(), b.status.code()];
        assert!(
            codes.contains(&Some(0)) && codes.contains(&Some(2)),
            "one runs, the other is refused: {codes:?}\n{}\n{}",
            text(&a.stderr),
            text(&b.stderr)
        );
        let refused = if a.status.code() == Some(2) { &a } else { &b };
        assert!(
            text(&refused.stderr).contains("already holds"),
            "{}",
            text(&refused.stderr)
        );
        // And after the first has finished, the other is refused still.
        let late = run(
            d,
            &[
                "generate",
                "--entries",
                "40000",
                "--part-entries",
                "10000",
                "--shard",
                "1/2",
                "--seed",
                "2",
                "--out",
                &out,
                "--quiet",
            ],
        );
        assert_eq!(late.status.code(), Some(2), "{}", text(&late.stderr));
    }
}

#[test]
fn a_non_utf8_directory_keeps_its_config_in_the_manifest() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"out-\xff\xfe");
    let out = bin()
        .args([
            "generate",
            "--entries",
            "3000",
            "--part-entries",
            "1000",
            "--quiet",
            "--out",
        ])
        .arg(name)
        .current_dir(d)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let o = d.join(name);
    let m = manifest(&o.join("manifest.json"));
    assert!(
        m["config"].is_object(),
        "the config is kept: {}",
        m["config"]
    );
    assert_eq!(m["config"]["global"]["seed"], 42);
    // Drop the last part, as a crash would have: a plain resume makes it again.
    let mut cut = m.clone();
    cut["parts"].as_array_mut().expect("parts").pop();
    for t in cut["tables"].as_array_mut().expect("tables") {
        t["files"]
            .as_array_mut()
            .expect("files")
            .retain(|f| f["part"] != 2);
    }
    cut["complete"] = Value::Bool(false);
    write_manifest(&o.join("manifest.json"), &cut);
    let out = bin()
        .args(["generate", "--quiet", "--resume"])
        .arg(name)
        .current_dir(d)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Another seed's config is refused, naming the difference.
    std::fs::write(
        d.join("other.yaml"),
        "global:\n  seed: 7\noutput:\n  part_entries: 1000\ntransactions:\n  target_count: 3000\n",
    )
    .expect("writes");
    let out = bin()
        .args(["generate", "--quiet", "--config", "other.yaml", "--resume"])
        .arg(name)
        .current_dir(d)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("global.seed"),
        "{}",
        text(&out.stderr)
    );
    let out = bin()
        .arg("verify")
        .arg(name)
        .current_dir(d)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn numbers_that_overflow_and_aliases_that_explode_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("weights.yaml"),
        "anomalies:\n  weights:\n    duplicate_payment: 1.7e308\n    split_purchase: 1.7e308\n",
    )
    .expect("writes");
    for cmd in [
        &["validate", "--config", "weights.yaml"][..],
        &["generate", "--config", "weights.yaml", "--out", "w"][..],
    ] {
        let out = run(d, cmd);
        let all = text(&out.stderr) + &text(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("anomalies.weights.duplicate_payment"), "{all}");
    }
    assert!(!d.join("w").exists(), "nothing written");
    // 40 000 aliases of one mapping (400 KB): refused at once, not parsed for minutes.
    let mut yaml = String::from("x: &a {k: 1, l: 2, m: 3}\ny:\n");
    for _ in 0..40_000 {
        yaml.push_str("  - *a\n");
    }
    std::fs::write(d.join("aliases.yaml"), yaml).expect("writes");
    let started = Instant::now();
    let out = wait_at_most(spawn(d, &["validate", "--config", "aliases.yaml"]), 60);
    let all = text(&out.stderr) + &text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("aliases"), "{all}");
    eprintln!("refused in {:?}", started.elapsed());
}

#[test]
fn verify_checks_completeness_against_the_manifests_own_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = generate(d, "3000", "1000");
    let original = manifest(&o.join("manifest.json"));
    // A table dropped (its files too).
    let mut m = original.clone();
    m["tables"]
        .as_array_mut()
        .expect("tables")
        .retain(|t| t["table"] != "documents");
    write_manifest(&o.join("manifest.json"), &m);
    std::fs::rename(o.join("documents"), d.join("documents-away")).expect("moves");
    let out = run(d, &["verify", "o"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("documents"),
        "{}",
        text(&out.stdout)
    );
    std::fs::rename(d.join("documents-away"), o.join("documents")).expect("moves back");
    // The last part dropped, with parts_total lowered.
    let mut m = original.clone();
    m["parts"].as_array_mut().expect("parts").pop();
    m["parts_total"] = Value::from(2);
    for t in m["tables"].as_array_mut().expect("tables") {
        t["files"]
            .as_array_mut()
            .expect("files")
            .retain(|f| f["part"] != 2);
    }
    write_manifest(&o.join("manifest.json"), &m);
    for t in [
        "journal_entries",
        "journal_lines",
        "documents",
        "document_items",
        "graph_edges",
        "anomalies",
    ] {
        let _ = std::fs::remove_file(o.join(t).join("part-00002.csv"));
    }
    let out = run(d, &["verify", "o"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("makes 3"),
        "{}",
        text(&out.stdout)
    );
}

/// Runs `args` under `ulimit -n files` in `d`.
fn with_open_files(d: &Path, files: u32, args: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -n {files} && exec \"$0\" {args}"))
        .arg(env!("CARGO_BIN_EXE_synthdata"))
        .current_dir(d)
        .output()
        .expect("runs")
}

#[test]
fn open_files_are_a_budget_like_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = with_open_files(
        d,
        64,
        "generate --entries 16000 --part-entries 1000 --threads 64 --out many --quiet",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("parts at once instead of"), "{stderr}");
    let out = run(d, &["verify", "many"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = with_open_files(
        d,
        12,
        "generate --entries 16000 --part-entries 1000 --threads 4 --out few --quiet",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("open files"), "{stderr}");
    assert!(!d.join("few").exists(), "nothing written");
}

#[test]
fn a_repeated_sigterm_finishes_the_clean_stop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for round in 0..4 {
        let out = format!("o{round}");
        let child = spawn(
            d,
            &[
                "generate",
                "--entries",
                "1000000000",
                "--format",
                "null",
                "--out",
                &out,
                "--quiet",
            ],
        );
        let pid = child.id().to_string();
        let m = d.join(&out).join("manifest.json");
        let until = Instant::now() + Duration::from_secs(60);
        while !m.exists() {
            assert!(Instant::now() < until, "the run never wrote its manifest");
            std::thread::sleep(Duration::from_millis(10));
        }
        // As coreutils `timeout` does: two in a row, and one more later.
        for _ in 0..2 {
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
        }
        std::thread::sleep(Duration::from_millis(1100));
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let done = wait_at_most(child, 60);
        assert_eq!(done.status.code(), Some(130), "{}", text(&done.stderr));
        assert_eq!(manifest(&m)["stop_reason"], "interrupted");
    }
}

#[test]
fn a_disk_too_full_for_anything_still_ends_with_a_truthful_manifest() {
    // On 8 KiB (the lock takes a page), only the compact manifest fits: 3.0 KB where the
    // pretty one is 4.5 KB.
    for size in ["8k", "64k", "512k"] {
        let Some(disk) = SmallDisk::mount(size) else {
            eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
            return;
        };
        let o = disk.0.path().join("o");
        let out = bin()
            .args([
                "generate",
                "--entries",
                "100000",
                "--no-space-check",
                "--quiet",
                "--out",
            ])
            .arg(&o)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{size}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("disk full"),
            "{}",
            text(&out.stderr)
        );
        let m = manifest(&o.join("manifest.json"));
        assert_eq!(m["stop_reason"], "error", "{size}: {m}");
        assert_eq!(m["complete"], false);
    }
}
