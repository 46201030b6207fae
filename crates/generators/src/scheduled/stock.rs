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

/// Materials a month's cycle count recounts.
const COUNTED: usize = 4;

/// A month's cycle count and scrap: (material, signed units, type) for each movement.
type Count = [(usize, i64, &'static str); COUNTED + 1];

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
                },
            );
        }
    }

    /// Month `month`'s cycle count of company `ci` (the best sellers recounted most
    /// often; about half the counts find a unit or three short, a fifth one or two over)
    /// and the month's scrap (one to four units of one material). A material counted
    /// twice is counted once.
    fn stock_count(&self, ci: usize, month: u64) -> Count {
        let goods = &self.economy.goods;
        let mut count: Count = [(0, 0, "count_difference"); COUNTED + 1];
        if goods.is_empty() {
            return count;
        }
        let mut d = Draws::new(
            self.config.seed,
            stream::STOCK_COUNT,
            (ci as u64) << 32 | month,
        );
        for k in 0..COUNTED {
            let m = goods[skewed(goods.len(), d.unit())];
            let roll = d.below(100);
            let units = if count[..k].iter().any(|c| c.0 == m) || roll >= 70 {
                0
            } else if roll < 50 {
                -1 - d.below(3) as i64
            } else {
                1 + d.below(2) as i64
            };
            count[k] = (m, units, "count_difference");
        }
        count[COUNTED] = (
            goods[skewed(goods.len(), d.unit())],
            -1 - d.below(4) as i64,
            "scrap",
        );
        count
    }

    /// The month's cycle count and scrap: the differences on the inventory differences
    /// account, the scrap on the scrap account, the inventory credited (or debited)
    /// with their value, on the month's last working day.
    pub(super) fn stock_count_entry(
        &self,
        mo: &Month<'_>,
        batch: &mut Batch,
        d: &mut Draws,
    ) -> Posted {
        let ci = mo.s.company;
        let fx = self.economy.companies[ci].fx;
        let (mut counted, mut scrapped) = (0, 0);
        for (m, units, kind) in self.stock_count(ci, mo.month) {
            let value = units * self.economy.unit_cost(m, fx);
            if kind == "scrap" {
                scrapped += value;
            } else {
                counted += value;
            }
        }
        let lines = [
            (
                acc::INVENTORY_DIFFERENCES,
                -counted,
                "Cycle count difference",
            ),
            (acc::SCRAP, -scrapped, "Scrapped stock"),
            (acc::INVENTORY, counted + scrapped, "Stock adjustment"),
        ];
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
        for (k, (m, units, kind)) in self.stock_count(ci, month).into_iter().enumerate() {
            if units == 0 {
                continue;
            }
            self.push_stock(
                batch,
                Move {
                    kind,
                    material: m,
                    quantity: units,
                    unit_cost: self.economy.unit_cost(m, fx),
                    partner: None,
                    key: k as u64,
                },
            );
        }
    }
}
