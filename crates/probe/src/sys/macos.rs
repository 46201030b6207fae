//! macOS: `task_info(MACH_TASK_BASIC_INFO)` for RSS, `proc_pid_rusage` for the
//! physical footprint, `sysctl hw.memsize` for RAM. No child process.

use super::ProcessMemory;
use crate::ProbeError;

pub(crate) fn process_memory() -> Result<ProcessMemory, ProbeError> {
    // SAFETY: all-zero is a valid value of this plain C struct.
    let mut info: libc::mach_task_basic_info = unsafe { std::mem::zeroed() };
    let mut count = libc::MACH_TASK_BASIC_INFO_COUNT;
    // SAFETY: `info` is a writable mach_task_basic_info and `count` holds its size in
    // natural_t units, as task_info requires for this flavor.
    #[allow(deprecated)]
    let kr = unsafe {
        libc::task_info(
            libc::mach_task_self(),
            libc::MACH_TASK_BASIC_INFO,
            (&mut info as *mut libc::mach_task_basic_info).cast(),
            &mut count,
        )
    };
    if kr != libc::KERN_SUCCESS {
        return Err(ProbeError::Os {
            call: "task_info(MACH_TASK_BASIC_INFO)",
            source: std::io::Error::other(format!("kern_return_t {kr}")),
        });
    }
    let rss_bytes = info.resident_size;
    Ok(ProcessMemory {
        rss_bytes,
        footprint_bytes: phys_footprint(),
    })
}

fn phys_footprint() -> Option<u64> {
    // SAFETY: all-zero is a valid value of this plain C struct.
    let mut usage: libc::rusage_info_v2 = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a writable rusage_info_v2, the struct RUSAGE_INFO_V2 fills.
    let rc = unsafe {
        libc::proc_pid_rusage(
            libc::getpid(),
            libc::RUSAGE_INFO_V2,
            (&mut usage as *mut libc::rusage_info_v2).cast(),
        )
    };
    (rc == 0).then_some(usage.ri_phys_footprint)
}

pub(crate) fn total_ram() -> Result<u64, ProbeError> {
    let mut value: u64 = 0;
    let mut len = std::mem::size_of::<u64>();
    // SAFETY: the name is a NUL-terminated string; `value` is a writable u64 and `len`
    // holds its size, which is what hw.memsize returns.
    let rc = unsafe {
        libc::sysctlbyname(
            c"hw.memsize".as_ptr(),
            (&mut value as *mut u64).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc != 0 {
        return Err(ProbeError::last_os("sysctlbyname(hw.memsize)"));
    }
    Ok(value)
}
