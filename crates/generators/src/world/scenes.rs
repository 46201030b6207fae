//! Where the standalone anomaly scenes fall, as far as the world must know it before any
//! case is generated: a scene's company, date and draws from its block alone, and the
//! fictitious vendors the vendor master holds for them.

use crate::world::rng::{Draws, record_id, stream};
use synth_model::Date;

/// What a standalone anomaly needs of its block, drawn from the block alone.
pub(crate) struct Scene {
    pub(crate) d: Draws,
    pub(crate) company: usize,
    pub(crate) date: Date,
}

/// The company, date and draws of block `block`'s standalone anomaly.
pub(crate) fn scene_of(seed: u64, economy: &crate::world::economy::Economy, block: u64) -> Scene {
    let mut d = Draws::new(seed, stream::ANOMALY_CASE, block);
    let company = d.below(economy.companies.len());
    let cal = &economy.companies[company].calendar;
    let mut date = cal.sample_working(&mut d);
    // Room after it for the entries that follow within the period.
    if date.add_days(21) > economy.end {
        date = cal.previous_working(economy.end.add_days(-21).max(economy.start));
    }
    Scene { d, company, date }
}

/// How many fictitious vendors `blocks` fictitious-vendor blocks get: one each, but at
/// most a tenth of the configured vendors (at least one), so that the vendor master stays
/// one a company could have and does not grow with the run; beyond that, each fictitious
/// vendor bills several times.
pub(crate) fn fictitious_count(config: &crate::config::GeneratorConfig, blocks: usize) -> usize {
    blocks.min((config.master_data.vendors as usize / 10).max(1))
}

/// The fictitious-vendor blocks' dates and positions in `blocks`, by date.
fn by_date(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    blocks: &[u64],
) -> Vec<(Date, usize)> {
    let mut by_date: Vec<(Date, usize)> = blocks
        .iter()
        .enumerate()
        .map(|(k, b)| (scene_of(config.seed, economy, *b).date, k))
        .collect();
    by_date.sort_unstable();
    by_date
}

/// For each fictitious-vendor block (in block order), which fictitious vendor bills it:
/// by the blocks' dates, the first `fictitious_count` to vendors 0, 1, ..., the next to
/// 0, 1, ... again, so that a vendor's first invoice is its earliest and its invoices
/// are spread over the period.
pub(crate) fn fictitious_assignment(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    blocks: &[u64],
) -> Vec<u32> {
    let count = fictitious_count(config, blocks.len()).max(1);
    let mut of = vec![0u32; blocks.len()];
    for (rank, (_, k)) in by_date(config, economy, blocks).iter().enumerate() {
        of[*k] = (rank % count) as u32;
    }
    of
}

/// The vendors created for fictitious-vendor anomalies, after the `configured` ones: each
/// created days before its first invoice, in that invoice's company's country.
pub(crate) fn fictitious_vendors(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    configured: u64,
) -> Vec<synth_model::Vendor> {
    let layout = crate::world::layout::Layout::new(config);
    let selector = crate::anomalies::Selector::new(config.seed, &config.anomalies);
    let seed = config.seed;
    let blocks = selector.fictitious_vendor_blocks(layout.total, config.transactions.target_count);
    let count = fictitious_count(config, blocks.len());
    // Vendor j's first block is the j-th by date (see `fictitious_assignment`).
    by_date(config, economy, &blocks)
        .into_iter()
        .take(count)
        .map(|(_, k)| blocks[k])
        .enumerate()
        .map(|(j, block)| {
            let i = configured + j as u64;
            let sc = scene_of(seed, economy, block);
            let mut d = Draws::new(seed, stream::VENDOR, i);
            // Where any vendor is: at home or abroad alike (a shell registered abroad
            // is as plausible as one next door, and no rarer in the data).
            let crate::world::pools::places::Place {
                country,
                city,
                region,
                postcode,
            } = crate::world::pools::places::place(&mut d);
            synth_model::Vendor {
                vendor_id: record_id(seed, stream::VENDOR, i),
                name: crate::world::identity::partner_name(i, 0, country),
                country,
                city,
                region,
                postcode,
                vat_id: crate::world::tax_id::vat_id(
                    seed,
                    crate::world::tax_id::VENDOR_IDS,
                    i,
                    country,
                ),
                payment_terms_days: d.pick(crate::world::pools::PAYMENT_TERMS),
                cash_discount_percent: 0,
                cash_discount_days: 0,
                created_date: sc.date.add_days(-(2 + d.below(12) as i32)),
                bank_account: crate::world::identity::account(seed, i, 0, country),
            }
        })
        .collect()
}
