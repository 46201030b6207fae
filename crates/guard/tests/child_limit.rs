//! Real child processes that allocate as fast as they can under a 256 MiB limit.
//!
//! The test binary re-runs itself with `SYNTH_GUARD_CHILD` set; the child allocates and
//! touches 1 MiB chunks, checks the guard (or the budget) after each, and prints what
//! it saw. The parent asserts on the child's own peak RSS (`VmHWM`).

use std::process::Command;
use synth_guard::{Action, MemoryBudget, MemoryGuard, MemoryGuardConfig};
use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

const MIB: u64 = 1 << 20;
const HARD: u64 = 256 * MIB;
const ROLE: &str = "SYNTH_GUARD_CHILD";

fn touched_chunk() -> Vec<u8> {
    let mut chunk = vec![0u8; MIB as usize];
    for i in (0..chunk.len()).step_by(4096) {
        chunk[i] = 1;
    }
    chunk
}

fn run_child(test: &str, role: &str) -> String {
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // libtest prints `test name ... ` on the same line before the child's output.
    stdout
        .lines()
        .find_map(|l| l.find("RESULT ").map(|i| l[i..].to_string()))
        .unwrap_or_else(|| panic!("child printed no RESULT line: {stdout}"))
}

fn field(line: &str, key: &str) -> u64 {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[test]
fn guard_stops_a_fast_allocator_near_the_hard_limit() {
    if std::env::var(ROLE).as_deref() == Ok("guard") {
        let mut config = MemoryGuardConfig::with_hard_limit(HARD);
        config.check_interval_ms = 10;
        // Throttling would slow the child down and hide the overshoot we measure.
        config.growth_rate_threshold = synth_guard::ByteRate(u64::MAX);
        let mut guard = MemoryGuard::new(config).expect("guard on the real probe");
        let mut held = Vec::new();
        let stopped_at = loop {
            let status = guard.check().expect("probe reads");
            match guard.decide(&status) {
                Action::Stop(e) => break e.used,
                _ => held.push(touched_chunk()),
            }
            assert!(held.len() < 4096, "never stopped");
        };
        let peak = synth_probe::peak_rss_bytes().expect("peak RSS");
        println!(
            "RESULT peak={peak} stopped_at={stopped_at} chunks={}",
            held.len()
        );
        return;
    }
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let line = run_child("guard_stops_a_fast_allocator_near_the_hard_limit", "guard");
    let peak = field(&line, "peak");
    assert!(
        peak <= HARD + 16 * MIB,
        "peak RSS {} MiB > hard + 16 MiB ({line})",
        peak / MIB
    );
    assert!(
        field(&line, "chunks") >= 128,
        "stopped far too early: {line}"
    );
}

#[test]
fn budget_keeps_peak_heap_within_the_budget() {
    if std::env::var(ROLE).as_deref() == Ok("budget") {
        let base = synth_probe::heap_bytes().expect("counting allocator installed");
        let budget = MemoryBudget::new(HARD);
        let mut held = Vec::new();
        let mut peak_heap = 0;
        loop {
            let Ok(reservation) = budget.try_reserve("chunk", MIB) else {
                break;
            };
            held.push((reservation, touched_chunk()));
            let heap = synth_probe::heap_bytes().unwrap_or(0).saturating_sub(base);
            peak_heap = peak_heap.max(heap);
        }
        println!("RESULT peak_heap={peak_heap} chunks={}", held.len());
        return;
    }
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let line = run_child("budget_keeps_peak_heap_within_the_budget", "budget");
    let peak_heap = field(&line, "peak_heap");
    // The chunks themselves fill the budget exactly; `held`'s own Vec grows beside them.
    assert!(
        peak_heap <= HARD + 64 * 1024,
        "peak heap {peak_heap} > budget {HARD} ({line})"
    );
    assert_eq!(field(&line, "chunks"), 256);
}
