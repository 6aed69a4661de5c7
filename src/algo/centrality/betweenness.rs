//! Betweenness centrality (Brandes 2001, "A faster algorithm for betweenness centrality", J. Math.
//! Sociol. 25(2)), exact or with `k` seeded sample sources (Brandes & Pich 2007, uniform sources),
//! scaled exactly like `networkx.betweenness_centrality(G, k, normalized, endpoints=False)`.
//!
//! * Direction: a directed graph gives directed betweenness along the arcs (u acted on v);
//!   an undirected input (`g.symmetric`) gives undirected betweenness (pairs counted once).
//! * Normalisation (NetworkX 3.6, endpoints excluded): exact, normalised: `1/((n−1)(n−2))`;
//!   exact, raw: 1 (directed) or 1/2 (undirected). With `k < n` sampled sources: normalised
//!   `1/(k(n−2))` for non-sampled nodes and `1/((k−1)(n−2))` for sampled ones; raw:
//!   `(n−1)/(k·c)` and `(n−1)/((k−1)·c)` with `c` = 1 directed, 2 undirected. `k ≥ n` is exact.
//! * Weights: ignored by default (hop counts). With `weighted`, the length of an arc is
//!   `1/weight` (strong ties are short; zero-weight arcs are unusable) and shortest paths come from
//!   Dijkstra; equal lengths are compared exactly, as NetworkX does with `weight=` a `1/w` attribute.
//!   Self-loops never lie on shortest paths.
//! * Error estimate (sampled only): per node, the standard error of the estimate across the sampled
//!   sources, `scale · sqrt(k · s² · (1 − k/n))`, with `s²` the sample variance of the single-source
//!   dependencies δ_s(v) (finite-population corrected).
//!
//! Complexity: O(k·m) unweighted, O(k·(m + n log n)) weighted; memory O(n) per worker plus one
//! partial vector per source chunk in flight (≤ threads).
//!
//! Determinism: sources are split into fixed chunks of [`SOURCE_CHUNK`]; each chunk accumulates its
//! dependencies in source order into its own vector; chunk vectors are added into the total in
//! chunk order. The sample comes from `rng_for(seed, Stream::Betweenness, 0)`.

use crate::algo::rng::{rng_for, Stream};
use crate::algo::NodeId;
use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Sources per deterministic work unit.
pub const SOURCE_CHUNK: usize = 8;

/// Betweenness parameters.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct BetweennessConfig {
    /// Betweenness: number of seeded sample sources (default: exact, every node is a source).
    #[arg(
        id = "bc_samples",
        long = "samples",
        value_name = "K",
        help_heading = "Betweenness"
    )]
    pub samples: Option<usize>,
    /// Betweenness: normalise by the number of node pairs (NetworkX `normalized=True`).
    #[arg(id = "bc_normalized", long = "bc-normalized", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL", help_heading = "Betweenness")]
    pub normalized: bool,
    /// Betweenness: use arc weights as distances 1/weight (strong ties are short); default hop counts.
    #[arg(id = "bc_weighted", long = "bc-weighted", help_heading = "Betweenness")]
    pub weighted: bool,
}

impl Default for BetweennessConfig {
    fn default() -> Self {
        BetweennessConfig {
            samples: None,
            normalized: true,
            weighted: false,
        }
    }
}

/// Betweenness scores.
#[derive(Debug, Clone, Serialize)]
pub struct BetweennessResult {
    /// Betweenness of every node, indexed by `NodeId`.
    pub scores: Vec<f64>,
    /// The sampled sources (None when exact).
    pub sampled_sources: Option<Vec<NodeId>>,
    /// Per-node standard error of the sampled estimate (None when exact).
    pub std_error: Option<Vec<f64>>,
    /// Largest per-node standard error (0 when exact).
    pub max_std_error: f64,
}

/// Betweenness of every node, exact or sampled (see the module docs).
///
/// # Errors
/// `samples = 0`, or negative weights with `weighted`.
pub fn betweenness(g: &CsrGraph, cfg: &BetweennessConfig, seed: u64) -> Result<BetweennessResult> {
    let n = g.n();
    match cfg.samples {
        Some(0) => Err(Error::param("--samples", 0, "at least 1 source")),
        Some(k) if k < n => {
            let mut rng = rng_for(seed, Stream::Betweenness, 0);
            let mut srcs: Vec<NodeId> = rand::seq::index::sample(&mut rng, n, k)
                .into_iter()
                .map(|i| i as NodeId)
                .collect();
            // Sorted sources: the sample is a set; a fixed order keeps the sums reproducible.
            srcs.sort_unstable();
            betweenness_from_sources(g, cfg, &srcs)
        }
        _ => {
            let all: Vec<NodeId> = (0..n as NodeId).collect();
            betweenness_from_sources(g, cfg, &all)
        }
    }
}

/// Betweenness from the given source set. When `sources` has fewer than n distinct nodes, it is
/// treated as a uniform sample (NetworkX's `k` scaling, standard errors); otherwise exact.
///
/// # Errors
/// A source out of range, duplicate sources, or negative weights with `weighted`.
pub fn betweenness_from_sources(
    g: &CsrGraph,
    cfg: &BetweennessConfig,
    sources: &[NodeId],
) -> Result<BetweennessResult> {
    let n = g.n();
    if let Some(&s) = sources.iter().find(|&&s| s as usize >= n) {
        return Err(Error::param("source", s, format!("a node id below {n}")));
    }
    let mut seen = vec![false; n];
    for &s in sources {
        if std::mem::replace(&mut seen[s as usize], true) {
            return Err(Error::param("source", s, "distinct sources"));
        }
    }
    if cfg.weighted {
        super::check_weights(g)?;
    }
    let k = sources.len();
    let sampled = k < n;
    let directed = !g.symmetric;
    let mut total = vec![0.0f64; n];
    let mut total_sq = if sampled { vec![0.0f64; n] } else { Vec::new() };
    // Unweighted: BFS + successor accumulation on the out-CSR, relabelled by degree on large
    // graphs (hub states packed into a few cache lines). `adj` is (offsets, targets, new_of).
    let relabeled = (!cfg.weighted && n >= RELABEL_MIN_NODES).then(|| {
        let order = super::relabel::order_by_degree_desc(|v| g.out.degree(v) as u64, n);
        super::relabel::relabel(&g.out, order, false, true)
    });
    let (offs, tgts): (&[u64], &[u32]) = match &relabeled {
        Some(r) => (&r.offsets, &r.targets),
        None => (&g.out.offsets, &g.out.targets),
    };
    let map_src = |s: NodeId| relabeled.as_ref().map_or(s, |r| r.new_of[s as usize]);
    let chunks: Vec<&[NodeId]> = sources.chunks(SOURCE_CHUNK).collect();
    let wave = rayon::current_num_threads().max(1).min(chunks.len().max(1));
    // One reusable slot (workspace + partial sums) per concurrently processed chunk: nothing of
    // size n is allocated per source or per chunk.
    let mut slots: Vec<Slot> = (0..wave)
        .map(|_| Slot::new(n, sampled, cfg.weighted))
        .collect();
    for group in chunks.chunks(wave) {
        slots
            .par_iter_mut()
            .zip(group.par_iter())
            .for_each(|(slot, chunk)| {
                for &s in *chunk {
                    if cfg.weighted {
                        slot.weighted.single_source(g, s);
                        slot.weighted.add_into(s, &mut slot.p, &mut slot.q);
                        slot.weighted.reset();
                    } else {
                        slot.bfs
                            .run(offs, tgts, map_src(s), &mut slot.p, &mut slot.q);
                    }
                }
            });
        // Chunk partials enter the total in chunk order (fixed, whatever the pool size).
        for slot in slots.iter_mut().take(group.len()) {
            total
                .par_iter_mut()
                .zip(slot.p.par_iter_mut())
                .for_each(|(t, x)| *t += std::mem::take(x));
            if sampled {
                total_sq
                    .par_iter_mut()
                    .zip(slot.q.par_iter_mut())
                    .for_each(|(t, x)| *t += std::mem::take(x));
            }
        }
    }
    drop(slots);
    if let Some(r) = &relabeled {
        // Back to the caller's NodeIds.
        total = (0..n)
            .into_par_iter()
            .map(|v| total[r.new_of[v] as usize])
            .collect();
        if sampled {
            total_sq = (0..n)
                .into_par_iter()
                .map(|v| total_sq[r.new_of[v] as usize])
                .collect();
        }
    }
    drop(relabeled);
    // NetworkX's _rescale with endpoints=False.
    let big_n = n as f64 - 1.0;
    let corr = if directed { 1.0 } else { 2.0 };
    let (scale_src, scale_other) = if n < 3 {
        (1.0, 1.0)
    } else if !sampled {
        let s = if cfg.normalized {
            1.0 / (big_n * (big_n - 1.0))
        } else {
            1.0 / corr
        };
        (s, s)
    } else {
        let kf = k as f64;
        if cfg.normalized {
            (
                if k > 1 {
                    1.0 / ((kf - 1.0) * (big_n - 1.0))
                } else {
                    f64::NAN
                },
                1.0 / (kf * (big_n - 1.0)),
            )
        } else {
            (
                if k > 1 {
                    big_n / ((kf - 1.0) * corr)
                } else {
                    f64::NAN
                },
                big_n / (kf * corr),
            )
        }
    };
    let mut is_src = vec![false; n];
    if sampled {
        for &s in sources {
            is_src[s as usize] = true;
        }
    }
    let scale_of = |v: usize| if is_src[v] { scale_src } else { scale_other };
    let (std_error, max_std_error) = if sampled && n >= 3 {
        let kf = k as f64;
        let fpc = 1.0 - kf / n as f64;
        // A sampled node is its own source once (δ_s(s) is not counted), so it has k − 1 samples.
        let se: Vec<f64> = (0..n)
            .map(|v| {
                let m = if is_src[v] { kf - 1.0 } else { kf };
                if m < 2.0 {
                    return f64::NAN;
                }
                let var = ((total_sq[v] - total[v] * total[v] / m) / (m - 1.0)).max(0.0);
                scale_of(v) * (m * var * fpc).sqrt()
            })
            .collect();
        let mx = se
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        (Some(se), mx)
    } else {
        (None, 0.0)
    };
    let scores: Vec<f64> = (0..n).map(|v| total[v] * scale_of(v)).collect();
    Ok(BetweennessResult {
        scores,
        sampled_sources: sampled.then(|| sources.to_vec()),
        std_error,
        max_std_error,
    })
}

/// Dijkstra queue entry ordered by distance, then node id (min-heap via reversed order).
#[derive(PartialEq)]
struct Entry(f64, NodeId);
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Buffers of one concurrently processed source chunk: its workspace and its partial sums of
/// δ_s(v) and δ_s(v)² (the latter only when sampled), indexed like the graph the kernel runs on.
struct Slot {
    bfs: BfsWorkspace,
    weighted: Workspace,
    p: Vec<f64>,
    q: Vec<f64>,
}

impl Slot {
    fn new(n: usize, sampled: bool, weighted: bool) -> Self {
        Slot {
            bfs: BfsWorkspace::new(if weighted { 0 } else { n }),
            weighted: Workspace::new(if weighted { n } else { 0 }),
            p: vec![0.0; n],
            q: if sampled { vec![0.0; n] } else { Vec::new() },
        }
    }
}

/// Graphs from this many nodes on run the unweighted kernel on a degree-relabelled copy of the
/// out-CSR (4 B per arc more memory, better locality); smaller ones on `g.out` directly.
pub const RELABEL_MIN_NODES: usize = 100_000;

/// Per-node state of the unweighted kernel, one 16-byte record so that a BFS or accumulation
/// step touches one cache line per neighbour. `val` holds σ (shortest-path count) during the BFS
/// and is replaced by `(1 + δ)/σ` once the node's dependency is known.
#[derive(Clone, Copy)]
struct NodeState {
    val: f64,
    /// Hop distance from the source, `u32::MAX` = unseen.
    hops: u32,
}

const UNSEEN: NodeState = NodeState {
    val: 0.0,
    hops: u32::MAX,
};

/// Reusable buffers of the unweighted single-source pass; only visited entries are reset.
struct BfsWorkspace {
    st: Vec<NodeState>,
    /// BFS order (nondecreasing hop distance).
    order: Vec<NodeId>,
}

impl BfsWorkspace {
    fn new(n: usize) -> Self {
        BfsWorkspace {
            st: vec![UNSEEN; n],
            order: Vec::with_capacity(n),
        }
    }

    /// BFS from `s` counting shortest paths, then Brandes' accumulation pulled over successors
    /// (`δ(v) = σ(v) · Σ_{w succ v} (1 + δ(w))/σ(w)`, w in row order), adding δ_s(v) to `p` and
    /// δ_s(v)² to `q` (when non-empty) for every v ≠ s. Leaves the workspace clean.
    fn run(&mut self, offs: &[u64], tgts: &[u32], s: NodeId, p: &mut [f64], q: &mut [f64]) {
        let st = &mut self.st;
        let order = &mut self.order;
        st[s as usize] = NodeState { val: 1.0, hops: 0 };
        order.push(s);
        let mut head = 0;
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            let NodeState { val: sv, hops: hv } = st[v];
            for &w in &tgts[offs[v] as usize..offs[v + 1] as usize] {
                let e = &mut st[w as usize];
                if e.hops == u32::MAX {
                    *e = NodeState {
                        val: sv,
                        hops: hv + 1,
                    };
                    order.push(w);
                } else if e.hops == hv + 1 {
                    e.val += sv;
                }
            }
        }
        let sq = !q.is_empty();
        for &v in order.iter().rev() {
            let v = v as usize;
            let NodeState {
                val: sigma,
                hops: hv,
            } = st[v];
            let mut acc = 0.0;
            for &w in &tgts[offs[v] as usize..offs[v + 1] as usize] {
                let e = st[w as usize];
                if e.hops == hv + 1 {
                    acc += e.val;
                }
            }
            let delta = sigma * acc;
            st[v].val = (1.0 + delta) / sigma;
            if v != s as usize {
                p[v] += delta;
                if sq {
                    q[v] += delta * delta;
                }
            }
        }
        for &v in order.iter() {
            st[v as usize] = UNSEEN;
        }
        order.clear();
    }
}

/// Per-worker buffers of one weighted (Dijkstra) single-source pass; only visited entries are reset.
struct Workspace {
    /// Path length, infinity = unseen.
    dist: Vec<f64>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    /// Dijkstra settle order (nondecreasing distance).
    order: Vec<NodeId>,
    heap: BinaryHeap<Entry>,
    settled: Vec<bool>,
}

impl Workspace {
    fn new(n: usize) -> Self {
        Workspace {
            dist: vec![f64::INFINITY; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::new(),
            heap: BinaryHeap::new(),
            settled: vec![false; n],
        }
    }

    /// Add δ_s(w) (and its square when `q` is non-empty) for every visited w ≠ s.
    fn add_into(&self, s: NodeId, p: &mut [f64], q: &mut [f64]) {
        for &w in &self.order {
            if w != s {
                let d = self.delta[w as usize];
                p[w as usize] += d;
                if !q.is_empty() {
                    q[w as usize] += d * d;
                }
            }
        }
    }

    fn reset(&mut self) {
        for &v in &self.order {
            let v = v as usize;
            self.dist[v] = f64::INFINITY;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
            self.settled[v] = false;
        }
        self.order.clear();
        self.heap.clear();
    }

    /// Shortest-path DAG from `s` (Dijkstra) and the dependencies δ_s(v) (Brandes' accumulation).
    fn single_source(&mut self, g: &CsrGraph, s: NodeId) {
        self.dijkstra(g, s);
        // Accumulate in reverse settle order over predecessors (in-neighbours on the DAG).
        for i in (0..self.order.len()).rev() {
            let w = self.order[i];
            let coeff = (1.0 + self.delta[w as usize]) / self.sigma[w as usize];
            let r = g.inc.range(w);
            for (&v, &wt) in g.inc.targets[r.clone()].iter().zip(&g.inc.weights[r]) {
                if self.is_pred(v, w, wt) {
                    self.delta[v as usize] += self.sigma[v as usize] * coeff;
                }
            }
        }
    }

    #[inline]
    fn is_pred(&self, v: NodeId, w: NodeId, wt: f32) -> bool {
        let dv = self.dist[v as usize];
        v != w && dv.is_finite() && wt > 0.0 && dv + 1.0 / f64::from(wt) == self.dist[w as usize]
    }

    /// Every node given a finite distance is eventually settled, so `order` lists all touched
    /// entries for `reset`.
    fn dijkstra(&mut self, g: &CsrGraph, s: NodeId) {
        self.dist[s as usize] = 0.0;
        self.heap.push(Entry(0.0, s));
        while let Some(Entry(d, v)) = self.heap.pop() {
            if self.settled[v as usize] || d > self.dist[v as usize] {
                continue;
            }
            self.settled[v as usize] = true;
            self.order.push(v);
            let r = g.out.range(v);
            for (&w, &wt) in g.out.targets[r.clone()].iter().zip(&g.out.weights[r]) {
                if w == v || wt <= 0.0 || self.settled[w as usize] {
                    continue;
                }
                let nd = d + 1.0 / f64::from(wt);
                if nd < self.dist[w as usize] {
                    self.dist[w as usize] = nd;
                    self.heap.push(Entry(nd, w));
                }
            }
        }
        // Path counts in settle order: predecessors have strictly smaller distance.
        self.sigma[s as usize] = 1.0;
        for i in 1..self.order.len() {
            let w = self.order[i];
            let r = g.inc.range(w);
            let mut acc = 0.0;
            for (&v, &wt) in g.inc.targets[r.clone()].iter().zip(&g.inc.weights[r]) {
                if self.is_pred(v, w, wt) {
                    acc += self.sigma[v as usize];
                }
            }
            self.sigma[w as usize] = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_graph_middle_node() {
        // Undirected path 0-1-2: node 1 lies on the single pair {0,2}.
        let g = CsrGraph::from_undirected_edges(3, &[(0, 1, 1.0), (1, 2, 1.0)], false);
        let r = betweenness(&g, &BetweennessConfig::default(), 1).expect("test");
        assert_eq!(r.scores, vec![0.0, 1.0, 0.0]);
        let raw = BetweennessConfig {
            normalized: false,
            ..Default::default()
        };
        let r = betweenness(&g, &raw, 1).expect("test");
        assert_eq!(r.scores, vec![0.0, 1.0, 0.0]);
        // Directed 0→1→2: one ordered pair (0,2), normalised by (n−1)(n−2) = 2.
        let d = CsrGraph::from_arcs(3, &[(0, 1, 1.0), (1, 2, 1.0)], false);
        let r = betweenness(&d, &BetweennessConfig::default(), 1).expect("test");
        assert_eq!(r.scores, vec![0.0, 0.5, 0.0]);
        let w = BetweennessConfig {
            weighted: true,
            ..Default::default()
        };
        assert_eq!(
            betweenness(&d, &w, 1).expect("test").scores,
            vec![0.0, 0.5, 0.0]
        );
    }
}
