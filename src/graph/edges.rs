//! The lean edge store: every aggregated (source, target) pair of the property graph in one
//! columnar table sorted by (source, target).
//!
//! **Layout.** Pairs are kept CSR-style: `off[v]..off[v+1]` are the pairs of source `v`, `dst`
//! their targets (sorted, unique) — 4 bytes per pair plus 8 per source row. Every property is a
//! column that exists only when some row carries it:
//! * interaction kinds: with one kind in the whole table (a plain edge list) no per-kind data
//!   at all, else a 16-bit kind mask per pair and one `(count, weight sum)` entry per kind
//!   present on the pair (sparse; a block index every 64 pairs gives random access);
//! * counts are implicit while every count is 1, weight sums while they equal the count
//!   (rows without a weight column);
//! * first/last timestamps only when rows had timestamps (as `u32` seconds from the table's
//!   earliest timestamp when the span fits, else `i64`);
//! * sentiment sum and count only when rows had a sentiment; the recency accumulator only
//!   when a half-life was set at ingest; the platform bit set only when rows had a platform
//!   (one byte per pair for at most 8 platforms).
//!
//! A plain SNAP edge list costs 4 bytes per pair (+ 8 per node); a generated interaction
//! dataset about 25–35 bytes per pair. [`EdgeData`] is only materialised on demand
//! ([`EdgeTable::get`], [`EdgeTable::iter`]).
//!
//! Building is O(m) from pairs already in (source, target) order ([`TableBuilder`]); chunks
//! built in parallel are appended in order, so the table never depends on the thread count.

use super::model::{EdgeData, N_KINDS};

/// Sentinel of a narrow timestamp column: the pair had no timestamp.
const TS_NONE: u32 = u32::MAX;
/// Pairs per block of the kind-entry index.
const BLOCK: usize = 64;

/// What columns a table has, decided before building (from a scan of the rows).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Layout {
    /// The only interaction kind present, or `None` when several are.
    pub single_kind: Option<u8>,
    /// Timestamp column: none, narrow (`base`), or wide.
    pub ts: TsMode,
    /// Sentiment columns present.
    pub sentiment: bool,
    /// Recency accumulator present.
    pub recency: bool,
    /// Platform column: none, one byte, or 64 bits per pair.
    pub platforms: PlatMode,
}

/// Timestamp column mode.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TsMode {
    /// No pair has a timestamp.
    #[default]
    None,
    /// `u32` seconds from `base` (the span fits below `u32::MAX`).
    Narrow(i64),
    /// Plain `i64`.
    Wide,
}

/// Platform column mode.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum PlatMode {
    /// No pair has a platform.
    #[default]
    None,
    /// Bits 0..8 only.
    Byte,
    /// Full 64-bit set.
    Wide,
}

impl Layout {
    /// The layout that can hold every edge of `edges` (used when merging edges of any origin).
    pub fn covering<'a>(edges: impl Iterator<Item = &'a EdgeData>) -> Layout {
        let mut kinds = 0u16;
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        let mut sentiment = false;
        let mut recency = false;
        let mut plat = 0u64;
        for e in edges {
            for (k, &c) in e.counts.iter().enumerate() {
                if c > 0 || e.weight_sums[k] != 0.0 {
                    kinds |= 1 << k;
                }
            }
            if e.first_ts != i64::MAX || e.last_ts != i64::MIN {
                lo = lo.min(e.first_ts).min(e.last_ts);
                hi = hi.max(e.first_ts).max(e.last_ts);
            }
            sentiment |= e.sentiment_n > 0 || e.sentiment_sum != 0.0;
            recency |= e.recency_acc != 0.0;
            plat |= e.platforms;
        }
        Layout::from_summary(kinds, lo, hi, sentiment, recency, plat)
    }

    /// Layout from a summary: kind mask, timestamp range (`lo > hi` = none), flags, OR of all
    /// platform bits.
    pub fn from_summary(
        kinds: u16,
        lo: i64,
        hi: i64,
        sentiment: bool,
        recency: bool,
        plat: u64,
    ) -> Layout {
        let single_kind = (kinds.count_ones() <= 1).then(|| kinds.trailing_zeros().min(15) as u8);
        let single_kind = single_kind.map(|k| if kinds == 0 { 0 } else { k });
        let ts = if lo > hi {
            TsMode::None
        } else if hi.checked_sub(lo).is_some_and(|d| d < i64::from(TS_NONE)) {
            TsMode::Narrow(lo)
        } else {
            TsMode::Wide
        };
        let platforms = match plat {
            0 => PlatMode::None,
            p if p < 256 => PlatMode::Byte,
            _ => PlatMode::Wide,
        };
        Layout {
            single_kind,
            ts,
            sentiment,
            recency,
            platforms,
        }
    }
}

/// The columnar edge table (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeTable {
    layout: Layout,
    /// Row offsets per source; `off.len() - 1` sources have rows (later nodes have none).
    off: Vec<u64>,
    /// Targets, sorted within each source row.
    dst: Vec<u32>,
    /// Kind mask per pair (empty with a single kind).
    mask: Vec<u16>,
    /// First entry of each block of `BLOCK` pairs (empty with a single kind).
    block: Vec<u64>,
    /// Count per entry; empty = every count is 1.
    count: Vec<u32>,
    /// Weight sum per entry; empty = equal to the count.
    wsum: Vec<f32>,
    /// Number of kind entries (= pairs with a single kind).
    entries: usize,
    ts_first_n: Vec<u32>,
    ts_last_n: Vec<u32>,
    ts_first_w: Vec<i64>,
    ts_last_w: Vec<i64>,
    sent_sum: Vec<f32>,
    sent_n: Vec<u32>,
    recency: Vec<f64>,
    plat8: Vec<u8>,
    plat64: Vec<u64>,
}

impl EdgeTable {
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.dst.len()
    }
    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.dst.is_empty()
    }
    /// The column layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// Number of source rows stored (nodes past it have no out-pairs).
    pub fn rows(&self) -> usize {
        self.off.len().saturating_sub(1)
    }
    /// Row offsets (length `rows() + 1`).
    pub fn offsets(&self) -> &[u64] {
        &self.off
    }
    /// Targets in table order.
    pub fn targets(&self) -> &[u32] {
        &self.dst
    }
    /// Pair index range of source `v`.
    pub fn range(&self, v: u32) -> std::ops::Range<usize> {
        let v = v as usize;
        if v + 1 >= self.off.len() {
            return 0..0;
        }
        self.off[v] as usize..self.off[v + 1] as usize
    }
    /// Index of pair (s, t), if present. O(log deg).
    pub fn find(&self, s: u32, t: u32) -> Option<usize> {
        let r = self.range(s);
        let base = r.start;
        self.dst[r].binary_search(&t).ok().map(|i| base + i)
    }

    /// Give up the row structure (offsets, targets), dropping every other column: for callers
    /// that move the adjacency into a CSR instead of copying it (see
    /// `CsrGraph::from_property_take`).
    pub fn into_adjacency(self) -> (Vec<u64>, Vec<u32>) {
        (self.off, self.dst)
    }

    /// Bytes held by the table (capacities).
    pub fn memory_bytes(&self) -> usize {
        self.off.capacity() * 8
            + self.dst.capacity() * 4
            + self.mask.capacity() * 2
            + self.block.capacity() * 8
            + self.count.capacity() * 4
            + self.wsum.capacity() * 4
            + self.ts_first_n.capacity() * 4
            + self.ts_last_n.capacity() * 4
            + self.ts_first_w.capacity() * 8
            + self.ts_last_w.capacity() * 8
            + self.sent_sum.capacity() * 4
            + self.sent_n.capacity() * 4
            + self.recency.capacity() * 8
            + self.plat8.capacity()
            + self.plat64.capacity() * 8
    }

    /// First kind entry of pair `i`.
    fn entry_start(&self, i: usize) -> usize {
        if self.layout.single_kind.is_some() {
            return i;
        }
        let b = i / BLOCK;
        let mut e = self.block[b] as usize;
        for &m in &self.mask[b * BLOCK..i] {
            e += m.count_ones() as usize;
        }
        e
    }

    /// Materialise pair `i` whose first kind entry is `e0`.
    fn get_at(&self, i: usize, e0: usize) -> EdgeData {
        let mut d = EdgeData::default();
        let cnt = |e: usize| self.count.get(e).copied().unwrap_or(1);
        let ws = |e: usize| self.wsum.get(e).copied().unwrap_or_else(|| cnt(e) as f32);
        match self.layout.single_kind {
            Some(k) => {
                d.counts[k as usize] = cnt(i);
                d.weight_sums[k as usize] = ws(i);
            }
            None => {
                let m = self.mask[i];
                let mut e = e0;
                for k in 0..N_KINDS {
                    if m & (1 << k) != 0 {
                        d.counts[k] = cnt(e);
                        d.weight_sums[k] = ws(e);
                        e += 1;
                    }
                }
            }
        }
        match self.layout.ts {
            TsMode::None => {}
            TsMode::Narrow(base) => {
                let (f, l) = (self.ts_first_n[i], self.ts_last_n[i]);
                if f != TS_NONE {
                    d.first_ts = base + i64::from(f);
                }
                if l != TS_NONE {
                    d.last_ts = base + i64::from(l);
                }
            }
            TsMode::Wide => {
                d.first_ts = self.ts_first_w[i];
                d.last_ts = self.ts_last_w[i];
            }
        }
        if self.layout.sentiment {
            d.sentiment_sum = self.sent_sum[i];
            d.sentiment_n = self.sent_n[i];
        }
        if self.layout.recency {
            d.recency_acc = self.recency[i];
        }
        d.platforms = match self.layout.platforms {
            PlatMode::None => 0,
            PlatMode::Byte => u64::from(self.plat8[i]),
            PlatMode::Wide => self.plat64[i],
        };
        d
    }

    /// Materialise pair `i`.
    pub fn get(&self, i: usize) -> EdgeData {
        self.get_at(i, self.entry_start(i))
    }

    /// Iterate `(source, target, data)` in table order.
    pub fn iter(&self) -> TableIter<'_> {
        TableIter {
            t: self,
            i: 0,
            e: 0,
            s: 0,
        }
    }

    /// Iterate pair indices `range` (materialising each), e.g. one parallel chunk.
    /// `range.start` must be a multiple of 64 for an efficient start (any value is correct).
    pub fn map_range<F: FnMut(usize, &EdgeData)>(&self, range: std::ops::Range<usize>, mut f: F) {
        let mut e = self.entry_start(range.start);
        for i in range {
            let d = self.get_at(i, e);
            if self.layout.single_kind.is_none() {
                e += self.mask[i].count_ones() as usize;
            }
            f(i, &d);
        }
    }

    /// With a single interaction kind: `(kind, counts, weight sums)` per pair, where an empty
    /// slice means the implicit column (every count 1 / every weight sum equal to its count), so
    /// callers can compute `wsum · kind weight` without materialising [`EdgeData`]. `None` when
    /// several kinds are present.
    pub fn single_kind_sums(&self) -> Option<(u8, &[u32], &[f32])> {
        self.layout
            .single_kind
            .map(|k| (k, self.count.as_slice(), self.wsum.as_slice()))
    }
}

/// Iterator over the table in (source, target) order.
pub struct TableIter<'a> {
    t: &'a EdgeTable,
    i: usize,
    e: usize,
    s: usize,
}

impl Iterator for TableIter<'_> {
    type Item = (u32, u32, EdgeData);
    fn next(&mut self) -> Option<Self::Item> {
        let t = self.t;
        if self.i >= t.dst.len() {
            return None;
        }
        while t.off[self.s + 1] as usize <= self.i {
            self.s += 1;
        }
        let d = t.get_at(self.i, self.e);
        if t.layout.single_kind.is_none() {
            self.e += t.mask[self.i].count_ones() as usize;
        }
        let item = (self.s as u32, t.dst[self.i], d);
        self.i += 1;
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let r = self.t.dst.len() - self.i;
        (r, Some(r))
    }
}

/// Appends pairs in (source, target) order into a table of a fixed [`Layout`]. Chunks built
/// independently (in parallel) are concatenated with [`TableBuilder::append`].
#[derive(Debug, Clone)]
pub struct TableBuilder {
    t: EdgeTable,
    /// Source of each pair (turned into offsets by `finish`).
    src: Vec<u32>,
    /// The count column is materialised (an empty vector alone cannot tell at 0 entries).
    count_on: bool,
    /// The weight-sum column is materialised.
    wsum_on: bool,
}

impl TableBuilder {
    /// Empty builder.
    pub fn new(layout: Layout) -> Self {
        TableBuilder {
            t: EdgeTable {
                layout,
                ..EdgeTable::default()
            },
            src: Vec::new(),
            count_on: false,
            wsum_on: false,
        }
    }

    /// Number of pairs so far.
    pub fn len(&self) -> usize {
        self.src.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    fn push_entry(&mut self, c: u32, w: f32) {
        let t = &mut self.t;
        let e = t.entries;
        if c != 1 && !self.count_on {
            // In place: a reused builder keeps the column's capacity.
            t.count.clear();
            t.count.resize(e, 1);
            self.count_on = true;
        }
        if self.count_on {
            t.count.push(c);
        }
        if w.to_bits() != (c as f32).to_bits() && !self.wsum_on {
            t.wsum.clear();
            t.wsum
                .extend((0..e).map(|i| t.count.get(i).copied().unwrap_or(1) as f32));
            self.wsum_on = true;
        }
        if self.wsum_on {
            t.wsum.push(w);
        }
        t.entries += 1;
    }

    /// Append pair (s, t); pairs must come in strictly increasing (s, t) order.
    pub fn push(&mut self, s: u32, tgt: u32, d: &EdgeData) {
        let i = self.src.len();
        self.src.push(s);
        self.t.dst.push(tgt);
        match self.t.layout.single_kind {
            Some(k) => self.push_entry(d.counts[k as usize], d.weight_sums[k as usize]),
            None => {
                if i % BLOCK == 0 {
                    self.t.block.push(self.t.entries as u64);
                }
                let mut m = 0u16;
                for k in 0..N_KINDS {
                    if d.counts[k] > 0 || d.weight_sums[k] != 0.0 {
                        m |= 1 << k;
                        self.push_entry(d.counts[k], d.weight_sums[k]);
                    }
                }
                self.t.mask.push(m);
            }
        }
        let t = &mut self.t;
        match t.layout.ts {
            TsMode::None => {}
            TsMode::Narrow(base) => {
                let n = |x: i64, none: i64| {
                    if x == none {
                        TS_NONE
                    } else {
                        (x - base) as u32
                    }
                };
                t.ts_first_n.push(n(d.first_ts, i64::MAX));
                t.ts_last_n.push(n(d.last_ts, i64::MIN));
            }
            TsMode::Wide => {
                t.ts_first_w.push(d.first_ts);
                t.ts_last_w.push(d.last_ts);
            }
        }
        if t.layout.sentiment {
            t.sent_sum.push(d.sentiment_sum);
            t.sent_n.push(d.sentiment_n);
        }
        if t.layout.recency {
            t.recency.push(d.recency_acc);
        }
        match t.layout.platforms {
            PlatMode::None => {}
            PlatMode::Byte => t.plat8.push(d.platforms as u8),
            PlatMode::Wide => t.plat64.push(d.platforms),
        }
    }

    /// Append a chunk built with the same layout (its pairs follow this builder's).
    pub fn append(&mut self, mut other: TableBuilder) {
        self.append_clear(&mut other);
    }

    /// Append a chunk built with the same layout (its pairs follow this builder's) and leave
    /// `other` empty with its capacity kept, ready to build the next chunk: reusing chunk
    /// builders avoids allocating (and first-touching: a page fault and a zeroed page per
    /// 4 KiB) fresh chunk columns for every batch of chunks.
    pub fn append_clear(&mut self, other: &mut TableBuilder) {
        self.append_ref(other);
        other.clear();
    }

    /// Empty the builder (same layout), keeping the columns' capacity.
    pub fn clear(&mut self) {
        let t = &mut self.t;
        t.off.clear();
        t.dst.clear();
        t.mask.clear();
        t.block.clear();
        t.count.clear();
        t.wsum.clear();
        t.entries = 0;
        t.ts_first_n.clear();
        t.ts_last_n.clear();
        t.ts_first_w.clear();
        t.ts_last_w.clear();
        t.sent_sum.clear();
        t.sent_n.clear();
        t.recency.clear();
        t.plat8.clear();
        t.plat64.clear();
        self.src.clear();
        self.count_on = false;
        self.wsum_on = false;
    }

    fn append_ref(&mut self, other: &TableBuilder) {
        let o = &other.t;
        let t = &mut self.t;
        if o.layout.single_kind.is_none() {
            // Block starts of `other` are relative to its entries and to its own pair
            // numbering; rebuild them for the concatenation.
            let base_pairs = self.src.len();
            let mut e = t.entries as u64;
            for (j, &m) in o.mask.iter().enumerate() {
                if (base_pairs + j) % BLOCK == 0 {
                    t.block.push(e);
                }
                e += u64::from(m.count_ones());
            }
            t.mask.extend_from_slice(&o.mask);
        }
        // Implicit columns: materialise on whichever side needs it.
        let (te, oe) = (t.entries, o.entries);
        if other.count_on && !self.count_on {
            t.count = vec![1; te];
            self.count_on = true;
        }
        if self.count_on {
            if other.count_on {
                t.count.extend_from_slice(&o.count);
            } else {
                t.count.resize(te + oe, 1);
            }
        }
        if other.wsum_on && !self.wsum_on {
            t.wsum = (0..te)
                .map(|i| t.count.get(i).copied().unwrap_or(1) as f32)
                .collect();
            self.wsum_on = true;
        }
        if self.wsum_on {
            if !other.wsum_on {
                t.wsum
                    .extend((0..oe).map(|i| o.count.get(i).copied().unwrap_or(1) as f32));
            } else {
                t.wsum.extend_from_slice(&o.wsum);
            }
        }
        t.entries += oe;
        t.dst.extend_from_slice(&o.dst);
        t.ts_first_n.extend_from_slice(&o.ts_first_n);
        t.ts_last_n.extend_from_slice(&o.ts_last_n);
        t.ts_first_w.extend_from_slice(&o.ts_first_w);
        t.ts_last_w.extend_from_slice(&o.ts_last_w);
        t.sent_sum.extend_from_slice(&o.sent_sum);
        t.sent_n.extend_from_slice(&o.sent_n);
        t.recency.extend_from_slice(&o.recency);
        t.plat8.extend_from_slice(&o.plat8);
        t.plat64.extend_from_slice(&o.plat64);
        self.src.extend_from_slice(&other.src);
    }

    /// The finished table with rows for sources `0..n` (every source must be below `n`).
    pub fn finish(self, n: usize) -> EdgeTable {
        let mut t = self.t;
        let mut off = vec![0u64; n + 1];
        for &s in &self.src {
            off[s as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        t.off = off;
        shrink(&mut t);
        t
    }

    /// A finished single-kind table straight from CSR parts: `off`/`dst` (rows sorted and
    /// unique), per-pair counts (`None` = all 1) and weight sums (`None` = equal to counts).
    pub fn from_parts(
        kind: u8,
        off: Vec<u64>,
        dst: Vec<u32>,
        count: Option<Vec<u32>>,
        wsum: Option<Vec<f32>>,
    ) -> EdgeTable {
        let entries = dst.len();
        let mut t = EdgeTable {
            layout: Layout {
                single_kind: Some(kind),
                ..Layout::default()
            },
            off,
            dst,
            count: count.unwrap_or_default(),
            wsum: wsum.unwrap_or_default(),
            entries,
            ..EdgeTable::default()
        };
        shrink(&mut t);
        t
    }
}

fn shrink(t: &mut EdgeTable) {
    t.dst.shrink_to_fit();
    t.mask.shrink_to_fit();
    t.block.shrink_to_fit();
    t.count.shrink_to_fit();
    t.wsum.shrink_to_fit();
    t.ts_first_n.shrink_to_fit();
    t.ts_last_n.shrink_to_fit();
    t.ts_first_w.shrink_to_fit();
    t.ts_last_w.shrink_to_fit();
    t.sent_sum.shrink_to_fit();
    t.sent_n.shrink_to_fit();
    t.recency.shrink_to_fit();
    t.plat8.shrink_to_fit();
    t.plat64.shrink_to_fit();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(k: usize, c: u32, w: f32) -> EdgeData {
        let mut e = EdgeData::default();
        e.counts[k] = c;
        e.weight_sums[k] = w;
        e
    }

    #[test]
    fn round_trip_and_lazy_columns() {
        let mut a = edge(1, 1, 1.0);
        a.first_ts = 100;
        a.last_ts = 200;
        let mut b = edge(3, 2, 2.0);
        b.counts[5] = 1;
        b.weight_sums[5] = 0.5;
        b.platforms = 3;
        let c = edge(1, 1, 1.0);
        let all = [(0u32, 2u32, a), (0, 5, b), (3, 1, c)];
        let layout = Layout::covering(all.iter().map(|x| &x.2));
        assert_eq!(layout.single_kind, None);
        assert_eq!(layout.ts, TsMode::Narrow(100));
        // Built in one piece and in two appended chunks: same table.
        let mut one = TableBuilder::new(layout);
        for (s, t, d) in &all {
            one.push(*s, *t, d);
        }
        let one = one.finish(5);
        let mut x = TableBuilder::new(layout);
        x.push(all[0].0, all[0].1, &all[0].2);
        let mut y = TableBuilder::new(layout);
        for (s, t, d) in &all[1..] {
            y.push(*s, *t, d);
        }
        x.append(y);
        let two = x.finish(5);
        assert_eq!(one, two);
        let back: Vec<_> = one.iter().collect();
        assert_eq!(back, all.to_vec());
        assert_eq!(one.find(0, 5), Some(1));
        assert_eq!(one.find(3, 1), Some(2));
        assert_eq!(one.find(4, 1), None);
        assert_eq!(one.get(1), all[1].2);
    }

    #[test]
    fn reused_chunk_builders_build_the_same_table() {
        // Chunks that materialise the count / weight-sum columns and chunks that do not,
        // in every order: appended from fresh builders, or from one builder reused through
        // `append_clear` (which must reset its lazy columns), the tables are equal.
        let plain = edge(1, 1, 1.0);
        let counted = edge(1, 3, 3.0);
        let weighted = edge(1, 1, 0.25);
        let mut multi = edge(2, 2, 5.0);
        multi.counts[4] = 1;
        multi.weight_sums[4] = 1.0;
        multi.first_ts = 10;
        multi.last_ts = 20;
        let kinds = [plain, counted, weighted, multi];
        for single in [true, false] {
            let pick: Vec<EdgeData> = if single {
                kinds[..3].to_vec()
            } else {
                kinds.to_vec()
            };
            let layout = Layout::covering(pick.iter());
            for order in 0..pick.len() {
                // Chunk c holds pairs (c, 0..4) with data pick[(c + order + j) % len].
                let chunk = |b: &mut TableBuilder, c: u32| {
                    for j in 0..4u32 {
                        let d = &pick[(c as usize + order + j as usize) % pick.len()];
                        b.push(c, j, d);
                    }
                };
                let mut fresh = TableBuilder::new(layout);
                let mut reused = TableBuilder::new(layout);
                let mut pool = TableBuilder::new(layout);
                for c in 0..6u32 {
                    let mut b = TableBuilder::new(layout);
                    chunk(&mut b, c);
                    fresh.append(b);
                    chunk(&mut pool, c);
                    reused.append_clear(&mut pool);
                    assert!(pool.is_empty());
                }
                assert_eq!(fresh.finish(6), reused.finish(6));
            }
        }
    }

    #[test]
    fn plain_edge_list_is_four_bytes_per_pair() {
        let layout = Layout::covering([edge(1, 1, 1.0)].iter());
        let mut b = TableBuilder::new(layout);
        for t in 0..1000u32 {
            b.push(0, t, &edge(1, 1, 1.0));
        }
        let t = b.finish(1000);
        assert_eq!(t.memory_bytes(), 1000 * 4 + 1001 * 8);
        assert_eq!(t.get(7), edge(1, 1, 1.0));
    }
}
