//! Generators and sinks without the runtime: 10 000 journal entries with their lines to
//! CSV files in a directory (written as `.partial`, renamed when whole), and the same
//! lines into any `std::io::Write` (here a `Vec<u8>`; a socket or stdout works alike).
//!
//! `cargo run -p synth-sinks --example journal_to_csv [DIR]`

use synth_generators::{GeneratorConfig, JournalGenerator};
use synth_model::{JournalEntry, JournalLine};
use synth_sinks::{Format, OutputDir, RecordWriter, SinkOptions, open_sink};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join(format!("synth-journal-{}", std::process::id())),
        Into::into,
    );
    let generator = JournalGenerator::new(GeneratorConfig::default())?;
    let batch = generator.generate_range(0..10_000)?;

    // 1. Into a directory: one sink per table.
    let out = OutputDir::open(&dir, false)?; // created if missing, locked, must be empty
    let options = SinkOptions::default();
    let mut entries = open_sink::<JournalEntry>(&out, Format::Csv, &options)?;
    let mut lines = open_sink::<JournalLine>(&out, Format::Csv, &options)?;
    entries.write_batch(&batch.entries)?;
    lines.write_batch(&batch.lines)?;
    for report in [entries.finish()?, lines.finish()?] {
        println!(
            "{}: {} rows, {} bytes",
            report.table, report.rows, report.bytes
        );
    }

    // 2. Into any writer.
    let mut writer = RecordWriter::<JournalLine, _, _>::csv(Vec::new());
    writer.write_batch(&batch.lines)?;
    let bytes = writer.finish()?;
    let file = std::fs::read(dir.join("journal_lines.csv"))?;
    println!(
        "{} bytes written to memory, the same as the file: {}",
        bytes.len(),
        bytes == file
    );
    if bytes != file {
        return Err("the writer and the file differ".into());
    }
    Ok(())
}
