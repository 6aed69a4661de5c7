//! Louvain method (Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding of communities in
//! large networks", J. Stat. Mech. 2008, P10008), plus the level graph, local moving and
//! aggregation shared with Leiden.
//!
//! Quality gains: moving node `v` (weight `a_v`) into community `C` (total weight `A_C`, `v`
//! removed) gains `k_{v,C} − γ' a_v A_C`, where `k_{v,C}` is the edge weight between `v` and `C`.
//! Modularity: `a_v` = weighted degree, `γ' = γ / 2m` (the gain is the modularity change times m);
//! CPM: `a_v` = number of original nodes, `γ' = γ`.
//!
//! Conventions: local moving visits nodes sequentially in an order shuffled by
//! `rng_for(seed, Stream::Louvain, level)`; a node moves only for a strictly positive gain over
//! staying; among equal gains the community met first in the node's (sorted) row wins. Sweeps
//! stop when a sweep moves nothing, when its total gain is below `tolerance` (in modularity units),
//! or after `max_iterations` sweeps. Levels stop when nothing moved or after `max_levels`.
//! Aggregation (the part parallelised with rayon) sums weights in a fixed member order, so results
//! are identical for any thread count.
//!
//! Time: O(m) per sweep, O(m log d) per aggregation; space O(n + m) for the level graphs.

use super::{CommunityConfig, Objective};
use crate::algo::rng::{rng_for, Stream};
use crate::algo::Progress;
use crate::graph::Csr;
use rand::seq::SliceRandom;
use rayon::prelude::*;

/// A weighted undirected graph without self-loops plus node weights: the graph one level works on.
#[derive(Debug, Clone)]
pub(crate) struct LevelGraph {
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    pub weights: Vec<f64>,
    /// Node weight `a_v` (degree for modularity, size for CPM).
    pub node_w: Vec<f64>,
    /// Number of original nodes inside each level node (used by CPM).
    pub size: Vec<f64>,
}

impl LevelGraph {
    /// The level-0 graph of the undirected view `g`.
    pub fn from_csr(g: &Csr, objective: Objective) -> LevelGraph {
        let n = g.n();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(g.m());
        let mut weights = Vec::with_capacity(g.m());
        let mut deg = Vec::with_capacity(n);
        offsets.push(0);
        for v in 0..n as u32 {
            let mut d = 0.0;
            for (&u, &w) in g.neighbors(v).iter().zip(g.weights_of(v)) {
                let w = f64::from(w);
                if u == v {
                    d += 2.0 * w;
                } else {
                    d += w;
                    targets.push(u);
                    weights.push(w);
                }
            }
            deg.push(d);
            offsets.push(targets.len());
        }
        let size = vec![1.0; n];
        let node_w = match objective {
            Objective::Modularity => deg,
            Objective::Cpm => size.clone(),
        };
        LevelGraph {
            offsets,
            targets,
            weights,
            node_w,
            size,
        }
    }

    pub fn n(&self) -> usize {
        self.node_w.len()
    }

    #[inline]
    pub fn row(&self, v: u32) -> (&[u32], &[f64]) {
        let r = self.offsets[v as usize]..self.offsets[v as usize + 1];
        (&self.targets[r.clone()], &self.weights[r])
    }

    /// Collapse the nodes of each part (ids dense `0..k`) into one node; edges between parts are
    /// summed, edges inside a part dropped. Parallel over parts, each part summed in member order.
    pub fn aggregate(&self, part: &[u32], k: usize) -> LevelGraph {
        let n = self.n();
        // Members of each part, in node order (counting sort).
        let mut start = vec![0usize; k + 1];
        for &p in part {
            start[p as usize + 1] += 1;
        }
        for i in 0..k {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut members = vec![0u32; n];
        for (v, &p) in part.iter().enumerate() {
            let p = p as usize;
            members[fill[p]] = v as u32;
            fill[p] += 1;
        }
        // Fixed chunks of parts, one scratch array per chunk (allocating per rayon split costs
        // O(k) page faults each); each part is still summed on its own, in member order.
        let chunk = (k / 64).max(256);
        let chunks: Vec<Vec<AggRow>> = (0..k.div_ceil(chunk))
            .into_par_iter()
            .map(|ch| {
                let mut acc = Accum::new(k);
                let lo = ch * chunk;
                let hi = (lo + chunk).min(k);
                (lo..hi)
                    .map(|p| {
                        let mut nw = 0.0;
                        let mut sz = 0.0;
                        for &v in &members[start[p]..start[p + 1]] {
                            nw += self.node_w[v as usize];
                            sz += self.size[v as usize];
                            let (ts, ws) = self.row(v);
                            for (&u, &w) in ts.iter().zip(ws) {
                                let q = part[u as usize];
                                if q as usize != p {
                                    acc.add(q, w);
                                }
                            }
                        }
                        acc.touched.sort_unstable();
                        let row: Vec<(u32, f64)> = acc
                            .touched
                            .iter()
                            .map(|&q| (q, acc.acc[q as usize]))
                            .collect();
                        acc.clear();
                        (row, nw, sz)
                    })
                    .collect()
            })
            .collect();
        let rows = chunks.into_iter().flatten();
        let mut offsets = Vec::with_capacity(k + 1);
        let mut targets = Vec::new();
        let mut weights = Vec::new();
        let mut node_w = Vec::with_capacity(k);
        let mut size = Vec::with_capacity(k);
        offsets.push(0);
        for (row, nw, sz) in rows {
            for (q, w) in row {
                targets.push(q);
                weights.push(w);
            }
            offsets.push(targets.len());
            node_w.push(nw);
            size.push(sz);
        }
        LevelGraph {
            offsets,
            targets,
            weights,
            node_w,
            size,
        }
    }
}

/// One aggregated row: (neighbour part, weight) sorted by part, node weight, size.
type AggRow = (Vec<(u32, f64)>, f64, f64);

/// Renumber labels densely in order of first occurrence (node order). Returns the count.
pub(crate) fn renumber(labels: &mut [u32]) -> usize {
    let n = labels.len();
    let mut map = vec![u32::MAX; n.max(1)];
    let mut k = 0u32;
    for l in labels.iter_mut() {
        let slot = &mut map[*l as usize];
        if *slot == u32::MAX {
            *slot = k;
            k += 1;
        }
        *l = *slot;
    }
    k as usize
}

/// The γ' factor of the gain `k_{v,C} − γ' a_v A_C`.
pub(crate) fn gamma_prime(g: &LevelGraph, cfg: &CommunityConfig) -> f64 {
    match cfg.objective {
        Objective::Modularity => {
            let two_m: f64 = g.node_w.iter().sum();
            if two_m > 0.0 {
                cfg.resolution / two_m
            } else {
                0.0
            }
        }
        Objective::Cpm => cfg.resolution,
    }
}

/// Scratch space for accumulating a node's weight towards neighbouring communities.
pub(crate) struct Accum {
    pub acc: Vec<f64>,
    pub seen: Vec<bool>,
    pub touched: Vec<u32>,
}

impl Accum {
    pub fn new(n: usize) -> Self {
        Accum {
            acc: vec![0.0; n],
            seen: vec![false; n],
            touched: Vec::new(),
        }
    }
    #[inline]
    pub fn add(&mut self, c: u32, w: f64) {
        let i = c as usize;
        if !self.seen[i] {
            self.seen[i] = true;
            self.touched.push(c);
        }
        self.acc[i] += w;
    }
    #[inline]
    pub fn clear(&mut self) {
        for &c in &self.touched {
            self.acc[c as usize] = 0.0;
            self.seen[c as usize] = false;
        }
        self.touched.clear();
    }
}

/// Louvain sweeps on one level: returns (moved anything, sweeps done).
fn sweep_level(
    g: &LevelGraph,
    comm: &mut [u32],
    gp: f64,
    order: &[u32],
    cfg: &CommunityConfig,
    scale: f64,
) -> (bool, u32) {
    let n = g.n();
    let mut comm_w = vec![0.0; n];
    for v in 0..n {
        comm_w[comm[v] as usize] += g.node_w[v];
    }
    let mut acc = Accum::new(n);
    let mut moved_any = false;
    let mut sweeps = 0;
    while sweeps < cfg.max_iterations {
        sweeps += 1;
        let mut moves = 0u64;
        let mut gain_sum = 0.0;
        for &v in order {
            let own = comm[v as usize];
            let av = g.node_w[v as usize];
            let (ts, ws) = g.row(v);
            for (&u, &w) in ts.iter().zip(ws) {
                acc.add(comm[u as usize], w);
            }
            comm_w[own as usize] -= av;
            let stay = acc.acc[own as usize] - gp * av * comm_w[own as usize];
            let mut best = own;
            let mut best_gain = stay;
            for &c in &acc.touched {
                let gain = acc.acc[c as usize] - gp * av * comm_w[c as usize];
                if gain > best_gain {
                    best_gain = gain;
                    best = c;
                }
            }
            comm_w[best as usize] += av;
            if best != own {
                comm[v as usize] = best;
                moves += 1;
                gain_sum += best_gain - stay;
            }
            acc.clear();
        }
        if moves == 0 {
            break;
        }
        moved_any = true;
        if gain_sum * scale < cfg.tolerance {
            break;
        }
    }
    (moved_any, sweeps)
}

/// Multi-level Louvain from singletons. Returns (membership, levels, total sweeps).
pub(crate) fn louvain(
    g: &Csr,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> (Vec<u32>, u32, u32) {
    let n = g.n();
    let mut level_graph = LevelGraph::from_csr(g, cfg.objective);
    let gp = gamma_prime(&level_graph, cfg);
    // Gains are in units of edge weight; × scale turns them into modularity units (1/m).
    let two_m: f64 = level_graph.node_w.iter().sum();
    let scale = match cfg.objective {
        Objective::Modularity if two_m > 0.0 => 2.0 / two_m,
        _ => 1.0,
    };
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let mut levels = 0;
    let mut sweeps_total = 0;
    progress.start("louvain levels", u64::from(cfg.max_levels));
    while levels < cfg.max_levels {
        let ln = level_graph.n();
        let mut comm: Vec<u32> = (0..ln as u32).collect();
        let mut order: Vec<u32> = (0..ln as u32).collect();
        let mut rng = rng_for(seed, Stream::Louvain, u64::from(levels));
        order.shuffle(&mut rng);
        let (moved, sweeps) = sweep_level(&level_graph, &mut comm, gp, &order, cfg, scale);
        sweeps_total += sweeps;
        levels += 1;
        progress.inc(1);
        let k = renumber(&mut comm);
        for m in membership.iter_mut() {
            *m = comm[*m as usize];
        }
        if !moved || k == ln {
            break;
        }
        level_graph = level_graph.aggregate(&comm, k);
    }
    progress.finish();
    (membership, levels, sweeps_total)
}
