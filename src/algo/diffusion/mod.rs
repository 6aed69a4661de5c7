//! Word-of-mouth spread: Independent Cascade and Linear Threshold (Kempe, Kleinberg & Tardos,
//! KDD 2003), discrete-time SIR, and IC-N negative word of mouth (Chen et al., SDM 2011), by
//! parallel Monte Carlo with confidence intervals.
//!
//! Conventions:
//! * Word of mouth flows *target → source*: a cascade at `v` visits the `inc` row of `v` (the
//!   accounts that acted on `v`). Probabilities come from [`probability::EdgeProbabilities`].
//! * Spread counts the seeds (as KKT's σ(S) and GDS do). Step 0 = the seeds.
//! * Determinism: the coin of `inc` arc `e` in run `r` is `rng::coin(seed, r, e)` (counter-based),
//!   LT thresholds and IC-N quality draws are hashes of `(seed, r, node)`. Runs are independent
//!   and all sums are integers, so results are identical for any thread count, and each run is a
//!   fixed live-edge world: adding a seed never lowers any run's spread (monotone estimates, and
//!   common random numbers for CELF).
//! * Estimates: mean, standard error `s/√R`, 95% normal interval `mean ± 1.96·se`.
//!
//! Cost: O(R · (n_active + arcs scanned)) time per simulation; O(n) scratch per worker plus
//! O(n) activation counters per worker.

pub mod ic;
pub mod icn;
pub mod lt;
pub mod probability;
pub mod sir;

use crate::algo::rng::{self, hash3};
use crate::algo::NodeId;
use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use probability::EdgeProbabilities;
use rayon::prelude::*;
use serde::Serialize;

/// Default number of Monte Carlo runs.
pub const DEFAULT_RUNS: u32 = 10_000;
/// Default IC-N quality factor (probability that a positively influenced node turns positive).
pub const DEFAULT_QUALITY: f64 = 0.8;
/// Default SIR recovery probability per step.
pub const DEFAULT_GAMMA: f64 = 0.2;
/// Step cap of SIR when `max_steps` is 0.
pub const SIR_DEFAULT_STEPS: u32 = 1000;

/// Spread model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpreadModel {
    /// Independent Cascade: each newly active node gets one chance per arc.
    Ic,
    /// Linear Threshold: a node activates when the active in-weight reaches its random threshold.
    Lt,
    /// SIR: infected nodes try every step until they recover (probability gamma per step).
    Sir,
    /// IC-N: Independent Cascade where activations turn negative (quality factor q).
    Icn,
}

/// Monte Carlo spread options.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct SpreadConfig {
    /// Spread model.
    #[arg(long, value_enum, default_value_t = SpreadModel::Ic, help_heading = "Spread")]
    pub model: SpreadModel,
    /// Monte Carlo runs.
    #[arg(long, default_value_t = DEFAULT_RUNS, help_heading = "Spread")]
    pub runs: u32,
    /// IC-N quality factor q: a seed, or a node reached by a positive neighbour, turns positive
    /// with probability q_e = q · (1 + min(0, sentiment_e)), negative otherwise.
    #[arg(long = "quality", default_value_t = DEFAULT_QUALITY, help_heading = "Spread")]
    pub quality: f64,
    /// SIR recovery probability per step.
    #[arg(long, default_value_t = DEFAULT_GAMMA, help_heading = "Spread")]
    pub gamma: f64,
    /// Stop every run after this many steps (0 = until the cascade dies; SIR caps at 1000).
    #[arg(long, default_value_t = 0, help_heading = "Spread")]
    pub max_steps: u32,
    /// Reverse-reachable sets for single-seed reach estimates (0 = automatic).
    #[arg(long, default_value_t = 0, help_heading = "Spread")]
    pub rr_sets: u64,
}

impl Default for SpreadConfig {
    fn default() -> Self {
        SpreadConfig {
            model: SpreadModel::Ic,
            runs: DEFAULT_RUNS,
            quality: DEFAULT_QUALITY,
            gamma: DEFAULT_GAMMA,
            max_steps: 0,
            rr_sets: 0,
        }
    }
}

impl SpreadConfig {
    /// Check the parameters.
    ///
    /// # Errors
    /// Zero runs, q or gamma outside [0, 1].
    pub fn validate(&self) -> Result<()> {
        if self.runs == 0 {
            return Err(Error::param("--runs", self.runs, "at least 1"));
        }
        if !(self.quality.is_finite() && (0.0..=1.0).contains(&self.quality)) {
            return Err(Error::param(
                "--quality",
                self.quality,
                "a number in [0, 1]",
            ));
        }
        if !(self.gamma.is_finite() && (0.0..=1.0).contains(&self.gamma)) {
            return Err(Error::param("--gamma", self.gamma, "a number in [0, 1]"));
        }
        Ok(())
    }
}

/// A Monte Carlo estimate of a seed set's spread.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpreadEstimate {
    /// Mean number of nodes ever active (seeds included).
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// Sample standard deviation of the spread.
    pub std_dev: f64,
    /// 95% normal confidence interval of the mean.
    pub ci95: (f64, f64),
    /// Runs.
    pub runs: u32,
    /// Mean positive reach (IC-N; equals `mean` for the other models).
    pub positive_mean: f64,
    /// Standard error of the positive reach.
    pub positive_std_error: f64,
    /// Mean negative reach (IC-N; 0 for the other models).
    pub negative_mean: f64,
    /// Standard error of the negative reach.
    pub negative_std_error: f64,
    /// Probability that each node ends active, by node id.
    #[serde(skip)]
    pub per_node_activation: Vec<f64>,
    /// Probability that each node ends negative (IC-N), by node id; empty for other models.
    #[serde(skip)]
    pub per_node_negative: Vec<f64>,
    /// Mean cumulative cascade size after each step (index 0 = the seeds).
    pub per_step_mean: Vec<f64>,
    /// 95% interval of the cumulative size after each step.
    pub per_step_ci: Vec<(f64, f64)>,
    /// Mean cumulative positive size after each step.
    pub per_step_positive: Vec<f64>,
    /// Mean cumulative negative size after each step.
    pub per_step_negative: Vec<f64>,
}

/// Key of run `r` (see [`rng::run_key`](crate::algo::rng::run_key)); `coin(seed, r, e)` is the
/// high half of `arc_hash(run_key(seed, r), e)` as a fraction of 2³².
#[inline]
pub fn run_key(seed: u64, r: u64) -> u64 {
    rng::run_key(seed, r)
}

/// The hash of arc `e` in the run with key `key` (see [`run_key`]): one multiply-xor mix.
#[inline]
pub fn arc_hash(key: u64, e: u64) -> u64 {
    rng::edge_hash(key, e)
}

/// Integer threshold of a probability: `coin < p` ⇔ `(hash >> 32) < threshold(p)`
/// (`⌈p·2³²⌉`, 0 for p ≤ 0, 2³² for p ≥ 1).
#[inline]
pub fn threshold(p: f32) -> u64 {
    let x = f64::from(p) * 4_294_967_296.0;
    if x <= 0.0 {
        0
    } else {
        (x.ceil() as u64).min(1u64 << 32)
    }
}

/// `true` with probability encoded by `thr` (see [`threshold`]).
#[inline]
pub fn live(h: u64, thr: u64) -> bool {
    (h >> 32) < thr
}

/// An arc of the spread CSR with its coin threshold beside it (one 8-byte load per arc):
/// `target`, and `thr_m1 = ⌈p·2³²⌉ − 1` so that the arc is live iff `(hash >> 32) <= thr_m1`.
/// Arcs with p = 0 point at the sentinel node `n`, whose stamp is always current.
pub(crate) fn packed_arcs(targets: &[u32], thr: &[u64], n: usize) -> Vec<(u32, u32)> {
    targets
        .iter()
        .zip(thr)
        .map(|(&t, &h)| {
            if h == 0 {
                (n as u32, 0)
            } else {
                (t, (h - 1) as u32)
            }
        })
        .collect()
}

/// Sub-seed of a model-specific random quantity, derived from the user seed.
pub(crate) fn sub_seed(seed: u64, tag: u64) -> u64 {
    hash3(seed, 0x5350_5245_4144, tag)
}

/// Per-worker scratch: visit stamps (no clearing between runs) and a queue.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub stamp: Vec<u32>,
    pub epoch: u32,
    pub queue: Vec<NodeId>,
    pub aux_stamp: Vec<u32>,
    pub aux: Vec<f64>,
    pub flag: Vec<u8>,
    pub list: Vec<NodeId>,
}

impl Workspace {
    /// Scratch for `n` nodes plus the sentinel node `n` of [`packed_arcs`].
    pub fn new(n: usize) -> Self {
        Workspace {
            stamp: vec![0; n + 1],
            epoch: 0,
            queue: Vec::new(),
            aux_stamp: Vec::new(),
            aux: Vec::new(),
            flag: Vec::new(),
            list: Vec::new(),
        }
    }
    /// Ensure the auxiliary per-node arrays exist (LT, IC-N, SIR).
    pub fn with_aux(mut self) -> Self {
        let n = self.stamp.len();
        self.aux_stamp = vec![0; n];
        self.aux = vec![0.0; n];
        self.flag = vec![0; n];
        self
    }
    /// Start a new run: a fresh epoch makes every stamp stale.
    pub fn next(&mut self) -> u32 {
        if self.epoch == u32::MAX {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.aux_stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 0;
        }
        self.epoch += 1;
        if let Some(last) = self.stamp.last_mut() {
            *last = self.epoch;
        }
        self.queue.clear();
        self.list.clear();
        self.epoch
    }
}

/// What one run produced: the active nodes are `ws.queue`; `steps[t]` = cumulative
/// (total, negative) after step t.
#[derive(Debug, Default)]
pub(crate) struct RunRecord {
    pub steps: Vec<(u32, u32)>,
    pub negative: u32,
}

/// Integer accumulators of many runs (order-independent sums).
#[derive(Debug)]
struct Agg {
    runs: u64,
    sum: u64,
    sumsq: u128,
    neg_sum: u64,
    neg_sumsq: u128,
    pos_sumsq: u128,
    hits: Vec<u32>,
    neg_hits: Vec<u32>,
    // Per-step sums over runs that were still going at that step, and totals of the final
    // values of runs that ended after `len` recorded steps (used to pad shorter runs).
    step_sum: Vec<u64>,
    step_sumsq: Vec<u128>,
    step_neg: Vec<u64>,
    end_cnt: Vec<u64>,
    end_sum: Vec<u64>,
    end_sumsq: Vec<u128>,
    end_neg: Vec<u64>,
}

fn grow<T: Default + Clone>(v: &mut Vec<T>, len: usize) {
    if v.len() < len {
        v.resize(len, T::default());
    }
}

fn add_vec<T: Copy + std::ops::AddAssign + Default>(a: &mut Vec<T>, b: &[T]) {
    grow(a, b.len());
    for (x, &y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Agg {
    fn new(n: usize, negative: bool) -> Self {
        Agg {
            runs: 0,
            sum: 0,
            sumsq: 0,
            neg_sum: 0,
            neg_sumsq: 0,
            pos_sumsq: 0,
            hits: vec![0; n],
            neg_hits: if negative { vec![0; n] } else { Vec::new() },
            step_sum: Vec::new(),
            step_sumsq: Vec::new(),
            step_neg: Vec::new(),
            end_cnt: Vec::new(),
            end_sum: Vec::new(),
            end_sumsq: Vec::new(),
            end_neg: Vec::new(),
        }
    }

    fn record(&mut self, ws: &Workspace, rec: &RunRecord) {
        let total = ws.queue.len() as u64;
        let neg = u64::from(rec.negative);
        self.runs += 1;
        self.sum += total;
        self.sumsq += u128::from(total * total);
        self.neg_sum += neg;
        self.neg_sumsq += u128::from(neg * neg);
        let pos = total - neg;
        self.pos_sumsq += u128::from(pos * pos);
        for &v in &ws.queue {
            self.hits[v as usize] += 1;
        }
        if !self.neg_hits.is_empty() {
            for &v in &ws.queue {
                if ws.flag[v as usize] == 2 {
                    self.neg_hits[v as usize] += 1;
                }
            }
        }
        let len = rec.steps.len();
        grow(&mut self.step_sum, len);
        grow(&mut self.step_sumsq, len);
        grow(&mut self.step_neg, len);
        for (t, &(c, ng)) in rec.steps.iter().enumerate() {
            self.step_sum[t] += u64::from(c);
            self.step_sumsq[t] += u128::from(u64::from(c) * u64::from(c));
            self.step_neg[t] += u64::from(ng);
        }
        grow(&mut self.end_cnt, len + 1);
        grow(&mut self.end_sum, len + 1);
        grow(&mut self.end_sumsq, len + 1);
        grow(&mut self.end_neg, len + 1);
        self.end_cnt[len] += 1;
        self.end_sum[len] += total;
        self.end_sumsq[len] += u128::from(total * total);
        self.end_neg[len] += neg;
    }

    fn merge(mut self, o: Agg) -> Agg {
        self.runs += o.runs;
        self.sum += o.sum;
        self.sumsq += o.sumsq;
        self.neg_sum += o.neg_sum;
        self.neg_sumsq += o.neg_sumsq;
        self.pos_sumsq += o.pos_sumsq;
        for (a, b) in self.hits.iter_mut().zip(&o.hits) {
            *a += b;
        }
        for (a, b) in self.neg_hits.iter_mut().zip(&o.neg_hits) {
            *a += b;
        }
        add_vec(&mut self.step_sum, &o.step_sum);
        add_vec(&mut self.step_sumsq, &o.step_sumsq);
        add_vec(&mut self.step_neg, &o.step_neg);
        add_vec(&mut self.end_cnt, &o.end_cnt);
        add_vec(&mut self.end_sum, &o.end_sum);
        add_vec(&mut self.end_sumsq, &o.end_sumsq);
        add_vec(&mut self.end_neg, &o.end_neg);
        self
    }
}

/// Mean, sample standard deviation and standard error from integer sums.
pub(crate) fn moments(runs: u64, sum: u64, sumsq: u128) -> (f64, f64, f64) {
    if runs == 0 {
        return (0.0, 0.0, 0.0);
    }
    let r = runs as f64;
    let mean = sum as f64 / r;
    if runs < 2 {
        return (mean, 0.0, 0.0);
    }
    // Exact integer numerator: R·Σx² − (Σx)², then one division.
    let num = (runs as u128 * sumsq).saturating_sub(u128::from(sum) * u128::from(sum));
    let var = num as f64 / (r * (r - 1.0));
    let sd = var.max(0.0).sqrt();
    (mean, sd, sd / r.sqrt())
}

fn ci(mean: f64, se: f64) -> (f64, f64) {
    (mean - 1.96 * se, mean + 1.96 * se)
}

/// Runs are grouped in fixed blocks; each block owns one workspace. Blocks only change how the
/// work is split, never a result (integer sums).
const BLOCK: u32 = 64;

/// Run `cfg.runs` Monte Carlo simulations of `cfg.model` from `seeds` and summarise them.
///
/// # Errors
/// Invalid parameters, an empty graph, a seed outside the graph, or mismatched probabilities.
pub fn simulate(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    seeds: &[NodeId],
    cfg: &SpreadConfig,
    seed: u64,
) -> Result<SpreadEstimate> {
    cfg.validate()?;
    let n = g.n();
    if n == 0 {
        return Err(Error::EmptyGraph("no nodes to spread over".into()));
    }
    if probs.inc.len() != g.inc.m() {
        return Err(Error::Other(
            "edge probabilities were built for another graph".into(),
        ));
    }
    if let Some(&s) = seeds.iter().find(|&&s| s as usize >= n) {
        return Err(Error::param("seeds", s, format!("node ids below {n}")));
    }
    let thr: Vec<u64> = probs.inc.iter().map(|&p| threshold(p)).collect();
    let negative = cfg.model == SpreadModel::Icn;
    let packed = if cfg.model == SpreadModel::Ic {
        packed_arcs(&g.inc.targets, &thr, n)
    } else {
        Vec::new()
    };
    let model = Model::new(g, probs, &thr, &packed, cfg, seed);
    let blocks = cfg.runs.div_ceil(BLOCK);
    let agg = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let mut ws = Workspace::new(n);
            if cfg.model != SpreadModel::Ic {
                ws = ws.with_aux();
            }
            let mut agg = Agg::new(n, negative);
            let mut rec = RunRecord::default();
            let lo = b * BLOCK;
            let hi = (lo + BLOCK).min(cfg.runs);
            for r in lo..hi {
                rec.steps.clear();
                rec.negative = 0;
                model.run(seeds, u64::from(r), &mut ws, &mut rec);
                agg.record(&ws, &rec);
            }
            agg
        })
        .reduce_with(Agg::merge)
        .unwrap_or_else(|| Agg::new(n, negative));
    Ok(summarise(&agg, cfg.runs, negative))
}

fn summarise(a: &Agg, runs: u32, negative: bool) -> SpreadEstimate {
    let (mean, sd, se) = moments(a.runs, a.sum, a.sumsq);
    let (neg_mean, _, neg_se) = moments(a.runs, a.neg_sum, a.neg_sumsq);
    let (pos_mean, _, pos_se) = moments(a.runs, a.sum - a.neg_sum, a.pos_sumsq);
    let r = a.runs.max(1) as f64;
    let per_node_activation = a.hits.iter().map(|&h| f64::from(h) / r).collect();
    let per_node_negative = if negative {
        a.neg_hits.iter().map(|&h| f64::from(h) / r).collect()
    } else {
        Vec::new()
    };
    // Pad runs that ended early with their final size: at step t, the runs that recorded only
    // `len <= t` steps contribute their final value.
    let steps = a.step_sum.len();
    let (mut pad_cnt, mut pad_sum, mut pad_sumsq, mut pad_neg) = (0u64, 0u64, 0u128, 0u64);
    let mut per_step_mean = Vec::with_capacity(steps);
    let mut per_step_ci = Vec::with_capacity(steps);
    let mut per_step_negative = Vec::with_capacity(steps);
    let mut per_step_positive = Vec::with_capacity(steps);
    for t in 0..steps {
        if t < a.end_cnt.len() {
            pad_cnt += a.end_cnt[t];
            pad_sum += a.end_sum[t];
            pad_sumsq += a.end_sumsq[t];
            pad_neg += a.end_neg[t];
        }
        let _ = pad_cnt;
        let s = a.step_sum[t] + pad_sum;
        let sq = a.step_sumsq[t] + pad_sumsq;
        let ng = a.step_neg[t] + pad_neg;
        let (m, _, e) = moments(a.runs, s, sq);
        per_step_mean.push(m);
        per_step_ci.push(ci(m, e));
        per_step_negative.push(ng as f64 / r);
        per_step_positive.push((s - ng) as f64 / r);
    }
    SpreadEstimate {
        mean,
        std_error: se,
        std_dev: sd,
        ci95: ci(mean, se),
        runs,
        positive_mean: pos_mean,
        positive_std_error: pos_se,
        negative_mean: neg_mean,
        negative_std_error: neg_se,
        per_node_activation,
        per_node_negative,
        per_step_mean,
        per_step_ci,
        per_step_positive,
        per_step_negative,
    }
}

/// The model-specific data shared by every run.
struct Model<'a> {
    g: &'a CsrGraph,
    probs: &'a EdgeProbabilities,
    thr: &'a [u64],
    packed: &'a [(u32, u32)],
    cfg: &'a SpreadConfig,
    seed: u64,
    lt_weights: Vec<f64>,
}

impl<'a> Model<'a> {
    fn new(
        g: &'a CsrGraph,
        probs: &'a EdgeProbabilities,
        thr: &'a [u64],
        packed: &'a [(u32, u32)],
        cfg: &'a SpreadConfig,
        seed: u64,
    ) -> Self {
        let lt_weights = if cfg.model == SpreadModel::Lt {
            lt::normalized_weights(g, probs)
        } else {
            Vec::new()
        };
        Model {
            g,
            probs,
            thr,
            packed,
            cfg,
            seed,
            lt_weights,
        }
    }

    fn run(&self, seeds: &[NodeId], r: u64, ws: &mut Workspace, rec: &mut RunRecord) {
        let max = self.cfg.max_steps;
        match self.cfg.model {
            SpreadModel::Ic => ic::run(self.g, self.packed, seeds, self.seed, r, max, ws, rec),
            SpreadModel::Lt => lt::run(self.g, &self.lt_weights, seeds, self.seed, r, max, ws, rec),
            SpreadModel::Sir => sir::run(
                self.g,
                self.thr,
                seeds,
                self.seed,
                r,
                self.cfg.gamma,
                if max == 0 { SIR_DEFAULT_STEPS } else { max },
                ws,
                rec,
            ),
            SpreadModel::Icn => icn::run(
                self.g,
                self.thr,
                &self.probs.sentiment_inc,
                self.cfg.quality,
                seeds,
                self.seed,
                r,
                max,
                ws,
                rec,
            ),
        }
    }
}

/// Single-seed reach of every node with its standard error.
#[derive(Debug, Clone, Serialize)]
pub struct SingleSeedSpread {
    /// Expected spread of each node seeded alone (itself included), by node id.
    pub mean: Vec<f64>,
    /// Standard error of each estimate.
    pub std_error: Vec<f64>,
    /// Reverse-reachable sets used.
    pub rr_sets: u64,
}

/// Automatic number of RR sets for single-seed reach: 16 per node, between 100k and 8M.
pub fn auto_rr_sets(n: usize) -> u64 {
    (16 * n as u64).clamp(100_000, 8_000_000)
}

/// Expected spread of every node seeded alone, from reverse-reachable sets (Borgs et al. 2014):
/// `spread(v) = n · P(v ∈ RR)`, exact in expectation for IC (and LT with `cfg.model == Lt`).
/// Cost: O(θ · mean RR size); memory O(n) (sets are counted, not stored).
///
/// # Errors
/// Empty graph or mismatched probabilities.
pub fn single_seed_spread_se(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    cfg: &SpreadConfig,
    seed: u64,
) -> Result<SingleSeedSpread> {
    let n = g.n();
    if n == 0 {
        return Err(Error::EmptyGraph("no nodes".into()));
    }
    let theta = if cfg.rr_sets == 0 {
        auto_rr_sets(n)
    } else {
        cfg.rr_sets
    };
    let counts = crate::algo::influence::imm::count_rr_membership(
        g,
        probs,
        cfg.model == SpreadModel::Lt,
        theta,
        seed,
    );
    let nf = n as f64;
    let t = theta as f64;
    let mean = counts.iter().map(|&c| nf * c as f64 / t).collect();
    let std_error = counts
        .iter()
        .map(|&c| {
            let f = c as f64 / t;
            nf * (f * (1.0 - f) / t).sqrt()
        })
        .collect();
    Ok(SingleSeedSpread {
        mean,
        std_error,
        rr_sets: theta,
    })
}

/// Expected spread of every node seeded alone (see [`single_seed_spread_se`]); the "reach" of
/// the ranking. Returns zeros for an empty graph.
pub fn single_seed_spread(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    cfg: &SpreadConfig,
    seed: u64,
) -> Vec<f64> {
    single_seed_spread_se(g, probs, cfg, seed)
        .map(|s| s.mean)
        .unwrap_or_else(|_| vec![0.0; g.n()])
}

/// The nodes `v`'s word reaches most often: `(node, probability)` sorted by probability
/// descending then id, `v` itself excluded, at most `top` entries, from `runs` IC runs.
///
/// # Errors
/// As [`simulate`].
pub fn top_reached(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    v: NodeId,
    runs: u32,
    top: usize,
    seed: u64,
) -> Result<Vec<(NodeId, f64)>> {
    let cfg = SpreadConfig {
        runs,
        ..SpreadConfig::default()
    };
    let est = simulate(g, probs, &[v], &cfg, seed)?;
    let order = crate::algo::rank_order(&est.per_node_activation);
    Ok(order
        .into_iter()
        .filter(|&u| u != v && est.per_node_activation[u as usize] > 0.0)
        .take(top)
        .map(|u| (u, est.per_node_activation[u as usize]))
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::algo::rng;

    #[test]
    fn fast_coin_equals_rng_coin() {
        for (s, r, e) in [(1u64, 2u64, 3u64), (42, 0, 0), (7, 99_999, 1 << 40)] {
            let h = arc_hash(run_key(s, r), e);
            assert_eq!((h >> 32) as f64 / 4_294_967_296.0, rng::coin(s, r, e));
            for p in [0.0f32, 0.1, 0.5, 0.999, 1.0] {
                let thr = threshold(p);
                assert_eq!(live(h, thr), rng::coin(s, r, e) < f64::from(p));
                let (t, m1) = packed_arcs(&[5], &[thr], 9)[0];
                if p == 0.0 {
                    assert_eq!(t, 9);
                } else {
                    assert_eq!(((h >> 32) as u32 <= m1), live(h, thr));
                }
            }
        }
        assert!(live(u64::MAX, threshold(1.0)));
        assert!(!live(0, threshold(0.0)));
    }

    #[test]
    fn moments_of_constant() {
        assert_eq!(moments(4, 8, 16), (2.0, 0.0, 0.0));
    }
}
