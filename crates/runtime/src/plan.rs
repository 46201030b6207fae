//! The run plan: what a run will do, decided from its config and the machine's limit
//! alone, before anything is reserved, opened or spawned. A pure value, tested layout by
//! layout without processes.

use crate::config::{Config, OutputConfig};
use std::ops::Range;
use synth_generators::{GeneratorConfig, PerTable, Table};
use synth_guard::{ByteSize, EffectiveLimit, LimitSource};
use synth_model::{TableGroup, TablePhase};
use synth_sinks::{Format, Shard, SinkOptions};

/// Page-cache dropping interval used when a cgroup limit was found.
pub const AUTO_DROP_PAGE_CACHE_EVERY: u64 = 64 << 20;

/// The parts of a run: contiguous ranges of entries of a size fixed by the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartPlan {
    /// Journal entries of the whole run.
    pub(crate) total: u64,
    /// Entries per part (the last may hold fewer).
    pub(crate) part_entries: u64,
    /// Parts of the whole run (0 when no streaming table is written).
    pub(crate) parts: u64,
}

impl PartPlan {
    pub(crate) fn new(total: u64, part_entries: u64, parts: u64) -> Self {
        // One part holds every entry, whatever the configured size (standard output).
        let part_entries = match parts {
            1 => total.max(part_entries.min(total)).max(1),
            _ => part_entries.max(1),
        };
        Self {
            total,
            part_entries,
            parts,
        }
    }

    /// The entries of part `k`.
    pub(crate) fn range(&self, k: u64) -> Range<u64> {
        let start = (k * self.part_entries).min(self.total);
        start..(start + self.part_entries).min(self.total)
    }
}

/// The parts of a run as a program that makes parts itself sees them (the Python
/// bindings, a Spark or Dask task): the face of the run plan, nothing reserved or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Journal entries of the whole run.
    pub entries: u64,
    /// Entries per part (the last may hold fewer).
    pub part_entries: u64,
    /// How many parts the whole run has (0 when no streaming table is written).
    pub count: u64,
    /// The parts this run makes, in order: all, or its shard's.
    pub owned: Vec<u64>,
    /// The tables written, in the order of [`Table::ALL`].
    pub tables: Vec<Table>,
}

impl Parts {
    /// The entries of part `k`; `None` past the last part.
    pub fn range(&self, k: u64) -> Option<Range<u64>> {
        (k < self.count)
            .then(|| PartPlan::new(self.entries, self.part_entries, self.count).range(k))
    }
}

/// What a run will do: its parts and which of them it makes, its tables, how many parts
/// it wants at once, and how its sinks write.
#[derive(Debug, Clone)]
pub(crate) struct RunPlan {
    /// The parts of the whole dataset.
    pub(crate) parts: PartPlan,
    /// The tables written (made by the config and selected by `output.tables`).
    pub(crate) writes: PerTable<bool>,
    /// The generator's config (the graph off when no graph table is written: edges
    /// take no random draws, so every other table stays the same bytes).
    pub(crate) generator: GeneratorConfig,
    /// Whether the one table goes to standard output.
    pub(crate) to_stdout: bool,
    /// The shard this run writes, if it is one.
    pub(crate) shard: Option<Shard>,
    /// Whether this run writes the master tables (unsharded, or shard 0).
    pub(crate) masters: bool,
    /// Streaming tables written.
    pub(crate) stream_tables: u64,
    /// The parts this run makes, in order: all, or its shard's.
    pub(crate) owned: Vec<u64>,
    /// Parts at once asked for (threads, at most one per part; one under an
    /// address-space limit; none without streaming tables).
    pub(crate) lanes_wanted: u64,
    /// How the sinks write.
    pub(crate) sink_options: SinkOptions,
    /// Whether text sinks hand their buffers to an I/O thread (CSV and JSON Lines into
    /// files).
    pub(crate) behind_io: bool,
}

impl RunPlan {
    /// The entries of the parts this run makes (its shard's, or all).
    pub(crate) fn owned_entries(&self) -> u64 {
        self.owned
            .iter()
            .map(|&k| {
                let r = self.parts.range(k);
                r.end - r.start
            })
            .sum()
    }

    /// The plan of `config` on a machine whose effective limit is `limit`.
    pub(crate) fn new(config: &Config, limit: &EffectiveLimit) -> Self {
        let o = &config.output;
        let total = config.transactions.target_count;
        let mut generator = config.generator_config();
        let writes = PerTable::from_fn(|t| generator.writes(t) && o.selects(t));
        if !Table::ALL
            .iter()
            .any(|&t| t.group() == TableGroup::Graph && writes[t])
        {
            generator.graph.enabled = false;
        }
        let streams = Table::ALL
            .iter()
            .any(|&t| writes[t] && t.phase() == TablePhase::Stream);
        // Only master tables asked for: no entry needs generating.
        let parts = match streams {
            true => PartPlan::new(total, o.part_entries, o.parts(total)),
            false => PartPlan::new(total, o.part_entries, 0),
        };
        let shard = o.shard();
        let masters = shard.is_none_or(|s| s.writes_master())
            && Table::ALL
                .iter()
                .any(|&t| writes[t] && t.phase() != TablePhase::Stream);
        let stream_tables = Table::ALL
            .iter()
            .filter(|&&t| writes[t] && t.phase() == TablePhase::Stream)
            .count() as u64;
        let owned = (0..parts.parts)
            .filter(|&p| shard.is_none_or(|s| s.owns_part(p)))
            .collect();
        // Under an address-space limit every thread maps its stack and may get an
        // allocator arena of its own: one part at a time keeps the mapped size small.
        let mut lanes_wanted = if streams { o.lanes(total) as u64 } else { 0 };
        if limit.source == LimitSource::RlimitAs {
            lanes_wanted = lanes_wanted.min(1);
        }
        let to_stdout = o.to_stdout();
        let drop_every = match o.drop_page_cache_every {
            Some(ByteSize(0)) => None,
            Some(ByteSize(n)) => Some(n),
            None => matches!(
                limit.source,
                LimitSource::CgroupV1 { .. } | LimitSource::CgroupV2 { .. }
            )
            .then_some(AUTO_DROP_PAGE_CACHE_EVERY),
        };
        Self {
            parts,
            writes,
            generator,
            to_stdout,
            shard,
            masters,
            stream_tables,
            owned,
            lanes_wanted,
            sink_options: sink_options(o, drop_every),
            behind_io: matches!(o.format, Format::Csv | Format::Jsonl) && !to_stdout,
        }
    }

    /// The plan's parts and tables, as [`Parts`].
    pub(crate) fn parts_view(&self) -> Parts {
        Parts {
            entries: self.parts.total,
            part_entries: self.parts.part_entries,
            count: self.parts.parts,
            owned: self.owned.clone(),
            tables: Table::ALL
                .iter()
                .copied()
                .filter(|&t| self.writes[t])
                .collect(),
        }
    }

    /// Whether any streaming table is written (so parts are generated).
    pub(crate) fn streams(&self) -> bool {
        self.stream_tables > 0
    }
}

/// How the sinks of a run write, from its output config.
pub(crate) fn sink_options(o: &OutputConfig, drop_page_cache_every: Option<u64>) -> SinkOptions {
    SinkOptions {
        buffer_bytes: o.buffer_bytes.0 as usize,
        rotate_bytes: o.rotate_bytes.map(|r| r.0),
        drop_page_cache_every,
        compression: o.compression,
        row_group_bytes: o.row_group_bytes.0 as usize,
        part: None,
        parquet_uuid: o.parquet_uuid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(source: LimitSource) -> EffectiveLimit {
        EffectiveLimit {
            bytes: 8 << 30,
            source,
            soft_ceiling: None,
            total_ram: 16 << 30,
            available_ram: None,
        }
    }

    fn plan(yaml: &str, source: LimitSource) -> RunPlan {
        let config = Config::from_yaml(yaml, None).expect("valid config");
        RunPlan::new(&config, &limit(source))
    }

    #[test]
    fn the_parts_a_program_sees_are_the_plans() {
        for yaml in [
            "transactions:\n  target_count: 2500000\n",
            "transactions:\n  target_count: 7000\noutput:\n  part_entries: 3000\n  shard: 1/2\n",
            "transactions:\n  target_count: 5000\noutput:\n  tables: [vendors]\n",
            "transactions:\n  target_count: 5000\ngraph:\n  enabled: false\ndocuments:\n  enabled: false\n",
        ] {
            let p = plan(yaml, LimitSource::PhysicalRam);
            let v = p.parts_view();
            assert_eq!((v.count, &v.owned), (p.parts.parts, &p.owned), "{yaml}");
            for k in 0..p.parts.parts {
                assert_eq!(v.range(k), Some(p.parts.range(k)), "{yaml}");
            }
            assert_eq!(v.range(p.parts.parts), None);
            let written: Vec<Table> = Table::ALL
                .iter()
                .copied()
                .filter(|&t| p.writes[t])
                .collect();
            assert_eq!(v.tables, written, "{yaml}");
        }
    }

    #[test]
    fn parts_are_cut_from_the_entries_whatever_the_threads() {
        for threads in [1, 4, 64] {
            let p = plan(
                &format!("transactions:\n  target_count: 2500000\noutput:\n  threads: {threads}\n"),
                LimitSource::PhysicalRam,
            );
            assert_eq!(p.parts.parts, 3, "1 M a part by default");
            assert_eq!(p.parts.range(2), 2_000_000..2_500_000);
            assert_eq!(p.owned, vec![0, 1, 2]);
            assert_eq!(p.lanes_wanted, threads.min(3));
            assert!(p.masters && p.streams());
            assert_eq!(p.stream_tables, 13);
        }
    }

    #[test]
    fn a_shard_owns_every_kth_part_and_shard_0_the_master_tables() {
        let yaml = |k: u64| {
            format!(
                "transactions:\n  target_count: 10000\noutput:\n  part_entries: 1000\n  shard: {k}/3\n"
            )
        };
        let p = plan(&yaml(1), LimitSource::PhysicalRam);
        assert_eq!(p.parts.parts, 10);
        assert_eq!(p.owned, vec![1, 4, 7]);
        assert!(!p.masters);
        let p = plan(&yaml(0), LimitSource::PhysicalRam);
        assert_eq!(p.owned, vec![0, 3, 6, 9]);
        assert!(p.masters);
    }

    #[test]
    fn only_master_tables_make_no_parts_and_stdout_one() {
        let p = plan(
            "output:\n  tables: [accounts, vendors]\n",
            LimitSource::PhysicalRam,
        );
        assert_eq!((p.parts.parts, p.lanes_wanted, p.stream_tables), (0, 0, 0));
        assert!(p.owned.is_empty() && p.masters && !p.generator.graph.enabled);
        let p = plan(
            "transactions:\n  target_count: 5000000\noutput:\n  directory: \"-\"\n  tables: [journal_lines]\n",
            LimitSource::PhysicalRam,
        );
        assert_eq!(p.parts.parts, 1);
        assert_eq!(p.parts.range(0), 0..5_000_000);
        assert!(p.to_stdout && !p.behind_io && !p.masters);
    }

    #[test]
    fn the_limit_shapes_lanes_and_page_cache_dropping() {
        let yaml = "transactions:\n  target_count: 4000000\noutput:\n  threads: 4\n";
        let p = plan(yaml, LimitSource::RlimitAs);
        assert_eq!(p.lanes_wanted, 1, "one part at a time under ulimit -v");
        assert_eq!(p.sink_options.drop_page_cache_every, None);
        let p = plan(
            yaml,
            LimitSource::CgroupV2 {
                path: "/sys/fs/cgroup".into(),
            },
        );
        assert_eq!(p.lanes_wanted, 4);
        assert_eq!(
            p.sink_options.drop_page_cache_every,
            Some(AUTO_DROP_PAGE_CACHE_EVERY)
        );
        assert!(p.behind_io);
    }

    #[test]
    fn a_run_without_graph_tables_does_not_make_edges() {
        let p = plan(
            "output:\n  tables: [journal_entries, journal_lines]\n",
            LimitSource::PhysicalRam,
        );
        assert!(!p.generator.graph.enabled);
        assert_eq!(p.stream_tables, 2);
        assert!(!p.masters, "no master table selected");
    }
}
