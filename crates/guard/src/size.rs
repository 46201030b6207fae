//! Byte sizes and rates as people write them: `2147483648`, `"2GiB"`, `"1.5 GB"`, `"100MB/s"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A number of bytes; deserializes from an integer or a string such as `"512MiB"`.
///
/// A plain `u64` converts, so a config is written as a downstream crate would:
///
/// ```
/// use synth_guard::{LimitSource, MemoryGuard, MemoryGuardConfig};
/// let config = MemoryGuardConfig {
///     soft_limit: (64u64 << 20).into(),
///     hard_limit: (96u64 << 20).into(),
///     growth_rate_threshold: (200u64 << 20).into(),
///     limit_source: LimitSource::Configured,
///     ..Default::default()
/// };
/// assert_eq!(config.hard_limit.0, 96 << 20);
/// let _guard = MemoryGuard::new(config)?;
/// # Ok::<(), synth_guard::GuardError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSize(pub u64);

impl From<u64> for ByteSize {
    /// `ByteSize::from(64 << 20)`, or `(64u64 << 20).into()` where a `ByteSize` is expected.
    fn from(bytes: u64) -> Self {
        Self(bytes)
    }
}

impl From<u64> for ByteRate {
    /// `(200u64 << 20).into()` where a `ByteRate` (bytes per second) is expected.
    fn from(bytes_per_second: u64) -> Self {
        Self(bytes_per_second)
    }
}

/// Bytes per second; deserializes from an integer or a string such as `"100MB/s"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteRate(pub u64);

/// What a size string must look like, for error messages.
pub const SIZE_EXPECTED: &str =
    "a size like \"2GiB\", \"1.5 GB\", \"512MiB\" or a whole number of bytes";
/// What a rate string must look like, for error messages.
pub const RATE_EXPECTED: &str = "a rate like \"100MB/s\" or a whole number of bytes per second";

/// Parses `"2GiB"`, `"1.5 GB"`, `"512 MiB"`, `"4096"`, `"64k"` into bytes.
///
/// Decimal units (kB, MB, GB, TB) are powers of 1000; binary ones (KiB, MiB, GiB,
/// TiB, and the one-letter K, M, G, T) powers of 1024.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num = num.replace('_', "");
    let unit = unit.trim();
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "mb" => 1000_u64.pow(2),
        "gb" => 1000_u64.pow(3),
        "tb" => 1000_u64.pow(4),
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        _ => return Err(format!("expected {SIZE_EXPECTED}, got {text:?}")),
    };
    if num.is_empty() {
        return Err(format!("expected {SIZE_EXPECTED}, got {text:?}"));
    }
    if let Ok(whole) = num.parse::<u64>() {
        return whole
            .checked_mul(factor)
            .ok_or_else(|| format!("{text:?} is too large"));
    }
    let value: f64 = num
        .parse()
        .map_err(|_| format!("expected {SIZE_EXPECTED}, got {text:?}"))?;
    let bytes = value * factor as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("{text:?} is too large"));
    }
    Ok(bytes.round() as u64)
}

/// Parses `"100MB/s"`, `"1 GiB/s"` or a plain number of bytes per second.
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let size = t
        .strip_suffix("/s")
        .or_else(|| t.strip_suffix("/sec"))
        .unwrap_or(t);
    parse_size(size).map_err(|_| format!("expected {RATE_EXPECTED}, got {text:?}"))
}

/// Formats bytes for people: `512 B`, `1.5 KiB`, `2.0 GiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_bytes(self.0))
    }
}

impl fmt::Display for ByteRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s", format_bytes(self.0))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(u64),
    Text(String),
}

/// A whole number as is, or text through `parse`; `expected` names the form in errors.
fn number_or_parsed<'de, D: Deserializer<'de>>(
    d: D,
    expected: &str,
    parse: fn(&str) -> Result<u64, String>,
) -> Result<u64, D::Error> {
    match NumberOrText::deserialize(d)
        .map_err(|_| serde::de::Error::custom(format!("expected {expected}")))?
    {
        NumberOrText::Number(n) => Ok(n),
        NumberOrText::Text(t) => parse(&t).map_err(serde::de::Error::custom),
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_parsed(d, SIZE_EXPECTED, parse_size).map(ByteSize)
    }
}

impl<'de> Deserialize<'de> for ByteRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_parsed(d, RATE_EXPECTED, parse_rate).map(ByteRate)
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl Serialize for ByteRate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl std::str::FromStr for ByteSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_size(s).map(ByteSize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size(" 1_000 "), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("GiB").is_err());
        assert!(parse_size("1.2.3MB").is_err());
        assert!(parse_size("99999999999TiB").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("100MB/s"), Ok(100_000_000));
        assert_eq!(parse_rate("1 GiB/s"), Ok(1 << 30));
        assert_eq!(parse_rate("5000"), Ok(5000));
        assert!(parse_rate("fast").unwrap_err().contains("100MB/s"));
    }

    #[test]
    fn serde_accepts_both_forms() {
        let v: Vec<ByteSize> = serde_yaml::from_str("[2147483648, \"2GiB\"]").expect("parses");
        assert_eq!(v, vec![ByteSize(2 << 30), ByteSize(2 << 30)]);
        let e = serde_yaml::from_str::<ByteSize>("\"lots\"").expect_err("rejects");
        assert!(e.to_string().contains("expected a size like"), "{e}");
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(3 << 29), "1.5 GiB");
    }
}
