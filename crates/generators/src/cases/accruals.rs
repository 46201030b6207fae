//! The month-end accruals G/L accountants post by hand among the business cases (an
//! unbilled service, a bonus, an audit fee), each reversed by the system on the next
//! month's first working day, as the scheduled accruals are: in a share of the blocks
//! whose last two slots no case entry takes.

use crate::anomalies::AnomalyType;
use crate::cases::Plan;
use crate::post::Head;
use crate::world::World;
use crate::world::people::off_round;
use crate::world::pools::{accounts as acc, centers, users};
use crate::world::rng::{Draws, stream};
use synth_model::{Batch, Date};

/// The slot of a block that holds such an accrual; its reversal is in the next.
const ACCRUAL_SLOT: u8 = 2;

/// Blocks with an accrual, in ten thousands (of those whose last two slots are free).
const PER_10K: usize = 12;

/// The last day of the month of `x`.
pub(crate) fn month_end(x: Date) -> Date {
    let (y, m, _) = x.ymd();
    Date::from_ymd(y, m, synth_model::days_in_month(y, m)).unwrap_or(x)
}

/// A month-end accrual: the company, the expense account and cost center it charges,
/// who enters it, and its amount.
#[derive(Clone, Copy)]
pub(crate) struct Accrual {
    /// Index of the company.
    pub(crate) company: usize,
    /// The expense account debited.
    pub(crate) account: u32,
    /// Its cost center.
    pub(crate) cost_center: usize,
    /// The G/L accountant who enters it.
    pub(crate) user: &'static str,
    /// The amount, in minor units.
    pub(crate) amount: i64,
}

impl World {
    /// A manual month-end accrual of company `ci` as the scheduled ones are: its expense
    /// account, cost center, user (a G/L accountant) and amount.
    pub(crate) fn manual_accrual(&self, ci: usize, d: &mut Draws) -> Accrual {
        let account = d.pick(acc::ACCRUED_EXPENSES);
        let cost_center = d.pick(centers::OVERHEAD);
        let user = crate::world::people::pick_user(users::GL, d);
        let base = self
            .schedules
            .get(ci)
            .map_or(1_000_000.0, |s| s.accrual_base)
            * libm::exp(0.35 * d.normal());
        let amount = off_round(crate::world::schedules::round_to(base, 10_000));
        Accrual {
            company: ci,
            account,
            cost_center,
            user,
            amount,
        }
    }

    /// Posts entry `index` on `day`: accrual `a`, entered by its user and approved,
    /// carrying `anomaly`.
    pub(crate) fn post_accrual(
        &self,
        batch: &mut Batch,
        (index, day): (u64, Date),
        a: &Accrual,
        anomaly: Option<AnomalyType>,
    ) {
        let entry_id = self.entry_id(index);
        let first_line = batch.lines.len();
        let text = "Month-end accrual";
        Self::accrual_lines(batch, entry_id, (a.account, a.cost_center), a.amount, text);
        let head = Head {
            manual: true,
            user: a.user,
            approval: true,
            anomaly,
            ..Self::accrual_head(index, day, a.company, text)
        };
        let mut ed = Draws::new(self.config.seed, stream::ENTRY, index);
        self.close(batch, &head, first_line, &mut ed);
    }

    /// Posts entry `index` on `day`: the reversal of accrual `a`, posted as entry
    /// `of`: by the system, or (`by_hand`) by the accrual's user and approved, carrying
    /// `anomaly`.
    pub(crate) fn post_accrual_reversal(
        &self,
        batch: &mut Batch,
        (index, day, of): (u64, Date, u64),
        a: &Accrual,
        (by_hand, anomaly): (bool, Option<AnomalyType>),
    ) {
        let entry_id = self.entry_id(index);
        let first_line = batch.lines.len();
        Self::accrual_reversal_lines(batch, entry_id, (a.account, a.cost_center), a.amount);
        let head = Head {
            manual: by_hand,
            user: if by_hand { a.user } else { users::GL_AUTO },
            approval: by_hand,
            reversal_of: Some(self.entry_id(of)),
            anomaly,
            ..Self::accrual_head(index, day, a.company, "Reversal of month-end accrual")
        };
        let mut ed = Draws::new(self.config.seed, stream::ENTRY, index);
        self.close(batch, &head, first_line, &mut ed);
    }

    /// The head of an accrual or its reversal: entry `index` of company `ci` on `day`.
    fn accrual_head(index: u64, day: Date, ci: usize, header_text: &'static str) -> Head {
        Head {
            index,
            company: ci,
            posting: day,
            document_date: day,
            document_type: "SA",
            process: "period_close",
            header_text,
            ..Head::CLEAN
        }
    }

    /// Whether slot `s` of case `p`, which no case entry takes, holds a manual accrual
    /// (or its reversal): when neither of the block's last two slots is taken and the
    /// period has a month's end with a working day after it, for one block in
    /// `10 000 / PER_10K`.
    pub(crate) fn holds_accrual(&self, p: &Plan, s: u8) -> bool {
        let repaid = p.anomaly == Some(crate::anomalies::AnomalyType::DuplicatePayment);
        let free = |k: u8| !(p.is_posted(p.role(k)) || repaid && k == p.posted);
        (s == ACCRUAL_SLOT || s == ACCRUAL_SLOT + 1)
            && free(ACCRUAL_SLOT)
            && free(ACCRUAL_SLOT + 1)
            && self.accrual_of(p.block()).is_some()
    }

    /// Block `block`'s accrual, if it has one: its company, the day it is posted, the
    /// day it is reversed, and the draws of its amount.
    fn accrual_of(&self, block: u64) -> Option<(usize, Date, Date, Draws)> {
        let e = &self.economy;
        let mut d = Draws::new(self.config.seed, stream::CLEAN_ACCRUAL, block);
        if d.below(10_000) >= PER_10K {
            return None;
        }
        let ci = d.below(e.companies.len());
        let cal = &e.companies[ci].calendar;
        let mut close = month_end(cal.sample_working(&mut d));
        if cal.next_working(close.add_days(1)) > e.end {
            close = month_end(close.add_days(-31));
        }
        let accrual_day = cal.previous_working(close);
        let reversal_day = cal.next_working(close.add_days(1));
        (accrual_day >= e.start && reversal_day <= e.end).then_some((
            ci,
            accrual_day,
            reversal_day,
            d,
        ))
    }

    /// Slot `s` of a block that [`World::holds_accrual`]: the accrual on a month's last
    /// working day, or its reversal by the system on the next month's first (the month
    /// before where that would fall after the period).
    pub(crate) fn clean_accrual(&self, p: &Plan, s: u8, batch: &mut Batch) {
        let Some((ci, accrual_day, reversal_day, mut d)) = self.accrual_of(p.block()) else {
            // Not one of those blocks: the single-entry case the slot holds otherwise.
            self.filler(p.first - self.layout.total + u64::from(s), batch);
            return;
        };
        let a = self.manual_accrual(ci, &mut d);
        let index = p.first + u64::from(s);
        if s == ACCRUAL_SLOT {
            self.post_accrual(batch, (index, accrual_day), &a, None);
        } else {
            self.post_accrual_reversal(batch, (index, reversal_day, index - 1), &a, (false, None));
        }
    }
}
