//! Tenders: a purchase order of goods worth more than a company's tender limit goes out
//! to tender, and the lowest bid is awarded it. Its bids (`quotations`) are written with
//! the order. A rigged tender (`bid_rigging`) is won by a member of a ring of vendors
//! that take turns, the others bidding just above the winner's inflated price.

use super::Plan;
use crate::anomalies::AnomalyType;
use crate::world::World;
use crate::world::master::MasterData;
use crate::world::rng::{Draws, record_id, record_key, stream};
use synth_model::{Batch, Quotation};

/// An order of goods whose items at standard cost come to at least this many units of
/// the price list's currency (times the company's price scale) goes out to tender.
const TENDER_LIMIT: f64 = 2_500.0;
/// Vendors in a company's ring of bid riggers.
const RING: usize = 3;
/// The ring is drawn among the first this many configured vendors: the established
/// suppliers.
const RING_AMONG: usize = 120;

/// A company's ring of bid riggers: vendor indices, `len` of them used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BidRing {
    members: [usize; RING],
    len: usize,
}

impl BidRing {
    /// The ring's members.
    pub(crate) fn members(&self) -> &[usize] {
        &self.members[..self.len]
    }
}

impl World {
    /// Whether case `p`'s order goes out to tender: a purchase order of goods, in the
    /// company's currency, whose goods at standard cost reach the tender limit.
    pub(crate) fn tendered(&self, p: &Plan) -> bool {
        p.kind == crate::world::economy::CaseKind::P2pGoods
            && p.with_order
            && !p.foreign()
            && p.cost as f64 >= TENDER_LIMIT * 100.0 * p.scales.fx
    }

    /// Company `company`'s ring of bid riggers: three vendors of its country that sell
    /// goods in its currency and never change their bank account, drawn among the
    /// established suppliers; `None` where fewer than two such vendors exist.
    pub(crate) fn bid_ring(&self, md: &MasterData, company: usize) -> Option<BidRing> {
        let c = &self.economy.companies[company];
        let configured = md
            .vendors
            .len()
            .min(self.config.master_data.vendors as usize);
        let mut best = [(u64::MAX, 0usize); RING];
        for v in 0..configured.min(RING_AMONG) {
            let vendor = &md.vendors[v];
            let fits = vendor.country == c.country
                && vendor.currency.is_none()
                && !crate::world::master::bills_services_only(self.config.seed, v)
                && self.bank.never_changes(v);
            if !fits {
                continue;
            }
            let key = record_key(
                self.config.seed,
                stream::TENDER_RING,
                ((company as u64) << 32) | v as u64,
            );
            if key < best[RING - 1].0 {
                best[RING - 1] = (key, v);
                best.sort_unstable();
            }
        }
        let len = best.iter().filter(|(k, _)| *k != u64::MAX).count();
        (len >= 2).then(|| BidRing {
            members: best.map(|(_, v)| v),
            len,
        })
    }

    /// The member of company `company`'s ring whose turn it is to win the tender of
    /// block `block`.
    pub(crate) fn ring_winner(&self, md: &MasterData, company: usize, block: u64) -> Option<usize> {
        let ring = self.bid_ring(md, company)?;
        Some(ring.members()[(block % ring.len as u64) as usize])
    }

    /// The bids of case `p`'s tender (written with its order): the winner's is the
    /// order; two or three other vendors bid 1% to 31% above it. In a rigged tender the
    /// ring's other members bid just above the winner: 0.5-2.5% (easy), 1-4%
    /// (realistic), 1.5-6% (hard), as a cover; so do the other bidders of a look-alike
    /// (a clean tender in a market whose prices rose).
    pub(crate) fn quotations(&self, p: &Plan, md: &MasterData, order: u128, batch: &mut Batch) {
        if !self.tendered(p) {
            return;
        }
        let c = &self.economy.companies[p.company];
        let cal = &c.calendar;
        let mut d = Draws::new(self.config.seed, stream::TENDER, p.block);
        let request = cal.previous_working(p.order_date.add_days(-(6 + d.below(10) as i32)));
        let last = cal.previous_working(p.order_date.add_days(-1));
        let rigged = p.anomaly == Some(AnomalyType::BidRigging);
        let ring = if rigged {
            self.bid_ring(md, p.company)
        } else {
            None
        };
        let mut bidders = [p.partner; 4];
        let mut n = 1;
        match ring {
            Some(r) => {
                for v in r.members().iter().filter(|v| **v != p.partner) {
                    bidders[n] = *v;
                    n += 1;
                }
            }
            None => {
                let configured = md
                    .vendors
                    .len()
                    .min(self.config.master_data.vendors as usize);
                let wanted = 3 + d.below(2);
                for _ in 0..16 {
                    if n == wanted || configured < 2 {
                        break;
                    }
                    let u = d.unit();
                    let v = ((configured as f64 * u * u) as usize).min(configured - 1);
                    if !bidders[..n].contains(&v)
                        && !crate::world::master::bills_services_only(self.config.seed, v)
                    {
                        bidders[n] = v;
                        n += 1;
                    }
                }
            }
        }
        let level = self.config.anomalies.level(AnomalyType::BidRigging);
        let (low, width) = level.pick((0.005, 0.02), (0.01, 0.03), (0.015, 0.045));
        let request_id = record_id(self.config.seed, stream::TENDER, p.block);
        for (k, v) in bidders[..n].iter().enumerate() {
            let above = match (k, rigged || p.tight_tender) {
                (0, _) => 0.0,
                (_, true) => low + width * d.unit(),
                (_, false) => 0.01 + 0.30 * libm::pow(d.unit(), 1.5),
            };
            let mut day = cal.next_working(request.add_days(1 + d.below(5) as i32));
            if day > last {
                day = last.max(request);
            }
            batch.quotations.push(Quotation {
                quotation_id: record_id(
                    self.config.seed,
                    stream::QUOTATION,
                    (p.block << 2) | k as u64,
                ),
                request_id,
                company_code: c.code,
                vendor_id: md.vendors[*v].vendor_id,
                request_date: request,
                quotation_date: day,
                amount: libm::round(p.ordered as f64 * (1.0 + above)) as i64,
                currency: crate::world::fx::CURRENCIES[usize::from(p.home)].into(),
                awarded: k == 0,
                purchase_order_id: order,
                is_anomaly: rigged,
                anomaly_type: rigged.then_some(AnomalyType::BidRigging.name()),
            });
        }
    }
}
