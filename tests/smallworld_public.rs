//! Small-world metrics against the networkx/igraph oracles (tests/data/spread).
#![allow(clippy::unwrap_used)]

use kolgraph::algo::small_world::{analyze, SmallWorldConfig};
use kolgraph::graph::CsrGraph;
use serde_json::Value;

fn load(name: &str) -> (CsrGraph, Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/spread/");
    let opts = kolgraph::ingest::IngestOptions {
        undirected: true,
        ..Default::default()
    };
    let ds = kolgraph::ingest::load(
        std::path::Path::new(&format!("{dir}{name}.edges.tsv")),
        &opts,
    )
    .unwrap();
    let g = CsrGraph::from_property(&ds.graph, &Default::default(), true);
    let o = serde_json::from_str(&std::fs::read_to_string(format!("{dir}{name}.json")).unwrap())
        .unwrap();
    (g, o)
}

#[test]
fn clustering_paths_sigma_omega_match_networkx() {
    for name in ["karate", "football", "polbooks", "dolphins", "lesmis"] {
        let (g, o) = load(name);
        let r = analyze(&g, &SmallWorldConfig::default(), 7).unwrap();
        let f = |p: &str| o.pointer(p).unwrap().as_f64().unwrap();
        assert!(
            (r.avg_clustering - f("/clustering/average_clustering")).abs() <= 1e-9,
            "{name}"
        );
        assert!(
            (r.transitivity - f("/clustering/transitivity")).abs() <= 1e-9,
            "{name}"
        );
        assert_eq!(r.triangles as f64, f("/clustering/triangles"));
        assert!(r.exact);
        let l = f("/shortest_paths/average_shortest_path_length");
        assert!((r.avg_path_length - l).abs() <= 1e-9, "{name}");
        assert_eq!(f64::from(r.diameter), f("/shortest_paths/diameter"));
        let (s, w) = (r.sigma.unwrap(), r.omega.unwrap());
        let (os, ow) = (f("/small_world/sigma"), f("/small_world/omega"));
        assert!(
            (s - os).abs() <= 0.25 * os && (s > 1.0) == (os > 1.0),
            "{name}: sigma {s} vs {os}"
        );
        assert!((w - ow).abs() <= 0.15, "{name}: omega {w} vs {ow}");
        assert!(r.effective_diameter > 1.0 && r.effective_diameter <= f64::from(r.diameter));
    }
}

#[test]
fn sampled_path_length_interval_covers_exact_value() {
    let (g, o) = load("football");
    let cfg = SmallWorldConfig {
        exact_threshold: 10,
        samples: 40,
        no_baselines: true,
        ..Default::default()
    };
    let r = analyze(&g, &cfg, 3).unwrap();
    assert!(!r.exact);
    assert_eq!(r.sources, 40);
    let l = o
        .pointer("/shortest_paths/average_shortest_path_length")
        .unwrap()
        .as_f64()
        .unwrap();
    let half = (r.ci95.1 - r.ci95.0) / 2.0;
    assert!(
        (r.avg_path_length - l).abs() <= 2.0 * half + 0.01,
        "{r:?} vs {l}"
    );
    assert!(r.sigma.is_none());
}

#[test]
fn ring_lattice_and_random_graph_verdicts() {
    // Ring lattice, 200 nodes, each joined to 3 neighbours per side: high C, long paths, ω < 0.
    let n = 200u32;
    let mut e = Vec::new();
    for v in 0..n {
        for k in 1..=3 {
            e.push((v, (v + k) % n, 1.0));
        }
    }
    let g = CsrGraph::from_undirected_edges(n as usize, &e, false);
    let r = analyze(&g, &SmallWorldConfig::default(), 1).unwrap();
    assert!(
        (r.avg_clustering - 0.6).abs() < 1e-12,
        "{}",
        r.avg_clustering
    );
    assert!(r.omega.unwrap() < -0.5, "{:?}", r.omega);
    // Its random rewiring is random-like: ω near +1... at least clearly above the lattice's.
    let b = r.baselines.unwrap();
    assert!(b.random_path_length.mean < r.avg_path_length / 3.0);
}
