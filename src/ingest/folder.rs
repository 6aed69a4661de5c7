//! Dataset folders and single interaction files.
//!
//! Load order: `customers.*`, `accounts.*`, `identities.*`, `interactions.*`, `transactions.*`.
//! Node indices are assigned in that order of first appearance, so the same files always give
//! the same graph.
//!
//! **Unknown ids.** When `customers.*` is present it is the customer master list: an
//! interaction or identity naming an id that is neither a customer, an account nor a known
//! handle is rejected (`unknown id`). Without `customers.*` such an id creates a new customer.
//! Transactions must always name a known customer (by id or handle).
//!
//! **Handles.** identities.* rows `(customer_id, platform, handle)` make `platform:handle` an
//! alias of the customer. In interactions, a source/target that is not a node id is resolved as
//! `platform:handle` if it contains a colon, else as a handle on the row's own platform, else as
//! a handle that is unique across platforms. Platform names are case-insensitive, handles
//! are compared exactly (a leading `@` is ignored).

use super::table::{read_table, Row};
use super::values::{bad_num, bad_ts, parse_finite, parse_ts};
use super::{reader, Dataset, IngestOptions, IngestReport, InputFile};
use crate::error::{Error, RecordError, Result};
use crate::graph::{InteractionKind, NodeKind, PropertyGraph, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

/// Columns of interactions.* (first name canonical, then accepted aliases).
pub const INTERACTION_COLUMNS: [&[&str]; 7] = [
    &["source", "src", "from"],
    &["target", "dst", "to"],
    &["kind", "type"],
    &["platform"],
    &["timestamp", "time", "ts"],
    &["weight"],
    &["sentiment"],
];
/// Columns of customers.*.
pub const CUSTOMER_COLUMNS: [&[&str]; 4] = [
    &["id", "customer_id"],
    &["name"],
    &["segment"],
    &["joined_at", "joined"],
];
/// Columns of accounts.*.
pub const ACCOUNT_COLUMNS: [&[&str]; 4] =
    [&["id", "account_id"], &["name"], &["platform"], &["kind"]];
/// Columns of identities.*.
pub const IDENTITY_COLUMNS: [&[&str]; 3] = [&["customer_id", "id"], &["platform"], &["handle"]];
/// Columns of transactions.*.
pub const TRANSACTION_COLUMNS: [&[&str]; 5] = [
    &["customer_id", "customer"],
    &["timestamp", "time", "ts"],
    &["amount"],
    &["order_id"],
    &["category"],
];

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
struct PreHashed(u64);
impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// Find `<role>.{csv,tsv,jsonl,ndjson}[.gz]` in a folder.
fn find_role(dir: &Path, role: &str) -> Result<Option<PathBuf>> {
    let mut found = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io("listing", dir, e))?;
    for ent in rd {
        let ent = ent.map_err(|e| Error::io("listing", dir, e))?;
        let p = ent.path();
        if !p.is_file() {
            continue;
        }
        let name = reader::logical_name(&p);
        if ["csv", "tsv", "jsonl", "ndjson"]
            .iter()
            .any(|ext| name == format!("{role}.{ext}"))
        {
            found.push(p);
        }
    }
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(Error::Input(format!(
            "{}: several {role} files ({}); keep exactly one",
            dir.display(),
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Shared state while loading.
struct Loader<'o> {
    opts: &'o IngestOptions,
    g: PropertyGraph,
    report: IngestReport,
    /// customers.* was given: unknown ids are rejects, not new customers.
    closed: bool,
    /// `platform:handle` → node.
    handles: HashMap<String, u32>,
    /// bare handle → node (None when ambiguous across platforms).
    bare: HashMap<String, Option<u32>>,
    /// Per-node numeric values of extra customer columns.
    numeric: BTreeMap<String, Vec<Option<f64>>>,
    /// Extra customer columns that had a non-numeric value.
    non_numeric: HashSet<String>,
    seen_rows: HashSet<u64, BuildHasherDefault<PreHashed>>,
    transactions: Vec<Transaction>,
}

fn handle_key(platform: &str, handle: &str) -> String {
    format!(
        "{}:{}",
        platform.trim().to_ascii_lowercase(),
        handle.trim().trim_start_matches('@')
    )
}

impl<'o> Loader<'o> {
    fn new(opts: &'o IngestOptions) -> Self {
        Loader {
            opts,
            g: PropertyGraph::new(),
            report: IngestReport::default(),
            closed: false,
            handles: HashMap::new(),
            bare: HashMap::new(),
            numeric: BTreeMap::new(),
            non_numeric: HashSet::new(),
            seen_rows: HashSet::default(),
            transactions: Vec::new(),
        }
    }

    fn push_file(&mut self, path: &Path, role: &str, rows: u64, rejected: u64) -> Result<()> {
        self.report.files.push(InputFile {
            path: path.display().to_string(),
            role: role.into(),
            sha256: reader::sha256_file(path)?,
            rows,
            rejected,
        });
        Ok(())
    }

    /// Resolve an id or handle; `create` makes a new customer for an unknown id.
    fn resolve(&mut self, id: &str, platform: Option<&str>, create: bool) -> Option<u32> {
        if let Some(v) = self.g.index_of(id) {
            return Some(v);
        }
        if !self.handles.is_empty() {
            let h = id.trim_start_matches('@');
            if let Some((p, rest)) = h.split_once(':') {
                if let Some(&v) = self.handles.get(&handle_key(p, rest)) {
                    return Some(v);
                }
            }
            if let Some(p) = platform {
                if let Some(&v) = self.handles.get(&handle_key(p, h)) {
                    return Some(v);
                }
            }
            if let Some(&Some(v)) = self.bare.get(h) {
                return Some(v);
            }
        }
        if create && !self.closed {
            return Some(self.g.ensure_node(id, NodeKind::Customer));
        }
        None
    }

    fn customers(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let mut extra_vals: Vec<(u32, String, String)> = Vec::new();
        let c = read_table(path, &CUSTOMER_COLUMNS, &[0], &mut rejects, |row| {
            let id = need(row, 0, "customer id")?;
            if self.g.index_of(id).is_some() {
                return Err(row.reject(
                    Some(0),
                    format!("duplicate customer id (got {id:?}, expected each id once)"),
                ));
            }
            let joined = match row.get(3) {
                Some(s) => {
                    Some(parse_ts(s).ok_or_else(|| row.reject(Some(3), bad_ts("joined_at", s)))?)
                }
                None => None,
            };
            let v = self.g.ensure_node(id, NodeKind::Customer);
            let n = self.g.node_mut(v);
            n.name = row.get(1).map(str::to_string);
            n.segment = row.get(2).map(str::to_string);
            n.joined_at = joined;
            for (k, val) in row.extras() {
                n.props.insert(k.to_string(), val.to_string());
                extra_vals.push((v, k.to_string(), val.to_string()));
            }
            Ok(())
        })?;
        for (v, k, val) in extra_vals {
            match parse_finite(&val) {
                Ok(x) => {
                    let col = self.numeric.entry(k).or_default();
                    if col.len() <= v as usize {
                        col.resize(v as usize + 1, None);
                    }
                    col[v as usize] = Some(x);
                }
                Err(_) => {
                    self.non_numeric.insert(k);
                }
            }
        }
        self.closed = true;
        self.report.rejects.extend(rejects);
        self.push_file(path, "customers", c.rows, c.rejected)
    }

    fn accounts(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let c = read_table(path, &ACCOUNT_COLUMNS, &[0, 3], &mut rejects, |row| {
            let id = need(row, 0, "account id")?;
            let kind_s = need(row, 3, "account kind")?;
            let kind = match kind_s.to_ascii_lowercase().as_str() {
                "brand" => NodeKind::Brand,
                "staff" => NodeKind::Staff,
                _ => {
                    return Err(row.reject(
                        Some(3),
                        format!("unknown account kind (got {kind_s:?}, expected brand or staff)"),
                    ))
                }
            };
            if self.g.index_of(id).is_some() {
                return Err(row.reject(
                    Some(0),
                    format!(
                        "duplicate account id (got {id:?}, expected an id not used by another customer or account)"
                    ),
                ));
            }
            let v = self.g.ensure_node(id, kind);
            let n = self.g.node_mut(v);
            n.name = row.get(1).map(str::to_string);
            if let Some(p) = row.get(2) {
                n.props.insert("platform".into(), p.to_string());
            }
            for (k, val) in row.extras() {
                n.props.insert(k.to_string(), val.to_string());
            }
            Ok(())
        })?;
        self.report.rejects.extend(rejects);
        self.push_file(path, "accounts", c.rows, c.rejected)
    }

    fn identities(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let mut merged = 0u64;
        let c = read_table(path, &IDENTITY_COLUMNS, &[0, 1, 2], &mut rejects, |row| {
            let cid = need(row, 0, "customer id")?;
            let platform = need(row, 1, "platform")?;
            let handle = need(row, 2, "handle")?;
            let v = match self.g.index_of(cid) {
                Some(v) if self.g.kind(v) == NodeKind::Customer => v,
                Some(_) => {
                    return Err(row.reject(
                        Some(0),
                        format!(
                        "identity of a brand/staff account (got {cid:?}, expected a customer id)"
                    ),
                    ))
                }
                None if self.closed => {
                    return Err(row.reject(
                        Some(0),
                        format!(
                            "unknown id (got {cid:?}, expected a customer id from customers.*)"
                        ),
                    ))
                }
                None => self.g.ensure_node(cid, NodeKind::Customer),
            };
            let key = handle_key(platform, handle);
            match self.handles.get(&key) {
                Some(&w) if w == v => return Ok(()),
                Some(&w) => {
                    return Err(row.reject(
                        Some(2),
                        format!(
                            "handle already belongs to another customer (got {key:?} for {cid:?}, expected it to map to {:?} only)",
                            self.g.id(w)
                        ),
                    ))
                }
                None => {}
            }
            self.handles.insert(key.clone(), v);
            let h = handle.trim_start_matches('@').to_string();
            self.bare
                .entry(h)
                .and_modify(|e| {
                    if *e != Some(v) {
                        *e = None;
                    }
                })
                .or_insert(Some(v));
            self.g.node_mut(v).handles.push(key);
            merged += 1;
            Ok(())
        })?;
        self.report.merged_handles += merged;
        self.report.rejects.extend(rejects);
        self.push_file(path, "identities", c.rows, c.rejected)
    }

    fn interactions(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let opts = self.opts;
        let c = read_table(
            path,
            &INTERACTION_COLUMNS,
            &[0, 1, 2, 4],
            &mut rejects,
            |row| {
                let src = need(row, 0, "source")?;
                let dst = need(row, 1, "target")?;
                let kind_s = need(row, 2, "kind")?;
                let kind = parse_kind(kind_s).ok_or_else(|| {
                    row.reject(
                        Some(2),
                        format!(
                            "unknown interaction kind (got {kind_s:?}, expected {})",
                            InteractionKind::VALID
                        ),
                    )
                })?;
                let platform = row.get(3);
                let ts_s = need(row, 4, "timestamp")?;
                let ts =
                    parse_ts(ts_s).ok_or_else(|| row.reject(Some(4), bad_ts("timestamp", ts_s)))?;
                let weight = match row.get(5) {
                None => 1.0,
                Some(s) => match parse_finite(s) {
                    Ok(w) if w >= 0.0 => w,
                    Ok(_) => {
                        return Err(row.reject(
                            Some(5),
                            format!("negative weight (got {s:?}, expected a finite non-negative number)"),
                        ))
                    }
                    Err(e) => {
                        return Err(row.reject(
                            Some(5),
                            bad_num("weight", s, e, "a finite non-negative number"),
                        ))
                    }
                },
            };
                let sentiment = match row.get(6) {
                    None => None,
                    Some(s) => match parse_finite(s) {
                        Ok(x) if (-1.0..=1.0).contains(&x) => Some(x),
                        Ok(_) => {
                            return Err(row.reject(
                                Some(6),
                                format!(
                                "sentiment out of range (got {s:?}, expected a number in [-1, 1])"
                            ),
                            ))
                        }
                        Err(e) => {
                            return Err(row.reject(
                                Some(6),
                                bad_num("sentiment", s, e, "a number in [-1, 1]"),
                            ))
                        }
                    },
                };
                let s = self
                    .resolve(src, platform, true)
                    .ok_or_else(|| row.reject(Some(0), unknown_id(src)))?;
                let t = self
                    .resolve(dst, platform, true)
                    .ok_or_else(|| row.reject(Some(1), unknown_id(dst)))?;
                if opts.since.is_some_and(|x| ts < x) || opts.until.is_some_and(|x| ts >= x) {
                    self.report.outside_window += 1;
                    return Ok(());
                }
                // Lower-case only when needed: most exports already are.
                let pl: Option<std::borrow::Cow<'_, str>> = platform.map(|p| {
                    if p.bytes().any(|b| b.is_ascii_uppercase()) {
                        std::borrow::Cow::Owned(p.to_ascii_lowercase())
                    } else {
                        std::borrow::Cow::Borrowed(p)
                    }
                });
                let key = row_hash(s, t, kind, pl.as_deref(), ts, weight, sentiment);
                if !self.seen_rows.insert(key) {
                    self.report.duplicates += 1;
                }
                if s == t {
                    self.report.self_loops += 1;
                }
                self.report.min_ts = Some(self.report.min_ts.map_or(ts, |m| m.min(ts)));
                self.report.max_ts = Some(self.report.max_ts.map_or(ts, |m| m.max(ts)));
                self.g.add_interaction(
                    s,
                    t,
                    kind,
                    pl.as_deref(),
                    Some(ts),
                    weight,
                    sentiment,
                    opts.half_life_secs,
                );
                self.report.interactions += 1;
                match pl {
                    Some(p) => match self.report.platform_rows.get_mut(p.as_ref()) {
                        Some(c) => *c += 1,
                        None => {
                            self.report.platform_rows.insert(p.into_owned(), 1);
                        }
                    },
                    None => *self.report.platform_rows.entry(String::new()).or_default() += 1,
                }
                Ok(())
            },
        )?;
        // The duplicate detector is only needed while reading interactions.
        self.seen_rows = HashSet::default();
        self.report.rejects.extend(rejects);
        self.push_file(path, "interactions", c.rows, c.rejected)
    }

    fn transactions(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let c = read_table(
            path,
            &TRANSACTION_COLUMNS,
            &[0, 1, 2],
            &mut rejects,
            |row| {
                let cid = need(row, 0, "customer id")?;
                let ts_s = need(row, 1, "timestamp")?;
                let amount_s = need(row, 2, "amount")?;
                let ts =
                    parse_ts(ts_s).ok_or_else(|| row.reject(Some(1), bad_ts("timestamp", ts_s)))?;
                let amount = match parse_finite(amount_s) {
                    Ok(a) if a >= 0.0 => a,
                    Ok(_) => {
                        return Err(row.reject(
                            Some(2),
                            format!(
                            "negative amount (got {amount_s:?}, expected a non-negative number)"
                        ),
                        ))
                    }
                    Err(e) => {
                        return Err(row.reject(
                            Some(2),
                            bad_num("amount", amount_s, e, "a non-negative number"),
                        ))
                    }
                };
                let node = match self.resolve(cid, None, false) {
                Some(v) if self.g.kind(v) == NodeKind::Customer => v,
                _ => {
                    return Err(row.reject(
                        Some(0),
                        format!("unknown customer (got {cid:?}, expected a customer id or handle seen in customers, identities or interactions)"),
                    ))
                }
            };
                self.transactions.push(Transaction {
                    node,
                    timestamp: ts,
                    amount,
                    order_id: row.get(3).map(str::to_string),
                    category: row.get(4).map(str::to_string),
                });
                Ok(())
            },
        )?;
        self.report.transactions += c.rows - c.rejected;
        self.report.rejects.extend(rejects);
        self.push_file(path, "transactions", c.rows, c.rejected)
    }

    fn finish(mut self, undirected: bool) -> Dataset {
        let n = self.g.node_count();
        for v in 0..n as u32 {
            self.g.node_mut(v).handles.sort();
        }
        let mut numeric = std::mem::take(&mut self.numeric);
        numeric.retain(|k, _| !self.non_numeric.contains(k));
        for col in numeric.values_mut() {
            col.resize(n, None);
        }
        Dataset {
            graph: self.g,
            transactions: self.transactions,
            report: self.report,
            undirected,
            customer_numeric: numeric,
        }
    }
}

fn unknown_id(id: &str) -> String {
    format!(
        "unknown id (got {id:?}, expected a customer or account id from customers.*/accounts.*, or a handle from identities.*)"
    )
}

fn need<'a>(row: &Row<'a>, i: usize, what: &str) -> std::result::Result<&'a str, RecordError> {
    row.get(i).ok_or_else(|| {
        row.reject(
            Some(i),
            format!("missing {what} (got \"\", expected a non-empty value)"),
        )
    })
}

fn parse_kind(s: &str) -> Option<InteractionKind> {
    // Exact lower-case spellings first: the common case costs one comparison chain.
    for k in InteractionKind::ALL {
        if s == k.as_str() {
            return Some(k);
        }
    }
    s.parse().ok()
}

#[allow(clippy::too_many_arguments)]
fn row_hash(
    s: u32,
    t: u32,
    kind: InteractionKind,
    platform: Option<&str>,
    ts: i64,
    weight: f64,
    sentiment: Option<f64>,
) -> u64 {
    use crate::algo::rng::{hash3, mix64};
    let mut h = hash3(
        0x0D0B,
        (u64::from(s) << 32) | u64::from(t),
        kind.index() as u64,
    );
    h = hash3(h, ts as u64, weight.to_bits());
    h = hash3(h, sentiment.map_or(u64::MAX, f64::to_bits), 0);
    if let Some(p) = platform {
        for chunk in p.as_bytes().chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            h = mix64(h ^ u64::from_le_bytes(w));
        }
    }
    h
}

/// Load a dataset folder.
///
/// # Errors
/// I/O errors, a folder without interactions.*, several files for one role, or a header that
/// lacks a required column.
pub fn load_folder(dir: &Path, opts: &IngestOptions) -> Result<Dataset> {
    let interactions = find_role(dir, "interactions")?.ok_or_else(|| {
        Error::Input(format!(
            "{}: no interactions.csv, interactions.tsv or interactions.jsonl (optionally .gz) in this folder",
            dir.display()
        ))
    })?;
    let mut l = Loader::new(opts);
    if let Some(p) = find_role(dir, "customers")? {
        l.customers(&p)?;
    }
    if let Some(p) = find_role(dir, "accounts")? {
        l.accounts(&p)?;
    }
    if let Some(p) = find_role(dir, "identities")? {
        l.identities(&p)?;
    }
    l.interactions(&interactions)?;
    if let Some(p) = find_role(dir, "transactions")? {
        l.transactions(&p)?;
    }
    Ok(l.finish(false))
}

/// Load a single interactions file (CSV, TSV or JSONL; every id becomes a customer).
///
/// # Errors
/// I/O errors, or a header that lacks a required column.
pub fn load_interactions_file(path: &Path, opts: &IngestOptions) -> Result<Dataset> {
    let mut l = Loader::new(opts);
    l.interactions(path)?;
    Ok(l.finish(false))
}

/// Parse one optional table on its own (used by the fuzz tests).
///
/// # Errors
/// As [`load_folder`].
pub fn load_role_file(path: &Path, role: &str, opts: &IngestOptions) -> Result<Dataset> {
    let mut l = Loader::new(opts);
    match role {
        "customers" => l.customers(path)?,
        "accounts" => l.accounts(path)?,
        "identities" => l.identities(path)?,
        "transactions" => l.transactions(path)?,
        _ => l.interactions(path)?,
    }
    Ok(l.finish(false))
}
