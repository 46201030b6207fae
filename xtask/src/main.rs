//! Project automation, run as `cargo xtask <task>`:
//!
//! - `cargo xtask bench [--quick]`: the performance report. Builds the release binary,
//!   runs whole-process generations side by side with the encoder and the disk, reads
//!   the criterion results, prints a table and writes `target/xtask-bench/report.json`.
//!   `--quick` is the CI smoke version: small runs, no criterion, no speed asserts.
//! - `cargo xtask parts [--quick] [--threads 1,2,4,8,16] [--compare-tpchgen]`: what
//!   parts and threads give: each format generated with 1, 2, ... threads into tmpfs,
//!   interleaved (speed-up over one thread), and the peak memory of a run 10 times
//!   larger with the same parts; with `--compare-tpchgen`, `tpchgen-cli` on the same
//!   machine (installed with `cargo install tpchgen-cli --locked` if missing). Writes
//!   `target/xtask-bench/parts.json`. `cargo xtask bench --quick` runs its quick form.
//!   For another machine: `--formats csv,parquet` (which formats), `--entries N` (every
//!   format's run size), `--part-entries N` (instead of a tenth of the run: more parts
//!   than threads), `--out-dir D` (where the scaling runs write, instead of
//!   `/dev/shm`), `--no-memory` (scaling only); `SYNTHDATA_BIN` names a binary already
//!   built (no cargo needed) and `XTASK_ROOT` the repository (for `target/xtask-bench`).
//! - `cargo xtask ci`: what `.ci/run` runs.
//! - `cargo xtask rooms [--check]`: per crate, the files that import each other in a
//!   circle, functions over 150 lines, files over 800 lines; `--check` fails on a circle
//!   (`.ci/run` runs it).
//! - `cargo xtask man`: builds the release binary and writes its man pages to
//!   `target/man/` (`synthdata.1` and one per subcommand, `synthdata-generate.1`, ...;
//!   install: copy them to `~/.local/share/man/man1/`).

mod rooms;

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
        Some("parts") => parts(&args[1..]),
        Some("ci") => ci(),
        Some("man") => man(),
        Some("rooms") => rooms::rooms(&root(), args.iter().any(|a| a == "--check")),
        _ => Err("usage: cargo xtask bench [--quick] | cargo xtask parts [--quick] [--threads 1,2,4] [--compare-tpchgen] | cargo xtask ci | cargo xtask rooms [--check] | cargo xtask man".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `target/man/synthdata.1` and a page per subcommand (`synthdata-generate.1`,
/// ...) from the binary's own argument definitions.
fn man() -> Result<()> {
    let root = root();
    run(Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "synth-cli"])
        .current_dir(&root))?;
    let bin = root.join("target/release/synthdata");
    let page = |args: &[&str]| -> Result<Vec<u8>> {
        let out = Command::new(&bin)
            .arg("man")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run synthdata man: {e}"))?;
        if !out.status.success() || out.stdout.is_empty() {
            return Err(format!(
                "synthdata man {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(out.stdout)
    };
    let list = String::from_utf8(page(&["--list"])?).map_err(|e| e.to_string())?;
    let dir = root.join("target/man");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut pages = vec![("synthdata.1".to_string(), page(&[])?)];
    for sub in list.lines() {
        pages.push((format!("synthdata-{sub}.1"), page(&[sub])?));
    }
    for (name, text) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), text.len());
    }
    let top = String::from_utf8_lossy(&pages[0].1);
    for sub in list.lines() {
        // roff escapes every hyphen of the name: synthdata\-export\-ocel(1).
        let named = format!("synthdata\\-{}(1)", sub.replace('-', "\\-"));
        if !top.contains(&named) && !top.contains(&format!("synthdata-{sub}(1)")) {
            return Err(format!("synthdata.1 does not name {named}"));
        }
    }
    Ok(())
}

fn root() -> PathBuf {
    if let Some(r) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(r);
    }
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
    /// Rows of every table.
    rows: f64,
    peak_rss: f64,
    estimate: f64,
}

fn generate(
    bin: &Path,
    out: &Path,
    entries: u64,
    format: &str,
    config: Option<&Path>,
    extra: &[&str],
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
    cmd.args(extra);
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
    let rows: f64 = v["tables"]
        .as_array()
        .map_or(0.0, |t| t.iter().filter_map(|t| t["rows"].as_f64()).sum());
    Ok(Sample {
        rows,
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
    let bin = release_binary()?;
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
                .map(|_| generate(&bin, &out, n, format, None, &[]))
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
        .map(|_| generate(&bin, &tmpfs_out, tmpfs_n, "csv", Some(&lines_only), &[]))
        .collect::<Result<_>>()?;
    let tmpfs = summarize(&tmpfs);
    let tmpfs_lines = median(&tmpfs["lines_per_second"]);
    // Every table into tmpfs: the code's speed on the default config without the disk.
    let tmpfs_all_n = if quick { 100_000 } else { 1_000_000 };
    let tmpfs_all: Vec<Sample> = (0..runs)
        .map(|_| generate(&bin, &tmpfs_out, tmpfs_all_n, "csv", None, &[]))
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
        on.push(generate(&bin, &out, guard_n, "null", None, &[])?.wall);
        offs.push(generate(&bin, &out, guard_n, "null", Some(&off), &[])?.wall);
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
    if quick {
        parts(&["--quick".to_string()])?;
    }
    Ok(())
}

/// Builds the release binary and returns its path (`SYNTHDATA_BIN` when set: a binary
/// built elsewhere, for a machine without cargo).
fn release_binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("SYNTHDATA_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo).current_dir(&root).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "synth-cli",
    ]))?;
    Ok(root.join("target/release/synthdata"))
}

/// `cargo xtask parts`: scaling with threads, memory with size, and tpchgen-cli.
fn parts(args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: Vec<usize> = match args.iter().position(|a| a == "--threads") {
        Some(i) => args
            .get(i + 1)
            .ok_or("--threads needs a list, e.g. 1,2,4")?
            .split(',')
            .map(|t| {
                t.trim()
                    .parse()
                    .map_err(|_| format!("bad thread count {t:?}"))
            })
            .collect::<Result<_>>()?,
        None if cores > 1 => vec![1, cores],
        None => vec![1],
    };
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .map(|i| args.get(i + 1).ok_or(format!("{flag} needs a value")))
            .transpose()
    };
    let formats: Vec<String> = match value("--formats")? {
        Some(list) => list.split(',').map(|f| f.trim().to_string()).collect(),
        None => vec!["csv".into(), "jsonl".into(), "parquet".into()],
    };
    let entries: Option<u64> = value("--entries")?
        .map(|n| n.parse().map_err(|_| format!("bad entry count {n:?}")))
        .transpose()?;
    let bin = release_binary()?;
    let work = root().join("target/xtask-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let shm = Path::new("/dev/shm");
    let tmpfs = if let Some(dir) = value("--out-dir")? {
        Path::new(dir).join("synthdata-xtask-parts")
    } else if shm.is_dir() {
        shm.join("synthdata-xtask-parts")
    } else {
        work.join("parts-out")
    };
    // Scaling: the same run with 1, 2, ... threads, interleaved so that drift on a noisy
    // machine hits every count alike; parts of a tenth of the run.
    let runs = if quick { 1 } else { 3 };
    let mut scaling = Vec::new();
    settle();
    for format in formats.iter().map(String::as_str) {
        // Parquet 10 M entries (3.2 GB); the text formats 2 M (2.5 and 3.5 GB), so that
        // the output fits in tmpfs.
        let n: u64 = match (entries, quick, format) {
            (Some(n), _, _) => n,
            (None, true, _) => 200_000,
            (None, false, "parquet") => 10_000_000,
            (None, false, _) => 2_000_000,
        };
        let part_entries = match value("--part-entries")? {
            Some(p) => p.parse().map_err(|_| format!("bad part size {p:?}"))?,
            None => n / 10,
        };
        let part = part_entries.to_string();
        let mut walls: Vec<Vec<f64>> = vec![Vec::new(); threads.len()];
        let mut rows = 0.0;
        let mut bytes = 0.0;
        for _ in 0..runs {
            for (i, t) in threads.iter().enumerate() {
                let t = t.to_string();
                let s = generate(
                    &bin,
                    &tmpfs,
                    n,
                    format,
                    None,
                    &["--threads", &t, "--part-entries", &part],
                )?;
                walls[i].push(s.wall);
                rows = s.entries;
                bytes = s.bytes;
            }
        }
        let _ = std::fs::remove_dir_all(&tmpfs);
        let one = median(&stats(walls[0].clone()));
        let mut line = format!("threads {format:<8}");
        let mut results = Vec::new();
        for (t, w) in threads.iter().zip(walls) {
            let m = median(&stats(w.clone()));
            line += &format!("  {t}: {m:.2} s ({:.2}x)", one / m);
            results.push(json!({
                "threads": t, "wall_seconds": stats(w), "speedup": one / m,
                "entries_per_second": rows / m, "mb_per_second": bytes / m / 1e6,
            }));
        }
        println!("{line}");
        scaling.push(
            json!({ "format": format, "entries": n, "part_entries": part_entries, "results": results }),
        );
    }
    // Memory with size: the same parts (and threads), a run ten times larger, on disk.
    let (small, large) = if quick {
        (30_000, 300_000)
    } else {
        (3_000_000, 30_000_000)
    };
    let lines_only = work.join("lines-only.yaml");
    std::fs::write(
        &lines_only,
        "documents:
  enabled: false
graph:
  enabled: false
",
    )
    .map_err(|e| format!("{}: {e}", lines_only.display()))?;
    let out = work.join("parts-memory");
    let part = (small / 3).to_string();
    let mut memory = Vec::new();
    let measure_memory = !args.iter().any(|a| a == "--no-memory");
    for format in formats
        .iter()
        .map(String::as_str)
        .filter(|_| measure_memory)
    {
        let mut peaks = Vec::new();
        for n in [small, large] {
            let s = generate(
                &bin,
                &out,
                n,
                format,
                Some(&lines_only),
                &["--part-entries", &part],
            )?;
            let _ = std::fs::remove_dir_all(&out);
            peaks.push(s.peak_rss / (1 << 20) as f64);
        }
        println!(
            "memory  {format:<8}  {:.1} MiB at {small} entries, {:.1} MiB at {large} ({:+.1}%), parts of {part}",
            peaks[0],
            peaks[1],
            (peaks[1] / peaks[0] - 1.0) * 100.0
        );
        memory.push(json!({
            "format": format, "part_entries": small / 3,
            "small_entries": small, "small_peak_mib": peaks[0],
            "large_entries": large, "large_peak_mib": peaks[1],
            "growth_percent": (peaks[1] / peaks[0] - 1.0) * 100.0,
        }));
    }
    let tpch = if args.iter().any(|a| a == "--compare-tpchgen") {
        Some(compare_tpchgen(&bin, &tmpfs, quick)?)
    } else {
        None
    };
    let report = json!({ "quick": quick, "machine": machine(), "scaling": scaling, "memory_by_size": memory, "tpchgen": tpch });
    let path = work.join("parts.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("report             {}", path.display());
    Ok(())
}

/// Rows/s and MB/s of `tpchgen-cli` (TPC-H `lineitem` and all tables) and of synthdata,
/// CSV and Parquet, every core, on this machine, into `dir`.
fn compare_tpchgen(bin: &Path, dir: &Path, quick: bool) -> Result<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let have = Command::new("tpchgen-cli")
        .arg("--version")
        .output()
        .is_ok();
    if !have {
        println!("installing tpchgen-cli (cargo install tpchgen-cli --locked) ...");
        run(Command::new(&cargo).args(["install", "tpchgen-cli", "--locked", "--quiet"]))?;
    }
    // Scale factor 1 (8.66 M rows, about 1 GB of CSV) and 2 M entries of ours (about
    // 16.6 M rows, 2.6 GB of CSV): both long enough to be measured, whatever `quick`.
    let _ = quick;
    let scale = "1";
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = |p: &Path| -> f64 {
        let mut total = 0u64;
        let mut stack = vec![p.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                match e.metadata() {
                    Ok(m) if m.is_dir() => stack.push(e.path()),
                    Ok(m) => total += m.len(),
                    Err(_) => {}
                }
            }
        }
        total as f64
    };
    let mut results = Vec::new();
    for (format, ours) in [("csv", "csv"), ("parquet", "parquet")] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let started = Instant::now();
        run(Command::new("tpchgen-cli")
            .args([format, "-s", scale, "--num-threads", &cores.to_string()])
            .arg(format!("--output-dir={}", dir.display())))?;
        let wall = started.elapsed().as_secs_f64();
        // TPC-H rows at this scale: about 8.66 M per unit of scale over all tables.
        let rows = scale.parse::<f64>().unwrap_or(1.0) * 8_661_245.0;
        let bytes = size(dir);
        let _ = std::fs::remove_dir_all(dir);
        let n = 2_000_000;
        let s = generate(bin, dir, n, ours, None, &[])?;
        let _ = std::fs::remove_dir_all(dir);
        let ours_rows_per_s = s.rows / s.wall;
        println!(
            "tpchgen {format:<8} {:.2} M rows/s {:.0} MB/s | synthdata {:.2} M rows/s {:.0} MB/s ({:.1}x rows/s, {:.1}x MB/s)",
            rows / wall / 1e6,
            bytes / wall / 1e6,
            ours_rows_per_s / 1e6,
            s.bytes / s.wall / 1e6,
            ours_rows_per_s / (rows / wall),
            (s.bytes / s.wall) / (bytes / wall)
        );
        results.push(json!({
            "format": format, "tpchgen_scale": scale, "tpchgen_rows_per_second": rows / wall,
            "tpchgen_mb_per_second": bytes / wall / 1e6,
            "synthdata_entries": n, "synthdata_rows_per_second": ours_rows_per_s,
            "synthdata_mb_per_second": s.bytes / s.wall / 1e6,
        }));
    }
    Ok(json!(results))
}
