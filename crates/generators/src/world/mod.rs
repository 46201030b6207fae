//! The world: built once from the config, read by every case; it imports nothing above
//! it (no case, scheduled posting or anomaly scene's code).
//!
//! `rng` (draws and ids), `calendar`, `pools` (names, accounts, users, goods),
//! `economy` (companies, partners' shares, prices), `identity` (partners' names and bank
//! accounts from their index), `layout` (the scheduled entries'
//! slots), `people` (users and the amounts they type), `scenes` (where standalone
//! anomalies fall), `schedules` (the amounts of each company's scheduled postings), `bank` (vendors' bank-account history), `stock` (the opening stock that keeps every material's stock on hand from going negative), `clearing` (the bank's side of bank postings), `master` (the master data), `sales_tax` (US sales tax by state and nexus), `time_off` (each employee's vacation, sick and unpaid days per month).

pub(crate) mod bank;
pub(crate) mod calendar;
pub(crate) mod clearing;
pub(crate) mod diversions;
pub(crate) mod economy;
pub(crate) mod employees;
pub(crate) mod fx;
pub(crate) mod fx_table;
pub(crate) mod identity;
pub(crate) mod layout;
pub(crate) mod ledger;
pub mod master;
pub(crate) mod people;
pub(crate) mod pools;
pub(crate) mod rng;
pub(crate) mod sales_tax;
pub(crate) mod scenes;
pub(crate) mod schedules;
pub(crate) mod stock;
pub(crate) mod tax_id;
pub(crate) mod thefts;
pub(crate) mod time_off;

use crate::config::{GeneratorConfig, InvalidGeneratorConfig};
use economy::Economy;
use layout::Layout;
use master::LazyRegistry;
use schedules::CompanySchedule;

/// Everything built once from the config that the cases, scheduled postings and
/// anomaly scenes read.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) config: GeneratorConfig,
    pub(crate) economy: Economy,
    pub(crate) layout: Layout,
    pub(crate) schedules: Vec<CompanySchedule>,
    /// Where each company-month's payslips are among the run's.
    pub(crate) slips: crate::world::schedules::SlipIndex,
    pub(crate) selector: crate::anomalies::Selector,
    /// The blocks of each vendor scene's type and the vendors that bill them (in
    /// [`crate::world::scenes::VENDOR_SCENES`] order).
    pub(crate) scene_vendors: Vec<crate::world::scenes::SceneVendors>,
    /// Every vendor's bank-account history.
    pub(crate) bank: crate::world::bank::BankHistory,
    /// Employees' bank accounts over the period, and whose net pay the payroll
    /// diversions send elsewhere, when and where to.
    pub(crate) diversions: crate::world::diversions::Diversions,
    /// The goods inventory thefts take, and the counts that write them off.
    pub(crate) thefts: crate::world::thefts::Thefts,
    pub(crate) registry: LazyRegistry,
    /// Where each material is among the materials, by id (for the stock tally).
    pub(crate) material_index: stock::MaterialIndex,
    /// The books of the run, summed on first need (`books.rs`).
    pub(crate) books: std::sync::OnceLock<ledger::Books>,
    /// Flags that cut the summing of the books short (the run stops).
    pub(crate) stops: std::sync::OnceLock<Vec<std::sync::Arc<std::sync::atomic::AtomicBool>>>,
}

impl World {
    /// The world of a validated config.
    pub(crate) fn new(config: GeneratorConfig) -> Result<Self, InvalidGeneratorConfig> {
        config.validate()?;
        let layout = Layout::new(&config);
        let economy = Economy::new(&config, layout.cases(&config));
        let (md, diversions) = crate::world::master::build_parts(&config, &economy);
        let md_ids: Vec<u128> = md.materials.iter().map(|m| m.material_id).collect();
        let md_ids = md_ids.into_iter();
        let schedules = CompanySchedule::all(&config, &economy, &md, &diversions);
        let slips = crate::world::schedules::SlipIndex::new(
            &config,
            (&economy, &md),
            &diversions,
            &schedules,
            &layout,
        );
        let selector = crate::anomalies::Selector::new(config.seed, &config.anomalies);
        let bank = crate::world::bank::BankHistory::build(&config, &economy, &md.vendors).0;
        let scene_vendors = crate::world::scenes::SceneVendors::all(
            &config,
            &economy,
            u64::from(config.master_data.vendors),
        );
        let thefts = crate::world::thefts::Thefts::new(&config, &economy, &layout);
        Ok(Self {
            bank,
            diversions,
            thefts,
            scene_vendors,
            selector,
            registry: LazyRegistry::with(config.clone(), md),
            config,
            economy,
            layout,
            schedules,
            slips,
            material_index: stock::MaterialIndex::new(md_ids),
            books: std::sync::OnceLock::new(),
            stops: std::sync::OnceLock::new(),
        })
    }
}
