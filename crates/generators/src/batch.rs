//! A reusable batch: every record caused by one contiguous range of entry indices.

use std::ops::Range;
use synth_model::{Document, DocumentItem, GraphEdge, JournalEntry, JournalLine};

/// Every record caused by the entries `range`: entries, their lines (one flat vector),
/// their documents and items, and the graph edges they imply.
///
/// Batches are refilled in place; once their vectors have grown to a run's needs,
/// refilling allocates nothing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Batch {
    /// The entry indices this batch holds.
    pub range: Range<u64>,
    /// Journal entry headers, one per index.
    pub entries: Vec<JournalEntry>,
    /// All lines of those entries, in entry order.
    pub lines: Vec<JournalLine>,
    /// Documents caused by the entries.
    pub documents: Vec<Document>,
    /// Items of those documents.
    pub items: Vec<DocumentItem>,
    /// Graph edges derived from the entries.
    pub edges: Vec<GraphEdge>,
}

/// Expected records per entry with the default line distribution, used to size new
/// batches so that most never grow: lines, documents, items, edges.
pub const EXPECTED_PER_ENTRY: PerEntry = [3.4, 1.7, 3.4, 2.7];

/// Records per entry: lines, documents, items, edges.
pub type PerEntry = [f64; 4];

/// Initial capacities for `entries` entries (entries, lines, documents, items, edges),
/// with 25% headroom over the expected counts so that most batches never grow.
fn capacities(entries: usize, per_entry: PerEntry) -> [usize; 5] {
    let n = entries as f64 * 1.25;
    let cap = |ratio: f64| {
        if ratio > 0.0 {
            (n * ratio) as usize + 256
        } else {
            0
        }
    };
    [
        entries,
        cap(per_entry[0]),
        cap(per_entry[1]),
        cap(per_entry[2]),
        cap(per_entry[3]),
    ]
}

/// Bytes of one record of each table, in the order of [`capacities`].
const RECORD_BYTES: [usize; 5] = [
    size_of::<JournalEntry>(),
    size_of::<JournalLine>(),
    size_of::<Document>(),
    size_of::<DocumentItem>(),
    size_of::<GraphEdge>(),
];

impl Batch {
    /// An empty batch with room for about `entries` entries and what they cause
    /// (default distribution, documents and graph on).
    pub fn with_capacity(entries: usize) -> Self {
        Self::with_ratios(entries, EXPECTED_PER_ENTRY)
    }

    /// An empty batch sized for `entries` entries with `per_entry` records of each kind
    /// (see [`crate::JournalGenerator::records_per_entry`]).
    pub fn with_ratios(entries: usize, per_entry: PerEntry) -> Self {
        let [e, l, d, i, g] = capacities(entries, per_entry);
        Self {
            range: 0..0,
            entries: Vec::with_capacity(e),
            lines: Vec::with_capacity(l),
            documents: Vec::with_capacity(d),
            items: Vec::with_capacity(i),
            edges: Vec::with_capacity(g),
        }
    }

    /// Empties the batch, keeping its capacity.
    pub fn clear(&mut self) {
        self.range = 0..0;
        self.entries.clear();
        self.lines.clear();
        self.documents.clear();
        self.items.clear();
        self.edges.clear();
    }

    /// Number of records of every table.
    pub fn record_count(&self) -> usize {
        self.entries.len()
            + self.lines.len()
            + self.documents.len()
            + self.items.len()
            + self.edges.len()
    }

    /// Bytes this batch holds on the heap (its capacity, not its length).
    pub fn heap_bytes(&self) -> usize {
        let caps = [
            self.entries.capacity(),
            self.lines.capacity(),
            self.documents.capacity(),
            self.items.capacity(),
            self.edges.capacity(),
        ];
        caps.iter().zip(RECORD_BYTES).map(|(c, b)| c * b).sum()
    }

    /// Bytes a full batch of `entries` entries actually touches: its expected records,
    /// without the headroom of its capacity (what RSS sees).
    pub fn touched_bytes(entries: usize, per_entry: PerEntry) -> usize {
        let n = entries as f64;
        let counts = [
            n,
            n * per_entry[0],
            n * per_entry[1],
            n * per_entry[2],
            n * per_entry[3],
        ];
        counts
            .iter()
            .zip(RECORD_BYTES)
            .map(|(c, b)| (*c * b as f64) as usize)
            .sum()
    }

    /// Bytes a batch made by [`Batch::with_ratios`] reserves (its capacity).
    pub fn expected_bytes(entries: usize, per_entry: PerEntry) -> usize {
        capacities(entries, per_entry)
            .iter()
            .zip(RECORD_BYTES)
            .map(|(c, b)| c * b)
            .sum()
    }
}
