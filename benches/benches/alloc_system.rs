//! One allocation and free of 64 bytes through the system allocator (the baseline of
//! `alloc_counting`).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn alloc(c: &mut Criterion) {
    c.bench_function("alloc/system_64B", |b| {
        b.iter(|| black_box(Box::new(black_box([1u8; 64]))))
    });
}

criterion_group!(benches, alloc);
criterion_main!(benches);
