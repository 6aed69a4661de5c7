//! Leiden algorithm (Traag, Waltman & van Eck, "From Louvain to Leiden: guaranteeing
//! well-connected communities", Scientific Reports 9, 5233, 2019).
//!
//! Each level runs three phases:
//! 1. **Fast local moving** with a queue: every node is queued once in a seeded random order;
//!    a popped node moves to the community with the largest strictly positive gain (or to an
//!    empty community when every option loses); when it moves, its neighbours outside the new
//!    community are queued again. The result is that of this sequential loop (it depends on the
//!    seed only); with several threads the row scans of large levels run in speculative
//!    batches that are validated in queue order and reproduce it bit for bit (`moving.rs`).
//! 2. **Refinement**: inside each community, start from singletons; visit the community's nodes
//!    in an order shuffled by the community's own stream (communities are refined independently,
//!    in parallel, so the thread count cannot change the result); a node still alone and well connected to its community (`k_{v,S−v} ≥ γ' a_v (A_S − a_v)`)
//!    joins a well-connected refined sub-community `T` of the same community with a non-negative
//!    gain `ΔH`, chosen at random with probability ∝ `exp(ΔH / θ)` (θ = `theta`; the gain is in
//!    edge-weight units as in igraph). Merges happen only along edges, so refined communities are
//!    connected.
//! 3. **Aggregation** of the *refined* partition (parallel, deterministic), with the non-refined
//!    partition as the initial partition of the aggregate graph. When refinement merged nothing,
//!    the non-refined partition is aggregated instead (as leidenalg does) so levels always shrink.
//!
//! Levels stop when local moving leaves every node in its own community. One such multi-level
//! pass is an *iteration*; `iterations` passes run (default 2, igraph's default), each starting
//! from the previous result, stopping early when a pass changes nothing; `iterations = 0` repeats
//! until stable (igraph's `n_iterations = -1`), at most `max_iterations` passes.
//!
//! **Passes after the first (a convention of kolgraph's, not igraph's).** igraph and leidenalg
//! run every iteration from level 0: local moving of the nodes, then a fresh refinement and
//! aggregation of the whole graph, then the higher levels. kolgraph's first pass keeps one
//! level of its hierarchy: level [`RESUME_LEVEL`] (2), or the highest level below it when the
//! pass stopped earlier, provided every level up to it aggregated its refined partition. It
//! keeps that level's graph and the map from original nodes to its nodes (4 bytes per node);
//! each of its nodes is a connected set of original nodes (a refined part of refined parts)
//! and lies inside one final community, since later levels move whole nodes. A later pass
//! starts, like igraph's, with fast local moving of the original nodes from the current
//! partition (stream `(pass, 0)`). Then:
//! - if no node moved, the kept nodes are still inside the communities and the pass goes on
//!   from the kept graph (moving, refinement, aggregation from level 2 up, starting from the
//!   current partition), skipping the refinement and aggregation of level 0 (on R-MAT they
//!   keep 94 % of the arcs) and the moving, refinement and aggregation of level 1. Level 1 is
//!   skipped because it costs much and gains little: on the LFR benchmark graph (100k nodes)
//!   its moving from the first pass's result gained 0.000002 modularity of the second pass's
//!   0.00006 (nearly all of which comes from level 2), while its phases were 12–15 % of the
//!   whole run; resuming at level 2 keeps most of the gain (2–13 · 10⁻⁶ less modularity
//!   than resuming at level 1 over seeds 1–4 and 42) at 12–15 % less time, and resuming at
//!   level 3 loses all of it (seed 42: the first pass's 0.585769).
//! - if some node moved (a node locked into a refined part may gain by moving alone: about
//!   18 % of an R-MAT graph's nodes do, which is most of the second pass's gain there), each
//!   community is split into its connected components (same ids in node order; a split never
//!   lowers the quality), which keeps every community connected, and the pass ends: the kept
//!   hierarchy no longer fits, and the higher levels that igraph would run on a fresh
//!   refinement gain little (R-MAT scale 20: +0.00003 modularity for about a sixth of the run
//!   time). The next pass, if any, is a full pass again.
//!
//! A resumed pass ends with communities that are unions of kept nodes, so a third pass can
//! resume from the same level again. Same seed ⇒ same result for any thread count (the split
//! is a deterministic union-find). If the first pass kept nothing (it stopped at level 0, or
//! refinement merged nothing there) later passes are full passes. `levels` reports the most
//! levels any pass ran.
//!
//! Every community of the result is connected (tested). Time O(m) per level phase (moving,
//! refinement, aggregation); space O(n + m). The level-0 graph borrows the undirected view's
//! rows (no copy) when it has no self-loops, so the extra memory of level 0 is O(n); the kept
//! level-2 graph outlives the first pass (it was alive anyway while level 3 was built, and it
//! is smaller than the level-1 graph that a first pass holds while it builds level 2).

use super::louvain::{
    gamma_prime, renumber, with_level, with_level0, Aggregate, Level0, LevelGraph, Weight,
};
use super::moving::{
    accumulate, load, store, to_atomic, write_back, Batching, Comm, Marks, Speculator, Visit,
};
use super::CommunityConfig;
use crate::algo::rng::{hash3, rng_for, Stream};
use crate::algo::Progress;
use crate::graph::Csr;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;
use rayon::prelude::*;
use std::collections::VecDeque;

/// Per-community state of local moving: total node weight and members (16 bytes, random
/// access into this array dominates the apply step).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Total node weight of the community.
    w: f64,
    /// Members.
    size: u32,
}

/// Per-refined-community state of the refinement phase (see [`Slot`]).
#[derive(Clone, Copy)]
struct RSlot {
    acc: f64,
    w: f64,
    ext: f64,
    size: u32,
    seen: bool,
}

/// Fast local moving (queue based). Returns true when any node moved.
///
/// With several threads and a large level the row scans run in parallel speculative batches
/// validated in queue order (`moving.rs`); the result is bit-identical to the sequential
/// loop for any thread count.
fn move_nodes_fast<W: Weight>(
    g: &LevelGraph<W>,
    comm: &mut [u32],
    gp: f64,
    rng: &mut Pcg64,
) -> bool {
    move_nodes_fast_with(g, comm, gp, rng, Batching::auto(g.n())).0
}

/// State of fast local moving shared by the sequential and the batched loops.
struct FastMove<'a> {
    slot: Vec<Slot>,
    /// Empty communities, most recently emptied on top.
    empty: Vec<u32>,
    queue: VecDeque<u32>,
    marks: Marks,
    node_w: &'a [f64],
    gp: f64,
    /// Visits left (see `move_nodes_fast_with`).
    budget: u64,
    /// Some node changed community.
    moved_any: bool,
}

impl Visit for FastMove<'_> {
    #[inline]
    fn marks(&mut self) -> &mut Marks {
        &mut self.marks
    }

    #[inline]
    fn admit(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    /// Apply the visit of `v` (its weight `own_acc` to its own community and its neighbouring
    /// communities `cand` in first-seen row order, as [`accumulate`] gives them): leave `own`,
    /// pick the best strictly positive gain (else an empty community when every option loses),
    /// join it and queue the neighbours outside it.
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
        let so = &mut self.slot[own as usize];
        so.w -= av;
        so.size -= 1;
        if so.size == 0 {
            self.empty.push(own);
        }
        let mut best = own;
        let mut best_gain = own_acc - gp * av * so.w;
        for &(c, acc) in cand {
            let gain = acc - gp * av * self.slot[c as usize].w;
            // Selects, not a branch: which candidate wins is data-dependent (mispredicts).
            let better = gain > best_gain;
            best_gain = if better { gain } else { best_gain };
            best = if better { c } else { best };
        }
        if best_gain < 0.0 {
            // An empty community gains exactly 0. `own` is not empty here (its gain would be 0).
            if let Some(&e) = self.empty.last() {
                best = e;
            }
        }
        let sb = &mut self.slot[best as usize];
        if sb.size == 0 {
            // `best` is `own` just emptied or the top empty slot: both sit on top of the stack.
            self.empty.pop();
        }
        sb.w += av;
        sb.size += 1;
        if best == own {
            return;
        }
        store(comm, v, best);
        self.moved_any = true;
        let queue = &mut self.queue;
        self.marks.moved(g, comm, v, best, |u| queue.push_back(u));
    }
}

/// [`move_nodes_fast`] with an explicit [`Batching`] (tests force small batches). Returns
/// (moved anything, (nodes applied in batches, of which stale)).
pub(super) fn move_nodes_fast_with<W: Weight>(
    g: &LevelGraph<W>,
    comm: &mut [u32],
    gp: f64,
    rng: &mut Pcg64,
    batching: Batching,
) -> (bool, (u64, u64)) {
    let n = g.n();
    let mut slot = vec![Slot::default(); n];
    for v in 0..n {
        let s = &mut slot[comm[v] as usize];
        s.w += g.node_w[v];
        s.size += 1;
    }
    let empty: Vec<u32> = (0..n as u32)
        .filter(|&c| slot[c as usize].size == 0)
        .collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    // Every pop either changes nothing or strictly raises the quality, so the loop ends; the cap
    // only guards against floating-point ties cycling.
    let mut st = FastMove {
        slot,
        empty,
        queue: order.into(),
        marks: Marks::new(n, true),
        node_w: &g.node_w,
        gp,
        budget: 64u64 * n as u64 + 1024,
        moved_any: false,
    };
    let comm_a = to_atomic(comm);
    let stats = if batching.parallel {
        let mut spec = Speculator::new(n, batching);
        // FIFO: the front of the queue is already the sequential visit order (pushes go to
        // the back), so a batch may be drained before the previous one is applied.
        spec.run(g, &comm_a, &mut st, |st, b, out| {
            let take = b.min(st.queue.len());
            out.extend(st.queue.drain(..take));
        });
        (spec.applied, spec.stale)
    } else {
        let mut cand: Vec<(u32, f64)> = Vec::new();
        let mut pos = vec![u32::MAX; n];
        while let Some(v) = st.queue.pop_front() {
            st.marks.dequeue(v);
            if !st.admit() {
                break;
            }
            cand.clear();
            let own_acc = accumulate(g, &comm_a, v, load(&comm_a, v), &mut pos, &mut cand);
            st.apply(g, &comm_a, v, own_acc, &cand);
        }
        (0, 0)
    };
    write_back(comm_a, comm);
    (st.moved_any, stats)
}

/// Refine `comm` (dense ids `0..k`) into connected sub-communities. Returns refined labels
/// (unique, not dense).
///
/// Refinement never looks across communities, so each community is refined on its own, with
/// its own random stream `rng_for(seed, Leiden, hash3(unit, REFINE, community))` and scratch
/// indexed by the member's position inside the community (small, cache-resident arrays).
/// Communities run in parallel over chunks cut at community boundaries; a community's result
/// depends only on its own stream, so the thread count and the chunking cannot change it.
fn refine<W: Weight>(
    g: &LevelGraph<W>,
    comm: &[u32],
    k: usize,
    gp: f64,
    theta: f64,
    seed: u64,
    unit: u64,
) -> Vec<u32> {
    let n = g.n();
    // Members of each community in node order (counting sort) and each node's position there.
    let mut start = vec![0usize; k + 1];
    for &c in comm {
        start[c as usize + 1] += 1;
    }
    for i in 0..k {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; n];
    let mut loc = vec![0u32; n];
    for (v, &c) in comm.iter().enumerate() {
        let c = c as usize;
        members[fill[c]] = v as u32;
        loc[v] = (fill[c] - start[c]) as u32;
        fill[c] += 1;
    }
    drop(fill);
    // Chunks of whole communities of about `target` members; `out` is cut along them.
    let target = (n / 64).max(4096);
    let mut cuts = vec![0usize];
    let mut acc = 0usize;
    for c in 0..k {
        acc += start[c + 1] - start[c];
        if acc >= target {
            cuts.push(c + 1);
            acc = 0;
        }
    }
    if *cuts.last().unwrap_or(&0) != k {
        cuts.push(k);
    }
    let mut out = vec![0u32; n];
    let mut pieces: Vec<(usize, usize, &mut [u32])> = Vec::with_capacity(cuts.len());
    let mut rest: &mut [u32] = &mut out;
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let (head, tail) = rest.split_at_mut(start[hi] - start[lo]);
        pieces.push((lo, hi, head));
        rest = tail;
    }
    let ctx = RefineCtx {
        g,
        comm,
        start: &start,
        members: &members,
        loc: &loc,
        gp,
        theta,
        seed,
        unit,
    };
    pieces.into_par_iter().for_each(|(lo, hi, piece)| {
        let mut scratch = RefineScratch::default();
        for c in lo..hi {
            let (a, b) = (start[c] - start[lo], start[c + 1] - start[lo]);
            ctx.refine_one(c, &mut piece[a..b], &mut scratch);
        }
    });
    // `out` is aligned with `members`: a refined label is the community's start plus the
    // position of the sub-community's first member, unique over the whole level.
    let mut refined = vec![0u32; n];
    for (pos, &v) in members.iter().enumerate() {
        refined[v as usize] = out[pos];
    }
    refined
}

/// Salt of the per-community refinement streams.
const REFINE_SALT: u64 = 0x5EF1;

/// Read-only inputs of [`refine`], shared by the parallel chunks.
struct RefineCtx<'a, W: Weight> {
    g: &'a LevelGraph<'a, W>,
    comm: &'a [u32],
    start: &'a [usize],
    members: &'a [u32],
    loc: &'a [u32],
    gp: f64,
    theta: f64,
    seed: u64,
    unit: u64,
}

/// Reusable per-chunk buffers of [`RefineCtx::refine_one`].
#[derive(Default)]
struct RefineScratch {
    slot: Vec<RSlot>,
    label: Vec<u32>,
    ext: Vec<f64>,
    order: Vec<u32>,
    touched: Vec<u32>,
    cand: Vec<(u32, f64)>,
}

impl<W: Weight> RefineCtx<'_, W> {
    /// Refine community `c`; writes `start[c] + local label` for each member (in member order).
    fn refine_one(&self, c: usize, out: &mut [u32], s: &mut RefineScratch) {
        let g = self.g;
        let base = self.start[c];
        let mem = &self.members[base..self.start[c + 1]];
        let len = mem.len();
        if len <= 1 {
            for o in out.iter_mut() {
                *o = base as u32;
            }
            return;
        }
        let c32 = c as u32;
        // ext[i]: weight from member i to the rest of the community; community weight in
        // member (= node) order.
        s.ext.clear();
        let mut ac = 0.0;
        for &v in mem {
            ac += g.node_w[v as usize];
            let (ts, ws) = g.row(v);
            let mut e = 0.0;
            for (&u, &w) in ts.iter().zip(ws) {
                if self.comm[u as usize] == c32 {
                    e += w.into();
                }
            }
            s.ext.push(e);
        }
        s.slot.clear();
        s.slot.extend(mem.iter().zip(&s.ext).map(|(&v, &e)| RSlot {
            acc: 0.0,
            w: g.node_w[v as usize],
            ext: e,
            size: 1,
            seen: false,
        }));
        // Sink for arcs leaving the community (see below).
        s.slot.push(RSlot {
            acc: 0.0,
            w: 0.0,
            ext: 0.0,
            size: 0,
            seen: false,
        });
        s.label.clear();
        s.label.extend(0..len as u32);
        s.order.clear();
        s.order.extend(0..len as u32);
        let mut rng = rng_for(
            self.seed,
            Stream::Leiden,
            hash3(self.unit, REFINE_SALT, c as u64),
        );
        s.order.shuffle(&mut rng);
        let (gp, theta) = (self.gp, self.theta);
        for oi in 0..len {
            let i = s.order[oi] as usize;
            let v = mem[i];
            let own = s.label[i];
            if s.slot[own as usize].size != 1 {
                continue;
            }
            let av = g.node_w[v as usize];
            let ext_v = s.ext[i];
            if ext_v < gp * av * (ac - av) {
                continue;
            }
            // Branch-free (the inside/outside test and the first-touch test both mispredict
            // often): an arc leaving the community goes to the sink slot `len` (size 0, so
            // never a candidate); a first touch resets the sum to 0.0 before adding, the same
            // bits as starting the sum at the weight.
            let (ts, ws) = g.row(v);
            s.touched.resize(ts.len() + 1, 0);
            let mut nt = 0usize;
            for (&u, &w) in ts.iter().zip(ws) {
                let w: f64 = w.into();
                let inside = self.comm[u as usize] == c32;
                let t = if inside {
                    s.label[self.loc[u as usize] as usize]
                } else {
                    len as u32
                };
                let st = &mut s.slot[t as usize];
                let first = !st.seen;
                st.acc = if first { 0.0 } else { st.acc } + w;
                st.seen = true;
                s.touched[nt] = t;
                nt += usize::from(first);
            }
            s.touched.truncate(nt);
            // Leave the singleton (its gain as an option is 0).
            s.slot[own as usize].w = 0.0;
            s.slot[own as usize].size = 0;
            s.cand.clear();
            let mut max_gain = 0.0f64;
            for &t in &s.touched {
                let st = &s.slot[t as usize];
                if t == own || st.size == 0 {
                    continue;
                }
                if st.ext < gp * st.w * (ac - st.w) {
                    continue;
                }
                let gain = st.acc - gp * av * st.w;
                if gain >= 0.0 {
                    s.cand.push((t, gain));
                    max_gain = max_gain.max(gain);
                }
            }
            let mut target = own;
            if !s.cand.is_empty() {
                // Randomised choice ∝ exp(gain/θ), staying alone included (gain 0); shifted by
                // the maximum so the exponentials cannot overflow.
                let stay_p = ((0.0 - max_gain) / theta).exp();
                // Each weight computed once (the same value both loops used to recompute).
                for c in s.cand.iter_mut() {
                    c.1 = ((c.1 - max_gain) / theta).exp();
                }
                let total: f64 = stay_p + s.cand.iter().map(|&(_, p)| p).sum::<f64>();
                let mut r = rng.gen::<f64>() * total;
                if r >= stay_p {
                    r -= stay_p;
                    target = s.cand[s.cand.len() - 1].0;
                    for &(t, p) in &s.cand {
                        if r < p {
                            target = t;
                            break;
                        }
                        r -= p;
                    }
                }
            }
            let st = &mut s.slot[target as usize];
            if target == own {
                st.w = av;
                st.size = 1;
            } else {
                st.ext = st.ext + ext_v - 2.0 * st.acc;
                st.w += av;
                st.size += 1;
                s.label[i] = target;
            }
            for &t in &s.touched {
                s.slot[t as usize].seen = false;
            }
            s.touched.clear();
        }
        for (o, &l) in out.iter_mut().zip(&s.label) {
            *o = base as u32 + l;
        }
    }
}

/// One level of a pass: fast local moving of `comm` (updated in place, made dense), then
/// refinement and aggregation. Returns `None` when this was the last level, else the aggregated
/// partition, the aggregate graph and its initial partition ([`Level`]).
fn leiden_level<W: Weight>(
    g: &LevelGraph<W>,
    comm: &mut [u32],
    cfg: &CommunityConfig,
    gp: f64,
    rng: &mut Pcg64,
    (seed, unit): (u64, u64),
    last: bool,
) -> Option<Level> {
    move_nodes_fast(g, comm, gp, rng);
    let k = renumber(comm);
    let ln = g.n();
    if k == ln || last {
        return None;
    }
    let mut refined = refine(g, comm, k, gp, cfg.theta, seed, unit);
    let kr = renumber(&mut refined);
    let refined_used = kr < ln;
    let (part, kp) = if refined_used {
        (refined, kr)
    } else {
        (comm.to_vec(), k)
    };
    // Initial partition of the aggregate: the non-refined community of each part.
    let mut next = vec![0u32; kp];
    for v in 0..ln {
        next[part[v] as usize] = comm[v];
    }
    let next_graph = g.aggregate(&part, kp);
    Some(Level {
        part,
        graph: next_graph,
        init: next,
        refined: refined_used,
    })
}

/// What one level hands to the next: the aggregated partition (level node → aggregate node),
/// the aggregate graph, its initial partition, and whether `part` is the refined partition
/// (false when refinement merged nothing and the moving partition was aggregated instead).
struct Level {
    part: Vec<u32>,
    graph: Aggregate,
    init: Vec<u32>,
    refined: bool,
}

/// Where the passes after the first resume: a level of the first pass's hierarchy reached
/// through refined partitions only (original node → node of that level) and that level's graph.
/// Every node of it is a connected set of original nodes inside one final community.
struct Base {
    part: Vec<u32>,
    graph: Aggregate,
    /// The level's number (1 or [`RESUME_LEVEL`]).
    level: u32,
}

/// Level of the first pass's hierarchy that later passes resume from (when level-0 moving
/// moved nothing): the highest level up to this one reached through refined partitions only.
const RESUME_LEVEL: u32 = 2;

/// One multi-level Leiden pass on `g0` from `init` (dense ids), its first level numbered
/// `first_level` (the level index seeds the streams and counts against `max_levels`). Returns
/// (membership of `g0`'s nodes, levels counted from 0, the kept [`Base`] when `keep` is set and
/// level 0 aggregated its refined partition).
fn leiden_pass<W: Weight>(
    g0: &LevelGraph<'_, W>,
    init: &[u32],
    cfg: &CommunityConfig,
    gp: f64,
    seed: u64,
    (iteration, first_level): (u32, u32),
    keep: bool,
) -> (Vec<u32>, u32, Option<Base>) {
    let n = g0.n();
    // `g0` node -> level node.
    let mut membership: Vec<u32> = (0..n as u32).collect();
    // Level 0 works on `g0` itself (no copy: it is the largest graph); later levels own their
    // aggregated graphs (weights in the narrowest exact type, see `Aggregate`), except the
    // kept one, which outlives the pass.
    let mut owned: Option<Aggregate> = None;
    let mut kept: Option<Base> = None;
    // Every level so far aggregated its refined partition (and a `Base` is wanted).
    let mut chain = keep;
    let mut comm = init.to_vec();
    let mut levels = first_level;
    loop {
        let unit = (u64::from(iteration) << 32) | u64::from(levels);
        let mut rng = rng_for(seed, Stream::Leiden, unit);
        let last = levels + 1 >= cfg.max_levels;
        let cur = owned.as_ref().or(kept.as_ref().map(|b| &b.graph));
        let step = match cur {
            None => leiden_level(g0, &mut comm, cfg, gp, &mut rng, (seed, unit), last),
            Some(a) => with_level!(a, g => {
                leiden_level(g, &mut comm, cfg, gp, &mut rng, (seed, unit), last)
            }),
        };
        levels += 1;
        let Some(level) = step else {
            break;
        };
        for m in membership.iter_mut() {
            *m = level.part[*m as usize];
        }
        comm = level.init;
        chain &= level.refined;
        if chain && levels <= RESUME_LEVEL {
            // Still on the refined chain: this level replaces the kept one (the previous kept
            // graph was only needed to build this level's).
            kept = Some(Base {
                part: membership.clone(),
                graph: level.graph,
                level: levels,
            });
        } else {
            chain = false;
            owned = Some(level.graph);
        }
    }
    let mut out: Vec<u32> = membership.iter().map(|&m| comm[m as usize]).collect();
    renumber(&mut out);
    (out, levels, kept)
}

/// Split every community of `comm` into its connected components (over arcs inside the
/// community). Component ids are dense in order of first occurrence (node order), so the
/// result depends only on `comm` and the graph. Splitting a disconnected community never lowers
/// the quality (no arc joins its components, and the penalty term only shrinks).
fn split_components<W: Weight>(g: &LevelGraph<W>, comm: &mut [u32]) {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    let n = g.n();
    // Concurrent union-find over the arcs inside communities (parallel, lock-free). A root is
    // only ever linked under a smaller root, so every parent is ≤ its child and each
    // component's root is its smallest node whatever the interleaving: the result does not
    // depend on the thread count. Numbering roots in node order then gives the ids that a
    // sequential search started from each unlabelled node in node order would give.
    let parent: Vec<AtomicU32> = (0..n as u32).map(AtomicU32::new).collect();
    let find = |mut x: u32| -> u32 {
        loop {
            let p = parent[x as usize].load(Relaxed);
            if p == x {
                return x;
            }
            let gp = parent[p as usize].load(Relaxed);
            if gp != p {
                // Path halving: `gp` is an ancestor of `x`, so this keeps every path valid.
                let _ = parent[x as usize].compare_exchange(p, gp, Relaxed, Relaxed);
            }
            x = gp;
        }
    };
    let comm_ro: &[u32] = comm;
    (0..n as u32)
        .into_par_iter()
        .with_min_len(1024)
        .for_each(|v| {
            let c = comm_ro[v as usize];
            for &u in g.row(v).0 {
                if u <= v || comm_ro[u as usize] != c {
                    continue;
                }
                let (mut a, mut b) = (find(v), find(u));
                while a != b {
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    match parent[hi as usize].compare_exchange(hi, lo, Relaxed, Relaxed) {
                        Ok(_) => break,
                        // `hi` got a parent meanwhile: retry from the current roots.
                        Err(_) => (a, b) = (find(hi), find(lo)),
                    }
                }
            }
        });
    let root: Vec<u32> = (0..n as u32).into_par_iter().map(find).collect();
    let mut id = vec![0u32; n];
    let mut k = 0u32;
    for (v, &r) in root.iter().enumerate() {
        if r as usize == v {
            id[v] = k;
            k += 1;
        }
    }
    comm.par_iter_mut()
        .zip(root.par_iter())
        .for_each(|(c, &r)| *c = id[r as usize]);
}

/// Leiden from singletons, `iterations` passes (0 = until a pass changes nothing). Returns
/// (membership, levels of the last pass, passes run).
///
/// The first pass (and any pass that finds no valid [`Base`]) is a full multi-level pass from
/// level 0; it keeps one level of its hierarchy ([`Base`], level [`RESUME_LEVEL`] at most). A
/// later pass (see the module doc) starts with fast local moving of the original nodes from
/// the current partition; when no node moved it goes on from the kept level, else it splits
/// the communities into their connected components and ends (the kept hierarchy is then stale,
/// so the pass after it is a full pass again).
pub(crate) fn leiden(
    g: &Csr,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> (Vec<u32>, u32, u32) {
    with_level0!(Level0::from_csr(g, cfg.objective), g0 => leiden_on(g0, cfg, seed, progress))
}

/// [`leiden`] on its level-0 graph (stored or unit weights).
fn leiden_on<W: Weight>(
    g0: LevelGraph<'_, W>,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> (Vec<u32>, u32, u32) {
    let gp = gamma_prime(&g0, cfg);
    let n = g0.n();
    let mut part: Vec<u32> = (0..n as u32).collect();
    let mut levels = 0;
    let mut iterations = 0;
    let cap = if cfg.iterations == 0 {
        cfg.max_iterations
    } else {
        cfg.iterations
    };
    progress.start("leiden passes", u64::from(cap));
    let mut base: Option<Base> = None;
    while iterations < cap {
        let next = match base.take() {
            None => {
                let (next, lv, kept) =
                    leiden_pass(&g0, &part, cfg, gp, seed, (iterations, 0), cap > 1);
                levels = levels.max(lv);
                base = kept;
                next
            }
            Some(b) => {
                // Level 0 of this pass: fast local moving of the nodes from the current
                // partition, as in every Leiden pass. Nodes locked into refined parts by the
                // first pass may now gain by moving alone (on R-MAT graphs ~18 % of them do).
                let mut next = part.clone();
                let mut rng = rng_for(seed, Stream::Leiden, u64::from(iterations) << 32);
                if move_nodes_fast(&g0, &mut next, gp, &mut rng) {
                    // A node leaving may disconnect its community: split it (never lowers the
                    // quality). The kept nodes are no longer inside the communities, so the
                    // pass ends here and the next one is a full pass.
                    split_components(&g0, &mut next);
                    renumber(&mut next);
                    next
                } else {
                    // Nothing moved: the kept nodes are still inside the communities, so the
                    // pass goes on from the kept level. Each node of the kept graph is a
                    // connected set of original nodes inside one community of `part`.
                    drop(next);
                    let mut init = vec![0u32; b.graph.n()];
                    for (v, &p) in b.part.iter().enumerate() {
                        init[p as usize] = part[v];
                    }
                    let (top, lv, _) = with_level!(&b.graph, g => {
                        leiden_pass(g, &init, cfg, gp, seed, (iterations, b.level), false)
                    });
                    levels = levels.max(lv);
                    let mut next: Vec<u32> = b.part.iter().map(|&p| top[p as usize]).collect();
                    drop(top);
                    renumber(&mut next);
                    base = Some(b);
                    next
                }
            }
        };
        iterations += 1;
        progress.inc(1);
        let same = next == part;
        part = next;
        if same {
            break;
        }
    }
    progress.finish();
    (part, levels, iterations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::community::{quality, Objective};
    use crate::algo::rng::{coin, hash3};
    use crate::algo::NoProgress;
    use crate::graph::CsrGraph;
    use std::borrow::Cow;

    #[test]
    fn split_components_numbers_components_in_node_order() {
        // Path 0-1-2 and path 3-4-5; communities {0, 1, 3} and {2, 4, 5}.
        let edges = [(0u32, 1u32), (1, 2), (3, 4), (4, 5)];
        let mut rows = vec![Vec::new(); 6];
        for &(a, b) in &edges {
            rows[a as usize].push(b);
            rows[b as usize].push(a);
        }
        let mut offsets = vec![0u64];
        let mut targets = Vec::new();
        for r in &mut rows {
            r.sort_unstable();
            targets.extend_from_slice(r);
            offsets.push(targets.len() as u64);
        }
        let g = LevelGraph::<f32> {
            weights: Cow::Owned(vec![1.0; targets.len()]),
            offsets: Cow::Owned(offsets),
            targets: Cow::Owned(targets),
            node_w: vec![1.0; 6],
            size: vec![1.0; 6],
        };
        let mut comm = vec![0, 0, 1, 0, 1, 1];
        split_components(&g, &mut comm);
        assert_eq!(comm, vec![0, 0, 1, 2, 3, 3]);
    }

    /// The parallel split equals a sequential depth-first search from each unlabelled node in
    /// node order, for any thread count, on sparse random partitions (many components).
    #[test]
    fn split_components_matches_sequential_search() {
        for seed in 0..4u64 {
            let csr = planted(3000, 30, seed);
            let g0 = LevelGraph::from_csr(&csr, Objective::Modularity);
            let comm: Vec<u32> = (0..g0.n() as u64)
                .map(|v| (hash3(seed, v, 7) % 40) as u32)
                .collect();
            let mut want = vec![u32::MAX; g0.n()];
            let mut k = 0u32;
            for s in 0..g0.n() as u32 {
                if want[s as usize] != u32::MAX {
                    continue;
                }
                want[s as usize] = k;
                let mut stack = vec![s];
                while let Some(v) = stack.pop() {
                    for &u in g0.row(v).0 {
                        if want[u as usize] == u32::MAX && comm[u as usize] == comm[s as usize] {
                            want[u as usize] = k;
                            stack.push(u);
                        }
                    }
                }
                k += 1;
            }
            assert!(k > 40, "the test needs split communities");
            for threads in [1, 2, 4] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let mut got = comm.clone();
                pool.install(|| split_components(&g0, &mut got));
                assert_eq!(got, want, "seed {seed}, {threads} threads");
            }
        }
    }

    /// A heavy-tailed random graph without planted groups (Chung–Lu with expected degrees
    /// ∝ (i + 1)^-0.6, unit weights): like R-MAT, nodes locked into refined parts by the first
    /// pass gain by moving alone in the second, so the second pass ends after level 0.
    fn skewed(n: u32, seed: u64) -> Csr {
        let mut edges = Vec::new();
        let w: Vec<f64> = (0..n).map(|i| f64::from(i + 1).powf(-0.6)).collect();
        let total: f64 = w.iter().sum();
        let mut cdf = Vec::with_capacity(n as usize);
        let mut acc = 0.0;
        for &x in &w {
            acc += x / total;
            cdf.push(acc);
        }
        for k in 0..u64::from(n) * 8 {
            let pick = |salt: u64| {
                let r = coin(seed, k, salt);
                cdf.partition_point(|&c| c < r).min(n as usize - 1) as u32
            };
            let (u, v) = (pick(1), pick(2));
            if u != v {
                edges.push((u, v, 1.0));
            }
        }
        Csr::clone(&CsrGraph::from_undirected_edges(n as usize, &edges, true).undirected())
    }

    /// Later passes never lower the modularity (their level-0 moving only makes strictly
    /// positive moves, the split never lowers it, and the higher levels start from the current
    /// partition), keep every community connected, and give the same bits at 1 and 2 threads,
    /// on a graph whose second pass moves nodes at level 0 and on one whose does not.
    #[test]
    fn later_passes_never_lower_modularity() {
        for (name, g) in [
            ("skewed", skewed(4000, 3)),
            ("planted", planted(3000, 30, 7)),
        ] {
            let mut last = f64::NEG_INFINITY;
            for iterations in 1..=4 {
                let cfg = CommunityConfig {
                    iterations,
                    ..CommunityConfig::default()
                };
                let (part, levels, passes) = leiden_at(2, &g, &cfg, 5);
                assert_eq!(
                    leiden_at(1, &g, &cfg, 5),
                    (part.clone(), levels, passes),
                    "{name}"
                );
                assert!(
                    quality::disconnected_communities(&g, &part).is_empty(),
                    "{name}"
                );
                let q = quality::modularity(&g, &part, 1.0);
                assert!(
                    q >= last - 1e-12,
                    "{name}: {iterations} passes {q} < {last}"
                );
                last = q;
            }
        }
    }

    /// The level a first pass keeps for later passes is level 2 when the pass got there through
    /// refined partitions, and each kept node is a connected set of original nodes inside one
    /// community of the pass's result (what resuming from it relies on).
    #[test]
    fn kept_level_nodes_are_connected_and_inside_one_community() {
        for (name, g) in [
            ("skewed", skewed(4000, 3)),
            ("planted", planted(3000, 30, 7)),
        ] {
            let cfg = CommunityConfig::default();
            let (out, levels, base) = with_level0!(Level0::from_csr(&g, cfg.objective), g0 => {
                let gp = gamma_prime(&g0, &cfg);
                let init: Vec<u32> = (0..g0.n() as u32).collect();
                leiden_pass(&g0, &init, &cfg, gp, 5, (0, 0), true)
            });
            let base = base.expect("a first pass of several levels keeps one");
            assert!(levels > RESUME_LEVEL, "{name}: {levels} levels");
            assert_eq!(base.level, RESUME_LEVEL, "{name}");
            assert_eq!(base.part.len(), g.n(), "{name}");
            assert_eq!(
                base.part.iter().map(|&p| p as usize + 1).max(),
                Some(base.graph.n()),
                "{name}"
            );
            assert!(base.graph.n() < g.n(), "{name}");
            assert!(
                quality::disconnected_communities(&g, &base.part).is_empty(),
                "{name}: a kept node is disconnected"
            );
            let mut community = vec![u32::MAX; base.graph.n()];
            for (v, &p) in base.part.iter().enumerate() {
                let c = &mut community[p as usize];
                assert!(
                    *c == u32::MAX || *c == out[v],
                    "{name}: kept node {p} is split"
                );
                *c = out[v];
            }
        }
    }

    /// [`leiden`] in a pool of `threads` threads.
    fn leiden_at(
        threads: usize,
        g: &Csr,
        cfg: &CommunityConfig,
        seed: u64,
    ) -> (Vec<u32>, u32, u32) {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| leiden(g, cfg, seed, &NoProgress))
    }

    /// Planted groups with 20 % random arcs (weights 1–3).
    fn planted(n: u32, groups: u32, seed: u64) -> Csr {
        let mut edges = Vec::new();
        for u in 0..n {
            for k in 0..10u64 {
                let h = hash3(seed, u64::from(u), k);
                let v = if coin(seed, u64::from(u), k) < 0.8 {
                    (u % groups) + groups * (h % u64::from(n / groups)) as u32
                } else {
                    (h % u64::from(n)) as u32
                };
                if v != u {
                    edges.push((u, v, 1.0 + (h % 3) as f32));
                }
            }
        }
        Csr::clone(&CsrGraph::from_undirected_edges(n as usize, &edges, true).undirected())
    }

    #[test]
    fn later_passes_keep_communities_connected_and_stop_when_stable() {
        let g = planted(3000, 30, 5);
        for (iterations, objective, resolution) in [
            (2, Objective::Modularity, 1.0),
            (5, Objective::Modularity, 1.0),
            (0, Objective::Modularity, 1.0),
            (0, Objective::Cpm, 0.05),
        ] {
            let cfg = CommunityConfig {
                iterations,
                objective,
                resolution,
                ..CommunityConfig::default()
            };
            let (part, levels, passes) = leiden_at(2, &g, &cfg, 11);
            assert!(quality::disconnected_communities(&g, &part).is_empty());
            assert!(levels >= 1 && passes >= 1);
            if iterations == 0 {
                // Stopped because a pass changed nothing, before the cap.
                assert!(passes < cfg.max_iterations);
            } else {
                assert!(passes <= iterations);
            }
            assert_eq!(leiden_at(1, &g, &cfg, 11), (part, levels, passes));
        }
        // One more pass never leaves a worse partition than the first on this graph.
        let one = CommunityConfig {
            iterations: 1,
            ..CommunityConfig::default()
        };
        let q1 = quality::modularity(&g, &leiden(&g, &one, 11, &NoProgress).0, 1.0);
        let q2 = quality::modularity(
            &g,
            &leiden(&g, &CommunityConfig::default(), 11, &NoProgress).0,
            1.0,
        );
        assert!(q2 >= q1 - 1e-12, "{q2} < {q1}");
    }
}
