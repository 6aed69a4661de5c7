//! Influence centralities on the [`CsrGraph`](crate::graph::CsrGraph): PageRank (plain, weighted,
//! personalised), LeaderRank, HITS, degree/strength, betweenness (exact and sampled) and k-core.
//!
//! Conventions shared by every module here (see `docs/centrality.md`):
//! * an arc `u → v` means *u acted on v*; attention and credit flow along it, so walk-based
//!   scores (PageRank, LeaderRank, HITS authorities) reward targets and are computed by pulling
//!   over `g.inc`;
//! * results are indexed by [`NodeId`](crate::algo::NodeId); external ids are joined in output code;
//! * every float reduction has a fixed order (per-node sums in CSR row order, per-chunk partials
//!   combined in chunk order), so results are bit-identical for any rayon thread count.

pub mod betweenness;
pub mod degree;
pub mod hits;
pub mod kcore;
pub mod leaderrank;
pub mod pagerank;
pub(crate) mod relabel;

use crate::error::{Error, Result};
use crate::graph::{Csr, CsrGraph};

/// Nodes per parallel work unit of the iterative kernels. Fixed (never derived from the thread
/// count) so that per-chunk partial sums, and therefore the bits of every result, do not depend
/// on the pool size.
pub const NODE_CHUNK: usize = 4096;

/// `Σ x[u]` (times the arc weight when `weighted`) over the row of `v`, summed in row order: the
/// gather shared by the f64 kernels (exact PageRank, LeaderRank, HITS), one add chain so that the
/// bits match a plain sequential sum.
#[inline]
pub(crate) fn pull_row(rows: &Csr, v: usize, x: &[f64], weighted: bool) -> f64 {
    let lo = rows.offsets[v] as usize;
    let hi = rows.offsets[v + 1] as usize;
    let mut acc = 0.0f64;
    if weighted {
        for (&u, &w) in rows.targets[lo..hi].iter().zip(&rows.weights[lo..hi]) {
            acc += x[u as usize] * f64::from(w);
        }
    } else {
        for &u in &rows.targets[lo..hi] {
            acc += x[u as usize];
        }
    }
    acc
}

/// Reject negative or non-finite arc weights (they have no meaning as interaction strength).
pub(crate) fn check_weights(g: &CsrGraph) -> Result<()> {
    if let Some(w) = g
        .out
        .weights
        .iter()
        .find(|w| !(w.is_finite() && **w >= 0.0))
    {
        return Err(Error::param(
            "edge weight",
            w,
            "finite non-negative weights (interaction strengths)",
        ));
    }
    Ok(())
}

/// Out-strength (or out-degree when `weighted` is false) of every node, summed in row order.
pub(crate) fn out_strengths(g: &CsrGraph, weighted: bool) -> Vec<f64> {
    use rayon::prelude::*;
    (0..g.n() as u32)
        .into_par_iter()
        .map(|v| {
            if weighted {
                g.out.strength(v)
            } else {
                g.out.degree(v) as f64
            }
        })
        .collect()
}

/// Validate a tolerance parameter.
pub(crate) fn check_tolerance(name: &'static str, tol: f64) -> Result<()> {
    if !(tol.is_finite() && tol > 0.0) {
        return Err(Error::param(name, tol, "a positive finite number"));
    }
    Ok(())
}

/// Validate a restart / personalization vector and return it normalised to sum 1.
pub(crate) fn normalized_restart(n: usize, p: Option<&[f64]>) -> Result<Vec<f64>> {
    match p {
        None => Ok(vec![1.0 / n as f64; n]),
        Some(p) => {
            if p.len() != n {
                return Err(Error::param(
                    "personalization",
                    format!("{} values", p.len()),
                    format!("one value per node ({n})"),
                ));
            }
            if let Some(x) = p.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(Error::param(
                    "personalization",
                    x,
                    "finite non-negative weights",
                ));
            }
            let s = crate::algo::reduce::sum(p);
            if s <= 0.0 {
                return Err(Error::param(
                    "personalization",
                    "all zero",
                    "at least one positive weight",
                ));
            }
            Ok(p.iter().map(|x| x / s).collect())
        }
    }
}
