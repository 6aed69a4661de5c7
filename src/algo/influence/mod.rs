//! Influence maximization: pick k campaign seeds that maximise expected word-of-mouth spread.
//!
//! Methods: IMM (Tang, Shi & Xiao, SIGMOD 2015; reverse-reachable sets, the scalable path with a
//! (1 − 1/e − ε) guarantee w.p. 1 − n^−ℓ), CELF (Leskovec et al., KDD 2007; exact lazy greedy on
//! common random numbers, optional cost-effective budgeted variant), and the degree and PageRank
//! baselines. Every method reports its seeds in order with marginal gains, and the spread of the
//! whole set from a fresh, independent simulation (mean, standard error, 95% CI).
//!
//! Conventions: spread flows target → source (see `diffusion`); the degree baseline ranks by the
//! number of accounts that acted on a node (its audience, the `inc` degree); PageRank rewards
//! targets. Ties always go to the lower node id.

pub mod celf;
pub mod imm;

use crate::algo::diffusion::probability::EdgeProbabilities;
use crate::algo::diffusion::{simulate, sub_seed, SpreadConfig, SpreadEstimate, SpreadModel};
use crate::algo::{rank_order, NodeId};
use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use serde::Serialize;

/// Default number of seeds.
pub const DEFAULT_K: usize = 10;
/// Default IMM accuracy ε.
pub const DEFAULT_EPSILON: f64 = 0.1;
/// Default IMM confidence exponent ℓ (success probability 1 − n^−ℓ).
pub const DEFAULT_ELL: f64 = 1.0;
/// Default cap on IMM's RR sets.
pub const DEFAULT_MAX_RR_SETS: u64 = 200_000_000;

/// Seed selection method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedMethod {
    /// IMM: reverse-reachable sets with the (1 − 1/e − ε) guarantee (scales to millions of nodes).
    Imm,
    /// CELF: exact lazy greedy on --runs common live-edge worlds (small and medium graphs).
    Celf,
    /// The k nodes with the largest audience (accounts that acted on them).
    Degree,
    /// The k nodes with the highest PageRank.
    Pagerank,
}

/// Seed selection options.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct SeedConfig {
    /// Number of seeds.
    #[arg(long, default_value_t = DEFAULT_K, help_heading = "Seeds")]
    pub k: usize,
    /// Selection method.
    #[arg(long, value_enum, default_value_t = SeedMethod::Imm, help_heading = "Seeds")]
    pub method: SeedMethod,
    /// IMM accuracy: the set is within (1 − 1/e − ε) of the optimum.
    #[arg(long, default_value_t = DEFAULT_EPSILON, help_heading = "Seeds")]
    pub epsilon: f64,
    /// IMM confidence: the guarantee holds with probability 1 − n^−ℓ.
    #[arg(long, default_value_t = DEFAULT_ELL, help_heading = "Seeds")]
    pub ell: f64,
    /// Cap on IMM's RR sets (memory guard; when hit, ε is relaxed to the value the sets
    /// support, reported as epsilon_effective).
    #[arg(long, default_value_t = DEFAULT_MAX_RR_SETS, help_heading = "Seeds")]
    pub max_rr_sets: u64,
    /// Numeric customers column giving each customer's seeding cost (cost-effective CELF);
    /// nodes without a value are never picked.
    #[arg(long, value_name = "COLUMN", help_heading = "Seeds")]
    pub cost_column: Option<String>,
    /// Total budget for the seeds' costs (with --cost-column).
    #[arg(long, help_heading = "Seeds")]
    pub budget: Option<f64>,
    /// Per-node costs (filled from --cost-column by the caller).
    #[arg(skip)]
    #[serde(skip)]
    pub costs: Option<Vec<f64>>,
    /// Spread model and Monte Carlo settings (CELF worlds and the final evaluation use --runs).
    #[command(flatten)]
    pub spread: SpreadConfig,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            k: DEFAULT_K,
            method: SeedMethod::Imm,
            epsilon: DEFAULT_EPSILON,
            ell: DEFAULT_ELL,
            max_rr_sets: DEFAULT_MAX_RR_SETS,
            cost_column: None,
            budget: None,
            costs: None,
            spread: SpreadConfig::default(),
        }
    }
}

/// A chosen seed set.
#[derive(Debug, Clone, Serialize)]
pub struct SeedSet {
    /// Seeds in selection order.
    pub seeds: Vec<NodeId>,
    /// Marginal gain of each seed (expected newly reached nodes).
    pub marginal_gains: Vec<f64>,
    /// Estimated spread of each prefix of the seed list.
    pub cumulative_spread: Vec<f64>,
    /// Spread of the whole set from a fresh simulation (independent of the selection).
    pub spread: SpreadEstimate,
    /// Method used.
    pub method: SeedMethod,
    /// Total cost of the seeds (with costs), else the number of seeds.
    pub total_cost: f64,
    /// IMM details (RR sets, lower bound, cap), when IMM ran.
    pub imm: Option<imm::ImmResult>,
}

/// Sub-seed of the fresh evaluation (independent of the selection's randomness).
pub const EVAL_TAG: u64 = 0xE7A1;

/// Seeds chosen by a method, before any independent evaluation.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// Seeds in selection order.
    pub seeds: Vec<NodeId>,
    /// The method's own marginal gains (IMM: RR coverage of its own sets; CELF: its worlds);
    /// empty for the degree and PageRank baselines, which estimate nothing.
    pub marginal_gains: Vec<f64>,
    /// The method's own prefix spreads (empty for the baselines).
    pub cumulative_spread: Vec<f64>,
    /// Method used.
    pub method: SeedMethod,
    /// Total cost of the seeds (with costs), else the number of seeds.
    pub total_cost: f64,
    /// IMM details, when IMM ran.
    pub imm: Option<imm::ImmResult>,
}

/// Choose seeds with `cfg.method` without evaluating them (see [`select_seeds`]).
///
/// # Errors
/// As [`select_seeds`].
pub fn choose_seeds(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    cfg: &SeedConfig,
    seed: u64,
    pagerank_scores: Option<&[f64]>,
) -> Result<Chosen> {
    cfg.spread.validate()?;
    let n = g.n();
    if n == 0 {
        return Err(Error::EmptyGraph("no nodes to seed".into()));
    }
    if cfg.k == 0 {
        return Err(Error::param("--k", cfg.k, "at least 1"));
    }
    if !(cfg.epsilon.is_finite() && cfg.epsilon > 0.0 && cfg.epsilon < 1.0) {
        return Err(Error::param("--epsilon", cfg.epsilon, "a number in (0, 1)"));
    }
    if !(cfg.ell.is_finite() && cfg.ell > 0.0) {
        return Err(Error::param("--ell", cfg.ell, "a positive number"));
    }
    if let Some(b) = cfg.budget {
        if !(b.is_finite() && b > 0.0) {
            return Err(Error::param("--budget", b, "a positive number"));
        }
    }
    let model = cfg.spread.model;
    let k = cfg.k.min(n);
    let (seeds, gains, cum, total_cost, imm_res) = match cfg.method {
        SeedMethod::Imm => {
            if !matches!(model, SpreadModel::Ic | SpreadModel::Lt) {
                return Err(Error::param(
                    "--model",
                    format!("{model:?}"),
                    "ic or lt for IMM",
                ));
            }
            let r = imm::imm(
                g,
                probs,
                model == SpreadModel::Lt,
                k,
                cfg.epsilon,
                cfg.ell,
                cfg.max_rr_sets.max(1),
                seed,
            );
            let mut cum = Vec::with_capacity(r.seeds.len());
            let mut acc = 0.0;
            for &x in &r.marginal_gains {
                acc += x;
                cum.push(acc);
            }
            (
                r.seeds.clone(),
                r.marginal_gains.clone(),
                cum,
                r.seeds.len() as f64,
                Some(r),
            )
        }
        SeedMethod::Celf => {
            if model != SpreadModel::Ic {
                return Err(Error::param("--model", format!("{model:?}"), "ic for CELF"));
            }
            let r = celf::celf(
                g,
                &probs.inc,
                k,
                cfg.spread.runs,
                seed,
                cfg.costs.as_deref(),
                cfg.budget,
            )?;
            (
                r.seeds,
                r.marginal_gains,
                r.cumulative_spread,
                r.total_cost,
                None,
            )
        }
        SeedMethod::Degree | SeedMethod::Pagerank => {
            let scores: Vec<f64> = match (cfg.method, pagerank_scores) {
                (SeedMethod::Degree, _) => (0..n as u32).map(|v| g.inc.degree(v) as f64).collect(),
                (_, Some(s)) if s.len() == n => s.to_vec(),
                _ => baseline_pagerank(g)?,
            };
            let seeds: Vec<NodeId> = rank_order(&scores).into_iter().take(k).collect();
            let len = seeds.len() as f64;
            (seeds, Vec::new(), Vec::new(), len, None)
        }
    };
    let total_cost = match &cfg.costs {
        Some(c) => seeds.iter().map(|&v| c[v as usize]).sum(),
        None => total_cost,
    };
    Ok(Chosen {
        seeds,
        marginal_gains: gains,
        cumulative_spread: cum,
        method: cfg.method,
        total_cost,
        imm: imm_res,
    })
}

/// Choose seeds with `cfg.method`. `pagerank_scores` (by node id) is used by the PageRank method
/// when given; otherwise PageRank is computed here.
///
/// # Errors
/// Invalid parameters, an empty graph, CELF over its memory bound, or an unsupported model.
pub fn select_seeds(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    cfg: &SeedConfig,
    seed: u64,
    pagerank_scores: Option<&[f64]>,
) -> Result<SeedSet> {
    let mut c = choose_seeds(g, probs, cfg, seed, pagerank_scores)?;
    let eval_seed = sub_seed(seed, EVAL_TAG);
    if matches!(c.method, SeedMethod::Degree | SeedMethod::Pagerank) {
        // Prefix spreads on common random numbers: per-run monotone, so gains are ≥ 0.
        let mut prev = 0.0;
        for j in 1..=c.seeds.len() {
            let s = simulate(g, probs, &c.seeds[..j], &cfg.spread, eval_seed)?.mean;
            c.cumulative_spread.push(s);
            c.marginal_gains.push(s - prev);
            prev = s;
        }
    }
    let spread = simulate(g, probs, &c.seeds, &cfg.spread, eval_seed)?;
    Ok(SeedSet {
        seeds: c.seeds,
        marginal_gains: c.marginal_gains,
        cumulative_spread: c.cumulative_spread,
        spread,
        method: c.method,
        total_cost: c.total_cost,
        imm: c.imm,
    })
}

/// A chosen seed list evaluated on independent RR sets instead of Monte Carlo runs: list
/// `list` of `tally` (see [`imm::rr_tally`]). The prefix spreads are `n/θ · #sets whose first
/// seed is among the first j` (unbiased, Borgs et al. 2014: the sets are drawn independently of
/// the selection), the marginal gains their differences, and the spread of the whole list
/// `n·p̂` with standard error `n·√(p̂(1−p̂)/θ)` (binomial coverage). Per-step and per-node
/// figures of a simulation are not estimated (empty); `runs` is 0.
pub fn evaluate_on_rr(c: Chosen, tally: &imm::RrTally, list: usize, n: usize) -> SeedSet {
    let theta = tally.theta.max(1) as f64;
    let nf = n as f64;
    let mut cum = Vec::with_capacity(c.seeds.len());
    let mut gains = Vec::with_capacity(c.seeds.len());
    let mut acc = 0u64;
    let mut prev = 0.0;
    for j in 0..c.seeds.len() {
        acc += tally
            .first
            .get(list)
            .and_then(|f| f.get(j))
            .copied()
            .unwrap_or(0);
        let s = nf * acc as f64 / theta;
        cum.push(s);
        gains.push(s - prev);
        prev = s;
    }
    let p = acc as f64 / theta;
    let se = nf * (p * (1.0 - p) / theta).sqrt();
    let mean = nf * p;
    let spread = SpreadEstimate {
        mean,
        std_error: se,
        std_dev: nf * (p * (1.0 - p)).sqrt(),
        ci95: (mean - 1.96 * se, mean + 1.96 * se),
        runs: 0,
        positive_mean: mean,
        positive_std_error: se,
        negative_mean: 0.0,
        negative_std_error: 0.0,
        per_node_activation: Vec::new(),
        per_node_negative: Vec::new(),
        per_step_mean: Vec::new(),
        per_step_ci: Vec::new(),
        per_step_positive: Vec::new(),
        per_step_negative: Vec::new(),
    };
    SeedSet {
        seeds: c.seeds,
        marginal_gains: gains,
        cumulative_spread: cum,
        spread,
        method: c.method,
        total_cost: c.total_cost,
        imm: c.imm,
    }
}

/// Unweighted PageRank (damping 0.85, tolerance 1e-10) for the PageRank seed baseline when no
/// scores are supplied; the one implementation in `algo::centrality::pagerank`.
pub fn baseline_pagerank(g: &CsrGraph) -> Result<Vec<f64>> {
    let cfg = crate::algo::centrality::pagerank::PageRankConfig {
        tolerance: 1e-10,
        max_iterations: 1000,
        weighted: false,
        ..Default::default()
    };
    Ok(crate::algo::centrality::pagerank::pagerank(g, &cfg, None)?.scores)
}
