//! CSVs for `neo4j-admin database import full` (graphs too big for Bolt).
//!
//! Writes into DIR: `accounts_header.csv` + `accounts.csv` (every node, labels `Account;<Kind>` plus
//! tier labels, the same properties as the Bolt export incl. result columns),
//! `interactions_header.csv` + `interactions.csv` (one row per pair and interaction kind, `:TYPE` from
//! [`InteractionKind::rel_type`]; the timestamp, sentiment and platform columns only when some pair
//! has them, see `RelCols`), `IMPORT.txt` with the exact command and `IMPORT.args` (the
//! same arguments, one per line, for scripts). Separate header files keep the data files
//! splittable. RFC 4180 quoting (only where needed), UTF-8 without BOM; arrays use `;` (a `;` inside
//! an element is replaced by `,`). Communities and `:AnalysisRun` are Bolt-only (re-run
//! `kolgraph export neo4j` with results on the imported store to add them).
//!
//! **Node ids.** The `:ID` column is the dense kolgraph node index `0..n` and the import runs with
//! `--id-type=actual`: the importer then uses it as the store's node id and needs no id mapper
//! (mapping string ids was about half of the node and relationship phases: 1M interactions, node +
//! relationship import 4.1 s → 2.8 s, benches/README.md). The external id stays the `id` string
//! property and the index the `seq` property, exactly as in the Bolt export. Valid because a full
//! import always starts from an empty store.
//!
//! **Speed.** Rows are formatted straight into byte buffers (no per-row `String`/record); the
//! relationship rows are formatted in parallel in fixed chunks of [`CHUNK`] pairs and written in
//! chunk order, so the file is byte-identical for any thread count.
//!
//! Cost: O(n + m) time; O(waves · CHUNK) bytes of buffers besides the graph.

use super::export::{PropValue, ResultColumns, RESERVED};
use crate::error::{Error, Result};
use crate::graph::{EdgeData, InteractionKind, NodeKind, PropertyGraph};
use crate::ingest::Dataset;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// Pairs per parallel formatting chunk (a multiple of 64: cheap starts in the edge table).
pub const CHUNK: usize = 1 << 16;

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct ImportFiles {
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
    /// The `neo4j-admin` command line (relative to DIR).
    pub command: String,
    /// The arguments of `neo4j-admin` (after the program name), as in `command`.
    pub args: Vec<String>,
}

/// The `neo4j-admin` arguments that import the files written by [`write`] (run in DIR).
/// The database name goes before `--relationships` (that option takes several values and would
/// swallow it).
pub fn import_args() -> Vec<String> {
    [
        "database",
        "import",
        "full",
        "neo4j",
        "--overwrite-destination",
        "--id-type=actual",
        "--nodes=accounts_header.csv,accounts.csv",
        "--relationships=interactions_header.csv,interactions.csv",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Append one CSV field, quoted (RFC 4180, inner quotes doubled) only when it contains a
/// delimiter, a quote or a line break. An empty field stays unquoted: the importer reads it as
/// "no property".
fn field(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// An array field: elements joined by `;` (a `;` inside an element becomes `,`), then quoted as
/// one field.
fn arr_field<'a>(buf: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    let mut s = String::new();
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&it.replace(';', ","));
    }
    field(buf, &s);
}

fn prop_type(col: &[PropValue]) -> &'static str {
    match col.iter().find(|v| !matches!(v, PropValue::Null)) {
        Some(PropValue::Int(_)) => "long",
        Some(PropValue::Float(_)) => "double",
        Some(PropValue::Bool(_)) => "boolean",
        _ => "string",
    }
}

// `write!` into a `Vec<u8>` cannot fail; the results are ignored on purpose below.
fn prop_field(buf: &mut Vec<u8>, v: &PropValue) {
    match v {
        PropValue::Null => {}
        PropValue::Int(x) => {
            let _ = write!(buf, "{x}");
        }
        PropValue::Float(x) if x.is_finite() => {
            let _ = write!(buf, "{x:?}");
        }
        PropValue::Float(_) => {}
        PropValue::Bool(x) => {
            let _ = write!(buf, "{x}");
        }
        PropValue::Str(s) => field(buf, s),
    }
}

fn iso(buf: &mut Vec<u8>, ts: i64) {
    if let Some(d) = chrono::DateTime::from_timestamp(ts, 0) {
        buf.extend_from_slice(
            d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .as_bytes(),
        );
    }
}

fn kind_label(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Customer => "Customer",
        NodeKind::Brand => "Brand",
        NodeKind::Staff => "Staff",
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io("writing", path, e))
}

/// Which optional relationship columns have at least one value. A column that is empty in every
/// row stores nothing (an empty field is "no property"), so leaving it out keeps the imported
/// graph identical (same properties as the Bolt export) while the importer parses fewer fields:
/// 1M interactions without timestamps, sentiment or platforms, 13 → 6 columns: neo4j-admin CPU
/// time −0.6 to −1.0 s (~7–10 %) in two A/B runs; wall time within the noise of a loaded machine
/// (benches/README.md "Neo4j export", session 6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RelCols {
    /// firstTs, lastTs, firstAt, lastAt.
    ts: bool,
    /// sentiment, sentimentSum.
    sentiment: bool,
    /// platforms.
    platforms: bool,
}

impl RelCols {
    fn of(d: &EdgeData) -> Self {
        RelCols {
            ts: d.first_ts != i64::MAX || d.last_ts != i64::MIN,
            sentiment: d.sentiment_n > 0,
            platforms: d.platforms != 0,
        }
    }

    fn or(self, o: Self) -> Self {
        RelCols {
            ts: self.ts || o.ts,
            sentiment: self.sentiment || o.sentiment,
            platforms: self.platforms || o.platforms,
        }
    }

    fn header(self) -> String {
        let mut h =
            String::from(":START_ID(Account),:END_ID(Account),:TYPE,count:long,weight:double");
        if self.ts {
            h.push_str(",firstTs:long,lastTs:long,firstAt:datetime,lastAt:datetime");
        }
        if self.sentiment {
            h.push_str(",sentiment:double,sentimentSum:double");
        }
        h.push_str(",sentimentN:long");
        if self.platforms {
            h.push_str(",platforms:string[]");
        }
        h.push('\n');
        h
    }
}

/// The relationship rows of pair (s, t): one per interaction kind present, with the columns of
/// `cols`. Returns the row count.
fn rel_rows(
    buf: &mut Vec<u8>,
    g: &PropertyGraph,
    cols: RelCols,
    s: u32,
    t: u32,
    d: &EdgeData,
) -> u64 {
    let first = (d.first_ts != i64::MAX).then_some(d.first_ts);
    let last = (d.last_ts != i64::MIN).then_some(d.last_ts);
    // Everything after the per-kind count and weight is the same for every kind of the pair.
    let mut tail = Vec::with_capacity(32);
    if cols.ts {
        if let Some(x) = first {
            let _ = write!(tail, "{x}");
        }
        tail.push(b',');
        if let Some(x) = last {
            let _ = write!(tail, "{x}");
        }
        tail.push(b',');
        if let Some(x) = first {
            iso(&mut tail, x);
        }
        tail.push(b',');
        if let Some(x) = last {
            iso(&mut tail, x);
        }
        tail.push(b',');
    }
    if cols.sentiment {
        if let Some(x) = d.mean_sentiment() {
            let _ = write!(tail, "{x:?}");
        }
        tail.push(b',');
        if d.sentiment_n > 0 {
            let _ = write!(tail, "{:?}", f64::from(d.sentiment_sum));
        }
        tail.push(b',');
    }
    let _ = write!(tail, "{}", d.sentiment_n);
    if cols.platforms {
        tail.push(b',');
    }
    if cols.platforms && d.platforms != 0 {
        arr_field(
            &mut tail,
            g.platforms
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && d.platforms & (1u64 << i) != 0)
                .map(|(_, p)| p.as_str()),
        );
    }
    tail.push(b'\n');
    let mut rows = 0;
    for k in InteractionKind::ALL {
        let c = d.counts[k.index()];
        if c == 0 {
            continue;
        }
        rows += 1;
        let _ = write!(
            buf,
            "{s},{t},{},{c},{:?},",
            k.rel_type(),
            f64::from(d.weight_sums[k.index()])
        );
        buf.extend_from_slice(&tail);
    }
    rows
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
        .flat_map(|v| g.node(v).props().keys().map(String::as_str))
        .filter(|k| !RESERVED.contains(k) && !k.is_empty())
        .filter(|k| results.map_or(true, |r| r.node_props.iter().all(|(n, _)| n != k)))
        .collect();

    let mut header: Vec<String> = [
        ":ID(Account)",
        "id",
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
    let mut buf = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        field(&mut buf, h);
    }
    buf.push(b'\n');
    write_file(&dir.join("accounts_header.csv"), &buf)?;

    // Nodes, in node-index order: the `:ID` column must be the index (`--id-type=actual`).
    let run_id = results.map(|r| r.run.id()).unwrap_or_default();
    let mut buf = Vec::with_capacity(n * 48);
    for v in g.nodes() {
        let d = g.node(v);
        let _ = write!(buf, "{v},");
        field(&mut buf, &d.id);
        let _ = write!(buf, ",Account;{}", kind_label(d.kind));
        if let Some(r) = results {
            for (l, mask) in &r.node_labels {
                if mask.get(v as usize).copied().unwrap_or(false) {
                    buf.push(b';');
                    buf.extend_from_slice(l.label().as_bytes());
                }
            }
        }
        let _ = write!(buf, ",{},{v},", d.kind.as_str());
        field(&mut buf, d.name().unwrap_or_default());
        buf.push(b',');
        field(&mut buf, d.segment().unwrap_or_default());
        buf.push(b',');
        if let Some(x) = d.joined_at() {
            let _ = write!(buf, "{x}");
        }
        buf.push(b',');
        arr_field(&mut buf, d.handles().iter().map(String::as_str));
        for k in &extra {
            buf.push(b',');
            field(
                &mut buf,
                d.props().get(*k).map(String::as_str).unwrap_or_default(),
            );
        }
        if let Some(r) = results {
            for (_, col) in &r.node_props {
                buf.push(b',');
                prop_field(&mut buf, &col[v as usize]);
            }
            buf.push(b',');
            field(&mut buf, &run_id);
        }
        buf.push(b'\n');
    }
    write_file(&dir.join("accounts.csv"), &buf)?;
    drop(buf);

    // Optional columns: only those with a value somewhere (see [`RelCols`]). One cheap pass.
    let cols = if g.has_staged() {
        g.edges()
            .fold(RelCols::default(), |a, (_, _, d)| a.or(RelCols::of(&d)))
    } else {
        let table = g.table();
        let m = table.len();
        (0..m)
            .step_by(CHUNK)
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&a| {
                let mut c = RelCols::default();
                table.map_range(a..(a + CHUNK).min(m), |_, d| c = c.or(RelCols::of(d)));
                c
            })
            .reduce(RelCols::default, RelCols::or)
    };
    write_file(
        &dir.join("interactions_header.csv"),
        cols.header().as_bytes(),
    )?;

    let rpath = dir.join("interactions.csv");
    let file = std::fs::File::create(&rpath).map_err(|e| Error::io("creating", &rpath, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut rels = 0u64;
    if g.has_staged() {
        // Pairs added one at a time and not compacted: the merged iterator, sequentially.
        let mut buf = Vec::with_capacity(1 << 20);
        for (s, t, d) in g.edges() {
            rels += rel_rows(&mut buf, g, cols, s, t, &d);
            if buf.len() >= 1 << 20 {
                out.write_all(&buf)
                    .map_err(|e| Error::io("writing", &rpath, e))?;
                buf.clear();
            }
        }
        out.write_all(&buf)
            .map_err(|e| Error::io("writing", &rpath, e))?;
    } else {
        let table = g.table();
        let offs = table.offsets();
        let dst = table.targets();
        let m = table.len();
        let chunks: Vec<std::ops::Range<usize>> = (0..m)
            .step_by(CHUNK)
            .map(|a| a..(a + CHUNK).min(m))
            .collect();
        // Format a wave of chunks in parallel, then write them in order: bounded memory and a
        // byte-identical file for any thread count (chunk bounds do not depend on it).
        let wave = 2 * rayon::current_num_threads().max(1);
        for group in chunks.chunks(wave) {
            let parts: Vec<(Vec<u8>, u64)> = group
                .par_iter()
                .map(|r| {
                    let mut buf = Vec::with_capacity(r.len() * 48);
                    let mut rows = 0;
                    // Source of the first pair: the last row whose offset is <= r.start.
                    let mut s = offs.partition_point(|&o| o as usize <= r.start) - 1;
                    table.map_range(r.clone(), |i, d| {
                        while offs[s + 1] as usize <= i {
                            s += 1;
                        }
                        rows += rel_rows(&mut buf, g, cols, s as u32, dst[i], d);
                    });
                    (buf, rows)
                })
                .collect();
            for (buf, rows) in parts {
                rels += rows;
                out.write_all(&buf)
                    .map_err(|e| Error::io("writing", &rpath, e))?;
            }
        }
    }
    out.flush().map_err(|e| Error::io("writing", &rpath, e))?;

    let args = import_args();
    let command = format!("neo4j-admin {}", args.join(" "));
    let txt = dir.join("IMPORT.txt");
    std::fs::write(
        &txt,
        format!(
            "# Stop the DBMS, run from this folder, start it again, then create the schema:\n\
             # queries/00-schema.cypher (constraints are not part of the import).\n\
             # --id-type=actual: the :ID column is the dense node index (see docs/neo4j.md).\n\
             {command}\n"
        ),
    )
    .map_err(|e| Error::io("writing", &txt, e))?;
    let argf = dir.join("IMPORT.args");
    std::fs::write(&argf, format!("{}\n", args.join("\n")))
        .map_err(|e| Error::io("writing", &argf, e))?;
    Ok(ImportFiles {
        nodes: n as u64,
        relationships: rels,
        command,
        args,
    })
}
