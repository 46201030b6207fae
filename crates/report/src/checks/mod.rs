//! The checks of a report, one streaming pass per table group: master data
//! (`master.rs`), entries and their lines side by side (`entries.rs`), documents with
//! only unsettled invoices kept (`documents.rs`), the bank statements against their
//! lines and the ledger (`bank.rs`), the stock ledger against the inventory account
//! (`stock.rs`), then the books as a whole (`books.rs`).

mod bank;

/// What a group of checks found, and the rows it read of each table.
type Checked = (Vec<crate::Integrity>, Vec<(&'static str, u64)>);
mod books;
mod documents;
mod entries;
mod group;
mod master;
mod profile;
mod statements;
mod stock;

use crate::read::TableRows;
use crate::{Benford, Report, ReportError, nigrini};
use std::path::{Path, PathBuf};
use synth_guard::MemoryGuard;
use synth_model::Date;
use synth_sinks::Manifest;

/// Settled invoices remembered, to recognise a payment beyond one.
pub(crate) const RECENTLY_SETTLED: usize = 1 << 16;

/// Checks memory every this many rows.
const GUARD_EVERY: u64 = 1 << 16;

/// The output directory being read, its manifest, and the guard checked as rows go by.
pub(crate) struct Reader<'a> {
    pub(crate) dir: PathBuf,
    pub(crate) manifest: Manifest,
    guard: Option<&'a mut MemoryGuard>,
    read: u64,
}

impl<'a> Reader<'a> {
    /// Opens the output directory `dir` (its manifest), with `guard` checked as rows go by.
    pub(crate) fn open(
        dir: &Path,
        guard: Option<&'a mut MemoryGuard>,
    ) -> Result<Self, ReportError> {
        let manifest = Manifest::read(dir).map_err(|e| ReportError::NoManifest {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Reader {
            dir: dir.to_path_buf(),
            manifest,
            guard,
            read: 0,
        })
    }

    pub(crate) fn files(&self, table: &str) -> Vec<PathBuf> {
        self.manifest
            .tables
            .iter()
            .find(|t| t.table == table)
            .map(|t| t.files.iter().map(|f| self.dir.join(&f.path)).collect())
            .unwrap_or_default()
    }

    pub(crate) fn table(&self, table: &str, columns: &[&str]) -> TableRows {
        TableRows::new(table, &self.manifest.format, self.files(table), columns)
    }

    /// Fails unless `t` (read to its end) held as many rows as the manifest lists for
    /// its table: a file replaced, cut short or grown since the run is damage.
    pub(crate) fn whole(&self, table: &str, t: &TableRows) -> Result<(), ReportError> {
        let listed = self
            .manifest
            .tables
            .iter()
            .find(|m| m.table == table)
            .map_or(0, |m| m.rows);
        if t.rows == listed {
            return Ok(());
        }
        Err(ReportError::Damaged {
            path: self.dir.join(table),
            table: table.to_string(),
            reason: format!("{} rows read, the manifest lists {listed}", t.rows),
        })
    }

    pub(crate) fn tick(&mut self) -> Result<(), ReportError> {
        self.read += 1;
        if self.read.is_multiple_of(GUARD_EVERY)
            && let Some(g) = self.guard.as_deref_mut()
            && let Ok(s) = g.check()
            && s.exceeds_hard_limit
        {
            return Err(ReportError::Memory {
                used: s.current_usage,
                limit: s.hard_limit,
            });
        }
        Ok(())
    }
}

/// Reads the output directory `dir` and reports on it; `guard` (if any) is checked as
/// rows are read, and the report stops at its hard limit.
pub(crate) fn report(dir: &Path, guard: Option<&mut MemoryGuard>) -> Result<Report, ReportError> {
    let manifest = Manifest::read(dir).map_err(|e| ReportError::NoManifest {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut problems = Vec::new();
    // Files against the manifest: sizes and checksums.
    let (files_checked, file_problems) = match synth_sinks::verify(&[dir.to_path_buf()]) {
        Ok(v) => {
            problems.extend(
                v.problems
                    .iter()
                    .map(|p| format!("damaged or missing: {p}")),
            );
            (v.files_checked, v.problems.len() as u64)
        }
        Err(e) => {
            problems.push(format!("could not verify the files: {e}"));
            (0, 1)
        }
    };
    let run = crate::RunInfo {
        version: manifest.version.clone(),
        seed: manifest.seed,
        config_digest: synth_sinks::config_digest(&manifest.config),
        written_at: manifest.written_at.clone(),
        shard: manifest.shard.map(|s| s.to_string()),
    };
    if !manifest.complete {
        problems.push(format!(
            "the run did not complete ({})",
            manifest.stop_reason.as_deref().unwrap_or("stopped")
        ));
    }
    let mut r = Reader {
        dir: dir.to_path_buf(),
        manifest,
        guard,
        read: 0,
    };

    let m = master::read(&mut r)?;
    let e = entries::read(&mut r, &m)?;
    let d = documents::read(&mut r, &m)?;
    let (anomalies, label_rows) = books::labels(&mut r, &e.marked, &mut problems)?;
    let companies = books::companies(&m, &e.ledger);
    let total_digits: u64 = e.digits.iter().sum();
    let expected = benford_expected();
    let observed: [f64; 9] =
        std::array::from_fn(|i| e.digits[i] as f64 / total_digits.max(1) as f64);
    let mad = (0..9)
        .map(|i| (observed[i] - expected[i]).abs())
        .sum::<f64>()
        / 9.0;
    let mut integrity = books::integrity(&e, &d);
    let (bank_checks, mut read) = bank::check(&mut r, &m, &e)?;
    let (stock_checks, stock_read) = stock::check(&mut r, &m, &e)?;
    integrity.extend(bank_checks);
    integrity.extend(stock_checks);
    read.extend(stock_read);
    for i in &integrity {
        if i.failures > 0 {
            problems.push(format!("{}: {} of {} fail", i.check, i.failures, i.of));
        }
    }
    if e.unbalanced > 0 {
        problems.push(match e.unbalanced {
            1 => "1 entry does not balance".to_string(),
            n => format!("{n} entries do not balance"),
        });
    }
    for c in &companies {
        if !c.balanced {
            problems.push(format!(
                "company {}: the balance sheet does not balance",
                c.company
            ));
        }
    }
    let statements = statements::statements(&m, &e.ledger, &mut problems);
    let group = group::consolidate(&mut r, &m, &e.ledger, &statements, &mut problems)?;
    read.extend([("documents", d.rows), ("anomalies", label_rows)]);
    let tables = books::tables(&r, &e, &read, &mut problems);
    let profiles = profile::profile(&mut r)?;
    let entries_written = r.manifest.entries_written;
    let mut report = Report {
        directory: dir.to_path_buf(),
        format: r.manifest.format.clone(),
        complete: r.manifest.complete,
        entries_requested: r.manifest.entries_requested,
        run,
        checked: crate::CHECKED.to_vec(),
        files_checked,
        file_problems,
        tables,
        entries: e.n_entries,
        lines: e.n_lines,
        unbalanced_entries: e.unbalanced,
        integrity,
        benford: Benford {
            amounts: total_digits,
            observed,
            expected,
            mad,
            verdict: nigrini(mad),
        },
        weekdays: e.weekdays,
        days_of_month: e.days_of_month,
        per_day: e
            .per_day
            .into_iter()
            .map(|(d, n)| (date_text(Date(d)), n))
            .collect(),
        manual_entries: e.manual,
        manual_off_hours: e.off_hours,
        amount_histogram: e
            .histogram
            .into_iter()
            .map(|(b, n)| (b as f64 / 10.0, n))
            .collect(),
        settlement: d.settlement,
        companies,
        statements,
        group,
        anomalies,
        problems,
        score: crate::Score {
            value: 0.0,
            parts: Vec::new(),
            definition: crate::SCORE_DEFINITION,
        },
        profiles,
    };
    report.score = score(&report, entries_written);
    Ok(report)
}

/// The score of `r` (a run that wrote `entries_written` entries): 100 times the mean of
/// seven parts, see [`crate::SCORE_DEFINITION`].
fn score(r: &Report, entries_written: u64) -> crate::Score {
    let ratio = |good: u64, of: u64| {
        if of == 0 {
            1.0
        } else {
            good as f64 / of as f64
        }
    };
    let failures: u64 = r.integrity.iter().map(|i| i.failures).sum();
    let checked_rows: u64 = r.integrity.iter().map(|i| i.of).sum();
    let read_tables: Vec<&crate::TableCheck> =
        r.tables.iter().filter(|t| t.rows_read.is_some()).collect();
    let parts = vec![
        crate::ScorePart {
            name: "files",
            value: f64::from(u8::from(r.file_problems == 0)),
        },
        crate::ScorePart {
            name: "completeness",
            value: ratio(entries_written, r.entries_requested).min(1.0),
        },
        crate::ScorePart {
            name: "balance",
            value: ratio(r.entries - r.unbalanced_entries, r.entries),
        },
        crate::ScorePart {
            name: "integrity",
            value: ratio(checked_rows.saturating_sub(failures), checked_rows),
        },
        crate::ScorePart {
            name: "Benford",
            value: match r.benford.verdict {
                "close conformity" => 1.0,
                "acceptable conformity" => 0.75,
                "marginally acceptable conformity" => 0.5,
                _ => 0.0,
            },
        },
        crate::ScorePart {
            name: "books",
            value: ratio(
                r.companies.iter().filter(|c| c.balanced).count() as u64,
                r.companies.len() as u64,
            ),
        },
        crate::ScorePart {
            name: "rows",
            value: ratio(
                read_tables
                    .iter()
                    .filter(|t| t.rows_read == Some(t.manifest_rows))
                    .count() as u64,
                read_tables.len() as u64,
            ),
        },
    ];
    crate::Score {
        value: 100.0 * parts.iter().map(|p| p.value).sum::<f64>() / parts.len() as f64,
        parts,
        definition: crate::SCORE_DEFINITION,
    }
}

fn benford_expected() -> [f64; 9] {
    std::array::from_fn(|i| (1.0 + 1.0 / (i as f64 + 1.0)).log10())
}

/// The first digit of an amount in minor units.
pub(crate) fn first_digit(cents: i64) -> usize {
    let mut x = cents.unsigned_abs();
    while x >= 10 {
        x /= 10;
    }
    x as usize
}

/// Minor units as currency units.
pub(crate) fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// `YYYY-MM-DD`.
pub(crate) fn date_text(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}-{m:02}-{day:02}")
}
