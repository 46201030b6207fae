//! A partner's identity from its index alone: its name, and its bank accounts (an IBAN
//! with valid check digits where the country uses them).

use crate::world::pools;
use crate::world::rng::{Draws, stream};
use synth_model::{BankAccount, PartnerName};

/// Distinct partner names: a permutation of the name parts' combinations (a first
/// word, a second, an optional third), with a number once they are used up, and a
/// legal form of `country` (the country's common form most often).
pub(crate) fn partner_name(i: u64, offset: u64, country: &str) -> PartnerName {
    let (f, s, x) = (
        pools::NAME_FIRST.len() as u64,
        pools::NAME_SECOND.len() as u64,
        pools::NAME_VARIANT.len() as u64,
    );
    let combos = f * s * x;
    // 7919 is prime and does not divide `combos`, so this is a bijection of 0..combos.
    let k = ((i % combos) * 7919 + offset) % combos;
    let round = i / combos;
    let (a, b, c) = (k % f, k / f % s, k / (f * s));
    let forms = pools::legal_forms(country);
    // Half the partners have the country's common form, the rest one of its others.
    let h = crate::world::rng::splitmix64(i ^ offset.rotate_left(32));
    let form = match h % 2 {
        0 => forms[0],
        _ => forms[(h / 2 % forms.len() as u64) as usize],
    };
    let mut name = String::with_capacity(48);
    name.push_str(pools::NAME_FIRST[a as usize]);
    name.push(' ');
    name.push_str(pools::NAME_SECOND[b as usize]);
    if c > 0 {
        name.push(' ');
        name.push_str(pools::NAME_VARIANT[c as usize]);
    }
    if round > 0 {
        name.push_str(&format!(" {}", round + 1));
    }
    name.push(' ');
    name.push_str(form);
    PartnerName::from(name.as_str())
}

/// The name of the group's company `i` in `country`: "GROUP_WORD" in it, which no
/// partner's name has, so a company is never taken for one of its partners.
pub(crate) fn company_name(i: u64, country: &str) -> PartnerName {
    let f = pools::NAME_FIRST.len() as u64;
    let first = pools::NAME_FIRST[((i * 17 + 8) % f) as usize];
    let form = pools::legal_forms(country)[0];
    let name = format!("{first} {} {form}", pools::GROUP_WORD);
    PartnerName::from(name.as_str())
}

/// Pushes `pattern` onto `buf` from `*len` on, each `#` a random digit.
pub(crate) fn fill(d: &mut Draws, buf: &mut [u8; 34], len: &mut usize, pattern: &[u8]) {
    for &c in pattern {
        buf[*len] = if c == b'#' {
            b'0' + d.below(10) as u8
        } else {
            c
        };
        *len += 1;
    }
}

/// The remainder modulo 97 of a string's IBAN number (letters count as 10 to 35).
pub(crate) fn mod97(s: &[u8]) -> u32 {
    s.iter().fold(0u32, |r, &c| match c {
        b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
        b'A'..=b'Z' => (r * 100 + u32::from(c - b'A') + 10) % 97,
        _ => r,
    })
}

/// Domestic account formats of countries without IBANs (`#`: a digit).
const DOMESTIC: &[(&str, &[u8])] = &[
    // Canadian transit, institution and account numbers.
    ("CA", b"#####-00#-#######"),
    // Japanese bank, branch and account numbers.
    ("JP", b"####-###-#######"),
    // Australian BSB and account number.
    ("AU", b"###-### #########"),
];

/// A country's BBAN: its country code, the bank codes of letters it starts with (one
/// drawn; empty where none), then its digits (`#`).
type Bban = (&'static str, &'static [&'static [u8]], &'static [u8]);

/// BBAN formats of IBAN countries.
const BBAN: &[Bban] = &[
    (
        "GB",
        &[b"NWBK", b"BARC", b"LOYD", b"HBUK", b"MIDL"],
        b"##############",
    ),
    ("NL", &[b"ABNA", b"INGB", b"RABO", b"SNSB"], b"##########"),
    ("IT", &[b"A", b"B", b"K", b"X"], b"######################"),
    ("FR", &[b""], b"#######################"),
    ("ES", &[b""], b"####################"),
    ("SE", &[b""], b"####################"),
    ("PL", &[b""], b"########################"),
    ("CH", &[b""], b"#################"),
    ("DE", &[b""], b"##################"),
];

/// Account number `generation` of vendor `vendor` in `country`: an IBAN with valid
/// check digits where the country uses them, else its domestic bank and account numbers.
pub(crate) fn account(seed: u64, vendor: u64, generation: u32, country: &str) -> BankAccount {
    let d = Draws::new(
        seed,
        stream::BANK_ACCOUNT,
        vendor << 16 | u64::from(generation),
    );
    account_from(d, country)
}

/// The account employee `employee` (its index in the employee stream) is paid into,
/// in `country`: as a vendor's, from a stream of its own.
pub(crate) fn employee_account(seed: u64, employee: u64, country: &str) -> BankAccount {
    account_from(Draws::new(seed, stream::EMPLOYEE_BANK, employee), country)
}

/// The operating account company `company` (its index) holds at its bank in `country`.
pub(crate) fn company_account(seed: u64, company: u64, country: &str) -> BankAccount {
    account_from(Draws::new(seed, stream::COMPANY_BANK, company), country)
}

/// A bank account in `country` drawn from `d`.
fn account_from(mut d: Draws, country: &str) -> BankAccount {
    let mut buf = [0u8; 34];
    let mut len = 0;
    if country == "US" {
        // An ABA routing number (with its check digit), then the account.
        let mut r = [0u32; 9];
        r[0] = d.pick(&[0, 1, 2, 3]);
        for x in r.iter_mut().take(8).skip(1) {
            *x = d.below(10) as u32;
        }
        let sum = 3 * (r[0] + r[3] + r[6]) + 7 * (r[1] + r[4] + r[7]) + (r[2] + r[5]);
        r[8] = (10 - sum % 10) % 10;
        for (slot, x) in buf.iter_mut().zip(r) {
            *slot = b'0' + x as u8;
        }
        len = 9;
        fill(&mut d, &mut buf, &mut len, b" ##########");
    } else if let Some((_, pattern)) = DOMESTIC.iter().find(|f| f.0 == country) {
        fill(&mut d, &mut buf, &mut len, pattern);
    } else {
        // IBAN: country, check digits, then the country's BBAN (18 digits elsewhere).
        let cc = country.as_bytes();
        let cc = [
            cc.first().copied().unwrap_or(b'X'),
            cc.get(1).copied().unwrap_or(b'X'),
        ];
        const OTHER: Bban = ("", &[b""], b"##################");
        let (_, banks, digits) = *BBAN.iter().find(|f| f.0 == country).unwrap_or(&OTHER);
        fill(&mut d, &mut buf, &mut len, &cc);
        fill(&mut d, &mut buf, &mut len, b"00");
        let bank = d.pick(banks);
        fill(&mut d, &mut buf, &mut len, bank);
        fill(&mut d, &mut buf, &mut len, digits);
        if country == "ES" {
            spanish_check_digits(&mut buf[4..len]);
        }
        // Check digits: 98 - (BBAN, country, "00") mod 97.
        let mut moved = [0u8; 34];
        let bban = len - 4;
        moved[..bban].copy_from_slice(&buf[4..len]);
        moved[bban..len].copy_from_slice(&buf[..4]);
        let check = 98 - mod97(&moved[..len]);
        buf[2] = b'0' + (check / 10) as u8;
        buf[3] = b'0' + (check % 10) as u8;
    }
    let mut t = BankAccount::new();
    t.push(std::str::from_utf8(&buf[..len]).unwrap_or_default());
    t
}

/// Sets the two control digits of a Spanish account number (CCC: bank, branch, control
/// digits, account; 20 digits): the first over "00", bank and branch, the second over
/// the account, each 11 - (weighted sum mod 11), 10 written as 1 and 11 as 0.
fn spanish_check_digits(ccc: &mut [u8]) {
    const WEIGHTS: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    if ccc.len() != 20 {
        return;
    }
    let digit = |digits: &[u8]| {
        let sum: u32 = (digits.iter().zip(WEIGHTS))
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        match 11 - sum % 11 {
            11 => b'0',
            10 => b'1',
            x => b'0' + x as u8,
        }
    };
    let mut office = [b'0'; 10];
    office[2..].copy_from_slice(&ccc[..8]);
    ccc[8] = digit(&office);
    ccc[9] = digit(&ccc[10..20]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_control_digits_are_those_of_a_real_account() {
        // A published example account of CaixaBank: 2100 0418 45 0200051332.
        let mut ccc = *b"21000418000200051332";
        spanish_check_digits(&mut ccc);
        assert_eq!(&ccc, b"21000418450200051332");
    }

    #[test]
    fn partner_names_are_distinct_whole_and_of_their_country() {
        use std::collections::HashSet;
        let mut seen = HashSet::new();
        for i in 0..30_000u64 {
            for country in ["US", "DE", "JP", "XX"] {
                let name = partner_name(i, 3571, country);
                let text = name.as_str().to_string();
                let forms = pools::legal_forms(country);
                assert!(
                    forms.iter().any(|f| text.ends_with(&format!(" {f}"))),
                    "{text} has a legal form of {country}"
                );
                assert!(!text.contains(pools::GROUP_WORD), "{text}");
                if country == "US" {
                    assert!(seen.insert(text), "partner {i}: a name given twice");
                }
            }
        }
        // The longest parts together still fit, untruncated.
        let longest = |p: &[&str]| p.iter().map(|s| s.len()).max().unwrap_or(0);
        let forms = pools::LEGAL_FORMS
            .iter()
            .map(|f| longest(f.1))
            .max()
            .unwrap_or(0);
        let most = longest(pools::NAME_FIRST)
            + longest(pools::NAME_SECOND)
            + longest(pools::NAME_VARIANT)
            + forms
            + 3
            + 3;
        assert!(most <= 48, "names may need {most} bytes");
        assert!(company_name(0, "DE").as_str().ends_with(" Group GmbH"));
    }

    #[test]
    fn ibans_have_valid_check_digits_and_their_country_s_length() {
        for (country, length) in [
            ("DE", 22),
            ("GB", 22),
            ("FR", 27),
            ("NL", 18),
            ("IT", 27),
            ("ES", 24),
            ("SE", 24),
            ("PL", 28),
            ("CH", 21),
        ] {
            for v in 0..50 {
                let a = account(7, v, 0, country);
                let s = a.as_str().as_bytes();
                assert_eq!(s.len(), length, "{}", a.as_str());
                assert!(a.as_str().starts_with(country));
                let mut moved = s[4..].to_vec();
                moved.extend_from_slice(&s[..4]);
                assert_eq!(mod97(&moved), 1, "{}", a.as_str());
            }
        }
    }

    #[test]
    fn us_routing_numbers_pass_the_aba_check() {
        for v in 0..50 {
            let a = account(3, v, 1, "US");
            let r: Vec<u32> = a.as_str()[..9]
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .collect();
            let s = 3 * (r[0] + r[3] + r[6]) + 7 * (r[1] + r[4] + r[7]) + r[2] + r[5] + r[8];
            assert_eq!(s % 10, 0, "{}", a.as_str());
            assert_eq!(a.as_str().len(), 20);
        }
    }

    #[test]
    fn each_generation_is_another_account() {
        let a = account(1, 9, 0, "DE");
        assert_eq!(a, account(1, 9, 0, "DE"));
        assert_ne!(a, account(1, 9, 1, "DE"));
        assert_ne!(a, account(1, 10, 0, "DE"));
    }
}
