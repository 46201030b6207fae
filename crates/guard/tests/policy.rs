//! The policy as a state machine, on a scripted probe and a fake clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use synth_guard::{
    Action, ByteRate, Clock, MemoryGuard, MemoryGuardConfig, MemoryProbe, MemoryStatus,
};
use synth_probe::{LimitSource, ProbeError};

#[derive(Clone, Default)]
struct Script {
    rss: Arc<AtomicU64>,
    reads: Arc<AtomicU64>,
    now_ms: Arc<AtomicU64>,
}

struct ScriptedProbe(Script);
impl MemoryProbe for ScriptedProbe {
    fn rss_bytes(&mut self) -> Result<u64, ProbeError> {
        self.0.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.0.rss.load(Ordering::SeqCst))
    }
    fn heap_bytes(&mut self) -> Option<u64> {
        None
    }
}

struct FakeClock(Script);
impl Clock for FakeClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.now_ms.load(Ordering::SeqCst))
    }
}

const MIB: u64 = 1 << 20;

fn guard(script: &Script) -> MemoryGuard {
    let mut config = MemoryGuardConfig::with_hard_limit(1000 * MIB);
    config.soft_limit = synth_guard::ByteSize(800 * MIB);
    config.check_interval_ms = 100;
    config.growth_rate_threshold = ByteRate(100 * MIB);
    MemoryGuard::with_probe(
        config,
        Box::new(ScriptedProbe(script.clone())),
        Box::new(FakeClock(script.clone())),
    )
    .expect("valid config")
}

impl Script {
    fn set(&self, rss_mib: u64) {
        self.rss.store(rss_mib * MIB, Ordering::SeqCst);
    }
    fn advance(&self, ms: u64) {
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
    }
    fn reads(&self) -> u64 {
        self.reads.load(Ordering::SeqCst)
    }
}

fn step(g: &mut MemoryGuard) -> (MemoryStatus, Action) {
    let s = g.check().expect("scripted probe never fails");
    let a = g.decide(&s);
    (s, a)
}

#[test]
fn exactly_one_probe_read_per_interval() {
    let script = Script::default();
    script.set(100);
    let mut g = guard(&script);
    for _ in 0..1000 {
        let _ = step(&mut g);
    }
    assert_eq!(script.reads(), 1, "cached between reads");
    script.advance(99);
    let _ = step(&mut g);
    assert_eq!(script.reads(), 1);
    script.advance(1);
    let _ = step(&mut g);
    assert_eq!(script.reads(), 2);
    for _ in 0..10 {
        script.advance(100);
        let _ = step(&mut g);
        let _ = step(&mut g);
    }
    assert_eq!(script.reads(), 12);
}

#[test]
fn soft_limit_relieves_once_with_hysteresis() {
    let script = Script::default();
    script.set(500);
    let mut g = guard(&script);
    assert_eq!(step(&mut g).1, Action::Proceed);
    // Above soft (800): one relief, then none while it stays up (no flapping).
    script.advance(1000);
    script.set(850);
    assert_eq!(step(&mut g).1, Action::Relieve);
    for _ in 0..5 {
        script.advance(100);
        // Flat usage: no growth, so no throttle either.
        assert_eq!(step(&mut g).1, Action::Proceed);
    }
    // Falls to 780: below soft but above soft - 10% (720): not re-armed yet.
    script.advance(100);
    script.set(780);
    assert_eq!(step(&mut g).1, Action::Proceed);
    script.advance(100);
    script.set(810);
    assert_eq!(step(&mut g).1, Action::Proceed, "hysteresis: not re-armed");
    // Falls below 720: re-armed; the next crossing relieves again.
    script.advance(100);
    script.set(700);
    let _ = step(&mut g);
    script.advance(1000);
    script.set(820);
    let (s, a) = step(&mut g);
    assert!(s.exceeds_soft_limit && !s.exceeds_hard_limit);
    assert_eq!(a, Action::Relieve);
}

#[test]
fn relief_repeats_after_minimum_spacing_if_usage_stays_high() {
    let script = Script::default();
    script.set(850);
    let mut g = guard(&script);
    assert_eq!(step(&mut g).1, Action::Relieve);
    script.advance(1000);
    assert_eq!(step(&mut g).1, Action::Proceed);
    script.advance(1000); // 20 intervals of 100 ms since the last relief
    assert_eq!(step(&mut g).1, Action::Relieve);
}

#[test]
fn fast_growth_throttles() {
    let script = Script::default();
    script.set(100);
    let mut g = guard(&script);
    let _ = step(&mut g);
    // Far below the limits, fast growth is left alone.
    script.advance(100);
    script.set(150);
    assert_eq!(step(&mut g).1, Action::Proceed);
    script.advance(100);
    script.set(400);
    let _ = step(&mut g);
    // +50 MiB in 100 ms = 500 MiB/s past half the soft limit (400 MiB): back off.
    script.advance(100);
    script.set(450);
    let (s, a) = step(&mut g);
    assert!(s.growth_rate > 200.0 * MIB as f64, "rate {}", s.growth_rate);
    assert_eq!(a, Action::Throttle(Duration::from_millis(100)));
    // Flat again: the EWMA decays below the threshold.
    for _ in 0..5 {
        script.advance(100);
        let _ = step(&mut g);
    }
    assert_eq!(step(&mut g).1, Action::Proceed);
}

#[test]
fn hard_limit_stops_and_names_the_source() {
    let script = Script::default();
    script.set(900);
    let mut g = guard(&script);
    let _ = step(&mut g);
    script.advance(100);
    script.set(1001);
    let (s, a) = step(&mut g);
    assert!(s.exceeds_hard_limit);
    let Action::Stop(e) = a else {
        panic!("expected Stop, got {a:?}")
    };
    assert_eq!(
        (e.used, e.limit, e.limit_source.clone()),
        (1001 * MIB, 1000 * MIB, LimitSource::Configured)
    );
    let msg = e.to_string();
    assert!(
        msg.contains("1001.0 MiB of a 1000.0 MiB hard limit (from configured limit)"),
        "{msg}"
    );
    // The library speaks its own language: what to change is the caller's hint.
    assert!(
        !msg.contains("--") && !msg.contains("global."),
        "no CLI flags or YAML keys: {msg}"
    );
}

#[test]
fn projection_stops_before_the_limit_is_crossed() {
    let script = Script::default();
    script.set(700);
    let mut g = guard(&script);
    let _ = step(&mut g);
    script.advance(100);
    script.set(900); // +200 MiB per interval: the next reading would be past 1000
    let (s, a) = step(&mut g);
    assert!(s.projected >= 1000 * MIB && s.current_usage < 1000 * MIB);
    assert!(matches!(a, Action::Stop(_)), "{a:?}");
}

/// A policy of the caller's own: stop at the soft limit, never relieve or throttle.
struct StopAtSoft;

impl synth_guard::MemoryPolicy for StopAtSoft {
    fn decide(
        &mut self,
        status: &synth_guard::MemoryStatus,
        _now: std::time::Duration,
        config: &MemoryGuardConfig,
    ) -> Action {
        if status.exceeds_soft_limit {
            Action::Stop(synth_guard::MemoryExceeded {
                used: status.current_usage,
                projected: status.projected,
                limit: status.soft_limit,
                limit_source: config.limit_source.clone(),
            })
        } else {
            Action::Proceed
        }
    }
}

#[test]
fn a_caller_chooses_the_policy() {
    let script = Script::default();
    let mut g = guard(&script).with_policy(StopAtSoft);
    script.set(850);
    let s = g.check().expect("reads");
    // The default would relieve here; this policy stops.
    assert!(matches!(g.decide(&s), Action::Stop(e) if e.limit == 800 * MIB));
    script.set(100);
    script.advance(200);
    let s = g.check().expect("reads");
    assert_eq!(g.decide(&s), Action::Proceed);
}

#[test]
fn a_soft_limit_above_the_hard_limit_is_refused_up_front() {
    let script = Script::default();
    let config = MemoryGuardConfig {
        soft_limit: synth_guard::ByteSize(2000 * MIB),
        hard_limit: synth_guard::ByteSize(1000 * MIB),
        ..MemoryGuardConfig::default()
    };
    let e = MemoryGuard::with_probe(
        config.clone(),
        Box::new(ScriptedProbe(script.clone())),
        Box::new(FakeClock(script.clone())),
    )
    .expect_err("soft above hard");
    assert_eq!(e.field, "soft_limit");
    let e = MemoryGuard::new(config).expect_err("the real guard refuses it too");
    assert!(
        e.to_string()
            .contains("soft_limit: expected at most the hard limit"),
        "{e}"
    );
}
