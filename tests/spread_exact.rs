//! Spread models against closed forms and exact enumeration of live-edge worlds.
#![allow(clippy::unwrap_used)]

use kolgraph::algo::diffusion::probability::{EdgeProbabilities, ProbabilityModel};
use kolgraph::algo::diffusion::{
    simulate, single_seed_spread_se, SpreadConfig, SpreadEstimate, SpreadModel,
};
use kolgraph::algo::influence::{select_seeds, SeedConfig, SeedMethod};
use kolgraph::graph::CsrGraph;

fn cfg(model: SpreadModel, runs: u32) -> SpreadConfig {
    SpreadConfig {
        model,
        runs,
        ..SpreadConfig::default()
    }
}

/// Nodes reachable from `seeds` along `inc` arcs whose bit is set in `mask`.
fn reach(g: &CsrGraph, seeds: &[u32], live: &dyn Fn(usize) -> bool) -> usize {
    let mut seen = vec![false; g.n()];
    let mut q: Vec<u32> = Vec::new();
    for &s in seeds {
        if !seen[s as usize] {
            seen[s as usize] = true;
            q.push(s);
        }
    }
    let mut h = 0;
    while h < q.len() {
        let v = q[h];
        h += 1;
        for i in g.inc.range(v) {
            let u = g.inc.targets[i] as usize;
            if !seen[u] && live(i) {
                seen[u] = true;
                q.push(u as u32);
            }
        }
    }
    q.len()
}

/// Exact IC expectation by enumerating all 2^m live-edge worlds.
fn exact_ic(g: &CsrGraph, p: &[f32], seeds: &[u32]) -> f64 {
    let m = g.inc.m();
    assert!(m <= 16);
    let mut e = 0.0;
    for mask in 0u32..(1 << m) {
        let mut pr = 1.0;
        for (i, &pi) in p.iter().enumerate() {
            let pi = f64::from(pi);
            pr *= if mask >> i & 1 == 1 { pi } else { 1.0 - pi };
        }
        if pr > 0.0 {
            e += pr * reach(g, seeds, &|i| mask >> i & 1 == 1) as f64;
        }
    }
    e
}

fn within(est: &SpreadEstimate, exact: f64, k: f64) {
    let tol = k * est.std_error + 1e-12;
    assert!(
        (est.mean - exact).abs() <= tol,
        "mean {} vs exact {} (se {})",
        est.mean,
        exact,
        est.std_error
    );
}

fn small_directed() -> CsrGraph {
    // 7 nodes, 14 arcs: a mix of cycles, a hub and a dead end.
    let arcs = [
        (1, 0),
        (2, 0),
        (3, 0),
        (0, 1),
        (4, 1),
        (2, 3),
        (3, 2),
        (5, 3),
        (6, 5),
        (5, 6),
        (4, 6),
        (1, 4),
        (6, 2),
        (0, 5),
    ];
    let a: Vec<(u32, u32, f32)> = arcs.iter().map(|&(s, t)| (s, t, 1.0 + s as f32)).collect();
    CsrGraph::from_arcs(7, &a, true)
}

#[test]
fn ic_matches_exact_enumeration() {
    let g = small_directed();
    for model in [
        ProbabilityModel::Uniform(0.3),
        ProbabilityModel::WeightedCascade,
        ProbabilityModel::Strength {
            p_max: 0.8,
            half_weight: 2.0,
        },
    ] {
        let probs = EdgeProbabilities::build(&g, None, model).unwrap();
        for seeds in [vec![0u32], vec![3, 6], vec![5]] {
            let exact = exact_ic(&g, &probs.inc, &seeds);
            let est = simulate(&g, &probs, &seeds, &cfg(SpreadModel::Ic, 20_000), 11).unwrap();
            within(&est, exact, 3.0);
            // IC-N reaches exactly the same nodes in every run (same coins).
            let icn = simulate(&g, &probs, &seeds, &cfg(SpreadModel::Icn, 20_000), 11).unwrap();
            assert_eq!(icn.mean, est.mean);
            assert!((icn.positive_mean + icn.negative_mean - icn.mean).abs() < 1e-9);
        }
    }
}

#[test]
fn single_seed_reach_matches_exact() {
    let g = small_directed();
    let probs = EdgeProbabilities::uniform(&g, 0.4).unwrap();
    let c = SpreadConfig {
        rr_sets: 200_000,
        ..SpreadConfig::default()
    };
    let ss = single_seed_spread_se(&g, &probs, &c, 5).unwrap();
    for v in 0..7u32 {
        let exact = exact_ic(&g, &probs.inc, &[v]);
        let (m, se) = (ss.mean[v as usize], ss.std_error[v as usize]);
        assert!(
            (m - exact).abs() <= 4.0 * se + 1e-9,
            "node {v}: {m} vs {exact} (se {se})"
        );
    }
}

#[test]
fn lt_matches_exact_enumeration() {
    // LT equals the live-edge model where each node keeps at most one influencer arc, chosen with
    // probability b (Kempe et al. 2003, Thm 2.5). Enumerate those choices exactly.
    let g = small_directed();
    let probs = EdgeProbabilities::build(&g, None, ProbabilityModel::WeightedCascade).unwrap();
    let n = g.n();
    // For each receiver u: its influencer arcs as inc indices with their weights.
    let mut choices: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for v in 0..n as u32 {
        for i in g.inc.range(v) {
            choices[g.inc.targets[i] as usize].push((i, f64::from(probs.inc[i])));
        }
    }
    let seeds = [0u32];
    // Mixed-radix enumeration over each node's choice (one arc or none).
    let radix: Vec<usize> = choices.iter().map(|c| c.len() + 1).collect();
    let total: usize = radix.iter().product();
    let mut exact = 0.0;
    for mut code in 0..total {
        let mut pr = 1.0;
        let mut live = vec![false; g.inc.m()];
        for u in 0..n {
            let pick = code % radix[u];
            code /= radix[u];
            let sum: f64 = choices[u].iter().map(|x| x.1).sum();
            if pick == choices[u].len() {
                pr *= (1.0 - sum).max(0.0);
            } else {
                pr *= choices[u][pick].1;
                live[choices[u][pick].0] = true;
            }
        }
        if pr > 0.0 {
            exact += pr * reach(&g, &seeds, &|i| live[i]) as f64;
        }
    }
    let est = simulate(&g, &probs, &seeds, &cfg(SpreadModel::Lt, 40_000), 3).unwrap();
    within(&est, exact, 3.0);
}

#[test]
fn p_one_reaches_exactly_the_reachable_set_and_p_zero_only_seeds() {
    let g = small_directed();
    let one = EdgeProbabilities::uniform(&g, 1.0).unwrap();
    let zero = EdgeProbabilities::uniform(&g, 0.0).unwrap();
    for seeds in [vec![0u32], vec![4], vec![2, 5]] {
        let r = reach(&g, &seeds, &|_| true);
        // (LT normalises weights per receiver, so p = 1 is not "everything" there.)
        for model in [SpreadModel::Ic, SpreadModel::Lt, SpreadModel::Icn] {
            if model != SpreadModel::Lt {
                let e = simulate(&g, &one, &seeds, &cfg(model, 100), 1).unwrap();
                assert_eq!(e.mean, r as f64, "{model:?}");
                assert_eq!(e.std_error, 0.0);
            }
            let z = simulate(&g, &zero, &seeds, &cfg(model, 100), 1).unwrap();
            assert_eq!(z.mean, seeds.len() as f64);
        }
        let per = simulate(&g, &one, &seeds, &cfg(SpreadModel::Ic, 10), 1).unwrap();
        let active = per
            .per_node_activation
            .iter()
            .filter(|&&x| x == 1.0)
            .count();
        assert_eq!(active, r);
    }
}

#[test]
fn star_and_chain_closed_forms() {
    // Undirected star: centre 0 with 50 leaves.
    let edges: Vec<(u32, u32, f32)> = (1..=50).map(|v| (0, v, 1.0)).collect();
    let g = CsrGraph::from_undirected_edges(51, &edges, false);
    let p = 0.3;
    let probs = EdgeProbabilities::uniform(&g, p).unwrap();
    let est = simulate(&g, &probs, &[0], &cfg(SpreadModel::Ic, 20_000), 9).unwrap();
    within(&est, 1.0 + 50.0 * p, 3.0);
    assert_eq!(est.per_step_mean.len(), 2);
    // Chain seeded at its head: Σ p^d. Word flows target → source, so arcs point to the head.
    let arcs: Vec<(u32, u32, f32)> = (0..9).map(|v| (v + 1, v, 1.0)).collect();
    let chain = CsrGraph::from_arcs(10, &arcs, false);
    let probs = EdgeProbabilities::uniform(&chain, 0.5).unwrap();
    let exact: f64 = (0..10).map(|d| 0.5f64.powi(d)).sum();
    let est = simulate(&chain, &probs, &[0], &cfg(SpreadModel::Ic, 20_000), 9).unwrap();
    within(&est, exact, 3.0);
    // The GDS correlated-coin regression (design notes §1): chain p = 0.1 → 1.111.
    let probs = EdgeProbabilities::uniform(&chain, 0.1).unwrap();
    let exact: f64 = (0..10).map(|d| 0.1f64.powi(d)).sum();
    let est = simulate(&chain, &probs, &[0], &cfg(SpreadModel::Ic, 50_000), 9).unwrap();
    within(&est, exact, 3.0);
    // 31-node binary tree seeded at the root, p = 0.3: Σ_d (2p)^d over depths 0..4 = 2.3056.
    let arcs: Vec<(u32, u32, f32)> = (1..31).map(|v| (v, (v - 1) / 2, 1.0)).collect();
    let tree = CsrGraph::from_arcs(31, &arcs, false);
    let probs = EdgeProbabilities::uniform(&tree, 0.3).unwrap();
    let exact: f64 = (0..5).map(|d| 0.6f64.powi(d)).sum();
    let est = simulate(&tree, &probs, &[0], &cfg(SpreadModel::Ic, 50_000), 9).unwrap();
    within(&est, exact, 3.0);
}

#[test]
fn sir_with_full_recovery_is_ic_and_icn_quality_extremes() {
    let g = small_directed();
    let probs = EdgeProbabilities::uniform(&g, 0.35).unwrap();
    let exact = exact_ic(&g, &probs.inc, &[0]);
    let sir = SpreadConfig {
        gamma: 1.0,
        ..cfg(SpreadModel::Sir, 20_000)
    };
    within(&simulate(&g, &probs, &[0], &sir, 4).unwrap(), exact, 3.0);
    // Slower recovery can only spread further.
    let slow = SpreadConfig {
        gamma: 0.3,
        ..sir.clone()
    };
    assert!(simulate(&g, &probs, &[0], &slow, 4).unwrap().mean > exact);
    let all_pos = SpreadConfig {
        quality: 1.0,
        ..cfg(SpreadModel::Icn, 2000)
    };
    let e = simulate(&g, &probs, &[0], &all_pos, 4).unwrap();
    assert_eq!(e.negative_mean, 0.0);
    assert_eq!(e.positive_mean, e.mean);
    let all_neg = SpreadConfig {
        quality: 0.0,
        ..all_pos
    };
    let e = simulate(&g, &probs, &[0], &all_neg, 4).unwrap();
    assert_eq!(e.positive_mean, 0.0);
    assert_eq!(e.negative_mean, e.mean);
}

#[test]
fn estimates_are_monotone_in_the_seed_set() {
    let g = small_directed();
    let probs = EdgeProbabilities::uniform(&g, 0.2).unwrap();
    let c = cfg(SpreadModel::Ic, 3000);
    let a = simulate(&g, &probs, &[1], &c, 8).unwrap();
    let b = simulate(&g, &probs, &[1, 4], &c, 8).unwrap();
    assert!(b.mean >= a.mean);
    for v in 0..7 {
        assert!(b.per_node_activation[v] >= a.per_node_activation[v]);
    }
}

fn pool(k: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .unwrap()
}

#[test]
fn identical_for_one_and_two_threads() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/spread/football.edges.tsv"
    );
    let opts = kolgraph::ingest::IngestOptions {
        undirected: true,
        ..Default::default()
    };
    let ds = kolgraph::ingest::load(std::path::Path::new(path), &opts).unwrap();
    let g = CsrGraph::from_property(&ds.graph, &Default::default(), true);
    let probs = EdgeProbabilities::uniform(&g, 0.1).unwrap();
    let run = || {
        let mut out = String::new();
        for model in [
            SpreadModel::Ic,
            SpreadModel::Lt,
            SpreadModel::Sir,
            SpreadModel::Icn,
        ] {
            let e = simulate(&g, &probs, &[0, 5, 9], &cfg(model, 700), 77).unwrap();
            out += &format!(
                "{:?}{:?}{:?}",
                e, e.per_node_activation, e.per_node_negative
            );
        }
        let ss = single_seed_spread_se(
            &g,
            &probs,
            &SpreadConfig {
                rr_sets: 50_000,
                ..SpreadConfig::default()
            },
            3,
        )
        .unwrap();
        out += &format!("{:?}", ss.mean);
        for method in [SeedMethod::Imm, SeedMethod::Celf] {
            let sc = SeedConfig {
                k: 3,
                method,
                epsilon: 0.3,
                spread: cfg(SpreadModel::Ic, 500),
                ..SeedConfig::default()
            };
            out += &format!("{:?}", select_seeds(&g, &probs, &sc, 5, None).unwrap());
        }
        let sw = kolgraph::algo::small_world::SmallWorldConfig {
            nrand: 2,
            exact_threshold: 50,
            samples: 40,
            ..Default::default()
        };
        out += &format!(
            "{:?}",
            kolgraph::algo::small_world::analyze(&g, &sw, 3).unwrap()
        );
        out
    };
    let one = pool(1).install(run);
    let two = pool(2).install(run);
    assert_eq!(one, two);
}

#[test]
fn invalid_parameters_are_errors() {
    let g = small_directed();
    let probs = EdgeProbabilities::uniform(&g, 0.2).unwrap();
    assert!(simulate(&g, &probs, &[0], &cfg(SpreadModel::Ic, 0), 1).is_err());
    assert!(simulate(&g, &probs, &[99], &cfg(SpreadModel::Ic, 10), 1).is_err());
    let bad_q = SpreadConfig {
        quality: 1.5,
        ..SpreadConfig::default()
    };
    assert!(simulate(&g, &probs, &[0], &bad_q, 1).is_err());
    let sc = SeedConfig {
        k: 0,
        ..SeedConfig::default()
    };
    assert!(select_seeds(&g, &probs, &sc, 1, None).is_err());
}
