//! In/out degree and strength (weighted degree = sum of arc weights, as in Neo4j GDS).
//!
//! Counted on the directed arcs of the CSR after parallel arcs were merged: `in_degree(v)` = number
//! of distinct accounts that acted on `v`, `out_degree(v)` = number of distinct accounts `v` acted
//! on; a self-loop counts once in each. On an undirected input (`g.symmetric`) both equal the
//! undirected degree with self-loops counted once (NetworkX counts them twice). Strength sums are in
//! `f64`, in row order. O(n + m) time.

use crate::graph::CsrGraph;
use rayon::prelude::*;
use serde::Serialize;

/// Degree and strength of every node, indexed by `NodeId`.
#[derive(Debug, Clone, Serialize)]
pub struct DegreeResult {
    /// Number of in-neighbours (who acted on the node).
    pub in_degree: Vec<u32>,
    /// Number of out-neighbours (whom the node acted on).
    pub out_degree: Vec<u32>,
    /// Sum of incoming arc weights.
    pub in_strength: Vec<f64>,
    /// Sum of outgoing arc weights.
    pub out_strength: Vec<f64>,
}

/// Degrees and strengths of every node.
pub fn degree(g: &CsrGraph) -> DegreeResult {
    let n = g.n() as u32;
    let row = |c: &crate::graph::Csr| -> (Vec<u32>, Vec<f64>) {
        (0..n)
            .into_par_iter()
            .map(|v| (c.degree(v) as u32, c.strength(v)))
            .unzip()
    };
    let (in_degree, in_strength) = row(&g.inc);
    let (out_degree, out_strength) = row(&g.out);
    DegreeResult {
        in_degree,
        out_degree,
        in_strength,
        out_strength,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn orientation() {
        let g =
            crate::graph::CsrGraph::from_arcs(3, &[(0, 1, 2.0), (0, 2, 1.0), (2, 2, 0.5)], true);
        let d = super::degree(&g);
        assert_eq!(d.out_degree, vec![2, 0, 1]);
        assert_eq!(d.in_degree, vec![0, 1, 2]);
        assert_eq!(d.out_strength, vec![3.0, 0.0, 0.5]);
        assert_eq!(d.in_strength, vec![0.0, 2.0, 1.5]);
    }
}
