//! Windows: `GetProcessMemoryInfo` (working set, private bytes) and
//! `GlobalMemoryStatusEx` (RAM).

use super::ProcessMemory;
use crate::ProbeError;
use windows_sys::Win32::System::ProcessStatus::{
    GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS, PROCESS_MEMORY_COUNTERS_EX,
};
use windows_sys::Win32::System::SystemInformation::{GlobalMemoryStatusEx, MEMORYSTATUSEX};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

fn counters() -> Result<PROCESS_MEMORY_COUNTERS_EX, ProbeError> {
    let mut pmc = PROCESS_MEMORY_COUNTERS_EX {
        cb: std::mem::size_of::<PROCESS_MEMORY_COUNTERS_EX>() as u32,
        ..Default::default()
    };
    // SAFETY: GetCurrentProcess returns a pseudo-handle that needs no closing; `pmc` is a
    // writable PROCESS_MEMORY_COUNTERS_EX whose size is passed as `cb`, which the call
    // accepts in place of the smaller PROCESS_MEMORY_COUNTERS.
    let ok = unsafe {
        GetProcessMemoryInfo(
            GetCurrentProcess(),
            (&mut pmc as *mut PROCESS_MEMORY_COUNTERS_EX).cast::<PROCESS_MEMORY_COUNTERS>(),
            pmc.cb,
        )
    };
    if ok == 0 {
        return Err(ProbeError::last_os("GetProcessMemoryInfo"));
    }
    Ok(pmc)
}

pub(crate) fn process_memory() -> Result<ProcessMemory, ProbeError> {
    let pmc = counters()?;
    Ok(ProcessMemory {
        rss_bytes: pmc.WorkingSetSize as u64,
        footprint_bytes: Some(pmc.PrivateUsage as u64),
    })
}

pub(crate) fn peak_working_set() -> Result<u64, ProbeError> {
    Ok(counters()?.PeakWorkingSetSize as u64)
}

fn status() -> Result<MEMORYSTATUSEX, ProbeError> {
    // SAFETY: all-zero is a valid value of this plain C struct.
    let mut st: MEMORYSTATUSEX = unsafe { std::mem::zeroed() };
    st.dwLength = std::mem::size_of::<MEMORYSTATUSEX>() as u32;
    // SAFETY: `st` is writable and its dwLength is set, as the call requires.
    let ok = unsafe { GlobalMemoryStatusEx(&mut st) };
    if ok == 0 {
        return Err(ProbeError::last_os("GlobalMemoryStatusEx"));
    }
    Ok(st)
}

pub(crate) fn total_ram() -> Result<u64, ProbeError> {
    Ok(status()?.ullTotalPhys)
}

pub(crate) fn available_ram() -> Option<u64> {
    status().ok().map(|s| s.ullAvailPhys)
}
