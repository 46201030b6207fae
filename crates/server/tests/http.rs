//! The real server on 127.0.0.1, fetched with a real HTTP client.

use std::sync::Arc;
use synth_guard::MemoryStatus;
use synth_guard::{HealthSnapshot, Phase};
use synth_server::HealthServer;

const MIB: u64 = 1 << 20;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(url: &str) -> (u16, String, String) {
    let mut resp = agent().get(url).call().expect("request");
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = resp.status().as_u16();
    (
        status,
        ctype,
        resp.body_mut().read_to_string().expect("body"),
    )
}

#[test]
fn health_and_metrics_follow_the_snapshot() {
    let health = Arc::new(HealthSnapshot::new(
        1600 * MIB,
        2048 * MIB,
        1000,
        "configured limit".into(),
    ));
    health.set_phase(Phase::Generating);
    health.update_memory(&MemoryStatus {
        current_usage: 512 * MIB,
        rss: 500 * MIB,
        heap: Some(512 * MIB),
        growth_rate: 1234.4,
        reads: 7,
        ..MemoryStatus::default()
    });
    health.add_written(250, 900);
    health.set_parts(4, 2);
    health.add_part_done();
    let server = HealthServer::start("127.0.0.1:0", Arc::clone(&health)).expect("binds");
    let base = format!("http://{}", server.local_addr());

    let (code, ctype, body) = get(&format!("{base}/health"));
    assert_eq!(code, 200);
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        v,
        serde_json::json!({
            "status": "healthy", "memory_usage_mb": 512, "memory_limit_mb": 2048, "memory_percent": 25.0,
            "soft_limit_mb": 1600, "rss_bytes": 500 * MIB, "heap_bytes": 512 * MIB,
            "growth_rate_bytes_per_sec": 1234.0, "limit_source": "configured limit",
            "records_written": 250,
            "threads": 2, "parallelism": 2, "parts_total": 4, "parts_done": 1,
            "phase": "generating"
        })
    );

    let (code, ctype, text) = get(&format!("{base}/metrics"));
    assert_eq!(code, 200);
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    assert!(
        text.contains(
            "# TYPE synthdata_memory_used_bytes gauge\nsynthdata_memory_used_bytes 536870912\n"
        ),
        "{text}"
    );
    assert!(text.contains("synthdata_records_written_total 250\n"));
    assert!(text.contains("synthdata_lines_written_total 900\n"));
    assert!(text.contains("synthdata_health_status{status=\"healthy\"} 1\n"));

    // Between soft and hard: degraded, still 200. At hard: critical, 503.
    health.update_memory(&MemoryStatus {
        current_usage: 1700 * MIB,
        ..MemoryStatus::default()
    });
    let (code, _, body) = get(&format!("{base}/health"));
    assert_eq!((code, body.contains("\"degraded\"")), (200, true), "{body}");
    health.update_memory(&MemoryStatus {
        current_usage: 2048 * MIB,
        ..MemoryStatus::default()
    });
    let (code, _, body) = get(&format!("{base}/health"));
    assert_eq!((code, body.contains("\"critical\"")), (503, true), "{body}");

    let (code, _, _) = get(&format!("{base}/nope"));
    assert_eq!(code, 404);
    server.shutdown();
    assert!(
        std::net::TcpStream::connect(base.trim_start_matches("http://")).is_err(),
        "stopped"
    );
}

#[test]
fn a_slow_client_does_not_block_others() {
    use std::io::Write;
    let health = Arc::new(HealthSnapshot::new(
        80 << 30,
        100 << 30,
        1,
        "physical RAM".into(),
    ));
    let server = HealthServer::start("127.0.0.1:0", health).expect("binds");
    // A client that opens a connection and sends half a request, then stalls.
    let mut slow = std::net::TcpStream::connect(server.local_addr()).expect("connects");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .expect("writes");
    let (code, _, _) = get(&format!("http://{}/health", server.local_addr()));
    assert_eq!(code, 200);
}

#[test]
fn bad_address_and_busy_port_are_errors() {
    let health = Arc::new(HealthSnapshot::new(
        80 << 30,
        100 << 30,
        1,
        "physical RAM".into(),
    ));
    let err = HealthServer::start("localhost:abc", Arc::clone(&health)).expect_err("bad address");
    assert!(
        err.to_string().contains("expected a socket address"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("health_addr"),
        "no config keys in the library: {err}"
    );
    let first = HealthServer::start("127.0.0.1:0", Arc::clone(&health)).expect("binds");
    let err =
        HealthServer::start(&first.local_addr().to_string(), health).expect_err("port in use");
    assert!(
        err.to_string()
            .starts_with("cannot serve /health on 127.0.0.1:"),
        "{err}"
    );
}
