//! `synthdata export-ocel` through the built binary: the same logs from a run written
//! as CSV, JSON Lines and Parquet; every document an event, chains as cases; and the
//! outputs it must refuse.

mod common;

use common::{run as synthdata, text};
use std::path::Path;

fn generate(dir: &Path, out: &str, format: &str) {
    let run = synthdata(
        dir,
        &[
            "generate",
            "--no-config",
            "--entries",
            "8000",
            "--format",
            format,
            "--out",
            out,
            "--quiet",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
}

fn export(dir: &Path, run: &str, out: &str) -> serde_json::Value {
    let e = synthdata(dir, &["export-ocel", run, out, "--json"]);
    assert_eq!(e.status.code(), Some(0), "{}", text(&e.stderr));
    serde_json::from_slice(&e.stdout).expect("JSON on stdout")
}

#[test]
fn every_format_gives_the_same_logs_with_every_document_an_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for format in ["csv", "jsonl", "parquet"] {
        generate(d, format, format);
    }
    let summary = export(d, "csv", "logs-csv");
    for format in ["jsonl", "parquet"] {
        assert_eq!(
            export(d, format, &format!("logs-{format}"))["events"],
            summary["events"]
        );
        for name in ["ocel2.json", "procure_to_pay.xes", "order_to_cash.xes"] {
            let a = std::fs::read(d.join("logs-csv").join(name)).expect("csv log");
            let b = std::fs::read(d.join(format!("logs-{format}")).join(name)).expect("log");
            assert!(a == b, "{name} from {format} differs from the one from CSV");
        }
    }
    // Every document is an event; its chain's first document names its case.
    let docs = csv::Reader::from_path(d.join("csv/documents.csv"))
        .expect("documents")
        .records()
        .count() as u64;
    let documents = summary["documents"].as_u64().expect("documents");
    assert_eq!(documents, docs);
    let events = summary["events"].as_u64().expect("events");
    assert!(
        events >= docs && events < docs + docs / 50,
        "{events} {docs}"
    );
    let ocel: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("logs-csv/ocel2.json")).expect("ocel"))
            .expect("OCEL is JSON");
    assert_eq!(
        ocel["events"].as_array().map(Vec::len),
        Some(events as usize)
    );
    let mut last = "";
    for e in ocel["events"].as_array().expect("events") {
        let t = e["time"].as_str().expect("time");
        assert!(t >= last, "events out of time order: {t} after {last}");
        last = t;
        let rel = e["relationships"].as_array().expect("relationships");
        assert!(rel.len() >= 2, "{e}");
    }
    // A payment whose transfer came back has its return as an event, one per return
    // line of the bank statements, each after the payment's own.
    let mut returns = csv::Reader::from_path(d.join("csv/bank_statement_lines.csv"))
        .expect("bank statement lines");
    let code = returns
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "transaction_code")
        .expect("transaction_code");
    let lines = returns
        .records()
        .filter(|r| r.as_ref().is_ok_and(|r| r.get(code) == Some("return")))
        .count();
    let events_of = |activity: &str| -> Vec<&serde_json::Value> {
        ocel["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["type"] == activity)
            .collect()
    };
    let returned = events_of("Payment Returned by Bank");
    assert!(lines > 0, "no transfer came back in the run");
    assert_eq!(returned.len(), lines);
    let times: std::collections::HashMap<&str, &str> = ocel["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?, e["time"].as_str()?)))
        .collect();
    for e in returned {
        let id = e["id"].as_str().expect("id");
        let paid = times[id.trim_end_matches("-returned")];
        assert!(e["time"].as_str().expect("time") > paid, "{e}");
    }
    let xes = std::fs::read_to_string(d.join("logs-csv/order_to_cash.xes")).expect("xes");
    let traces = xes.matches("<trace>").count() as u64;
    assert_eq!(Some(traces), summary["processes"][1][1].as_u64());
    assert!(xes.contains("<string key=\"concept:name\" value=\"Create Sales Order\"/>"));
}

#[test]
fn refuses_an_output_inside_the_run_a_taken_name_and_a_run_without_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    generate(d, "run", "csv");
    let inside = synthdata(d, &["export-ocel", "run", "run/logs"]);
    assert_eq!(inside.status.code(), Some(2), "{}", text(&inside.stderr));
    assert!(text(&inside.stderr).contains("inside the dataset"));
    std::fs::create_dir(d.join("logs")).expect("logs");
    std::fs::write(d.join("logs/order_to_cash.xes"), "mine").expect("file");
    let taken = synthdata(d, &["export-ocel", "run", "logs"]);
    assert_eq!(taken.status.code(), Some(2), "{}", text(&taken.stderr));
    assert_eq!(
        std::fs::read_to_string(d.join("logs/order_to_cash.xes")).expect("kept"),
        "mine"
    );
    assert!(!d.join("logs/ocel2.json").exists());
    let none = synthdata(d, &["export-ocel", "nowhere", "logs2"]);
    assert_eq!(none.status.code(), Some(2));
    // A run without documents has no process to log.
    std::fs::write(d.join("no-docs.yaml"), "documents:\n  enabled: false\n").expect("config");
    let run = synthdata(
        d,
        &[
            "generate",
            "-c",
            "no-docs.yaml",
            "-n",
            "2000",
            "-o",
            "bare",
            "--quiet",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let bare = synthdata(d, &["export-ocel", "bare", "logs3"]);
    assert_eq!(bare.status.code(), Some(1), "{}", text(&bare.stderr));
    assert!(
        text(&bare.stderr).contains("no documents"),
        "{}",
        text(&bare.stderr)
    );
    assert!(!d.join("logs3/ocel2.json").exists());
    // A documents file replaced since the run (here by a line of text) is damage.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("run/manifest.json")).expect("manifest"),
    )
    .expect("manifest JSON");
    let docs = manifest["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "documents")
        .expect("documents listed");
    let file = docs["files"][0]["path"].as_str().expect("a file");
    std::fs::write(d.join("run").join(file), "hello\n").expect("replaced");
    let damaged = synthdata(d, &["export-ocel", "run", "logs4"]);
    assert_eq!(damaged.status.code(), Some(1), "{}", text(&damaged.stderr));
    assert!(
        text(&damaged.stderr).contains("the manifest lists"),
        "{}",
        text(&damaged.stderr)
    );
    assert!(!d.join("logs4/ocel2.json").exists());
}
