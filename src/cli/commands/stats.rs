//! `kolgraph stats`: what was loaded, what was rejected, graph shape and CSR memory.

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::ingest::stats::{compute, kind_rows, DatasetStats};
use crate::output::table::{emit, fmt_f};
use crate::output::Table;
use serde::Serialize;

const AFTER_HELP: &str = "\
Examples:
  kolgraph stats fixtures/community
  kolgraph stats fixtures/public/karate/karate.edges.tsv --undirected
  kolgraph stats data/interactions.jsonl.gz --since 2025-01-01 --format json

Rejected rows are listed on stderr and written to <DATA>.rejects.csv (or --rejects FILE);
--strict makes any rejected row fatal (exit 1).";

/// Arguments of `kolgraph stats`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Serialize)]
struct Json<'a> {
    data: &'a str,
    files: &'a [crate::ingest::InputFile],
    stats: &'a DatasetStats,
}

/// Run `kolgraph stats`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = args.input.load(ctx)?;
    let s = compute(&ds);
    let mut t = Table::new(["metric", "value"]);
    for (k, c) in kind_rows(&s) {
        t.push([format!("nodes: {k}"), c.to_string()]);
    }
    t.push(["nodes".to_string(), s.nodes.to_string()]);
    t.push(["edges (distinct pairs)".to_string(), s.edges.to_string()]);
    t.push(["interactions".to_string(), s.interactions.to_string()]);
    for (k, c) in &s.interactions_by_kind {
        t.push([format!("interactions: {k}"), c.to_string()]);
    }
    for (p, c) in &s.interactions_by_platform {
        let p = if p.is_empty() { "(none)" } else { p.as_str() };
        t.push([format!("platform: {p}"), c.to_string()]);
    }
    t.push(["rejected rows".to_string(), s.rejected.to_string()]);
    t.push(["duplicate rows".to_string(), s.duplicates.to_string()]);
    t.push(["self-interactions".to_string(), s.self_loops.to_string()]);
    t.push(["outside window".to_string(), s.outside_window.to_string()]);
    t.push(["transactions".to_string(), s.transactions.to_string()]);
    t.push(["merged handles".to_string(), s.merged_handles.to_string()]);
    if let (Some(a), Some(b)) = (&s.first_interaction, &s.last_interaction) {
        t.push(["first interaction".to_string(), a.clone()]);
        t.push(["last interaction".to_string(), b.clone()]);
    }
    t.push(["weak components".to_string(), s.components.to_string()]);
    t.push([
        "largest component".to_string(),
        s.largest_component.to_string(),
    ]);
    for (name, d) in [("out-degree", &s.out_degree), ("in-degree", &s.in_degree)] {
        t.push([
            format!("{name} min/median/mean/max"),
            format!("{}/{}/{}/{}", d.min, d.median, fmt_f(d.mean, 2), d.max),
        ]);
    }
    t.push(["reciprocity".to_string(), fmt_f(s.reciprocity, 4)]);
    t.push(["density".to_string(), format!("{:.3e}", s.density)]);
    t.push(["CSR bytes (out + in)".to_string(), s.csr_bytes.to_string()]);
    t.push(["CSR bytes/edge".to_string(), fmt_f(s.csr_bytes_per_edge, 2)]);
    t.push([
        "CSR adjacency bytes/edge".to_string(),
        fmt_f(s.csr_adjacency_bytes_per_edge, 2),
    ]);
    let json = Json {
        data: &args.input.data,
        files: &ds.report.files,
        stats: &s,
    };
    emit(args.output.format, args.output.output.as_deref(), &t, &json)?;
    Ok(ExitStatus::Success)
}
