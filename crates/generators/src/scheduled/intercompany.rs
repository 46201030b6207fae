//! The group's intercompany service charges and shipments of goods: every month each
//! configured seller invoices its buyer for services (a share of the buyer's revenue, in
//! the seller's currency) and ships it trading goods (at its standard cost plus a
//! markup), and each side posts its half in its own books. The seller books the
//! receivable on the invoice's date; the buyer books the payable one to six working days
//! later (so at a month end an invoice may be booked by one side only), pays it 30 days
//! after the invoice, and the seller's bank books the money one or two working days after
//! that (cash in transit at a month end). The `intercompany` table lists each invoice and
//! payment with both sides' entries: the matching of the group's two ledgers.
//!
//! A buyer in another country self-assesses its VAT under the reverse charge; a buyer
//! in another currency books the payable at the invoice day's rate and the payment at
//! its own, the difference a realised exchange gain or loss. In the period's last month
//! what would fall after its end is posted on its last working day: the group settles
//! before it closes.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::tax_of;
use crate::world::fx::convert;
use crate::world::layout::Flow;
use crate::world::pools::{accounts as acc, centers, users};
use crate::world::rng::{Draws, record_id, stream};
use crate::world::stock::Move;

use super::{Month, Posted};
use synth_model::{Batch, Date, IntercompanyDocument};

/// Days from an intercompany invoice to its due date.
const TERMS_DAYS: i32 = 30;
/// The markup on the seller's standard cost at which group companies sell goods to each
/// other (cost plus, the usual transfer price of a group's distributors).
const GOODS_MARKUP: f64 = 0.08;
/// The most materials one shipment carries.
const SHIPMENT_LINES: usize = 3;

/// A month's shipment of trading goods: its materials and units (unused lines 0
/// units), and what they cost at standard on each side, in each one's currency.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shipment {
    /// (material index, units) per line.
    pub lines: [(usize, i64); SHIPMENT_LINES],
    /// The units' standard cost at the seller.
    pub cost_seller: i64,
    /// The units' standard cost at the buyer.
    pub cost_buyer: i64,
}

/// One month's charge of one pair of group companies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Charge {
    /// Seller and buyer (company indices).
    pub seller: usize,
    pub buyer: usize,
    /// The amount, in the seller's currency.
    pub amount: i64,
    /// The invoice's date (the seller's posting date).
    pub invoice: Date,
    /// When it is due.
    pub due: Date,
    /// When the buyer posts the invoice.
    pub booked: Date,
    /// When the buyer pays it.
    pub paid: Date,
    /// When the seller's bank books the money.
    pub received: Date,
    /// The amount in the buyer's currency at the invoice day's rate.
    pub at_buyer: i64,
    /// The amount in the buyer's currency at the payment day's rate.
    pub paid_at_buyer: i64,
    /// The goods shipped, for a shipment.
    pub goods: Option<Shipment>,
}

impl World {
    /// The service charge (`kind` [`Flow::Services`]) or shipment of goods of `pair`
    /// (of [`crate::world::layout::Layout::pairs`]) in month `month`.
    pub(crate) fn charge(&self, pair: usize, month: u64, kind: Flow) -> Option<Charge> {
        let &(seller, buyer) = self.layout.pairs.get(pair)?;
        let (s, b) = (
            self.economy.companies.get(seller)?,
            self.economy.companies.get(buyer)?,
        );
        let (_, _, first, last) = self.month_dates(month);
        let goods = kind == Flow::Goods;
        let mut d = Draws::new(
            self.config.seed,
            if goods {
                stream::IC_GOODS
            } else {
                stream::INTERCOMPANY
            },
            (pair as u64) << 32 | month,
        );
        // Invoiced on a working day from the 5th to the 26th.
        let day = first.add_days(4 + d.below(22) as i32);
        let mut invoice = s.calendar.next_working(day);
        if invoice > last {
            invoice = s.calendar.previous_working(last);
        }
        // Nothing after the period's end: its last working day on each side.
        let end = self.economy.end;
        let cap = |x: Date, cal: &crate::world::calendar::PostingCalendar, not_before: Date| {
            if x > end {
                cal.previous_working(end).max(not_before)
            } else {
                x
            }
        };
        let mut booked = invoice;
        for _ in 0..1 + d.below(6) {
            booked = b.calendar.next_working(booked.add_days(1));
        }
        let booked = cap(booked, &b.calendar, invoice);
        let due = invoice.add_days(TERMS_DAYS);
        let paid = cap(b.calendar.next_working(due), &b.calendar, booked);
        let mut received = paid;
        for _ in 0..1 + d.below(2) {
            received = s.calendar.next_working(received.add_days(1));
        }
        let received = cap(received, &s.calendar, paid);
        let rates = &self.economy.fx_rates;
        // A share of the buyer's revenue, 85% to 115% of it, in the seller's currency.
        let group = &self.config.group;
        let configured = if goods {
            group.goods_trade
        } else {
            group.service_charge
        };
        let share = configured * (0.85 + 0.3 * d.unit());
        let base = libm::round(b.revenue_month * share) as i64;
        let mut amount = convert(
            base,
            rates.rate(b.currency_index, s.currency_index, invoice),
        )
        .max(100);
        let shipment = if goods {
            let (invoiced, shipment) = self.shipment((seller, buyer), amount, &mut d)?;
            amount = invoiced;
            Some(shipment)
        } else {
            None
        };
        let at = |date| convert(amount, rates.rate(s.currency_index, b.currency_index, date));
        Some(Charge {
            seller,
            buyer,
            amount,
            invoice,
            due,
            booked,
            paid,
            received,
            at_buyer: at(invoice),
            paid_at_buyer: at(paid),
            goods: shipment,
        })
    }

    /// A shipment worth about `target` (the seller's currency) at the transfer price:
    /// one to three trading goods, the units of each a like part of it (at least one),
    /// and what it is invoiced at. None without trading goods.
    fn shipment(
        &self,
        (seller, buyer): (usize, usize),
        target: i64,
        d: &mut Draws,
    ) -> Option<(i64, Shipment)> {
        let goods = &self.economy.goods;
        if goods.is_empty() {
            return None;
        }
        let (s_fx, b_fx) = (
            self.economy.companies.get(seller)?.fx,
            self.economy.companies.get(buyer)?.fx,
        );
        let n = 1 + d.below(SHIPMENT_LINES);
        let mut shipment = Shipment::default();
        let mut invoiced = 0;
        for k in 0..n {
            let m = goods[d.below(goods.len())];
            let cost = self.economy.unit_cost(m, s_fx);
            let price = (libm::round(cost as f64 * (1.0 + GOODS_MARKUP)) as i64).max(1);
            let units = (target / n as i64 / price).max(1);
            // A material drawn twice is one line.
            let at = (0..k)
                .find(|&j| shipment.lines[j].0 == m && shipment.lines[j].1 > 0)
                .unwrap_or(k);
            shipment.lines[at] = (m, shipment.lines[at].1 + units);
            invoiced += units * price;
            shipment.cost_seller += units * cost;
            shipment.cost_buyer += units * self.economy.unit_cost(m, b_fx);
        }
        Some((invoiced, shipment))
    }

    /// The id of entry `index`, where the run has it.
    pub(super) fn entry_in_run(&self, index: u64) -> Option<u128> {
        (index < self.config.transactions.target_count).then(|| self.entry_id(index))
    }

    /// Slot `q` of month `mo`'s intercompany postings (see
    /// [`crate::world::layout::CompanyLayout::intercompany`]).
    pub(super) fn intercompany(
        &self,
        mo: &Month<'_>,
        q: u64,
        batch: &mut Batch,
        head: &mut Head,
    ) -> Posted {
        let Month {
            l,
            first,
            month,
            entry_id,
            ..
        } = *mo;
        // Not reached: every slot of the layout has its flow, every pair its charge (a
        // run has trading goods: the first material is one).
        let unplanned = unplanned("Intercompany service charge", first);
        let Some(&(flow, sells, r)) = l.intercompany.get(q as usize) else {
            return unplanned;
        };
        let Some(&(pair, kind)) = self.layout.flows.get(flow) else {
            return unplanned;
        };
        if kind == Flow::Loan {
            return self.loan_posting(mo, (flow, pair), sells, batch);
        }
        let Some(c) = self.charge(pair, month, kind) else {
            return unplanned;
        };
        let seed = self.config.seed;
        let key = (pair as u64) << 32 | month;
        let (invoice_stream, payment_stream) = match kind {
            Flow::Goods => (stream::IC_GOODS_INVOICE, stream::IC_GOODS_PAYMENT),
            _ => (stream::IC_INVOICE, stream::IC_PAYMENT),
        };
        let invoice_id = record_id(seed, invoice_stream, key);
        let index =
            |seller, r| self.entry_in_run(self.layout.intercompany_index(flow, seller, r, month));
        let (s, b) = (
            &self.economy.companies[c.seller],
            &self.economy.companies[c.buyer],
        );
        let invoice = IntercompanyDocument {
            document_id: invoice_id,
            document_type: "invoice",
            reference_document_id: None,
            seller_company: s.code,
            buyer_company: b.code,
            document_date: c.invoice,
            due_date: Some(c.due),
            amount: c.amount,
            currency: s.currency,
            seller_entry_id: index(true, 0),
            seller_posting_date: c.invoice,
            seller_amount: c.amount,
            buyer_entry_id: index(false, 0),
            buyer_posting_date: c.booked,
            buyer_amount: c.at_buyer,
            buyer_currency: b.currency,
            flow: if kind == Flow::Goods {
                "goods"
            } else {
                "services"
            },
        };
        match (sells, r) {
            (true, 0) => {
                batch.intercompany.push(invoice);
                Self::ic_invoice(&c, batch, entry_id)
            }
            (false, 0) => {
                head.document_date = c.invoice;
                self.ic_booking(&c, batch, entry_id)
            }
            (false, _) => {
                batch.intercompany.push(IntercompanyDocument {
                    document_id: record_id(seed, payment_stream, key),
                    document_type: "payment",
                    reference_document_id: Some(invoice_id),
                    document_date: c.paid,
                    due_date: None,
                    seller_entry_id: index(true, 1),
                    seller_posting_date: c.received,
                    buyer_entry_id: index(false, 1),
                    buyer_posting_date: c.paid,
                    ..invoice
                });
                self.ic_payment(&c, batch, entry_id)
            }
            (true, _) => Self::ic_receipt(&c, batch, entry_id),
        }
    }

    /// The seller's invoice: its receivable from the buyer and its revenue, and for a
    /// shipment the goods issued at standard cost.
    fn ic_invoice(c: &Charge, batch: &mut Batch, entry_id: u128) -> Posted {
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::IC_RECEIVABLES,
                amount: c.amount,
                text: "Receivable from group company",
                ..Line::BARE
            },
        );
        let (revenue, text) = match c.goods {
            Some(_) => (acc::IC_GOODS_REVENUE, "Goods sold to group company"),
            None => (acc::IC_REVENUE, "Group services charged"),
        };
        Self::line(
            batch,
            entry_id,
            Line {
                account: revenue,
                amount: -c.amount,
                cost_center: Some(0),
                text,
                ..Line::BARE
            },
        );
        let mut header = "Intercompany service charge";
        if let Some(g) = c.goods {
            header = "Intercompany goods delivery";
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::IC_GOODS_COST,
                    amount: g.cost_seller,
                    cost_center: centers::LOGISTICS.first().copied(),
                    text: "Cost of goods sold to group company",
                    ..Line::BARE
                },
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::INVENTORY,
                    amount: -g.cost_seller,
                    text: "Goods issue",
                    ..Line::BARE
                },
            );
        }
        (
            header,
            c.invoice,
            "DR",
            "intercompany",
            users::BATCH_AR,
            false,
            false,
        )
    }

    /// The stock movements of slot `q` (from the month's first) of company `ci`'s month
    /// `month` where it is a shipment's delivery (the seller's first posting) or its
    /// receipt (the buyer's), written with its entry (the batch's last).
    pub(super) fn ic_stock_rows(&self, ci: usize, q: u64, month: u64, batch: &mut Batch) {
        let Some(l) = self.layout.companies.get(ci) else {
            return;
        };
        let Some(&(flow, sells, 0)) = q
            .checked_sub(l.intercompany_slot())
            .and_then(|k| l.intercompany.get(k as usize))
        else {
            return;
        };
        let Some(&(pair, Flow::Goods)) = self.layout.flows.get(flow) else {
            return;
        };
        let Some(g) = self.charge(pair, month, Flow::Goods).and_then(|c| c.goods) else {
            return;
        };
        let fx = self.economy.companies[ci].fx;
        for (k, &(material, units)) in g.lines.iter().enumerate() {
            if units == 0 {
                continue;
            }
            self.push_stock(
                batch,
                Move {
                    kind: if sells {
                        "intercompany_issue"
                    } else {
                        "intercompany_receipt"
                    },
                    material,
                    quantity: if sells { -units } else { units },
                    unit_cost: self.economy.unit_cost(material, fx),
                    partner: None,
                    key: k as u64,
                    anomaly: None,
                },
            );
        }
    }

    /// The amount `amount` in the seller's currency of the buyer's line on its payable,
    /// noted for the month-end revaluation where that is another currency than its own.
    fn ic_foreign(&self, c: &Charge, batch: &mut Batch, entry_id: u128, amount: i64) {
        let (s, b) = (
            &self.economy.companies[c.seller],
            &self.economy.companies[c.buyer],
        );
        if s.currency_index != b.currency_index {
            batch.foreign.push(synth_model::ForeignAmount {
                entry_id,
                currency: s.currency,
                amount,
            });
        }
    }

    /// The buyer's posting of the invoice: its expense, or the goods received into
    /// stock at its standard cost and what they cost above it (with the VAT it
    /// self-assesses on a service or goods from abroad), and its payable to the seller.
    fn ic_booking(&self, c: &Charge, batch: &mut Batch, entry_id: u128) -> Posted {
        let (s, b) = (
            &self.economy.companies[c.seller],
            &self.economy.companies[c.buyer],
        );
        let reverse = if s.country != b.country {
            b.tax.reverse
        } else {
            None
        };
        let text = match c.goods {
            Some(g) => {
                for (account, amount, text) in [
                    (acc::INVENTORY, g.cost_buyer, "Goods receipt"),
                    (
                        acc::IC_PRICE_VARIANCE,
                        c.at_buyer - g.cost_buyer,
                        "Price difference to group company",
                    ),
                ] {
                    if amount == 0 {
                        continue;
                    }
                    Self::line(
                        batch,
                        entry_id,
                        Line {
                            account,
                            amount,
                            tax: reverse,
                            cost_center: (account == acc::IC_PRICE_VARIANCE)
                                .then(|| centers::LOGISTICS.first().copied())
                                .flatten(),
                            text,
                            ..Line::BARE
                        },
                    );
                }
                "Intercompany goods receipt"
            }
            None => {
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::IC_CHARGES,
                        amount: c.at_buyer,
                        tax: reverse,
                        cost_center: Some(0),
                        text: "Group services received",
                        ..Line::BARE
                    },
                );
                "Intercompany service charge"
            }
        };
        if let Some(tax) = reverse {
            Self::reverse_charge_lines(batch, entry_id, tax, tax_of(tax, c.at_buyer));
        }
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::IC_PAYABLES,
                amount: -c.at_buyer,
                text: "Payable to group company",
                ..Line::BARE
            },
        );
        self.ic_foreign(c, batch, entry_id, -c.amount);
        (
            text,
            c.booked,
            "KR",
            "intercompany",
            users::BATCH_AP,
            false,
            false,
        )
    }

    /// The buyer's payment: the payable cleared at what the invoice booked, the bank
    /// at the payment day's rate, the difference a realised gain or loss.
    fn ic_payment(&self, c: &Charge, batch: &mut Batch, entry_id: u128) -> Posted {
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::IC_PAYABLES,
                amount: c.at_buyer,
                text: "Cleared item",
                ..Line::BARE
            },
        );
        self.ic_foreign(c, batch, entry_id, c.amount);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: -c.paid_at_buyer,
                text: "Outgoing payment",
                ..Line::BARE
            },
        );
        let difference = c.paid_at_buyer - c.at_buyer;
        let (account, text) = if difference > 0 {
            (acc::FX_LOSS, "Realised exchange loss")
        } else {
            (acc::FX_GAIN, "Realised exchange gain")
        };
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: difference,
                cost_center: Some(centers::FINANCE),
                text,
                ..Line::BARE
            },
        );
        (
            "Intercompany payment",
            c.paid,
            "KZ",
            "intercompany",
            users::PAYRUN,
            false,
            false,
        )
    }

    /// The seller's receipt, on the day its bank books the money.
    fn ic_receipt(c: &Charge, batch: &mut Batch, entry_id: u128) -> Posted {
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: c.amount,
                text: "Incoming payment",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::IC_RECEIVABLES,
                amount: -c.amount,
                text: "Cleared item",
                ..Line::BARE
            },
        );
        (
            "Intercompany receipt",
            c.received,
            "DZ",
            "intercompany",
            users::BANK,
            false,
            false,
        )
    }
}

/// The header of an intercompany slot whose flow the layout does not have (not reached:
/// every slot has its flow, every pair its companies): a general posting of the group's
/// on `day`.
pub(super) fn unplanned(text: &'static str, day: Date) -> Posted {
    (
        text,
        day,
        "SA",
        "intercompany",
        users::GL_AUTO,
        false,
        false,
    )
}
