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

/// The blocks of one type of [`crate::anomalies::VENDOR_SCENES`] and the vendors that bill them.
#[derive(Debug, Default)]
pub(crate) struct SceneVendors {
    /// The blocks that carry the type, in order.
    pub(crate) blocks: Vec<u64>,
    /// For each of those blocks, which of the type's vendors bills it.
    pub(crate) of: Vec<u32>,
    /// The index of the type's first vendor in the vendors table.
    pub(crate) first: u64,
    /// How many vendors the type has.
    pub(crate) count: u64,
    /// Each vendor's first block (its earliest invoice, which made it).
    pub(crate) firsts: Vec<u64>,
}

impl SceneVendors {
    /// The blocks and vendors of each type of [`crate::anomalies::VENDOR_SCENES`], in that order, their
    /// vendors after the `configured` ones.
    pub(crate) fn all(
        config: &crate::config::GeneratorConfig,
        economy: &crate::world::economy::Economy,
        configured: u64,
    ) -> Vec<SceneVendors> {
        let layout = crate::world::layout::Layout::new(config);
        let selector = crate::anomalies::Selector::new(config.seed, &config.anomalies);
        let end = config.transactions.target_count;
        let mut first = configured;
        crate::anomalies::VENDOR_SCENES
            .iter()
            .map(|t| {
                let blocks = selector.standalone_blocks(*t, layout.total, end);
                let count = fictitious_count(config, blocks.len()) as u64;
                let of = fictitious_assignment(config, economy, &blocks);
                let firsts = by_date(config, economy, &blocks)
                    .into_iter()
                    .take(count as usize)
                    .map(|(_, k)| blocks[k])
                    .collect();
                let v = SceneVendors {
                    blocks,
                    of,
                    first,
                    count,
                    firsts,
                };
                first += count;
                v
            })
            .collect()
    }

    /// The row of the vendor that bills block `block`, if this type has it.
    pub(crate) fn vendor_of(&self, block: u64) -> Option<u64> {
        let k = self.blocks.binary_search(&block).ok()?;
        self.of.get(k).map(|j| self.first + u64::from(*j))
    }

    /// The first block of the vendor that bills block `block` (the block itself for a
    /// vendor's first invoice), if this type has it.
    pub(crate) fn first_of(&self, block: u64) -> Option<u64> {
        let k = self.blocks.binary_search(&block).ok()?;
        self.of
            .get(k)
            .and_then(|j| self.firsts.get(*j as usize))
            .copied()
    }
}

/// The vendors created for the vendor scenes, after the `configured` ones: each created
/// days before its first invoice, in that invoice's company's country. A fictitious
/// vendor is new in every way; a shell vendor too, but set up in its company's country;
/// a duplicate vendor is a configured one entered again: its row comes with its block
/// (the caller copies the vendor that block enters again, see [`duplicate_of`]).
pub(crate) fn fictitious_vendors(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    configured: u64,
) -> Vec<(synth_model::Vendor, Option<u64>)> {
    let seed = config.seed;
    let scenes = SceneVendors::all(config, economy, configured);
    let mut vendors = Vec::new();
    for (t, sv) in crate::anomalies::VENDOR_SCENES.iter().zip(&scenes) {
        // Vendor j's first block is the j-th by date (see `fictitious_assignment`).
        for (j, block) in sv.firsts.iter().copied().enumerate() {
            let i = sv.first + j as u64;
            let sc = scene_of(seed, economy, block);
            let mut d = Draws::new(seed, stream::VENDOR, i);
            // Where any vendor is: at home or abroad alike (a shell registered abroad
            // is as plausible as one next door, and no rarer in the data).
            // A shell company is set up where its employee lives.
            let home = economy.companies[sc.company].country;
            let crate::world::pools::places::Place {
                country,
                city,
                region,
                postcode,
                street,
            } = match t {
                crate::anomalies::AnomalyType::ShellVendor => {
                    crate::world::pools::places::place_in(home, &mut d)
                }
                crate::anomalies::AnomalyType::ConflictOfInterest => {
                    conflict_address(config, economy, block, &mut d)
                        .unwrap_or_else(|| crate::world::pools::places::place_in(home, &mut d))
                }
                _ => crate::world::pools::places::place(&mut d),
            };
            // An established vendor for a conflict of interest, created before the
            // period as the configured ones are; the others days before their first
            // invoice.
            let created = match t {
                crate::anomalies::AnomalyType::ConflictOfInterest => {
                    economy.start.add_days(-(60 + d.below(3000) as i32))
                }
                _ => sc.date.add_days(-(2 + d.below(12) as i32)),
            };
            let mut v = synth_model::Vendor {
                vendor_id: record_id(seed, stream::VENDOR, i),
                name: crate::world::identity::partner_name(i, 0, country),
                country,
                street: street.text(country),
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
                created_date: created,
                bank_account: crate::world::identity::account(seed, i, 0, country),
                currency: None,
            };
            let copy_of = match t {
                crate::anomalies::AnomalyType::ShellVendor => {
                    v.bank_account = shell_account(config, economy, block);
                    None
                }
                crate::anomalies::AnomalyType::DuplicateVendor => Some(block),
                _ => None,
            };
            vendors.push((v, copy_of));
        }
    }
    vendors
}

/// Where the vendor of conflict-of-interest block `block` is registered: at the home
/// of one of its company's employees on the block's day (easy), a few doors along their
/// street (realistic), elsewhere in their postcode (hard). `None` where the company has
/// nobody on that day.
fn conflict_address(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    block: u64,
    d: &mut Draws,
) -> Option<crate::world::pools::places::Place> {
    use crate::anomalies::Difficulty;
    let sc = scene_of(config.seed, economy, block);
    let c = &economy.companies[sc.company];
    let staff = crate::world::employees::employed_on(config, sc.company, c, sc.date);
    let k = Draws::new(config.seed, stream::ANOMALY_PARTY, block).below(staff.len().max(1));
    let home = crate::world::employees::home(config.seed, *staff.get(k)?, c.country);
    let level = config
        .anomalies
        .level(crate::anomalies::AnomalyType::ConflictOfInterest);
    let street = match level {
        Difficulty::Easy => home.street,
        Difficulty::Realistic => home.street.next_door(d),
        Difficulty::Hard => {
            let mut other = crate::world::pools::places::StreetAddress::draw(c.country, d);
            if other.name == home.street.name && other.kind == home.street.kind {
                other.name = other.name.wrapping_add(1);
            }
            other
        }
    };
    Some(crate::world::pools::places::Place { street, ..home })
}

/// The row of a vendor entered again as `copy` (its id and creation date) from the
/// `original`: the same tax ID, bank account, address and terms, under the same name
/// (easy), in capitals (realistic), in capitals without its legal form (hard).
pub(crate) fn duplicate_of(
    copy: &synth_model::Vendor,
    original: &synth_model::Vendor,
    level: crate::anomalies::Difficulty,
) -> synth_model::Vendor {
    let s = original.name.as_str();
    let bare = crate::world::pools::legal_forms(original.country)
        .iter()
        .find_map(|f| s.strip_suffix(f).and_then(|h| h.strip_suffix(' ')))
        .unwrap_or(s);
    let name = match level {
        crate::anomalies::Difficulty::Easy => original.name,
        crate::anomalies::Difficulty::Realistic => s.to_uppercase().as_str().into(),
        crate::anomalies::Difficulty::Hard => bare.to_uppercase().as_str().into(),
    };
    synth_model::Vendor {
        vendor_id: copy.vendor_id,
        created_date: copy.created_date,
        name,
        // Its invoices are booked in the company's currency.
        currency: None,
        ..*original
    }
}

/// The bank account a shell vendor of block `block` is paid into: that of an employee of
/// the block's company, the first holder of a drawn position.
fn shell_account(
    config: &crate::config::GeneratorConfig,
    economy: &crate::world::economy::Economy,
    block: u64,
) -> synth_model::BankAccount {
    let sc = scene_of(config.seed, economy, block);
    let c = &economy.companies[sc.company];
    let positions = crate::world::employees::headcount(c).0.max(1);
    let k = Draws::new(config.seed, stream::ANOMALY_PARTY, block).below(positions as usize) as u64;
    crate::world::identity::employee_account(config.seed, (sc.company as u64) << 32 | k, c.country)
}
