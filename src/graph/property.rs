//! The property graph: nodes in a petgraph `DiGraph` whose node index equals the CSR row, edges in
//! a columnar table ([`EdgeTable`]) sorted by (source, target).
//!
//! Nodes are never removed, so by petgraph's index contract `NodeIndex::index()` is stable and is the
//! compact node id (`u32`) used by every algorithm. Parallel interactions between the same ordered pair
//! are merged into one `EdgeData` (counts per kind, timestamps, sentiment), stored column by column
//! (see [`super::edges`] for the layout and its cost per pair).

use super::edges::{EdgeTable, Layout, PlatMode, TableBuilder, TsMode};
use super::model::{EdgeData, InteractionKind, NodeData, NodeKind};
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
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

/// String key → `u32` map tuned for ingest's id lookups (external ids, `platform:handle` keys).
///
/// Keys of 1 to 23 bytes (nearly all real ids and handles) are packed inline (bytes + length)
/// into one open-addressing array of cache-line-aligned slots (linear probing, load ≤ 3/4): a
/// hit or a miss usually touches one cache line. hashbrown needs a control-byte probe plus a
/// bucket read, and a heap string compare for string keys (two or three cache/TLB misses per
/// lookup on a million-entry table; the id lookups were a third of the ingest CPU). Longer
/// keys go to a `FastMap<String, u32>`. Never iterated, so the hash cannot reach any output.
///
/// While no inline key is longer than 11 bytes (customer ids), slots are 16 bytes (`narrow`),
/// which halves the table and its cache/TLB misses; the first longer inline key moves every
/// entry to 32-byte slots (`wide`). A lookup only reads the array of the current layout, and
/// a narrow map answers a 12-to-23-byte key with `None` without reading memory (it holds none).
#[derive(Clone, Default)]
pub struct IdMap {
    narrow: Vec<NarrowSlot>,
    slots: Vec<IdSlot>,
    /// True once an inline key of more than [`NARROW_KEY`] bytes was inserted (`narrow` empty).
    wide: bool,
    len: usize,
    long: FastMap<String, u32>,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(32))]
struct IdSlot {
    /// Packed key; all zero = empty (a packed key always has a non-zero length byte).
    key: [u64; 3],
    val: u32,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(16))]
struct NarrowSlot {
    /// Key bytes 0..8.
    lo: u64,
    /// Key bytes 8..11, then the length byte: 0 = empty.
    hi: u32,
    val: u32,
}

impl std::fmt::Debug for IdMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdMap").field("len", &self.len()).finish()
    }
}

/// Longest key stored inline.
const INLINE_KEY: usize = 23;

/// Longest key stored in a narrow slot.
const NARROW_KEY: usize = 11;

/// `b` (at most 8 bytes) as a little-endian word, zero-padded: the same value as copying it
/// into a zeroed 8-byte array, but without the copy. That copy went through a `memcpy` call
/// and then a load that could not be forwarded from its byte stores (a stall on every id
/// lookup: ~1 % of a 10M-row load's samples at the interactions' slot hashing alone).
#[inline]
fn le_word(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!(n <= 8);
    let four = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    if n >= 4 {
        // Two overlapping 4-byte loads; the overlapping bytes are equal in both.
        four(0) | (four(n - 4) << (8 * (n - 4)))
    } else if n > 0 {
        // 1 to 3 bytes: first, middle and last (again overlapping when n < 3).
        u64::from(b[0])
            | (u64::from(b[n / 2]) << (8 * (n / 2)))
            | (u64::from(b[n - 1]) << (8 * (n - 1)))
    } else {
        0
    }
}

/// The inline key of a key of 1 to 23 bytes (injective: the length is the last byte).
#[inline]
fn pack_id(id: &str) -> Option<[u64; 3]> {
    let b = id.as_bytes();
    let n = b.len();
    if n == 0 || n > INLINE_KEY {
        return None;
    }
    let part = |i: usize| le_word(&b[(8 * i).min(n)..(8 * i + 8).min(n)]);
    Some([part(0), part(1), part(2) | ((n as u64) << 56)])
}

/// The narrow key `(lo, hi)` of a key of 1 to 11 bytes (injective: the length is the last byte).
#[inline]
fn pack_narrow(b: &[u8]) -> (u64, u32) {
    debug_assert!((1..=NARROW_KEY).contains(&b.len()));
    let n = b.len();
    let lo = le_word(&b[..n.min(8)]);
    let hi = le_word(&b[n.min(8)..]) as u32 | ((n as u32) << 24);
    (lo, hi)
}

/// The 24-byte inline key of a narrow key (same bytes, length moved to byte 23).
#[inline]
fn widen(lo: u64, hi: u32) -> [u64; 3] {
    [lo, u64::from(hi & 0x00ff_ffff), u64::from(hi >> 24) << 56]
}

#[inline]
fn slot_hash(k: &[u64; 3]) -> u64 {
    let h = (k[0].wrapping_mul(FX_K) ^ k[1]).rotate_left(23);
    crate::algo::rng::mix64(h.wrapping_mul(FX_K) ^ k[2])
}

#[inline]
fn narrow_hash(lo: u64, hi: u32) -> u64 {
    crate::algo::rng::mix64(lo.wrapping_mul(FX_K) ^ u64::from(hi))
}

impl IdMap {
    /// Empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empty map that starts with 32-byte slots, for keys mostly longer than 11 bytes
    /// (`platform:handle`): a narrow reserve would be filled, then moved at the first such key.
    pub fn new_wide() -> Self {
        Self {
            wide: true,
            ..Self::default()
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len + self.long.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value of a key.
    #[inline]
    pub fn get(&self, id: &str) -> Option<u32> {
        let b = id.as_bytes();
        if !self.wide && (1..=INLINE_KEY).contains(&b.len()) {
            if b.len() > NARROW_KEY || self.narrow.is_empty() {
                return None;
            }
            let (lo, hi) = pack_narrow(b);
            let mask = self.narrow.len() - 1;
            let mut i = narrow_hash(lo, hi) as usize & mask;
            loop {
                let s = &self.narrow[i];
                if s.lo == lo && s.hi == hi {
                    return Some(s.val);
                }
                if s.hi == 0 {
                    return None;
                }
                i = (i + 1) & mask;
            }
        }
        match pack_id(id) {
            Some(k) => {
                if self.slots.is_empty() {
                    return None;
                }
                let mask = self.slots.len() - 1;
                let mut i = slot_hash(&k) as usize & mask;
                loop {
                    let s = &self.slots[i];
                    if s.key == k {
                        return Some(s.val);
                    }
                    if s.key == [0; 3] {
                        return None;
                    }
                    i = (i + 1) & mask;
                }
            }
            None => self.long.get(id).copied(),
        }
    }

    /// Load the first slot a lookup of `id` would read and return a value derived from it.
    /// Touching the slots of a batch of keys first, in a tight loop, lets the CPU overlap their
    /// cache misses; the lookups that follow then hit the cache (a safe software prefetch).
    #[inline]
    pub fn touch(&self, id: &str) -> u32 {
        match self.slot_index(id) {
            Some(i) => self.touch_slots(&[i]),
            None => 0,
        }
    }

    /// Index of the first slot a lookup of `id` reads (`None` when the lookup reads no slot:
    /// a key kept outside the slot array, a key too long for a narrow map, an empty map). With
    /// [`IdMap::touch_slots`] a batch of lookups is warmed in two passes: first the (cheap)
    /// hashes, then a tight loop of independent loads, so that many cache misses are in flight
    /// at once (hashing between the loads kept only a few in flight: the CPU's reorder window
    /// filled with hashing instructions).
    #[inline]
    pub fn slot_index(&self, id: &str) -> Option<usize> {
        let b = id.as_bytes();
        if !self.wide {
            if b.is_empty() || b.len() > NARROW_KEY || self.narrow.is_empty() {
                return None;
            }
            let (lo, hi) = pack_narrow(b);
            return Some(narrow_hash(lo, hi) as usize & (self.narrow.len() - 1));
        }
        match pack_id(id) {
            Some(k) if !self.slots.is_empty() => {
                Some(slot_hash(&k) as usize & (self.slots.len() - 1))
            }
            _ => None,
        }
    }

    /// Load the slots at `idx` (from [`IdMap::slot_index`]) and return a value derived from
    /// them (a safe software prefetch; the result means nothing).
    #[inline]
    pub fn touch_slots(&self, idx: &[usize]) -> u32 {
        let mut warm = 0u32;
        if self.wide {
            for &i in idx {
                if let Some(s) = self.slots.get(i) {
                    warm ^= s.val;
                }
            }
        } else {
            for &i in idx {
                if let Some(s) = self.narrow.get(i) {
                    warm ^= s.val;
                }
            }
        }
        warm
    }

    /// Set the value of a key (replacing any previous one).
    pub fn insert(&mut self, id: &str, v: u32) {
        let b = id.as_bytes();
        if !self.wide && (1..=NARROW_KEY).contains(&b.len()) {
            if (self.len + 1) * 4 > self.narrow.len() * 3 {
                self.rehash((self.narrow.len() * 2).max(64));
            }
            let (lo, hi) = pack_narrow(b);
            if self.put_narrow(lo, hi, v) {
                self.len += 1;
            }
            return;
        }
        match pack_id(id) {
            Some(k) => {
                if !self.wide {
                    self.make_wide();
                }
                if (self.len + 1) * 4 > self.slots.len() * 3 {
                    self.rehash((self.slots.len() * 2).max(64));
                }
                if self.put(k, v) {
                    self.len += 1;
                }
            }
            None => {
                self.long.insert(id.to_string(), v);
            }
        }
    }

    /// Move the narrow entries to 32-byte slots (a first inline key too long for a narrow slot).
    fn make_wide(&mut self) {
        let old = std::mem::take(&mut self.narrow);
        self.wide = true;
        let n = ((self.len + 1) * 4).div_ceil(3).next_power_of_two().max(64);
        self.slots = vec![IdSlot::default(); n.max(old.len())];
        for s in old {
            if s.hi != 0 {
                self.put(widen(s.lo, s.hi), s.val);
            }
        }
    }

    /// Insert or overwrite in the narrow array; true when the key is new.
    fn put_narrow(&mut self, lo: u64, hi: u32, val: u32) -> bool {
        let mask = self.narrow.len() - 1;
        let mut i = narrow_hash(lo, hi) as usize & mask;
        loop {
            let s = &mut self.narrow[i];
            if s.lo == lo && s.hi == hi {
                s.val = val;
                return false;
            }
            if s.hi == 0 {
                *s = NarrowSlot { lo, hi, val };
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /// Insert or overwrite in the slot array; true when the key is new.
    fn put(&mut self, key: [u64; 3], val: u32) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = slot_hash(&key) as usize & mask;
        loop {
            let s = &mut self.slots[i];
            if s.key == key {
                s.val = val;
                return false;
            }
            if s.key == [0; 3] {
                *s = IdSlot { key, val };
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /// Resize the array of the current layout to `n` slots (a power of two).
    fn rehash(&mut self, n: usize) {
        if self.wide {
            let old = std::mem::replace(&mut self.slots, vec![IdSlot::default(); n]);
            for s in old {
                if s.key != [0; 3] {
                    self.put(s.key, s.val);
                }
            }
        } else {
            let old = std::mem::replace(&mut self.narrow, vec![NarrowSlot::default(); n]);
            for s in old {
                if s.hi != 0 {
                    self.put_narrow(s.lo, s.hi, s.val);
                }
            }
        }
    }

    /// Make room for `n` more keys without rehashing.
    pub fn reserve(&mut self, n: usize) {
        let want = ((self.len + n) * 4).div_ceil(3).next_power_of_two();
        let have = if self.wide {
            self.slots.len()
        } else {
            self.narrow.len()
        };
        if want > have {
            self.rehash(want);
        }
    }
}

/// Typed property graph with an id map from external ids to node indices.
///
/// Nodes live in a petgraph graph (node index = compact id); the aggregated interactions live
/// in a columnar [`EdgeTable`] sorted by (source, target), plus a small staging map for pairs
/// touched one at a time ([`PropertyGraph::edge_mut`], [`PropertyGraph::add_interaction`])
/// until [`PropertyGraph::compact`] folds it into the table. Readers see both, merged, in
/// (source, target) order.
#[derive(Debug, Clone, Default)]
pub struct PropertyGraph {
    /// The petgraph graph of nodes (node weight = node properties). Edges are not stored here
    /// (see [`PropertyGraph::to_petgraph`] for an interop copy with edges).
    pub graph: DiGraph<NodeData, (), u32>,
    /// External id → node index.
    ids: IdMap,
    /// True after [`PropertyGraph::release_id_index`]: `ids` is empty and lookups scan the nodes.
    ids_released: bool,
    /// The aggregated pairs, sorted by (source, target).
    table: EdgeTable,
    /// Pairs updated one at a time since the last `compact` (overrides the table's copy).
    staged: BTreeMap<(u32, u32), EdgeData>,
    /// Staged pairs that are not in the table.
    staged_new: usize,
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
        self.table.len() + self.staged_new
    }

    /// Node index of an external id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        if self.ids_released {
            return self.nodes().find(|&v| self.id(v) == id);
        }
        self.ids.get(id)
    }

    /// Free the id → node map (16 or 32 bytes per slot, up to ~256 MiB at 5M nodes) once a caller is done
    /// resolving external ids, e.g. a CLI command that only maps node indices back to ids for
    /// output. Later lookups still work by scanning the nodes (slow; handle aliases no longer
    /// resolve); a later node insertion rebuilds the map from the node ids.
    pub fn release_id_index(&mut self) {
        self.ids = IdMap::new();
        self.ids_released = true;
    }

    /// Rebuild the id map after [`PropertyGraph::release_id_index`] (before any insertion).
    fn restore_id_index(&mut self) {
        if !self.ids_released {
            return;
        }
        self.ids_released = false;
        let mut ids = IdMap::new();
        ids.reserve(self.node_count());
        for v in self.nodes() {
            ids.insert(self.id(v), v);
        }
        self.ids = ids;
    }

    /// See [`IdMap::slot_index`]: first id-map slot a coming `index_of(id)` reads.
    #[inline]
    pub fn id_slot(&self, id: &str) -> Option<usize> {
        if self.ids_released {
            return None;
        }
        self.ids.slot_index(id)
    }

    /// See [`IdMap::touch_slots`]: warm the id-map slots at `idx`.
    #[inline]
    pub fn touch_id_slots(&self, idx: &[usize]) -> u32 {
        self.ids.touch_slots(idx)
    }

    /// See [`IdMap::touch`]: warm the cache for a coming `index_of(id)`.
    #[inline]
    pub fn touch_id(&self, id: &str) -> u32 {
        self.ids.touch(id)
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
        self.restore_id_index();
        if let Some(v) = self.ids.get(id) {
            return v;
        }
        let v = self.graph.add_node(NodeData::new(id, kind)).index() as u32;
        self.ids.insert(id, v);
        v
    }

    /// Add a node with its properties; the caller checked that its id is new (an existing
    /// id would be re-pointed to the new node).
    pub fn push_node(&mut self, data: NodeData) -> u32 {
        self.restore_id_index();
        let v = self.graph.node_count() as u32;
        self.ids.insert(&data.id, v);
        self.graph.add_node(data);
        v
    }

    /// Make room for `n` more ids in the id map (no rehash while they are inserted).
    pub fn reserve_ids(&mut self, n: usize) {
        self.restore_id_index();
        self.ids.reserve(n);
    }

    /// Reserve room for `n` more nodes.
    pub fn reserve_nodes(&mut self, n: usize) {
        self.graph.reserve_nodes(n);
    }

    /// Register an alias (e.g. a platform handle) for an existing node.
    /// Returns false if the alias already maps to a different node.
    pub fn add_alias(&mut self, alias: &str, v: u32) -> bool {
        self.restore_id_index();
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

    /// The aggregated edge for (s, t), if any.
    pub fn edge(&self, s: u32, t: u32) -> Option<EdgeData> {
        if let Some(e) = self.staged.get(&(s, t)) {
            return Some(e.clone());
        }
        self.table.find(s, t).map(|i| self.table.get(i))
    }

    /// The aggregated edge for (s, t), created if missing. The pair is staged (copied out of
    /// the table if it is there) until the next [`compact`](PropertyGraph::compact).
    pub fn edge_mut(&mut self, s: u32, t: u32) -> &mut EdgeData {
        let table = &self.table;
        let staged_new = &mut self.staged_new;
        self.staged
            .entry((s, t))
            .or_insert_with(|| match table.find(s, t) {
                Some(i) => table.get(i),
                None => {
                    *staged_new += 1;
                    EdgeData::default()
                }
            })
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

    /// Fold the staged pairs into the columnar table (O(m) when anything is staged). Called
    /// at the end of ingest; harmless to call again.
    pub fn compact(&mut self) {
        if self.staged.is_empty() {
            return;
        }
        let staged = std::mem::take(&mut self.staged);
        let table = std::mem::take(&mut self.table);
        self.staged_new = 0;
        let layout = {
            let a = Layout::covering(staged.values());
            let mut b = table.layout();
            if table.is_empty() {
                b = a;
            }
            merge_layouts(a, b)
        };
        let mut out = TableBuilder::new(layout);
        for (s, t, e) in MergeIter::new(&table, &staged) {
            out.push(s, t, &e);
        }
        self.table = out.finish(self.node_count());
    }

    /// Record many interaction rows at once, exactly as calling [`add_interaction`] on each
    /// row in slice order would (same per-edge float sums in row order), but by sorting
    /// instead of one lookup per row: rows are ordered by (source, target, row index) in
    /// parallel, each pair's rows are folded in row order, and the pairs are written straight
    /// into the columnar table, chunk by chunk in parallel.
    /// `platform_bits[r.platform]` is the bit of a row's platform (see [`platform_bit`]).
    ///
    /// O(r log r) time, 16 bytes per row of scratch. Falls back to row-by-row when the graph
    /// already has edges.
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
        if self.edge_count() > 0 || u32::try_from(rows.len()).is_err() {
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
            self.compact();
            return;
        }
        if rows.is_empty() {
            return;
        }
        // Which columns the table needs.
        let (kinds, lo, hi, sentiment, plat) = rows
            .par_iter()
            .fold(
                || (0u16, i64::MAX, i64::MIN, false, 0u64),
                |(k, lo, hi, se, p), r| {
                    let (lo, hi) = match r.timestamp() {
                        Some(t) => (lo.min(t), hi.max(t)),
                        None => (lo, hi),
                    };
                    (
                        k | (1 << r.kind.min(15)),
                        lo,
                        hi,
                        se || r.flags & ROW_HAS_SENTIMENT != 0,
                        p | bit_of(r),
                    )
                },
            )
            .reduce(
                || (0u16, i64::MAX, i64::MIN, false, 0u64),
                |a, b| (a.0 | b.0, a.1.min(b.1), a.2.max(b.2), a.3 || b.3, a.4 | b.4),
            );
        let recency = half_life_secs.is_some() && lo <= hi;
        let layout = Layout::from_summary(kinds, lo, hi, sentiment, recency, plat);
        // Rows in (source, target, row index) order by a counting sort on the source (a
        // bucket per node, filled in row order), then a sort of each source's few rows by
        // (target, row index) packed in a u64. A comparison sort of 16-byte (pair, row)
        // keys over all rows was ~4 % of the load's samples and twice the scratch memory.
        let nsrc = rows.par_iter().map(|r| r.s as usize + 1).max().unwrap_or(0);
        let parts = rayon::current_num_threads().clamp(1, 4);
        let mut start: Vec<u32> = rows
            .par_chunks(rows.len().div_ceil(parts))
            .map(|c| {
                let mut h = vec![0u32; nsrc + 1];
                for r in c {
                    h[r.s as usize + 1] += 1;
                }
                h
            })
            .reduce_with(|mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            })
            .unwrap_or_default();
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        // Sources split into `parts` ranges; each range's slice of `order` is filled by its
        // own thread scanning all rows (disjoint slices: no synchronisation).
        let mut order = vec![0u64; rows.len()];
        let mut ranges: Vec<(usize, usize, &mut [u64])> = Vec::with_capacity(parts);
        let mut rest: &mut [u64] = &mut order;
        let mut s_lo = 0;
        for k in 1..=parts {
            let s_hi = nsrc * k / parts;
            let n = (start[s_hi] - start[s_lo]) as usize;
            let (a, b) = std::mem::take(&mut rest).split_at_mut(n);
            ranges.push((s_lo, s_hi, a));
            rest = b;
            s_lo = s_hi;
        }
        ranges.into_par_iter().for_each(|(s_lo, s_hi, out)| {
            let mut next: Vec<u32> = start[s_lo..s_hi].iter().map(|&x| x - start[s_lo]).collect();
            for (i, r) in rows.iter().enumerate() {
                let s = r.s as usize;
                if (s_lo..s_hi).contains(&s) {
                    let c = &mut next[s - s_lo];
                    out[*c as usize] = (u64::from(r.t) << 32) | i as u64;
                    *c += 1;
                }
            }
        });
        // Chunks of about CHUNK rows, each a range of whole sources.
        const CHUNK: usize = 1 << 16;
        let mut bounds = vec![0usize];
        for v in 1..=nsrc {
            if (start[v] - start[*bounds.last().unwrap_or(&0)]) as usize >= CHUNK || v == nsrc {
                bounds.push(v);
            }
        }
        let fold_chunk = |w: &[usize], part: &mut [u64], b: &mut TableBuilder| {
            let lo = start[w[0]] as usize;
            for v in w[0]..w[1] {
                let (a, z) = (start[v] as usize - lo, start[v + 1] as usize - lo);
                part[a..z].sort_unstable();
            }
            let mut i = 0;
            let mut v = w[0];
            // Rows are read in pair order, i.e. at random (one DRAM miss each: the
            // fold was ~10 % of the load's samples). Every ROW_TOUCH rows, the next
            // ROW_TOUCH rows are loaded first in a tight loop of independent loads, so that
            // their misses overlap (a safe software prefetch, as `IdMap::touch_slots`).
            const ROW_TOUCH: usize = 64;
            let mut warm_to = 0;
            let mut warm = 0u8;
            while i < part.len() {
                while start[v + 1] as usize - lo <= i {
                    v += 1;
                }
                let end = start[v + 1] as usize - lo;
                let t = part[i] >> 32;
                let mut e = EdgeData::default();
                while i < end && part[i] >> 32 == t {
                    if i == warm_to {
                        warm_to = (i + ROW_TOUCH).min(part.len());
                        for &x in &part[i..warm_to] {
                            warm ^= rows[x as u32 as usize].flags;
                        }
                        warm = std::hint::black_box(warm);
                    }
                    let r = &rows[part[i] as u32 as usize];
                    fold_row(
                        &mut e,
                        usize::from(r.kind),
                        bit_of(r),
                        r.timestamp(),
                        r.weight,
                        r.sentiment_value(),
                        half_life_secs,
                    );
                    i += 1;
                }
                b.push(v as u32, t as u32, &e);
            }
        };
        let mut out = TableBuilder::new(layout);
        // A bounded number of chunks at a time, so the chunk copies never double the table.
        // The chunk builders are reused from batch to batch (emptied by `append_clear`): fresh
        // ones per batch first-touched their columns again (~7 % of the load's page faults).
        const BATCH: usize = 16;
        let windows: Vec<&[usize]> = bounds.windows(2).collect();
        let mut chunks: Vec<&mut [u64]> = Vec::with_capacity(windows.len());
        let mut rest: &mut [u64] = &mut order;
        for w in &windows {
            let n = (start[w[1]] - start[w[0]]) as usize;
            let (a, b) = std::mem::take(&mut rest).split_at_mut(n);
            chunks.push(a);
            rest = b;
        }
        // Two pools: the chunks of one batch are appended (a sequential copy) while the next
        // batch is folded into the other pool, instead of leaving a core idle during the copy.
        let new_pool = || -> Vec<TableBuilder> {
            (0..BATCH.min(windows.len()))
                .map(|_| TableBuilder::new(layout))
                .collect()
        };
        let (mut filled, mut free) = (new_pool(), new_pool());
        let fold_batch =
            |batch: &[&[usize]], parts: &mut [&mut [u64]], pool: &mut [TableBuilder]| {
                batch
                    .par_iter()
                    .zip(parts.par_iter_mut())
                    .zip(pool.par_iter_mut())
                    .for_each(|((w, part), b)| fold_chunk(w, part, b));
            };
        let append = |out: &mut TableBuilder, pool: &mut [TableBuilder]| {
            for p in pool {
                out.append_clear(p);
            }
        };
        let mut pending = 0;
        for (batch, parts) in windows.chunks(BATCH).zip(chunks.chunks_mut(BATCH)) {
            let n = batch.len();
            let (f, o) = (&mut filled[..pending], &mut out);
            rayon::join(|| fold_batch(batch, parts, &mut free[..n]), || append(o, f));
            std::mem::swap(&mut filled, &mut free);
            pending = n;
        }
        append(&mut out, &mut filled[..pending]);
        drop((filled, free));
        drop(chunks);
        drop(order);
        self.table = out.finish(self.node_count());
    }

    /// Replace the edges by a finished table (rows must index existing nodes).
    pub(crate) fn set_table(&mut self, table: EdgeTable) {
        self.staged.clear();
        self.staged_new = 0;
        self.table = table;
    }

    /// Take the edge table out, leaving the graph with its nodes and no edges (staged pairs
    /// are dropped too): for commands that need only node properties once the CSR is built.
    pub(crate) fn take_table(&mut self) -> EdgeTable {
        self.staged.clear();
        self.staged_new = 0;
        std::mem::take(&mut self.table)
    }

    /// The columnar edge table (without the staged pairs: call [`compact`] first when edges
    /// were added one at a time).
    ///
    /// [`compact`]: PropertyGraph::compact
    pub fn table(&self) -> &EdgeTable {
        &self.table
    }

    /// True when pairs are staged outside the table.
    pub fn has_staged(&self) -> bool {
        !self.staged.is_empty()
    }

    /// Iterate edges as (source, target, data) in (source, target) order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, EdgeData)> + '_ {
        MergeIter::new(&self.table, &self.staged)
    }

    /// Bytes held by the edge table (staged pairs not counted).
    pub fn edge_memory_bytes(&self) -> usize {
        self.table.memory_bytes()
    }

    /// A petgraph copy with one edge per aggregated pair (for interop with petgraph
    /// algorithms; O(n + m) memory, not for large graphs).
    pub fn to_petgraph(&self) -> DiGraph<NodeData, EdgeData, u32> {
        let mut g = DiGraph::with_capacity(self.node_count(), self.edge_count());
        for v in self.graph.node_weights() {
            g.add_node(v.clone());
        }
        for (s, t, e) in self.edges() {
            g.add_edge(NodeIndex::new(s as usize), NodeIndex::new(t as usize), e);
        }
        g
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

/// The union of two layouts (columns present in either).
fn merge_layouts(a: Layout, b: Layout) -> Layout {
    let single_kind = match (a.single_kind, b.single_kind) {
        (Some(x), Some(y)) if x == y => Some(x),
        _ => None,
    };
    let ts = match (a.ts, b.ts) {
        (TsMode::None, x) | (x, TsMode::None) => x,
        (TsMode::Narrow(x), TsMode::Narrow(y)) if x == y => TsMode::Narrow(x),
        // Different bases: the union range is not known here, so use the wide column.
        _ => TsMode::Wide,
    };
    let platforms = match (a.platforms, b.platforms) {
        (PlatMode::Wide, _) | (_, PlatMode::Wide) => PlatMode::Wide,
        (PlatMode::Byte, _) | (_, PlatMode::Byte) => PlatMode::Byte,
        _ => PlatMode::None,
    };
    Layout {
        single_kind,
        ts,
        sentiment: a.sentiment || b.sentiment,
        recency: a.recency || b.recency,
        platforms,
    }
}

/// The table and the staged pairs merged in (source, target) order; a staged pair replaces
/// the table's copy.
struct MergeIter<'a> {
    table: std::iter::Peekable<super::edges::TableIter<'a>>,
    staged: std::iter::Peekable<std::collections::btree_map::Iter<'a, (u32, u32), EdgeData>>,
}

impl<'a> MergeIter<'a> {
    fn new(table: &'a EdgeTable, staged: &'a BTreeMap<(u32, u32), EdgeData>) -> Self {
        MergeIter {
            table: table.iter().peekable(),
            staged: staged.iter().peekable(),
        }
    }
}

impl Iterator for MergeIter<'_> {
    type Item = (u32, u32, EdgeData);
    fn next(&mut self) -> Option<Self::Item> {
        let a = self.table.peek().map(|x| (x.0, x.1));
        let b = self.staged.peek().map(|x| *x.0);
        match (a, b) {
            (None, None) => None,
            (Some(_), None) => self.table.next(),
            (Some(ka), Some(kb)) if ka < kb => self.table.next(),
            (ka, Some(kb)) => {
                if ka == Some(kb) {
                    self.table.next();
                }
                self.staged.next().map(|(k, e)| (k.0, k.1, e.clone()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{pack_id, pack_narrow, INLINE_KEY, NARROW_KEY};

    /// The packed keys equal those of the zero-padded byte copies they replace (every length,
    /// bytes of every kind), so the slots and their order are unchanged.
    #[test]
    fn packed_keys_match_the_padded_copies() {
        let old_id = |b: &[u8]| {
            let mut w = [0u8; 24];
            w[..b.len()].copy_from_slice(b);
            w[23] = b.len() as u8;
            let word =
                |i: usize| u64::from_le_bytes(w[8 * i..8 * i + 8].try_into().expect("8 bytes"));
            [word(0), word(1), word(2)]
        };
        let old_narrow = |b: &[u8]| {
            let mut w = [0u8; 16];
            w[..b.len()].copy_from_slice(b);
            w[11] = b.len() as u8;
            (
                u64::from_le_bytes(w[..8].try_into().expect("8 bytes")),
                u32::from_le_bytes(w[8..12].try_into().expect("4 bytes")),
            )
        };
        let mut z = 3u64;
        for n in 1..=INLINE_KEY {
            for _ in 0..200 {
                let b: Vec<u8> = (0..n)
                    .map(|_| {
                        z = crate::algo::rng::mix64(z);
                        // ASCII mostly, some NULs and DELs.
                        match z % 16 {
                            0 => 0,
                            1 => 0x7f,
                            _ => b'0' + ((z >> 8) % 75) as u8,
                        }
                    })
                    .collect();
                let s = std::str::from_utf8(&b).expect("ASCII");
                assert_eq!(pack_id(s), Some(old_id(&b)), "{s:?}");
                if n <= NARROW_KEY {
                    assert_eq!(pack_narrow(&b), old_narrow(&b), "{s:?}");
                }
            }
        }
        // Non-ASCII: a multi-byte character at every offset.
        for n in 0..=INLINE_KEY - 2 {
            let s = format!("{}é", "x".repeat(n));
            assert_eq!(pack_id(&s), Some(old_id(s.as_bytes())), "{s:?}");
            if s.len() <= NARROW_KEY {
                assert_eq!(pack_narrow(s.as_bytes()), old_narrow(s.as_bytes()), "{s:?}");
            }
        }
    }
}
