//! The stock a company opens its books with, and each month's cycle count and scrap:
//! the scheduled stock movements, each valued at standard cost by its entry.

use super::{Month, Posted};
use crate::post::Line;
use crate::world::World;
use crate::world::economy::skewed;
use crate::world::pools::{accounts as acc, centers, users};
use crate::world::rng::{Draws, stream};
use crate::world::stock::Move;
use synth_model::Batch;

/// The share of a material's issues that goes missing (theft, breakage, miscounted
/// receipts) until a count finds it: about 0.5%, a trading company's usual shrinkage.
const SHRINKAGE: f64 = 0.005;
/// The share of a material's issues scrapped (damaged, expired) in a month it is.
const SCRAP_SHARE: f64 = 0.002;

impl World {
    /// The amount the opening balances put on `account`: the planned amount, but for the
    /// inventory (the opening stock valued, see `world/stock.rs`) and the retained
    /// earnings (which take the difference, so that the balances still net to zero).
    pub(super) fn opening_amount(&self, ci: usize, account: u32, planned: i64) -> i64 {
        let planned_inventory = || {
            self.schedules[ci]
                .opening
                .iter()
                .find(|l| l.0 == acc::INVENTORY)
                .map_or(0, |l| l.1)
        };
        match account {
            acc::INVENTORY => self.opening_inventory(ci),
            acc::RETAINED_EARNINGS => planned - (self.opening_inventory(ci) - planned_inventory()),
            _ => planned,
        }
    }

    /// The opening stock movements of company `ci`, one per trading good, written with
    /// the opening entry that holds the inventory (the batch's last).
    pub(super) fn opening_stock_rows(&self, ci: usize, batch: &mut Batch) {
        let fx = self.economy.companies[ci].fx;
        for &m in &self.economy.goods {
            let quantity = self.opening_quantity(ci, m);
            if quantity == 0 {
                continue;
            }
            self.push_stock(
                batch,
                Move {
                    kind: "opening_balance",
                    material: m,
                    quantity,
                    unit_cost: self.economy.unit_cost(m, fx),
                    partner: None,
                    key: m as u64,
                    anomaly: None,
                },
            );
        }
    }

    /// Month `month`'s cycle count of company `ci` and its scrap. The fastest-moving
    /// fifth of the trading goods is counted every month, the rest in turn once a year
    /// (a twelfth each month); a count finds what went missing since the last one, about
    /// 0.5% of the material's expected issues over that time (lognormal, so some counts
    /// find nothing and a few find much more), or in one count of five a small surplus
    /// (a miscounted receipt). One or two materials a month are scrapped, about 0.2% of a
    /// month's issues each, at least one unit.
    ///
    /// Calls `f` with (material, signed units, type) for each movement, in order.
    fn stock_count(&self, ci: usize, month: u64, mut f: impl FnMut(usize, i64, &'static str)) {
        let goods = &self.economy.goods;
        let n = goods.len();
        if n == 0 {
            return;
        }
        let c = &self.economy.companies[ci];
        // Units of the material at position `k` of the goods expected to be issued in a
        // month: its share of the sales (see `skewed`) of the month's cost of goods sold.
        let monthly = |k: usize| {
            let share = ((k + 1) as f64 / n as f64).sqrt() - (k as f64 / n as f64).sqrt();
            c.cogs_month * share / self.economy.unit_cost(goods[k], c.fx) as f64
        };
        let mut d = Draws::new(
            self.config.seed,
            stream::STOCK_COUNT,
            (ci as u64) << 32 | month,
        );
        let fast = n.div_ceil(5);
        let thefts = self.thefts.in_count(ci, month).count() > 0;
        for (k, &m) in goods.iter().enumerate() {
            let months_since = if k < fast {
                1.0
            } else if (k as u64 + month).is_multiple_of(12) {
                12.0
            } else {
                continue;
            };
            let expected =
                SHRINKAGE * monthly(k) * months_since * libm::exp(0.8 * d.normal() - 0.32);
            let units = if d.below(5) == 0 {
                (0.3 * expected).round() as i64
            } else {
                -(expected.round() as i64)
            };
            // What a theft took is lost too (the fast fifth is counted every month).
            let units = match thefts && k < fast {
                true => units - self.thefts.stolen(ci, month, k),
                false => units,
            };
            if units != 0 {
                f(m, units, "count_difference");
            }
        }
        for _ in 0..1 + d.below(2) {
            let k = skewed(n, d.unit());
            let units = (SCRAP_SHARE * monthly(k) * libm::exp(0.5 * d.normal()))
                .round()
                .max(1.0);
            f(goods[k], -(units as i64), "scrap");
        }
    }

    /// The lines of company `ci`'s cycle count and scrap of month `month`, zero ones
    /// included: the differences on the inventory differences account, the scrap on the
    /// scrap account, the inventory credited (or debited) with their value.
    pub(crate) fn stock_count_lines(&self, ci: usize, month: u64) -> [(u32, i64, &'static str); 3] {
        let fx = self.economy.companies[ci].fx;
        let (mut counted, mut scrapped) = (0, 0);
        self.stock_count(ci, month, |m, units, kind| {
            let value = units * self.economy.unit_cost(m, fx);
            if kind == "scrap" {
                scrapped += value;
            } else {
                counted += value;
            }
        });
        [
            (
                acc::INVENTORY_DIFFERENCES,
                -counted,
                "Cycle count difference",
            ),
            (acc::SCRAP, -scrapped, "Scrapped stock"),
            (acc::INVENTORY, counted + scrapped, "Stock adjustment"),
        ]
    }

    /// The month's cycle count and scrap (see [`World::stock_count_lines`]; those of
    /// zero left out), on the month's last working day.
    pub(super) fn stock_count_entry(
        &self,
        mo: &Month<'_>,
        batch: &mut Batch,
        d: &mut Draws,
    ) -> Posted {
        let lines = self.stock_count_lines(mo.s.company, mo.month);
        for (account, amount, text) in lines.into_iter().filter(|l| l.1 != 0) {
            Self::line(
                batch,
                mo.entry_id,
                Line {
                    account,
                    amount,
                    cost_center: (account != acc::INVENTORY)
                        .then(|| centers::LOGISTICS[mo.month as usize % centers::LOGISTICS.len()]),
                    text,
                    ..Line::BARE
                },
            );
        }
        (
            "Cycle count and scrap",
            mo.cal.previous_working(mo.last),
            "WI",
            "inventory",
            crate::world::people::pick_user(users::WAREHOUSE, d),
            true,
            false,
        )
    }

    /// The stock movements of the month's cycle count and scrap, written with their
    /// entry (the batch's last).
    pub(super) fn stock_count_rows(&self, ci: usize, month: u64, batch: &mut Batch) {
        let fx = self.economy.companies[ci].fx;
        let goods = &self.economy.goods;
        let fast = goods.len().div_ceil(5);
        let mut k = 0u64;
        self.stock_count(ci, month, |m, units, kind| {
            k += 1;
            if units == 0 {
                return;
            }
            // The count difference that holds a theft.
            let stolen = kind == "count_difference"
                && goods[..fast]
                    .iter()
                    .position(|g| *g == m)
                    .is_some_and(|good| self.thefts.stolen(ci, month, good) > 0);
            self.push_stock(
                batch,
                Move {
                    kind,
                    material: m,
                    quantity: units,
                    unit_cost: self.economy.unit_cost(m, fx),
                    partner: None,
                    key: k - 1,
                    anomaly: stolen.then_some(crate::anomalies::AnomalyType::InventoryTheft),
                },
            );
        });
    }
}
