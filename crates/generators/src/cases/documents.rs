//! A case's documents and their items, each written with the entry it caused.

use super::{Plan, Role};
use crate::world::World;
use crate::world::master::MasterData;
use crate::world::pools::SERVICES_BOUGHT;
use crate::world::rng::{record_id, stream};
use synth_model::{Batch, Date, Document, DocumentItem};

/// Dunning notices a customer invoice gets at most.
const DUNNING_LEVELS: u64 = 3;
/// Days past the due date between dunning notices.
const DUNNING_EVERY: i32 = 14;

/// The id streams of a case's documents: its order, invoice and payments (its goods
/// movements': [`Plan::movement_stream`]).
struct Streams {
    order: u64,
    invoice: u64,
    pay: [u64; 2],
}

impl World {
    /// The documents of a case and their items (written with the block's first slot).
    pub(crate) fn case_documents(&self, p: &Plan, slot: u64, batch: &mut Batch, md: &MasterData) {
        if !self.config.documents.enabled {
            return;
        }
        let sale = p.sale();
        let s = if sale {
            Streams {
                order: stream::SALES_ORDER,
                invoice: stream::CUSTOMER_INVOICE,
                pay: [stream::RECEIPT, stream::RECEIPT2],
            }
        } else {
            Streams {
                order: stream::PURCHASE_ORDER,
                invoice: stream::VENDOR_INVOICE,
                pay: [stream::PAYMENT, stream::PAYMENT2],
            }
        };
        let base = self.case_document(p);
        let mut previous = p.with_order.then(|| self.doc_id(p, s.order));
        if p.with_order && slot == 0 {
            self.order_document(p, &s, &base, batch);
            if !sale {
                self.quotations(p, md, self.doc_id(p, s.order), batch);
            }
        }
        // Of two deliveries, each follows the order, and the invoice the second.
        for role in [Role::Movement, Role::Rest] {
            let id_stream = p.movement_stream(role);
            if !p.goods() || !p.is_posted(role) {
                continue;
            }
            if slot == p.slot(role) {
                self.movement_document(p, role, id_stream, &base, previous, batch);
            }
            if role == p.last_movement() {
                previous = Some(self.doc_id(p, id_stream));
            }
        }
        if !p.is_posted(Role::Invoice) {
            return;
        }
        let invoice = self.doc_id(p, s.invoice);
        let paid = (0..p.n_pay)
            .filter(|k| p.is_posted(Role::Payment(*k)))
            .count() as u8;
        let paid_into = |day| (!sale).then(|| self.vendor_account(md, p.partner, day));
        for k in (0..paid).filter(|k| slot == p.slot(Role::Payment(*k))) {
            let i = usize::from(k);
            batch.documents.push(Document {
                document_id: self.doc_id(p, s.pay[i]),
                document_type: if sale { "receipt" } else { "payment" },
                document_date: p.pay[i],
                amount: p.pay_cash[i],
                discount_amount: p.pay_discount[i],
                exchange_rate: self.case_rate(p, p.pay[i]),
                reference_document_id: Some(invoice),
                entry_id: Some(self.entry_id(p.first + p.slot(Role::Payment(k)))),
                bank_account: match self.diverted_to(p, md) {
                    Some(account) if i == 0 => Some(account),
                    _ => paid_into(p.pay[i]),
                },
                ..base
            });
        }
        if p.anomaly == Some(crate::anomalies::AnomalyType::DuplicatePayment)
            && slot == u64::from(p.posted)
        {
            let day = self.duplicate_date(p);
            batch.documents.push(Document {
                document_id: self.doc_id(p, stream::DUPLICATE_PAYMENT),
                document_type: "payment",
                document_date: day,
                amount: p.pay_cash[0],
                discount_amount: p.pay_discount[0],
                exchange_rate: self.case_rate(p, day),
                reference_document_id: Some(invoice),
                entry_id: Some(self.entry_id(p.first + slot)),
                bank_account: paid_into(day),
                ..base
            });
        }
        if slot == p.slot(Role::Invoice) {
            if sale {
                self.dunning_notices(p, paid, invoice, &base, batch);
            }
            let status = match paid {
                0 => "open",
                k if k == p.n_pay => "paid",
                _ => "partially_paid",
            };
            let item_count = self.items(p, batch, invoice, |it| (it.received, it.price));
            batch.documents.push(Document {
                document_id: invoice,
                document_type: if sale {
                    "customer_invoice"
                } else {
                    "vendor_invoice"
                },
                document_date: p.invoice_date,
                due_date: Some(p.due),
                amount: p.gross,
                tax_amount: p.tax_amount,
                exchange_rate: self.case_rate(p, p.invoice_date),
                status,
                reference_document_id: previous,
                entry_id: Some(self.entry_id(p.first + p.slot(Role::Invoice))),
                item_count,
                ..base
            });
        }
    }

    /// The dunning notices of customer invoice `invoice` of case `p` (whose first `paid`
    /// receipts are in the data): a notice 14, 28 and 42 days past the due date (the
    /// next working day), each while some of the invoice is still unpaid that day and
    /// the day is within the data, for what is still open, to be paid within 10 days;
    /// on a day a receipt of it arrives, the next working day instead.
    fn dunning_notices(
        &self,
        p: &Plan,
        paid: u8,
        invoice: u128,
        base: &Document,
        batch: &mut Batch,
    ) {
        let cal = &self.economy.companies[p.company].calendar;
        let end = self
            .month_dates(u64::from(self.config.months).saturating_sub(1))
            .3;
        for level in 1..=DUNNING_LEVELS {
            let mut day = cal.next_working(p.due.add_days(DUNNING_EVERY * level as i32));
            let received = |day: Date| (0..usize::from(paid)).any(|k| p.pay[k] == day);
            // The dunning run that sees a receipt of it waits a working day.
            while received(day) {
                day = cal.next_working(day.add_days(1));
            }
            if day > end {
                return;
            }
            let settled: i64 = (0..usize::from(paid))
                .filter(|&k| p.pay[k] <= day)
                .map(|k| p.pay_cash[k] + p.pay_discount[k])
                .sum();
            let open = p.gross - settled;
            if open <= 0 {
                return;
            }
            batch.documents.push(Document {
                document_id: self.doc_id(p, stream::DUNNING + level - 1),
                document_type: "dunning_notice",
                document_date: day,
                due_date: Some(day.add_days(10)),
                amount: open,
                exchange_rate: self.case_rate(p, day),
                reference_document_id: Some(invoice),
                ..*base
            });
        }
    }

    /// What every document of case `p` shares: its company, partner and currency; the
    /// rest (id, type, date, amounts, status, references) is each document's own.
    fn case_document(&self, p: &Plan) -> Document {
        let c = &self.economy.companies[p.company];
        Document {
            document_id: 0,
            document_type: "",
            company_code: c.code,
            partner_id: p.partner_id,
            document_date: p.invoice_date,
            due_date: None,
            amount: 0,
            tax_amount: 0,
            discount_amount: 0,
            currency: crate::world::fx::CURRENCIES[usize::from(p.currency)].into(),
            exchange_rate: crate::world::fx::RATE_ONE,
            status: "completed",
            reference_document_id: None,
            entry_id: None,
            item_count: 0,
            bank_account: None,
        }
    }

    /// The order of case `p` and its items.
    fn order_document(&self, p: &Plan, s: &Streams, base: &Document, batch: &mut Batch) {
        let sale = p.sale();
        let id = self.doc_id(p, s.order);
        let item_count = self.items(p, batch, id, |it| (it.quantity, it.po_price));
        let status = match (sale, p.blocked) {
            (true, true) => "blocked",
            (true, false) => "released",
            _ => "completed",
        };
        batch.documents.push(Document {
            document_id: id,
            document_type: if sale {
                "sales_order"
            } else {
                "purchase_order"
            },
            document_date: p.order_date,
            amount: if sale { p.net_ordered() } else { p.ordered },
            exchange_rate: self.case_rate(p, p.order_date),
            status,
            item_count,
            ..*base
        });
    }

    /// The goods receipt or delivery `role` of case `p` (id from stream `id_stream`)
    /// and its items, after `previous`. A delivery or receipt of part of an order lists
    /// the items it carries, numbered as the order's.
    fn movement_document(
        &self,
        p: &Plan,
        role: Role,
        id_stream: u64,
        base: &Document,
        previous: Option<u128>,
        batch: &mut Batch,
    ) {
        let sale = p.sale();
        let id = self.doc_id(p, id_stream);
        let item_count = if sale {
            self.items(p, batch, id, |it| (p.moved(role, it), it.cost))
        } else {
            self.items(p, batch, id, |it| (p.moved(role, it), it.po_price))
        };
        // A delivery is valued at the company's cost, a receipt at the order's prices.
        let (currency, exchange_rate) = if sale {
            (
                self.economy.companies[p.company].currency,
                crate::world::fx::RATE_ONE,
            )
        } else {
            (base.currency, self.case_rate(p, p.moved_on(role)))
        };
        batch.documents.push(Document {
            document_id: id,
            document_type: if sale { "delivery" } else { "goods_receipt" },
            document_date: p.moved_on(role),
            amount: if sale {
                p.moved_cost(role)
            } else {
                self.receipt_value(p, role)
            },
            currency,
            exchange_rate,
            reference_document_id: previous,
            entry_id: Some(self.entry_id(p.first + p.slot(role))),
            item_count,
            ..*base
        });
    }

    /// Writes a document's items, quantity and unit price from `f`; returns their count.
    /// A delivery or receipt of part of an order leaves out the items it does not carry
    /// (quantity 0); every other document lists each item.
    pub(crate) fn items(
        &self,
        p: &Plan,
        batch: &mut Batch,
        id: u128,
        f: impl Fn(&crate::world::economy::Item) -> (i64, i64),
    ) -> u32 {
        let seed = self.config.seed;
        let mut written = 0;
        for k in 0..p.items {
            let it = self.item_of(p, k);
            let (quantity, unit_price) = f(&it);
            if quantity == 0 && p.split() {
                continue;
            }
            written += 1;
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
        written
    }
}
