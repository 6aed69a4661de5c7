//! Reverse-reachable (RR) sets (Borgs, Brautbar, Chayes & Lucier, SODA 2014) and IMM (Tang, Shi
//! & Xiao, "Influence maximization in near-linear time: a martingale approach", SIGMOD 2015).
//!
//! An RR set of a uniformly random root `w` is the set of nodes whose word reaches `w` in one
//! random live-edge world: a reverse BFS over the `out` rows (an arc `x → u` of `out` row `x` is the
//! channel by which `u` reaches `x`). For LT the reverse walk picks at most one influencer per
//! node with the LT weights. `n · P(v ∈ RR) = spread({v})`, and the fraction of RR sets a seed
//! set covers estimates its spread.
//!
//! IMM: sampling phase with ε' = √2·ε doubling lower-bound search, then θ = λ*/LB RR sets and greedy
//! max-coverage, giving a (1 − 1/e − ε)-approximation with probability ≥ 1 − n^−ℓ. ℓ is raised to
//! ℓ·(1 + ln 2 / ln n) as in the paper, and the final RR sets are generated fresh, independent of
//! the sampling phase (Chen, "An issue in the martingale analysis of the influence maximization
//! algorithm IMM", 2018). Determinism: RR set `i` uses only `hash(seed, i, ·)`; sets are generated
//! in parallel in fixed chunks and concatenated in index order.
//!
//! Cost: O((k + ℓ)(n + m) log n / ε²) expected time; memory O(θ · mean RR size) for the sets plus
//! the same again for the inverted index during selection.

use crate::algo::diffusion::probability::EdgeProbabilities;
use crate::algo::diffusion::{arc_hash, run_key, sub_seed, threshold};
use crate::algo::rng::{mix64, unit_f64};
use crate::algo::NodeId;
use crate::graph::CsrGraph;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const RR_TAG: u64 = 0x5252;
const ROOT_SALT: u64 = 0x726F_6F74_7361_6C74;
/// RR sets per parallel chunk (fixed: results do not depend on the thread count).
const CHUNK: u64 = 2048;

/// What a reverse walk needs: for IC the `out` rows restricted to arcs with p > 0, each arc a
/// packed `(target, ⌈p·2³²⌉ − 1)` pair (one 8-byte load per arc; live iff a 32-bit coin ≤ it);
/// for LT cumulative weights aligned with `g.out`.
pub(crate) enum Walk {
    Ic {
        offsets: Vec<u64>,
        arcs: Vec<(u32, u32)>,
    },
    Lt(Vec<f64>),
}

impl Walk {
    pub(crate) fn new(g: &CsrGraph, probs: &EdgeProbabilities, lt: bool) -> Self {
        if !lt {
            let mut offsets = Vec::with_capacity(g.n() + 1);
            let mut arcs = Vec::with_capacity(g.out.m());
            offsets.push(0u64);
            for x in 0..g.n() as u32 {
                for j in g.out.range(x) {
                    let thr = threshold(probs.out[j]);
                    if thr > 0 {
                        arcs.push((g.out.targets[j], (thr - 1) as u32));
                    }
                }
                offsets.push(arcs.len() as u64);
            }
            return Walk::Ic { offsets, arcs };
        }
        // Cumulative normalised weights per out row (Σ ≤ 1 per row, as in lt::normalized_weights).
        let mut cum = vec![0f64; g.out.m()];
        for x in 0..g.n() as u32 {
            let r = g.out.range(x);
            let total: f64 = r.clone().map(|j| f64::from(probs.out[j])).sum();
            let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
            let mut acc = 0.0;
            for j in r {
                acc += f64::from(probs.out[j]) * scale;
                cum[j] = acc;
            }
        }
        Walk::Lt(cum)
    }
}

/// Scratch for reverse walks.
pub(crate) struct RrScratch {
    stamp: Vec<u32>,
    epoch: u32,
    pub(crate) set: Vec<NodeId>,
}

impl RrScratch {
    pub(crate) fn new(n: usize) -> Self {
        RrScratch {
            stamp: vec![0; n],
            epoch: 0,
            set: Vec::new(),
        }
    }
}

/// Generate RR set number `i` of stream `stream_seed` into `sc.set`; returns arcs examined.
pub(crate) fn rr_set(
    g: &CsrGraph,
    rev: &Walk,
    stream_seed: u64,
    i: u64,
    sc: &mut RrScratch,
) -> u64 {
    if sc.epoch == u32::MAX {
        sc.stamp.iter_mut().for_each(|s| *s = 0);
        sc.epoch = 0;
    }
    sc.epoch += 1;
    let ep = sc.epoch;
    sc.set.clear();
    let n = g.n() as u64;
    let key = run_key(stream_seed, i);
    let root = ((u128::from(mix64(key ^ ROOT_SALT)) * u128::from(n)) >> 64) as u32;
    sc.stamp[root as usize] = ep;
    sc.set.push(root);
    let mut arcs = 0u64;
    match rev {
        Walk::Ic {
            offsets,
            arcs: list,
        } => {
            // The set's own wyrand stream (a Weyl counter from the set's key, one multiply-xor
            // per coin), drawn in BFS order only for arcs whose tail is not yet in the set:
            // sequential within a set, so independent of the thread count.
            let mut state = key;
            let mut head = 0;
            while head < sc.set.len() {
                let v = sc.set[head] as usize;
                head += 1;
                let row = &list[offsets[v] as usize..offsets[v + 1] as usize];
                arcs += row.len() as u64;
                for &(x, m1) in row {
                    let x = x as usize;
                    if sc.stamp[x] == ep {
                        continue;
                    }
                    state = state.wrapping_add(0xA076_1D64_78BD_642F);
                    let t = u128::from(state) * u128::from(state ^ 0xE703_7ED1_A0B4_28DB);
                    let coin = ((t >> 64) as u64 ^ t as u64) >> 32;
                    if coin as u32 <= m1 {
                        sc.stamp[x] = ep;
                        sc.set.push(x as NodeId);
                    }
                }
            }
        }
        Walk::Lt(cum) => {
            let offs = &g.out.offsets;
            let tg = &g.out.targets;
            let mut v = root as usize;
            loop {
                let (b, e) = (offs[v] as usize, offs[v + 1] as usize);
                if b == e {
                    break;
                }
                arcs += (e - b) as u64;
                let u = unit_f64(arc_hash(key, v as u64));
                // First arc whose cumulative weight exceeds the draw; none = no live in-arc.
                let k = cum[b..e].partition_point(|&c| c <= u);
                if k == e - b {
                    break;
                }
                let x = tg[b + k] as usize;
                if sc.stamp[x] == ep {
                    break;
                }
                sc.stamp[x] = ep;
                sc.set.push(x as NodeId);
                v = x;
            }
        }
    }
    arcs
}

/// A growing collection of RR sets (flat storage).
#[derive(Debug, Default)]
pub struct RrSets {
    /// `offsets[i]..offsets[i+1]` indexes set `i` in `nodes`.
    pub offsets: Vec<u64>,
    /// Concatenated members.
    pub nodes: Vec<NodeId>,
    /// Arcs examined while generating (work counter).
    pub arcs: u64,
}

impl RrSets {
    /// Number of sets.
    pub fn len(&self) -> u64 {
        self.offsets.len().saturating_sub(1) as u64
    }
    /// True when no set is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Generate sets until there are `target` of them.
    pub(crate) fn extend_to(&mut self, g: &CsrGraph, rev: &Walk, stream_seed: u64, target: u64) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let from = self.len();
        if target <= from {
            return;
        }
        let n = g.n();
        let chunks: Vec<(Vec<u32>, Vec<u32>, u64)> = (from..target)
            .step_by(CHUNK as usize)
            .collect::<Vec<u64>>()
            .into_par_iter()
            .map_init(
                || RrScratch::new(n),
                |sc, lo| {
                    let hi = (lo + CHUNK).min(target);
                    let mut nodes = Vec::new();
                    let mut lens = Vec::with_capacity((hi - lo) as usize);
                    let mut arcs = 0;
                    for i in lo..hi {
                        arcs += rr_set(g, rev, stream_seed, i, sc);
                        nodes.extend_from_slice(&sc.set);
                        lens.push(sc.set.len() as u32);
                    }
                    (nodes, lens, arcs)
                },
            )
            .collect();
        for (nodes, lens, arcs) in chunks {
            let mut off = *self.offsets.last().unwrap_or(&0);
            for l in lens {
                off += u64::from(l);
                self.offsets.push(off);
            }
            self.nodes.extend_from_slice(&nodes);
            self.arcs += arcs;
        }
    }
}

/// Greedy maximum coverage of `k` nodes over the RR sets (lazy evaluation; ties → lower id).
/// Returns the seeds and the number of sets newly covered by each.
pub fn node_selection(n: usize, rr: &RrSets, k: usize) -> (Vec<NodeId>, Vec<u64>) {
    let sets = rr.len() as usize;
    // Inverted index node → sets (counting sort, sets in increasing order).
    let mut deg = vec![0u64; n + 1];
    for &v in &rr.nodes {
        deg[v as usize + 1] += 1;
    }
    for i in 0..n {
        deg[i + 1] += deg[i];
    }
    let mut fill = deg.clone();
    let mut inv = vec![0u32; rr.nodes.len()];
    for s in 0..sets {
        for &v in &rr.nodes[rr.offsets[s] as usize..rr.offsets[s + 1] as usize] {
            inv[fill[v as usize] as usize] = s as u32;
            fill[v as usize] += 1;
        }
    }
    drop(fill);
    let mut cnt: Vec<u64> = (0..n).map(|v| deg[v + 1] - deg[v]).collect();
    let mut heap: BinaryHeap<(u64, Reverse<NodeId>)> = (0..n as u32)
        .map(|v| (cnt[v as usize], Reverse(v)))
        .collect();
    let mut covered = vec![false; sets];
    let mut chosen = vec![false; n];
    let mut seeds = Vec::with_capacity(k);
    let mut gains = Vec::with_capacity(k);
    while seeds.len() < k.min(n) {
        let Some((c, Reverse(v))) = heap.pop() else {
            break;
        };
        if chosen[v as usize] {
            continue;
        }
        if c != cnt[v as usize] {
            heap.push((cnt[v as usize], Reverse(v)));
            continue;
        }
        chosen[v as usize] = true;
        seeds.push(v);
        gains.push(c);
        for &s in &inv[deg[v as usize] as usize..deg[v as usize + 1] as usize] {
            if !covered[s as usize] {
                covered[s as usize] = true;
                for &u in
                    &rr.nodes[rr.offsets[s as usize] as usize..rr.offsets[s as usize + 1] as usize]
                {
                    cnt[u as usize] -= 1;
                }
            }
        }
    }
    (seeds, gains)
}

/// How many of `theta` RR sets contain each node (sets are counted, not stored).
pub fn count_rr_membership(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    lt: bool,
    theta: u64,
    seed: u64,
) -> Vec<u64> {
    rr_tally(g, probs, lt, theta, seed, &[]).counts
}

/// Fixed-point scale of the shared credit: a set of size `s` gives each member `⌊2³² / s⌋`
/// (relative rounding error below `s / 2³²`, under 0.2% even for a 5M-node set).
pub const SHARE_ONE: u64 = 1 << 32;

/// What one pass over `theta` RR sets measures (nothing is stored: O(n) memory per thread).
#[derive(Debug, Clone)]
pub struct RrTally {
    /// Sets generated.
    pub theta: u64,
    /// Sets containing each node: `n · counts[v] / θ` estimates `spread({v})`.
    pub counts: Vec<u64>,
    /// Shared credit of each node in [`SHARE_ONE`] units: `Σ ⌊2³²/|R|⌋` over the sets `R` that
    /// contain the node but are not rooted at it.
    pub shares: Vec<u64>,
    /// For each seed list given, `first[j]` = sets whose first member in list order is seed `j`;
    /// the prefix sums times `n / θ` estimate the spread of each prefix of the list.
    pub first: Vec<Vec<u64>>,
    /// Total size of the sets (mean size = `total_size / θ`).
    pub total_size: u64,
}

/// Mean-size pilot: the sets `0..` of [`rr_tally`]'s stream for `seed`, generated in blocks of
/// [`CHUNK`] until `max_sets` sets or at least `max_members` members; returns `(sets, members)`.
/// The stop rule is checked between blocks, so the result does not depend on the thread count,
/// and when the member budget does not bind it is exactly `rr_tally(.., max_sets, seed, &[])`'s
/// `(theta, total_size)`. Memory O(n) per thread.
pub fn rr_pilot(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    lt: bool,
    max_sets: u64,
    max_members: u64,
    seed: u64,
) -> (u64, u64) {
    let n = g.n();
    let rev = Walk::new(g, probs, lt);
    let stream = sub_seed(seed, RR_TAG);
    let threads = rayon::current_num_threads().max(1);
    let mut scratch: Vec<RrScratch> = (0..threads).map(|_| RrScratch::new(n)).collect();
    let (mut done, mut members) = (0u64, 0u64);
    while done < max_sets && members < max_members {
        let hi = (done + CHUNK).min(max_sets);
        let per = (hi - done).div_ceil(threads as u64).max(1);
        members += scratch
            .par_iter_mut()
            .enumerate()
            .map(|(t, sc)| {
                let lo = done + t as u64 * per;
                let mut size = 0u64;
                for i in lo..(lo + per).min(hi) {
                    rr_set(g, &rev, stream, i, sc);
                    size += sc.set.len() as u64;
                }
                size
            })
            .sum::<u64>();
        done = hi;
    }
    (done, members)
}

/// One pass over `theta` fresh RR sets (stream `sub_seed(seed, RR_TAG)`) counting membership,
/// shared credit and the first seed each set meets for every list in `seed_lists`.
///
/// The sums are integers, so they do not depend on how sets are split between threads: the
/// chunks are cut into one contiguous group per thread, each group summed into its own arrays.
pub fn rr_tally(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    lt: bool,
    theta: u64,
    seed: u64,
    seed_lists: &[&[NodeId]],
) -> RrTally {
    let n = g.n();
    let rev = Walk::new(g, probs, lt);
    let stream = sub_seed(seed, RR_TAG);
    // Position + 1 of each node in the seed lists (0 = not a seed) for a quick membership test.
    let mut pos: Vec<Vec<u32>> = Vec::with_capacity(seed_lists.len());
    let mut any_seed = vec![false; if seed_lists.is_empty() { 0 } else { n }];
    for list in seed_lists {
        let mut p = vec![0u32; n];
        for (j, &v) in list.iter().enumerate() {
            if (v as usize) < n && p[v as usize] == 0 {
                p[v as usize] = j as u32 + 1;
                any_seed[v as usize] = true;
            }
        }
        pos.push(p);
    }
    let chunks: Vec<u64> = (0..theta).step_by(CHUNK as usize).collect();
    let groups = rayon::current_num_threads().clamp(1, chunks.len().max(1));
    let per = chunks.len().div_ceil(groups).max(1);
    let parts: Vec<RrTally> = chunks
        .par_chunks(per)
        .map(|group| {
            let mut sc = RrScratch::new(n);
            let mut t = RrTally {
                theta: 0,
                counts: vec![0; n],
                shares: vec![0; n],
                first: seed_lists.iter().map(|l| vec![0; l.len()]).collect(),
                total_size: 0,
            };
            for &lo in group {
                for i in lo..(lo + CHUNK).min(theta) {
                    rr_set(g, &rev, stream, i, &mut sc);
                    let set = &sc.set;
                    t.total_size += set.len() as u64;
                    let share = SHARE_ONE / set.len() as u64;
                    // The root (first member) gets no credit for activating itself.
                    for &v in &set[1..] {
                        t.shares[v as usize] += share;
                    }
                    for &v in set {
                        t.counts[v as usize] += 1;
                    }
                    if !any_seed.is_empty() {
                        for (li, p) in pos.iter().enumerate() {
                            let first = set
                                .iter()
                                .filter(|&&v| any_seed[v as usize])
                                .map(|&v| p[v as usize])
                                .filter(|&j| j > 0)
                                .min();
                            if let Some(j) = first {
                                t.first[li][j as usize - 1] += 1;
                            }
                        }
                    }
                }
            }
            t
        })
        .collect();
    let mut out = RrTally {
        theta,
        counts: vec![0; n],
        shares: vec![0; n],
        first: seed_lists.iter().map(|l| vec![0; l.len()]).collect(),
        total_size: 0,
    };
    for p in parts {
        for (a, b) in out.counts.iter_mut().zip(&p.counts) {
            *a += b;
        }
        for (a, b) in out.shares.iter_mut().zip(&p.shares) {
            *a += b;
        }
        for (a, b) in out.first.iter_mut().zip(&p.first) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        out.total_size += p.total_size;
    }
    out
}

/// Result of IMM.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImmResult {
    /// Seeds in selection order.
    pub seeds: Vec<NodeId>,
    /// Estimated marginal gain of each seed (n · newly covered / θ).
    pub marginal_gains: Vec<f64>,
    /// RR sets of the final selection.
    pub rr_sets: u64,
    /// Mean RR set size.
    pub mean_rr_size: f64,
    /// Lower bound on OPT found by the sampling phase.
    pub lower_bound: f64,
    /// True when θ was cut to `max_rr_sets`.
    pub capped: bool,
    /// The accuracy the final θ actually supports: the requested ε, or when θ was capped
    /// `ε · √(θ_required / θ)` (θ* = λ*(ε)/LB scales as 1/ε², so θ sets give the (1 − 1/e − ε')
    /// guarantee for that ε', given the sampling phase's lower bound).
    pub epsilon_effective: f64,
}

fn ln_choose(n: f64, k: f64) -> f64 {
    let mut s = 0.0;
    let mut i = 0.0;
    while i < k {
        s += ((n - i) / (k - i)).ln();
        i += 1.0;
    }
    s
}

/// Run IMM for `k` seeds.
#[allow(clippy::too_many_arguments)]
pub fn imm(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    lt: bool,
    k: usize,
    epsilon: f64,
    ell: f64,
    max_rr_sets: u64,
    seed: u64,
) -> ImmResult {
    let n = g.n();
    let nf = n as f64;
    let rev = Walk::new(g, probs, lt);
    if n <= k || n < 2 {
        return ImmResult {
            seeds: (0..n as u32).collect(),
            marginal_gains: vec![1.0; n],
            rr_sets: 0,
            mean_rr_size: 0.0,
            lower_bound: nf,
            capped: false,
            epsilon_effective: epsilon,
        };
    }
    let ln_n = nf.ln();
    let ell = ell * (1.0 + 2f64.ln() / ln_n);
    let lcnk = ln_choose(nf, k as f64);
    let eps_p = 2f64.sqrt() * epsilon;
    let lambda_p =
        (2.0 + 2.0 / 3.0 * eps_p) * (lcnk + ell * ln_n + nf.log2().ln()) * nf / (eps_p * eps_p);
    let mut capped = false;
    let mut rr = RrSets::default();
    let sample_seed = sub_seed(seed, RR_TAG ^ 1);
    let mut lb = 1.0f64;
    let imax = (nf.log2().ceil() as i32 - 1).max(1);
    for i in 1..=imax {
        let x = nf / 2f64.powi(i);
        let mut theta_i = (lambda_p / x).ceil() as u64;
        if theta_i > max_rr_sets {
            theta_i = max_rr_sets;
            capped = true;
        }
        rr.extend_to(g, &rev, sample_seed, theta_i);
        let (_, gains) = node_selection(n, &rr, k);
        let cov: u64 = gains.iter().sum();
        let est = nf * cov as f64 / rr.len() as f64;
        if est >= (1.0 + eps_p) * x {
            lb = est / (1.0 + eps_p);
            break;
        }
        if capped {
            lb = lb.max(est / (1.0 + eps_p));
            break;
        }
    }
    drop(rr);
    let e1 = 1.0 - (-1f64).exp();
    let alpha = (ell * ln_n + 2f64.ln()).sqrt();
    let beta = (e1 * (lcnk + ell * ln_n + 2f64.ln())).sqrt();
    let lambda_star = 2.0 * nf * (e1 * alpha + beta).powi(2) / (epsilon * epsilon);
    let mut theta = (lambda_star / lb).ceil() as u64;
    let required = theta.max(1);
    if theta > max_rr_sets {
        theta = max_rr_sets;
        capped = true;
    }
    let mut rr = RrSets::default();
    rr.extend_to(g, &rev, sub_seed(seed, RR_TAG ^ 2), theta.max(1));
    let (seeds, gains) = node_selection(n, &rr, k);
    let t = rr.len() as f64;
    ImmResult {
        marginal_gains: gains.iter().map(|&c| nf * c as f64 / t).collect(),
        seeds,
        rr_sets: rr.len(),
        mean_rr_size: rr.nodes.len() as f64 / t,
        lower_bound: lb,
        capped,
        epsilon_effective: epsilon * (required as f64 / t.max(1.0)).sqrt().max(1.0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Leaves 1..n act on the centre 0, so the centre's word reaches every leaf.
    fn star(n: u32) -> CsrGraph {
        let arcs: Vec<(u32, u32, f32)> = (1..n).map(|l| (l, 0, 1.0)).collect();
        CsrGraph::from_arcs(n as usize, &arcs, false)
    }

    #[test]
    fn tally_counts_shares_and_first_seeds_on_a_star() {
        let g = star(9);
        let probs = EdgeProbabilities::uniform(&g, 1.0).unwrap();
        let theta = 5000;
        let t = rr_tally(&g, &probs, false, theta, 7, &[&[0], &[3, 0]]);
        // Every set contains the centre; a set rooted at a leaf is {leaf, centre}.
        assert_eq!(t.counts[0], theta);
        let leaf_rooted: u64 = t.counts[1..].iter().sum();
        assert_eq!(t.total_size, theta + leaf_rooted);
        // Shapley: each leaf's activation is shared between itself and the centre; the centre's
        // own activation is not credited; a leaf is in no other root's set.
        assert_eq!(t.shares[0], leaf_rooted * (SHARE_ONE / 2));
        assert!(t.shares[1..].iter().all(|&s| s == 0));
        // Seed list [centre] covers every set; [3, centre]: leaf 3 first in its own sets.
        assert_eq!(t.first[0], vec![theta]);
        assert_eq!(t.first[1], vec![t.counts[3], theta - t.counts[3]]);
        let c = crate::algo::influence::Chosen {
            seeds: vec![3, 0],
            marginal_gains: Vec::new(),
            cumulative_spread: Vec::new(),
            method: crate::algo::influence::SeedMethod::Degree,
            total_cost: 2.0,
            imm: None,
        };
        let s = crate::algo::influence::evaluate_on_rr(c, &t, 1, 9);
        assert!((s.cumulative_spread[1] - 9.0).abs() < 1e-12);
        assert_eq!(s.spread.std_error, 0.0);
    }

    #[test]
    fn tally_is_independent_of_the_thread_count() {
        // A ring with chords, p = 0.3.
        let n = 400u32;
        let mut arcs = Vec::new();
        for v in 0..n {
            arcs.push((v, (v + 1) % n, 1.0));
            arcs.push((v, (v * 7 + 3) % n, 1.0));
        }
        let g = CsrGraph::from_arcs(n as usize, &arcs, false);
        let probs = EdgeProbabilities::uniform(&g, 0.3).unwrap();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| rr_tally(&g, &probs, false, 20_000, 3, &[&[5, 17, 200]]))
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a.counts, b.counts);
        assert_eq!(a.shares, b.shares);
        assert_eq!(a.first, b.first);
        assert_eq!(a.total_size, b.total_size);
        assert!(a.first[0].iter().sum::<u64>() > 0);
    }
}
