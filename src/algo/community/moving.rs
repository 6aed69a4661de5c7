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
//! Scheme (batches of the next `B` nodes in visit order, [`Speculator::run`]):
//! 1. **Propose, in parallel**: for each node of the batch, the list of neighbouring
//!    communities in first-seen row order with the accumulated weights, and the weight towards
//!    its own community ([`accumulate`]). Each list is a function of the node, the graph and
//!    the memberships of the node's neighbours only, so chunking and thread count cannot
//!    change it.
//! 2. **Apply, sequentially in visit order**, exactly as the sequential algorithm would
//!    ([`Visit::apply`], the per-algorithm decision code): a node's list is what the sequential
//!    algorithm would compute iff no neighbour of it changed community since its proposal was
//!    started (the level graphs are undirected, so "a moved node's neighbour" is "a neighbour
//!    of `v` that moved"). A moving node stamps its neighbours with the batch's number in the
//!    queue-push loop it runs anyway ([`Marks::moved`], packed with the queued bit), so the
//!    check is O(1). A valid list is evaluated against the *current* community totals with the
//!    same floating-point operations in the same order as the sequential code; a stale node is
//!    recomputed on the spot against the current membership. Queue bookkeeping (queued bit
//!    cleared when the node is visited, neighbours pushed in row order, Leiden's
//!    empty-community stack, the budget) stays in the sequential apply loop.
//! 3. **Pipeline**: the proposals of batch `k + 1` are computed (by the other threads) while
//!    batch `k` is applied (`rayon::join`), so proposing and applying overlap. This is valid
//!    because the next batch's nodes are already fixed when batch `k` starts (Leiden's queue is
//!    FIFO and pushes go to its back; a Louvain round is fixed before it starts), and a
//!    proposal of batch `k + 1` is used only when none of the node's neighbours moved in batch
//!    `k` or earlier in batch `k + 1` (its mark's stamp is older than batch `k`'s). The
//!    membership is an array of relaxed atomics ([`Comm`]) for this: a proposal that read a
//!    membership changing under it is always one of those discarded.
//!
//! 4. **Long rows** (at least [`LONG_ROW`] arcs), on levels whose sums are exact in any order
//!    ([`exact_sums`]: every weight a positive integer, total below 2^52; unweighted input and
//!    its count-weighted aggregates): not proposed, since a long row is likely to be stale by
//!    the time it is applied (rmat20 Leiden pass 1, level 0: 54 % of the 256–4095-arc visits,
//!    85 % of the ≥ 4096 ones, so 60 % of all scanned arcs were re-scanned sequentially after
//!    a wasted speculative scan). The apply step scans such a row when it reaches it, as a
//!    parallel scan over fixed chunks of [`ROW_CHUNK`] arcs, each chunk listing its
//!    communities in first-seen order with row-order sums, merged in chunk order (a community
//!    keeps its first position, its chunk sums are added in chunk order, [`LongScan`]); the
//!    next batch's proposals keep running meanwhile and idle threads steal chunks. With exact
//!    sums the merged list is exactly the row-order list. On other levels (non-integer
//!    weights) long rows are speculated like any row (the chunked order would change the
//!    sums' rounding).
//!
//! Hence the partition (and every community total) is bit-identical to the sequential run for
//! any `B` and any thread count: determinism does not rest on the schedule at all.
//!
//! `B` adapts by a deterministic rule (the previous batch's stale share: above 1/4 halves it,
//! below 1/16 doubles it, within `[MIN_BATCH, MAX_BATCH]`); since the result does not depend on
//! `B`, the rule only affects speed. With one thread or a small level the plain sequential loop
//! runs instead (same result, no proposal overhead).
//!
//! Cost: proposals O(Σ deg) work split over the threads; applying a valid node costs
//! O(distinct neighbouring communities) random reads of the totals (plus its row scan when it
//! moves); a stale node costs the sequential row scan again (lfr100k Leiden level 0: 10.7 % of
//! the visits stale with the pipeline, 7.9 % without; rmat20: 11.5 % vs 7.8 %). Extra space:
//! per thread one `u32` per node (community → list position), two batches' lists
//! (O(Σ deg of the batches' short rows)), one long row's chunk lists, and the atomic copy of
//! the membership (4 B per node).

use super::louvain::{LevelGraph, ScratchPool, Weight};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// Smallest adaptive batch.
pub(crate) const MIN_BATCH: usize = 64;
/// Largest adaptive batch.
pub(crate) const MAX_BATCH: usize = 8192;
/// Nodes per parallel proposal task.
const CHUNK: usize = 64;
/// Levels with fewer nodes run the sequential loop (the proposal overhead would not pay).
pub(crate) const MIN_PARALLEL_N: usize = 1 << 14;
/// Rows with at least this many arcs are "long": not proposed, scanned in parallel chunks by
/// the apply step (on levels with exact sums, see [`exact_sums`]).
pub(crate) const LONG_ROW: usize = 512;
/// Arcs per parallel task of a long row's scan (a constant: the chunk lists, hence the merged
/// list, do not depend on the thread count).
pub(crate) const ROW_CHUNK: usize = 1024;

/// How local moving runs. The result is the same for every setting; only speed differs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batching {
    /// Use speculative batches (else the plain sequential loop).
    pub parallel: bool,
    /// Initial batch size.
    pub start: usize,
    /// Adapt the batch size to the stale share (else keep `start`).
    pub adapt: bool,
    /// Rows with at least this many arcs are long (see [`LONG_ROW`]; `usize::MAX`: none).
    pub long_row: usize,
    /// Arcs per task of a long row's parallel scan (see [`ROW_CHUNK`]).
    pub row_chunk: usize,
}

impl Batching {
    /// Batches when the current rayon pool has several threads and the level is large.
    pub fn auto(n: usize) -> Batching {
        Batching {
            parallel: rayon::current_num_threads() > 1 && n >= MIN_PARALLEL_N,
            start: 1024,
            adapt: true,
            long_row: LONG_ROW,
            row_chunk: ROW_CHUNK,
        }
    }
}

/// Community of each node. Atomic so that the next batch's proposals can read it while the
/// current batch is applied (relaxed loads and stores: plain moves on x86-64; a proposal that
/// saw a torn state is never used, see [`Speculator::run`]).
pub(crate) type Comm = [AtomicU32];

/// `comm[v]`.
#[inline]
pub(crate) fn load(comm: &Comm, v: u32) -> u32 {
    comm[v as usize].load(Relaxed)
}

/// Set `comm[v]`.
#[inline]
pub(crate) fn store(comm: &Comm, v: u32, c: u32) {
    comm[v as usize].store(c, Relaxed)
}

/// An atomic copy of a membership (to be written back with [`write_back`]).
pub(crate) fn to_atomic(comm: &[u32]) -> Vec<AtomicU32> {
    comm.iter().map(|&c| AtomicU32::new(c)).collect()
}

/// Copy an atomic membership back.
pub(crate) fn write_back(from: Vec<AtomicU32>, comm: &mut [u32]) {
    for (c, a) in comm.iter_mut().zip(from) {
        *c = a.into_inner();
    }
}

/// Sum the weight from `v` to each neighbouring community, in row order. Appends
/// `(community, weight)` pairs to `out` in first-seen order and returns the weight to `own`
/// (0 when no neighbour is in it). `pos` is `u32::MAX` everywhere on entry and on return.
#[inline]
pub(crate) fn accumulate<W: Weight>(
    g: &LevelGraph<W>,
    comm: &Comm,
    v: u32,
    own: u32,
    pos: &mut [u32],
    out: &mut Vec<(u32, f64)>,
) -> f64 {
    let base = out.len();
    let (ts, ws) = g.row(v);
    for (&u, &w) in ts.iter().zip(ws) {
        let w: f64 = w.into();
        let c = load(comm, u);
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

/// Number of arcs in the row of `v`.
#[inline]
fn degree<W: Weight>(g: &LevelGraph<W>, v: u32) -> usize {
    (g.offsets[v as usize + 1] - g.offsets[v as usize]) as usize
}

/// The longest row's number of arcs.
fn max_degree<W: Weight>(g: &LevelGraph<W>) -> usize {
    g.offsets
        .windows(2)
        .map(|w| (w[1] - w[0]) as usize)
        .max()
        .unwrap_or(0)
}

/// Whether every sum of the level's weights is exact in `f64` in any order: every weight a
/// positive integer and their total below 2^53 (unweighted input: level-0 `f32` ones;
/// aggregated levels of it: count weights). Only then may a long row be summed in chunks
/// (chunk sums merged in chunk order) and give the same bits as the row-order sum.
pub(crate) fn exact_sums<W: Weight>(g: &LevelGraph<W>) -> bool {
    const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    let ok_total = g
        .weights
        .par_chunks(1 << 16)
        .map(|ws| {
            let mut t = 0.0f64;
            for &w in ws {
                let w: f64 = w.into();
                if !(w > 0.0 && w.fract() == 0.0) {
                    return f64::INFINITY;
                }
                t += w;
            }
            t
        })
        .reduce(|| 0.0, |a, b| a + b);
    // Every partial sum is at most the total; a total below 2^53 in this (chunk-wise) order
    // bounds the exact total by 2^53 plus rounding, so ask for a margin.
    ok_total < LIMIT / 2.0
}

/// The long rows' parallel scan: `(community, weight)` lists of fixed chunks of the row.
#[derive(Default)]
struct LongScan {
    bufs: Vec<Vec<(u32, f64)>>,
}

impl LongScan {
    /// Like [`accumulate`], but the row of `v` is scanned as fixed chunks of `chunk` arcs in
    /// parallel, each chunk listing its communities in first-seen order with row-order sums,
    /// merged in chunk order (a community keeps its first position; its chunk sums are added
    /// in chunk order). With exact sums ([`exact_sums`]) this is exactly [`accumulate`]'s
    /// result. The caller must not hold a `pool` scratch (the tasks take theirs from it).
    #[allow(clippy::too_many_arguments)]
    fn accumulate<W: Weight>(
        &mut self,
        pool: &ScratchPool<Vec<u32>>,
        n: usize,
        chunk: usize,
        g: &LevelGraph<W>,
        comm: &Comm,
        v: u32,
        own: u32,
        out: &mut Vec<(u32, f64)>,
    ) -> f64 {
        let (ts, ws) = g.row(v);
        let nch = ts.len().div_ceil(chunk);
        if self.bufs.len() < nch {
            self.bufs.resize_with(nch, Vec::new);
        }
        self.bufs[..nch]
            .par_iter_mut()
            .zip(ts.par_chunks(chunk).zip(ws.par_chunks(chunk)))
            .for_each(|(buf, (ts, ws))| {
                buf.clear();
                pool.with(
                    || vec![u32::MAX; n],
                    |pos| {
                        scan(
                            ts.iter().zip(ws).map(|(&u, &w)| (load(comm, u), w.into())),
                            pos,
                            buf,
                        );
                        reset(pos, buf);
                    },
                );
            });
        let bufs = &self.bufs[..nch];
        pool.with(
            || vec![u32::MAX; n],
            |pos| {
                let base = out.len();
                scan(bufs.iter().flatten().copied(), pos, out);
                own_weight(own, pos, &out[base..])
            },
        )
    }
}

/// Append the `(community, weight)` pairs of `items` to `out` merged by community, in
/// first-seen order, each community's weights summed in item order. `pos` must be
/// `u32::MAX` everywhere on entry; it maps the new entries' communities to their position
/// (relative to `out`'s length on entry) on return: reset it with [`own_weight`].
#[inline]
fn scan(items: impl Iterator<Item = (u32, f64)>, pos: &mut [u32], out: &mut Vec<(u32, f64)>) {
    let base = out.len();
    for (c, w) in items {
        let p = pos[c as usize];
        if p == u32::MAX {
            pos[c as usize] = (out.len() - base) as u32;
            out.push((c, w));
        } else {
            out[base + p as usize].1 += w;
        }
    }
}

/// The weight of `own` in `list` (the pairs [`scan`] just appended; 0 when absent), resetting
/// `pos` to `u32::MAX` for the communities of `list`.
#[inline]
fn own_weight(own: u32, pos: &mut [u32], list: &[(u32, f64)]) -> f64 {
    let p = pos[own as usize];
    let own_acc = if p == u32::MAX {
        0.0
    } else {
        list[p as usize].1
    };
    reset(pos, list);
    own_acc
}

/// Set `pos` back to `u32::MAX` for the communities of `list`.
#[inline]
fn reset(pos: &mut [u32], list: &[(u32, f64)]) {
    for &(c, _) in list {
        pos[c as usize] = u32::MAX;
    }
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
        comm: &Comm,
        v: u32,
        to: u32,
        mut push: impl FnMut(u32),
    ) {
        let stamp = self.stamp;
        for &u in g.row(v).0 {
            let m = &mut self.mark[u as usize];
            let queued = *m & 1;
            *m = stamp | queued;
            if queued == 0 && load(comm, u) != to {
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

/// The per-algorithm side of a batched local-moving run ([`Speculator::run`]).
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
        comm: &Comm,
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

/// The proposals of one batch.
#[derive(Default)]
struct Props {
    chunks: Vec<ChunkOut>,
}

impl Props {
    /// Compute the proposals of `batch` against `comm`, in parallel. `comm` may change during
    /// the call (the apply step of the previous batch runs beside it): a proposal is only used
    /// when no neighbour of its node moved since the call began (see [`Speculator::run`]).
    /// Nodes whose row has at least `long_row` arcs get an empty list (never used: the
    /// apply step scans their rows itself).
    #[allow(clippy::too_many_arguments)]
    fn propose<W: Weight>(
        &mut self,
        pool: &ScratchPool<Vec<u32>>,
        n: usize,
        long_row: usize,
        g: &LevelGraph<W>,
        comm: &Comm,
        batch: &[u32],
    ) {
        let nch = batch.len().div_ceil(CHUNK);
        if self.chunks.len() < nch {
            self.chunks.resize_with(nch, ChunkOut::default);
        }
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
                            let a = if degree(g, v) >= long_row {
                                0.0
                            } else {
                                let own = load(comm, v);
                                accumulate(g, comm, v, own, pos, &mut out.cand)
                            };
                            out.own_acc.push(a);
                            out.end.push(out.cand.len() as u32);
                        }
                    },
                );
            });
    }

    /// The proposal of the `i`-th node of the batch: (weight to own community, list).
    #[inline]
    fn get(&self, i: usize) -> (f64, &[(u32, f64)]) {
        let ch = &self.chunks[i / CHUNK];
        let j = i % CHUNK;
        let lo = if j == 0 { 0 } else { ch.end[j - 1] as usize };
        (ch.own_acc[j], &ch.cand[lo..ch.end[j] as usize])
    }
}

/// Pipelined speculative batches (see the module doc).
pub(crate) struct Speculator {
    pool: ScratchPool<Vec<u32>>,
    cur: Props,
    next: Props,
    long: LongScan,
    n: usize,
    /// Current batch size.
    pub batch: usize,
    adapt: bool,
    /// Long rows as configured ([`Batching::long_row`]); in effect only on levels with exact
    /// sums.
    long_row: usize,
    row_chunk: usize,
    /// Nodes applied / found stale / scanned as long rows since creation (for statistics and
    /// tests; long rows are not counted as stale).
    pub applied: u64,
    pub stale: u64,
    pub long_visits: u64,
}

impl Speculator {
    pub fn new(n: usize, b: Batching) -> Speculator {
        Speculator {
            pool: ScratchPool::new(),
            cur: Props::default(),
            next: Props::default(),
            long: LongScan::default(),
            n,
            batch: b.start.max(1),
            adapt: b.adapt,
            long_row: b.long_row.max(1),
            row_chunk: b.row_chunk.max(1),
            applied: 0,
            stale: 0,
            long_visits: 0,
        }
    }

    /// Visit nodes in batches until `fill` gives no more, exactly as the sequential loop
    /// would visit them (see the module doc). `fill(st, b, out)` appends to the empty `out`
    /// at most `b` nodes, the next ones the sequential loop would visit given the state `st`
    /// (it runs while the previous batch has not been applied yet, so it may only hand out
    /// nodes whose place in the visit order is already fixed). Each node of a batch: its
    /// queued bit is cleared, [`Visit::admit`] is asked (false stops the run: returns false),
    /// its proposal is reused when no neighbour moved since the proposal was started, else
    /// recomputed against the current `comm`, and handed to [`Visit::apply`].
    ///
    /// Pipeline: the proposals of batch `k + 1` are computed while batch `k` is applied, so
    /// they are valid only when no neighbour moved in batch `k` or earlier in batch `k + 1`:
    /// a mark stamped with batch `k`'s stamp or later.
    pub fn run<W: Weight, V: Visit + Send>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &Comm,
        st: &mut V,
        mut fill: impl FnMut(&mut V, usize, &mut Vec<u32>),
    ) -> bool {
        let mut cur: Vec<u32> = Vec::new();
        let mut next: Vec<u32> = Vec::new();
        let mut cand: Vec<(u32, f64)> = Vec::new();
        // Long rows only where a chunked sum is the row-order sum (else today's speculation).
        let long_row = if self.long_row <= max_degree(g) && exact_sums(g) {
            self.long_row
        } else {
            usize::MAX
        };
        let row_chunk = self.row_chunk;
        // Oldest stamp that invalidates the proposals of `cur`.
        let mut since = 0u32;
        loop {
            if cur.is_empty() {
                // Pipeline empty: start it with proposals made before the next stamp.
                fill(st, self.batch, &mut cur);
                if cur.is_empty() {
                    return true;
                }
                self.cur
                    .propose(&self.pool, self.n, long_row, g, comm, &cur);
                since = u32::MAX;
            }
            next.clear();
            fill(st, self.batch, &mut next);
            let marks = st.marks();
            let wraps = marks.stamp >= u32::MAX - 3;
            let stamp = marks.next_stamp();
            // A wrap forgets every stamp: treat all of `cur` as stale then.
            since = if wraps { 0 } else { since.min(stamp) };
            let Speculator {
                pool,
                cur: props,
                next: next_props,
                long,
                n,
                applied,
                stale,
                long_visits,
                ..
            } = self;
            let (n, pool) = (*n, &*pool);
            let ((go, batch_stale), ()) = rayon::join(
                || {
                    let mut batch_stale = 0usize;
                    for (i, &v) in cur.iter().enumerate() {
                        let marks = st.marks();
                        marks.dequeue(v);
                        let is_stale = marks.mark[v as usize] >= since;
                        if !st.admit() {
                            return (false, batch_stale);
                        }
                        *applied += 1;
                        if degree(g, v) >= long_row {
                            // Not proposed: scan the row now, with every thread.
                            *long_visits += 1;
                            cand.clear();
                            let own = load(comm, v);
                            let own_acc =
                                long.accumulate(pool, n, row_chunk, g, comm, v, own, &mut cand);
                            st.apply(g, comm, v, own_acc, &cand);
                        } else if is_stale {
                            *stale += 1;
                            batch_stale += 1;
                            cand.clear();
                            let own = load(comm, v);
                            let own_acc = pool.with(
                                || vec![u32::MAX; n],
                                |pos| accumulate(g, comm, v, own, pos, &mut cand),
                            );
                            st.apply(g, comm, v, own_acc, &cand);
                        } else {
                            let (own_acc, list) = props.get(i);
                            st.apply(g, comm, v, own_acc, list);
                        }
                    }
                    (true, batch_stale)
                },
                || {
                    if !next.is_empty() {
                        next_props.propose(pool, n, long_row, g, comm, &next);
                    }
                },
            );
            if !go {
                return false;
            }
            self.end_batch(cur.len(), batch_stale);
            std::mem::swap(&mut self.cur, &mut self.next);
            std::mem::swap(&mut cur, &mut next);
            since = stamp;
        }
    }

    /// Adapt the batch size to the stale share of the batch just applied (deterministically).
    fn end_batch(&mut self, len: usize, stale: usize) {
        if self.adapt && len == self.batch {
            if stale * 4 > len {
                self.batch = (self.batch / 2).max(MIN_BATCH);
            } else if stale * 16 < len {
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
    use super::{exact_sums, Batching, LONG_ROW, ROW_CHUNK};
    use crate::algo::rng::{rng_for, Stream};
    use crate::graph::Csr;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    /// A planted-partition graph: `k` groups, about 12 arcs inside and 4 across per node,
    /// weights 1 or 2 (symmetric, no loops), plus about 300 random arcs at each of the nodes
    /// `0..hubs` (rows long enough to be long rows for a lowered threshold).
    fn planted(n: usize, k: usize, seed: u64, hubs: u32) -> Csr {
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
        for h in 0..hubs {
            for _ in 0..300 {
                let u = rng.gen_range(0..n as u32);
                if u != h {
                    edges.push((h.min(u), h.max(u), 1.0));
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

    fn run(
        g: &LevelGraph<f32>,
        init: &[u32],
        b: Batching,
        threads: usize,
    ) -> (Vec<u32>, (u64, u64, u64)) {
        let gp = 1.0 / g.node_w.iter().sum::<f64>();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut comm = init.to_vec();
            let mut rng = rng_for(9, Stream::Leiden, 3);
            let (_, stats) = move_nodes_fast_with(g, &mut comm, gp, &mut rng, b);
            (comm, stats)
        })
    }

    /// The sequential loop's batching.
    const SEQ: Batching = Batching {
        parallel: false,
        start: 1,
        adapt: false,
        long_row: LONG_ROW,
        row_chunk: ROW_CHUNK,
    };

    /// Speculative batches give exactly the sequential partition, for any batch size and
    /// thread count, from singletons and from a coarse partition with empty community ids
    /// (Leiden's empty-community stack), with stale proposals actually occurring; also with
    /// lowered long-row thresholds and small row chunks (hub rows then scanned in parallel
    /// chunks by the apply step, many chunks per row).
    #[test]
    fn batches_reproduce_the_sequential_moves() {
        let csr = planted(3000, 30, 7, 40);
        let g = LevelGraph::from_csr(&csr, Objective::Modularity);
        let n = g.n() as u32;
        let singletons: Vec<u32> = (0..n).collect();
        let coarse: Vec<u32> = (0..n).map(|v| v / 7).collect();
        for init in [&singletons, &coarse] {
            let (want, _) = run(&g, init, SEQ, 1);
            assert!(renumber(&mut want.clone()) < n as usize / 4);
            for threads in [1, 2, 4] {
                for (start, adapt) in [(1, false), (16, false), (64, true), (1000, false)] {
                    for (long_row, row_chunk) in [(LONG_ROW, ROW_CHUNK), (200, 16), (8, 3)] {
                        let b = Batching {
                            parallel: true,
                            start,
                            adapt,
                            long_row,
                            row_chunk,
                        };
                        let (got, (_, stale, long)) = run(&g, init, b, threads);
                        assert_eq!(
                            got, want,
                            "batch {start} adapt {adapt} threads {threads} long {long_row}"
                        );
                        if start == 1000 && long_row == LONG_ROW {
                            assert!(stale > 0, "stale proposals never exercised");
                        }
                        assert_eq!(long > 0, long_row < LONG_ROW, "long rows {long_row}");
                    }
                }
            }
        }
    }

    /// The same for Louvain's round-based sweeps (moves, rounds and the partition).
    #[test]
    fn louvain_batches_reproduce_the_sequential_sweeps() {
        let csr = planted(3000, 30, 11, 40);
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
        let want = sweep(SEQ, 1);
        assert!(want.1 .1 > 1, "only one round: later rounds untested");
        for threads in [1, 2, 4] {
            for (start, adapt) in [(1, false), (32, true), (1000, false)] {
                for (long_row, row_chunk) in [(LONG_ROW, ROW_CHUNK), (200, 16), (8, 3)] {
                    let b = Batching {
                        parallel: true,
                        start,
                        adapt,
                        long_row,
                        row_chunk,
                    };
                    assert_eq!(
                        sweep(b, threads),
                        want,
                        "batch {start} threads {threads} long {long_row}"
                    );
                }
            }
        }
    }

    /// Long rows are scanned in chunks only where sums are exact in any order: positive
    /// integer weights with a total below 2^52. Elsewhere (here: one weight 1.5) long rows
    /// stay speculated, and the result is still the sequential one.
    #[test]
    fn long_rows_need_exact_integer_sums() {
        let csr = planted(2000, 20, 5, 10);
        let g = LevelGraph::from_csr(&csr, Objective::Modularity);
        assert!(exact_sums(&g));
        let mut zero = g.clone();
        zero.weights.to_mut()[7] = 0.0;
        assert!(!exact_sums(&zero));
        let mut huge = g.clone();
        huge.weights.to_mut()[7] = 2f32.powi(53);
        assert!(!exact_sums(&huge));
        let mut half = g.clone();
        half.weights.to_mut()[7] = 1.5;
        // Keep the graph symmetric: the reverse arc of the first arc of row 0 ... is found by
        // scanning its target's row.
        let (a, b) = (0u32, g.targets[7]);
        assert_eq!(g.offsets[0], 0);
        let rb = g.offsets[b as usize] as usize..g.offsets[b as usize + 1] as usize;
        let back = rb.clone().find(|&i| g.targets[i] == a).unwrap();
        half.weights.to_mut()[back] = 1.5;
        assert!(!exact_sums(&half));
        let n = g.n() as u32;
        let init: Vec<u32> = (0..n).collect();
        let (want, _) = run(&half, &init, SEQ, 1);
        for threads in [1, 2] {
            let b = Batching {
                parallel: true,
                start: 64,
                adapt: true,
                long_row: 8,
                row_chunk: 3,
            };
            let (got, (_, _, long)) = run(&half, &init, b, threads);
            assert_eq!(got, want, "threads {threads}");
            assert_eq!(long, 0, "chunked scans on a non-integer level");
        }
    }
}
