//! `/health` and `/metrics` over HTTP for a running generation.
//!
//! ```no_run
//! use std::sync::Arc;
//! use synth_guard::HealthSnapshot;
//! let health = Arc::new(HealthSnapshot::new(800 << 20, 1 << 30, 1_000_000, "configured limit".into()));
//! let server = synth_server::HealthServer::start("127.0.0.1:0", health)?;
//! println!("serving on http://{}/health", server.local_addr());
//! server.shutdown();
//! # Ok::<(), synth_server::ServerError>(())
//! ```
//!
//! The server runs axum on a current-thread tokio runtime in its own thread. It serves
//! the runtime's [`HealthSnapshot`] (atomics) and never reads the probe per request, so
//! it cannot slow generation. Slow clients are cut off: a request's headers must
//! arrive within 5 s and a connection lives at most 30 s.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use synth_guard::{HealthReading, HealthSnapshot, HealthStatus};
use tokio::sync::oneshot;

/// Time a client has to send its request headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest a connection may stay open.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; more are closed at once, so idle clients can never use up
/// the process's file descriptors (which the run needs for its files).
pub const MAX_CONNECTIONS: usize = 16;

/// Why the server could not start.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address is not a socket address.
    #[error("expected a socket address like \"127.0.0.1:9090\", got {0:?}")]
    BadAddress(String),
    /// Binding or starting failed.
    #[error("cannot serve /health on {addr}: {source}")]
    Io {
        /// The address.
        addr: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

/// A running server; stops when shut down or dropped.
#[derive(Debug)]
pub struct HealthServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl HealthServer {
    /// Binds `addr` (e.g. `127.0.0.1:9090`; port 0 picks a free one) and serves in a
    /// thread of its own.
    pub fn start(addr: &str, health: Arc<HealthSnapshot>) -> Result<Self, ServerError> {
        let sock: SocketAddr = addr
            .parse()
            .map_err(|_| ServerError::BadAddress(addr.to_string()))?;
        let io = |source| ServerError::Io {
            addr: addr.to_string(),
            source,
        };
        if sock.ip().is_unspecified() {
            tracing::warn!(
                "serving /health and /metrics on every network interface ({sock}); \
                 bind 127.0.0.1 to keep them on this machine"
            );
        }
        let listener = TcpListener::bind(sock).map_err(io)?;
        listener.set_nonblocking(true).map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(io)?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("synth-health".into())
            .spawn(move || runtime.block_on(serve(listener, router(health), stopped)))
            .map_err(io)?;
        Ok(Self {
            addr: local,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for HealthServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// The routes: `GET /health`, `GET /metrics`.
pub fn router(health: Arc<HealthSnapshot>) -> Router {
    Router::new()
        .route("/health", get(health_handler))
        .route("/metrics", get(metrics_handler))
        .with_state(health)
}

async fn serve(listener: TcpListener, app: Router, mut stopped: oneshot::Receiver<()>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept (out of descriptors, say) must not end the server.
                Err(_) => continue,
            },
        };
        // All slots taken: close this one now (dropping it) rather than queue it.
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONNECTION_TIMEOUT, conn).await;
        });
    }
}

const MIB: f64 = (1u64 << 20) as f64;

/// The `/health` body.
pub fn health_json(r: &HealthReading) -> serde_json::Value {
    serde_json::json!({
        "status": r.status().name(),
        "memory_usage_mb": (r.used as f64 / MIB).round() as u64,
        "memory_limit_mb": (r.hard_limit as f64 / MIB).round() as u64,
        "memory_percent": (r.percent() * 10.0).round() / 10.0,
        "soft_limit_mb": (r.soft_limit as f64 / MIB).round() as u64,
        "rss_bytes": r.rss,
        "heap_bytes": r.heap,
        "growth_rate_bytes_per_sec": r.growth_rate.round(),
        "limit_source": r.limit_source,
        "records_written": r.records_written,
        "threads": r.threads,
        "parallelism": r.parallelism,
        "parts_total": r.parts_total,
        "parts_done": r.parts_done,
        "phase": r.phase.name(),
    })
}

async fn health_handler(State(health): State<Arc<HealthSnapshot>>) -> Response {
    let r = health.read();
    let code = if r.status() == HealthStatus::Critical {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, axum::Json(health_json(&r))).into_response()
}

/// The `/metrics` body, Prometheus text format 0.0.4.
pub fn metrics_text(r: &HealthReading) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = write!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        );
    };
    metric(
        "synthdata_memory_used_bytes",
        "gauge",
        "max(rss, heap) as the guard sees it.",
        r.used as f64,
    );
    metric(
        "synthdata_memory_rss_bytes",
        "gauge",
        "Resident set size.",
        r.rss as f64,
    );
    metric(
        "synthdata_memory_heap_bytes",
        "gauge",
        "Live heap bytes (counting allocator).",
        r.heap as f64,
    );
    metric(
        "synthdata_memory_soft_limit_bytes",
        "gauge",
        "Soft limit: relief above it.",
        r.soft_limit as f64,
    );
    metric(
        "synthdata_memory_hard_limit_bytes",
        "gauge",
        "Hard limit: the run stops at it.",
        r.hard_limit as f64,
    );
    metric(
        "synthdata_memory_growth_rate_bytes_per_second",
        "gauge",
        "EWMA of memory growth.",
        r.growth_rate,
    );
    metric(
        "synthdata_records_written_total",
        "counter",
        "Journal entries written.",
        r.records_written as f64,
    );
    metric(
        "synthdata_lines_written_total",
        "counter",
        "Journal lines written.",
        r.lines_written as f64,
    );
    metric(
        "synthdata_records_target",
        "gauge",
        "Journal entries asked for.",
        r.total_entries as f64,
    );
    metric(
        "synthdata_reliefs_total",
        "counter",
        "Reliefs at the soft limit.",
        r.reliefs as f64,
    );
    metric(
        "synthdata_throttles_total",
        "counter",
        "Back-offs on fast memory growth.",
        r.throttles as f64,
    );
    metric(
        "synthdata_threads",
        "gauge",
        "Parts the run may generate at once.",
        r.threads as f64,
    );
    metric(
        "synthdata_parallelism",
        "gauge",
        "Parts allowed to run at once now (lowered at the soft limit).",
        r.parallelism as f64,
    );
    metric(
        "synthdata_parts_total",
        "gauge",
        "Parts of the run.",
        r.parts_total as f64,
    );
    metric(
        "synthdata_parts_done_total",
        "counter",
        "Parts finished, whole on disk.",
        r.parts_done as f64,
    );
    metric(
        "synthdata_memory_reads_total",
        "counter",
        "Memory probe readings.",
        r.reads as f64,
    );
    let _ = writeln!(
        out,
        "# HELP synthdata_health_status 1 for the current health status."
    );
    let _ = writeln!(out, "# TYPE synthdata_health_status gauge");
    for s in [
        HealthStatus::Healthy,
        HealthStatus::Degraded,
        HealthStatus::Critical,
    ] {
        let _ = writeln!(
            out,
            "synthdata_health_status{{status=\"{}\"}} {}",
            s.name(),
            u8::from(r.status() == s)
        );
    }
    out
}

async fn metrics_handler(State(health): State<Arc<HealthSnapshot>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics_text(&health.read()),
    )
        .into_response()
}
