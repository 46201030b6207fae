//! `open_sink`: the sink of a table for a format (the one place that knows every format).

use crate::behind::WriteBehind;
use crate::encoder::RowEncoder;
use crate::sink::{NullSink, Sink, TextSink};
use crate::{CsvEncoder, Format, JsonlEncoder, OutputDir, SinkError, SinkOptions};
use synth_model::Record;

/// Opens the sink of table `R::TABLE` in `dir` for `format`, writing on the calling thread.
pub fn open_sink<R: Record + Send + 'static>(
    dir: &OutputDir,
    format: Format,
    options: &SinkOptions,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    open_sink_with(dir, format, options, None)
}

/// Opens the sink of table `R::TABLE`; CSV and JSON Lines hand their full buffers to the
/// I/O thread behind `behind` when one is given (Parquet and null write as before).
pub fn open_sink_with<R: Record + Send + 'static>(
    dir: &OutputDir,
    format: Format,
    options: &SinkOptions,
    behind: Option<&WriteBehind>,
) -> Result<Box<dyn Sink<R>>, SinkError> {
    fn text<R: Record + Send + 'static, E: RowEncoder>(
        encoder: E,
        dir: &OutputDir,
        options: &SinkOptions,
        behind: Option<&WriteBehind>,
    ) -> Result<Box<dyn Sink<R>>, SinkError> {
        Ok(match behind {
            Some(q) => Box::new(TextSink::<R, E>::with_write_behind(
                encoder, dir, options, q,
            )?),
            None => Box::new(TextSink::<R, E>::new(encoder, dir, options)?),
        })
    }
    let compression = options.compression_for(format);
    if !compression.fits(format) {
        return Err(SinkError::CompressionUnavailable {
            format: format.name(),
            compression: compression.name(),
        });
    }
    Ok(match format {
        Format::Csv => text::<R, _>(CsvEncoder::default(), dir, options, behind)?,
        Format::Jsonl => text::<R, _>(JsonlEncoder::default(), dir, options, behind)?,
        Format::Null => Box::new(NullSink::<R>::default()),
        #[cfg(feature = "parquet")]
        Format::Parquet => Box::new(crate::parquet::ParquetSink::<R>::new(dir, options)?),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => return Err(SinkError::FormatUnavailable { format: "parquet" }),
    })
}
