//! Guard your own allocating loop with `synth-probe` and `synth-guard` alone: grow a
//! cache a mebibyte at a time, let the guard say when to relieve and when to stop, and
//! stop cleanly before the hard limit instead of being killed.
//!
//! `cargo run -p synth-guard --example guard_loop`

use synth_guard::{Action, LimitSource, MemoryGuard, MemoryGuardConfig, format_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Limits relative to where this process starts, so the example stops in a second.
    let start = synth_probe::RssReader::new()?.rss_bytes()?;
    let config = MemoryGuardConfig {
        soft_limit: (start + (48 << 20)).into(),
        hard_limit: (start + (64 << 20)).into(),
        check_interval_ms: 1,
        growth_rate_threshold: (10u64 << 30).into(),
        limit_source: LimitSource::Configured,
        ..Default::default()
    };
    let mut guard = MemoryGuard::new(config)?;

    let mut cache: Vec<Vec<u8>> = Vec::new();
    let stopped = loop {
        let status = guard.check()?;
        match guard.decide(&status) {
            Action::Proceed => {
                cache.push(vec![1; 1 << 20]); // the work: pages really touched
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            Action::Throttle(pause) => std::thread::sleep(pause),
            Action::Relieve => {
                // A real program drops what it can rebuild; this one has nothing to drop.
                let trim = guard.trim()?;
                println!(
                    "soft limit at {}: relieved (RSS {} after trimming)",
                    format_bytes(status.current_usage),
                    format_bytes(trim.rss_after)
                );
            }
            Action::Stop(exceeded) => break exceeded,
        }
        if cache.len() > 1024 {
            return Err("the guard never stopped the loop".into());
        }
    };
    let last = guard.last_status();
    println!(
        "stopped after {} MiB of cache: {stopped}; growth {}/s, {} probe reads",
        cache.len(),
        format_bytes(last.growth_rate.max(0.0) as u64),
        last.reads
    );
    if last.current_usage > last.hard_limit + (8 << 20) {
        return Err(format!(
            "overshot the hard limit: {}",
            format_bytes(last.current_usage)
        )
        .into());
    }
    Ok(())
}
