//! Business cases: procure to pay and order to cash, each a block of entry slots whose
//! documents, entries, dates and amounts follow from the block's index; and the
//! single-entry cases that fill the free slots.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::{
    CaseKind, FillerKind, Item, Scales, TaxSet, case_kind, filler_kind, filler_median, tax_of,
};
use crate::world::master::MasterData;
use crate::world::people::{near_limit, off_round, petty_cap, pick_user};
use crate::world::pools::{self, SERVICES_BOUGHT, USERS, accounts as acc, centers, texts, users};
use crate::world::rng::{Draws, record_id, record_key, stream};
use synth_model::{Batch, Date, Document, DocumentItem};

/// Items a plan keeps (most orders have fewer); longer orders recompute the rest.
const CACHED_ITEMS: usize = 6;

/// Everything a case decides, recomputable from its block index alone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) block: u64,
    /// Entry index of the block's first slot.
    pub(crate) first: u64,
    pub(crate) kind: CaseKind,
    pub(crate) company: usize,
    pub(crate) partner_id: u128,
    /// Index of the partner in its master table.
    pub(crate) partner: usize,
    pub(crate) items_key: u64,
    pub(crate) items: u32,
    pub(crate) tax: usize,
    pub(crate) scales: Scales,
    pub(crate) net: i64,
    pub(crate) tax_amount: i64,
    pub(crate) gross: i64,
    /// Σ quantity × order price.
    pub(crate) ordered: i64,
    /// Σ received × order price (the goods receipt's value).
    pub(crate) received_value: i64,
    /// Σ received × standard cost (cost of goods sold).
    pub(crate) cost: i64,
    pub(crate) cost_center: usize,
    pub(crate) blocked: bool,
    pub(crate) with_order: bool,
    pub(crate) order_date: Date,
    pub(crate) movement: Date,
    pub(crate) invoice_date: Date,
    pub(crate) invoice_post: Date,
    pub(crate) due: Date,
    pub(crate) pay: [Date; 2],
    pub(crate) pay_cash: [i64; 2],
    pub(crate) pay_discount: [i64; 2],
    pub(crate) n_pay: u8,
    pub(crate) manual: [bool; 4],
    pub(crate) users: [&'static str; 4],
    /// How many of the case's entries are in the data (a prefix of them).
    pub(crate) posted: u8,
    /// The first items, as drawn when planning (each document and entry reuses them).
    pub(crate) cached: [Item; CACHED_ITEMS],
    /// The irregularity this case carries, if any.
    pub(crate) anomaly: Option<crate::anomaly::AnomalyType>,
    /// The goods movement is left out (its slot holds a single-entry case).
    pub(crate) skip_movement: bool,
    /// Cash discount of the partner's terms, in hundredths of a percent.
    pub(crate) discount_pct: i64,
}

impl Plan {
    /// The block this plan is for.
    #[inline]
    pub fn block(&self) -> u64 {
        self.block
    }

    #[inline]
    pub(crate) fn goods(&self) -> bool {
        matches!(self.kind, CaseKind::P2pGoods | CaseKind::O2cGoods)
    }

    #[inline]
    pub(crate) fn sale(&self) -> bool {
        matches!(self.kind, CaseKind::O2cGoods | CaseKind::O2cServices)
    }

    /// The role of slot `s`: 0 goods movement, 1 invoice, 2 and 3 payments.
    #[inline]
    pub(crate) fn role(&self, s: u8) -> u8 {
        if self.goods() { s } else { s + 1 }
    }

    /// The slot of role `r`.
    #[inline]
    pub(crate) fn slot(&self, r: u8) -> u64 {
        u64::from(if self.goods() { r } else { r - 1 })
    }

    /// Whether role `r` is posted.
    #[inline]
    pub(crate) fn is_posted(&self, r: u8) -> bool {
        !(r == 0 && self.skip_movement)
            && r >= u8::from(!self.goods())
            && (self.slot(r) as u8) < self.posted
    }
}

impl World {
    /// The plan of case block `block`.
    pub(crate) fn plan(&self, block: u64, md: &MasterData) -> Plan {
        let p = self.plan_with(block, md, None);
        if p.sale() || !self.bank.quiet(p.partner, &p.pay[..usize::from(p.n_pay)]) {
            return p;
        }
        // It would pay a vendor close to a change of its bank account: it buys from one
        // of the vendors whose account never changes instead.
        let steady = (md.vendors.len())
            .min(self.config.master_data.vendors as usize)
            .clamp(1, crate::world::bank::STEADY_VENDORS);
        self.plan_with(block, md, Some(block as usize % steady))
    }

    /// The plan of block `block`, buying from vendor `vendor` where given.
    fn plan_with(&self, block: u64, md: &MasterData, vendor: Option<usize>) -> Plan {
        let seed = self.config.seed;
        let e = &self.economy;
        let key = record_key(seed, stream::CASE, block);
        let kind = case_kind(key);
        let mut d = Draws::from_key(key);
        let items_key = d.bits();
        let items = e.item_count(&self.config, &mut d);
        let drawn_company = d.below(e.companies.len());
        let sale = matches!(kind, CaseKind::O2cGoods | CaseKind::O2cServices);
        let goods = matches!(kind, CaseKind::P2pGoods | CaseKind::O2cGoods);
        // Cases buy from the configured vendors (those after them are fictitious).
        let n_partners = if sale {
            md.customers.len()
        } else {
            md.vendors
                .len()
                .min(self.config.master_data.vendors as usize)
        }
        .max(1);
        let u = d.unit();
        let partner = ((n_partners as f64 * u * u) as usize).min(n_partners - 1);
        let partner = match vendor {
            _ if sale => partner,
            Some(v) => v,
            None => self.bank.occasional_vendor(seed, block).unwrap_or(partner),
        };
        // A customer buys from its own company (its credit limit is in that company's
        // currency); vendors supply every company.
        let company = if sale {
            crate::world::master::customer_company(partner, e.companies.len())
        } else {
            drawn_company
        };
        let c = &e.companies[company];
        let (partner_id, terms, discount_pct, discount_days, limit) = if sale {
            md.customers
                .get(partner)
                .map_or((0, 30, 0, 0, i64::MAX), |p| {
                    (
                        p.customer_id,
                        p.payment_terms_days,
                        p.cash_discount_percent,
                        p.cash_discount_days,
                        p.credit_limit,
                    )
                })
        } else {
            md.vendors
                .get(partner)
                .map_or((0, 30, 0, 0, i64::MAX), |p| {
                    (
                        p.vendor_id,
                        p.payment_terms_days,
                        p.cash_discount_percent,
                        p.cash_discount_days,
                        i64::MAX,
                    )
                })
        };
        let scales = Scales {
            purchase_quantity: e.purchase_quantity,
            service_scale: e.service_scale,
            fx: c.fx,
        };
        let (mut ordered, mut received_value, mut net, mut cost) = (0i64, 0i64, 0i64, 0i64);
        let mut cached = [Item::default(); CACHED_ITEMS];
        for k in 0..items {
            let it = e.item(kind, items_key, k, &scales);
            if let Some(slot) = cached.get_mut(k as usize) {
                *slot = it;
            }
            ordered += it.quantity * it.po_price;
            received_value += it.received * it.po_price;
            net += it.received * it.price;
            cost += it.received * it.cost;
        }
        let tax = TaxSet::draw(if sale { c.tax.output } else { c.tax.input }, &mut d);
        let tax_amount = tax_of(tax, net);
        let gross = net + tax_amount;
        let cost_center = match kind {
            CaseKind::O2cGoods => d.pick(centers::SALES),
            CaseKind::O2cServices => d.pick(centers::SERVICES),
            _ => centers::PURCHASING,
        };

        // Dates: the invoice's date is drawn from the calendar; the order and the goods
        // movement come before it, the payments after, by the partner's terms.
        let cal = &c.calendar;
        let (start, end) = (e.start, e.end);
        let anchor = cal.sample(&mut d);
        let manual_movement = d.below(100) < if sale { 30 } else { 50 };
        // Invoices just below an approval limit are captured by the batch, never by
        // hand: so that two of them from one clerk are only ever a labelled
        // `split_purchase`.
        let manual_invoice =
            d.below(100) < if sale { 10 } else { 40 } && (sale || !near_limit(gross));
        let manual_pay = d.below(100) < if sale { 15 } else { 5 };
        let on_working = |date: Date, manual: bool| {
            if !manual {
                return date;
            }
            let back = cal.previous_working(date);
            if back >= start {
                back
            } else {
                cal.next_working(start)
            }
        };
        let with_order = sale || goods || d.below(100) < 70;
        let (order_date, movement, invoice_post) = match kind {
            CaseKind::P2pGoods => {
                let gr = on_working(
                    anchor.add_days(-(d.below(8) as i32)).max(start),
                    manual_movement,
                );
                let order = gr.add_days(-(3 + d.below(25) as i32));
                let mut post = anchor.add_days(d.below(4) as i32).max(gr);
                if manual_invoice {
                    post = cal.next_working(post);
                }
                (order, gr, post)
            }
            CaseKind::O2cGoods => {
                let delivery = on_working(
                    anchor.add_days(-(d.below(3) as i32)).max(start),
                    manual_movement,
                );
                let order = delivery.add_days(-(1 + d.below(10) as i32));
                let mut post = anchor.max(delivery);
                if manual_invoice {
                    post = cal.next_working(post);
                }
                (order, delivery, post)
            }
            CaseKind::P2pServices | CaseKind::O2cServices => {
                let order = anchor.add_days(-(3 + d.below(35) as i32));
                let mut post = if sale {
                    anchor
                } else {
                    anchor.add_days(d.below(4) as i32)
                };
                if manual_invoice {
                    post = cal.next_working(post);
                }
                (order, anchor, post)
            }
        };
        let invoice_date = anchor;
        let due = invoice_date.add_days(i32::from(terms));

        // Payments: most on time, some early with the cash discount, some late, a few
        // in two parts; never before the invoice is posted.
        let mut pay = [Date(i32::MAX); 2];
        let mut pay_cash = [0i64; 2];
        let mut pay_discount = [0i64; 2];
        let late = |d: &mut Draws, spread: f64| {
            let u = d.unit();
            due.add_days(1 + (spread * u * u) as i32)
        };
        let partial = d.below(100) < if sale { 5 } else { 3 };
        let r = d.below(100);
        let first = if discount_days > 0 && r < if sale { 50 } else { 70 } && !partial {
            pay_discount[0] = (gross as i128 * i128::from(discount_pct) / 10_000) as i64;
            invoice_date.add_days(2 + d.below(usize::from(discount_days).max(2) - 1) as i32)
        } else {
            let r = d.below(100);
            match (sale, r) {
                (_, 0..5) => invoice_date
                    .add_days(5 + d.below(usize::from(terms).saturating_sub(5).max(1)) as i32),
                (false, 5..82) => due.add_days(-(d.below(4) as i32)),
                (true, 5..60) => due.add_days(d.below(6) as i32 - 3),
                (false, _) => late(&mut d, 45.0),
                (true, _) => late(&mut d, 60.0),
            }
        };
        pay[0] = cal.next_working(first.max(invoice_post.add_days(1)));
        let n_pay = if partial {
            pay_cash[0] = (gross as f64 * (0.4 + 0.4 * d.unit())).round() as i64;
            if pay_cash[0] * 2 == gross {
                // Two equal parts would look like a payment made twice.
                pay_cash[0] += 1;
            }
            pay_cash[1] = gross - pay_cash[0];
            pay[1] = cal.next_working(pay[0].add_days(14 + d.below(30) as i32));
            2
        } else {
            pay_cash[0] = gross - pay_discount[0];
            1
        };
        let blocked = sale && limit != i64::MAX && gross > limit / 3;

        // Which entries are in the data: those posted by the period's end, and within
        // the run's count of entries.
        let roles: [Date; 4] = [movement, invoice_post, pay[0], pay[1]];
        let first_role = usize::from(!goods);
        let planned = if goods { 2 } else { 1 } + n_pay;
        let mut posted = 0u8;
        if !blocked {
            posted = roles[first_role..first_role + usize::from(planned)]
                .iter()
                .take_while(|date| **date <= end)
                .count() as u8;
        }
        let first_index = self.layout.total + block * crate::world::economy::SLOTS;
        let n = self.config.transactions.target_count;
        if first_index < n {
            posted = posted.min((n - first_index).min(4) as u8);
        }
        let users = if sale {
            [
                if manual_movement {
                    pick_user(users::WAREHOUSE, &mut d)
                } else {
                    users::MM
                },
                if manual_invoice {
                    pick_user(users::AR, &mut d)
                } else {
                    users::BATCH_AR
                },
                if manual_pay {
                    pick_user(users::AR, &mut d)
                } else {
                    users::BANK
                },
                if manual_pay {
                    pick_user(users::AR, &mut d)
                } else {
                    users::BANK
                },
            ]
        } else {
            [
                if manual_movement {
                    pick_user(users::WAREHOUSE, &mut d)
                } else {
                    users::MM
                },
                if manual_invoice {
                    pick_user(users::AP, &mut d)
                } else {
                    users::BATCH_AP
                },
                if manual_pay {
                    pick_user(users::AP, &mut d)
                } else {
                    users::PAYRUN
                },
                if manual_pay {
                    pick_user(users::AP, &mut d)
                } else {
                    users::PAYRUN
                },
            ]
        };
        Plan {
            block,
            first: first_index,
            kind,
            company,
            partner_id,
            partner,
            items_key,
            items,
            tax,
            scales,
            net,
            tax_amount,
            gross,
            ordered,
            received_value,
            cost,
            cost_center,
            blocked,
            with_order,
            order_date,
            movement,
            invoice_date,
            invoice_post,
            due,
            pay,
            pay_cash,
            pay_discount,
            n_pay,
            manual: [manual_movement, manual_invoice, manual_pay, manual_pay],
            users,
            posted,
            cached,
            anomaly: None,
            skip_movement: false,
            discount_pct,
        }
    }

    /// Item `k` of a planned case.
    #[inline]
    pub(crate) fn item_of(&self, p: &Plan, k: u32) -> Item {
        match p.cached.get(k as usize) {
            Some(it) => *it,
            None => self.economy.item(p.kind, p.items_key, k, &p.scales),
        }
    }

    pub(crate) fn doc_id(&self, p: &Plan, what: u64) -> u128 {
        record_id(self.config.seed, what, p.block)
    }

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
        if p.anomaly == Some(crate::anomaly::AnomalyType::DuplicatePayment)
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
    fn items(
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

    /// Slot `s` of a case: its goods movement, invoice or a payment.
    pub(crate) fn case_entry(&self, p: &Plan, s: u8, batch: &mut Batch) {
        self.case_entry_as(p, s, p.role(s), batch);
    }

    /// Slot `s` of a case as role `role` (a duplicate payment repeats role 2 in a free
    /// slot).
    pub(crate) fn case_entry_as(&self, p: &Plan, s: u8, role: u8, batch: &mut Batch) {
        use crate::anomaly::AnomalyType as A;
        let seed = self.config.seed;
        let index = p.first + u64::from(s);
        let entry_id = self.entry_id(index);
        let mut d = Draws::new(seed, stream::ENTRY, index);
        let first_line = batch.lines.len();
        let duplicate = role == 2 && s > p.slot(2) as u8;
        let sale = p.sale();
        let docs = self.config.documents.enabled;
        let tax = Some(p.tax);
        let (posting, document_date, document_type, header_text, document, approval, flow) =
            match role {
                0 => {
                    if sale {
                        Self::line(
                            batch,
                            entry_id,
                            Line {
                                account: acc::COGS,
                                amount: p.cost,
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
                                amount: -p.cost,
                                text: "Goods issue",
                                ..Line::BARE
                            },
                        );
                    } else {
                        Self::line(
                            batch,
                            entry_id,
                            Line {
                                account: acc::INVENTORY,
                                amount: p.received_value,
                                text: "Goods receipt",
                                ..Line::BARE
                            },
                        );
                        Self::line(
                            batch,
                            entry_id,
                            Line {
                                account: acc::GR_IR,
                                amount: -p.received_value,
                                text: "Goods received, not invoiced",
                                ..Line::BARE
                            },
                        );
                    }
                    let (doc_type, text, stream_id) = if sale {
                        ("WL", d.pick(texts::GOODS_ISSUE), stream::DELIVERY)
                    } else {
                        ("WE", d.pick(texts::GOODS_RECEIPT), stream::GOODS_RECEIPT)
                    };
                    (
                        p.movement,
                        p.movement,
                        doc_type,
                        text,
                        docs.then(|| self.doc_id(p, stream_id)),
                        false,
                        None,
                    )
                }
                1 => {
                    let e = &self.economy;
                    if sale {
                        Self::line(
                            batch,
                            entry_id,
                            Line {
                                account: acc::RECEIVABLES,
                                amount: p.gross,
                                partner: Some(p.partner_id),
                                text: "Customer invoice",
                                ..Line::BARE
                            },
                        );
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
                                    amount: -(it.received * it.price),
                                    tax,
                                    cost_center: Some(p.cost_center),
                                    text,
                                    ..Line::BARE
                                },
                            );
                        }
                        Self::tax_line(batch, entry_id, p.tax, -p.tax_amount);
                    } else {
                        for k in 0..p.items {
                            let it = self.item_of(p, k);
                            if p.skip_movement {
                                // No order, no receipt: straight to stock.
                                Self::line(
                                    batch,
                                    entry_id,
                                    Line {
                                        account: acc::INVENTORY,
                                        amount: it.received * it.price,
                                        tax,
                                        text: "Invoice for goods",
                                        ..Line::BARE
                                    },
                                );
                            } else if p.kind == CaseKind::P2pGoods {
                                Self::line(
                                    batch,
                                    entry_id,
                                    Line {
                                        account: acc::GR_IR,
                                        amount: it.received * it.po_price,
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
                                        amount: it.received * it.price,
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
                                    amount: p.net - p.received_value,
                                    tax,
                                    cost_center: Some(centers::PURCHASING),
                                    text: "Price difference",
                                    ..Line::BARE
                                },
                            );
                        }
                        Self::tax_line(batch, entry_id, p.tax, p.tax_amount);
                        Self::line(
                            batch,
                            entry_id,
                            Line {
                                account: acc::PAYABLES,
                                amount: -p.gross,
                                partner: Some(p.partner_id),
                                text: "Vendor invoice",
                                ..Line::BARE
                            },
                        );
                    }
                    let (doc_type, text, stream_id) = match p.kind {
                        CaseKind::P2pGoods => {
                            ("KR", d.pick(texts::VENDOR_INVOICE), stream::VENDOR_INVOICE)
                        }
                        CaseKind::P2pServices => {
                            ("KR", d.pick(texts::SERVICE_INVOICE), stream::VENDOR_INVOICE)
                        }
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
                _ => {
                    let k = usize::from(role - 2);
                    let (cash, discount) = (p.pay_cash[k], p.pay_discount[k]);
                    let stream_id = match (sale, k) {
                        _ if duplicate => stream::DUPLICATE_PAYMENT,
                        (true, 0) => stream::RECEIPT,
                        (true, _) => stream::RECEIPT2,
                        (false, 0) => stream::PAYMENT,
                        (false, _) => stream::PAYMENT2,
                    };
                    let date = if duplicate {
                        self.duplicate_date(p)
                    } else {
                        p.pay[k]
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
                                amount: -(cash + discount),
                                partner: Some(p.partner_id),
                                text: "Cleared item",
                                ..Line::BARE
                            },
                        );
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
                                amount: cash + discount,
                                partner: Some(p.partner_id),
                                text: "Cleared item",
                                ..Line::BARE
                            },
                        );
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
            manual: p.manual[usize::from(role)],
            user: p.users[usize::from(role)],
            approval,
            header_text,
            document_id: document,
            reversal_of: None,
            partner_flow: flow,
            anomaly: match p.anomaly {
                Some(A::DuplicatePayment) => p.anomaly.filter(|_| duplicate),
                Some(A::InvoiceWithoutOrder | A::PriceVariance | A::RevenueBeforeDelivery) => {
                    p.anomaly.filter(|_| role == 1)
                }
                // Standalone types stage scenes of their own; no case carries them.
                Some(
                    A::SplitPurchase
                    | A::SelfApproval
                    | A::ApprovalAboveLimit
                    | A::OffHoursEntry
                    | A::RoundAmount
                    | A::UnusualAccountPair
                    | A::BackdatedEntry
                    | A::ReversalReposted
                    | A::BenfordViolation
                    | A::FictitiousVendor
                    | A::VendorBankChange,
                )
                | None => None,
            },
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut d);
        if head.anomaly.is_some() {
            self.label_case(p, index, first_line, batch);
        }
    }

    /// A single-entry case in a free slot of a block: an expense claim, a direct debit,
    /// a petty cash purchase or a reclassification.
    pub(crate) fn filler(&self, slot: u64, batch: &mut Batch) {
        self.filler_with(slot, batch, &Twist::NONE);
    }

    /// A single-entry case, changed as `tw` says (the anomalies that are one entry).
    pub(crate) fn filler_with(&self, slot: u64, batch: &mut Batch, tw: &Twist) {
        let seed = self.config.seed;
        let e = &self.economy;
        let index = self.layout.total + slot;
        let entry_id = self.entry_id(index);
        let mut d = Draws::new(seed, stream::FILLER, slot);
        let drawn_kind = filler_kind(&mut d);
        let kind = tw.kind.unwrap_or(drawn_kind);
        let drawn_company = d.below(e.companies.len());
        let company = tw.company.unwrap_or(drawn_company);
        let c = &e.companies[company];
        let z = d.normal();
        // Reclassifications move amounts of any size (and so follow Benford's law).
        let sigma = if kind == FillerKind::Reclass {
            1.5
        } else {
            0.8
        };
        let mut amount = libm::round(
            filler_median(kind)
                * e.price_scale
                * e.filler_scale
                * c.fx
                * 100.0
                * libm::exp(sigma * z),
        )
        .max(100.0) as i64;
        let drawn_date = c.calendar.sample_working(&mut d);
        let date = tw.date.unwrap_or(drawn_date);
        let first_line = batch.lines.len();
        let tax = TaxSet::draw(c.tax.input, &mut d);
        if let Some(a) = tw.amount {
            amount = a;
        }
        if tw.self_approve {
            // Within the user's own limit: only the approval itself is irregular.
            amount = amount.min(users::APPROVERS[0].1 * 4 / 5 - 1_111);
        }
        let (document_type, process, manual, user, approval, header_text) = match kind {
            _ if tw.cash_against_expense => {
                let amount = off_round(amount);
                let account = d.pick(&[acc::OFFICE_SUPPLIES, acc::TRAVEL, 690000]);
                let cash = if d.below(2) == 0 {
                    acc::CASH
                } else {
                    acc::BANK
                };
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: cash,
                        amount,
                        text: "Cash",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount: -amount,
                        cost_center: Some(d.pick(centers::ALL)),
                        text: "Expense correction",
                        ..Line::BARE
                    },
                );
                (
                    "SA",
                    "expenses",
                    true,
                    pick_user(users::GL, &mut d),
                    true,
                    d.pick(texts::PETTY_CASH),
                )
            }
            FillerKind::ExpenseClaim | FillerKind::DirectDebit | FillerKind::PettyCash => {
                let (account, centers_pool) = match kind {
                    FillerKind::ExpenseClaim => (acc::TRAVEL, centers::ALL),
                    FillerKind::DirectDebit => (
                        d.pick(&[acc::UTILITIES, 650000, 690000, acc::PROFESSIONAL_FEES]),
                        centers::OVERHEAD,
                    ),
                    _ => (
                        d.pick(&[acc::OFFICE_SUPPLIES, acc::OFFICE_SUPPLIES, acc::TRAVEL]),
                        centers::ALL,
                    ),
                };
                if kind == FillerKind::PettyCash && tw.amount.is_none() {
                    amount = amount.min(petty_cap(e.price_scale, c.fx)).max(100);
                    // Clean G/L postings are never round thousands (see `off_round`).
                    if off_round(amount + tax_of(tax, amount)) != amount + tax_of(tax, amount) {
                        amount += 1;
                    }
                }
                let t = tax_of(tax, amount);
                let text = match kind {
                    FillerKind::ExpenseClaim => "Travel and subsistence",
                    FillerKind::DirectDebit => "Direct debit",
                    _ => "Petty cash purchase",
                };
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount,
                        tax: Some(tax),
                        cost_center: Some(d.pick(centers_pool)),
                        text,
                        ..Line::BARE
                    },
                );
                Self::tax_line(batch, entry_id, tax, t);
                let credit = if kind == FillerKind::PettyCash {
                    acc::CASH
                } else {
                    acc::BANK
                };
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: credit,
                        amount: -(amount + t),
                        text: if credit == acc::CASH {
                            "Paid from petty cash"
                        } else {
                            "Bank"
                        },
                        ..Line::BARE
                    },
                );
                match kind {
                    FillerKind::ExpenseClaim => (
                        "SA",
                        "expenses",
                        false,
                        users::EXPENSE,
                        true,
                        d.pick(texts::EXPENSE_CLAIM),
                    ),
                    FillerKind::DirectDebit => (
                        "ZB",
                        "treasury",
                        false,
                        users::BANK,
                        false,
                        d.pick(texts::DIRECT_DEBIT),
                    ),
                    _ => (
                        "SA",
                        "expenses",
                        true,
                        pick_user(users::GL, &mut d),
                        true,
                        d.pick(texts::PETTY_CASH),
                    ),
                }
            }
            FillerKind::Reclass => {
                // Manual adjustments are often round.
                if d.below(100) < 60 && tw.amount.is_none() && amount >= 100_000 {
                    amount = off_round((amount / 10_000).max(1) * 10_000);
                }
                let account = d.pick(acc::RECLASS);
                let from = d.pick(centers::ALL);
                let mut to = d.pick(centers::ALL);
                if to == from {
                    to = centers::ALL[(from + 1) % centers::ALL.len()];
                }
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount,
                        cost_center: Some(to),
                        text: "Reclass to cost center",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account,
                        amount: -amount,
                        cost_center: Some(from),
                        text: "Reclass from cost center",
                        ..Line::BARE
                    },
                );
                (
                    "SA",
                    "general_ledger",
                    true,
                    pick_user(users::GL, &mut d),
                    true,
                    d.pick(texts::RECLASS),
                )
            }
        };
        let head = Head {
            index,
            company,
            posting: date,
            document_date: date,
            document_type,
            process,
            manual,
            user,
            approval,
            header_text,
            document_id: None,
            reversal_of: None,
            partner_flow: None,
            anomaly: tw.anomaly,
            approver: if tw.self_approve {
                Some(user)
            } else {
                tw.approver_tier.map(|t| {
                    let r = users::APPROVERS[t].0.clone();
                    let mut k = r.start + d.below(r.end - r.start);
                    if USERS[k].0 == user {
                        k = r.start + (k - r.start + 1) % (r.end - r.start);
                    }
                    USERS[k].0
                })
            },
            created: tw.created,
        };
        let _ = pools::COST_CENTERS.len();
        self.close(batch, &head, first_line, &mut d);
    }
}

impl Plan {
    /// Net of the order at its prices.
    fn net_ordered(&self) -> i64 {
        // Sales are delivered and invoiced as ordered.
        self.net
    }
}

/// What a single-entry case changes to carry an anomaly ([`Twist::NONE`]: nothing).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Twist {
    /// The irregularity, for the entry's label columns.
    pub anomaly: Option<crate::anomaly::AnomalyType>,
    /// The kind of case, instead of the drawn one.
    pub kind: Option<FillerKind>,
    /// The company, instead of the drawn one.
    pub company: Option<usize>,
    /// The amount (net), instead of the drawn one.
    pub amount: Option<i64>,
    /// The posting date, instead of the drawn one.
    pub date: Option<Date>,
    /// When it was entered, instead of the posting date in office hours.
    pub created: Option<synth_model::DateTime>,
    /// Approved by the user who entered it.
    pub self_approve: bool,
    /// Approved by a user of this approval tier, whatever the amount.
    pub approver_tier: Option<usize>,
    /// Cash or bank debited against an expense credited.
    pub cash_against_expense: bool,
}

impl Twist {
    /// No change.
    pub const NONE: Twist = Twist {
        anomaly: None,
        kind: None,
        company: None,
        amount: None,
        date: None,
        created: None,
        self_approve: false,
        approver_tier: None,
        cash_against_expense: false,
    };
}
