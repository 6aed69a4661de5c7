//! Plain edge lists as published by SNAP, KONECT and similar: `src dst [weight]`,
//! whitespace separated, `#` or `%` comment lines. Ids are kept as strings; node order is
//! first appearance.

use super::{reader, Dataset, IngestOptions, IngestReport, InputFile};
use crate::error::{Error, RecordError, Result};
use crate::graph::{InteractionKind, NodeKind, PropertyGraph};
use std::io::BufRead;
use std::path::Path;

/// Load an edge list. Every line is one `follow`-less generic interaction (kind `mention`
/// with the given weight); with `undirected` each line becomes two arcs.
pub fn load_edge_list(path: &Path, opts: &IngestOptions) -> Result<Dataset> {
    let file = path.display().to_string();
    let mut r = reader::open(path)?;
    let mut g = PropertyGraph::new();
    let mut report = IngestReport::default();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut rows = 0u64;
    let mut rejected = 0u64;
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io("reading", path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let reject = |column: u64, message: String| RecordError {
            file: file.clone(),
            line: line_no,
            column,
            message,
        };
        let s = match std::str::from_utf8(&buf) {
            Ok(s) => s,
            Err(e) => {
                report.rejects.push(reject(
                    0,
                    format!(
                        "invalid UTF-8 at byte {} (expected UTF-8 text)",
                        e.valid_up_to()
                    ),
                ));
                rejected += 1;
                continue;
            }
        };
        let t = s.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
            continue;
        }
        rows += 1;
        let f: Vec<&str> = t.split_whitespace().collect();
        if f.len() < 2 || f.len() > 3 {
            report.rejects.push(reject(
                0,
                format!(
                    "wrong number of fields (got {}, expected 2 or 3: src dst [weight])",
                    f.len()
                ),
            ));
            rejected += 1;
            continue;
        }
        let w = if f.len() == 3 {
            match f[2].parse::<f64>() {
                Ok(w) if w.is_finite() && w >= 0.0 => w,
                _ => {
                    report.rejects.push(reject(
                        3,
                        format!(
                            "bad weight (got {:?}, expected a finite non-negative number)",
                            f[2]
                        ),
                    ));
                    rejected += 1;
                    continue;
                }
            }
        } else {
            1.0
        };
        let s_ = g.ensure_node(f[0], NodeKind::Customer);
        let t_ = g.ensure_node(f[1], NodeKind::Customer);
        if s_ == t_ {
            report.self_loops += 1;
        }
        g.add_interaction(s_, t_, InteractionKind::Mention, None, None, w, None, None);
        if opts.undirected && s_ != t_ {
            g.add_interaction(t_, s_, InteractionKind::Mention, None, None, w, None, None);
        }
        report.interactions += 1;
    }
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
