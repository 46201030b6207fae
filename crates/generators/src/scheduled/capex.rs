//! The month's purchase of a fixed asset, through procure-to-pay: the vendor's invoice
//! capitalised on the asset's account (taxed as any invoice of that vendor) on the day
//! the asset is acquired, and its payment two weeks later into the vendor's bank
//! account of that day. The asset is in the master data from that day and is
//! depreciated from the next month.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::tax_of;
use crate::world::pools::{accounts as acc, texts, users};
use crate::world::rng::{Draws, record_id, stream};

use super::{Month, Posted};
use synth_model::{Batch, Document, DocumentItem};

impl World {
    /// Slot `q` (0: the invoice, 1: the payment) of month `mo`'s asset purchase.
    pub(super) fn capex(
        &self,
        mo: &Month<'_>,
        q: u64,
        batch: &mut Batch,
        head: &mut Head,
    ) -> Posted {
        let Month {
            md,
            s,
            cal,
            first,
            last,
            month,
            entry_id,
            ..
        } = *mo;
        let c = &self.economy.companies[s.company];
        let Some(asset) = s
            .capex
            .get(month as usize)
            .copied()
            .flatten()
            .and_then(|k| md.fixed_assets.get(k))
        else {
            return (
                "Vendor invoice, fixed asset",
                first,
                "KR",
                "procure_to_pay",
                users::PAYRUN,
                false,
                false,
            );
        };
        let seed = self.config.seed;
        let key = (s.company as u64) << 32 | month;
        // The same draws for the invoice and its payment.
        let mut d = Draws::new(seed, stream::CAPEX, key);
        let configured =
            (self.config.master_data.vendors as usize).clamp(1, md.vendors.len().max(1));
        // One of the vendors whose bank account never changes: a payment within weeks
        // of a change is the mark of a diverted one.
        let v = d.below(configured.min(crate::world::bank::STEADY_VENDORS));
        let (vendor, terms, abroad) = md.vendors.get(v).map_or((0, 30, false), |x| {
            (x.vendor_id, x.payment_terms_days, x.country != c.country)
        });
        let tax = Self::input_tax(c, abroad, &mut d);
        let net = asset.acquisition_cost;
        let reverse = Some(tax) == c.tax.reverse;
        let tax_amount = if reverse { 0 } else { tax_of(tax, net) };
        let gross = net + tax_amount;
        let clerk = crate::world::people::pick_user(users::AP, &mut d);
        let date = asset.acquisition_date;
        let pay = cal.next_working(date.add_days(14)).min(last);
        let docs = self.config.documents.enabled;
        let invoice = record_id(seed, stream::CAPEX_INVOICE, key);
        let payment = record_id(seed, stream::CAPEX_PAYMENT, key);
        let document = |id, document_type, amount, day| {
            crate::post::bare_document(c, vendor, (id, document_type), (amount, day), entry_id)
        };
        if q == 0 {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: asset.account,
                    amount: net,
                    tax: Some(tax),
                    text: asset.description,
                    ..Line::BARE
                },
            );
            Self::tax_line(batch, entry_id, tax, tax_amount);
            if reverse {
                Self::reverse_charge_lines(batch, entry_id, tax, tax_of(tax, net));
            }
            Self::bare_line(
                batch,
                entry_id,
                (acc::PAYABLES, -gross),
                Some(vendor),
                "Vendor invoice",
            );
            if docs {
                batch.documents.push(Document {
                    due_date: Some(date.add_days(i32::from(terms))),
                    tax_amount,
                    status: if pay <= self.economy.end {
                        "paid"
                    } else {
                        "open"
                    },
                    item_count: 1,
                    ..document(invoice, "vendor_invoice", gross, date)
                });
                batch.items.push(DocumentItem {
                    document_id: invoice,
                    item_number: 1,
                    material_id: None,
                    description: asset.description,
                    quantity: 1,
                    unit_price: net,
                    amount: net,
                });
                head.document_id = Some(invoice);
            }
            let text = d.pick(texts::VENDOR_INVOICE);
            (text, date, "KR", "procure_to_pay", clerk, true, true)
        } else {
            Self::bare_line(
                batch,
                entry_id,
                (acc::PAYABLES, gross),
                Some(vendor),
                "Cleared item",
            );
            Self::bare_line(
                batch,
                entry_id,
                (acc::BANK, -gross),
                None,
                "Outgoing payment",
            );
            if docs {
                batch.documents.push(Document {
                    reference_document_id: Some(invoice),
                    bank_account: Some(self.vendor_account(md, v, pay)),
                    ..document(payment, "payment", gross, pay)
                });
                head.document_id = Some(payment);
            }
            head.partner_flow = Some((vendor, true));
            let text = d.pick(texts::PAYMENT);
            (
                text,
                pay,
                "KZ",
                "procure_to_pay",
                users::PAYRUN,
                false,
                true,
            )
        }
    }
}
