//! The subcommands. Each returns the process exit code.

use crate::hints::{hint, override_line, with_flags};
use crate::logging::BAR;
use crate::summary::{clock, estimate_table, human, json, mb, short, thousands};
use crate::{EstimateArgs, GenerateArgs};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use synth_guard::format_bytes;
use synth_runtime::{
    Config, ConfigErrors, Error, GenerationOrchestrator, Overrides, Phase, Progress,
};
use tracing::info;

/// Exit code of bad usage or config.
const USAGE: u8 = 2;

/// Environment variable that makes `generate` keep every batch in memory: fault
/// injection for testing the memory guard end to end. Never set it otherwise.
pub const FAULT_RETAIN_BATCHES: &str = "SYNTHDATA_FAULT_RETAIN_BATCHES";

fn load(path: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigErrors> {
    let (config, log) = match path {
        // Overrides go in before the ranges are checked: a flag can make a value valid.
        Some(p) => Config::from_file_with(p, overrides)?,
        None => {
            let mut config = Config::default();
            let log = config.apply(overrides);
            config.check()?;
            (config, log)
        }
    };
    for line in log {
        tracing::debug!("override {}", override_line(&line));
    }
    Ok(config)
}

fn print_config_errors(e: &ConfigErrors) {
    for err in &e.0 {
        err!("error: {err}");
    }
}

fn fail(e: &Error, json_out: bool) -> u8 {
    let code = e.exit_code();
    match e {
        Error::Config(errors) => print_config_errors(errors),
        _ => match hint(e) {
            Some(h) => err!("error: {}; {h}", with_flags(&e.to_string())),
            None => err!("error: {}", with_flags(&e.to_string())),
        },
    }
    if json_out {
        let status = match e {
            Error::MemoryExceeded { .. } => "memory_limit",
            Error::Interrupted { .. } => "interrupted",
            Error::Config(_) => "config_error",
            _ => "error",
        };
        let v = serde_json::json!({ "status": status, "exit_code": code, "message": with_flags(&e.to_string()) });
        out!("{v}");
    }
    code as u8
}

/// The config of a `generate`: the shard (given or from the cluster's environment),
/// the flags as overrides, on the earlier run's own config when resuming without a
/// file, else on the config file found; `Err` is the exit code, the error printed.
fn generate_config(args: &GenerateArgs) -> Result<Config, u8> {
    // The shard: given, or as the cluster engine's environment says.
    let shard = match &args.common.shard {
        Some(s) => Some(s.to_string()),
        None => match synth_runtime::shard_from_env(|k| std::env::var(k).ok(), args.shard_count) {
            Ok(Some(d)) => {
                info!("shard {} from the environment: {}", d.shard, d.source);
                Some(d.shard)
            }
            Ok(None) => None,
            Err(e) => {
                err!("error: {e} (--shard-count N gives it)");
                return Err(USAGE);
            }
        },
    };
    let overrides = Overrides {
        out: args.resume.clone().or(args.out.clone()),
        resume: args.resume.is_some(),
        shard,
        health_addr: args.health_addr.clone(),
        overwrite: args.overwrite,
        no_space_check: args.no_space_check,
        tables: args.tables.clone(),
        ..args.common.overrides()
    };
    // Resuming without a config file: the earlier run's own config, from its manifest.
    let loaded = match (&args.resume, &args.common.config) {
        (Some(dir), None) => synth_runtime::config_of_run(dir, overrides.shard.as_deref())
            .and_then(|mut c| {
                for line in c.apply(&overrides) {
                    tracing::debug!("override {}", override_line(&line));
                }
                c.check().map(|()| c)
            }),
        _ => load(
            crate::config_path(args.common.config.as_deref(), args.common.no_config).as_deref(),
            &overrides,
        ),
    };
    loaded.map_err(|e| fail(&Error::Config(e), args.json))
}

pub fn generate(args: GenerateArgs, colour: bool) -> u8 {
    let config = match generate_config(&args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let format = config.output.format.name();
    let to_stdout = config.output.to_stdout();
    let total = config.transactions.target_count;
    let mut run = match GenerationOrchestrator::new(config) {
        Ok(r) => r,
        Err(e) => return fail(&e, args.json),
    };
    if std::env::var_os(FAULT_RETAIN_BATCHES).is_some() {
        tracing::warn!(
            "{FAULT_RETAIN_BATCHES} is set: every batch is kept in memory (fault injection)"
        );
        let mut kept = Vec::new();
        run.observe_batches(Box::new(move |b| kept.push(b.clone())));
    }
    let server = match run.config().server.health_addr.clone() {
        Some(addr) => match synth_server::HealthServer::start(&addr, run.health()) {
            Ok(s) => {
                info!("serving http://{}/health and /metrics", s.local_addr());
                Some(s)
            }
            Err(e @ synth_server::ServerError::BadAddress(_)) => {
                err!("error: server.health_addr (--health-addr): {e}");
                return 2;
            }
            Err(e) => {
                err!("error: {e}");
                return 1;
            }
        },
        None => None,
    };
    let cancel = run.cancel_handle();
    // An abort records itself in the manifest, so that it never says `running` after
    // the process has ended.
    let manifest = (!to_stdout).then(|| {
        (
            run.config().output.directory.clone(),
            synth_sinks::RunNames::of(run.config().output.shard()).manifest,
        )
    });
    let handler = crate::signals::handle(
        move || cancel.cancel(),
        move || {
            if let Some((dir, name)) = &manifest
                && let Err(e) = synth_sinks::record_abort(
                    dir,
                    name,
                    "aborted by a second interrupt; the whole files listed are valid, the .partial ones are not",
                )
            {
                err!("could not record the abort in the manifest: {e}");
            }
        },
    );
    if let Err(e) = handler {
        tracing::warn!("cannot handle Ctrl-C gracefully: {e}");
    }

    let tty = std::io::stderr().is_terminal();
    let bar = (!args.quiet && tty).then(|| {
        let bar = ProgressBar::new(total.max(1));
        bar.set_style(
            ProgressStyle::with_template(if colour {
                "{bar:24.cyan/blue} {msg}"
            } else {
                "{bar:24} {msg}"
            })
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let _ = BAR.set(bar.clone());
        bar
    });
    let mut last_line = Instant::now();
    let limit = run.guard_config().hard_limit.0;
    let result = run.run_with_progress(|p: &Progress| {
        let line = progress_line(p, limit);
        if let Some(bar) = &bar {
            bar.set_position(p.current);
            bar.set_message(line);
        } else if !args.quiet
            && (last_line.elapsed() >= Duration::from_secs(5) || p.phase == Phase::Done)
        {
            last_line = Instant::now();
            err!("{line}");
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    drop(server);
    match result {
        // With --out -, the data is on stdout: the summary goes to stderr.
        Ok(report) if to_stdout => {
            if args.json {
                err!("{}", json(&report, format));
            } else if !args.quiet {
                err!("{}", human(&report, format));
            }
            0
        }
        Ok(report) => {
            if args.json {
                out!("{}", json(&report, format));
            } else if !args.quiet {
                out!("{}", human(&report, format));
            }
            0
        }
        // `synthdata generate --out - | head`: the reader had enough; that is success.
        Err(Error::Sink(synth_sinks::SinkError::PipeClosed { .. })) => 0,
        Err(e) => fail(&e, args.json && !to_stdout),
    }
}

fn progress_line(p: &Progress, limit: u64) -> String {
    let eta = p.eta.map_or("-".to_string(), |d| clock(d.as_secs()));
    format!(
        "[{:.1}%] {} entries | {} of {} | {} lines/s | ETA {}",
        p.percent,
        thousands(p.current),
        mb(p.memory.current_usage),
        mb(limit),
        short(p.lines_rate),
        eta
    )
}

pub fn estimate(args: EstimateArgs) -> u8 {
    let overrides = Overrides {
        out: args.out.clone(),
        no_space_check: args.no_space_check,
        ..args.common.overrides()
    };
    let path = crate::config_path(args.common.config.as_deref(), args.common.no_config);
    let config = match load(path.as_deref(), &overrides) {
        Ok(c) => c,
        Err(e) => return fail(&Error::Config(e), args.json),
    };
    let run = match GenerationOrchestrator::new(config) {
        Ok(r) => r,
        Err(e) => return fail(&e, args.json),
    };
    let e = run.estimate();
    let g = run.guard_config();
    let limit = run.effective_limit();
    // A run needs one part at a time to fit; it runs as many at once as the soft
    // limit holds, up to the threads asked for.
    let one = e.with_threads(1.min(e.threads));
    let fits = one.streaming_peak <= g.hard_limit.0;
    let at_once = e.threads_within(g.soft_limit.0).max(1).min(e.threads);
    let planned = e.with_threads(at_once);
    let verdict = if !fits {
        format!(
            "does not fit: the peak of {} exceeds the {} hard limit; raise global.memory_limit to at least {} or lower output.batch_size",
            format_bytes(one.streaming_peak),
            format_bytes(g.hard_limit.0),
            format_bytes(one.recommended_limit)
        )
    } else if planned.streaming_peak > g.soft_limit.0 {
        format!(
            "fits, but above the {} soft limit: expect reliefs",
            format_bytes(g.soft_limit.0)
        )
    } else if at_once < e.threads {
        format!(
            "fits with {at_once} of the {} parts at once asked for (peak {}): the {} soft limit holds no more; {} for all",
            e.threads,
            format_bytes(planned.streaming_peak),
            format_bytes(g.soft_limit.0),
            format_bytes(e.recommended_limit)
        )
    } else {
        format!(
            "fits, with {} to spare below the soft limit",
            format_bytes(g.soft_limit.0 - e.streaming_peak)
        )
    };
    let c = run.config();
    // The disk, as `generate` checks it: refused when 90% of the need exceeds the free
    // space (unless output.space_check is off).
    let dir = &c.output.directory;
    let free = match c.output.to_stdout() {
        true => None,
        false => synth_sinks::free_space(dir).ok().flatten(),
    };
    let disk_refused =
        c.output.space_check && free.is_some_and(|f| e.disk_bytes as f64 * 0.9 > f as f64);
    let disk = match free {
        None => format!(
            "about {} on disk (free space unknown)",
            format_bytes(e.disk_bytes)
        ),
        Some(f) if disk_refused => format!(
            "does not fit: about {} on disk and {} free in {}; free space, choose another output.directory, or set output.space_check: false",
            format_bytes(e.disk_bytes),
            format_bytes(f),
            dir.display()
        ),
        Some(f) if e.disk_bytes > f => format!(
            "may not fit: about {} on disk and {} free in {}",
            format_bytes(e.disk_bytes),
            format_bytes(f),
            dir.display()
        ),
        Some(f) => format!(
            "fits: about {} on disk, {} free in {}",
            format_bytes(e.disk_bytes),
            format_bytes(f),
            dir.display()
        ),
    };
    if args.json {
        let v = serde_json::json!({
            "disk_bytes": e.disk_bytes,
            "disk_free_bytes": free,
            "disk_fits": !disk_refused,
            "disk": disk,
            "entries": c.transactions.target_count,
            "format": c.output.format.name(),
            "estimate": e,
            "effective_limit_bytes": limit.bytes,
            "effective_limit_source": limit.source.kind(),
            "hard_limit_bytes": g.hard_limit.0,
            "soft_limit_bytes": g.soft_limit.0,
            "limit_source": g.limit_source.to_string(),
            "fits": fits,
            "threads_at_once": if fits { at_once } else { 0 },
            "verdict": verdict,
        });
        out!("{v}");
    } else {
        out!(
            "Estimate for {} journal entries ({}, batch size {}, {} batches in flight):",
            thousands(c.transactions.target_count),
            c.output.format.name(),
            c.output.batch_size,
            e.batches_in_flight
        );
        out!("{}", estimate_table(e));
        out!(
            "Effective limit {} ({}); hard limit {} ({}), soft limit {}",
            format_bytes(limit.bytes),
            limit.source,
            format_bytes(g.hard_limit.0),
            g.limit_source,
            format_bytes(g.soft_limit.0)
        );
        out!("Verdict: {verdict}");
        out!("Disk: {}", with_flags(&disk));
    }
    match (fits, disk_refused) {
        (false, _) => 3,
        (true, true) => 1,
        (true, false) => 0,
    }
}

pub fn validate(path: &Path, json_out: bool) -> u8 {
    let result = Config::from_file(path);
    if json_out {
        let problems: Vec<serde_json::Value> = match &result {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.0.iter()
                    .map(|p| {
                        serde_json::json!({
                            "path": p.path,
                            "message": p.message,
                            "line": p.location.map(|l| l.0),
                            "column": p.location.map(|l| l.1),
                        })
                    })
                    .collect()
            }
        };
        let v = serde_json::json!({
            "valid": result.is_ok(),
            "file": path.display().to_string(),
            "problems": problems,
        });
        out!("{v:#}");
        return if result.is_ok() { 0 } else { USAGE };
    }
    match result {
        Ok(_) => {
            out!("{}: valid", path.display());
            0
        }
        Err(e) => {
            print_config_errors(&e);
            USAGE
        }
    }
}

pub fn init(path: &PathBuf, force: bool, markdown: bool) -> u8 {
    if markdown {
        out_raw!(
            "# Every config key\n\nGenerated by `synthdata init --markdown` from the one list of keys \
             (`crates/runtime/src/config/keys.rs`; a test keeps this page equal to it). Every key is \
             optional; `synthdata init` writes them all with their defaults and comments, and \
             `generate` reads `./synthdata.yaml` when no `--config` is given.\n\n{}",
            synth_runtime::keys_markdown()
        );
        return 0;
    }
    // Never through a symbolic link, and never over a file unless asked.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            err!(
                "error: {} is a symbolic link; write the config to a plain path",
                path.display()
            );
            return USAGE;
        }
        if !force {
            err!(
                "error: {} exists; use --force to replace it",
                path.display()
            );
            return USAGE;
        }
    }
    let text = synth_runtime::default_config_yaml();
    match crate::reading::write_atomic(path, text.as_bytes()) {
        Ok(()) => {
            out!(
                "wrote {} (the default config, every key commented)",
                path.display()
            );
            0
        }
        Err(e) => {
            err!("error: cannot write {}: {e}", path.display());
            1
        }
    }
}

pub fn probe(json_out: bool) -> u8 {
    let read = || -> Result<serde_json::Value, synth_probe::ProbeError> {
        let mem = synth_probe::RssReader::new()?.read()?;
        let discovery = synth_probe::LimitDiscovery::system();
        let limit = discovery.discover()?;
        let cgroups = discovery.cgroups()?;
        let psi = synth_probe::system_pressure()?;
        Ok(serde_json::json!({
            "rss_bytes": mem.rss_bytes,
            "footprint_bytes": mem.footprint_bytes,
            "heap_bytes": synth_probe::heap_bytes(),
            "peak_rss_bytes": synth_probe::peak_rss_bytes()?,
            "effective_limit": {
                "bytes": limit.bytes,
                "source": limit.source.kind(),
                "detail": limit.source.to_string(),
                "soft_ceiling_bytes": limit.soft_ceiling,
                "total_ram_bytes": limit.total_ram,
                "available_ram_bytes": limit.available_ram,
            },
            "cgroups": cgroups.iter().map(|c| serde_json::json!({
                "version": match c.version { synth_probe::CgroupVersion::V1 => "v1", synth_probe::CgroupVersion::V2 => "v2" },
                "dir": c.dir,
                "limit_bytes": c.limit.as_ref().map(|l| l.0),
                "limit_dir": c.limit.as_ref().map(|l| &l.1),
                "high_bytes": c.high,
                "pressure_some_avg10": c.pressure.map(|p| p.some_avg10),
            })).collect::<Vec<_>>(),
            "pressure": psi.map(|p| serde_json::json!({"some_avg10": p.some_avg10, "full_avg10": p.full_avg10})),
        }))
    };
    let v = match read() {
        Ok(v) => v,
        Err(e) => {
            err!("error: {e}");
            return 1;
        }
    };
    if json_out {
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return 0;
    }
    let bytes = |k: &serde_json::Value| k.as_u64().map_or("-".to_string(), format_bytes);
    let l = &v["effective_limit"];
    out!("rss            {}", bytes(&v["rss_bytes"]));
    out!("heap           {}", bytes(&v["heap_bytes"]));
    out!("peak rss       {}", bytes(&v["peak_rss_bytes"]));
    out!(
        "limit          {} ({})",
        bytes(&l["bytes"]),
        l["detail"].as_str().unwrap_or("")
    );
    out!("memory.high    {}", bytes(&l["soft_ceiling_bytes"]));
    out!(
        "ram            {} total, {} available",
        bytes(&l["total_ram_bytes"]),
        bytes(&l["available_ram_bytes"])
    );
    for c in v["cgroups"].as_array().into_iter().flatten() {
        out!(
            "cgroup {}      {} limit {}",
            c["version"].as_str().unwrap_or("?"),
            c["dir"].as_str().unwrap_or("?"),
            bytes(&c["limit_bytes"])
        );
    }
    match v["pressure"].as_object() {
        Some(p) => out!(
            "pressure       some {:.2}% full {:.2}% (avg10)",
            p["some_avg10"].as_f64().unwrap_or(0.0),
            p["full_avg10"].as_f64().unwrap_or(0.0)
        ),
        None => out!("pressure       not available (no PSI)"),
    }
    0
}

/// `synthdata schema`.
pub fn schema(table: Option<&str>, json_out: bool, markdown: bool, postgres: bool) -> u8 {
    let tables = match crate::schema::select(table) {
        Ok(t) => t,
        Err(e) => {
            err!("error: {e}");
            return 2;
        }
    };
    if json_out {
        out!("{:#}", crate::schema::json(&tables));
    } else if markdown {
        out_raw!("{}", crate::schema::markdown(&tables));
    } else if postgres {
        out_raw!("{}", crate::schema::postgres(&tables));
    } else {
        out_raw!("{}", crate::schema::text(&tables));
    }
    0
}
