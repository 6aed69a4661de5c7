//! Bit-identical centralities for 1 and 2 rayon threads, on a graph larger than one chunk.

use kolgraph::algo::centrality::betweenness::{betweenness, BetweennessConfig};
use kolgraph::algo::centrality::hits::{hits, HitsConfig};
use kolgraph::algo::centrality::leaderrank::{leaderrank, LeaderRankConfig};
use kolgraph::algo::centrality::pagerank::{pagerank, PageRankConfig};
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
