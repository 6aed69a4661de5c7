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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeData {
    /// External id as in the input (customer id, account id, or edge-list id).
    pub id: String,
    /// Customer, brand or staff.
    pub kind: NodeKind,
    /// Display name, if known.
    pub name: Option<String>,
    /// Segment from customers.*, if any.
    pub segment: Option<String>,
    /// Join date (unix seconds), if known.
    pub joined_at: Option<i64>,
    /// Platform handles merged into this node, as `platform:handle`, sorted.
    pub handles: Vec<String>,
    /// Extra columns from customers.* / accounts.*, kept as properties.
    pub props: BTreeMap<String, String>,
}

impl NodeData {
    /// A bare node with only an id.
    pub fn new(id: impl Into<String>, kind: NodeKind) -> Self {
        NodeData {
            id: id.into(),
            kind,
            name: None,
            segment: None,
            joined_at: None,
            handles: Vec::new(),
            props: BTreeMap::new(),
        }
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
    /// Order id, if given.
    pub order_id: Option<String>,
    /// Category, if given.
    pub category: Option<String>,
}
