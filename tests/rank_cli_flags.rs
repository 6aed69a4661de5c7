//! CLI tests (real binary) of issue 6's leftovers: `report` takes the ranking/algorithm flags of
//! `analyze` and `rank`; `seeds` prints the effective ε when IMM is capped; and the ranking
//! JSON switches to compact output only above its documented size.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .arg("--no-progress")
        .args(args)
        .output()
        .unwrap()
}

fn karate() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/public/karate/karate.edges.tsv")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn report_accepts_the_ranking_and_algorithm_flags() {
    let k = karate();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let o = run(&[
        "report",
        &k,
        "--undirected",
        "--out",
        out.to_str().unwrap(),
        "--network-weight",
        "0.8",
        "--purchase-weight",
        "0.2",
        "--seeds",
        "3",
        "--bc-samples",
        "0",
        "--epsilon",
        "0.2",
        "--runs",
        "200",
        "--seed-method",
        "degree",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("report.html").is_file());
    // The seed chart has the chosen method's 3 seeds (a prefix curve of 3 points per method).
    let seeds = std::fs::read_to_string(out.join("seeds.csv")).unwrap();
    let degree_rows = seeds.lines().filter(|l| l.contains("top degree")).count();
    assert_eq!(degree_rows, 3, "{seeds}");
    // Invalid values are rejected like in `analyze` (usage error, before any work).
    let o = run(&[
        "report",
        &k,
        "--undirected",
        "--out",
        out.to_str().unwrap(),
        "--network-weight",
        "0",
        "--purchase-weight",
        "0",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[blend]\npurchase = -2\n").unwrap();
    let o = run(&[
        "report",
        &k,
        "--undirected",
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("blend.purchase"));
}

#[test]
fn capped_imm_prints_the_effective_epsilon() {
    let k = karate();
    let o = run(&[
        "seeds",
        &k,
        "--undirected",
        "--k",
        "3",
        "--epsilon",
        "0.1",
        "--max-rr-sets",
        "100",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let imm = &j["imm"];
    assert_eq!(imm["capped"], true, "{imm}");
    let eff = imm["epsilon_effective"].as_f64().unwrap();
    assert!(eff > 0.1, "{imm}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("epsilon_effective") && err.contains(&format!("{eff:.4}")),
        "stderr does not give the effective epsilon {eff:.4}: {err}"
    );
    // Uncapped: no such warning.
    let o = run(&["seeds", &k, "--undirected", "--k", "3", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("epsilon_effective"));
}

#[test]
fn small_rankings_stay_pretty_and_large_ones_are_compact() {
    use kolgraph::cli::commands::rank::{ranking_json_pretty, RANKING_JSON_PRETTY_MAX};
    assert!(ranking_json_pretty(34));
    assert!(ranking_json_pretty(RANKING_JSON_PRETTY_MAX));
    assert!(!ranking_json_pretty(RANKING_JSON_PRETTY_MAX + 1));
    // The fixture-sized ranking is the pretty document it always was.
    let o = run(&["rank", &karate(), "--undirected", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.starts_with("{\n  \""), "{}", &s[..40.min(s.len())]);
    // The compact writer gives the same document on one line.
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.json");
    kolgraph::output::table::write_json_as(Some(&p), &v, false).unwrap();
    let c = std::fs::read_to_string(&p).unwrap();
    assert_eq!(c.lines().count(), 1);
    assert!(c.len() < s.len());
    assert_eq!(serde_json::from_str::<serde_json::Value>(&c).unwrap(), v);
}
