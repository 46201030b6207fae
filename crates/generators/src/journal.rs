//! The journal generator: entry *i* and everything it causes, from `(seed, i)` alone.

use crate::calendar::PostingCalendar;
use crate::config::{GeneratorConfig, InvalidGeneratorConfig, MAX_LINES_LIMIT};
use crate::master::{LazyRegistry, MasterData, account_node_id};
use crate::pools::{self, accounts as acc, texts};
use crate::rng::{Draws, record_id, record_key, splitmix64, stream};
use std::ops::Range;
use std::sync::Arc;
use synth_model::{Batch, PerTable};
use synth_model::{
    CompanyCode, Currency, Date, Document, DocumentItem, GraphEdge, JournalEntry, JournalLine,
};

/// The business event behind an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Dr purchases / Cr payables (with PO, goods receipt and invoice documents).
    VendorInvoice,
    /// Dr payables / Cr bank (pays an earlier vendor invoice).
    VendorPayment,
    /// Dr receivables / Cr revenue (with sales order and invoice documents).
    CustomerInvoice,
    /// Dr bank / Cr receivables (settles an earlier customer invoice).
    CustomerReceipt,
    /// Dr expense / Cr accrued liabilities (manual).
    Accrual,
    /// Dr salaries / Cr payroll bank and liabilities.
    Payroll,
    /// Dr depreciation / Cr accumulated depreciation.
    Depreciation,
    /// Dr expense / Cr expense (manual reclassification).
    Reclass,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Debit,
    Credit,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Partner {
    None,
    Vendor,
    Customer,
}

struct Spec {
    scenario: Scenario,
    /// Share of entries, in permille.
    weight: u32,
    document_type: &'static str,
    debit: &'static [u32],
    credit: &'static [u32],
    /// The side with one line; the other side is split over the remaining lines.
    single: Side,
    partner: Partner,
    manual_percent: u32,
    headers: &'static [&'static str],
    lines: &'static [&'static str],
    batch_users: &'static [&'static str],
}

static SPECS: [Spec; 8] = [
    Spec {
        scenario: Scenario::VendorInvoice,
        weight: 300,
        document_type: "KR",
        debit: acc::PURCHASES,
        credit: acc::PAYABLES,
        single: Side::Credit,
        partner: Partner::Vendor,
        manual_percent: 25,
        headers: &["Vendor invoice", "Incoming invoice", "Invoice receipt"],
        lines: texts::PURCHASE,
        batch_users: &["BATCH_AP"],
    },
    Spec {
        scenario: Scenario::VendorPayment,
        weight: 150,
        document_type: "KZ",
        debit: acc::PAYABLES,
        credit: acc::BANK,
        single: Side::Credit,
        partner: Partner::Vendor,
        manual_percent: 5,
        headers: &["Outgoing payment", "Payment run"],
        lines: texts::PAYMENT,
        batch_users: &["SYS_PAYRUN"],
    },
    Spec {
        scenario: Scenario::CustomerInvoice,
        weight: 250,
        document_type: "DR",
        debit: acc::RECEIVABLES,
        credit: acc::REVENUE,
        single: Side::Debit,
        partner: Partner::Customer,
        manual_percent: 10,
        headers: &["Customer invoice", "Billing document"],
        lines: texts::SALE,
        batch_users: &["BATCH_AR"],
    },
    Spec {
        scenario: Scenario::CustomerReceipt,
        weight: 120,
        document_type: "DZ",
        debit: acc::BANK,
        credit: acc::RECEIVABLES,
        single: Side::Debit,
        partner: Partner::Customer,
        manual_percent: 10,
        headers: &["Incoming payment", "Bank statement"],
        lines: texts::PAYMENT,
        batch_users: &["SYS_BANKSTMT"],
    },
    Spec {
        scenario: Scenario::Accrual,
        weight: 80,
        document_type: "SA",
        debit: acc::ACCRUED_EXPENSES,
        credit: acc::ACCRUALS,
        single: Side::Credit,
        partner: Partner::None,
        manual_percent: 100,
        headers: &["Month-end accrual", "Accrual, see memo"],
        lines: texts::MANUAL,
        batch_users: &[],
    },
    Spec {
        scenario: Scenario::Payroll,
        weight: 50,
        document_type: "PR",
        debit: acc::PAYROLL_EXPENSES,
        credit: acc::PAYROLL_CREDIT,
        single: Side::Credit,
        partner: Partner::None,
        manual_percent: 0,
        headers: &["Payroll posting"],
        lines: texts::PAYROLL,
        batch_users: &["SYS_PAYROLL"],
    },
    Spec {
        scenario: Scenario::Depreciation,
        weight: 30,
        document_type: "AA",
        debit: acc::DEPRECIATION,
        credit: acc::ACCUMULATED_DEPRECIATION,
        single: Side::Credit,
        partner: Partner::None,
        manual_percent: 0,
        headers: &["Depreciation run"],
        lines: texts::DEPRECIATION,
        batch_users: &["SYS_ASSETS"],
    },
    Spec {
        scenario: Scenario::Reclass,
        weight: 20,
        document_type: "SA",
        debit: acc::RECLASS,
        credit: acc::RECLASS,
        single: Side::Credit,
        partner: Partner::None,
        manual_percent: 100,
        headers: &["Reclassification", "Correction posting"],
        lines: texts::MANUAL,
        batch_users: &[],
    },
];

/// How far back a payment looks for the invoice it pays.
const PAYMENT_LOOKBACK: u64 = 64;

/// What an entry's documents share with it.
struct Posting {
    entry_id: u128,
    partner_id: u128,
    date: Date,
    company_code: CompanyCode,
    currency: Currency,
    total: i64,
}

/// What the first draws of an entry decide; recomputable for any index on its own.
#[derive(Clone, Copy)]
struct Head {
    spec: usize,
    partner: usize,
    company: usize,
    amount: i64,
}

/// Generates journal entries and everything they cause, deterministically by index.
///
/// ```
/// use synth_generators::{Batch, GeneratorConfig, JournalGenerator};
/// let generator = JournalGenerator::new(GeneratorConfig::default())?;
/// let mut batch = Batch::with_capacity(1000);
/// generator.generate_batch(&mut batch, 0..1000)?;
/// assert_eq!(batch.entries.len(), 1000);
/// // Any range alone gives the same records as the same slice of a bigger run.
/// assert_eq!(generator.generate_range(500..501)?.entries[0], batch.entries[500]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JournalGenerator {
    config: GeneratorConfig,
    calendar: PostingCalendar,
    companies: Vec<(CompanyCode, Currency)>,
    registry: LazyRegistry,
    scenario_cdf: [u32; 8],
    ln_median_cents: f64,
}

/// A range of entry indices that ends before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid range of entries {start}..{end}: the end is before the start")]
pub struct InvalidRange {
    /// First index asked for.
    pub start: u64,
    /// One past the last index asked for.
    pub end: u64,
}

/// The number of cases in `range`, or why it is not a range.
fn check_range(range: &Range<u64>) -> Result<usize, InvalidRange> {
    if range.end < range.start {
        return Err(InvalidRange {
            start: range.start,
            end: range.end,
        });
    }
    Ok((range.end - range.start) as usize)
}

impl JournalGenerator {
    /// A generator for a validated config.
    pub fn new(config: GeneratorConfig) -> Result<Self, InvalidGeneratorConfig> {
        config.validate()?;
        let calendar = PostingCalendar::new(config.start_year, config.start_month, config.months);
        let companies = config
            .companies
            .iter()
            .map(|c| (c.code.as_str().into(), c.currency.as_str().into()))
            .collect();
        let mut scenario_cdf = [0u32; 8];
        let mut total = 0;
        for (slot, spec) in scenario_cdf.iter_mut().zip(&SPECS) {
            total += spec.weight;
            *slot = total;
        }
        Ok(Self {
            registry: LazyRegistry::new(config.seed, config.master_data.clone()),
            ln_median_cents: libm::log(config.transactions.amount_median * 100.0),
            config,
            calendar,
            companies,
            scenario_cdf,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// The master data (built on first use).
    pub fn master_data(&self) -> &Arc<MasterData> {
        self.registry.get()
    }

    /// Drops what can be rebuilt (the master data registry); returns the bytes released.
    pub fn clear_caches(&mut self) -> usize {
        self.registry.clear()
    }

    /// Rows of each table per entry of this config, measured on the first `sample`
    /// entries (1 for journal entries, 0 for master tables).
    pub fn records_per_entry(&self, sample: u64) -> PerTable<f64> {
        let mut b = Batch::with_capacity(sample.max(1) as usize);
        self.fill(&mut b, 0..sample.max(1));
        let n = b.entries.len().max(1) as f64;
        PerTable::from_fn(|t| b.rows(t) as f64 / n)
    }

    /// Records for the entries `range`, in a new batch.
    pub fn generate_range(&self, range: Range<u64>) -> Result<Batch, InvalidRange> {
        let cases = check_range(&range)?;
        let mut batch = Batch::with_capacity(cases);
        self.fill(&mut batch, range);
        Ok(batch)
    }

    /// Iterates over `range` in batches of `batch_size` entries (each batch new).
    pub fn generate_stream(
        &self,
        range: Range<u64>,
        batch_size: u64,
    ) -> Result<impl Iterator<Item = Batch> + '_, InvalidRange> {
        check_range(&range)?;
        let step = batch_size.max(1);
        Ok((range.start..range.end)
            .step_by(step as usize)
            .map(move |a| {
                let mut batch = Batch::with_capacity(step as usize);
                self.fill(&mut batch, a..(a + step).min(range.end));
                batch
            }))
    }

    /// Refills `batch` with the records of entries `range` (no allocation once the
    /// batch's vectors have grown to the run's needs).
    pub fn generate_batch(&self, batch: &mut Batch, range: Range<u64>) -> Result<(), InvalidRange> {
        check_range(&range)?;
        self.fill(batch, range);
        Ok(())
    }

    fn fill(&self, batch: &mut Batch, range: Range<u64>) {
        batch.clear();
        batch.range = range.clone();
        let md = Arc::clone(self.registry.get());
        for i in range {
            self.entry(i, &md, batch);
        }
    }

    /// The scenario of entry `i`, from its key alone (two hashes, no RNG): cheap
    /// enough for payments to scan back for the invoice they settle.
    #[inline]
    fn scenario_of(&self, key: u64) -> usize {
        let total = u64::from(*self.scenario_cdf.last().unwrap_or(&1));
        let r = ((u128::from(splitmix64(key)) * u128::from(total)) >> 64) as u32;
        self.scenario_cdf.iter().position(|c| r < *c).unwrap_or(0)
    }

    #[inline]
    fn head(&self, i: u64) -> (Draws, Head) {
        let key = record_key(self.config.seed, stream::ENTRY, i);
        let spec = self.scenario_of(key);
        let mut d = Draws::from_key(key);
        let u = d.unit();
        let n_partners = match SPECS[spec].partner {
            Partner::Vendor => self.config.master_data.vendors as usize,
            Partner::Customer => self.config.master_data.customers as usize,
            Partner::None => 1,
        };
        // Skewed: a few partners get most of the business.
        let partner = ((n_partners as f64 * u * u) as usize).min(n_partners - 1);
        let company = d.below(self.companies.len());
        let z = d.normal();
        // libm, not the platform's math library: the same bits on every machine.
        let cents =
            libm::exp(self.ln_median_cents + self.config.transactions.amount_sigma * z).round();
        let amount = cents.clamp(1.0, 1e13) as i64;
        (
            d,
            Head {
                spec,
                partner,
                company,
                amount,
            },
        )
    }

    /// The invoice an entry at `i` of scenario `pays` settles: its index and head.
    fn settled_invoice(&self, i: u64, pays: Scenario) -> Option<(u64, Head)> {
        let seed = self.config.seed;
        let j = (1..=PAYMENT_LOOKBACK.min(i))
            .map(|back| i - back)
            .find(|j| {
                SPECS[self.scenario_of(record_key(seed, stream::ENTRY, *j))].scenario == pays
            })?;
        Some((j, self.head(j).1))
    }

    fn line_count(&self, d: &mut Draws) -> usize {
        let t = &self.config.transactions;
        let max = t.max_lines.min(MAX_LINES_LIMIT) as usize;
        if max <= 2 || d.unit() < t.two_line_share {
            return 2;
        }
        let n = 3.0 / libm::pow(d.unit_open(), 1.0 / t.line_tail_exponent);
        (n as usize).clamp(3, max)
    }

    fn entry(&self, i: u64, md: &MasterData, batch: &mut Batch) {
        let seed = self.config.seed;
        let (mut d, mut head) = self.head(i);
        let spec = &SPECS[head.spec];
        let settles = match spec.scenario {
            Scenario::VendorPayment => self.settled_invoice(i, Scenario::VendorInvoice),
            Scenario::CustomerReceipt => self.settled_invoice(i, Scenario::CustomerInvoice),
            _ => None,
        };
        if let Some((_, invoice)) = settles {
            head = Head {
                spec: head.spec,
                ..invoice
            };
        }
        let entry_id = record_id(seed, stream::ENTRY, i);
        let day = self.calendar.sample(&mut d);
        let document_date = day.date.add_days(-((d.unit() * d.unit() * 8.0) as i32));
        let n = self.line_count(&mut d);
        let manual = (d.below(100) as u32) < spec.manual_percent;
        let user_id = if manual || spec.batch_users.is_empty() {
            d.pick(pools::MANUAL_USERS)
        } else {
            d.pick(spec.batch_users)
        };
        let (company_code, currency) = self.companies[head.company];
        let partner_id = match spec.partner {
            Partner::Vendor => md.vendors.get(head.partner).map(|v| v.vendor_id),
            Partner::Customer => md.customers.get(head.partner).map(|c| c.customer_id),
            Partner::None => None,
        };

        // Lines: the single side carries the total; the other side splits it.
        let multi = n - 1;
        let total = head.amount.max(100 * multi as i64);
        // Split weights come from a sub-stream read twice (sum, then parts), so no
        // buffer is needed for them.
        let weights = Draws::from_key(d.bits());
        let sum: f64 = {
            let mut replay = weights.clone();
            (0..multi).map(|_| 0.2 + replay.unit()).sum()
        };
        let mut weights = weights;
        let first_line = batch.lines.len();
        let (multi_side, multi_pool, single_pool) = match spec.single {
            Side::Credit => (Side::Debit, spec.debit, spec.credit),
            Side::Debit => (Side::Credit, spec.credit, spec.debit),
        };
        let mut assigned = 0;
        let single_account = d.pick(single_pool);
        let push_line =
            |batch: &mut Batch, side: Side, account: u32, amount: i64, d: &mut Draws| {
                let (debit, credit) = if side == Side::Debit {
                    (amount, 0)
                } else {
                    (0, amount)
                };
                let partner = if account == acc::PAYABLES[0] || account == acc::RECEIVABLES[0] {
                    partner_id
                } else {
                    None
                };
                batch.lines.push(JournalLine {
                    entry_id,
                    line_number: 0,
                    account,
                    debit,
                    credit,
                    cost_center: d.pick(pools::COST_CENTERS),
                    partner_id: partner,
                    line_text: d.pick(spec.lines),
                });
            };
        for k in 0..multi {
            let weight = 0.2 + weights.unit();
            let part = (total as f64 * weight / sum) as i64;
            let part = if k == multi - 1 {
                total - assigned
            } else {
                part
            };
            assigned += part;
            let account = d.pick(multi_pool);
            push_line(batch, multi_side, account, part, &mut d);
        }
        push_line(batch, spec.single, single_account, total, &mut d);
        // Debit lines first, then credit lines, numbered 1..=n.
        let lines = &mut batch.lines[first_line..];
        let single_index = if spec.single == Side::Debit { 0 } else { n - 1 };
        if spec.single == Side::Debit {
            lines.rotate_right(1);
        }
        for (k, line) in lines.iter_mut().enumerate() {
            line.line_number = k as u32 + 1;
        }

        // Documents and their items.
        let mut document_id = None;
        if self.config.documents.enabled
            && let Some(partner) = partner_id
        {
            {
                let posting = Posting {
                    entry_id,
                    partner_id: partner,
                    date: document_date,
                    company_code,
                    currency,
                    total,
                };
                let split_lines =
                    (first_line..first_line + n).filter(|k| *k != first_line + single_index);
                document_id = self.documents(
                    i,
                    spec.scenario,
                    settles.map(|s| s.0),
                    &posting,
                    split_lines,
                    batch,
                    &mut d,
                );
            }
        }

        // Graph edges: money flows from the single side to each line of the other.
        if self.config.graph.enabled {
            let single_node = account_node_id(seed, single_account);
            for k in (0..n).filter(|k| *k != single_index) {
                let line = batch.lines[first_line + k];
                let node = account_node_id(seed, line.account);
                let (source, target, amount) = match spec.single {
                    Side::Credit => (single_node, node, line.debit),
                    Side::Debit => (node, single_node, line.credit),
                };
                batch.edges.push(GraphEdge {
                    source_node_id: source,
                    target_node_id: target,
                    entry_id,
                    amount,
                    posting_date: day.date,
                    edge_type: "posting",
                });
            }
            if let (Some(partner), Scenario::VendorPayment | Scenario::CustomerReceipt) =
                (partner_id, spec.scenario)
            {
                // The single side of payments and receipts is the bank account.
                let bank = single_node;
                let (source, target) = if spec.scenario == Scenario::VendorPayment {
                    (bank, partner)
                } else {
                    (partner, bank)
                };
                batch.edges.push(GraphEdge {
                    source_node_id: source,
                    target_node_id: target,
                    entry_id,
                    amount: total,
                    posting_date: day.date,
                    edge_type: "partner",
                });
            }
        }

        batch.entries.push(JournalEntry {
            entry_id,
            company_code,
            fiscal_year: day.year,
            fiscal_period: day.month,
            posting_date: day.date,
            document_date,
            document_type: spec.document_type,
            source: if manual { "manual" } else { "automated" },
            user_id,
            currency,
            header_text: d.pick(spec.headers),
            line_count: n as u32,
            document_id,
        });
    }

    /// Emits the documents of entry `i` and returns the one the entry posts.
    #[allow(clippy::too_many_arguments)]
    fn documents(
        &self,
        i: u64,
        scenario: Scenario,
        settled: Option<u64>,
        p: &Posting,
        split_lines: impl Iterator<Item = usize> + Clone,
        batch: &mut Batch,
        d: &mut Draws,
    ) -> Option<u128> {
        let seed = self.config.seed;
        let doc =
            |id: u128, document_type, date: Date, reference, entry: Option<u128>, item_count| {
                Document {
                    document_id: id,
                    document_type,
                    company_code: p.company_code,
                    partner_id: p.partner_id,
                    document_date: date,
                    amount: p.total,
                    currency: p.currency,
                    reference_document_id: reference,
                    entry_id: entry,
                    item_count,
                }
            };
        // The chain: (stream, type, days before the posting, causes the entry?)
        let chain: &[(u64, &'static str, i32, bool)] = match scenario {
            Scenario::VendorInvoice => &[
                (
                    stream::PURCHASE_ORDER,
                    "purchase_order",
                    14 + d.below(20) as i32,
                    false,
                ),
                (
                    stream::GOODS_RECEIPT,
                    "goods_receipt",
                    d.below(5) as i32,
                    false,
                ),
                (stream::VENDOR_INVOICE, "vendor_invoice", 0, true),
            ],
            Scenario::CustomerInvoice => &[
                (
                    stream::SALES_ORDER,
                    "sales_order",
                    3 + d.below(20) as i32,
                    false,
                ),
                (stream::CUSTOMER_INVOICE, "customer_invoice", 0, true),
            ],
            Scenario::VendorPayment => &[(stream::PAYMENT, "payment", 0, true)],
            Scenario::CustomerReceipt => &[(stream::RECEIPT, "receipt", 0, true)],
            _ => return None,
        };
        // Payments reference the invoice they settle; chains reference their previous step.
        let mut reference = settled.map(|j| match scenario {
            Scenario::VendorPayment => record_id(seed, stream::VENDOR_INVOICE, j),
            _ => record_id(seed, stream::CUSTOMER_INVOICE, j),
        });
        let with_items = matches!(
            scenario,
            Scenario::VendorInvoice | Scenario::CustomerInvoice
        );
        let mut posted = None;
        for &(s, document_type, days_before, causes) in chain {
            let id = record_id(seed, s, i);
            let mut item_count = 0;
            if with_items {
                // One item per line of the split side: the lines' amounts are the items'.
                for k in split_lines.clone() {
                    let line = batch.lines[k];
                    let amount = line.debit.max(line.credit);
                    let mut quantity = 1 + d.below(12) as i64;
                    while amount % quantity != 0 {
                        quantity -= 1;
                    }
                    item_count += 1;
                    batch.items.push(DocumentItem {
                        document_id: id,
                        item_number: item_count,
                        description: d.pick(pools::ITEM_DESCRIPTIONS),
                        quantity,
                        unit_price: amount / quantity,
                        amount,
                    });
                }
            }
            let entry = causes.then_some(p.entry_id);
            batch.documents.push(doc(
                id,
                document_type,
                p.date.add_days(-days_before),
                reference,
                entry,
                item_count,
            ));
            if causes {
                posted = Some(id);
            }
            reference = Some(id);
        }
        posted
    }
}
