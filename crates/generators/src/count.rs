//! Counts as people type them: `1000000`, `1_000_000`, `1M`, `2.5e6`, `10k`.

use serde::{Deserialize, Deserializer};

/// Parses a whole count: digits (with `_` between them), an optional fraction and
/// exponent (`2.5e6`), and an optional suffix `k`/`K` (thousand), `M` (million),
/// `G`/`B` (billion) or `T` (trillion). The value must come out whole.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("expected a whole number such as 1000000, 1M or 2.5e6, got {t:?}");
    if t.starts_with('-') {
        return Err(format!(
            "must be positive (a whole number of at least 0), got {t}"
        ));
    }
    let (body, scale) = match t.char_indices().next_back() {
        Some((i, 'k' | 'K')) => (&t[..i], 3),
        Some((i, 'M')) => (&t[..i], 6),
        Some((i, 'G' | 'B')) => (&t[..i], 9),
        Some((i, 'T')) => (&t[..i], 12),
        _ => (t, 0),
    };
    let body = body.strip_prefix('+').unwrap_or(body);
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(i) if scale == 0 => {
            let e: i32 = body[i + 1..].parse().map_err(|_| bad())?;
            (&body[..i], e)
        }
        Some(_) => return Err(bad()),
        None => (body, 0),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits_ok = |s: &str| {
        !s.starts_with('_')
            && !s.ends_with('_')
            && !s.contains("__")
            && s.chars().all(|c| c.is_ascii_digit() || c == '_')
    };
    if whole.is_empty() || !digits_ok(whole) || !digits_ok(fraction) {
        return Err(bad());
    }
    if whole
        .chars()
        .chain(fraction.chars())
        .all(|c| c == '0' || c == '_')
    {
        return Ok(0); // whatever the exponent (`0e999999999` must not loop)
    }
    // mantissa × 10^(exponent + scale − fraction digits), exactly.
    let mut mantissa: u128 = 0;
    let mut fraction_digits = 0i32;
    for (c, in_fraction) in whole
        .chars()
        .map(|c| (c, false))
        .chain(fraction.chars().map(|c| (c, true)))
    {
        let Some(d) = c.to_digit(10) else { continue };
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(d)))
            .ok_or_else(|| format!("{t} is too large"))?;
        fraction_digits += i32::from(in_fraction);
    }
    let mut power = exponent
        .checked_add(scale)
        .and_then(|p| p.checked_sub(fraction_digits))
        .ok_or_else(bad)?;
    while power < 0 {
        if !mantissa.is_multiple_of(10) {
            return Err(format!("expected a whole number, got {t} (not whole)"));
        }
        mantissa /= 10;
        power += 1;
    }
    for _ in 0..power {
        mantissa = mantissa
            .checked_mul(10)
            .ok_or_else(|| format!("{t} is too large"))?;
    }
    u64::try_from(mantissa).map_err(|_| format!("{t} is too large"))
}

/// A count in a config file: a whole number, or text or a float `parse_count` takes
/// (`target_count: 1M`, `vendors: 2.5e3`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Whole(u64),
    Float(f64),
    Text(String),
}

/// Deserializes a `u64` count written as a number, `1M` or `2.5e6`.
pub fn deserialize_count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::Error;
    let text = match Written::deserialize(d) {
        Ok(Written::Whole(n)) => return Ok(n),
        Ok(Written::Float(f)) => f.to_string(),
        Ok(Written::Text(s)) => s,
        Err(_) => {
            return Err(D::Error::custom(
                "expected a whole number such as 1000000, 1M or 2.5e6",
            ));
        }
    };
    parse_count(&text).map_err(D::Error::custom)
}

/// Deserializes a `u32` count written as a number, `10k` or `2.5e3`.
pub fn deserialize_count_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    use serde::de::Error;
    let n = deserialize_count(d)?;
    u32::try_from(n)
        .map_err(|_| D::Error::custom(format!("{n} is too large (at most {})", u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn counts_as_people_type_them() {
        for (text, n) in [
            ("1000000", 1_000_000),
            ("1_000_000", 1_000_000),
            ("1M", 1_000_000),
            ("1e6", 1_000_000),
            ("1E6", 1_000_000),
            ("2.5e6", 2_500_000),
            ("2.5M", 2_500_000),
            ("10k", 10_000),
            ("10K", 10_000),
            ("3B", 3_000_000_000),
            ("1T", 1_000_000_000_000),
            (" 42 ", 42),
            ("0", 0),
            ("0e2147483647", 0),
            ("0.0e-2147483647", 0),
            ("1.250e3", 1250),
            ("18446744073709551615", u64::MAX),
        ] {
            assert_eq!(parse_count(text), Ok(n), "{text}");
        }
        for text in [
            "",
            "M",
            "1.5",
            "-5",
            "1e",
            "abc",
            "1_",
            "_1",
            "1__0",
            "1.2.3",
            "2.5e6k",
            "1e-1",
            "18446744073709551616",
            "1e30",
            "0x10",
            "1m",
        ] {
            assert!(parse_count(text).is_err(), "{text} accepted");
        }
        assert!(parse_count("1.5").unwrap_err().contains("not whole"));
        assert!(parse_count("-5").unwrap_err().contains("positive"));
    }
}
