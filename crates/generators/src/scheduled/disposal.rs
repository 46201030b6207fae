//! The month's retirement of a fixed asset: on its disposal date the asset leaves the
//! books at cost with its accumulated depreciation, its net book value to 685000, and
//! the buyer's payment (the proceeds and the output tax on them, none for a US seller:
//! a sale to a dealer for resale) to the bank, the proceeds to 485000. The gain or loss
//! is 485000 less 685000.

use crate::post::Line;
use crate::world::World;
use crate::world::economy::tax_of;
use crate::world::master::accumulated_at;
use crate::world::pools::{ASSET_CLASSES, accounts as acc, centers, users};

use super::{Month, Posted};
use synth_model::Batch;

impl World {
    /// Slot `q` (0: the retirement, 1: the sale) of month `mo`'s asset retirement.
    pub(super) fn disposal(&self, mo: &Month<'_>, q: u64, batch: &mut Batch) -> Posted {
        let Month {
            md,
            s,
            first,
            month,
            entry_id,
            ..
        } = *mo;
        let c = &self.economy.companies[s.company];
        let asset = s
            .disposals
            .get(month as usize)
            .copied()
            .flatten()
            .and_then(|k| md.fixed_assets.get(k));
        let (Some(asset), Some(day)) = (asset, asset.and_then(|a| a.disposal_date)) else {
            // Never: each month retires one of the assets the company opened with, then
            // one of those it bought (one a month).
            return (
                "Fixed asset retired",
                first,
                "AA",
                "fixed_assets",
                users::ASSETS,
                false,
                false,
            );
        };
        let class = ASSET_CLASSES
            .iter()
            .position(|x| x.0 == asset.asset_class)
            .unwrap_or(0);
        let cost_center = Some(centers::ASSET_CENTERS[class]);
        let accumulated = accumulated_at(asset, self.economy.start, month as i64);
        if q == 0 {
            Self::bare_line(
                batch,
                entry_id,
                (asset.depreciation_account, accumulated),
                None,
                "Accumulated depreciation of the asset retired",
            );
            Self::line(
                batch,
                entry_id,
                Line {
                    account: acc::DISPOSAL_NBV,
                    amount: asset.acquisition_cost - accumulated,
                    cost_center,
                    text: asset.description,
                    ..Line::BARE
                },
            );
            Self::bare_line(
                batch,
                entry_id,
                (asset.account, -asset.acquisition_cost),
                None,
                "Asset retired, at cost",
            );
            return (
                "Fixed asset retired",
                day,
                "AA",
                "fixed_assets",
                users::ASSETS,
                false,
                false,
            );
        }
        let tax = if c.country == "US" {
            c.tax.output[2]
        } else {
            c.tax.output[0]
        };
        let net = asset.disposal_proceeds;
        let tax_amount = tax_of(tax, net);
        Self::bare_line(
            batch,
            entry_id,
            (acc::BANK, net + tax_amount),
            None,
            "Proceeds from the sale of a fixed asset",
        );
        Self::line(
            batch,
            entry_id,
            Line {
                account: acc::DISPOSAL_PROCEEDS,
                amount: -net,
                tax: Some(tax),
                cost_center,
                text: asset.description,
                ..Line::BARE
            },
        );
        Self::tax_line(batch, entry_id, tax, -tax_amount);
        (
            "Sale of a retired fixed asset",
            day,
            "ZB",
            "fixed_assets",
            users::BANK,
            false,
            false,
        )
    }
}
