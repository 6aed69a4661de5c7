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
use std::path::Path;

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
}

impl<'a> Row<'a> {
    /// Trimmed value of wanted column `i`; None when the column is absent or the value empty.
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
        };
        let t = s.trim();
        (!t.is_empty()).then_some(t)
    }

    /// 1-based column number of wanted column `i` (for error messages).
    pub fn col(&self, i: usize) -> u64 {
        match &self.inner {
            RowInner::Rec { map, .. } => map[i].map_or(0, |c| c as u64 + 1),
            RowInner::Json { .. } => i as u64 + 1,
        }
    }

    /// Columns that are not wanted, as (name, value), empty values skipped, in header order
    /// (JSONL: key order).
    pub fn extras(&self) -> Vec<(&'a str, &'a str)> {
        match &self.inner {
            RowInner::Rec { rec, map, header } => header
                .iter()
                .enumerate()
                .filter(|(c, _)| !map.contains(&Some(*c)))
                .filter_map(|(c, name)| {
                    let v = std::str::from_utf8(rec.get(c)?).ok()?.trim();
                    (!v.is_empty()).then_some((name.as_str(), v))
                })
                .collect(),
            RowInner::Json { extras, .. } => extras
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.as_str(), v.trim()))
                .collect(),
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

fn read_delimited(
    r: Box<dyn std::io::BufRead + Send>,
    file: &str,
    delim: u8,
    wanted: &[&[&str]],
    required: &[usize],
    rejects: &mut Vec<RecordError>,
    f: &mut dyn FnMut(&Row<'_>) -> std::result::Result<(), RecordError>,
) -> Result<TableCounts> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        // TSV exports rarely quote; a stray quote must not swallow the rest of the file.
        .quoting(delim != b'\t')
        .buffer_capacity(1 << 20)
        .from_reader(r);
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
    let header: Vec<String> = rec
        .iter()
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
        .collect();
    let map: Vec<Option<usize>> = wanted
        .iter()
        .map(|aliases| header.iter().position(|h| aliases.contains(&h.as_str())))
        .collect();
    for &i in required {
        if map[i].is_none() {
            return Err(missing_column(
                file,
                wanted[i][0],
                &header,
                wanted,
                required,
            ));
        }
    }
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
                    line: e.position().map_or(0, |p| p.line()),
                    column: 0,
                    message: format!("unreadable row ({e})"),
                });
                continue;
            }
        }
        counts.rows += 1;
        let line = rec.position().map_or(0, |p| p.line());
        let reject0 = |column: u64, message: String| RecordError {
            file: file.to_string(),
            line,
            column,
            message,
        };
        if rec.len() != header.len() {
            counts.rejected += 1;
            rejects.push(reject0(
                0,
                format!(
                    "wrong number of columns (got {}, expected {} as in the header)",
                    rec.len(),
                    header.len()
                ),
            ));
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
                format!(
                    "invalid UTF-8 (got {:?}, expected UTF-8 text; bad byte at offset {at})",
                    String::from_utf8_lossy(rec.get(c).unwrap_or_default())
                ),
            ));
            continue;
        }
        let row = Row {
            line,
            inner: RowInner::Rec {
                rec: &rec,
                map: &map,
                header: &header,
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
