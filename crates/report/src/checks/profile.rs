//! A profile of every column of every table, as data profilers give one: its type, how
//! many values are null, an estimate of how many are distinct (HyperLogLog, 1 KiB a
//! column), the smallest and largest value, and a small distribution (numbers by decade,
//! dates by month of year, booleans true and false). The first `PROFILE_ROWS` rows of
//! each table are profiled, so the report stays fast on billions of rows; the count read
//! says how many.

use super::Reader;
use crate::{ColumnProfile, ReportError, TableProfile};
use synth_model::{ColumnType, Date, Table};

/// Rows of each table profiled at most.
pub(crate) const PROFILE_ROWS: u64 = 1_000_000;

/// HyperLogLog registers per column (2^10: about 3% standard error).
const REGISTERS: usize = 1 << 10;

/// A HyperLogLog sketch of the distinct values of a column.
struct Sketch([u8; REGISTERS]);

impl Sketch {
    fn add(&mut self, hash: u64) {
        let index = (hash >> 54) as usize;
        let rank = ((hash << 10) | (1 << 9)).leading_zeros() as u8 + 1;
        self.0[index] = self.0[index].max(rank);
    }

    /// The estimate of distinct values (linear counting while registers are empty).
    fn estimate(&self) -> u64 {
        let m = REGISTERS as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self.0.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
        let raw = alpha * m * m / sum;
        let zeros = self.0.iter().filter(|&&r| r == 0).count();
        if raw <= 2.5 * m && zeros > 0 {
            (m * (m / zeros as f64).ln()).round() as u64
        } else {
            raw.round() as u64
        }
    }
}

/// A column's running profile.
struct Running {
    ty: ColumnType,
    nulls: u64,
    values: u64,
    sketch: Sketch,
    min: Option<Value>,
    max: Option<Value>,
    bins: Vec<u64>,
}

/// A value that orders as its type does.
#[derive(Clone, PartialEq, PartialOrd)]
enum Value {
    Num(i64),
    Day(i32),
    Text(String),
}

impl Running {
    fn new(ty: ColumnType) -> Self {
        let bins = match ty {
            ColumnType::Int | ColumnType::Money => 12,
            ColumnType::Date | ColumnType::Timestamp => 12,
            ColumnType::Bool => 2,
            ColumnType::Id | ColumnType::Text | ColumnType::Rate => 0,
        };
        Self {
            ty,
            nulls: 0,
            values: 0,
            sketch: Sketch([0; REGISTERS]),
            min: None,
            max: None,
            bins: vec![0; bins],
        }
    }

    fn see(&mut self, v: Value, hash: u64) {
        self.values += 1;
        self.sketch.add(hash);
        if self.min.as_ref().is_none_or(|m| v < *m) {
            self.min = Some(v.clone());
        }
        if self.max.as_ref().is_none_or(|m| v > *m) {
            self.max = Some(v);
        }
    }

    fn finish(self, name: &str) -> ColumnProfile {
        let show = |v: Option<Value>, ty: ColumnType| match v {
            None => None,
            Some(Value::Num(n)) if ty == ColumnType::Money => Some(format!(
                "{}{}.{:02}",
                if n < 0 { "-" } else { "" },
                n.abs() / 100,
                n.abs() % 100
            )),
            Some(Value::Num(n)) => Some(n.to_string()),
            Some(Value::Day(d)) => {
                let (y, m, d) = Date(d).ymd();
                Some(format!("{y:04}-{m:02}-{d:02}"))
            }
            Some(Value::Text(t)) => Some(t),
        };
        ColumnProfile {
            column: name.to_string(),
            kind: self.ty.name(),
            nulls: self.nulls,
            distinct: self.sketch.estimate().min(self.values),
            min: show(self.min, self.ty),
            max: show(self.max, self.ty),
            distribution: self.bins,
        }
    }
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The decade of `n` (0 for |n| < 10, 1 for < 100, ...), at most `last`.
fn decade(n: i64, last: usize) -> usize {
    (n.unsigned_abs().max(1).ilog10() as usize).min(last)
}

/// Profiles the first [`PROFILE_ROWS`] rows of every table the manifest lists.
pub(crate) fn profile(r: &mut Reader<'_>) -> Result<Vec<TableProfile>, ReportError> {
    let names: Vec<String> = r.manifest.tables.iter().map(|t| t.table.clone()).collect();
    let mut out = Vec::new();
    for name in names {
        let Some(table) = Table::from_name(&name) else {
            continue;
        };
        let schema = table.schema();
        let columns: Vec<&str> = schema.iter().map(|c| c.name).collect();
        let mut cols: Vec<Running> = schema.iter().map(|c| Running::new(c.ty)).collect();
        let mut rows = r.table(&name, &columns);
        let mut read = 0u64;
        while read < PROFILE_ROWS {
            let Some(row) = rows.next_row()? else { break };
            read += 1;
            for (i, c) in cols.iter_mut().enumerate() {
                if row.is_null(i) {
                    c.nulls += 1;
                    continue;
                }
                match c.ty {
                    ColumnType::Id => {
                        if let Some(id) = row.id(i) {
                            c.values += 1;
                            c.sketch.add(hash(&id.to_le_bytes()));
                        }
                    }
                    ColumnType::Int | ColumnType::Money => {
                        let n = match c.ty {
                            ColumnType::Money => row.cents(i),
                            _ => row.int(i),
                        };
                        if let Some(n) = n {
                            let last = c.bins.len() - 1;
                            c.bins[decade(n, last)] += 1;
                            c.see(Value::Num(n), hash(&n.to_le_bytes()));
                        }
                    }
                    ColumnType::Date | ColumnType::Timestamp => {
                        if let Some(d) = row.date(i) {
                            c.bins[d.ymd().1 as usize - 1] += 1;
                            let h = match row.text(i) {
                                Some(t) => hash(t.as_bytes()),
                                None => hash(&d.0.to_le_bytes()),
                            };
                            c.see(Value::Day(d.0), h);
                        }
                    }
                    // Rates are counted, not profiled (the profile reads money as cents).
                    ColumnType::Rate => c.values += 1,
                    ColumnType::Bool => {
                        if let Some(b) = row.boolean(i) {
                            c.bins[usize::from(b)] += 1;
                            c.values += 1;
                            c.sketch.add(hash(&[u8::from(b)]));
                        }
                    }
                    ColumnType::Text => {
                        if let Some(t) = row.text(i) {
                            c.values += 1;
                            c.sketch.add(hash(t.as_bytes()));
                            // Text is copied only when it is a new smallest or largest.
                            let below = |m: &Value| matches!(m, Value::Text(x) if t < x.as_str());
                            let above = |m: &Value| matches!(m, Value::Text(x) if t > x.as_str());
                            if c.min.as_ref().is_none_or(below) {
                                c.min = Some(Value::Text(t.to_string()));
                            }
                            if c.max.as_ref().is_none_or(above) {
                                c.max = Some(Value::Text(t.to_string()));
                            }
                        }
                    }
                }
            }
            r.tick()?;
        }
        out.push(TableProfile {
            table: name,
            rows_profiled: read,
            columns: cols
                .into_iter()
                .zip(&columns)
                .map(|(c, n)| c.finish(n))
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sketch_counts_distinct_values_within_a_few_percent() {
        for n in [10u64, 1_000, 100_000] {
            let mut s = Sketch([0; REGISTERS]);
            for i in 0..n {
                for _ in 0..3 {
                    s.add(hash(&i.to_le_bytes()));
                }
            }
            let e = s.estimate() as f64;
            assert!((e / n as f64 - 1.0).abs() < 0.1, "{n}: {e}");
        }
    }
}
