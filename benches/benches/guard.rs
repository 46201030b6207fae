//! The guard's costs: the cached fast path of `check()`, a full probe read, and a
//! budget reservation with its release.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use synth_guard::{MemoryBudget, MemoryGuard, MemoryGuardConfig};

fn guard(c: &mut Criterion) {
    let mut g = c.benchmark_group("guard");
    let mut config = MemoryGuardConfig::with_hard_limit(1 << 40);
    config.check_interval_ms = 3_600_000;
    let mut guard = MemoryGuard::new(config).expect("guard");
    let _ = guard.check().expect("first read");
    g.bench_function("check_fast_path", |b| {
        b.iter(|| black_box(guard.check().expect("cached")))
    });
    g.bench_function("check_full_read", |b| {
        b.iter(|| black_box(guard.refresh().expect("reads")))
    });
    let mut status = guard.check().expect("cached");
    g.bench_function("check_and_decide", |b| {
        b.iter(|| {
            status = guard.check().expect("cached");
            black_box(guard.decide(&status))
        })
    });
    let budget = MemoryBudget::new(1 << 30);
    g.bench_function("reserve_release", |b| {
        b.iter(|| black_box(budget.try_reserve("bench", 4096).expect("fits")))
    });
    g.finish();
}

criterion_group!(benches, guard);
criterion_main!(benches);
