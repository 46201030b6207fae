//! Memory pressure stall information (PSI), where the kernel has it.

use crate::ProbeError;
use std::path::Path;

/// The share of recent time that tasks stalled waiting for memory (Linux PSI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pressure {
    /// `some avg10`: percent of the last 10 s in which at least one task stalled.
    pub some_avg10: f64,
    /// `full avg10`: percent of the last 10 s in which all tasks stalled, if reported.
    pub full_avg10: Option<f64>,
}

/// The system-wide memory pressure file.
pub const SYSTEM_PRESSURE: &str = "/proc/pressure/memory";

/// Reads a PSI file (`/proc/pressure/memory` or a cgroup's `memory.pressure`).
///
/// Returns `Ok(None)` when the file does not exist (kernel without PSI), and an
/// error naming the file when it exists but cannot be read or parsed.
pub fn read_pressure(path: &Path) -> Result<Option<Pressure>, ProbeError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // Some kernels have the file but refuse to read it when PSI is disabled at boot.
        Err(e) if e.raw_os_error() == Some(95) => return Ok(None),
        Err(e) => return Err(ProbeError::io(path, e)),
    };
    parse_pressure(&text)
        .map(Some)
        .map_err(|reason| ProbeError::parse(path, reason))
}

fn parse_pressure(text: &str) -> Result<Pressure, String> {
    let mut some = None;
    let mut full = None;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let kind = words.next();
        let avg10 = words
            .find_map(|w| w.strip_prefix("avg10="))
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("avg10 is not a number: {v:?}"))
            })
            .transpose()?;
        match kind {
            Some("some") => some = avg10,
            Some("full") => full = avg10,
            _ => {}
        }
    }
    let some_avg10 = some.ok_or_else(|| "expected a line `some avg10=...`".to_string())?;
    Ok(Pressure {
        some_avg10,
        full_avg10: full,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_psi() {
        let p = parse_pressure(
            "some avg10=1.50 avg60=0.00 avg300=0.00 total=12\nfull avg10=0.25 avg60=0.00 avg300=0.00 total=3\n",
        )
        .expect("valid PSI");
        assert_eq!(
            p,
            Pressure {
                some_avg10: 1.5,
                full_avg10: Some(0.25)
            }
        );
        assert!(parse_pressure("garbage").is_err());
        assert!(parse_pressure("some avg10=abc").is_err());
    }

    #[test]
    fn missing_file_is_none() {
        assert_eq!(
            read_pressure(Path::new("/nonexistent/pressure")).expect("absent is fine"),
            None
        );
    }
}
