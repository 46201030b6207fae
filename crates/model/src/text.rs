//! Short text stored inline, so records with composed names need no heap.

use std::fmt;

/// UTF-8 text of at most `N` bytes stored inline (longer input is cut at a char boundary).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineText<const N: usize> {
    len: u8,
    buf: [u8; N],
}

impl<const N: usize> InlineText<N> {
    /// Empty text.
    pub const fn new() -> Self {
        Self {
            len: 0,
            buf: [0; N],
        }
    }

    /// Text made of `parts` joined by `sep`, cut to `N` bytes.
    pub fn join(parts: &[&str], sep: &str) -> Self {
        let mut t = Self::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                t.push(sep);
            }
            t.push(p);
        }
        t
    }

    /// Appends as much of `s` as fits.
    pub fn push(&mut self, s: &str) {
        let room = N.min(255) - self.len as usize;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        let start = self.len as usize;
        self.buf[start..start + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take as u8;
    }

    /// Appends a 128-bit id as UUID text (`8-4-4-4-12` lowercase hex), after a space
    /// unless the text is empty; nothing when it would not fit whole.
    pub fn push_id(&mut self, id: u128) {
        let sep = usize::from(self.len > 0);
        if self.len as usize + sep + 36 > N.min(255) {
            return;
        }
        if sep == 1 {
            self.push(" ");
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut t = [b'-'; 36];
        let mut k = 0;
        for (i, slot) in t.iter_mut().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                continue;
            }
            *slot = HEX[((id >> (124 - 4 * k)) & 0xf) as usize];
            k += 1;
        }
        self.push(std::str::from_utf8(&t).unwrap_or_default());
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only whole chars of valid &str are ever copied in, so this cannot fail.
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or_default()
    }
}

impl<const N: usize> Default for InlineText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for InlineText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> From<&str> for InlineText<N> {
    fn from(s: &str) -> Self {
        let mut t = Self::new();
        t.push(s);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_cuts_at_char_boundaries() {
        let t = InlineText::<16>::join(&["Acme", "Steel", "GmbH"], " ");
        assert_eq!(t.as_str(), "Acme Steel GmbH");
        let t = InlineText::<5>::from("Müller");
        assert_eq!(t.as_str(), "Müll");
        let t = InlineText::<4>::from("aéé");
        assert_eq!(t.as_str(), "aé");
    }
}
