//! Steady-state generation allocates nothing, proved with the counting allocator.

use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

/// The only test in this binary, so no other thread allocates meanwhile.
#[test]
fn refilling_a_warm_batch_allocates_nothing() {
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let mut batch = Batch::with_capacity(10_000);
    // Warm-up: master data is built and the vectors reach the run's needs.
    for k in 0..20u64 {
        g.generate_batch(&mut batch, k * 10_000..(k + 1) * 10_000)
            .expect("valid range");
    }
    let heap = synth_probe::heap_bytes().expect("installed");
    let allocations = synth_probe::allocation_count().expect("installed");
    for k in 20..120u64 {
        g.generate_batch(&mut batch, k * 10_000..(k + 1) * 10_000)
            .expect("valid range");
    }
    assert_eq!(
        synth_probe::allocation_count(),
        Some(allocations),
        "allocations during 1 M entries"
    );
    assert_eq!(synth_probe::heap_bytes(), Some(heap));
}
