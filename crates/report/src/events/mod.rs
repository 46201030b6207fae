//! `synthdata export-ocel`: the procure-to-pay and order-to-cash documents of a finished
//! output directory as process-mining event logs: one OCEL 2.0 object-centric log
//! (JSON, `ocel.rs`) and one XES log per process (`xes.rs`).
//!
//! Every document is an event (a blocked sales order two: its creation and its credit
//! block; a payment whose transfer the vendor's bank sent back three: the payment, the
//! return and the transfer sent again, those two at 09:00 of the days the bank booked
//! them), stamped when its journal entry was entered (`created_at`); a document
//! without an entry (an order, an invoice carried over from before the data) at its
//! date, at a time of day drawn from its id in office hours. A case is the chain a
//! document starts: an order, or an invoice without one. The documents are held in
//! memory (about 190 bytes each with their indexes, and 8 per item), not streamed: a
//! log is sorted by time and grouped by case.

mod ocel;
mod xes;

use crate::ReportError;
use crate::checks::Reader;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use synth_guard::MemoryGuard;

/// The file the object-centric log is written to.
pub const OCEL_FILE: &str = "ocel2.json";
/// The XES logs' files, one per process.
pub const XES_FILES: [&str; 2] = ["procure_to_pay.xes", "order_to_cash.xes"];

/// No document (a reference or a parent that is not there).
const NONE: u32 = u32::MAX;

/// A kind of document: its table value, the activity it records, and (payments) the
/// activity when a cash discount is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    PurchaseOrder,
    GoodsReceipt,
    VendorInvoice,
    Payment,
    SalesOrder,
    Delivery,
    CustomerInvoice,
    DunningNotice,
    Receipt,
}

impl Kind {
    /// Every kind, procure-to-pay first, each process in the order of its chain.
    pub(crate) const ALL: [Kind; 9] = [
        Kind::PurchaseOrder,
        Kind::GoodsReceipt,
        Kind::VendorInvoice,
        Kind::Payment,
        Kind::SalesOrder,
        Kind::Delivery,
        Kind::CustomerInvoice,
        Kind::DunningNotice,
        Kind::Receipt,
    ];

    /// The document type as the documents table writes it (the object type).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Kind::PurchaseOrder => "purchase_order",
            Kind::GoodsReceipt => "goods_receipt",
            Kind::VendorInvoice => "vendor_invoice",
            Kind::Payment => "payment",
            Kind::SalesOrder => "sales_order",
            Kind::Delivery => "delivery",
            Kind::CustomerInvoice => "customer_invoice",
            Kind::DunningNotice => "dunning_notice",
            Kind::Receipt => "receipt",
        }
    }

    /// The activity of the document's event (`discount`: a cash discount was taken).
    pub(crate) const fn activity(self, discount: bool) -> &'static str {
        match (self, discount) {
            (Kind::PurchaseOrder, _) => "Create Purchase Order",
            (Kind::GoodsReceipt, _) => "Receive Goods",
            (Kind::VendorInvoice, _) => "Record Vendor Invoice",
            (Kind::Payment, false) => "Pay Vendor Invoice",
            (Kind::Payment, true) => "Pay Vendor Invoice with Cash Discount",
            (Kind::SalesOrder, _) => "Create Sales Order",
            (Kind::Delivery, _) => "Deliver Goods",
            (Kind::CustomerInvoice, _) => "Issue Customer Invoice",
            (Kind::DunningNotice, _) => "Send Dunning Notice",
            (Kind::Receipt, false) => "Receive Customer Payment",
            (Kind::Receipt, true) => "Receive Customer Payment with Cash Discount",
        }
    }

    /// Whether it belongs to order-to-cash (else procure-to-pay).
    pub(crate) const fn sale(self) -> bool {
        (self as u8) >= (Kind::SalesOrder as u8)
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// What orders events (see [`Logs::order_key`]).
pub(crate) type OrderKey = (i64, Kind, Step, u128);

/// Which of a document's events: its own, or one that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Step {
    /// The document itself (its creation, its posting).
    Main,
    /// A blocked sales order's credit block, a minute after its creation.
    Block,
    /// A payment's transfer sent back by the vendor's bank, when the bank books it.
    Returned,
    /// The returned transfer sent again, when the bank books it.
    SentAgain,
}

impl Step {
    /// The activity of the step of document `d`.
    pub(crate) fn activity(self, d: &Doc) -> &'static str {
        match self {
            Step::Main => d.kind.activity(d.discount != 0),
            Step::Block => BLOCK,
            Step::Returned => RETURNED,
            Step::SentAgain => SENT_AGAIN,
        }
    }

    /// What tells its event's id from the document's (empty for the document's own).
    pub(crate) const fn suffix(self) -> &'static str {
        match self {
            Step::Main => "",
            Step::Block => "-block",
            Step::Returned => "-returned",
            Step::SentAgain => "-again",
        }
    }
}

/// The activity of a blocked sales order's second event.
pub(crate) const BLOCK: &str = "Block Sales Order";

/// The activity of a payment's transfer that the vendor's bank sent back.
pub(crate) const RETURNED: &str = "Payment Returned by Bank";

/// The activity of a returned transfer sent again.
pub(crate) const SENT_AGAIN: &str = "Send Payment Again";

/// The time of day a bank booking is stamped with (statements carry no time): 09:00.
const BANK_TIME: i64 = 9 * 3600;

/// One document, as the logs need it.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) id: u128,
    /// The document it follows (0: none), then resolved into `parent`.
    reference: u128,
    pub(crate) partner: u128,
    pub(crate) amount: i64,
    pub(crate) discount: i64,
    /// When it was entered, seconds since 1970-01-01 UTC.
    pub(crate) at: i64,
    /// The document it follows, as an index ([`NONE`]: none).
    pub(crate) parent: u32,
    /// The first document of its chain, as an index.
    pub(crate) root: u32,
    pub(crate) company: u16,
    pub(crate) currency: u16,
    pub(crate) status: u16,
    /// Who entered its journal entry (`u16::MAX`: no entry).
    pub(crate) user: u16,
    pub(crate) kind: Kind,
}

impl Doc {
    /// Whether it is a sales order blocked over the credit limit.
    pub(crate) fn blocked(&self, logs: &Logs) -> bool {
        self.kind == Kind::SalesOrder && logs.words[usize::from(self.status)] == "blocked"
    }
}

/// Everything the logs are written from.
#[derive(Debug, Default)]
pub(crate) struct Logs {
    pub(crate) docs: Vec<Doc>,
    /// (document, material), sorted, without repeats.
    pub(crate) items: Vec<(u32, u32)>,
    /// Materials: id and description.
    pub(crate) materials: Vec<(u128, String)>,
    /// Vendors, then customers: id, name, country, whether a customer.
    pub(crate) partners: Vec<(u128, String, String, bool)>,
    /// Interned short texts (company codes, currencies, statuses, users).
    pub(crate) words: Vec<String>,
    word_of: HashMap<String, u16>,
    /// The payments whose transfer came back (by document index): when the bank booked
    /// the return and the transfer sent again (0: not in the data), in seconds since
    /// 1970-01-01 UTC.
    pub(crate) returns: HashMap<u32, (i64, i64)>,
}

impl Logs {
    fn word(&mut self, s: &str) -> u16 {
        if let Some(&w) = self.word_of.get(s) {
            return w;
        }
        // Damage, not this tool's output, has this many distinct words: the rest share one.
        if self.words.len() >= usize::from(u16::MAX - 1) {
            return self.word("?");
        }
        let w = self.words.len() as u16;
        self.words.push(s.to_string());
        self.word_of.insert(s.to_string(), w);
        w
    }

    /// The steps of document `i`: its own event, a blocked order's block, a returned
    /// payment's return and second sending.
    pub(crate) fn steps(&self, i: u32) -> impl Iterator<Item = Step> + '_ {
        let blocked = self.docs[i as usize].blocked(self);
        let returned = self.returns.get(&i).copied();
        [
            Some(Step::Main),
            blocked.then_some(Step::Block),
            returned.map(|_| Step::Returned),
            returned.filter(|r| r.1 != 0).map(|_| Step::SentAgain),
        ]
        .into_iter()
        .flatten()
    }

    /// The events, in time order: (document, step).
    pub(crate) fn events(&self) -> Vec<(u32, Step)> {
        let mut events: Vec<(u32, Step)> = Vec::with_capacity(self.docs.len());
        for i in 0..self.docs.len() as u32 {
            events.extend(self.steps(i).map(|s| (i, s)));
        }
        events.sort_by_key(|&(i, step)| self.order_key(i, step));
        events
    }

    /// What orders events: time, then the chain (an order's block after its creation,
    /// a document after the one it follows), then the id.
    pub(crate) fn order_key(&self, i: u32, step: Step) -> OrderKey {
        let d = &self.docs[i as usize];
        (self.time(i, step), d.kind, step, d.id)
    }

    /// When step `step` of document `i` happened: a credit block a minute after the
    /// order, a payment's return and second sending when the bank booked them.
    pub(crate) fn time(&self, i: u32, step: Step) -> i64 {
        let at = self.docs[i as usize].at;
        let returned = self.returns.get(&i).copied().unwrap_or((at, at));
        match step {
            Step::Main => at,
            Step::Block => at + 60,
            Step::Returned => returned.0,
            Step::SentAgain => returned.1,
        }
    }

    /// The materials of document `i`'s items.
    pub(crate) fn materials_of(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let from = self.items.partition_point(|&(d, _)| d < i);
        self.items[from..]
            .iter()
            .take_while(move |&&(d, _)| d == i)
            .map(|&(_, m)| m)
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// Documents read.
    pub documents: u64,
    /// Events in the object-centric log.
    pub events: u64,
    /// Objects in the object-centric log (documents, partners, materials).
    pub objects: u64,
    /// Per process: its name, cases (traces) and events.
    pub processes: Vec<(String, u64, u64)>,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// Writes the event logs of the output directory `dir` into the directory `out`
/// (created if missing; none of the log files may exist there yet); `guard` (if any)
/// is checked as rows are read, and the export stops at its hard limit.
pub fn export(
    dir: &Path,
    out: &Path,
    guard: Option<&mut MemoryGuard>,
) -> Result<ExportSummary, ReportError> {
    let mut r = Reader::open(dir, guard)?;
    if !r.manifest.complete {
        return Err(ReportError::Refused(format!(
            "{}: the run did not complete ({}); its chains are cut short",
            dir.display(),
            r.manifest.stop_reason.as_deref().unwrap_or("stopped")
        )));
    }
    if r.files("documents").is_empty() {
        return Err(ReportError::Refused(format!(
            "{}: the run wrote no documents (documents were off); there is no process to log",
            dir.display()
        )));
    }
    let logs = load(&mut r)?;
    std::fs::create_dir_all(out).map_err(|source| ReportError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let names = std::iter::once(OCEL_FILE).chain(XES_FILES);
    for name in names.clone() {
        let path = out.join(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(ReportError::Refused(format!(
                "{}: exists already; it is left alone (remove it or choose another directory)",
                path.display()
            )));
        }
    }
    let events = logs.events();
    let objects = write_file(&out.join(OCEL_FILE), |w| ocel::write(&logs, &events, w))?;
    let mut processes = Vec::new();
    for (sale, name) in [(false, XES_FILES[0]), (true, XES_FILES[1])] {
        let (cases, n) = write_file(&out.join(name), |w| xes::write(&logs, sale, w))?;
        let process = if sale {
            "order_to_cash"
        } else {
            "procure_to_pay"
        };
        processes.push((process.to_string(), cases, n));
    }
    Ok(ExportSummary {
        documents: logs.docs.len() as u64,
        events: events.len() as u64,
        objects,
        processes,
        files: names.map(|n| out.join(n)).collect(),
    })
}

/// Writes `path` through `NAME.partial`, created new (never through a link), renamed
/// when whole; on failure the partial file (this call's own) is removed.
fn write_file<T>(
    path: &Path,
    body: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<T>,
) -> Result<T, ReportError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let io = |source| ReportError::Io {
        path: partial.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(io)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let result = body(&mut w)
        .and_then(|t| w.flush().map(|()| t))
        .and_then(|t| w.get_ref().sync_all().map(|()| t))
        .and_then(|t| std::fs::rename(&partial, path).map(|()| t));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map_err(io)
}

/// Reads the documents, their items' materials, the partners and the times and users of
/// the documents' entries.
fn load(r: &mut Reader<'_>) -> Result<Logs, ReportError> {
    let mut logs = Logs::default();
    let mut index: HashMap<u128, u32> = HashMap::new();
    let mut by_entry: HashMap<u128, u32> = HashMap::new();
    let cols = [
        "document_id",
        "document_type",
        "company_code",
        "partner_id",
        "document_date",
        "amount",
        "discount_amount",
        "currency",
        "status",
        "reference_document_id",
        "entry_id",
    ];
    let mut t = r.table("documents", &cols);
    let mut n = 0u64;
    while let Some(row) = t.next_row()? {
        n += 1;
        let bad = |what: &str| ReportError::Damaged {
            path: r.dir.join("documents"),
            table: "documents".into(),
            reason: format!("row {n}: {what}"),
        };
        let (Some(id), Some(kind), Some(date)) =
            (row.id(0), row.text(1).and_then(Kind::parse), row.date(4))
        else {
            return Err(bad(
                "no document_id, a known document_type or a document_date",
            ));
        };
        let (company, currency, status) = (
            logs.word(row.text(2).unwrap_or_default()),
            logs.word(row.text(7).unwrap_or_default()),
            logs.word(row.text(8).unwrap_or_default()),
        );
        let entry = row.id(10);
        let doc = Doc {
            id,
            reference: row.id(9).unwrap_or(0),
            partner: row.id(3).unwrap_or(0),
            amount: row.cents(5).unwrap_or(0),
            discount: row.cents(6).unwrap_or(0),
            at: i64::from(date.0) * 86_400 + office_time(id),
            parent: NONE,
            root: NONE,
            company,
            currency,
            status,
            user: u16::MAX,
            kind,
        };
        let i = logs.docs.len() as u32;
        index.insert(id, i);
        if let Some(e) = entry {
            by_entry.insert(e, i);
        }
        logs.docs.push(doc);
        r.tick()?;
    }
    r.whole("documents", &t)?;
    read_materials(r, &mut logs, &index)?;
    read_partners(r, &mut logs)?;
    // When and by whom each document's entry was entered.
    let mut t = r.table("journal_entries", &["entry_id", "created_at", "user_id"]);
    while let Some(row) = t.next_row()? {
        if let Some(&i) = row.id(0).and_then(|e| by_entry.get(&e))
            && let (Some(date), Some(secs)) = (row.date(1), row.seconds_of_day(1))
        {
            let user = logs.word(row.text(2).unwrap_or_default());
            let d = &mut logs.docs[i as usize];
            d.at = i64::from(date.0) * 86_400 + i64::from(secs);
            d.user = user;
        }
        r.tick()?;
    }
    r.whole("journal_entries", &t)?;
    drop(by_entry);
    read_returns(r, &mut logs, &index)?;
    for d in &mut logs.docs {
        if d.reference != 0 {
            d.parent = index.get(&d.reference).copied().unwrap_or(NONE);
        }
    }
    for i in 0..logs.docs.len() {
        // Chains are at most four documents long; a cycle (damage) stops at 16.
        let mut root = i as u32;
        for _ in 0..16 {
            match logs.docs[root as usize].parent {
                NONE => break,
                p => root = p,
            }
        }
        logs.docs[i].root = root;
    }
    Ok(logs)
}

/// The materials and which documents' items hold them.
fn read_materials(
    r: &mut Reader<'_>,
    logs: &mut Logs,
    index: &HashMap<u128, u32>,
) -> Result<(), ReportError> {
    let mut material: HashMap<u128, u32> = HashMap::new();
    let mut t = r.table("materials", &["material_id", "description"]);
    while let Some(row) = t.next_row()? {
        if let Some(id) = row.id(0) {
            material.insert(id, logs.materials.len() as u32);
            let text = row.text(1).unwrap_or_default().to_string();
            logs.materials.push((id, text));
        }
    }
    r.whole("materials", &t)?;
    let mut t = r.table("document_items", &["document_id", "material_id"]);
    while let Some(row) = t.next_row()? {
        if let (Some(&d), Some(&m)) = (
            row.id(0).and_then(|d| index.get(&d)),
            row.id(1).and_then(|m| material.get(&m)),
        ) {
            logs.items.push((d, m));
        }
        r.tick()?;
    }
    r.whole("document_items", &t)?;
    logs.items.sort_unstable();
    logs.items.dedup();
    Ok(())
}

/// The payments whose transfer the vendor's bank sent back, from the bank statement
/// lines (none where the run did not write them): the day the bank booked the return,
/// and the last day it booked a transfer of the payment, the second sending, where that
/// is after the return.
fn read_returns(
    r: &mut Reader<'_>,
    logs: &mut Logs,
    index: &HashMap<u128, u32>,
) -> Result<(), ReportError> {
    let mut back: HashMap<u32, i32> = HashMap::new();
    let mut last_out: HashMap<u32, i32> = HashMap::new();
    let cols = ["document_id", "transaction_code", "booking_date"];
    let mut t = r.table("bank_statement_lines", &cols);
    while let Some(row) = t.next_row()? {
        let doc = row.id(0).and_then(|d| index.get(&d)).copied();
        if let (Some(i), Some(code), Some(day)) = (doc, row.text(1), row.date(2))
            && logs.docs[i as usize].kind == Kind::Payment
        {
            let seen = match code {
                "return" => back.entry(i).or_insert(day.0),
                "transfer_out" => last_out.entry(i).or_insert(day.0),
                _ => continue,
            };
            *seen = (*seen).max(day.0);
        }
        r.tick()?;
    }
    r.whole("bank_statement_lines", &t)?;
    let stamp = |day: i32| i64::from(day) * 86_400 + BANK_TIME;
    for (i, day) in back {
        let again = last_out.get(&i).copied().filter(|d| *d > day);
        logs.returns.insert(i, (stamp(day), again.map_or(0, stamp)));
    }
    Ok(())
}

/// The vendors and the customers.
fn read_partners(r: &mut Reader<'_>, logs: &mut Logs) -> Result<(), ReportError> {
    for (table, id, customer) in [
        ("vendors", "vendor_id", false),
        ("customers", "customer_id", true),
    ] {
        let mut t = r.table(table, &[id, "name", "country"]);
        while let Some(row) = t.next_row()? {
            if let Some(id) = row.id(0) {
                let name = row.text(1).unwrap_or_default().to_string();
                let country = row.text(2).unwrap_or_default().to_string();
                logs.partners.push((id, name, country, customer));
            }
        }
        r.whole(table, &t)?;
    }
    Ok(())
}

/// A time of day in office hours (08:00 to 18:00) drawn from a document's id, for a
/// document that no entry stamps.
fn office_time(id: u128) -> i64 {
    let mut x = (id as u64) ^ ((id >> 64) as u64);
    // splitmix64's finaliser: every bit of the id moves the time.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    8 * 3600 + (x % (10 * 3600)) as i64
}

/// A time (seconds since 1970-01-01 UTC) written `YYYY-MM-DDTHH:MM:SS`.
pub(crate) struct Stamp(pub(crate) i64);

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = synth_model::Date(self.0.div_euclid(86_400) as i32).ymd();
        let s = self.0.rem_euclid(86_400);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

/// Money in minor units, written as a decimal number with two places (the sinks' own
/// formatting).
pub(crate) struct Money(pub(crate) i64);

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut v = Vec::with_capacity(24);
        synth_sinks::push_money(&mut v, self.0);
        f.write_str(std::str::from_utf8(&v).map_err(|_| std::fmt::Error)?)
    }
}

/// An id, written as a UUID (lower-case, hyphenated: the sinks' own formatting).
pub(crate) struct Id(pub(crate) u128);

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut v = Vec::with_capacity(36);
        synth_sinks::push_uuid(&mut v, self.0);
        f.write_str(std::str::from_utf8(&v).map_err(|_| std::fmt::Error)?)
    }
}
