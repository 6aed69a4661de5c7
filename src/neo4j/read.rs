//! Read a graph back from Neo4j (`neo4j://` / `bolt://` DATA arguments).
//!
//! Connection: the URI is the DATA argument; user from `NEO4J_USER` (default `neo4j`), password
//! from `NEO4J_PASSWORD`, database from `NEO4J_DATABASE` (default `neo4j`).
//!
//! **Mapping** (the inverse of [`crate::neo4j::export`]; it also works on graphs kolgraph did not write):
//! * every node except `:Community` and `:AnalysisRun` is an account; its id is `n.id` (as a
//!   string) or, when absent, `elementId(n)`; kind `brand` if labelled `:Brand`, `staff` if
//!   `:Staff`, else `customer`; `name`, `segment`, `joinedAt`, `handles` are read when present;
//!   node ids follow `n.seq` (written by kolgraph) then id, so a kolgraph export reads back with
//!   the same node ids.
//! * every relationship between two accounts is an interaction `start → end`; its kind comes from
//!   the type ([`InteractionKind::rel_type`], e.g. `:REPLIED_TO` = reply); **any other type counts as
//!   `mention`**. Count = `e.count` (default 1); weight = `e.weight` (default: the count);
//!   `firstTs`/`lastTs` (unix seconds), `sentimentSum`/`sentimentN` and `platforms` are per pair.
//! * `--since/--until`, `--half-life` and purchases are not available for Neo4j input.
//!
//! Cost: two queries, O(n + m) rows streamed with `fetch_size` 10 000.

use super::client::{Client, ConnectOptions, DATABASE_ENV, USER_ENV};
use crate::error::{Error, Result};
use crate::graph::{CompactStr, InteractionKind, NodeData, NodeKind, PropertyGraph};
use crate::ingest::{Dataset, IngestOptions, IngestReport, InputFile};
use sha2::{Digest, Sha256};

const NODES: &str = "MATCH (n) WHERE NOT n:Community AND NOT n:AnalysisRun \
    RETURN coalesce(toString(n.id), elementId(n)) AS id, labels(n) AS labels, \
    toString(n.name) AS name, toString(n.segment) AS segment, toInteger(n.joinedAt) AS joinedAt, \
    n.handles AS handles, n.seq AS seq ORDER BY coalesce(n.seq, 9223372036854775807), id";

const RELS: &str = "MATCH (a)-[e]->(b) WHERE NOT a:Community AND NOT a:AnalysisRun \
    AND NOT b:Community AND NOT b:AnalysisRun \
    RETURN coalesce(toString(a.id), elementId(a)) AS s, coalesce(toString(b.id), elementId(b)) AS t, \
    type(e) AS type, toInteger(coalesce(e.count, 1)) AS count, toFloat(e.weight) AS weight, \
    toInteger(e.firstTs) AS firstTs, toInteger(e.lastTs) AS lastTs, \
    toFloat(e.sentimentSum) AS sentimentSum, toInteger(e.sentimentN) AS sentimentN, \
    e.platforms AS platforms \
    ORDER BY coalesce(a.seq, 9223372036854775807), s, coalesce(b.seq, 9223372036854775807), t, type";

fn neo(msg: impl std::fmt::Display) -> Error {
    Error::Neo4j {
        message: msg.to_string(),
    }
}

/// Interaction kind of a relationship type (None = not one of kolgraph's types).
pub fn kind_of_type(t: &str) -> Option<InteractionKind> {
    InteractionKind::ALL.into_iter().find(|k| k.rel_type() == t)
}

/// Load a dataset from a Neo4j URI (credentials from the environment, see the module doc).
///
/// # Errors
/// Connection, query or mapping errors; options that do not apply to Neo4j input.
pub fn load_uri(uri: &str, opts: &IngestOptions) -> Result<Dataset> {
    if opts.since.is_some() || opts.until.is_some() || opts.half_life_secs.is_some() {
        return Err(Error::param(
            "--since/--until/--half-life",
            uri,
            "a file or folder input (time filters are not available for neo4j:// input)",
        ));
    }
    let user = std::env::var(USER_ENV).unwrap_or_else(|_| "neo4j".to_string());
    let db = std::env::var(DATABASE_ENV).unwrap_or_else(|_| "neo4j".to_string());
    let client = Client::connect(&ConnectOptions::from_env(uri, &user, &db))?;
    load_from(&client, uri)
}

/// Load the graph through an open client.
///
/// # Errors
/// Query or mapping errors.
pub fn load_from(client: &Client, source: &str) -> Result<Dataset> {
    let mut g = PropertyGraph::new();
    let mut h = Sha256::new();
    let nodes = client.rows(neo4rs::query(NODES))?;
    for r in &nodes {
        let id: String = r.get("id").map_err(|e| neo(format!("node id: {e}")))?;
        let labels: Vec<String> = r.get("labels").unwrap_or_default();
        let kind = if labels.iter().any(|l| l == "Brand") {
            NodeKind::Brand
        } else if labels.iter().any(|l| l == "Staff") {
            NodeKind::Staff
        } else {
            NodeKind::Customer
        };
        h.update(id.as_bytes());
        h.update([0, kind as u8]);
        let v = g.ensure_node(&id, kind);
        let mut d = NodeData::new(id, kind);
        d.set_name(r.get::<Option<String>>("name").ok().flatten());
        d.set_segment(
            r.get::<Option<String>>("segment")
                .ok()
                .flatten()
                .map(CompactStr::from),
        );
        d.set_joined_at(r.get::<Option<i64>>("joinedAt").ok().flatten());
        let handles = r
            .get::<Option<Vec<String>>>("handles")
            .ok()
            .flatten()
            .unwrap_or_default();
        if !handles.is_empty() {
            d.extra_mut().handles = handles;
        }
        *g.node_mut(v) = d;
    }
    let rels = client.rows(neo4rs::query(RELS))?;
    let mut interactions = 0u64;
    let mut self_loops = 0u64;
    let (mut min_ts, mut max_ts) = (None::<i64>, None::<i64>);
    for r in &rels {
        let s: String = r
            .get("s")
            .map_err(|e| neo(format!("relationship start: {e}")))?;
        let t: String = r
            .get("t")
            .map_err(|e| neo(format!("relationship end: {e}")))?;
        let ty: String = r
            .get("type")
            .map_err(|e| neo(format!("relationship type: {e}")))?;
        let kind = kind_of_type(&ty).unwrap_or(InteractionKind::Mention);
        let count = r
            .get::<i64>("count")
            .unwrap_or(1)
            .clamp(0, i64::from(u32::MAX)) as u32;
        let weight = r
            .get::<Option<f64>>("weight")
            .ok()
            .flatten()
            .unwrap_or(f64::from(count));
        let first = r.get::<Option<i64>>("firstTs").ok().flatten();
        let last = r.get::<Option<i64>>("lastTs").ok().flatten();
        let ssum = r.get::<Option<f64>>("sentimentSum").ok().flatten();
        let sn = r
            .get::<Option<i64>>("sentimentN")
            .ok()
            .flatten()
            .unwrap_or(0);
        let platforms = r
            .get::<Option<Vec<String>>>("platforms")
            .ok()
            .flatten()
            .unwrap_or_default();
        h.update(s.as_bytes());
        h.update([0]);
        h.update(t.as_bytes());
        h.update([0, kind as u8]);
        h.update(count.to_le_bytes());
        h.update(weight.to_le_bytes());
        let (Some(a), Some(b)) = (g.index_of(&s), g.index_of(&t)) else {
            continue; // both ends were read as nodes; a concurrent writer could break that
        };
        if a == b {
            self_loops += u64::from(count);
        }
        interactions += u64::from(count);
        let mut bits = 0u64;
        for p in &platforms {
            bits |= g.platform_bit(p);
        }
        let e = g.edge_mut(a, b);
        let k = kind.index();
        e.counts[k] = e.counts[k].saturating_add(count);
        e.weight_sums[k] += weight as f32;
        e.platforms |= bits;
        if let Some(x) = first {
            e.first_ts = e.first_ts.min(x);
            min_ts = Some(min_ts.map_or(x, |m| m.min(x)));
        }
        if let Some(x) = last {
            e.last_ts = e.last_ts.max(x);
            max_ts = Some(max_ts.map_or(x, |m| m.max(x)));
        }
        // Sentiment is stored per pair on every kind's relationship: assign, never add.
        if let (Some(x), true) = (ssum, sn > 0) {
            e.sentiment_sum = x as f32;
            e.sentiment_n = sn.clamp(0, i64::from(u32::MAX)) as u32;
        }
    }
    let digest = h.finalize();
    let report = IngestReport {
        files: vec![InputFile {
            path: source.to_string(),
            role: "neo4j".to_string(),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            rows: rels.len() as u64,
            rejected: 0,
        }],
        interactions,
        self_loops,
        min_ts,
        max_ts,
        ..IngestReport::default()
    };
    // Fold the pairs staged one relationship at a time into the columnar edge table.
    g.compact();
    Ok(Dataset {
        graph: g,
        report,
        ..Dataset::default()
    })
}
