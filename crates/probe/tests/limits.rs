//! Limit discovery on fixture trees: one per cgroup layout the probe must understand.

use std::path::PathBuf;
use synth_probe::{LimitDiscovery, LimitSource, ProbeError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn discover(name: &str) -> Result<synth_probe::EffectiveLimit, ProbeError> {
    LimitDiscovery::with_root(fixture(name))
        .ignore_rlimits()
        .discover()
}

const RAM: u64 = 16 << 30;

#[test]
fn v2_parent_tighter_than_child_wins() {
    let limit = discover("v2_nested").expect("discovers");
    assert_eq!(limit.bytes, 512 << 20);
    assert_eq!(
        limit.source,
        LimitSource::CgroupV2 {
            path: fixture("v2_nested").join("sys/fs/cgroup/user.slice")
        }
    );
    assert_eq!(
        limit.soft_ceiling,
        Some(768 << 20),
        "memory.high of the child, parent is max"
    );
    assert_eq!(limit.total_ram, RAM);
    assert_eq!(limit.available_ram, Some(12 << 30));
    let cgroups = LimitDiscovery::with_root(fixture("v2_nested"))
        .cgroups()
        .expect("reads");
    let pressure = cgroups[0].pressure.expect("memory.pressure present");
    assert_eq!(pressure.some_avg10, 2.5);
    assert_eq!(pressure.full_avg10, Some(0.5));
}

#[test]
fn v2_max_means_no_limit() {
    let limit = discover("v2_max").expect("discovers");
    assert_eq!((limit.bytes, limit.source), (RAM, LimitSource::PhysicalRam));
}

#[test]
fn v2_cgroup_namespace_uses_the_mount_root() {
    let limit = discover("v2_namespace").expect("discovers");
    assert_eq!(limit.bytes, 384 << 20);
    assert_eq!(limit.source.kind(), "cgroup_v2");
}

#[test]
fn v1_hierarchical_limit_applies() {
    let limit = discover("v1_hierarchical").expect("discovers");
    assert_eq!(limit.bytes, 256 << 20);
    assert_eq!(
        limit.source,
        LimitSource::CgroupV1 {
            path: fixture("v1_hierarchical").join("sys/fs/cgroup/memory/docker/abc")
        }
    );
}

#[test]
fn v1_unlimited_sentinel_is_no_limit() {
    let limit = discover("v1_unlimited").expect("discovers");
    assert_eq!((limit.bytes, limit.source), (RAM, LimitSource::PhysicalRam));
}

#[test]
fn hybrid_reads_the_v1_memory_controller() {
    let limit = discover("hybrid").expect("discovers");
    assert_eq!(limit.bytes, 1 << 30);
    assert_eq!(limit.source.kind(), "cgroup_v1");
    assert_eq!(limit.soft_ceiling, None);
}

#[test]
fn missing_cgroup_files_fall_back_to_ram() {
    let limit = discover("no_cgroup").expect("discovers");
    assert_eq!((limit.bytes, limit.source), (RAM, LimitSource::PhysicalRam));
}

#[test]
fn garbage_names_the_file() {
    let err = discover("garbage").expect_err("garbage is an error");
    let msg = err.to_string();
    assert!(matches!(err, ProbeError::Parse { .. }), "{msg}");
    assert!(
        msg.contains("garbage/sys/fs/cgroup/app/memory.max"),
        "{msg}"
    );
    assert!(msg.contains("\"lots\""), "{msg}");
}

#[test]
fn missing_meminfo_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = LimitDiscovery::with_root(dir.path())
        .discover()
        .expect_err("no meminfo");
    assert!(err.to_string().contains("proc/meminfo"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn the_real_system_has_a_limit() {
    let limit = LimitDiscovery::system()
        .discover()
        .expect("discovers on this machine");
    assert!(limit.bytes > 0 && limit.bytes <= limit.total_ram);
}
