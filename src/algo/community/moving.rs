//! Parallel local moving that reproduces the sequential algorithm bit for bit: speculative
//! batches with exact sequential validation.
//!
//! Local moving (Leiden's [`move_nodes_fast`](super::leiden), Louvain's `sweep_level`) visits
//! nodes one at a time in a seeded queue order; each visit reads the communities of the node's
//! neighbours, sums the edge weight towards each of them (in row order), then picks the best
//! gain against the current community totals and applies the move. The expensive part is the
//! row scan (two random reads per arc); the decision itself is O(distinct neighbouring
//! communities).
//!
//! Scheme (per batch of the next `B` queued nodes):
//! 1. **Propose, in parallel**: for each node of the batch, against the membership as it was
//!    at batch start, the list of neighbouring communities in first-seen row order with the
//!    accumulated weights, and the weight towards its own community ([`Speculator::propose`]).
//!    Each list is a pure function of the node, the graph and the frozen membership, so chunking
//!    and thread count cannot change it.
//! 2. **Apply, sequentially in queue order**, exactly as the sequential algorithm would: the
//!    list of node `v` is what the sequential algorithm would compute iff no neighbour of `v`
//!    changed community since batch start, i.e. iff no node adjacent to `v` moved earlier in
//!    this batch (only batch nodes move during a batch; the level graphs are undirected, so "a
//!    moved node's neighbour" is "a neighbour of `v` that moved"). Moves set a bit in a batch
//!    bitset; `v` is checked by scanning its row against it ([`Speculator::is_stale`], a
//!    sequential read plus cache-resident bit tests). A valid list is then evaluated against
//!    the *current* community totals by the caller, with the same floating-point operations
//!    in the same order as the sequential code; a stale node is recomputed on the spot against
//!    the current membership ([`accumulate`]). Queue bookkeeping (`in_queue` cleared when the
//!    node is applied, neighbours pushed in row order, Leiden's empty-community stack, the
//!    budget) stays in the sequential apply loop.
//!
//! Hence the partition (and every community total) is bit-identical to the sequential run for
//! any `B` and any thread count: determinism does not rest on the schedule at all.
//!
//! `B` adapts by a deterministic rule (the previous batch's stale share: above 1/4 halves it,
//! below 1/16 doubles it, within `[MIN_BATCH, MAX_BATCH]`); since the result does not depend on
//! `B`, the rule only affects speed. With one thread or a small level the plain sequential loop
//! runs instead (same result, no proposal overhead).
//!
//! Cost: proposals O(Σ deg) work split over the threads; applying a valid node costs its row
//! scan against the bitset plus O(distinct neighbouring communities) random reads of the totals;
//! a stale node costs the sequential work again. Extra space: per thread one `u32` per node
//! (community → list position), the batch's lists (O(Σ deg of the batch)), and n bits.

use super::louvain::{LevelGraph, ScratchPool, Weight};
use rayon::prelude::*;

/// Smallest adaptive batch.
pub(crate) const MIN_BATCH: usize = 64;
/// Largest adaptive batch.
pub(crate) const MAX_BATCH: usize = 8192;
/// Nodes per parallel proposal task.
const CHUNK: usize = 64;
/// Levels with fewer nodes run the sequential loop (the proposal overhead would not pay).
pub(crate) const MIN_PARALLEL_N: usize = 1 << 14;

/// How local moving runs. The result is the same for every setting; only speed differs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batching {
    /// Use speculative batches (else the plain sequential loop).
    pub parallel: bool,
    /// Initial batch size.
    pub start: usize,
    /// Adapt the batch size to the stale share (else keep `start`).
    pub adapt: bool,
}

impl Batching {
    /// Batches when the current rayon pool has several threads and the level is large.
    pub fn auto(n: usize) -> Batching {
        Batching {
            parallel: rayon::current_num_threads() > 1 && n >= MIN_PARALLEL_N,
            start: 1024,
            adapt: true,
        }
    }
}

/// Sum the weight from `v` to each neighbouring community, in row order. Appends
/// `(community, weight)` pairs to `out` in first-seen order and returns the weight to `own`
/// (0 when no neighbour is in it). `pos` is `u32::MAX` everywhere on entry and on return.
#[inline]
pub(crate) fn accumulate<W: Weight>(
    g: &LevelGraph<W>,
    comm: &[u32],
    v: u32,
    own: u32,
    pos: &mut [u32],
    out: &mut Vec<(u32, f64)>,
) -> f64 {
    let base = out.len();
    let (ts, ws) = g.row(v);
    for (&u, &w) in ts.iter().zip(ws) {
        let w: f64 = w.into();
        let c = comm[u as usize];
        let p = pos[c as usize];
        if p == u32::MAX {
            pos[c as usize] = (out.len() - base) as u32;
            out.push((c, w));
        } else {
            out[base + p as usize].1 += w;
        }
    }
    let p = pos[own as usize];
    let own_acc = if p == u32::MAX {
        0.0
    } else {
        out[base + p as usize].1
    };
    for &(c, _) in &out[base..] {
        pos[c as usize] = u32::MAX;
    }
    own_acc
}

/// Per-node queue and staleness marks of local moving.
pub(crate) struct Marks {
    /// Bit 0: queued. Bits 1..: the stamp of the batch in which a neighbour last moved.
    pub mark: Vec<u32>,
    /// Current batch's stamp (even; 0 in the sequential loop, where stamps are never read).
    stamp: u32,
}

impl Marks {
    /// `n` nodes, all queued or none.
    pub fn new(n: usize, queued: bool) -> Marks {
        Marks {
            mark: vec![u32::from(queued); n],
            stamp: 0,
        }
    }

    /// `v` left the queue (it is being visited).
    #[inline]
    pub fn dequeue(&mut self, v: u32) {
        self.mark[v as usize] &= !1;
    }

    /// `v` moved to community `to`: stamp every neighbour (a proposal computed at the start
    /// of this batch is stale now) and queue, by `push` in row order, the neighbours outside
    /// `to` that are not queued yet.
    #[inline]
    pub fn moved<W: Weight>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &[u32],
        v: u32,
        to: u32,
        mut push: impl FnMut(u32),
    ) {
        let stamp = self.stamp;
        for &u in g.row(v).0 {
            let m = &mut self.mark[u as usize];
            let queued = *m & 1;
            *m = stamp | queued;
            if comm[u as usize] != to && queued == 0 {
                *m |= 1;
                push(u);
            }
        }
    }

    /// Start a batch: a new stamp (forgetting old stamps when the numbers wrap).
    fn next_stamp(&mut self) -> u32 {
        if self.stamp >= u32::MAX - 3 {
            self.mark.iter_mut().for_each(|m| *m &= 1);
            self.stamp = 0;
        }
        self.stamp += 2;
        self.stamp
    }
}

/// The per-algorithm side of a batched local-moving run ([`Speculator::run_batch`]).
pub(crate) trait Visit {
    /// The run's marks; `apply` must report every move through [`Marks::moved`].
    fn marks(&mut self) -> &mut Marks;
    /// Called before each visit; false stops the run (Leiden's budget).
    #[inline]
    fn admit(&mut self) -> bool {
        true
    }
    /// Visit `v` given its weight to its own community and its neighbouring communities in
    /// first-seen row order (as [`accumulate`] gives them).
    fn apply<W: Weight>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &mut [u32],
        v: u32,
        own_acc: f64,
        cand: &[(u32, f64)],
    );
}

/// Proposals of one chunk of a batch.
#[derive(Default)]
struct ChunkOut {
    cand: Vec<(u32, f64)>,
    /// End of each node's list in `cand`.
    end: Vec<u32>,
    own_acc: Vec<f64>,
}

/// Batch proposals plus the moved-in-this-batch bitset (see the module doc).
pub(crate) struct Speculator {
    pool: ScratchPool<Vec<u32>>,
    chunks: Vec<ChunkOut>,
    n: usize,
    /// Current batch size.
    pub batch: usize,
    adapt: bool,
    /// Nodes applied / found stale since creation (for statistics and tests).
    pub applied: u64,
    pub stale: u64,
    batch_stale: usize,
    batch_len: usize,
}

impl Speculator {
    pub fn new(n: usize, b: Batching) -> Speculator {
        Speculator {
            pool: ScratchPool::new(),
            chunks: Vec::new(),
            n,
            batch: b.start.max(1),
            adapt: b.adapt,
            applied: 0,
            stale: 0,
            batch_stale: 0,
            batch_len: 0,
        }
    }

    /// Compute the proposals of `batch` against `comm` (frozen during the call), in parallel.
    pub fn propose<W: Weight>(&mut self, g: &LevelGraph<W>, comm: &[u32], batch: &[u32]) {
        let nch = batch.len().div_ceil(CHUNK);
        if self.chunks.len() < nch {
            self.chunks.resize_with(nch, ChunkOut::default);
        }
        let n = self.n;
        let pool = &self.pool;
        self.chunks[..nch]
            .par_iter_mut()
            .zip(batch.par_chunks(CHUNK))
            .for_each(|(out, nodes)| {
                out.cand.clear();
                out.end.clear();
                out.own_acc.clear();
                pool.with(
                    || vec![u32::MAX; n],
                    |pos| {
                        for &v in nodes {
                            let own = comm[v as usize];
                            let a = accumulate(g, comm, v, own, pos, &mut out.cand);
                            out.own_acc.push(a);
                            out.end.push(out.cand.len() as u32);
                        }
                    },
                );
            });
        self.batch_len = batch.len();
        self.batch_stale = 0;
    }

    /// Run `f` with this thread's community → position scratch (for recomputing stale nodes;
    /// shares the proposal scratch, so it costs no extra memory).
    pub fn with_pos<R>(&self, f: impl FnOnce(&mut [u32]) -> R) -> R {
        let n = self.n;
        self.pool.with(|| vec![u32::MAX; n], |pos| f(pos))
    }

    /// The proposal of the `i`-th node of the batch: (weight to own community, list).
    #[inline]
    pub fn get(&self, i: usize) -> (f64, &[(u32, f64)]) {
        let ch = &self.chunks[i / CHUNK];
        let j = i % CHUNK;
        let lo = if j == 0 { 0 } else { ch.end[j - 1] as usize };
        (ch.own_acc[j], &ch.cand[lo..ch.end[j] as usize])
    }

    /// Count one applied node, `stale` when a neighbour of it moved earlier in this batch (its
    /// proposal must then be recomputed). Returns `stale`.
    #[inline]
    pub fn count(&mut self, stale: bool) -> bool {
        self.applied += 1;
        if stale {
            self.stale += 1;
            self.batch_stale += 1;
        }
        stale
    }

    /// Run one batch: compute the proposals of `batch` in parallel, then visit its nodes in
    /// order exactly as the sequential loop would (see the module doc): clear the node's queued
    /// bit, ask [`Visit::admit`] (false stops the run: returns false), reuse the proposal when
    /// no neighbour moved earlier in the batch, else recompute it against the current `comm`,
    /// and hand it to [`Visit::apply`]. `cand` is scratch for recomputed lists.
    pub fn run_batch<W: Weight, V: Visit>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &mut [u32],
        batch: &[u32],
        st: &mut V,
        cand: &mut Vec<(u32, f64)>,
    ) -> bool {
        self.propose(g, comm, batch);
        let cur = st.marks().next_stamp();
        for (i, &v) in batch.iter().enumerate() {
            let marks = st.marks();
            marks.dequeue(v);
            let stale = marks.mark[v as usize] == cur;
            if !st.admit() {
                return false;
            }
            if self.count(stale) {
                cand.clear();
                let own = comm[v as usize];
                let own_acc = self.with_pos(|pos| accumulate(g, comm, v, own, pos, cand));
                st.apply(g, comm, v, own_acc, cand);
            } else {
                let (own_acc, list) = self.get(i);
                st.apply(g, comm, v, own_acc, list);
            }
        }
        self.end_batch();
        true
    }

    /// Close the batch: clear the bitset and adapt the batch size (deterministically).
    pub fn end_batch(&mut self) {
        if self.adapt && self.batch_len == self.batch {
            if self.batch_stale * 4 > self.batch_len {
                self.batch = (self.batch / 2).max(MIN_BATCH);
            } else if self.batch_stale * 16 < self.batch_len {
                self.batch = (self.batch * 2).min(MAX_BATCH);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::leiden::move_nodes_fast_with;
    use super::super::louvain::{renumber, sweep_level_with, LevelGraph};
    use super::super::{CommunityConfig, Objective};
    use super::Batching;
    use crate::algo::rng::{rng_for, Stream};
    use crate::graph::Csr;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    /// A planted-partition graph: `k` groups, about 12 arcs inside and 4 across per node,
    /// weights 1 or 2 (symmetric, no loops).
    fn planted(n: usize, k: usize, seed: u64) -> Csr {
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut edges = Vec::new();
        for v in 0..n as u32 {
            for j in 0..8u32 {
                let u = if j < 6 {
                    let g = v as usize % k;
                    (rng.gen_range(0..n / k) * k + g) as u32
                } else {
                    rng.gen_range(0..n as u32)
                };
                if u != v && (u as usize) < n {
                    let w = if rng.gen_bool(0.3) { 2.0 } else { 1.0 };
                    edges.push((v.min(u), v.max(u), w));
                }
            }
        }
        edges.sort_by_key(|&(a, b, _)| (a, b));
        edges.dedup_by_key(|&mut (a, b, _)| (a, b));
        let mut arcs: Vec<(u32, u32, f32)> = edges
            .iter()
            .flat_map(|&(a, b, w)| [(a, b, w), (b, a, w)])
            .collect();
        arcs.sort_by_key(|&(a, b, _)| (a, b));
        Csr::from_arcs(n, &arcs)
    }

    fn run(g: &LevelGraph<f32>, init: &[u32], b: Batching, threads: usize) -> (Vec<u32>, u64) {
        let gp = 1.0 / g.node_w.iter().sum::<f64>();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut comm = init.to_vec();
            let mut rng = rng_for(9, Stream::Leiden, 3);
            let (_, (_, stale)) = move_nodes_fast_with(g, &mut comm, gp, &mut rng, b);
            (comm, stale)
        })
    }

    /// Speculative batches give exactly the sequential partition, for any batch size and
    /// thread count, from singletons and from a coarse partition with empty community ids
    /// (Leiden's empty-community stack), with stale proposals actually occurring.
    #[test]
    fn batches_reproduce_the_sequential_moves() {
        let csr = planted(3000, 30, 7);
        let g = LevelGraph::from_csr(&csr, Objective::Modularity);
        let n = g.n() as u32;
        let singletons: Vec<u32> = (0..n).collect();
        let coarse: Vec<u32> = (0..n).map(|v| v / 7).collect();
        for init in [&singletons, &coarse] {
            let seq = Batching {
                parallel: false,
                start: 1,
                adapt: false,
            };
            let (want, _) = run(&g, init, seq, 1);
            assert!(renumber(&mut want.clone()) < n as usize / 4);
            for threads in [1, 2] {
                for (start, adapt) in [(1, false), (16, false), (64, true), (1000, false)] {
                    let b = Batching {
                        parallel: true,
                        start,
                        adapt,
                    };
                    let (got, stale) = run(&g, init, b, threads);
                    assert_eq!(got, want, "batch {start} adapt {adapt} threads {threads}");
                    if start == 1000 {
                        assert!(stale > 0, "stale proposals never exercised");
                    }
                }
            }
        }
    }

    /// The same for Louvain's round-based sweeps (moves, rounds and the partition).
    #[test]
    fn louvain_batches_reproduce_the_sequential_sweeps() {
        let csr = planted(3000, 30, 11);
        let g = LevelGraph::from_csr(&csr, Objective::Modularity);
        let n = g.n() as u32;
        let two_m: f64 = g.node_w.iter().sum();
        let cfg = CommunityConfig::default();
        let order: Vec<u32> = (0..n).rev().collect();
        let sweep = |b: Batching, threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut comm: Vec<u32> = (0..n).collect();
                let r = sweep_level_with(&g, &mut comm, 1.0 / two_m, &order, &cfg, 2.0 / two_m, b);
                (comm, r)
            })
        };
        let want = sweep(
            Batching {
                parallel: false,
                start: 1,
                adapt: false,
            },
            1,
        );
        assert!(want.1 .1 > 1, "only one round: later rounds untested");
        for threads in [1, 2] {
            for (start, adapt) in [(1, false), (32, true), (1000, false)] {
                let b = Batching {
                    parallel: true,
                    start,
                    adapt,
                };
                assert_eq!(sweep(b, threads), want, "batch {start} threads {threads}");
            }
        }
    }
}
