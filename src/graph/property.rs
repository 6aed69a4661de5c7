//! The property graph: petgraph `StableDiGraph`-free plain `DiGraph` whose node index equals the CSR row.
//!
//! Nodes are never removed, so by petgraph's index contract `NodeIndex::index()` is stable and is the
//! compact node id (`u32`) used by every algorithm. Parallel interactions between the same ordered pair
//! are merged into one `EdgeData` (counts per kind, timestamps, sentiment).

use super::model::{EdgeData, InteractionKind, NodeData, NodeKind};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast non-cryptographic hasher for the id and edge maps (the FxHash scheme: rotate, xor,
/// multiply, 8 bytes at a time). Ingest does several lookups per input row, and SipHash was the
/// largest cost; these maps are never iterated, so the hash cannot influence any output.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX_K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // Final avalanche so that hashbrown's top-7-bit tags are well spread.
        crate::algo::rng::mix64(self.0)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// `InteractionRow::platform` of a row without a platform.
pub const NO_PLATFORM: u32 = u32::MAX;

/// One validated interaction row with resolved node ids, for
/// [`PropertyGraph::add_interaction_rows`] (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InteractionRow {
    /// Source node.
    pub s: u32,
    /// Target node.
    pub t: u32,
    /// Unix seconds (meaningful when `flags & ROW_HAS_TS`).
    pub ts: i64,
    /// Row weight.
    pub weight: f32,
    /// Sentiment (meaningful when `flags & ROW_HAS_SENTIMENT`).
    pub sentiment: f32,
    /// Index into the caller's platform table, or [`NO_PLATFORM`].
    pub platform: u32,
    /// `InteractionKind::index()`.
    pub kind: u8,
    /// `ROW_HAS_TS | ROW_HAS_SENTIMENT`.
    pub flags: u8,
}

/// `InteractionRow::flags`: the row has a timestamp.
pub const ROW_HAS_TS: u8 = 1;
/// `InteractionRow::flags`: the row has a sentiment.
pub const ROW_HAS_SENTIMENT: u8 = 2;

impl InteractionRow {
    /// The timestamp, if the row has one.
    #[inline]
    pub fn timestamp(&self) -> Option<i64> {
        (self.flags & ROW_HAS_TS != 0).then_some(self.ts)
    }
    /// The sentiment, if the row has one.
    #[inline]
    pub fn sentiment_value(&self) -> Option<f32> {
        (self.flags & ROW_HAS_SENTIMENT != 0).then_some(self.sentiment)
    }
}

/// Fold one interaction into an aggregated edge (shared by the row-by-row and bulk paths so
/// both give bit-identical sums).
#[inline]
fn fold_row(
    e: &mut EdgeData,
    k: usize,
    platform_bit: u64,
    timestamp: Option<i64>,
    weight: f32,
    sentiment: Option<f32>,
    half_life_secs: Option<f64>,
) {
    e.counts[k] = e.counts[k].saturating_add(1);
    e.weight_sums[k] += weight;
    e.platforms |= platform_bit;
    if let Some(x) = sentiment {
        e.sentiment_sum += x;
        e.sentiment_n += 1;
    }
    if let Some(ts) = timestamp {
        if let Some(h) = half_life_secs {
            let w = 1.0;
            if e.last_ts == i64::MIN || ts <= e.last_ts {
                let base = if e.last_ts == i64::MIN { ts } else { e.last_ts };
                e.recency_acc += w * (((ts - base) as f64) / h).exp2();
            } else {
                // Rescale the accumulator to the new anchor so it never overflows.
                e.recency_acc = e.recency_acc * (((e.last_ts - ts) as f64) / h).exp2() + w;
            }
        }
        e.first_ts = e.first_ts.min(ts);
        e.last_ts = e.last_ts.max(ts);
    }
}

/// External id → node index. Ids of at most 15 bytes (nearly all real ids) are keyed inline
/// as a `u128` (bytes + length), so a lookup touches only the table and never a heap string:
/// ingest does two lookups per interaction row and they are bound by cache misses.
#[derive(Debug, Clone, Default)]
struct IdMap {
    short: FastMap<u128, u32>,
    long: FastMap<String, u32>,
}

/// The inline key of an id of at most 15 bytes (injective: the length is the last byte).
#[inline]
fn pack_id(id: &str) -> Option<u128> {
    let b = id.as_bytes();
    if b.len() > 15 {
        return None;
    }
    let mut w = [0u8; 16];
    w[..b.len()].copy_from_slice(b);
    w[15] = b.len() as u8;
    Some(u128::from_le_bytes(w))
}

impl IdMap {
    #[inline]
    fn get(&self, id: &str) -> Option<u32> {
        match pack_id(id) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(id).copied(),
        }
    }
    fn insert(&mut self, id: &str, v: u32) {
        match pack_id(id) {
            Some(k) => {
                self.short.insert(k, v);
            }
            None => {
                self.long.insert(id.to_string(), v);
            }
        }
    }
}

/// Typed property graph with an id map from external ids to node indices.
#[derive(Debug, Clone, Default)]
pub struct PropertyGraph {
    /// The petgraph graph; node weight = node properties, edge weight = aggregated interactions.
    pub graph: DiGraph<NodeData, EdgeData, u32>,
    /// External id → node index.
    ids: IdMap,
    /// (source, target) → edge index, for merging parallel interactions.
    edge_index: FastMap<(u32, u32), u32>,
    /// Platform names, indexed by the bits of `EdgeData::platforms` (first 64 distinct platforms).
    pub platforms: Vec<String>,
}

impl PropertyGraph {
    /// Empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of distinct (source, target) pairs.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Node index of an external id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.ids.get(id)
    }

    /// Node properties.
    pub fn node(&self, v: u32) -> &NodeData {
        &self.graph[NodeIndex::new(v as usize)]
    }

    /// Mutable node properties.
    pub fn node_mut(&mut self, v: u32) -> &mut NodeData {
        &mut self.graph[NodeIndex::new(v as usize)]
    }

    /// External id of a node.
    pub fn id(&self, v: u32) -> &str {
        &self.node(v).id
    }

    /// Kind of a node.
    pub fn kind(&self, v: u32) -> NodeKind {
        self.node(v).kind
    }

    /// Iterate node indices.
    pub fn nodes(&self) -> impl Iterator<Item = u32> + '_ {
        0..self.node_count() as u32
    }

    /// Get or create the node for an external id (created as `kind`).
    pub fn ensure_node(&mut self, id: &str, kind: NodeKind) -> u32 {
        if let Some(v) = self.ids.get(id) {
            return v;
        }
        let v = self.graph.add_node(NodeData::new(id, kind)).index() as u32;
        self.ids.insert(id, v);
        v
    }

    /// Register an alias (e.g. a platform handle) for an existing node.
    /// Returns false if the alias already maps to a different node.
    pub fn add_alias(&mut self, alias: &str, v: u32) -> bool {
        match self.ids.get(alias) {
            Some(w) => w == v,
            None => {
                self.ids.insert(alias, v);
                true
            }
        }
    }

    /// Index of a platform name for the edge bit set (platforms past the 64th share bit 63).
    pub fn platform_bit(&mut self, platform: &str) -> u64 {
        let i = match self.platforms.iter().position(|p| p == platform) {
            Some(i) => i,
            None => {
                self.platforms.push(platform.to_string());
                self.platforms.len() - 1
            }
        };
        1u64 << i.min(63)
    }

    /// The aggregated edge for (s, t), created if missing.
    pub fn edge_mut(&mut self, s: u32, t: u32) -> &mut EdgeData {
        // Bulk ingest (`add_interaction_rows`) adds edges without the pair map; rebuild it on
        // the first single-edge update so the map only costs memory when someone needs it.
        if self.edge_index.len() != self.graph.edge_count() {
            self.rebuild_edge_index();
        }
        let e = match self.edge_index.get(&(s, t)) {
            Some(&e) => e,
            None => {
                let e = self
                    .graph
                    .add_edge(
                        NodeIndex::new(s as usize),
                        NodeIndex::new(t as usize),
                        EdgeData::default(),
                    )
                    .index() as u32;
                self.edge_index.insert((s, t), e);
                e
            }
        };
        &mut self.graph[EdgeIndex::new(e as usize)]
    }

    /// Record one interaction row.
    #[allow(clippy::too_many_arguments)]
    pub fn add_interaction(
        &mut self,
        s: u32,
        t: u32,
        kind: InteractionKind,
        platform: Option<&str>,
        timestamp: Option<i64>,
        weight: f64,
        sentiment: Option<f64>,
        half_life_secs: Option<f64>,
    ) {
        let bit = platform.map(|p| self.platform_bit(p)).unwrap_or(0);
        let e = self.edge_mut(s, t);
        fold_row(
            e,
            kind.index(),
            bit,
            timestamp,
            weight as f32,
            sentiment.map(|x| x as f32),
            half_life_secs,
        );
    }

    fn rebuild_edge_index(&mut self) {
        let mut map = FastMap::default();
        map.reserve(self.graph.edge_count());
        for (i, e) in self.graph.raw_edges().iter().enumerate() {
            map.insert(
                (e.source().index() as u32, e.target().index() as u32),
                i as u32,
            );
        }
        self.edge_index = map;
    }

    /// Record many interaction rows at once, exactly as calling [`add_interaction`] on each
    /// row in slice order would (same edge order = first appearance of each pair, same
    /// per-edge float sums in row order), but by sorting instead of one hash lookup per row:
    /// rows are ordered by (source, target, row index) in parallel, each pair's rows are
    /// folded in row order, and the edges are added in order of their first row.
    /// `platform_bits[r.platform]` is the bit of a row's platform (see [`platform_bit`]).
    ///
    /// O(r log r) time, 16 bytes per row of scratch. Falls back to row-by-row when the graph
    /// already has edges (the pair order would then depend on them).
    ///
    /// [`add_interaction`]: PropertyGraph::add_interaction
    /// [`platform_bit`]: PropertyGraph::platform_bit
    pub fn add_interaction_rows(
        &mut self,
        rows: &[InteractionRow],
        platform_bits: &[u64],
        half_life_secs: Option<f64>,
    ) {
        let bit_of = |r: &InteractionRow| {
            if r.platform == NO_PLATFORM {
                0
            } else {
                platform_bits.get(r.platform as usize).copied().unwrap_or(0)
            }
        };
        if self.graph.edge_count() > 0 || u32::try_from(rows.len()).is_err() {
            for r in rows {
                let bit = bit_of(r);
                let e = self.edge_mut(r.s, r.t);
                fold_row(
                    e,
                    usize::from(r.kind),
                    bit,
                    r.timestamp(),
                    r.weight,
                    r.sentiment_value(),
                    half_life_secs,
                );
            }
            return;
        }
        let mut order: Vec<(u64, u32)> = rows
            .par_iter()
            .enumerate()
            .map(|(i, r)| ((u64::from(r.s) << 32) | u64::from(r.t), i as u32))
            .collect();
        // Keys are unique (row index), so the unstable sort is deterministic.
        order.par_sort_unstable();
        let mut starts: Vec<usize> = Vec::new();
        for (i, w) in order.iter().enumerate() {
            if i == 0 || order[i - 1].0 != w.0 {
                starts.push(i);
            }
        }
        starts.push(order.len());
        let mut edges: Vec<(u32, EdgeData)> = starts
            .par_windows(2)
            .map(|g| {
                let group = &order[g[0]..g[1]];
                let mut e = EdgeData::default();
                for &(_, i) in group {
                    let r = &rows[i as usize];
                    fold_row(
                        &mut e,
                        usize::from(r.kind),
                        bit_of(r),
                        r.timestamp(),
                        r.weight,
                        r.sentiment_value(),
                        half_life_secs,
                    );
                }
                (group[0].1, e)
            })
            .collect();
        drop(order);
        drop(starts);
        edges.par_sort_unstable_by_key(|&(first, _)| first);
        self.graph.reserve_edges(edges.len());
        for (first, e) in edges {
            let r = &rows[first as usize];
            self.graph.add_edge(
                NodeIndex::new(r.s as usize),
                NodeIndex::new(r.t as usize),
                e,
            );
        }
    }

    /// Iterate edges as (source, target, data) in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, &EdgeData)> + '_ {
        self.graph.raw_edges().iter().map(|e| {
            (
                e.source().index() as u32,
                e.target().index() as u32,
                &e.weight,
            )
        })
    }

    /// Number of nodes of each kind: (customers, brands, staff).
    pub fn kind_counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for n in self.graph.node_weights() {
            match n.kind {
                NodeKind::Customer => c.0 += 1,
                NodeKind::Brand => c.1 += 1,
                NodeKind::Staff => c.2 += 1,
            }
        }
        c
    }
}
