//! The names this tool writes in an output directory, and the one rule for every path a
//! manifest lists: only a path of these names, inside the directory, is ever opened,
//! checked, removed or renamed over.

use crate::dataset::shard::Shard;
use synth_model::Table;

/// What a file is named while it is written; renamed without it once whole.
pub const PARTIAL_SUFFIX: &str = ".partial";
/// Name of the manifest file in the output directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The lock file a run holds in its output directory.
pub const LOCK_FILE: &str = ".synthdata.lock";
/// Space kept free for the final manifest, released when the manifest is written.
pub const RESERVE_FILE: &str = ".synthdata.reserve";
/// Extensions of the table files this crate writes.
const EXTENSIONS: [&str; 3] = ["csv", "jsonl", "parquet"];

/// Whether `name` is one the tool writes: the manifest, its reserve, a table file or a
/// part of one (`journal_lines.csv`, `journal_lines.part-00002.csv`), or any of those
/// with `.partial`.
pub fn is_own_name(name: &str) -> bool {
    if bookkeeping_shard(name).is_some() && !name.contains(".lock") {
        return true;
    }
    let name = name.strip_suffix(PARTIAL_SUFFIX).unwrap_or(name);
    Table::ALL.iter().any(|t| {
        let Some(rest) = name
            .strip_prefix(t.name())
            .and_then(|r| r.strip_prefix('.'))
        else {
            return false;
        };
        let ext = match rest.strip_prefix("part-") {
            Some(part) => match part.split_once('.') {
                Some((digits, ext))
                    if digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    ext
                }
                _ => return false,
            },
            None => rest,
        };
        is_table_extension(ext)
    })
}

/// Whether `rel`, a path a manifest lists, names a data file this tool writes in an
/// output directory: a table file at the top (`journal_lines.csv`, also `.partial`) or a
/// part in a table's directory (`journal_lines/part-00002.csv`). Nothing else (`..`, an
/// absolute path, a link's name, the bookkeeping, another tool's file) is ever opened,
/// checked or removed because a manifest names it.
pub fn is_own_path(rel: &str) -> bool {
    match rel.split_once('/') {
        None => is_own_name(rel) && bookkeeping_shard(rel).is_none(),
        Some((table, name)) => {
            Table::from_name(table).is_some() && !name.contains('/') && is_own_part_name(name)
        }
    }
}

/// Whether `ext` is what a table file ends with: `csv`, `jsonl`, `parquet`, and the
/// text ones with `.zst` or `.gz`.
fn is_table_extension(ext: &str) -> bool {
    let ext = ext
        .strip_suffix(".zst")
        .or_else(|| ext.strip_suffix(".gz"))
        .filter(|e| *e != "parquet")
        .unwrap_or(ext);
    EXTENSIONS.contains(&ext)
}

/// Whether `name` is one the tool writes inside a table's directory: a part
/// (`part-00003.csv`, `part-00003.csv.zst`, `part-00003.parquet`), a rotated file of a
/// part (`part-00003.part-00002.csv`), or any of those with `.partial`.
pub fn is_own_part_name(name: &str) -> bool {
    let name = name.strip_suffix(PARTIAL_SUFFIX).unwrap_or(name);
    fn numbered(s: &str) -> Option<&str> {
        let (digits, rest) = s.strip_prefix("part-")?.split_once('.')?;
        (digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
    }
    let Some(rest) = numbered(name) else {
        return false;
    };
    is_table_extension(numbered(rest).unwrap_or(rest))
}

/// The name of part `part` of a table (`part-00003`), without extension.
pub fn part_stem(part: u64) -> String {
    format!("part-{part:05}")
}

/// The bookkeeping names of a run in its directory: manifest, lock and reserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunNames {
    /// `manifest.json`, or `manifest.shard-K-of-N.json`.
    pub manifest: String,
    /// `.synthdata.lock`, or `.synthdata.shard-K-of-N.lock`.
    pub lock: String,
    /// `.synthdata.reserve`, or `.synthdata.shard-K-of-N.reserve`.
    pub reserve: String,
}

impl RunNames {
    /// The names of an unsharded run, or of shard `shard`.
    pub fn of(shard: Option<Shard>) -> Self {
        match shard {
            None => Self {
                manifest: MANIFEST_FILE.into(),
                lock: LOCK_FILE.into(),
                reserve: RESERVE_FILE.into(),
            },
            Some(s) => Self {
                manifest: format!("manifest.shard-{}-of-{}.json", s.index, s.count),
                lock: format!(".synthdata.shard-{}-of-{}.lock", s.index, s.count),
                reserve: format!(".synthdata.shard-{}-of-{}.reserve", s.index, s.count),
            },
        }
    }
}

/// The shard a bookkeeping name belongs to: `Some(None)` for an unsharded run's
/// (`manifest.json`), `Some(Some(shard))` for a shard's, `None` if it is not one.
pub fn bookkeeping_shard(name: &str) -> Option<Option<Shard>> {
    let name = name.strip_suffix(PARTIAL_SUFFIX).unwrap_or(name);
    if [MANIFEST_FILE, LOCK_FILE, RESERVE_FILE].contains(&name) {
        return Some(None);
    }
    let rest = name
        .strip_prefix("manifest.shard-")
        .and_then(|r| r.strip_suffix(".json"))
        .or_else(|| {
            name.strip_prefix(".synthdata.shard-").and_then(|r| {
                r.strip_suffix(".lock")
                    .or_else(|| r.strip_suffix(".reserve"))
            })
        })?;
    let (k, n) = rest.split_once("-of-")?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(k) || !all_digits(n) {
        return None;
    }
    Shard::new(k.parse().ok()?, n.parse().ok()?).map(Some)
}

/// The part a file of a table's directory belongs to (`part-00003.csv` → 3).
pub fn part_of(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("part-")?.split('.').next()?;
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_names() {
        for ours in [
            "manifest.json",
            "manifest.json.partial",
            "journal_lines.csv",
            "journal_lines.csv.partial",
            "journal_lines.part-00002.jsonl",
            "journal_lines.csv.zst",
            "journal_lines.part-00002.jsonl.gz.partial",
            "accounts.parquet",
            ".synthdata.reserve",
        ] {
            assert!(is_own_name(ours), "{ours}");
        }
        for theirs in [
            "accounts.xlsx",
            "documents.pdf",
            "manifest.json.bak",
            "journal_lines.csv.bz2",
            "journal_lines.parquet.gz",
            "journal_lines.part-2.csv",
            "notes.txt",
            "journal_lines",
        ] {
            assert!(!is_own_name(theirs), "{theirs}");
        }
        for ours in [
            "part-00000.csv",
            "part-00012.parquet",
            "part-00012.jsonl.zst.partial",
            "part-123456.csv.gz",
            "part-00001.part-00002.csv",
        ] {
            assert!(is_own_part_name(ours), "{ours}");
        }
        for theirs in [
            "part-1.csv",
            "part-00001.xlsx",
            "notes.txt",
            "part-00001.parquet.gz",
        ] {
            assert!(!is_own_part_name(theirs), "{theirs}");
        }
    }
}
