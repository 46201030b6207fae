//! One allocation and free of 64 bytes through the counting allocator (compare with
//! `alloc_system`, the same loop on the system allocator).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

fn alloc(c: &mut Criterion) {
    c.bench_function("alloc/counting_64B", |b| {
        b.iter(|| black_box(Box::new(black_box([1u8; 64]))))
    });
}

criterion_group!(benches, alloc);
criterion_main!(benches);
