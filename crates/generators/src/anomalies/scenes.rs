//! The other standalone scenes: a reversal reposted, a fictitious vendor billing, a
//! payment diverted by a bank-account change, a user's amounts against Benford's law.

use super::vendors::VendorPosting;
use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::{Accrual, Plan, month_end};
use crate::post::Head;
use crate::world::World;
use crate::world::economy::tax_of;
use crate::world::master::MasterData;
use crate::world::people::off_round;
use crate::world::pools::{SERVICES_BOUGHT, USERS, accounts as acc, texts, users};
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{BankAccount, Batch, Date};

/// The days of the month of `x`.
fn days_in(x: Date) -> i32 {
    let (y, m, _) = x.ymd();
    synth_model::days_in_month(y, m) as i32
}

impl World {
    /// A month-end accrual as the scheduled ones are (slot 0), never reversed, released
    /// into profit two to five months later by a manual entry dressed as a
    /// reclassification (slot 1), on a month's last working day.
    pub(crate) fn cookie_jar(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let seed = self.config.seed;
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let a = self.manual_accrual(sc.company, d);
        let later =
            |x: Date, months: u32| (0..months).fold(month_end(x), |m, _| month_end(m.add_days(1)));
        let (start, end) = (self.economy.start, self.economy.end);
        let months = 2 + d.below(4) as u32;
        let mut accrued = month_end(sc.date);
        if later(accrued, months) > end {
            // Months before, where the release would fall after the period.
            accrued = (0..months).fold(accrued, |m, _| month_end(m.add_days(-days_in(m))));
        }
        if accrued < start {
            accrued = month_end(start);
        }
        let accrual_day = c.calendar.previous_working(accrued);
        let release_day = c
            .calendar
            .previous_working(later(accrued, months))
            .min(end)
            .max(accrual_day);
        let index = p.first + u64::from(s);
        if s == 0 {
            self.post_accrual(batch, (index, accrual_day), &a, Some(A::CookieJarReserve));
            self.label(
                batch,
                A::CookieJarReserve,
                p.first,
                sc.company,
                accrual_day,
                Touched {
                    entries: &[p.first, p.first + 1],
                    ..Touched::NONE
                },
            );
            return;
        }
        let entry_id = self.entry_id(index);
        let mut ed = Draws::new(seed, stream::ENTRY, index);
        let first_line = batch.lines.len();
        Self::disguised_reclass(
            batch,
            entry_id,
            a.amount,
            (acc::ACCRUED, a.account, a.cost_center),
        );
        let head = Head {
            index,
            company: sc.company,
            posting: release_day,
            document_date: release_day,
            document_type: "SA",
            process: "general_ledger",
            manual: true,
            user: a.user,
            approval: true,
            header_text: d.pick(texts::RECLASS),
            anomaly: Some(A::CookieJarReserve),
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut ed);
    }

    /// A manual month-end accrual (slot 0), reversed by hand days later (slot 1) and
    /// posted again for a different amount (slot 2): texts, amounts, dates and users
    /// as the scheduled month-end accruals and their reversals have them.
    pub(crate) fn reversal_reposted(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let a = self.manual_accrual(sc.company, d);
        // Posted again 15-60% higher or 15-45% lower (easy), 8-30% or 8-25% (realistic),
        // 2-10% either way (hard).
        let ((up, up_width), (down, down_width)) = self.level(A::ReversalReposted).pick(
            ((1.15, 0.45), (0.55, 0.3)),
            ((1.08, 0.22), (0.75, 0.17)),
            ((1.02, 0.08), (0.9, 0.08)),
        );
        let factor = if d.below(10) < 7 {
            up + up_width * d.unit()
        } else {
            down + down_width * d.unit()
        };
        let changed = off_round(crate::world::schedules::round_to(
            a.amount as f64 * factor,
            10_000,
        ));
        // Accrued on a month's last working day, as the scheduled accruals are; the
        // month before when the reversal would fall after the period.
        let (start, end) = (self.economy.start, self.economy.end);
        let mut close = month_end(sc.date);
        if close.add_days(16) > end {
            close = month_end(close.add_days(-days_in(close)));
        }
        if close < start {
            close = end.add_days(-16).max(start);
        }
        let accrual_day = c.calendar.previous_working(close);
        let reversal_day = c
            .calendar
            .next_working(accrual_day.add_days(1 + d.below(5) as i32));
        let repost_day = if d.below(2) == 0 {
            reversal_day
        } else {
            c.calendar.next_working(reversal_day.add_days(1))
        };
        let index = p.first + u64::from(s);
        let rr = Some(A::ReversalReposted);
        match s {
            0 => self.post_accrual(batch, (index, accrual_day), &a, rr),
            // The lines of a scheduled reversal, entered by hand.
            1 => self.post_accrual_reversal(batch, (index, reversal_day, p.first), &a, (true, rr)),
            _ => {
                let again = Accrual {
                    amount: changed,
                    ..a
                };
                self.post_accrual(batch, (index, repost_day), &again, rr);
            }
        }
        if s == 0 {
            self.label(
                batch,
                A::ReversalReposted,
                p.first,
                sc.company,
                accrual_day,
                Touched {
                    entries: &[p.first, p.first + 1, p.first + 2],
                    ..Touched::NONE
                },
            );
        }
    }

    /// An invoice from a vendor created days before (slot 0), paid within days (slot 1).
    pub(crate) fn fictitious_vendor(
        &self,
        p: &Plan,
        t: A,
        s: u8,
        batch: &mut Batch,
        md: &MasterData,
    ) {
        let mut sc = self.scene(p.block());
        let scene_vendors = crate::anomalies::VENDOR_SCENES
            .iter()
            .position(|x| *x == t)
            .and_then(|k| self.scene_vendors.get(k));
        let row = scene_vendors
            .and_then(|v| v.vendor_of(p.block()))
            .unwrap_or(0);
        if t == A::ConflictOfInterest
            && let Some(first) = scene_vendors.and_then(|v| v.first_of(p.block()))
        {
            // The employee's vendor bills the employee's company, whichever company the
            // block drew: a vendor billing several times bills it each time.
            let company = self.scene(first).company;
            if company != sc.company {
                let cal = &self.economy.companies[company].calendar;
                sc.company = company;
                sc.date = cal
                    .next_working(sc.date)
                    .min(cal.previous_working(self.economy.end));
            }
        }
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let (vendor, terms, bank, abroad) =
            md.vendors
                .get(row as usize)
                .map_or((0, 30, BankAccount::new(), false), |v| {
                    (
                        v.vendor_id,
                        v.payment_terms_days,
                        v.bank_account,
                        v.country != c.country,
                    )
                });
        let user = crate::world::people::pick_user(users::AP, d);
        let tax = Self::input_tax(c, abroad, d);
        // A service clean invoices also buy, any of them (a handful would set its texts
        // apart from the clean invoices of its size): its text and account, nothing of
        // its own.
        let (text, account, _, pool) = SERVICES_BOUGHT[d.below(SERVICES_BOUGHT.len())];
        // Below the lowest approval limit, so that one approver signs it off.
        let limit = users::APPROVERS[0].1 as f64;
        let net = off_round(libm::round(limit * (0.3 + 0.5 * d.unit()) / 1.25) as i64);
        // Paid 1-3 days after the invoice (easy), 4-10 (realistic), 8-20 (hard: among
        // the clean invoices paid early for their cash discount).
        let (after, width, most) =
            self.level(A::FictitiousVendor)
                .pick((1, 3, 6), (4, 7, 13), (8, 13, 23));
        let mut pay = c
            .calendar
            .next_working(sc.date.add_days(after + d.below(width) as i32));
        if pay > sc.date.add_days(most) || pay > self.economy.end {
            // Holidays ahead (New Year, Golden Week), or the period's end: paid the
            // same day.
            pay = sc.date;
        }
        if matches!(t, A::DuplicateVendor | A::ConflictOfInterest) {
            // An invoice like any other: paid by the terms, or the day it is entered
            // where they run past the period.
            let due = c
                .calendar
                .previous_working(sc.date.add_days(i32::from(terms)));
            pay = if due <= self.economy.end {
                due.max(sc.date)
            } else {
                sc.date
            };
        }
        let docs = self.config.documents.enabled;
        let (posting, payment) =
            self.block_posting(p, s, sc.company, vendor, user, sc.date, (net, tax));
        let posting = VendorPosting {
            anomaly: Some(t),
            ..posting
        };
        let invoice = posting.invoice;
        if s == 0 {
            let cc = d.pick(pool);
            let due = sc.date.add_days(i32::from(terms));
            self.post_service_invoice(batch, &posting, due, (account, cc, text), "paid");
            let documents: &[u128] = if docs { &[invoice, payment] } else { &[] };
            self.label(
                batch,
                t,
                p.first,
                sc.company,
                sc.date,
                Touched {
                    entries: &[p.first, p.first + 1],
                    documents,
                    partner: Some(vendor),
                    ..Touched::NONE
                },
            );
        } else {
            // A conflict of interest's vendor is paid as any is, by the payment run; the
            // scenes' other vendors by hand.
            let by_run = t == A::ConflictOfInterest;
            let paid = VendorPosting {
                date: pay,
                user: if by_run { users::PAYRUN } else { posting.user },
                ..posting
            };
            self.post_vendor_payment(batch, &paid, payment, !by_run, bank);
        }
    }

    /// The unlabelled posting of slot `s` of standalone block `p` with an invoice of
    /// `net` under tax code `tax`; the invoice's id is the block's, and so is its
    /// payment's (returned with it).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn block_posting(
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
            // Under the reverse charge the vendor charges no tax (the company
            // self-assesses it on the invoice's entry).
            tax_amount: if Some(tax) == self.economy.companies[company].tax.reverse {
                0
            } else {
                tax_of(tax, net)
            },
            invoice: record_id(seed, stream::VENDOR_INVOICE, p.block()),
            anomaly: None,
        };
        (posting, record_id(seed, stream::PAYMENT, p.block()))
    }

    /// A genuine invoice of a vendor (slot 0) whose bank account is changed days later,
    /// and its payment, to the new account, days after the change (slot 1).
    pub(crate) fn diverted_payment(&self, p: &Plan, s: u8, batch: &mut Batch, md: &MasterData) {
        let Some(f) = self.bank.fraud(p.block()).copied() else {
            let slot = p.first - self.layout.total + u64::from(s);
            self.filler(slot, batch);
            return;
        };
        let mut sc = self.scene(p.block());
        let d = &mut sc.d;
        let c = &self.economy.companies[sc.company];
        let (vendor, terms, abroad) = md.vendors.get(f.vendor).map_or((0, 30, false), |v| {
            (v.vendor_id, v.payment_terms_days, v.country != c.country)
        });
        let user = crate::world::people::pick_user(users::AP, d);
        let tax = Self::input_tax(c, abroad, d);
        let service = d.below(SERVICES_BOUGHT.len());
        let (text, account, _, pool) = SERVICES_BOUGHT[service];
        // An invoice entered by hand, among the larger ones the company pays (a fraud
        // waits for one worth diverting) but of the business's own size, so that the
        // books do not carry an expense no clean case would: a tenth to the whole of a
        // large sale (the 95th percentile), spread evenly over that order of magnitude
        // (so that its clerk's amounts keep Benford's first digits), not within 10%
        // below an approval limit.
        let large = self.economy.sale_p95 * 100.0 * c.fx;
        let spread = libm::pow(10.0, d.unit() - 1.0);
        let mut net = off_round((libm::round(large * spread) as i64).max(1_000));
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
                Touched {
                    entries: &[p.first + 1],
                    documents,
                    partner: Some(vendor),
                    ..Touched::NONE
                },
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
    /// otherwise only approves (easy); a G/L accountant, whose ordinary work hides the
    /// invented amounts among real ones (realistic and hard).
    pub(crate) fn benford_user(&self) -> &'static str {
        let r = match self.level(A::BenfordViolation) {
            crate::anomalies::Difficulty::Easy => users::APPROVERS[1].0.clone(),
            crate::anomalies::Difficulty::Realistic | crate::anomalies::Difficulty::Hard => {
                users::GL
            }
        };
        USERS[r.start + (self.config.seed % (r.end - r.start) as u64) as usize].0
    }

    /// Four manual adjustments of one user whose amounts mostly start with 7, 8 or 9.
    pub(crate) fn benford(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let seed = self.config.seed;
        let sc = self.scene(p.block());
        let c = &self.economy.companies[sc.company];
        let index = p.first + u64::from(s);
        let entry_id = self.entry_id(index);
        let mut ed = Draws::new(seed, stream::ENTRY, index);
        let mut d = Draws::new(seed, stream::ANOMALY_CASE, index ^ (1 << 62));
        // Leading digits mostly 7, 8 or 9 (easy); 5 to 9 evenly (realistic); 1 to 9
        // evenly (hard), as invented numbers tend to be.
        let digit = match (self.level(A::BenfordViolation), d.below(20)) {
            (crate::anomalies::Difficulty::Easy, 0..2) => 6.0,
            (crate::anomalies::Difficulty::Easy, 2..8) => 7.0,
            (crate::anomalies::Difficulty::Easy, 8..14) => 8.0,
            (crate::anomalies::Difficulty::Easy, _) => 9.0,
            (crate::anomalies::Difficulty::Realistic, k) => (5 + k % 5) as f64,
            (crate::anomalies::Difficulty::Hard, _) => (1 + d.below(9)) as f64,
        };
        let scale = libm::pow(10.0, libm::floor(libm::log10(c.fx.max(1.0))));
        let magnitude = libm::pow(10.0, (1 + d.below(3)) as f64) * scale;
        let amount = libm::round((digit + d.unit()) * magnitude * 100.0) as i64;
        let mut amount = amount + d.below(100) as i64;
        // Rounded as often as clean reclassifications are (the leading digit stays).
        if d.below(100) < 60 && amount >= 100_000 {
            amount = off_round((amount / 10_000).max(1) * 10_000);
        }
        let day = c.calendar.sample_working(&mut d);
        let first_line = batch.lines.len();
        // A reclassification between two cost centers, as clean ones are booked.
        Self::reclass_lines(batch, entry_id, amount, &mut d);
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
                Touched {
                    entries: &[p.first, p.first + 1, p.first + 2, p.first + 3],
                    ..Touched::NONE
                },
            );
        }
    }
}
