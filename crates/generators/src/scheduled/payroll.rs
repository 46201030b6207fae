//! A month's payroll: per run, the funding of the payroll account, then the run's
//! entries.

use crate::post::{Head, Line};
use crate::world::World;
use crate::world::pools::{accounts as acc, users};

use super::Month;
use synth_model::{Batch, Date};

impl World {
    /// The payroll of month `mo`: per run, the funding of the payroll account, then the
    /// run's entries; the header of slot `q`, or what is left of `q` past the payroll.
    pub(super) fn payroll(
        &self,
        mo: &Month<'_>,
        mut q: u64,
        batch: &mut Batch,
        head: &Head,
    ) -> Result<Head, u64> {
        let Month {
            l,
            s,
            cal,
            y,
            m,
            last,
            entry_id,
            month,
            ..
        } = *mo;
        // Payroll: per run, the funding of the payroll account, then the run's entries.
        for run in 0..l.runs {
            let pay_day = if l.runs == 1 {
                cal.previous_working(Date::from_ymd(y, m, 25).unwrap_or(last))
            } else if run == 0 {
                cal.previous_working(Date::from_ymd(y, m, 15).unwrap_or(last))
            } else {
                cal.previous_working(last)
            };
            if q == 0 {
                let net = s.run_amounts(month, run, 0..s.centers.len()).0;
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_BANK,
                        amount: net,
                        text: "Transfer for net salaries",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::BANK,
                        amount: -net,
                        text: "Transfer to payroll account",
                        ..Line::BARE
                    },
                );
                let day = cal.previous_working(pay_day.add_days(-1));
                let head = Head {
                    posting: day,
                    document_date: day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYRUN,
                    approval: true,
                    header_text: "Payroll funding",
                    ..*head
                };
                return Ok(head);
            }
            if q <= l.payroll_chunks {
                let k = (q - 1) as usize;
                let from = k * l.centers_per_chunk;
                let js =
                    from.min(s.centers.len())..(from + l.centers_per_chunk).min(s.centers.len());
                let (net, liabilities) = s.run_amounts(month, run, js.clone());
                for j in js {
                    let cc = Some(s.centers[j]);
                    let pay = s.run_pay(month, run, j);
                    for (account, amount, text) in [
                        (acc::SALARIES, pay.salary, "Gross salaries"),
                        (acc::OVERTIME, pay.overtime, "Overtime"),
                        (acc::BONUSES, pay.bonus, "Year-end bonuses"),
                        (
                            acc::SOCIAL_SECURITY,
                            s.social_security(pay.gross()),
                            "Employer contributions",
                        ),
                    ] {
                        if amount != 0 || account == acc::SALARIES {
                            Self::line(
                                batch,
                                entry_id,
                                Line {
                                    account,
                                    amount,
                                    cost_center: cc,
                                    text,
                                    ..Line::BARE
                                },
                            );
                        }
                    }
                }
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_BANK,
                        amount: -net,
                        text: "Net salaries",
                        ..Line::BARE
                    },
                );
                Self::line(
                    batch,
                    entry_id,
                    Line {
                        account: acc::PAYROLL_LIABILITIES,
                        amount: -liabilities,
                        text: "Withholding tax and social security",
                        ..Line::BARE
                    },
                );
                let head = Head {
                    posting: pay_day,
                    document_date: pay_day,
                    document_type: "PR",
                    process: "payroll",
                    user: users::PAYROLL,
                    header_text: "Payroll run",
                    ..*head
                };
                return Ok(head);
            }
            q -= 1 + l.payroll_chunks;
        }
        Err(q)
    }
}
