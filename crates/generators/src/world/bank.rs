//! Vendors' bank accounts and their history: the account each vendor payment goes to,
//! the ordinary changes of the vendor master, and the changes made days before a
//! payment that divert it (the `vendor_bank_change` anomaly), changed back after it.
//!
//! Every change has a quiet period around it in which no ordinary payment to that
//! vendor falls (a case that would pay it then buys from another vendor), so that a
//! change shortly before a payment is only ever the labelled anomaly. The diverted
//! payments go to occasional vendors (one each, a dozen purchases a run; at most a
//! quarter of the configured vendors, diverted again months later when there are more
//! payments to divert), so that the quiet periods stay few and the vendor master stays
//! the same size whatever the run's size.

use crate::anomalies::{AnomalyType, Selector};
use crate::config::GeneratorConfig;
use crate::world::economy::Economy;
use crate::world::identity::account;
use crate::world::pools::users;
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{BankAccount, Date, DateTime, Vendor, VendorBankChange};

/// Days before a change in which no ordinary payment to its vendor falls (so that a
/// duplicate payment a few days after one does not follow the change either).
pub(crate) const QUIET_BEFORE: i32 = 20;
/// Days after a change in which no ordinary payment to its vendor falls.
pub(crate) const QUIET_AFTER: i32 = 45;
/// The first vendors, which also carry the opening balances' open items, never change.
pub(crate) const STEADY_VENDORS: usize = 6;
/// Share of the other vendors whose account changes once in a year.
const CHANGES_PER_YEAR: f64 = 0.15;
/// Business cases (of any kind; about half are purchases) per occasional vendor.
const OCCASIONAL_CASES: f64 = 24.0;
/// Days at least between two changes of one vendor's account.
const CHANGE_GAP: i32 = 120;

/// How many occasional vendors `frauds` diverted payments get: one each, but at most a
/// quarter of the configured vendors (at least one), so that the vendor master does not
/// grow with the run. Beyond that, an occasional vendor's account is diverted again, at
/// least [`CHANGE_GAP`] days after the last time; what does not fit is left out.
pub(crate) fn occasional_count(config: &GeneratorConfig, frauds: usize) -> usize {
    frauds.min((config.master_data.vendors as usize / 4).max(1))
}

/// A diverted payment: the vendor's account changed days before it, changed back after.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fraud {
    /// The block it replaces.
    pub block: u64,
    /// Index of the vendor.
    pub vendor: usize,
    /// The genuine invoice's date.
    pub invoice: Date,
    /// The payment to the new account.
    pub pay: Date,
}

/// One change, as payments look it up.
#[derive(Debug, Clone, Copy)]
struct Change {
    day: Date,
    old: BankAccount,
    new: BankAccount,
}

/// Every vendor's bank-account history.
#[derive(Debug, Clone, Default)]
pub(crate) struct BankHistory {
    /// For vendor `i`, its changes are `changes[starts[i]..starts[i + 1]]`, by date.
    starts: Vec<u32>,
    changes: Vec<Change>,
    /// The diverted payments, by block.
    frauds: Vec<Fraud>,
    /// The occasional vendors (see [`occasional_count`]), after the fictitious ones.
    occasional: std::ops::Range<usize>,
    /// Share of the business cases that buy from one of them.
    share: f64,
}

/// The blocks that carry a `vendor_bank_change`, in order.
pub(crate) fn fraud_blocks(config: &GeneratorConfig) -> Vec<u64> {
    let layout = crate::world::layout::Layout::new(config);
    Selector::new(config.seed, &config.anomalies).standalone_blocks(
        AnomalyType::VendorBankChange,
        layout.total,
        config.transactions.target_count,
    )
}

/// At most how many changes `vendors` vendors that may change (`occasional` of them
/// occasional, for `frauds` diverted payments) make: what the master data's estimate
/// counts, without drawing them.
pub(crate) fn most_changes(
    config: &GeneratorConfig,
    vendors: u64,
    (occasional, frauds): (u64, u64),
) -> u64 {
    let share = (CHANGES_PER_YEAR * f64::from(config.months) / 12.0).min(1.0);
    let ordinary = vendors.saturating_sub(STEADY_VENDORS as u64) as f64 * share;
    // Two standard deviations above the mean, so that the estimate holds.
    let sd = (ordinary * (1.0 - share)).sqrt();
    // Diverted payments of one vendor are CHANGE_GAP days apart at least.
    let each = u64::from(config.months) * 31 / CHANGE_GAP as u64 + 1;
    (ordinary + 2.0 * sd).ceil() as u64 + 2 * frauds.min(occasional * each)
}

impl BankHistory {
    /// The history of `vendors` (as the master data builds them: the configured ones,
    /// the fictitious ones, then the occasional vendors of the diverted payments) and the
    /// rows of the `vendor_bank_changes` table, by date.
    pub(crate) fn build(
        config: &GeneratorConfig,
        economy: &Economy,
        vendors: &[Vendor],
    ) -> (Self, Vec<VendorBankChange>) {
        let seed = config.seed;
        let (start, end) = (economy.start, economy.end);
        let blocks = fraud_blocks(config);
        let configured = (config.master_data.vendors as usize).min(vendors.len());
        let count = occasional_count(config, blocks.len());
        let occasional = vendors.len().saturating_sub(count).max(configured)..vendors.len();
        let original = |i: usize| account(seed, i as u64, 0, vendors[i].country);
        // Per vendor, its changes by date.
        let mut by_vendor: Vec<Vec<VendorBankChange>> = vec![Vec::new(); vendors.len()];
        // Each diverted payment's dates, drawn from its block alone.
        let mut planned: Vec<(Date, u64, Date, Date, Date, Draws)> = Vec::new();
        for block in blocks.iter().copied() {
            let sc = crate::world::scenes::scene_of(seed, economy, block);
            let cal = &economy.companies[sc.company].calendar;
            let mut d = Draws::new(seed, stream::BANK_CHANGE, block << 2 | 1);
            // Room before it for the invoice.
            let day = sc.date.max(cal.next_working(start.add_days(14)));
            let invoice = cal.previous_working(day.add_days(-(3 + d.below(10) as i32)));
            let pay = cal.next_working(day.add_days(1 + d.below(5) as i32));
            let back = cal.next_working(pay.add_days(6 + d.below(15) as i32));
            if pay > end || invoice < start {
                continue;
            }
            planned.push((day, block, invoice, pay, back, d));
        }
        // By date, each to the occasional vendor changed longest ago (the first ones in
        // turn), if that one's last change is CHANGE_GAP days back; else it is left out.
        planned.sort_unstable_by_key(|p| (p.0, p.1));
        let mut frauds = Vec::with_capacity(planned.len());
        // Each vendor's slot, last change and diverted payments so far, changed
        // longest ago first.
        let mut longest_ago: std::collections::VecDeque<(usize, Option<Date>, u32)> =
            (0..occasional.len()).map(|slot| (slot, None, 0)).collect();
        for (day, block, invoice, pay, back, mut d) in planned {
            let Some(&(slot, last, diverted_before)) = longest_ago.front() else {
                break;
            };
            if last.is_some_and(|l| day.0 - l.0 < CHANGE_GAP) {
                continue;
            }
            longest_ago.pop_front();
            let last = if back <= end { back } else { day };
            longest_ago.push_back((slot, Some(last), diverted_before + 1));
            let v = occasional.start + slot;
            let old = original(v);
            let diverted = account(seed, v as u64, 2 + diverted_before, vendors[v].country);
            let id = vendors[v].vendor_id;
            let change = new_change(seed, block << 2 | 1, id, day, (old, diverted), &mut d);
            by_vendor[v].push(change);
            if back <= end {
                let change = new_change(seed, block << 2 | 3, id, back, (diverted, old), &mut d);
                by_vendor[v].push(change);
            }
            frauds.push(Fraud {
                block,
                vendor: v,
                invoice,
                pay,
            });
        }
        frauds.sort_unstable_by_key(|f| f.block);
        // The ordinary changes: at most one per vendor, none near a diverted payment.
        let years = f64::from(config.months) / 12.0;
        let cal = &economy.companies[0].calendar;
        for i in (STEADY_VENDORS..configured).chain(occasional.clone()) {
            let mut d = Draws::new(seed, stream::BANK_CHANGE, (i as u64) << 1);
            if d.unit() >= CHANGES_PER_YEAR * years {
                continue;
            }
            let day = cal.sample_working(&mut d);
            let changes = &mut by_vendor[i];
            if changes
                .iter()
                .any(|c| (c.changed_at.date().0 - day.0).abs() < CHANGE_GAP)
            {
                continue;
            }
            let before = changes.iter().rfind(|c| c.changed_at.date() < day);
            let after = changes.iter().find(|c| c.changed_at.date() > day);
            let old = before.map_or_else(|| original(i), |c| c.new_bank_account);
            let new = account(seed, i as u64, 1, vendors[i].country);
            let id = vendors[i].vendor_id;
            let change = new_change(seed, (i as u64) << 1, id, day, (old, new), &mut d);
            if after.is_some() {
                // Before a diverted payment: the changes after it start from the new
                // account.
                for c in changes.iter_mut().filter(|c| c.changed_at.date() > day) {
                    if c.old_bank_account == old {
                        c.old_bank_account = new;
                    }
                    if c.new_bank_account == old {
                        c.new_bank_account = new;
                    }
                }
            }
            changes.push(change);
            changes.sort_by_key(|c| c.changed_at);
        }
        let mut starts = Vec::with_capacity(vendors.len() + 1);
        let mut changes = Vec::new();
        starts.push(0u32);
        for list in &by_vendor {
            changes.extend(list.iter().map(|c| Change {
                day: c.changed_at.date(),
                old: c.old_bank_account,
                new: c.new_bank_account,
            }));
            starts.push(changes.len() as u32);
        }
        let mut rows: Vec<VendorBankChange> = by_vendor.into_iter().flatten().collect();
        rows.sort_by_key(|c| (c.changed_at, c.change_id));
        let share = if occasional.is_empty() {
            0.0
        } else {
            let blocks = (config.transactions.target_count as f64) / 4.0;
            (OCCASIONAL_CASES * occasional.len() as f64 / blocks.max(1.0)).min(0.05)
        };
        (
            Self {
                starts,
                changes,
                frauds,
                occasional,
                share,
            },
            rows,
        )
    }

    /// The occasional vendor a purchase of block `block` buys from, if it buys from one.
    #[inline]
    pub(crate) fn occasional_vendor(&self, seed: u64, block: u64) -> Option<usize> {
        if self.occasional.is_empty() {
            return None;
        }
        let mut d = Draws::new(seed, stream::OCCASIONAL, block);
        (d.unit() < self.share).then(|| self.occasional.start + d.below(self.occasional.len()))
    }

    /// Whether vendor `vendor`'s bank account never changes in the period.
    pub(crate) fn never_changes(&self, vendor: usize) -> bool {
        self.of(vendor).is_empty()
    }

    fn of(&self, vendor: usize) -> &[Change] {
        match (self.starts.get(vendor), self.starts.get(vendor + 1)) {
            (Some(a), Some(b)) => &self.changes[*a as usize..*b as usize],
            _ => &[],
        }
    }

    /// The account vendor `vendor` (whose current one is `current`) had on `day`.
    #[inline]
    pub(crate) fn account_at(&self, vendor: usize, current: BankAccount, day: Date) -> BankAccount {
        let changes = self.of(vendor);
        match changes.iter().rposition(|c| c.day <= day) {
            Some(k) => changes[k].new,
            None => changes.first().map_or(current, |c| c.old),
        }
    }

    /// The account vendor `vendor` had at the end of the data, `original` unless it changed.
    pub(crate) fn final_account(&self, vendor: usize, original: BankAccount) -> BankAccount {
        self.of(vendor).last().map_or(original, |c| c.new)
    }

    /// Whether a payment to `vendor` on one of `days` falls in a change's quiet period.
    #[inline]
    pub(crate) fn quiet(&self, vendor: usize, days: &[Date]) -> bool {
        self.of(vendor).iter().any(|c| {
            days.iter()
                .any(|d| *d >= c.day.add_days(-QUIET_BEFORE) && *d <= c.day.add_days(QUIET_AFTER))
        })
    }

    /// Whether `vendor`'s account ever changes.
    #[inline]
    pub(crate) fn changes(&self, vendor: usize) -> bool {
        !self.of(vendor).is_empty()
    }

    /// The diverted payment block `block` carries, if any.
    pub(crate) fn fraud(&self, block: u64) -> Option<&Fraud> {
        self.frauds
            .binary_search_by_key(&block, |f| f.block)
            .ok()
            .map(|k| &self.frauds[k])
    }
}

/// The change with id key `key` of vendor `vendor_id` from one account to another, by an
/// AP clerk in office hours on `day`.
fn new_change(
    seed: u64,
    key: u64,
    vendor_id: u128,
    day: Date,
    (old, new): (BankAccount, BankAccount),
    d: &mut Draws,
) -> VendorBankChange {
    VendorBankChange {
        change_id: record_id(seed, stream::BANK_CHANGE, key),
        vendor_id,
        changed_at: office_hours(day, d),
        changed_by: crate::world::people::pick_user(users::MASTER_DATA, d),
        old_bank_account: old,
        new_bank_account: new,
    }
}

/// A time in office hours on `day`.
fn office_hours(day: Date, d: &mut Draws) -> DateTime {
    DateTime::new(day, 8 * 3600 + d.below(9 * 3600 + 1800) as u32)
}
