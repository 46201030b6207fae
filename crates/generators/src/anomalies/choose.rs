//! Which block carries which anomaly (one per window of blocks, drawn by the
//! selector, the first eligible case of the window), how a case is changed to carry
//! one, and the label rows of the `anomalies` table.

use crate::anomalies::Touched;
use crate::anomalies::{AnomalyType as A, Change, Effect, MAX_TRIES};
use crate::cases::{Plan, Role};
use crate::world::World;
use crate::world::economy::{CaseKind, SLOTS, tax_of};
use crate::world::master::MasterData;
use crate::world::pools::accounts as acc;
use crate::world::rng::{Draws, record_id, stream};
use crate::world::scenes::{Scene, scene_of};
use synth_model::{Anomaly, Batch, Date, IdList, LineList};

/// The anomalies chosen for the last windows of blocks, as the fill loop keeps them
/// (two, by the window's parity: an interleaved group of blocks may span two windows).
pub(crate) type WindowChoice = [Option<(u64, Option<(u64, A)>)>; 2];

impl World {
    /// The anomaly block `block` carries, if any (`cache` keeps its windows' choices).
    pub(crate) fn anomaly_of(
        &self,
        block: u64,
        md: &MasterData,
        cache: &mut WindowChoice,
    ) -> Option<A> {
        if !self.selector.enabled() {
            return None;
        }
        let w = self.selector.window_of(block);
        let cache = &mut cache[(w % 2) as usize];
        let choice = match cache {
            Some((cw, c)) if *cw == w => *c,
            _ => {
                let c = self.choose(w, md);
                *cache = Some((w, c));
                c
            }
        };
        choice.filter(|(b, _)| *b == block).map(|(_, t)| t)
    }

    /// How many anomalies of each type the entries `range` hold (their labels are
    /// written with those entries), in [`A::ALL`] order.
    pub(crate) fn anomaly_counts(&self, range: std::ops::Range<u64>) -> Vec<(A, u64)> {
        let mut counts: Vec<(A, u64)> = A::ALL.iter().map(|t| (*t, 0)).collect();
        let k = self.layout.total;
        if !self.selector.enabled() || range.end <= k.max(range.start) {
            return counts;
        }
        let md = std::sync::Arc::clone(self.registry.get());
        // The blocks whose entries the range may hold: those of the interleaved groups
        // it touches.
        let span = crate::world::layout::INTERLEAVE;
        let first_block = (range.start.max(k) - k) / SLOTS / span * span;
        let end = self.config.transactions.target_count;
        let last_block = (((range.end - 1 - k) / SLOTS / span + 1) * span - 1)
            .min(end.saturating_sub(k + 1) / SLOTS);
        for w in self.selector.window_of(first_block)..=self.selector.window_of(last_block) {
            let Some((b, t)) = self.choose(w, &md) else {
                continue;
            };
            let p = self.plan_for(b, Some(t), &md);
            // The entry that carries the label.
            let at = match t.effect() {
                Effect::Change(c) if c.on_duplicate() => p.first + u64::from(p.posted),
                Effect::Change(c) if c.on_payment() => p.first + p.slot(Role::Payment(0)),
                Effect::Change(_) => p.first + p.slot(Role::Invoice),
                Effect::Twist(_) | Effect::Scene(_) => p.first,
            };
            if let Some(c) = counts
                .iter_mut()
                .find(|(x, _)| *x == t)
                .filter(|_| range.contains(&self.layout.position_of(at, end)))
            {
                c.1 += 1;
            }
        }
        counts
    }

    /// The block and type of window `w`'s anomaly; `None` when no block of the window
    /// can carry its type.
    pub(crate) fn choose(&self, w: u64, md: &MasterData) -> Option<(u64, A)> {
        let t = self.selector.type_of(w);
        let end = self.config.transactions.target_count;
        if t.standalone() {
            return self
                .selector
                .standalone_block(w, self.layout.total, end)
                .filter(|b| t != A::VendorBankChange || self.bank.fraud(*b).is_some())
                .filter(|b| t != A::PayrollDiversion || self.diversions.of(*b).is_some())
                .filter(|b| t != A::InventoryTheft || self.thefts.of(*b).is_some())
                .filter(|b| t != A::GhostEmployee || self.diversions.ghost(*b).is_some())
                .filter(|b| {
                    t != A::FormerEmployeeClaim
                        || self.former_claimant(self.scene(*b).company, *b).is_some()
                })
                .map(|b| (b, t));
        }
        let r = self.selector.window(w);
        let n = r.end - r.start;
        let first = self.selector.first_candidate(w);
        for j in 0..n.min(MAX_TRIES) {
            let b = r.start + (first - r.start + j) % n;
            let first_index = self.layout.total + b * SLOTS;
            if first_index + SLOTS > end {
                continue;
            }
            if self.eligible(&self.base_plan(b, Some(t), md), t, md) {
                return Some((b, t));
            }
        }
        None
    }

    /// Whether a case can carry an anomaly of type `t` that changes it.
    pub(crate) fn eligible(&self, p: &Plan, t: A, md: &MasterData) -> bool {
        let end = self.economy.end;
        let planned = u8::from(p.goods()) + 1 + p.n_pay;
        let Effect::Change(c) = t.effect() else {
            // Standalone types replace a case instead of changing one.
            return false;
        };
        // An order that moves in two parts stays clean: its entries are not where the
        // changes expect them.
        if p.split() {
            return false;
        }
        // A kickback prices the order off the standard cost, which is the company's
        // currency's: a vendor invoicing in its own currency prices by its own rate.
        if p.foreign() && matches!(c, Change::Kickback) {
            return false;
        }
        match c {
            Change::Duplicate => {
                !p.sale()
                    && p.n_pay == 1
                    && p.posted == planned
                    && usize::from(p.posted) < SLOTS as usize
                    && p.pay[0].add_days(self.duplicate_lag().1 + 4) <= end
            }
            Change::WithoutOrder => p.kind == CaseKind::P2pGoods && p.posted >= 2,
            Change::PriceVariance => {
                p.kind == CaseKind::P2pGoods && p.posted >= 2 && p.n_pay == 1 && p.items >= 1
            }
            Change::EarlyRevenue => {
                let (y, m, day) = p.movement.ymd();
                let (sy, sm, _) = self.economy.start.ymd();
                p.kind == CaseKind::O2cGoods
                    && !p.blocked
                    && p.posted >= 2
                    && day <= self.level(t).pick(10, 6, 4)
                    && (y, m) != (sy, sm)
            }
            Change::Transposed => {
                p.kind == CaseKind::P2pGoods
                    && p.posted >= 2
                    && p.n_pay == 1
                    && p.items >= 1
                    && p.cached[0].price == p.cached[0].po_price
                    && transposed(p.cached[0].po_price, self.level(t)).is_some()
            }
            Change::BillAndHold => {
                p.kind == CaseKind::O2cGoods
                    && !p.blocked
                    && p.posted >= 2
                    && self.bill_and_hold_date(p).is_some()
            }
            Change::OrderAfterInvoice => {
                p.kind == CaseKind::P2pGoods
                    && p.with_order
                    && p.posted >= 2
                    && p.invoice_date.add_days(self.order_lag(p.block).0) <= end
            }
            Change::UnearnedDiscount => {
                p.sale()
                    && p.n_pay == 1
                    && p.discount_pct > 0
                    && p.is_posted(crate::cases::Role::Payment(0))
                    && self.late_discount_date(p) <= end
            }
            // A kickback's order is one no tender awards; a rigged tender's is one the
            // ring's member whose turn it is wins.
            Change::Kickback | Change::BidRigging => {
                let it = &p.cached[0];
                let tender = match c {
                    Change::BidRigging => {
                        self.tendered(p)
                            && self.ring_winner(md, p.company, p.block) == Some(p.partner)
                    }
                    _ => !self.tendered(p),
                };
                p.kind == CaseKind::P2pGoods
                    && p.with_order
                    && p.posted >= 2
                    && p.n_pay == 1
                    && p.items >= 1
                    && it.price == it.po_price
                    && tender
            }
            Change::Diverted => {
                !p.sale()
                    && p.n_pay == 1
                    && p.is_posted(crate::cases::Role::Payment(0))
                    && !self.bank.changes(p.partner)
            }
            Change::Unrecorded => {
                let post = self.unrecorded_post(p);
                // Its payment moves with the late posting: never near a change of the
                // vendor's bank account, which only a `vendor_bank_change` pays into.
                p.kind == CaseKind::P2pServices
                    && !self.bank.changes(p.partner)
                    && p.posted >= 1
                    && p.n_pay == 1
                    && post <= end
                    && post.ymd().1 != p.invoice_date.ymd().1
            }
        }
    }

    /// The bank account a `payment_diversion` case's payment goes to: that of one of
    /// the company's employees employed on the day; `None` for any other case.
    pub(crate) fn diverted_to(
        &self,
        p: &Plan,
        md: &MasterData,
    ) -> Option<synth_model::BankAccount> {
        if p.anomaly != Some(A::PaymentDiversion) {
            return None;
        }
        let code = self.economy.companies[p.company].code;
        let day = p.pay[0];
        let staff = md.employees.iter().filter(|e| {
            e.company_code == code && e.hire_date <= day && e.leave_date.is_none_or(|l| l >= day)
        });
        let n = staff.clone().count();
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_PARTY, p.block);
        staff.clone().nth(d.below(n.max(1))).map(|e| e.bank_account)
    }

    /// The invoice date of a bill-and-hold sale: the last working day of a month before
    /// its delivery, 45-90 days before it (easy), 25-45 (realistic), 16-25 (hard).
    fn bill_and_hold_date(&self, p: &Plan) -> Option<Date> {
        let cal = &self.economy.companies[p.company].calendar;
        let (low, high) = self
            .level(A::BillAndHold)
            .pick((45, 90), (25, 45), (16, 25));
        let (mut y, mut m, _) = p.movement.ymd();
        for _ in 0..4 {
            let first = Date::from_ymd(y, m, 1)?;
            let invoice = cal.previous_working(first.add_days(-1));
            let gap = p.movement.0 - invoice.0;
            if invoice < self.economy.start {
                return None;
            }
            if (low..=high).contains(&gap) {
                return Some(invoice);
            }
            (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
        }
        None
    }

    /// The fewest and most days a purchase order is raised after its invoice: 10-30
    /// (easy), 3-9 (realistic), 1-2 (hard); and the drawn lag of block `block`.
    fn order_lag(&self, block: u64) -> (i32, i32) {
        let (low, high) = self
            .level(A::PurchaseOrderAfterInvoice)
            .pick((10, 30), (3, 9), (1, 2));
        (high, self.drawn_lag(block, low, high))
    }

    /// Days from `low` to `high`, drawn for block `block`'s anomaly.
    fn drawn_lag(&self, block: u64, low: i32, high: i32) -> i32 {
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_CASE, block);
        low + d.below((high - low + 1) as usize) as i32
    }

    /// When the payment of an `unearned_discount` comes: 20-40 days after the discount
    /// period (easy), 10-19 (realistic), 6-9 (hard), on a working day.
    fn late_discount_date(&self, p: &Plan) -> Date {
        let cal = &self.economy.companies[p.company].calendar;
        let (low, high) = self
            .level(A::UnearnedDiscount)
            .pick((20, 40), (10, 19), (6, 9));
        let late = self.drawn_lag(p.block, low, high) + i32::from(p.discount_days);
        cal.next_working(
            p.invoice_date
                .add_days(late)
                .max(p.invoice_post.add_days(1)),
        )
    }

    /// When the service invoice of an `unrecorded_liability` is posted: 35-70 days after
    /// its date (easy), 15-30 (realistic), 11-14 (hard), on a working day.
    fn unrecorded_post(&self, p: &Plan) -> Date {
        let cal = &self.economy.companies[p.company].calendar;
        let (low, high) = self
            .level(A::UnrecordedLiability)
            .pick((35, 70), (15, 30), (11, 14));
        cal.next_working(p.invoice_date.add_days(self.drawn_lag(p.block, low, high)))
    }

    /// Changes clean case `p` into a look-alike of a case anomaly whose type is set
    /// above `easy`, for a share of the cases: what its rule flags too (a service invoice
    /// that arrived late, an order priced above the standard cost after the vendor's
    /// price rose, a cash discount allowed on a payment the bank booked days late).
    /// A tender's bids that come in close together, its order priced above the
    /// standard cost after the market's prices rose, is a look-alike of a rigged one.
    /// About two per anomaly of the type (realistic), five (hard); none at `easy`.
    pub(crate) fn look_alike(&self, p: &mut Plan) {
        use crate::anomalies::Difficulty;
        const TYPES: [A; 4] = [
            A::UnrecordedLiability,
            A::Kickback,
            A::UnearnedDiscount,
            A::BidRigging,
        ];
        let a = &self.config.anomalies;
        if !a.enabled || TYPES.iter().all(|t| a.level(*t) == Difficulty::Easy) {
            return;
        }
        let total: f64 = A::ALL.iter().map(|t| a.weights.get(*t).max(0.0)).sum();
        let mut d = Draws::new(self.config.seed, stream::LOOK_ALIKE, p.block);
        let u = d.unit();
        let mut below = 0.0;
        // A case of the kind each needs is about one in four (a tender one in forty).
        let Some(t) = TYPES.into_iter().find(|t| {
            let kind = if *t == A::BidRigging { 40.0 } else { 4.0 };
            let per_anomaly = a.level(*t).pick(0.0, 2.0, 5.0) * kind;
            below +=
                a.rate * a.weights.get(*t).max(0.0) / total.max(f64::MIN_POSITIVE) * per_anomaly;
            u < below
        }) else {
            return;
        };
        let cal = &self.economy.companies[p.company].calendar;
        let end = self.economy.end;
        match t {
            A::UnrecordedLiability => {
                let post = cal.next_working(p.invoice_date.add_days(11 + d.below(10) as i32));
                let fits = p.kind == CaseKind::P2pServices
                    && p.posted >= 1
                    && p.n_pay == 1
                    && !self.bank.changes(p.partner)
                    && post <= end
                    && post.ymd().1 != p.invoice_date.ymd().1;
                if fits {
                    p.invoice_post = post;
                    p.pay[0] = p.pay[0].max(cal.next_working(post.add_days(2 + d.below(6) as i32)));
                    p.posted = self.posted_of(p.first, &[p.invoice_post, p.pay[0]]);
                }
            }
            A::Kickback | A::BidRigging => {
                let it = p.cached[0];
                let tender = self.tendered(p);
                if p.kind == CaseKind::P2pGoods
                    && !p.foreign()
                    && p.n_pay == 1
                    && p.items >= 1
                    && it.price == it.po_price
                    && (t == A::Kickback || tender)
                {
                    p.tight_tender = t == A::BidRigging;
                    let price = libm::round(it.cost as f64 * (1.035 + 0.045 * d.unit())) as i64;
                    p.ordered += it.quantity * (price - it.po_price);
                    p.received_value += it.received * (price - it.po_price);
                    p.cached[0].po_price = price;
                    reprice(p, price);
                }
            }
            _ => {
                let late = p
                    .invoice_date
                    .add_days(i32::from(p.discount_days) + 6 + d.below(4) as i32);
                let pay = cal.next_working(late.max(p.invoice_post.add_days(1)));
                let fits = p.sale()
                    && p.n_pay == 1
                    && p.discount_pct > 0
                    && p.is_posted(crate::cases::Role::Payment(0))
                    && pay <= end;
                if fits {
                    p.pay[0] = pay;
                    p.pay_discount[0] =
                        (p.gross as i128 * i128::from(p.discount_pct) / 10_000) as i64;
                    p.pay_cash[0] = p.gross - p.pay_discount[0];
                }
            }
        }
    }

    /// The plan of block `block` before `anomaly` changes it: a rigged tender's buys
    /// from the member of the company's ring whose turn it is to win.
    fn base_plan(&self, block: u64, anomaly: Option<A>, md: &MasterData) -> Plan {
        if anomaly != Some(A::BidRigging) {
            return self.plan(block, md);
        }
        let p = self.plan_with(block, md, None);
        match self.ring_winner(md, p.company, block) {
            Some(v) => self.plan_with(block, md, Some(v)),
            None => p,
        }
    }

    /// The plan of block `block`, changed to carry `anomaly`.
    pub(crate) fn plan_for(&self, block: u64, anomaly: Option<A>, md: &MasterData) -> Plan {
        let mut p = self.base_plan(block, anomaly, md);
        p.anomaly = anomaly;
        // A duplicate payment adds an entry to the plan as it is; the standalone types
        // replace the case instead of changing it.
        let Some(Effect::Change(c)) = anomaly.map(A::effect) else {
            return p;
        };
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_CASE, block);
        match c {
            Change::Duplicate => {}
            Change::WithoutOrder => {
                p.with_order = false;
                p.skip_movement = true;
            }
            Change::PriceVariance => {
                let po_price = p.cached[0].po_price;
                // 20-60% above the order's price (easy), 10-25% (realistic), 5-15% (hard).
                let (low, width) =
                    self.level(A::PriceVariance)
                        .pick((1.2, 0.4), (1.1, 0.15), (1.05, 0.1));
                let price = libm::round(po_price as f64 * (low + width * d.unit())) as i64;
                reprice(&mut p, price.max(po_price + 1));
            }
            Change::Transposed => {
                if let Some(price) =
                    transposed(p.cached[0].po_price, self.level(A::TransposedDigits))
                {
                    reprice(&mut p, price);
                }
            }
            Change::BillAndHold => {
                if let Some(invoice) = self.bill_and_hold_date(&p) {
                    invoice_early(&mut p, invoice, &mut d);
                }
            }
            Change::OrderAfterInvoice => {
                let cal = &self.economy.companies[p.company].calendar;
                let lag = self.order_lag(block).1;
                p.order_date = cal.next_working(p.invoice_date.add_days(lag));
            }
            Change::UnearnedDiscount => {
                p.pay[0] = self.late_discount_date(&p);
                p.pay_discount[0] = (p.gross as i128 * i128::from(p.discount_pct) / 10_000) as i64;
                p.pay_cash[0] = p.gross - p.pay_discount[0];
            }
            Change::Kickback | Change::BidRigging => {
                // A kickback: 25-60% above the standard cost (easy), 10-25% (realistic),
                // 4-10% (hard); a rigged tender 20-45%, 6-15%, 3-8%.
                let (low, width) = match c {
                    Change::BidRigging => {
                        self.level(A::BidRigging)
                            .pick((1.2, 0.25), (1.06, 0.09), (1.03, 0.05))
                    }
                    _ => self
                        .level(A::Kickback)
                        .pick((1.25, 0.35), (1.1, 0.15), (1.04, 0.06)),
                };
                let it = p.cached[0];
                let price = (libm::round(it.cost as f64 * (low + width * d.unit())) as i64)
                    .max(it.cost + 1);
                p.ordered += it.quantity * (price - it.po_price);
                p.received_value += it.received * (price - it.po_price);
                p.cached[0].po_price = price;
                reprice(&mut p, price);
            }
            Change::Diverted => {}
            Change::Unrecorded => {
                let cal = &self.economy.companies[p.company].calendar;
                let post = self.unrecorded_post(&p);
                p.invoice_post = post;
                // Paid once posted: by its terms, or days after a late posting.
                p.pay[0] = p.pay[0].max(cal.next_working(post.add_days(2 + d.below(6) as i32)));
                let roles = [p.invoice_post, p.pay[0]];
                p.posted = self.posted_of(p.first, &roles);
            }
            Change::EarlyRevenue => {
                let cal = &self.economy.companies[p.company].calendar;
                let (y, m, _) = p.movement.ymd();
                let month_start = Date::from_ymd(y, m, 1).unwrap_or(p.movement);
                let invoice = cal.previous_working(month_start.add_days(-1));
                invoice_early(&mut p, invoice, &mut d);
            }
        }
        p
    }

    /// The date of a duplicate payment: a few working days after the first (easy), two to
    /// four weeks (realistic), four to eight (hard).
    pub(crate) fn duplicate_date(&self, p: &Plan) -> Date {
        let cal = &self.economy.companies[p.company].calendar;
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_CASE, p.block());
        let (low, high) = self.duplicate_lag();
        cal.next_working(p.pay[0].add_days(low + d.below((high - low + 1) as usize) as i32))
    }

    /// The fewest and most days between a payment and its duplicate (before the next
    /// working day).
    fn duplicate_lag(&self) -> (i32, i32) {
        self.level(A::DuplicatePayment)
            .pick((3, 10), (14, 30), (28, 56))
    }

    /// The difficulty of type `t` in this run.
    pub(crate) fn level(&self, t: A) -> crate::anomalies::Difficulty {
        self.config.anomalies.level(t)
    }

    /// Writes the label of a case's anomaly, with the entry that carries it.
    pub(crate) fn label_case(&self, p: &Plan, index: u64, first_line: usize, batch: &mut Batch) {
        let Some(t) = p.anomaly else { return };
        let sale = p.sale();
        let docs = self.config.documents.enabled;
        let mut documents = [0u128; 3];
        let mut n_docs = 0;
        let mut push = |id: u128| {
            documents[n_docs] = id;
            n_docs += 1;
        };
        let invoice_stream = if sale {
            stream::CUSTOMER_INVOICE
        } else {
            stream::VENDOR_INVOICE
        };
        let mut lines: Option<(u64, u32)> = None;
        match t.effect() {
            Effect::Change(Change::Duplicate) => {
                push(self.doc_id(p, stream::DUPLICATE_PAYMENT));
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PAYMENT));
            }
            Effect::Change(Change::PriceVariance | Change::Transposed) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PURCHASE_ORDER));
                // The price-difference line follows the invoice's item lines.
                let variance = batch.lines[first_line..]
                    .iter()
                    .find(|l| l.account == acc::PRICE_VARIANCE)
                    .map(|l| l.line_number);
                lines = variance.map(|n| (index, n));
            }
            Effect::Change(Change::EarlyRevenue | Change::BillAndHold) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::DELIVERY));
            }
            Effect::Change(Change::Unrecorded) => push(self.doc_id(p, invoice_stream)),
            Effect::Change(Change::OrderAfterInvoice) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PURCHASE_ORDER));
            }
            Effect::Change(Change::Kickback | Change::BidRigging) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PURCHASE_ORDER));
                push(self.doc_id(p, stream::GOODS_RECEIPT));
            }
            Effect::Change(Change::Diverted) => {
                push(self.doc_id(p, stream::PAYMENT));
                push(self.doc_id(p, invoice_stream));
            }
            Effect::Change(Change::UnearnedDiscount) => {
                push(self.doc_id(p, stream::RECEIPT));
                push(self.doc_id(p, invoice_stream));
            }
            // Standalone types label their own scenes.
            Effect::Change(Change::WithoutOrder) | Effect::Twist(_) | Effect::Scene(_) => {
                push(self.doc_id(p, invoice_stream))
            }
        }
        if !docs {
            n_docs = 0;
        }
        let posting = batch
            .entries
            .last()
            .map_or(p.invoice_post, |e| e.posting_date);
        // A kickback's goods receipt (a case with goods) carries the label too.
        let with_movement = matches!(t.effect(), Effect::Change(c) if c.on_movement_too());
        let both = match with_movement {
            true => [p.first + p.slot(Role::Movement), index],
            false => [index, index],
        };
        let entries: &[u64] = if with_movement { &both } else { &both[1..] };
        self.label(
            batch,
            t,
            p.first,
            p.company,
            posting,
            Touched {
                entries,
                documents: &documents[..n_docs],
                lines: lines.as_slice(),
                partner: Some(p.partner_id),
                ..Touched::NONE
            },
        );
    }

    /// Pushes one row of the `anomalies` table: type `t` drawn by the case at
    /// `case_index`, in company `company`'s books from `posting` on, naming `touched`.
    pub(crate) fn label(
        &self,
        batch: &mut Batch,
        t: A,
        case_index: u64,
        company: usize,
        posting: Date,
        touched: Touched<'_>,
    ) {
        let Touched {
            entries,
            documents,
            lines,
            payslips,
            partner,
        } = touched;
        let mut entry_ids = IdList::new();
        for i in entries {
            entry_ids.push_id(self.entry_id(*i));
        }
        let mut document_ids = IdList::new();
        for id in documents {
            document_ids.push_id(*id);
        }
        let mut line_refs = LineList::new();
        for (i, n) in lines {
            if !line_refs.is_empty() {
                line_refs.push(" ");
            }
            let mut one = IdList::new();
            one.push_id(self.entry_id(*i));
            line_refs.push(one.as_str());
            line_refs.push(":");
            let mut digits = [0u8; 10];
            let mut k = digits.len();
            let mut v = *n;
            loop {
                k -= 1;
                digits[k] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            line_refs.push(std::str::from_utf8(&digits[k..]).unwrap_or_default());
        }
        batch.anomalies.push(Anomaly {
            anomaly_id: record_id(self.config.seed, stream::ANOMALY_ID, case_index),
            anomaly_type: t.name(),
            severity: t.severity(),
            family: t.family().name(),
            difficulty: self.config.anomalies.level(t).name(),
            case_index: self
                .layout
                .position_of(case_index, self.config.transactions.target_count),
            company_code: self.economy.companies[company].code,
            posting_date: posting,
            entry_ids: (!entry_ids.is_empty()).then_some(entry_ids),
            document_ids: (!document_ids.is_empty()).then_some(document_ids),
            line_refs: (!line_refs.is_empty()).then_some(line_refs),
            payslip_ids: payslips,
            partner_id: partner,
            description: t.description(),
        });
    }

    pub(crate) fn scene(&self, block: u64) -> Scene {
        scene_of(self.config.seed, &self.economy, block)
    }
}

/// Sale `p` invoiced on `invoice`, before its delivery: dated and posted then, due by its
/// terms from then, ordered before it, paid in full (see [`drop_discount`]).
fn invoice_early(p: &mut Plan, invoice: Date, d: &mut Draws) {
    let terms = p.due.0 - p.invoice_date.0;
    p.invoice_date = invoice;
    p.invoice_post = invoice;
    p.due = invoice.add_days(terms);
    p.order_date = p.order_date.min(invoice.add_days(-1 - d.below(3) as i32));
    drop_discount(p);
}

/// Case `p` without the cash discount its payment took: paid in full, as a payment
/// past the discount period of an invoice moved earlier is.
fn drop_discount(p: &mut Plan) {
    p.pay_discount[0] = 0;
    if p.n_pay == 1 {
        p.pay_cash[0] = p.gross;
    }
}

/// Case `p` with its first item invoiced at `price` (its order's price unchanged): the
/// net, tax, gross and payment follow.
fn reprice(p: &mut Plan, price: i64) {
    let it = &mut p.cached[0];
    p.net += it.received * (price - it.price);
    it.price = price;
    if p.self_assessed != 0 {
        p.self_assessed = tax_of(p.tax, p.net);
    } else {
        p.tax_amount = tax_of(p.tax, p.net);
    }
    p.gross = p.net + p.tax_amount;
    if p.pay_discount[0] > 0 {
        p.pay_discount[0] = (p.gross as i128 * i128::from(p.discount_pct) / 10_000) as i64;
    }
    p.pay_cash[0] = p.gross - p.pay_discount[0];
}

/// The decimal digits of `v`, most significant first, and how many there are.
fn digits(v: i64) -> ([u8; 20], usize) {
    let mut out = [0u8; 20];
    let (mut n, mut v) = (0, v.max(0));
    while v > 0 && n < out.len() {
        out[n] = (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    out[..n].reverse();
    (out, n)
}

/// `price` (in minor units) with two adjacent digits swapped, as `level` places them:
/// the two leading ones (easy), two in the middle (realistic), the last two (hard);
/// `None` where those digits are equal or the swap would lead with a zero.
pub(crate) fn transposed(price: i64, level: crate::anomalies::Difficulty) -> Option<i64> {
    let (mut digits, n) = digits(price);
    if n < 3 {
        return None;
    }
    // Pairs (i, i + 1) from the left: the leading pair, the middle ones, the last.
    let (from, to) = level.pick((0, 1), (1, n - 2), (n - 2, n - 1));
    let i = (from..to).find(|&i| digits[i] != digits[i + 1] && !(i == 0 && digits[1] == 0))?;
    digits.swap(i, i + 1);
    Some(digits[..n].iter().fold(0i64, |a, x| a * 10 + i64::from(*x)))
}

/// Whether `a` and `b` differ by two adjacent digits swapped (a transposition).
pub(crate) fn one_swap_apart(a: i64, b: i64) -> bool {
    let ((x, n), (y, m)) = (digits(a), digits(b));
    if a == b || n != m {
        return false;
    }
    let mut diff = (0..n).filter(|&i| x[i] != y[i]);
    match (diff.next(), diff.next(), diff.next()) {
        (Some(i), Some(j), None) => j == i + 1 && x[i] == y[j] && x[j] == y[i],
        _ => false,
    }
}
