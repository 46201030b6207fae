//! The ranges of every value, checked for `validate` and `generate` alike: all problems
//! at once, each with its field path.

use super::{Config, MAX_ENTRIES, MAX_PARTS, MAX_THREADS, yaml_path};
use synth_sinks::{Format, MIN_BUFFER_BYTES};

/// A mebibyte.
const MIB: u64 = 1 << 20;
/// A gibibyte.
const GIB: u64 = 1 << 30;

/// Problems found so far, as (field path, message), in field order.
struct Problems(Vec<(String, String)>);

impl Problems {
    /// Records that `path` is out of range unless `ok`.
    fn range(&mut self, path: &str, ok: bool, expected: &str, got: String) {
        if !ok {
            self.0
                .push((path.into(), format!("expected {expected}, got {got}")));
        }
    }

    /// Records a problem.
    fn push(&mut self, problem: (String, String)) {
        self.0.push(problem);
    }
}

impl Config {
    /// Every range problem, as (field path, message), in field order.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut p = Problems(
            self.generator_config()
                .problems()
                .into_iter()
                .map(|e| {
                    let message = format!("expected {}, got {}", e.expected, e.got);
                    (yaml_path(e.field), message)
                })
                .collect(),
        );
        let t = &self.transactions;
        p.range(
            "transactions.target_count",
            t.target_count <= MAX_ENTRIES,
            "at most 1000000000000 entries",
            t.target_count.to_string(),
        );
        self.global_problems(&mut p);
        self.output_problems(&mut p);
        if let Some(addr) = &self.server.health_addr
            && addr.parse::<std::net::SocketAddr>().is_err()
        {
            p.push((
                "server.health_addr".into(),
                format!("expected an address like \"127.0.0.1:9090\", got {addr:?}"),
            ));
        }
        p.0
    }

    /// The problems of the `global` section.
    fn global_problems(&self, p: &mut Problems) {
        let g = &self.global;
        if let Some(m) = g.memory_limit {
            p.range(
                "global.memory_limit",
                m.0 >= MIB,
                "at least 1MiB",
                m.to_string(),
            );
        }
        if let Some(s) = g.soft_limit {
            p.range(
                "global.soft_limit",
                s.0 >= MIB,
                "at least 1MiB",
                s.to_string(),
            );
        }
        if let (Some(soft), Some(hard)) = (g.soft_limit, g.memory_limit) {
            p.range(
                "global.soft_limit",
                soft <= hard,
                &format!("at most global.memory_limit ({hard})"),
                soft.to_string(),
            );
        }
        p.range(
            "global.check_interval_ms",
            (1..=1000).contains(&g.check_interval_ms),
            "from 1 to 1000 milliseconds (the guard must read memory at least once a second)",
            g.check_interval_ms.to_string(),
        );
        p.range(
            "global.throttle_ms",
            (1..=10_000).contains(&g.throttle_ms),
            "from 1 to 10000 milliseconds",
            g.throttle_ms.to_string(),
        );
        p.range(
            "global.growth_rate_threshold",
            g.growth_rate_threshold.0 >= 1_000_000,
            "at least 1MB/s",
            g.growth_rate_threshold.to_string(),
        );
    }

    /// The problems of the `output` section.
    fn output_problems(&self, p: &mut Problems) {
        let t = &self.transactions;
        let o = &self.output;
        p.range(
            "output.batch_size",
            (1..=10_000_000).contains(&o.batch_size),
            "from 1 to 10000000 entries",
            o.batch_size.to_string(),
        );
        p.range(
            "output.channel_capacity",
            (1..=64).contains(&o.channel_capacity),
            "from 1 to 64 batches",
            o.channel_capacity.to_string(),
        );
        p.range(
            "output.buffer_bytes",
            (MIN_BUFFER_BYTES as u64..=GIB).contains(&o.buffer_bytes.0),
            "from 256KiB to 1GiB",
            o.buffer_bytes.to_string(),
        );
        p.range(
            "output.row_group_bytes",
            (64 << 10..=GIB).contains(&o.row_group_bytes.0),
            "from 64KiB to 1GiB",
            o.row_group_bytes.to_string(),
        );
        p.range(
            "output.part_entries",
            o.part_entries >= 1,
            "at least 1 entry per part",
            o.part_entries.to_string(),
        );
        let parts = o.parts(t.target_count);
        if o.part_entries >= 1 && parts > MAX_PARTS {
            p.range(
                "output.part_entries",
                false,
                &format!(
                    "at most {MAX_PARTS} parts per run: at least {} entries per part for {} entries",
                    t.target_count.div_ceil(MAX_PARTS),
                    t.target_count
                ),
                format!("{} ({parts} parts)", o.part_entries),
            );
        }
        if let Some(shard) = &o.shard {
            let parsed = shard.parse::<synth_sinks::Shard>();
            p.range(
                "output.shard",
                parsed.is_ok(),
                "a shard like 0/4: shard K of N, counting from 0 (0 <= K < N)",
                format!("{shard:?}"),
            );
            p.range(
                "output.shard",
                !o.to_stdout(),
                "no shard when writing to standard output",
                format!("{shard:?}"),
            );
        }
        if let Some(t) = o.threads {
            p.range(
                "output.threads",
                (1..=MAX_THREADS).contains(&t),
                &format!("from 1 to {MAX_THREADS} parts at once, or null for every CPU"),
                t.to_string(),
            );
        }
        if let Some(r) = o.rotate_bytes {
            p.range(
                "output.rotate_bytes",
                r.0 >= MIB,
                "at least 1MiB, or null",
                r.to_string(),
            );
        }
        let generator = self.generator_config();
        if let Some(names) = &o.tables {
            let all: Vec<&str> = synth_generators::Table::ALL
                .iter()
                .map(|t| t.name())
                .collect();
            for (i, name) in names.iter().enumerate() {
                let known = synth_generators::Table::from_name(name);
                p.range(
                    &format!("output.tables[{i}]"),
                    known.is_some_and(|t| generator.writes(t)),
                    &format!(
                        "a table this run writes ({}; documents and graph tables need documents.enabled and graph.enabled)",
                        all.join(", ")
                    ),
                    format!("{name:?}"),
                );
            }
            p.range(
                "output.tables",
                !names.is_empty(),
                "at least one table, or null",
                "[]".into(),
            );
        }
        if o.to_stdout() {
            let one = o.tables.as_ref().is_some_and(|t| t.len() == 1);
            p.range(
                "output.tables",
                one,
                "exactly one table when writing to standard output (directory \"-\"), e.g. output.tables: [journal_lines]",
                o.tables
                    .as_ref()
                    .map_or("all tables".into(), |t| t.join(",")),
            );
            p.range(
                "output.format",
                matches!(o.format, Format::Csv | Format::Jsonl),
                "csv or jsonl when writing to standard output",
                o.format.name().into(),
            );
        }
        if let Some(c) = o.compression {
            p.range(
                "output.compression",
                c.fits(o.format),
                match o.format {
                    Format::Parquet => "zstd, snappy or none for Parquet",
                    _ => "zstd, gzip or none for CSV and JSON Lines",
                },
                c.name().to_string(),
            );
        }
        if let Some(d) = o.drop_page_cache_every {
            p.range(
                "output.drop_page_cache_every",
                d.0 == 0 || d.0 >= MIB,
                "0 (off), at least 1MiB, or null (automatic)",
                d.to_string(),
            );
        }
        if o.directory.as_os_str().is_empty() {
            p.push((
                "output.directory".into(),
                "expected a directory path, got an empty string".into(),
            ));
        }
    }
}
