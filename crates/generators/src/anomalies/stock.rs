//! The warehouse's anomalies: goods stolen and written off with a cycle count
//! (`inventory_theft`), labelled on the count entry and its movement.

use crate::anomalies::AnomalyType as A;
use crate::anomalies::Touched;
use crate::cases::Plan;
use crate::world::World;
use crate::world::thefts::Thefts;
use synth_model::Batch;

impl World {
    /// The label of block `p`'s inventory theft: the month's cycle count entry that
    /// writes it off, its difference and inventory lines (the scrap line is clean). The
    /// count entry and the stolen material's movement carry the mark; the block's entry
    /// is an ordinary case.
    pub(crate) fn inventory_theft(&self, p: &Plan, batch: &mut Batch) {
        let Some(x) = self.thefts.of(p.block()) else {
            return;
        };
        let index = Thefts::count_entry(&self.layout, x.company, x.month);
        let (_, _, _, last) = self.month_dates(x.month);
        let day = self.economy.companies[x.company]
            .calendar
            .previous_working(last);
        // The entry's lines are those of the three not zero, in order.
        let amounts = self.stock_count_lines(x.company, x.month).map(|l| l.1 != 0);
        let mut lines = [(index, 0); 2];
        let mut n = 0;
        for k in [0, 2].into_iter().filter(|k| amounts[*k]) {
            lines[n].1 = amounts[..=k].iter().filter(|x| **x).count() as u32;
            n += 1;
        }
        self.label(
            batch,
            A::InventoryTheft,
            p.first,
            x.company,
            day,
            Touched {
                entries: &[index],
                lines: &lines[..n],
                ..Touched::NONE
            },
        );
    }
}
