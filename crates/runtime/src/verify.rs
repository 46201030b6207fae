//! `verify` with the manifests' own config: besides what [`synth_sinks::verify`] checks
//! (every listed file whole, every part once, nothing stray), the dataset must hold
//! every table and every part that the config it was made with implies, so a manifest
//! cut short (a table dropped, the last part dropped and `parts_total` lowered) is not
//! called whole.

use crate::config::Config;
use std::collections::BTreeSet;
use std::path::PathBuf;
use synth_generators::{PerTable, Table};
use synth_model::TablePhase;
use synth_sinks::{Manifest, SinkError, Verification};

/// Checks the dataset in `dirs` (one directory, or the directories of its shards)
/// against its manifests and against the config they carry.
pub fn verify(dirs: &[PathBuf]) -> Result<Verification, SinkError> {
    let (mut v, read) = synth_sinks::verify_manifests(dirs)?;
    let manifests: Vec<Manifest> = read.into_iter().map(|(_, m)| m).collect();
    let problems = completeness(&manifests);
    v.problems.extend(problems);
    Ok(v)
}

/// What the manifests lack of what their config implies, one line each.
fn completeness(manifests: &[Manifest]) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(first) = manifests.first() else {
        return problems;
    };
    let config: Config = match serde_json::from_value(first.config.clone()) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!(
                "the manifest's config cannot be read ({e}), so what the dataset should hold is unknown"
            ));
            return problems;
        }
    };
    let total = config.transactions.target_count;
    let o = &config.output;
    let gen_config = config.generator_config();
    let writes = PerTable::from_fn(|t| gen_config.writes(t) && o.selects(t));
    let streams = Table::ALL
        .iter()
        .any(|&t| writes[t] && t.phase() == TablePhase::Stream);
    let parts = if streams { o.parts(total) } else { 0 };
    if first.entries_requested != total {
        problems.push(format!(
            "the manifest asks for {} entries, and its config for {total}",
            first.entries_requested
        ));
    }
    if manifests.iter().any(|m| m.parts_total != parts) {
        problems.push(format!(
            "the manifest says the dataset has {} parts; its config ({total} entries, {} a part) makes {parts}",
            first.parts_total, o.part_entries
        ));
    }
    let mut listed_tables = BTreeSet::new();
    for m in manifests {
        for t in &m.tables {
            listed_tables.insert(t.table.as_str());
        }
        for p in &m.parts {
            for &table in Table::ALL {
                if !(writes[table] && table.phase() == TablePhase::Stream) {
                    continue;
                }
                let has = m.tables.iter().any(|t| {
                    t.table == table.name() && t.files.iter().any(|f| f.part == Some(p.part))
                });
                if !has {
                    problems.push(format!(
                        "part {} has no file of table {}, which its config writes",
                        p.part,
                        table.name()
                    ));
                }
            }
        }
    }
    for &table in Table::ALL {
        if writes[table] && !listed_tables.contains(table.name()) {
            problems.push(format!(
                "table {} is in no manifest, and its config writes it",
                table.name()
            ));
        }
    }
    problems
}
