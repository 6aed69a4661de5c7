//! Spread kernels on a plain edge list, in the setting of ../shared/bench/ic_kernel.c:
//! weighted cascade p(u→v) = 1/deg(v), undirected input, R forward Monte Carlo runs from the K
//! highest-degree seeds, then N reverse-reachable sets, each with 1 and 2 threads; then IMM.
//!
//!   cargo bench --bench spread_kernel -- GRAPH.el [--directed] [--sims R] [--seeds K] [--rr N] [--imm-k K] [--eps E] [--imm-only]
//!
//! `--directed`: each line `s t` is an interaction s → t (duplicates merged), word of mouth
//! flows t → s as in kolgraph (weighted cascade over the spread direction).
#![allow(clippy::unwrap_used)]

use kolgraph::algo::diffusion::probability::{EdgeProbabilities, ProbabilityModel};
use kolgraph::algo::diffusion::{simulate, single_seed_spread_se, SpreadConfig};
use kolgraph::algo::influence::imm::imm;
use kolgraph::algo::rank_order;
use kolgraph::graph::CsrGraph;
use std::io::BufRead;
use std::time::Instant;

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-') && a.contains('.'))
    else {
        eprintln!(
            "usage: spread_kernel GRAPH.el [--sims R] [--seeds K] [--rr N] [--imm-k K] [--eps E]"
        );
        return;
    };
    let sims: u32 = arg(&args, "--sims", 256);
    let k: usize = arg(&args, "--seeds", 50);
    let nrr: u64 = arg(&args, "--rr", 200_000);
    let imm_k: usize = arg(&args, "--imm-k", 50);
    let eps: f64 = arg(&args, "--eps", 0.1);
    let directed = args.iter().any(|a| a == "--directed");
    let imm_only = args.iter().any(|a| a == "--imm-only");
    let t = Instant::now();
    let f = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut edges = Vec::new();
    let mut n = 0u32;
    for line in f.lines() {
        let line = line.unwrap();
        if line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let mut it = line.split_whitespace();
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            continue;
        };
        let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
        n = n.max(a + 1).max(b + 1);
        if a != b {
            edges.push((a, b, 1.0f32));
        }
    }
    let g = if directed {
        edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
        edges.dedup_by_key(|&mut (a, b, _)| (a, b));
        CsrGraph::from_arcs(n as usize, &edges, false)
    } else {
        CsrGraph::from_undirected_edges(n as usize, &edges, false)
    };
    drop(edges);
    let probs = EdgeProbabilities::build(&g, None, ProbabilityModel::WeightedCascade).unwrap();
    println!(
        "graph {path}: n={} arcs={} load+build {:.2} s (weighted cascade)",
        g.n(),
        g.m(),
        t.elapsed().as_secs_f64()
    );
    let deg: Vec<f64> = (0..g.n() as u32).map(|v| g.out.degree(v) as f64).collect();
    let seeds: Vec<u32> = rank_order(&deg).into_iter().take(k).collect();
    for threads in if imm_only { vec![] } else { vec![1, 2] } {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let cfg = SpreadConfig {
            runs: sims,
            ..SpreadConfig::default()
        };
        let t = Instant::now();
        let est = pool.install(|| simulate(&g, &probs, &seeds, &cfg, 1).unwrap());
        let s = t.elapsed().as_secs_f64();
        println!(
            "RESULT ic_forward threads={threads} sims={sims} seeds={k}  {s:.3} s  {:.1} sims/s  mean spread {:.1}",
            f64::from(sims) / s,
            est.mean
        );
        let rc = SpreadConfig {
            rr_sets: nrr,
            ..SpreadConfig::default()
        };
        let t = Instant::now();
        let ss = pool.install(|| single_seed_spread_se(&g, &probs, &rc, 1).unwrap());
        let s = t.elapsed().as_secs_f64();
        let mean_size = ss.mean.iter().sum::<f64>() / g.n() as f64; // = mean RR size
        println!(
            "RESULT rr_sets threads={threads} sets={nrr}  {s:.3} s  {:.0} sets/s  mean RR size {mean_size:.2}",
            nrr as f64 / s
        );
    }
    if imm_k > 0 {
        let t = Instant::now();
        let r = imm(&g, &probs, false, imm_k, eps, 1.0, 200_000_000, 1);
        println!(
            "RESULT imm k={imm_k} eps={eps} threads={}  {:.2} s  rr_sets(theta)={} lower_bound={:.1} capped={} mean RR size {:.2} estimated spread {:.0}",
            rayon::current_num_threads(),
            t.elapsed().as_secs_f64(),
            r.rr_sets,
            r.lower_bound,
            r.capped,
            r.mean_rr_size,
            r.marginal_gains.iter().sum::<f64>()
        );
    }
}
