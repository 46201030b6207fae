//! Cost allocations: the long tail of a ledger's line counts. A free slot may hold an
//! assessment of overhead (rent, utilities, IT, fees, ...) from the overhead cost
//! centers to the others: per sender, receiver and account, the receiver is debited and
//! the sender credited the same amount on the same account, so an allocation moves costs
//! between cost centers and changes no account's balance.

use crate::config::MAX_ALLOCATION_LINES;
use crate::post::Head;
use crate::world::World;
use crate::world::economy::{FillerKind, filler_median};
use crate::world::pools::{accounts as acc, centers, texts, users};
use crate::world::rng::{Draws, stream};
use synth_model::Batch;

/// Sender, receiver and account triples of an allocation.
const GRID: u64 = MAX_ALLOCATION_LINES as u64 / 2;

/// Steps through the grid: each prime to [`GRID`] (768 = 2⁸ × 3), so that an allocation's
/// triples are all different.
const STRIDES: [u64; 12] = [1, 5, 7, 11, 13, 17, 19, 23, 25, 29, 31, 37];

impl World {
    /// How many lines the allocation in free slot `slot` has, if the slot holds one.
    #[inline]
    pub(crate) fn allocation_lines(&self, slot: u64) -> Option<(u32, Draws)> {
        let mut d = Draws::new(self.config.seed, stream::ALLOCATION, slot);
        let mut u = d.unit();
        for &(p, lo, hi) in &self.economy.long {
            if u < p {
                // Log-uniform within the band: as many entries of 10 to 19 lines as of
                // 50 to 99.
                let x = f64::from(lo) * libm::pow(f64::from(hi + 1) / f64::from(lo), d.unit());
                let n = (x as u32).clamp(lo, hi).max(2) & !1;
                return Some((n, d));
            }
            u -= p;
        }
        None
    }

    /// The cost allocation of `n` lines (even) in free slot `slot`, with the slot's draws.
    pub(crate) fn allocation(&self, slot: u64, n: u32, mut d: Draws, batch: &mut Batch) {
        let e = &self.economy;
        let index = self.layout.total + slot;
        let entry_id = self.entry_id(index);
        let company = d.below(e.companies.len());
        let c = &e.companies[company];
        let date = c.calendar.sample_working(&mut d);
        let first_line = batch.lines.len();
        let median =
            filler_median(FillerKind::Reclass) * e.price_scale * e.filler_scale * c.fx * 100.0
                / 4.0;
        let start = d.bits() % GRID;
        let stride = d.pick(&STRIDES);
        let (senders, receivers) = (centers::OVERHEAD, centers::RECEIVERS);
        for j in 0..u64::from(n / 2) {
            let t = (start + j * stride) % GRID;
            let account = acc::RECLASS[(t % acc::RECLASS.len() as u64) as usize];
            let t = t / acc::RECLASS.len() as u64;
            let sender = senders[(t % senders.len() as u64) as usize];
            let receiver = receivers[(t / senders.len() as u64) as usize % receivers.len()];
            let amount = libm::round(median * libm::exp(1.2 * d.normal())).max(100.0) as i64;
            Self::center_pair(
                batch,
                entry_id,
                (account, amount),
                (receiver, sender),
                ("Allocated overhead", "Overhead allocated to cost centers"),
            );
        }
        let head = Head {
            index,
            company,
            posting: date,
            document_date: date,
            document_type: "SA",
            process: "cost_allocation",
            user: users::ALLOCATION,
            header_text: d.pick(texts::ALLOCATION),
            flows: false,
            ..Head::CLEAN
        };
        self.close(batch, &head, first_line, &mut d);
    }
}
