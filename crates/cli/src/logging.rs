//! Logs through `tracing` to stderr (`RUST_LOG` overrides the level), drawn around the
//! progress bar so the two never garble each other.

use indicatif::ProgressBar;
use std::io::Write;
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The progress bar in use, if any; log lines suspend it while they print.
pub static BAR: OnceLock<ProgressBar> = OnceLock::new();

struct Stderr;

/// Log lines to stderr; if stderr's reader went away, they are dropped (a closed pipe
/// must never end a run).
impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = match BAR.get() {
            Some(bar) => bar.suspend(|| std::io::stderr().write_all(buf)),
            None => std::io::stderr().write_all(buf),
        };
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

struct MakeStderr;

impl<'a> MakeWriter<'a> for MakeStderr {
    type Writer = Stderr;
    fn make_writer(&'a self) -> Stderr {
        Stderr
    }
}

/// Installs the subscriber: `info` by default, `warn` with `--quiet`.
pub fn init(quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(MakeStderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .compact()
        .try_init();
}
