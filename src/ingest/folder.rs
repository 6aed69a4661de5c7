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

use super::table::{
    read_table, read_table_par, read_table_par_fin, Row, TableCounts, PAR_BATCH, PAR_BLOCK,
};
use super::values::{bad_num, bad_ts, parse_finite, parse_ts};
use super::{reader, Dataset, IngestOptions, IngestReport, InputFile};
use crate::error::{Error, RecordError, Result};
use crate::graph::property::{FastMap, IdMap};
use crate::graph::{
    CompactStr, InteractionKind, InteractionRow, NodeData, NodeKind, PropertyGraph, Transaction,
    NO_PLATFORM, ROW_HAS_SENTIMENT, ROW_HAS_TS,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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
    /// `platform:handle` → node (inline keys: one probe per handle-named id).
    handles: IdMap,
    /// bare handle → node ([`AMBIGUOUS`] when it names several customers across platforms).
    bare: IdMap,
    /// Per-node numeric values of extra customer columns.
    numeric: BTreeMap<String, Vec<Option<f64>>>,
    /// Extra customer columns that had a non-numeric value.
    non_numeric: HashSet<String>,
    transactions: Vec<Transaction>,
    /// Start time when `KOLGRAPH_INGEST_TIMES` is set (per-file timings on stderr).
    timer: Option<std::time::Instant>,
}

/// `bare` value of a handle that several customers use (on different platforms).
const AMBIGUOUS: u32 = u32::MAX;

fn handle_key(platform: &str, handle: &str) -> String {
    // Built by hand: `format!` plus a lower-cased copy of the platform were two allocations
    // and the formatting machinery per identity row.
    let p = platform.trim();
    let h = handle.trim().trim_start_matches('@');
    let mut k = String::with_capacity(p.len() + 1 + h.len());
    k.push_str(p);
    k.make_ascii_lowercase();
    k.push(':');
    k.push_str(h);
    k
}

/// Rough row count of an uncompressed delimited file (file size over the mean length of its
/// first lines), used only to size hash tables before a merge inserts into them: growing a
/// million-key table by doubling rewrites every slot again at each step (random writes into
/// fresh, zeroed memory). 0 when unknown (gzip, JSONL, unreadable). Never affects results.
fn estimate_rows(path: &Path) -> usize {
    use std::io::Read;
    let name = path.to_string_lossy();
    if name.ends_with(".gz") || name.ends_with(".jsonl") {
        return 0;
    }
    let Ok(len) = std::fs::metadata(path).map(|m| m.len()) else {
        return 0;
    };
    let mut head = vec![0u8; 64 * 1024];
    let Ok(mut f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    let lines = head[..n].iter().filter(|&&c| c == b'\n').count();
    if lines < 2 {
        return 0;
    }
    // Cap at 4G rows (u32 node ids) so a bogus size cannot ask for an absurd table.
    (len / (n as u64 / lines as u64).max(1)).min(u64::from(u32::MAX)) as usize
}

/// `handles[handle_key(platform, handle)]`, with the key built on the stack when it is short
/// (one lookup per handle-named id: an allocation each was a tenth of the ingest time).
fn get_handle(handles: &IdMap, platform: &str, handle: &str) -> Option<u32> {
    with_handle_key(platform, handle, |k| handles.get(k))
}

/// [`IdMap::slot_index`] of the slot [`get_handle`] would read first.
fn handle_slot(handles: &IdMap, platform: &str, handle: &str) -> Option<usize> {
    with_handle_key(platform, handle, |k| handles.slot_index(k))
}

/// Call `f` with `handle_key(platform, handle)`, built on the stack when it is short.
fn with_handle_key<T>(platform: &str, handle: &str, f: impl FnOnce(&str) -> T) -> T {
    let p = platform.trim();
    let h = handle.trim().trim_start_matches('@');
    let n = p.len() + 1 + h.len();
    let mut buf = [0u8; 96];
    if n <= buf.len() {
        buf[..p.len()].copy_from_slice(p.as_bytes());
        buf[..p.len()].make_ascii_lowercase();
        buf[p.len()] = b':';
        buf[p.len() + 1..n].copy_from_slice(h.as_bytes());
        if let Ok(k) = std::str::from_utf8(&buf[..n]) {
            return f(k);
        }
    }
    f(&handle_key(platform, handle))
}

impl<'o> Loader<'o> {
    fn new(opts: &'o IngestOptions) -> Self {
        Loader {
            opts,
            g: PropertyGraph::new(),
            report: IngestReport::default(),
            closed: false,
            handles: IdMap::new_wide(),
            bare: IdMap::new(),
            numeric: BTreeMap::new(),
            non_numeric: HashSet::new(),
            transactions: Vec::new(),
            timer: std::env::var_os("KOLGRAPH_INGEST_TIMES").map(|_| std::time::Instant::now()),
        }
    }

    /// Record a file that was read (its SHA-256 is filled in by [`with_hashes`]).
    fn push_file(&mut self, path: &Path, role: &str, rows: u64, rejected: u64) -> Result<()> {
        self.report.files.push(InputFile {
            path: path.display().to_string(),
            role: role.into(),
            sha256: String::new(),
            rows,
            rejected,
        });
        if let Some(t0) = self.timer {
            // Benchmark aid (`KOLGRAPH_INGEST_TIMES=1`): wall time per file on stderr.
            eprintln!(
                "ingest {role}: {rows} rows, {:.2} s since start",
                t0.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }

    /// Resolve an id or handle; `create` makes a new customer for an unknown id.
    fn resolve(&mut self, id: &str, platform: Option<&str>, create: bool) -> Option<u32> {
        let look = Lookup {
            g: &self.g,
            handles: &self.handles,
            bare: &self.bare,
        };
        if let Some(v) = look.get(id, platform) {
            return Some(v);
        }
        if create && !self.closed {
            return Some(self.g.ensure_node(id, NodeKind::Customer));
        }
        None
    }

    /// Customer rows are parsed in parallel blocks ([`read_table_par`]) into finished
    /// [`NodeData`]; nodes are created at the merge, in file order (duplicate ids are only
    /// known there). A bad `joined_at` is reported after the duplicate-id check, as when rows
    /// were handled one by one.
    fn customers(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let numeric = &mut self.numeric;
        let non_numeric = &mut self.non_numeric;
        let g = &mut self.g;
        g.reserve_ids(estimate_rows(path));
        let file = path.display().to_string();
        let c = read_table_par(
            path,
            &CUSTOMER_COLUMNS,
            &[0],
            CustBlock::default,
            |st: &mut CustBlock, row| {
                let id = need(row, 0, "customer id")?;
                if st.recs.capacity() == 0 {
                    // About one row per 48 bytes of a block: no regrowth copies (a
                    // `CustRec` is ~70 bytes, so a block's vector is a few MiB).
                    st.recs.reserve(PAR_BLOCK / 48);
                }
                let mut bad_joined = None;
                let joined = match row.get(3) {
                    Some(s) => match parse_ts(s) {
                        Some(t) => Some(t),
                        None => {
                            bad_joined =
                                Some(Box::new(row.reject(Some(3), bad_ts("joined_at", s))));
                            None
                        }
                    },
                    None => None,
                };
                let mut node = NodeData::new(id, NodeKind::Customer);
                let ex0 = st.extras.len() as u32;
                if bad_joined.is_none() {
                    node.set_name(row.get(1).map(str::to_string));
                    node.set_segment(row.get(2).map(CompactStr::from));
                    node.set_joined_at(joined);
                    let CustBlock { keys, extras, .. } = st;
                    row.each_extra(|k, val| {
                        node.extra_mut()
                            .props
                            .insert(k.to_string(), val.to_string());
                        // Column names are few: interned per block, found by a short scan.
                        let ki = match keys.iter().position(|x| x == k) {
                            Some(i) => i,
                            None => {
                                keys.push(k.to_string());
                                keys.len() - 1
                            }
                        };
                        extras.push((ki as u32, parse_finite(val).ok()));
                    });
                }
                st.recs.push(CustRec {
                    line: row.line,
                    col0: row.col(0),
                    node,
                    extras: (ex0, st.extras.len() as u32),
                    bad_joined,
                });
                Ok(())
            },
            |st, rej| {
                rejects.extend(rej);
                let CustBlock { recs, keys, extras } = st;
                // Id-map slots of the block, warmed 64 rows at a time (see the interactions).
                let idx: Vec<usize> = recs
                    .iter()
                    .map(|r| g.id_slot(&r.node.id).unwrap_or(0))
                    .collect();
                for (i, r) in recs.into_iter().enumerate() {
                    if i % 64 == 0 {
                        let end = (i + 64).min(idx.len());
                        std::hint::black_box(g.touch_id_slots(&idx[i..end]));
                    }
                    if g.index_of(&r.node.id).is_some() {
                        rejects.push(RecordError {
                            file: file.clone(),
                            line: r.line,
                            column: r.col0,
                            message: format!(
                                "duplicate customer id (got {:?}, expected each id once)",
                                r.node.id
                            ),
                        });
                        continue;
                    }
                    if let Some(e) = r.bad_joined {
                        rejects.push(*e);
                        continue;
                    }
                    let v = g.push_node(r.node);
                    // Numeric extra columns (e.g. `clv`) also as per-node numbers.
                    for &(ki, x) in &extras[r.extras.0 as usize..r.extras.1 as usize] {
                        let k = keys[ki as usize].as_str();
                        match x {
                            Some(x) => {
                                let col = match numeric.get_mut(k) {
                                    Some(col) => col,
                                    None => numeric.entry(k.to_string()).or_default(),
                                };
                                if col.len() <= v as usize {
                                    col.resize(v as usize + 1, None);
                                }
                                col[v as usize] = Some(x);
                            }
                            None => {
                                if !non_numeric.contains(k) {
                                    non_numeric.insert(k.to_string());
                                }
                            }
                        }
                    }
                }
            },
        )?;
        // Merge-time rejects follow their block's: back to line order (one per row).
        rejects.sort_by_key(|r| r.line);
        let rejected = rejects.len() as u64;
        self.closed = true;
        self.report.rejects.extend(rejects);
        self.push_file(path, "customers", c.rows, rejected)
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
            n.set_name(row.get(1).map(str::to_string));
            if let Some(p) = row.get(2) {
                n.extra_mut().props.insert("platform".into(), p.to_string());
            }
            for (k, val) in row.extras() {
                n.extra_mut().props.insert(k.to_string(), val.to_string());
            }
            Ok(())
        })?;
        self.report.rejects.extend(rejects);
        self.push_file(path, "accounts", c.rows, c.rejected)
    }

    fn identities(&mut self, path: &Path) -> Result<()> {
        if self.closed {
            return self.identities_closed(path);
        }
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
                Some(w) if w == v => return Ok(()),
                Some(w) => {
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
            self.handles.insert(&key, v);
            let h = handle.trim_start_matches('@');
            match self.bare.get(h) {
                Some(w) if w == v || w == AMBIGUOUS => {}
                Some(_) => self.bare.insert(h, AMBIGUOUS),
                None => self.bare.insert(h, v),
            }
            // Inserted in order (handle keys are unique, so the search always misses): every
            // list is sorted when the load ends without a pass over all nodes.
            let hs = &mut self.g.node_mut(v).extra_mut().handles;
            let at = hs.binary_search(&key).unwrap_or_else(|i| i);
            hs.insert(at, key);
            merged += 1;
            Ok(())
        })?;
        self.report.merged_handles += merged;
        self.report.rejects.extend(rejects);
        self.push_file(path, "identities", c.rows, c.rejected)
    }

    /// identities.* with a customer master list: no row creates a node, so rows are parsed,
    /// their customer id resolved and their `platform:handle` key built in parallel blocks
    /// ([`read_table_par`]); only the handle tables are updated at the in-order merge (a key
    /// that is already taken is only known there). Rejects, merges and node handles are those
    /// of handling the rows one by one ([`Loader::identities`]' sequential path).
    fn identities_closed(&mut self, path: &Path) -> Result<()> {
        let mut rejects = Vec::new();
        let mut merged = 0u64;
        let file = path.display().to_string();
        let g = &self.g;
        let handles = &mut self.handles;
        let bare = &mut self.bare;
        let expect = estimate_rows(path);
        handles.reserve(expect);
        bare.reserve(expect);
        // Node handles are pushed after the read (`g` is shared with the parallel pass).
        let mut node_handles: Vec<(u32, String)> = Vec::with_capacity(expect);
        let c = read_table_par_fin(
            path,
            &IDENTITY_COLUMNS,
            &[0, 1, 2],
            PAR_BLOCK,
            PAR_BATCH,
            IdentBlock::default,
            |st: &mut IdentBlock, row| {
                let cid = need(row, 0, "customer id")?;
                let platform = need(row, 1, "platform")?;
                let handle = need(row, 2, "handle")?;
                // The customer id is resolved in `finish`, a batch at a time.
                let at = st.ids.len() as u32;
                st.ids.push_str(cid);
                let key = handle_key(platform, handle);
                // `handle` is trimmed, so the key ends with the bare handle.
                let h = handle.trim_start_matches('@');
                st.recs.push(IdentRec {
                    line: row.line,
                    col0: row.col(0),
                    col2: row.col(2),
                    cid_at: (at, st.ids.len() as u32),
                    v: None,
                    bare_at: key.len() - h.len(),
                    cid: None,
                    key,
                });
                Ok(())
            },
            |st: &mut IdentBlock, rej: &mut Vec<RecordError>| {
                // Customer ids of 64 rows: id-map slots computed, then loaded in a tight loop
                // (overlapping cache misses, as for the interactions), then resolved in order.
                // Rejects go to the end of the block's list; they are put back in line order
                // after the read (one per row).
                let IdentBlock { recs, ids } = st;
                let mut idx = Vec::with_capacity(64);
                for chunk in recs.chunks_mut(64) {
                    idx.clear();
                    for r in chunk.iter() {
                        idx.extend(g.id_slot(&ids[r.cid_at.0 as usize..r.cid_at.1 as usize]));
                    }
                    std::hint::black_box(g.touch_id_slots(&idx));
                    for r in chunk.iter_mut() {
                        let cid = &ids[r.cid_at.0 as usize..r.cid_at.1 as usize];
                        let reject = |message: String| RecordError {
                            file: file.clone(),
                            line: r.line,
                            column: r.col0,
                            message,
                        };
                        match g.index_of(cid) {
                            Some(v) if g.kind(v) == NodeKind::Customer => {
                                r.v = Some(v);
                                // The id as written, when the node's own id differs (an alias).
                                r.cid = (g.id(v) != cid).then(|| cid.to_string());
                            }
                            Some(_) => rej.push(reject(format!(
                                "identity of a brand/staff account (got {cid:?}, expected a customer id)"
                            ))),
                            None => rej.push(reject(format!(
                                "unknown id (got {cid:?}, expected a customer id from customers.*)"
                            ))),
                        }
                    }
                }
                recs.retain(|r| r.v.is_some());
            },
            |st, rej| {
                let mut st = st.recs;
                rejects.extend(rej);
                // Touch the tables' slots of a batch first (overlapping cache misses).
                // Indices first, then a tight loop of loads (see the interactions).
                let (mut h_idx, mut b_idx) = (Vec::new(), Vec::new());
                for chunk in st.chunks_mut(64) {
                    h_idx.clear();
                    b_idx.clear();
                    for r in chunk.iter() {
                        h_idx.extend(handles.slot_index(&r.key));
                        b_idx.extend(bare.slot_index(&r.key[r.bare_at..]));
                    }
                    let warm = handles.touch_slots(&h_idx) ^ bare.touch_slots(&b_idx);
                    std::hint::black_box(warm);
                    for r in chunk {
                        let Some(v) = r.v else { continue };
                        match handles.get(&r.key) {
                            Some(w) if w == v => continue,
                            Some(w) => {
                                let cid = r.cid.as_deref().unwrap_or_else(|| g.id(v));
                                rejects.push(RecordError {
                                    file: file.clone(),
                                    line: r.line,
                                    column: r.col2,
                                    message: format!(
                                        "handle already belongs to another customer (got {:?} for {cid:?}, expected it to map to {:?} only)",
                                        r.key,
                                        g.id(w)
                                    ),
                                });
                                continue;
                            }
                            None => {}
                        }
                        handles.insert(&r.key, v);
                        let h = &r.key[r.bare_at..];
                        match bare.get(h) {
                            Some(w) if w == v || w == AMBIGUOUS => {}
                            Some(_) => bare.insert(h, AMBIGUOUS),
                            None => bare.insert(h, v),
                        }
                        node_handles.push((v, std::mem::take(&mut r.key)));
                        merged += 1;
                    }
                }
            },
        )?;
        // Each node's handle list sized exactly on its first push (a growing `Vec<String>`
        // reserves four entries: ~60 bytes per customer more than the 1.6 it holds on average).
        let mut count = vec![0u32; self.g.node_count()];
        for &(v, _) in &node_handles {
            count[v as usize] += 1;
        }
        for (v, key) in node_handles {
            let left = &mut count[v as usize];
            let h = &mut self.g.node_mut(v).extra_mut().handles;
            if h.is_empty() {
                h.reserve_exact(*left as usize);
            }
            h.push(key);
            *left -= 1;
            if *left == 0 && h.len() > 1 {
                // Complete: sorted now, while the node is in cache (no pass over all nodes at
                // the end of the load: ~0.1 s of one core at 1M customers).
                h.sort();
            }
        }
        // Merge-time rejects follow their block's: back to line order (one per row).
        rejects.sort_by_key(|r| r.line);
        let rejected = rejects.len() as u64;
        self.report.merged_handles += merged;
        self.report.rejects.extend(rejects);
        self.push_file(path, "identities", c.rows, rejected)
    }

    /// Interaction rows are parsed and validated in parallel blocks
    /// ([`read_table_par`]); block results are merged in file order:
    /// * with a customer master list (`closed`), resolving never creates nodes, so ids are
    ///   resolved inside the parallel pass and each block brings finished rows;
    /// * without one, blocks bring validated rows whose ids are then resolved (and new
    ///   customers created) sequentially in row order, as always;
    /// * platforms are interned per block and renumbered at the merge; rejects are put back in
    ///   line order; duplicates are counted by sorting the row hashes, edges are built by
    ///   [`PropertyGraph::add_interaction_rows`] (sort by pair instead of a hash lookup per row).
    ///
    /// Every count, reject and edge is the same as handling the rows one by one.
    fn interactions(&mut self, path: &Path) -> Result<()> {
        let read = if self.closed {
            self.read_interactions_closed(path)?
        } else {
            self.read_interactions_open(path)?
        };
        self.finish_interactions(path, read)
    }

    /// Parse, validate and resolve interaction rows with a customer master list.
    fn read_interactions_closed(&self, path: &Path) -> Result<IxRead> {
        let mut rejects: Vec<RecordError> = Vec::new();
        let opts = self.opts;
        let mut acc = RowSink::default();
        let file = path.display().to_string();
        let c = {
            let look = Lookup {
                g: &self.g,
                handles: &self.handles,
                bare: &self.bare,
            };
            let file = &file;
            // Block states are recycled once merged: fresh ones grew their buffers (~2.5 MB
            // per 1 MiB block) by doubling, i.e. realloc copies and first-touch page faults
            // for every block.
            let pool: Mutex<Vec<IxBlock>> = Mutex::new(Vec::new());
            let pool = &pool;
            read_table_par_fin(
                path,
                &INTERACTION_COLUMNS,
                &[0, 1, 2, 4],
                PAR_BLOCK,
                PAR_BATCH,
                || {
                    pool.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop()
                        .unwrap_or_default()
                },
                |st: &mut IxBlock, row| {
                    // Ids are resolved per block in `finish`, in batches.
                    let (src, dst, f) = parse_interaction(row, &mut st.plats)?;
                    st.pending.cols = (row.col(0), row.col(1));
                    st.pending.push(row.line, src, dst, f);
                    Ok(())
                },
                |st: &mut IxBlock, rej: &mut Vec<RecordError>| {
                    let mut p = std::mem::take(&mut st.pending);
                    st.rows.reserve(p.items.len());
                    st.hashes.reserve(p.items.len());
                    // Touch the id-map slots of a batch of rows first, then resolve each row
                    // in order. The slot indices are computed first and loaded in a separate
                    // tight loop: independent loads with nothing in between, so that many
                    // of their cache misses overlap (DRAM latency was a quarter of the load).
                    let (mut id_idx, mut h_idx) = (Vec::new(), Vec::new());
                    let mut found: Vec<Option<u32>> = Vec::with_capacity(128);
                    for chunk in p.items.chunks(64) {
                        id_idx.clear();
                        for (_, a, b, c, _) in chunk {
                            for id in [&p.ids[*a..*b], &p.ids[*b..*c]] {
                                id_idx.extend(look.g.id_slot(id));
                            }
                        }
                        std::hint::black_box(look.g.touch_id_slots(&id_idx));
                        // Id-table lookups first (warm now). An id that misses there (a
                        // handle: `platform:handle`, `@handle` or a bare `handle`, ~15 % of
                        // the ids) goes on to the handle table: its slot there is touched for
                        // the whole batch before any of them is resolved. Bare handles used to
                        // be resolved cold (a DRAM miss each, ~4 % of the load's samples).
                        found.clear();
                        h_idx.clear();
                        for (_, a, b, c, f) in chunk {
                            let pl = st.plats.names.get(f.plat as usize).map(String::as_str);
                            for id in [&p.ids[*a..*b], &p.ids[*b..*c]] {
                                let v = look.g.index_of(id);
                                if v.is_none() {
                                    h_idx.extend(look.handle_slot(id, pl));
                                }
                                found.push(v);
                            }
                        }
                        std::hint::black_box(look.handles.touch_slots(&h_idx));
                        for (k, (line, a, b, c, f)) in chunk.iter().enumerate() {
                            let (src, dst) = (&p.ids[*a..*b], &p.ids[*b..*c]);
                            let pl = st.plats.names.get(f.plat as usize).map(String::as_str);
                            let reject = |column: u64, id: &str| RecordError {
                                file: file.clone(),
                                line: *line,
                                column,
                                message: unknown_id(id),
                            };
                            let Some(s) = found[2 * k].or_else(|| look.get_unlisted(src, pl))
                            else {
                                rej.push(reject(p.cols.0, src));
                                continue;
                            };
                            let Some(t) = found[2 * k + 1].or_else(|| look.get_unlisted(dst, pl))
                            else {
                                rej.push(reject(p.cols.1, dst));
                                continue;
                            };
                            match RowSink::make(&st.plats.names, s, t, f, opts) {
                                Some((r, h)) => {
                                    st.rows.push(r);
                                    st.hashes.push(h);
                                }
                                None => st.outside += 1,
                            }
                        }
                    }
                    // Emptied, keeping its buffers for the state's next block.
                    p.ids.clear();
                    p.items.clear();
                    st.pending = p;
                },
                |mut st: IxBlock, rej| {
                    let map = acc.plats.intern_all(&st.plats);
                    acc.rows.extend(st.rows.drain(..).map(|mut r| {
                        if r.platform != NO_PLATFORM {
                            r.platform = map[r.platform as usize];
                        }
                        r
                    }));
                    acc.hashes.extend_from_slice(&st.hashes);
                    acc.outside += st.outside;
                    rejects.extend(rej);
                    st.hashes.clear();
                    st.outside = 0;
                    st.plats.names.clear();
                    st.plats.ids.clear();
                    pool.lock().unwrap_or_else(PoisonError::into_inner).push(st);
                },
            )?
        };
        Ok(IxRead { c, acc, rejects })
    }

    /// Parse and validate interaction rows, resolving ids (and creating customers) in row order.
    fn read_interactions_open(&mut self, path: &Path) -> Result<IxRead> {
        let mut rejects: Vec<RecordError> = Vec::new();
        let opts = self.opts;
        let mut acc = RowSink::default();
        let file = path.display().to_string();
        let c = read_table_par(
            path,
            &INTERACTION_COLUMNS,
            &[0, 1, 2, 4],
            IxBlock::default,
            |st: &mut IxBlock, row| {
                let (src, dst, f) = parse_interaction(row, &mut st.plats)?;
                st.pending.cols = (row.col(0), row.col(1));
                st.pending.push(row.line, src, dst, f);
                Ok(())
            },
            |st, rej| {
                rejects.extend(rej);
                let map = acc.plats.intern_all(&st.plats);
                let p = st.pending;
                for (line, a, b, c, mut f) in p.items {
                    if f.plat != NO_PLATFORM {
                        f.plat = map[f.plat as usize];
                    }
                    let (src, dst) = (&p.ids[a..b], &p.ids[b..c]);
                    let pl = acc.plats.names.get(f.plat as usize).map(String::as_str);
                    let reject = |column: u64, id: &str| RecordError {
                        file: file.clone(),
                        line,
                        column,
                        message: unknown_id(id),
                    };
                    let Some(s) = self.resolve(src, pl, true) else {
                        rejects.push(reject(p.cols.0, src));
                        continue;
                    };
                    let Some(t) = self.resolve(dst, pl, true) else {
                        rejects.push(reject(p.cols.1, dst));
                        continue;
                    };
                    acc.accept(s, t, &f, opts);
                }
            },
        )?;
        Ok(IxRead { c, acc, rejects })
    }

    /// Duplicates, platform counts, edges and the file's report entry of a read interactions file.
    fn finish_interactions(&mut self, path: &Path, read: IxRead) -> Result<()> {
        let IxRead {
            c,
            acc,
            mut rejects,
        } = read;
        // Blocks deliver their rejects in order, but unknown-id rejects of the sequential
        // resolution follow their block's reader rejects: restore line order (one per row).
        rejects.sort_by_key(|r| r.line);
        // Every reject of this file is in `rejects`, one per row.
        let rejected = rejects.len() as u64;
        debug_assert!(rejected >= c.rejected);
        let RowSink {
            rows,
            hashes,
            outside,
            plats,
            ..
        } = acc;
        let hashes_len = hashes.len();
        let platforms = plats.names;
        self.report.outside_window += outside;
        // Duplicates are counted beside the edge building (they share no data): the count's
        // sequential bucket pass and the single-threaded steps below used to leave the other
        // core idle, one after the other.
        let (distinct, ()) = rayon::join(
            move || count_distinct(hashes),
            || self.add_rows(&rows, &platforms),
        );
        self.report.duplicates += (hashes_len - distinct) as u64;
        self.report.interactions += rows.len() as u64;
        drop(rows);
        self.report.rejects.extend(rejects);
        self.push_file(path, "interactions", c.rows, rejected)
    }

    /// Platform counts, time range and self-loops of the accepted rows, then their edges.
    fn add_rows(&mut self, rows: &[InteractionRow], platforms: &[String]) {
        let opts = self.opts;
        // Platform bits in order of first appearance among accepted rows (as row-by-row).
        let mut bits: Vec<Option<u64>> = vec![None; platforms.len()];
        let mut per_platform = vec![0u64; platforms.len()];
        let mut no_platform = 0u64;
        for r in rows {
            if r.platform == NO_PLATFORM {
                no_platform += 1;
            } else {
                let i = r.platform as usize;
                per_platform[i] += 1;
                if bits[i].is_none() {
                    bits[i] = Some(self.g.platform_bit(&platforms[i]));
                }
            }
            if r.s == r.t {
                self.report.self_loops += 1;
            }
            self.report.min_ts = Some(self.report.min_ts.map_or(r.ts, |m| m.min(r.ts)));
            self.report.max_ts = Some(self.report.max_ts.map_or(r.ts, |m| m.max(r.ts)));
        }
        for (name, &n) in platforms.iter().zip(&per_platform) {
            if n > 0 {
                *self.report.platform_rows.entry(name.clone()).or_default() += n;
            }
        }
        if no_platform > 0 {
            *self.report.platform_rows.entry(String::new()).or_default() += no_platform;
        }
        let bits: Vec<u64> = bits.into_iter().map(Option::unwrap_or_default).collect();
        self.g
            .add_interaction_rows(rows, &bits, opts.half_life_secs);
    }

    fn transactions(&mut self, path: &Path) -> Result<()> {
        let read = self.read_transactions(path)?;
        self.apply_transactions(path, read)
    }

    /// Read transactions.* (parse and resolve; the id maps are only read).
    fn read_transactions(&self, path: &Path) -> Result<TxRead> {
        // Rows only read the id maps, so whole blocks are parsed and resolved in parallel.
        // The customer id is resolved in the block's `finish` step, 64 rows at a time with
        // the id-map slots loaded first (one random id-table miss per row was ~20 % of this
        // file's samples).
        let mut rejects = Vec::new();
        let mut txs: Vec<Transaction> = Vec::with_capacity(estimate_rows(path));
        let look = Lookup {
            g: &self.g,
            handles: &self.handles,
            bare: &self.bare,
        };
        let g = &self.g;
        let file = path.display().to_string();
        let c = read_table_par_fin(
            path,
            &TRANSACTION_COLUMNS,
            &[0, 1, 2],
            PAR_BLOCK,
            PAR_BATCH,
            TxBlock::default,
            |st: &mut TxBlock, row| {
                let cid = need(row, 0, "customer id")?;
                if st.items.capacity() == 0 {
                    // About one row per 40 bytes of a block: no regrowth copies.
                    st.items.reserve(PAR_BLOCK / 40);
                    st.ids.reserve(PAR_BLOCK / 4);
                }
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
                st.col0 = row.col(0);
                st.ids.push_str(cid);
                st.items.push((
                    row.line,
                    st.ids.len(),
                    Transaction {
                        node: 0,
                        timestamp: ts,
                        amount,
                        order_id: row.get(3).map(CompactStr::from),
                        category: row.get(4).map(CompactStr::from),
                    },
                ));
                Ok(())
            },
            |st: &mut TxBlock, rej: &mut Vec<RecordError>| {
                let items = std::mem::take(&mut st.items);
                st.txs.reserve(items.len());
                let mut idx = Vec::with_capacity(64);
                let mut start = 0;
                let mut items = items;
                for chunk in items.chunks_mut(64) {
                    idx.clear();
                    let mut a = start;
                    for (_, b, _) in chunk.iter() {
                        idx.extend(g.id_slot(&st.ids[a..*b]));
                        a = *b;
                    }
                    std::hint::black_box(g.touch_id_slots(&idx));
                    for (line, b, tx) in chunk {
                        let cid = &st.ids[start..*b];
                        start = *b;
                        match look.get(cid, None) {
                            Some(v) if g.kind(v) == NodeKind::Customer => {
                                st.txs.push(Transaction {
                                    node: v,
                                    timestamp: tx.timestamp,
                                    amount: tx.amount,
                                    order_id: tx.order_id.take(),
                                    category: tx.category.take(),
                                });
                            }
                            _ => rej.push(RecordError {
                                file: file.clone(),
                                line: *line,
                                column: st.col0,
                                message: format!("unknown customer (got {cid:?}, expected a customer id or handle seen in customers, identities or interactions)"),
                            }),
                        }
                    }
                }
            },
            |st, rej| {
                txs.extend(st.txs);
                rejects.extend(rej);
            },
        )?;
        // Unknown-customer rejects of a block follow its reader rejects: restore line order
        // (one reject per row, so the order is that of a row-by-row read).
        rejects.sort_by_key(|r: &RecordError| r.line);
        Ok(TxRead { c, txs, rejects })
    }

    fn apply_transactions(&mut self, path: &Path, read: TxRead) -> Result<()> {
        let TxRead { c, txs, rejects } = read;
        if self.transactions.is_empty() {
            // Take the vector as is (extending an empty one copied every transaction).
            self.transactions = txs;
        } else {
            self.transactions.extend(txs);
        }
        // Every reject of this file is in `rejects` (`c.rejected` lacks those of `finish`).
        let rejected = rejects.len() as u64;
        self.report.transactions += c.rows - rejected;
        self.report.rejects.extend(rejects);
        self.push_file(path, "transactions", c.rows, rejected)
    }

    fn finish(mut self, undirected: bool) -> Dataset {
        let n = self.g.node_count();
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

/// Number of distinct values among `hashes` (row hashes: about uniform 64-bit values).
///
/// Equal values share their top bits, so the values are scattered into 2^12 buckets by
/// their top 12 bits (one counting pass, one scatter pass) and each bucket (a few thousand
/// values: cache-resident) is sorted and counted on its own, in parallel. A parallel sort
/// of the whole 10M-row vector spent its upper levels moving 80 MB through DRAM.
/// Same count as sorting everything; O(n) extra memory (the scattered copy), the input is
/// freed before the buckets are sorted.
fn count_distinct(hashes: Vec<u64>) -> usize {
    const BITS: u32 = 12;
    if hashes.len() < 1 << 16 {
        let mut h = hashes;
        h.sort_unstable();
        h.dedup();
        return h.len();
    }
    let bucket = |h: u64| (h >> (64 - BITS)) as usize;
    let mut start = vec![0usize; (1 << BITS) + 1];
    for &h in &hashes {
        start[bucket(h) + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    let mut out = vec![0u64; hashes.len()];
    for &h in &hashes {
        let b = bucket(h);
        out[next[b]] = h;
        next[b] += 1;
    }
    drop(hashes);
    let mut parts: Vec<&mut [u64]> = Vec::with_capacity(1 << BITS);
    let mut rest: &mut [u64] = &mut out;
    for w in start.windows(2) {
        let (a, b) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
        parts.push(a);
        rest = b;
    }
    parts
        .into_par_iter()
        .map(|p| {
            p.sort_unstable();
            p.iter()
                .enumerate()
                .filter(|&(i, h)| i == 0 || p[i - 1] != *h)
                .count()
        })
        .sum()
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

/// Validate the value fields of one interaction row (ids are resolved by the caller).
fn parse_interaction<'a>(
    row: &Row<'a>,
    plats: &mut Platforms,
) -> std::result::Result<(&'a str, &'a str, Fields), RecordError> {
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
    let ts = parse_ts(ts_s).ok_or_else(|| row.reject(Some(4), bad_ts("timestamp", ts_s)))?;
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
                    format!("sentiment out of range (got {s:?}, expected a number in [-1, 1])"),
                ))
            }
            Err(e) => {
                return Err(row.reject(Some(6), bad_num("sentiment", s, e, "a number in [-1, 1]")))
            }
        },
    };
    let plat = platform.map_or(NO_PLATFORM, |p| plats.intern(p));
    Ok((
        src,
        dst,
        Fields {
            kind,
            plat,
            ts,
            weight,
            sentiment,
        },
    ))
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
        // The name as little-endian 8-byte words, the last one zero-padded. The padded copy
        // into a stack array went through a `memcpy` call and a store-forwarding stall per
        // row (half of this function's samples); the words are the same.
        let mut words = p.as_bytes().chunks_exact(8);
        for w in &mut words {
            h = mix64(h ^ u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let w = tail
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            h = mix64(h ^ w);
        }
    }
    h
}

/// The validated value fields of one interaction row.
struct Fields {
    kind: InteractionKind,
    plat: u32,
    ts: i64,
    weight: f64,
    sentiment: Option<f64>,
}

/// Lower-cased platform names in order of first appearance, with their indices.
#[derive(Default)]
struct Platforms {
    names: Vec<String>,
    ids: FastMap<String, u32>,
}

impl Platforms {
    fn intern(&mut self, p: &str) -> u32 {
        // Lower-case only when needed: most exports already are.
        let lower: std::borrow::Cow<'_, str> = if p.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(p.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(p)
        };
        // A handful of platforms: a scan beats hashing the name once per row.
        if self.names.len() <= 16 {
            if let Some(i) = self.names.iter().position(|n| n == lower.as_ref()) {
                return i as u32;
            }
        } else if let Some(&i) = self.ids.get(lower.as_ref()) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(lower.to_string());
        self.ids.insert(lower.into_owned(), i);
        i
    }

    /// Intern a block's table (in its order of first appearance); returns local → global.
    fn intern_all(&mut self, local: &Platforms) -> Vec<u32> {
        local.names.iter().map(|n| self.intern(n)).collect()
    }
}

/// One parsed customer row waiting for the in-order merge.
struct CustRec {
    line: u64,
    /// 1-based column of the id (for a duplicate-id reject).
    col0: u64,
    node: NodeData,
    /// Range of this row's extra columns in [`CustBlock::extras`].
    extras: (u32, u32),
    /// A bad `joined_at`, reported only if the id is not a duplicate (boxed: rare, and the
    /// record is large).
    bad_joined: Option<Box<RecordError>>,
}

/// One block of parsed customer rows.
#[derive(Default)]
struct CustBlock {
    recs: Vec<CustRec>,
    /// Extra column names seen in this block.
    keys: Vec<String>,
    /// (index in `keys`, numeric value if any) of every row's extra columns, in row order.
    extras: Vec<(u32, Option<f64>)>,
}

/// A read interactions file waiting for [`Loader::finish_interactions`].
struct IxRead {
    c: TableCounts,
    acc: RowSink,
    /// Every reject of the file (block order; sorted by line when finished).
    rejects: Vec<RecordError>,
}

/// A read transactions file waiting for [`Loader::apply_transactions`].
struct TxRead {
    c: TableCounts,
    txs: Vec<Transaction>,
    rejects: Vec<RecordError>,
}

/// One block of transactions.* rows: parsed rows wait in `items` (customer ids back to back
/// in `ids`, each item holding the end of its id) for the batched resolution of `finish`.
#[derive(Default)]
struct TxBlock {
    ids: String,
    items: Vec<(u64, usize, Transaction)>,
    /// 1-based column of the customer id (for rejects).
    col0: u64,
    txs: Vec<Transaction>,
}

/// One parsed identities row waiting for the in-order merge (closed id space).
struct IdentRec {
    line: u64,
    /// 1-based column of the customer id (for an unknown-id reject).
    col0: u64,
    /// 1-based column of the handle (for a taken-handle reject).
    col2: u64,
    /// The customer id as written: `IdentBlock::ids[cid_at.0..cid_at.1]`.
    cid_at: (u32, u32),
    /// The customer's node (set by the block's `finish`; rows left without one are rejected).
    v: Option<u32>,
    /// `platform:handle` key; `key[bare_at..]` is the handle without its `@`.
    key: String,
    bare_at: usize,
    /// The customer id as written, only when it is not the node's id.
    cid: Option<String>,
}

/// One block of parsed identity rows.
#[derive(Default)]
struct IdentBlock {
    recs: Vec<IdentRec>,
    /// The rows' customer ids, concatenated.
    ids: String,
}

/// What one parallel block of interaction rows brings to the merge.
#[derive(Default)]
struct IxBlock {
    /// Platforms of this block (rows and fields refer to these local indices).
    plats: Platforms,
    /// Resolved rows (closed id space).
    rows: Vec<InteractionRow>,
    hashes: Vec<u64>,
    outside: u64,
    /// Validated rows waiting for sequential resolution (open id space).
    pending: Pending,
}

/// Accepted interaction rows, their duplicate-detection hashes and the platform table.
#[derive(Default)]
struct RowSink {
    rows: Vec<InteractionRow>,
    hashes: Vec<u64>,
    outside: u64,
    /// Platforms in order of first appearance in valid rows.
    plats: Platforms,
}

impl RowSink {
    /// Build the stored row (None when outside the time window) and its hash.
    fn make(
        platforms: &[String],
        s: u32,
        t: u32,
        f: &Fields,
        opts: &IngestOptions,
    ) -> Option<(InteractionRow, u64)> {
        if opts.since.is_some_and(|x| f.ts < x) || opts.until.is_some_and(|x| f.ts >= x) {
            return None;
        }
        let pl = platforms.get(f.plat as usize).map(String::as_str);
        let h = row_hash(s, t, f.kind, pl, f.ts, f.weight, f.sentiment);
        let row = InteractionRow {
            s,
            t,
            ts: f.ts,
            weight: f.weight as f32,
            sentiment: f.sentiment.map_or(0.0, |x| x as f32),
            platform: f.plat,
            kind: f.kind.index() as u8,
            flags: ROW_HAS_TS
                | if f.sentiment.is_some() {
                    ROW_HAS_SENTIMENT
                } else {
                    0
                },
        };
        Some((row, h))
    }

    fn accept(&mut self, s: u32, t: u32, f: &Fields, opts: &IngestOptions) {
        match Self::make(&self.plats.names, s, t, f, opts) {
            Some((row, h)) => {
                self.rows.push(row);
                self.hashes.push(h);
            }
            None => self.outside += 1,
        }
    }
}

/// Read-only id resolution (no node creation), shareable across threads.
struct Lookup<'a> {
    g: &'a PropertyGraph,
    handles: &'a IdMap,
    bare: &'a IdMap,
}

impl Lookup<'_> {
    /// Same rules as `Loader::resolve` without creation.
    fn get(&self, id: &str, platform: Option<&str>) -> Option<u32> {
        self.g
            .index_of(id)
            .or_else(|| self.get_unlisted(id, platform))
    }

    /// [`IdMap::slot_index`] of the first handle-table slot [`Lookup::get_unlisted`] reads.
    fn handle_slot(&self, id: &str, platform: Option<&str>) -> Option<usize> {
        let h = id.trim_start_matches('@');
        match h.split_once(':') {
            Some((p, rest)) => handle_slot(self.handles, p, rest),
            None => platform.and_then(|p| handle_slot(self.handles, p, h)),
        }
    }

    /// [`Lookup::get`] of an id known to be absent from the id table.
    fn get_unlisted(&self, id: &str, platform: Option<&str>) -> Option<u32> {
        if !self.handles.is_empty() {
            let h = id.trim_start_matches('@');
            if let Some((p, rest)) = h.split_once(':') {
                if let Some(v) = get_handle(self.handles, p, rest) {
                    return Some(v);
                }
            }
            if let Some(p) = platform {
                if let Some(v) = get_handle(self.handles, p, h) {
                    return Some(v);
                }
            }
            if let Some(v) = self.bare.get(h).filter(|&v| v != AMBIGUOUS) {
                return Some(v);
            }
        }
        None
    }
}

/// Validated interaction rows whose ids wait for sequential resolution.
#[derive(Default)]
struct Pending {
    /// Source and target ids, back to back.
    ids: String,
    items: Vec<(u64, usize, usize, usize, Fields)>,
    /// 1-based columns of source and target (for rejects).
    cols: (u64, u64),
}

impl Pending {
    fn push(&mut self, line: u64, src: &str, dst: &str, f: Fields) {
        let a = self.ids.len();
        self.ids.push_str(src);
        let b = self.ids.len();
        self.ids.push_str(dst);
        self.items.push((line, a, b, self.ids.len(), f));
    }
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
    let customers = find_role(dir, "customers")?;
    let accounts = find_role(dir, "accounts")?;
    let identities = find_role(dir, "identities")?;
    let transactions = find_role(dir, "transactions")?;
    let all: Vec<PathBuf> = [&customers, &accounts, &identities]
        .into_iter()
        .flatten()
        .chain(std::iter::once(&interactions))
        .chain(transactions.iter())
        .cloned()
        .collect();
    with_hashes(&all, || {
        let mut l = Loader::new(opts);
        if let Some(p) = &customers {
            l.customers(p)?;
        }
        if let Some(p) = &accounts {
            l.accounts(p)?;
        }
        if let Some(p) = &identities {
            l.identities(p)?;
        }
        // Transactions are read after the interactions: overlapping them with `rayon::join`
        // (session 5) gained no wall time on 2 cores and held the 3M parsed transactions
        // (+160-190 MiB peak) while the interactions were read.
        l.interactions(&interactions)?;
        if let Some(p) = &transactions {
            l.transactions(p)?;
        }
        Ok(l.finish(false))
    })
}

/// Run `load`, then fill the report's SHA-256 of every input file. The hashes are computed
/// from the bytes the readers read anyway ([`reader::HashTap`]); before session 8 a separate
/// thread read every file a second time (its kernel copy alone was ~8 % of the CPU samples of
/// a 10M-row folder load, on a third thread competing with the two workers).
fn with_hashes(paths: &[PathBuf], load: impl FnOnce() -> Result<Dataset>) -> Result<Dataset> {
    let tap = reader::HashTap::start();
    let mut ds = load()?;
    let hashes = tap.sha256(paths)?;
    for f in &mut ds.report.files {
        if let Some(i) = paths.iter().position(|p| p.display().to_string() == f.path) {
            f.sha256.clone_from(&hashes[i]);
        }
    }
    Ok(ds)
}

/// Load a single interactions file (CSV, TSV or JSONL; every id becomes a customer).
///
/// # Errors
/// I/O errors, or a header that lacks a required column.
pub fn load_interactions_file(path: &Path, opts: &IngestOptions) -> Result<Dataset> {
    with_hashes(&[path.to_path_buf()], || {
        let mut l = Loader::new(opts);
        l.interactions(path)?;
        Ok(l.finish(false))
    })
}

/// Parse one optional table on its own (used by the fuzz tests).
///
/// # Errors
/// As [`load_folder`].
pub fn load_role_file(path: &Path, role: &str, opts: &IngestOptions) -> Result<Dataset> {
    with_hashes(&[path.to_path_buf()], || {
        let mut l = Loader::new(opts);
        match role {
            "customers" => l.customers(path)?,
            "accounts" => l.accounts(path)?,
            "identities" => l.identities(path)?,
            "transactions" => l.transactions(path)?,
            _ => l.interactions(path)?,
        }
        Ok(l.finish(false))
    })
}

#[cfg(test)]
mod tests {
    use super::{count_distinct, row_hash, InteractionKind};

    /// The platform name hashed word by word gives the hashes of the padded per-chunk copy.
    #[test]
    fn row_hash_platform_words_match_the_padded_chunks() {
        use crate::algo::rng::mix64;
        // The earlier per-chunk copy into a zeroed 8-byte array.
        let reference = |seed: u64, p: &str| {
            let mut h = seed;
            for chunk in p.as_bytes().chunks(8) {
                let mut w = [0u8; 8];
                w[..chunk.len()].copy_from_slice(chunk);
                h = mix64(h ^ u64::from_le_bytes(w));
            }
            h
        };
        let base = row_hash(1, 2, InteractionKind::ALL[0], None, 3, 1.0, None);
        for p in [
            "",
            "x",
            "forum",
            "tiktok",
            "youtube",
            "instagram",
            "linkedin",
            "été-forum-ü",
            "0123456789abcdefg",
        ] {
            let got = row_hash(1, 2, InteractionKind::ALL[0], Some(p), 3, 1.0, None);
            assert_eq!(got, reference(base, p), "{p:?}");
        }
    }

    /// The bucketed count equals a plain sort-and-count, on both sides of the size switch,
    /// with many duplicates spread over all buckets and equal values in one bucket.
    #[test]
    fn count_distinct_matches_sort_and_count() {
        for n in [0usize, 1, 1000, (1 << 16) - 1, 1 << 16, 300_000] {
            let v: Vec<u64> = (0..n as u64)
                .map(|i| crate::algo::rng::mix64(i % 7919 + (i % 3) * 1_000_003))
                .chain((0..n as u64 / 10).map(|i| i << 60))
                .collect();
            let mut s = v.clone();
            s.sort_unstable();
            s.dedup();
            assert_eq!(count_distinct(v), s.len(), "n = {n}");
        }
    }
}
