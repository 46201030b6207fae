//! What `synthdata` prints: numbers for people, tables, and JSON for scripts.

use synth_guard::format_bytes;
use synth_runtime::{MemoryEstimate, RunReport};

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An entry rate: `563.8 k entries`, `1 entry`.
fn count_short(x: f64) -> String {
    format!(
        "{} {}",
        short(x),
        if short(x) == "1" { "entry" } else { "entries" }
    )
}

/// `1234567.0` → `1.2 M`.
pub fn short(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.1} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// Whole megabytes with thousands separators: `2,048 MB`.
pub fn mb(bytes: u64) -> String {
    format!("{} MB", thousands(bytes >> 20))
}

/// `m:ss` or `h:mm:ss`.
pub fn clock(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// `1 part`, `2 parts`: a count and its noun, singular or plural.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The summary of a finished run, for people. Rates count what this process generated;
/// what a resume kept is said apart.
pub fn human(r: &RunReport, format: &str) -> String {
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let bytes: u64 = r.tables.iter().map(|t| t.bytes).sum();
    let generated = r.entries_written - r.kept.entries;
    let mut s = format!(
        "Done: {} ({}) in {:.2} s: {}/s, {} lines/s, {}/s\n",
        count(r.entries_written, "journal entry", "journal entries"),
        count(r.lines_written, "line", "lines"),
        secs,
        count_short(generated as f64 / secs),
        short((r.lines_written - r.kept.lines) as f64 / secs),
        format_bytes((bytes.saturating_sub(r.kept.bytes) as f64 / secs) as u64),
    );
    if r.kept.parts > 0 {
        s += &format!(
            "Kept from the earlier run: {} ({}), verified, not generated again; generated now: {}\n",
            count(r.kept.parts, "whole part", "whole parts"),
            count(r.kept.entries, "entry", "entries"),
            count(generated, "entry", "entries"),
        );
    }
    s += &format!(
        "Peak memory {} (estimated {}) of a {} hard limit ({}); {}, {}\n",
        format_bytes(r.peak_rss),
        format_bytes(r.estimate.streaming_peak),
        format_bytes(r.hard_limit),
        r.limit_source,
        count(r.reliefs, "relief", "reliefs"),
        count(r.throttles, "throttle", "throttles"),
    );
    let of_dataset = r.parts_generated + r.kept.parts < r.parts;
    s += &format!(
        "{} generated, {} at once{}{}\n",
        count(r.parts_generated, "part", "parts"),
        r.threads,
        match r.lowest_parallelism < r.threads {
            true => format!(" (down to {} at the soft limit)", r.lowest_parallelism),
            false => String::new(),
        },
        match of_dataset {
            true => format!(
                "; the dataset has {} in all",
                count(r.parts, "part", "parts")
            ),
            false => String::new(),
        }
    );
    s += &format!(
        "{} files in {} ({}):\n",
        format.to_uppercase(),
        r.output_dir.display(),
        format_bytes(bytes)
    );
    s += &format!(
        "  {:<18} {:>14} {:>12}  {}\n",
        "table", "rows", "bytes", "files"
    );
    for t in &r.tables {
        // A table of many parts is shown as its directory.
        let files = match t.files.len() {
            0..=3 => t
                .files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            n => format!("{}/ ({n} files)", t.table),
        };
        s += &format!(
            "  {:<18} {:>14} {:>12}  {}\n",
            t.table,
            thousands(t.rows),
            format_bytes(t.bytes),
            files
        );
    }
    let injected: u64 = r.anomalies.iter().map(|(_, n)| n).sum();
    if injected > 0 {
        s += &format!(
            "Anomalies: {} injected, labelled in the anomalies table: {}\n",
            thousands(injected),
            r.anomalies
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(t, n)| format!("{t} {}", thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    match &r.manifest {
        Some(m) => s += &format!("Manifest: {}", m.display()),
        None => s += "No manifest (standard output)",
    }
    s
}

/// The summary of a finished run, for scripts.
pub fn json(r: &RunReport, format: &str) -> serde_json::Value {
    serde_json::json!({
        "status": "complete",
        "exit_code": 0,
        "entries_written": r.entries_written,
        "lines_written": r.lines_written,
        "elapsed_seconds": r.elapsed.as_secs_f64(),
        "entries_generated": r.entries_written - r.kept.entries,
        "entries_per_second": (r.entries_written - r.kept.entries) as f64 / r.elapsed.as_secs_f64().max(1e-9),
        "lines_per_second": (r.lines_written - r.kept.lines) as f64 / r.elapsed.as_secs_f64().max(1e-9),
        "peak_rss_bytes": r.peak_rss,
        "estimated_peak_bytes": r.estimate.streaming_peak,
        "hard_limit_bytes": r.hard_limit,
        "soft_limit_bytes": r.soft_limit,
        "limit_source": r.limit_source.kind(),
        "reliefs": r.reliefs,
        "throttles": r.throttles,
        "parts": r.parts,
        "parts_generated": r.parts_generated,
        "parts_kept": r.kept.parts,
        "entries_kept": r.kept.entries,
        "threads": r.threads,
        "lowest_parallelism": r.lowest_parallelism,
        "format": format,
        "output_dir": r.output_dir,
        "manifest": r.manifest,
        "anomalies": r.anomalies.iter().map(|(t, n)| (t.to_string(), serde_json::json!(n)))
            .collect::<serde_json::Map<_, _>>(),
        "tables": r.tables.iter().map(|t| serde_json::json!({
            "table": t.table, "rows": t.rows, "bytes": t.bytes,
            "files": t.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The estimate table, for people.
pub fn estimate_table(e: &MemoryEstimate) -> String {
    let mut s = format!(
        "  {:<18} {:>16} {:>8} {:>12} {:>12} {:>12}\n",
        "table", "rows", "record", "per batch", "buffer", "on disk"
    );
    for t in &e.per_table {
        s += &format!(
            "  {:<18} {:>16} {:>8} {:>12} {:>12} {:>12}\n",
            t.table,
            thousands(t.rows),
            format!("{} B", t.record_bytes),
            format_bytes(t.batch_bytes),
            format_bytes(t.buffer_bytes),
            format_bytes(t.disk_bytes)
        );
    }
    s += &format!(
        "  baseline {}, master data {}, master sink {}; per part: batch peak {} x {} in flight, writer buffers {}\n",
        format_bytes(e.baseline),
        format_bytes(e.master_data),
        format_bytes(e.master_sink),
        format_bytes(e.batch_peak),
        e.batches_in_flight,
        format_bytes(e.writer_buffers)
    );
    s += &format!(
        "  {} {}, {} at once x {} per part\n",
        thousands(e.parts),
        if e.parts == 1 { "part" } else { "parts" },
        e.threads,
        format_bytes(e.per_part)
    );
    s += &format!(
        "  streaming peak {}   recommended limit {}   on disk about {}",
        format_bytes(e.streaming_peak),
        format_bytes(e.recommended_limit),
        format_bytes(e.disk_bytes)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(123), "123");
        assert_eq!(short(1_234_567.0), "1.2 M");
        assert_eq!(mb(2048 << 20), "2,048 MB");
        assert_eq!(clock(7), "0:07");
        assert_eq!(clock(3725), "1:02:05");
    }
}
