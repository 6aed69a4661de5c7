//! Small-world analysis: clustering, path lengths, σ and ω.
//!
//! * C: average local clustering (Watts & Strogatz 1998) with nodes of degree < 2 counted as 0
//!   (NetworkX `average_clustering`), and transitivity 3·triangles / connected triples.
//! * L: average shortest path length (hops) over ordered pairs of the largest connected
//!   component, exact (BFS from every node) up to `exact_threshold` nodes, otherwise from
//!   `samples` seeded random sources with a 95% interval (finite-population corrected). Also the
//!   diameter (a lower bound when sampled) and the effective diameter (90th percentile of the
//!   pairwise distance distribution, linearly interpolated between hop counts as SNAP does).
//! * σ = (C/C_r)/(L/L_r) (Humphries & Gurney 2008), with C = transitivity as `networkx.sigma`
//!   uses; ω = L_r/L − C/C_l (Telesford et al. 2011), with C = average clustering as
//!   `networkx.omega`. C_r, L_r: means over `nrand` degree-preserving Maslov–Sneppen rewirings
//!   (`niter` accepted swaps per edge, at most `max_swaps` per reference, no self-loops or multi-edges; L measured on each
//!   reference's largest component instead of rejecting disconnecting swaps). C_l: the largest average
//!   clustering over `nrand` lattice references built as `networkx.lattice_reference` does (edge
//!   swaps filtered by ring distance of node positions, node order = ring order), and like
//!   `networkx.omega` the maximum, not the mean, starting from the graph's own clustering
//!   (so C_l ≥ C and ω ≤ L_r/L − 1 + …; ω is comparable with networkx, not with analytic lattices). Each reference has
//!   its own rng stream (`rng_for(seed, Rewire|Lattice, i)`) and references run in parallel.
//!
//! The graph is the undirected simple view (directions, weights and self-loops dropped).
//! Cost: clustering O(m^1.5) by degree-ordered triangle listing; exact L O(n·m), sampled
//! O(samples·m) arc scans in the worst case but 64 sources share each scan (multi-source BFS);
//! rewiring O(min(niter·m, max_swaps)) expected per reference. Memory O(n + m) per reference.

use crate::algo::reduce;
use crate::algo::rng::{rng_for, Stream};
use crate::error::{Error, Result};
use crate::graph::property::FastHasher;
use crate::graph::CsrGraph;
use rand::seq::SliceRandom;
use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

/// Default largest component size for exact all-sources BFS.
pub const DEFAULT_EXACT_THRESHOLD: usize = 4000;
/// Default number of sampled BFS sources on larger graphs.
pub const DEFAULT_SAMPLES: usize = 256;
/// Default number of random and of lattice references.
pub const DEFAULT_NRAND: usize = 4;
/// Default accepted swaps per edge for the references.
pub const DEFAULT_NITER: f64 = 5.0;
/// Default cap on the swaps (rounds) of one reference graph.
pub const DEFAULT_MAX_SWAPS: u64 = 2_000_000;

/// Small-world options.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct SmallWorldConfig {
    /// Exact path lengths (BFS from every node) when the largest component has at most this
    /// many nodes; sampled sources above.
    #[arg(long, default_value_t = DEFAULT_EXACT_THRESHOLD, help_heading = "Small world")]
    pub exact_threshold: usize,
    /// BFS sources sampled on larger graphs (and for each reference graph).
    #[arg(long, default_value_t = DEFAULT_SAMPLES, help_heading = "Small world")]
    pub samples: usize,
    /// Random (and lattice) reference graphs for σ and ω.
    #[arg(long, default_value_t = DEFAULT_NRAND, help_heading = "Small world")]
    pub nrand: usize,
    /// Accepted edge swaps per edge when building each reference.
    #[arg(long, default_value_t = DEFAULT_NITER, help_heading = "Small world")]
    pub niter: f64,
    /// Cap on the swaps of one reference (0 = none): a reference gets min(niter·m, max_swaps)
    /// swaps, so big graphs get fewer than `niter` per edge (each edge is still touched
    /// 2·max_swaps/m times on average; at 2M swaps on 1M edges about e^-4 ≈ 2% stay untouched).
    /// The swaps per edge used are reported.
    #[arg(long, default_value_t = DEFAULT_MAX_SWAPS, help_heading = "Small world")]
    pub max_swaps: u64,
    /// Skip σ and ω (no reference graphs).
    #[arg(long, help_heading = "Small world")]
    pub no_baselines: bool,
}

impl Default for SmallWorldConfig {
    fn default() -> Self {
        SmallWorldConfig {
            exact_threshold: DEFAULT_EXACT_THRESHOLD,
            samples: DEFAULT_SAMPLES,
            nrand: DEFAULT_NRAND,
            niter: DEFAULT_NITER,
            max_swaps: DEFAULT_MAX_SWAPS,
            no_baselines: false,
        }
    }
}

/// Mean and standard deviation over reference graphs.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct MeanSd {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 with one reference).
    pub sd: f64,
}

fn mean_sd(xs: &[f64]) -> MeanSd {
    if xs.is_empty() {
        return MeanSd::default();
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = if xs.len() > 1 {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    MeanSd { mean, sd }
}

/// Reference-graph statistics.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Baselines {
    /// Number of random and of lattice references.
    pub references: usize,
    /// Swaps (rounds) per edge each reference got: min(niter, max_swaps / m).
    pub swaps_per_edge: f64,
    /// Transitivity of the random references.
    pub random_transitivity: MeanSd,
    /// Average clustering of the random references.
    pub random_clustering: MeanSd,
    /// Average path length of the random references.
    pub random_path_length: MeanSd,
    /// Average clustering of the lattice references.
    pub lattice_clustering: MeanSd,
    /// C_l of ω: the maximum of the graph's own and the lattice references' clustering (as networkx.omega).
    pub lattice_clustering_max: f64,
    /// Average path length of the lattice references.
    pub lattice_path_length: MeanSd,
    /// σ per random reference (mean ± sd).
    pub sigma_spread: MeanSd,
}

/// Result of [`analyze`].
#[derive(Debug, Clone, Serialize)]
pub struct SmallWorldReport {
    /// Nodes.
    pub nodes: usize,
    /// Undirected simple edges.
    pub edges: usize,
    /// Connected components.
    pub components: usize,
    /// Nodes of the largest component.
    pub lcc_nodes: usize,
    /// Average local clustering (degree < 2 counts as 0).
    pub avg_clustering: f64,
    /// Transitivity (global clustering).
    pub transitivity: f64,
    /// Triangles.
    pub triangles: u64,
    /// Average shortest path length in the largest component.
    pub avg_path_length: f64,
    /// 95% interval of the sampled path length (equal bounds when exact).
    pub ci95: (f64, f64),
    /// True when path lengths come from every source.
    pub exact: bool,
    /// BFS sources used.
    pub sources: usize,
    /// Diameter of the largest component (a lower bound when sampled).
    pub diameter: u32,
    /// 90th-percentile distance (interpolated).
    pub effective_diameter: f64,
    /// Humphries–Gurney σ (transitivity-based, as networkx.sigma); None without baselines.
    pub sigma: Option<f64>,
    /// Telesford ω; None without baselines.
    pub omega: Option<f64>,
    /// Reference statistics.
    pub baselines: Option<Baselines>,
    /// One-line reading.
    pub verdict: String,
}

/// Undirected simple graph in CSR form.
#[derive(Debug, Clone)]
struct Simple {
    off: Vec<usize>,
    adj: Vec<u32>,
}

impl Simple {
    fn from_csr(g: &CsrGraph) -> Simple {
        // The sorted merge of each node's out- and in-row is its undirected neighbourhood (what
        // `g.undirected()` gives) without the transient arc list and CSR of that copy.
        let n = g.n();
        let sym = std::sync::Arc::ptr_eq(&g.out, &g.inc);
        let mut off = Vec::with_capacity(n + 1);
        let mut adj = Vec::with_capacity(if sym { g.m() } else { 2 * g.m() });
        off.push(0);
        for v in 0..n as u32 {
            let a = g.out.neighbors(v);
            let b: &[u32] = if sym { &[] } else { g.inc.neighbors(v) };
            let (mut i, mut j) = (0, 0);
            let mut last = None;
            while i < a.len() || j < b.len() {
                let w = if j >= b.len() || (i < a.len() && a[i] <= b[j]) {
                    i += 1;
                    a[i - 1]
                } else {
                    j += 1;
                    b[j - 1]
                };
                if w != v && last != Some(w) {
                    adj.push(w);
                    last = Some(w);
                }
            }
            off.push(adj.len());
        }
        adj.shrink_to_fit();
        Simple { off, adj }
    }
    /// Whether the edge {a, b} is in the graph (rows are sorted).
    fn has(&self, a: u32, b: u32) -> bool {
        self.nb(a as usize).binary_search(&b).is_ok()
    }
    fn from_edges(n: usize, edges: &[(u32, u32)]) -> Simple {
        let mut deg = vec![0usize; n + 1];
        for &(a, b) in edges {
            deg[a as usize + 1] += 1;
            deg[b as usize + 1] += 1;
        }
        for i in 0..n {
            deg[i + 1] += deg[i];
        }
        let mut fill = deg.clone();
        let mut adj = vec![0u32; deg[n]];
        for &(a, b) in edges {
            adj[fill[a as usize]] = b;
            fill[a as usize] += 1;
            adj[fill[b as usize]] = a;
            fill[b as usize] += 1;
        }
        for v in 0..n {
            adj[deg[v]..deg[v + 1]].sort_unstable();
        }
        Simple { off: deg, adj }
    }
    fn n(&self) -> usize {
        self.off.len() - 1
    }
    fn nb(&self, v: usize) -> &[u32] {
        &self.adj[self.off[v]..self.off[v + 1]]
    }
    fn edges(&self) -> Vec<(u32, u32)> {
        let mut e = Vec::with_capacity(self.adj.len() / 2);
        for v in 0..self.n() {
            for &w in self.nb(v) {
                if (v as u32) < w {
                    e.push((v as u32, w));
                }
            }
        }
        e
    }
}

/// Triangles at every node, by degree-ordered listing (Schank & Wagner 2005; Latapy 2008): orient
/// each edge from the endpoint of lower (degree, id) to the higher one, mark the out-neighbours of
/// `v`, and look for them among the out-neighbours of each out-neighbour `u`. Every triangle is
/// found once, from its lowest-ranked corner, and credited to its three corners. Time
/// O(Σ_{(v,u)} d⁺(u)) ≤ O(m^1.5); no sorted-list merges (their branches mispredict).
fn triangles_per_node(s: &Simple) -> Vec<u64> {
    let n = s.n();
    let deg = |v: usize| s.off[v + 1] - s.off[v];
    let mut off = Vec::with_capacity(n + 1);
    let mut adj = Vec::with_capacity(s.adj.len() / 2);
    off.push(0usize);
    for v in 0..n {
        let dv = deg(v);
        adj.extend(
            s.nb(v)
                .iter()
                .copied()
                .filter(|&u| (deg(u as usize), u as usize) > (dv, v)),
        );
        off.push(adj.len());
    }
    let mut mark = vec![u32::MAX; n];
    let mut tri = vec![0u64; n];
    for v in 0..n {
        let nv = &adj[off[v]..off[v + 1]];
        for &u in nv {
            mark[u as usize] = v as u32;
        }
        for &u in nv {
            for &w in &adj[off[u as usize]..off[u as usize + 1]] {
                if mark[w as usize] == v as u32 {
                    tri[v] += 1;
                    tri[u as usize] += 1;
                    tri[w as usize] += 1;
                }
            }
        }
    }
    tri
}

/// (average clustering, transitivity, triangles).
fn clustering(s: &Simple) -> (f64, f64, u64) {
    let n = s.n();
    let tri = triangles_per_node(s);
    let avg = if n == 0 {
        0.0
    } else {
        reduce::sum_by(n, |v| {
            let d = s.nb(v).len() as f64;
            if d < 2.0 {
                0.0
            } else {
                2.0 * tri[v] as f64 / (d * (d - 1.0))
            }
        }) / n as f64
    };
    let t: u64 = tri.iter().sum();
    let triples: u64 = (0..n)
        .map(|v| {
            let d = s.nb(v).len() as u64;
            d * d.saturating_sub(1) / 2
        })
        .sum();
    let trans = if triples == 0 {
        0.0
    } else {
        t as f64 / triples as f64
    };
    (avg, trans, t / 3)
}

/// Component label of every node and the id of the largest (ties → lowest label).
fn components(s: &Simple) -> (Vec<u32>, usize, u32, usize) {
    let n = s.n();
    let mut comp = vec![u32::MAX; n];
    let mut sizes = Vec::new();
    let mut q = Vec::new();
    for r in 0..n {
        if comp[r] != u32::MAX {
            continue;
        }
        let c = sizes.len() as u32;
        comp[r] = c;
        q.clear();
        q.push(r as u32);
        let mut h = 0;
        while h < q.len() {
            let v = q[h] as usize;
            h += 1;
            for &w in s.nb(v) {
                if comp[w as usize] == u32::MAX {
                    comp[w as usize] = c;
                    q.push(w);
                }
            }
        }
        sizes.push(q.len());
    }
    let mut best = 0usize;
    for (i, &z) in sizes.iter().enumerate() {
        if z > sizes[best] {
            best = i;
        }
    }
    let lcc = sizes.get(best).copied().unwrap_or(0);
    (comp, sizes.len(), best as u32, lcc)
}

/// Reusable per-worker arrays of [`msbfs`].
struct MsBfs {
    seen: Vec<u64>,
    visit: Vec<u64>,
    next: Vec<u64>,
    front: Vec<u32>,
    nfront: Vec<u32>,
    touched: Vec<u32>,
}

impl MsBfs {
    fn new(n: usize) -> Self {
        MsBfs {
            seen: vec![0; n],
            visit: vec![0; n],
            next: vec![0; n],
            front: Vec::new(),
            nfront: Vec::new(),
            touched: Vec::new(),
        }
    }
}

/// Multi-source BFS (Then et al., "The more the merrier: efficient multi-source graph traversal",
/// VLDB 2014): up to 64 sources at once, bit `i` of a node's word = "reached from source `i`", so
/// one scan of an arc serves every source whose frontier contains its tail. Returns the distance
/// histogram summed over the batch (index = hops, index 0 = the sources) and each source's sum of
/// distances. Integer counts: identical to 64 separate BFS runs.
fn msbfs(s: &Simple, srcs: &[u32], w: &mut MsBfs) -> (Vec<u64>, Vec<u64>) {
    debug_assert!(srcs.len() <= 64);
    let mut hist = vec![srcs.len() as u64];
    let mut sums = vec![0u64; srcs.len()];
    w.front.clear();
    w.touched.clear();
    for (i, &src) in srcs.iter().enumerate() {
        let v = src as usize;
        if w.seen[v] == 0 {
            w.touched.push(src);
        }
        if w.visit[v] == 0 {
            w.front.push(src);
        }
        w.seen[v] |= 1u64 << i;
        w.visit[v] |= 1u64 << i;
    }
    let mut level = 0u64;
    while !w.front.is_empty() {
        level += 1;
        w.nfront.clear();
        for &v in &w.front {
            let x = w.visit[v as usize];
            for &u in s.nb(v as usize) {
                let u = u as usize;
                let d = x & !w.seen[u];
                if d != 0 {
                    if w.next[u] == 0 {
                        w.nfront.push(u as u32);
                    }
                    if w.seen[u] == 0 {
                        w.touched.push(u as u32);
                    }
                    w.next[u] |= d;
                    w.seen[u] |= d;
                }
            }
        }
        for &v in &w.front {
            w.visit[v as usize] = 0;
        }
        let mut cnt = 0u64;
        for &u in &w.nfront {
            let u = u as usize;
            let mut d = w.next[u];
            cnt += u64::from(d.count_ones());
            w.visit[u] = d;
            w.next[u] = 0;
            while d != 0 {
                sums[d.trailing_zeros() as usize] += level;
                d &= d - 1;
            }
        }
        if cnt > 0 {
            hist.push(cnt);
        }
        std::mem::swap(&mut w.front, &mut w.nfront);
    }
    for &v in &w.touched {
        w.seen[v as usize] = 0;
    }
    (hist, sums)
}

struct PathStats {
    aspl: f64,
    ci: (f64, f64),
    exact: bool,
    sources: usize,
    diameter: u32,
    eff: f64,
}

fn path_stats(
    s: &Simple,
    exact_threshold: usize,
    samples: usize,
    seed: u64,
    stream: Stream,
    unit: u64,
) -> PathStats {
    let n = s.n();
    let (comp, _, big, lcc) = components(s);
    let members: Vec<u32> = (0..n as u32).filter(|&v| comp[v as usize] == big).collect();
    if lcc < 2 {
        return PathStats {
            aspl: 0.0,
            ci: (0.0, 0.0),
            exact: true,
            sources: lcc,
            diameter: 0,
            eff: 0.0,
        };
    }
    let exact = lcc <= exact_threshold || samples >= lcc;
    let sources: Vec<u32> = if exact {
        members
    } else {
        let mut rng = rng_for(seed, stream, unit);
        let mut m = members;
        let (chosen, _) = m.partial_shuffle(&mut rng, samples);
        let mut c = chosen.to_vec();
        c.sort_unstable();
        c
    };
    // Batches of 64 sources (multi-source BFS), in parallel; integer sums combined in source
    // order, so the result does not depend on the thread count.
    let batches: Vec<(Vec<u64>, Vec<u64>)> = sources
        .par_chunks(64)
        .map_init(|| MsBfs::new(n), |w, chunk| msbfs(s, chunk, w))
        .collect();
    let mut total: Vec<u64> = Vec::new();
    let mut per_source = Vec::with_capacity(sources.len());
    let denom = (lcc - 1) as f64;
    for (h, sums) in &batches {
        if total.len() < h.len() {
            total.resize(h.len(), 0);
        }
        for (d, &c) in h.iter().enumerate() {
            total[d] += c;
        }
        per_source.extend(sums.iter().map(|&sd| sd as f64 / denom));
    }
    let pairs: u64 = total.iter().skip(1).sum();
    let dsum: u64 = total.iter().enumerate().map(|(d, &c)| d as u64 * c).sum();
    let aspl = dsum as f64 / pairs as f64;
    let diameter = total.len().saturating_sub(1) as u32;
    // Effective diameter: interpolate the 90% point of the cumulative distance distribution.
    let mut eff = 0.0;
    let mut cum = 0u64;
    for (d, &c) in total.iter().enumerate().skip(1) {
        let prev = cum as f64 / pairs as f64;
        cum += c;
        let f = cum as f64 / pairs as f64;
        if f >= 0.9 {
            eff = (d - 1) as f64
                + if f > prev {
                    (0.9 - prev) / (f - prev)
                } else {
                    1.0
                };
            break;
        }
    }
    let ci = if exact {
        (aspl, aspl)
    } else {
        let k = per_source.len() as f64;
        let m = per_source.iter().sum::<f64>() / k;
        let var = per_source.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
        let fpc = ((lcc as f64 - k) / (lcc as f64 - 1.0)).max(0.0);
        let se = (var / k * fpc).sqrt();
        (aspl - 1.96 * se, aspl + 1.96 * se)
    };
    PathStats {
        aspl,
        ci,
        exact,
        sources: sources.len(),
        diameter,
        eff,
    }
}

fn key(a: u32, b: u32) -> u64 {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    (u64::from(x) << 32) | u64::from(y)
}

type KeySet = HashSet<u64, BuildHasherDefault<FastHasher>>;

/// An edge set stored as a base graph and its differences: `edge ∈ set ⇔ (edge ∈ base ∧ edge ∉
/// removed) ∨ edge ∈ added`, with `added ∩ base = ∅` and `removed ⊆ base` kept by the updates.
struct EdgeDiff<'a> {
    base: &'a Simple,
    added: KeySet,
    removed: KeySet,
}

impl EdgeDiff<'_> {
    fn contains(&self, a: u32, b: u32) -> bool {
        let k = key(a, b);
        if self.base.has(a, b) {
            !self.removed.contains(&k)
        } else {
            self.added.contains(&k)
        }
    }
    /// Remove a present edge.
    fn remove(&mut self, a: u32, b: u32) {
        let k = key(a, b);
        if !self.added.remove(&k) {
            self.removed.insert(k);
        }
    }
    /// Insert an absent edge.
    fn insert(&mut self, a: u32, b: u32) {
        let k = key(a, b);
        if !self.removed.remove(&k) {
            self.added.insert(k);
        }
    }
}

/// Degree-preserving rewiring. Random references (Maslov–Sneppen): `rounds` (= min(niter·m, max_swaps)) accepted double
/// edge swaps. Lattice references follow `networkx.lattice_reference`: `rounds` rounds, each
/// trying up to ⌊2m/(n−1)⌋ swaps of random oriented edges (a, b), (c, d) into (a, d), (c, b),
/// accepted when `D(a,b) + D(c,d) ≥ D(a,c) + D(b,d)` for the ring distance D of node positions
/// (node order), stopping the round at the first accepted swap.
fn rewire(
    base: &Simple,
    edges: &[(u32, u32)],
    rounds: u64,
    lattice: bool,
    seed: u64,
    unit: u64,
) -> Simple {
    let n = base.n();
    let mut e = edges.to_vec();
    let m = e.len();
    if m < 2 || n < 4 {
        return Simple::from_edges(n, &e);
    }
    // The current edge set as the base graph (`edges` = the edges of `base`) plus the edges
    // added and minus those removed by the swaps so far: O(swaps) hashed keys instead of O(m)
    // (at 20M edges a full set cost ~0.5 GB per reference, two references at a time).
    let mut set = EdgeDiff {
        base,
        added: HashSet::default(),
        removed: HashSet::default(),
    };
    let stream = if lattice {
        Stream::Lattice
    } else {
        Stream::Rewire
    };
    let mut rng = rng_for(seed, stream, unit);
    let per_round = if lattice {
        ((2 * m) / (n - 1)).max(1) as u64
    } else {
        u64::MAX
    };
    let ring = |a: u32, b: u32| -> u64 {
        let d = a.abs_diff(b) as usize;
        d.min(n - d) as u64
    };
    // Cap on draws: degenerate graphs (no valid swap) still terminate, and the lattice rounds
    // cost at most 8 draws each on average (networkx may spend ~2m/n per round: O(m²/n)).
    let mut budget = rounds.saturating_mul(if lattice { per_round.min(8) } else { 20 });
    for _ in 0..rounds {
        let mut attempts = 0u64;
        while attempts < per_round && budget > 0 {
            budget -= 1;
            let i = rng.gen_range(0..m);
            let j = rng.gen_range(0..m);
            if i == j {
                continue;
            }
            let (mut a, mut b) = e[i];
            if rng.gen::<bool>() {
                std::mem::swap(&mut a, &mut b);
            }
            let (mut c, mut d) = e[j];
            if rng.gen::<bool>() {
                std::mem::swap(&mut c, &mut d);
            }
            // New edges (a, d) and (c, b); all four vertices distinct.
            if a == c || a == d || b == c || b == d {
                continue;
            }
            attempts += 1;
            if set.contains(a, d) || set.contains(c, b) {
                continue;
            }
            if lattice && ring(a, b) + ring(c, d) < ring(a, c) + ring(b, d) {
                continue;
            }
            set.remove(a, b);
            set.remove(c, d);
            set.insert(a, d);
            set.insert(c, b);
            e[i] = (a, d);
            e[j] = (c, b);
            break;
        }
        if budget == 0 {
            break;
        }
    }
    Simple::from_edges(n, &e)
}

/// Analyse `g` (undirected simple view).
///
/// # Errors
/// Invalid parameters or a graph without edges.
pub fn analyze(g: &CsrGraph, cfg: &SmallWorldConfig, seed: u64) -> Result<SmallWorldReport> {
    if cfg.samples < 2 {
        return Err(Error::param("--samples", cfg.samples, "at least 2"));
    }
    if !(cfg.niter.is_finite() && cfg.niter > 0.0) {
        return Err(Error::param("--niter", cfg.niter, "a positive number"));
    }
    let s = Simple::from_csr(g);
    let n = s.n();
    let m = s.adj.len() / 2;
    if m == 0 {
        return Err(Error::EmptyGraph("small-world analysis needs edges".into()));
    }
    let (avg_c, trans, triangles) = clustering(&s);
    let (_, ncomp, _, lcc) = components(&s);
    let ps = path_stats(
        &s,
        cfg.exact_threshold,
        cfg.samples,
        seed,
        Stream::PathSample,
        0,
    );
    let (mut sigma, mut omega, mut baselines) = (None, None, None);
    if !cfg.no_baselines && cfg.nrand > 0 {
        let edges = s.edges();
        let mut rounds = (cfg.niter * m as f64).ceil() as u64;
        if cfg.max_swaps > 0 {
            rounds = rounds.min(cfg.max_swaps);
        }
        // Random references 0..nrand and lattice references nrand..2·nrand, in parallel.
        let refs: Vec<(f64, f64, f64)> = (0..2 * cfg.nrand)
            .into_par_iter()
            .map(|i| {
                let lattice = i >= cfg.nrand;
                let unit = (i % cfg.nrand) as u64;
                let r = rewire(&s, &edges, rounds, lattice, seed, unit);
                let (c, t, _) = clustering(&r);
                let stream = if lattice {
                    Stream::Lattice
                } else {
                    Stream::Rewire
                };
                let p = path_stats(
                    &r,
                    cfg.exact_threshold,
                    cfg.samples,
                    seed,
                    stream,
                    1000 + unit,
                );
                (c, t, p.aspl)
            })
            .collect();
        let (rand, lat) = refs.split_at(cfg.nrand);
        let rt: Vec<f64> = rand.iter().map(|x| x.1).collect();
        let rc: Vec<f64> = rand.iter().map(|x| x.0).collect();
        let rl: Vec<f64> = rand.iter().map(|x| x.2).collect();
        let lc: Vec<f64> = lat.iter().map(|x| x.0).collect();
        let ll: Vec<f64> = lat.iter().map(|x| x.2).collect();
        let (mrt, mrl, mlc) = (mean_sd(&rt), mean_sd(&rl), mean_sd(&lc));
        let l = ps.aspl;
        let per: Vec<f64> = rand
            .iter()
            .map(|&(_, t, lr)| (trans / t) / (l / lr))
            .collect();
        sigma = Some((trans / mrt.mean) / (l / mrl.mean));
        // networkx.omega starts C_l at the graph's own clustering and keeps the maximum.
        let cl_max = lc.iter().copied().fold(avg_c, f64::max);
        omega = Some(mrl.mean / l - avg_c / cl_max);
        baselines = Some(Baselines {
            references: cfg.nrand,
            swaps_per_edge: rounds as f64 / m as f64,
            random_transitivity: mrt,
            random_clustering: mean_sd(&rc),
            random_path_length: mrl,
            lattice_clustering: mlc,
            lattice_clustering_max: cl_max,
            lattice_path_length: mean_sd(&ll),
            sigma_spread: mean_sd(&per),
        });
    }
    let verdict = verdict(sigma, omega, avg_c, ps.aspl, n);
    Ok(SmallWorldReport {
        nodes: n,
        edges: m,
        components: ncomp,
        lcc_nodes: lcc,
        avg_clustering: avg_c,
        transitivity: trans,
        triangles,
        avg_path_length: ps.aspl,
        ci95: ps.ci,
        exact: ps.exact,
        sources: ps.sources,
        diameter: ps.diameter,
        effective_diameter: ps.eff,
        sigma,
        omega,
        baselines,
        verdict,
    })
}

fn verdict(sigma: Option<f64>, omega: Option<f64>, c: f64, l: f64, n: usize) -> String {
    match (sigma, omega) {
        (Some(s), Some(w)) => {
            let kind = if w <= -0.5 {
                "lattice-like (high clustering, long paths)"
            } else if w >= 0.5 {
                "random-like (short paths, little clustering)"
            } else if s > 1.0 {
                "a small world (clustered like a lattice, paths short like a random graph)"
            } else {
                "not clearly a small world"
            };
            format!("{kind}: sigma = {s:.2}, omega = {w:.2}; any two members are {l:.1} hops apart on average")
        }
        _ => format!(
            "clustering {c:.3}, {l:.1} hops between members on average across {n} nodes (run with baselines for sigma/omega)"
        ),
    }
}
