//! The subcommands that read a dataset: `verify`, `score`, `export-ocel` and `report`.
//! Each returns the process exit code.

use crate::summary::thousands;
use std::path::{Path, PathBuf};
use synth_guard::format_bytes;

/// `synthdata verify`: each directory's files against its manifest.
pub fn verify(dirs: &[PathBuf], json_out: bool) -> u8 {
    if let Some(d) = dirs.iter().find(|d| !d.is_dir()) {
        err!(
            "error: {}: no such output directory (expected the directory a run wrote, with its manifest)",
            d.display()
        );
        return 2;
    }
    let v = match synth_runtime::verify(dirs) {
        Ok(v) => v,
        Err(e) => {
            err!("error: {e}");
            return 1;
        }
    };
    let whole = v.is_whole();
    if json_out {
        let j = serde_json::json!({
            "whole": whole,
            "manifests": v.manifests,
            "parts_total": v.parts_total,
            "files_checked": v.files_checked,
            "bytes_checked": v.bytes_checked,
            "problems": v.problems,
        });
        out!("{j}");
    } else {
        for p in &v.problems {
            out!("{p}");
        }
        out!(
            "{}: {} manifests, {} parts, {} files ({}) checked{}",
            if whole { "whole" } else { "NOT whole" },
            v.manifests.len(),
            thousands(v.parts_total),
            thousands(v.files_checked),
            format_bytes(v.bytes_checked),
            if whole {
                String::new()
            } else {
                format!(", {} problems", v.problems.len())
            }
        );
    }
    if whole { 0 } else { 1 }
}

/// `synthdata score`: a detector's predictions against the dataset's labels.
pub fn score(dir: &Path, predictions: &Path, json_out: bool, scored_only: bool) -> u8 {
    if !dir.join(synth_sinks::MANIFEST_FILE).is_file() {
        err!(
            "error: {}: no manifest.json (expected the directory a finished run wrote)",
            dir.display()
        );
        return 2;
    }
    let s = match synth_report::score::score(dir, predictions, scored_only) {
        Ok(s) => s,
        Err(synth_report::score::ScoreError::Run(
            e @ (synth_report::ReportError::Damaged { .. }
            | synth_report::ReportError::Io { .. }
            | synth_report::ReportError::Format(_)),
        )) => {
            err!("error: {e}");
            return 1;
        }
        Err(synth_report::score::ScoreError::Run(e @ synth_report::ReportError::Memory { .. })) => {
            err!("error: {e}");
            return 3;
        }
        Err(e) => {
            err!("error: {e}");
            return 2;
        }
    };
    if json_out {
        out!(
            "{}",
            serde_json::to_string_pretty(&s).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        );
    } else {
        out!("{}", synth_report::score::score_text(&s));
    }
    0
}

/// The memory guard a command that reads a run works inside, the same as a run's: its
/// hard limit stops the reading.
fn reading_guard() -> Option<synth_guard::MemoryGuard> {
    synth_probe::LimitDiscovery::system()
        .discover()
        .ok()
        .and_then(|limit| {
            synth_guard::MemoryGuard::new(synth_guard::MemoryGuardConfig::from_limit(
                &limit, None, None,
            ))
            .ok()
        })
}

/// The exit code of a command that could not read a run: 3 memory, 2 no run, else 1.
fn read_failure(e: &synth_report::ReportError) -> u8 {
    match e {
        synth_report::ReportError::Memory { .. } => 3,
        synth_report::ReportError::NoManifest { .. } => 2,
        _ => 1,
    }
}

/// `synthdata export-ocel`: the dataset's documents as OCEL 2.0 and XES event logs.
pub fn export_ocel(dir: &Path, out: &Path, json_out: bool) -> u8 {
    if !dir.join(synth_sinks::MANIFEST_FILE).is_file() {
        err!(
            "error: {}: no manifest.json (expected the directory a finished run wrote)",
            dir.display()
        );
        return 2;
    }
    if let Err(why) = export_target(dir, out) {
        err!(
            "error: cannot write the event logs into {}: {why}",
            out.display()
        );
        return 2;
    }
    let mut guard = reading_guard();
    let s = match synth_report::events::export(dir, out, guard.as_mut()) {
        Ok(s) => s,
        Err(e) => {
            err!("error: {e}");
            return read_failure(&e);
        }
    };
    if json_out {
        out!(
            "{}",
            serde_json::to_string_pretty(&s).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        );
    } else {
        out!(
            "{} documents: {} events on {} objects",
            s.documents,
            s.events,
            s.objects
        );
        for (process, cases, events) in &s.processes {
            out!("  {process:<16} {cases:>10} cases {events:>10} events");
        }
        for f in &s.files {
            out!("Wrote {}", f.display());
        }
    }
    0
}

/// Why the event logs cannot go into `out`: a link, not a directory, or inside the
/// dataset `dataset` they are made from.
fn export_target(dataset: &Path, out: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err("it is a symbolic link; name the directory itself".into());
        }
        Ok(m) if !m.is_dir() => return Err("it exists and is not a directory".into()),
        _ => {}
    }
    let names =
        std::iter::once(synth_report::events::OCEL_FILE).chain(synth_report::events::XES_FILES);
    for name in names {
        if std::fs::symlink_metadata(out.join(name)).is_ok() {
            return Err(format!(
                "{name} exists there already; it is left alone (remove it or choose another directory)"
            ));
        }
    }
    // The nearest existing ancestor, to compare real paths.
    let mut probe = out.to_path_buf();
    while !probe.exists() {
        match probe.parent() {
            Some(p) if !p.as_os_str().is_empty() => probe = p.to_path_buf(),
            _ => {
                probe = PathBuf::from(".");
                break;
            }
        }
    }
    let probe = std::fs::canonicalize(&probe)
        .map_err(|e| format!("{} cannot be opened: {e}", probe.display()))?;
    let dataset = std::fs::canonicalize(dataset).unwrap_or_else(|_| dataset.to_path_buf());
    if probe.starts_with(&dataset) {
        return Err(format!(
            "it is inside the dataset {} it is made from; write it elsewhere",
            dataset.display()
        ));
    }
    Ok(())
}

/// `synthdata report`: the dataset's checks, statements and profiles.
pub fn report(dir: &Path, json_out: bool, html: Option<&Path>) -> u8 {
    if !dir.is_dir() {
        err!(
            "error: {}: no such output directory (expected the directory a run wrote, with its manifest.json)",
            dir.display()
        );
        return 2;
    }
    if !dir.join(synth_sinks::MANIFEST_FILE).is_file() {
        err!(
            "error: {}: no manifest.json (not a finished synthdata output)",
            dir.display()
        );
        return 2;
    }
    // Checked first: a refusal reads and writes nothing.
    if let Some(path) = html
        && let Err(why) = html_target(dir, path)
    {
        err!(
            "error: cannot write the HTML report to {}: {why}",
            path.display()
        );
        return 2;
    }
    let mut guard = reading_guard();
    let r = match synth_report::report(dir, guard.as_mut()) {
        Ok(r) => r,
        Err(e) => {
            err!("error: {e}");
            return read_failure(&e);
        }
    };
    if let Some(path) = html {
        let page = match synth_report::html::page(&r) {
            Ok(p) => p,
            Err(e) => {
                err!("error: {e}");
                return 1;
            }
        };
        if let Err(e) = write_atomic(path, page.as_bytes()) {
            err!(
                "error: cannot write {} (through {}.partial): {e}",
                path.display(),
                path.display()
            );
            return 1;
        }
    }
    if json_out {
        out!(
            "{}",
            serde_json::to_string_pretty(&r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        );
    } else {
        out!("{}", synth_report::text(&r));
        if let Some(path) = html {
            out!("HTML report: {}", path.display());
        }
    }
    if r.is_sound() { 0 } else { 1 }
}

/// Why the HTML page may not go to `path`: it would replace something that is not a
/// regular file (a device, a FIFO, a link, a directory), or land inside the dataset
/// `dataset` it reports on.
fn html_target(dataset: &Path, path: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err("it is a symbolic link; name the file itself".into());
        }
        Ok(m) if !m.is_file() => {
            return Err("it exists and is not a regular file (a device, a FIFO or a directory); it is left alone".into());
        }
        _ => {}
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent)
        .map_err(|e| format!("its directory {} cannot be opened: {e}", parent.display()))?;
    let dataset = std::fs::canonicalize(dataset).unwrap_or_else(|_| dataset.to_path_buf());
    if parent.starts_with(&dataset) {
        return Err(format!(
            "it is inside the dataset {} it reports on; write it elsewhere",
            dataset.display()
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all: into `PATH.partial` (created new, so
/// never through a link), synced, then renamed over `path`, only if `path` is then
/// still a regular file or nothing.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)?;
    let result = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() => Err(std::io::Error::other(
                "it is no longer a regular file; it is left alone",
            )),
            _ => std::fs::rename(&partial, path),
        });
    if result.is_err() {
        // The partial file is this call's own (it was created new above).
        let _ = std::fs::remove_file(&partial);
    }
    result
}
