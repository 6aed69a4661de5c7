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
//!    batch `k` is applied, so proposing and applying overlap; the applying thread then helps
//!    with what is left of them. The other threads take chunks of 64 nodes from a shared
//!    board ([`Board`]) for the whole run, spinning briefly and then yielding between
//!    batches: with a task forked per batch (`rayon::join`, until session 11) the other
//!    thread, idle between batches, was often asleep or yielding when a batch was posted, so
//!    the applying thread ran both sides itself (on the LFR benchmark graph's ~380 level-0
//!    batches, with a build running beside it, a join took the sum of its two sides). This is valid
//!    because the next batch's nodes are already fixed when batch `k` starts (Leiden's queue is
//!    FIFO and pushes go to its back; a Louvain round is fixed before it starts), and a
//!    proposal of batch `k + 1` is used only when none of the node's neighbours moved in batch
//!    `k` or earlier in batch `k + 1` (its mark's stamp is older than batch `k`'s). The
//!    membership is an array of relaxed atomics ([`Comm`]) for this: a proposal that read a
//!    membership changing under it is always one of those discarded.
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
//! (O(Σ deg of the batches)), and the atomic copy of the membership (4 B per node).

use super::louvain::{LevelGraph, ScratchPool, Weight};
use rayon::prelude::*;
use std::sync::atomic::{
    AtomicBool, AtomicU32, AtomicU64,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Smallest adaptive batch.
pub(crate) const MIN_BATCH: usize = 64;
/// Largest adaptive batch.
pub(crate) const MAX_BATCH: usize = 8192;
/// Nodes per parallel proposal task.
const CHUNK: usize = 64;
/// Rows longer than this skip [`accumulate`]'s branch-free gather (see there).
const GATHER_MAX: usize = 1024;
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
    // Two passes. The first only gathers the neighbours' communities (independent loads that
    // the CPU overlaps: the membership is a random access per arc). The second is branch-free
    // (whether a community is new mispredicts often): every arc writes its entry, at a
    // position chosen by a select, into the gathered tail of `out`, and the length grows by
    // `new`; the entry at the length was never written by this pass (lengths only grow past
    // it), so it still holds the gathered weight 0.0. An entry's slot is at most the arc's own
    // index, so no gathered community is overwritten before it is read. Sums start at +0.0
    // and add the same weights in row order, the same bits as a push-then-add loop.
    if ts.len() > GATHER_MAX {
        // Long rows: push only new communities, so that the lists' buffers (kept per chunk
        // for the whole run) grow by the distinct communities, not by the row length.
        for (&u, &w) in ts.iter().zip(ws) {
            let w: f64 = w.into();
            let c = load(comm, u);
            let p = pos[c as usize];
            if p == u32::MAX {
                pos[c as usize] = (out.len() - base) as u32;
                out.push((c, 0.0 + w));
            } else {
                out[base + p as usize].1 += w;
            }
        }
        return finish_accumulate(out, base, own, pos);
    }
    out.extend(ts.iter().map(|&u| (load(comm, u), 0.0)));
    let len = add_gathered(&mut out[base..], 0, ws, pos);
    out.truncate(base + len);
    finish_accumulate(out, base, own, pos)
}

/// The branch-free merge step of [`accumulate`] and of the aggregation's row merge.
/// `list[..len]` holds distinct keys with their sums (`pos[key]` = index, `u32::MAX` for keys
/// not in it); `list[len..len + ws.len()]` holds the keys of the next arcs, gathered, with
/// weight 0.0. Adds each arc's weight `ws[i]` to its key's entry, appending new keys in
/// first-seen order, and returns the new length. An entry is written at an index at most the
/// arc's own, so no gathered key is overwritten before it is read, and the entry at the
/// length still holds its gathered 0.0; sums start at 0.0 and add in arc order.
#[inline]
pub(crate) fn add_gathered<W: Weight>(
    list: &mut [(u32, f64)],
    mut len: usize,
    ws: &[W],
    pos: &mut [u32],
) -> usize {
    let start = len;
    for (i, &w) in ws.iter().enumerate() {
        let w: f64 = w.into();
        let key = list[start + i].0;
        let p = pos[key as usize];
        let new = p == u32::MAX;
        let at = if new { len } else { p as usize };
        pos[key as usize] = at as u32;
        let e = &mut list[at];
        e.0 = key;
        e.1 += w;
        len += usize::from(new);
    }
    len
}

/// Weight to `own` from the list `out[base..]`; resets `pos` for the list's communities.
#[inline]
fn finish_accumulate(out: &[(u32, f64)], base: usize, own: u32, pos: &mut [u32]) -> f64 {
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

/// Proposals of one chunk of a batch (its nodes, and for each node its list and its weight to
/// its own community).
#[derive(Default)]
struct ChunkOut {
    nodes: Vec<u32>,
    cand: Vec<(u32, f64)>,
    /// End of each node's list in `cand`.
    end: Vec<u32>,
    own_acc: Vec<f64>,
}

impl ChunkOut {
    /// Compute the proposals of `self.nodes` against `comm` (which may change meanwhile: see
    /// [`Speculator::run`]).
    fn propose<W: Weight>(&mut self, g: &LevelGraph<W>, comm: &Comm, pos: &mut [u32]) {
        let ChunkOut {
            nodes,
            cand,
            end,
            own_acc,
        } = self;
        cand.clear();
        end.clear();
        own_acc.clear();
        for &v in nodes.iter() {
            let own = load(comm, v);
            own_acc.push(accumulate(g, comm, v, own, pos, cand));
            end.push(cand.len() as u32);
        }
    }

    /// The proposal of the `j`-th node of the chunk: (weight to own community, list).
    #[inline]
    fn get(&self, j: usize) -> (f64, &[(u32, f64)]) {
        let lo = if j == 0 { 0 } else { self.end[j - 1] as usize };
        (self.own_acc[j], &self.cand[lo..self.end[j] as usize])
    }
}

/// The batch whose proposals are being computed, shared by the applying thread and the
/// proposing threads. Batch `k` ("generation" `k`) fills chunk set `k % 2`, so the proposals
/// of batch `k + 1` are written while those of batch `k` are read.
struct Board {
    /// Generation (bits 32..), chunks in it (bits 16..32), next unclaimed chunk (bits 0..16).
    word: AtomicU64,
    /// Chunks of the current generation finished.
    done: AtomicU32,
    /// The run is over: proposing threads return.
    quit: AtomicBool,
    sets: [Vec<Mutex<ChunkOut>>; 2],
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits that spin briefly, then yield the core (on an idle machine a proposing thread is back
/// within microseconds; on a busy one it does not hold a core others need).
struct Backoff(u32);

impl Backoff {
    fn snooze(&mut self) {
        if self.0 < 64 {
            std::hint::spin_loop();
            self.0 += 1;
        } else {
            std::thread::yield_now();
        }
    }
}

impl Board {
    fn new(chunks: usize) -> Board {
        let set = || (0..chunks).map(|_| Mutex::default()).collect();
        Board {
            word: AtomicU64::new(0),
            done: AtomicU32::new(0),
            quit: AtomicBool::new(false),
            sets: [set(), set()],
        }
    }

    /// Post `batch` as generation `generation` (the previous generation must be finished).
    fn post(&self, generation: u64, batch: &[u32]) {
        let set = &self.sets[(generation % 2) as usize];
        let mut nch = 0u64;
        for (slot, nodes) in set.iter().zip(batch.chunks(CHUNK)) {
            let mut ch = lock(slot);
            ch.nodes.clear();
            ch.nodes.extend_from_slice(nodes);
            nch += 1;
        }
        self.done.store(0, Relaxed);
        // Release: a thread that claims a chunk of this generation sees its nodes.
        self.word.store(generation << 32 | nch << 16, Release);
    }

    /// Claim and compute one chunk of the current generation. False when none is left.
    fn work<W: Weight>(
        &self,
        pool: &ScratchPool<Vec<u32>>,
        n: usize,
        g: &LevelGraph<W>,
        comm: &Comm,
    ) -> bool {
        loop {
            let w = self.word.load(Acquire);
            let (nch, next) = ((w >> 16) & 0xFFFF, w & 0xFFFF);
            if next >= nch {
                return false;
            }
            // The generation cannot change between a successful claim and the chunk's `done`
            // (the next one is posted only once every chunk is done).
            if self
                .word
                .compare_exchange(w, w + 1, AcqRel, Acquire)
                .is_ok()
            {
                let set = &self.sets[((w >> 32) % 2) as usize];
                let mut ch = lock(&set[next as usize]);
                pool.with(|| vec![u32::MAX; n], |pos| ch.propose(g, comm, pos));
                drop(ch);
                self.done.fetch_add(1, Release);
                return true;
            }
        }
    }

    /// Help with the current generation until every chunk is claimed, then wait until every
    /// chunk is done.
    fn finish<W: Weight>(
        &self,
        pool: &ScratchPool<Vec<u32>>,
        n: usize,
        g: &LevelGraph<W>,
        comm: &Comm,
    ) {
        while self.work(pool, n, g, comm) {}
        let nch = ((self.word.load(Acquire) >> 16) & 0xFFFF) as u32;
        let mut b = Backoff(0);
        while self.done.load(Acquire) < nch {
            b.snooze();
        }
    }

    /// A proposing thread: compute chunks as they are posted until the run is over.
    fn serve<W: Weight>(
        &self,
        pool: &ScratchPool<Vec<u32>>,
        n: usize,
        g: &LevelGraph<W>,
        comm: &Comm,
    ) {
        let mut b = Backoff(0);
        while !self.quit.load(Acquire) {
            if self.work(pool, n, g, comm) {
                b = Backoff(0);
            } else {
                b.snooze();
            }
        }
    }
}

/// Pipelined speculative batches (see the module doc).
pub(crate) struct Speculator {
    /// Shared with the proposing threads for the whole run.
    pool: Arc<ScratchPool<Vec<u32>>>,
    n: usize,
    /// Current batch size.
    pub batch: usize,
    adapt: bool,
    /// Nodes applied / found stale since creation (for statistics and tests).
    pub applied: u64,
    pub stale: u64,
}

impl Speculator {
    pub fn new(n: usize, b: Batching) -> Speculator {
        Speculator {
            pool: Arc::new(ScratchPool::new()),
            n,
            batch: b.start.max(1),
            adapt: b.adapt,
            applied: 0,
            stale: 0,
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
    /// Pipeline: this thread posts batch `k + 1` on a [`Board`], applies batch `k`, then helps
    /// with batch `k + 1`'s chunks and waits for them; the pool's other threads serve the board
    /// for the whole run (one long task each, so no thread has to be woken per batch; a run
    /// whose helpers never start still completes, this thread then computing every chunk).
    /// Proposals of batch `k + 1` may be computed while batch `k` is applied, so they are
    /// valid only when no neighbour moved in batch `k` or earlier in batch `k + 1`: a mark
    /// stamped with batch `k`'s stamp or later.
    pub fn run<W: Weight, V: Visit + Send>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &Comm,
        st: &mut V,
        fill: impl FnMut(&mut V, usize, &mut Vec<u32>) + Send,
    ) -> bool {
        let board = Board::new(MAX_BATCH.max(self.batch).div_ceil(CHUNK));
        let helpers = rayon::current_num_threads().saturating_sub(1);
        let (pool, n) = (Arc::clone(&self.pool), self.n);
        let pool = &*pool;
        let (go, ()) = rayon::join(
            || {
                let go = self.apply_all(&board, g, comm, st, fill);
                board.quit.store(true, Release);
                go
            },
            || {
                (0..helpers)
                    .into_par_iter()
                    .for_each(|_| board.serve(pool, n, g, comm));
            },
        );
        go
    }

    /// The applying side of [`Self::run`].
    fn apply_all<W: Weight, V: Visit>(
        &mut self,
        board: &Board,
        g: &LevelGraph<W>,
        comm: &Comm,
        st: &mut V,
        mut fill: impl FnMut(&mut V, usize, &mut Vec<u32>),
    ) -> bool {
        let (pool, n) = (Arc::clone(&self.pool), self.n);
        let pool = &*pool;
        let mut cur: Vec<u32> = Vec::new();
        let mut next: Vec<u32> = Vec::new();
        let mut cand: Vec<(u32, f64)> = Vec::new();
        let mut generation = 0u64;
        // Oldest stamp that invalidates the proposals of `cur`.
        let mut since = 0u32;
        loop {
            if cur.is_empty() {
                // Pipeline empty (at the start, or when the queue ran dry before the last
                // batch's moves queued more): restart it with proposals made before the next
                // stamp.
                fill(st, self.batch, &mut cur);
                if cur.is_empty() {
                    return true;
                }
                generation += 1;
                board.post(generation, &cur);
                board.finish(pool, n, g, comm);
                since = u32::MAX;
            }
            next.clear();
            fill(st, self.batch, &mut next);
            let marks = st.marks();
            let wraps = marks.stamp >= u32::MAX - 3;
            let stamp = marks.next_stamp();
            // A wrap forgets every stamp: treat all of `cur` as stale then.
            since = if wraps { 0 } else { since.min(stamp) };
            if !next.is_empty() {
                board.post(generation + 1, &next);
            }
            let set = &board.sets[(generation % 2) as usize];
            let mut batch_stale = 0usize;
            for (slot, nodes) in set.iter().zip(cur.chunks(CHUNK)) {
                let props = lock(slot);
                for (j, &v) in nodes.iter().enumerate() {
                    let marks = st.marks();
                    marks.dequeue(v);
                    let is_stale = marks.mark[v as usize] >= since;
                    if !st.admit() {
                        return false;
                    }
                    self.applied += 1;
                    if is_stale {
                        self.stale += 1;
                        batch_stale += 1;
                        cand.clear();
                        let own = load(comm, v);
                        let own_acc = pool.with(
                            || vec![u32::MAX; n],
                            |pos| accumulate(g, comm, v, own, pos, &mut cand),
                        );
                        st.apply(g, comm, v, own_acc, &cand);
                    } else {
                        let (own_acc, list) = props.get(j);
                        st.apply(g, comm, v, own_acc, list);
                    }
                }
            }
            if !next.is_empty() {
                board.finish(pool, n, g, comm);
            }
            self.end_batch(cur.len(), batch_stale);
            std::mem::swap(&mut cur, &mut next);
            generation += 1;
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
            for threads in [1, 2, 4] {
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

    /// `accumulate` gives each neighbouring community once, in first-seen row order, with
    /// its weights summed in row order, on short rows (branch-free gather) and long rows
    /// (push path), and leaves `pos` clean.
    #[test]
    fn accumulate_lists_communities_in_first_seen_order() {
        use super::{accumulate, to_atomic, GATHER_MAX};
        // Node 0 is a hub joined to every other node; the others form a ring.
        let n = GATHER_MAX as u32 + 500;
        let mut arcs: Vec<(u32, u32, f32)> = Vec::new();
        for v in 1..n {
            let w = 1.0 + (v % 3) as f32;
            arcs.push((0, v, w));
            arcs.push((v, 0, w));
            let u = if v + 1 < n { v + 1 } else { 1 };
            arcs.push((v, u, 0.5));
            arcs.push((u, v, 0.5));
        }
        arcs.sort_by_key(|&(a, b, _)| (a, b));
        let csr = Csr::from_arcs(n as usize, &arcs);
        let g = LevelGraph::from_csr(&csr, Objective::Modularity);
        let comm: Vec<u32> = (0..n).map(|v| (v * 7919) % 37).collect();
        let comm_a = to_atomic(&comm);
        let mut pos = vec![u32::MAX; 37];
        for v in [0u32, 1, 2, n - 1] {
            let (ts, ws) = g.row(v);
            let mut want: Vec<(u32, f64)> = Vec::new();
            for (&u, &w) in ts.iter().zip(ws) {
                let c = comm[u as usize];
                match want.iter_mut().find(|e| e.0 == c) {
                    Some(e) => e.1 += f64::from(w),
                    None => want.push((c, 0.0 + f64::from(w))),
                }
            }
            let own = comm[v as usize];
            let mut out = vec![(99, 9.0)];
            let own_acc = accumulate(&g, &comm_a, v, own, &mut pos, &mut out);
            assert_eq!(out[0], (99, 9.0), "node {v}: entries before the list kept");
            let got: Vec<(u32, u64)> = out[1..].iter().map(|&(c, w)| (c, w.to_bits())).collect();
            let exp: Vec<(u32, u64)> = want.iter().map(|&(c, w)| (c, w.to_bits())).collect();
            assert_eq!(got, exp, "node {v}");
            let own_want = want.iter().find(|e| e.0 == own).map_or(0.0, |e| e.1);
            assert_eq!(own_acc.to_bits(), own_want.to_bits(), "node {v}");
            assert!(pos.iter().all(|&p| p == u32::MAX));
        }
        assert!(g.row(0).0.len() > GATHER_MAX && g.row(1).0.len() <= GATHER_MAX);
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
        for threads in [1, 2, 4] {
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
