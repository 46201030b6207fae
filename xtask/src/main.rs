//! Project automation, run as `cargo xtask <task>`:
//!
//! - `cargo xtask bench [--quick]`: the performance report. Builds the release binary,
//!   runs whole-process generations side by side with the encoder and the disk, reads
//!   the criterion results, prints a table and writes `target/xtask-bench/report.json`.
//!   `--quick` is the CI smoke version: small runs, no criterion, no speed asserts.
//! - `cargo xtask ci`: what `.ci/run` runs.
//! - `cargo xtask man`: builds the release binary and writes its man page to
//!   `target/man/synthdata.1` (install: copy it to `~/.local/share/man/man1/`).

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench(args.iter().any(|a| a == "--quick")),
        Some("ci") => ci(),
        Some("man") => man(),
        _ => Err("usage: cargo xtask bench [--quick] | cargo xtask ci | cargo xtask man".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `target/man/synthdata.1` from the binary's own argument definitions.
fn man() -> Result<()> {
    let root = root();
    run(Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "synth-cli"])
        .current_dir(&root))?;
    let out = Command::new(root.join("target/release/synthdata"))
        .arg("man")
        .output()
        .map_err(|e| format!("cannot run synthdata man: {e}"))?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err(format!(
            "synthdata man failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let dir = root.join("target/man");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let page = dir.join("synthdata.1");
    std::fs::write(&page, &out.stdout)
        .map_err(|e| format!("cannot write {}: {e}", page.display()))?;
    println!("wrote {} ({} bytes)", page.display(), out.stdout.len());
    Ok(())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("{cmd:?} failed: {status}"))
}

fn ci() -> Result<()> {
    run(Command::new("bash").arg(root().join(".ci/run")))
}

/// One whole-process run of `synthdata generate`.
#[derive(Clone)]
struct Sample {
    wall: f64,
    entries: f64,
    lines: f64,
    bytes: f64,
    peak_rss: f64,
    estimate: f64,
}

fn generate(
    bin: &Path,
    out: &Path,
    entries: u64,
    format: &str,
    config: Option<&Path>,
) -> Result<Sample> {
    let mut cmd = Command::new(bin);
    cmd.args([
        "generate",
        "--quiet",
        "--json",
        "--overwrite",
        "--entries",
        &entries.to_string(),
        "--format",
        format,
    ]);
    cmd.arg("--out").arg(out);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let started = Instant::now();
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run synthdata: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "synthdata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let v: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("bad JSON summary: {e}"))?;
    let bytes: f64 = v["tables"]
        .as_array()
        .map_or(0.0, |t| t.iter().filter_map(|t| t["bytes"].as_f64()).sum());
    Ok(Sample {
        wall,
        entries: v["entries_written"].as_f64().unwrap_or(0.0),
        lines: v["lines_written"].as_f64().unwrap_or(0.0),
        bytes,
        peak_rss: v["peak_rss_bytes"].as_f64().unwrap_or(0.0),
        estimate: v["estimated_peak_bytes"].as_f64().unwrap_or(0.0),
    })
}

/// Median, min and max.
fn stats(mut xs: Vec<f64>) -> Value {
    xs.sort_by(f64::total_cmp);
    let median = if xs.is_empty() { 0.0 } else { xs[xs.len() / 2] };
    json!({ "median": median, "min": xs.first().copied().unwrap_or(0.0), "max": xs.last().copied().unwrap_or(0.0), "runs": xs.len() })
}

fn median(v: &Value) -> f64 {
    v["median"].as_f64().unwrap_or(0.0)
}

fn summarize(samples: &[Sample]) -> Value {
    let col = |f: &dyn Fn(&Sample) -> f64| stats(samples.iter().map(f).collect());
    json!({
        "wall_seconds": col(&|s| s.wall),
        "entries_per_second": col(&|s| s.entries / s.wall),
        "lines_per_second": col(&|s| s.lines / s.wall),
        "mb_per_second": col(&|s| s.bytes / s.wall / 1e6),
        "peak_rss_mib": col(&|s| s.peak_rss / 1048576.0),
        "estimate_mib": col(&|s| s.estimate / 1048576.0),
        "estimate_error_percent": col(&|s| (s.estimate - s.peak_rss) / s.peak_rss * 100.0),
        "bytes_written": samples.first().map_or(0.0, |s| s.bytes),
        "lines": samples.first().map_or(0.0, |s| s.lines),
    })
}

/// Sequential write speed of the disk under `dir`, with the data synced.
fn disk_speed(dir: &Path, bytes: usize) -> Result<f64> {
    let path = dir.join("disk-speed.tmp");
    let block = vec![0x5au8; 4 << 20];
    let started = Instant::now();
    let mut f = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut written = 0;
    while written < bytes {
        f.write_all(&block)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written += block.len();
    }
    f.sync_data()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    Ok(written as f64 / secs / 1e6)
}

/// A criterion result: (ns per iteration, elements per iteration if any).
fn criterion_result(id: &str) -> Option<(f64, Option<f64>)> {
    let dir = root()
        .join("target/criterion")
        .join(id.replace('/', std::path::MAIN_SEPARATOR_STR))
        .join("new");
    let est: Value =
        serde_json::from_slice(&std::fs::read(dir.join("estimates.json")).ok()?).ok()?;
    let bench: Value =
        serde_json::from_slice(&std::fs::read(dir.join("benchmark.json")).ok()?).ok()?;
    // The median: on a shared machine a few slow samples drag the mean down.
    let ns = est["median"]["point_estimate"].as_f64()?;
    Some((ns, bench["throughput"]["Elements"].as_f64()))
}

/// Flushes dirty pages (`sync`) and pauses a second, so earlier disk runs' write-back is
/// over before a CPU-bound measurement starts. Best effort: without `sync`, just pauses.
fn settle() {
    let _ = Command::new("sync").status();
    std::thread::sleep(std::time::Duration::from_secs(1));
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split(':').nth(1))
        })
        .map_or("unknown".to_string(), |m| m.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    json!({ "cpu": model, "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH })
}

fn bench(quick: bool) -> Result<()> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("building the release binary ...");
    run(Command::new(&cargo).current_dir(&root).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "synth-cli",
    ]))?;
    let bin = root.join("target/release/synthdata");
    let work = root.join("target/xtask-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let out = work.join("out");
    let (sizes, formats, runs): (&[u64], &[&str], usize) = if quick {
        (&[20_000, 200_000], &["csv", "jsonl", "parquet"], 1)
    } else {
        (&[1_000_000, 10_000_000], &["csv", "jsonl", "parquet"], 3)
    };

    if !quick {
        println!("running criterion benchmarks (cargo bench -p synth-benches) ...");
        run(Command::new(&cargo).current_dir(&root).args([
            "bench",
            "--quiet",
            "-p",
            "synth-benches",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
        ]))?;
    }

    // 1, 4, 5: whole runs per size and format.
    let mut generations = Vec::new();
    for &n in sizes {
        for &format in formats {
            let samples: Vec<Sample> = (0..runs)
                .map(|_| generate(&bin, &out, n, format, None))
                .collect::<Result<_>>()?;
            let s = summarize(&samples);
            println!(
                "generate {n:>10} {format:<8} {:>7.2} s  {:>6.2} M lines/s  {:>7.1} MB/s  peak {:>6.1} MiB  estimate {:>+6.1}%",
                median(&s["wall_seconds"]),
                median(&s["lines_per_second"]) / 1e6,
                median(&s["mb_per_second"]),
                median(&s["peak_rss_mib"]),
                median(&s["estimate_error_percent"]),
            );
            generations.push(json!({ "entries": n, "format": format, "results": s }));
        }
    }
    let _ = std::fs::remove_dir_all(&out);

    // 2: the limits: the disk, and the CSV encoder alone (criterion), in journal lines per
    // second, on the rows each run writes: every table, entries and lines, lines only.
    let disk_mb_s = disk_speed(&work, if quick { 256 << 20 } else { 2 << 30 })?;
    let per_second = |id: &str| criterion_result(id).and_then(|(ns, el)| el.map(|e| e / ns * 1e9));
    let encoder = per_second("encode_memory/csv_all_tables");
    let encoder_entries_lines = per_second("encode_memory/csv_entries_lines");
    let encoder_lines = per_second("encode_memory/csv_lines");
    let big = *sizes.last().unwrap_or(&0);
    let csv_big = generations
        .iter()
        .find(|g| g["entries"] == big && g["format"] == "csv");
    let e2e_lines = csv_big.map_or(0.0, |g| median(&g["results"]["lines_per_second"]));
    let e2e_mb = csv_big.map_or(0.0, |g| median(&g["results"]["mb_per_second"]));

    // The CPU-bound end to end: entries and lines only, into tmpfs (no disk limit).
    let lines_only = work.join("lines-only.yaml");
    std::fs::write(
        &lines_only,
        "documents:\n  enabled: false\ngraph:\n  enabled: false\n",
    )
    .map_err(|e| format!("{}: {e}", lines_only.display()))?;
    let shm = Path::new("/dev/shm");
    let tmpfs_out = if shm.is_dir() {
        shm.join("synthdata-xtask-bench")
    } else {
        out.clone()
    };
    let tmpfs_n = if quick { 200_000 } else { 2_000_000 };
    // CPU-bound runs: let the kernel finish writing back the disk runs' pages first, so
    // its flusher threads do not share the two cores with the run being measured.
    settle();
    let tmpfs: Vec<Sample> = (0..runs)
        .map(|_| generate(&bin, &tmpfs_out, tmpfs_n, "csv", Some(&lines_only)))
        .collect::<Result<_>>()?;
    let tmpfs = summarize(&tmpfs);
    let tmpfs_lines = median(&tmpfs["lines_per_second"]);
    // Every table into tmpfs: the code's speed on the default config without the disk.
    let tmpfs_all_n = if quick { 100_000 } else { 1_000_000 };
    let tmpfs_all: Vec<Sample> = (0..runs)
        .map(|_| generate(&bin, &tmpfs_out, tmpfs_all_n, "csv", None))
        .collect::<Result<_>>()?;
    let _ = std::fs::remove_dir_all(&tmpfs_out);
    let tmpfs_all = summarize(&tmpfs_all);
    let tmpfs_all_lines = median(&tmpfs_all["lines_per_second"]);

    // 3: guard overhead: the same CPU-bound run (format null) with the guard reading
    // every 100 ms (default) and as rarely as the config allows (once a second; a run
    // may not switch the guard off).
    let off = work.join("guard-off.yaml");
    std::fs::write(&off, "global:\n  check_interval_ms: 1000\n")
        .map_err(|e| format!("{}: {e}", off.display()))?;
    let guard_runs = if quick { 1 } else { 5 };
    let guard_n = if quick { 200_000 } else { 10_000_000 };
    let mut on = Vec::new();
    let mut offs = Vec::new();
    settle();
    for _ in 0..guard_runs {
        // Interleaved, so drift on a noisy machine hits both alike.
        on.push(generate(&bin, &out, guard_n, "null", None)?.wall);
        offs.push(generate(&bin, &out, guard_n, "null", Some(&off))?.wall);
    }
    let (on_s, off_s) = (stats(on), stats(offs));
    let overhead = (median(&on_s) / median(&off_s) - 1.0) * 100.0;

    // 4: flatness, smallest vs largest size, per format.
    let peak = |n: u64, format: &str| {
        generations
            .iter()
            .find(|g| g["entries"] == n && g["format"] == format)
            .map_or(0.0, |g| median(&g["results"]["peak_rss_mib"]))
    };
    let flatness: Vec<(&str, f64, f64)> = formats
        .iter()
        .map(|&f| (f, peak(sizes[0], f), peak(big, f)))
        .collect();

    // 6: probe cost, from criterion.
    let ns = |id: &str| criterion_result(id).map(|r| r.0);
    let probe = json!({
        "synth_probe_rss_ns": ns("probe/rss_synth_probe"),
        "sysinfo_process_refresh_ns": ns("probe/rss_sysinfo_process_refresh"),
        "memory_stats_ns": ns("probe/rss_memory_stats"),
        "guard_check_fast_path_ns": ns("guard/check_fast_path"),
        "heap_bytes_ns": ns("probe/heap_bytes"),
        "counting_alloc_ns": ns("alloc_counting_64B"),
        "system_alloc_ns": ns("alloc_system_64B"),
        "generate_lines_per_second": per_second("generate/entries_lines_only_lines"),
        "encode_csv_lines_per_second": encoder_lines,
        "encode_csv_entries_lines_per_second": encoder_entries_lines,
        "encode_csv_all_tables_per_second": encoder,
        "encode_jsonl_lines_per_second": per_second("encode_memory/jsonl_lines"),
        "encode_parquet_file_lines_per_second": per_second("encode_file/parquet_lines"),
    });

    let report = json!({
        "quick": quick,
        "machine": machine(),
        "generations": generations,
        "limits": {
            "disk_write_mb_per_second": disk_mb_s,
            "csv_encoder_all_tables_lines_per_second": encoder,
            "csv_encoder_entries_lines_lines_per_second": encoder_entries_lines,
            "csv_encoder_lines_only_lines_per_second": encoder_lines,
            "csv_end_to_end_lines_per_second": e2e_lines,
            "end_to_end_over_encoder": encoder.map(|e| e2e_lines / e),
            "end_to_end_over_disk": e2e_mb / disk_mb_s,
        },
        "csv_lines_only_tmpfs": {
            "entries": tmpfs_n, "dir": tmpfs_out, "results": tmpfs,
            "over_encoder_same_tables": encoder_entries_lines.map(|e| tmpfs_lines / e),
            "over_encoder_lines_only": encoder_lines.map(|e| tmpfs_lines / e),
        },
        "csv_all_tables_tmpfs": {
            "entries": tmpfs_all_n, "dir": tmpfs_out, "results": tmpfs_all,
            "over_encoder_same_tables": encoder.map(|e| tmpfs_all_lines / e),
        },
        "guard_overhead": { "on_seconds": on_s, "off_seconds": off_s, "overhead_percent": overhead, "entries": guard_n, "format": "null" },
        "memory_flatness": flatness.iter().map(|(f, small, large)| json!({
            "format": f, "small_entries": sizes[0], "small_peak_mib": small,
            "large_entries": big, "large_peak_mib": large,
            "growth_percent": (large / small - 1.0) * 100.0,
        })).collect::<Vec<_>>(),
        "micro": probe,
    });
    let path = work.join("report.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;

    println!();
    println!(
        "machine            {} ({} cores)",
        report["machine"]["cpu"].as_str().unwrap_or("?"),
        report["machine"]["cores"]
    );
    println!("disk write         {disk_mb_s:.0} MB/s (synced)");
    let pct =
        |a: f64, b: Option<f64>| b.map_or("?".to_string(), |b| format!("{:.0}%", a / b * 100.0));
    let mlines = |b: Option<f64>| {
        b.map_or("? (run without --quick)".to_string(), |b| {
            format!("{:.2} M lines/s", b / 1e6)
        })
    };
    println!(
        "CSV encoder        all tables {}, entries + lines {}, lines only {}",
        mlines(encoder),
        mlines(encoder_entries_lines),
        mlines(encoder_lines)
    );
    println!(
        "CSV end to end     {:.2} M lines/s to disk ({big} entries, all tables) = {} of the encoder on the same tables, {:.0}% of the disk",
        e2e_lines / 1e6,
        pct(e2e_lines, encoder),
        e2e_mb / disk_mb_s * 100.0
    );
    println!(
        "CSV to tmpfs       {:.2} M lines/s (all tables, {tmpfs_all_n} entries) = {} of the encoder on the same tables",
        tmpfs_all_lines / 1e6,
        pct(tmpfs_all_lines, encoder)
    );
    println!(
        "CSV to tmpfs       {:.2} M lines/s (entries + lines, {tmpfs_n} entries) = {} of the encoder on the same tables, {} of the lines-only encoder",
        tmpfs_lines / 1e6,
        pct(tmpfs_lines, encoder_entries_lines),
        pct(tmpfs_lines, encoder_lines)
    );
    println!(
        "guard overhead     {overhead:+.2}% ({} entries, format null, median of {guard_runs})",
        guard_n
    );
    for (f, small, large) in &flatness {
        println!(
            "memory flatness    {f:<8} {small:.1} MiB at {} entries, {large:.1} MiB at {big} ({:+.1}%)",
            sizes[0],
            (large / small - 1.0) * 100.0
        );
    }
    if let (Some(ours), Some(sysinfo)) = (
        ns("probe/rss_synth_probe"),
        ns("probe/rss_sysinfo_process_refresh"),
    ) {
        println!(
            "probe              {ours:.0} ns per RSS reading, sysinfo {sysinfo:.0} ns ({:.0}x)",
            sysinfo / ours
        );
    }
    println!("report             {}", path.display());
    Ok(())
}
