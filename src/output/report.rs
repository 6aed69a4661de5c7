//! One self-contained HTML report: summary numbers, every chart (PNG inlined as base64, so the
//! file opens offline and can be mailed), top-N tables, the parameters, the seed and the SHA-256
//! of every input file.
//!
//! The page has no scripts and no external resources (no fonts, no CDNs). It carries no clock
//! time, so the same [`ReportInput`] gives a byte-identical file.

use crate::error::{Error, Result};
use crate::output::charts::ChartFile;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A table in the report (already formatted cells).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportTable {
    /// Section title, e.g. "Opinion leaders".
    pub title: String,
    /// One sentence saying what the table shows and how to read it.
    pub note: String,
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl ReportTable {
    /// A table with a title, a note and headers.
    pub fn new(title: &str, note: &str, headers: &[&str]) -> Self {
        ReportTable {
            title: title.into(),
            note: note.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// Everything the report shows. `kolgraph analyze` fills it from its results; `kolgraph report`
/// fills what it can compute from the data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportInput {
    /// Page title.
    pub title: String,
    /// What was analysed (path or URI as given).
    pub dataset: String,
    /// Program and version, e.g. "kolgraph 0.1.0".
    pub generator: String,
    /// Seed of every random process.
    pub seed: u64,
    /// (file, SHA-256 hex) of every input file.
    pub input_hashes: Vec<(String, String)>,
    /// Headline numbers: (label, value).
    pub summary: Vec<(String, String)>,
    /// Charts, in display order (their PNG files must exist).
    pub charts: Vec<ChartFile>,
    /// Tables in display order: leaders, seeds, hidden influencers, detractors, communities ...
    pub tables: Vec<ReportTable>,
    /// Parameters of every algorithm (JSON, as echoed by the commands).
    pub parameters: serde_json::Value,
    /// Free-form notes (warnings, what is missing).
    pub notes: Vec<String>,
}

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// SHA-256 (hex) of a file.
///
/// # Errors
/// I/O errors.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io("reading", path, e))?;
    Ok(format!("{:x}", h.finalize()))
}

/// SHA-256 of an input: the file itself, or every file under a folder (recursively, sorted by
/// path; files named `*.rejects.csv` are skipped since kolgraph writes them). URIs give nothing.
///
/// # Errors
/// I/O errors.
pub fn hash_inputs(data: &str) -> Result<Vec<(String, String)>> {
    let p = PathBuf::from(data);
    if !p.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    collect_files(&p, &mut files)?;
    files.sort();
    files
        .into_iter()
        .filter(|f| !f.to_string_lossy().ends_with(".rejects.csv"))
        .map(|f| Ok((f.display().to_string(), sha256_file(&f)?)))
        .collect()
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let rd = std::fs::read_dir(p).map_err(|e| Error::io("listing", p, e))?;
        for e in rd {
            let e = e.map_err(|e| Error::io("listing", p, e))?;
            collect_files(&e.path(), out)?;
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
    Ok(())
}

const CSS: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header{background:#0072b2;color:#fff;padding:24px 40px}
header h1{margin:0 0 6px 0;font-size:28px}
header p{margin:0;opacity:.9}
main{max-width:1240px;margin:0 auto;padding:16px 40px 60px}
h2{border-bottom:2px solid #0072b2;padding-bottom:4px;margin-top:40px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;min-width:160px}
.card .v{font-size:24px;font-weight:bold;color:#0072b2}
.card .l{font-size:13px;color:#555}
figure{background:#fff;border:1px solid #ddd;border-radius:6px;margin:20px 0;padding:12px}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:14px;color:#444;margin-top:6px}
figcaption a{color:#0072b2}
table{border-collapse:collapse;background:#fff;margin:8px 0 4px;font-size:14px}
th,td{border:1px solid #ddd;padding:5px 10px;text-align:left}
th{background:#eef4f9}
td.n{text-align:right;font-variant-numeric:tabular-nums}
p.note{color:#555;font-size:14px;margin:4px 0}
pre{background:#fff;border:1px solid #ddd;padding:12px;overflow-x:auto;font-size:13px}
nav a{margin-right:14px;color:#0072b2}
footer{color:#777;font-size:12px;margin-top:40px}
";

fn is_numeric(s: &str) -> bool {
    let t = s.trim_end_matches('%');
    !t.is_empty() && t.parse::<f64>().is_ok()
}

/// Render the report HTML as a string (charts' PNGs are read and inlined).
///
/// # Errors
/// I/O errors reading a chart.
pub fn render_html(r: &ReportInput) -> Result<String> {
    let mut h = String::new();
    let title = if r.title.is_empty() {
        "kolgraph report"
    } else {
        r.title.as_str()
    };
    // `write!` into a String cannot fail; results are ignored on purpose.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = write!(
        h,
        "<header><h1>{}</h1><p>Data: <code>{}</code> · seed {} · {}</p></header>\n<main>\n",
        escape(title),
        escape(&r.dataset),
        r.seed,
        escape(&r.generator)
    );
    h.push_str("<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a>");
    if !r.tables.is_empty() {
        h.push_str("<a href=\"#tables\">Tables</a>");
    }
    h.push_str("<a href=\"#parameters\">Parameters &amp; provenance</a></nav>\n");

    h.push_str("<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n");
    for (l, v) in &r.summary {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
            escape(v),
            escape(l)
        );
    }
    h.push_str("</div>\n");
    for n in &r.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(n));
    }

    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    if r.charts.is_empty() {
        h.push_str("<p class=\"note\">No charts.</p>\n");
    }
    for c in &r.charts {
        let bytes = std::fs::read(&c.png).map_err(|e| Error::io("reading", &c.png, e))?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let file = |p: &Path| {
            p.file_name()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        let _ = write!(
            h,
            "<figure id=\"chart-{kind}\"><img src=\"data:image/png;base64,{b64}\" width=\"{w}\" \
             height=\"{ht}\" alt=\"{alt}\">\n<figcaption><b>{title}.</b> {cap} \
             <br>Files beside this report: <a href=\"{svg}\">{svg}</a> · <a href=\"{csv}\">{csv}</a> \
             (plotted values)</figcaption></figure>\n",
            kind = escape(&c.kind),
            w = c.width,
            ht = c.height,
            alt = escape(&c.title),
            title = escape(&c.title),
            cap = escape(&c.caption),
            svg = escape(&file(&c.svg)),
            csv = escape(&file(&c.csv)),
        );
    }

    if !r.tables.is_empty() {
        h.push_str("<h2 id=\"tables\">Tables</h2>\n");
    }
    for t in &r.tables {
        let _ = writeln!(h, "<h3>{}</h3>", escape(&t.title));
        if !t.note.is_empty() {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(&t.note));
        }
        if t.rows.is_empty() {
            h.push_str("<p class=\"note\">(no rows)</p>\n");
            continue;
        }
        h.push_str("<table><thead><tr>");
        for c in &t.headers {
            let _ = write!(h, "<th>{}</th>", escape(c));
        }
        h.push_str("</tr></thead><tbody>\n");
        for row in &t.rows {
            h.push_str("<tr>");
            for c in row {
                if is_numeric(c) {
                    let _ = write!(h, "<td class=\"n\">{}</td>", escape(c));
                } else {
                    let _ = write!(h, "<td>{}</td>", escape(c));
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2 id=\"parameters\">Parameters &amp; provenance</h2>\n");
    let _ = writeln!(
        h,
        "<p>Seed: <b>{}</b>. Re-running with the same input files, parameters and seed gives \
         identical results.</p>",
        r.seed
    );
    if !r.input_hashes.is_empty() {
        h.push_str("<table><thead><tr><th>Input file</th><th>SHA-256</th></tr></thead><tbody>\n");
        for (f, sum) in &r.input_hashes {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td></tr>",
                escape(f),
                escape(sum)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let params = serde_json::to_string_pretty(&r.parameters).unwrap_or_else(|_| "{}".into());
    let _ = writeln!(h, "<pre>{}</pre>", escape(&params));
    let _ = writeln!(
        h,
        "<footer>Made by {}. Charts use the Okabe–Ito colour-blind-safe palette and the DejaVu Sans font.</footer>",
        escape(&r.generator)
    );
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

/// Write `<dir>/report.html`.
///
/// # Errors
/// I/O errors.
pub fn write_report(dir: &Path, r: &ReportInput) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let html = render_html(r)?;
    let path = dir.join("report.html");
    std::fs::write(&path, html).map_err(|e| Error::io("writing", &path, e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
