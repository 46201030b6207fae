//! Master data (chart of accounts, vendors, customers, graph nodes), built once on
//! first use and shared read-only.

use crate::config::MasterDataConfig;
use crate::pools::{self, CHART_OF_ACCOUNTS};
use crate::rng::{Draws, record_id, stream};
use std::sync::{Arc, OnceLock};
use synth_model::{Account, Customer, GraphNode, PartnerName, Vendor};

/// All master data of a run.
#[derive(Debug, PartialEq)]
pub struct MasterData {
    /// The chart of accounts.
    pub accounts: &'static [Account],
    /// Vendors, in index order.
    pub vendors: Vec<Vendor>,
    /// Customers, in index order.
    pub customers: Vec<Customer>,
    /// Graph nodes: every account, vendor and customer.
    pub nodes: Vec<GraphNode>,
}

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

impl MasterData {
    /// Builds every master record from the seed.
    pub fn build(seed: u64, config: &MasterDataConfig) -> Self {
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
        Self {
            accounts: CHART_OF_ACCOUNTS,
            vendors,
            customers,
            nodes,
        }
    }

    /// Bytes held by this master data (structs and vectors).
    pub fn heap_bytes(&self) -> usize {
        self.vendors.capacity() * size_of::<Vendor>()
            + self.customers.capacity() * size_of::<Customer>()
            + self.nodes.capacity() * size_of::<GraphNode>()
    }

    /// Estimated bytes for a config, without building it.
    pub fn estimated_bytes(config: &MasterDataConfig) -> usize {
        let v = config.vendors as usize;
        let c = config.customers as usize;
        v * size_of::<Vendor>()
            + c * size_of::<Customer>()
            + (v + c + CHART_OF_ACCOUNTS.len()) * size_of::<GraphNode>()
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
            .get_or_init(|| Arc::new(MasterData::build(self.seed, &self.config)))
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
