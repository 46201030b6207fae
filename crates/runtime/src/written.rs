//! What a run has written so far: the master tables, the whole parts (in part order), and
//! at the end the files left `.partial`; the events that report them to the
//! coordinating thread.

use crate::plan::PartPlan;
use synth_generators::Table;
use synth_sinks::{PartReport, TableReport};

/// A whole part, as its writer finished it.
pub(crate) struct PartDone {
    pub(crate) part: u64,
    pub(crate) entries: u64,
    pub(crate) lines: u64,
    pub(crate) tables: Vec<TableReport>,
}

/// What reaches the coordinating thread while the run goes on.
pub(crate) enum Event {
    /// The master tables are written.
    Master(Vec<TableReport>),
    /// A part is whole on disk.
    Part(PartDone),
}

/// Counts of what is written: on resume, what the earlier run left and this one kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Whole parts.
    pub parts: u64,
    /// Journal entries in them.
    pub entries: u64,
    /// Journal lines in them.
    pub lines: u64,
    /// Bytes of their files (and of the master tables' files).
    pub bytes: u64,
}

/// What has been written: master tables, whole parts, and (at the end) the files that
/// stayed `.partial`.
#[derive(Default)]
pub(crate) struct Written {
    pub(crate) master: Vec<TableReport>,
    pub(crate) parts: Vec<PartDone>,
    pub(crate) partial: Vec<TableReport>,
}

impl Written {
    pub(crate) fn add(&mut self, part: PartDone) {
        let at = self.parts.partition_point(|p| p.part < part.part);
        self.parts.insert(at, part);
    }

    pub(crate) fn entries(&self) -> u64 {
        self.parts.iter().map(|p| p.entries).sum()
    }

    pub(crate) fn lines(&self) -> u64 {
        self.parts.iter().map(|p| p.lines).sum()
    }

    /// Whole parts, entries, lines and bytes (master tables' bytes too) written so far.
    pub(crate) fn tally(&self) -> Tally {
        let bytes = |t: &[TableReport]| t.iter().map(|t| t.bytes).sum::<u64>();
        Tally {
            parts: self.parts.len() as u64,
            entries: self.entries(),
            lines: self.lines(),
            bytes: bytes(&self.master) + self.parts.iter().map(|p| bytes(&p.tables)).sum::<u64>(),
        }
    }

    pub(crate) fn part_reports(&self, plan: PartPlan) -> Vec<PartReport> {
        self.parts
            .iter()
            .map(|p| PartReport {
                part: p.part,
                first_entry: plan.range(p.part).start,
                entries: p.entries,
            })
            .collect()
    }

    /// Per table, in table order: the master table's file, or every whole part's files
    /// in part order.
    pub(crate) fn tables(&self) -> Vec<TableReport> {
        let mut tables: Vec<TableReport> = Vec::new();
        let reports = self.master.iter().map(|t| (None, t)).chain(
            self.parts
                .iter()
                .flat_map(|p| p.tables.iter().map(|t| (Some(p.part), t))),
        );
        for (part, t) in reports {
            let i = match tables.iter().position(|x| x.table == t.table) {
                Some(i) => i,
                None => {
                    tables.push(TableReport {
                        table: t.table.clone(),
                        rows: 0,
                        bytes: 0,
                        files: Vec::new(),
                    });
                    tables.len() - 1
                }
            };
            let into = &mut tables[i];
            into.rows += t.rows;
            into.bytes += t.bytes;
            into.files.extend(t.files.iter().cloned().map(|mut f| {
                f.part = part;
                f
            }));
        }
        let order = |name: &str| Table::from_name(name).map_or(usize::MAX, |t| t as usize);
        tables.sort_by_key(|t| order(&t.table));
        tables
    }
}
