//! The world: built once from the config, read by every case; it imports nothing above
//! it (no case, scheduled posting or anomaly scene's code).
//!
//! `rng` (draws and ids), `calendar`, `pools` (names, accounts, users, goods),
//! `economy` (companies, partners' shares, prices), `identity` (partners' names and bank
//! accounts from their index), `layout` (the scheduled entries'
//! slots), `people` (users and the amounts they type), `scenes` (where standalone
//! anomalies fall), `bank` (vendors' bank-account history), `master` (the master data).

pub(crate) mod bank;
pub(crate) mod calendar;
pub(crate) mod economy;
pub(crate) mod identity;
pub(crate) mod layout;
pub mod master;
pub(crate) mod people;
pub(crate) mod pools;
pub(crate) mod rng;
pub(crate) mod scenes;
