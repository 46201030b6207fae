//! What Ctrl-C, SIGTERM and SIGHUP do to a run.
//!
//! The first of them stops the run cleanly (whole files stay, the manifest says
//! `interrupted`). A repeated SIGTERM or SIGHUP (coreutils `timeout` sends two, a
//! supervisor may send more) only lets that clean stop go on. A second Ctrl-C typed at
//! a terminal (sent by the kernel, not by another process) at least a second after the
//! first aborts at once; the abort is first recorded in the manifest, so it never says
//! `running` after the process has ended.

use std::time::{Duration, Instant};

/// How long after the first Ctrl-C a second one is taken as "abort now" (a quicker
/// one is a key held down or a double press).
const ABORT_AFTER: Duration = Duration::from_secs(1);

/// Exit code of an interrupted run.
const INTERRUPTED: i32 = 130;

/// What the handler does on each signal, for the decision alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Stop cleanly (the first signal).
    Stop,
    /// Nothing more: the clean stop goes on.
    Repeat,
    /// Abort now.
    Abort,
}

/// The decision for a signal, given when the first came (if one did) and whether this
/// one is a Ctrl-C typed at a terminal.
fn step(first: Option<Instant>, now: Instant, typed_ctrl_c: bool) -> Step {
    match first {
        None => Step::Stop,
        Some(t) if typed_ctrl_c && now.duration_since(t) >= ABORT_AFTER => Step::Abort,
        Some(_) => Step::Repeat,
    }
}

/// Handles the signals for the rest of the process: `stop` on the first; `abort`
/// (record the abort) then exit 130 on a typed second Ctrl-C.
#[cfg(unix)]
pub fn handle(
    stop: impl Fn() + Send + 'static,
    abort: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    let mut signals = SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut first = None;
            for s in signals.forever() {
                // A terminal's Ctrl-C comes from the kernel; `kill` names its sender.
                let typed = s.signal == SIGINT && s.process.is_none();
                match step(first, Instant::now(), typed) {
                    Step::Stop => {
                        first = Some(Instant::now());
                        err!(
                            "\ninterrupted: finishing the files written so far{}",
                            if typed {
                                " (Ctrl-C again to abort)"
                            } else {
                                ""
                            }
                        );
                        stop();
                    }
                    Step::Repeat => {}
                    Step::Abort => {
                        err!("\nsecond interrupt: aborting now (unfinished files stay .partial)");
                        abort();
                        std::process::exit(INTERRUPTED);
                    }
                }
            }
        })?;
    Ok(())
}

/// Off Unix: Ctrl-C stops cleanly, a second one a second later aborts.
#[cfg(not(unix))]
pub fn handle(
    stop: impl Fn() + Send + 'static,
    abort: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    let first = std::sync::Mutex::new(None);
    ctrlc::set_handler(move || {
        let mut first = first
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match step(*first, Instant::now(), true) {
            Step::Stop => {
                *first = Some(Instant::now());
                err!("\ninterrupted: finishing the files written so far (Ctrl-C again to abort)");
                stop();
            }
            Step::Repeat => {}
            Step::Abort => {
                err!("\nsecond interrupt: aborting now (unfinished files stay .partial)");
                abort();
                std::process::exit(INTERRUPTED);
            }
        }
    })
    .map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_typed_ctrl_c_a_second_later_aborts() {
        let t = Instant::now();
        assert_eq!(step(None, t, false), Step::Stop);
        assert_eq!(step(None, t, true), Step::Stop);
        // A repeated SIGTERM, however late, finishes the clean stop.
        assert_eq!(
            step(Some(t), t + Duration::from_secs(5), false),
            Step::Repeat
        );
        // A double press within a second is one press.
        assert_eq!(
            step(Some(t), t + Duration::from_millis(300), true),
            Step::Repeat
        );
        assert_eq!(step(Some(t), t + Duration::from_secs(2), true), Step::Abort);
    }
}
