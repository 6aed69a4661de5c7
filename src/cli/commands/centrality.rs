//! `kolgraph centrality`: PageRank, LeaderRank, HITS, degree, betweenness and k-core per node.

use crate::algo::centrality::betweenness::{betweenness, BetweennessConfig, BetweennessResult};
use crate::algo::centrality::degree::{degree, DegreeResult};
use crate::algo::centrality::hits::{hits, HitsConfig, HitsResult};
use crate::algo::centrality::kcore::{degeneracy, kcore};
use crate::algo::centrality::leaderrank::{leaderrank, LeaderRankConfig, LeaderRankResult};
use crate::algo::centrality::pagerank::{pagerank_with_progress, PageRankConfig, PageRankResult};
use crate::algo::{rank_order, NodeId};
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::error::Error;
use crate::graph::{CsrGraph, NodeKind, PropertyGraph};
use crate::output::table::emit;
use crate::output::{OutputFormat, Table};
use anyhow::Context as _;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const AFTER_HELP: &str = "\
Conventions: an arc source → target means SOURCE acted on TARGET; PageRank, LeaderRank and HITS
authorities reward targets. PageRank sends dangling mass to the restart vector (NetworkX's rule) and
stops when the L1 change is below n·--pr-tol, capped at 1e-4. HITS vectors each sum to 1. Betweenness follows
networkx.betweenness_centrality (directed for directed input, endpoints excluded). k-core runs on the
undirected view without self-loops. Ties are broken by node id; output is identical for any --threads.

Examples:
  kolgraph centrality fixtures/community --algo pagerank --top 10
  kolgraph centrality edges.tsv --undirected --algo all --format csv -o scores.csv
  kolgraph centrality fixtures/community --algo pagerank --personalize brand --format json
  kolgraph centrality big.el --algo betweenness --samples 256 --seed 7
  kolgraph -v centrality rmat20.el --undirected --unweighted --algo pagerank --top 5   # timings on stderr";

/// Which centrality to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// PageRank (weighted, optionally personalised).
    Pagerank,
    /// LeaderRank (ground node, parameter-free).
    Leaderrank,
    /// HITS hubs and authorities (ranked by authority).
    Hits,
    /// In/out degree and strength (ranked by in-strength).
    Degree,
    /// Betweenness (exact, or sampled with --samples).
    Betweenness,
    /// Core number (k-core).
    Kcore,
    /// Everything (ranked by PageRank).
    All,
}

/// Restart target of personalised PageRank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Personalize {
    /// Official brand accounts.
    Brand,
    /// Staff accounts.
    Staff,
    /// Brand and staff accounts.
    BrandSide,
}

/// Arguments of `kolgraph centrality`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Centrality to compute.
    #[arg(long, value_enum, default_value_t = Algo::Pagerank)]
    pub algo: Algo,
    /// Print only the N best nodes (default: 20 for tables, every node for CSV and JSON).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Personalised PageRank: restart toward these accounts (and send dangling mass there).
    #[arg(long, value_enum, help_heading = "PageRank")]
    pub personalize: Option<Personalize>,
    /// Personalised PageRank: restart weights from a CSV `id,weight` (header optional; others get 0).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "personalize",
        help_heading = "PageRank"
    )]
    pub personalize_file: Option<PathBuf>,
    /// Exit with status 1 when an iterative algorithm did not converge.
    #[arg(long)]
    pub require_converged: bool,
    /// Also write the graph's undirected view as a plain edge list for other tools: one
    /// `u v` line per node pair linked in either direction (u < v, 0-based node numbers in
    /// input order, self-loops and weights left out; isolated nodes have no line). Used by
    /// benches/compare.py to give the peers the same graph (e.g. a generated community).
    #[arg(long, value_name = "FILE", help_heading = "Export")]
    pub write_edge_list: Option<PathBuf>,
    #[command(flatten)]
    pub pagerank: PageRankConfig,
    #[command(flatten)]
    pub leaderrank: LeaderRankConfig,
    #[command(flatten)]
    pub hits: HitsConfig,
    #[command(flatten)]
    pub betweenness: BetweennessConfig,
}

/// Everything computed in one run.
#[derive(Default)]
struct Results {
    pagerank: Option<PageRankResult>,
    leaderrank: Option<LeaderRankResult>,
    hits: Option<HitsResult>,
    degree: Option<DegreeResult>,
    betweenness: Option<BetweennessResult>,
    core: Option<Vec<u32>>,
}

/// The restart vector requested on the command line, if any.
fn personalization(args: &Args, pg: &PropertyGraph) -> anyhow::Result<Option<Vec<f64>>> {
    let n = pg.node_count();
    if let Some(p) = args.personalize {
        let keep = |k: NodeKind| match p {
            Personalize::Brand => k == NodeKind::Brand,
            Personalize::Staff => k == NodeKind::Staff,
            Personalize::BrandSide => k == NodeKind::Brand || k == NodeKind::Staff,
        };
        let v: Vec<f64> = (0..n as NodeId)
            .map(|v| if keep(pg.kind(v)) { 1.0 } else { 0.0 })
            .collect();
        if !v.iter().any(|&x| x > 0.0) {
            anyhow::bail!(
                "--personalize {}: the dataset has no such account",
                serde_json::to_value(p)?.as_str().unwrap_or("?")
            );
        }
        return Ok(Some(v));
    }
    let Some(path) = &args.personalize_file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io("reading", path, e))
        .context("--personalize-file")?;
    let mut v = vec![0.0; n];
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, w) = line
            .split_once([',', '\t'])
            .map(|(a, b)| (a.trim(), b.trim()))
            .unwrap_or((line, "1"));
        let w: f64 = match w.parse() {
            Ok(w) => w,
            Err(_) if i == 0 => continue, // header row
            Err(_) => anyhow::bail!(
                "{}:{}: bad weight {w:?} (expected a non-negative number)",
                path.display(),
                i + 1
            ),
        };
        if !(w.is_finite() && w >= 0.0) {
            anyhow::bail!(
                "{}:{}: bad weight {w} (expected a non-negative number)",
                path.display(),
                i + 1
            );
        }
        let Some(ix) = pg.index_of(id) else {
            return Err(Error::UnknownCustomer(id.to_string()))
                .with_context(|| format!("{}:{}", path.display(), i + 1));
        };
        v[ix as usize] += w;
    }
    Ok(Some(v))
}

/// One output column: its header and the value of a node.
type Column<'a> = (&'static str, Box<dyn Fn(usize) -> Value + 'a>);

/// Format a score for the text table.
fn fmt_score(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-3 {
        format!("{x:.4e}")
    } else {
        format!("{x:.6}")
    }
}

/// Write every pair {u, v} (u < v) linked by an arc in either direction once, as a `u v` line
/// (in row order of the CSR); returns the number of pairs. Rows are sorted, so a reciprocal arc v→u (v > u) is
/// skipped when u→v exists (binary search in u's row): no extra memory.
fn write_undirected_edge_list(g: &CsrGraph, path: &std::path::Path) -> anyhow::Result<u64> {
    use std::io::Write as _;
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut pairs = 0u64;
    for s in 0..g.n() as u32 {
        for &t in g.out.neighbors(s) {
            let (u, v) = if s < t {
                (s, t)
            } else if s > t && g.out.neighbors(t).binary_search(&s).is_err() {
                (t, s)
            } else {
                continue;
            };
            writeln!(w, "{u} {v}").with_context(|| format!("writing {}", path.display()))?;
            pairs += 1;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(pairs)
}

/// Free the arc weights before a run that cannot read them: PageRank alone on all-ones (or
/// ignored) weights takes its unweighted kernels, which never read `weights` and give the same
/// bits as the weighted ones on all-ones weights (see `pagerank_with_progress`); hop-count
/// betweenness alone runs BFS. Saves 4 B per arc at the peak (the relabelled copy comes on top
/// of the CSR). Not for other algorithms: they index `weights` directly, so this stays local
/// to those single-algorithm paths.
fn release_weights(g: &mut CsrGraph) {
    let shared = Arc::ptr_eq(&g.out, &g.inc);
    if shared {
        g.inc = Arc::default();
    }
    if let Some(c) = Arc::get_mut(&mut g.out) {
        c.weights = Vec::new();
    }
    if shared {
        g.inc = Arc::clone(&g.out);
    } else if let Some(c) = Arc::get_mut(&mut g.inc) {
        c.weights = Vec::new();
    }
}

/// `RSS x MiB, peak y MiB` of this process (Linux /proc; empty elsewhere), for `-v` phase lines.
fn mem_note(phase: &str) -> String {
    use crate::rank::pipeline::{peak_rss_bytes, rss_bytes};
    match (rss_bytes(), peak_rss_bytes()) {
        (Some(r), Some(p)) => format!(
            "{phase}: RSS {:.0} MiB, peak {:.0} MiB",
            r as f64 / 1048576.0,
            p as f64 / 1048576.0
        ),
        _ => String::new(),
    }
}

/// Run `kolgraph centrality`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let mut ds = args.input.load(ctx)?;
    ctx.debug(&mem_note("after ingest"));
    let all = args.algo == Algo::All;
    let want = |a: Algo| all || args.algo == a;
    // The only external-id lookups (personalisation file) happen here; afterwards ids are only
    // read back by node index for output, so the id → node map can go before the CSR and the
    // algorithms' scratch are allocated (~256 MiB at 5M nodes).
    let pers = if want(Algo::Pagerank) {
        personalization(&args, &ds.graph)?
    } else {
        None
    };
    ds.graph.release_id_index();
    let view = args.input.weight_view(&ds)?;
    let t = Instant::now();
    // The edge table's adjacency moves into the CSR (nothing below reads edge properties):
    // one target array at the peak instead of two.
    let g = CsrGraph::from_property_take(&mut ds.graph, &view, ds.undirected);
    ctx.debug(&format!(
        "csr: {} nodes, {} arcs, {:.1} MiB in {:.2?}; {}",
        g.n(),
        g.m(),
        g.memory_bytes() as f64 / 1048576.0,
        t.elapsed(),
        mem_note("after csr")
    ));
    if let Some(path) = &args.write_edge_list {
        let t = Instant::now();
        let pairs = write_undirected_edge_list(&g, path)?;
        ctx.debug(&format!(
            "edge list: {pairs} undirected pairs written to {} in {:.2?}",
            path.display(),
            t.elapsed()
        ));
    }
    let mut g = g;
    if args.algo == Algo::Pagerank && (!g.weighted || g.out.unit_weights()) {
        release_weights(&mut g);
        ctx.debug(&mem_note("arc weights released (all 1)"));
    } else if args.algo == Algo::Betweenness && !args.betweenness.weighted {
        // Hop-count betweenness (the default) runs BFS and never reads `weights`.
        release_weights(&mut g);
        ctx.debug(&mem_note("arc weights released (hop-count betweenness)"));
    }
    let pg = &ds.graph;
    let mut res = Results::default();
    let mut unconverged: Vec<&str> = Vec::new();
    if want(Algo::Pagerank) {
        let t = Instant::now();
        let r = pagerank_with_progress(&g, &args.pagerank, pers.as_deref(), &ctx.reporter())?;
        ctx.debug(&format!(
            "pagerank: {:.3?} compute, {} iterations, residual {:.3e}; {}",
            t.elapsed(),
            r.iterations,
            r.residual,
            mem_note("after pagerank")
        ));
        if !r.converged {
            unconverged.push("pagerank");
        }
        res.pagerank = Some(r);
    }
    if want(Algo::Leaderrank) {
        let t = Instant::now();
        let r = leaderrank(&g, &args.leaderrank)?;
        ctx.debug(&format!(
            "leaderrank: {:.3?}, {} iterations",
            t.elapsed(),
            r.iterations
        ));
        if !r.converged {
            unconverged.push("leaderrank");
        }
        res.leaderrank = Some(r);
    }
    if want(Algo::Hits) {
        let t = Instant::now();
        let r = hits(&g, &args.hits)?;
        ctx.debug(&format!(
            "hits: {:.3?}, {} iterations",
            t.elapsed(),
            r.iterations
        ));
        if !r.converged {
            unconverged.push("hits");
        }
        res.hits = Some(r);
    }
    if want(Algo::Degree) {
        res.degree = Some(degree(&g));
    }
    if want(Algo::Betweenness) {
        let t = Instant::now();
        let r = betweenness(&g, &args.betweenness, ctx.seed)?;
        ctx.debug(&format!(
            "betweenness: {:.3?} ({} sources)",
            t.elapsed(),
            r.sampled_sources.as_ref().map_or(g.n(), Vec::len)
        ));
        res.betweenness = Some(r);
    }
    if want(Algo::Kcore) {
        let t = Instant::now();
        res.core = Some(kcore(&g));
        ctx.debug(&format!("kcore: {:.3?}", t.elapsed()));
    }
    for a in &unconverged {
        ctx.warn(&format!("{a} did not converge within its iteration cap"));
    }

    // Ranking key of the chosen algorithm.
    let primary: Vec<f64> = match args.algo {
        Algo::Pagerank | Algo::All => res.pagerank.as_ref().map(|r| r.scores.clone()),
        Algo::Leaderrank => res.leaderrank.as_ref().map(|r| r.scores.clone()),
        Algo::Hits => res.hits.as_ref().map(|r| r.authorities.clone()),
        Algo::Degree => res.degree.as_ref().map(|r| r.in_strength.clone()),
        Algo::Betweenness => res.betweenness.as_ref().map(|r| r.scores.clone()),
        Algo::Kcore => res
            .core
            .as_ref()
            .map(|c| c.iter().map(|&x| f64::from(x)).collect()),
    }
    .unwrap_or_default();
    let order = rank_order(&primary);
    let top = match (args.top, args.output.format) {
        (Some(k), _) => k,
        (None, OutputFormat::Table) => 20,
        (None, _) => usize::MAX,
    };

    let mut headers: Vec<&str> = vec!["rank", "id"];
    let mut cols: Vec<Column<'_>> = Vec::new();
    if let Some(r) = &res.pagerank {
        cols.push(("pagerank", Box::new(move |v| json!(r.scores[v]))));
    }
    if let Some(r) = &res.leaderrank {
        cols.push(("leaderrank", Box::new(move |v| json!(r.scores[v]))));
    }
    if let Some(r) = &res.hits {
        cols.push(("hub", Box::new(move |v| json!(r.hubs[v]))));
        cols.push(("authority", Box::new(move |v| json!(r.authorities[v]))));
    }
    if let Some(r) = &res.degree {
        cols.push(("in_degree", Box::new(move |v| json!(r.in_degree[v]))));
        cols.push(("out_degree", Box::new(move |v| json!(r.out_degree[v]))));
        cols.push(("in_strength", Box::new(move |v| json!(r.in_strength[v]))));
        cols.push(("out_strength", Box::new(move |v| json!(r.out_strength[v]))));
    }
    if let Some(r) = &res.betweenness {
        cols.push(("betweenness", Box::new(move |v| json!(r.scores[v]))));
        if let Some(se) = &r.std_error {
            cols.push(("betweenness_se", Box::new(move |v| json!(se[v]))));
        }
    }
    if let Some(c) = &res.core {
        cols.push(("core", Box::new(move |v| json!(c[v]))));
    }
    headers.extend(cols.iter().map(|(h, _)| *h));
    let mut table = Table::new(headers);
    table.title = Some(format!(
        "{} of {} nodes by {}",
        top.min(order.len()),
        order.len(),
        serde_json::to_value(args.algo)?.as_str().unwrap_or("")
    ));
    let mut nodes: Vec<Value> = Vec::new();
    // Only the representation that is written is built: on million-node graphs the per-node
    // JSON objects alone would cost hundreds of MB.
    let json_out = matches!(args.output.format, OutputFormat::Json);
    for (i, &v) in order.iter().take(top).enumerate() {
        let v = v as usize;
        let id = pg.id(v as NodeId);
        let mut row = Vec::new();
        let mut obj = Map::new();
        if json_out {
            obj.insert("id".into(), json!(id));
            obj.insert("rank".into(), json!(i + 1));
        } else {
            row.extend([(i + 1).to_string(), id.to_string()]);
        }
        for (h, f) in &cols {
            let val = f(v);
            if json_out {
                obj.insert((*h).into(), val);
                continue;
            }
            row.push(match (&val, args.output.format) {
                (Value::Number(x), OutputFormat::Table) if !x.is_u64() => {
                    fmt_score(x.as_f64().unwrap_or(f64::NAN))
                }
                _ => val.to_string(),
            });
        }
        if json_out {
            nodes.push(Value::Object(obj));
        } else {
            table.push(row);
        }
    }

    let mut doc = Map::new();
    doc.insert("command".into(), json!("centrality"));
    doc.insert("algo".into(), json!(args.algo));
    doc.insert(
        "graph".into(),
        json!({"nodes": g.n(), "arcs": g.m(), "directed": !g.symmetric, "weighted": g.weighted}),
    );
    let mut params = Map::new();
    let mut meta = Map::new();
    if let Some(r) = &res.pagerank {
        params.insert("pagerank".into(), json!(args.pagerank));
        params.insert(
            "personalize".into(),
            json!({"accounts": args.personalize, "file": args.personalize_file}),
        );
        meta.insert(
            "pagerank".into(),
            json!({"iterations": r.iterations, "residual": r.residual, "converged": r.converged}),
        );
    }
    if let Some(r) = &res.leaderrank {
        params.insert("leaderrank".into(), json!(args.leaderrank));
        meta.insert(
            "leaderrank".into(),
            json!({"iterations": r.iterations, "residual": r.residual, "converged": r.converged}),
        );
    }
    if let Some(r) = &res.hits {
        params.insert("hits".into(), json!(args.hits));
        meta.insert(
            "hits".into(),
            json!({"iterations": r.iterations, "residual": r.residual, "converged": r.converged, "normalization": "each vector sums to 1"}),
        );
    }
    if let Some(r) = &res.betweenness {
        params.insert("betweenness".into(), json!(args.betweenness));
        meta.insert(
            "betweenness".into(),
            json!({
                "exact": r.sampled_sources.is_none(),
                "sources": r.sampled_sources.as_ref().map_or(g.n(), Vec::len),
                "max_std_error": r.max_std_error,
                "seed": ctx.seed,
            }),
        );
    }
    if let Some(c) = &res.core {
        meta.insert("kcore".into(), json!({"degeneracy": degeneracy(c)}));
    }
    doc.insert("parameters".into(), Value::Object(params));
    doc.insert("results".into(), Value::Object(meta));
    doc.insert("nodes".into(), Value::Array(nodes));
    emit(
        args.output.format,
        args.output.output.as_deref(),
        &table,
        &Value::Object(doc),
    )?;
    if args.require_converged && !unconverged.is_empty() {
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}
