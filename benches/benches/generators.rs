//! Generation alone, no formatting: entries and lines per second into a reused batch.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synth_generators::{Batch, GeneratorConfig, JournalGenerator};

fn generators(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    const N: u64 = 10_000;
    for (name, docs_graph) in [("entries_lines_only", false), ("all_tables", true)] {
        let mut config = GeneratorConfig::default();
        config.documents.enabled = docs_graph;
        config.graph.enabled = docs_graph;
        let generator = JournalGenerator::new(config).expect("valid");
        let mut batch = Batch::with_capacity(N as usize);
        generator
            .generate_batch(&mut batch, 0..N)
            .expect("valid range");
        let lines = batch.lines.len() as u64;
        let mut start = 0;
        g.throughput(Throughput::Elements(lines));
        g.bench_function(format!("{name}/lines"), |b| {
            b.iter(|| {
                // A different range each time, as in a run (same line count on average).
                start = (start + N) % (N * 100);
                generator
                    .generate_batch(&mut batch, start..start + N)
                    .expect("valid range");
            })
        });
    }
    g.finish();
}

criterion_group!(benches, generators);
criterion_main!(benches);
