//! Criterion benchmarks for SyntheticData: `cargo bench -p synth-benches`, one file per
//! subject in `benches/`. `cargo xtask bench` gathers their results into its report.
