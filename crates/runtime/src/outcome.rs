//! The threads of a run and how it ended: every thread's outcome joined (a panic as an
//! error), the first failure first, then a stop, then success.

use crate::error::Error;
use crate::writer::WriterOutcome;
use std::thread;
use synth_sinks::SinkError;

/// What each thread of a run returns.
pub(crate) enum Outcome {
    Generator,
    Writer(WriterOutcome),
    Master(Result<(), SinkError>),
    Io,
}

/// The threads of a run; spawning stops at the first failure.
#[derive(Default)]
pub(crate) struct Threads {
    pub(crate) handles: Vec<(&'static str, thread::JoinHandle<Outcome>)>,
    pub(crate) spawn_error: Option<Error>,
}

impl Threads {
    pub(crate) fn spawn(
        &mut self,
        what: &'static str,
        name: &str,
        f: impl FnOnce() -> Outcome + Send + 'static,
    ) {
        if self.spawn_error.is_some() {
            return;
        }
        match thread::Builder::new().name(name.into()).spawn(f) {
            Ok(h) => self.handles.push((what, h)),
            Err(source) => {
                self.spawn_error = Some(Error::Spawn {
                    thread: what,
                    source,
                })
            }
        }
    }

    pub(crate) fn failed(&self) -> bool {
        self.spawn_error.is_some()
    }

    /// Every thread's outcome (a panic as an error), then a failure to spawn.
    pub(crate) fn join(self) -> Vec<Result<Outcome, Error>> {
        let mut out: Vec<_> = self
            .handles
            .into_iter()
            .map(|(what, h)| {
                h.join().map_err(|p| Error::ThreadPanicked {
                    thread: what,
                    message: panic_text(&p),
                })
            })
            .collect();
        out.extend(self.spawn_error.map(Err));
        out
    }
}

pub(crate) fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
