//! A case's documents and their items, each written with the entry it caused.

use super::Plan;
use crate::world::World;
use crate::world::master::MasterData;
use crate::world::pools::SERVICES_BOUGHT;
use crate::world::rng::{record_id, stream};
use synth_model::{Batch, Document, DocumentItem};

impl World {
    /// The documents of a case and their items (written with the block's first slot).
    pub(crate) fn case_documents(&self, p: &Plan, slot: u64, batch: &mut Batch, md: &MasterData) {
        if !self.config.documents.enabled {
            return;
        }
        let c = &self.economy.companies[p.company];
        let sale = p.sale();
        let (s_order, s_move, s_invoice, s_pay) = if sale {
            (
                stream::SALES_ORDER,
                stream::DELIVERY,
                stream::CUSTOMER_INVOICE,
                [stream::RECEIPT, stream::RECEIPT2],
            )
        } else {
            (
                stream::PURCHASE_ORDER,
                stream::GOODS_RECEIPT,
                stream::VENDOR_INVOICE,
                [stream::PAYMENT, stream::PAYMENT2],
            )
        };
        let doc = |id,
                   document_type,
                   date,
                   due_date,
                   amount,
                   tax_amount,
                   status,
                   reference,
                   entry_id,
                   item_count| Document {
            document_id: id,
            document_type,
            company_code: c.code,
            partner_id: p.partner_id,
            document_date: date,
            due_date,
            amount,
            tax_amount,
            discount_amount: 0,
            currency: c.currency,
            status,
            reference_document_id: reference,
            entry_id,
            item_count,
            bank_account: None,
        };
        let paid_into = |day| (!sale).then(|| self.vendor_account(md, p.partner, day));
        let mut previous = None;
        if p.with_order {
            let id = self.doc_id(p, s_order);
            previous = Some(id);
        }
        if p.with_order && slot == 0 {
            let id = self.doc_id(p, s_order);
            let n = self.items(p, batch, id, |it| (it.quantity, it.po_price));
            let status = match (sale, p.blocked) {
                (true, true) => "blocked",
                (true, false) => "released",
                _ => "completed",
            };
            let amount = if sale { p.net_ordered() } else { p.ordered };
            batch.documents.push(doc(
                id,
                if sale {
                    "sales_order"
                } else {
                    "purchase_order"
                },
                p.order_date,
                None,
                amount,
                0,
                status,
                None,
                None,
                n,
            ));
        }
        if p.goods() && p.is_posted(0) && slot == p.slot(0) {
            let id = self.doc_id(p, s_move);
            let n = if sale {
                self.items(p, batch, id, |it| (it.received, it.cost))
            } else {
                self.items(p, batch, id, |it| (it.received, it.po_price))
            };
            let value = if sale { p.cost } else { p.received_value };
            let entry = Some(self.entry_id(p.first + p.slot(0)));
            batch.documents.push(doc(
                id,
                if sale { "delivery" } else { "goods_receipt" },
                p.movement,
                None,
                value,
                0,
                "completed",
                previous,
                entry,
                n,
            ));
        }
        if p.goods() && p.is_posted(0) {
            previous = Some(self.doc_id(p, s_move));
        }
        if !p.is_posted(1) {
            return;
        }
        let invoice = self.doc_id(p, s_invoice);
        let paid = (0..p.n_pay).filter(|k| p.is_posted(2 + k)).count() as u8;
        for k in (0..paid).filter(|k| slot == p.slot(2 + k)) {
            let id = self.doc_id(p, s_pay[usize::from(k)]);
            let entry = Some(self.entry_id(p.first + p.slot(2 + k)));
            batch.documents.push(Document {
                discount_amount: p.pay_discount[usize::from(k)],
                bank_account: paid_into(p.pay[usize::from(k)]),
                ..doc(
                    id,
                    if sale { "receipt" } else { "payment" },
                    p.pay[usize::from(k)],
                    None,
                    p.pay_cash[usize::from(k)],
                    0,
                    "completed",
                    Some(invoice),
                    entry,
                    0,
                )
            });
        }
        if p.anomaly == Some(crate::anomalies::AnomalyType::DuplicatePayment)
            && slot == u64::from(p.posted)
        {
            let id = self.doc_id(p, stream::DUPLICATE_PAYMENT);
            let entry = Some(self.entry_id(p.first + slot));
            batch.documents.push(Document {
                discount_amount: p.pay_discount[0],
                bank_account: paid_into(self.duplicate_date(p)),
                ..doc(
                    id,
                    "payment",
                    self.duplicate_date(p),
                    None,
                    p.pay_cash[0],
                    0,
                    "completed",
                    Some(invoice),
                    entry,
                    0,
                )
            });
        }
        if slot != p.slot(1) {
            return;
        }
        let n = self.items(p, batch, invoice, |it| (it.received, it.price));
        let status = match paid {
            0 => "open",
            k if k == p.n_pay => "paid",
            _ => "partially_paid",
        };
        let entry = Some(self.entry_id(p.first + p.slot(1)));
        batch.documents.push(doc(
            invoice,
            if sale {
                "customer_invoice"
            } else {
                "vendor_invoice"
            },
            p.invoice_date,
            Some(p.due),
            p.gross,
            p.tax_amount,
            status,
            previous,
            entry,
            n,
        ));
    }

    /// Writes a document's items, quantity and unit price from `f`; returns their count.
    pub(crate) fn items(
        &self,
        p: &Plan,
        batch: &mut Batch,
        id: u128,
        f: impl Fn(&crate::world::economy::Item) -> (i64, i64),
    ) -> u32 {
        let seed = self.config.seed;
        for k in 0..p.items {
            let it = self.item_of(p, k);
            let (quantity, unit_price) = f(&it);
            let description = match it.material {
                Some(m) => self.economy.materials[m].description,
                None => SERVICES_BOUGHT[it.service].0,
            };
            batch.items.push(DocumentItem {
                document_id: id,
                item_number: k + 1,
                material_id: it
                    .material
                    .map(|m| record_id(seed, stream::MATERIAL, m as u64)),
                description,
                quantity,
                unit_price,
                amount: quantity * unit_price,
            });
        }
        p.items
    }
}
