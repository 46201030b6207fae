//! Goods taken from the warehouse and written off as a cycle count's loss
//! (`inventory_theft`), as far as the month's count must know them before it is
//! written: which company, month and material, and how much.

use crate::anomalies::{AnomalyType, Selector};
use crate::config::GeneratorConfig;
use crate::world::economy::{Economy, skewed};
use crate::world::employees::month_of;
use crate::world::layout::Layout;
use crate::world::rng::{Draws, stream};
use crate::world::scenes::scene_of;

/// Draws of a material to find one the month's count has not lost to a theft yet.
const TRIES: usize = 16;

/// The most thefts one count writes off: a warehouse that lost goods every month to
/// a dozen thefts would not go unnoticed.
pub(crate) const MAX_PER_COUNT: usize = 3;

/// Goods of one material stolen and hidden in a month's cycle count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theft {
    /// The case block that carries its label.
    pub(crate) block: u64,
    /// Index of the company.
    pub(crate) company: usize,
    /// The month of the period whose count writes it off.
    pub(crate) month: u64,
    /// The material's position among the trading goods (one of the fifth counted every
    /// month).
    pub(crate) good: usize,
    /// Units taken.
    pub(crate) units: i64,
}

/// Every inventory theft of a run, by block.
#[derive(Debug, Default)]
pub(crate) struct Thefts {
    items: Vec<Theft>,
    /// Positions in `items`, by company, month and good.
    by_count: Vec<u32>,
}

impl Thefts {
    /// The run's thefts: one per block of the type, in block order. Goods of one of the
    /// fast-moving fifth (counted every month), drawn as the sales draw them, worth
    /// 3-6% of the company's month of cost of goods sold (easy), 0.05-0.15% (realistic)
    /// or 0.02-0.06% (hard), where the largest clean loss of a month's count is 0.03-0.12%,
    /// taken in the month of the
    /// block's scene and written off by that month's count as part of its loss. A block
    /// whose count already writes off [`MAX_PER_COUNT`] takes the next month's with
    /// room (the period's first after its last); one where no count in the run has
    /// room, or whose draws find only materials already taken that month, carries
    /// nothing. So a run holds at most three thefts per company and month: beyond that
    /// (at the default rate, from about 2.3 M entries of the default config) fewer than
    /// the type's share.
    pub(crate) fn new(config: &GeneratorConfig, economy: &Economy, layout: &Layout) -> Thefts {
        let mut out = Thefts::default();
        let goods = &economy.goods;
        if goods.is_empty() || config.months == 0 {
            return out;
        }
        let seed = config.seed;
        let t = AnomalyType::InventoryTheft;
        let selector = Selector::new(seed, &config.anomalies);
        let end = config.transactions.target_count;
        let (low, width) =
            config
                .anomalies
                .level(t)
                .pick((0.03, 0.03), (0.0005, 0.001), (0.0002, 0.0004));
        let fast = goods.len().div_ceil(5);
        let mut taken = std::collections::HashSet::new();
        let mut per_count: std::collections::HashMap<(usize, u64), usize> =
            std::collections::HashMap::new();
        for block in selector.standalone_blocks(t, layout.total, end) {
            let sc = scene_of(seed, economy, block);
            let ci = sc.company;
            let Some(c) = economy.companies.get(ci) else {
                continue;
            };
            let months = u64::from(config.months);
            let drawn = (month_of(config, sc.date).max(0) as u64).min(months - 1);
            let Some(month) = (0..months).map(|k| (drawn + k) % months).find(|m| {
                Self::count_entry(layout, ci, *m) < end
                    && per_count.get(&(ci, *m)).copied().unwrap_or(0) < MAX_PER_COUNT
            }) else {
                continue;
            };
            let mut d = Draws::new(seed, stream::INVENTORY_THEFT, block);
            let share = low + width * d.unit();
            let Some(good) = (0..TRIES)
                .map(|_| skewed(fast, d.unit()))
                .find(|k| !taken.contains(&(ci, month, *k)))
            else {
                continue;
            };
            taken.insert((ci, month, good));
            *per_count.entry((ci, month)).or_insert(0) += 1;
            let unit_cost = economy.unit_cost(goods[good], c.fx).max(1);
            let units = ((share * c.cogs_month / unit_cost as f64).round() as i64).max(1);
            out.items.push(Theft {
                block,
                company: ci,
                month,
                good,
                units,
            });
        }
        let mut by_count: Vec<u32> = (0..out.items.len() as u32).collect();
        by_count.sort_by_key(|k| out.key(*k));
        out.by_count = by_count;
        out
    }

    /// Where the theft at position `k` stands in `by_count`.
    fn key(&self, k: u32) -> (usize, u64, usize) {
        self.items
            .get(k as usize)
            .map_or((usize::MAX, 0, 0), |x| (x.company, x.month, x.good))
    }

    /// The index of company `ci`'s cycle count entry of month `month`.
    pub(crate) fn count_entry(layout: &Layout, ci: usize, month: u64) -> u64 {
        layout.companies.get(ci).map_or(u64::MAX, |l| {
            l.offset + l.opening + month * l.per_month + l.stock_count_slot()
        })
    }

    /// The theft block `block` carries, if any.
    pub(crate) fn of(&self, block: u64) -> Option<&Theft> {
        let k = self.items.binary_search_by_key(&block, |x| x.block).ok()?;
        self.items.get(k)
    }

    /// The units of the good at position `good` that company `ci`'s count of month
    /// `month` finds stolen (0 where none).
    pub(crate) fn stolen(&self, ci: usize, month: u64, good: usize) -> i64 {
        self.in_count(ci, month)
            .filter(|x| x.good == good)
            .map(|x| x.units)
            .sum()
    }

    /// The thefts company `ci`'s count of month `month` writes off.
    pub(crate) fn in_count(&self, ci: usize, month: u64) -> impl Iterator<Item = &Theft> {
        let from = self
            .by_count
            .partition_point(|k| self.key(*k) < (ci, month, 0));
        self.by_count[from..]
            .iter()
            .filter_map(|k| self.items.get(*k as usize))
            .take_while(move |x| x.company == ci && x.month == month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planning_estimate_covers_what_a_theft_holds() {
        // Its row, its place in the index by count, its key in the set of materials
        // taken (at its lowest load, with the control byte), and its block while the
        // blocks are listed.
        let held = std::mem::size_of::<Theft>()
            + std::mem::size_of::<u32>()
            + 2 * (std::mem::size_of::<(usize, u64, usize)>() + 1)
            + 2 * std::mem::size_of::<u64>();
        assert!(
            held as f64 <= crate::anomalies::PLANNING_BYTES_THEFT,
            "{held}"
        );
    }
}
