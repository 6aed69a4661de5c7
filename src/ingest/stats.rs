//! Summary statistics of a loaded dataset (`kolgraph stats`).
//!
//! Weakly connected components by union–find (path halving, union by size): O(m α(n)).
//! Degrees are distinct neighbours in the CSR (self-loops count once in each direction).
//! Reciprocity = share of non-loop arcs u→v whose reverse v→u exists (binary search in the
//! sorted CSR rows, O(m log d)). Density = non-loop arcs / (n (n − 1)).

use super::{Dataset, IngestReport};
use crate::graph::{CsrGraph, InteractionKind, NodeKind, WeightView};
use serde::Serialize;
use std::collections::BTreeMap;

/// Min / median / mean / max of a degree sequence.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DegreeSummary {
    /// Smallest degree.
    pub min: u64,
    /// Median (lower median for even n).
    pub median: u64,
    /// Mean.
    pub mean: f64,
    /// Largest degree.
    pub max: u64,
}

impl DegreeSummary {
    fn of(mut d: Vec<u64>) -> Self {
        if d.is_empty() {
            return Self::default();
        }
        d.sort_unstable();
        let sum: u64 = d.iter().sum();
        DegreeSummary {
            min: d[0],
            median: d[(d.len() - 1) / 2],
            mean: sum as f64 / d.len() as f64,
            max: d[d.len() - 1],
        }
    }
}

/// Everything `kolgraph stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetStats {
    /// All nodes.
    pub nodes: u64,
    /// Customer nodes.
    pub customers: u64,
    /// Brand accounts.
    pub brands: u64,
    /// Staff accounts.
    pub staff: u64,
    /// Distinct directed (source, target) pairs.
    pub edges: u64,
    /// Accepted interaction rows.
    pub interactions: u64,
    /// Interaction rows per kind.
    pub interactions_by_kind: BTreeMap<String, u64>,
    /// Interaction rows per platform.
    pub interactions_by_platform: BTreeMap<String, u64>,
    /// Rejected rows (all files).
    pub rejected: u64,
    /// Exact duplicate interaction rows.
    pub duplicates: u64,
    /// Self-interactions.
    pub self_loops: u64,
    /// Rows outside --since/--until.
    pub outside_window: u64,
    /// Transactions accepted.
    pub transactions: u64,
    /// Handles merged into customers.
    pub merged_handles: u64,
    /// Earliest interaction (RFC 3339).
    pub first_interaction: Option<String>,
    /// Latest interaction (RFC 3339).
    pub last_interaction: Option<String>,
    /// Weakly connected components.
    pub components: u64,
    /// Nodes in the largest weakly connected component.
    pub largest_component: u64,
    /// Out-degree summary (distinct targets).
    pub out_degree: DegreeSummary,
    /// In-degree summary (distinct sources).
    pub in_degree: DegreeSummary,
    /// Share of arcs whose reverse arc exists.
    pub reciprocity: f64,
    /// Arcs / (n (n − 1)).
    pub density: f64,
    /// Bytes of the out- and in-CSR (offsets, targets, f32 weights).
    pub csr_bytes: u64,
    /// CSR bytes per directed edge, offsets included.
    pub csr_bytes_per_edge: f64,
    /// CSR bytes per directed edge for the adjacency arrays alone (targets + weights, both directions).
    pub csr_adjacency_bytes_per_edge: f64,
    /// Bytes of the property graph's columnar edge table (all aggregated edge properties).
    pub edge_store_bytes: u64,
    /// Edge-table bytes per distinct (source, target) pair, row offsets included.
    pub edge_store_bytes_per_pair: f64,
}

fn find(p: &mut [u32], mut x: u32) -> u32 {
    while p[x as usize] != x {
        let g = p[p[x as usize] as usize];
        p[x as usize] = g;
        x = g;
    }
    x
}

/// Weakly connected components: (count, size of the largest).
pub fn weak_components(n: usize, csr: &CsrGraph) -> (u64, u64) {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size = vec![1u32; n];
    for s in 0..n as u32 {
        for &t in csr.out.neighbors(s) {
            let (a, b) = (find(&mut parent, s), find(&mut parent, t));
            if a != b {
                let (big, small) = if size[a as usize] >= size[b as usize] {
                    (a, b)
                } else {
                    (b, a)
                };
                parent[small as usize] = big;
                size[big as usize] += size[small as usize];
            }
        }
    }
    let mut count = 0;
    let mut largest = 0;
    for v in 0..n as u32 {
        if find(&mut parent, v) == v {
            count += 1;
            largest = largest.max(u64::from(size[v as usize]));
        }
    }
    (count, largest)
}

/// Compute the statistics of a dataset.
pub fn compute(ds: &Dataset) -> DatasetStats {
    let g = &ds.graph;
    let n = g.node_count();
    let (customers, brands, staff) = g.kind_counts();
    let csr = CsrGraph::from_property(g, &WeightView::default(), ds.undirected);
    let m = csr.m();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for (_, _, e) in g.edges() {
        for k in InteractionKind::ALL {
            let c = u64::from(e.counts[k.index()]);
            if c > 0 {
                *by_kind.entry(k.as_str().to_string()).or_default() += c;
            }
        }
    }
    let (components, largest) = weak_components(n, &csr);
    let out_deg: Vec<u64> = (0..n as u32).map(|v| csr.out.degree(v) as u64).collect();
    let in_deg: Vec<u64> = (0..n as u32).map(|v| csr.inc.degree(v) as u64).collect();
    let mut arcs = 0u64;
    let mut recip = 0u64;
    for s in 0..n as u32 {
        for &t in csr.out.neighbors(s) {
            if s != t {
                arcs += 1;
                if csr.out.neighbors(t).binary_search(&s).is_ok() {
                    recip += 1;
                }
            }
        }
    }
    let r: &IngestReport = &ds.report;
    let bytes = csr.memory_bytes() as u64;
    let adj = (csr.out.targets.len()
        + csr.out.weights.len()
        + csr.inc.targets.len()
        + csr.inc.weights.len())
        * 4;
    DatasetStats {
        nodes: n as u64,
        customers: customers as u64,
        brands: brands as u64,
        staff: staff as u64,
        edges: g.edge_count() as u64,
        interactions: r.interactions,
        interactions_by_kind: by_kind,
        interactions_by_platform: r.platform_rows.clone(),
        rejected: r.rejects.len() as u64,
        duplicates: r.duplicates,
        self_loops: r.self_loops,
        outside_window: r.outside_window,
        transactions: ds.transactions.len() as u64,
        merged_handles: r.merged_handles,
        first_interaction: r.min_ts.map(super::values::format_ts),
        last_interaction: r.max_ts.map(super::values::format_ts),
        components,
        largest_component: largest,
        out_degree: DegreeSummary::of(out_deg),
        in_degree: DegreeSummary::of(in_deg),
        reciprocity: if arcs > 0 {
            recip as f64 / arcs as f64
        } else {
            0.0
        },
        density: if n > 1 {
            arcs as f64 / (n as f64 * (n as f64 - 1.0))
        } else {
            0.0
        },
        csr_bytes: bytes,
        csr_bytes_per_edge: if m > 0 { bytes as f64 / m as f64 } else { 0.0 },
        csr_adjacency_bytes_per_edge: if m > 0 { adj as f64 / m as f64 } else { 0.0 },
        edge_store_bytes: g.edge_memory_bytes() as u64,
        edge_store_bytes_per_pair: if g.edge_count() > 0 {
            g.edge_memory_bytes() as f64 / g.edge_count() as f64
        } else {
            0.0
        },
    }
}

/// Node kind counts as (kind, count) rows, for tables.
pub fn kind_rows(s: &DatasetStats) -> [(NodeKind, u64); 3] {
    [
        (NodeKind::Customer, s.customers),
        (NodeKind::Brand, s.brands),
        (NodeKind::Staff, s.staff),
    ]
}
