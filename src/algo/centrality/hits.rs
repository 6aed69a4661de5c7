//! HITS hubs and authorities (Kleinberg 1999, "Authoritative sources in a hyperlinked
//! environment", J. ACM 46(5)).
//!
//! With `A(u,v) = w(u→v)` (1 when unweighted): authorities `a = Aᵀh`, hubs `h = A a`, each
//! normalised to sum 1 after every step (NetworkX's normalisation: `networkx.hits` returns the
//! principal singular vectors of A scaled to sum 1). Power iteration from `h = 1/n`; stop when the
//! L1 change of `a` plus that of `h` is below `tolerance`. Authorities are the customers others act
//! on (reply to, share, mention); hubs are the ones who act on good authorities (amplifiers,
//! curators). When A has no positive entry both vectors are 0.
//!
//! The limit is unique when the top singular value of A is simple (e.g. a connected undirected
//! graph that is not bipartite, or a directed graph whose `AᵀA` is irreducible); otherwise power
//! iteration, like any solver, returns one vector of the top singular subspace.
//!
//! Complexity: O(iterations · (n + m)) time, 4 vectors of length n. Convergence rate (σ₂/σ₁)².

use super::{check_tolerance, check_weights, pull_row, NODE_CHUNK};
use crate::error::{Error, Result};
use crate::graph::{Csr, CsrGraph};
use rayon::prelude::*;
use serde::Serialize;

/// Default tolerance (NetworkX's `tol`).
pub const DEFAULT_TOLERANCE: f64 = 1e-8;
/// Default iteration cap.
pub const DEFAULT_MAX_ITERATIONS: usize = 1000;

/// HITS parameters.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct HitsConfig {
    /// HITS tolerance: stop when the L1 change of hubs plus authorities is below TOL.
    #[arg(id = "hits_tol", long = "hits-tol", default_value_t = DEFAULT_TOLERANCE, value_name = "TOL", help_heading = "HITS")]
    pub tolerance: f64,
    /// HITS iteration cap.
    #[arg(id = "hits_max_iter", long = "hits-max-iter", default_value_t = DEFAULT_MAX_ITERATIONS, value_name = "N", help_heading = "HITS")]
    pub max_iterations: usize,
    /// Use arc weights. Ignored when the graph is unweighted.
    #[arg(skip = true)]
    pub weighted: bool,
}

impl Default for HitsConfig {
    fn default() -> Self {
        HitsConfig {
            tolerance: DEFAULT_TOLERANCE,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            weighted: true,
        }
    }
}

/// HITS scores and convergence record.
#[derive(Debug, Clone, Serialize)]
pub struct HitsResult {
    /// Hub score of every node (sums to 1).
    pub hubs: Vec<f64>,
    /// Authority score of every node (sums to 1).
    pub authorities: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration (hubs + authorities).
    pub residual: f64,
    /// True when the residual fell below the tolerance.
    pub converged: bool,
}

/// `out[v] = Σ_{u in row v} w · x[u]`, parallel over fixed node chunks.
fn spmv(rows: &Csr, x: &[f64], weighted: bool, out: &mut [f64]) {
    out.par_chunks_mut(NODE_CHUNK)
        .enumerate()
        .for_each(|(ci, os)| {
            let base = ci * NODE_CHUNK;
            for (i, o) in os.iter_mut().enumerate() {
                *o = pull_row(rows, base + i, x, weighted);
            }
        });
}

/// Divide by the sum (ordered reduction); return false when the sum is 0.
fn normalize(x: &mut [f64]) -> bool {
    let s = crate::algo::reduce::sum(x);
    if s > 0.0 {
        x.par_iter_mut().for_each(|v| *v /= s);
        true
    } else {
        false
    }
}

/// L1 distance with an ordered reduction.
fn l1(a: &[f64], b: &[f64]) -> f64 {
    crate::algo::reduce::sum_by(a.len(), |i| (a[i] - b[i]).abs())
}

/// HITS of every node (see the module docs).
///
/// # Errors
/// Invalid parameters or negative arc weights.
pub fn hits(g: &CsrGraph, cfg: &HitsConfig) -> Result<HitsResult> {
    check_tolerance("--hits-tol", cfg.tolerance)?;
    if cfg.max_iterations == 0 {
        return Err(Error::param("--hits-max-iter", 0, "at least 1"));
    }
    let n = g.n();
    let weighted = cfg.weighted && g.weighted;
    if weighted {
        check_weights(g)?;
    }
    let mut h = vec![1.0 / n.max(1) as f64; n];
    let mut a = vec![0.0f64; n];
    let mut h_new = vec![0.0f64; n];
    let mut a_new = vec![0.0f64; n];
    let mut iterations = 0;
    let mut residual = f64::INFINITY;
    let mut converged = false;
    while iterations < cfg.max_iterations {
        iterations += 1;
        spmv(&g.inc, &h, weighted, &mut a_new);
        if !normalize(&mut a_new) {
            // No arc carries weight: nothing to rank.
            return Ok(HitsResult {
                hubs: vec![0.0; n],
                authorities: vec![0.0; n],
                iterations,
                residual: 0.0,
                converged: true,
            });
        }
        spmv(&g.out, &a_new, weighted, &mut h_new);
        normalize(&mut h_new);
        residual = l1(&a_new, &a) + l1(&h_new, &h);
        std::mem::swap(&mut a, &mut a_new);
        std::mem::swap(&mut h, &mut h_new);
        if residual < cfg.tolerance {
            converged = true;
            break;
        }
    }
    Ok(HitsResult {
        hubs: h,
        authorities: a,
        iterations,
        residual,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bipartite_star() {
        // 1, 2 and 3 act on 0: 0 is the only authority, 1..3 equal hubs.
        let g = CsrGraph::from_arcs(4, &[(1, 0, 1.0), (2, 0, 1.0), (3, 0, 1.0)], false);
        let r = hits(&g, &HitsConfig::default()).expect("test");
        assert!(r.converged);
        assert!((r.authorities[0] - 1.0).abs() < 1e-12);
        assert!((r.hubs[1] - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.hubs[0], 0.0);
    }
}
