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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::names::{RunNames, bookkeeping_shard, part_of};

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
