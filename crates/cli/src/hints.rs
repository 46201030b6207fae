//! The one place that names flags in a message: the libraries name config keys and
//! facts, and this turns them into what to type.

use synth_runtime::Error;

/// Config keys and the flags of `synthdata generate` that set them, from the one list
/// of keys (`synth_runtime::KEYS`).
fn flags() -> impl Iterator<Item = (&'static str, &'static str)> {
    synth_runtime::KEYS
        .iter()
        .filter_map(|k| k.flag.map(|f| (k.path, f)))
}

/// `message` with the flag of each config key it names after the key's first mention:
/// "raise global.memory_limit to 2 GiB" → "raise global.memory_limit (--memory-limit)
/// to 2 GiB". A key already followed by its flag is left as it is.
pub fn with_flags(message: &str) -> String {
    let mut out = message.to_string();
    for (key, flag) in flags() {
        let Some(at) = find_key(&out, key) else {
            continue;
        };
        let end = at + key.len();
        if out[end..].starts_with(&format!(" ({flag}")) {
            continue;
        }
        out.insert_str(end, &format!(" ({flag})"));
    }
    out
}

/// A line of the override log (`key: old -> new`) with the flag that set the key:
/// `... (from --entries)`.
pub fn override_line(line: &str) -> String {
    // `global.start_year/start_month: ...` is the key of its first half.
    let key = line.split(": ").next().unwrap_or(line);
    let key = key.split('/').next().unwrap_or(key);
    match synth_runtime::key_at(key).and_then(|k| k.flag) {
        Some(flag) => format!("{line} (from {flag})"),
        None => line.to_string(),
    }
}

/// Where `key` stands in `text` as a whole word (not inside a longer key or a path).
fn find_key(text: &str, key: &str) -> Option<usize> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    text.match_indices(key).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// What to do about an error, in the command line's words (the libraries name no flags).
pub fn hint(e: &Error) -> Option<&'static str> {
    use synth_sinks::SinkError;
    match e {
        Error::Sink(SinkError::NotEmpty { .. }) => Some(
            "choose an empty directory (--out), or replace what an earlier run wrote with --overwrite",
        ),
        Error::Sink(SinkError::Locked { .. }) => {
            Some("wait for that run to end, or choose another directory with --out")
        }
        Error::Sink(SinkError::NotOurs { .. }) => {
            Some("move it away, or choose another directory with --out")
        }
        Error::Sink(SinkError::NotADirectory { .. }) => {
            Some("choose a directory with --out or output.directory")
        }
        Error::Sink(SinkError::DiskFull { .. }) => {
            Some("free space on the output file system or choose another with --out")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_lines_name_their_flag() {
        assert_eq!(
            override_line("transactions.target_count: 5 -> 2000"),
            "transactions.target_count: 5 -> 2000 (from --entries)"
        );
        assert_eq!(
            override_line("global.start_year/start_month: 2024-01 -> 2023-07"),
            "global.start_year/start_month: 2024-01 -> 2023-07 (from --start)"
        );
    }

    #[test]
    fn keys_get_their_flags_once() {
        assert_eq!(
            with_flags("raise global.memory_limit to at least 84.0 MiB"),
            "raise global.memory_limit (--memory-limit) to at least 84.0 MiB"
        );
        assert_eq!(
            with_flags("choose another output.directory, or set output.space_check: false"),
            "choose another output.directory (--out), or set output.space_check (--no-space-check): false"
        );
        // Already annotated, inside a longer name, or not a key: unchanged.
        for text in [
            "global.memory_limit (--memory-limit) is 2 GiB",
            "output.directory_name and my.output.threads",
            "no key here",
        ] {
            assert_eq!(with_flags(text), text);
        }
    }
}
