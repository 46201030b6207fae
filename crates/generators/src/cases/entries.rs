//! A case's journal entries, one per role that is posted.

use super::{Plan, Role};

/// What a case's entry says of itself: posting date, document date, document type,
/// header text, document, whether approved, and a payment's partner and direction.
type Posting = (
    Date,
    Date,
    &'static str,
    &'static str,
    Option<u128>,
    bool,
    Option<(u128, bool)>,
);
use crate::post::{Head, Line};
use crate::world::World;
use crate::world::clearing::TRANSFER_FEE;
use crate::world::economy::CaseKind;
use crate::world::pools::{SERVICES_BOUGHT, accounts as acc, centers, texts};
use crate::world::rng::{Draws, stream};
use synth_model::{Batch, Date, DateTime};

impl World {
    /// Slot `s` of a case: its goods movement, invoice or a payment.
    pub(crate) fn case_entry(&self, p: &Plan, s: u8, batch: &mut Batch) {
        self.case_entry_as(p, s, p.role(s), batch);
    }

    /// Slot `s` of a case as role `role` (a duplicate payment repeats the first payment
    /// in a free slot).
    pub(crate) fn case_entry_as(&self, p: &Plan, s: u8, role: Role, batch: &mut Batch) {
        use crate::anomalies::Effect;
        let seed = self.config.seed;
        let index = p.first + u64::from(s);
        let entry_id = self.entry_id(index);
        let mut d = Draws::new(seed, stream::ENTRY, index);
        let first_line = batch.lines.len();
        let duplicate = role == Role::Payment(0) && s > p.slot(Role::Payment(0)) as u8;
        let sale = p.sale();
        let (posting, document_date, document_type, header_text, document, approval, flow) =
            match role {
                Role::Movement | Role::Rest => {
                    self.movement_entry(p, role, batch, entry_id, &mut d)
                }
                Role::Invoice => self.invoice_entry(p, batch, entry_id, &mut d),
                Role::Payment(k) => self.payment_entry(p, k, duplicate, batch, entry_id, &mut d),
            };
        let head = Head {
            index,
            company: p.company,
            posting,
            document_date,
            document_type,
            process: if sale {
                "order_to_cash"
            } else {
                "procure_to_pay"
            },
            manual: p.manual[usize::from(role.index())],
            user: p.users[usize::from(role.index())],
            approval,
            header_text,
            document_id: document,
            reversal_of: None,
            partner_flow: flow,
            created: self.same_day_clock(p, role, posting),
            anomaly: match p.anomaly.map(|t| (t, t.effect())) {
                Some((t, Effect::Change(c))) if c.on_duplicate() => Some(t).filter(|_| duplicate),
                Some((t, Effect::Change(c))) if c.on_payment() => {
                    Some(t).filter(|_| role == Role::Payment(0) && !duplicate)
                }
                Some((t, Effect::Change(c))) if c.on_movement_too() => {
                    Some(t).filter(|_| matches!(role, Role::Invoice | Role::Movement))
                }
                Some((t, Effect::Change(_))) => Some(t).filter(|_| role == Role::Invoice),
                // Standalone types stage scenes of their own; no case carries them.
                Some((_, Effect::Twist(_) | Effect::Scene(_))) | None => None,
            },
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut d);
        if matches!(role, Role::Movement | Role::Rest) {
            self.case_stock(p, role, batch);
        }
        // The label is written with the entry that carries it (a kickback's receipt is
        // marked too, and labelled with its invoice).
        if head.anomaly.is_some() && !matches!(role, Role::Movement | Role::Rest) {
            self.label_case(p, index, first_line, batch);
        }
    }

    /// When the goods movement and the invoice of a case posted the same day are
    /// entered: each at a time of day of its kind (by hand in office hours, else mostly
    /// in the night batch), the invoice after the movement it bills (of two movements,
    /// the second); `None` (a time of the entry's own) for other entries.
    fn same_day_clock(&self, p: &Plan, role: Role, posting: Date) -> Option<DateTime> {
        const DAY_END: u32 = 86_399;
        let same_day = p.goods() && !p.skip_movement && p.invoice_post == p.movement;
        if !same_day || (role != p.last_movement() && role != Role::Invoice) {
            return None;
        }
        let mut d = Draws::new(self.config.seed, stream::CASE_CLOCK, p.block);
        let (by_hand, invoice_by_hand) = (p.manual[0], p.manual[1]);
        let mut movement = World::time_of_day(by_hand, &mut d);
        let mut invoice = World::time_of_day(invoice_by_hand, &mut d);
        if invoice <= movement {
            // Each time stays in its kind's hours: two of a kind swap; a batch invoice
            // runs within four hours of a movement entered by hand; a movement from a
            // batch in the day runs from 06:00 before an invoice entered by hand.
            if by_hand == invoice_by_hand {
                (movement, invoice) = (invoice, movement);
                if movement == invoice {
                    movement -= 60;
                }
            } else if by_hand {
                let room = (DAY_END - movement - 60).min(4 * 3600);
                invoice = movement + 60 + d.below(room as usize + 1) as u32;
            } else {
                movement = 6 * 3600 + d.below((invoice - 60 - 6 * 3600) as usize) as u32;
            }
        }
        let at = if role == Role::Invoice {
            invoice
        } else {
            movement
        };
        Some(DateTime::new(posting, at))
    }

    /// A case's goods receipt or delivery (`role`: of an order that moves in two parts,
    /// either).
    fn movement_entry(
        &self,
        p: &Plan,
        role: Role,
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
    ) -> Posting {
        let sale = p.sale();
        let docs = self.config.documents.enabled;
        if sale {
            let cost = p.moved_cost(role);
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::COGS,
                    amount: cost,
                    cost_center: Some(d.pick(centers::LOGISTICS)),
                    text: "Cost of goods sold",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::INVENTORY,
                    amount: -cost,
                    text: "Goods issue",
                    ..Line::BARE
                },
            );
        } else {
            // Inventory at standard cost; an order priced otherwise (or in another
            // currency, at the day's rate) leaves the difference on the price-difference
            // account.
            let received = self.receipt_at_home(p, role);
            let cost = p.moved_cost(role);
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::INVENTORY,
                    amount: cost,
                    text: "Goods receipt",
                    ..Line::BARE
                },
            );
            if received != cost {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PRICE_VARIANCE,
                        amount: received - cost,
                        cost_center: Some(centers::PURCHASING),
                        text: "Price difference on receipt",
                        ..Line::BARE
                    },
                );
            }
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::GR_IR,
                    amount: -received,
                    text: "Goods received, not invoiced",
                    ..Line::BARE
                },
            );
        }
        let (doc_type, text) = if sale {
            ("WL", d.pick(texts::GOODS_ISSUE))
        } else {
            ("WE", d.pick(texts::GOODS_RECEIPT))
        };
        let stream_id = p.movement_stream(role);
        let on = p.moved_on(role);
        (
            on,
            on,
            doc_type,
            text,
            docs.then(|| self.doc_id(p, stream_id)),
            false,
            None,
        )
    }

    /// A case's invoice (role 1).
    fn invoice_entry(&self, p: &Plan, batch: &mut Batch, entry_id: u128, d: &mut Draws) -> Posting {
        let sale = p.sale();
        let docs = self.config.documents.enabled;
        let tax = Some(p.tax);
        let e = &self.economy;
        let (gross, tax_amount) = (
            self.at_home(p, p.gross, p.invoice_date),
            self.at_home(p, p.tax_amount, p.invoice_date),
        );
        let mut rest = gross - tax_amount;
        let item_at_home =
            |rest: &mut i64, k: u32, amount: i64| self.item_at_home(p, rest, k, amount);
        if sale {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::RECEIVABLES,
                    amount: gross,
                    partner: Some(p.partner_id),
                    text: "Customer invoice",
                    ..Line::BARE
                },
            );
            Self::foreign_amount(p, batch, entry_id, p.gross);
            for k in 0..p.items {
                let it = self.item_of(p, k);
                let account = it
                    .material
                    .map_or(acc::REVENUE_SERVICES, |m| e.materials[m].revenue_account);
                let text = if account == acc::REVENUE_PRODUCTS {
                    "Product sale"
                } else {
                    "Service revenue"
                };
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount: -item_at_home(&mut rest, k, it.received * it.price),
                        tax,
                        cost_center: Some(p.cost_center),
                        text,
                        ..Line::BARE
                    },
                );
            }
            Self::tax_line(batch, entry_id, p.tax, -tax_amount);
        } else {
            for k in 0..p.items {
                let it = self.item_of(p, k);
                if p.skip_movement {
                    // No order, no receipt: straight to stock, under the clerk's usual
                    // text (the account tells, not the words).
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account: acc::INVENTORY,
                            amount: item_at_home(&mut rest, k, it.received * it.price),
                            tax,
                            text: "Invoice for goods received",
                            ..Line::BARE
                        },
                    );
                } else if p.kind == CaseKind::P2pGoods {
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account: acc::GR_IR,
                            amount: {
                                let x = self.received_at_home(p, &it);
                                rest -= x;
                                x
                            },
                            tax,
                            text: "Invoice for goods received",
                            ..Line::BARE
                        },
                    );
                } else {
                    let (text, account, _, pool) = SERVICES_BOUGHT[it.service];
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account,
                            amount: item_at_home(&mut rest, k, it.received * it.price),
                            tax,
                            cost_center: Some(d.pick(pool)),
                            text,
                            ..Line::BARE
                        },
                    );
                }
            }
            if p.kind == CaseKind::P2pGoods && !p.skip_movement {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PRICE_VARIANCE,
                        amount: rest,
                        tax,
                        cost_center: Some(centers::PURCHASING),
                        text: "Price difference",
                        ..Line::BARE
                    },
                );
            }
            Self::tax_line(batch, entry_id, p.tax, tax_amount);
            if p.self_assessed != 0 {
                let self_assessed = self.at_home(p, p.self_assessed, p.invoice_date);
                Self::reverse_charge_lines(batch, entry_id, p.tax, self_assessed);
            }
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::PAYABLES,
                    amount: -gross,
                    partner: Some(p.partner_id),
                    text: "Vendor invoice",
                    ..Line::BARE
                },
            );
            Self::foreign_amount(p, batch, entry_id, -p.gross);
        }
        let (doc_type, text, stream_id) = match p.kind {
            CaseKind::P2pGoods => ("KR", d.pick(texts::VENDOR_INVOICE), stream::VENDOR_INVOICE),
            CaseKind::P2pServices => ("KR", d.pick(texts::SERVICE_INVOICE), stream::VENDOR_INVOICE),
            _ => (
                "DR",
                d.pick(texts::CUSTOMER_INVOICE),
                stream::CUSTOMER_INVOICE,
            ),
        };
        let approval = !sale || p.manual[1];
        (
            p.invoice_post,
            p.invoice_date,
            doc_type,
            text,
            docs.then(|| self.doc_id(p, stream_id)),
            approval,
            None,
        )
    }

    /// A case's payment or receipt `k` (a duplicate repeats it).
    fn payment_entry(
        &self,
        p: &Plan,
        k: u8,
        duplicate: bool,
        batch: &mut Batch,
        entry_id: u128,
        d: &mut Draws,
    ) -> Posting {
        let sale = p.sale();
        let docs = self.config.documents.enabled;
        let k = usize::from(k);
        let date = if duplicate {
            self.duplicate_date(p)
        } else {
            p.pay[k]
        };
        // In the company's currency: the cash and the discount at the day's rate, the
        // invoice's share at the invoice's; what differs is realised exchange gain or loss.
        let (cash, discount) = (
            self.at_home(p, p.pay_cash[k], date),
            self.at_home(p, p.pay_discount[k], date),
        );
        let cleared = self.cleared_at_home(p, k);
        let stream_id = match (sale, k) {
            _ if duplicate => stream::DUPLICATE_PAYMENT,
            (true, 0) => stream::RECEIPT,
            (true, _) => stream::RECEIPT2,
            (false, 0) => stream::PAYMENT,
            (false, _) => stream::PAYMENT2,
        };
        if sale {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: cash,
                    text: "Incoming payment",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::SALES_DISCOUNTS,
                    amount: discount,
                    cost_center: Some(p.cost_center),
                    text: "Cash discount granted",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::RECEIVABLES,
                    amount: -cleared,
                    partner: Some(p.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
            );
            Self::foreign_amount(p, batch, entry_id, -Self::cleared_in_currency(p, k));
            Self::exchange_difference(batch, entry_id, cleared - cash - discount);
            (
                p.pay[k],
                p.pay[k],
                "DZ",
                d.pick(texts::RECEIPT),
                docs.then(|| self.doc_id(p, stream_id)),
                false,
                Some((p.partner_id, false)),
            )
        } else {
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::PAYABLES,
                    amount: cleared,
                    partner: Some(p.partner_id),
                    text: "Cleared item",
                    ..Line::BARE
                },
            );
            Self::foreign_amount(p, batch, entry_id, Self::cleared_in_currency(p, k));
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::BANK,
                    amount: -cash,
                    text: "Outgoing payment",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::DISCOUNTS_RECEIVED,
                    amount: -discount,
                    cost_center: Some(centers::FINANCE),
                    text: "Cash discount taken",
                    ..Line::BARE
                },
            );
            Self::exchange_difference(batch, entry_id, cash + discount - cleared);
            if p.foreign() {
                // A transfer abroad, in another currency, costs the bank's fee.
                let fee = self.transfer_fee(p.company);
                Self::paid_from_bank(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK_CHARGES,
                        amount: fee,
                        cost_center: Some(centers::FINANCE),
                        text: TRANSFER_FEE,
                        ..Line::BARE
                    },
                    TRANSFER_FEE,
                );
            }
            (
                date,
                date,
                "KZ",
                d.pick(texts::PAYMENT),
                docs.then(|| self.doc_id(p, stream_id)),
                true,
                Some((p.partner_id, true)),
            )
        }
    }

    /// What company `company`'s bank charges for a transfer in another currency: 15
    /// dollars in its currency at the price list's rate, in whole units.
    pub(crate) fn transfer_fee(&self, company: usize) -> i64 {
        let fx = self.economy.companies[company].fx;
        libm::round(15.0 * fx).max(1.0) as i64 * 100
    }

    /// The line that balances a settlement in another currency: `amount` (debit
    /// positive) on realised exchange losses, or its credit on realised gains.
    fn exchange_difference(batch: &mut Batch, entry_id: u128, amount: i64) {
        Self::line(
            batch,
            entry_id,
            Line {
                account: if amount > 0 {
                    acc::FX_LOSS
                } else {
                    acc::FX_GAIN
                },
                amount,
                cost_center: Some(centers::FINANCE),
                text: if amount > 0 {
                    "Realised exchange loss"
                } else {
                    "Realised exchange gain"
                },
                ..Line::BARE
            },
        );
    }

    /// Item `k`'s `amount` of an invoice in the company's currency at the invoice's rate,
    /// taken from `rest` (what the partner's line less the tax leaves for the items): the
    /// last item takes what rounding leaves, unless a goods receipt's price difference
    /// does.
    fn item_at_home(&self, p: &Plan, rest: &mut i64, k: u32, amount: i64) -> i64 {
        let x = if k + 1 == p.items {
            *rest
        } else {
            self.at_home(p, amount, p.invoice_date)
        };
        *rest -= x;
        x
    }
}
