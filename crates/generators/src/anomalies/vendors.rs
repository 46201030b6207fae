//! The scenes that post through vendors: split purchases (service invoices and their
//! payments).

use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::Plan;
use crate::post::{Head, Line};
use crate::world::World;
use crate::world::economy::{CompanyBooks, TaxSet, tax_of};
use crate::world::master::MasterData;
use crate::world::pools::{SERVICES_BOUGHT, accounts as acc, texts, users};
use crate::world::rng::{Draws, record_id, stream};
use synth_model::{BankAccount, Batch, Date, Document, DocumentItem};

/// What a standalone anomaly's vendor invoice and its payment share.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VendorPosting {
    /// The entry's index in the run.
    pub(crate) index: u64,
    /// Index of the company.
    pub(crate) company: usize,
    /// The vendor's id.
    pub(crate) vendor: u128,
    /// Who enters it.
    pub(crate) user: &'static str,
    /// The invoice's date, or the payment's.
    pub(crate) date: Date,
    /// Net amount of the invoice.
    pub(crate) net: i64,
    /// Its tax code.
    pub(crate) tax: usize,
    /// Its tax.
    pub(crate) tax_amount: i64,
    /// The invoice's document id.
    pub(crate) invoice: u128,
    /// The label of the entry.
    pub(crate) anomaly: Option<A>,
}

impl World {
    /// The tax code of a purchase of company `c` from a vendor at home or `abroad`, as
    /// any invoice of that vendor has it: from abroad, the reverse charge where the
    /// company's country has a VAT; else one of its input codes.
    pub(crate) fn input_tax(c: &CompanyBooks, abroad: bool, d: &mut Draws) -> usize {
        let drawn = TaxSet::draw(c.tax.input, d);
        match c.tax.reverse {
            Some(reverse) if abroad => reverse,
            _ => drawn,
        }
    }

    /// One purchase split into two invoices of one vendor, on one day, each just below
    /// an approval limit; slots 2 and 3 pay them by their terms.
    pub(crate) fn split_purchase(&self, p: &Plan, s: u8, batch: &mut Batch, md: &MasterData) {
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
        let (vendor, terms, abroad) = md.vendors.get(v).map_or((0, 30, false), |x| {
            (x.vendor_id, x.payment_terms_days, x.country != c.country)
        });
        let user = crate::world::people::pick_user(users::AP, d);
        // The lowest limit: the one a clerk's purchases meet (and the books can carry).
        let limit = users::APPROVERS[0].1;
        let tax = Self::input_tax(c, abroad, d);
        let reverse = Some(tax) == c.tax.reverse;
        let service = d.below(SERVICES_BOUGHT.len());
        let (text, account, _, pool) = SERVICES_BOUGHT[service];
        let rate = crate::world::pools::TAX_CODES[tax].3;
        // Two invoices, each 90-99.5% of the limit (easy), 85-99.5% (realistic),
        // 80-99% (hard).
        let (low, width) =
            self.level(A::SplitPurchase)
                .pick((0.90, 0.095), (0.85, 0.145), (0.80, 0.19));
        let mut parts = [(0i64, 0i64); 2];
        for part in &mut parts {
            let gross = limit as f64 * (low + width * d.unit());
            let mut net = libm::round(gross * 10_000.0 / (10_000.0 + rate as f64)) as i64;
            while net + tax_of(tax, net) >= limit {
                net -= 100;
            }
            *part = (net, if reverse { 0 } else { tax_of(tax, net) });
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
                Touched {
                    entries: &[p.first, p.first + 1],
                    documents,
                    partner: Some(vendor),
                    ..Touched::NONE
                },
            );
        }
    }

    /// Writes a vendor's invoice for one service: the expense, its tax and the payable,
    /// the document and its item.
    pub(crate) fn post_service_invoice(
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
        if Some(v.tax) == self.economy.companies[v.company].tax.reverse {
            Self::reverse_charge_lines(batch, entry_id, v.tax, tax_of(v.tax, v.net));
        }
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
    pub(crate) fn post_vendor_payment(
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
        Self::paid_from_bank(
            batch,
            entry_id,
            Line {
                account: acc::PAYABLES,
                amount: gross,
                partner: Some(v.vendor),
                text: "Cleared item",
                ..Line::BARE
            },
            "Outgoing payment",
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
    pub(crate) fn vendor_document(
        &self,
        v: &VendorPosting,
        id: u128,
        document_type: &'static str,
        entry_id: u128,
        amount: i64,
    ) -> Document {
        let c = &self.economy.companies[v.company];
        crate::post::bare_document(c, v.vendor, (id, document_type), (amount, v.date), entry_id)
    }
}
