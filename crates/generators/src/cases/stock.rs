//! A case's stock movements: each material item of its goods receipt (into stock) or
//! delivery (out of it), at the material's standard cost, written with the entry that
//! values them on the inventory account.

use super::{Plan, Role};
use crate::world::World;
use crate::world::stock::Move;
use synth_model::Batch;

impl World {
    /// Adds the movements of case `p`'s goods movement `role` (of an order
    /// that moves in two parts, either), just closed as the batch's last entry.
    pub(crate) fn case_stock(&self, p: &Plan, role: Role, batch: &mut Batch) {
        let sale = p.sale();
        for k in 0..p.items {
            let it = self.item_of(p, k);
            let moved = p.moved(role, &it);
            let Some(material) = it.material.filter(|_| moved > 0) else {
                continue;
            };
            self.push_stock(
                batch,
                Move {
                    kind: if sale { "goods_issue" } else { "goods_receipt" },
                    material,
                    quantity: if sale { -moved } else { moved },
                    unit_cost: it.cost,
                    partner: Some(p.partner_id),
                    key: u64::from(k),
                    anomaly: None,
                },
            );
        }
    }
}
