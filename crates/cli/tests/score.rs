//! `synthdata score` through the built binary, on a real run: a perfect ranking, a
//! random one, and predictions it must refuse.

mod common;

use common::run as synthdata;
use std::path::Path;
use std::process::Output;

/// Writes predictions for every entry of `out`: `score(is_anomaly, k)` for the k-th.
fn predictions(out: &Path, path: &Path, score: impl Fn(bool, u64) -> f64) {
    let mut r = csv::Reader::from_path(out.join("journal_entries.csv")).expect("entries");
    let headers = r.headers().expect("header").clone();
    let id = headers
        .iter()
        .position(|h| h == "entry_id")
        .expect("entry_id");
    let flag = headers
        .iter()
        .position(|h| h == "is_anomaly")
        .expect("is_anomaly");
    let mut w = csv::Writer::from_path(path).expect("predictions");
    w.write_record(["entry_id", "score"]).expect("header");
    for (k, rec) in r.records().enumerate() {
        let rec = rec.expect("row");
        let s = score(&rec[flag] == "true", k as u64);
        w.write_record([&rec[id], &s.to_string()]).expect("row");
    }
    w.flush().expect("flush");
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn a_perfect_ranking_scores_one_a_random_one_its_prevalence_and_bad_predictions_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = synthdata(
        dir.path(),
        &[
            "generate",
            "--no-config",
            "--entries",
            "40000",
            "--out",
            "out",
            "--quiet",
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = dir.path().join("out");

    let perfect = dir.path().join("perfect.csv");
    predictions(&out, &perfect, |a, _| if a { 1.0 } else { 0.0 });
    let s = synthdata(dir.path(), &["score", "out", "perfect.csv", "--json"]);
    assert_eq!(
        s.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&s.stderr)
    );
    let v = json(&s);
    assert_eq!(v["entries"], 40000);
    assert!(v["anomalies"].as_u64().expect("anomalies") > 0);
    for grain in ["entry", "scheme"] {
        assert_eq!(v[grain]["average_precision"], 1.0, "{grain}");
        assert_eq!(v[grain]["recall_at_k"], 1.0, "{grain}");
        assert_eq!(v[grain]["roc_auc"], 1.0, "{grain}");
    }
    for t in v["types"].as_array().expect("types") {
        assert_eq!(t["entry"]["average_precision"], 1.0, "{t}");
    }

    // A test split: half the entries scored, against their own labels only.
    let half = dir.path().join("half.csv");
    predictions(&out, &half, |a, _| if a { 1.0 } else { 0.0 });
    let text = std::fs::read_to_string(&half).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&half, lines[..lines.len() / 2].join("\n") + "\n").expect("write");
    let v = json(&synthdata(
        dir.path(),
        &["score", "out", "half.csv", "--json", "--scored-only"],
    ));
    assert_eq!(v["entry"]["average_precision"], 1.0);
    let v = json(&synthdata(
        dir.path(),
        &["score", "out", "half.csv", "--json"],
    ));
    assert!(v["entry"]["recall_at_k"].as_f64().expect("recall") < 1.0);

    // A ranking that knows nothing: a fixed scramble of the rows.
    let random = dir.path().join("random.csv");
    predictions(&out, &random, |_, k| {
        // SplitMix64's finalizer: no structure left of the row number.
        let mut z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64
    });
    let v = json(&synthdata(
        dir.path(),
        &["score", "out", "random.csv", "--json"],
    ));
    let prevalence = v["entry"]["positives"].as_f64().expect("positives") / 40000.0;
    let ap = v["entry"]["average_precision"].as_f64().expect("AP");
    assert!(
        ap < 5.0 * prevalence + 0.01,
        "random AP {ap}, prevalence {prevalence}"
    );
    // About 0.5 (several hundred labelled entries among 40 000 scrambled rows).
    let auc = v["entry"]["roc_auc"].as_f64().expect("AUC");
    assert!((0.4..0.6).contains(&auc), "random AUC {auc}");
    let text = synthdata(dir.path(), &["score", "out", "random.csv"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("scheme   all"));

    // Refused, naming the file and what was expected.
    std::fs::write(dir.path().join("bad.csv"), "id,p\nx,1\n").expect("write");
    let bad = synthdata(dir.path(), &["score", "out", "bad.csv"]);
    let err = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.csv") && err.contains("entry_id and score"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("stranger.csv"),
        "entry_id,score\n00000000-0000-4000-8000-000000000001,0.5\n",
    )
    .expect("write");
    let bad = synthdata(dir.path(), &["score", "out", "stranger.csv"]);
    let err = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(err.contains("not entries of this run"), "{err}");
    std::fs::write(
        dir.path().join("nan.csv"),
        "entry_id,score\n00000000-0000-4000-8000-000000000001,NaN\n",
    )
    .expect("write");
    let bad = synthdata(dir.path(), &["score", "out", "nan.csv"]);
    assert_eq!(bad.status.code(), Some(2));
    #[cfg(unix)]
    {
        // Never read through a symbolic link, and said plainly.
        std::os::unix::fs::symlink(&perfect, dir.path().join("link.csv")).expect("symlink");
        let bad = synthdata(dir.path(), &["score", "out", "link.csv"]);
        let err = String::from_utf8_lossy(&bad.stderr).into_owned();
        assert_eq!(bad.status.code(), Some(2), "{err}");
        assert!(
            err.contains("link.csv") && err.contains("symbolic link"),
            "{err}"
        );
    }
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 2: score \"NaN\""));
    let missing = synthdata(dir.path(), &["score", "nowhere", "perfect.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    let missing = synthdata(dir.path(), &["score", "out", "none.csv"]);
    assert_eq!(missing.status.code(), Some(2));
}
