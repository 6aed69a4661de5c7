//! IC spread, single-seed reach, CELF and IMM against the public-graph oracles
//! (tests/data/spread, extracted from ../shared/data by scripts/oracles/spread.py).
#![allow(clippy::unwrap_used)]

use kolgraph::algo::diffusion::probability::EdgeProbabilities;
use kolgraph::algo::diffusion::{simulate, single_seed_spread_se, SpreadConfig};
use kolgraph::algo::influence::{select_seeds, SeedConfig, SeedMethod};
use kolgraph::graph::{CsrGraph, PropertyGraph};
use serde_json::Value;

const NAMES: [&str; 5] = ["karate", "football", "polbooks", "dolphins", "lesmis"];

fn load(name: &str) -> (PropertyGraph, CsrGraph, Value) {
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
    // Weights ignored, as in the oracles.
    let g = CsrGraph::from_property(&ds.graph, &Default::default(), true);
    let oracle: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}{name}.json")).unwrap())
            .unwrap();
    (ds.graph, g, oracle)
}

fn ids(pg: &PropertyGraph, v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| pg.index_of(&x.as_u64().unwrap().to_string()).unwrap())
        .collect()
}

fn runs(n: u32) -> SpreadConfig {
    SpreadConfig {
        runs: n,
        ..SpreadConfig::default()
    }
}

#[test]
fn ic_spread_from_top10_pagerank_seeds() {
    for name in NAMES {
        let (pg, g, o) = load(name);
        let seeds = ids(&pg, &o["ic"]["seeds"]);
        for (p, key) in [(0.01, "p0.01"), (0.1, "p0.1")] {
            let probs = EdgeProbabilities::uniform(&g, p).unwrap();
            let est = simulate(&g, &probs, &seeds, &runs(20_000), 1234).unwrap();
            let om = o["ic"][key]["mean"].as_f64().unwrap();
            let ose = o["ic"][key]["stderr"].as_f64().unwrap();
            let tol = 3.0 * (est.std_error.powi(2) + ose * ose).sqrt();
            assert!(
                (est.mean - om).abs() <= tol,
                "{name} p={p}: {} vs oracle {om} (tol {tol})",
                est.mean
            );
        }
    }
}

#[test]
fn single_seed_reach_matches_oracle() {
    for name in ["karate", "dolphins"] {
        let (pg, g, o) = load(name);
        let probs = EdgeProbabilities::uniform(&g, 0.1).unwrap();
        let cfg = SpreadConfig {
            rr_sets: 400_000,
            ..SpreadConfig::default()
        };
        let ss = single_seed_spread_se(&g, &probs, &cfg, 99).unwrap();
        for (id, v) in o["single_seed_p0.1"].as_object().unwrap() {
            let x = pg.index_of(id).unwrap() as usize;
            let (om, ose) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
            let tol = 4.0 * (ss.std_error[x].powi(2) + ose * ose).sqrt();
            assert!(
                (ss.mean[x] - om).abs() <= tol,
                "{name} node {id}: {} vs {om} (tol {tol})",
                ss.mean[x]
            );
        }
    }
}

#[test]
fn celf_matches_greedy_and_imm_is_close_to_celf() {
    for name in NAMES {
        let (pg, g, o) = load(name);
        let probs = EdgeProbabilities::uniform(&g, 0.1).unwrap();
        let oracle_set = ids(&pg, &o["greedy"]["seed_set"]);
        let oracle_spread = o["greedy"]["prefix"][4]["mean"].as_f64().unwrap();
        let celf_cfg = SeedConfig {
            k: 5,
            method: SeedMethod::Celf,
            spread: runs(10_000),
            ..SeedConfig::default()
        };
        let celf = select_seeds(&g, &probs, &celf_cfg, 2024, None).unwrap();
        // Gains on common random numbers are non-negative and non-increasing (submodularity).
        for w in celf.marginal_gains.windows(2) {
            assert!(
                w[0] >= w[1] && w[1] >= 0.0,
                "{name}: {:?}",
                celf.marginal_gains
            );
        }
        // Re-evaluate both sets on the same fresh worlds.
        let eval = runs(40_000);
        let ours = simulate(&g, &probs, &celf.seeds, &eval, 777).unwrap();
        let theirs = simulate(&g, &probs, &oracle_set, &eval, 777).unwrap();
        assert!(
            ours.mean >= 0.99 * oracle_spread && ours.mean >= 0.99 * theirs.mean,
            "{name}: CELF {:?} → {} vs oracle greedy {oracle_spread} (same worlds {})",
            celf.seeds,
            ours.mean,
            theirs.mean
        );
        let imm_cfg = SeedConfig {
            method: SeedMethod::Imm,
            epsilon: 0.1,
            ..celf_cfg.clone()
        };
        let imm = select_seeds(&g, &probs, &imm_cfg, 2024, None).unwrap();
        let imm_spread = simulate(&g, &probs, &imm.seeds, &eval, 777).unwrap();
        assert!(
            imm_spread.mean >= 0.97 * ours.mean,
            "{name}: IMM {:?} → {} vs CELF {}",
            imm.seeds,
            imm_spread.mean,
            ours.mean
        );
        // Baselines run and report non-negative gains.
        for method in [SeedMethod::Degree, SeedMethod::Pagerank] {
            let c = SeedConfig {
                method,
                spread: runs(2000),
                ..celf_cfg.clone()
            };
            let s = select_seeds(&g, &probs, &c, 1, None).unwrap();
            assert_eq!(s.seeds.len(), 5);
            assert!(s.marginal_gains.iter().all(|&x| x >= 0.0));
        }
    }
}

#[test]
fn baseline_pagerank_picks_the_oracle_top10() {
    for name in NAMES {
        let (pg, g, o) = load(name);
        let pr = kolgraph::algo::influence::baseline_pagerank(&g).unwrap();
        let mut top: Vec<u32> = kolgraph::algo::rank_order(&pr)
            .into_iter()
            .take(10)
            .collect();
        let mut want = ids(&pg, &o["ic"]["seeds"]);
        top.sort_unstable();
        want.sort_unstable();
        assert_eq!(top, want, "{name}");
    }
}

#[test]
fn cost_effective_celf_respects_the_budget() {
    let (_, g, _) = load("karate");
    let probs = EdgeProbabilities::uniform(&g, 0.1).unwrap();
    // Expensive hubs: cost = degree; budget 12.
    let costs: Vec<f64> = (0..g.n() as u32).map(|v| g.out.degree(v) as f64).collect();
    let cfg = SeedConfig {
        k: 34,
        method: SeedMethod::Celf,
        budget: Some(12.0),
        costs: Some(costs.clone()),
        spread: runs(2000),
        ..SeedConfig::default()
    };
    let s = select_seeds(&g, &probs, &cfg, 5, None).unwrap();
    let spent: f64 = s.seeds.iter().map(|&v| costs[v as usize]).sum();
    assert!(spent <= 12.0 && spent == s.total_cost, "{spent}");
    assert!(!s.seeds.is_empty());
}
