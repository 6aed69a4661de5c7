//! A uniform row reader over CSV, TSV and JSONL files (gzip or not).
//!
//! Columns are found by header name (case-insensitive, trimmed). Each data row is handed to a
//! callback as a [`Row`] that answers "the value of wanted column i" without allocating for
//! CSV/TSV (csv's `ByteRecord`). Rows that cannot even be split into fields (wrong column count,
//! non-UTF-8 bytes, invalid JSON) are rejected here; the callback rejects rows with bad values.
//!
//! Line numbers are 1-based physical lines (the header is line 1 for CSV/TSV). Columns are the
//! 1-based position of the field in the header; for JSONL, where keys have no position, a value's
//! column is the 1-based position of its key in the list of columns that file kind accepts
//! (documented in docs/input.md), and 0 means the whole row.

use super::reader;
use crate::error::{Error, RecordError, Result};
use rayon::prelude::*;
use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver};

/// Input syntax of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated with a header row.
    Csv,
    /// Tab-separated with a header row.
    Tsv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// Format from a file name (`.gz` ignored); None when the extension is not a table one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = reader::logical_name(path);
        if name.ends_with(".csv") {
            Some(Format::Csv)
        } else if name.ends_with(".tsv") || name.ends_with(".tab") {
            Some(Format::Tsv)
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Some(Format::Jsonl)
        } else {
            None
        }
    }
}

/// One data row, seen through the list of wanted columns.
pub struct Row<'a> {
    /// 1-based physical line where the row starts.
    pub line: u64,
    inner: RowInner<'a>,
    file: &'a str,
}

enum RowInner<'a> {
    Rec {
        rec: &'a csv::ByteRecord,
        map: &'a [Option<usize>],
        header: &'a [String],
    },
    Json {
        vals: &'a [Option<String>],
        extras: &'a [(String, String)],
    },
    /// One unquoted line split by the block parser: field `c` is `bytes[fields[c].0..fields[c].1]`.
    Line {
        bytes: &'a [u8],
        /// `bytes` as text when the whole line is UTF-8: fields are then sliced out of it
        /// without a second check (they are split at an ASCII delimiter, so every field of a
        /// UTF-8 line is UTF-8).
        text: Option<&'a str>,
        fields: &'a [(usize, usize)],
        map: &'a [Option<usize>],
        header: &'a [String],
    },
}

fn line_field<'a>(bytes: &'a [u8], fields: &[(usize, usize)], c: usize) -> Option<&'a [u8]> {
    let &(a, b) = fields.get(c)?;
    bytes.get(a..b)
}

impl<'a> Row<'a> {
    /// Trimmed value of wanted column `i`; None when the column is absent or the value empty.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let s: &'a str = match &self.inner {
            RowInner::Rec { rec, map, .. } => {
                let b = rec.get(map[i]?)?;
                // The whole record was checked to be UTF-8; a field could only fail if a
                // multi-byte character straddled a delimiter, which the check below catches
                // by returning a value that no parser accepts.
                std::str::from_utf8(b).unwrap_or("\u{FFFD}")
            }
            RowInner::Json { vals, .. } => vals[i].as_deref()?,
            RowInner::Line {
                bytes,
                text,
                fields,
                map,
                ..
            } => {
                let c = map[i]?;
                match text {
                    Some(t) => {
                        let &(a, b) = fields.get(c)?;
                        t.get(a..b).unwrap_or("\u{FFFD}")
                    }
                    None => {
                        std::str::from_utf8(line_field(bytes, fields, c)?).unwrap_or("\u{FFFD}")
                    }
                }
            }
        };
        // Most values have no surrounding space: skip the trim when both end bytes are ASCII
        // and not whitespace (an ASCII end byte is a whole character; only ' ' and
        // '\t'..='\r' are whitespace among ASCII characters, as for `char::is_whitespace`).
        let b = s.as_bytes();
        let solid = |c: u8| c.is_ascii() && c != b' ' && !(b'\t'..=b'\r').contains(&c);
        if let (Some(&x), Some(&y)) = (b.first(), b.last()) {
            if solid(x) && solid(y) {
                return Some(s);
            }
        }
        let t = s.trim();
        (!t.is_empty()).then_some(t)
    }

    /// 1-based column number of wanted column `i` (for error messages).
    pub fn col(&self, i: usize) -> u64 {
        match &self.inner {
            RowInner::Rec { map, .. } | RowInner::Line { map, .. } => {
                map[i].map_or(0, |c| c as u64 + 1)
            }
            RowInner::Json { .. } => i as u64 + 1,
        }
    }

    /// Columns that are not wanted, as (name, value), empty values skipped, in header order
    /// (JSONL: key order).
    pub fn extras(&self) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        self.each_extra(|k, v| out.push((k, v)));
        out
    }

    /// [`Row::extras`] one by one, without collecting them (no allocation per row).
    pub fn each_extra(&self, mut f: impl FnMut(&'a str, &'a str)) {
        match &self.inner {
            RowInner::Rec { rec, map, header } => {
                for (c, name) in header.iter().enumerate() {
                    if map.contains(&Some(c)) {
                        continue;
                    }
                    let Some(v) = rec.get(c).and_then(|b| std::str::from_utf8(b).ok()) else {
                        continue;
                    };
                    let v = v.trim();
                    if !v.is_empty() {
                        f(name.as_str(), v);
                    }
                }
            }
            RowInner::Line {
                bytes,
                fields,
                map,
                header,
                ..
            } => {
                for (c, name) in header.iter().enumerate() {
                    if map.contains(&Some(c)) {
                        continue;
                    }
                    let Some(v) =
                        line_field(bytes, fields, c).and_then(|b| std::str::from_utf8(b).ok())
                    else {
                        continue;
                    };
                    let v = v.trim();
                    if !v.is_empty() {
                        f(name.as_str(), v);
                    }
                }
            }
            RowInner::Json { extras, .. } => {
                for (k, v) in extras.iter() {
                    let v = v.trim();
                    if !v.is_empty() {
                        f(k.as_str(), v);
                    }
                }
            }
        }
    }

    /// A reject for this row at wanted column `i` (`None` = whole row).
    pub fn reject(&self, i: Option<usize>, message: String) -> RecordError {
        RecordError {
            file: self.file.to_string(),
            line: self.line,
            column: i.map_or(0, |i| self.col(i)),
            message,
        }
    }
}

/// Counts of one table read.
#[derive(Debug, Default, Clone, Copy)]
pub struct TableCounts {
    /// Data rows seen.
    pub rows: u64,
    /// Rows rejected (by the reader or the callback).
    pub rejected: u64,
}

/// Read every row of a table file. `wanted` are the column names the caller understands (first
/// name of each alias list is canonical), `required` the indices of wanted columns that must be
/// present in the header. The callback returns `Err(reject)` for a bad row.
///
/// # Errors
/// I/O errors, and a header that lacks a required column (a `RecordError` at line 1).
pub fn read_table(
    path: &Path,
    wanted: &[&[&str]],
    required: &[usize],
    rejects: &mut Vec<RecordError>,
    mut f: impl FnMut(&Row<'_>) -> std::result::Result<(), RecordError>,
) -> Result<TableCounts> {
    let file = path.display().to_string();
    let format = Format::from_path(path).unwrap_or(Format::Csv);
    let r = reader::open(path)?;
    match format {
        Format::Csv | Format::Tsv => read_delimited(
            r,
            &file,
            if format == Format::Tsv { b'\t' } else { b',' },
            wanted,
            required,
            rejects,
            &mut f,
        ),
        Format::Jsonl => read_jsonl(r, &file, path, wanted, required, rejects, &mut f),
    }
}

fn csv_err(file: &str, e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::io(
            "reading",
            file,
            std::io::Error::new(io.kind(), io.to_string()),
        ),
        _ => Error::Input(format!("{file}: {e}")),
    }
}

fn missing_column(
    file: &str,
    name: &str,
    got: &[String],
    expected: &[&[&str]],
    required: &[usize],
) -> Error {
    let req: Vec<&str> = required.iter().map(|&i| expected[i][0]).collect();
    let opt: Vec<&str> = (0..expected.len())
        .filter(|i| !required.contains(i))
        .map(|i| expected[i][0])
        .collect();
    Error::Record(RecordError {
        file: file.to_string(),
        line: 1,
        column: 0,
        message: format!(
            "missing required column {name:?} in the header (got {:?}, expected columns {}{}{})",
            got.join(","),
            req.join(", "),
            if opt.is_empty() { "" } else { "; optional: " },
            opt.join(", ")
        ),
    })
}

fn csv_reader<R: std::io::Read>(r: R, delim: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        // TSV exports rarely quote; a stray quote must not swallow the rest of the file.
        .quoting(delim != b'\t')
        .buffer_capacity(1 << 20)
        .from_reader(r)
}

fn read_delimited(
    r: Box<dyn std::io::BufRead + Send>,
    file: &str,
    delim: u8,
    wanted: &[&[&str]],
    required: &[usize],
    rejects: &mut Vec<RecordError>,
    f: &mut dyn FnMut(&Row<'_>) -> std::result::Result<(), RecordError>,
) -> Result<TableCounts> {
    let mut rdr = csv_reader(r, delim);
    let mut counts = TableCounts::default();
    let mut rec = csv::ByteRecord::new();
    // Header.
    let has = rdr
        .read_byte_record(&mut rec)
        .map_err(|e| csv_err(file, &e))?;
    if !has {
        // Empty file: still check the header requirement so a truncated export is noticed.
        if let Some(&i) = required.first() {
            return Err(missing_column(file, wanted[i][0], &[], wanted, required));
        }
        return Ok(counts);
    }
    let header = header_names(rec.iter());
    let map = header_map(&header, wanted);
    check_required(file, &header, &map, wanted, required)?;
    read_records(&mut rdr, file, &header, &map, 0, &mut counts, rejects, f)?;
    Ok(counts)
}

/// Header names as matched: trimmed, lower-cased, a UTF-8 byte-order mark dropped.
fn header_names<'b>(fields: impl Iterator<Item = &'b [u8]>) -> Vec<String> {
    fields
        .enumerate()
        .map(|(i, b)| {
            let s = String::from_utf8_lossy(b);
            let s = if i == 0 {
                s.trim_start_matches('\u{feff}').to_string()
            } else {
                s.to_string()
            };
            s.trim().to_ascii_lowercase()
        })
        .collect()
}

fn header_map(header: &[String], wanted: &[&[&str]]) -> Vec<Option<usize>> {
    wanted
        .iter()
        .map(|aliases| header.iter().position(|h| aliases.contains(&h.as_str())))
        .collect()
}

fn check_required(
    file: &str,
    header: &[String],
    map: &[Option<usize>],
    wanted: &[&[&str]],
    required: &[usize],
) -> Result<()> {
    for &i in required {
        if map[i].is_none() {
            return Err(missing_column(file, wanted[i][0], header, wanted, required));
        }
    }
    Ok(())
}

fn wrong_columns(got: usize, expected: usize) -> String {
    format!("wrong number of columns (got {got}, expected {expected} as in the header)")
}

fn bad_utf8(field: &[u8], at: usize) -> String {
    format!(
        "invalid UTF-8 (got {:?}, expected UTF-8 text; bad byte at offset {at})",
        String::from_utf8_lossy(field)
    )
}

/// The data records of a delimited file after its header; `line0` is added to the reader's
/// line numbers (lines consumed before this reader started).
#[allow(clippy::too_many_arguments)]
fn read_records<R: std::io::Read>(
    rdr: &mut csv::Reader<R>,
    file: &str,
    header: &[String],
    map: &[Option<usize>],
    line0: u64,
    counts: &mut TableCounts,
    rejects: &mut Vec<RecordError>,
    f: &mut dyn FnMut(&Row<'_>) -> std::result::Result<(), RecordError>,
) -> Result<()> {
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(csv_err(file, &e));
                }
                counts.rows += 1;
                counts.rejected += 1;
                rejects.push(RecordError {
                    file: file.to_string(),
                    line: e.position().map_or(0, |p| p.line() + line0),
                    column: 0,
                    message: format!("unreadable row ({e})"),
                });
                continue;
            }
        }
        counts.rows += 1;
        let line = rec.position().map_or(0, |p| p.line() + line0);
        let reject0 = |column: u64, message: String| RecordError {
            file: file.to_string(),
            line,
            column,
            message,
        };
        if rec.len() != header.len() {
            counts.rejected += 1;
            rejects.push(reject0(0, wrong_columns(rec.len(), header.len())));
            continue;
        }
        if std::str::from_utf8(rec.as_slice()).is_err() {
            let (c, at) = rec
                .iter()
                .enumerate()
                .find_map(|(c, b)| std::str::from_utf8(b).err().map(|e| (c, e.valid_up_to())))
                .unwrap_or((0, 0));
            counts.rejected += 1;
            rejects.push(reject0(
                c as u64 + 1,
                bad_utf8(rec.get(c).unwrap_or_default(), at),
            ));
            continue;
        }
        let row = Row {
            line,
            inner: RowInner::Rec {
                rec: &rec,
                map,
                header,
            },
            file,
        };
        if let Err(e) = f(&row) {
            counts.rejected += 1;
            rejects.push(e);
        }
    }
    Ok(())
}

fn read_jsonl(
    mut r: Box<dyn std::io::BufRead + Send>,
    file: &str,
    path: &Path,
    wanted: &[&[&str]],
    required: &[usize],
    rejects: &mut Vec<RecordError>,
    f: &mut dyn FnMut(&Row<'_>) -> std::result::Result<(), RecordError>,
) -> Result<TableCounts> {
    let mut counts = TableCounts::default();
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut vals: Vec<Option<String>> = vec![None; wanted.len()];
    let mut extras: Vec<(String, String)> = Vec::new();
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io("reading", path, e))?;
        if n == 0 {
            break;
        }
        line += 1;
        let reject0 = |column: u64, message: String| RecordError {
            file: file.to_string(),
            line,
            column,
            message,
        };
        let s = match std::str::from_utf8(&buf) {
            Ok(s) => s,
            Err(e) => {
                counts.rows += 1;
                counts.rejected += 1;
                rejects.push(reject0(
                    0,
                    format!(
                        "invalid UTF-8 (got {:?}, expected UTF-8 text; bad byte at offset {})",
                        String::from_utf8_lossy(&buf).trim(),
                        e.valid_up_to()
                    ),
                ));
                continue;
            }
        };
        let t = s.trim();
        if t.is_empty() {
            continue;
        }
        counts.rows += 1;
        let obj = match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => {
                counts.rejected += 1;
                rejects.push(reject0(
                    0,
                    format!(
                        "not a JSON object (got {:?}, expected one {{...}} object per line)",
                        shorten(t)
                    ),
                ));
                continue;
            }
            Err(e) => {
                counts.rejected += 1;
                rejects.push(reject0(
                    0,
                    format!(
                        "invalid JSON (got {:?}, expected one JSON object per line: {e})",
                        shorten(t)
                    ),
                ));
                continue;
            }
        };
        for v in vals.iter_mut() {
            *v = None;
        }
        extras.clear();
        for (k, v) in &obj {
            let key = k.trim().to_ascii_lowercase();
            let text = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match wanted.iter().position(|a| a.contains(&key.as_str())) {
                Some(i) => vals[i] = Some(text),
                None => extras.push((key, text)),
            }
        }
        if let Some(&i) = required.iter().find(|&&i| vals[i].is_none()) {
            counts.rejected += 1;
            rejects.push(reject0(
                i as u64 + 1,
                format!(
                    "missing required field {:?} (got {:?}, expected a non-empty value)",
                    wanted[i][0],
                    shorten(t)
                ),
            ));
            continue;
        }
        let row = Row {
            line,
            inner: RowInner::Json {
                vals: &vals,
                extras: &extras,
            },
            file,
        };
        if let Err(e) = f(&row) {
            counts.rejected += 1;
            rejects.push(e);
        }
    }
    Ok(counts)
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        let t: String = s.chars().take(77).collect();
        format!("{t}...")
    } else {
        s.to_string()
    }
}

/// Default bytes per parallel parse block.
pub const PAR_BLOCK: usize = 1 << 20;
/// Default bytes per batch handed from the reader thread (a multiple of blocks). Small enough
/// that the merge of one batch, which overlaps the parse of the next, leaves little unoverlapped
/// work at the end of a file, and that the recycled batch buffers stay few and warm (16 MiB
/// batches measured ~9 % more page faults and a higher peak on the 10M folder).
pub const PAR_BATCH: usize = 4 << 20;
/// Rows per state flush on the sequential fallback path (bounds its buffers).
const SEQ_FLUSH: u64 = 1 << 18;

/// Read every row of a table file in parallel blocks.
///
/// CSV/TSV data lines are parsed by rayon in blocks of about [`PAR_BLOCK`] bytes that start at
/// line starts; each block gets its own state from `new_state`, runs `row_fn` on its rows in
/// order, and `merge` receives the states in file order together with the block's rejects
/// (reader rejects and `row_fn` errors, in line order). A reader thread reads (and gunzips) the
/// next batch while the current one is parsed, and the blocks of one batch are merged (on one
/// thread, in order) while the next batch is parsed, so `merge` must be `Send`.
///
/// The block parser handles the plain layout only: a line that holds a `"` (CSV), a `\r`, or
/// an empty line sends that block and everything after it to the sequential `csv` reader (a
/// quoted field may hold a newline, so no later line start can be trusted); JSONL is read
/// sequentially. Either way rows, line numbers, rejects and their messages are exactly those of
/// [`read_table`], and states still reach `merge` in order (every [`SEQ_FLUSH`] rows).
///
/// # Errors
/// As [`read_table`].
pub fn read_table_par<S: Send>(
    path: &Path,
    wanted: &[&[&str]],
    required: &[usize],
    new_state: impl Fn() -> S + Sync,
    row_fn: impl Fn(&mut S, &Row<'_>) -> std::result::Result<(), RecordError> + Sync,
    merge: impl FnMut(S, Vec<RecordError>) + Send,
) -> Result<TableCounts> {
    read_table_par_sized(
        path, wanted, required, PAR_BLOCK, PAR_BATCH, new_state, row_fn, merge,
    )
}

/// [`read_table_par`] with explicit block and batch sizes (tests use tiny ones so that every
/// boundary case is crossed).
///
/// # Errors
/// As [`read_table`].
#[allow(clippy::too_many_arguments)]
pub fn read_table_par_sized<S: Send>(
    path: &Path,
    wanted: &[&[&str]],
    required: &[usize],
    block: usize,
    batch: usize,
    new_state: impl Fn() -> S + Sync,
    row_fn: impl Fn(&mut S, &Row<'_>) -> std::result::Result<(), RecordError> + Sync,
    merge: impl FnMut(S, Vec<RecordError>) + Send,
) -> Result<TableCounts> {
    read_table_par_fin(
        path,
        wanted,
        required,
        block,
        batch,
        new_state,
        row_fn,
        |_: &mut S, _: &mut Vec<RecordError>| {},
        merge,
    )
}

/// [`read_table_par_sized`] with a `finish` step run on every state before it is merged (in
/// parallel for blocks): a block can buffer its rows in `row_fn` and process them together
/// in `finish` (e.g. batched id lookups), appending rejects for its own rows (the caller puts
/// rejects back in line order).
///
/// # Errors
/// As [`read_table`].
#[allow(clippy::too_many_arguments)]
pub fn read_table_par_fin<S: Send, M: FnMut(S, Vec<RecordError>) + Send>(
    path: &Path,
    wanted: &[&[&str]],
    required: &[usize],
    block: usize,
    batch: usize,
    new_state: impl Fn() -> S + Sync,
    row_fn: impl Fn(&mut S, &Row<'_>) -> std::result::Result<(), RecordError> + Sync,
    finish: impl Fn(&mut S, &mut Vec<RecordError>) + Sync,
    mut merge: M,
) -> Result<TableCounts> {
    let file = path.display().to_string();
    let format = Format::from_path(path).unwrap_or(Format::Csv);
    let mut r = reader::open(path)?;
    // Sequential path for a whole reader: one state, flushed every SEQ_FLUSH rows.
    let sequential = |r: Box<dyn BufRead + Send>,
                      merge: &mut dyn FnMut(S, Vec<RecordError>)|
     -> Result<TableCounts> {
        let mut st = new_state();
        let mut rej = Vec::new();
        let mut n = 0u64;
        let mut f = |row: &Row<'_>| {
            let res = row_fn(&mut st, row);
            n += 1;
            if n % SEQ_FLUSH == 0 {
                let mut full = std::mem::replace(&mut st, new_state());
                let mut rj = Vec::new();
                finish(&mut full, &mut rj);
                merge(full, rj);
            }
            res
        };
        let c = match format {
            Format::Jsonl => read_jsonl(r, &file, path, wanted, required, &mut rej, &mut f)?,
            Format::Csv | Format::Tsv => read_delimited(
                r,
                &file,
                if format == Format::Tsv { b'\t' } else { b',' },
                wanted,
                required,
                &mut rej,
                &mut f,
            )?,
        };
        finish(&mut st, &mut rej);
        merge(st, rej);
        Ok(c)
    };
    if format == Format::Jsonl {
        return sequential(r, &mut merge);
    }
    let delim = if format == Format::Tsv { b'\t' } else { b',' };
    let quoting = delim != b'\t';
    let mut first = Vec::new();
    r.read_until(b'\n', &mut first)
        .map_err(|e| Error::io("reading", path, e))?;
    let head = first.strip_suffix(b"\n").unwrap_or(&first);
    if head.is_empty() || head.iter().any(|&c| c == b'\r' || (quoting && c == b'"')) {
        // Empty file, leading empty line or a quoted/CR header: the csv reader decides.
        let chained = std::io::Cursor::new(first).chain(r);
        return sequential(Box::new(std::io::BufReader::new(chained)), &mut merge);
    }
    let header = header_names(head.split(|&c| c == delim));
    let map = header_map(&header, wanted);
    check_required(&file, &header, &map, wanted, required)?;
    let ctx = BlockCtx {
        file: &file,
        delim,
        quoting,
        header: &header,
        map: &map,
    };
    let batch = batch.max(1);
    let block = block.max(1);
    std::thread::scope(|sc| -> Result<TableCounts> {
        let (tx, rx) = sync_channel::<std::io::Result<Vec<u8>>>(1);
        // Parsed batches go back to the reader thread to be filled again: a fresh batch
        // buffer per batch cost a page fault and a zeroed page every 4 KiB.
        let (spent_tx, spent_rx) = channel::<Vec<u8>>();
        sc.spawn(move || read_batches(r, batch, &tx, &spent_rx));
        let mut counts = TableCounts::default();
        // Lines consumed before the current batch (the header is line 1).
        let mut line0 = 1u64;
        // Parsed blocks of the previous batch, merged (in order, on one thread) while the
        // next batch is parsed: the merge of a big table (node creation, handle tables) was
        // sequential work that left the other core idle.
        let mut pending: Vec<BlockOut<S>> = Vec::new();
        let merge_all = |pending: &mut Vec<BlockOut<S>>, merge: &mut M| {
            for o in pending.drain(..) {
                merge(o.state, o.rejects);
            }
        };
        while let Ok(buf) = rx.recv() {
            let buf = buf.map_err(|e| Error::io("reading", path, e))?;
            let blocks = split_blocks(&buf, block);
            let newlines: Vec<u64> = blocks
                .par_iter()
                .map(|&(a, b)| count_newlines(&buf[a..b]))
                .collect();
            let mut starts = Vec::with_capacity(blocks.len());
            let mut l = line0;
            for n in &newlines {
                starts.push(l + 1);
                l += n;
            }
            let parse = || -> Vec<Option<BlockOut<S>>> {
                blocks
                    .par_iter()
                    .zip(starts.par_iter())
                    .map(|(&(a, b), &start)| {
                        let mut o = parse_block(&ctx, &buf[a..b], start, &new_state, &row_fn)?;
                        finish(&mut o.state, &mut o.rejects);
                        Some(o)
                    })
                    .collect()
            };
            let outs = if pending.is_empty() {
                parse()
            } else {
                rayon::join(parse, || merge_all(&mut pending, &mut merge)).0
            };
            for (i, out) in outs.into_iter().enumerate() {
                match out {
                    Some(o) => {
                        counts.rows += o.rows;
                        counts.rejected += o.rejected;
                        pending.push(o);
                        line0 += newlines[i];
                    }
                    None => {
                        // Everything before this block first, in order.
                        merge_all(&mut pending, &mut merge);
                        // From this block on, the csv reader (same line numbering).
                        let rest = ChannelReader {
                            cur: buf[blocks[i].0..].to_vec(),
                            pos: 0,
                            rx: &rx,
                        };
                        let mut rdr = csv_reader(rest, delim);
                        let mut st = new_state();
                        let mut rej = Vec::new();
                        let mut n = 0u64;
                        let mut f = |row: &Row<'_>| {
                            let res = row_fn(&mut st, row);
                            n += 1;
                            if n % SEQ_FLUSH == 0 {
                                let mut full = std::mem::replace(&mut st, new_state());
                                let mut rj = Vec::new();
                                finish(&mut full, &mut rj);
                                merge(full, rj);
                            }
                            res
                        };
                        read_records(
                            &mut rdr,
                            &file,
                            &header,
                            &map,
                            line0,
                            &mut counts,
                            &mut rej,
                            &mut f,
                        )?;
                        finish(&mut st, &mut rej);
                        merge(st, rej);
                        return Ok(counts);
                    }
                }
            }
            // The reader may have finished (then the buffer is simply dropped).
            let _ = spent_tx.send(buf);
        }
        merge_all(&mut pending, &mut merge);
        Ok(counts)
    })
}

/// What the block parser needs to know about the file.
struct BlockCtx<'a> {
    file: &'a str,
    delim: u8,
    quoting: bool,
    header: &'a [String],
    map: &'a [Option<usize>],
}

struct BlockOut<S> {
    state: S,
    rejects: Vec<RecordError>,
    rows: u64,
    rejected: u64,
}

/// Parse one block of whole lines starting at physical line `line`; None when the block needs
/// the csv reader (a quote, a CR or an empty line).
fn parse_block<S>(
    ctx: &BlockCtx<'_>,
    bytes: &[u8],
    mut line: u64,
    new_state: &impl Fn() -> S,
    row_fn: &impl Fn(&mut S, &Row<'_>) -> std::result::Result<(), RecordError>,
) -> Option<BlockOut<S>> {
    let mut out = BlockOut {
        state: new_state(),
        rejects: Vec::new(),
        rows: 0,
        rejected: 0,
    };
    // A '\r' (or, when quoting, a '"') anywhere sends the whole block to the csv reader:
    // checked once for the block (a vectorised scan) instead of per byte while splitting.
    let special = if ctx.quoting {
        memchr::memchr2(b'\r', b'"', bytes)
    } else {
        memchr::memchr(b'\r', bytes)
    };
    if special.is_some() {
        return None;
    }
    // UTF-8 checked once for the block: lines end at an ASCII '\n', so every line of a
    // valid block is valid. An invalid block is checked line by line as before.
    let block_text = std::str::from_utf8(bytes).ok();
    let mut fields: Vec<(usize, usize)> = Vec::with_capacity(ctx.header.len() + 1);
    let mut joined = Vec::new();
    let mut pos = 0;
    // Delimiters and line ends in one vectorised pass over the block.
    let mut hits = memchr::memchr2_iter(ctx.delim, b'\n', bytes);
    while pos < bytes.len() {
        // One line: split at delimiters, stop at '\n'.
        fields.clear();
        let start = pos;
        let mut a = pos;
        let mut end = bytes.len();
        for h in hits.by_ref() {
            if bytes[h] == b'\n' {
                end = h;
                break;
            }
            fields.push((a - start, h - start));
            a = h + 1;
        }
        if end == start {
            // csv skips empty lines but numbers the next record from the first of them.
            return None;
        }
        fields.push((a - start, end - start));
        pos = end + 1;
        let text = &bytes[start..end];
        out.rows += 1;
        let reject0 = |column: u64, message: String| RecordError {
            file: ctx.file.to_string(),
            line,
            column,
            message,
        };
        if fields.len() != ctx.header.len() {
            out.rejected += 1;
            out.rejects
                .push(reject0(0, wrong_columns(fields.len(), ctx.header.len())));
            line += 1;
            continue;
        }
        let valid = match block_text {
            Some(t) => t.get(start..end),
            None => std::str::from_utf8(text).ok(),
        };
        if valid.is_none() {
            // As the csv path: the fields' bytes joined without delimiters must be UTF-8.
            joined.clear();
            for &(x, y) in &fields {
                joined.extend_from_slice(&text[x..y]);
            }
            if std::str::from_utf8(&joined).is_err() {
                let (c, at) = fields
                    .iter()
                    .enumerate()
                    .find_map(|(c, &(x, y))| {
                        std::str::from_utf8(&text[x..y])
                            .err()
                            .map(|e| (c, e.valid_up_to()))
                    })
                    .unwrap_or((0, 0));
                let (x, y) = fields[c];
                out.rejected += 1;
                out.rejects
                    .push(reject0(c as u64 + 1, bad_utf8(&text[x..y], at)));
                line += 1;
                continue;
            }
        }
        let row = Row {
            line,
            inner: RowInner::Line {
                bytes: text,
                text: valid,
                fields: &fields,
                map: ctx.map,
                header: ctx.header,
            },
            file: ctx.file,
        };
        if let Err(e) = row_fn(&mut out.state, &row) {
            out.rejected += 1;
            out.rejects.push(e);
        }
        line += 1;
    }
    Some(out)
}

/// Number of '\n' bytes in `b`, eight bytes at a time: a byte of `w ^ 0x0a…` is zero
/// exactly where `w` holds a '\n', and the zero test below sets that byte's high bit without
/// carries between bytes. The plain `filter().count()` compiled to 4 bytes per step (~2 % of
/// the load's samples for a pass that only numbers the lines of a batch's blocks); this is
/// ~2.3× faster.
fn count_newlines(b: &[u8]) -> u64 {
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const LO8: u64 = 0x00ff_00ff_00ff_00ff;
    let mut n = 0u64;
    // 255 words at most per flush: a byte lane of `acc` adds at most 1 per word.
    let mut spans = b.chunks_exact(8 * 255);
    for span in &mut spans {
        let mut acc = 0u64;
        for w in span.chunks_exact(8) {
            let t = u64::from_le_bytes(w.try_into().unwrap_or_default()) ^ NL;
            acc += (!(((t & LO7) + LO7) | t) & !LO7) >> 7;
        }
        // Byte lanes into 16-bit lanes (at most 510 each), then their sum in the top lane.
        let pairs = (acc & LO8) + ((acc >> 8) & LO8);
        n += pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48;
    }
    n + spans.remainder().iter().filter(|&&c| c == b'\n').count() as u64
}

/// Block bounds of about `block` bytes, each ending just after a '\n' (or at the end).
fn split_blocks(buf: &[u8], block: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(buf.len() / block + 1);
    let mut a = 0;
    while a < buf.len() {
        let want = (a + block).min(buf.len());
        let b = match buf[want - 1..].iter().position(|&c| c == b'\n') {
            Some(i) => want + i,
            None => buf.len(),
        };
        out.push((a, b));
        a = b;
    }
    out
}

/// Reader thread: batches of about `batch` bytes that end after a '\n' (the last one may not).
fn read_batches(
    mut r: Box<dyn BufRead + Send>,
    batch: usize,
    tx: &std::sync::mpsc::SyncSender<std::io::Result<Vec<u8>>>,
    spent: &Receiver<Vec<u8>>,
) {
    let mut carry: Vec<u8> = Vec::new();
    loop {
        // Refill a buffer the parser is done with when one is back, starting with the carried
        // partial line; a carry that is itself a whole batch (one very long line) is kept
        // as the buffer instead of being copied again.
        let mut buf = match spent.try_recv() {
            Ok(mut b) if carry.capacity() < batch => {
                b.clear();
                b.extend_from_slice(&carry);
                carry.clear();
                b
            }
            _ => std::mem::take(&mut carry),
        };
        // `batch` new bytes after the carried partial line (which may itself be long).
        let target = buf.len() + batch;
        buf.reserve(batch + (1 << 16));
        let mut eof = false;
        while buf.len() < target {
            let want = (target - buf.len()) as u64;
            match r.by_ref().take(want).read_to_end(&mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        if eof {
            if !buf.is_empty() {
                let _ = tx.send(Ok(buf));
            }
            return;
        }
        match buf.iter().rposition(|&c| c == b'\n') {
            Some(i) => {
                carry.clear();
                carry.extend_from_slice(&buf[i + 1..]);
                buf.truncate(i + 1);
                if tx.send(Ok(buf)).is_err() {
                    return;
                }
            }
            // One line longer than a batch: keep reading it.
            None => carry = buf,
        }
    }
}

/// The rest of the batches as one byte stream (for the sequential fallback).
struct ChannelReader<'a> {
    cur: Vec<u8>,
    pos: usize,
    rx: &'a Receiver<std::io::Result<Vec<u8>>>,
}

impl Read for ChannelReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(Ok(b)) => {
                    self.cur = b;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.cur.len() - self.pos);
        out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_newlines_matches_a_plain_count() {
        let mut z = 7u64;
        let mut b = Vec::new();
        for len in [0usize, 1, 7, 8, 9, 2039, 2040, 2041, 20_000, 65_537] {
            b.clear();
            for _ in 0..len {
                z = crate::algo::rng::mix64(z);
                // Dense and sparse newlines, and runs of them (a lane near its 255 limit).
                b.push(match z % 8 {
                    0..=2 => b'\n',
                    3 => 0xff,
                    _ => b'a' + (z % 26) as u8,
                });
            }
            let want = b.iter().filter(|&&c| c == b'\n').count() as u64;
            assert_eq!(count_newlines(&b), want, "len {len}");
            let all = vec![b'\n'; len];
            assert_eq!(count_newlines(&all), len as u64, "all, len {len}");
        }
    }

    #[test]
    fn get_trims_exactly_like_str_trim() {
        // The fast path skips `trim` when both end bytes are ASCII non-whitespace; every other
        // value (ASCII or Unicode whitespace at an end, non-ASCII ends) goes through `trim`.
        let values = [
            "c1",
            " c1",
            "c1 ",
            "\tc1\r",
            "\u{b}c1\u{c}",
            "\u{a0}c1",
            "c1\u{2003}",
            "\u{85}c1",
            "é",
            "ée",
            "\u{1c}c1\u{1f}",
            "a b",
            "",
            " ",
            "\u{a0}",
            "\u{3000} \u{3000}",
            "x",
        ];
        let header: Vec<String> = vec!["v".into()];
        let map = [Some(0)];
        for v in values {
            let fields = [(0, v.len())];
            let row = Row {
                line: 1,
                inner: RowInner::Line {
                    bytes: v.as_bytes(),
                    text: Some(v),
                    fields: &fields,
                    map: &map,
                    header: &header,
                },
                file: "f",
            };
            let want = Some(v.trim()).filter(|t| !t.is_empty());
            assert_eq!(row.get(0), want, "{v:?}");
        }
    }
}
