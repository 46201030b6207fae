//! A case's amounts in the company's currency: each at the rate of its day, what a
//! receipt credits to goods received not invoiced and the invoice clears, what a
//! payment clears, and the amount in the document's currency noted for the month-end
//! revaluation.

use super::{Plan, Role};
use crate::world::World;
use crate::world::economy::Item;
use synth_model::{Batch, Date};

impl World {
    /// Units of the company's currency per unit of case `p`'s on `date`, in
    /// hundred-millionths (one where they are the same).
    #[inline]
    pub(crate) fn case_rate(&self, p: &Plan, date: Date) -> i64 {
        self.economy
            .fx_rates
            .rate(usize::from(p.currency), usize::from(p.home), date)
    }

    /// `amount` of case `p`'s currency in the company's, at the rate of `date`.
    #[inline]
    pub(crate) fn at_home(&self, p: &Plan, amount: i64, date: Date) -> i64 {
        if p.foreign() {
            crate::world::fx::convert(amount, self.case_rate(p, date))
        } else {
            amount
        }
    }

    /// The goods of item `it` that receipt `r` moves (see [`Plan::moved`]), at the
    /// receipt's rate.
    #[inline]
    fn moved_at_home(&self, p: &Plan, r: Role, it: &Item) -> i64 {
        self.at_home(p, p.moved(r, it) * it.po_price, p.moved_on(r))
    }

    /// The goods of item `it` received, each receipt's at its rate: what the receipts
    /// credit to goods received not invoiced, and the invoice clears.
    #[inline]
    pub(crate) fn received_at_home(&self, p: &Plan, it: &Item) -> i64 {
        let first = self.moved_at_home(p, Role::Movement, it);
        if p.split() {
            first + self.moved_at_home(p, Role::Rest, it)
        } else {
            first
        }
    }

    /// What the case's receipt `r` credits to goods received not invoiced, item by item.
    pub(crate) fn receipt_at_home(&self, p: &Plan, r: Role) -> i64 {
        if !p.foreign() && !p.split() {
            return p.received_value;
        }
        (0..p.items)
            .map(|k| self.moved_at_home(p, r, &self.item_of(p, k)))
            .sum()
    }

    /// Receipt `r`'s value at the order's prices, in the order's currency.
    pub(crate) fn receipt_value(&self, p: &Plan, r: Role) -> i64 {
        if !p.split() {
            return p.received_value;
        }
        (0..p.items)
            .map(|k| {
                let it = self.item_of(p, k);
                p.moved(r, &it) * it.po_price
            })
            .sum()
    }

    /// What payment `k` of case `p` clears of its invoice, in the company's currency:
    /// its share of the invoice at the invoice's rate (the last payment the rest).
    pub(crate) fn cleared_at_home(&self, p: &Plan, k: usize) -> i64 {
        let carried = self.at_home(p, p.gross, p.invoice_date);
        if !p.foreign() || p.n_pay < 2 {
            return if p.foreign() {
                carried
            } else {
                p.pay_cash[k] + p.pay_discount[k]
            };
        }
        let first = (i128::from(carried) * i128::from(p.pay_cash[0] + p.pay_discount[0])
            / i128::from(p.gross.max(1))) as i64;
        if k == 0 { first } else { carried - first }
    }

    /// What payment `k` of plan `p` clears of its invoice in the invoice's currency (as
    /// [`World::cleared_at_home`] does in the company's): the whole of it for a single
    /// payment, else its cash and discount, the last the rest.
    pub(crate) fn cleared_in_currency(p: &Plan, k: usize) -> i64 {
        if p.n_pay < 2 {
            return p.gross;
        }
        let first = p.pay_cash[0] + p.pay_discount[0];
        if k == 0 { first } else { p.gross - first }
    }

    /// Notes the amount in its document's currency (`amount`, debit positive) of the
    /// partner line entry `entry_id` of plan `p` has just written, where that currency
    /// is not the company's (what the month-end revaluation revalues).
    pub(crate) fn foreign_amount(p: &Plan, batch: &mut Batch, entry_id: u128, amount: i64) {
        if let (true, Some(code)) = (
            p.foreign(),
            crate::world::fx::CURRENCIES.get(usize::from(p.currency)),
        ) {
            batch.foreign.push(synth_model::ForeignAmount {
                entry_id,
                currency: synth_model::Currency::from(*code),
                amount,
            });
        }
    }
}
