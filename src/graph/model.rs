//! The interaction data model: node kinds, interaction kinds, node and edge payloads.
//!
//! **Edge meaning.** An interaction row `source → target` means *source acted on target* (replied to,
//! mentioned, shared, liked, followed ... the target). Attention and credit therefore flow
//! source → target (PageRank rewards targets), and word of mouth spreads the other way,
//! target → source (the one who replied/shared has been exposed to the target's word).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Kind of account a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A customer (possibly merged from several platform handles).
    Customer,
    /// An official brand account.
    Brand,
    /// A staff member acting for the brand.
    Staff,
}

impl NodeKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Customer => "customer",
            NodeKind::Brand => "brand",
            NodeKind::Staff => "staff",
        }
    }
    /// True for brand and staff accounts (never ranked as customers).
    pub fn is_brand_side(self) -> bool {
        !matches!(self, NodeKind::Customer)
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Number of interaction kinds.
pub const N_KINDS: usize = 9;

/// The interaction kinds kolgraph understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InteractionKind {
    Reply,
    Mention,
    Share,
    Like,
    Comment,
    Review,
    Follow,
    Message,
    CoCreate,
}

impl InteractionKind {
    /// All kinds, in index order.
    pub const ALL: [InteractionKind; N_KINDS] = [
        InteractionKind::Reply,
        InteractionKind::Mention,
        InteractionKind::Share,
        InteractionKind::Like,
        InteractionKind::Comment,
        InteractionKind::Review,
        InteractionKind::Follow,
        InteractionKind::Message,
        InteractionKind::CoCreate,
    ];
    /// Comma-separated list of valid names, for error messages.
    pub const VALID: &'static str =
        "one of reply, mention, share, like, comment, review, follow, message, co-create";

    /// Dense index 0..N_KINDS.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Input/output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionKind::Reply => "reply",
            InteractionKind::Mention => "mention",
            InteractionKind::Share => "share",
            InteractionKind::Like => "like",
            InteractionKind::Comment => "comment",
            InteractionKind::Review => "review",
            InteractionKind::Follow => "follow",
            InteractionKind::Message => "message",
            InteractionKind::CoCreate => "co-create",
        }
    }
    /// Neo4j relationship type (fixed list, never built from user input).
    pub fn rel_type(self) -> &'static str {
        match self {
            InteractionKind::Reply => "REPLIED_TO",
            InteractionKind::Mention => "MENTIONED",
            InteractionKind::Share => "SHARED",
            InteractionKind::Like => "LIKED",
            InteractionKind::Comment => "COMMENTED_ON",
            InteractionKind::Review => "REVIEWED",
            InteractionKind::Follow => "FOLLOWS",
            InteractionKind::Message => "MESSAGED",
            InteractionKind::CoCreate => "CO_CREATED_WITH",
        }
    }
    /// Default weight of one interaction of this kind in the weighted view: richer, costlier
    /// actions count more than a like or a follow.
    pub fn default_weight(self) -> f64 {
        match self {
            InteractionKind::Reply => 1.0,
            InteractionKind::Mention => 1.0,
            InteractionKind::Share => 1.5,
            InteractionKind::Like => 0.3,
            InteractionKind::Comment => 1.0,
            InteractionKind::Review => 1.5,
            InteractionKind::Follow => 0.5,
            InteractionKind::Message => 0.8,
            InteractionKind::CoCreate => 2.0,
        }
    }
}

impl fmt::Display for InteractionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InteractionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        for k in InteractionKind::ALL {
            if t.eq_ignore_ascii_case(k.as_str())
                || (k == InteractionKind::CoCreate
                    && (t.eq_ignore_ascii_case("co_create") || t.eq_ignore_ascii_case("cocreate")))
            {
                return Ok(k);
            }
        }
        Err(format!(
            "unknown interaction kind (got {s:?}, expected {})",
            InteractionKind::VALID
        ))
    }
}

/// A node of the property graph.
///
/// Kept small because there is one per account (5M on the 50M-interaction dataset): the id is
/// stored inline when it has at most 22 bytes (every numeric id, most account ids), and the
/// fields that most nodes lack (always, for a plain edge list) sit behind one optional box.
/// 40 bytes per node instead of 144 plus a heap allocation for the id.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    /// External id as in the input (customer id, account id, or edge-list id).
    pub id: CompactStr,
    /// Customer, brand or staff.
    pub kind: NodeKind,
    /// Name, segment, join date, handles and extra properties, when any is set.
    extra: Option<Box<NodeExtra>>,
}

/// The optional fields of a [`NodeData`] (see [`NodeData::extra`] and [`NodeData::extra_mut`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeExtra {
    /// Display name, if known.
    pub name: Option<String>,
    /// Segment from customers.*, if any (inline when ≤ 22 bytes).
    pub segment: Option<CompactStr>,
    /// Join date (unix seconds), if known.
    pub joined_at: Option<i64>,
    /// Platform handles merged into this node, as `platform:handle`, sorted.
    pub handles: Vec<String>,
    /// Extra columns from customers.* / accounts.*, kept as properties.
    pub props: Props,
}

/// What [`NodeData::extra`] returns for a node without optional fields.
static NO_EXTRA: NodeExtra = NodeExtra {
    name: None,
    segment: None,
    joined_at: None,
    handles: Vec::new(),
    props: Props::new(),
};

impl NodeData {
    /// A bare node with only an id.
    pub fn new(id: impl Into<CompactStr>, kind: NodeKind) -> Self {
        NodeData {
            id: id.into(),
            kind,
            extra: None,
        }
    }
    /// The optional fields (all empty when none was set).
    pub fn extra(&self) -> &NodeExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }
    /// The optional fields, for setting them (allocates their box on first use).
    pub fn extra_mut(&mut self) -> &mut NodeExtra {
        self.extra.get_or_insert_with(Box::default)
    }
    /// The optional fields if the node has any (allocates nothing).
    pub fn extra_mut_if_set(&mut self) -> Option<&mut NodeExtra> {
        self.extra.as_deref_mut()
    }
    /// Set the name; `None` on a node without optional fields allocates nothing.
    pub fn set_name(&mut self, name: Option<String>) {
        if name.is_some() || self.extra.is_some() {
            self.extra_mut().name = name;
        }
    }
    /// Set the segment; `None` on a node without optional fields allocates nothing.
    pub fn set_segment(&mut self, segment: Option<CompactStr>) {
        if segment.is_some() || self.extra.is_some() {
            self.extra_mut().segment = segment;
        }
    }
    /// Set the join date; `None` on a node without optional fields allocates nothing.
    pub fn set_joined_at(&mut self, t: Option<i64>) {
        if t.is_some() || self.extra.is_some() {
            self.extra_mut().joined_at = t;
        }
    }
    /// Display name, if known.
    pub fn name(&self) -> Option<&str> {
        self.extra().name.as_deref()
    }
    /// Segment, if known.
    pub fn segment(&self) -> Option<&str> {
        self.extra().segment.as_deref()
    }
    /// Join date (unix seconds), if known.
    pub fn joined_at(&self) -> Option<i64> {
        self.extra().joined_at
    }
    /// Platform handles merged into this node, sorted.
    pub fn handles(&self) -> &[String] {
        &self.extra().handles
    }
    /// Extra properties.
    pub fn props(&self) -> &Props {
        &self.extra().props
    }
}

/// Extra node properties (name → value), sorted by name, in one small vector.
///
/// Same interface and iteration order as the `BTreeMap<String, String>` it replaces, but a
/// node with one extra column (e.g. `clv`) costs one 48-byte allocation instead of a 544-byte
/// B-tree leaf: with 5M customers that was ~2.7 GB.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Props(Vec<(String, String)>);

impl Props {
    /// No properties.
    pub const fn new() -> Self {
        Props(Vec::new())
    }
    fn find<Q: Ord + ?Sized>(&self, k: &Q) -> Result<usize, usize>
    where
        String: std::borrow::Borrow<Q>,
    {
        use std::borrow::Borrow;
        self.0
            .binary_search_by(|(x, _)| Borrow::<Q>::borrow(x).cmp(k))
    }
    /// Set a property; returns the previous value.
    pub fn insert(&mut self, k: String, v: String) -> Option<String> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            Err(i) => {
                // Most nodes have one property: a first push would reserve room for four
                // (192 bytes per customer with a `clv` column).
                if self.0.is_empty() {
                    self.0.reserve_exact(1);
                }
                self.0.insert(i, (k, v));
                None
            }
        }
    }
    /// Value of a property.
    pub fn get<Q: Ord + ?Sized>(&self, k: &Q) -> Option<&String>
    where
        String: std::borrow::Borrow<Q>,
    {
        self.find(k).ok().map(|i| &self.0[i].1)
    }
    /// True when the property is set.
    pub fn contains_key<Q: Ord + ?Sized>(&self, k: &Q) -> bool
    where
        String: std::borrow::Borrow<Q>,
    {
        self.find(k).is_ok()
    }
    /// Names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.iter().map(|(k, _)| k)
    }
    /// Values, in name order.
    pub fn values(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.iter().map(|(_, v)| v)
    }
    /// (name, value) pairs, sorted by name.
    pub fn iter(&self) -> PropsIter<'_> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    /// Number of properties.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Iterator over [`Props`] pairs.
pub type PropsIter<'a> = std::iter::Map<
    std::slice::Iter<'a, (String, String)>,
    fn(&'a (String, String)) -> (&'a String, &'a String),
>;

impl<'a> IntoIterator for &'a Props {
    type Item = (&'a String, &'a String);
    type IntoIter = PropsIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<(String, String)> for Props {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(it: I) -> Self {
        let mut p = Props::new();
        for (k, v) in it {
            p.insert(k, v);
        }
        p
    }
}

impl Serialize for Props {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Props {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, String>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

/// A string stored inline (no heap allocation) when it has at most 22 bytes: order ids and
/// categories of transactions, one per row (two `String`s per row were ~64 bytes of heap).
#[derive(Clone)]
pub enum CompactStr {
    /// Up to 22 bytes, zero-padded.
    Inline(u8, [u8; 22]),
    /// Longer strings.
    Heap(Box<str>),
}

impl CompactStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            // Always a whole `&str` copied in, so valid UTF-8.
            CompactStr::Inline(n, b) => std::str::from_utf8(&b[..usize::from(*n)]).unwrap_or(""),
            CompactStr::Heap(s) => s,
        }
    }
}

impl From<&str> for CompactStr {
    fn from(s: &str) -> Self {
        if s.len() <= 22 {
            let mut b = [0u8; 22];
            b[..s.len()].copy_from_slice(s.as_bytes());
            CompactStr::Inline(s.len() as u8, b)
        } else {
            CompactStr::Heap(s.into())
        }
    }
}

impl From<String> for CompactStr {
    fn from(s: String) -> Self {
        if s.len() <= 22 {
            CompactStr::from(s.as_str())
        } else {
            CompactStr::Heap(s.into_boxed_str())
        }
    }
}

impl From<&String> for CompactStr {
    fn from(s: &String) -> Self {
        CompactStr::from(s.as_str())
    }
}

impl AsRef<str> for CompactStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::ops::Deref for CompactStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for CompactStr {
    fn eq(&self, o: &Self) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for CompactStr {}

impl fmt::Debug for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CompactStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CompactStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(String::deserialize(d)?.into())
    }
}

/// All interactions from one node to another, aggregated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeData {
    /// Number of interactions per kind (indexed by `InteractionKind::index`).
    pub counts: [u32; N_KINDS],
    /// Sum of the explicit row weights (1 when a row has no weight column) per kind.
    pub weight_sums: [f32; N_KINDS],
    /// Earliest timestamp (unix seconds); `i64::MAX` when no row had one.
    pub first_ts: i64,
    /// Latest timestamp (unix seconds); `i64::MIN` when no row had one.
    pub last_ts: i64,
    /// Sum of sentiment values over rows that had one.
    pub sentiment_sum: f32,
    /// Number of rows that had a sentiment value.
    pub sentiment_n: u32,
    /// Recency accumulator: Σ 2^((t − last_ts)/h) over timestamped rows (only when a half-life is set
    /// at ingest); the weighted view multiplies the edge strength by the rows' mean decay factor.
    pub recency_acc: f64,
    /// Bit set of platform indices seen on this edge (see `PropertyGraph::platforms`).
    pub platforms: u64,
}

impl Default for EdgeData {
    fn default() -> Self {
        EdgeData {
            counts: [0; N_KINDS],
            weight_sums: [0.0; N_KINDS],
            first_ts: i64::MAX,
            last_ts: i64::MIN,
            sentiment_sum: 0.0,
            sentiment_n: 0,
            recency_acc: 0.0,
            platforms: 0,
        }
    }
}

impl EdgeData {
    /// Total number of interactions on this edge.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }
    /// Mean sentiment, if any row had one.
    pub fn mean_sentiment(&self) -> Option<f64> {
        (self.sentiment_n > 0).then(|| f64::from(self.sentiment_sum) / f64::from(self.sentiment_n))
    }
    /// Weighted strength of this edge under the given per-kind weights (no recency decay).
    pub fn strength(&self, kind_weights: &[f64; N_KINDS]) -> f64 {
        self.weight_sums
            .iter()
            .zip(kind_weights)
            .map(|(&w, &k)| f64::from(w) * k)
            .sum()
    }
    /// Kind with the most interactions (ties → lower index).
    pub fn dominant_kind(&self) -> InteractionKind {
        let mut best = 0;
        for i in 1..N_KINDS {
            if self.counts[i] > self.counts[best] {
                best = i;
            }
        }
        InteractionKind::ALL[best]
    }
}

/// One purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    /// Node index of the customer.
    pub node: u32,
    /// Unix seconds.
    pub timestamp: i64,
    /// Non-negative amount.
    pub amount: f64,
    /// Order id, if given (inline when ≤ 22 bytes).
    pub order_id: Option<CompactStr>,
    /// Category, if given (inline when ≤ 22 bytes).
    pub category: Option<CompactStr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_data_is_small_and_boxes_only_what_is_set() {
        // One per node: the 5M-node graphs must not pay for fields a plain edge list never has.
        assert!(std::mem::size_of::<NodeData>() <= 40);
        let mut d = NodeData::new("12345", NodeKind::Customer);
        d.set_name(None);
        d.set_segment(None);
        d.set_joined_at(None);
        assert!(d.extra_mut_if_set().is_none());
        assert_eq!((d.name(), d.segment(), d.joined_at()), (None, None, None));
        assert!(d.handles().is_empty() && d.props().is_empty());
        d.set_segment(Some("gold".into()));
        d.extra_mut().props.insert("clv".into(), "3".into());
        assert_eq!(d.segment(), Some("gold"));
        assert_eq!(d.props().get("clv").map(String::as_str), Some("3"));
        assert_eq!(&*d.id, "12345");
        let long = "x".repeat(40);
        assert_eq!(&*NodeData::new(long.as_str(), NodeKind::Brand).id, long);
    }
}
