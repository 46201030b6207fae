//! The counting allocator, installed as this test binary's global allocator.

use synth_probe::CountingAllocator;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator::system();

/// The only test in this binary, so no other thread allocates meanwhile.
#[test]
fn tracks_a_100_mib_vec_within_one_percent() {
    let before = synth_probe::heap_bytes().expect("installed");
    let v = vec![7u8; 100 << 20];
    let during = synth_probe::heap_bytes().expect("installed");
    let grown = during as f64 - before as f64;
    let want = (100 << 20) as f64;
    assert!(
        (grown - want).abs() <= want * 0.01,
        "grew by {grown}, want {want}"
    );
    let mut v = v;
    v.truncate(10);
    v.shrink_to_fit();
    let after = synth_probe::heap_bytes().expect("installed");
    assert!(
        after < before + (1 << 20),
        "before {before}, after shrink {after}"
    );
}
