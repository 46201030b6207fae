//! The open items a company opens its books with, settled early in the period.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::master::MasterData;
use crate::world::pools::{accounts as acc, users};
use crate::world::rng::{record_id, stream};
use crate::world::schedules::OpenItem;

use synth_model::{Batch, Document};

impl World {
    /// The receipt or payment that settles an open item of the opening balances, and
    /// (with documents on) the invoice it settles and its own document.
    pub(super) fn settle_open_item(
        &self,
        item: &OpenItem,
        head: &mut Head,
        batch: &mut Batch,
        entry_id: u128,
        md: &MasterData,
    ) {
        let seed = self.config.seed;
        let invoice = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2);
        let payment = record_id(seed, stream::OPENING_DOCUMENT, item.index * 2 + 1);
        if item.customer {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: item.gross,
                    text: "Incoming payment",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::RECEIVABLES,
                    amount: -item.gross,
                    partner: Some(item.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
            );
        } else {
            Self::paid_from_bank(
                batch,
                entry_id,
                Line {
                    account: acc::PAYABLES,
                    amount: item.gross,
                    partner: Some(item.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
                "Outgoing payment",
            );
        }
        let docs = self.config.documents.enabled;
        *head = Head {
            posting: item.settle,
            document_date: item.settle,
            document_type: if item.customer { "DZ" } else { "KZ" },
            process: if item.customer {
                "order_to_cash"
            } else {
                "procure_to_pay"
            },
            manual: false,
            user: if item.customer {
                users::BANK
            } else {
                users::PAYRUN
            },
            approval: !item.customer,
            header_text: if item.customer {
                "Incoming payment"
            } else {
                "Payment run"
            },
            document_id: docs.then_some(payment),
            reversal_of: None,
            partner_flow: Some((item.partner_id, !item.customer)),
            ..*head
        };
        if docs {
            let c = &self.economy.companies[head.company];
            let doc =
                |id, document_type, date, due_date, tax_amount, reference, entry_id| Document {
                    document_id: id,
                    document_type,
                    company_code: c.code,
                    partner_id: item.partner_id,
                    document_date: date,
                    due_date,
                    amount: item.gross,
                    tax_amount,
                    discount_amount: 0,
                    exchange_rate: crate::world::fx::RATE_ONE,
                    currency: c.currency,
                    status: if due_date.is_some() {
                        "paid"
                    } else {
                        "completed"
                    },
                    reference_document_id: reference,
                    entry_id,
                    item_count: 0,
                    bank_account: None,
                };
            let (inv_type, pay_type) = if item.customer {
                ("customer_invoice", "receipt")
            } else {
                ("vendor_invoice", "payment")
            };
            batch.documents.push(doc(
                invoice,
                inv_type,
                item.date,
                Some(item.due),
                item.tax,
                None,
                None,
            ));
            batch.documents.push(Document {
                bank_account: (!item.customer)
                    .then(|| self.vendor_account(md, item.partner, item.settle)),
                ..doc(
                    payment,
                    pay_type,
                    item.settle,
                    None,
                    0,
                    Some(invoice),
                    Some(entry_id),
                )
            });
        }
    }
}
