//! Injecting the anomalies: which block carries which ([`crate::anomaly::Selector`]),
//! how a case is changed to carry one, the cases that are an anomaly as a whole, and
//! the label rows of the `anomalies` table.

use crate::anomaly::{AnomalyType as A, MAX_TRIES};
use crate::cases::{Plan, Twist};
use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::{CaseKind, FillerKind, SLOTS, TaxSet, tax_of};
use crate::world::master::MasterData;
use crate::world::people::off_round;
use crate::world::pools::{SERVICES_BOUGHT, USERS, accounts as acc, centers, texts, users};
use crate::world::rng::{Draws, record_id, stream};
use crate::world::scenes::{Scene, scene_of};
use synth_model::{
    Anomaly, BankAccount, Batch, Date, DateTime, Document, DocumentItem, IdList, LineList,
};

/// The anomaly chosen for one window of blocks, as the fill loop keeps it.
pub(crate) type WindowChoice = Option<(u64, Option<(u64, A)>)>;

/// What a standalone anomaly's vendor invoice and its payment share.
#[derive(Debug, Clone, Copy)]
struct VendorPosting {
    /// The entry's index in the run.
    index: u64,
    /// Index of the company.
    company: usize,
    /// The vendor's id.
    vendor: u128,
    /// Who enters it.
    user: &'static str,
    /// The invoice's date, or the payment's.
    date: Date,
    /// Net amount of the invoice.
    net: i64,
    /// Its tax code.
    tax: usize,
    /// Its tax.
    tax_amount: i64,
    /// The invoice's document id.
    invoice: u128,
    /// The label of the entry.
    anomaly: Option<A>,
}

impl World {
    /// The anomaly block `block` carries, if any (`cache` keeps its window's choice).
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
        let first_block = (range.start.max(k) - k) / SLOTS;
        let last_block = (range.end - 1 - k) / SLOTS;
        for w in self.selector.window_of(first_block)..=self.selector.window_of(last_block) {
            let Some((b, t)) = self.choose(w, &md) else {
                continue;
            };
            let p = self.plan_for(b, Some(t), &md);
            // The entry that carries the label.
            let at = match t {
                A::DuplicatePayment => p.first + u64::from(p.posted),
                A::InvoiceWithoutOrder | A::PriceVariance | A::RevenueBeforeDelivery => {
                    p.first + p.slot(1)
                }
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
                | A::VendorBankChange => p.first,
            };
            if let Some(c) = counts
                .iter_mut()
                .find(|(x, _)| *x == t)
                .filter(|_| range.contains(&at))
            {
                c.1 += 1;
            }
        }
        counts
    }

    /// The block and type of window `w`'s anomaly; `None` when no block of the window
    /// can carry its type.
    fn choose(&self, w: u64, md: &MasterData) -> Option<(u64, A)> {
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
    fn eligible(&self, p: &Plan, t: A) -> bool {
        let end = self.economy.end;
        let planned = u8::from(p.goods()) + 1 + p.n_pay;
        match t {
            A::DuplicatePayment => {
                !p.sale()
                    && p.n_pay == 1
                    && p.posted == planned
                    && usize::from(p.posted) < SLOTS as usize
                    && p.pay[0].add_days(14) <= end
            }
            A::InvoiceWithoutOrder => p.kind == CaseKind::P2pGoods && p.posted >= 2,
            A::PriceVariance => {
                p.kind == CaseKind::P2pGoods && p.posted >= 2 && p.n_pay == 1 && p.items >= 1
            }
            A::RevenueBeforeDelivery => {
                let (y, m, day) = p.movement.ymd();
                let (sy, sm, _) = self.economy.start.ymd();
                p.kind == CaseKind::O2cGoods
                    && !p.blocked
                    && p.posted >= 2
                    && day <= 10
                    && (y, m) != (sy, sm)
            }
            // Standalone types replace a case instead of changing one.
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
            | A::VendorBankChange => false,
        }
    }

    /// The plan of block `block`, changed to carry `anomaly`.
    pub(crate) fn plan_for(&self, block: u64, anomaly: Option<A>, md: &MasterData) -> Plan {
        let mut p = self.plan(block, md);
        p.anomaly = anomaly;
        let Some(t) = anomaly else { return p };
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_CASE, block);
        match t {
            A::InvoiceWithoutOrder => {
                p.with_order = false;
                p.skip_movement = true;
            }
            A::PriceVariance => {
                let it = &mut p.cached[0];
                let price = libm::round(it.po_price as f64 * (1.2 + 0.4 * d.unit())) as i64;
                p.net += it.received * (price - it.price);
                it.price = price;
                p.tax_amount = tax_of(p.tax, p.net);
                p.gross = p.net + p.tax_amount;
                if p.pay_discount[0] > 0 {
                    p.pay_discount[0] =
                        (p.gross as i128 * i128::from(p.discount_pct) / 10_000) as i64;
                }
                p.pay_cash[0] = p.gross - p.pay_discount[0];
            }
            A::RevenueBeforeDelivery => {
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
            _ => {}
        }
        p
    }

    /// The date of a duplicate payment: a few working days after the first.
    pub(crate) fn duplicate_date(&self, p: &Plan) -> Date {
        let cal = &self.economy.companies[p.company].calendar;
        let mut d = Draws::new(self.config.seed, stream::ANOMALY_CASE, p.block());
        cal.next_working(p.pay[0].add_days(3 + d.below(8) as i32))
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
        match t {
            A::DuplicatePayment => {
                push(self.doc_id(p, stream::DUPLICATE_PAYMENT));
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PAYMENT));
            }
            A::PriceVariance => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::PURCHASE_ORDER));
                // The price-difference line follows the invoice's item lines.
                let variance = batch.lines[first_line..]
                    .iter()
                    .find(|l| l.account == acc::PRICE_VARIANCE)
                    .map(|l| l.line_number);
                lines = variance.map(|n| (index, n));
            }
            A::RevenueBeforeDelivery => {
                push(self.doc_id(p, invoice_stream));
                push(self.doc_id(p, stream::DELIVERY));
            }
            _ => push(self.doc_id(p, invoice_stream)),
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
    fn label(
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
            case_index,
            company_code: self.economy.companies[company].code,
            posting_date: posting,
            entry_ids,
            document_ids: (!document_ids.is_empty()).then_some(document_ids),
            line_refs: (!line_refs.is_empty()).then_some(line_refs),
            partner_id: partner,
            description: t.description(),
        });
    }

    fn scene(&self, block: u64) -> Scene {
        scene_of(self.config.seed, &self.economy, block)
    }

    /// Slot `s` of a block whose case is replaced by a standalone anomaly `t`.
    pub(crate) fn scenario(&self, p: &Plan, t: A, s: u8, batch: &mut Batch, md: &MasterData) {
        let slot = p.first - self.layout.total + u64::from(s);
        match t {
            A::SplitPurchase => self.split_purchase(p, s, batch, md),
            A::ReversalReposted if s < 3 => self.reversal_reposted(p, s, batch),
            A::BenfordViolation => self.benford(p, s, batch),
            A::FictitiousVendor if s < 2 => self.fictitious_vendor(p, s, batch, md),
            A::VendorBankChange if s < 2 => self.diverted_payment(p, s, batch, md),
            A::SelfApproval
            | A::ApprovalAboveLimit
            | A::OffHoursEntry
            | A::RoundAmount
            | A::UnusualAccountPair
            | A::BackdatedEntry
                if s == 0 =>
            {
                let tw = self.twist(p.block(), t);
                let first_line = batch.lines.len();
                self.filler_with(slot, batch, &tw);
                let e = batch.entries.last().map(|e| e.posting_date);
                let company = tw.company.unwrap_or(0);
                let _ = first_line;
                self.label(
                    batch,
                    t,
                    p.first,
                    company,
                    e.unwrap_or(self.economy.start),
                    &[p.first],
                    &[],
                    &[],
                    None,
                );
            }
            // A scene's later slots hold single-entry cases.
            A::ReversalReposted
            | A::FictitiousVendor
            | A::VendorBankChange
            | A::SelfApproval
            | A::ApprovalAboveLimit
            | A::OffHoursEntry
            | A::RoundAmount
            | A::UnusualAccountPair
            | A::BackdatedEntry => self.filler(slot, batch),
            // Types that change a case never stage a scene of their own.
            A::DuplicatePayment
            | A::InvoiceWithoutOrder
            | A::PriceVariance
            | A::RevenueBeforeDelivery => self.filler(slot, batch),
        }
    }

    /// How a single-entry case is changed to carry `t`.
    fn twist(&self, block: u64, t: A) -> Twist {
        let mut sc = self.scene(block);
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let manual_kind = if d.below(2) == 0 {
            FillerKind::Reclass
        } else {
            FillerKind::PettyCash
        };
        let base = Twist {
            anomaly: Some(t),
            company: Some(sc.company),
            date: Some(sc.date),
            kind: Some(manual_kind),
            ..Twist::NONE
        };
        match t {
            A::SelfApproval => Twist {
                self_approve: true,
                ..base
            },
            A::ApprovalAboveLimit => {
                let limit = users::APPROVERS[0].1;
                Twist {
                    kind: Some(FillerKind::Reclass),
                    amount: Some(off_round(
                        libm::round(limit as f64 * (1.1 + 2.5 * d.unit()) / 100.0) as i64 * 100,
                    )),
                    approver_tier: Some(0),
                    ..base
                }
            }
            A::OffHoursEntry => match d.below(3) {
                0 => {
                    // Late at night or before dawn, on a working day.
                    let secs = if d.below(2) == 0 {
                        20 * 3600 + d.below(4 * 3600) as u32
                    } else {
                        1800 + d.below(5 * 3600) as u32
                    };
                    Twist {
                        created: Some(DateTime::new(sc.date, secs)),
                        ..base
                    }
                }
                v => {
                    // A weekend day, or a public holiday where the period has one.
                    let (start, end) = (self.economy.start, self.economy.end);
                    let mut day = sc.date;
                    // New Year's Day and Christmas Day: public holidays of (nearly) every
                    // country, national rather than regional.
                    let wanted = |x: Date| {
                        let (_, m, day) = x.ymd();
                        if v == 1 {
                            x.is_weekend()
                        } else {
                            !x.is_weekend()
                                && !c.calendar.is_working(x)
                                && matches!((m, day), (1, 1) | (12, 25))
                        }
                    };
                    let mut found = None;
                    for k in 0..800 {
                        let x = day.add_days(k);
                        let x = if x > end {
                            start.add_days((x.0 - end.0 - 1) % (end.0 - start.0 + 1).max(1))
                        } else {
                            x
                        };
                        if wanted(x) {
                            found = Some(x);
                            break;
                        }
                    }
                    if found.is_none() {
                        // No holiday in the period: the next weekend day.
                        while !day.is_weekend() {
                            day = day.add_days(1);
                        }
                        if day > end {
                            day = day.add_days(-7);
                        }
                        found = Some(day);
                    }
                    let day = found.unwrap_or(day);
                    let secs = 9 * 3600 + d.below(8 * 3600) as u32;
                    Twist {
                        date: Some(day),
                        created: Some(DateTime::new(day, secs)),
                        ..base
                    }
                }
            },
            A::RoundAmount => {
                const K: &[i64] = &[10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 120, 150, 250];
                let scale = libm::pow(10.0, libm::floor(libm::log10(c.fx.max(1.0)))) as i64;
                Twist {
                    kind: Some(FillerKind::Reclass),
                    amount: Some(d.pick(K) * 100_000 * scale),
                    ..base
                }
            }
            A::UnusualAccountPair => Twist {
                cash_against_expense: true,
                ..base
            },
            A::BackdatedEntry => {
                let late = sc.date.add_days(20 + d.below(55) as i32);
                let late = c.calendar.next_working(late);
                Twist {
                    created: Some(DateTime::new(late, 9 * 3600 + d.below(8 * 3600) as u32)),
                    ..base
                }
            }
            _ => base,
        }
    }

    /// One purchase split into two invoices of one vendor, on one day, each just below
    /// an approval limit; slots 2 and 3 pay them by their terms.
    fn split_purchase(&self, p: &Plan, s: u8, batch: &mut Batch, md: &MasterData) {
        let seed = self.config.seed;
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let n_vendors =
            (self.config.master_data.vendors as usize).clamp(1, md.vendors.len().max(1));
        let mut v = d.below(n_vendors);
        if self.bank.changes(v) {
            // Not a vendor whose bank account changes: its payments stay clear of that.
            v %= crate::world::bank::STEADY_VENDORS;
        }
        let (vendor, terms) = md
            .vendors
            .get(v)
            .map_or((0, 30), |x| (x.vendor_id, x.payment_terms_days));
        let user = crate::world::people::pick_user(users::AP, d);
        // The lowest limit: the one a clerk's purchases meet (and the books can carry).
        let limit = users::APPROVERS[0].1;
        let tax = TaxSet::draw(c.tax.input, d);
        let service = d.below(SERVICES_BOUGHT.len());
        let (text, account, _, pool) = SERVICES_BOUGHT[service];
        let rate = crate::world::pools::TAX_CODES[tax].3;
        // Two invoices, each 90-99.5% of the limit.
        let mut parts = [(0i64, 0i64); 2];
        for part in &mut parts {
            let gross = limit as f64 * (0.90 + 0.095 * d.unit());
            let mut net = libm::round(gross * 10_000.0 / (10_000.0 + rate as f64)) as i64;
            while net + tax_of(tax, net) >= limit {
                net -= 100;
            }
            *part = (net, tax_of(tax, net));
        }
        let cost_center = d.pick(pool);
        let due = sc.date.add_days(i32::from(terms));
        let pay = c
            .calendar
            .next_working(due.add_days(-(d.below(4) as i32)).max(sc.date.add_days(1)));
        let paid = pay <= self.economy.end;
        let docs = self.config.documents.enabled;
        let invoice_ids = [
            record_id(seed, stream::VENDOR_INVOICE, p.block()),
            record_id(seed, stream::SECOND_INVOICE, p.block()),
        ];
        let payment_ids = [
            record_id(seed, stream::PAYMENT, p.block()),
            record_id(seed, stream::SECOND_PAYMENT_DOC, p.block()),
        ];
        let slot = p.first - self.layout.total + u64::from(s);
        let k = usize::from(s % 2);
        let (net, t) = parts[k];
        if s >= 2 && !paid {
            self.filler(slot, batch);
            return;
        }
        let posting = VendorPosting {
            index: p.first + u64::from(s),
            company: sc.company,
            vendor,
            user,
            date: sc.date,
            net,
            tax,
            tax_amount: t,
            invoice: invoice_ids[k],
            anomaly: Some(A::SplitPurchase),
        };
        if s < 2 {
            let status = if paid { "paid" } else { "open" };
            let service = (account, cost_center, text);
            self.post_service_invoice(batch, &posting, due, service, status);
        } else {
            let payment = VendorPosting {
                date: pay,
                user: users::PAYRUN,
                anomaly: None,
                ..posting
            };
            let bank = self.vendor_account(md, v, pay);
            self.post_vendor_payment(batch, &payment, payment_ids[k], false, bank);
        }
        if s == 0 {
            let documents: &[u128] = if docs { &invoice_ids } else { &[] };
            self.label(
                batch,
                A::SplitPurchase,
                p.first,
                sc.company,
                sc.date,
                &[p.first, p.first + 1],
                documents,
                &[],
                Some(vendor),
            );
        }
    }

    /// Writes a vendor's invoice for one service: the expense, its tax and the payable,
    /// the document and its item.
    fn post_service_invoice(
        &self,
        batch: &mut Batch,
        v: &VendorPosting,
        due: Date,
        (account, cost_center, text): (u32, usize, &'static str),
        status: &'static str,
    ) {
        let entry_id = self.entry_id(v.index);
        let mut ed = Draws::new(self.config.seed, stream::ENTRY, v.index);
        let first_line = batch.lines.len();
        let gross = v.net + v.tax_amount;
        Self::line(
            batch,
            entry_id,
            Line {
                account,
                amount: v.net,
                tax: Some(v.tax),
                cost_center: Some(cost_center),
                text,
                ..Line::BARE
            },
        );
        Self::tax_line(batch, entry_id, v.tax, v.tax_amount);
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::PAYABLES,
                amount: -gross,
                partner: Some(v.vendor),
                text: "Vendor invoice",
                ..Line::BARE
            },
        );
        let docs = self.config.documents.enabled;
        if docs {
            batch.documents.push(Document {
                due_date: Some(due),
                tax_amount: v.tax_amount,
                status,
                item_count: 1,
                ..self.vendor_document(v, v.invoice, "vendor_invoice", entry_id, gross)
            });
            batch.items.push(DocumentItem {
                document_id: v.invoice,
                item_number: 1,
                material_id: None,
                description: text,
                quantity: 1,
                unit_price: v.net,
                amount: v.net,
            });
        }
        let head = Head {
            index: v.index,
            company: v.company,
            posting: v.date,
            document_date: v.date,
            document_type: "KR",
            process: "procure_to_pay",
            manual: true,
            user: v.user,
            approval: true,
            header_text: ed.pick(texts::SERVICE_INVOICE),
            document_id: docs.then_some(v.invoice),
            anomaly: v.anomaly,
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut ed);
    }

    /// Writes the payment of `v`'s invoice (`net + tax_amount`) on `v.date`.
    fn post_vendor_payment(
        &self,
        batch: &mut Batch,
        v: &VendorPosting,
        payment: u128,
        manual: bool,
        bank: BankAccount,
    ) {
        let entry_id = self.entry_id(v.index);
        let mut ed = Draws::new(self.config.seed, stream::ENTRY, v.index);
        let first_line = batch.lines.len();
        let gross = v.net + v.tax_amount;
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::PAYABLES,
                amount: gross,
                partner: Some(v.vendor),
                text: "Cleared item",
                ..Line::BARE
            },
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::BANK,
                amount: -gross,
                text: "Outgoing payment",
                ..Line::BARE
            },
        );
        let docs = self.config.documents.enabled;
        if docs {
            batch.documents.push(Document {
                reference_document_id: Some(v.invoice),
                bank_account: Some(bank),
                ..self.vendor_document(v, payment, "payment", entry_id, gross)
            });
        }
        let head = Head {
            index: v.index,
            company: v.company,
            posting: v.date,
            document_date: v.date,
            document_type: "KZ",
            process: "procure_to_pay",
            manual,
            user: v.user,
            approval: true,
            header_text: ed.pick(texts::PAYMENT),
            document_id: docs.then_some(payment),
            partner_flow: Some((v.vendor, true)),
            anomaly: v.anomaly,
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut ed);
    }

    /// A completed document of `v`'s vendor dated `v.date`, without tax, due date,
    /// reference or items (the caller sets those it has).
    fn vendor_document(
        &self,
        v: &VendorPosting,
        id: u128,
        document_type: &'static str,
        entry_id: u128,
        amount: i64,
    ) -> Document {
        let c = &self.economy.companies[v.company];
        Document {
            document_id: id,
            document_type,
            company_code: c.code,
            partner_id: v.vendor,
            document_date: v.date,
            due_date: None,
            amount,
            tax_amount: 0,
            discount_amount: 0,
            currency: c.currency,
            status: "completed",
            reference_document_id: None,
            entry_id: Some(entry_id),
            item_count: 0,
            bank_account: None,
        }
    }

    /// A manual accrual (slot 0), reversed by hand days later (slot 1) and posted again
    /// for a different amount (slot 2).
    fn reversal_reposted(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let seed = self.config.seed;
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let account = d.pick(acc::ACCRUED_EXPENSES);
        let cost_center = d.pick(centers::OVERHEAD);
        let user = crate::world::people::pick_user(users::GL, d);
        let base = crate::world::economy::filler_median(FillerKind::Reclass)
            * self.economy.price_scale
            * self.economy.filler_scale
            * c.fx
            * 100.0
            * libm::exp(0.8 * d.normal());
        let amount = off_round(((base / 10_000.0).round() as i64).max(1) * 10_000);
        let factor = if d.below(10) < 7 {
            1.15 + 0.45 * d.unit()
        } else {
            0.55 + 0.3 * d.unit()
        };
        let changed = off_round(libm::round(amount as f64 * factor / 100.0) as i64 * 100);
        let reversal_day = c
            .calendar
            .next_working(sc.date.add_days(1 + d.below(5) as i32));
        let repost_day = if d.below(2) == 0 {
            reversal_day
        } else {
            c.calendar.next_working(reversal_day.add_days(1))
        };
        let text = "Accrued expenses";
        let index = p.first + u64::from(s);
        let entry_id = self.entry_id(index);
        let mut ed = Draws::new(seed, stream::ENTRY, index);
        let first_line = batch.lines.len();
        let (amount, day, header, reversal_of) = match s {
            0 => (amount, sc.date, text, None),
            1 => (
                -amount,
                reversal_day,
                "Reversal of accrual",
                Some(self.entry_id(p.first)),
            ),
            _ => (changed, repost_day, text, None),
        };
        Self::accrual_lines(batch, entry_id, (account, cost_center), amount, "Accrual");
        let head = Head {
            index,
            company: sc.company,
            posting: day,
            document_date: day,
            document_type: "SA",
            process: "period_close",
            manual: true,
            user,
            approval: true,
            header_text: header,
            reversal_of,
            anomaly: Some(A::ReversalReposted),
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut ed);
        if s == 0 {
            self.label(
                batch,
                A::ReversalReposted,
                p.first,
                sc.company,
                sc.date,
                &[p.first, p.first + 1, p.first + 2],
                &[],
                &[],
                None,
            );
        }
    }

    /// An invoice from a vendor created days before (slot 0), paid within days (slot 1).
    fn fictitious_vendor(&self, p: &Plan, s: u8, batch: &mut Batch, md: &MasterData) {
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let configured = u64::from(self.config.master_data.vendors);
        let j = self
            .fictitious
            .binary_search(&p.block())
            .ok()
            .and_then(|k| self.fictitious_of.get(k))
            .map_or(0, |j| u64::from(*j));
        let (vendor, terms, bank) = md
            .vendors
            .get((configured + j) as usize)
            .map_or((0, 30, BankAccount::new()), |v| {
                (v.vendor_id, v.payment_terms_days, v.bank_account)
            });
        let user = crate::world::people::pick_user(users::AP, d);
        let tax = TaxSet::draw(c.tax.input, d);
        let (text, account) = match d.below(3) {
            0 => ("Consulting services", acc::PROFESSIONAL_FEES),
            1 => ("Advisory services", acc::PROFESSIONAL_FEES),
            _ => ("Marketing services", 660000),
        };
        // Below the lowest approval limit, so that one approver signs it off.
        let limit = users::APPROVERS[0].1 as f64;
        let net = off_round(libm::round(limit * (0.3 + 0.5 * d.unit()) / 1.25) as i64);
        let mut pay = c
            .calendar
            .next_working(sc.date.add_days(1 + d.below(3) as i32));
        if pay > sc.date.add_days(6) {
            // Holidays ahead (New Year, Golden Week): paid the same day.
            pay = sc.date;
        }
        let docs = self.config.documents.enabled;
        let (posting, payment) =
            self.block_posting(p, s, sc.company, vendor, user, sc.date, (net, tax));
        let posting = VendorPosting {
            anomaly: Some(A::FictitiousVendor),
            ..posting
        };
        let invoice = posting.invoice;
        if s == 0 {
            let cc = d.pick(centers::OVERHEAD);
            let due = sc.date.add_days(i32::from(terms));
            self.post_service_invoice(batch, &posting, due, (account, cc, text), "paid");
            let documents: &[u128] = if docs { &[invoice, payment] } else { &[] };
            self.label(
                batch,
                A::FictitiousVendor,
                p.first,
                sc.company,
                sc.date,
                &[p.first, p.first + 1],
                documents,
                &[],
                Some(vendor),
            );
        } else {
            let paid = VendorPosting {
                date: pay,
                ..posting
            };
            self.post_vendor_payment(batch, &paid, payment, true, bank);
        }
    }

    /// The unlabelled posting of slot `s` of standalone block `p` with an invoice of
    /// `net` under tax code `tax`; the invoice's id is the block's, and so is its
    /// payment's (returned with it).
    #[allow(clippy::too_many_arguments)]
    fn block_posting(
        &self,
        p: &Plan,
        s: u8,
        company: usize,
        vendor: u128,
        user: &'static str,
        date: Date,
        (net, tax): (i64, usize),
    ) -> (VendorPosting, u128) {
        let seed = self.config.seed;
        let posting = VendorPosting {
            index: p.first + u64::from(s),
            company,
            vendor,
            user,
            date,
            net,
            tax,
            tax_amount: tax_of(tax, net),
            invoice: record_id(seed, stream::VENDOR_INVOICE, p.block()),
            anomaly: None,
        };
        (posting, record_id(seed, stream::PAYMENT, p.block()))
    }

    /// A genuine invoice of a vendor (slot 0) whose bank account is changed days later,
    /// and its payment, to the new account, days after the change (slot 1).
    fn diverted_payment(&self, p: &Plan, s: u8, batch: &mut Batch, md: &MasterData) {
        let Some(f) = self.bank.fraud(p.block()).copied() else {
            let slot = p.first - self.layout.total + u64::from(s);
            self.filler(slot, batch);
            return;
        };
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let (vendor, terms) = md
            .vendors
            .get(f.vendor)
            .map_or((0, 30), |v| (v.vendor_id, v.payment_terms_days));
        let user = crate::world::people::pick_user(users::AP, d);
        let tax = TaxSet::draw(c.tax.input, d);
        let service = d.below(SERVICES_BOUGHT.len());
        let (text, account, _, pool) = SERVICES_BOUGHT[service];
        // An invoice entered by hand, its amount spread evenly over two orders of
        // magnitude around the lowest approval limit (so that its clerk's amounts keep
        // Benford's first digits), not within 10% below an approval limit.
        let limit = users::APPROVERS[0].1 as f64;
        let spread = libm::pow(10.0, 2.0 * d.unit() - 1.0);
        let mut net = off_round(libm::round(limit * spread / 1.25) as i64);
        while crate::world::people::near_limit(net + tax_of(tax, net)) {
            net = off_round(net * 8 / 10);
        }
        let docs = self.config.documents.enabled;
        let (posting, payment) =
            self.block_posting(p, s, sc.company, vendor, user, f.invoice, (net, tax));
        let invoice = posting.invoice;
        if s == 0 {
            let cc = d.pick(pool);
            let due = f.invoice.add_days(i32::from(terms));
            let status = if f.pay <= self.economy.end {
                "paid"
            } else {
                "open"
            };
            self.post_service_invoice(batch, &posting, due, (account, cc, text), status);
            let documents: &[u128] = if docs { &[invoice, payment] } else { &[] };
            self.label(
                batch,
                A::VendorBankChange,
                p.first,
                sc.company,
                f.pay,
                &[p.first + 1],
                documents,
                &[],
                Some(vendor),
            );
        } else {
            let paid = VendorPosting {
                date: f.pay,
                user: users::PAYRUN,
                anomaly: Some(A::VendorBankChange),
                ..posting
            };
            let bank = self.vendor_account(md, f.vendor, f.pay);
            self.post_vendor_payment(batch, &paid, payment, false, bank);
        }
    }

    /// The user whose amounts break Benford's law in this run: a controller, who
    /// otherwise only approves.
    pub(crate) fn benford_user(&self) -> &'static str {
        let r = users::APPROVERS[1].0.clone();
        USERS[r.start + (self.config.seed % (r.end - r.start) as u64) as usize].0
    }

    /// Four manual adjustments of one user whose amounts mostly start with 7, 8 or 9.
    fn benford(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let seed = self.config.seed;
        let sc = self.scene(p.block());
        let c = &self.economy.companies[sc.company];
        let index = p.first + u64::from(s);
        let entry_id = self.entry_id(index);
        let mut ed = Draws::new(seed, stream::ENTRY, index);
        let mut d = Draws::new(seed, stream::ANOMALY_CASE, index ^ (1 << 62));
        let digit = match d.below(20) {
            0..2 => 6.0,
            2..8 => 7.0,
            8..14 => 8.0,
            _ => 9.0,
        };
        let scale = libm::pow(10.0, libm::floor(libm::log10(c.fx.max(1.0))));
        let magnitude = libm::pow(10.0, (1 + d.below(3)) as f64) * scale;
        let amount = libm::round((digit + d.unit()) * magnitude * 100.0) as i64;
        let amount = off_round(amount + d.below(100) as i64);
        let account = d.pick(&[acc::PROFESSIONAL_FEES, 690000, 650000, acc::TRAVEL]);
        let day = c.calendar.sample_working(&mut d);
        let first_line = batch.lines.len();
        Self::accrual_lines(
            batch,
            entry_id,
            (account, d.pick(centers::OVERHEAD)),
            amount,
            "Manual adjustment",
        );
        let head = Head {
            index,
            company: sc.company,
            posting: day,
            document_date: day,
            document_type: "SA",
            process: "general_ledger",
            manual: true,
            user: self.benford_user(),
            approval: true,
            header_text: ed.pick(texts::RECLASS),
            anomaly: Some(A::BenfordViolation),
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut ed);
        if s == 0 {
            let first = batch.entries.last().map_or(day, |e| e.posting_date);
            self.label(
                batch,
                A::BenfordViolation,
                p.first,
                sc.company,
                first,
                &[p.first, p.first + 1, p.first + 2, p.first + 3],
                &[],
                &[],
                None,
            );
        }
    }
}
