//! Bolt export: the interaction graph plus a generic bundle of analysis results ([`ResultColumns`]).
//!
//! **Graph model in Neo4j** (read back by [`crate::neo4j::read`], used by the `queries/` kit):
//! * every node is `(:Account {id})` (unique constraint) plus exactly one kind label
//!   `:Customer`, `:Brand` or `:Staff`; properties `kind`, `seq` (kolgraph's node index, so a
//!   read-back reproduces the same node ids), `name`, `segment`, `joinedAt` (unix s), `handles`,
//!   and the extra customer columns of the input (keys that clash with reserved names are skipped);
//! * one relationship type per interaction kind ([`InteractionKind::rel_type`]), `source → target` =
//!   source acted on target, with `count`, `weight` (sum of row weights of that kind), and the
//!   per-pair (all kinds together) `firstTs`/`lastTs` (unix s), `firstAt`/`lastAt` (datetime),
//!   `sentiment` (mean), `sentimentSum`, `sentimentN`, `platforms`;
//! * analysis results as node properties (`SET n += row`), tier labels from the fixed
//!   [`TierLabel`] list, `(:Community {id})` nodes with `(:Account)-[:IN_COMMUNITY]->(:Community)`
//!   and `(:Community)-[:LED_BY {rank}]->(:Account)`, and one `(:AnalysisRun {id})` node.
//!
//! **Statements.** Every statement is a fixed text (labels and types are `&'static str` from fixed
//! lists, never from input) run as `UNWIND $rows AS r …` with parameters only. Everything `MERGE`s on
//! constrained ids and `SET`s absolute values, so re-running an export (after success, or after the
//! server died mid-way) converges to the same database: no duplicates, nothing missing. The
//! `:AnalysisRun` node is written last with `completedAt`, so its presence marks a finished export.
//! Exception for speed: when the database holds no `:Account` node as the export starts (checked
//! once per run), nodes and relationships are written with `CREATE` (no existence checks); any
//! batch whose `CREATE` attempt fails is replayed with the `MERGE` statement, and an interrupted
//! run leaves `:Account` nodes behind, so its re-run merges: idempotence and crash safety hold.
//!
//! **Concurrency.** Node and property batches touch disjoint nodes and run in parallel
//! (`writers` connections). Creating a relationship locks both end nodes and opinion leaders are
//! hubs, so arbitrary parallel relationship batches deadlock or serialise; instead relationships
//! are scheduled in node-disjoint lanes ([`lane_schedule`]) and `rel_writers` lanes run at once.
//! Community memberships (the community node is a hub) go through one writer.
//!
//! Cost: O(n + m) rows; memory O(batch) for row building (rows are built per batch, lazily).

use super::bolt::{self, Row};
use super::client::Client;
use crate::algo::Progress;
use crate::error::{Error, Result};
use crate::graph::{InteractionKind, NodeKind, PropertyGraph, N_KINDS};
use crate::ingest::Dataset;
use neo4rs::BoltType;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Default rows per node / property batch.
pub const DEFAULT_BATCH_SIZE: usize = 10_000;
/// Default parallel writers for node and property batches.
pub const DEFAULT_WRITERS: usize = 4;
/// Default parallel writers for relationship batches (node-disjoint lanes).
pub const DEFAULT_REL_WRITERS: usize = 2;

/// Tier labels used for styling in the Neo4j Browser. A fixed list: labels never come from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TierLabel {
    /// Top of the influence ranking.
    OpinionLeader,
    /// Spans communities (high betweenness / low constraint).
    Bridge,
    /// Connects many people inside a community.
    Connector,
    /// Positive word of mouth.
    Advocate,
    /// Negative word of mouth.
    Detractor,
    /// Valuable customer whose activity is fading.
    AtRisk,
    /// Recently joined.
    Newcomer,
    /// Selected campaign seed.
    CampaignSeed,
    /// Top of the blended importance ranking.
    TopCustomer,
}

impl TierLabel {
    /// All tier labels.
    pub const ALL: [TierLabel; 9] = [
        TierLabel::OpinionLeader,
        TierLabel::Bridge,
        TierLabel::Connector,
        TierLabel::Advocate,
        TierLabel::Detractor,
        TierLabel::AtRisk,
        TierLabel::Newcomer,
        TierLabel::CampaignSeed,
        TierLabel::TopCustomer,
    ];
    /// The Neo4j label.
    pub fn label(self) -> &'static str {
        match self {
            TierLabel::OpinionLeader => "OpinionLeader",
            TierLabel::Bridge => "Bridge",
            TierLabel::Connector => "Connector",
            TierLabel::Advocate => "Advocate",
            TierLabel::Detractor => "Detractor",
            TierLabel::AtRisk => "AtRisk",
            TierLabel::Newcomer => "Newcomer",
            TierLabel::CampaignSeed => "CampaignSeed",
            TierLabel::TopCustomer => "TopCustomer",
        }
    }
}

/// A node property value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PropValue {
    /// Absent (removes the property).
    Null,
    /// Integer.
    Int(i64),
    /// Float.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// String.
    Str(String),
}

impl PropValue {
    fn bolt(&self) -> BoltType {
        match self {
            PropValue::Null => bolt::null(),
            PropValue::Int(x) => bolt::i(*x),
            // NaN/inf are not valid Cypher property values in every client: store null.
            PropValue::Float(x) if !x.is_finite() => bolt::null(),
            PropValue::Float(x) => bolt::f(*x),
            PropValue::Bool(x) => bolt::b(*x),
            PropValue::Str(x) => bolt::s(x),
        }
    }
}

/// One community.
#[derive(Debug, Clone, Serialize)]
pub struct CommunityRow {
    /// Community id (as in the node property `community`).
    pub id: i64,
    /// Members (node ids).
    pub members: Vec<u32>,
    /// Leaders, best first (node ids).
    pub leaders: Vec<u32>,
    /// Extra properties (e.g. `type` = brand-led/consumer-led, `brandCentricity`).
    pub props: Vec<(String, PropValue)>,
}

/// Provenance of an analysis run.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// The kolgraph command that produced the results.
    pub command: String,
    /// Parameters (the echoed algorithm configs), stored as a JSON string.
    pub params: serde_json::Value,
    /// Seed.
    pub seed: u64,
    /// kolgraph version.
    pub version: String,
    /// Input files: (path, sha256).
    pub inputs: Vec<(String, String)>,
}

impl RunInfo {
    /// Run info for a dataset (inputs and hashes from its ingest report).
    pub fn for_dataset(ds: &Dataset, command: &str, params: serde_json::Value, seed: u64) -> Self {
        RunInfo {
            command: command.to_string(),
            params,
            seed,
            version: env!("CARGO_PKG_VERSION").to_string(),
            inputs: ds
                .report
                .files
                .iter()
                .map(|f| (f.path.clone(), f.sha256.clone()))
                .collect(),
        }
    }
    /// Deterministic run id: hash of everything but the time, so re-exporting the same analysis
    /// updates the same `:AnalysisRun` node instead of adding one.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.command.as_bytes());
        h.update([0]);
        h.update(self.params.to_string().as_bytes());
        h.update([0]);
        h.update(self.seed.to_le_bytes());
        h.update(self.version.as_bytes());
        for (p, s) in &self.inputs {
            h.update([0]);
            h.update(p.as_bytes());
            h.update([0]);
            h.update(s.as_bytes());
        }
        let d = h.finalize();
        d.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

/// Analysis results to write, indexed by node id. Filled by whoever ran the algorithms; the writer
/// knows nothing about them.
#[derive(Debug, Clone, Serialize)]
pub struct ResultColumns {
    /// Node properties: (property name, one value per node).
    pub node_props: Vec<(String, Vec<PropValue>)>,
    /// Tier labels: (label, membership per node).
    pub node_labels: Vec<(TierLabel, Vec<bool>)>,
    /// Communities (empty = none written, existing ones left alone).
    pub communities: Vec<CommunityRow>,
    /// Provenance.
    pub run: RunInfo,
}

impl ResultColumns {
    /// Empty bundle.
    pub fn new(run: RunInfo) -> Self {
        ResultColumns {
            node_props: Vec::new(),
            node_labels: Vec::new(),
            communities: Vec::new(),
            run,
        }
    }
    /// Add a float column (non-finite values become null).
    pub fn push_f64(&mut self, name: &str, values: &[f64]) {
        self.node_props.push((
            name.to_string(),
            values.iter().map(|&x| PropValue::Float(x)).collect(),
        ));
    }
    /// Add an integer column.
    pub fn push_i64(&mut self, name: &str, values: impl IntoIterator<Item = i64>) {
        self.node_props.push((
            name.to_string(),
            values.into_iter().map(PropValue::Int).collect(),
        ));
    }
    /// Add a string column (None = null).
    pub fn push_str(&mut self, name: &str, values: impl IntoIterator<Item = Option<String>>) {
        self.node_props.push((
            name.to_string(),
            values
                .into_iter()
                .map(|v| v.map_or(PropValue::Null, PropValue::Str))
                .collect(),
        ));
    }
    /// Add a tier label from a membership mask.
    pub fn push_label(&mut self, label: TierLabel, mask: Vec<bool>) {
        self.node_labels.push((label, mask));
    }
    /// Add a tier label for the given node ids.
    pub fn push_label_ids(&mut self, label: TierLabel, n: usize, ids: &[u32]) {
        let mut mask = vec![false; n];
        for &v in ids {
            if let Some(m) = mask.get_mut(v as usize) {
                *m = true;
            }
        }
        self.node_labels.push((label, mask));
    }

    fn check(&self, n: usize) -> Result<()> {
        for (name, col) in &self.node_props {
            if col.len() != n {
                return Err(Error::Other(format!(
                    "result column {name} has {} values for {n} nodes",
                    col.len()
                )));
            }
            if RESERVED.contains(&name.as_str()) {
                return Err(Error::Other(format!(
                    "result column {name} would overwrite a graph property"
                )));
            }
        }
        for (l, mask) in &self.node_labels {
            if mask.len() != n {
                return Err(Error::Other(format!(
                    "label {} has {} flags for {n} nodes",
                    l.label(),
                    mask.len()
                )));
            }
        }
        for c in &self.communities {
            if c.members.iter().chain(&c.leaders).any(|&v| v as usize >= n) {
                return Err(Error::Other(format!(
                    "community {} lists a node id out of range",
                    c.id
                )));
            }
        }
        Ok(())
    }
}

/// Graph property names written by the exporter (user columns and result columns may not use them).
pub const RESERVED: [&str; 9] = [
    "id",
    "kind",
    "seq",
    "name",
    "segment",
    "joinedAt",
    "handles",
    "analysisRun",
    "community",
];

/// Export settings.
#[derive(Debug, Clone, Serialize)]
pub struct ExportOptions {
    /// Rows per node and property batch.
    pub batch_size: usize,
    /// Rows per relationship batch.
    pub rel_batch_size: usize,
    /// Parallel writers for node and property batches.
    pub writers: usize,
    /// Parallel writers for relationship batches; above 1 the relationships are scheduled in
    /// node-disjoint lanes (see [`lane_schedule`]).
    pub rel_writers: usize,
    /// Use `CREATE` instead of `MERGE` for nodes and relationships when the database holds no
    /// `:Account` node when the export starts (first export into an empty database).
    pub create_when_empty: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            batch_size: DEFAULT_BATCH_SIZE,
            rel_batch_size: DEFAULT_BATCH_SIZE / 2,
            writers: DEFAULT_WRITERS,
            rel_writers: DEFAULT_REL_WRITERS,
            create_when_empty: true,
        }
    }
}

/// Schema statements (idempotent), run before any data. Same text as `queries/00-schema.cypher`.
pub const SCHEMA: &str = include_str!("../../queries/00-schema.cypher");

/// The schema statements, one per `;`-terminated block, comments removed.
pub fn schema_statements() -> Vec<String> {
    let text: String = SCHEMA
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    text.split(';')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

type RowFn<'a> = Box<dyn Fn(usize) -> Option<BoltType> + Send + Sync + 'a>;

/// One step of the export: a fixed statement applied to `UNWIND $rows`.
pub struct Step<'a> {
    /// Short name (progress, dry run).
    pub name: String,
    /// The statement.
    pub statement: String,
    /// Candidate row indices 0..n (the row function may skip some by returning None).
    pub n: usize,
    /// Rows per batch.
    pub batch: usize,
    /// Batches may run in parallel.
    pub parallel: bool,
    /// Builds row `i` (None = skip).
    row: RowFn<'a>,
    /// A statement without rows (run once, e.g. clearing a tier label).
    pub single: bool,
    /// Faster `CREATE` form used when the export starts on a database without `:Account` nodes
    /// (nothing to merge with); a failed attempt is replayed with `statement` (see
    /// [`super::client::run_rows_with_fallback`]).
    pub create_statement: Option<String>,
    /// Node-disjoint schedule for relationship batches: rounds run one after the other; the lanes
    /// (row ranges) of one round touch disjoint node sets, so they run in parallel without lock
    /// waits or deadlocks. `None`: batches are independent (`parallel`) or sequential.
    pub rounds: Option<Vec<Vec<std::ops::Range<usize>>>>,
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("name", &self.name)
            .field("n", &self.n)
            .finish()
    }
}

impl<'a> Step<'a> {
    fn rows(
        name: impl Into<String>,
        statement: impl Into<String>,
        n: usize,
        batch: usize,
        parallel: bool,
        row: impl Fn(usize) -> Option<BoltType> + Send + Sync + 'a,
    ) -> Self {
        Step {
            name: name.into(),
            statement: statement.into(),
            n,
            batch: batch.max(1),
            parallel,
            row: Box::new(row),
            single: false,
            create_statement: None,
            rounds: None,
        }
    }
    fn single(name: impl Into<String>, statement: impl Into<String>) -> Self {
        Step {
            name: name.into(),
            statement: statement.into(),
            n: 0,
            batch: 1,
            parallel: false,
            row: Box::new(|_| None),
            single: true,
            create_statement: None,
            rounds: None,
        }
    }
    fn with_create(mut self, stmt: String) -> Self {
        self.create_statement = Some(stmt);
        self
    }
    /// Number of rows this step sends.
    pub fn row_count(&self) -> usize {
        (0..self.n).filter(|&i| (self.row)(i).is_some()).count()
    }
}

fn kind_label(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Customer => "Customer",
        NodeKind::Brand => "Brand",
        NodeKind::Staff => "Staff",
    }
}

const KINDS: [NodeKind; 3] = [NodeKind::Customer, NodeKind::Brand, NodeKind::Staff];

fn node_row(g: &PropertyGraph, v: u32) -> BoltType {
    let d = g.node(v);
    let mut p = Row::with_capacity(6 + d.props().len());
    p.put("kind", bolt::s(d.kind.as_str()))
        .put("seq", bolt::i(i64::from(v)))
        .put("name", bolt::opt(d.name(), bolt::s))
        .put("segment", bolt::opt(d.segment(), bolt::s))
        .put("joinedAt", bolt::opt(d.joined_at(), bolt::i))
        .put(
            "handles",
            bolt::list(d.handles().iter().map(|h| bolt::s(h)).collect()),
        );
    for (k, val) in d.props() {
        if !RESERVED.contains(&k.as_str()) && !k.is_empty() {
            p.put(k, bolt::s(val));
        }
    }
    let mut r = Row::with_capacity(2);
    r.put("id", bolt::s(&d.id)).put("p", p.done());
    r.done()
}

/// Edges flattened once (table order), with the kinds present, so relationship steps can
/// index them; the properties are read back from the edge table per row.
struct EdgeRef {
    s: u32,
    t: u32,
    kinds: u16,
}

fn rel_row(g: &PropertyGraph, er: &EdgeRef, k: InteractionKind) -> Option<BoltType> {
    let d = g.edge(er.s, er.t)?;
    let c = d.counts[k.index()];
    if c == 0 {
        return None;
    }
    let first = (d.first_ts != i64::MAX).then_some(d.first_ts);
    let last = (d.last_ts != i64::MIN).then_some(d.last_ts);
    let platforms: Vec<BoltType> = g
        .platforms
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && d.platforms & (1u64 << i) != 0)
        .map(|(_, p)| bolt::s(p))
        .collect();
    let mut p = Row::with_capacity(11);
    p.put("count", bolt::i(i64::from(c)))
        .put("weight", bolt::f(f64::from(d.weight_sums[k.index()])))
        .put("firstTs", bolt::opt(first, bolt::i))
        .put("lastTs", bolt::opt(last, bolt::i))
        .put("sentiment", bolt::opt(d.mean_sentiment(), bolt::f))
        .put(
            "sentimentSum",
            bolt::opt(
                (d.sentiment_n > 0).then_some(f64::from(d.sentiment_sum)),
                bolt::f,
            ),
        )
        .put("sentimentN", bolt::i(i64::from(d.sentiment_n)))
        .put("platforms", bolt::list(platforms))
        // Built here rather than with datetime() in Cypher: no per-row function call on the server.
        .put("firstAt", bolt::opt(first, bolt::datetime))
        .put("lastAt", bolt::opt(last, bolt::datetime));
    let mut r = Row::with_capacity(3);
    r.put("s", bolt::s(g.id(er.s)))
        .put("t", bolt::s(g.id(er.t)))
        .put("p", p.done());
    Some(r.done())
}

/// Build the export plan: the statements in order, with lazily built rows.
///
/// # Errors
/// A result bundle whose columns do not match the graph.
pub fn plan<'a>(
    ds: &'a Dataset,
    results: Option<&'a ResultColumns>,
    opts: &ExportOptions,
) -> Result<Vec<Step<'a>>> {
    let g = &ds.graph;
    let n = g.node_count();
    if let Some(r) = results {
        r.check(n)?;
    }
    let mut steps = Vec::new();
    let kinds: Arc<Vec<NodeKind>> = Arc::new(g.nodes().map(|v| g.kind(v)).collect());
    for k in KINDS {
        let others: Vec<&str> = KINDS
            .iter()
            .filter(|&&o| o != k)
            .map(|&o| kind_label(o))
            .collect();
        let stmt = format!(
            "UNWIND $rows AS r MERGE (n:Account {{id: r.id}}) SET n:{l}, n += r.p REMOVE n:{o}",
            l = kind_label(k),
            o = others.join(":")
        );
        let create = format!(
            "UNWIND $rows AS r CREATE (n:Account:{l} {{id: r.id}}) SET n += r.p",
            l = kind_label(k)
        );
        let kinds = Arc::clone(&kinds);
        steps.push(
            Step::rows(
                format!("nodes :{}", kind_label(k)),
                stmt,
                n,
                opts.batch_size,
                true,
                move |i| (kinds[i] == k).then(|| node_row(g, i as u32)),
            )
            .with_create(create),
        );
    }
    let edges: Arc<Vec<EdgeRef>> = Arc::new(
        g.edges()
            .map(|(s, t, d)| EdgeRef {
                s,
                t,
                kinds: (0..N_KINDS)
                    .filter(|&k| d.counts[k] > 0)
                    .fold(0u16, |m, k| m | (1 << k)),
            })
            .collect(),
    );
    for k in InteractionKind::ALL {
        let stmt = format!(
            "UNWIND $rows AS r MATCH (a:Account {{id: r.s}}) MATCH (b:Account {{id: r.t}}) \
             MERGE (a)-[e:{t}]->(b) SET e += r.p",
            t = k.rel_type()
        );
        let create = format!(
            "UNWIND $rows AS r MATCH (a:Account {{id: r.s}}) MATCH (b:Account {{id: r.t}}) \
             CREATE (a)-[e:{t}]->(b) SET e += r.p",
            t = k.rel_type()
        );
        // Only the pairs with this kind, in lane order.
        let of_kind: Vec<u32> = (0..edges.len() as u32)
            .filter(|&i| edges[i as usize].kinds & (1 << k.index()) != 0)
            .collect();
        let (order, rounds) = if opts.rel_writers > 1 {
            let (order, rounds) = lane_schedule(&of_kind, 2 * opts.rel_writers, |i| {
                let er = &edges[i as usize];
                (er.s, er.t)
            });
            (order, Some(rounds))
        } else {
            (of_kind, None)
        };
        let edges = Arc::clone(&edges);
        let mut step = Step::rows(
            format!("rels :{}", k.rel_type()),
            stmt,
            order.len(),
            opts.rel_batch_size,
            false,
            move |i| rel_row(g, &edges[order[i] as usize], k),
        )
        .with_create(create);
        step.rounds = rounds;
        steps.push(step);
    }
    if let Some(res) = results {
        let run_id = res.run.id();
        let rid = run_id.clone();
        steps.push(Step::rows(
            "result properties",
            "UNWIND $rows AS r MATCH (n:Account {id: r.id}) SET n += r.p",
            n,
            opts.batch_size,
            true,
            move |i| {
                let mut p = Row::with_capacity(res.node_props.len() + 1);
                for (name, col) in &res.node_props {
                    p.put(name, col[i].bolt());
                }
                p.put("analysisRun", bolt::s(&rid));
                let mut r = Row::with_capacity(2);
                r.put("id", bolt::s(g.id(i as u32))).put("p", p.done());
                Some(r.done())
            },
        ));
        for (label, mask) in &res.node_labels {
            let l = label.label();
            // Clear, then set: a crash in between is repaired by the re-run.
            steps.push(Step::single(
                format!("clear :{l}"),
                format!("MATCH (n:{l}) REMOVE n:{l}"),
            ));
            steps.push(Step::rows(
                format!("label :{l}"),
                format!("UNWIND $rows AS r MATCH (n:Account {{id: r.id}}) SET n:{l}"),
                n,
                opts.batch_size,
                true,
                move |i| {
                    mask[i].then(|| {
                        let mut r = Row::with_capacity(1);
                        r.put("id", bolt::s(g.id(i as u32)));
                        r.done()
                    })
                },
            ));
        }
        if !res.communities.is_empty() {
            let comms = &res.communities;
            let ids: Vec<BoltType> = comms.iter().map(|c| bolt::i(c.id)).collect();
            let mut keep = Row::with_capacity(1);
            keep.put("ids", bolt::list(ids));
            let keep = keep.done();
            steps.push(Step::rows(
                "stale communities",
                "UNWIND $rows AS r MATCH (c:Community) WHERE NOT c.id IN r.ids DETACH DELETE c",
                1,
                1,
                false,
                move |_| Some(keep.clone()),
            ));
            let rid = run_id.clone();
            steps.push(Step::rows(
                "communities",
                "UNWIND $rows AS r MERGE (c:Community {id: r.id}) SET c += r.p",
                comms.len(),
                opts.batch_size,
                true,
                move |i| {
                    let c = &comms[i];
                    let mut p = Row::with_capacity(4 + c.props.len());
                    p.put("size", bolt::i(c.members.len() as i64))
                        .put(
                            "leaders",
                            bolt::list(c.leaders.iter().map(|&v| bolt::s(g.id(v))).collect()),
                        )
                        .put("analysisRun", bolt::s(&rid));
                    for (k, v) in &c.props {
                        if k != "id" && k != "size" && k != "leaders" {
                            p.put(k, v.bolt());
                        }
                    }
                    let mut r = Row::with_capacity(2);
                    r.put("id", bolt::i(c.id)).put("p", p.done());
                    Some(r.done())
                },
            ));
            // Membership: one row per member, sequential (the community node is a hub).
            let mut member_of: Vec<Option<i64>> = vec![None; n];
            for c in comms {
                for &v in &c.members {
                    member_of[v as usize] = Some(c.id);
                }
            }
            steps.push(Step::rows(
                "memberships",
                "UNWIND $rows AS r MATCH (a:Account {id: r.id}) MATCH (c:Community {id: r.c}) \
                 OPTIONAL MATCH (a)-[old:IN_COMMUNITY]->(o:Community) WHERE o.id <> r.c \
                 DELETE old SET a.community = r.c MERGE (a)-[:IN_COMMUNITY]->(c)",
                n,
                opts.rel_batch_size,
                false,
                move |i| {
                    member_of[i].map(|c| {
                        let mut r = Row::with_capacity(2);
                        r.put("id", bolt::s(g.id(i as u32))).put("c", bolt::i(c));
                        r.done()
                    })
                },
            ));
            steps.push(Step::single(
                "clear leaders",
                "MATCH (:Community)-[l:LED_BY]->() DELETE l",
            ));
            let leaders: Vec<(i64, u32, usize)> = comms
                .iter()
                .flat_map(|c| {
                    c.leaders
                        .iter()
                        .enumerate()
                        .map(move |(r, &v)| (c.id, v, r + 1))
                })
                .collect();
            steps.push(Step::rows(
                "leaders",
                "UNWIND $rows AS r MATCH (c:Community {id: r.c}) MATCH (a:Account {id: r.id}) \
                 MERGE (c)-[l:LED_BY]->(a) SET l.rank = r.rank",
                leaders.len(),
                opts.rel_batch_size,
                false,
                move |i| {
                    let (c, v, rank) = leaders[i];
                    let mut r = Row::with_capacity(3);
                    r.put("c", bolt::i(c))
                        .put("id", bolt::s(g.id(v)))
                        .put("rank", bolt::i(rank as i64));
                    Some(r.done())
                },
            ));
        }
        let run = &res.run;
        let (cust, brands, staff) = g.kind_counts();
        let mut p = Row::with_capacity(12);
        p.put("command", bolt::s(&run.command))
            .put("params", bolt::s(&run.params.to_string()))
            .put("seed", bolt::s(&run.seed.to_string()))
            .put("version", bolt::s(&run.version))
            .put(
                "inputFiles",
                bolt::list(run.inputs.iter().map(|(p, _)| bolt::s(p)).collect()),
            )
            .put(
                "inputHashes",
                bolt::list(run.inputs.iter().map(|(_, h)| bolt::s(h)).collect()),
            )
            .put("nodes", bolt::i(n as i64))
            .put("pairs", bolt::i(g.edge_count() as i64))
            .put("customers", bolt::i(cust as i64))
            .put("brandAccounts", bolt::i(brands as i64))
            .put("staffAccounts", bolt::i(staff as i64));
        let mut row = Row::with_capacity(2);
        row.put("id", bolt::s(&run_id)).put("p", p.done());
        let row = row.done();
        steps.push(Step::rows(
            "analysis run",
            "UNWIND $rows AS r MERGE (a:AnalysisRun {id: r.id}) SET a += r.p, \
             a.createdAt = coalesce(a.createdAt, datetime()), a.completedAt = datetime()",
            1,
            1,
            false,
            move |_| Some(row.clone()),
        ));
    }
    Ok(steps)
}

/// What an export did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportSummary {
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written (interaction relationships only).
    pub relationships: u64,
    /// Other rows (results, labels, communities).
    pub result_rows: u64,
    /// Statements sent.
    pub statements: u64,
    /// Seconds spent on nodes.
    pub node_secs: f64,
    /// Seconds spent on relationships.
    pub rel_secs: f64,
    /// Seconds in total (schema included).
    pub total_secs: f64,
    /// The database had no `:Account` node, so nodes and relationships were written with `CREATE`.
    pub created: bool,
}

/// Text of a dry run: every statement with its row and batch counts (no connection needed).
pub fn dry_run(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    out.push_str("// schema (idempotent)\n");
    for s in schema_statements() {
        out.push_str(&s);
        out.push_str(";\n");
    }
    for st in steps {
        if st.single {
            out.push_str(&format!("// {}: 1 statement\n{};\n", st.name, st.statement));
        } else {
            let rows = st.row_count();
            out.push_str(&format!(
                "// {}: {} rows in {} batches of <= {}{}\n{};\n",
                st.name,
                rows,
                rows.div_ceil(st.batch),
                st.batch,
                if st.parallel { " (parallel)" } else { "" },
                st.statement
            ));
            if let Some(c) = &st.create_statement {
                out.push_str(&format!(
                    "// {}, into a database without :Account nodes:\n{c};\n",
                    st.name
                ));
            }
        }
    }
    out
}

/// Run the schema statements and wait for the indexes.
///
/// # Errors
/// Neo4j errors.
pub fn ensure_schema(client: &Client) -> Result<()> {
    for s in schema_statements() {
        client.run(neo4rs::query(&s))?;
    }
    client.run(neo4rs::query("CALL db.awaitIndexes(300)"))
}

/// Execute the plan: schema first, then every step in order (parallel batches where allowed).
///
/// # Errors
/// The first failing batch (after retries); everything written so far is consistent and a re-run
/// completes the export.
pub fn execute(
    client: &Client,
    steps: &[Step<'_>],
    opts: &ExportOptions,
    progress: &dyn Progress,
) -> Result<ExportSummary> {
    let t0 = std::time::Instant::now();
    ensure_schema(client)?;
    // count(n) on a label comes from the count store: O(1).
    let created = opts.create_when_empty
        && client.query_i64("MATCH (n:Account) RETURN count(n) AS n", "n")? == 0;
    let mut sum = ExportSummary {
        created,
        ..ExportSummary::default()
    };
    for st in steps {
        let ts = std::time::Instant::now();
        if st.single {
            client.run(neo4rs::query(&st.statement))?;
            sum.statements += 1;
            continue;
        }
        progress.start(&st.name, st.n as u64);
        let writers = if st.rounds.is_some() {
            opts.rel_writers.max(1)
        } else if st.parallel {
            opts.writers.max(1)
        } else {
            1
        };
        let rows = run_step(client, st, writers, sum.created, progress)?;
        progress.finish();
        sum.statements += rows.1;
        let dt = ts.elapsed().as_secs_f64();
        if st.name.starts_with("nodes") {
            sum.nodes += rows.0;
            sum.node_secs += dt;
        } else if st.name.starts_with("rels") {
            sum.relationships += rows.0;
            sum.rel_secs += dt;
        } else {
            sum.result_rows += rows.0;
        }
    }
    sum.total_secs = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// Send one batch on the runtime (the `CREATE` form first when `create`, see
/// [`super::client::run_rows_with_fallback`]); resolves to `tag`.
fn spawn_batch<T: Send + 'static>(
    set: &mut tokio::task::JoinSet<Result<T>>,
    client: &Client,
    st: &Step<'_>,
    create: bool,
    batch: Vec<BoltType>,
    tag: T,
) {
    let retry = client.options().retry_secs;
    let graph = client.graph.clone();
    let rows = bolt::list(batch);
    let merge = st.statement.clone();
    match st.create_statement.clone().filter(|_| create) {
        Some(first) => set.spawn(async move {
            super::client::run_rows_with_fallback(&graph, &first, &merge, rows, retry)
                .await
                .map(|()| tag)
        }),
        None => set.spawn(async move {
            let q = neo4rs::query(&merge).param("rows", rows);
            super::client::run_with_retry(&graph, q, retry)
                .await
                .map(|()| tag)
        }),
    };
}

fn join_error(e: tokio::task::JoinError) -> Error {
    Error::Neo4j {
        message: format!("writer task failed: {e}"),
    }
}

/// Run one step; returns (rows, statements).
fn run_step(
    client: &Client,
    st: &Step<'_>,
    writers: usize,
    create: bool,
    progress: &dyn Progress,
) -> Result<(u64, u64)> {
    let res = match &st.rounds {
        Some(rounds) => client
            .rt
            .block_on(run_rounds(client, st, rounds, writers, create, progress)),
        None => client
            .rt
            .block_on(run_batches(client, st, writers, create, progress)),
    };
    res.map_err(|e| Error::Neo4j {
        message: format!("{} failed: {e}", st.name),
    })
}

/// Batches over `0..st.n`, up to `writers` in flight (any two batches may run together).
async fn run_batches(
    client: &Client,
    st: &Step<'_>,
    writers: usize,
    create: bool,
    progress: &dyn Progress,
) -> Result<(u64, u64)> {
    let mut set = tokio::task::JoinSet::new();
    let mut rows_total = 0u64;
    let mut stmts = 0u64;
    let mut i = 0usize;
    let mut first_err: Option<Error> = None;
    while i < st.n || !set.is_empty() {
        // Fill up to `writers` in-flight batches; rows are built on this thread (cheap next
        // to the server's work) so the row closure need not be 'static.
        while i < st.n && set.len() < writers && first_err.is_none() {
            let start = i;
            let mut batch = Vec::with_capacity(st.batch);
            while i < st.n && batch.len() < st.batch {
                if let Some(r) = (st.row)(i) {
                    batch.push(r);
                }
                i += 1;
            }
            let scanned = (i - start) as u64;
            if batch.is_empty() {
                progress.inc(scanned);
                continue;
            }
            rows_total += batch.len() as u64;
            stmts += 1;
            spawn_batch(&mut set, client, st, create, batch, scanned);
        }
        if first_err.is_some() && set.is_empty() {
            break;
        }
        match set.join_next().await {
            Some(Ok(Ok(scanned))) => progress.inc(scanned),
            Some(Ok(Err(e))) => {
                first_err.get_or_insert(e);
            }
            Some(Err(e)) => {
                first_err.get_or_insert(join_error(e));
            }
            None => {
                if i >= st.n {
                    break;
                }
            }
        }
    }
    first_err.map_or(Ok((rows_total, stmts)), Err)
}

/// Lane schedule: rounds in order; inside a round, at most one batch per lane in flight and up
/// to `writers` lanes at once (lanes of a round are node-disjoint, so no lock waits).
async fn run_rounds(
    client: &Client,
    st: &Step<'_>,
    rounds: &[Vec<std::ops::Range<usize>>],
    writers: usize,
    create: bool,
    progress: &dyn Progress,
) -> Result<(u64, u64)> {
    let mut rows_total = 0u64;
    let mut stmts = 0u64;
    for round in rounds {
        let mut set = tokio::task::JoinSet::new();
        let mut cursor: Vec<usize> = round.iter().map(|r| r.start).collect();
        let mut busy = vec![false; round.len()];
        let mut first_err: Option<Error> = None;
        loop {
            for (l, lane) in round.iter().enumerate() {
                if set.len() >= writers || first_err.is_some() {
                    break;
                }
                if busy[l] || cursor[l] >= lane.end {
                    continue;
                }
                let end = (cursor[l] + st.batch).min(lane.end);
                let batch: Vec<BoltType> = (cursor[l]..end).filter_map(|i| (st.row)(i)).collect();
                let scanned = (end - cursor[l]) as u64;
                cursor[l] = end;
                if batch.is_empty() {
                    progress.inc(scanned);
                    continue;
                }
                rows_total += batch.len() as u64;
                stmts += 1;
                busy[l] = true;
                spawn_batch(&mut set, client, st, create, batch, (l, scanned));
            }
            match set.join_next().await {
                Some(Ok(Ok((l, scanned)))) => {
                    busy[l] = false;
                    progress.inc(scanned);
                }
                Some(Ok(Err(e))) => {
                    first_err.get_or_insert(e);
                }
                Some(Err(e)) => {
                    first_err.get_or_insert(join_error(e));
                }
                // Nothing in flight and nothing left to start: the round is done.
                None => break,
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
    }
    Ok((rows_total, stmts))
}

/// Node-disjoint lanes for parallel relationship writers ("mix and batch"): nodes fall into `p`
/// groups (`node % p`, `p` even); the pairs of group (a, b) form bucket (a, b). Round 0 runs the
/// `p` diagonal buckets (a, a); then `p - 1` rounds of a round-robin tournament pair the groups,
/// each lane holding buckets (a, b) and (b, a). Two lanes of one round never share a node, so
/// parallel writers neither wait on each other's node locks nor deadlock, hubs included.
/// Returns the items in lane order and the rounds as ranges into it. Deterministic (items keep
/// their input order inside a bucket). O(items + p²).
pub fn lane_schedule(
    items: &[u32],
    p: usize,
    ends: impl Fn(u32) -> (u32, u32),
) -> (Vec<u32>, Vec<Vec<std::ops::Range<usize>>>) {
    let p = (p + p % 2).max(2);
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); p * p];
    for &it in items {
        let (s, t) = ends(it);
        buckets[(s as usize % p) * p + t as usize % p].push(it);
    }
    let mut plan: Vec<Vec<Vec<(usize, usize)>>> = vec![(0..p).map(|a| vec![(a, a)]).collect()];
    for r in 0..p - 1 {
        let mut lanes = vec![vec![(r, p - 1), (p - 1, r)]];
        for k in 1..p / 2 {
            let (a, b) = ((r + k) % (p - 1), (r + p - 1 - k) % (p - 1));
            lanes.push(vec![(a, b), (b, a)]);
        }
        plan.push(lanes);
    }
    let mut order = Vec::with_capacity(items.len());
    let mut rounds = Vec::new();
    for lanes in plan {
        let mut round = Vec::new();
        for lane in lanes {
            let start = order.len();
            for (a, b) in lane {
                order.extend_from_slice(&buckets[a * p + b]);
            }
            if order.len() > start {
                round.push(start..order.len());
            }
        }
        if !round.is_empty() {
            rounds.push(round);
        }
    }
    (order, rounds)
}
