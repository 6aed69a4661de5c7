//! Ingest: read interaction exports, merge identities, validate every row, and build the
//! property graph. Bad rows never stop the run (unless `strict`): each becomes a
//! [`RecordError`] in the [`IngestReport`] and a line in the rejects file.
//!
//! Accepted inputs (the `DATA` argument):
//! * a dataset folder with `interactions.{csv,tsv,jsonl}[.gz]` and optional `customers.*`,
//!   `accounts.*`, `identities.*`, `transactions.*`;
//! * a single interactions file;
//! * a plain edge list (`src dst [weight]`, whitespace separated, `#`/`%` comments).

pub mod edgelist;
pub mod folder;
pub mod reader;
pub mod stats;
pub mod table;
pub mod values;

use crate::error::{Error, RecordError, Result};
use crate::graph::{PropertyGraph, Transaction};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Options that control how input becomes a graph.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestOptions {
    /// Treat an edge list as undirected (each line = two arcs).
    pub undirected: bool,
    /// Any bad row is fatal.
    pub strict: bool,
    /// Keep only interactions at or after this time (unix seconds).
    pub since: Option<i64>,
    /// Keep only interactions before this time (unix seconds).
    pub until: Option<i64>,
    /// Recency half-life in seconds, recorded per edge for the weighted view.
    pub half_life_secs: Option<f64>,
    /// Where to write rejected rows (default: none; the CLI picks `<DATA>.rejects.csv`).
    pub rejects_path: Option<PathBuf>,
}

/// One input file that was read, with its content hash (for provenance in outputs).
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Path as given.
    pub path: String,
    /// Role: interactions, customers, accounts, identities, transactions, edgelist.
    pub role: String,
    /// SHA-256 of the raw bytes (before gunzip).
    pub sha256: String,
    /// Data rows read (excluding header and comments).
    pub rows: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// What happened during ingest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Files read.
    pub files: Vec<InputFile>,
    /// Every rejected row, in file then line order.
    pub rejects: Vec<RecordError>,
    /// Interaction rows accepted.
    pub interactions: u64,
    /// Exact duplicate interaction rows (counted, still aggregated).
    pub duplicates: u64,
    /// Self-interactions (kept, flagged).
    pub self_loops: u64,
    /// Rows outside `--since/--until` (not errors).
    pub outside_window: u64,
    /// Transactions accepted.
    pub transactions: u64,
    /// Handles merged into customers through identities.
    pub merged_handles: u64,
    /// Earliest and latest interaction timestamp seen.
    pub min_ts: Option<i64>,
    /// Latest interaction timestamp seen.
    pub max_ts: Option<i64>,
    /// Accepted interaction rows per platform (lower-cased; rows without one under "").
    pub platform_rows: BTreeMap<String, u64>,
}

/// Everything loaded from one `DATA` argument.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The property graph (customers, brand and staff accounts, aggregated interactions).
    pub graph: PropertyGraph,
    /// Purchases, by node index.
    pub transactions: Vec<Transaction>,
    /// Ingest report (files, hashes, rejects, counts).
    pub report: IngestReport,
    /// True when the input was an undirected edge list.
    pub undirected: bool,
    /// Extra per-customer numeric columns (e.g. a user-supplied `clv`), by column name.
    pub customer_numeric: BTreeMap<String, Vec<Option<f64>>>,
}

/// Load a dataset folder, a single interactions file or an edge list.
///
/// # Errors
/// I/O errors, an unrecognised layout, or (with `strict`) any rejected row.
pub fn load(path: &Path, opts: &IngestOptions) -> Result<Dataset> {
    let ds = if path.is_dir() {
        load_folder(path, opts)?
    } else if reader::looks_like_edge_list(path)? {
        edgelist::load_edge_list(path, opts)?
    } else {
        load_interactions_file(path, opts)?
    };
    if opts.strict && !ds.report.rejects.is_empty() {
        return Err(Error::Strict {
            count: ds.report.rejects.len(),
            first: ds.report.rejects[0].to_string(),
        });
    }
    Ok(ds)
}

pub use folder::{load_folder, load_interactions_file};

/// Write rejected rows as CSV: file, line, column, message.
///
/// # Errors
/// I/O errors on the rejects file.
pub fn write_rejects(path: &Path, rejects: &[RecordError]) -> Result<()> {
    let mut w = csv::Writer::from_path(path)
        .map_err(|e| Error::Other(format!("writing {}: {e}", path.display())))?;
    w.write_record(["file", "line", "column", "reason"])
        .map_err(|e| Error::Other(e.to_string()))?;
    for r in rejects {
        w.write_record([
            r.file.as_str(),
            &r.line.to_string(),
            &r.column.to_string(),
            r.message.as_str(),
        ])
        .map_err(|e| Error::Other(e.to_string()))?;
    }
    w.flush().map_err(|e| Error::io("writing", path, e))
}
