//! Scores a detector's predictions against the labels of a run (`synthdata score`): per
//! entry and per anomaly (scheme), overall and per type, the average precision, the
//! precision and recall at k (k = the count of labelled units) and the precision at 100.

use crate::ReportError;
use crate::read::{TableRows, parse_id};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use synth_sinks::Manifest;

/// Why predictions could not be scored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// The run could not be read.
    #[error(transparent)]
    Run(#[from] ReportError),
    /// The predictions file is missing or malformed.
    #[error("{path}: {reason}")]
    Predictions {
        /// The predictions file.
        path: PathBuf,
        /// What is wrong, and what was expected.
        reason: String,
    },
}

/// How well a ranking finds the labelled units of one grain.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    /// Labelled units (entries, or anomalies).
    pub positives: u64,
    /// Labelled units among the k best scored, k = `positives` (expected, where equal
    /// scores straddle the cut).
    pub found_at_k: f64,
    /// `found_at_k / positives`.
    pub recall_at_k: f64,
    /// `found_at_k / k` (equal to the recall at this k).
    pub precision_at_k: f64,
    /// Average precision: the mean over labelled units of the precision at the score
    /// each is found (0 for those never scored); equal scores count as one step.
    pub average_precision: f64,
    /// Labelled units among the 100 best scored, over 100.
    pub precision_at_100: f64,
    /// ROC AUC: the chance that a labelled unit scores above a clean one (equal scores
    /// count a half; a labelled unit never scored counts below every clean one).
    pub roc_auc: f64,
}

/// The metrics of one anomaly type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeScores {
    /// The type's name.
    pub anomaly_type: String,
    /// Its entries against the clean entries.
    pub entry: Metrics,
    /// Its anomalies (each scored by its best-scored entry) against the clean entries.
    pub scheme: Metrics,
}

/// The scores of a predictions file against a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scores {
    /// Entries of the run.
    pub entries: u64,
    /// Entries the predictions score.
    pub predicted: u64,
    /// Labelled entries of the run.
    pub labelled_entries: u64,
    /// Anomalies (schemes) of the run.
    pub anomalies: u64,
    /// Every labelled entry against the clean ones.
    pub entry: Metrics,
    /// Every anomaly against the clean entries.
    pub scheme: Metrics,
    /// Per type, in the order of the labels table.
    pub types: Vec<TypeScores>,
}

/// Ranks `units` (score, labelled) best first and measures how early the `positives`
/// labelled units come. Equal scores form one step, as in the usual definition of
/// average precision: every unit of a step counts at once, and a step that straddles
/// a cut counts in proportion (so a constant score earns the prevalence).
fn metrics(units: &mut [(f64, bool)], positives: u64) -> Metrics {
    units.sort_by(|a, b| b.0.total_cmp(&a.0));
    let k = positives as f64;
    let (mut seen, mut found, mut sum) = (0.0f64, 0.0f64, 0.0f64);
    let (mut found_at_k, mut found_at_100) = (0.0f64, 0.0f64);
    let clean = units.iter().filter(|u| !u.1).count() as f64;
    let (mut clean_seen, mut above_clean) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < units.len() {
        let mut j = i;
        while j < units.len() && units[j].0.total_cmp(&units[i].0).is_eq() {
            j += 1;
        }
        let size = (j - i) as f64;
        let labelled = units[i..j].iter().filter(|u| u.1).count() as f64;
        let at = |cut: f64| found + labelled * ((cut - seen).clamp(0.0, size) / size);
        if seen < k {
            found_at_k = at(k);
        }
        if seen < 100.0 {
            found_at_100 = at(100.0);
        }
        // Each labelled unit of the step is above the clean units after it and ties
        // with the clean ones of its step.
        let clean_here = size - labelled;
        above_clean += labelled * (clean - clean_seen - clean_here + 0.5 * clean_here);
        clean_seen += clean_here;
        seen += size;
        found += labelled;
        sum += labelled * found / seen;
        i = j;
    }
    let share = |x: f64, of: f64| if of == 0.0 { 0.0 } else { x / of };
    Metrics {
        positives,
        found_at_k,
        recall_at_k: share(found_at_k, k),
        precision_at_k: share(found_at_k, k),
        average_precision: share(sum, k),
        precision_at_100: found_at_100 / 100.0,
        roc_auc: share(above_clean, k * clean),
    }
}

/// Reads `path`: a CSV file with a header naming `entry_id` and `score` (other columns
/// are ignored), one row per scored entry.
fn read_predictions(path: &Path) -> Result<Vec<(u128, f64)>, ScoreError> {
    let bad = |reason: String| ScoreError::Predictions {
        path: path.to_path_buf(),
        reason,
    };
    // Only a regular file, never through a symbolic link (the tool's rule for every
    // file it opens), said in the words of a file the user gave.
    let file = synth_sinks::open_regular(path).map_err(|e| match e {
        synth_sinks::SinkError::NotOurs { .. } => {
            bad("is a symbolic link or not a regular file; give the file itself".into())
        }
        e => bad(format!("cannot be read: {e}")),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| bad(format!("unreadable header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(id_at), Some(score_at)) = (column("entry_id"), column("score")) else {
        return Err(bad(format!(
            "expected a header with the columns entry_id and score, found {:?}",
            headers.iter().collect::<Vec<_>>()
        )));
    };
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => line += 1,
            Err(e) => return Err(bad(format!("line {}: {e}", line + 1))),
        }
        let id_text = record.get(id_at).unwrap_or("").trim();
        let id = parse_id(id_text).ok_or_else(|| {
            bad(format!(
                "line {line}: entry_id {id_text:?} is not an entry id (a UUID)"
            ))
        })?;
        let score_text = record.get(score_at).unwrap_or("").trim();
        let score = score_text
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite())
            .ok_or_else(|| {
                bad(format!(
                    "line {line}: score {score_text:?} is not a finite number"
                ))
            })?;
        out.push((id, score));
    }
    Ok(out)
}

/// The labels of a run: the anomaly types, and each anomaly's type and entries.
type Labels = (Vec<String>, Vec<(usize, Vec<u128>)>);

/// The labels of `rows` (the anomalies table): the types in order of first appearance,
/// and each anomaly's type (an index into them) and entries; those that name no entry
/// left out.
fn read_labels(mut rows: TableRows) -> Result<Labels, ScoreError> {
    let mut types: Vec<String> = Vec::new();
    let mut schemes: Vec<(usize, Vec<u128>)> = Vec::new();
    while let Some(row) = rows.next_row()? {
        let ids: Vec<u128> = row
            .text(1)
            .unwrap_or("")
            .split_whitespace()
            .filter_map(parse_id)
            .collect();
        // Anomalies labelled on other records than entries (a payroll diversion's
        // payslips) are out of reach of entry scores.
        if ids.is_empty() {
            continue;
        }
        let t = row.text(0).unwrap_or("").to_string();
        let ti = types.iter().position(|x| *x == t).unwrap_or_else(|| {
            types.push(t);
            types.len() - 1
        });
        schemes.push((ti, ids));
    }
    Ok((types, schemes))
}

/// How many entries `rows` (the journal entries) hold, and which of the predictions
/// (at their positions `at`) name one of them.
fn entries_seen(
    mut rows: TableRows,
    at: &HashMap<u128, usize>,
) -> Result<(u64, Vec<bool>), ScoreError> {
    let mut seen = vec![false; at.len()];
    let mut entries = 0u64;
    while let Some(row) = rows.next_row()? {
        entries += 1;
        if let Some(k) = row.id(0).and_then(|id| at.get(&id)) {
            seen[*k] = true;
        }
    }
    Ok((entries, seen))
}

/// Scores the predictions in `predictions` against the labels of the run in `dir`; with
/// `scored_only`, against the labels of the scored entries only (a test split).
pub fn score(dir: &Path, predictions: &Path, scored_only: bool) -> Result<Scores, ScoreError> {
    let manifest = Manifest::read(dir).map_err(|e| ReportError::NoManifest {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let files = |table: &str| -> Vec<PathBuf> {
        manifest
            .tables
            .iter()
            .find(|t| t.table == table)
            .map(|t| t.files.iter().map(|f| dir.join(&f.path)).collect())
            .unwrap_or_default()
    };
    let predicted = read_predictions(predictions)?;
    let bad = |reason: String| ScoreError::Predictions {
        path: predictions.to_path_buf(),
        reason,
    };
    let mut at: HashMap<u128, usize> = HashMap::with_capacity(predicted.len());
    for (k, (id, _)) in predicted.iter().enumerate() {
        if at.insert(*id, k).is_some() {
            return Err(bad(format!(
                "line {}: entry {} is scored twice",
                k + 2,
                synth_sinks::uuid_string(*id)
            )));
        }
    }

    let (types, mut schemes) = read_labels(TableRows::new(
        "anomalies",
        &manifest.format,
        files("anomalies"),
        &["anomaly_type", "entry_ids"],
    ))?;
    if scored_only {
        // Only what was scored: the entries of a test split, and the anomalies with at
        // least one of them.
        for (_, ids) in schemes.iter_mut() {
            ids.retain(|id| at.contains_key(id));
        }
        schemes.retain(|(_, ids)| !ids.is_empty());
    }
    let mut type_of: HashMap<u128, usize> = HashMap::new();
    for (ti, ids) in &schemes {
        for id in ids {
            type_of.entry(*id).or_insert(*ti);
        }
    }

    // The entries: every predicted id must be one of them.
    let (entries, seen) = entries_seen(
        TableRows::new(
            "journal_entries",
            &manifest.format,
            files("journal_entries"),
            &["entry_id"],
        ),
        &at,
    )?;
    if let Some(k) = seen.iter().position(|s| !s) {
        let unknown = seen.iter().filter(|s| !**s).count();
        return Err(bad(format!(
            "{unknown} of the {} scored entries are not entries of this run (the first: {} on line {}); \
             expected the entry_id values of its journal_entries",
            predicted.len(),
            synth_sinks::uuid_string(predicted[k].0),
            k + 2
        )));
    }

    let clean: Vec<(f64, bool)> = predicted
        .iter()
        .filter(|(id, _)| !type_of.contains_key(id))
        .map(|(_, s)| (*s, false))
        .collect();
    let labelled = |only: Option<usize>| -> Vec<(f64, bool)> {
        predicted
            .iter()
            .filter(|(id, _)| {
                type_of
                    .get(id)
                    .is_some_and(|t| only.is_none_or(|o| *t == o))
            })
            .map(|(_, s)| (*s, true))
            .collect()
    };
    let best = |ids: &[u128]| {
        ids.iter()
            .filter_map(|id| at.get(id).map(|k| predicted[*k].1))
            .reduce(f64::max)
    };
    let scheme_units = |only: Option<usize>| -> (Vec<(f64, bool)>, u64) {
        let mut units = clean.clone();
        let mut n = 0;
        for (ti, ids) in &schemes {
            if only.is_none_or(|o| *ti == o) {
                n += 1;
                if let Some(s) = best(ids) {
                    units.push((s, true));
                }
            }
        }
        (units, n)
    };
    let entry_metrics = |only: Option<usize>| {
        let mut units = clean.clone();
        units.extend(labelled(only));
        let positives = type_of
            .values()
            .filter(|t| only.is_none_or(|o| **t == o))
            .count() as u64;
        metrics(&mut units, positives)
    };
    let scheme_metrics = |only: Option<usize>| {
        let (mut units, n) = scheme_units(only);
        metrics(&mut units, n)
    };
    Ok(Scores {
        entries,
        predicted: predicted.len() as u64,
        labelled_entries: type_of.len() as u64,
        anomalies: schemes.len() as u64,
        entry: entry_metrics(None),
        scheme: scheme_metrics(None),
        types: types
            .iter()
            .enumerate()
            .map(|(ti, t)| TypeScores {
                anomaly_type: t.clone(),
                entry: entry_metrics(Some(ti)),
                scheme: scheme_metrics(Some(ti)),
            })
            .collect(),
    })
}

/// The scores as a text table.
pub fn score_text(s: &Scores) -> String {
    let mut out = format!(
        "Scored {} of {} entries; {} anomalies label {} entries\n\
         (AP: average precision, equal scores one step; P@k and R@k at k = the labelled count; P@100: precision of the 100 best; AUC: ROC AUC)\n\n\
         {:<8} {:<26} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
        s.predicted,
        s.entries,
        s.anomalies,
        s.labelled_entries,
        "grain",
        "type",
        "labelled",
        "AP",
        "P@k",
        "R@k",
        "P@100",
        "AUC"
    );
    let mut row = |grain: &str, t: &str, m: &Metrics| {
        out.push_str(&format!(
            "{grain:<8} {t:<26} {:>9} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}\n",
            m.positives,
            m.average_precision,
            m.precision_at_k,
            m.recall_at_k,
            m.precision_at_100,
            m.roc_auc
        ));
    };
    row("entry", "all", &s.entry);
    row("scheme", "all", &s.scheme);
    for t in &s.types {
        row("entry", &t.anomaly_type, &t.entry);
    }
    for t in &s.types {
        row("scheme", &t.anomaly_type, &t.scheme);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_ranking_scores_one_and_a_constant_one_the_prevalence() {
        let mut units = vec![(0.9, true), (0.8, true), (0.1, false), (0.0, false)];
        let m = metrics(&mut units, 2);
        assert_eq!(
            (m.average_precision, m.recall_at_k, m.roc_auc),
            (1.0, 1.0, 1.0)
        );
        // Everything tied: one step, the prevalence, found in proportion at k.
        let mut units = vec![(1.0, true), (1.0, false), (1.0, false), (1.0, false)];
        let m = metrics(&mut units, 1);
        assert!((m.found_at_k - 0.25).abs() < 1e-12);
        assert!((m.average_precision - 0.25).abs() < 1e-12);
        assert_eq!(m.roc_auc, 0.5);
        // A labelled unit never scored counts as never found.
        let mut units = vec![(0.5, true)];
        assert_eq!(metrics(&mut units, 2).average_precision, 0.5);
        // Labelled units at the 2nd and 4th place of five: above 2 of 3 clean, then 0.
        let mut units = vec![
            (5.0, false),
            (4.0, true),
            (3.0, false),
            (2.0, true),
            (1.0, false),
        ];
        let m = metrics(&mut units, 2);
        assert!((m.roc_auc - 0.5).abs() < 1e-12, "{}", m.roc_auc);
        // Worst first: the labelled one last of four.
        let mut units = vec![(0.0, true), (0.3, false), (0.2, false), (0.1, false)];
        let m = metrics(&mut units, 1);
        assert_eq!(
            (m.found_at_k, m.average_precision, m.roc_auc),
            (0.0, 0.25, 0.0)
        );
    }
}
