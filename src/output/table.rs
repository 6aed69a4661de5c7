//! One writer for every tabular result: aligned text table, CSV or JSON.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Output format of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned columns for reading in a terminal.
    #[default]
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON document with the parameters used and every row.
    Json,
}

/// A result as rows of cells, plus the JSON document to print for `--format json`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells (already formatted).
    pub rows: Vec<Vec<String>>,
    /// Optional title printed above the text table.
    pub title: Option<String>,
}

impl Table {
    /// A table with these headers.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            title: None,
        }
    }

    /// Append a row.
    pub fn push<S: ToString>(&mut self, row: impl IntoIterator<Item = S>) {
        self.rows
            .push(row.into_iter().map(|c| c.to_string()).collect());
    }

    /// Write as an aligned text table.
    pub fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        if let Some(t) = &self.title {
            writeln!(w, "{t}")?;
        }
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(c.chars().count());
                }
            }
        }
        let line = |w: &mut dyn Write, cells: &[String]| text_line(w, &widths, cells);
        line(w, &self.headers)?;
        let rule: Vec<String> = widths.iter().map(|&n| "-".repeat(n)).collect();
        line(w, &rule)?;
        for r in &self.rows {
            line(w, r)?;
        }
        Ok(())
    }

    /// Write as CSV with a header row.
    pub fn write_csv(&self, w: &mut dyn Write) -> Result<()> {
        let mut cw = csv::Writer::from_writer(w);
        cw.write_record(&self.headers)
            .map_err(|e| Error::Other(e.to_string()))?;
        for r in &self.rows {
            cw.write_record(r)
                .map_err(|e| Error::Other(e.to_string()))?;
        }
        cw.flush().map_err(|e| Error::Other(e.to_string()))?;
        Ok(())
    }
}

/// Write a result in the chosen format to `out` (a file) or stdout. `json` is the JSON document
/// (it should echo the parameters used); `table` is used for table and CSV.
pub fn emit<J: Serialize>(
    format: OutputFormat,
    out: Option<&Path>,
    table: &Table,
    json: &J,
) -> Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    match format {
        OutputFormat::Table => table
            .write_text(&mut buf)
            .map_err(|e| Error::Other(e.to_string()))?,
        OutputFormat::Csv => table.write_csv(&mut buf)?,
        OutputFormat::Json => return write_json(out, json),
    }
    write_bytes(out, &buf)
}

/// Write a JSON document (pretty, newline-terminated) to a file or stdout, streamed through a
/// buffer: a ranking of millions of customers is never held as one string (a closed pipe is
/// not an error).
pub fn write_json<J: Serialize>(out: Option<&Path>, json: &J) -> Result<()> {
    write_json_as(out, json, true)
}

/// [`write_json`], pretty-printed or compact (one line: no indentation or spaces, about half
/// the bytes of the pretty form for per-customer records).
pub fn write_json_as<J: Serialize>(out: Option<&Path>, json: &J, pretty: bool) -> Result<()> {
    fn ser<W: Write, J: Serialize>(w: &mut W, json: &J, pretty: bool) -> std::io::Result<()> {
        if pretty {
            serde_json::to_writer_pretty(&mut *w, json)?;
        } else {
            serde_json::to_writer(&mut *w, json)?;
        }
        w.write_all(b"\n")?;
        w.flush()
    }
    match out {
        Some(p) => {
            let f = std::fs::File::create(p).map_err(|e| Error::io("writing", p, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            ser(&mut w, json, pretty).map_err(|e| Error::io("writing", p, e))
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            match ser(&mut w, json, pretty) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::io("writing", "<stdout>", e)),
            }
        }
    }
}

/// Write bytes to a file or to stdout (a closed pipe is not an error).
pub fn write_bytes(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes).map_err(|e| Error::io("writing", p, e)),
        None => {
            let mut so = std::io::stdout().lock();
            match so.write_all(bytes).and_then(|()| so.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::io("writing", "<stdout>", e)),
            }
        }
    }
}

/// Format a float for tables: up to `digits` significant decimals, no trailing noise.
pub fn fmt_f(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    format!("{x:.digits$}")
}

/// Write one aligned text line as [`Table::write_text`] does (numbers right-aligned, text
/// left-aligned, two spaces between columns, trailing blanks trimmed). Public so streamed
/// tables (too big to hold as a `Table`) print the same bytes.
pub fn text_line(w: &mut dyn Write, widths: &[usize], cells: &[String]) -> std::io::Result<()> {
    let mut s = String::new();
    for (i, c) in cells.iter().enumerate() {
        let width = widths.get(i).copied().unwrap_or(0);
        if i > 0 {
            s.push_str("  ");
        }
        let pad = width.saturating_sub(c.chars().count());
        if c.parse::<f64>().is_ok() {
            s.push_str(&" ".repeat(pad));
            s.push_str(c);
        } else {
            s.push_str(c);
            s.push_str(&" ".repeat(pad));
        }
    }
    writeln!(w, "{}", s.trim_end())
}
