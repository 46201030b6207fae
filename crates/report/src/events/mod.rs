//! `synthdata export-ocel`: the procure-to-pay and order-to-cash documents of a finished
//! output directory as process-mining event logs: one OCEL 2.0 object-centric log
//! (JSON, `ocel.rs`) and one XES log per process (`xes.rs`).
//!
//! Every document is an event (a blocked sales order two: its creation and its credit
//! block), stamped when its journal entry was entered (`created_at`); a document
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
pub(crate) type OrderKey = (i64, Kind, bool, u128);

/// The activity of a blocked sales order's second event.
pub(crate) const BLOCK: &str = "Block Sales Order";

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

    /// The events, in time order: (document, whether its second event: a credit block).
    pub(crate) fn events(&self) -> Vec<(u32, bool)> {
        let mut events: Vec<(u32, bool)> = Vec::with_capacity(self.docs.len());
        for (i, d) in self.docs.iter().enumerate() {
            events.push((i as u32, false));
            if d.blocked(self) {
                events.push((i as u32, true));
            }
        }
        events.sort_by_key(|&(i, second)| self.order_key(i, second));
        events
    }

    /// What orders events: time, then the chain (an order's block after its creation,
    /// a document after the one it follows), then the id.
    pub(crate) fn order_key(&self, i: u32, second: bool) -> OrderKey {
        let d = &self.docs[i as usize];
        (self.time(i, second), d.kind, second, d.id)
    }

    /// When event `i` (`second`: a credit block, a minute after the order) happened.
    pub(crate) fn time(&self, i: u32, second: bool) -> i64 {
        self.docs[i as usize].at + if second { 60 } else { 0 }
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
