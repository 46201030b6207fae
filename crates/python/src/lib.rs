//! The native half of the Python package `synthdata` (`synthdata._native`): a thin face
//! over the Rust crates, no subprocess. Configs are validated by the runtime with the
//! CLI's messages and handed to Python as their canonical YAML text (so a config pickles
//! to a Spark or Dask worker as a string); a part of a table is a `TableStream` that
//! generates its rows batch by batch when a consumer pulls them through the Arrow C
//! stream interface (`__arrow_c_stream__`) or Python iteration; a whole run is the
//! orchestrator's, Ctrl-C included.
//!
//! The exceptions are the Python classes of `synthdata._errors`, raised from here.

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, RecordBatch, RecordBatchReader, StructArray};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyStopIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyTuple};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use synth_arrow::{Ids, PartReader, SharedPart};
use synth_runtime::{
    Config, Error, GenerationOrchestrator, JournalGenerator, MAX_CONFIG_BYTES, Overrides, Table,
    format_bytes,
};

/// An instance of the exception class `name` of `synthdata._errors`, with `message`.
fn raise(py: Python<'_>, name: &str, message: String) -> PyErr {
    match py
        .import("synthdata._errors")
        .and_then(|m| m.getattr(name))
        .and_then(|class| class.call1((message.clone(),)))
    {
        Ok(e) => PyErr::from_value(e),
        Err(_) => PyValueError::new_err(message),
    }
}

/// A runtime error as the Python exception of its kind.
fn run_error(py: Python<'_>, e: &Error) -> PyErr {
    let class = match e {
        Error::Config(_) | Error::Resume { .. } => "ConfigError",
        Error::MemoryExceeded { .. } => "MemoryLimitError",
        Error::Interrupted { .. } => "Interrupted",
        _ => "RunError",
    };
    raise(py, class, e.to_string())
}

/// Sets `value` at the dotted `path` of a YAML mapping, making the mappings on the way.
fn set_path(root: &mut serde_yaml::Value, path: &str, value: serde_yaml::Value) -> bool {
    let mut node = root;
    let keys: Vec<&str> = path.split('.').collect();
    for (i, key) in keys.iter().enumerate() {
        if node.is_null() {
            *node = serde_yaml::Value::Mapping(Default::default());
        }
        let Some(map) = node.as_mapping_mut() else {
            return false;
        };
        let k = serde_yaml::Value::String((*key).to_string());
        if i + 1 == keys.len() {
            map.insert(k, value);
            return true;
        }
        node = map.entry(k).or_insert(serde_yaml::Value::Null);
    }
    false
}

/// Validates a config: YAML `text` (or the file `file`), with `settings` (dotted key,
/// value as JSON) set over it; returns its canonical YAML. Every problem at once, in the
/// CLI's words, as `ConfigError`.
#[pyfunction]
#[pyo3(signature = (text=None, file=None, settings=Vec::new()))]
fn config(
    py: Python<'_>,
    text: Option<String>,
    file: Option<PathBuf>,
    settings: Vec<(String, String)>,
) -> PyResult<String> {
    let base = match (&text, &file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => {
            let size = std::fs::metadata(f)
                .map_err(|e| raise(py, "ConfigError", format!("{}: {e}", f.display())))?
                .len();
            if size > MAX_CONFIG_BYTES {
                return Err(raise(
                    py,
                    "ConfigError",
                    format!(
                        "{}: {} is larger than a config may be ({})",
                        f.display(),
                        format_bytes(size),
                        format_bytes(MAX_CONFIG_BYTES)
                    ),
                ));
            }
            std::fs::read_to_string(f)
                .map_err(|e| raise(py, "ConfigError", format!("{}: {e}", f.display())))?
        }
        (None, None) => String::new(),
    };
    let (merged, source) = if settings.is_empty() {
        (base, file.as_deref().map(Path::to_path_buf))
    } else {
        let mut root: serde_yaml::Value = match serde_yaml::from_str(&base) {
            Ok(v) => v,
            // Not YAML: the loader names what is wrong, with the line.
            Err(_) => {
                let e = Config::from_yaml(&base, file.as_deref());
                return Err(raise(
                    py,
                    "ConfigError",
                    e.err().map(|e| e.to_string()).unwrap_or_default(),
                ));
            }
        };
        for (path, json) in &settings {
            let value: serde_yaml::Value = serde_yaml::from_str(json)
                .map_err(|e| raise(py, "ConfigError", format!("{path}: not a value: {e}")))?;
            if !set_path(&mut root, path, value) {
                return Err(raise(
                    py,
                    "ConfigError",
                    format!("{path}: its parent is not a section"),
                ));
            }
        }
        let text =
            serde_yaml::to_string(&root).map_err(|e| raise(py, "ConfigError", e.to_string()))?;
        (text, None)
    };
    let merged_from_settings = !settings.is_empty();
    let config = Config::from_yaml(&merged, source.as_deref()).map_err(|mut e| {
        // Lines of a text the caller never saw would mislead: the key names the place.
        if merged_from_settings {
            for one in &mut e.0 {
                one.location = None;
            }
        }
        raise(py, "ConfigError", e.to_string())
    })?;
    serde_yaml::to_string(&config).map_err(|e| raise(py, "ConfigError", e.to_string()))
}

/// The run of a canonical config text, validated, with its limit found.
fn orchestrator(py: Python<'_>, config: &str) -> PyResult<GenerationOrchestrator> {
    let c = Config::from_yaml(config, None).map_err(|e| raise(py, "ConfigError", e.to_string()))?;
    GenerationOrchestrator::new(c).map_err(|e| run_error(py, &e))
}

/// The parts of a config's run and what each holds, as a dict.
#[pyfunction]
fn plan<'py>(py: Python<'py>, config: &str) -> PyResult<Bound<'py, PyDict>> {
    let run = orchestrator(py, config)?;
    let parts = run.parts();
    let d = PyDict::new(py);
    d.set_item("entries", parts.entries)?;
    d.set_item("part_entries", parts.part_entries)?;
    d.set_item("parts", parts.count)?;
    d.set_item("owned", parts.owned.clone())?;
    let tables: Vec<&str> = parts.tables.iter().map(|t| t.name()).collect();
    d.set_item("tables", tables)?;
    let streaming: Vec<&str> = parts
        .tables
        .iter()
        .filter(|t| t.phase() == synth_runtime::TablePhase::Stream)
        .map(|t| t.name())
        .collect();
    d.set_item("streaming_tables", streaming)?;
    d.set_item("hard_limit_bytes", run.guard_config().hard_limit.0)?;
    d.set_item("limit_source", run.guard_config().limit_source.to_string())?;
    Ok(d)
}

/// Entries generated to measure a table's Arrow bytes per entry.
const SAMPLE_ENTRIES: u64 = 2_000;

/// The tables of one part as streams sharing one generator, after checking that the
/// part, held whole, fits the hard limit.
#[pyfunction]
#[pyo3(signature = (config, tables, part=0, batch_entries=None, binary_ids=false))]
fn streams(
    py: Python<'_>,
    config: &str,
    tables: Vec<String>,
    part: u64,
    batch_entries: Option<u64>,
    binary_ids: bool,
) -> PyResult<Vec<TableStream>> {
    let run = orchestrator(py, config)?;
    let parts = run.parts();
    let mut chosen = Vec::new();
    for name in &tables {
        let Some(t) = Table::from_name(name) else {
            let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
            return Err(raise(
                py,
                "ConfigError",
                format!(
                    "tables: no table {name:?}; expected one of {}",
                    names.join(", ")
                ),
            ));
        };
        if !parts.tables.contains(&t) {
            return Err(raise(
                py,
                "ConfigError",
                format!(
                    "tables: {name} is not written by this config (its documents, graph or \
                     anomalies are off, or output.tables leaves it out)"
                ),
            ));
        }
        chosen.push(t);
    }
    let streaming = chosen
        .iter()
        .any(|t| t.phase() == synth_runtime::TablePhase::Stream);
    let range = match parts.range(part) {
        Some(r) => r,
        None if part == 0 && !streaming => 0..0,
        None => {
            return Err(PyValueError::new_err(format!(
                "part {part} does not exist: this config has {} parts (0 to {})",
                parts.count,
                parts.count.saturating_sub(1)
            )));
        }
    };
    let ids = if binary_ids { Ids::Binary } else { Ids::Text };
    let batch = batch_entries.unwrap_or(run.config().output.batch_size as u64);
    let generator_config = run.generator_config().clone();
    let generator = py.detach(move || JournalGenerator::new(generator_config));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let generator = Arc::new(
        generator
            .map_err(|e| raise(py, "ConfigError", e.to_string()))?
            .with_stop_flags(vec![Arc::clone(&stop)]),
    );
    if streaming && generator.books_need(range.clone()) {
        prepare_books(py, &generator, &stop)?;
    }
    // What the part weighs held whole in Arrow, measured on a sample of its entries.
    // One generation of the sample serves every table.
    let sample = range.start..(range.start + SAMPLE_ENTRIES).min(range.end);
    let mut sampled = synth_generators::Batch::default();
    generator
        .generate_batch(&mut sampled, sample.clone())
        .map_err(|e| raise(py, "RunError", e.to_string()))?;
    let mut estimates = Vec::new();
    for &t in &chosen {
        let bytes = match t.phase() {
            synth_runtime::TablePhase::Stream => {
                let measured = synth_arrow::table_batch(&sampled, t, ids)
                    .map(|b| b.get_array_memory_size() as u64)
                    .map_err(|e| raise(py, "RunError", e.to_string()))?;
                let n = (sample.end - sample.start).max(1);
                (measured as f64 / n as f64 * (range.end - range.start) as f64) as u64
            }
            // Master tables come whole with part 0.
            _ if part == 0 => {
                let md = generator.master_data();
                synth_arrow::table_batch(&**md, t, ids)
                    .map(|b| b.get_array_memory_size() as u64)
                    .map_err(|e| raise(py, "RunError", e.to_string()))?
            }
            _ => 0,
        };
        estimates.push(bytes);
    }
    let total: u64 = estimates.iter().sum();
    let hard = run.guard_config().hard_limit.0;
    if total > hard {
        return Err(raise(
            py,
            "MemoryLimitError",
            format!(
                "part {part} of {} holds about {} in Arrow, above the hard limit of {} ({}); \
                 use smaller parts (output.part_entries, now {}) or more memory",
                tables.join(", "),
                format_bytes(total),
                format_bytes(hard),
                run.guard_config().limit_source,
                parts.part_entries
            ),
        ));
    }
    // The streaming tables share one generation of the part's entries; a master table
    // is read from the master data.
    let streaming: Vec<Table> = chosen
        .iter()
        .copied()
        .filter(|t| t.phase() == synth_runtime::TablePhase::Stream)
        .collect();
    let mut shared =
        SharedPart::readers(Arc::clone(&generator), &streaming, range, batch, ids).into_iter();
    let mut out = Vec::with_capacity(chosen.len());
    for (t, estimated_bytes) in chosen.into_iter().zip(estimates) {
        let reader: Reader = match t.phase() {
            synth_runtime::TablePhase::Stream => match shared.next() {
                Some(r) => Box::new(r),
                None => return Err(raise(py, "RunError", format!("no reader for {t}"))),
            },
            _ => {
                let r = if part == 0 { 0..1 } else { 0..0 };
                Box::new(PartReader::new(Arc::clone(&generator), t, r, batch, ids))
            }
        };
        out.push(TableStream {
            schema: synth_arrow::schema(t, ids),
            reader: Some(reader),
            table: t.name(),
            part,
            estimated_bytes,
        });
    }
    Ok(out)
}

/// A table's stream of record batches.
type Reader = Box<dyn RecordBatchReader + Send + Sync>;

/// One table of one part, generated batch by batch as it is read: through the Arrow C
/// stream interface (`pyarrow.table(s)`, `polars.DataFrame(s)`, `duckdb.sql`) or by
/// iterating it (each item an Arrow record batch, `pyarrow.record_batch(b)`). Read once.
#[pyclass(module = "synthdata._native")]
struct TableStream {
    schema: SchemaRef,
    reader: Option<Reader>,
    #[pyo3(get)]
    table: &'static str,
    #[pyo3(get)]
    part: u64,
    /// Bytes the part takes held whole in Arrow (measured on a sample).
    #[pyo3(get)]
    estimated_bytes: u64,
}

#[pymethods]
impl TableStream {
    /// The whole stream for an Arrow consumer (the Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let Some(reader) = self.reader.take() else {
            return Err(PyValueError::new_err(format!(
                "the stream of {} part {} was read already; generate it again",
                self.table, self.part
            )));
        };
        let stream = FFI_ArrowArrayStream::new(Box::new(Interruptible(reader)));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The schema for an Arrow consumer.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.schema.as_ref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next record batch, generated with the GIL released.
    fn __next__(&mut self, py: Python<'_>) -> PyResult<ArrowBatch> {
        let Some(reader) = self.reader.as_mut() else {
            return Err(PyStopIteration::new_err(()));
        };
        match py.detach(|| reader.next()) {
            Some(Ok(batch)) => Ok(ArrowBatch(batch)),
            Some(Err(e)) => Err(raise(py, "RunError", e.to_string())),
            None => {
                self.reader = None;
                Err(PyStopIteration::new_err(()))
            }
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<synthdata stream {} part {} (about {} held whole)>",
            self.table,
            self.part,
            format_bytes(self.estimated_bytes)
        )
    }
}

/// Sums the books of the run (the first part's scheduled entries pay what they hold) on
/// another thread while this one answers Ctrl-C: a KeyboardInterrupt stops the sum and
/// is raised (the generator is then not used again).
fn prepare_books(
    py: Python<'_>,
    generator: &JournalGenerator,
    stop: &std::sync::atomic::AtomicBool,
) -> PyResult<()> {
    std::thread::scope(|scope| {
        let summing = scope.spawn(|| generator.prepare_books());
        loop {
            if summing.is_finished() {
                return Ok(());
            }
            if let Err(e) = py.check_signals() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                py.detach(|| {
                    while !summing.is_finished() {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                });
                return Err(e);
            }
            py.detach(|| std::thread::sleep(Duration::from_millis(50)));
        }
    })
}

/// A stream that stops at Ctrl-C: a consumer reading it whole in C (pyarrow's
/// `read_all`, Polars, DuckDB) raises its own error, "interrupted (KeyboardInterrupt)",
/// at the next batch.
struct Interruptible(Reader);

impl Iterator for Interruptible {
    type Item = Result<RecordBatch, ArrowError>;
    fn next(&mut self) -> Option<Self::Item> {
        // The handler's KeyboardInterrupt cannot cross the consumer's C code; the
        // stream ends with an error that names it, which the consumer raises.
        let interrupted = Python::attach(|py| py.check_signals().is_err());
        if interrupted {
            return Some(Err(ArrowError::ExternalError(Box::new(
                std::io::Error::other("interrupted (KeyboardInterrupt)"),
            ))));
        }
        self.0.next()
    }
}

impl RecordBatchReader for Interruptible {
    fn schema(&self) -> SchemaRef {
        self.0.schema()
    }
}

/// One record batch, for an Arrow consumer (`pyarrow.record_batch(b)`).
#[pyclass(module = "synthdata._native")]
struct ArrowBatch(RecordBatch);

#[pymethods]
impl ArrowBatch {
    /// The batch as a struct array (the Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let data = StructArray::from(self.0.clone()).into_data();
        let array = FFI_ArrowArray::new(&data);
        let schema = FFI_ArrowSchema::try_from(data.data_type())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    /// Rows in the batch.
    #[getter]
    fn num_rows(&self) -> usize {
        self.0.num_rows()
    }

    fn __len__(&self) -> usize {
        self.0.num_rows()
    }
}

/// Writes a config's run into `out` as the CLI does (files, parts, manifest); Ctrl-C
/// stops it cleanly and raises `Interrupted`. Returns the run's summary.
#[pyfunction]
#[pyo3(signature = (config, out=None, overwrite=false))]
fn write<'py>(
    py: Python<'py>,
    config: &str,
    out: Option<PathBuf>,
    overwrite: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mut c =
        Config::from_yaml(config, None).map_err(|e| raise(py, "ConfigError", e.to_string()))?;
    c.apply(&Overrides {
        out,
        overwrite,
        ..Overrides::default()
    });
    c.check()
        .map_err(|e| raise(py, "ConfigError", e.to_string()))?;
    let run = GenerationOrchestrator::new(c).map_err(|e| run_error(py, &e))?;
    let cancel = run.cancel_handle();
    let (tx, rx) = crossbeam_channel::bounded(1);
    let worker = std::thread::Builder::new()
        .name("synthdata-run".into())
        .spawn(move || {
            let _ = tx.send(run.run());
        })
        .map_err(|e| {
            raise(
                py,
                "RunError",
                format!("cannot start the run's thread: {e}"),
            )
        })?;
    let mut interrupt = None;
    let result = loop {
        match py.detach(|| rx.recv_timeout(Duration::from_millis(50))) {
            Ok(r) => break r,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    cancel.cancel();
                    interrupt.get_or_insert(e);
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                let _ = worker.join();
                return Err(raise(
                    py,
                    "RunError",
                    "the run's thread ended without a result".into(),
                ));
            }
        }
    };
    let _ = worker.join();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let err = run_error(py, &e);
            if let Some(cause) = interrupt {
                err.set_cause(py, Some(cause));
            }
            return Err(err);
        }
    };
    let d = PyDict::new(py);
    d.set_item("entries_written", report.entries_written)?;
    d.set_item("lines_written", report.lines_written)?;
    d.set_item("parts", report.parts)?;
    d.set_item("parts_generated", report.parts_generated)?;
    d.set_item("elapsed_seconds", report.elapsed.as_secs_f64())?;
    d.set_item("peak_rss_bytes", report.peak_rss)?;
    d.set_item("output_dir", report.output_dir.display().to_string())?;
    d.set_item("manifest", report.manifest.map(|m| m.display().to_string()))?;
    let tables = PyDict::new(py);
    for t in &report.tables {
        tables.set_item(&t.table, t.rows)?;
    }
    d.set_item("rows", tables)?;
    Ok(d)
}

/// The `synthdata` command with `argv` (the program's name first); its exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| synth_cli::main(argv))
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(config, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(streams, m)?)?;
    m.add_function(wrap_pyfunction!(write, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_class::<TableStream>()?;
    m.add_class::<ArrowBatch>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
