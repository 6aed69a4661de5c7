//! Degree-ordered relabelling of a CSR direction, the locality lever of the large-graph kernels.
//!
//! Pull kernels (PageRank) read `x[u]` for every in-neighbour `u` of every node; on a power-law
//! graph in arbitrary id order nearly every such read is a cache miss. Giving the nodes new ids in
//! descending out-degree order (ties by old id) packs the values of the hubs, which are read most
//! often, into a few hot cache lines (GAP benchmark suite, Beamer et al. 2015; Balaji & Lucia 2018,
//! "When is graph reordering an optimization?"). The permutation is applied inside the kernel and
//! the results are mapped back, so callers keep indexing by their own `NodeId`.
//!
//! Cost: O(n log n) for the order plus O(m log d) to copy and sort the rows (parallel over
//! edge-balanced chunks); memory: a second copy of one direction's targets (4 B per arc, plus 4 B
//! per arc of weights when weighted) and 16 B per node. Deterministic: the order depends only on
//! the graph and rows are sorted by new id (rows have no duplicate neighbours).

use crate::graph::Csr;
use rayon::prelude::*;

/// Work (arcs + nodes) per parallel chunk of the edge-balanced kernels. Fixed, never derived from
/// the thread count, so per-chunk partial sums and therefore the result bits do not depend on it.
pub const CHUNK_WORK: u64 = 1 << 15;

/// One CSR direction under new node ids.
pub(crate) struct Relabeled {
    /// `old_of[new]` = the caller's NodeId.
    pub old_of: Vec<u32>,
    /// `new_of[old]` = the kernel's id.
    pub new_of: Vec<u32>,
    /// Row offsets under the new ids (length n + 1).
    pub offsets: Vec<u64>,
    /// Neighbours (new ids), sorted within each row.
    pub targets: Vec<u32>,
    /// Arc weights parallel to `targets`; empty when the copy was made without weights.
    pub weights: Vec<f32>,
    /// Edge-balanced chunk boundaries over the new ids: `bounds[c]..bounds[c+1]`.
    pub bounds: Vec<usize>,
}

/// Nodes ordered by descending `key` (ties by ascending id): `order[new] = old`.
pub(crate) fn order_by_degree_desc(key: impl Fn(u32) -> u64 + Sync, n: usize) -> Vec<u32> {
    let mut packed: Vec<u64> = (0..n as u32)
        .into_par_iter()
        .map(|v| {
            (u64::from(u32::MAX - key(v).min(u64::from(u32::MAX)) as u32) << 32) | u64::from(v)
        })
        .collect();
    packed.par_sort_unstable();
    packed.into_par_iter().map(|k| k as u32).collect()
}

/// Chunk boundaries such that each chunk carries about [`CHUNK_WORK`] of `degree + 1`.
pub(crate) fn edge_balanced_bounds(offsets: &[u64]) -> Vec<usize> {
    let n = offsets.len() - 1;
    let mut bounds = vec![0usize];
    let mut next = CHUNK_WORK;
    for v in 0..n {
        // Work before node v+1 = arcs of rows 0..=v plus v + 1 nodes.
        let work = offsets[v + 1] + v as u64 + 1;
        if work >= next {
            bounds.push(v + 1);
            next = work + CHUNK_WORK;
        }
    }
    if *bounds.last().unwrap_or(&0) != n {
        bounds.push(n);
    }
    bounds
}

/// Split `s` into consecutive pieces of the given lengths (`bounds` are cumulative positions).
pub(crate) fn split_at_bounds<'a, T>(mut s: &'a mut [T], bounds: &[usize]) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(bounds.len().saturating_sub(1));
    for w in bounds.windows(2) {
        let (a, b) = std::mem::take(&mut s).split_at_mut(w[1] - w[0]);
        out.push(a);
        s = b;
    }
    out
}

/// Copy `csr` under the permutation `old_of` (new → old), keeping weights when `with_weights`.
pub(crate) fn relabel(csr: &Csr, old_of: Vec<u32>, with_weights: bool) -> Relabeled {
    let n = old_of.len();
    let mut new_of = vec![0u32; n];
    for (new, &old) in old_of.iter().enumerate() {
        new_of[old as usize] = new as u32;
    }
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u64);
    let mut acc = 0u64;
    for &old in &old_of {
        acc += csr.degree(old) as u64;
        offsets.push(acc);
    }
    let bounds = edge_balanced_bounds(&offsets);
    let m = acc as usize;
    let mut targets = vec![0u32; m];
    let mut weights = if with_weights {
        vec![0f32; m]
    } else {
        Vec::new()
    };
    let arc_bounds: Vec<usize> = bounds.iter().map(|&b| offsets[b] as usize).collect();
    let t_chunks = split_at_bounds(&mut targets, &arc_bounds);
    let (old_ref, new_ref, off_ref) = (&old_of, &new_of, &offsets);
    if with_weights {
        let w_chunks = split_at_bounds(&mut weights, &arc_bounds);
        t_chunks
            .into_par_iter()
            .zip(w_chunks)
            .enumerate()
            .for_each(|(c, (ts, ws))| {
                let mut pairs: Vec<(u32, f32)> = Vec::new();
                let base = off_ref[bounds[c]] as usize;
                for i in bounds[c]..bounds[c + 1] {
                    let r = csr.range(old_ref[i]);
                    pairs.clear();
                    pairs.extend(
                        csr.targets[r.clone()]
                            .iter()
                            .zip(&csr.weights[r])
                            .map(|(&u, &w)| (new_ref[u as usize], w)),
                    );
                    pairs.sort_unstable_by_key(|p| p.0);
                    let lo = off_ref[i] as usize - base;
                    for (k, &(u, w)) in pairs.iter().enumerate() {
                        ts[lo + k] = u;
                        ws[lo + k] = w;
                    }
                }
            });
    } else {
        t_chunks.into_par_iter().enumerate().for_each(|(c, ts)| {
            let base = off_ref[bounds[c]] as usize;
            for i in bounds[c]..bounds[c + 1] {
                let row = &csr.targets[csr.range(old_ref[i])];
                let lo = off_ref[i] as usize - base;
                let dst = &mut ts[lo..lo + row.len()];
                for (d, &u) in dst.iter_mut().zip(row) {
                    *d = new_ref[u as usize];
                }
                dst.sort_unstable();
            }
        });
    }
    Relabeled {
        old_of,
        new_of,
        offsets,
        targets,
        weights,
        bounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relabel_keeps_the_arcs() {
        let csr = Csr::from_arcs(4, &[(0, 1, 1.0), (2, 1, 2.0), (2, 3, 3.0), (3, 0, 4.0)]);
        let order = order_by_degree_desc(|v| csr.degree(v) as u64, 4);
        assert_eq!(order, vec![2, 0, 3, 1]);
        let r = relabel(&csr, order, true);
        let mut arcs = Vec::new();
        for i in 0..4usize {
            for k in r.offsets[i] as usize..r.offsets[i + 1] as usize {
                arcs.push((r.old_of[i], r.old_of[r.targets[k] as usize], r.weights[k]));
            }
        }
        arcs.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        assert_eq!(
            arcs,
            vec![(0, 1, 1.0), (2, 1, 2.0), (2, 3, 3.0), (3, 0, 4.0)]
        );
        assert_eq!(*r.bounds.last().expect("bounds"), 4);
    }
}
