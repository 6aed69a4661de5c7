//! CLI of simulate, seeds and smallworld: outputs parse, ids are external, threads do not matter.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn kolgraph(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const KARATE: &str = "tests/data/spread/karate.edges.tsv";

#[test]
fn simulate_json_is_identical_for_any_thread_count() {
    let args = |t: &'static str| {
        vec![
            "--threads",
            t,
            "--no-progress",
            "simulate",
            KARATE,
            "--undirected",
            "--seeds",
            "33,0",
            "--runs",
            "3000",
            "--model",
            "icn",
            "--format",
            "json",
        ]
    };
    let (c1, a) = kolgraph(&args("1"));
    let (c2, b) = kolgraph(&args("2"));
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["seeds"][0], "33");
    let e = &v["estimate"];
    let total = e["mean"].as_f64().unwrap();
    let pos = e["positive_mean"].as_f64().unwrap();
    let neg = e["negative_mean"].as_f64().unwrap();
    assert!((pos + neg - total).abs() < 1e-9 && neg > 0.0);
    assert!(e["per_step_mean"].as_array().unwrap().len() >= 2);
}

#[test]
fn seeds_and_smallworld_tables_and_errors() {
    let (code, out) = kolgraph(&[
        "seeds",
        KARATE,
        "--undirected",
        "--k",
        "3",
        "--method",
        "celf",
        "--runs",
        "2000",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "rank,id,marginal_gain,cumulative_spread,cost");
    assert!(lines[1].starts_with("1,33,"));
    let (code, out) = kolgraph(&["smallworld", KARATE, "--undirected", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!((v["result"]["transitivity"].as_f64().unwrap() - 0.2556818181818182).abs() < 1e-12);
    // Unknown seed id and a bad probability are errors (exit 2), nothing on stdout.
    let (code, out) = kolgraph(&["simulate", KARATE, "--undirected", "--seeds", "nobody"]);
    assert_eq!((code, out.as_str()), (2, ""));
    let (code, _) = kolgraph(&[
        "simulate",
        KARATE,
        "--undirected",
        "--top-k",
        "3",
        "--p",
        "2",
    ]);
    assert_eq!(code, 2);
}
