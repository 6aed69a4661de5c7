//! Compact CSR (compressed sparse row) view that every algorithm runs on.
//!
//! Node ids are `u32` (= petgraph node index = input order of first appearance). Each row is sorted
//! by neighbour id and has no duplicates (parallel arcs are merged by summing weights). Weights are
//! `f32`; offsets are `u64` so graphs above 4G arcs still fit. With both the out- and the in-adjacency,
//! the memory cost is 2 × (4 + 4) = 16 bytes per directed edge plus 16 bytes per node.

use super::edges::EdgeTable;
use super::model::{EdgeData, N_KINDS};
use super::property::PropertyGraph;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// One adjacency direction in CSR form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    /// `offsets[v]..offsets[v+1]` indexes the row of `v`; length n + 1.
    pub offsets: Vec<u64>,
    /// Neighbour ids, sorted within each row.
    pub targets: Vec<u32>,
    /// Arc weights, parallel to `targets`.
    pub weights: Vec<f32>,
}

impl Csr {
    /// Build from arcs `(row, col, weight)`. Rows come out sorted by column; duplicate
    /// `(row, col)` pairs are merged by summing their weights. O(m log d) time, O(n + m) space.
    pub fn from_arcs(n: usize, arcs: &[(u32, u32, f32)]) -> Csr {
        let mut counts = vec![0u64; n + 1];
        for &(s, _, _) in arcs {
            counts[s as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let m = arcs.len();
        let mut pairs: Vec<(u32, f32)> = vec![(0, 0.0); m];
        for &(s, t, w) in arcs {
            let p = &mut fill[s as usize];
            pairs[*p as usize] = (t, w);
            *p += 1;
        }
        Self::from_filled_rows(n, &counts, pairs)
    }

    /// Sort each row, merge duplicates and compact. `offsets` describes `pairs` before merging.
    fn from_filled_rows(n: usize, offsets: &[u64], mut pairs: Vec<(u32, f32)>) -> Csr {
        // Split the pair buffer into rows and sort them in parallel; stable sort keeps the
        // summation order of duplicates = input order, so the result does not depend on threads.
        let mut rows: Vec<&mut [(u32, f32)]> = Vec::with_capacity(n);
        let mut rest: &mut [(u32, f32)] = &mut pairs;
        for v in 0..n {
            let len = (offsets[v + 1] - offsets[v]) as usize;
            let (row, tail) = rest.split_at_mut(len);
            rows.push(row);
            rest = tail;
        }
        rows.par_iter_mut().for_each(|r| r.sort_by_key(|&(t, _)| t));
        let mut out_offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(pairs.len());
        let mut weights = Vec::with_capacity(pairs.len());
        out_offsets.push(0u64);
        for v in 0..n {
            let row = &pairs[offsets[v] as usize..offsets[v + 1] as usize];
            let mut last: Option<u32> = None;
            for &(t, w) in row {
                if last == Some(t) {
                    if let Some(x) = weights.last_mut() {
                        *x += w;
                    }
                } else {
                    targets.push(t);
                    weights.push(w);
                    last = Some(t);
                }
            }
            out_offsets.push(targets.len() as u64);
        }
        targets.shrink_to_fit();
        weights.shrink_to_fit();
        Csr {
            offsets: out_offsets,
            targets,
            weights,
        }
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// Number of stored arcs.
    pub fn m(&self) -> usize {
        self.targets.len()
    }
    /// Row range of `v`.
    #[inline]
    pub fn range(&self, v: u32) -> std::ops::Range<usize> {
        self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize
    }
    /// Neighbours of `v` (sorted).
    #[inline]
    pub fn neighbors(&self, v: u32) -> &[u32] {
        &self.targets[self.range(v)]
    }
    /// Weights of the row of `v`, parallel to `neighbors(v)`. Not for a view whose weights were
    /// dropped ([`Csr::unit_dropped`]); [`Csr::arcs`] reads both.
    #[inline]
    pub fn weights_of(&self, v: u32) -> &[f32] {
        &self.weights[self.range(v)]
    }
    /// True when the weight array was dropped because every arc weighs 1 (no weights stored
    /// while arcs are): community detection frees the 4 bytes per arc of an unweighted view for
    /// its run ([`Csr::drop_unit_weights`]). Only [`Csr::arcs`] and the community detection read
    /// such a view.
    #[inline]
    pub fn unit_dropped(&self) -> bool {
        self.weights.is_empty() && !self.targets.is_empty()
    }
    /// `(neighbour, weight)` of the row of `v`, weight 1 when the weights were dropped.
    #[inline]
    pub fn arcs(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let r = self.range(v);
        let ws = if self.unit_dropped() {
            None
        } else {
            Some(&self.weights[r.clone()])
        };
        self.targets[r]
            .iter()
            .enumerate()
            .map(move |(k, &u)| (u, ws.map_or(1.0, |w| w[k])))
    }
    /// Free the weight array when every weight is exactly 1 (see [`Csr::unit_dropped`]);
    /// returns whether it did. [`Csr::restore_unit_weights`] puts it back.
    pub fn drop_unit_weights(&mut self) -> bool {
        if self.targets.is_empty() || !self.unit_weights() {
            return false;
        }
        self.weights = Vec::new();
        true
    }
    /// Undo [`Csr::drop_unit_weights`] (no-op otherwise).
    pub fn restore_unit_weights(&mut self) {
        if self.unit_dropped() {
            self.weights = vec![1.0; self.targets.len()];
        }
    }
    /// Number of arcs in the row of `v`.
    #[inline]
    pub fn degree(&self, v: u32) -> usize {
        (self.offsets[v as usize + 1] - self.offsets[v as usize]) as usize
    }
    /// Sum of weights in the row of `v`, summed in row order.
    pub fn strength(&self, v: u32) -> f64 {
        self.weights_of(v).iter().map(|&w| f64::from(w)).sum()
    }
    /// The transposed CSR (rows become columns). O(n + m).
    pub fn transpose(&self) -> Csr {
        let n = self.n();
        let mut counts = vec![0u64; n + 1];
        for &t in &self.targets {
            counts[t as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut targets = vec![0u32; self.m()];
        let mut weights = vec![0f32; self.m()];
        // Visiting sources in increasing order fills every transposed row already sorted.
        for s in 0..n as u32 {
            for i in self.range(s) {
                let t = self.targets[i] as usize;
                let p = fill[t] as usize;
                targets[p] = s;
                weights[p] = self.weights[i];
                fill[t] += 1;
            }
        }
        Csr {
            offsets: counts,
            targets,
            weights,
        }
    }
    /// Bytes held by this CSR.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.capacity() * 8 + self.targets.capacity() * 4 + self.weights.capacity() * 4
    }
}

/// How interaction aggregates become one weight per arc.
#[derive(Debug, Clone, Serialize)]
pub struct WeightView {
    /// Weight of one interaction of each kind (see `InteractionKind::default_weight`).
    pub kind_weights: [f64; N_KINDS],
    /// Ignore weights: every arc weighs 1.
    pub unweighted: bool,
    /// Recency half-life in seconds (multiplies each arc's strength by its rows' mean decay
    /// factor `2^-(age/h)`, age measured from `reference_ts`). Requires the half-life at ingest.
    pub half_life_secs: Option<f64>,
    /// Reference time for the decay (usually the latest timestamp in the data or `--until`).
    pub reference_ts: Option<i64>,
}

impl Default for WeightView {
    fn default() -> Self {
        WeightView {
            kind_weights: super::model::InteractionKind::ALL.map(|k| k.default_weight()),
            unweighted: false,
            half_life_secs: None,
            reference_ts: None,
        }
    }
}

impl WeightView {
    /// Weight of one aggregated edge under this view.
    pub fn weight(&self, e: &EdgeData) -> f64 {
        if self.unweighted {
            return 1.0;
        }
        let mut w = e.strength(&self.kind_weights);
        if let (Some(h), Some(r)) = (self.half_life_secs, self.reference_ts) {
            if e.last_ts != i64::MIN && e.recency_acc > 0.0 {
                let n: u64 = e.total();
                let mean_decay =
                    e.recency_acc * (((e.last_ts - r) as f64) / h).exp2() / n.max(1) as f64;
                w *= mean_decay.min(1.0);
            }
        }
        w
    }
}

/// The compute graph: out- and in-adjacency of the directed interaction graph.
#[derive(Debug, Clone, Default)]
pub struct CsrGraph {
    /// Push direction: row `v` lists whom `v` acted on.
    pub out: Arc<Csr>,
    /// Pull direction: row `v` lists who acted on `v`. For symmetric input this is the same
    /// allocation as `out` (an undirected graph is its own transpose), which saves one copy.
    pub inc: Arc<Csr>,
    /// True when the input was undirected (every edge stored as two arcs of equal weight);
    /// then the undirected view is `out` itself and weights are not summed twice.
    pub symmetric: bool,
    /// True when weights carry information (false = every arc weighs 1).
    pub weighted: bool,
}

impl Csr {
    /// True when every stored weight is exactly 1.0 (then weighted and unweighted arithmetic
    /// give the same bits: `x · 1 = x`, and strengths are exact integer degrees). Parallel scan.
    pub fn unit_weights(&self) -> bool {
        let one = 1f32.to_bits();
        self.weights
            .par_iter()
            .with_min_len(1 << 16)
            .all(|w| w.to_bits() == one)
    }
}

impl CsrGraph {
    /// Build from directed arcs. Duplicate arcs are merged by summing weights.
    pub fn from_arcs(n: usize, arcs: &[(u32, u32, f32)], weighted: bool) -> CsrGraph {
        Self::build(n, arcs, weighted, false)
    }

    /// Build from arcs; `symmetric` promises that every arc u→v has a twin v→u of equal weight,
    /// so the in-CSR is the out-CSR and is shared instead of transposed.
    fn build(n: usize, arcs: &[(u32, u32, f32)], weighted: bool, symmetric: bool) -> CsrGraph {
        Self::from_out(Csr::from_arcs(n, arcs), weighted, symmetric)
    }

    /// Complete an out-CSR: the in-CSR is shared when `symmetric`, else the transpose.
    fn from_out(out: Csr, weighted: bool, symmetric: bool) -> CsrGraph {
        let out = Arc::new(out);
        let inc = if symmetric {
            debug_assert!(
                out.transpose() == *out,
                "symmetric input must be its own transpose"
            );
            Arc::clone(&out)
        } else {
            Arc::new(out.transpose())
        };
        CsrGraph {
            out,
            inc,
            symmetric,
            weighted,
        }
    }

    /// Build from undirected edges: each `{u, v}` becomes the arcs u→v and v→u (a self-loop once).
    pub fn from_undirected_edges(n: usize, edges: &[(u32, u32, f32)], weighted: bool) -> CsrGraph {
        let mut arcs = Vec::with_capacity(edges.len() * 2);
        for &(u, v, w) in edges {
            arcs.push((u, v, w));
            if u != v {
                arcs.push((v, u, w));
            }
        }
        Self::build(n, &arcs, weighted, true)
    }

    /// Build from the property graph under a weight view.
    ///
    /// The edge table is already sorted by (source, target) with unique pairs, so the out-CSR
    /// is the table's own row structure: offsets and targets are copied, weights computed in
    /// parallel chunks straight from the columns (no arc list, no sort). O(n + m).
    pub fn from_property(pg: &PropertyGraph, view: &WeightView, symmetric: bool) -> CsrGraph {
        let n = pg.node_count();
        if pg.has_staged() {
            // Pairs added one at a time and not yet compacted: the generic path.
            let arcs: Vec<(u32, u32, f32)> = pg
                .edges()
                .map(|(s, t, e)| (s, t, view.weight(&e) as f32))
                .collect();
            return Self::build(n, &arcs, !view.unweighted, symmetric);
        }
        let table = pg.table();
        let m = table.len();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.extend_from_slice(table.offsets());
        if offsets.is_empty() {
            offsets.push(0);
        }
        offsets.resize(n + 1, m as u64);
        let targets = table.targets().to_vec();
        let weights = table_weights(table, view);
        let out = Csr {
            offsets,
            targets,
            weights,
        };
        Self::from_out(out, !view.unweighted, symmetric)
    }

    /// Like [`from_property`], but the table's offsets and targets are MOVED into the out-CSR
    /// instead of copied, and the property graph is left with its nodes and no edges. For
    /// commands that need only node ids/properties once the CSR exists (`centrality`): the peak
    /// holds one target array instead of two (4 B per pair + 8 B per node less; 139 MB on
    /// R-MAT 20). The result is identical to [`from_property`]'s.
    ///
    /// [`from_property`]: CsrGraph::from_property
    pub fn from_property_take(
        pg: &mut PropertyGraph,
        view: &WeightView,
        symmetric: bool,
    ) -> CsrGraph {
        let n = pg.node_count();
        if pg.has_staged() {
            let g = Self::from_property(pg, view, symmetric);
            drop(pg.take_table());
            return g;
        }
        // Weights need the table's columns: compute them first, then take the row structure.
        let weights = table_weights(pg.table(), view);
        let (mut offsets, targets) = pg.take_table().into_adjacency();
        let m = targets.len();
        if offsets.is_empty() {
            offsets.push(0);
        }
        offsets.resize(n + 1, m as u64);
        let out = Csr {
            offsets,
            targets,
            weights,
        };
        Self::from_out(out, !view.unweighted, symmetric)
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.out.n()
    }
    /// Number of directed arcs.
    pub fn m(&self) -> usize {
        self.out.m()
    }
    /// The weighted undirected view: w{u,v} = w(u→v) + w(v→u) for directed input, or the
    /// stored weight for undirected input (then it is `out` itself, shared, not copied).
    /// Self-loops appear once in their row.
    pub fn undirected(&self) -> Arc<Csr> {
        if self.symmetric {
            return Arc::clone(&self.out);
        }
        let n = self.n();
        let mut arcs = Vec::with_capacity(self.m() * 2);
        for s in 0..n as u32 {
            for i in self.out.range(s) {
                let t = self.out.targets[i];
                let w = self.out.weights[i];
                arcs.push((s, t, w));
                if s != t {
                    arcs.push((t, s, w));
                }
            }
        }
        Arc::new(Csr::from_arcs(n, &arcs))
    }
    /// Bytes held by the out- and in-CSR (once when they are shared).
    pub fn memory_bytes(&self) -> usize {
        if Arc::ptr_eq(&self.out, &self.inc) {
            self.out.memory_bytes()
        } else {
            self.out.memory_bytes() + self.inc.memory_bytes()
        }
    }
}

/// The weight of every pair of the table under `view`, in table order (parallel, chunked on
/// 64-pair blocks; each weight depends only on its own pair, so threads cannot change it).
fn table_weights(table: &EdgeTable, view: &WeightView) -> Vec<f32> {
    let m = table.len();
    if view.unweighted {
        return vec![1.0; m];
    }
    let recency = view.half_life_secs.is_some() && view.reference_ts.is_some();
    if let (false, Some((k, count, wsum))) = (recency, table.single_kind_sums()) {
        // One kind: strength = wsum · kind weight (the other kinds add exact zeros).
        let kw = view.kind_weights[k as usize];
        return (0..m)
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|i| {
                let w = match wsum.get(i) {
                    Some(&w) => w,
                    None => count.get(i).map_or(1.0, |&c| c as f32),
                };
                (f64::from(w) * kw) as f32
            })
            .collect();
    }
    const CH: usize = 1 << 14; // a multiple of the table's 64-pair blocks
    let mut out = vec![0f32; m];
    out.par_chunks_mut(CH).enumerate().for_each(|(c, dst)| {
        let start = c * CH;
        table.map_range(start..start + dst.len(), |i, e| {
            dst[i - start] = view.weight(e) as f32;
        });
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_sorts_and_merges() {
        let g = CsrGraph::from_arcs(
            3,
            &[(0, 2, 1.0), (0, 1, 2.0), (0, 2, 0.5), (2, 0, 1.0)],
            true,
        );
        assert_eq!(g.out.neighbors(0), &[1, 2]);
        assert_eq!(g.out.weights_of(0), &[2.0, 1.5]);
        assert_eq!(g.inc.neighbors(0), &[2]);
        assert_eq!(g.inc.neighbors(2), &[0]);
        let u = g.undirected();
        assert_eq!(u.neighbors(0), &[1, 2]);
        assert_eq!(u.weights_of(0), &[2.0, 2.5]);
    }
}
