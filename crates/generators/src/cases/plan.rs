//! A case's plan: everything it decides (partner, items, dates, amounts, roles), from
//! its block index alone.

use crate::world::World;
use crate::world::calendar::PostingCalendar;
use crate::world::economy::Economy;
use crate::world::economy::{CaseKind, Item, Scales, TaxSet, case_kind, tax_of};
use crate::world::master::{MasterData, bills_services_only};
use crate::world::people::{near_limit, pick_user};
use crate::world::pools::{centers, users};
use crate::world::rng::{Draws, record_id, record_key, stream};
use synth_model::Date;

/// Items a plan keeps (most orders have fewer); longer orders recompute the rest.
const CACHED_ITEMS: usize = 6;

/// What an entry of a case is: its goods movement (receipt or delivery), its invoice,
/// or its payment `k` (0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The goods receipt or delivery (of an order that moves in two parts, the first).
    Movement,
    /// The second delivery or receipt of an order that moves in two parts: what was on
    /// back order.
    Rest,
    /// The invoice.
    Invoice,
    /// Payment or receipt `k`.
    Payment(u8),
}

impl Role {
    /// The role's index, as the plan's per-role arrays (users, manual flags) hold it: 0
    /// movement, 1 invoice, 2 and 3 the payments; a second delivery or receipt takes 3
    /// (a case that moves in two parts is paid at once).
    #[inline]
    pub(crate) const fn index(self) -> u8 {
        match self {
            Role::Movement => 0,
            Role::Invoice => 1,
            Role::Payment(k) => 2 + k,
            Role::Rest => 3,
        }
    }

    /// The role of index `i` (see [`Role::index`]).
    #[inline]
    pub(crate) const fn of(i: u8) -> Role {
        match i {
            0 => Role::Movement,
            1 => Role::Invoice,
            k => Role::Payment(k - 2),
        }
    }
}

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
    /// Tax the company self-assesses under the reverse charge (input and output alike;
    /// not on the invoice).
    pub(crate) self_assessed: i64,
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
    pub(crate) anomaly: Option<crate::anomalies::AnomalyType>,
    /// The goods movement is left out (its slot holds a single-entry case).
    pub(crate) skip_movement: bool,
    /// Cash discount of the partner's terms, in hundredths of a percent.
    pub(crate) discount_pct: i64,
    /// Days the partner's cash discount may be taken in.
    pub(crate) discount_days: u16,
    /// Of an order of goods that moves in two parts, the share of each item's quantity
    /// that waits for the second delivery or receipt, in thousandths (0: moved whole).
    pub(crate) backorder: u16,
    /// The first delivery's or receipt's date (the second is `movement`).
    pub(crate) first_delivery: Date,
    /// The second movement's goods at standard cost (part of `cost`).
    pub(crate) backorder_cost: i64,
    /// The currency of its documents ([`crate::world::fx::CURRENCIES`] index): the
    /// partner's own, or the company's. Every amount of the plan is in it, but `cost`.
    pub(crate) currency: u8,
    /// The company's currency.
    pub(crate) home: u8,
    /// A clean tender whose bids come in close together, its order priced above the
    /// standard cost (a look-alike of a rigged one: a market whose prices rose).
    pub(crate) tight_tender: bool,
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

    /// Whether its documents are in another currency than the company's books.
    #[inline]
    pub(crate) fn foreign(&self) -> bool {
        self.currency != self.home
    }

    #[inline]
    pub(crate) fn sale(&self) -> bool {
        matches!(self.kind, CaseKind::O2cGoods | CaseKind::O2cServices)
    }

    /// The role of slot `s` (a case without goods has no movement: its slot 0 is the
    /// invoice; an order that moves in two parts has both movements, the invoice and
    /// its one payment).
    #[inline]
    pub(crate) fn role(&self, s: u8) -> Role {
        if self.split() {
            return match s {
                0 => Role::Movement,
                1 => Role::Rest,
                2 => Role::Invoice,
                _ => Role::Payment(0),
            };
        }
        Role::of(if self.goods() { s } else { s + 1 })
    }

    /// The slot of role `r`.
    #[inline]
    pub(crate) fn slot(&self, r: Role) -> u64 {
        if self.split() {
            return match r {
                Role::Movement => 0,
                Role::Rest => 1,
                Role::Invoice => 2,
                Role::Payment(k) => 3 + u64::from(k),
            };
        }
        let i = r.index();
        u64::from(if self.goods() { i } else { i - 1 })
    }

    /// Whether role `r` is posted.
    #[inline]
    pub(crate) fn is_posted(&self, r: Role) -> bool {
        match r {
            Role::Rest if !self.split() => false,
            Role::Movement if self.skip_movement => false,
            _ => r.index() >= u8::from(!self.goods()) && (self.slot(r) as u8) < self.posted,
        }
    }
}

impl World {
    /// The plan of case block `block`.
    pub(crate) fn plan(&self, block: u64, md: &MasterData) -> Plan {
        let p = self.plan_with(block, md, None);
        let mut p = if p.sale() || !self.bank.quiet(p.partner, &p.pay[..usize::from(p.n_pay)]) {
            p
        } else {
            // It would pay a vendor close to a change of its bank account: it buys from
            // one of the vendors whose account never changes instead.
            let steady = self
                .configured_vendors(md)
                .clamp(1, crate::world::bank::STEADY_VENDORS);
            self.plan_with(block, md, Some(block as usize % steady))
        };
        self.look_alike(&mut p);
        p
    }

    /// The plan of block `block`, buying from vendor `vendor` where given.
    pub(crate) fn plan_with(&self, block: u64, md: &MasterData, vendor: Option<usize>) -> Plan {
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
        let (partner, company) =
            self.case_partner(md, (sale, goods), (block, vendor, drawn_company), &mut d);
        let c = &e.companies[company];
        let (partner_id, terms, discount_pct, discount_days, limit) =
            partner_terms(md, sale, partner);
        let currency = partner_currency(md, sale, partner).unwrap_or(c.currency_index);
        let invoiced = if currency == c.currency_index {
            1.0
        } else {
            crate::world::economy::currency_factor(crate::world::fx::CURRENCIES[currency]) / c.fx
        };
        // An amount of the invoice's currency in the company's, at the price lists' rate
        // (for the limits a clerk knows by heart).
        let at_home = |x: i64| libm::round(x as f64 / invoiced) as i64;
        let scales = Scales {
            purchase_quantity: e.purchase_quantity,
            service_scale: e.service_scale,
            fx: c.fx,
            invoiced,
        };
        let (ordered, received_value, net, cost, cached) =
            priced(e, kind, items_key, items, &scales);
        let (tax, tax_amount, self_assessed) =
            self.case_tax(md, (sale, partner, company), net, &mut d);
        let gross = net + tax_amount;
        let cost_center = match kind {
            CaseKind::O2cGoods => d.pick(centers::SALES),
            CaseKind::O2cServices => d.pick(centers::SERVICES),
            _ => centers::PURCHASING,
        };

        // Dates: the invoice's date is drawn from the calendar; the order and the goods
        // movement come before it, the payments after, by the partner's terms.
        let cal = &c.calendar;
        let start = e.start;
        let anchor = cal.sample(&mut d);
        let manual_movement = d.below(100) < if sale { 30 } else { 50 };
        // Invoices whose entry total (what its approver signs off: the invoice with any
        // tax the company self-assesses on it) is just below an approval limit are
        // captured by the batch, never by hand: so that two of them from one clerk are
        // only ever a labelled `split_purchase`.
        let manual_invoice = d.below(100) < if sale { 10 } else { 40 }
            && (sale || !near_limit(at_home(gross + self_assessed)));
        let manual_pay = d.below(100) < if sale { 15 } else { 5 };
        let with_order = sale || goods || (d.below(100) < 70 && !self.services_only(md, partner));
        let (order_date, movement, invoice_post) = case_dates(
            kind,
            sale,
            (cal, start),
            anchor,
            (manual_movement, manual_invoice),
            &mut d,
        );
        let invoice_date = anchor;
        let due = invoice_date.add_days(i32::from(terms));

        let (pay, pay_cash, pay_discount, n_pay) = payments(
            sale,
            cal,
            gross,
            (invoice_date, invoice_post, due),
            (terms, discount_pct, discount_days),
            &mut d,
        );
        let blocked = sale && limit != i64::MAX && at_home(gross) > limit / 3;

        // Which entries are in the data: those posted by the period's end, and within
        // the run's count of entries.
        let roles: [Date; 4] = [movement, invoice_post, pay[0], pay[1]];
        let first_role = usize::from(!goods);
        let planned = if goods { 2 } else { 1 } + n_pay;
        let first_index = self.layout.total + block * crate::world::economy::SLOTS;
        let posted = if blocked {
            0
        } else {
            self.posted_of(
                first_index,
                &roles[first_role..first_role + usize::from(planned)],
            )
        };
        let users = case_users(sale, [manual_movement, manual_invoice, manual_pay], &mut d);
        let mut p = Plan {
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
            self_assessed,
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
            discount_days,
            backorder: 0,
            first_delivery: movement,
            backorder_cost: 0,
            tight_tender: false,
            currency: currency as u8,
            home: c.currency_index as u8,
        };
        self.back_order(&mut p);
        p
    }

    /// A case's partner and company: a customer drawn (the large ones more often) and the
    /// company it buys from; or a configured vendor (`vendor` where given, an occasional
    /// one where the block has one), never one that bills services only for goods, and
    /// the company drawn (`drawn_company`).
    fn case_partner(
        &self,
        md: &MasterData,
        (sale, goods): (bool, bool),
        (block, vendor, drawn_company): (u64, Option<usize>, usize),
        d: &mut Draws,
    ) -> (usize, usize) {
        let n_partners = if sale {
            md.customers.len()
        } else {
            self.configured_vendors(md)
        }
        .max(1);
        let u = d.unit();
        let partner = ((n_partners as f64 * u * u) as usize).min(n_partners - 1);
        let partner = match vendor {
            _ if sale => partner,
            Some(v) => v,
            None => self
                .bank
                .occasional_vendor(self.config.seed, block)
                .unwrap_or(partner),
        };
        // Goods are bought from the next vendor that sells them.
        let partner = if !sale && goods && self.services_only(md, partner) {
            (1..n_partners)
                .map(|k| (partner + k) % n_partners)
                .find(|v| !self.services_only(md, *v))
                .unwrap_or(partner)
        } else {
            partner
        };
        // A customer buys from its own company (its credit limit is in that company's
        // currency); vendors supply every company.
        let company = if sale {
            crate::world::master::customer_company(partner, self.economy.companies.len())
        } else {
            drawn_company
        };
        (partner, company)
    }

    /// The vendors cases buy from: the configured ones (those after them are
    /// fictitious or occasional).
    fn configured_vendors(&self, md: &MasterData) -> usize {
        md.vendors
            .len()
            .min(self.config.master_data.vendors as usize)
    }

    /// Whether vendor `v` is a configured vendor that bills services only.
    fn services_only(&self, md: &MasterData, v: usize) -> bool {
        v < self.configured_vendors(md) && bills_services_only(self.config.seed, v)
    }

    /// A case's tax code, invoiced tax and self-assessed tax on `net`, from the partner's
    /// country: a customer abroad buys zero-rated (an export or an intra-community
    /// supply); a vendor abroad invoices without tax, which the company self-assesses
    /// (the reverse charge) where its country has a VAT.
    fn case_tax(
        &self,
        md: &MasterData,
        (sale, partner, company): (bool, usize, usize),
        net: i64,
        d: &mut Draws,
    ) -> (usize, i64, i64) {
        let c = &self.economy.companies[company];
        let codes = match md.customers.get(partner) {
            Some(customer) if sale => self.schedules[company].sale_codes(c, customer),
            _ if sale => c.tax.output,
            _ => c.tax.input,
        };
        let drawn = TaxSet::draw(codes, d);
        let abroad = if sale {
            md.customers
                .get(partner)
                .is_some_and(|p| p.country != c.country)
        } else {
            md.vendors
                .get(partner)
                .is_some_and(|p| p.country != c.country)
        };
        let tax = match (abroad, sale, c.tax.reverse) {
            (true, true, _) => c.tax.export,
            (true, false, Some(reverse)) => reverse,
            _ => drawn,
        };
        let (tax_amount, self_assessed) = if Some(tax) == c.tax.reverse {
            (0, tax_of(tax, net))
        } else {
            (tax_of(tax, net), 0)
        };
        (tax, tax_amount, self_assessed)
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
}

impl Plan {
    /// Net of the order at its prices.
    pub(crate) fn net_ordered(&self) -> i64 {
        // Sales are delivered and invoiced as ordered.
        self.net
    }
}

impl World {
    /// How many of a case's entries, dated `roles` in order from its entry `first`, are in
    /// the data: those posted by the period's end, and within the run's count.
    pub(crate) fn posted_of(&self, first: u64, roles: &[Date]) -> u8 {
        let end = self.economy.end;
        let mut posted = roles.iter().take_while(|date| **date <= end).count() as u8;
        let n = self.config.transactions.target_count;
        if first < n {
            posted = posted.min((n - first).min(4) as u8);
        }
        posted
    }
}

/// The currency a partner's documents are in, when it is not the company's.
fn partner_currency(md: &MasterData, sale: bool, partner: usize) -> Option<usize> {
    let code = if sale {
        md.customers.get(partner).map(|c| c.currency)
    } else {
        md.vendors.get(partner).and_then(|v| v.currency)
    }?;
    crate::world::fx::FxRates::index(code)
}

/// A partner's id, payment terms, cash discount (percent in hundredths, days) and
/// credit limit (`i64::MAX` for a vendor).
fn partner_terms(md: &MasterData, sale: bool, partner: usize) -> (u128, u16, i64, u16, i64) {
    if sale {
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
    }
}

/// The order's items priced: ordered, received at order prices, net, cost, and the first
/// items kept.
fn priced(
    e: &Economy,
    kind: CaseKind,
    items_key: u64,
    items: u32,
    scales: &Scales,
) -> (i64, i64, i64, i64, [Item; CACHED_ITEMS]) {
    let (mut ordered, mut received_value, mut net, mut cost) = (0i64, 0i64, 0i64, 0i64);
    let mut cached = [Item::default(); CACHED_ITEMS];
    for k in 0..items {
        let it = e.item(kind, items_key, k, scales);
        if let Some(slot) = cached.get_mut(k as usize) {
            *slot = it;
        }
        ordered += it.quantity * it.po_price;
        received_value += it.received * it.po_price;
        net += it.received * it.price;
        cost += it.received * it.cost;
    }
    (ordered, received_value, net, cost, cached)
}

/// Who enters a case's entries (movement, invoice, two payments): a clerk of the
/// right team where the entry is manual, else its batch user.
fn case_users(sale: bool, manual: [bool; 3], d: &mut Draws) -> [&'static str; 4] {
    let [manual_movement, manual_invoice, manual_pay] = manual;
    if sale {
        [
            if manual_movement {
                pick_user(users::WAREHOUSE, d)
            } else {
                users::MM
            },
            if manual_invoice {
                pick_user(users::AR, d)
            } else {
                users::BATCH_AR
            },
            if manual_pay {
                pick_user(users::AR, d)
            } else {
                users::BANK
            },
            if manual_pay {
                pick_user(users::AR, d)
            } else {
                users::BANK
            },
        ]
    } else {
        [
            if manual_movement {
                pick_user(users::WAREHOUSE, d)
            } else {
                users::MM
            },
            if manual_invoice {
                pick_user(users::AP, d)
            } else {
                users::BATCH_AP
            },
            if manual_pay {
                pick_user(users::AP, d)
            } else {
                users::PAYRUN
            },
            if manual_pay {
                pick_user(users::AP, d)
            } else {
                users::PAYRUN
            },
        ]
    }
}

/// A case's payments: most on time, some early with the cash discount, some late, a few
/// in two parts; never before the invoice is posted. Their dates, cash, discounts and
/// count.
fn payments(
    sale: bool,
    cal: &PostingCalendar,
    gross: i64,
    (invoice_date, invoice_post, due): (Date, Date, Date),
    (terms, discount_pct, discount_days): (u16, i64, u16),
    d: &mut Draws,
) -> ([Date; 2], [i64; 2], [i64; 2], u8) {
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
            (false, _) => late(d, 45.0),
            (true, _) => late(d, 60.0),
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
    (pay, pay_cash, pay_discount, n_pay)
}

/// A case's order date, goods movement (or service date) and invoice posting date,
/// around the invoice's date `anchor`: a manual movement on a working day, a manual
/// invoice posted a working day later.
fn case_dates(
    kind: CaseKind,
    sale: bool,
    (cal, start): (&PostingCalendar, Date),
    anchor: Date,
    (manual_movement, manual_invoice): (bool, bool),
    d: &mut Draws,
) -> (Date, Date, Date) {
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
    match kind {
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
    }
}
