//! The hand-encoded pages against parquet-rs's own Arrow writer: the same rows of every
//! table written both ways, read back with parquet-rs's Arrow reader, must give equal
//! columns, and equal column statistics (min, max, null count; ids have none in ours).

use arrow_array::RecordBatch;
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::reader::{FileReader, SerializedFileReader};
use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{ColumnType, Record, Table, TableVisitor};
use synth_parquet::{Codec, TableWriter};

/// The table through the hand-encoded pages, in one row group.
fn ours<R: Record>(rows: &[R]) -> Bytes {
    let mut w =
        TableWriter::<R, Vec<u8>>::new(Vec::new(), Codec::Zstd, 1 << 30, "test").expect("starts");
    for chunk in rows.chunks(777) {
        w.write(chunk).expect("writes");
    }
    Bytes::from(w.finish().expect("finishes").0)
}

/// The table through parquet-rs's Arrow writer, in one row group.
fn theirs(batch: &RecordBatch) -> Bytes {
    let props = WriterProperties::builder()
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_statistics_truncate_length(Some(64))
        .set_max_row_group_row_count(None)
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("starts");
    w.write(batch).expect("writes");
    w.close().expect("closes");
    Bytes::from(out)
}

/// The file's rows as one batch (`rows` of them), or `None` when it has none.
fn read_back(file: &Bytes, rows: usize) -> Option<RecordBatch> {
    let mut batches = ParquetRecordBatchReaderBuilder::try_new(file.clone())
        .expect("a Parquet file")
        .with_batch_size(rows.max(1))
        .build()
        .expect("a reader")
        .collect::<Result<Vec<_>, _>>()
        .expect("reads");
    assert!(batches.len() <= 1, "one batch");
    batches.pop()
}

/// Compares one table both ways.
struct Differential {
    tables: usize,
    rows: usize,
}

impl TableVisitor for Differential {
    type Error = std::convert::Infallible;

    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), Self::Error> {
        let name = table.name();
        let batch = synth_arrow::record_batch(rows, synth_arrow::Ids::Binary).expect("a batch");
        let (a, b) = (ours(rows), theirs(&batch));
        let none = || batch.slice(0, 0);
        let ca = read_back(&a, rows.len()).unwrap_or_else(none);
        let cb = read_back(&b, rows.len()).unwrap_or_else(none);
        assert_eq!(ca.num_rows(), rows.len(), "{name}: rows");
        for (k, c) in R::SCHEMA.iter().enumerate() {
            assert_eq!(
                ca.column(k).as_ref(),
                cb.column(k).as_ref(),
                "{name}.{}: values",
                c.name
            );
            assert_eq!(
                ca.column(k).as_ref(),
                batch.column(k).as_ref(),
                "{name}.{}: values as written",
                c.name
            );
        }
        // Column statistics of the one row group.
        let (fa, fb) = (
            SerializedFileReader::new(a).expect("ours"),
            SerializedFileReader::new(b).expect("theirs"),
        );
        if !rows.is_empty() {
            let (ga, gb) = (fa.metadata().row_group(0), fb.metadata().row_group(0));
            for (k, c) in R::SCHEMA.iter().enumerate() {
                let (sa, sb) = (ga.column(k).statistics(), gb.column(k).statistics());
                if c.ty == ColumnType::Id {
                    assert!(sa.is_none(), "{name}.{}: ids carry no statistics", c.name);
                    continue;
                }
                let (sa, sb) = (
                    sa.expect("ours has statistics"),
                    sb.expect("theirs has statistics"),
                );
                if sa.null_count_opt().unwrap_or(0) < rows.len() as u64 {
                    assert!(sa.min_bytes_opt().is_some(), "{name}.{}: a min", c.name);
                }
                assert_eq!(
                    sa.min_bytes_opt(),
                    sb.min_bytes_opt(),
                    "{name}.{}: min",
                    c.name
                );
                assert_eq!(
                    sa.max_bytes_opt(),
                    sb.max_bytes_opt(),
                    "{name}.{}: max",
                    c.name
                );
                assert_eq!(
                    sa.null_count_opt().unwrap_or(0),
                    sb.null_count_opt().unwrap_or(0),
                    "{name}.{}: nulls",
                    c.name
                );
            }
        }
        self.tables += 1;
        self.rows += rows.len();
        Ok(())
    }
}

#[test]
fn every_table_reads_back_as_parquet_rs_writes_it_values_and_statistics() {
    let g = JournalGenerator::new(GeneratorConfig::default()).expect("valid");
    let batch = g.generate_range(0..20_000).expect("valid range");
    let mut d = Differential { tables: 0, rows: 0 };
    g.master_data().visit(&mut d).expect("master tables");
    batch.visit(&mut d).expect("streaming tables");
    assert_eq!(d.tables, Table::COUNT, "every table");
    assert!(d.rows > 100_000, "{} rows", d.rows);
}
