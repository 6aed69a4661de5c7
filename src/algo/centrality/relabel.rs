//! Degree-ordered relabelling of a CSR direction, the locality lever of the large-graph kernels.
//!
//! Pull kernels (PageRank) read `x[u]` for every in-neighbour `u` of every node; on a power-law
//! graph in arbitrary id order nearly every such read is a cache miss. Giving the nodes new ids in
//! descending out-degree order (ties by old id) packs the values of the hubs, which are read most
//! often, into a few hot cache lines (GAP benchmark suite, Beamer et al. 2015; Balaji & Lucia 2018,
//! "When is graph reordering an optimization?"). The permutation is applied inside the kernel and
//! the results are mapped back, so callers keep indexing by their own `NodeId`.
//!
//! Cost: O(n + max degree) for the order (counting sort) plus O(n + m) to copy and map the rows
//! (parallel over edge-balanced chunks), and O(m log d) more when the rows are re-sorted
//! (betweenness keeps sorted rows; PageRank does not need them); memory: a second copy of one
//! direction's targets (4 B per arc, plus 4 B per arc of weights when weighted) and 16 B per node.
//! Deterministic: the order depends only on the graph, and each copied row is either sorted by new
//! id or in the input row's order, whatever the thread count.

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
///
/// A stable counting sort over the key values, O(n + max key): degrees are bounded by the arc
/// count, so this is linear where a comparison sort costs O(n log n). Keys far above n (not
/// degrees) fall back to a comparison sort with the same result.
pub(crate) fn order_by_degree_desc(key: impl Fn(u32) -> u64 + Sync, n: usize) -> Vec<u32> {
    let keys: Vec<u64> = (0..n as u32).into_par_iter().map(&key).collect();
    let max = keys.par_iter().copied().max().unwrap_or(0);
    if max > 4 * n as u64 + 1024 {
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_unstable_by_key(|&v| (std::cmp::Reverse(keys[v as usize]), v));
        return order;
    }
    // start[k] = first position of key k in descending order.
    let mut start = vec![0usize; max as usize + 2];
    for &k in &keys {
        start[k as usize] += 1;
    }
    let mut acc = 0usize;
    for slot in start.iter_mut().rev() {
        let c = *slot;
        *slot = acc;
        acc += c;
    }
    let mut order = vec![0u32; n];
    // Ascending ids within a key: ties by id.
    for (v, &k) in keys.iter().enumerate() {
        let p = &mut start[k as usize];
        order[*p] = v as u32;
        *p += 1;
    }
    order
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
///
/// Row `i` of the copy is row `old_of[i]` of `csr` with every neighbour mapped to its new id,
/// copied in parallel over arc-balanced chunks (sequential writes, independent random reads of
/// `new_of`: O(n + m)). With `sort_rows` each row is then sorted by new id (O(m log d)); without
/// it the row keeps the original row's order, which is fixed by the input, so kernels summing
/// over rows stay deterministic; the pull kernels do not need sorted rows (the same cache lines
/// are touched in either order) and skip that cost.
pub(crate) fn relabel(
    csr: &Csr,
    old_of: Vec<u32>,
    with_weights: bool,
    sort_rows: bool,
) -> Relabeled {
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
    let map_rows = |c: usize, ts: &mut [u32]| {
        let base = off_ref[bounds[c]] as usize;
        for i in bounds[c]..bounds[c + 1] {
            let row = &csr.targets[csr.range(old_ref[i])];
            let lo = off_ref[i] as usize - base;
            let dst = &mut ts[lo..lo + row.len()];
            for (d, &u) in dst.iter_mut().zip(row) {
                *d = new_ref[u as usize];
            }
        }
    };
    if with_weights && sort_rows {
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
    } else if with_weights {
        let w_chunks = split_at_bounds(&mut weights, &arc_bounds);
        t_chunks
            .into_par_iter()
            .zip(w_chunks)
            .enumerate()
            .for_each(|(c, (ts, ws))| {
                map_rows(c, ts);
                let base = off_ref[bounds[c]] as usize;
                for i in bounds[c]..bounds[c + 1] {
                    let lo = off_ref[i] as usize - base;
                    let src = &csr.weights[csr.range(old_ref[i])];
                    ws[lo..lo + src.len()].copy_from_slice(src);
                }
            });
    } else {
        t_chunks.into_par_iter().enumerate().for_each(|(c, ts)| {
            map_rows(c, ts);
            if sort_rows {
                let base = off_ref[bounds[c]] as usize;
                for i in bounds[c]..bounds[c + 1] {
                    let lo = off_ref[i] as usize - base;
                    let hi = off_ref[i + 1] as usize - base;
                    ts[lo..hi].sort_unstable();
                }
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

    fn arcs_of(r: &Relabeled, sorted: bool) -> Vec<(u32, u32, f32)> {
        let mut arcs = Vec::new();
        for i in 0..r.old_of.len() {
            let row = &r.targets[r.offsets[i] as usize..r.offsets[i + 1] as usize];
            assert!(
                !sorted || row.windows(2).all(|w| w[0] < w[1]),
                "row {i} not sorted"
            );
            for k in r.offsets[i] as usize..r.offsets[i + 1] as usize {
                arcs.push((r.old_of[i], r.old_of[r.targets[k] as usize], r.weights[k]));
            }
        }
        arcs.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        arcs
    }

    #[test]
    fn relabel_keeps_the_arcs() {
        let arcs = vec![(0, 1, 1.0), (2, 1, 2.0), (2, 3, 3.0), (3, 0, 4.0)];
        let csr = Csr::from_arcs(4, &arcs);
        let order = order_by_degree_desc(|v| csr.degree(v) as u64, 4);
        assert_eq!(order, vec![2, 0, 3, 1]);
        for sort_rows in [true, false] {
            let r = relabel(&csr, order.clone(), true, sort_rows);
            assert_eq!(arcs_of(&r, sort_rows), arcs);
            assert_eq!(*r.bounds.last().expect("bounds"), 4);
        }
    }

    #[test]
    fn relabel_is_the_same_for_any_pool_size() {
        // A pseudo-random graph with hubs, relabelled in 1-, 2- and 3-thread pools.
        let n = 300u32;
        let mut arcs = Vec::new();
        let mut x = 12345u64;
        for u in 0..n {
            for _ in 0..(u % 7) * 3 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let v = ((x >> 33) % u64::from(n)) as u32 / (1 + (x >> 60) as u32);
                arcs.push((u, v, (x >> 40) as f32 / 1000.0));
            }
        }
        arcs.sort_by_key(|a| (a.0, a.1));
        arcs.dedup_by_key(|a| (a.0, a.1));
        let csr = Csr::from_arcs(n as usize, &arcs);
        let mut sorted = arcs.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        for (with_weights, sort_rows) in
            [(true, true), (true, false), (false, true), (false, false)]
        {
            let build = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("pool");
                pool.install(|| {
                    let order = order_by_degree_desc(|v| csr.degree(v) as u64, n as usize);
                    relabel(&csr, order, with_weights, sort_rows)
                })
            };
            let one = build(1);
            if with_weights {
                assert_eq!(arcs_of(&one, sort_rows), sorted);
            }
            for threads in [2, 3] {
                let other = build(threads);
                assert_eq!(other.old_of, one.old_of);
                assert_eq!(other.offsets, one.offsets);
                assert_eq!(other.targets, one.targets);
                assert_eq!(other.weights, one.weights);
            }
        }
    }

    #[test]
    fn counting_order_matches_a_comparison_sort() {
        let keys: Vec<u64> = (0..1000u64).map(|v| (v * 7919) % 37).collect();
        let order = order_by_degree_desc(|v| keys[v as usize], keys.len());
        let mut expected: Vec<u32> = (0..1000).collect();
        expected.sort_by_key(|&v| (std::cmp::Reverse(keys[v as usize]), v));
        assert_eq!(order, expected);
        // Keys far above n take the comparison-sort path with the same ordering rule.
        let big = order_by_degree_desc(|v| keys[v as usize] << 40, keys.len());
        assert_eq!(big, expected);
    }
}
