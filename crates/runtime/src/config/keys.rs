//! Every config key declared once: its path, what it means, the values it takes and the
//! command-line flag that sets it. From this list follow the file `synthdata init`
//! writes ([`default_config_yaml`], each key with its comment and default), the docs'
//! table of keys ([`keys_markdown`]), the CLI's override log and hints (which flag sets
//! which key), and a test that proves every declared range is the one the checks
//! enforce. Defaults are the sections' `Default` values (each crate owns its section),
//! read through their serialized form, so they are written once too.

use super::Config;
use std::fmt::Write as _;

/// A numeric range a key's value must lie in (inclusive unless `min_open`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The smallest value.
    pub min: f64,
    /// Whether `min` itself is refused (the range starts just above it).
    pub min_open: bool,
    /// The largest value.
    pub max: f64,
    /// Whether the value is a whole number.
    pub whole: bool,
}

/// One config key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// Its path, `section.key`.
    pub path: &'static str,
    /// What it does, in a sentence or a few (the comment `synthdata init` writes).
    pub doc: &'static str,
    /// The numeric range, where one applies.
    pub range: Option<Bound>,
    /// The flag of `synthdata generate` that sets it, if any.
    pub flag: Option<&'static str>,
    /// How its numbers read: plain, bytes (`1MiB`) or bytes per second (`100MB/s`).
    pub unit: Unit,
}

/// How a key's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A plain number.
    Plain,
    /// Bytes, written as `1MiB`, `256KiB`.
    Bytes,
    /// Bytes per second, written as `100MB/s`.
    BytesPerSecond,
}

const fn whole(min: f64, max: f64) -> Option<Bound> {
    Some(Bound {
        min,
        min_open: false,
        max,
        whole: true,
    })
}

const fn real(min: f64, max: f64) -> Option<Bound> {
    Some(Bound {
        min,
        min_open: false,
        max,
        whole: false,
    })
}

const fn key(path: &'static str, doc: &'static str) -> Key {
    Key {
        path,
        doc,
        range: None,
        flag: None,
        unit: Unit::Plain,
    }
}

impl Key {
    const fn range(mut self, range: Option<Bound>) -> Self {
        self.range = range;
        self
    }

    const fn flag(mut self, flag: &'static str) -> Self {
        self.flag = Some(flag);
        self
    }

    const fn bytes(mut self) -> Self {
        self.unit = Unit::Bytes;
        self
    }

    const fn per_second(mut self) -> Self {
        self.unit = Unit::BytesPerSecond;
        self
    }

    /// `value` (a default) as this key's YAML text: sizes as `1MiB`, rates as `100MB/s`.
    fn text(&self, value: &serde_yaml::Value) -> String {
        let n = value.as_u64().filter(|&n| n > 0);
        match (self.unit, n) {
            (Unit::Bytes, Some(n)) if n % (1 << 30) == 0 => format!("{}GiB", n >> 30),
            (Unit::Bytes, Some(n)) if n % (1 << 20) == 0 => format!("{}MiB", n >> 20),
            (Unit::Bytes, Some(n)) if n % (1 << 10) == 0 => format!("{}KiB", n >> 10),
            (Unit::BytesPerSecond, Some(n)) if n % 1_000_000 == 0 => {
                format!("{}MB/s", n / 1_000_000)
            }
            _ => serde_yaml::to_string(value)
                .unwrap_or_default()
                .trim_end()
                .to_string(),
        }
    }
}

/// The first lines of the file `synthdata init` writes.
const HEADER: &str =
    "# SyntheticData configuration (synthdata). Every key is optional; these are the defaults.
# Sizes are bytes or strings like \"2GiB\", \"1.5 GB\", \"512MiB\"; rates like \"100MB/s\"; counts
# like 1000000, 1M or 2.5e6. `synthdata generate` reads ./synthdata.yaml when present.
";

/// Every key, in the order of the file.
pub const KEYS: &[Key] = &[
    key("global.seed", "Seed of every random choice: the same config and seed give the same bytes.").flag("--seed"),
    key("global.memory_limit", "Hard memory limit: the run stops cleanly (exit 3) before using more. At least 1MiB; null = 90% of the effective limit (cgroup, rlimit or RAM, whichever is smallest).").flag("--memory-limit").bytes(),
    key("global.soft_limit", "Soft limit: above it the run flushes, clears caches and trims the allocator. At least 1MiB and at most the hard limit; null = 80% of the hard limit.").bytes(),
    key("global.check_interval_ms", "Milliseconds between two memory readings (a reading costs under a microsecond).").range(whole(1.0, 1000.0)),
    key("global.growth_rate_threshold", "Memory growth rate above which generation backs off (at least 1MB/s).").per_second(),
    key("global.throttle_ms", "How long one back-off lasts, in milliseconds.").range(whole(1.0, 10_000.0)),
    key("global.start_year", "First year of the posting period.").range(whole(1900.0, 9000.0)).flag("--start"),
    key("global.start_month", "First month of the posting period.").range(whole(1.0, 12.0)).flag("--start"),
    key("global.months", "Length of the posting period in months.").range(whole(1.0, 1200.0)).flag("--months"),
    key("global.companies", "The companies that post, each with its code (at most 8 characters), currency (ISO 4217) and country (public holidays, tax codes, payroll): US, CA, GB, DE, FR, NL, IT, ES, CH, JP or AU; null = the currency's (USD US, CAD CA, GBP GB, EUR DE, CHF CH, JPY JP, AUD AU); and vat_returns, monthly or quarterly (null = the country's usual: quarterly in GB, NL and CH, monthly elsewhere)."),
    key("transactions.target_count", "Number of journal entries to generate, exactly: the scheduled postings (opening balances, payroll, depreciation, accruals, bank) first, then business cases. The size of the companies (revenue, staff, assets) grows with it.").range(whole(0.0, 1e12)).flag("--entries"),
    key("transactions.two_line_share", "Share of orders and invoices with a single item.").range(real(0.0, 1.0)),
    key("transactions.line_tail_exponent", "Pareto exponent of the tail of item counts (larger = fewer long invoices).").range(Some(Bound { min: 0.1, min_open: true, max: 10.0, whole: false })),
    key("transactions.max_lines", "Most lines one entry may have: invoices carry at most this minus four items; longer scheduled postings are split into several entries; cost allocations have at most this many lines.").range(whole(synth_generators::MIN_LINES as f64, synth_generators::MAX_LINES_LIMIT as f64)),
    key("transactions.long_entries", "Shares of all entries that are cost allocations (overhead assessed from the overhead cost centers to the others) with many lines: lines_10_to_99, lines_100_to_999, lines_1000_or_more (at most 1536 lines), each 0 to 0.25, together at most 0.25. The defaults, with the invoices' own items, give the line counts of real ledgers: 6.3% of entries with 10 to 99 lines, 0.76% with 100 to 999, 0.02% with 1000 or more."),
    key("transactions.seasonality", "How busy each calendar month is, January first: 12 relative weights from 0 to 100 (at least one above 0) of the days business cases and single-entry cases fall on; scheduled postings keep their days. The default is a wholesaler's mild year, within 10% of the mean: quiet January, February and summer, busy March and autumn."),
    key("transactions.amount_median", "Price scale in major units: 1200 gives the pools' list prices (a hydraulic pump about 1,450); every amount scales with it.").range(real(0.01, 1e9)),
    key("transactions.amount_sigma", "Spread of ln(quantity) of order items, times two.").range(real(0.0, 4.0)),
    key("master_data.vendors", "Number of vendors (employees, fixed assets and users follow from the size of the companies).").range(whole(1.0, 4_294_967_295.0)).flag("--vendors"),
    key("master_data.customers", "Number of customers.").range(whole(1.0, 4_294_967_295.0)).flag("--customers"),
    key("master_data.materials", "Number of materials.").range(whole(1.0, 4_294_967_295.0)),
    key("master_data.customers_abroad", "Share of customers in another country than their company's (0.25: about a quarter of sales abroad, as a wholesaler's).").range(real(0.0, 1.0)),
    key("master_data.employee_churn", "Share of employees who leave at the end of a month, each replaced from the next month (0.015: about 17% a year, near the published turnover of wholesale and office staff).").range(real(0.0, 1.0)),
    key("fx.foreign_currency_share", "Share of vendors, and of customers abroad, that invoice (or are invoiced) in their own country's currency (0.3); the others in the company's. Their documents are in that currency and booked at the day's rate of fx_rates, with realised exchange gains and losses on payment.").range(real(0.0, 1.0)),
    key("fx.volatility", "Yearly volatility of each exchange rate of fx_rates, 0 to 1 (0.08: near the major currencies' against the dollar); 0 keeps every rate at its anchor.").range(real(0.0, 1.0)),
    key("group.currency", "The currency the group reports in (ISO 4217, one the exchange rates know): report's consolidated trial balance translates each company into it; null = the first company's."),
    key("group.service_charge", "Each month's intercompany service charge, as a share of the buyer's monthly revenue (0.02); the seller invoices it in its own currency, the buyer books it a few working days later and pays it 30 days after the invoice, each side posting its half (table intercompany). 0 = none.").range(real(0.0, 0.2)),
    key("group.goods_trade", "Each month's trading goods a seller of group.intercompany ships its buyer, as a share of the buyer's monthly revenue (0.03), invoiced at the seller's standard cost plus 8% in its own currency: the seller's goods issue and invoice (accounts 501000 and 431000), the buyer's goods receipt a few working days later at its own standard cost (the difference on 505100), paid 30 days after the invoice (table intercompany, stock_movements). 0 = none.").range(real(0.0, 0.2)),
    key("group.loan_months", "What each seller of group.intercompany lends its buyer on the period's first working day, in months of the smaller company's revenue (1.0; at most 2, what the seller's cash spares), in the seller's currency; the buyer pays interest each month and holds the loan at each month end's rate (table intercompany, accounts 127000 and 207000). 0 = none.").range(real(0.0, 2.0)),
    key("group.loan_rate", "The yearly interest rate of the group's loans (0.045), paid on each month's last working day for the days since the last payment (actual/360).").range(real(0.0, 0.25)),
    key("group.intercompany", "Which company charges which, a list of {seller: CODE, buyer: CODE} of the run's companies; null = the first company charges each of the others."),
    key("documents.enabled", "Purchase orders, goods receipts, invoices, payments, sales orders, receipts."),
    key("graph.enabled", "Graph nodes (accounts, vendors, customers) and money-flow edges."),
    key("anomalies.enabled", "Labelled irregularities for training and testing detectors (false: clean books). Each is listed in the anomalies table and marked on journal_entries.is_anomaly.").flag("--no-anomalies"),
    key("anomalies.rate", "Share of business cases that carry one.").range(real(0.0, 0.5)).flag("--anomaly-rate"),
    key("anomalies.weights", "Relative weight of each type, 0 to 1e9 (0 leaves it out); see the anomalies page of the docs."),
    key("anomalies.difficulty", "How hard the anomalies are to tell from clean rows: easy (far from them: a one-line rule finds each, and nothing else), realistic or hard (closer, each type by its own measure, among clean look-alikes that the rule also flags); see the anomalies page of the docs.").flag("--difficulty"),
    key("anomalies.difficulty_by_type", "The level of single types, where it differs from anomalies.difficulty, e.g. {price_variance: hard}; null = the section's."),
    key("output.directory", "Where the files go; created if missing. \"-\" = standard output (the one table of output.tables, csv or jsonl, no manifest).").flag("--out"),
    key("output.format", "csv, jsonl, parquet or null (nothing written; for benchmarks).").flag("--format"),
    key("output.tables", "Only these tables, e.g. [journal_entries, journal_lines]; null = every table.").flag("--tables"),
    key("output.part_entries", "Journal entries per part. Each streaming table is written as one file per part (journal_lines/part-00000.csv, ...; a run of one part writes journal_lines.csv). The parts, and so the bytes, depend only on this number, never on threads or machines.").range(whole(1.0, 18_446_744_073_709_551_615.0)).flag("--part-entries"),
    key("output.threads", "Parts generated at once; null = the CPUs this process may use (affinity and cgroup CPU quota). Memory grows with it; the guard runs fewer under pressure.").range(whole(1.0, 1024.0)).flag("--threads"),
    key("output.shard", "Write only shard \"K/N\" of the dataset: the parts p with p % N == K (master tables in shard 0), with its own manifest (manifest.shard-K-of-N.json), so that N processes or machines can write one dataset, into one directory or several. null = all of it.").flag("--shard"),
    key("output.resume", "Continue the run whose manifest is in the directory: keep the whole parts whose checksums verify, remove .partial files, generate the rest.").flag("--resume"),
    key("output.batch_size", "Journal entries per batch (the unit of work between two memory checks).").range(whole(1.0, 10_000_000.0)),
    key("output.channel_capacity", "Batches in flight between the generator and the writer thread.").range(whole(1.0, 64.0)),
    key("output.compression", "Compression. Parquet: zstd, snappy or none (its pages). CSV and JSON Lines: zstd or gzip (the whole file: journal_lines.csv.zst, .csv.gz) or none. null = the format's default: zstd for Parquet, none for CSV and JSON Lines.").flag("--compression"),
    key("output.rotate_bytes", "Start a new file every this many bytes (CSV and JSONL, at least 1MiB); null = one file per table.").bytes(),
    key("output.overwrite", "Write an existing, non-empty directory (removing only the files an earlier run of this tool wrote).").flag("--overwrite"),
    key("output.buffer_bytes", "Bytes encoded per table before one write, by the tables that write most (one that writes little uses less, at least 256 KiB).").range(whole(262_144.0, 1_073_741_824.0)).bytes(),
    key("output.row_group_bytes", "Parquet row groups close once this many bytes of values (counted before encoding) went into them; a table holds its open group as compressed pages, about a quarter of this.").range(whole(65_536.0, 1_073_741_824.0)).bytes(),
    key("output.drop_page_cache_every", "Drop written pages from the page cache every this many bytes (0 or at least 1MiB), so the cache does not count against a container's memory. null = 64MiB when a cgroup limit is found, off otherwise; 0 = off.").bytes(),
    key("output.space_check", "Before writing, compare the expected bytes on disk with the free space of the output file system, and refuse a run that clearly cannot fit (exit 1). false = skip.").flag("--no-space-check"),
    key("output.parquet_uuid", "Parquet: annotate id columns UUID (DuckDB, Polars and pyarrow read them as UUIDs). false = the same 16 bytes with no annotation, which Spark reads as binary (Spark refuses the UUID annotation)."),
    key("server.health_addr", "Serve /health and /metrics during generation, e.g. \"127.0.0.1:9090\". null = off.").flag("--health-addr"),
];

/// The key at `path`, if declared.
pub fn key_at(path: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.path == path)
}

/// `text` as comment lines of at most about 88 characters, each starting with `indent`.
fn comment(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + 2 + line.len() + 1 + word.len() > 88 {
            let _ = writeln!(out, "{indent}# {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}# {line}");
    }
    out
}

/// The default value at `path` of the default config, as YAML (a scalar on the key's
/// line, or a block below it).
fn default_yaml(default: &serde_yaml::Value, path: &str) -> serde_yaml::Value {
    let mut v = default;
    for segment in path.split('.') {
        v = match v.get(segment) {
            Some(x) => x,
            None => return serde_yaml::Value::Null,
        };
    }
    v.clone()
}

/// The default config as YAML with every key's comment: the file `synthdata init`
/// writes; it reads back as [`Config::default`].
pub fn default_config_yaml() -> String {
    let default = serde_yaml::to_value(Config::default()).unwrap_or(serde_yaml::Value::Null);
    let mut out = String::from(HEADER);
    let mut section = "";
    for k in KEYS {
        let (s, name) = k.path.split_once('.').unwrap_or(("", k.path));
        if s != section {
            let _ = write!(out, "\n{s}:\n");
            section = s;
        }
        out += &comment(k.doc, "  ");
        let value = default_yaml(&default, k.path);
        let text = k.text(&value);
        match value {
            serde_yaml::Value::Mapping(_) | serde_yaml::Value::Sequence(_) => {
                let _ = writeln!(out, "  {name}:");
                for line in text.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            _ => {
                let _ = writeln!(out, "  {name}: {text}");
            }
        }
    }
    out
}

/// A bound as people read it: `1 to 1000`, `above 0.1, at most 10`.
fn bound_text(b: &Bound, k: &Key) -> String {
    let n = |x: f64| match x {
        x if x >= 1e15 => "any".to_string(),
        x if k.unit != Unit::Plain => k.text(&serde_yaml::Value::from(x as u64)),
        x if x == x.trunc() => format!("{x:.0}"),
        x => format!("{x}"),
    };
    match (b.min_open, b.max >= 1e15) {
        (true, _) => format!("above {}, at most {}", n(b.min), n(b.max)),
        (false, true) => format!("at least {}", n(b.min)),
        (false, false) => format!("{} to {}", n(b.min), n(b.max)),
    }
}

/// The docs' table of every key (Markdown): default, range, flag, meaning.
pub fn keys_markdown() -> String {
    let default = serde_yaml::to_value(Config::default()).unwrap_or(serde_yaml::Value::Null);
    let mut out =
        String::from("| key | default | range | flag | meaning |\n|---|---|---|---|---|\n");
    for k in KEYS {
        let value = default_yaml(&default, k.path);
        let text = match value {
            serde_yaml::Value::Mapping(_) | serde_yaml::Value::Sequence(_) => "(see `init`)".into(),
            v => k.text(&v),
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} |",
            k.path,
            text,
            k.range.as_ref().map_or(String::new(), |b| bound_text(b, k)),
            k.flag.map_or(String::new(), |f| format!("`{f}`")),
            k.doc.replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaf keys of a serialized config (lists and maps of a key are one key).
    fn leaves(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        match v.as_object() {
            Some(map) if prefix.matches('.').count() < 1 => {
                for (k, x) in map {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(x, &p, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn every_key_of_the_config_is_declared_once_and_in_order() {
        let value = serde_json::to_value(Config::default()).expect("serializes");
        let mut found = Vec::new();
        for (section, v) in value.as_object().expect("sections") {
            leaves(v, section, &mut found);
        }
        let declared: Vec<&str> = KEYS.iter().map(|k| k.path).collect();
        let mut sorted_found = found.clone();
        sorted_found.sort();
        let mut sorted_declared: Vec<String> = declared.iter().map(|s| s.to_string()).collect();
        sorted_declared.sort();
        assert_eq!(
            sorted_found, sorted_declared,
            "declared keys and the config differ"
        );
        sorted_declared.dedup();
        assert_eq!(sorted_declared.len(), KEYS.len(), "a key declared twice");
    }

    #[test]
    fn the_init_file_reads_back_as_the_default() {
        let text = default_config_yaml();
        assert_eq!(
            Config::from_yaml(&text, None).expect("parses"),
            Config::default()
        );
        for k in KEYS {
            let name = k.path.split_once('.').map_or(k.path, |(_, n)| n);
            assert!(text.contains(&format!("\n  {name}:")), "{} written", k.path);
        }
    }

    /// The default config (as JSON) with `path` set to `value`, read back; `None` when it does
    /// not deserialize.
    fn with(path: &str, value: f64, whole: bool) -> Option<Config> {
        // A small run, so that one entry per part stays within the most parts a run has.
        let mut base = Config::default();
        base.transactions.target_count = 1000;
        let mut v = serde_json::to_value(base).ok()?;
        let (section, name) = path.split_once('.')?;
        let number = match whole {
            true => serde_json::json!(value as u64),
            false => serde_json::json!(value),
        };
        v.get_mut(section)?
            .as_object_mut()?
            .insert(name.into(), number);
        serde_json::from_value(v).ok()
    }

    fn refused(c: &Config, path: &str) -> bool {
        c.problems().iter().any(|(p, _)| p == path)
    }

    #[test]
    fn every_declared_range_is_the_one_the_checks_enforce() {
        for k in KEYS {
            let Some(b) = k.range else { continue };
            let step = match b.whole {
                true => 1.0,
                false => (b.max.abs().max(1.0)) * 1e-6,
            };
            let limits = [b.max].into_iter().chain((!b.min_open).then_some(b.min));
            for inside in limits {
                let c = with(k.path, inside, b.whole).expect(k.path);
                assert!(!refused(&c, k.path), "{} = {inside} is refused", k.path);
            }
            let below = b.min - if b.min_open { 0.0 } else { step };
            if below >= 0.0 || !b.whole {
                let c = with(k.path, below, b.whole).expect(k.path);
                assert!(refused(&c, k.path), "{} = {below} is accepted", k.path);
            }
            let above = b.max + step;
            // Past a type's largest value the file would not even be read.
            let representable = above < 1.8e19 && !k.path.starts_with("master_data");
            if !b.whole || representable {
                let c = with(k.path, above, b.whole).expect(k.path);
                assert!(refused(&c, k.path), "{} = {above} is accepted", k.path);
            }
        }
    }
}
