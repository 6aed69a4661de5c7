//! Plain edge lists as published by SNAP, KONECT and similar: `src dst [weight]`,
//! whitespace separated, `#` or `%` comment lines. Ids are kept as strings; node order is
//! first appearance.
//!
//! **Speed and memory.** The file is read in 32 MiB blocks cut at a newline; each block is
//! split into pieces (again at newlines) that are tokenised in parallel at the byte level
//! (ASCII lines never go through `str` splitting; other lines take the exact Unicode path).
//! Ids are then resolved in line order (node order = first appearance, as before) into two
//! `u32` per line. The edge table is built by a counting sort on the source and a parallel
//! per-row sort: no hash map of pairs, no per-pair `EdgeData`. Peak scratch is 8 bytes per
//! line + 4 (8 when weighted) per arc, and the table is 4 bytes per pair when no line
//! repeats a pair and no line has a weight other than 1.
//!
//! Every count, reject (with its exact line number) and aggregated value is the same as
//! folding the lines one by one: parallel arcs are summed in line order.

use super::{reader, Dataset, IngestOptions, IngestReport, InputFile};
use crate::error::{Error, RecordError, Result};
use crate::graph::edges::TableBuilder;
use crate::graph::{InteractionKind, NodeKind, PropertyGraph};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

/// Bytes read per block.
const BLOCK: usize = 32 << 20;
/// Target bytes per parallel piece of a block.
const PIECE: usize = 1 << 20;

/// One accepted line: id byte ranges in the block, and the weight.
#[derive(Debug, Clone, Copy)]
struct Tok {
    s: (u32, u32),
    t: (u32, u32),
    w: f32,
}

/// One parsed piece of a block.
#[derive(Default)]
struct Piece {
    toks: Vec<Tok>,
    /// Rejects as (line within the piece, column, message).
    rejects: Vec<(u64, u64, String)>,
    /// Data rows (non-empty, non-comment lines, rejected ones included; not non-UTF-8 ones).
    rows: u64,
    /// Lines in the piece.
    lines: u64,
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Tokenise one line (without its newline) that starts at `base` in the block.
fn parse_line(line: &[u8], base: usize, p: &mut Piece) {
    let line_no = p.lines;
    if !line.is_ascii() {
        parse_line_unicode(line, base, p);
        return;
    }
    let mut a = 0;
    let mut b = line.len();
    while a < b && is_ws(line[a]) {
        a += 1;
    }
    while b > a && is_ws(line[b - 1]) {
        b -= 1;
    }
    if a == b || line[a] == b'#' || line[a] == b'%' {
        return;
    }
    p.rows += 1;
    let mut f = [(0usize, 0usize); 3];
    let mut nf = 0;
    let mut i = a;
    while i < b {
        while i < b && is_ws(line[i]) {
            i += 1;
        }
        let st = i;
        while i < b && !is_ws(line[i]) {
            i += 1;
        }
        if nf < 3 {
            f[nf] = (st, i);
        }
        nf += 1;
    }
    // Every token is ASCII here, so the `str` views below cannot fail.
    let text = |r: (usize, usize)| std::str::from_utf8(&line[r.0..r.1]).unwrap_or("");
    finish_line(nf, f, &text, base, line_no, p);
}

/// The exact (Unicode whitespace) path for non-ASCII lines.
fn parse_line_unicode(line: &[u8], base: usize, p: &mut Piece) {
    let line_no = p.lines;
    let s = match std::str::from_utf8(line) {
        Ok(s) => s,
        Err(e) => {
            p.rejects.push((
                line_no,
                0,
                format!(
                    "invalid UTF-8 at byte {} (expected UTF-8 text)",
                    e.valid_up_to()
                ),
            ));
            return;
        }
    };
    let t = s.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
        return;
    }
    p.rows += 1;
    let mut f = [(0usize, 0usize); 3];
    let mut nf = 0;
    for tok in t.split_whitespace() {
        if nf < 3 {
            let st = tok.as_ptr() as usize - s.as_ptr() as usize;
            f[nf] = (st, st + tok.len());
        }
        nf += 1;
    }
    let text = |r: (usize, usize)| &s[r.0..r.1];
    finish_line(nf, f, &text, base, line_no, p);
}

fn finish_line<'a>(
    nf: usize,
    f: [(usize, usize); 3],
    text: &dyn Fn((usize, usize)) -> &'a str,
    base: usize,
    line_no: u64,
    p: &mut Piece,
) {
    if !(2..=3).contains(&nf) {
        p.rejects.push((
            line_no,
            0,
            format!("wrong number of fields (got {nf}, expected 2 or 3: src dst [weight])"),
        ));
        return;
    }
    let w = if nf == 3 {
        let raw = text(f[2]);
        match raw.parse::<f64>() {
            Ok(w) if w.is_finite() && w >= 0.0 => w as f32,
            _ => {
                p.rejects.push((
                    line_no,
                    3,
                    format!("bad weight (got {raw:?}, expected a finite non-negative number)"),
                ));
                return;
            }
        }
    } else {
        1.0
    };
    let span = |r: (usize, usize)| ((base + r.0) as u32, (r.1 - r.0) as u32);
    p.toks.push(Tok {
        s: span(f[0]),
        t: span(f[1]),
        w,
    });
}

/// Parse `piece` (whole lines; the last may lack its newline) starting at `base` in the block.
fn parse_piece(block: &[u8], start: usize, end: usize) -> Piece {
    let mut p = Piece::default();
    let mut i = start;
    while i < end {
        let nl = block[i..end].iter().position(|&b| b == b'\n');
        let stop = nl.map_or(end, |k| i + k);
        parse_line(&block[i..stop], i, &mut p);
        p.lines += 1;
        i = stop + 1;
    }
    p
}

/// Load an edge list. Every line is one generic interaction (kind `mention` with the given
/// weight); with `undirected` each line becomes two arcs.
pub fn load_edge_list(path: &Path, opts: &IngestOptions) -> Result<Dataset> {
    let file = path.display().to_string();
    let mut r = reader::open(path)?;
    let mut g = PropertyGraph::new();
    let mut report = IngestReport::default();
    let mut line_no = 0u64;
    let mut rows = 0u64;
    let mut rejected = 0u64;
    let mut src: Vec<u32> = Vec::new();
    let mut dst: Vec<u32> = Vec::new();
    // Weights per line, only once some line has a weight other than 1.
    let mut wts: Option<Vec<f32>> = None;
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + 4096);
    let mut eof = false;
    while !eof {
        // Fill the block (keeping the carried partial line at its start).
        let keep = buf.len();
        buf.resize(BLOCK.max(keep * 2), 0);
        let mut filled = keep;
        while filled < buf.len() {
            let k = r
                .read(&mut buf[filled..])
                .map_err(|e| Error::io("reading", path, e))?;
            if k == 0 {
                eof = true;
                break;
            }
            filled += k;
        }
        buf.truncate(filled);
        // Process up to the last newline (everything at EOF).
        let end = if eof {
            filled
        } else {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(k) => k + 1,
                None => continue, // one line longer than the block: read more
            }
        };
        if end == 0 {
            break;
        }
        // Piece boundaries just after a newline.
        let mut cuts = vec![0usize];
        while let Some(&last) = cuts.last() {
            if last >= end {
                break;
            }
            let mut c = (last + PIECE).min(end);
            while c < end && buf[c - 1] != b'\n' {
                c += 1;
            }
            cuts.push(c);
        }
        let block = &buf[..end];
        let pieces: Vec<Piece> = cuts
            .par_windows(2)
            .map(|w| parse_piece(block, w[0], w[1]))
            .collect();
        for p in pieces {
            for (l, column, message) in p.rejects {
                report.rejects.push(RecordError {
                    file: file.clone(),
                    line: line_no + l + 1,
                    column,
                    message,
                });
                rejected += 1;
            }
            rows += p.rows;
            line_no += p.lines;
            src.reserve(p.toks.len());
            dst.reserve(p.toks.len());
            for tok in &p.toks {
                let id = |r: (u32, u32)| {
                    let b = &block[r.0 as usize..(r.0 + r.1) as usize];
                    std::str::from_utf8(b).unwrap_or("")
                };
                let s = g.ensure_node(id(tok.s), NodeKind::Customer);
                let t = g.ensure_node(id(tok.t), NodeKind::Customer);
                if s == t {
                    report.self_loops += 1;
                }
                if tok.w.to_bits() != 1f32.to_bits() && wts.is_none() {
                    wts = Some(vec![1.0; src.len()]);
                }
                if let Some(w) = &mut wts {
                    w.push(tok.w);
                }
                src.push(s);
                dst.push(t);
            }
            report.interactions += p.toks.len() as u64;
        }
        buf.drain(..end);
    }
    drop(buf);
    let n = g.node_count();
    let table = build_table(n, src, dst, wts, opts.undirected);
    g.set_table(table);
    report.files.push(InputFile {
        path: file,
        role: "edgelist".into(),
        sha256: reader::sha256_file(path)?,
        rows,
        rejected,
    });
    Ok(Dataset {
        graph: g,
        transactions: Vec::new(),
        report,
        undirected: opts.undirected,
        customer_numeric: Default::default(),
    })
}

/// Aggregate the lines' arcs into a single-kind edge table: counting sort by source, parallel
/// stable sort of each row by target, then runs of equal targets are merged (counts added,
/// weights summed in line order).
fn build_table(
    n: usize,
    src: Vec<u32>,
    dst: Vec<u32>,
    weights: Option<Vec<f32>>,
    undirected: bool,
) -> crate::graph::EdgeTable {
    let kind = InteractionKind::Mention.index() as u8;
    let mut off = vec![0u64; n + 1];
    for (&s, &t) in src.iter().zip(&dst) {
        off[s as usize + 1] += 1;
        if undirected && s != t {
            off[t as usize + 1] += 1;
        }
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let m = off[n] as usize;
    let mut fill: Vec<u64> = off[..n].to_vec();
    let mut adj = vec![0u32; m];
    let weights_given = weights.as_ref().map(|_| ());
    let mut adj_w: Vec<f32> = if weights.is_some() {
        vec![0.0; m]
    } else {
        Vec::new()
    };
    for (l, (&s, &t)) in src.iter().zip(&dst).enumerate() {
        let mut put = |a: u32, b: u32| {
            let p = fill[a as usize] as usize;
            adj[p] = b;
            if let Some(w) = &weights {
                adj_w[p] = w[l];
            }
            fill[a as usize] += 1;
        };
        put(s, t);
        if undirected && s != t {
            put(t, s);
        }
    }
    drop(fill);
    drop(src);
    drop(dst);
    drop(weights);
    let rows = |off: &[u64]| -> Vec<(usize, usize)> {
        (0..n)
            .map(|v| (off[v] as usize, off[v + 1] as usize))
            .collect()
    };
    if weights_given.is_none() {
        split_rows(&mut adj, &off)
            .par_iter_mut()
            .for_each(|r| r.sort_unstable());
    } else {
        // Stable by target so equal targets keep line order (their weights are summed in it).
        let mut pairs: Vec<(u32, f32)> = adj.iter().copied().zip(adj_w.iter().copied()).collect();
        split_rows(&mut pairs, &off)
            .par_iter_mut()
            .for_each(|r| r.sort_by_key(|&(t, _)| t));
        for (i, (t, w)) in pairs.into_iter().enumerate() {
            adj[i] = t;
            adj_w[i] = w;
        }
    }
    // Merge runs of equal targets in place.
    // `None` while every count is 1 / every weight sum equals its count.
    let mut count: Option<Vec<u32>> = None;
    let mut wsum: Option<Vec<f32>> = None;
    let mut new_off = Vec::with_capacity(n + 1);
    new_off.push(0u64);
    let mut k = 0usize;
    for (a, b) in rows(&off) {
        let mut i = a;
        while i < b {
            let t = adj[i];
            let mut c = 0u32;
            let mut w = 0f32;
            while i < b && adj[i] == t {
                c = c.saturating_add(1);
                w += adj_w.get(i).copied().unwrap_or(1.0);
                i += 1;
            }
            if c != 1 && count.is_none() {
                count = Some(vec![1; k]);
            }
            if let Some(cv) = &mut count {
                cv.push(c);
            }
            if w.to_bits() != (c as f32).to_bits() && wsum.is_none() {
                wsum = Some(
                    (0..k)
                        .map(|j| count.as_ref().map_or(1, |cv| cv[j]) as f32)
                        .collect(),
                );
            }
            if let Some(wv) = &mut wsum {
                wv.push(w);
            }
            adj[k] = t;
            k += 1;
        }
        new_off.push(k as u64);
    }
    adj.truncate(k);
    drop(adj_w);
    TableBuilder::from_parts(kind, new_off, adj, count, wsum)
}

/// Split `v` into the rows described by `off`.
fn split_rows<'a, T>(v: &'a mut [T], off: &[u64]) -> Vec<&'a mut [T]> {
    let n = off.len().saturating_sub(1);
    let mut out = Vec::with_capacity(n);
    let mut rest = v;
    for i in 0..n {
        let (row, tail) = rest.split_at_mut((off[i + 1] - off[i]) as usize);
        out.push(row);
        rest = tail;
    }
    out
}
