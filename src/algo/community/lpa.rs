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
//! Time O(m) per round, space O(n) plus a per-thread dense accumulator.

use super::louvain::{renumber, Accum};
use super::CommunityConfig;
use crate::algo::Progress;
use crate::graph::Csr;
use rayon::prelude::*;

/// Label propagation. Returns (dense labels, rounds run).
pub(crate) fn label_propagation(
    g: &Csr,
    cfg: &CommunityConfig,
    progress: &dyn Progress,
) -> (Vec<u32>, u32) {
    let n = g.n();
    let mut labels: Vec<u32> = (0..n as u32).collect();
    let mut rounds = 0;
    progress.start("label propagation rounds", u64::from(cfg.max_iterations));
    while rounds < cfg.max_iterations {
        rounds += 1;
        let prev = &labels;
        let next: Vec<u32> = (0..n as u32)
            .into_par_iter()
            .map_init(
                || Accum::new(n),
                |acc, v| {
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
                    best
                },
            )
            .collect();
        progress.inc(1);
        let changed = next != labels;
        labels = next;
        if !changed {
            break;
        }
    }
    progress.finish();
    renumber(&mut labels);
    (labels, rounds)
}
