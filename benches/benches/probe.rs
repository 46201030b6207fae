//! What one memory reading costs: ours, `memory-stats`, and `sysinfo`, side by side.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

fn probe(c: &mut Criterion) {
    let mut g = c.benchmark_group("probe");
    let reader = synth_probe::RssReader::new().expect("rss reader");
    g.bench_function("rss/synth_probe", |b| {
        b.iter(|| black_box(reader.rss_bytes().expect("reads")))
    });
    g.bench_function("rss/memory_stats", |b| {
        b.iter(|| black_box(memory_stats::memory_stats().map(|m| m.physical_mem)))
    });
    let pid = Pid::from_u32(std::process::id());
    let mut sys = System::new().expect("sysinfo supports this platform");
    g.bench_function("rss/sysinfo_process_refresh", |b| {
        b.iter(|| {
            sys.refresh_processes_specifics(
                ProcessesToUpdate::Some(&[pid]),
                false,
                ProcessRefreshKind::nothing().with_memory(),
            );
            black_box(sys.process(pid).map(|p| p.memory()))
        })
    });
    g.bench_function("limit_discovery", |b| {
        b.iter(|| {
            black_box(
                synth_probe::LimitDiscovery::system()
                    .discover()
                    .expect("discovers"),
            )
        })
    });
    g.bench_function("peak_rss", |b| {
        b.iter(|| black_box(synth_probe::peak_rss_bytes().expect("peak RSS")))
    });
    g.bench_function("heap_bytes", |b| {
        b.iter(|| black_box(synth_probe::heap_bytes()))
    });
    g.finish();
}

criterion_group!(benches, probe);
criterion_main!(benches);
