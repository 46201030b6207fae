//! The hand-encoded pages against parquet-rs's Arrow writer (as tpchgen-cli writes
//! Parquet), end to end, in one run: the same rows of every streaming table, the same
//! codec (zstd level 1), chunk statistics; the Arrow side includes building the record
//! batches from the records, as a generator feeding it would. Runs alternate, five of
//! each; the median is reported.
//!
//! `cargo run --release -p synth-parquet --example writers [ENTRIES]` (default 200 000).

use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::time::{Duration, Instant};
use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{Record, Table, TableVisitor};
use synth_parquet::{Codec, TableWriter};

/// Rows a table is handed over in, as a part's batches are.
const BATCH_ROWS: usize = 4096;

/// Writes every table it visits with one writer, adding up bytes and rows.
struct Write {
    arrow: bool,
    bytes: usize,
    rows: usize,
}

impl TableVisitor for Write {
    type Error = Box<dyn std::error::Error>;

    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        _table: Table,
        rows: &[R],
    ) -> Result<(), Self::Error> {
        let out = if self.arrow {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
                .set_statistics_enabled(EnabledStatistics::Chunk)
                .set_max_row_group_bytes(Some(16 << 20))
                .build();
            let first = synth_arrow::record_batch(&rows[..0], synth_arrow::Ids::Binary)?;
            let mut w = ArrowWriter::try_new(Vec::new(), first.schema(), Some(props))?;
            for chunk in rows.chunks(BATCH_ROWS) {
                w.write(&synth_arrow::record_batch(chunk, synth_arrow::Ids::Binary)?)?;
            }
            w.into_inner()?
        } else {
            let mut w = TableWriter::<R, Vec<u8>>::new(Vec::new(), Codec::Zstd, 16 << 20, "x")?;
            for chunk in rows.chunks(BATCH_ROWS) {
                w.write(chunk)?;
            }
            w.finish()?.0
        };
        self.bytes += out.len();
        self.rows += rows.len();
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let entries: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 200_000,
    };
    let g = JournalGenerator::new(GeneratorConfig::default())?;
    let batch = g.generate_range(0..entries)?;
    let mut times = [Vec::new(), Vec::new()];
    let mut sizes = [0, 0];
    let mut rows = 0;
    for _ in 0..5 {
        for (k, arrow) in [false, true].into_iter().enumerate() {
            let mut w = Write {
                arrow,
                bytes: 0,
                rows: 0,
            };
            let started = Instant::now();
            batch.visit(&mut w)?;
            times[k].push(started.elapsed());
            sizes[k] = w.bytes;
            rows = w.rows;
        }
    }
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        t[t.len() / 2]
    };
    let (hand, arrow) = (median(&mut times[0]), median(&mut times[1]));
    println!("{entries} entries, {rows} rows of the streaming tables, zstd level 1, median of 5:");
    for (name, t, bytes) in [
        ("hand pages", hand, sizes[0]),
        ("Arrow writer", arrow, sizes[1]),
    ] {
        println!(
            "  {name:<12} {:>7.3} s  {:>6.2} M rows/s  {:>6.1} MiB",
            t.as_secs_f64(),
            rows as f64 / t.as_secs_f64() / 1e6,
            bytes as f64 / (1 << 20) as f64
        );
    }
    println!(
        "  hand pages are {:.2}x as fast end to end",
        arrow.as_secs_f64() / hand.as_secs_f64()
    );
    Ok(())
}
