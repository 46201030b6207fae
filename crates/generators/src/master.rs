//! Master data (chart of accounts, vendors, customers, graph nodes), built once on
//! first use and shared read-only.

use crate::config::MasterDataConfig;
use crate::pools::{self, CHART_OF_ACCOUNTS};
use crate::rng::{Draws, record_id, stream};
use std::sync::{Arc, OnceLock};
use synth_model::{Customer, GraphNode, MasterTables, PartnerName, PerTable, Table, Vendor};

/// All master data of a run: every master table, whole.
pub type MasterData = MasterTables;

/// The graph node id of an account.
pub fn account_node_id(seed: u64, account: u32) -> u128 {
    record_id(seed, stream::ACCOUNT_NODE, u64::from(account))
}

fn partner_name(d: &mut Draws) -> PartnerName {
    PartnerName::join(
        &[
            d.pick(pools::NAME_FIRST),
            d.pick(pools::NAME_SECOND),
            d.pick(pools::NAME_SUFFIX),
        ],
        " ",
    )
}

/// Rows of each master table for a config (0 for streaming tables), without building.
pub fn row_counts(config: &MasterDataConfig) -> PerTable<u64> {
    let accounts = CHART_OF_ACCOUNTS.len() as u64;
    let (v, c) = (u64::from(config.vendors), u64::from(config.customers));
    PerTable::from_fn(|t| match t {
        Table::Accounts => accounts,
        Table::Vendors => v,
        Table::Customers => c,
        Table::GraphNodes => accounts + v + c,
        _ => 0,
    })
}

/// Bytes the master data of a config holds once built, without building it.
pub fn estimated_bytes(config: &MasterDataConfig) -> u64 {
    row_counts(config)
        .iter()
        .map(|(t, rows)| rows * t.record_bytes() as u64)
        .sum()
}

/// Builds every master record from the seed.
pub fn build(seed: u64, config: &MasterDataConfig) -> MasterData {
    {
        let vendors: Vec<Vendor> = (0..u64::from(config.vendors))
            .map(|i| {
                let mut d = Draws::new(seed, stream::VENDOR, i);
                let (country, city) = d.pick(pools::LOCATIONS);
                Vendor {
                    vendor_id: record_id(seed, stream::VENDOR, i),
                    name: partner_name(&mut d),
                    country,
                    city,
                    payment_terms_days: d.pick(pools::PAYMENT_TERMS),
                }
            })
            .collect();
        let customers: Vec<Customer> = (0..u64::from(config.customers))
            .map(|i| {
                let mut d = Draws::new(seed, stream::CUSTOMER, i);
                let (country, city) = d.pick(pools::LOCATIONS);
                Customer {
                    customer_id: record_id(seed, stream::CUSTOMER, i),
                    name: partner_name(&mut d),
                    country,
                    city,
                    credit_limit: (1 + d.below(100) as i64) * 1_000_000,
                    payment_terms_days: d.pick(pools::PAYMENT_TERMS),
                }
            })
            .collect();
        let mut nodes =
            Vec::with_capacity(CHART_OF_ACCOUNTS.len() + vendors.len() + customers.len());
        nodes.extend(CHART_OF_ACCOUNTS.iter().map(|a| GraphNode {
            node_id: account_node_id(seed, a.account),
            node_type: "account",
            label: a.name.into(),
        }));
        nodes.extend(vendors.iter().map(|v| GraphNode {
            node_id: v.vendor_id,
            node_type: "vendor",
            label: v.name,
        }));
        nodes.extend(customers.iter().map(|c| GraphNode {
            node_id: c.customer_id,
            node_type: "customer",
            label: c.name,
        }));
        MasterData {
            accounts: CHART_OF_ACCOUNTS.to_vec(),
            vendors,
            customers,
            nodes,
        }
    }
}

/// Master data built on first use and shared read-only; can be dropped and rebuilt.
#[derive(Debug)]
pub struct LazyRegistry {
    seed: u64,
    config: MasterDataConfig,
    cell: OnceLock<Arc<MasterData>>,
}

impl LazyRegistry {
    /// A registry that will build master data for this seed and config.
    pub fn new(seed: u64, config: MasterDataConfig) -> Self {
        Self {
            seed,
            config,
            cell: OnceLock::new(),
        }
    }

    /// The master data, built now if it was not yet.
    pub fn get(&self) -> &Arc<MasterData> {
        self.cell
            .get_or_init(|| Arc::new(build(self.seed, &self.config)))
    }

    /// Whether the master data is built.
    pub fn is_built(&self) -> bool {
        self.cell.get().is_some()
    }

    /// Drops this registry's reference; the data is rebuilt, identical, on next use.
    /// Returns the bytes that were held (freed once no other `Arc` holds them).
    pub fn clear(&mut self) -> usize {
        self.cell.take().map_or(0, |m| m.heap_bytes())
    }
}
