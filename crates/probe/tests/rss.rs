//! RSS readings against real memory: touch 256 MiB and watch RSS rise.

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
#[test]
fn touching_256_mib_raises_rss_by_at_least_240_mib() {
    let reader = synth_probe::RssReader::new().expect("reader opens");
    let before = reader.rss_bytes().expect("reads");
    let mut block = vec![0u8; 256 << 20];
    // Write one byte per 4 KiB so every page is resident (page size is at least that).
    for i in (0..block.len()).step_by(4096) {
        block[i] = 1;
    }
    std::hint::black_box(&block);
    let after = reader.rss_bytes().expect("reads");
    assert!(
        after >= before + (240 << 20),
        "rss before {before}, after {after}"
    );
    assert!(synth_probe::peak_rss_bytes().expect("peak") >= after - (1 << 20));
    drop(block);
}
