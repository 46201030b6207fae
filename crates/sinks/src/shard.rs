//! Shards: shard K of N of a dataset owns the parts `p` with `p % N == K`, writes them
//! into the dataset's directory, and keeps its own manifest and lock there, so the
//! shards of one dataset can write into one shared directory at the same time.

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (`index` counts from 0, like Kubernetes'
/// `JOB_COMPLETION_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: u64,
    /// How many shards the dataset has.
    pub count: u64,
}

impl Shard {
    /// Shard `index` of `count`, if `index < count`.
    pub fn new(index: u64, count: u64) -> Option<Self> {
        (index < count).then_some(Self { index, count })
    }

    /// Whether part `part` belongs to this shard (`part % count == index`).
    pub fn owns_part(&self, part: u64) -> bool {
        part % self.count == self.index
    }

    /// Whether this shard writes the master tables (shard 0 does).
    pub fn writes_master(&self) -> bool {
        self.index == 0
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected a shard like 0/4 (shard K of N, 0 <= K < N), got {s:?}");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(format!("expected at least 1 shard, got {s:?}"));
        }
        Self::new(k, n).ok_or_else(|| {
            format!(
                "shard {k} of {n} does not exist: shards count from 0 to {}",
                n - 1
            )
        })
    }
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
                manifest: crate::MANIFEST_FILE.into(),
                lock: crate::LOCK_FILE.into(),
                reserve: crate::RESERVE_FILE.into(),
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
    let name = name.strip_suffix(crate::PARTIAL_SUFFIX).unwrap_or(name);
    if [crate::MANIFEST_FILE, crate::LOCK_FILE, crate::RESERVE_FILE].contains(&name) {
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
    fn shards_parse_and_own_parts_round_robin() {
        let s: Shard = "1/3".parse().expect("valid");
        assert_eq!(s, Shard { index: 1, count: 3 });
        assert!(s.owns_part(1) && s.owns_part(4) && !s.owns_part(3));
        for bad in ["3/3", "1/0", "x/2", "2", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(RunNames::of(Some(s)).manifest, "manifest.shard-1-of-3.json");
        assert_eq!(
            bookkeeping_shard("manifest.shard-1-of-3.json"),
            Some(Some(s))
        );
        assert_eq!(
            bookkeeping_shard(".synthdata.shard-1-of-3.lock"),
            Some(Some(s))
        );
        assert_eq!(bookkeeping_shard("manifest.json.partial"), Some(None));
        assert_eq!(bookkeeping_shard("manifest.shard-3-of-3.json"), None);
        assert_eq!(bookkeeping_shard("manifest.json.bak"), None);
        assert_eq!(part_of("part-00012.csv.zst.partial"), Some(12));
    }
}
