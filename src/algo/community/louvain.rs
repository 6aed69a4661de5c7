//! Louvain method (Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding of communities in
//! large networks", J. Stat. Mech. 2008, P10008), plus the level graph, local moving and
//! aggregation shared with Leiden.
//!
//! Quality gains: moving node `v` (weight `a_v`) into community `C` (total weight `A_C`, `v`
//! removed) gains `k_{v,C} − γ' a_v A_C`, where `k_{v,C}` is the edge weight between `v` and `C`.
//! Modularity: `a_v` = weighted degree, `γ' = γ / 2m` (the gain is the modularity change times m);
//! CPM: `a_v` = number of original nodes, `γ' = γ`.
//!
//! Conventions: local moving is queue based with sequential semantics (large levels scan rows in
//! parallel speculative batches that reproduce the sequential result exactly, see
//! `moving.rs`). The first round visits every node in
//! an order shuffled by `rng_for(seed, Stream::Louvain, level)`; later rounds visit, in the order
//! they were queued, only the neighbours of nodes that moved (a node whose neighbourhood did not
//! change cannot gain by moving). This is still Blondel et al.'s multi-level method (local moving
//! to a local optimum, then aggregation of the communities); only the order of visits differs from
//! full sweeps, as in the "fast local moving" of Ozaki, Tezuka & Inaba (2016) used by Leiden.
//! A node moves only for a strictly positive gain over staying; among equal gains the community
//! met first in the node's row wins (level 0: the view's rows, sorted by node; an aggregate's row
//! lists the neighbouring parts in first-seen order, see [`LevelGraph::aggregate`]). Rounds stop when a round moves nothing, when its
//! total gain is below `tolerance` (in modularity units), or after `max_iterations` rounds. Levels
//! stop when nothing moved or after `max_levels`.
//! Aggregation (the part parallelised with rayon) sums weights in a fixed member order, so results
//! are identical for any thread count.
//!
//! Time: O(m) for the first round of a level, later rounds only the rows of queued nodes;
//! O(m) per aggregation; space O(n + m) for the level graphs (an aggregate is written
//! straight into its final arrays, see [`LevelGraph::aggregate`]).

use super::moving::{
    accumulate, add_gathered, load, store, to_atomic, write_back, Batching, Comm, Marks,
    Speculator, Visit,
};
use super::{CommunityConfig, Objective};
use crate::algo::rng::{rng_for, Stream};
use crate::algo::Progress;
use crate::graph::Csr;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Edge weight of a level graph: `f32` at level 0 (the input's own precision, exact, 8 bytes per
/// arc with the target). An aggregated level sums weights in `f64` and stores them in the
/// narrowest type that holds every one of its sums exactly (`u16`, `f32`, else `f64`; see
/// [`LevelGraph::aggregate`]): the gains read `w.into()`, the very same `f64` value, so the
/// storage type cannot change a result, only the memory (an unweighted R-MAT graph's refined
/// aggregate is about as large as the input: 6 bytes per arc instead of 12).
pub(crate) trait Weight: Copy + Send + Sync + Into<f64> + std::fmt::Debug + 'static {
    /// `x` in this type when the conversion back to `f64` gives `x` again, else `None`.
    fn exact(x: f64) -> Option<Self>;
}
impl Weight for f32 {
    #[inline]
    fn exact(x: f64) -> Option<Self> {
        let y = x as f32;
        (f64::from(y) == x).then_some(y)
    }
}
impl Weight for f64 {
    #[inline]
    fn exact(x: f64) -> Option<Self> {
        Some(x)
    }
}
impl Weight for u16 {
    #[inline]
    fn exact(x: f64) -> Option<Self> {
        // Integral sums of an unweighted graph (interaction counts); `+0.0` only: sums start at
        // `+0.0` and add weights >= 0, so a `-0.0` cannot occur.
        (x.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&x)).then_some(x as u16)
    }
}

/// An aggregated level graph in the storage type its weights fit exactly (see [`Weight`]).
pub(crate) enum Aggregate {
    U16(LevelGraph<'static, u16>),
    F32(LevelGraph<'static, f32>),
    F64(LevelGraph<'static, f64>),
}

/// Run `$body` with `$g` bound to the level graph inside an [`Aggregate`] (one monomorphised
/// copy of the body per storage type).
macro_rules! with_level {
    ($agg:expr, $g:ident => $body:expr) => {
        match $agg {
            $crate::algo::community::louvain::Aggregate::U16($g) => $body,
            $crate::algo::community::louvain::Aggregate::F32($g) => $body,
            $crate::algo::community::louvain::Aggregate::F64($g) => $body,
        }
    };
}
pub(crate) use with_level;

impl Aggregate {
    pub fn n(&self) -> usize {
        with_level!(self, g => g.n())
    }
}

/// A weighted undirected graph without self-loops plus node weights: the graph one level works on.
/// The level-0 graph borrows the undirected view's arrays when that view has no self-loops (the
/// usual case), so it costs only its node weights; aggregated levels own theirs.
#[derive(Debug, Clone)]
pub(crate) struct LevelGraph<'a, W: Weight = f64> {
    pub offsets: Cow<'a, [u64]>,
    pub targets: Cow<'a, [u32]>,
    pub weights: Cow<'a, [W]>,
    /// Node weight `a_v` (degree for modularity, size for CPM).
    pub node_w: Vec<f64>,
    /// Number of original nodes inside each level node (used by CPM).
    pub size: Vec<f64>,
}

/// The weight of every arc of an unweighted level-0 graph: a zero-sized type, so the level
/// graph stores no weights at all (a `Vec<Unit>` allocates nothing) and reads `1.0`, the very
/// value an `f32` weight of 1 gives, so results are the same bits as with stored ones.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Unit;
impl From<Unit> for f64 {
    #[inline]
    fn from(_: Unit) -> f64 {
        1.0
    }
}
impl Weight for Unit {
    #[inline]
    fn exact(x: f64) -> Option<Self> {
        (x == 1.0).then_some(Unit)
    }
}

/// The level-0 graph of an undirected view in one of its two forms.
pub(crate) enum Level0<'a> {
    /// Stored `f32` weights (exact: the input's own precision, and a third less memory
    /// traffic in the level-0 phases than `f64`).
    F32(LevelGraph<'a, f32>),
    /// Every arc weighs 1 and the view's weights were dropped ([`Csr::unit_dropped`]).
    Unit(LevelGraph<'a, Unit>),
}

/// Run `$body` with `$g` bound to the level-0 graph inside a [`Level0`].
macro_rules! with_level0 {
    ($l0:expr, $g:ident => $body:expr) => {
        match $l0 {
            $crate::algo::community::louvain::Level0::F32($g) => $body,
            $crate::algo::community::louvain::Level0::Unit($g) => $body,
        }
    };
}
pub(crate) use with_level0;

impl<'a> LevelGraph<'a, f32> {
    /// The level-0 graph of the undirected view `g` with stored weights (see [`Level0`]).
    pub fn from_csr(g: &'a Csr, objective: Objective) -> LevelGraph<'a, f32> {
        LevelGraph::level0(g, objective, |i| g.weights[i], Some(&g.weights[..]))
    }
}

impl<'a> Level0<'a> {
    /// The level-0 graph of the undirected view `g`: borrows `g`'s rows when no row holds a
    /// self-loop; otherwise copies them without the loops.
    pub fn from_csr(g: &'a Csr, objective: Objective) -> Level0<'a> {
        if g.unit_dropped() {
            Level0::Unit(LevelGraph::level0(g, objective, |_| Unit, None))
        } else {
            Level0::F32(LevelGraph::from_csr(g, objective))
        }
    }
}

impl<'a, W: Weight> LevelGraph<'a, W> {
    /// The level-0 graph of `g` with arc `i` weighing `weight(i)`; `stored` is the weight array
    /// to borrow when no copy is needed (`None`: build it, free for a zero-sized `W`).
    fn level0(
        g: &'a Csr,
        objective: Objective,
        weight: impl Fn(usize) -> W + Sync,
        stored: Option<&'a [W]>,
    ) -> LevelGraph<'a, W> {
        let n = g.n();
        // A linear scan (one pass over the arcs, parallel) rather than a binary search, so a
        // hand-built view with unsorted rows cannot slip a loop through.
        let loops = (0..n as u32)
            .into_par_iter()
            .with_min_len(4096)
            .any(|v| g.neighbors(v).contains(&v));
        let (offsets, targets, weights, deg) = if loops {
            let mut offsets = Vec::with_capacity(n + 1);
            let mut targets = Vec::with_capacity(g.m());
            let mut weights = Vec::with_capacity(g.m());
            let mut deg = Vec::with_capacity(n);
            offsets.push(0u64);
            for v in 0..n as u32 {
                let mut d = 0.0;
                for i in g.range(v) {
                    let (u, w) = (g.targets[i], weight(i));
                    if u == v {
                        d += 2.0 * w.into();
                    } else {
                        d += w.into();
                        targets.push(u);
                        weights.push(w);
                    }
                }
                deg.push(d);
                offsets.push(targets.len() as u64);
            }
            (
                Cow::Owned(offsets),
                Cow::Owned(targets),
                Cow::Owned(weights),
                deg,
            )
        } else {
            // Each degree is its own row summed in row order: independent of the thread count.
            let deg: Vec<f64> = (0..n as u32)
                .into_par_iter()
                .with_min_len(4096)
                .map(|v| g.range(v).map(|i| weight(i).into()).sum())
                .collect();
            let weights = match stored {
                Some(w) => Cow::Borrowed(w),
                None => Cow::Owned((0..g.m()).map(&weight).collect()),
            };
            (
                Cow::Borrowed(&g.offsets[..]),
                Cow::Borrowed(&g.targets[..]),
                weights,
                deg,
            )
        };
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
}

impl<W: Weight> LevelGraph<'_, W> {
    pub fn n(&self) -> usize {
        self.node_w.len()
    }

    #[inline]
    pub fn row(&self, v: u32) -> (&[u32], &[W]) {
        let r = self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize;
        (&self.targets[r.clone()], &self.weights[r])
    }

    /// Collapse the nodes of each part (ids dense `0..k`) into one node; edges between parts are
    /// summed, edges inside a part dropped. Parallel over fixed chunks of parts, each part summed
    /// on its own in member order and its row in first-seen order, so the result does not depend on
    /// the thread count. Rows go straight into flat per-chunk buffers (no per-row allocation),
    /// concatenated in chunk order.
    ///
    /// Weights are summed in `f64` and stored as `u16` when every sum is an integer up to
    /// 65 535 (unweighted input), else as `f32` when every sum is exactly an `f32`, else as
    /// `f64`: the narrowest type tried first, a failed attempt stops early and is redone in
    /// the next type (same sums, same order), so the values read back are always the `f64` sums.
    pub fn aggregate(&self, part: &[u32], k: usize) -> Aggregate {
        if let Some(g) = self.aggregate_as::<u16>(part, k) {
            return Aggregate::U16(g);
        }
        if let Some(g) = self.aggregate_as::<f32>(part, k) {
            return Aggregate::F32(g);
        }
        match self.aggregate_as::<f64>(part, k) {
            Some(g) => Aggregate::F64(g),
            // `f64::exact` never fails.
            None => unreachable!("f64 holds every f64 sum"),
        }
    }

    /// [`Self::aggregate`] with weights stored as `O`; `None` as soon as one sum does not fit.
    fn aggregate_as<O: Weight>(&self, part: &[u32], k: usize) -> Option<LevelGraph<'static, O>> {
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
        drop(fill);
        let chunk = (k / 64).max(256);
        let nch = k.div_ceil(chunk);
        // Each chunk writes its rows straight into its own region of the final arrays, sized by
        // an upper bound (the arcs of its members); the regions are then compacted in chunk
        // order. The arrays are zero-allocated, so the slack past each chunk's rows is never
        // touched and costs no memory: the peak is about the aggregate itself, not the
        // aggregate plus per-chunk copies of it.
        let bound: Vec<usize> = (0..nch)
            .into_par_iter()
            .map(|ch| {
                let (lo, hi) = (ch * chunk, ((ch + 1) * chunk).min(k));
                members[start[lo]..start[hi]]
                    .iter()
                    .map(|&v| (self.offsets[v as usize + 1] - self.offsets[v as usize]) as usize)
                    .sum()
            })
            .collect();
        let total_bound: usize = bound.iter().sum();
        let mut targets = vec![0u32; total_bound];
        // Zero-allocated in the storage type (`O::exact(0.0)` always exists).
        let zero = O::exact(0.0)?;
        let mut weights = vec![zero; total_bound];
        let mut offsets = vec![0u64; k + 1];
        let mut node_w = vec![0.0f64; k];
        let mut size = vec![0.0f64; k];
        let mut regions = Vec::with_capacity(nch);
        {
            let (mut t, mut w) = (&mut targets[..], &mut weights[..]);
            let (mut l, mut nw, mut sz) = (&mut offsets[1..], &mut node_w[..], &mut size[..]);
            for (ch, &b) in bound.iter().enumerate() {
                let parts = ((ch + 1) * chunk).min(k) - ch * chunk;
                let (t0, t1) = std::mem::take(&mut t).split_at_mut(b);
                let (w0, w1) = std::mem::take(&mut w).split_at_mut(b);
                let (l0, l1) = std::mem::take(&mut l).split_at_mut(parts);
                let (n0, n1) = std::mem::take(&mut nw).split_at_mut(parts);
                let (s0, s1) = std::mem::take(&mut sz).split_at_mut(parts);
                regions.push((ch * chunk, t0, w0, l0, n0, s0));
                (t, w, l, nw, sz) = (t1, w1, l1, n1, s1);
            }
        }
        let pool = ScratchPool::new();
        // Set by the first chunk meeting a sum `O` cannot hold: the others stop at their next part.
        let failed = AtomicBool::new(false);
        let used: Option<Vec<usize>> = regions
            .into_par_iter()
            .map(|(lo, rt, rw, rl, rn, rs)| {
                pool.with(
                    || RowMerge::new(k),
                    |rm| {
                        let mut at = 0usize;
                        for (i, p) in (lo..lo + rl.len()).enumerate() {
                            if failed.load(Ordering::Relaxed) {
                                return None;
                            }
                            let mem = &members[start[p]..start[p + 1]];
                            let mut nw = 0.0;
                            let mut sz = 0.0;
                            for &v in mem {
                                nw += self.node_w[v as usize];
                                sz += self.size[v as usize];
                            }
                            let row = rm.merge(self, mem, part, p as u32);
                            rl[i] = row.len() as u64;
                            for &(q, sum) in row {
                                rt[at] = q;
                                let Some(w) = O::exact(sum) else {
                                    failed.store(true, Ordering::Relaxed);
                                    return None;
                                };
                                rw[at] = w;
                                at += 1;
                            }
                            rn[i] = nw;
                            rs[i] = sz;
                        }
                        Some(at)
                    },
                )
            })
            .collect();
        let used = used?;
        let mut at = 0usize;
        let mut base = 0usize;
        for (&u, &b) in used.iter().zip(&bound) {
            targets.copy_within(base..base + u, at);
            weights.copy_within(base..base + u, at);
            at += u;
            base += b;
        }
        targets.truncate(at);
        targets.shrink_to_fit();
        weights.truncate(at);
        weights.shrink_to_fit();
        for i in 0..k {
            offsets[i + 1] += offsets[i];
        }
        Some(LevelGraph {
            offsets: Cow::Owned(offsets),
            targets: Cow::Owned(targets),
            weights: Cow::Owned(weights),
            node_w,
            size,
        })
    }
}

/// One scratch value per rayon worker thread, made on first use and reused by every task that
/// thread runs (a dense O(n) accumulator per task would cost O(n) page faults each time). The
/// scratch only ever holds values a task clears before it ends, so which thread ran which task
/// cannot reach the results.
pub(crate) struct ScratchPool<T> {
    slots: Vec<Mutex<Option<T>>>,
}

impl<T> ScratchPool<T> {
    /// A pool for the current rayon pool's threads plus one slot for outside callers.
    pub fn new() -> Self {
        let k = rayon::current_num_threads() + 1;
        ScratchPool {
            slots: (0..k).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// Run `f` with this thread's scratch, made by `make` when the thread has none yet.
    pub fn with<R>(&self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let last = self.slots.len() - 1;
        // A task of another pool could share a slot: the mutex makes that safe (it only waits).
        let i = rayon::current_thread_index().map_or(last, |i| i % last.max(1));
        let mut guard = self.slots[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let s = guard.get_or_insert_with(make);
        f(s)
    }
}

/// Per-thread scratch of [`LevelGraph::aggregate`]: builds one part's aggregated row, the
/// neighbouring parts in first-seen order (members in node order, each member's row in row
/// order) with their summed weights, each sum started from `0.0` and added in that same order.
///
/// A position array over the parts finds a part already in the row in O(1). Until session 10
/// rows were sorted by part (by sorting (part, arc rank) keys, or a dense accumulator for large
/// parts): the same sums, but the sort was most of the aggregation's time (LFR 100k: all
/// aggregations 0.076 → 0.049 s; R-MAT scale 20: 1.32 → 0.90 s). Nothing needs sorted rows:
/// the order only decides ties between equal gains, and first-seen order is as deterministic.
struct RowMerge {
    /// Position of each part in `row`, `u32::MAX` when absent (restored after every row).
    pos: Vec<u32>,
    /// The merged row.
    row: Vec<(u32, f64)>,
}

impl RowMerge {
    fn new(k: usize) -> Self {
        RowMerge {
            pos: vec![u32::MAX; k],
            row: Vec::new(),
        }
    }

    /// The aggregated row of part `p` (members `mem`): arcs in member order, each row in row
    /// order, arcs inside `p` dropped.
    ///
    /// Branch-free like `moving::accumulate`: each member row's neighbouring parts are first
    /// gathered into the tail of `row` (independent loads), then every arc adds its weight to
    /// the entry a select picks (existing, or the next new one, which still holds the gathered
    /// 0.0). Arcs inside `p` go to a sink entry at index 0 (`pos[p] = 0`), dropped at the end.
    /// Each sum starts at 0.0 and adds its weights in that order, as a push-then-add loop would.
    fn merge<W: Weight>(
        &mut self,
        g: &LevelGraph<W>,
        mem: &[u32],
        part: &[u32],
        p: u32,
    ) -> &[(u32, f64)] {
        let (row, pos) = (&mut self.row, &mut self.pos);
        row.clear();
        row.push((p, 0.0));
        pos[p as usize] = 0;
        for &v in mem {
            let (ts, ws) = g.row(v);
            let base = row.len();
            row.extend(ts.iter().map(|&u| (part[u as usize], 0.0)));
            let len = add_gathered(row, base, ws, pos);
            row.truncate(len);
        }
        for &(q, _) in row.iter() {
            pos[q as usize] = u32::MAX;
        }
        &row[1..]
    }
}

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
pub(crate) fn gamma_prime<W: Weight>(g: &LevelGraph<W>, cfg: &CommunityConfig) -> f64 {
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

/// State of a Louvain level's local moving shared by the sequential and the batched loops.
struct Sweep<'a> {
    /// Total node weight of each community.
    w: Vec<f64>,
    /// Nodes queued for the next round.
    next: Vec<u32>,
    /// Bit 0 of a mark: queued for the next round.
    marks: Marks,
    node_w: &'a [f64],
    gp: f64,
    /// Moves in the current round.
    moves: u64,
    /// Sum of the gains over staying of the current round's moves, in visit order.
    gain_sum: f64,
}

impl Visit for Sweep<'_> {
    #[inline]
    fn marks(&mut self) -> &mut Marks {
        &mut self.marks
    }

    /// Apply the visit of `v` given its weight to its own community and its neighbouring
    /// communities in first-seen row order ([`accumulate`]): move to the strictly best gain,
    /// queue the neighbours outside the new community, count the move and its gain over
    /// staying.
    #[inline]
    fn apply<W: Weight>(
        &mut self,
        g: &LevelGraph<W>,
        comm: &Comm,
        v: u32,
        own_acc: f64,
        cand: &[(u32, f64)],
    ) {
        let own = load(comm, v);
        let av = self.node_w[v as usize];
        let gp = self.gp;
        self.w[own as usize] -= av;
        let stay = own_acc - gp * av * self.w[own as usize];
        let mut best = own;
        let mut best_gain = stay;
        for &(c, acc) in cand {
            let gain = acc - gp * av * self.w[c as usize];
            if gain > best_gain {
                best_gain = gain;
                best = c;
            }
        }
        self.w[best as usize] += av;
        if best == own {
            return;
        }
        store(comm, v, best);
        self.moves += 1;
        self.gain_sum += best_gain - stay;
        let next = &mut self.next;
        self.marks.moved(g, comm, v, best, |u| next.push(u));
    }
}

/// Louvain local moving on one level, queue based: returns (moved anything, rounds done).
///
/// Round 1 visits every node in `order`; when a node moves, its neighbours outside its new
/// community that are not queued yet are queued for the next round (Ozaki, Tezuka & Inaba 2016;
/// the "fast local moving" of Traag et al. 2019). A node whose neighbourhood did not change
/// cannot gain by moving, so this reaches the same kind of local optimum as full sweeps while
/// visiting far fewer nodes once most have settled. A round counts as a sweep for
/// `max_iterations` and `tolerance`. With several threads and a large level the row scans run
/// in speculative batches validated in visit order (`moving.rs`): bit-identical result.
fn sweep_level<W: Weight>(
    g: &LevelGraph<W>,
    comm: &mut [u32],
    gp: f64,
    order: &[u32],
    cfg: &CommunityConfig,
    scale: f64,
) -> (bool, u32) {
    sweep_level_with(g, comm, gp, order, cfg, scale, Batching::auto(g.n()))
}

/// [`sweep_level`] with an explicit [`Batching`] (tests force small batches).
pub(super) fn sweep_level_with<W: Weight>(
    g: &LevelGraph<W>,
    comm: &mut [u32],
    gp: f64,
    order: &[u32],
    cfg: &CommunityConfig,
    scale: f64,
    batching: Batching,
) -> (bool, u32) {
    let n = g.n();
    let mut w = vec![0.0f64; n];
    for v in 0..n {
        w[comm[v] as usize] += g.node_w[v];
    }
    let mut st = Sweep {
        w,
        next: Vec::new(),
        marks: Marks::new(n, false),
        node_w: &g.node_w,
        gp,
        moves: 0,
        gain_sum: 0.0,
    };
    let mut spec = batching.parallel.then(|| Speculator::new(n, batching));
    let mut pos = if spec.is_none() {
        vec![u32::MAX; n]
    } else {
        Vec::new()
    };
    let owned = to_atomic(comm);
    let comm_a = &owned[..];
    let mut cand: Vec<(u32, f64)> = Vec::new();
    let mut moved_any = false;
    let mut sweeps = 0;
    let mut round: Vec<u32> = order.to_vec();
    while sweeps < cfg.max_iterations && !round.is_empty() {
        sweeps += 1;
        st.moves = 0;
        st.gain_sum = 0.0;
        match spec.as_mut() {
            None => {
                for &v in &round {
                    st.marks.dequeue(v);
                    cand.clear();
                    let own = load(comm_a, v);
                    let own_acc = accumulate(g, comm_a, v, own, &mut pos, &mut cand);
                    st.apply(g, comm_a, v, own_acc, &cand);
                }
            }
            Some(spec) => {
                // The round is fixed before it starts: any prefix may be handed out early.
                let mut i = 0;
                spec.run(g, comm_a, &mut st, |_, b, out| {
                    let take = b.min(round.len() - i);
                    out.extend_from_slice(&round[i..i + take]);
                    i += take;
                });
            }
        }
        if st.moves == 0 {
            break;
        }
        moved_any = true;
        if st.gain_sum * scale < cfg.tolerance {
            break;
        }
        std::mem::swap(&mut round, &mut st.next);
        st.next.clear();
    }
    write_back(owned, comm);
    (moved_any, sweeps)
}

/// One Louvain level: sweeps from singletons in a seeded order, then the aggregate graph of the
/// result. Returns (dense communities, count, moved anything, sweeps).
fn louvain_level<W: Weight>(
    g: &LevelGraph<W>,
    cfg: &CommunityConfig,
    gp: f64,
    scale: f64,
    seed: u64,
    level: u32,
) -> (Vec<u32>, usize, bool, u32) {
    let ln = g.n();
    let mut comm: Vec<u32> = (0..ln as u32).collect();
    let mut order: Vec<u32> = (0..ln as u32).collect();
    let mut rng = rng_for(seed, Stream::Louvain, u64::from(level));
    order.shuffle(&mut rng);
    let (moved, sweeps) = sweep_level(g, &mut comm, gp, &order, cfg, scale);
    let k = renumber(&mut comm);
    (comm, k, moved, sweeps)
}

/// Multi-level Louvain from singletons. Returns (membership, levels, total sweeps).
pub(crate) fn louvain(
    g: &Csr,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> (Vec<u32>, u32, u32) {
    with_level0!(Level0::from_csr(g, cfg.objective), g0 => louvain_on(g0, cfg, seed, progress))
}

/// [`louvain`] on its level-0 graph (stored or unit weights).
fn louvain_on<W: Weight>(
    g0: LevelGraph<'_, W>,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> (Vec<u32>, u32, u32) {
    let gp = gamma_prime(&g0, cfg);
    // Gains are in units of edge weight; × scale turns them into modularity units (1/m).
    let two_m: f64 = g0.node_w.iter().sum();
    let scale = match cfg.objective {
        Objective::Modularity if two_m > 0.0 => 2.0 / two_m,
        _ => 1.0,
    };
    progress.start("louvain levels", u64::from(cfg.max_levels));
    // Level 0 works on the f32 graph, later levels on aggregated graphs (see [`Aggregate`]).
    let (mut membership, k, moved, mut sweeps_total) = louvain_level(&g0, cfg, gp, scale, seed, 0);
    let mut levels = 1;
    progress.inc(1);
    if !moved || k == g0.n() || levels >= cfg.max_levels {
        progress.finish();
        return (membership, levels, sweeps_total);
    }
    let mut level_graph = g0.aggregate(&membership, k);
    drop(g0);
    while levels < cfg.max_levels {
        let ln = level_graph.n();
        let (comm, k, moved, sweeps) = with_level!(&level_graph, g => {
            louvain_level(g, cfg, gp, scale, seed, levels)
        });
        sweeps_total += sweeps;
        levels += 1;
        progress.inc(1);
        for m in membership.iter_mut() {
            *m = comm[*m as usize];
        }
        if !moved || k == ln {
            break;
        }
        level_graph = with_level!(&level_graph, g => g.aggregate(&comm, k));
    }
    progress.finish();
    (membership, levels, sweeps_total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undirected level-0 graph from `(u, v, w)` edges (both directions, rows sorted).
    fn level0(n: usize, edges: &[(u32, u32, f32)]) -> LevelGraph<'static, f32> {
        let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
        for &(u, v, w) in edges {
            rows[u as usize].push((v, w));
            rows[v as usize].push((u, w));
        }
        let mut offsets = vec![0u64];
        let (mut targets, mut weights) = (Vec::new(), Vec::new());
        for r in &mut rows {
            r.sort_by_key(|&(t, _)| t);
            targets.extend(r.iter().map(|&(t, _)| t));
            weights.extend(r.iter().map(|&(_, w)| w));
            offsets.push(targets.len() as u64);
        }
        let node_w = rows
            .iter()
            .map(|r| r.iter().map(|&(_, w)| f64::from(w)).sum())
            .collect();
        LevelGraph {
            offsets: Cow::Owned(offsets),
            targets: Cow::Owned(targets),
            weights: Cow::Owned(weights),
            node_w,
            size: vec![1.0; n],
        }
    }

    /// A stored weight as the gains read it.
    fn wide<W: Weight>(w: W) -> f64 {
        w.into()
    }

    /// Weight of the aggregate arc 0 → 1 as the level reads it, and the storage width.
    fn arc01(a: &Aggregate) -> (f64, usize) {
        with_level!(a, g => {
            let (ts, ws) = g.row(0);
            assert_eq!(ts, &[1]);
            (wide(ws[0]), std::mem::size_of_val(&ws[0]))
        })
    }

    #[test]
    fn row_merge_sums_in_first_seen_order() {
        // A pseudo-random graph with fractional weights (sums depend on their order) and a
        // partition with parts of very different sizes. One scratch merges every part in turn
        // (its position array must be clean after each row); each row must list the neighbouring
        // parts once, in first-seen order, with the bits of a plain left-to-right sum.
        let n = 600u32;
        let mut edges = Vec::new();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for u in 0..n {
            for _ in 0..(1 + u % 23) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let v = (x % u64::from(n)) as u32;
                if v != u {
                    edges.push((u, v, 0.1 + (x >> 40) as f32 / 7_777.0));
                }
            }
        }
        edges.sort_by_key(|&(u, v, _)| (u.min(v), u.max(v)));
        edges.dedup_by_key(|&mut (u, v, _)| (u.min(v), u.max(v)));
        let g = level0(n as usize, &edges);
        // Part sizes 1, 2, 3, ... in node order, plus one part of every 7th node.
        let mut part = vec![0u32; n as usize];
        let (mut p, mut left) = (1u32, 1u32);
        for v in 0..n {
            if v % 7 == 0 {
                part[v as usize] = 0;
                continue;
            }
            part[v as usize] = p;
            left -= 1;
            if left == 0 {
                p += 1;
                left = p;
            }
        }
        let k = p as usize + 1;
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); k];
        for v in 0..n {
            members[part[v as usize] as usize].push(v);
        }
        let mut rm = RowMerge::new(k);
        let mut nonempty = 0;
        for (q, mem) in members.iter().enumerate() {
            // Reference: arcs in member order, each row in row order.
            let mut order: Vec<u32> = Vec::new();
            let mut sums: std::collections::HashMap<u32, f64> = std::collections::HashMap::new();
            for &v in mem {
                let (ts, ws) = g.row(v);
                for (&u, &w) in ts.iter().zip(ws) {
                    let t = part[u as usize];
                    if t == q as u32 {
                        continue;
                    }
                    let e = sums.entry(t).or_insert_with(|| {
                        order.push(t);
                        0.0
                    });
                    *e += f64::from(w);
                }
            }
            let want: Vec<(u32, u64)> = order.iter().map(|t| (*t, sums[t].to_bits())).collect();
            let got: Vec<(u32, u64)> = rm
                .merge(&g, mem, &part, q as u32)
                .iter()
                .map(|&(t, w)| (t, w.to_bits()))
                .collect();
            assert_eq!(got, want, "part {q}");
            nonempty += usize::from(got.len() > 3);
        }
        assert!(rm.pos.iter().all(|&p| p == u32::MAX));
        assert!(nonempty > 10);
    }

    #[test]
    fn aggregate_stores_weights_in_the_narrowest_exact_type() {
        // Parts {0, 1} and {2}: the aggregate arc sums edges 0–2 and 1–2.
        let part = [0u32, 0, 1];
        let cases: [(f32, f32, usize); 4] = [
            (1.0, 2.0, 2),           // integral, small: u16
            (40_000.0, 40_000.0, 4), // integral above 65 535: f32
            (0.5, 0.25, 4),          // exact binary fractions: f32
            (0.1, 0.2, 8),           // f32(0.1) + f32(0.2) needs 26 bits: f64
        ];
        for (a, b, width) in cases {
            let g = level0(3, &[(0, 2, a), (1, 2, b), (0, 1, 3.0)]);
            let agg = g.aggregate(&part, 2);
            let want = f64::from(a) + f64::from(b);
            assert_eq!(arc01(&agg), (want, width), "edges {a} and {b}");
            // The f64 aggregate holds the same sums (the reference the narrow types must match).
            let wide = g.aggregate_as::<f64>(&part, 2).map(Aggregate::F64);
            assert_eq!(arc01(&wide.expect("f64 always fits")).0, want);
            assert_eq!(agg.n(), 2);
        }
    }
}
