//! Partition quality: modularity (Newman & Girvan 2004, with resolution γ as in Reichardt &
//! Bornholdt 2006), the Constant Potts Model (Traag, Van Dooren & Nesterov 2011), normalised
//! mutual information (Danon et al. 2005, arithmetic-mean normalisation as scikit-learn's
//! default) and a connectivity check.
//!
//! Conventions (identical to `networkx.community.modularity`): on the undirected view `g`
//! (every edge stored in both rows, a self-loop once in its row), the degree of `v` is its row
//! sum plus its self-loop weight again (a self-loop counts twice), `2m = Σ_v k_v`, and
//! `Q = Σ_c [ in_c / 2m − γ (K_c / 2m)² ]` where `in_c` sums both directions of internal edges
//! (self-loops twice). An edgeless graph has Q = 0.
//!
//! Determinism: per-node terms are computed in parallel but accumulated in node order, then
//! per community in community-id order, so the value does not depend on the thread count.
//! Time O(n + m), space O(n).

use crate::graph::Csr;
use rayon::prelude::*;

/// Per-node `(internal weight to own community, degree)` with the self-loop convention above.
fn node_terms(g: &Csr, community: &[u32]) -> Vec<(f64, f64)> {
    (0..g.n() as u32)
        .into_par_iter()
        .map(|v| {
            let cv = community[v as usize];
            let mut inside = 0.0;
            let mut deg = 0.0;
            for (u, w) in g.arcs(v) {
                let w = f64::from(w);
                // A self-loop is stored once but counts twice (degree and internal weight).
                let mult = if u == v { 2.0 } else { 1.0 };
                deg += mult * w;
                if community[u as usize] == cv {
                    inside += mult * w;
                }
            }
            (inside, deg)
        })
        .collect()
}

/// Per-community `(in_c, K_c)` sums (internal weight with both directions, total degree).
pub fn community_sums(g: &Csr, community: &[u32], count: usize) -> (Vec<f64>, Vec<f64>) {
    let terms = node_terms(g, community);
    let mut inside = vec![0.0; count];
    let mut deg = vec![0.0; count];
    for (v, &(i, d)) in terms.iter().enumerate() {
        let c = community[v] as usize;
        inside[c] += i;
        deg[c] += d;
    }
    (inside, deg)
}

/// Modularity of `community` (ids < `count`, any numbering) at resolution γ.
pub fn modularity(g: &Csr, community: &[u32], resolution: f64) -> f64 {
    let count = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let (inside, deg) = community_sums(g, community, count);
    let two_m: f64 = deg.iter().sum();
    if two_m <= 0.0 {
        return 0.0;
    }
    let mut q = 0.0;
    for c in 0..count {
        q += inside[c] / two_m - resolution * (deg[c] / two_m).powi(2);
    }
    q
}

/// Constant Potts Model quality `Σ_c [ e_c − γ n_c (n_c − 1) / 2 ]` (e_c = internal edge weight,
/// each edge once, self-loops once; n_c = community size).
pub fn cpm(g: &Csr, community: &[u32], resolution: f64) -> f64 {
    let count = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let (inside, _) = community_sums(g, community, count);
    let mut size = vec![0.0f64; count];
    for &c in community {
        size[c as usize] += 1.0;
    }
    let mut h = 0.0;
    for c in 0..count {
        h += inside[c] / 2.0 - resolution * size[c] * (size[c] - 1.0) / 2.0;
    }
    h
}

/// Normalised mutual information of two labelings of the same nodes, normalised by the
/// arithmetic mean of the entropies (scikit-learn's `normalized_mutual_info_score` default).
/// Two single-cluster labelings give 1.
pub fn nmi(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings of different lengths");
    let n = a.len();
    if n == 0 {
        return 1.0;
    }
    let ka = a.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let kb = b.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let mut ca = vec![0u64; ka];
    let mut cb = vec![0u64; kb];
    // Sparse contingency table: sort the pairs so summation order is fixed.
    let mut pairs: Vec<(u32, u32)> = a.iter().copied().zip(b.iter().copied()).collect();
    pairs.sort_unstable();
    for &(x, y) in &pairs {
        ca[x as usize] += 1;
        cb[y as usize] += 1;
    }
    let nf = n as f64;
    let entropy = |c: &[u64]| -> f64 {
        c.iter()
            .filter(|&&x| x > 0)
            .map(|&x| {
                let p = x as f64 / nf;
                -p * p.ln()
            })
            .sum()
    };
    let (ha, hb) = (entropy(&ca), entropy(&cb));
    let mut mi = 0.0;
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        while j < pairs.len() && pairs[j] == pairs[i] {
            j += 1;
        }
        let nij = (j - i) as f64;
        let (x, y) = pairs[i];
        mi += nij / nf * (nf * nij / (ca[x as usize] as f64 * cb[y as usize] as f64)).ln();
        i = j;
    }
    if ha == 0.0 && hb == 0.0 {
        return 1.0;
    }
    let denom = (ha + hb) / 2.0;
    if denom <= 0.0 {
        return 0.0;
    }
    (mi / denom).clamp(0.0, 1.0)
}

/// Communities whose induced subgraph in `g` is not connected (ids, ascending). O(n + m).
pub fn disconnected_communities(g: &Csr, community: &[u32]) -> Vec<u32> {
    let n = g.n();
    let count = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut seen = vec![false; n];
    let mut visited_parts = vec![0u32; count];
    let mut stack = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        let c = community[s];
        visited_parts[c as usize] += 1;
        seen[s] = true;
        stack.push(s as u32);
        while let Some(v) = stack.pop() {
            for &u in g.neighbors(v) {
                if !seen[u as usize] && community[u as usize] == c {
                    seen[u as usize] = true;
                    stack.push(u);
                }
            }
        }
    }
    (0..count as u32)
        .filter(|&c| visited_parts[c as usize] > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::CsrGraph;

    #[test]
    fn two_triangles() {
        let e = [
            (0, 1, 1.0),
            (1, 2, 1.0),
            (0, 2, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (3, 5, 1.0),
            (2, 3, 1.0),
        ];
        let g = CsrGraph::from_undirected_edges(6, &e, false).out;
        let p = [0, 0, 0, 1, 1, 1];
        // networkx: modularity(G, [{0,1,2},{3,4,5}]) = 0.35714285714285715
        assert!((modularity(&g, &p, 1.0) - 0.357_142_857_142_857_15).abs() < 1e-12);
        assert!((nmi(&p, &[5, 5, 5, 2, 2, 2]) - 1.0).abs() < 1e-12);
        assert!(nmi(&p, &[0, 1, 0, 1, 0, 1]) < 0.1);
        assert!(disconnected_communities(&g, &p).is_empty());
        assert_eq!(disconnected_communities(&g, &[0, 1, 0, 1, 1, 1]), vec![1]);
        assert!((cpm(&g, &p, 0.5) - (3.0 - 1.5) * 2.0).abs() < 1e-12);
    }
}
