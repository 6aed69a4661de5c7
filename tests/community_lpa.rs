//! Label propagation against a naive reference: every node evaluated in every round, one
//! ordered map per node, rounds run to the cap. kolgraph's version (active set, sorted small
//! rows, dense accumulator for long rows, period-2 shortcut) must give the same partition for
//! every round cap, for 1 and 2 threads.

use kolgraph::algo::community::{self, canonicalize, CommunityConfig, Method};
use kolgraph::algo::rng::{coin, hash3};
use kolgraph::graph::{Csr, CsrGraph};
use std::collections::BTreeMap;

fn with_threads<T: Send>(k: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .expect("pool")
        .install(f)
}

/// The documented rule, spelled out: each round every node takes the label of largest total
/// weight among its neighbours (self-loops ignored, sums in row order), ties to the smallest
/// label; a node without other neighbours keeps its label; stop when nothing changes or after
/// `cap` rounds. Returns (canonical labels, rounds run).
fn reference(g: &Csr, cap: u32) -> (Vec<u32>, u32) {
    let n = g.n();
    let mut labels: Vec<u32> = (0..n as u32).collect();
    let mut rounds = 0;
    while rounds < cap {
        rounds += 1;
        let next: Vec<u32> = (0..n as u32)
            .map(|v| {
                let mut w: BTreeMap<u32, f64> = BTreeMap::new();
                for (&u, &x) in g.neighbors(v).iter().zip(g.weights_of(v)) {
                    if u != v {
                        *w.entry(labels[u as usize]).or_insert(0.0) += f64::from(x);
                    }
                }
                let mut best = labels[v as usize];
                let mut best_w = f64::NEG_INFINITY;
                for (&l, &x) in &w {
                    if x > best_w {
                        best_w = x;
                        best = l;
                    }
                }
                best
            })
            .collect();
        let same = next == labels;
        labels = next;
        if same {
            break;
        }
    }
    canonicalize(&mut labels);
    (labels, rounds)
}

fn graph(n: usize, edges: &[(u32, u32, f32)]) -> Csr {
    Csr::clone(&CsrGraph::from_undirected_edges(n, edges, true).undirected())
}

/// Planted groups plus hubs of degree > 64 (the dense-accumulator path), weights 1–3.
fn planted_with_hubs(n: u32, groups: u32, seed: u64) -> Csr {
    let mut edges = Vec::new();
    for u in 0..n {
        for k in 0..8u64 {
            let h = hash3(seed, u64::from(u), k);
            let v = if coin(seed, u64::from(u), k) < 0.7 {
                (u % groups) + groups * (h % u64::from(n / groups)) as u32
            } else {
                (h % u64::from(n)) as u32
            };
            if v != u {
                edges.push((u, v, 1.0 + (h % 3) as f32));
            }
        }
    }
    for hub in 0..4u32 {
        for k in 0..300u64 {
            let v = (hash3(seed, 0x4B, u64::from(hub) * 1000 + k) % u64::from(n)) as u32;
            if v != hub {
                edges.push((hub, v, 1.0));
            }
        }
    }
    graph(n as usize, &edges)
}

/// Structures that oscillate under synchronous updates (an edge, a star, a 4-cycle, a
/// complete bipartite graph) beside a triangle that settles at once.
fn oscillating() -> Csr {
    let mut e = vec![(0, 1, 1.0)];
    e.extend((3..8).map(|v| (2, v, 1.0)));
    e.extend([(8, 9, 1.0), (9, 10, 1.0), (10, 11, 1.0), (11, 8, 1.0)]);
    for a in 12..15 {
        for b in 15..18 {
            e.push((a, b, 1.0));
        }
    }
    e.extend([(18, 19, 2.0), (19, 20, 2.0), (20, 18, 2.0)]);
    graph(21, &e)
}

#[test]
fn same_partition_as_the_naive_reference_for_every_round_cap() {
    let graphs = [
        ("planted", planted_with_hubs(6000, 30, 3)),
        ("oscillating", oscillating()),
    ];
    let mut shortcut_seen = false;
    for (name, g) in &graphs {
        for cap in [1, 2, 3, 4, 5, 8, 13, 19, 20, 21] {
            let cfg = CommunityConfig {
                method: Method::Lpa,
                max_iterations: cap,
                ..CommunityConfig::default()
            };
            let (want, ref_rounds) = reference(g, cap);
            for t in [1, 2] {
                let got = with_threads(t, || community::detect(g, &cfg, 1).expect("lpa"));
                assert_eq!(got.community, want, "{name} cap {cap} threads {t}");
                assert!(got.iterations <= ref_rounds, "{name} cap {cap}");
                if got.iterations < ref_rounds {
                    shortcut_seen = true;
                }
            }
        }
    }
    // The oscillating graph never settles: the period-2 shortcut must have ended it early.
    assert!(shortcut_seen);
}
