//! The stock ledger's plan: what each company holds of each trading good when the books
//! open, so that no material's stock on hand ever falls below zero.
//!
//! Every movement is valued at the material's standard cost (the purchase order price
//! of a restocking order), so the inventory account is the stock ledger summed at any
//! time, and each case's movements are known from the case alone. What is not known
//! from a case alone is the stock on hand: it is the whole run's movements of the
//! material before it. The books pass (`books.rs`) tallies each company's issues and
//! receipts per material and month; the opening stock of a material covers, in every
//! month, what leaves in that month and all before it less what came in before it (the
//! month's own receipts left out), plus a safety stock of half a month's issues. So the
//! stock is never negative whatever the order of a month's movements.

use crate::world::World;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use synth_model::StockMovement;

/// Safety stock: this share of a material's average month of issues (and at least
/// [`MIN_SAFETY`] units), on top of what covers the worst month.
const SAFETY_SHARE: f64 = 0.5;
/// The least a trading good is stocked with (a few units of each on the shelf).
const MIN_SAFETY: i64 = 2;

/// Each company's issues and receipts of each material per month of the period, in
/// units, summed by the books pass from every thread at once.
#[derive(Debug)]
pub(crate) struct StockTally {
    materials: usize,
    months: usize,
    /// `((company * materials + material) * months + month) * 2`: units out, then in.
    cells: Vec<AtomicI64>,
}

impl StockTally {
    /// An empty tally.
    pub(crate) fn new(companies: usize, materials: usize, months: usize) -> StockTally {
        StockTally {
            materials,
            months,
            cells: (0..companies * materials * months * 2)
                .map(|_| AtomicI64::new(0))
                .collect(),
        }
    }

    /// Bytes a tally of this shape takes.
    pub(crate) fn bytes(companies: usize, materials: usize, months: usize) -> u64 {
        (companies * materials * months * 2 * std::mem::size_of::<AtomicI64>()) as u64
    }

    /// Adds a movement of `quantity` units (signed) in month `month` (clamped into the
    /// period: a movement before it counts in its first month, after it in its last).
    fn add(&self, company: usize, material: usize, month: i64, quantity: i64) {
        let month = month.clamp(0, self.months as i64 - 1) as usize;
        let at = ((company * self.materials + material) * self.months + month) * 2;
        let (cell, units) = if quantity < 0 {
            (at, -quantity)
        } else {
            (at + 1, quantity)
        };
        if let Some(c) = self.cells.get(cell) {
            c.fetch_add(units, Ordering::Relaxed);
        }
    }

    /// Units out and in of a material in a month.
    fn get(&self, company: usize, material: usize, month: usize) -> (i64, i64) {
        let at = ((company * self.materials + material) * self.months + month) * 2;
        let read = |k: usize| self.cells.get(k).map_or(0, |c| c.load(Ordering::Relaxed));
        (read(at), read(at + 1))
    }
}

/// Where each material is among the materials, by its id.
#[derive(Debug, Default)]
pub(crate) struct MaterialIndex(HashMap<u128, u32>);

impl MaterialIndex {
    /// The index of the materials of a run (`ids` in material order).
    pub(crate) fn new(ids: impl Iterator<Item = u128>) -> MaterialIndex {
        MaterialIndex(ids.zip(0..).collect())
    }

    /// The position of material `id`.
    pub(crate) fn of(&self, id: u128) -> Option<usize> {
        self.0.get(&id).map(|&k| k as usize)
    }
}

impl World {
    /// Adds the stock movements of a batch to `tally` (opening stock aside: the books
    /// pass does not generate the opening balances).
    pub(crate) fn tally_stock(&self, rows: &[StockMovement], tally: &StockTally) {
        let start = i64::from(self.config.start_year) * 12 + i64::from(self.config.start_month);
        for r in rows {
            let Some(company) = self.company_of(r.company_code) else {
                continue;
            };
            let Some(material) = self.material_index.of(r.material_id) else {
                continue;
            };
            let (y, m, _) = r.posting_date.ymd();
            tally.add(
                company,
                material,
                i64::from(y) * 12 + i64::from(m) - start,
                r.quantity,
            );
        }
    }

    /// Each company's opening stock of each material, in units, at `company *
    /// materials + material`: enough for every month's issues (see the module's doc), 0
    /// for a service.
    pub(crate) fn opening_stock(&self, tally: &StockTally) -> Vec<i64> {
        let materials = self.economy.materials.len();
        let months = tally.months;
        let mut opening = vec![0; self.economy.companies.len() * materials];
        for (ci, row) in opening.chunks_mut(materials.max(1)).enumerate() {
            for &m in &self.economy.goods {
                let (mut out, mut came, mut need, mut issued) = (0i64, 0i64, 0i64, 0i64);
                for month in 0..months {
                    let (o, i) = tally.get(ci, m, month);
                    out += o;
                    need = need.max(out - came);
                    came += i;
                    issued += o;
                }
                let safety = ((SAFETY_SHARE * issued as f64 / months.max(1) as f64).ceil() as i64)
                    .max(MIN_SAFETY);
                if let Some(q) = row.get_mut(m) {
                    *q = need + safety;
                }
            }
        }
        opening
    }

    /// Company `ci`'s opening stock of material `m` in units (the books summed).
    pub(crate) fn opening_quantity(&self, ci: usize, m: usize) -> i64 {
        self.books()
            .stock_opening
            .get(ci * self.economy.materials.len() + m)
            .copied()
            .unwrap_or(0)
    }

    /// The value of company `ci`'s opening stock: what the opening balances put on the
    /// inventory account.
    pub(crate) fn opening_inventory(&self, ci: usize) -> i64 {
        let fx = self.economy.companies.get(ci).map_or(1.0, |c| c.fx);
        self.economy
            .goods
            .iter()
            .map(|&m| self.opening_quantity(ci, m) * self.economy.unit_cost(m, fx))
            .sum()
    }

    /// The position of the company with code `code`.
    pub(crate) fn company_of(&self, code: synth_model::CompanyCode) -> Option<usize> {
        self.economy.companies.iter().position(|c| c.code == code)
    }
}

/// What a stock movement is, past its entry: type, material, signed units, standard
/// cost, partner, the key its id is drawn from (unique within the entry), and its label.
pub(crate) struct Move {
    pub kind: &'static str,
    pub material: usize,
    pub quantity: i64,
    pub unit_cost: i64,
    pub partner: Option<u128>,
    pub key: u64,
    /// The irregularity it carries, if any.
    pub anomaly: Option<crate::anomalies::AnomalyType>,
}

impl World {
    /// Adds movement `mv` to `batch`, valued by its entry: the batch's last.
    pub(crate) fn push_stock(&self, batch: &mut synth_model::Batch, mv: Move) {
        let Some(e) = batch.entries.last() else {
            return;
        };
        let material_id = crate::world::rng::record_id(
            self.config.seed,
            crate::world::rng::stream::MATERIAL,
            mv.material as u64,
        );
        batch.stock.push(StockMovement {
            movement_id: crate::world::rng::record_id(
                self.config.seed,
                crate::world::rng::stream::STOCK_MOVEMENT,
                (e.entry_id as u64) ^ mv.key.rotate_left(40),
            ),
            company_code: e.company_code,
            material_id,
            movement_type: mv.kind,
            posting_date: e.posting_date,
            quantity: mv.quantity,
            unit_cost: mv.unit_cost,
            value: mv.quantity * mv.unit_cost,
            currency: e.currency,
            partner_id: mv.partner,
            document_id: e.document_id,
            entry_id: e.entry_id,
            is_anomaly: mv.anomaly.is_some(),
            anomaly_type: mv.anomaly.map(crate::anomalies::AnomalyType::name),
        });
    }
}
