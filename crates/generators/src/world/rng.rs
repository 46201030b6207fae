//! Seeds, ids and draws: everything random is a pure function of (seed, table, index).

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

/// Stream numbers: one per table or kind of id, so streams never overlap.
pub(crate) mod stream {
    pub const ENTRY: u64 = 1;
    pub const VENDOR: u64 = 2;
    pub const CUSTOMER: u64 = 3;
    pub const ACCOUNT_NODE: u64 = 4;
    pub const PURCHASE_ORDER: u64 = 10;
    pub const GOODS_RECEIPT: u64 = 11;
    pub const VENDOR_INVOICE: u64 = 12;
    pub const PAYMENT: u64 = 13;
    pub const SALES_ORDER: u64 = 14;
    pub const CUSTOMER_INVOICE: u64 = 15;
    pub const RECEIPT: u64 = 16;
    pub const DELIVERY: u64 = 17;
    pub const PAYMENT2: u64 = 18;
    pub const RECEIPT2: u64 = 19;
    pub const OPENING_DOCUMENT: u64 = 20;
    pub const SECOND_INVOICE: u64 = 21;
    pub const SECOND_PAYMENT_DOC: u64 = 22;
    pub const DUPLICATE_PAYMENT: u64 = 23;
    pub const BANK_ACCOUNT: u64 = 24;
    pub const BANK_CHANGE: u64 = 25;
    pub const OCCASIONAL: u64 = 26;
    pub const ANOMALY: u64 = 33;
    pub const ANOMALY_CASE: u64 = 34;
    pub const ANOMALY_ID: u64 = 35;
    pub const CASE: u64 = 30;
    pub const FILLER: u64 = 31;
    pub const SCHEDULED: u64 = 32;
    pub const MATERIAL: u64 = 40;
    pub const EMPLOYEE: u64 = 41;
    pub const ASSET: u64 = 42;
    pub const RENT_INDEX: u64 = 43;
    pub const EMPLOYEE_CHURN: u64 = 44;
    pub const CAPEX: u64 = 45;
    pub const CAPEX_INVOICE: u64 = 46;
    pub const CAPEX_PAYMENT: u64 = 47;
    pub const TAX_ID: u64 = 48;
    pub const ALLOCATION: u64 = 49;
    pub const DISPOSAL: u64 = 50;
    pub const OVERTIME: u64 = 51;
    pub const NEAR_MISS: u64 = 52;
    pub const EMPLOYEE_BANK: u64 = 53;
    pub const PAYSLIP: u64 = 54;
    pub const CASE_CLOCK: u64 = 55;
    /// Dunning notices 1 to 3 of a customer invoice: 56, 57, 58.
    pub const DUNNING: u64 = 56;
    pub const EXPENSE_CLAIM: u64 = 59;
    pub const CLAIM_DETAIL: u64 = 60;
    pub const BANK_DAY: u64 = 61;
    pub const BANK_STATEMENT: u64 = 62;
    pub const BANK_LINE: u64 = 63;
    pub const COMPANY_BANK: u64 = 64;
    pub const STOCK_MOVEMENT: u64 = 65;
    pub const STOCK_COUNT: u64 = 66;
    pub const TIME_OFF: u64 = 67;
    /// Who or what an anomaly draws from the world (an employee, a vendor to copy).
    pub const ANOMALY_PARTY: u64 = 68;
    /// The clean look-alikes of the case anomalies set above `easy`.
    pub const LOOK_ALIKE: u64 = 69;
    /// Each currency's exchange-rate path.
    pub const FX_RATE: u64 = 70;
    /// Whether a partner invoices in its own currency.
    pub const PARTNER_CURRENCY: u64 = 71;
    /// Whose pay a payroll diversion redirects, and where to.
    pub const PAYROLL_DIVERSION: u64 = 72;
    /// An employee's ordinary change of bank account, and the rows of the change log.
    pub const EMPLOYEE_BANK_CHANGE: u64 = 73;
    /// Which goods an inventory theft takes, and how many.
    pub const INVENTORY_THEFT: u64 = 74;
    /// Which leaver a ghost employee is, and where the pay goes.
    pub const GHOST_EMPLOYEE: u64 = 75;
    /// The transfers the beneficiary's bank returns, and when.
    pub const BANK_RETURN: u64 = 76;
    /// A month's intercompany service charge: its amount and days.
    pub const INTERCOMPANY: u64 = 77;
    /// Its invoice's id.
    pub const IC_INVOICE: u64 = 78;
    /// Its payment's id.
    pub const IC_PAYMENT: u64 = 79;
    /// An employee's home address.
    pub const EMPLOYEE_HOME: u64 = 80;
    /// Whether an order of goods is delivered or received in two parts, and when its
    /// first part moves.
    pub const BACKORDER: u64 = 81;
    /// The id of a sales order's second delivery.
    pub const DELIVERY2: u64 = 82;
    /// Whether a configured vendor bills services only, without orders.
    pub const SERVICES_ONLY: u64 = 83;
    /// The id of a purchase order's second goods receipt.
    pub const GOODS_RECEIPT2: u64 = 84;
    /// The id of a group loan's disbursement or interest payment.
    pub const IC_LOAN: u64 = 85;
    /// The group's monthly shipments of goods: days, materials and quantities.
    pub const IC_GOODS: u64 = 86;
    /// Ids of intercompany goods invoices.
    pub const IC_GOODS_INVOICE: u64 = 87;
    /// Ids of the payments of intercompany goods invoices.
    pub const IC_GOODS_PAYMENT: u64 = 88;
    /// A tender: its request id, dates, bidders and their prices.
    pub const TENDER: u64 = 89;
    /// Which vendors form a company's ring of bid riggers.
    pub const TENDER_RING: u64 = 90;
    /// Ids of the bids of tenders.
    pub const QUOTATION: u64 = 91;
    /// Which blocks hold a manual month-end accrual, and its company, day and amount.
    pub const CLEAN_ACCRUAL: u64 = 92;
}

/// The SplitMix64 finalizer: a fast, well-mixed bijection on `u64`.
#[inline]
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of record `index` of stream `table` under `seed`: `splitmix64(seed, t, i)`.
#[inline]
pub fn record_key(seed: u64, table: u64, index: u64) -> u64 {
    splitmix64(splitmix64(seed ^ splitmix64(table)) ^ index)
}

/// A random-looking, version-4-shaped UUID for record `index` of stream `table`.
#[inline]
pub fn record_id(seed: u64, table: u64, index: u64) -> u128 {
    let k = record_key(seed, table, index);
    let hi = splitmix64(k);
    let lo = splitmix64(k ^ 0xD1B5_4A32_D192_ED03);
    let id = (u128::from(hi) << 64) | u128::from(lo);
    // Version 4 nibble and RFC 4122 variant bits, so the text form is a valid UUID.
    (id & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62)
}

/// The RNG of record `index` of stream `table`.
#[derive(Clone)]
pub struct Draws(Xoshiro256PlusPlus);

impl Draws {
    /// The RNG for one record.
    #[inline]
    pub fn new(seed: u64, table: u64, index: u64) -> Self {
        Self::from_key(record_key(seed, table, index))
    }

    /// An RNG from a 64-bit key (e.g. a draw of another RNG, for a sub-stream).
    ///
    /// The state `Xoshiro256PlusPlus::seed_from_u64(key)` makes (four SplitMix64 words),
    /// computed inline: seeding runs once per record and the library's path through a
    /// byte buffer cost 1% of a Parquet run.
    #[inline]
    pub fn from_key(key: u64) -> Self {
        const PHI: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut seed = [0u8; 32];
        for (k, word) in seed.chunks_exact_mut(8).enumerate() {
            let w = splitmix64(key.wrapping_add(PHI.wrapping_mul(k as u64)));
            word.copy_from_slice(&w.to_le_bytes());
        }
        Self(Xoshiro256PlusPlus::from_seed(seed))
    }

    /// 64 random bits.
    #[inline]
    pub fn bits(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.bits() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe for `ln` and negative powers.
    #[inline]
    pub fn unit_open(&mut self) -> f64 {
        ((self.bits() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` (n > 0), by Lemire's multiply-shift.
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.bits()) * n as u128) >> 64) as usize
    }

    /// A pick from a non-empty slice.
    #[inline]
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A standard normal draw (Box–Muller, one of the pair). `ln` and `cos` come from
    /// `libm` (pure Rust), so every platform computes the same bits.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit_open();
        let u2 = self.unit();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_v4_shaped_and_distinct() {
        let a = record_id(1, stream::ENTRY, 0);
        let b = record_id(1, stream::ENTRY, 1);
        let c = record_id(2, stream::ENTRY, 0);
        assert!(a != b && a != c && b != c);
        for id in [a, b, c] {
            assert_eq!((id >> 76) & 0xF, 4);
            assert_eq!((id >> 62) & 0x3, 2);
        }
    }

    #[test]
    fn seeding_inline_gives_the_library_seed_from_u64_state() {
        for key in (0..10_000u64)
            .map(|i| splitmix64(i) ^ i)
            .chain([0, u64::MAX])
        {
            let mut ours = Draws::from_key(key);
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(key);
            for _ in 0..4 {
                assert_eq!(ours.bits(), theirs.next_u64(), "key {key}");
            }
        }
    }

    #[test]
    fn below_is_in_range_and_covers_it() {
        let mut d = Draws::new(7, 1, 1);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            seen[d.below(7)] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
