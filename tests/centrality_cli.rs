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

#[test]
fn write_edge_list_gives_each_undirected_pair_once() {
    let g = data("directed.edges.tsv");
    let dir = tempfile::tempdir().expect("tmp");
    let el = dir.path().join("g.el");
    let els = el.display().to_string();
    let (c, _, e) = run(&[
        "centrality",
        &g,
        "--algo",
        "degree",
        "--write-edge-list",
        &els,
    ]);
    assert_eq!(c, 0, "{e}");
    let mut got: Vec<(u32, u32)> = std::fs::read_to_string(&el)
        .expect("read")
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').expect("two fields");
            (a.parse().expect("u"), b.parse().expect("v"))
        })
        .collect();
    let n = got.len();
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), n, "a pair was written twice");
    assert!(got.iter().all(|&(u, v)| u < v), "u < v, no self-loops");
    // Expected: the input's pairs in 0-based first-appearance numbering, direction dropped.
    let text = std::fs::read_to_string(&g).expect("read");
    let mut ids: Vec<String> = Vec::new();
    let mut want: Vec<(u32, u32)> = Vec::new();
    for l in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = l.split_whitespace().collect();
        let mut num = |s: &str| match ids.iter().position(|x| x == s) {
            Some(i) => i as u32,
            None => {
                ids.push(s.to_string());
                ids.len() as u32 - 1
            }
        };
        let (a, b) = (num(f[0]), num(f[1]));
        if a != b {
            want.push((a.min(b), a.max(b)));
        }
    }
    want.sort_unstable();
    want.dedup();
    assert_eq!(got, want);
}

#[test]
fn csr_moved_out_of_the_table_equals_the_copied_one() {
    use kolgraph::graph::{CsrGraph, WeightView};
    use kolgraph::ingest::{load, IngestOptions};
    for (file, undirected) in [("directed.edges.tsv", false), ("karate.edges.tsv", true)] {
        let opts = IngestOptions {
            undirected,
            ..Default::default()
        };
        let mut ds = load(Path::new(&data(file)), &opts).expect("load");
        for view in [
            WeightView::default(),
            WeightView {
                unweighted: true,
                ..Default::default()
            },
        ] {
            let copied = CsrGraph::from_property(&ds.graph, &view, undirected);
            let mut ds2 = load(Path::new(&data(file)), &opts).expect("load");
            let moved = CsrGraph::from_property_take(&mut ds2.graph, &view, undirected);
            assert_eq!(*moved.out, *copied.out, "{file}");
            assert_eq!(*moved.inc, *copied.inc, "{file}");
            assert_eq!(moved.weighted, copied.weighted);
            assert_eq!(ds2.graph.edge_count(), 0, "the table was moved out");
            assert_eq!(ds2.graph.node_count(), ds.graph.node_count());
        }
        // Moving out of the same graph twice leaves an edgeless CSR, not a panic.
        let _ = CsrGraph::from_property_take(&mut ds.graph, &WeightView::default(), undirected);
        let empty = CsrGraph::from_property_take(&mut ds.graph, &WeightView::default(), undirected);
        assert_eq!(empty.m(), 0);
        assert_eq!(empty.n(), ds.graph.node_count());
    }
}

/// `--algo pagerank` alone frees all-ones arc weights before PageRank runs (and keeps real
/// weights); its scores must be the same bits as the `--algo all` run, which keeps them.
#[test]
fn pagerank_alone_equals_pagerank_in_all() {
    let scores = |v: &serde_json::Value| -> Vec<(String, u64)> {
        let mut s: Vec<(String, u64)> = v["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| {
                let x = n["pagerank"].as_f64().expect("score");
                (n["id"].as_str().expect("id").to_string(), x.to_bits())
            })
            .collect();
        s.sort();
        s
    };
    for (file, und, precision) in [
        ("karate.edges.tsv", true, "exact"),
        ("karate.edges.tsv", true, "fast"),
        ("directed.edges.tsv", false, "exact"),
        ("lesmis.edges.tsv", true, "fast"),
    ] {
        let g = data(file);
        let mut base = vec!["centrality", g.as_str(), "--format", "json"];
        if und {
            base.push("--undirected");
        }
        base.extend(["--pr-precision", precision, "--samples", "4", "--algo"]);
        let (c1, o1, e1) = run(&[&base[..], &["pagerank"]].concat());
        let (c2, o2, e2) = run(&[&base[..], &["all"]].concat());
        assert_eq!(c1, 0, "{e1}");
        assert_eq!(c2, 0, "{e2}");
        let v1: serde_json::Value = serde_json::from_slice(&o1).expect("json");
        let v2: serde_json::Value = serde_json::from_slice(&o2).expect("json");
        assert_eq!(scores(&v1), scores(&v2), "{file} {precision}");
        assert_eq!(v1["graph"], v2["graph"], "{file}");
    }
}

/// The centrality command frees the id → node map after its id lookups; lookups afterwards
/// still answer (by a scan), and inserting a node afterwards rebuilds the map.
#[test]
fn released_id_index_still_resolves_ids() {
    use kolgraph::graph::NodeKind;
    use kolgraph::ingest::{load, IngestOptions};
    let mut ds = load(
        Path::new(&data("karate.edges.tsv")),
        &IngestOptions::default(),
    )
    .expect("load");
    let g = &mut ds.graph;
    let n = g.node_count();
    let before: Vec<Option<u32>> = (0..n as u32).map(|v| g.index_of(g.id(v))).collect();
    g.release_id_index();
    for v in 0..n as u32 {
        assert_eq!(g.index_of(g.id(v)), before[v as usize]);
        assert_eq!(before[v as usize], Some(v));
    }
    assert_eq!(g.index_of("no such id"), None);
    let first = g.id(0).to_string();
    assert_eq!(
        g.ensure_node(&first, NodeKind::Customer),
        0,
        "map rebuilt, no duplicate"
    );
    let w = g.ensure_node("a-new-node-with-a-rather-long-id", NodeKind::Brand);
    assert_eq!(w as usize, n);
    assert_eq!(g.index_of("a-new-node-with-a-rather-long-id"), Some(w));
    assert_eq!(g.id(w), "a-new-node-with-a-rather-long-id");
}
