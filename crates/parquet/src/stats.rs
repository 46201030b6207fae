//! A chunk's statistics: min and max of its values, texts cut to 64 bytes as parquet-rs
//! cuts them.

/// Min and max of a chunk's values.
pub(crate) enum Bounds {
    /// No value yet.
    Empty,
    Int(i64, i64),
    Bool(bool, bool),
    Text(Vec<u8>, Vec<u8>),
}

impl Bounds {
    pub(crate) fn int(&mut self, x: i64) {
        match self {
            Self::Int(lo, hi) => {
                *lo = (*lo).min(x);
                *hi = (*hi).max(x);
            }
            _ => *self = Self::Int(x, x),
        }
    }

    pub(crate) fn bool(&mut self, b: bool) {
        match self {
            Self::Bool(lo, hi) => {
                *lo &= b;
                *hi |= b;
            }
            _ => *self = Self::Bool(b, b),
        }
    }

    pub(crate) fn text(&mut self, t: &[u8]) {
        match self {
            Self::Text(lo, hi) => {
                if t < lo.as_slice() {
                    lo.clear();
                    lo.extend_from_slice(t);
                } else if t > hi.as_slice() {
                    hi.clear();
                    hi.extend_from_slice(t);
                }
            }
            _ => *self = Self::Text(t.to_vec(), t.to_vec()),
        }
    }
}

/// Longest text min or max kept in the footer (parquet-rs's default): a longer one is
/// cut, so that footers stay small whatever the texts.
pub(crate) const STATISTICS_BYTES: usize = 64;

/// The longest prefix of `t` of at most [`STATISTICS_BYTES`] that ends on a character.
pub(crate) fn prefix(t: &[u8]) -> &[u8] {
    if t.len() <= STATISTICS_BYTES {
        return t;
    }
    // Back to the start of a character (a byte that is not 0b10xx_xxxx).
    let mut end = STATISTICS_BYTES;
    while end > 0 && t[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    &t[..end]
}

/// A min for the footer: `t`, or its prefix (a lower bound), and whether it is exact.
pub(crate) fn truncated_min(t: &[u8]) -> (Vec<u8>, bool) {
    let p = prefix(t);
    (p.to_vec(), p.len() == t.len())
}

/// A max for the footer: `t`, or an upper bound no longer than [`STATISTICS_BYTES`]
/// (its prefix with the last character raised by one), and whether it is exact; `None`
/// if there is no such bound (not UTF-8, or every character already the largest).
pub(crate) fn truncated_max(t: &[u8]) -> (Option<Vec<u8>>, bool) {
    if t.len() <= STATISTICS_BYTES {
        return (Some(t.to_vec()), true);
    }
    let Ok(p) = std::str::from_utf8(prefix(t)) else {
        return (None, false);
    };
    let mut chars: Vec<char> = p.chars().collect();
    while let Some(last) = chars.pop() {
        // UTF-8's byte order is code-point order, so a larger last character makes a
        // string larger than every string that starts with the prefix.
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return (
                Some(chars.into_iter().collect::<String>().into_bytes()),
                false,
            );
        }
    }
    (None, false)
}
