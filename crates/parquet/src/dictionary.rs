//! A chunk's dictionary: each distinct value's index, and the dictionary page's body.

use rustc_hash::FxHashMap;

/// The physical type of a column, as its values are encoded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    I32,
    I64,
    /// 16 bytes, FIXED_LEN_BYTE_ARRAY.
    Id,
    Text,
}

/// Slots of [`Dictionary::recent`].
pub(crate) const RECENT_SLOTS: usize = 1024;

/// A chunk's dictionary: each distinct value's index, and the dictionary page's body.
#[derive(Default)]
pub(crate) struct Dictionary {
    pub(crate) ints: FxHashMap<i64, u32>,
    pub(crate) texts: FxHashMap<Box<[u8]>, u32>,
    /// A direct-mapped cache in front of the maps: `(key, key, index + 1)`, 0 for an
    /// empty slot. The keys are an integer (and 0), or a pool text's address and length,
    /// whose bytes then need no hashing nor comparing. It only shortcuts the maps: what
    /// is written does not depend on it (nor on addresses).
    pub(crate) recent: Vec<(u64, u64, u32)>,
    /// The entries, PLAIN-encoded.
    pub(crate) page: Vec<u8>,
    pub(crate) len: u32,
}

impl Dictionary {
    /// A dictionary with its cache (for the columns that have one).
    pub(crate) fn new() -> Self {
        Self {
            recent: vec![(0, 0, 0); RECENT_SLOTS],
            ..Self::default()
        }
    }

    #[inline]
    pub(crate) fn slot(a: u64, b: u64) -> usize {
        ((a ^ b.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize % RECENT_SLOTS
    }

    /// The index of integer `x`, added (as `width` bytes) if new.
    #[inline]
    pub(crate) fn int(&mut self, x: i64, width: usize) -> u32 {
        let key = x as u64;
        let slot = Self::slot(key, 0);
        if let Some(&(k, _, i)) = self.recent.get(slot)
            && i != 0
            && k == key
        {
            return i - 1;
        }
        let index = *self.ints.entry(x).or_insert_with(|| {
            self.page.extend_from_slice(&x.to_le_bytes()[..width]);
            self.len += 1;
            self.len - 1
        });
        if let Some(r) = self.recent.get_mut(slot) {
            *r = (key, 0, index + 1);
        }
        index
    }

    /// The index of text `t` (at `address` if it is a pool text), and whether it is new.
    #[inline]
    pub(crate) fn text(&mut self, t: &[u8], address: Option<usize>) -> (u32, bool) {
        let key = address.map(|a| (a as u64, t.len() as u64));
        let slot = key.map(|(a, n)| Self::slot(a, n));
        if let (Some((a, n)), Some(slot)) = (key, slot)
            && let Some(&(ka, kn, i)) = self.recent.get(slot)
            && i != 0
            && (ka, kn) == (a, n)
        {
            return (i - 1, false);
        }
        let (index, new) = match self.texts.get(t) {
            Some(&i) => (i, false),
            None => {
                self.page.extend_from_slice(&(t.len() as u32).to_le_bytes());
                self.page.extend_from_slice(t);
                self.texts.insert(t.into(), self.len);
                self.len += 1;
                (self.len - 1, true)
            }
        };
        if let (Some((a, n)), Some(slot)) = (key, slot)
            && let Some(r) = self.recent.get_mut(slot)
        {
            *r = (a, n, index + 1);
        }
        (index, new)
    }

    /// Empties it for the next chunk, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.ints.clear();
        self.texts.clear();
        self.recent.fill((0, 0, 0));
        self.page.clear();
        self.len = 0;
    }
}
