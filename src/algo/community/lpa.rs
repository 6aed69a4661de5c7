//! Synchronous label propagation (Raghavan, Albert & Kumara, "Near linear time algorithm to
//! detect community structures in large-scale networks", Phys. Rev. E 76, 036106, 2007).
//!
//! Every node starts with its own id as label. In each round, all nodes simultaneously take the
//! label carrying the largest total edge weight among their neighbours (their own label does not
//! vote; self-loops are ignored). **Tie-break: the smallest label wins.** Isolated nodes keep their
//! label. Rounds stop when no label changes or after `max_iterations` rounds (synchronous updates
//! can oscillate on bipartite-like structures; the cap ends that).
//! **Period-2 shortcut:** when a round exactly undoes the previous one (the same nodes change,
//! each back to its label before), the labels alternate between two states from then on (a
//! round is a deterministic function of the labels), so the labels after `max_iterations`
//! rounds are known: the run stops there and returns them. The partition is the one running all
//! rounds would give; the reported round count is the rounds actually run. (NetworKit's PLP
//! instead stops once at most n·10⁻⁵ nodes change in a round, which changes the result; we
//! keep the exact rule.)
//!
//! Rounds are parallel with rayon; each node reads only the previous round's labels (new labels
//! are collected per chunk and applied after the round) and sums its row in row order, so the
//! result is identical for any thread count. The seed is not used.
//! Only nodes with a neighbour whose label changed in the previous round are evaluated again: a
//! node's vote depends on its neighbours' labels only, so every other node would pick the label
//! it already has (the result is exactly that of evaluating every node in every round).
//! A row of at most 64 arcs votes by sorting its (label, position) keys in a small buffer; a
//! longer row through a dense per-thread accumulator (made only when such a row occurs): both
//! sum each label's weights in row order, so they choose the same label.
//! In round 1 every label is its node's id and rows are sorted without repeats, so each label
//! has one arc and the vote is one linear scan.
//! Time O(m) per round at most (the sum of the degrees of the nodes near a change; rows of
//! degree d ≤ 64 cost O(d log d) in cache), space O(n) plus, per worker thread, a dense
//! accumulator (9 B per node) only when the graph has a row longer than 64 arcs.

use super::louvain::{renumber, Accum, ScratchPool};
use super::CommunityConfig;
use crate::algo::Progress;
use crate::graph::Csr;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Nodes per parallel task (fixed: results never depend on it, only the scheduling does).
const CHUNK: usize = 2048;

/// Rows with at most this many arcs vote through a small buffer sorted by label (it stays in
/// L1); longer rows through a dense n-sized accumulator. Both sum each label's weights in row
/// order from 0.0, so they give the same bits and the same winner.
const SMALL_ROW: usize = 64;

/// Per-worker scratch: the sort buffer and, made only when a long row needs it, the dense
/// accumulator (9 B per node: most graphs' rows never need one).
struct Scratch {
    keys: Vec<u64>,
    dense: Option<Accum>,
}

/// The label `v` takes from its neighbours' labels `prev`: the largest total weight, ties to
/// the smallest label; `prev[v]` when `v` has no neighbour other than itself.
/// `first`: round 1, where every label is still its node's id.
#[inline]
fn vote(g: &Csr, prev: &[u32], v: u32, first: bool, s: &mut Scratch) -> u32 {
    let nb = g.neighbors(v);
    let ws = g.weights_of(v);
    let mut best = prev[v as usize];
    let mut best_w = f64::NEG_INFINITY;
    if first && nb.windows(2).all(|p| p[0] < p[1]) {
        // Round 1 on a row without repeated neighbours: each label (= neighbour id) has one
        // arc, so its total is that arc's weight; no grouping needed.
        for (&u, &w) in nb.iter().zip(ws) {
            let w = f64::from(w);
            if u != v && (w > best_w || (w == best_w && u < best)) {
                best_w = w;
                best = u;
            }
        }
        return best;
    }
    if nb.len() <= SMALL_ROW {
        // Key = label · 2^32 + position in the row: sorting the keys groups each label's arcs
        // in row order (the same summation order as the dense path).
        s.keys.clear();
        for (i, &u) in nb.iter().enumerate() {
            if u != v {
                s.keys.push(u64::from(prev[u as usize]) << 32 | i as u64);
            }
        }
        s.keys.sort_unstable();
        let mut k = 0;
        while k < s.keys.len() {
            let l = (s.keys[k] >> 32) as u32;
            let mut w = 0.0f64;
            while k < s.keys.len() && (s.keys[k] >> 32) as u32 == l {
                w += f64::from(ws[(s.keys[k] & 0xFFFF_FFFF) as usize]);
                k += 1;
            }
            // Labels come in increasing order: a strict `>` keeps the smallest on ties.
            if w > best_w {
                best_w = w;
                best = l;
            }
        }
        return best;
    }
    let acc = s.dense.get_or_insert_with(|| Accum::new(prev.len()));
    for (&u, &w) in nb.iter().zip(ws) {
        if u != v {
            acc.add(prev[u as usize], f64::from(w));
        }
    }
    for &l in &acc.touched {
        let w = acc.acc[l as usize];
        if w > best_w || (w == best_w && l < best) {
            best_w = w;
            best = l;
        }
    }
    acc.clear();
    best
}

/// Apply a round's (node, new label) changes; each entry becomes (node, old label). Chunk ci's
/// changes are nodes of chunk ci, so the chunks are applied in parallel.
fn apply(labels: &mut [u32], changes: &mut [Vec<(u32, u32)>]) {
    labels
        .par_chunks_mut(CHUNK)
        .zip(changes.par_iter_mut())
        .for_each(|(out, ch)| {
            for (v, l) in ch.iter_mut() {
                *l = std::mem::replace(&mut out[*v as usize % CHUNK], *l);
            }
        });
}

/// Label propagation. Returns (dense labels, rounds run).
pub(crate) fn label_propagation(
    g: &Csr,
    cfg: &CommunityConfig,
    progress: &dyn Progress,
) -> (Vec<u32>, u32) {
    let n = g.n();
    let mut labels: Vec<u32> = (0..n as u32).collect();
    // Round 1 evaluates everyone; later rounds the neighbours of the nodes that changed. A
    // node's flag is cleared when it is evaluated, so no O(n) reset pass is needed.
    let active: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(true)).collect();
    let pool = ScratchPool::new();
    // The previous round's changes as (node, label before it): see the period-2 test below.
    let mut undone: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut rounds = 0;
    progress.start("label propagation rounds", u64::from(cfg.max_iterations));
    while rounds < cfg.max_iterations {
        rounds += 1;
        // Synchronous: every vote reads this round's `labels`; the new labels are collected
        // per chunk as (node, label) and applied after the whole round.
        let prev = &labels;
        let mut changes: Vec<Vec<(u32, u32)>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|ci| {
                let mut changes = Vec::new();
                pool.with(
                    || Scratch {
                        keys: Vec::with_capacity(SMALL_ROW),
                        dense: None,
                    },
                    |s| {
                        for v in ci * CHUNK..((ci + 1) * CHUNK).min(n) {
                            if !active[v].load(Ordering::Relaxed) {
                                continue;
                            }
                            active[v].store(false, Ordering::Relaxed);
                            let best = vote(g, prev, v as u32, rounds == 1, s);
                            if best != prev[v] {
                                changes.push((v as u32, best));
                            }
                        }
                    },
                );
                changes
            })
            .collect();
        progress.inc(1);
        if changes.iter().all(Vec::is_empty) {
            break;
        }
        // Period 2: this round undoes the previous one exactly (same nodes, each going back to
        // the label it had before), so labels after round r equal those after round r − 2 and,
        // the rounds being a deterministic function of the labels, alternate from here on.
        // The labels after `max_iterations` rounds are then known without running the rest:
        // this round's when the rounds left are even, else the current ones.
        if changes == undone {
            if (cfg.max_iterations - rounds) % 2 == 0 {
                apply(&mut labels, &mut changes);
            }
            break;
        }
        apply(&mut labels, &mut changes);
        // Next round's active set: the neighbours of every node that changed (setting a flag
        // to true is idempotent, so concurrent stores cannot change the outcome).
        changes.par_iter().for_each(|ch| {
            for &(v, _) in ch {
                for &u in g.neighbors(v) {
                    active[u as usize].store(true, Ordering::Relaxed);
                }
            }
        });
        undone = changes;
    }
    progress.finish();
    renumber(&mut labels);
    (labels, rounds)
}
