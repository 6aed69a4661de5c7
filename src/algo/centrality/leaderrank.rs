//! LeaderRank (Lü, Zhang, Yeung & Zhou 2011, "Leaders in social networks, the Delicious case",
//! PLoS ONE 6(6): e21202) and its weighted variant (Li, Zhang, Wang, Zhang & Zhou 2014,
//! "Identifying influential spreaders by weighted LeaderRank", Physica A 404: 47–55).
//!
//! A ground node `g` is linked in both directions to every node; a plain random walk (no damping)
//! runs on the augmented graph from `s(v) = 1` for every real node and `s(g) = 0`:
//!
//! ```text
//! s'(v) = Σ_{u→v} s(u) · w(u,v) / S(u)          (u ranges over real nodes and g)
//! ```
//!
//! where `S(u)` is u's out-strength including its arc to the ground node. At the steady state the
//! ground node's score is handed out equally: `LR(v) = s(v) + s(g)/n`. The scores sum to `n`.
//! Arcs follow attention (fan → leader), the same direction as PageRank.
//!
//! Ground links: real node → g always weighs 1 (Lü et al.). g → v weighs 1 ([`GroundWeights::Uniform`],
//! the original) or `k_in(v)^β` ([`GroundWeights::InDegree`], Li et al. 2014: nodes with more fans
//! receive more of the ground node's walk; `β = 1` in the paper). With `weighted`, real arcs carry
//! their interaction strength.
//!
//! Convergence: stop when the L1 change of the score vector (real nodes and ground, divided by n so
//! that it sums to 1 + 0) is below `tolerance`. The walk is aperiodic as soon as the graph has
//! one arc (cycles g→u→g and g→u→v→g), so it converges; an arc-free graph gets `LR = 1` everywhere.
//!
//! Complexity: O(iterations · (n + m)) time, O(n) extra memory.

use super::{check_tolerance, check_weights, out_strengths, pull_row, NODE_CHUNK};
use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use rayon::prelude::*;
use serde::Serialize;

/// Default tolerance on the L1 change of the (sum-1) score vector.
pub const DEFAULT_TOLERANCE: f64 = 1e-10;
/// Default iteration cap.
pub const DEFAULT_MAX_ITERATIONS: usize = 1000;
/// Default exponent of the in-degree ground weights (Li et al. 2014 use 1).
pub const DEFAULT_BETA: f64 = 1.0;

/// Weights of the ground node's links toward real nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroundWeights {
    /// Every ground link weighs 1 (Lü et al. 2011).
    #[default]
    Uniform,
    /// Ground → v weighs in-degree(v)^β (weighted LeaderRank, Li et al. 2014).
    InDegree,
}

/// LeaderRank parameters.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct LeaderRankConfig {
    /// LeaderRank tolerance: stop when the L1 change of the normalised score vector is below TOL.
    #[arg(id = "lr_tol", long = "lr-tol", default_value_t = DEFAULT_TOLERANCE, value_name = "TOL", help_heading = "LeaderRank")]
    pub tolerance: f64,
    /// LeaderRank iteration cap.
    #[arg(id = "lr_max_iter", long = "lr-max-iter", default_value_t = DEFAULT_MAX_ITERATIONS, value_name = "N", help_heading = "LeaderRank")]
    pub max_iterations: usize,
    /// Ground-link weights: uniform (Lü et al. 2011) or in-degree (weighted LeaderRank, Li et al. 2014).
    #[arg(id = "lr_ground", long = "lr-ground", value_enum, default_value_t = GroundWeights::Uniform, help_heading = "LeaderRank")]
    pub ground: GroundWeights,
    /// Exponent β of the in-degree ground weights.
    #[arg(id = "lr_beta", long = "lr-beta", default_value_t = DEFAULT_BETA, value_name = "B", help_heading = "LeaderRank")]
    pub beta: f64,
    /// Use arc weights (interaction strength). Ignored when the graph is unweighted.
    #[arg(skip = true)]
    pub weighted: bool,
}

impl Default for LeaderRankConfig {
    fn default() -> Self {
        LeaderRankConfig {
            tolerance: DEFAULT_TOLERANCE,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            ground: GroundWeights::Uniform,
            beta: DEFAULT_BETA,
            weighted: true,
        }
    }
}

/// LeaderRank scores and convergence record.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderRankResult {
    /// `LR(v)` of every node (sums to n), indexed by `NodeId`.
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration (on the sum-1 vector).
    pub residual: f64,
    /// True when the residual fell below the tolerance.
    pub converged: bool,
}

/// LeaderRank of every node (see the module docs).
///
/// # Errors
/// Invalid parameters or negative arc weights.
pub fn leaderrank(g: &CsrGraph, cfg: &LeaderRankConfig) -> Result<LeaderRankResult> {
    check_tolerance("--lr-tol", cfg.tolerance)?;
    if cfg.max_iterations == 0 {
        return Err(Error::param("--lr-max-iter", 0, "at least 1"));
    }
    if !cfg.beta.is_finite() {
        return Err(Error::param("--lr-beta", cfg.beta, "a finite number"));
    }
    let n = g.n();
    if n == 0 || g.m() == 0 {
        return Ok(LeaderRankResult {
            scores: vec![1.0; n],
            iterations: 0,
            residual: 0.0,
            converged: true,
        });
    }
    let weighted = cfg.weighted && g.weighted;
    if weighted {
        check_weights(g)?;
    }
    // 1 / (out-strength + 1): every real node also links to the ground node with weight 1.
    let inv: Vec<f64> = out_strengths(g, weighted)
        .into_iter()
        .map(|s| 1.0 / (s + 1.0))
        .collect();
    // Ground → v weights, normalised by the ground node's out-strength.
    let gw: Vec<f64> = match cfg.ground {
        GroundWeights::Uniform => vec![1.0; n],
        GroundWeights::InDegree => (0..n as u32)
            .map(|v| {
                let k = g.inc.degree(v) as f64;
                if k > 0.0 {
                    k.powf(cfg.beta)
                } else {
                    0.0
                }
            })
            .collect(),
    };
    let gsum: f64 = gw.iter().sum();
    let gshare: Vec<f64> = gw.iter().map(|w| w / gsum).collect();
    let mut x = vec![1.0f64; n];
    let mut ground = 0.0f64;
    let mut x_next = vec![0.0f64; n];
    let mut contrib: Vec<f64> = x.iter().zip(&inv).map(|(a, b)| a * b).collect();
    let mut contrib_next = vec![0.0f64; n];
    let mut pending_ground = crate::algo::reduce::sum(&contrib);
    let nf = n as f64;
    let inc = &g.inc;
    let mut iterations = 0;
    let mut residual = f64::INFINITY;
    let mut converged = false;
    while iterations < cfg.max_iterations {
        iterations += 1;
        let (x_ref, c_ref, gs) = (&x, &contrib, &gshare);
        let gmass = ground;
        // Partials per chunk: (L1 change, mass sent to the ground node by the chunk's nodes).
        let partials: Vec<(f64, f64)> = x_next
            .par_chunks_mut(NODE_CHUNK)
            .zip(contrib_next.par_chunks_mut(NODE_CHUNK))
            .enumerate()
            .map(|(ci, (xs, cs))| {
                let base = ci * NODE_CHUNK;
                let mut err = 0.0;
                let mut to_ground = 0.0;
                for (i, (xo, co)) in xs.iter_mut().zip(cs.iter_mut()).enumerate() {
                    let v = base + i;
                    let acc = pull_row(inc, v, c_ref, weighted);
                    let val = acc + gmass * gs[v];
                    err += (val - x_ref[v]).abs();
                    let c = val * inv[v];
                    to_ground += c;
                    *xo = val;
                    *co = c;
                }
                (err, to_ground)
            })
            .collect();
        let mut err = 0.0;
        let mut new_ground = 0.0;
        for (e, t) in partials {
            err += e;
            new_ground += t;
        }
        // The ground node receives the arcs v → g from the *previous* iterate (Jacobi), i.e. the
        // sum of the old contributions; its change counts in the residual too.
        err += (pending_ground - ground).abs();
        ground = pending_ground;
        pending_ground = new_ground;
        std::mem::swap(&mut x, &mut x_next);
        std::mem::swap(&mut contrib, &mut contrib_next);
        residual = err / nf;
        if residual < cfg.tolerance {
            converged = true;
            break;
        }
    }
    let share = ground / nf;
    let scores = x.iter().map(|s| s + share).collect();
    Ok(LeaderRankResult {
        scores,
        iterations,
        residual,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_leader_wins_and_mass_is_conserved() {
        // Fans 1..4 all act on 0.
        let arcs: Vec<(u32, u32, f32)> = (1..5).map(|u| (u, 0, 1.0)).collect();
        let g = CsrGraph::from_arcs(5, &arcs, false);
        let r = leaderrank(&g, &LeaderRankConfig::default()).expect("test");
        assert!(r.converged);
        let s: f64 = r.scores.iter().sum();
        assert!((s - 5.0).abs() < 1e-8, "{s}");
        assert!(r.scores[0] > r.scores[1]);
        assert!((r.scores[1] - r.scores[4]).abs() < 1e-12);
    }
}
