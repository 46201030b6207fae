//! Tax registration numbers as each country's registry issues them, with valid check
//! digits: VAT numbers in the EU and the UK (DE, FR, NL, IT, ES, SE, PL, GB), the Swiss UID,
//! the US EIN, the Canadian business number, the Japanese corporate number and the
//! Australian ABN.

use crate::world::rng::{Draws, stream};
use synth_model::TaxId;

/// `n` digits, the first not zero, that no other `serial` below 9 x 10^(n-1) has: an
/// affine map modulo 9 x 10^(n-1) with a multiplier prime to 2, 3 and 5 is a bijection.
fn digits(serial: u64, n: usize) -> Vec<u32> {
    let span = 9 * 10u64.pow(n as u32 - 1);
    let v = 10u64.pow(n as u32 - 1)
        + ((u128::from(serial) * 1_000_003 + 424_242) % u128::from(span)) as u64;
    (0..n)
        .rev()
        .map(|k| (v / 10u64.pow(k as u32) % 10) as u32)
        .collect()
}

/// `n - 1` unique digits (see [`digits`]) and a last one, the first of 0 to 9 for which
/// `valid` holds (some check digits cannot be 10).
fn digits_where(serial: u64, n: usize, valid: impl Fn(&[u32]) -> bool) -> Vec<u32> {
    let mut ds = digits(serial, n - 1);
    ds.push(0);
    for t in 0..10 {
        ds[n - 1] = t;
        if valid(&ds) {
            break;
        }
    }
    ds
}

/// The Luhn check digit of `ds`.
fn luhn(ds: &[u32]) -> u32 {
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &x)| {
            if k % 2 == 0 {
                let y = 2 * x;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

fn text(ds: &[u32]) -> String {
    ds.iter().map(|x| char::from(b'0' + *x as u8)).collect()
}

/// Registration number `serial` (unique among those of a country) of a company or
/// partner in `country`; `d` draws what does not make it unique.
pub(crate) fn tax_id(serial: u64, d: &mut Draws, country: &str) -> TaxId {
    let id = match country {
        "DE" => {
            // ISO 7064 MOD 11,10.
            let mut ds = digits(serial, 8);
            let mut p = 10;
            for &x in &ds {
                let mut s = (x + p) % 10;
                if s == 0 {
                    s = 10;
                }
                p = (2 * s) % 11;
            }
            ds.push((11 - p) % 10);
            format!("DE{}", text(&ds))
        }
        "FR" => {
            // The SIREN (Luhn) behind a key of 12 + 3 x (SIREN mod 97), mod 97.
            let mut ds = digits(serial, 8);
            ds.push(luhn(&ds));
            let siren: u64 = text(&ds).parse().unwrap_or(0);
            let key = (12 + 3 * (siren % 97)) % 97;
            format!("FR{key:02}{}", text(&ds))
        }
        "NL" => {
            // Weights 9 to 2, the check the sum mod 11 (never 10).
            let weighted = |ds: &[u32]| -> u32 {
                ds.iter().enumerate().map(|(k, x)| x * (9 - k as u32)).sum()
            };
            let mut ds = digits_where(serial, 8, |ds| weighted(ds) % 11 < 10);
            ds.push(weighted(&ds) % 11);
            format!("NL{}B01", text(&ds))
        }
        "IT" => {
            // Company number, office (001-100), Luhn.
            let mut ds = digits(serial, 7);
            let office = 1 + d.below(100) as u32;
            ds.extend([office / 100, office / 10 % 10, office % 10]);
            ds.push(luhn(&ds));
            format!("IT{}", text(&ds))
        }
        "ES" => {
            // A CIF: S.A. or S.L., seven digits, a check digit.
            let letter = if d.below(3) == 0 { 'A' } else { 'B' };
            let ds = digits(serial, 7);
            let sum: u32 = ds
                .iter()
                .enumerate()
                .map(|(k, &x)| {
                    if k % 2 == 0 {
                        (2 * x) / 10 + (2 * x) % 10
                    } else {
                        x
                    }
                })
                .sum();
            format!("ES{letter}{}{}", text(&ds), (10 - sum % 10) % 10)
        }
        "GB" => {
            // Weights 8 to 2 and two check digits that make the sum 0 mod 97.
            let ds = digits(serial, 7);
            let sum: u32 = ds.iter().enumerate().map(|(k, x)| x * (8 - k as u32)).sum();
            format!("GB{}{:02}", text(&ds), (97 - sum % 97) % 97)
        }
        "CH" => {
            // The UID: weights 5 4 3 2 7 6 5 4, check 11 - sum mod 11 (never 10).
            let check = |ds: &[u32]| -> u32 {
                let sum: u32 = ds
                    .iter()
                    .zip([5, 4, 3, 2, 7, 6, 5, 4])
                    .map(|(x, w)| x * w)
                    .sum();
                (11 - sum % 11) % 11
            };
            let ds = digits_where(serial, 8, |ds| check(ds) < 10);
            let t = format!("{}{}", text(&ds), check(&ds));
            format!("CHE-{}.{}.{} MWST", &t[0..3], &t[3..6], &t[6..9])
        }
        "SE" => {
            // The organisation number of a company (5...), Luhn, then 01.
            let mut ds = vec![5];
            ds.extend(digits(serial, 8));
            ds.push(luhn(&ds));
            format!("SE{}01", text(&ds))
        }
        "PL" => {
            // The NIP: weights 6 5 7 2 3 4 5 6 7, the check the sum mod 11 (never 10).
            let check = |ds: &[u32]| -> u32 {
                ds.iter()
                    .zip([6, 5, 7, 2, 3, 4, 5, 6, 7])
                    .map(|(x, w)| x * w)
                    .sum::<u32>()
                    % 11
            };
            let mut ds = digits_where(serial, 9, |ds| check(ds) < 10);
            ds.push(check(&ds));
            format!("PL{}", text(&ds))
        }
        "CA" => {
            // The business number (Luhn) and a GST/HST account.
            let mut ds = digits(serial, 8);
            ds.push(luhn(&ds));
            format!("{}RT0001", text(&ds))
        }
        "JP" => {
            // The corporate number: a check digit, then twelve digits.
            let ds = digits(serial, 12);
            let sum: u32 = ds
                .iter()
                .rev()
                .enumerate()
                .map(|(k, x)| x * if k % 2 == 0 { 1 } else { 2 })
                .sum();
            format!("{}{}", 9 - sum % 9, text(&ds))
        }
        "AU" => {
            // The ABN: weights 10 1 3 ... 19 over the digits (the first less one), 0 mod 89.
            let rest = digits(serial, 9);
            let w = [3, 5, 7, 9, 11, 13, 15, 17, 19];
            let sum: u32 = rest.iter().zip(w).map(|(x, w)| x * w).sum();
            let x = 89 - sum % 89;
            format!("{}{}{}", x / 10 + 1, x % 10, text(&rest))
        }
        _ => {
            // The US EIN: a campus prefix, seven digits (no check digit).
            const PREFIXES: &[u32] = &[
                10, 12, 20, 26, 27, 30, 33, 35, 38, 41, 45, 46, 52, 54, 61, 75, 84, 91,
            ];
            let prefix = PREFIXES[d.below(PREFIXES.len())];
            format!("{prefix:02}-{}", text(&digits(serial, 7)))
        }
    };
    let mut t = TaxId::new();
    t.push(&id);
    t
}

/// Registration numbers: company `i`'s is number `3 i`, vendor `i`'s `3 i + 1`,
/// customer `i`'s `3 i + 2` (unique among a country's while below 300 000 partners).
pub(crate) const VENDOR_IDS: u64 = 1;
/// See [`VENDOR_IDS`].
pub(crate) const CUSTOMER_IDS: u64 = 2;

/// The registration number in `country` of the company, vendor or customer `i` (`kind`
/// 0, [`VENDOR_IDS`], [`CUSTOMER_IDS`]).
pub(crate) fn vat_id(seed: u64, kind: u64, i: u64, country: &str) -> synth_model::TaxId {
    let serial = 3 * i + kind;
    let mut d = Draws::new(seed, stream::TAX_ID, serial);
    crate::world::tax_id::tax_id(serial, &mut d, country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_per_country_and_of_the_country_s_length() {
        let lengths = [
            ("DE", 11),
            ("FR", 13),
            ("NL", 14),
            ("IT", 13),
            ("ES", 11),
            ("SE", 14),
            ("PL", 12),
            ("GB", 11),
            ("CH", 20),
            ("CA", 15),
            ("JP", 13),
            ("AU", 11),
            ("US", 10),
        ];
        for (country, len) in lengths {
            let mut seen = std::collections::HashSet::new();
            for serial in 0..30_000u64 {
                let mut d = Draws::new(7, 1, serial);
                let id = tax_id(serial, &mut d, country);
                assert_eq!(id.as_str().len(), len, "{country}: {}", id.as_str());
                assert!(
                    seen.insert(id.as_str().to_string()),
                    "{country}: {}",
                    id.as_str()
                );
            }
        }
    }

    #[test]
    fn check_digits_follow_the_registries_rules() {
        for serial in 0..1_000u64 {
            // Germany: ISO 7064 MOD 11,10: after the eight digits, the check digit makes
            // the running sum 1 mod 10.
            let id = tax_id(serial, &mut Draws::new(1, 1, serial), "DE");
            let ds: Vec<u32> = id.as_str()[2..]
                .bytes()
                .map(|c| u32::from(c - b'0'))
                .collect();
            let mut p = 10;
            for &x in &ds[..8] {
                let s = match (x + p) % 10 {
                    0 => 10,
                    s => s,
                };
                p = (2 * s) % 11;
            }
            assert_eq!((ds[8] + p) % 10, 1, "{}", id.as_str());
            // Australia: weights 10 1 3 ... 19 with the first digit less one, 0 mod 89.
            let abn = tax_id(serial, &mut Draws::new(1, 1, serial), "AU");
            let w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
            let sum: u32 = abn
                .as_str()
                .bytes()
                .zip(w)
                .enumerate()
                .map(|(k, (c, w))| (u32::from(c - b'0') - u32::from(k == 0)) * w)
                .sum();
            assert_eq!(sum % 89, 0, "{}", abn.as_str());
        }
    }
}
