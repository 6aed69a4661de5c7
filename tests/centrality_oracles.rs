//! Centralities against stored NetworkX / numpy references (tests/data/centrality/*.json, made by
//! scripts/oracles/centrality.py) on the five public graphs and a directed weighted graph with
//! dangling nodes and self-loops.

use kolgraph::algo::centrality::betweenness::{
    betweenness, betweenness_from_sources, BetweennessConfig,
};
use kolgraph::algo::centrality::hits::{hits, HitsConfig};
use kolgraph::algo::centrality::kcore::kcore;
use kolgraph::algo::centrality::leaderrank::{leaderrank, GroundWeights, LeaderRankConfig};
use kolgraph::algo::centrality::pagerank::{pagerank, PageRankConfig, PrPrecision};
use kolgraph::graph::{CsrGraph, PropertyGraph, WeightView};
use kolgraph::ingest::{load, IngestOptions};
use serde_json::Value;
use std::path::Path;

const GRAPHS: [&str; 6] = [
    "karate", "football", "polbooks", "dolphins", "lesmis", "directed",
];

struct Case {
    name: &'static str,
    pg: PropertyGraph,
    g: CsrGraph,
    gu: CsrGraph,
    oracle: Value,
}

fn case(name: &'static str) -> Case {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/centrality");
    let oracle: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("oracle json"),
    )
    .expect("valid json");
    let directed = oracle["directed"].as_bool().expect("directed flag");
    let opts = IngestOptions {
        undirected: !directed,
        ..Default::default()
    };
    let ds = load(&dir.join(format!("{name}.edges.tsv")), &opts).expect("load");
    let g = CsrGraph::from_property(&ds.graph, &WeightView::default(), ds.undirected);
    let unweighted = WeightView {
        unweighted: true,
        ..Default::default()
    };
    let gu = CsrGraph::from_property(&ds.graph, &unweighted, ds.undirected);
    Case {
        name,
        pg: ds.graph,
        g,
        gu,
        oracle,
    }
}

impl Case {
    /// The oracle's `[id, value]` pairs as a vector indexed by NodeId.
    fn expected(&self, key: &str) -> Vec<f64> {
        let mut out = vec![f64::NAN; self.g.n()];
        let rows = self.oracle[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key}"));
        assert_eq!(rows.len(), self.g.n(), "{}: {key}", self.name);
        for r in rows {
            let id = r[0].as_str().expect("id");
            let v = self.pg.index_of(id).unwrap_or_else(|| panic!("id {id}"));
            out[v as usize] = r[1].as_f64().expect("value");
        }
        out
    }

    fn check(&self, key: &str, got: &[f64], tol: f64) {
        let want = self.expected(key);
        for (v, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= tol,
                "{} {key}: node {} got {g} want {w} (|diff| {:e} > {tol:e})",
                self.name,
                self.pg.id(v as u32),
                (g - w).abs()
            );
        }
    }

    fn personalization(&self) -> Vec<f64> {
        (0..self.g.n() as u32)
            .map(|v| {
                let id: u64 = self.pg.id(v).parse().expect("numeric id");
                1.0 + (id % 3) as f64
            })
            .collect()
    }
}

fn tight_pr() -> PageRankConfig {
    PageRankConfig {
        tolerance: 1e-12,
        max_iterations: 10_000,
        ..Default::default()
    }
}

#[test]
fn pagerank_matches_networkx() {
    for name in GRAPHS {
        let c = case(name);
        let p = c.personalization();
        let r = pagerank(&c.gu, &tight_pr(), None).expect("pagerank");
        assert!(r.converged, "{name}");
        c.check("pagerank", &r.scores, 1e-9);
        let r = pagerank(&c.gu, &tight_pr(), Some(&p)).expect("ppr");
        c.check("pagerank_personalized", &r.scores, 1e-9);
        if c.oracle["weighted"].as_bool() == Some(true) {
            let r = pagerank(&c.g, &tight_pr(), None).expect("weighted");
            c.check("pagerank_weighted", &r.scores, 1e-9);
            let r = pagerank(&c.g, &tight_pr(), Some(&p)).expect("weighted ppr");
            c.check("pagerank_weighted_personalized", &r.scores, 1e-9);
        }
    }
}

/// The fast kernel (degree relabelling, f32 contributions) forced on the small graphs, stopped at
/// L1 change < 1e-7: every score within 1e-6 of NetworkX's, weighted and personalised included.
#[test]
fn fast_pagerank_close_to_networkx() {
    for name in GRAPHS {
        let c = case(name);
        let p = c.personalization();
        let cfg = PageRankConfig {
            tolerance: 1e-7 / c.g.n() as f64,
            max_iterations: 10_000,
            precision: PrPrecision::Fast,
            ..Default::default()
        };
        let r = pagerank(&c.gu, &cfg, None).expect("pagerank");
        assert!(r.converged, "{name}");
        c.check("pagerank", &r.scores, 1e-6);
        let r = pagerank(&c.gu, &cfg, Some(&p)).expect("ppr");
        c.check("pagerank_personalized", &r.scores, 1e-6);
        if c.oracle["weighted"].as_bool() == Some(true) {
            let r = pagerank(&c.g, &cfg, Some(&p)).expect("weighted ppr");
            c.check("pagerank_weighted_personalized", &r.scores, 1e-6);
        }
    }
}

#[test]
fn betweenness_matches_networkx() {
    for name in GRAPHS {
        let c = case(name);
        let cfg = BetweennessConfig::default();
        c.check(
            "betweenness",
            &betweenness(&c.g, &cfg, 1).expect("bc").scores,
            1e-9,
        );
        let raw = BetweennessConfig {
            normalized: false,
            ..Default::default()
        };
        c.check(
            "betweenness_raw",
            &betweenness(&c.g, &raw, 1).expect("bc").scores,
            1e-9,
        );
        if c.oracle["weighted"].as_bool() == Some(true) {
            let w = BetweennessConfig {
                weighted: true,
                ..Default::default()
            };
            c.check(
                "betweenness_weighted",
                &betweenness(&c.g, &w, 1).expect("bc").scores,
                1e-9,
            );
        }
        let mut srcs: Vec<u32> = c.oracle["betweenness_sample_sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| c.pg.index_of(s.as_str().expect("id")).expect("known id"))
            .collect();
        srcs.sort_unstable();
        let r = betweenness_from_sources(&c.g, &cfg, &srcs).expect("sampled");
        c.check("betweenness_sampled", &r.scores, 1e-9);
        assert!(r.std_error.is_some() && r.max_std_error > 0.0);
        let r = betweenness_from_sources(&c.g, &raw, &srcs).expect("sampled raw");
        c.check("betweenness_sampled_raw", &r.scores, 1e-9);
    }
}

#[test]
fn core_numbers_match_networkx() {
    for name in GRAPHS {
        let c = case(name);
        let core: Vec<f64> = kcore(&c.g).into_iter().map(f64::from).collect();
        c.check("core", &core, 0.0);
    }
}

#[test]
fn hits_matches_networkx() {
    for name in GRAPHS {
        let c = case(name);
        let cfg = HitsConfig {
            tolerance: 1e-13,
            max_iterations: 100_000,
            ..Default::default()
        };
        let r = hits(&c.g, &cfg).expect("hits");
        assert!(r.converged, "{name}: {} iterations", r.iterations);
        c.check("hits_hubs", &r.hubs, 1e-6);
        c.check("hits_authorities", &r.authorities, 1e-6);
    }
}

#[test]
fn leaderrank_matches_dense_solution() {
    for name in GRAPHS {
        let c = case(name);
        let mut cfg = LeaderRankConfig {
            tolerance: 1e-14,
            max_iterations: 100_000,
            ..Default::default()
        };
        let r = leaderrank(&c.gu, &cfg).expect("lr");
        assert!(r.converged, "{name}");
        c.check("leaderrank", &r.scores, 1e-8);
        cfg.ground = GroundWeights::InDegree;
        let r = leaderrank(&c.gu, &cfg).expect("wlr");
        c.check("leaderrank_indegree", &r.scores, 1e-8);
    }
}
