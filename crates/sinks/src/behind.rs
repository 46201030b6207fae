//! Write-behind: CSV and JSON Lines sinks hand each full buffer to one I/O thread, which
//! writes it (and hashes it, and syncs when dropping pages) while the sink encodes the
//! next buffer.
//!
//! ```text
//!  writer thread (encodes)                      I/O thread (IoWorker::run)
//!  buffer A full ── Job { files, A } ─────────► files.write(A)
//!  encode into B                                 (write_all, xxh3, page-cache drop)
//!  B full: wait ◄──── Done { files, A } ──────── A emptied, result
//!  ── Job { files, B } ──────────────────────►   ...
//! ```
//!
//! Each sink has at most one buffer in flight, so its bytes reach the file in order and it
//! holds exactly two buffers. The table's [`FileSet`] (boxed: it moves, it is not copied)
//! travels with the job, so only one thread touches it at a time and no lock is needed. The thread is spawned by the caller
//! (the runtime) and ends when every [`WriteBehind`] handle is dropped. If it dies, the
//! sinks' next wait fails with [`SinkError::IoThreadGone`] and no file is renamed.

use crate::SinkError;
use crate::file::FileSet;
use crossbeam_channel::{Receiver, Sender, bounded};
use std::sync::Arc;

/// A full buffer on its way to the I/O thread, with the files it goes to.
struct Job {
    files: Box<FileSet>,
    buf: Vec<u8>,
    rows: u64,
    header: Arc<[u8]>,
    reply: Sender<Done>,
}

/// The files and the emptied buffer coming back, with how the write went.
pub(crate) struct Done {
    pub(crate) files: Box<FileSet>,
    pub(crate) buf: Vec<u8>,
    pub(crate) result: Result<(), SinkError>,
}

/// Hands buffers to the I/O thread; cloned into every text sink that uses it.
#[derive(Clone, Debug)]
pub struct WriteBehind {
    jobs: Sender<Job>,
}

/// The I/O thread's side: run [`IoWorker::run`] on a thread of its own.
#[derive(Debug)]
pub struct IoWorker {
    jobs: Receiver<Job>,
}

/// Jobs the write-behind queue holds at once: more than a run has tables.
const QUEUE_SLOTS: usize = 64;

/// A write-behind queue and the worker that drains it.
pub fn write_behind() -> (WriteBehind, IoWorker) {
    // Each sink has at most one job queued or running, so the queue never holds more
    // jobs than there are sinks. A bounded queue is one preallocated array (an unbounded
    // one allocates a block every 31 jobs); with more sinks than slots a send just waits
    // for the I/O thread, which drains the queue on its own.
    let (jobs, rx) = bounded(QUEUE_SLOTS);
    (WriteBehind { jobs }, IoWorker { jobs: rx })
}

impl IoWorker {
    /// Writes buffers until every [`WriteBehind`] handle is gone.
    pub fn run(self) {
        for Job {
            mut files,
            mut buf,
            rows,
            header,
            reply,
        } in self.jobs.iter()
        {
            let result = files.write(&buf, rows, &header);
            buf.clear();
            // The sink may be gone (its thread ended); the files are then dropped as
            // `.partial`, which is what an unfinished table must look like.
            let _ = reply.send(Done { files, buf, result });
        }
    }
}

/// One sink's end of the queue: its reply channel and whether a buffer is out.
#[derive(Debug)]
pub(crate) struct SinkQueue {
    queue: WriteBehind,
    reply: Sender<Done>,
    done: Receiver<Done>,
}

impl SinkQueue {
    pub(crate) fn new(queue: &WriteBehind) -> Self {
        let (reply, done) = bounded(1);
        Self {
            queue: queue.clone(),
            reply,
            done,
        }
    }

    /// Sends a full buffer; on failure (no I/O thread) gives the files back.
    pub(crate) fn send(
        &self,
        files: Box<FileSet>,
        buf: Vec<u8>,
        rows: u64,
        header: &Arc<[u8]>,
    ) -> Result<(), Box<FileSet>> {
        let job = Job {
            files,
            buf,
            rows,
            header: Arc::clone(header),
            reply: self.reply.clone(),
        };
        self.queue.jobs.send(job).map_err(|e| e.into_inner().files)
    }

    /// Waits for the buffer in flight to come back.
    pub(crate) fn wait(&self, table: &'static str) -> Result<Done, SinkError> {
        self.done
            .recv()
            .map_err(|_| SinkError::IoThreadGone { table })
    }
}
