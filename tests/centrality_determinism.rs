//! Bit-identical centralities for 1 and 2 rayon threads, on a graph larger than one chunk.

use kolgraph::algo::centrality::betweenness::{self, betweenness, BetweennessConfig};
use kolgraph::algo::centrality::hits::{hits, HitsConfig};
use kolgraph::algo::centrality::leaderrank::{leaderrank, LeaderRankConfig};
use kolgraph::algo::centrality::pagerank::{pagerank, PageRankConfig, PrPrecision};
use kolgraph::algo::rng::{rng_for, Stream};
use kolgraph::graph::CsrGraph;
use rand::Rng;

/// A seeded random directed weighted graph with dangling nodes and self-loops (n > NODE_CHUNK).
fn graph() -> CsrGraph {
    let n = 9000u32;
    let mut rng = rng_for(5, Stream::Other, 0);
    let arcs: Vec<(u32, u32, f32)> = (0..40_000)
        .map(|_| {
            let u = rng.gen_range(0..n - 500); // the last 500 nodes are dangling
            let v = if rng.gen_bool(0.01) {
                u
            } else {
                rng.gen_range(0..n)
            };
            (u, v, f32::from(rng.gen_range(1u8..5)) * 0.5)
        })
        .collect();
    CsrGraph::from_arcs(n as usize, &arcs, true)
}

fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

fn run_all(g: &CsrGraph) -> Vec<Vec<u64>> {
    let p: Vec<f64> = (0..g.n()).map(|i| (i % 7) as f64).collect();
    let pr = pagerank(g, &PageRankConfig::default(), None).expect("pr");
    let ppr = pagerank(g, &PageRankConfig::default(), Some(&p)).expect("ppr");
    let fast = PageRankConfig {
        precision: PrPrecision::Fast,
        ..Default::default()
    };
    let fpr = pagerank(g, &fast, None).expect("fast pr");
    let fppr = pagerank(g, &fast, Some(&p)).expect("fast ppr");
    let lr = leaderrank(g, &LeaderRankConfig::default()).expect("lr");
    let h = hits(g, &HitsConfig::default()).expect("hits");
    let bc = betweenness(
        g,
        &BetweennessConfig {
            samples: Some(40),
            ..Default::default()
        },
        3,
    )
    .expect("bc");
    vec![
        bits(&pr.scores),
        bits(&ppr.scores),
        bits(&fpr.scores),
        bits(&fppr.scores),
        bits(&lr.scores),
        bits(&h.hubs),
        bits(&h.authorities),
        bits(&bc.scores),
        bits(bc.std_error.as_deref().unwrap_or(&[])),
    ]
}

#[test]
fn same_bits_for_one_and_two_threads() {
    let g = graph();
    let pool = |k| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .expect("pool")
    };
    let one = pool(1).install(|| run_all(&g));
    let two = pool(2).install(|| run_all(&g));
    let three = pool(3).install(|| run_all(&g));
    assert_eq!(one, two);
    assert_eq!(one, three);
}

/// A sparse random undirected graph above `RELABEL_MIN_NODES`, so sampled betweenness runs its
/// degree-relabelled BFS kernel.
fn big_undirected(weights: f32) -> CsrGraph {
    let n = betweenness::RELABEL_MIN_NODES as u32 + 1000;
    let mut rng = rng_for(6, Stream::Other, 0);
    let mut edges: Vec<(u32, u32, f32)> = (0..3 * n)
        .map(|i| {
            // A hub-heavy mix: a third of the edges touch one of 50 hubs.
            let u = if i % 3 == 0 {
                rng.gen_range(0..50)
            } else {
                rng.gen_range(0..n)
            };
            let v = rng.gen_range(0..n);
            (u.min(v), u.max(v), weights)
        })
        .filter(|e| e.0 != e.1)
        .collect();
    // Simple graph: merged duplicates would weigh 2 (length 1/2) in the weighted comparison.
    edges.sort_by_key(|e| (e.0, e.1));
    edges.dedup_by_key(|e| (e.0, e.1));
    CsrGraph::from_undirected_edges(n as usize, &edges, true)
}

#[test]
fn relabelled_betweenness_is_deterministic_and_matches_dijkstra() {
    let g = big_undirected(1.0);
    let cfg = BetweennessConfig {
        samples: Some(6),
        ..Default::default()
    };
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .expect("pool")
            .install(|| betweenness(&g, &cfg, 9).expect("bc"))
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(bits(&one.scores), bits(&two.scores));
    // Unit weights: Dijkstra distances are hop counts, so the weighted kernel (NodeId order,
    // predecessor accumulation, no relabelling) computes the same values up to rounding.
    let w = betweenness(
        &g,
        &BetweennessConfig {
            weighted: true,
            ..cfg.clone()
        },
        9,
    )
    .expect("weighted bc");
    assert!(one.scores.iter().any(|&x| x > 0.0));
    for (a, b) in one.scores.iter().zip(&w.scores) {
        assert!((a - b).abs() <= 1e-12 + 1e-9 * b.abs(), "{a} vs {b}");
    }
}
