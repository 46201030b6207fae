//! Business cases: procure to pay and order to cash, each a block of entry slots whose
//! documents, entries, dates and amounts follow from the block's index; and the
//! single-entry cases that fill the free slots.
//!
//! `plan.rs` decides a case from its block index, `backorder.rs` which orders of goods
//! move in two parts (two deliveries, two goods receipts); `documents.rs` writes its
//! documents, `entries.rs` its entries, `amounts.rs` their amounts in the company's
//! currency; `filler.rs` the single-entry cases, `allocation.rs` the cost allocations
//! among them; `bank.rs` the bank statement lines of every entry; `stock.rs` the stock
//! movements of its goods receipt or delivery; `tender.rs` the bids of an order put out
//! to tender; `accruals.rs` the month-end accruals posted by hand in free slots.

mod accruals;
mod allocation;
mod amounts;
mod backorder;
mod bank;
mod claims;
mod documents;
mod entries;
mod filler;
mod plan;
mod stock;
mod tender;

pub(crate) use accruals::{Accrual, month_end};
pub(crate) use filler::{Damage, Twist};
pub(crate) use plan::{Plan, Role};
