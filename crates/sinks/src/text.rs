//! Hand-written field formatting shared by the CSV and JSON Lines encoders: integers
//! through `itoa`, money from integer minor units (never a float), dates and UUIDs
//! from tables.

use synth_model::Date;

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

/// Two lowercase hex digits for each byte.
static HEX2: [[u8; 2]; 256] = {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [H[i >> 4], H[i & 15]];
        i += 1;
    }
    t
};

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

/// Appends `YYYY-MM-DD` (years 0..=9999).
#[inline]
pub fn push_date(out: &mut Vec<u8>, d: Date) {
    let (y, m, day) = d.ymd();
    let y = y.clamp(0, 9999) as usize;
    out.extend_from_slice(&DIGITS2[y / 100]);
    out.extend_from_slice(&DIGITS2[y % 100]);
    out.push(b'-');
    out.extend_from_slice(&DIGITS2[m as usize]);
    out.push(b'-');
    out.extend_from_slice(&DIGITS2[day as usize]);
}

/// Appends a 128-bit id as UUID text: `8-4-4-4-12` lowercase hex.
#[inline]
pub fn push_uuid(out: &mut Vec<u8>, id: u128) {
    let b = id.to_be_bytes();
    let h = |i: usize| HEX2[b[i] as usize];
    let mut t = [b'-'; 36];
    // Byte i of the id lands at these text positions (dashes stay at 8, 13, 18, 23).
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (i, at) in AT.iter().enumerate() {
        let [hi, lo] = h(i);
        t[*at] = hi;
        t[*at + 1] = lo;
    }
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
