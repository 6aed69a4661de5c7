//! Planted opinion leaders from `kolgraph generate` are recovered by the default importance
//! ranking (CLV + network value in money) and by network value alone, and a purchase-only ranking
//! misses most of them.
#![allow(clippy::unwrap_used)]

use kolgraph::algo::NoProgress;
use kolgraph::generate::{generate, GenerateConfig};
use kolgraph::ingest::{load, IngestOptions};
use kolgraph::rank::pipeline::{analyze, AnalyzeConfig};
use std::collections::BTreeSet;

fn precision(order: &[u32], truth: &BTreeSet<u32>) -> f64 {
    let k = truth.len();
    order.iter().take(k).filter(|v| truth.contains(v)).count() as f64 / k as f64
}

#[test]
fn planted_leaders_are_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = GenerateConfig {
        customers: 1500,
        interactions: 20_000,
        ..GenerateConfig::default()
    };
    generate(&cfg, 42, dir.path()).unwrap();
    let ds = load(dir.path(), &IngestOptions::default()).unwrap();
    let leaders: BTreeSet<u32> = std::fs::read_to_string(dir.path().join("leaders.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| ds.graph.index_of(l.split(',').next().unwrap()).unwrap())
        .collect();
    assert!(leaders.len() >= 10, "{}", leaders.len());
    let acfg = AnalyzeConfig {
        ranking_only: true,
        ..AnalyzeConfig::default()
    };
    let a = analyze(&ds, &acfg, 42, &NoProgress).unwrap();
    let nv: Vec<f64> = a.network.nodes.iter().map(|x| x.value).collect();
    let network_order: Vec<u32> = kolgraph::algo::rank_order(&nv)
        .into_iter()
        .filter(|&v| a.customers[v as usize])
        .collect();
    let p_network = precision(&network_order, &leaders);
    let p_blend = precision(a.order(), &leaders);
    let p_purchase = precision(&a.ranking.purchase_order, &leaders);
    eprintln!(
        "k = {}: precision network {p_network:.3}, blended {p_blend:.3}, purchase-only {p_purchase:.3}",
        leaders.len()
    );
    assert!(p_network >= 0.9, "network-value precision@k {p_network}");
    assert!(p_blend >= 0.9, "default importance precision@k {p_blend}");
    assert!(p_purchase < 0.5, "purchase-only precision@k {p_purchase}");
    // The opinion-leader role should mostly be planted leaders.
    let ol: Vec<u32> = a
        .order()
        .iter()
        .copied()
        .filter(|&v| {
            a.roles[v as usize]
                .iter()
                .any(|r| r.role == kolgraph::rank::roles::Role::OpinionLeader)
        })
        .collect();
    eprintln!("opinion-leader role: {} customers", ol.len());
    // The old percentile blend, kept as an option, flattens the leaders' heavy-tailed influence.
    let mut pcfg = acfg.clone();
    pcfg.rank.blend.method = kolgraph::rank::config::BlendMethod::Percentile;
    let b = analyze(&ds, &pcfg, 42, &NoProgress).unwrap();
    let p_pct = precision(b.order(), &leaders);
    eprintln!("percentile blend precision@k {p_pct:.3}");
    assert!(p_pct < p_blend, "{p_pct} vs {p_blend}");
}
