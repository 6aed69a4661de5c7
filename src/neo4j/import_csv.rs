//! CSVs for `neo4j-admin database import full` (graphs too big for Bolt).
//!
//! Writes into DIR: `accounts_header.csv` + `accounts.csv` (every node, labels `Account;<Kind>` plus
//! tier labels, the same properties as the Bolt export incl. result columns),
//! `interactions_header.csv` + `interactions.csv` (one row per pair and interaction kind, `:TYPE` from
//! [`InteractionKind::rel_type`]) and `IMPORT.txt` with the exact command. Separate header files keep
//! the data files splittable. RFC 4180 quoting, UTF-8 without BOM; arrays use `;` (a `;` inside an
//! element is replaced by `,`). Communities and `:AnalysisRun` are Bolt-only (re-run
//! `kolgraph export neo4j` with results on the imported store to add them).
//!
//! Cost: O(n + m) time, O(1) extra memory besides the graph.

use super::export::{PropValue, ResultColumns, RESERVED};
use crate::error::{Error, Result};
use crate::graph::{InteractionKind, PropertyGraph};
use crate::ingest::Dataset;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct ImportFiles {
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
    /// The `neo4j-admin` command line (relative to DIR).
    pub command: String,
}

fn csv_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("writing {}: {e}", path.display()))
}

fn arr(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().replace(';', ","))
        .collect::<Vec<_>>()
        .join(";")
}

fn prop_type(col: &[PropValue]) -> &'static str {
    match col.iter().find(|v| !matches!(v, PropValue::Null)) {
        Some(PropValue::Int(_)) => "long",
        Some(PropValue::Float(_)) => "double",
        Some(PropValue::Bool(_)) => "boolean",
        _ => "string",
    }
}

fn prop_text(v: &PropValue) -> String {
    match v {
        PropValue::Null => String::new(),
        PropValue::Int(x) => x.to_string(),
        PropValue::Float(x) if x.is_finite() => format!("{x:?}"),
        PropValue::Float(_) => String::new(),
        PropValue::Bool(x) => x.to_string(),
        PropValue::Str(s) => s.clone(),
    }
}

fn iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Write the import CSVs for `ds` (and optional results) into `dir` (created if missing).
///
/// # Errors
/// I/O errors, or a result bundle that does not match the graph.
pub fn write(ds: &Dataset, results: Option<&ResultColumns>, dir: &Path) -> Result<ImportFiles> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let g: &PropertyGraph = &ds.graph;
    let n = g.node_count();
    if let Some(r) = results {
        for (name, col) in &r.node_props {
            if col.len() != n || RESERVED.contains(&name.as_str()) {
                return Err(Error::Other(format!("bad result column {name}")));
            }
        }
    }
    // Extra input columns: the union of keys, sorted (deterministic header).
    let extra: BTreeSet<&str> = g
        .nodes()
        .flat_map(|v| g.node(v).props.keys().map(String::as_str))
        .filter(|k| !RESERVED.contains(k) && !k.is_empty())
        .filter(|k| results.map_or(true, |r| r.node_props.iter().all(|(n, _)| n != k)))
        .collect();

    let hdr = dir.join("accounts_header.csv");
    let mut w = csv::Writer::from_path(&hdr).map_err(|e| csv_err(&hdr, e))?;
    let mut header: Vec<String> = [
        "id:ID(Account)",
        ":LABEL",
        "kind",
        "seq:long",
        "name",
        "segment",
        "joinedAt:long",
        "handles:string[]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(extra.iter().map(|k| k.to_string()));
    if let Some(r) = results {
        for (name, col) in &r.node_props {
            header.push(format!("{name}:{}", prop_type(col)));
        }
        header.push("analysisRun".into());
    }
    w.write_record(&header).map_err(|e| csv_err(&hdr, e))?;
    w.flush().map_err(|e| Error::io("writing", &hdr, e))?;

    let path = dir.join("accounts.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
    let run_id = results.map(|r| r.run.id());
    let kind_label = |k: crate::graph::NodeKind| match k {
        crate::graph::NodeKind::Customer => "Customer",
        crate::graph::NodeKind::Brand => "Brand",
        crate::graph::NodeKind::Staff => "Staff",
    };
    for v in g.nodes() {
        let d = g.node(v);
        let mut labels = vec!["Account", kind_label(d.kind)];
        if let Some(r) = results {
            for (l, mask) in &r.node_labels {
                if mask.get(v as usize).copied().unwrap_or(false) {
                    labels.push(l.label());
                }
            }
        }
        let mut rec: Vec<String> = vec![
            d.id.clone(),
            labels.join(";"),
            d.kind.as_str().to_string(),
            v.to_string(),
            d.name.clone().unwrap_or_default(),
            d.segment.clone().unwrap_or_default(),
            d.joined_at.map(|x| x.to_string()).unwrap_or_default(),
            arr(&d.handles),
        ];
        for k in &extra {
            rec.push(d.props.get(*k).cloned().unwrap_or_default());
        }
        if let Some(r) = results {
            for (_, col) in &r.node_props {
                rec.push(prop_text(&col[v as usize]));
            }
            rec.push(run_id.clone().unwrap_or_default());
        }
        w.write_record(&rec).map_err(|e| csv_err(&path, e))?;
    }
    w.flush().map_err(|e| Error::io("writing", &path, e))?;

    let rhdr = dir.join("interactions_header.csv");
    let mut w = csv::Writer::from_path(&rhdr).map_err(|e| csv_err(&rhdr, e))?;
    w.write_record([
        ":START_ID(Account)",
        ":END_ID(Account)",
        ":TYPE",
        "count:long",
        "weight:double",
        "firstTs:long",
        "lastTs:long",
        "firstAt:datetime",
        "lastAt:datetime",
        "sentiment:double",
        "sentimentSum:double",
        "sentimentN:long",
        "platforms:string[]",
    ])
    .map_err(|e| csv_err(&rhdr, e))?;
    w.flush().map_err(|e| Error::io("writing", &rhdr, e))?;

    let rpath = dir.join("interactions.csv");
    let mut w = csv::Writer::from_path(&rpath).map_err(|e| csv_err(&rpath, e))?;
    let mut rels = 0u64;
    for (s, t, d) in g.edges() {
        let first = (d.first_ts != i64::MAX).then_some(d.first_ts);
        let last = (d.last_ts != i64::MIN).then_some(d.last_ts);
        let platforms = arr(g
            .platforms
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && d.platforms & (1u64 << i) != 0)
            .map(|(_, p)| p.as_str()));
        for k in InteractionKind::ALL {
            let c = d.counts[k.index()];
            if c == 0 {
                continue;
            }
            rels += 1;
            w.write_record([
                g.id(s).to_string(),
                g.id(t).to_string(),
                k.rel_type().to_string(),
                c.to_string(),
                format!("{:?}", f64::from(d.weight_sums[k.index()])),
                first.map(|x| x.to_string()).unwrap_or_default(),
                last.map(|x| x.to_string()).unwrap_or_default(),
                first.map(iso).unwrap_or_default(),
                last.map(iso).unwrap_or_default(),
                d.mean_sentiment()
                    .map(|x| format!("{x:?}"))
                    .unwrap_or_default(),
                if d.sentiment_n > 0 {
                    format!("{:?}", f64::from(d.sentiment_sum))
                } else {
                    String::new()
                },
                d.sentiment_n.to_string(),
                platforms.clone(),
            ])
            .map_err(|e| csv_err(&rpath, e))?;
        }
    }
    w.flush().map_err(|e| Error::io("writing", &rpath, e))?;

    // The database name goes first: `--relationships` takes several values and would swallow it.
    let command = "neo4j-admin database import full neo4j --overwrite-destination \
        --nodes=accounts_header.csv,accounts.csv \
        --relationships=interactions_header.csv,interactions.csv"
        .to_string();
    let txt = dir.join("IMPORT.txt");
    std::fs::write(
        &txt,
        format!(
            "# Stop the DBMS, run from this folder, start it again, then create the schema:\n\
             # queries/00-schema.cypher (constraints are not part of the import).\n{command}\n"
        ),
    )
    .map_err(|e| Error::io("writing", &txt, e))?;
    Ok(ImportFiles {
        nodes: n as u64,
        relationships: rels,
        command,
    })
}
