//! Partial deliveries: a sales order of goods whose items leave in two deliveries, what
//! was on back order after the rest, before the one invoice that bills the order.

use super::{Plan, Role};
use crate::world::World;
use crate::world::economy::{CaseKind, Item};
use crate::world::rng::{Draws, stream};
use synth_model::Date;

/// Sales orders of goods (paid at once, not blocked) delivered in two parts, in
/// hundredths of a percent.
const BACKORDER_SHARE: usize = 1_000;

impl Plan {
    /// Whether its goods leave in two deliveries.
    #[inline]
    pub(crate) fn split(&self) -> bool {
        self.backorder > 0
    }

    /// The goods movement that the invoice follows: the second delivery of a sales
    /// order delivered in two parts, else the one movement.
    #[inline]
    pub(crate) fn last_movement(&self) -> Role {
        if self.split() {
            Role::Rest
        } else {
            Role::Movement
        }
    }

    /// The units of item `it` that movement `r` moves: all it received, or of a sales
    /// order delivered in two parts, what the first delivery leaves for the second
    /// (`Rest`) and the remainder (`Movement`).
    #[inline]
    pub(crate) fn moved(&self, r: Role, it: &Item) -> i64 {
        let back = it.received * i64::from(self.backorder) / 1_000;
        match r {
            Role::Rest => back,
            _ => it.received - back,
        }
    }

    /// The cost of goods sold of movement `r` (see [`Plan::moved`]).
    #[inline]
    pub(crate) fn moved_cost(&self, r: Role) -> i64 {
        match r {
            Role::Rest => self.backorder_cost,
            _ => self.cost - self.backorder_cost,
        }
    }

    /// The id stream of movement `r`'s document: a goods receipt's, a delivery's, or
    /// a second delivery's.
    #[inline]
    pub(crate) fn movement_stream(&self, r: Role) -> u64 {
        match (self.sale(), r) {
            (true, Role::Rest) => stream::DELIVERY2,
            (true, _) => stream::DELIVERY,
            _ => stream::GOODS_RECEIPT,
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
    /// Delivers a tenth of the sales orders of goods that are paid at once and not
    /// blocked in two parts: the first leaves 3 to 14 days before the second (which
    /// keeps the case's delivery date), carrying each item less a share of 20-60% of
    /// its units (rounded down) that waits on back order; the invoice bills the order
    /// once the second has left. Its draws are its own, so no other case changes.
    pub(crate) fn back_order(&self, p: &mut Plan) {
        if p.kind != CaseKind::O2cGoods || p.n_pay != 1 || p.blocked {
            return;
        }
        let mut d = Draws::new(self.config.seed, stream::BACKORDER, p.block);
        if d.below(10_000) >= BACKORDER_SHARE {
            return;
        }
        let backorder = 200 + d.below(401) as u16;
        let cal = &self.economy.companies[p.company].calendar;
        let mut first = p.movement.add_days(-(3 + d.below(12) as i32));
        if p.manual[0] {
            first = cal.previous_working(first);
        }
        let order = first.add_days(-(1 + d.below(10) as i32));
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
