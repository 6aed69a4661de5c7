//! Synchronous label propagation (Raghavan, Albert & Kumara, "Near linear time algorithm to
//! detect community structures in large-scale networks", Phys. Rev. E 76, 036106, 2007).
//!
//! Every node starts with its own id as label. In each round, all nodes simultaneously take the
//! label carrying the largest total edge weight among their neighbours (their own label does not
//! vote; self-loops are ignored). **Tie-break: the smallest label wins.** Isolated nodes keep their
//! label. Rounds stop when no label changes or after `max_iterations` rounds (synchronous updates
//! can oscillate on bipartite-like structures; the cap ends that).
//!
//! Rounds are parallel with rayon; each node reads only the previous round's labels and sums its
//! row in row order, so the result is identical for any thread count. The seed is not used.
//! Only nodes with a neighbour whose label changed in the previous round are evaluated again: a
//! node's vote depends on its neighbours' labels only, so every other node would pick the label
//! it already has (the result is exactly that of evaluating every node in every round).
//! Time O(m) per round at most (the sum of the degrees of the nodes near a change), space O(n)
//! plus one dense accumulator per worker thread.

use super::louvain::{renumber, Accum, ScratchPool};
use super::CommunityConfig;
use crate::algo::Progress;
use crate::graph::Csr;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Nodes per parallel task (fixed: results never depend on it, only the scheduling does).
const CHUNK: usize = 2048;

/// Label propagation. Returns (dense labels, rounds run).
pub(crate) fn label_propagation(
    g: &Csr,
    cfg: &CommunityConfig,
    progress: &dyn Progress,
) -> (Vec<u32>, u32) {
    let n = g.n();
    let mut labels: Vec<u32> = (0..n as u32).collect();
    let mut next = labels.clone();
    // Round 1 evaluates everyone; later rounds the neighbours of the nodes that changed.
    let active: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(true)).collect();
    let pool = ScratchPool::new();
    let mut rounds = 0;
    progress.start("label propagation rounds", u64::from(cfg.max_iterations));
    while rounds < cfg.max_iterations {
        rounds += 1;
        let prev = &labels;
        let changed: Vec<Vec<u32>> = next
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(ci, out)| {
                let base = ci * CHUNK;
                let mut changed = Vec::new();
                pool.with(
                    || Accum::new(n),
                    |acc| {
                        for (i, o) in out.iter_mut().enumerate() {
                            let v = (base + i) as u32;
                            if !active[v as usize].load(Ordering::Relaxed) {
                                *o = prev[v as usize];
                                continue;
                            }
                            for (&u, &w) in g.neighbors(v).iter().zip(g.weights_of(v)) {
                                if u != v {
                                    acc.add(prev[u as usize], f64::from(w));
                                }
                            }
                            let mut best = prev[v as usize];
                            let mut best_w = f64::NEG_INFINITY;
                            for &l in &acc.touched {
                                let w = acc.acc[l as usize];
                                if w > best_w || (w == best_w && l < best) {
                                    best_w = w;
                                    best = l;
                                }
                            }
                            acc.clear();
                            *o = best;
                            if best != prev[v as usize] {
                                changed.push(v);
                            }
                        }
                    },
                );
                changed
            })
            .collect();
        progress.inc(1);
        std::mem::swap(&mut labels, &mut next);
        if changed.iter().all(Vec::is_empty) {
            break;
        }
        // Next round's active set: the neighbours of every node that changed (setting a flag
        // to true is idempotent, so concurrent stores cannot change the outcome).
        active
            .par_iter()
            .with_min_len(CHUNK)
            .for_each(|a| a.store(false, Ordering::Relaxed));
        changed.par_iter().for_each(|vs| {
            for &v in vs {
                for &u in g.neighbors(v) {
                    active[u as usize].store(true, Ordering::Relaxed);
                }
            }
        });
    }
    progress.finish();
    renumber(&mut labels);
    (labels, rounds)
}
