//! The Parquet sink: one table into `TABLE.parquet` (or a part's file) through
//! `synth-parquet`'s [`TableWriter`], written atomically and reported like every file.

use crate::file::AtomicFile;
use crate::{
    Compression, FileReport, Format, OutputDir, PARTIAL_SUFFIX, Sink, SinkError, SinkOptions,
    TableReport, table_report,
};
use std::io::BufWriter;
use std::path::PathBuf;
use synth_model::Record;
use synth_parquet::{Codec, TableWriter, WriteError};

/// Write buffer in front of the file: appended column chunks arrive in 8 KiB pieces.
const FILE_BUFFER_BYTES: usize = 256 << 10;

/// Writes one table to `TABLE.parquet`.
pub struct ParquetSink<R: Record> {
    writer: Option<TableWriter<R, BufWriter<AtomicFile>>>,
    path: PathBuf,
    /// The file's path inside the output directory, as the manifest lists it.
    relative: String,
}

impl<R: Record> ParquetSink<R> {
    /// Creates `dir/TABLE.parquet.partial` and writes its header.
    pub fn new(dir: &OutputDir, options: &SinkOptions) -> Result<Self, SinkError> {
        let (dir, stem) = options.place(dir, R::TABLE)?;
        let name = format!("{stem}.parquet");
        let path = dir.path().join(&name);
        let relative = dir.relative(&name);
        let compression = options.compression_for(Format::Parquet);
        let codec = match compression {
            Compression::Zstd => Codec::Zstd,
            Compression::Snappy => Codec::Snappy,
            Compression::None => Codec::None,
            Compression::Gzip => {
                return Err(SinkError::CompressionUnavailable {
                    format: "parquet",
                    compression: compression.name(),
                });
            }
        };
        let file = AtomicFile::create(&dir, name, options.drop_page_cache_every)?;
        let writer = TableWriter::with_ids(
            BufWriter::with_capacity(FILE_BUFFER_BYTES, file),
            codec,
            options.row_group_bytes,
            &format!("synthdata {}", env!("CARGO_PKG_VERSION")),
            options.parquet_uuid,
        )
        .map_err(|e| error(&path, e))?;
        Ok(Self {
            writer: Some(writer),
            path,
            relative,
        })
    }
}

/// A writer's error as the sink reports it: a full disk underneath keeps its meaning.
fn error(path: &std::path::Path, e: WriteError) -> SinkError {
    if let WriteError::Parquet(parquet::errors::ParquetError::External(inner)) = &e
        && let Some(full) = inner.downcast_ref::<std::io::Error>().and_then(disk_full)
    {
        return full;
    }
    match e {
        WriteError::ValueMismatch { table, column } => SinkError::ValueMismatch { table, column },
        other => SinkError::Parquet {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    }
}

/// A full disk under the Parquet writer, as the file reported it.
fn disk_full(io: &std::io::Error) -> Option<SinkError> {
    match io.get_ref().and_then(|e| e.downcast_ref::<SinkError>()) {
        Some(SinkError::DiskFull { path }) => Some(SinkError::DiskFull { path: path.clone() }),
        _ => None,
    }
}

impl<R: Record> Sink<R> for ParquetSink<R> {
    fn write_batch(&mut self, records: &[R]) -> Result<(), SinkError> {
        match self.writer.as_mut() {
            Some(w) => w.write(records).map_err(|e| error(&self.path, e)),
            None => Ok(()),
        }
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        match self.writer.as_mut() {
            Some(w) => w.close_group().map_err(|e| error(&self.path, e)),
            None => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        self.writer.as_ref().map_or(0, TableWriter::rows)
    }

    fn buffered_bytes(&self) -> usize {
        self.writer.as_ref().map_or(0, TableWriter::held_bytes)
    }

    fn finish(mut self: Box<Self>) -> Result<TableReport, SinkError> {
        let Some(writer) = self.writer.take() else {
            return Ok(table_report(R::TABLE, Vec::new()));
        };
        let (buffered, rows) = writer.finish().map_err(|e| error(&self.path, e))?;
        let file = buffered.into_inner().map_err(|e| {
            disk_full(e.error()).unwrap_or_else(|| SinkError::Parquet {
                path: self.path.clone(),
                message: e.error().to_string(),
            })
        })?;
        Ok(table_report(R::TABLE, vec![file.finish(rows)?]))
    }

    fn abandon(mut self: Box<Self>) -> TableReport {
        // The footer is not written, so the `.partial` file is not a readable Parquet
        // file; the report says how many rows had been accepted.
        let bytes = self.writer.take().map_or(0, |w| w.bytes_written() as u64);
        table_report(
            R::TABLE,
            vec![FileReport {
                path: format!("{}{PARTIAL_SUFFIX}", self.relative),
                rows: 0,
                bytes,
                xxh3: String::new(),
                part: None,
            }],
        )
    }
}
