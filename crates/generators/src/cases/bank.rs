//! Bank statement lines: the bank's side of each bank line of a batch's entries (see
//! `world/clearing.rs`), written with the entry it matches.

use crate::world::World;
use crate::world::rng::{record_id, stream};
use synth_model::{BankStatementLine, Batch};

impl World {
    /// Adds to `batch` a statement line for each bank line of its entries that a
    /// statement of the data holds.
    pub(crate) fn bank_lines(&self, batch: &mut Batch) {
        let seed = self.config.seed;
        let months = u64::from(self.config.months);
        // The statement id of the last line's company and month (most lines share it).
        let mut last: Option<(usize, u64, u128)> = None;
        for (company, e, lines) in self.with_lines(&batch.entries, &batch.lines) {
            if !self.banked(company) {
                continue;
            }
            for l in lines {
                let Some(c) = self.cleared(company, e, lines, l) else {
                    continue;
                };
                if c.month >= months {
                    continue;
                }
                let statement_id = match last {
                    Some((k, m, id)) if k == company && m == c.month => id,
                    _ => {
                        let id = self.statement_id(company, c.month);
                        last = Some((company, c.month, id));
                        id
                    }
                };
                let line = BankStatementLine {
                    line_id: record_id(
                        seed,
                        stream::BANK_LINE,
                        (e.entry_id as u64) ^ u64::from(l.line_number) << 56,
                    ),
                    statement_id,
                    company_code: e.company_code,
                    booking_date: c.booking,
                    value_date: c.value,
                    amount: l.debit - l.credit,
                    currency: e.currency,
                    transaction_code: c.code,
                    return_reason: None,
                    partner_id: lines.iter().find_map(|x| x.partner_id),
                    document_id: e.document_id,
                    entry_id: e.entry_id,
                };
                batch.bank_lines.push(line);
                // A returned transfer: the money back, then the transfer sent again, each
                // on the statement of its month (in the data).
                let Some(r) = self.returned(company, e, l, c.booking) else {
                    continue;
                };
                for (k, day, amount, code, reason) in [
                    (1u64, r.back, -line.amount, "return", Some(r.reason)),
                    (2, r.again, line.amount, "transfer_out", None),
                ] {
                    let Some(month) = self.period_month(day) else {
                        continue;
                    };
                    batch.bank_lines.push(BankStatementLine {
                        line_id: record_id(
                            seed,
                            stream::BANK_LINE,
                            (e.entry_id as u64) ^ u64::from(l.line_number) << 56 ^ k << 52,
                        ),
                        statement_id: self.statement_id(company, month),
                        booking_date: day,
                        value_date: day,
                        amount,
                        transaction_code: code,
                        return_reason: reason,
                        ..line
                    });
                }
            }
        }
    }
}
