//! The tax codes of every country a company may be in: each country's own, then the
//! regional codes of US states and Canadian provinces; a country's codes by use
//! ([`TaxSet`]) and the tax on an amount ([`tax_of`]).

use crate::world::rng::Draws;

/// Tax codes: (code, country, direction, rate in hundredths of a percent, account, description).
pub static TAX_CODES: &[(&str, &str, &str, i64, u32, &str)] = &[
    ("US-O0", "US", "output", 0, 0, "Sales tax exempt (resale)"),
    ("US-I0", "US", "input", 0, 0, "Purchase, no recoverable tax"),
    // A Canadian company is in Ontario: what it buys at home is delivered there and
    // carries Ontario's HST; what it sells at home carries the tax of the customer's
    // province (the regional codes below).
    ("CA-O13", "CA", "output", 1300, 220000, "HST 13% (Ontario)"),
    ("CA-O0", "CA", "output", 0, 0, "Zero-rated supply"),
    (
        "CA-I13",
        "CA",
        "input",
        1300,
        145000,
        "HST input tax credit 13% (Ontario)",
    ),
    ("CA-I0", "CA", "input", 0, 0, "Zero-rated purchase"),
    ("GB-O20", "GB", "output", 2000, 220000, "Output VAT 20%"),
    ("GB-O5", "GB", "output", 500, 220000, "Output VAT 5%"),
    ("GB-O0", "GB", "output", 0, 0, "Output VAT zero-rated"),
    ("GB-I20", "GB", "input", 2000, 145000, "Input VAT 20%"),
    ("GB-I5", "GB", "input", 500, 145000, "Input VAT 5%"),
    ("GB-I0", "GB", "input", 0, 0, "Input VAT zero-rated"),
    ("DE-O19", "DE", "output", 1900, 220000, "Umsatzsteuer 19%"),
    ("DE-O7", "DE", "output", 700, 220000, "Umsatzsteuer 7%"),
    ("DE-O0", "DE", "output", 0, 0, "Steuerfreie Lieferung"),
    ("DE-I19", "DE", "input", 1900, 145000, "Vorsteuer 19%"),
    ("DE-I7", "DE", "input", 700, 145000, "Vorsteuer 7%"),
    ("DE-I0", "DE", "input", 0, 0, "Steuerfreier Bezug"),
    ("FR-O20", "FR", "output", 2000, 220000, "TVA collectée 20%"),
    ("FR-O10", "FR", "output", 1000, 220000, "TVA collectée 10%"),
    ("FR-O0", "FR", "output", 0, 0, "Exonéré"),
    ("FR-I20", "FR", "input", 2000, 145000, "TVA déductible 20%"),
    ("FR-I10", "FR", "input", 1000, 145000, "TVA déductible 10%"),
    ("FR-I0", "FR", "input", 0, 0, "Exonéré"),
    ("NL-O21", "NL", "output", 2100, 220000, "BTW 21%"),
    ("NL-O9", "NL", "output", 900, 220000, "BTW 9%"),
    ("NL-O0", "NL", "output", 0, 0, "BTW 0%"),
    ("NL-I21", "NL", "input", 2100, 145000, "Voorbelasting 21%"),
    ("NL-I9", "NL", "input", 900, 145000, "Voorbelasting 9%"),
    ("NL-I0", "NL", "input", 0, 0, "Voorbelasting 0%"),
    ("IT-O22", "IT", "output", 2200, 220000, "IVA 22%"),
    ("IT-O10", "IT", "output", 1000, 220000, "IVA 10%"),
    ("IT-O0", "IT", "output", 0, 0, "Esente"),
    ("IT-I22", "IT", "input", 2200, 145000, "IVA detraibile 22%"),
    ("IT-I10", "IT", "input", 1000, 145000, "IVA detraibile 10%"),
    ("IT-I0", "IT", "input", 0, 0, "Esente"),
    (
        "ES-O21",
        "ES",
        "output",
        2100,
        220000,
        "IVA repercutido 21%",
    ),
    (
        "ES-O10",
        "ES",
        "output",
        1000,
        220000,
        "IVA repercutido 10%",
    ),
    ("ES-O0", "ES", "output", 0, 0, "Exento"),
    ("ES-I21", "ES", "input", 2100, 145000, "IVA soportado 21%"),
    ("ES-I10", "ES", "input", 1000, 145000, "IVA soportado 10%"),
    ("ES-I0", "ES", "input", 0, 0, "Exento"),
    ("CH-O81", "CH", "output", 810, 220000, "MWST 8.1%"),
    ("CH-O26", "CH", "output", 260, 220000, "MWST 2.6%"),
    ("CH-O0", "CH", "output", 0, 0, "Steuerbefreit"),
    ("CH-I81", "CH", "input", 810, 145000, "Vorsteuer 8.1%"),
    ("CH-I26", "CH", "input", 260, 145000, "Vorsteuer 2.6%"),
    ("CH-I0", "CH", "input", 0, 0, "Steuerbefreit"),
    (
        "JP-O10",
        "JP",
        "output",
        1000,
        220000,
        "Consumption tax 10%",
    ),
    (
        "JP-O8",
        "JP",
        "output",
        800,
        220000,
        "Consumption tax 8% (reduced)",
    ),
    ("JP-O0", "JP", "output", 0, 0, "Tax exempt"),
    (
        "JP-I10",
        "JP",
        "input",
        1000,
        145000,
        "Input consumption tax 10%",
    ),
    (
        "JP-I8",
        "JP",
        "input",
        800,
        145000,
        "Input consumption tax 8%",
    ),
    ("JP-I0", "JP", "input", 0, 0, "Tax exempt"),
    ("AU-O10", "AU", "output", 1000, 220000, "GST 10%"),
    ("AU-O0", "AU", "output", 0, 0, "GST-free supply"),
    (
        "AU-I10",
        "AU",
        "input",
        1000,
        145000,
        "GST input credit 10%",
    ),
    ("AU-I0", "AU", "input", 0, 0, "GST-free purchase"),
    ("US-OX", "US", "output", 0, 0, "Export, no sales tax"),
    ("CA-OX", "CA", "output", 0, 0, "Export, zero-rated"),
    (
        "CA-IRC",
        "CA",
        "input",
        1300,
        145000,
        "Reverse charge: HST self-assessed 13% (Ontario)",
    ),
    ("GB-OX", "GB", "output", 0, 0, "Export, zero-rated"),
    (
        "GB-IRC",
        "GB",
        "input",
        2000,
        145000,
        "Reverse charge: VAT self-assessed 20%",
    ),
    (
        "DE-OX",
        "DE",
        "output",
        0,
        0,
        "Innergemeinschaftliche Lieferung oder Ausfuhr, steuerfrei",
    ),
    (
        "DE-IRC",
        "DE",
        "input",
        1900,
        145000,
        "Reverse charge: Steuerschuldnerschaft des Leistungsempfängers 19%",
    ),
    (
        "FR-OX",
        "FR",
        "output",
        0,
        0,
        "Livraison intracommunautaire ou exportation, exonérée",
    ),
    (
        "FR-IRC",
        "FR",
        "input",
        2000,
        145000,
        "Reverse charge: autoliquidation 20%",
    ),
    (
        "NL-OX",
        "NL",
        "output",
        0,
        0,
        "Intracommunautaire levering of export, 0%",
    ),
    (
        "NL-IRC",
        "NL",
        "input",
        2100,
        145000,
        "Reverse charge: verlegging 21%",
    ),
    (
        "IT-OX",
        "IT",
        "output",
        0,
        0,
        "Cessione intracomunitaria o esportazione, non imponibile",
    ),
    (
        "IT-IRC",
        "IT",
        "input",
        2200,
        145000,
        "Reverse charge: inversione contabile 22%",
    ),
    (
        "ES-OX",
        "ES",
        "output",
        0,
        0,
        "Entrega intracomunitaria o exportación, exenta",
    ),
    (
        "ES-IRC",
        "ES",
        "input",
        2100,
        145000,
        "Reverse charge: inversión del sujeto pasivo 21%",
    ),
    ("CH-OX", "CH", "output", 0, 0, "Export, steuerbefreit"),
    (
        "CH-IRC",
        "CH",
        "input",
        810,
        145000,
        "Reverse charge: Bezugsteuer 8.1%",
    ),
    ("JP-OX", "JP", "output", 0, 0, "Export, exempt"),
    (
        "JP-IRC",
        "JP",
        "input",
        1000,
        145000,
        "Reverse charge: consumption tax 10%",
    ),
    ("AU-OX", "AU", "output", 0, 0, "Export, GST-free"),
    (
        "AU-IRC",
        "AU",
        "input",
        1000,
        145000,
        "Reverse charge: GST 10%",
    ),
    // Regional codes (the last [`STATE_TAX_CODES`]), named as the customer's region.
    // US sales tax by the customer's state: the state's own rate (2024; local rates
    // left out); none where the company has no nexus.
    (
        "US-AZ",
        "US",
        "output",
        560,
        220000,
        "Sales tax Arizona 5.6% (state rate)",
    ),
    (
        "US-CA",
        "US",
        "output",
        725,
        220000,
        "Sales tax California 7.25% (state rate)",
    ),
    (
        "US-CO",
        "US",
        "output",
        290,
        220000,
        "Sales tax Colorado 2.9% (state rate)",
    ),
    (
        "US-FL",
        "US",
        "output",
        600,
        220000,
        "Sales tax Florida 6% (state rate)",
    ),
    (
        "US-GA",
        "US",
        "output",
        400,
        220000,
        "Sales tax Georgia 4% (state rate)",
    ),
    (
        "US-IL",
        "US",
        "output",
        625,
        220000,
        "Sales tax Illinois 6.25% (state rate)",
    ),
    (
        "US-MA",
        "US",
        "output",
        625,
        220000,
        "Sales tax Massachusetts 6.25% (state rate)",
    ),
    (
        "US-MI",
        "US",
        "output",
        600,
        220000,
        "Sales tax Michigan 6% (state rate)",
    ),
    (
        "US-NC",
        "US",
        "output",
        475,
        220000,
        "Sales tax North Carolina 4.75% (state rate)",
    ),
    (
        "US-NY",
        "US",
        "output",
        400,
        220000,
        "Sales tax New York 4% (state rate)",
    ),
    (
        "US-OH",
        "US",
        "output",
        575,
        220000,
        "Sales tax Ohio 5.75% (state rate)",
    ),
    (
        "US-PA",
        "US",
        "output",
        600,
        220000,
        "Sales tax Pennsylvania 6% (state rate)",
    ),
    (
        "US-TN",
        "US",
        "output",
        700,
        220000,
        "Sales tax Tennessee 7% (state rate)",
    ),
    (
        "US-TX",
        "US",
        "output",
        625,
        220000,
        "Sales tax Texas 6.25% (state rate)",
    ),
    (
        "US-WA",
        "US",
        "output",
        650,
        220000,
        "Sales tax Washington 6.5% (state rate)",
    ),
    (
        "US-OR",
        "US",
        "output",
        0,
        0,
        "No sales tax: Oregon has none",
    ),
    // Canadian GST/HST by the customer's province (the place of supply of goods
    // delivered there): the HST of a participating province, else the GST. A supplier
    // outside Quebec selling to registrants need not register for the QST, and the
    // provincial sales taxes exempt a sale for resale, so neither is charged.
    ("CA-ON", "CA", "output", 1300, 220000, "HST Ontario 13%"),
    (
        "CA-NB",
        "CA",
        "output",
        1500,
        220000,
        "HST New Brunswick 15%",
    ),
    (
        "CA-QC",
        "CA",
        "output",
        500,
        220000,
        "GST 5% (Quebec; no QST from a supplier outside Quebec)",
    ),
    (
        "CA-BC",
        "CA",
        "output",
        500,
        220000,
        "GST 5% (British Columbia; PST exempt for resale)",
    ),
    (
        "CA-AB",
        "CA",
        "output",
        500,
        220000,
        "GST 5% (Alberta has no provincial sales tax)",
    ),
    (
        "CA-MB",
        "CA",
        "output",
        500,
        220000,
        "GST 5% (Manitoba; RST exempt for resale)",
    ),
    (
        "US-NN",
        "US",
        "output",
        0,
        0,
        "No sales tax: no nexus in the customer's state",
    ),
];

/// How many codes at the end of [`TAX_CODES`] are regional: US states' sales tax,
/// Canadian provinces' GST/HST, and the code of a US state without nexus.
const STATE_TAX_CODES: usize = 23;

/// Index into [`TAX_CODES`] of the first regional code (a US state's sales tax, a
/// Canadian province's GST/HST): the codes before it are each country's own.
pub fn first_state_tax() -> usize {
    TAX_CODES.len() - STATE_TAX_CODES
}

/// Index into [`TAX_CODES`] of the regional code of `region` (US state `US-NY`,
/// Canadian province `CA-ON`).
pub fn state_tax(region: &str) -> Option<usize> {
    (first_state_tax()..TAX_CODES.len()).find(|i| TAX_CODES[*i].0 == region)
}

/// Index into [`TAX_CODES`] of a US sale into a state where the seller has no nexus.
pub fn no_nexus_tax() -> usize {
    TAX_CODES.len() - 1
}

/// Indices into [`TAX_CODES`] of a country's codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaxSet {
    /// Output: standard, reduced, zero.
    pub output: [usize; 3],
    /// Input: standard, reduced, zero.
    pub input: [usize; 3],
    /// Sales to customers abroad: exports and intra-community supplies, zero-rated.
    pub export: usize,
    /// Purchases from vendors abroad: the reverse charge (input and output tax
    /// self-assessed on the same invoice), where the country has a value-added tax.
    pub reverse: Option<usize>,
}

impl TaxSet {
    /// The codes of `country`.
    pub(crate) fn of(country: &str) -> TaxSet {
        let mut output = Vec::new();
        let mut input = Vec::new();
        let (mut export, mut reverse) = (None, None);
        for (i, t) in TAX_CODES[..first_state_tax()].iter().enumerate() {
            if t.1 != country {
                continue;
            }
            if t.0.ends_with("-OX") {
                export = Some(i);
            } else if t.0.ends_with("-IRC") {
                reverse = Some(i);
            } else if t.2 == "output" {
                output.push(i);
            } else {
                input.push(i);
            }
        }
        // Standard first, then reduced, then zero (a country with one rate repeats it).
        let pick = |v: &[usize]| {
            let mut rated: Vec<usize> = v.iter().copied().filter(|i| TAX_CODES[*i].3 > 0).collect();
            rated.sort_by_key(|i| std::cmp::Reverse(TAX_CODES[*i].3));
            let zero = v
                .iter()
                .copied()
                .find(|i| TAX_CODES[*i].3 == 0)
                .unwrap_or(0);
            let standard = rated.first().copied().unwrap_or(zero);
            let reduced = rated.get(1).copied().unwrap_or(standard);
            [standard, reduced, zero]
        };
        let output = pick(&output);
        TaxSet {
            export: export.unwrap_or(output[2]),
            reverse,
            output,
            input: pick(&input),
        }
    }

    /// A tax code for a sale or purchase: 85% standard, 10% reduced, 5% zero.
    #[inline]
    pub fn draw(codes: [usize; 3], d: &mut Draws) -> usize {
        match d.below(100) {
            0..85 => codes[0],
            85..95 => codes[1],
            _ => codes[2],
        }
    }
}

/// The tax on `net` at the rate of code `code`, rounded half away from zero.
#[inline]
pub(crate) fn tax_of(code: usize, net: i64) -> i64 {
    let rate = TAX_CODES[code].3; // hundredths of a percent
    let x = i128::from(net) * i128::from(rate);
    ((x + 5_000 * x.signum()) / 10_000) as i64
}
