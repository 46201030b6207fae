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

/// Whether colours are drawn on stderr: `--color always` or `never` as said; `auto`
/// when stderr is a terminal and `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn colour(choice: crate::ColorChoice) -> bool {
    match choice {
        crate::ColorChoice::Always => true,
        crate::ColorChoice::Never => false,
        crate::ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Installs the subscriber: `info` by default, `warn` with `--quiet` (`RUST_LOG`
/// overrides both; `debug` shows each config value a flag replaced). On a terminal the
/// lines carry no timestamp; piped into a log, they do.
pub fn init(quiet: bool, colour: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(MakeStderr)
        .with_ansi(colour)
        .with_target(false)
        .compact();
    let _ = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        builder.without_time().try_init()
    } else {
        builder.try_init()
    };
}
