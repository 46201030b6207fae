//! Partial deliveries and receipts: an order of goods whose items move in two parts
//! (a sales order's two deliveries, a purchase order's two goods receipts), what was on
//! back order after the rest, before the one invoice that bills the order.

use super::{Plan, Role};
use crate::world::World;
use crate::world::economy::{CaseKind, Item};
use crate::world::rng::{Draws, stream};
use synth_model::Date;

/// Sales orders of goods (paid at once, not blocked) delivered in two parts, in
/// hundredths of a percent.
const BACKORDER_SHARE: usize = 1_000;
/// Purchase orders of goods (paid at once) received in two parts, in hundredths of a
/// percent.
const PARTIAL_RECEIPT_SHARE: usize = 800;

impl Plan {
    /// Whether its goods leave in two deliveries.
    #[inline]
    pub(crate) fn split(&self) -> bool {
        self.backorder > 0
    }

    /// The goods movement that the invoice follows: the second delivery or receipt of an
    /// order that moves in two parts, else the one movement.
    #[inline]
    pub(crate) fn last_movement(&self) -> Role {
        if self.split() {
            Role::Rest
        } else {
            Role::Movement
        }
    }

    /// The units of item `it` that movement `r` moves: all it received, or of an order
    /// that moves in two parts, what the first leaves for the second (`Rest`) and the
    /// remainder (`Movement`).
    #[inline]
    pub(crate) fn moved(&self, r: Role, it: &Item) -> i64 {
        let back = it.received * i64::from(self.backorder) / 1_000;
        match r {
            Role::Rest => back,
            _ => it.received - back,
        }
    }

    /// The standard cost of the goods movement `r` moves (see [`Plan::moved`]): a
    /// delivery's cost of goods sold, a receipt's value in stock.
    #[inline]
    pub(crate) fn moved_cost(&self, r: Role) -> i64 {
        match r {
            Role::Rest => self.backorder_cost,
            _ => self.cost - self.backorder_cost,
        }
    }

    /// The id stream of movement `r`'s document: a delivery's or goods receipt's, or
    /// the second's.
    #[inline]
    pub(crate) fn movement_stream(&self, r: Role) -> u64 {
        match (self.sale(), r) {
            (true, Role::Rest) => stream::DELIVERY2,
            (true, _) => stream::DELIVERY,
            (false, Role::Rest) => stream::GOODS_RECEIPT2,
            (false, _) => stream::GOODS_RECEIPT,
        }
    }

    /// The date of movement `r`.
    #[inline]
    pub(crate) fn moved_on(&self, r: Role) -> Date {
        match r {
            Role::Movement if self.split() => self.first_delivery,
            _ => self.movement,
        }
    }
}

impl World {
    /// Moves a tenth of the sales orders of goods that are paid at once and not blocked,
    /// and 8% of the purchase orders of goods paid at once, in two parts: the first
    /// leaves (or arrives) 3 to 14 days before the second (which keeps the case's
    /// delivery or receipt date), carrying each item less a share of 20-60% of its
    /// units (rounded down) that waits on back order; the order comes before the first
    /// as it would before the one, and the invoice bills the order once the second has
    /// moved. Its draws are its own, so no other case changes.
    pub(crate) fn back_order(&self, p: &mut Plan) {
        let share = match p.kind {
            CaseKind::O2cGoods if !p.blocked => BACKORDER_SHARE,
            CaseKind::P2pGoods => PARTIAL_RECEIPT_SHARE,
            _ => return,
        };
        if p.n_pay != 1 {
            return;
        }
        let mut d = Draws::new(self.config.seed, stream::BACKORDER, p.block);
        if d.below(10_000) >= share {
            return;
        }
        let backorder = 200 + d.below(401) as u16;
        let cal = &self.economy.companies[p.company].calendar;
        let mut first = p.movement.add_days(-(3 + d.below(12) as i32));
        if p.manual[0] {
            first = cal.previous_working(first);
        }
        let order = if p.sale() {
            first.add_days(-(1 + d.below(10) as i32))
        } else {
            first.add_days(-(3 + d.below(25) as i32))
        };
        if first < self.economy.start {
            return;
        }
        let mut split = *p;
        split.backorder = backorder;
        split.backorder_cost = (0..p.items)
            .map(|k| {
                let it = self.item_of(p, k);
                split.moved(Role::Rest, &it) * it.cost
            })
            .sum();
        if split.backorder_cost == 0 {
            return;
        }
        split.first_delivery = first;
        split.order_date = order;
        split.users[3] = p.users[0];
        split.manual[3] = p.manual[0];
        split.posted = self.posted_of(p.first, &[first, p.movement, p.invoice_post, p.pay[0]]);
        *p = split;
    }
}
