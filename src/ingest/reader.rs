//! Opening files: transparent gzip, hashing, format detection.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Open a file for buffered reading, gunzipping `.gz` files transparently.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let f = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(BufReader::new(f)),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 20, f))
    })
}

/// File name without a trailing `.gz`, lower-cased.
pub fn logical_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.strip_suffix(".gz").map(str::to_string).unwrap_or(name)
}

/// SHA-256 of a file's raw bytes, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|e| Error::io("hashing", path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::io("hashing", path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// An edge list: extension `.txt`, `.el`, `.edges`, `.edgelist`, `.tsv` whose first data line is
/// two or three whitespace-separated fields and whose header (if any) is a comment.
pub fn looks_like_edge_list(path: &Path) -> Result<bool> {
    let name = logical_name(path);
    if name.ends_with(".jsonl") || name.ends_with(".json") || name.ends_with(".csv") {
        return Ok(false);
    }
    let mut r = open(path)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("reading", path, e))?;
        if n == 0 {
            return Ok(true);
        }
        let s = String::from_utf8_lossy(&line);
        let t = s.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
            continue;
        }
        let fields: Vec<&str> = t.split_whitespace().collect();
        // An interactions TSV has a header naming its columns (source, target, kind ...).
        if fields
            .iter()
            .any(|f| f.eq_ignore_ascii_case("source") || f.eq_ignore_ascii_case("kind"))
        {
            return Ok(false);
        }
        return Ok(fields.len() == 2 || fields.len() == 3);
    }
}
