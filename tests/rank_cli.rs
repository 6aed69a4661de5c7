//! CLI tests of `rank`, `explain` and `analyze` with the real binary.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kolgraph"));
    c.arg("--no-progress");
    c
}

fn karate() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/public/karate/karate.edges.tsv")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

#[test]
fn bad_config_is_an_error_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[blend]\npurchase = -2\n").unwrap();
    let k = karate();
    let o = run(&[
        "rank",
        k.to_str().unwrap(),
        "--undirected",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("blend.purchase"), "{err}");
    let o = run(&[
        "rank",
        k.to_str().unwrap(),
        "--undirected",
        "--network-weight",
        "0",
        "--purchase-weight",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rank_json_has_every_customer_and_explain_rejects_unknown_ids() {
    assert!(karate().exists(), "fixture missing");
    let k = karate();
    let k = k.to_str().unwrap();
    let o = run(&["rank", k, "--undirected", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["customers"], 34);
    let ranking = v["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 34);
    assert_eq!(ranking[0]["rank"], 1);
    assert!(ranking[0]["purchase"]["rfm"].is_null());
    assert_eq!(ranking[0]["purchase"]["r"], 0);
    // Same seed, different thread counts: byte-identical.
    let a = run(&[
        "--threads",
        "1",
        "rank",
        k,
        "--undirected",
        "--format",
        "csv",
    ]);
    let b = run(&[
        "--threads",
        "2",
        "rank",
        k,
        "--undirected",
        "--format",
        "csv",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let o = run(&["explain", k, "--undirected", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nobody"));
    let o = run(&["explain", k, "--undirected", "0", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["customer"]["id"], "0");
    assert!(e["summary"].as_array().unwrap().len() >= 4);
}

#[test]
fn analyze_writes_the_output_folder() {
    assert!(karate().exists(), "fixture missing");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let k = karate();
    let o = run(&[
        "analyze",
        k.to_str().unwrap(),
        "--undirected",
        "--out",
        out.to_str().unwrap(),
        "--damping",
        "0.8",
        "--bc-samples",
        "8",
        "--method",
        "louvain",
        "--runs",
        "200",
        "--seed-method",
        "degree",
        "-v",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in ["ranking.csv", "ranking.json", "summary.json"] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["graph"]["customers"], 34);
    assert_eq!(s["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    // Every phase carries its wall time and (on Linux) its peak RSS; ingest comes first.
    let phases = s["phases"].as_array().unwrap();
    assert!(phases.len() >= 8, "{phases:?}");
    assert_eq!(phases[0]["name"], "ingest");
    for p in phases {
        assert!(p["seconds"].as_f64().unwrap() >= 0.0, "{p}");
        if cfg!(target_os = "linux") {
            assert!(p["peak_rss_bytes"].as_u64().unwrap() > 0, "{p}");
        }
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("phase    betweenness"), "{err}");
    // The algorithm flags are echoed in the parameters.
    let prm = &s["parameters"];
    assert_eq!(prm["pagerank"]["damping"], 0.8);
    assert_eq!(prm["betweenness"]["samples"], 8);
    assert_eq!(prm["community"]["method"], "louvain");
    assert_eq!(prm["spread"]["runs"], 200);
    assert_eq!(prm["seed_method"], "degree");
    assert_eq!(prm["rank"]["blend"]["method"], "value");
    let csv = std::fs::read_to_string(out.join("ranking.csv")).unwrap();
    assert_eq!(csv.lines().count(), 35);
}

#[test]
fn analyze_on_the_fixture_writes_every_output_and_all_nine_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "analyze",
        "fixtures/community",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in [
        "ranking.csv",
        "ranking.json",
        "communities.csv",
        "seeds.csv",
        "summary.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    for k in [
        "degree",
        "lorenz",
        "communities",
        "spread",
        "seeds",
        "quadrant",
        "rankshift",
        "smallworld",
        "ego",
    ] {
        for ext in ["png", "svg", "csv"] {
            let p = out.join("charts").join(format!("{k}.{ext}"));
            let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            assert!(len > 100, "{} missing or empty", p.display());
        }
    }
    // The seed chart compares the chosen method with the two baselines.
    let seeds = std::fs::read_to_string(out.join("charts/seeds.csv")).unwrap();
    for m in ["IMM", "top degree", "top PageRank"] {
        assert!(seeds.contains(m), "seeds.csv lacks {m}: {seeds}");
    }
}

#[test]
fn analyze_outputs_are_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("out{t}"));
            let o = run(&[
                "analyze",
                "fixtures/community",
                "--out",
                out.to_str().unwrap(),
                "--threads",
                t,
                "--runs",
                "500",
            ]);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            out
        })
        .collect();
    for f in [
        "ranking.csv",
        "ranking.json",
        "seeds.csv",
        "communities.csv",
        "charts/seeds.csv",
    ] {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and 2");
    }
    // The seed summary records IMM's requested and effective ε and the RR sets of the curves.
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outs[0].join("summary.json")).unwrap()).unwrap();
    let seeds = &s["results"]["seeds"];
    assert_eq!(seeds["epsilon"], 0.1);
    assert!(
        seeds["epsilon_effective"].as_f64().unwrap() >= 0.1,
        "{seeds}"
    );
    assert!(
        seeds["curves_rr_sets"].as_u64().unwrap() >= 50_000,
        "{seeds}"
    );
}
