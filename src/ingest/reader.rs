//! Opening files: transparent gzip, hashing, format detection.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Open a file for buffered reading, gunzipping `.gz` files transparently.
///
/// While a [`HashTap`] is active on the calling thread, the raw bytes read from the file
/// (before gunzip) are also fed to a SHA-256 of the file's prefix read so far: the loader
/// gets its input hashes without reading every file a second time.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let f = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let prefix = TAP.with(|t| {
        t.borrow_mut().as_mut().map(|taps| {
            let p = Arc::new(Mutex::new(Prefix::default()));
            taps.push((path.to_path_buf(), Arc::clone(&p)));
            p
        })
    });
    let raw: Box<dyn Read + Send> = match prefix {
        Some(state) => Box::new(HashingRead { inner: f, state }),
        None => Box::new(f),
    };
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(BufReader::new(raw)),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 20, raw))
    })
}

/// SHA-256 state of the first `len` bytes of a file.
#[derive(Default)]
struct Prefix {
    sha: Sha256,
    len: u64,
}

/// A file reader that hashes every byte it returns (always a prefix of the file: it wraps
/// the `File` from offset 0 and is only ever read forward).
struct HashingRead {
    inner: File,
    state: Arc<Mutex<Prefix>>,
}

impl Read for HashingRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            // A poisoned lock still holds a consistent state (`update` + `len` never panic).
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            s.sha.update(&buf[..n]);
            s.len += n as u64;
        }
        Ok(n)
    }
}

type Taps = Vec<(PathBuf, Arc<Mutex<Prefix>>)>;

thread_local! {
    /// Files opened by [`open`] on this thread while a [`HashTap`] is active.
    static TAP: RefCell<Option<Taps>> = const { RefCell::new(None) };
}

/// Collects the SHA-256 of the files [`open`]ed on the current thread while it lives, from the
/// bytes the readers read anyway (the loader used to re-read every input on a separate
/// thread: that read's kernel copy was ~8 % of a 10M-row folder load's CPU samples).
/// Files opened on other threads are simply not tapped: [`HashTap::sha256`] then hashes them
/// in full, so the digests never depend on who read what.
pub struct HashTap {
    prev: Option<Taps>,
}

impl HashTap {
    /// Start tapping [`open`] on this thread.
    pub fn start() -> Self {
        let prev = TAP.with(|t| t.borrow_mut().replace(Vec::new()));
        Self { prev }
    }

    /// Stop tapping; return the SHA-256 (hex) of each of `paths`: the longest prefix hashed
    /// while tapping, completed from the file itself (usually nothing is left to read).
    ///
    /// # Errors
    /// I/O errors while reading the unread rest of a file.
    pub fn sha256(mut self, paths: &[PathBuf]) -> Result<Vec<String>> {
        let taps = self.take();
        paths
            .iter()
            .map(|p| {
                let best = taps
                    .iter()
                    .filter(|(q, _)| q == p)
                    .map(|(_, s)| {
                        std::mem::take(&mut *s.lock().unwrap_or_else(PoisonError::into_inner))
                    })
                    .max_by_key(|s| s.len)
                    .unwrap_or_default();
                finish_sha256(p, best)
            })
            .collect()
    }

    fn take(&mut self) -> Taps {
        TAP.with(|t| std::mem::replace(&mut *t.borrow_mut(), self.prev.take()))
            .unwrap_or_default()
    }
}

impl Drop for HashTap {
    fn drop(&mut self) {
        // Restore the previous tap (also on an early return or a panic in the loader).
        let _ = self.take();
    }
}

/// Complete a prefix hash with the rest of the file.
fn finish_sha256(path: &Path, pre: Prefix) -> Result<String> {
    let Prefix { sha: mut h, len } = pre;
    let mut f = File::open(path).map_err(|e| Error::io("hashing", path, e))?;
    if len > 0 {
        f.seek(SeekFrom::Start(len))
            .map_err(|e| Error::io("hashing", path, e))?;
    }
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
    finish_sha256(path, Prefix::default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn full(path: &Path) -> String {
        format!("{:x}", Sha256::digest(std::fs::read(path).expect("read")))
    }

    #[test]
    fn tapped_prefixes_complete_to_the_whole_file_hash() {
        let d = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            d.path().join("a.csv"),
            d.path().join("b.csv"),
            d.path().join("c.csv"),
        );
        let text: String = (0..200_000).map(|i| format!("{i},x{i}\n")).collect();
        for p in [&a, &b, &c] {
            std::fs::File::create(p)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .expect("write");
        }
        let tap = HashTap::start();
        // a: read to the end; b: opened twice, the longer prefix is 1 line (completed from
        // the file); c: opened on another thread (not tapped, hashed in full).
        let mut s = String::new();
        open(&a).expect("a").read_to_string(&mut s).expect("read a");
        let mut line = String::new();
        open(&b).expect("b").read_line(&mut line).expect("read b");
        drop(open(&b).expect("b again"));
        std::thread::scope(|sc| {
            sc.spawn(|| {
                let mut s = String::new();
                open(&c).expect("c").read_to_string(&mut s).expect("read c");
            });
        });
        let got = tap
            .sha256(&[a.clone(), b.clone(), c.clone()])
            .expect("hashes");
        assert_eq!(got, vec![full(&a), full(&b), full(&c)]);
        // The tap is gone: nothing is recorded any more.
        drop(open(&a).expect("a"));
        assert!(TAP.with(|t| t.borrow().is_none()));
    }
}
