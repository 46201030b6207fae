//! Hand-written field formatting shared by the CSV and JSON Lines encoders: integers
//! through `itoa`, money from integer minor units (never a float), dates and UUIDs
//! from tables.

use synth_model::{Date, DateTime};

/// Two ASCII digits for 0..=99.
static DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Remembers `'static` strings that passed a check (no quoting or no escaping needed), by
/// address and length. Sound because a `&'static str` can never change or be freed; a
/// miss (or a collision) only means checking again. 256 slots, 4 KiB: the pools of the
/// generators fit.
#[derive(Clone)]
pub(crate) struct CleanCache {
    slots: Box<[(usize, usize); 256]>,
}

impl Default for CleanCache {
    fn default() -> Self {
        Self {
            slots: Box::new([(0, 0); 256]),
        }
    }
}

impl std::fmt::Debug for CleanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let used = self.slots.iter().filter(|s| s.0 != 0).count();
        f.debug_struct("CleanCache")
            .field("remembered", &used)
            .finish()
    }
}

impl CleanCache {
    /// Whether `t` fails `needs` (needs quoting, escaping), remembering it when it passes.
    #[inline]
    pub(crate) fn needs(&mut self, t: &'static str, needs: impl Fn(&[u8]) -> bool) -> bool {
        let key = (t.as_ptr() as usize, t.len());
        let slot = &mut self.slots[(key.0 ^ (key.0 >> 8) ^ key.1) & 255];
        if *slot == key {
            return false;
        }
        let n = needs(t.as_bytes());
        if !n {
            *slot = key;
        }
        n
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Non-zero when some byte of `v` is below `n` (`n` ≤ 128; exact as a yes/no).
#[inline(always)]
const fn any_below(v: u64, n: u8) -> u64 {
    v.wrapping_sub(ONES * n as u64) & !v & HIGHS
}

/// Non-zero when some byte of `v` equals `b` (exact as a yes/no).
#[inline(always)]
const fn any_equal(v: u64, b: u8) -> u64 {
    any_below(v ^ (ONES * b as u64), 1)
}

/// Whether `test` holds for any 8-byte word of `t` (the tail padded with `pad`).
#[inline(always)]
fn any_word(t: &[u8], pad: u8, test: impl Fn(u64) -> u64) -> bool {
    let (words, tail) = t.as_chunks::<8>();
    let mut hit = 0;
    for w in words {
        hit |= test(u64::from_le_bytes(*w));
    }
    let mut last = [pad; 8];
    last[..tail.len()].copy_from_slice(tail);
    hit |= test(u64::from_le_bytes(last));
    hit != 0
}

/// Whether a JSON string needs escapes: it holds `"`, `\\` or a control character.
#[inline]
pub(crate) fn json_needs_escapes(t: &[u8]) -> bool {
    any_word(t, b'a', |v| {
        any_equal(v, b'"') | any_equal(v, b'\\') | any_below(v, 0x20)
    })
}

/// Appends an integer.
#[inline]
pub fn push_int(out: &mut Vec<u8>, v: i64) {
    // Small counts (line and item numbers, periods) are most integers: no itoa for them.
    if (0..10).contains(&v) {
        out.push(b'0' + v as u8);
    } else if (10..100).contains(&v) {
        out.extend_from_slice(&DIGITS2[v as usize]);
    } else if (100_000..1_000_000).contains(&v) {
        // Six digits (account numbers): one fixed-size copy.
        let v = v as usize;
        let [a, b] = DIGITS2[v / 10_000];
        let [c, d] = DIGITS2[v / 100 % 100];
        let [e, f] = DIGITS2[v % 100];
        out.extend_from_slice(&[a, b, c, d, e, f]);
    } else {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

/// Appends minor units as a decimal with two places: `-1234.56`, `0.05`.
#[inline]
pub fn push_money(out: &mut Vec<u8>, minor: i64) {
    // Every journal line has one zero side.
    if minor == 0 {
        out.extend_from_slice(b"0.00");
        return;
    }
    if minor < 0 {
        out.push(b'-');
    }
    let abs = minor.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(abs / 100).as_bytes());
    out.push(b'.');
    out.extend_from_slice(&DIGITS2[(abs % 100) as usize]);
}

/// Appends an exchange rate in hundred-millionths with exactly eight decimals: 108.5 is
/// `108.50000000`.
pub fn push_rate(out: &mut Vec<u8>, rate: i64) {
    if rate < 0 {
        out.push(b'-');
    }
    let abs = rate.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(abs / 100_000_000).as_bytes());
    out.push(b'.');
    let frac = abs % 100_000_000;
    let mut digits = [b'0'; 8];
    let mut f = frac;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (f % 10) as u8;
        f /= 10;
    }
    out.extend_from_slice(&digits);
}

/// First year of the date table (dates outside it take the arithmetic path).
const YEAR0: i32 = 1900;
/// Years in the date table: 1900 to 2199.
const YEARS: usize = 300;

/// One year of the date table: its first day (days since 1970), text and leap flag.
#[derive(Clone, Copy)]
struct Year {
    start: i32,
    text: [u8; 4],
    leap: bool,
}

static YEAR_TABLE: [Year; YEARS] = {
    let mut t = [Year {
        start: 0,
        text: [0; 4],
        leap: false,
    }; YEARS];
    let mut i = 0;
    while i < YEARS {
        let y = YEAR0 + i as i32;
        let start = match Date::from_ymd(y, 1, 1) {
            Some(d) => d.0,
            None => panic!("January 1 exists"),
        };
        let y = y as usize;
        t[i] = Year {
            start,
            text: [
                b'0' + (y / 1000) as u8,
                b'0' + (y / 100 % 10) as u8,
                b'0' + (y / 10 % 10) as u8,
                b'0' + (y % 10) as u8,
            ],
            leap: Date::from_ymd(y as i32, 2, 29).is_some(),
        };
        i += 1;
    }
    t
};

/// `-MM-DD` for each day of the year: `[leap][day_of_year]`.
static MONTH_DAY: [[[u8; 6]; 366]; 2] = {
    const LENGTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut t = [[[0u8; 6]; 366]; 2];
    let mut leap = 0;
    while leap < 2 {
        let mut doy = 0;
        let mut m = 0;
        while m < 12 {
            let len = LENGTHS[m] + if m == 1 { leap } else { 0 };
            let mut d = 1;
            while d <= len {
                let [m1, m2] = DIGITS2[m + 1];
                let [d1, d2] = DIGITS2[d];
                t[leap][doy] = [b'-', m1, m2, b'-', d1, d2];
                doy += 1;
                d += 1;
            }
            m += 1;
        }
        leap += 1;
    }
    t
};

/// Appends `YYYY-MM-DD` (years 0..=9999): from tables for 1900–2199.
#[inline]
pub fn push_date(out: &mut Vec<u8>, d: Date) {
    let first = YEAR_TABLE[0].start;
    let offset = d.0.wrapping_sub(first);
    if offset >= 0 && d.0 < YEAR_TABLE[YEARS - 1].start {
        // 1461 days per 4 years: off by at most one year either way, corrected below.
        let mut i = (offset as usize * 4 / 1461).min(YEARS - 2);
        if d.0 < YEAR_TABLE[i].start {
            i -= 1;
        } else if d.0 >= YEAR_TABLE[i + 1].start {
            i += 1;
        }
        let y = &YEAR_TABLE[i];
        let [a, b, c, e] = y.text;
        let [f, g, h, j, k, l] = MONTH_DAY[usize::from(y.leap)][(d.0 - y.start) as usize];
        out.extend_from_slice(&[a, b, c, e, f, g, h, j, k, l]);
        return;
    }
    let (y, m, day) = d.ymd();
    let y = y.clamp(0, 9999) as usize;
    out.extend_from_slice(&DIGITS2[y / 100]);
    out.extend_from_slice(&DIGITS2[y % 100]);
    out.push(b'-');
    out.extend_from_slice(&DIGITS2[m as usize]);
    out.push(b'-');
    out.extend_from_slice(&DIGITS2[day as usize]);
}

/// Appends `YYYY-MM-DD` + `sep` + `HH:MM:SS`.
#[inline]
pub fn push_datetime(out: &mut Vec<u8>, t: DateTime, sep: u8) {
    push_date(out, t.date());
    let s = t.seconds_of_day() as usize;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    let [a, b] = DIGITS2[h];
    let [c, d] = DIGITS2[m];
    let [e, f] = DIGITS2[sec];
    out.extend_from_slice(&[sep, a, b, b':', c, d, b':', e, f]);
}

/// Sixteen lowercase hex digits of a `u64`, most significant first (SWAR, no table).
#[inline]
fn hex16(v: u64) -> [u8; 16] {
    // Spread the 16 nibbles into the 16 bytes of a u128, in order.
    let mut w = u128::from(v);
    w = ((w << 32) | w) & 0x0000_0000_FFFF_FFFF_0000_0000_FFFF_FFFF;
    w = ((w << 16) | w) & 0x0000_FFFF_0000_FFFF_0000_FFFF_0000_FFFF;
    w = ((w << 8) | w) & 0x00FF_00FF_00FF_00FF_00FF_00FF_00FF_00FF;
    w = ((w << 4) | w) & 0x0F0F_0F0F_0F0F_0F0F_0F0F_0F0F_0F0F_0F0F;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
    // 1 in each byte whose nibble is 10..=15; those move up from '0'+n to 'a'+n-10.
    let letters = ((w + 6 * ONES) >> 4) & ONES;
    (w + 0x30 * ONES + letters * 39).to_be_bytes()
}

/// Appends a 128-bit id as UUID text: `8-4-4-4-12` lowercase hex.
#[inline]
pub fn push_uuid(out: &mut Vec<u8>, id: u128) {
    let hi = hex16((id >> 64) as u64);
    let lo = hex16(id as u64);
    let mut t = [b'-'; 36];
    t[0..8].copy_from_slice(&hi[0..8]);
    t[9..13].copy_from_slice(&hi[8..12]);
    t[14..18].copy_from_slice(&hi[12..16]);
    t[19..23].copy_from_slice(&lo[0..4]);
    t[24..36].copy_from_slice(&lo[4..16]);
    out.extend_from_slice(&t);
}

/// The UUID text of an id, for tests and messages.
pub fn uuid_string(id: u128) -> String {
    let mut v = Vec::with_capacity(36);
    push_uuid(&mut v, id);
    String::from_utf8_lossy(&v).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).expect("ascii")
    }

    #[test]
    fn money() {
        assert_eq!(s(|v| push_money(v, 123_456)), "1234.56");
        assert_eq!(s(|v| push_money(v, -5)), "-0.05");
        assert_eq!(s(|v| push_money(v, 0)), "0.00");
        assert_eq!(s(|v| push_money(v, 7)), "0.07");
        assert_eq!(s(|v| push_money(v, 100)), "1.00");
        assert_eq!(s(|v| push_money(v, i64::MIN)), "-92233720368547758.08");
    }

    #[test]
    fn integers() {
        for v in [
            0i64,
            7,
            9,
            10,
            42,
            99,
            100,
            101,
            99_999,
            100_000,
            123_456,
            999_999,
            1_000_000,
            -1,
            -42,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(s(|o| push_int(o, v)), v.to_string());
        }
    }

    #[test]
    fn date_table_matches_arithmetic() {
        // Every day from 1800 to 2300: across both table ends and the fallback path.
        let from = Date::from_ymd(1800, 1, 1).expect("valid").0;
        let to = Date::from_ymd(2300, 12, 31).expect("valid").0;
        for d in from..=to {
            let (y, m, day) = Date(d).ymd();
            assert_eq!(
                s(|v| push_date(v, Date(d))),
                format!("{y:04}-{m:02}-{day:02}")
            );
        }
        // Before year 0 the year is clamped (the generators never go there).
        assert!(s(|v| push_date(v, Date(i32::MIN))).starts_with("0000-"));
    }

    #[test]
    fn uuids_match_the_formatter() {
        let mut x = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834_u128;
        for _ in 0..10_000 {
            x = x
                .wrapping_mul(0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645)
                .wrapping_add(1);
            let h = format!("{x:032x}");
            let want = format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            );
            assert_eq!(uuid_string(x), want);
        }
        assert_eq!(uuid_string(0), "00000000-0000-0000-0000-000000000000");
        assert_eq!(
            uuid_string(u128::MAX),
            "ffffffff-ffff-ffff-ffff-ffffffffffff"
        );
    }

    #[test]
    fn json_escape_check_matches_a_byte_scan() {
        // Every byte value at every position of strings up to 20 bytes long.
        for len in 1..=20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut t = vec![b'x'; len];
                    t[at] = b;
                    let json = b == b'"' || b == b'\\' || b < 0x20;
                    assert_eq!(json_needs_escapes(&t), json, "{t:?}");
                }
            }
        }
        assert!(!json_needs_escapes(b""));
    }

    #[test]
    fn dates_and_uuids() {
        assert_eq!(
            s(|v| push_date(v, Date::from_ymd(2024, 2, 9).expect("valid"))),
            "2024-02-09"
        );
        assert_eq!(
            uuid_string(0x0123_4567_89ab_cdef_0011_2233_4455_6677),
            "01234567-89ab-cdef-0011-223344556677"
        );
    }
}
