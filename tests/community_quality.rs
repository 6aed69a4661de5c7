//! Community detection quality against stored references (tests/data/community, made by
//! scripts/oracles/community.py from ../shared/data): modularity equals networkx's, Leiden reaches
//! igraph Leiden's median modularity − 0.005, NMI vs football conferences ≥ 0.85, connected
//! Leiden communities, byte-identical partitions for 1 and 2 threads.

use kolgraph::algo::community::{self, quality, CommunityConfig, Method, Objective, Partition};
use kolgraph::algo::rng::DEFAULT_SEED;
use kolgraph::graph::{Csr, CsrGraph};
use serde_json::Value;
use std::path::PathBuf;

const NAMES: [&str; 5] = ["karate", "football", "polbooks", "dolphins", "lesmis"];

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/community")
        .join(name)
}

/// The undirected view of an edge list whose ids are 0-based integers (id = NodeId).
fn load(name: &str, weighted: bool) -> Csr {
    let text = std::fs::read_to_string(data(&format!("{name}.edges.tsv"))).expect("edge file");
    let mut edges = Vec::new();
    let mut n = 0u32;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let u: u32 = f[0].parse().expect("id");
        let v: u32 = f[1].parse().expect("id");
        let w: f32 = if weighted && f.len() > 2 {
            f[2].parse().expect("weight")
        } else {
            1.0
        };
        n = n.max(u + 1).max(v + 1);
        edges.push((u, v, w));
    }
    Csr::clone(&CsrGraph::from_undirected_edges(n as usize, &edges, weighted).undirected())
}

fn oracle(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(&format!("{name}.json"))).expect("json"))
        .expect("valid json")
}

fn with_threads<T: Send>(k: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .expect("pool")
        .install(f)
}

fn cfg(method: Method) -> CommunityConfig {
    CommunityConfig {
        method,
        ..CommunityConfig::default()
    }
}

#[test]
fn modularity_equals_networkx() {
    let mut checked = 0;
    for name in NAMES {
        let o = oracle(name);
        for c in o["checks"].as_array().expect("checks") {
            let weighted = c["weighted"].as_bool().expect("bool");
            let g = load(name, weighted);
            let m: Vec<u32> = c["membership"]
                .as_array()
                .expect("membership")
                .iter()
                .map(|x| x.as_u64().expect("label") as u32)
                .collect();
            let gamma = c["resolution"].as_f64().expect("gamma");
            let want = c["modularity"].as_f64().expect("q");
            let got = quality::modularity(&g, &m, gamma);
            assert!(
                (got - want).abs() <= 1e-9,
                "{name} weighted={weighted} γ={gamma}: {got} vs networkx {want}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5 * 12, "too few checks: {checked}");
}

fn check_partition(name: &str, g: &Csr, p: &Partition) {
    assert_eq!(p.community.len(), g.n());
    let max = *p.community.iter().max().expect("nodes") as usize;
    assert_eq!(max + 1, p.count, "{name}: ids not dense");
    // Sizes non-increasing with id (0 = largest).
    let mut size = vec![0usize; p.count];
    for &c in &p.community {
        size[c as usize] += 1;
    }
    assert!(size.windows(2).all(|w| w[0] >= w[1]), "{name}: {size:?}");
    let q = quality::modularity(g, &p.community, 1.0);
    assert!(
        (q - p.modularity).abs() < 1e-12,
        "{name}: reported modularity differs"
    );
}

#[test]
fn leiden_reaches_igraph_median() {
    for name in NAMES {
        let g = load(name, false);
        let p = community::detect(&g, &cfg(Method::Leiden), DEFAULT_SEED).expect("leiden");
        check_partition(name, &g, &p);
        let median = oracle(name)["igraph_leiden_modularity_median"]
            .as_f64()
            .expect("median");
        let best = oracle(name)["best_modularity_any_peer"]
            .as_f64()
            .expect("best");
        eprintln!(
            "{name}: leiden Q = {:.4} (igraph median {median:.4})",
            p.modularity
        );
        assert!(
            p.modularity >= median - 0.005,
            "{name}: {} < {median} − 0.005",
            p.modularity
        );
        assert!(
            p.modularity <= best + 0.005,
            "{name}: suspicious Q {}",
            p.modularity
        );
        assert!(
            quality::disconnected_communities(&g, &p.community).is_empty(),
            "{name}: disconnected community"
        );
    }
}

#[test]
fn louvain_and_lpa_are_reasonable() {
    for name in NAMES {
        let g = load(name, false);
        let median = oracle(name)["igraph_leiden_modularity_median"]
            .as_f64()
            .expect("median");
        let p = community::detect(&g, &cfg(Method::Louvain), DEFAULT_SEED).expect("louvain");
        check_partition(name, &g, &p);
        eprintln!("{name}: louvain Q = {:.4}", p.modularity);
        assert!(
            p.modularity >= median - 0.015,
            "{name}: louvain {}",
            p.modularity
        );
        let l = community::detect(&g, &cfg(Method::Lpa), DEFAULT_SEED).expect("lpa");
        check_partition(name, &g, &l);
        assert!(l.modularity >= 0.0 && l.modularity <= p.modularity + 1e-9);
    }
}

#[test]
fn leiden_communities_connected_for_many_seeds_and_objectives() {
    for name in NAMES {
        let g = load(name, true);
        for seed in 0..8u64 {
            let p = community::detect(&g, &cfg(Method::Leiden), seed).expect("leiden");
            assert!(quality::disconnected_communities(&g, &p.community).is_empty());
            let c = CommunityConfig {
                objective: Objective::Cpm,
                resolution: 0.05,
                ..CommunityConfig::default()
            };
            let p = community::detect(&g, &c, seed).expect("cpm");
            assert!(quality::disconnected_communities(&g, &p.community).is_empty());
            let h = quality::cpm(&g, &p.community, 0.05);
            assert!((h - p.quality).abs() < 1e-9);
            // CPM beats the two trivial partitions.
            let single = vec![0u32; g.n()];
            let alone: Vec<u32> = (0..g.n() as u32).collect();
            assert!(h >= quality::cpm(&g, &single, 0.05) - 1e-9);
            assert!(h >= quality::cpm(&g, &alone, 0.05) - 1e-9);
        }
    }
}

#[test]
fn football_conferences_nmi() {
    let g = load("football", false);
    let text = std::fs::read_to_string(data("football.truth")).expect("truth");
    let mut truth = vec![0u32; g.n()];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        truth[f[0].parse::<usize>().expect("id")] = f[1].parse().expect("conf");
    }
    let p = community::detect(&g, &cfg(Method::Leiden), DEFAULT_SEED).expect("leiden");
    let nmi = quality::nmi(&p.community, &truth);
    eprintln!("football NMI = {nmi:.4}");
    assert!(nmi >= 0.85, "NMI {nmi}");
}

#[test]
fn resolution_changes_granularity() {
    let g = load("lesmis", true);
    let lo = CommunityConfig {
        resolution: 0.3,
        ..CommunityConfig::default()
    };
    let hi = CommunityConfig {
        resolution: 3.0,
        ..CommunityConfig::default()
    };
    let a = community::detect(&g, &lo, 1).expect("lo");
    let b = community::detect(&g, &hi, 1).expect("hi");
    assert!(a.count < b.count, "{} vs {}", a.count, b.count);
}

/// A planted-partition graph big enough to exercise parallel aggregation and LPA rounds.
fn planted(n: u32, groups: u32, seed: u64) -> Csr {
    use kolgraph::algo::rng::{coin, hash3};
    let mut edges = Vec::new();
    for u in 0..n {
        for k in 0..12u64 {
            let h = hash3(seed, u64::from(u), k);
            let v = if coin(seed, u64::from(u), k) < 0.8 {
                // Same group: g + groups * r.
                let r = (h % u64::from(n / groups)) as u32;
                (u % groups) + groups * r
            } else {
                (h % u64::from(n)) as u32
            };
            if v != u {
                edges.push((u, v, 1.0 + (h % 3) as f32));
            }
        }
    }
    Csr::clone(&CsrGraph::from_undirected_edges(n as usize, &edges, true).undirected())
}

#[test]
fn identical_for_one_and_two_threads() {
    let big = planted(20_000, 40, 5);
    let mut graphs: Vec<(String, Csr)> = NAMES
        .iter()
        .map(|&n| (n.to_string(), load(n, true)))
        .collect();
    graphs.push(("planted".into(), big));
    for (name, g) in &graphs {
        for method in [Method::Leiden, Method::Louvain, Method::Lpa] {
            let c = CommunityConfig {
                method,
                trials: 2,
                ..CommunityConfig::default()
            };
            let one = with_threads(1, || community::detect(g, &c, 9).expect("run"));
            let two = with_threads(2, || community::detect(g, &c, 9).expect("run"));
            assert_eq!(one.community, two.community, "{name} {method:?}");
            assert_eq!(one.modularity.to_bits(), two.modularity.to_bits());
            assert_eq!((one.levels, one.iterations), (two.levels, two.iterations));
        }
    }
    // The planted groups are found.
    let (_, g) = &graphs[5];
    let p = community::detect(g, &CommunityConfig::default(), 1).expect("run");
    let truth: Vec<u32> = (0..g.n() as u32).map(|v| v % 40).collect();
    let nmi = quality::nmi(&p.community, &truth);
    assert!(nmi > 0.95, "planted NMI {nmi}");
}

#[test]
fn seeds_change_order_not_validity() {
    let g = load("dolphins", false);
    let a = community::detect(&g, &CommunityConfig::default(), 1).expect("a");
    let b = community::detect(&g, &CommunityConfig::default(), 1).expect("b");
    assert_eq!(a, b);
    let t = CommunityConfig {
        trials: 4,
        ..CommunityConfig::default()
    };
    let best = community::detect(&g, &t, 1).expect("trials");
    assert!(best.modularity >= a.modularity);
}

#[test]
fn invalid_parameters_are_errors() {
    let g = load("karate", false);
    for c in [
        CommunityConfig {
            resolution: -1.0,
            ..CommunityConfig::default()
        },
        CommunityConfig {
            theta: 0.0,
            ..CommunityConfig::default()
        },
        CommunityConfig {
            trials: 0,
            ..CommunityConfig::default()
        },
        CommunityConfig {
            max_levels: 0,
            ..CommunityConfig::default()
        },
    ] {
        assert!(community::detect(&g, &c, 1).is_err());
    }
}

#[test]
fn edge_cases() {
    // No nodes at all.
    let g = CsrGraph::from_undirected_edges(0, &[], false).undirected();
    for m in [Method::Leiden, Method::Louvain, Method::Lpa] {
        let p = community::detect(&g, &cfg(m), 1).expect("empty graph");
        assert_eq!((p.count, p.modularity), (0, 0.0));
    }
    // No edges: every node alone, modularity 0.
    let g = CsrGraph::from_undirected_edges(4, &[], false).undirected();
    for m in [Method::Leiden, Method::Louvain, Method::Lpa] {
        let p = community::detect(&g, &cfg(m), 1).expect("empty");
        assert_eq!(p.count, 4);
        assert_eq!(p.modularity, 0.0);
    }
    // Two disjoint triangles and an isolated node, with a self-loop.
    let e = [
        (0, 1, 1.0),
        (1, 2, 1.0),
        (0, 2, 1.0),
        (3, 4, 1.0),
        (4, 5, 1.0),
        (3, 5, 1.0),
        (5, 5, 2.0),
    ];
    let g = CsrGraph::from_undirected_edges(7, &e, true).undirected();
    for m in [Method::Leiden, Method::Louvain, Method::Lpa] {
        let p = community::detect(&g, &cfg(m), 1).expect("triangles");
        assert_eq!(p.count, 3, "{m:?}");
        // Ties on size: the community holding node 0 comes first.
        assert_eq!(p.community, vec![0, 0, 0, 1, 1, 1, 2], "{m:?}");
    }
}
