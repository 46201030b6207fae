//! Streaming readers of a table's files in any of the formats, yielding only the
//! columns asked for, one row at a time, in a row that is reused (no allocation per row
//! for CSV once the row has grown).

use crate::ReportError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::{Field, Row as PqRow};
use std::cell::Cell as Shared;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use synth_model::Date;

/// The longest record of a text file read (a record of this tool is under 4 KiB): a
/// longer one is reported as damage, naming the file and the line, instead of being
/// buffered whole.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;
/// Bytes a text reader reads ahead of the record it parses.
const READ_AHEAD: usize = 64 << 10;

/// A file read through a count of the bytes since the last record began: past
/// [`MAX_RECORD_BYTES`] (plus the read-ahead) it fails instead of growing a buffer.
struct Capped {
    file: File,
    since_record: Rc<Shared<u64>>,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since_record.get() > MAX_RECORD_BYTES + READ_AHEAD as u64 {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let n = self.file.read(buf)?;
        self.since_record.set(self.since_record.get() + n as u64);
        Ok(n)
    }
}

/// The error a [`Capped`] reader fails with.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record longer than {MAX_RECORD_BYTES} bytes")
    }
}

impl std::error::Error for RecordTooLong {}

/// One value as a file held it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Missing or null.
    Null,
    /// Text (CSV fields are all text; other formats' strings).
    Text(String),
    /// An integer.
    Int(i64),
    /// A number (JSON money).
    Num(f64),
    /// Money in minor units (Parquet decimals).
    Cents(i64),
    /// Days since 1970-01-01 (Parquet dates).
    Days(i32),
    /// Microseconds since the epoch (Parquet timestamps).
    Micros(i64),
    /// A 128-bit id (Parquet UUIDs).
    Id(u128),
    /// True or false.
    Bool(bool),
}

/// The asked-for columns of one row, in the order they were asked for.
#[derive(Debug, Default)]
pub struct Row {
    cells: Vec<Cell>,
}

/// Parses `YYYY-MM-DD` at the start of `s`.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    Date::from_ymd(y, m, d)
}

/// Parses a UUID's 32 hex digits, dashes anywhere.
pub(crate) fn parse_id(s: &str) -> Option<u128> {
    let mut v: u128 = 0;
    let mut n = 0;
    for c in s.bytes() {
        if c == b'-' {
            continue;
        }
        v = v << 4 | u128::from((c as char).to_digit(16)?);
        n += 1;
    }
    (n == 32).then_some(v)
}

/// Parses `-1234.56` (any number of decimals, rounded to cents).
fn parse_cents(s: &str) -> Option<i64> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut f = 0i64;
    for (k, c) in frac.bytes().take(2).enumerate() {
        let digit = i64::from((c as char).to_digit(10)?);
        f += digit * if k == 0 { 10 } else { 1 };
    }
    let v = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -v } else { v })
}

impl Row {
    fn cell(&self, i: usize) -> &Cell {
        self.cells.get(i).unwrap_or(&Cell::Null)
    }

    /// Column `i` as text (null or not text: `None`).
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.cell(i) {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Column `i` as an id.
    pub fn id(&self, i: usize) -> Option<u128> {
        match self.cell(i) {
            Cell::Id(v) => Some(*v),
            Cell::Text(s) => parse_id(s),
            _ => None,
        }
    }

    /// Column `i` as money in minor units.
    pub fn cents(&self, i: usize) -> Option<i64> {
        match self.cell(i) {
            Cell::Cents(v) | Cell::Int(v) => Some(*v),
            Cell::Num(x) => Some((x * 100.0).round() as i64),
            Cell::Text(s) => parse_cents(s),
            _ => None,
        }
    }

    /// Column `i` as an exchange rate (a Parquet decimal of eight places, a JSON
    /// number, or text).
    pub fn rate(&self, i: usize) -> Option<f64> {
        match self.cell(i) {
            Cell::Cents(v) => Some(*v as f64 / 1e8),
            Cell::Int(v) => Some(*v as f64),
            Cell::Num(x) => Some(*x),
            Cell::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Column `i` as an integer.
    pub fn int(&self, i: usize) -> Option<i64> {
        match self.cell(i) {
            Cell::Int(v) => Some(*v),
            Cell::Num(x) => Some(*x as i64),
            Cell::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Whether column `i` is null (an empty CSV field, a JSON null, a Parquet null).
    pub fn is_null(&self, i: usize) -> bool {
        matches!(self.cell(i), Cell::Null)
    }

    /// Column `i` as a boolean.
    pub fn boolean(&self, i: usize) -> Option<bool> {
        match self.cell(i) {
            Cell::Bool(b) => Some(*b),
            Cell::Text(s) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Column `i` as a date (a timestamp's date).
    pub fn date(&self, i: usize) -> Option<Date> {
        match self.cell(i) {
            Cell::Days(d) => Some(Date(*d)),
            Cell::Micros(us) => Some(Date(us.div_euclid(86_400_000_000) as i32)),
            Cell::Text(s) => parse_date(s),
            _ => None,
        }
    }

    /// Column `i` (a timestamp) as its hour of day.
    pub fn hour(&self, i: usize) -> Option<u32> {
        match self.cell(i) {
            Cell::Micros(us) => Some((us.div_euclid(3_600_000_000) % 24) as u32),
            Cell::Text(s) => s.get(11..13)?.parse().ok(),
            _ => None,
        }
    }

    /// Column `i` (a timestamp) as seconds since its midnight.
    pub fn seconds_of_day(&self, i: usize) -> Option<u32> {
        match self.cell(i) {
            Cell::Micros(us) => Some((us.div_euclid(1_000_000) % 86_400) as u32),
            Cell::Text(s) => {
                let part = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
                Some(part(11..13)? * 3600 + part(14..16)? * 60 + part(17..19)?)
            }
            _ => None,
        }
    }

    fn set_text(&mut self, i: usize, s: &str) {
        if s.is_empty() {
            self.cells[i] = Cell::Null;
            return;
        }
        match &mut self.cells[i] {
            Cell::Text(t) => {
                t.clear();
                t.push_str(s);
            }
            other => *other = Cell::Text(s.to_string()),
        }
    }
}

enum Source {
    Csv {
        reader: csv::Reader<Capped>,
        record: csv::StringRecord,
        map: Vec<Option<usize>>,
    },
    Jsonl {
        reader: BufReader<Capped>,
        line: String,
    },
    Parquet {
        rows: RowIter<'static>,
        map: Option<Vec<Option<usize>>>,
    },
}

/// The rows of one table, file after file (a table of many parts is read in part order).
pub struct TableRows {
    table: String,
    format: String,
    columns: Vec<String>,
    files: Vec<PathBuf>,
    next_file: usize,
    current: Option<(PathBuf, Source)>,
    /// Bytes read from the current text file since its current record began.
    since_record: Rc<Shared<u64>>,
    /// Records read from the current file.
    in_file: u64,
    row: Row,
    /// Rows read so far.
    pub rows: u64,
}

impl TableRows {
    /// Reads `files` (in this order) of `table`, written as `format`, for `columns`.
    pub fn new(table: &str, format: &str, files: Vec<PathBuf>, columns: &[&str]) -> Self {
        Self {
            table: table.to_string(),
            format: format.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            files,
            next_file: 0,
            current: None,
            since_record: Rc::new(Shared::new(0)),
            in_file: 0,
            row: Row {
                cells: vec![Cell::Null; columns.len()],
            },
            rows: 0,
        }
    }

    fn damaged(&self, path: &Path, what: impl std::fmt::Display) -> ReportError {
        ReportError::Damaged {
            path: path.to_path_buf(),
            table: self.table.clone(),
            reason: what.to_string(),
        }
    }

    fn open(&self, path: &Path) -> Result<Source, ReportError> {
        // A link, a FIFO or a device is refused without blocking on it.
        let file = synth_sinks::open_regular(path).map_err(|e| self.damaged(path, e))?;
        self.since_record.set(0);
        let capped = |file| Capped {
            file,
            since_record: Rc::clone(&self.since_record),
        };
        match self.format.as_str() {
            "csv" => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .buffer_capacity(READ_AHEAD)
                    .from_reader(capped(file));
                let headers = reader
                    .headers()
                    .map_err(|e| self.damaged(path, format!("unreadable header: {e}")))?
                    .clone();
                let map = self
                    .columns
                    .iter()
                    .map(|c| headers.iter().position(|h| h == c))
                    .collect();
                Ok(Source::Csv {
                    reader,
                    record: csv::StringRecord::new(),
                    map,
                })
            }
            "jsonl" => Ok(Source::Jsonl {
                reader: BufReader::with_capacity(READ_AHEAD, capped(file)),
                line: String::new(),
            }),
            "parquet" => {
                let reader = SerializedFileReader::new(file)
                    .map_err(|e| self.damaged(path, format!("not a readable Parquet file: {e}")))?;
                let schema = reader.metadata().file_metadata().schema();
                let fields: Vec<_> = schema
                    .get_fields()
                    .iter()
                    .filter(|f| self.columns.iter().any(|c| c == f.name()))
                    .cloned()
                    .collect();
                let projection = parquet::schema::types::Type::group_type_builder(schema.name())
                    .with_fields(fields)
                    .build()
                    .map_err(|e| self.damaged(path, e))?;
                let boxed: Box<dyn FileReader> = Box::new(reader);
                let rows = RowIter::from_file_into(boxed)
                    .project(Some(projection))
                    .map_err(|e| self.damaged(path, e))?;
                Ok(Source::Parquet { rows, map: None })
            }
            other => Err(ReportError::Format(other.to_string())),
        }
    }

    /// The next row, or `None` after the last file's last row.
    pub fn next_row(&mut self) -> Result<Option<&Row>, ReportError> {
        loop {
            if self.current.is_none() {
                let Some(path) = self.files.get(self.next_file).cloned() else {
                    return Ok(None);
                };
                self.next_file += 1;
                let source = self.open(&path)?;
                self.in_file = 0;
                self.current = Some((path, source));
            }
            let got = match self.read_one() {
                Err(_) if self.since_record.get() > MAX_RECORD_BYTES => {
                    let path = self.current.as_ref().map(|(p, _)| p.clone());
                    let record = self.in_file + 1;
                    // CSV has its header on line 1.
                    let line = record + u64::from(self.format == "csv");
                    return Err(self.damaged(
                        &path.unwrap_or_default(),
                        format!(
                            "record {record} (line {line}) is longer than {MAX_RECORD_BYTES} bytes, more than a record this tool writes"
                        ),
                    ));
                }
                other => other?,
            };
            // What was read ahead belongs to the next record.
            self.since_record.set(READ_AHEAD as u64);
            if got {
                self.rows += 1;
                self.in_file += 1;
                return Ok(Some(&self.row));
            }
            self.current = None;
        }
    }

    /// Reads one row of the current file into `self.row`; false at its end.
    fn read_one(&mut self) -> Result<bool, ReportError> {
        let Some((path, source)) = &mut self.current else {
            return Ok(false);
        };

        let path = path.clone();
        match source {
            Source::Csv {
                reader,
                record,
                map,
            } => {
                let more = reader
                    .read_record(record)
                    .map_err(|e| damaged(&self.table, &path, format!("unreadable row: {e}")))?;
                if !more {
                    return Ok(false);
                }
                for (k, m) in map.iter().enumerate() {
                    match m.and_then(|i| record.get(i)) {
                        Some(v) => self.row.set_text(k, v),
                        None => self.row.cells[k] = Cell::Null,
                    }
                }
                Ok(true)
            }
            Source::Jsonl { reader, line } => {
                line.clear();
                let n = reader.read_line(line).map_err(|e| ReportError::Io {
                    path: path.clone(),
                    source: e,
                })?;
                if n == 0 {
                    return Ok(false);
                }
                let value: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(line.trim_end()).map_err(|e| {
                        damaged(&self.table, &path, format!("unreadable JSON line: {e}"))
                    })?;
                for (k, c) in self.columns.iter().enumerate() {
                    self.row.cells[k] = match value.get(c) {
                        None | Some(serde_json::Value::Null) => Cell::Null,
                        Some(serde_json::Value::Bool(b)) => Cell::Bool(*b),
                        Some(serde_json::Value::Number(x)) => match x.as_i64() {
                            Some(i) => Cell::Int(i),
                            None => Cell::Num(x.as_f64().unwrap_or(0.0)),
                        },
                        Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
                        Some(other) => Cell::Text(other.to_string()),
                    };
                }
                Ok(true)
            }
            Source::Parquet { rows, map } => {
                let Some(row) = rows.next() else {
                    return Ok(false);
                };
                let row: PqRow =
                    row.map_err(|e| damaged(&self.table, &path, format!("unreadable row: {e}")))?;
                let columns = &self.columns;
                let map = map.get_or_insert_with(|| {
                    let names: Vec<&String> = row.get_column_iter().map(|(n, _)| n).collect();
                    columns
                        .iter()
                        .map(|c| names.iter().position(|n| *n == c))
                        .collect()
                });
                for cell in &mut self.row.cells {
                    *cell = Cell::Null;
                }
                for (j, (_, f)) in row.get_column_iter().enumerate() {
                    let Some(k) = map.iter().position(|m| *m == Some(j)) else {
                        continue;
                    };
                    self.row.cells[k] = match f {
                        Field::Null => Cell::Null,
                        Field::Bool(b) => Cell::Bool(*b),
                        Field::Long(v) => Cell::Int(*v),
                        Field::Int(v) => Cell::Int(i64::from(*v)),
                        Field::Str(s) => Cell::Text(s.clone()),
                        Field::Date(d) => Cell::Days(*d),
                        Field::TimestampMicros(us) => Cell::Micros(*us),
                        Field::Decimal(d) => Cell::Cents(match <[u8; 8]>::try_from(d.data()) {
                            Ok(b) => i64::from_be_bytes(b),
                            Err(_) => 0,
                        }),
                        Field::Bytes(b) => match <[u8; 16]>::try_from(b.data()) {
                            Ok(b) => Cell::Id(u128::from_be_bytes(b)),
                            Err(_) => Cell::Null,
                        },
                        _ => Cell::Null,
                    };
                }
                Ok(true)
            }
        }
    }
}

fn damaged(table: &str, path: &Path, reason: String) -> ReportError {
    ReportError::Damaged {
        path: path.to_path_buf(),
        table: table.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_text_forms() {
        assert_eq!(parse_cents("-1234.5"), Some(-123_450));
        assert_eq!(parse_cents("0.07"), Some(7));
        assert_eq!(parse_cents("12"), Some(1200));
        assert_eq!(parse_cents("x"), None);
        assert_eq!(parse_date("2024-02-29"), Date::from_ymd(2024, 2, 29));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_id("00000000-0000-0000-0000-0000000000ff"), Some(255));
        assert_eq!(parse_id("ff"), None);
    }
}
