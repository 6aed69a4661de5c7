//! `kolgraph centrality` end to end: JSON shape, input ids, ranks, personalization file, and
//! byte-identical output for --threads 1 and 2.

use std::path::Path;
use std::process::Command;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/centrality")
        .join(name)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .output()
        .expect("run kolgraph");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn json_all_is_deterministic_and_complete() {
    let karate = data("karate.edges.tsv");
    let base = [
        "--no-progress",
        "centrality",
        &karate,
        "--undirected",
        "--algo",
        "all",
        "--format",
        "json",
        "--samples",
        "10",
    ];
    let (c1, o1, e1) = run(&[&["--threads", "1"], &base[..]].concat());
    let (c2, o2, _) = run(&[&["--threads", "2"], &base[..]].concat());
    assert_eq!(c1, 0, "{e1}");
    assert_eq!(c2, 0);
    assert_eq!(o1, o2, "output differs between 1 and 2 threads");
    let v: serde_json::Value = serde_json::from_slice(&o1).expect("json");
    let nodes = v["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 34);
    // Karate: node 33 has the highest PageRank, then 0 (NetworkX).
    assert_eq!(nodes[0]["id"], "33");
    assert_eq!(nodes[0]["rank"], 1);
    assert_eq!(nodes[1]["id"], "0");
    for key in [
        "pagerank",
        "leaderrank",
        "hub",
        "authority",
        "in_degree",
        "betweenness",
        "betweenness_se",
        "core",
    ] {
        assert!(nodes[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["results"]["pagerank"]["converged"], true);
    assert!(v["results"]["pagerank"]["iterations"].as_u64().unwrap_or(0) > 0);
    assert_eq!(v["results"]["betweenness"]["sources"], 10);
    assert_eq!(v["results"]["kcore"]["degeneracy"], 4);
    assert!(v["parameters"]["pagerank"]["damping"].as_f64().is_some());
}

#[test]
fn top_csv_and_personalization_file() {
    let g = data("directed.edges.tsv");
    let dir = tempfile::tempdir().expect("tmp");
    let pf = dir.path().join("p.csv");
    std::fs::write(&pf, "id,weight\n12,1\n").expect("write");
    let pfs = pf.display().to_string();
    let (c, o, e) = run(&[
        "centrality",
        &g,
        "--algo",
        "pagerank",
        "--personalize-file",
        &pfs,
        "--format",
        "csv",
        "--top",
        "3",
    ]);
    assert_eq!(c, 0, "{e}");
    let text = String::from_utf8(o).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "rank,id,pagerank");
    assert_eq!(lines.len(), 4);
    // Unknown id in the personalization file is an error (exit 2).
    std::fs::write(&pf, "nobody,1\n").expect("write");
    let (c, _, e) = run(&["centrality", &g, "--personalize-file", &pfs]);
    assert_eq!(c, 2, "{e}");
    // An iteration cap that is too small fails --require-converged with exit 1.
    let (c, _, _) = run(&[
        "centrality",
        &g,
        "--pr-max-iter",
        "2",
        "--require-converged",
    ]);
    assert_eq!(c, 1);
    // Bad parameter: exit 2.
    let (c, _, e) = run(&["centrality", &g, "--damping", "1.5"]);
    assert_eq!(c, 2);
    assert!(e.contains("damping"), "{e}");
}
