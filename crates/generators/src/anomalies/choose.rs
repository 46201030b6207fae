//! Which block carries which anomaly (one per window of blocks, drawn by the
//! selector, the first eligible case of the window), how a case is changed to carry
//! one, and the label rows of the `anomalies` table.

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
            if self.eligible(&self.plan(b, md), t) {
                return Some((b, t));
            }
        }
        None
    }

    /// Whether a case can carry an anomaly of type `t` that changes it.
    pub(crate) fn eligible(&self, p: &Plan, t: A) -> bool {
        let end = self.economy.end;
        let planned = u8::from(p.goods()) + 1 + p.n_pay;
        let Effect::Change(c) = t.effect() else {
            // Standalone types replace a case instead of changing one.
            return false;
        };
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
        }
    }

    /// The plan of block `block`, changed to carry `anomaly`.
    pub(crate) fn plan_for(&self, block: u64, anomaly: Option<A>, md: &MasterData) -> Plan {
        let mut p = self.plan(block, md);
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
                let it = &mut p.cached[0];
                // 20-60% above the order's price (easy), 10-25% (realistic), 5-15% (hard).
                let (low, width) =
                    self.level(A::PriceVariance)
                        .pick((1.2, 0.4), (1.1, 0.15), (1.05, 0.1));
                let price = libm::round(it.po_price as f64 * (low + width * d.unit())) as i64;
                let price = price.max(it.po_price + 1);
                p.net += it.received * (price - it.price);
                it.price = price;
                if p.self_assessed != 0 {
                    p.self_assessed = tax_of(p.tax, p.net);
                } else {
                    p.tax_amount = tax_of(p.tax, p.net);
                }
                p.gross = p.net + p.tax_amount;
                if p.pay_discount[0] > 0 {
                    p.pay_discount[0] =
                        (p.gross as i128 * i128::from(p.discount_pct) / 10_000) as i64;
                }
                p.pay_cash[0] = p.gross - p.pay_discount[0];
            }
            Change::EarlyRevenue => {
                let cal = &self.economy.companies[p.company].calendar;
                let (y, m, _) = p.movement.ymd();
                let month_start = Date::from_ymd(y, m, 1).unwrap_or(p.movement);
                let invoice = cal.previous_working(month_start.add_days(-1));
                let terms = p.due.0 - p.invoice_date.0;
                p.invoice_date = invoice;
                p.invoice_post = invoice;
                p.due = invoice.add_days(terms);
                p.order_date = p.order_date.min(invoice.add_days(-1 - d.below(3) as i32));
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
            Effect::Change(Change::PriceVariance) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PURCHASE_ORDER));
                // The price-difference line follows the invoice's item lines.
                let variance = batch.lines[first_line..]
                    .iter()
                    .find(|l| l.account == acc::PRICE_VARIANCE)
                    .map(|l| l.line_number);
                lines = variance.map(|n| (index, n));
            }
            Effect::Change(Change::EarlyRevenue) => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::DELIVERY));
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
        self.label(
            batch,
            t,
            p.first,
            p.company,
            posting,
            &[index],
            &documents[..n_docs],
            lines.as_slice(),
            Some(p.partner_id),
        );
    }

    /// Pushes one row of the `anomalies` table.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn label(
        &self,
        batch: &mut Batch,
        t: A,
        case_index: u64,
        company: usize,
        posting: Date,
        entries: &[u64],
        documents: &[u128],
        lines: &[(u64, u32)],
        partner: Option<u128>,
    ) {
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
            entry_ids,
            document_ids: (!document_ids.is_empty()).then_some(document_ids),
            line_refs: (!line_refs.is_empty()).then_some(line_refs),
            partner_id: partner,
            description: t.description(),
        });
    }

    pub(crate) fn scene(&self, block: u64) -> Scene {
        scene_of(self.config.seed, &self.economy, block)
    }
}
