//! `kolgraph report`: one self-contained report.html with the charts, tables and provenance.

use super::rank::RankArgs;
use crate::algo::rank_order;
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::output::charts::{self, GraphScores};
use crate::output::report::{hash_inputs, write_report, ReportInput, ReportTable};
use crate::output::table::emit;
use crate::rank::pipeline::{analyze, Analysis, AnalyzeConfig};
use crate::rank::roles::Role;
use std::path::PathBuf;

/// Rows of each top-N table.
pub const DEFAULT_TOP: usize = 10;

const AFTER_HELP: &str = "\
Writes DIR/report.html (charts inlined as PNG, opens offline) and every chart beside it as
PNG, SVG and CSV. It runs the full analysis (as `kolgraph analyze` does, with the same ranking
and algorithm flags: --config, --network-weight, --seeds, --epsilon, --bc-samples, ...) for the
charts and the ranking, seeds, hidden-influencer and detractor tables.

Examples:
  kolgraph report fixtures/community --out report/
  kolgraph report ../shared/data/lesmis/lesmis.edges.tsv --undirected --out report/ --top 15
  kolgraph report fixtures/community --out report/ --config fixtures/rank.toml --seeds 5";

/// Arguments of `kolgraph report`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder the report and its chart files are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Rows in each top-N table.
    #[arg(long, default_value_t = DEFAULT_TOP, value_name = "N")]
    pub top: usize,
    /// Number of campaign seeds to select (as `kolgraph analyze --seeds`).
    #[arg(long, default_value_t = AnalyzeConfig::DEFAULT_SEEDS, value_name = "K")]
    pub seeds: usize,
    /// The ranking and algorithm options of `kolgraph analyze` and `kolgraph rank`.
    #[command(flatten)]
    pub rank: RankArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Build the report input from a dataset and the scores computed for the charts.
fn build(
    args: &Args,
    ds: &crate::ingest::Dataset,
    g: &CsrGraph,
    scores: &GraphScores,
    files: Vec<charts::ChartFile>,
    seed: u64,
) -> anyhow::Result<ReportInput> {
    let pg = &ds.graph;
    let (customers, brands, staff) = pg.kind_counts();
    let (_, lorenz) = charts::lorenz_points(&scores.pagerank);
    let mut summary = vec![
        ("accounts".to_string(), pg.node_count().to_string()),
        ("customers".to_string(), customers.to_string()),
        (
            "brand + staff accounts".to_string(),
            (brands + staff).to_string(),
        ),
        ("links (directed pairs)".to_string(), g.m().to_string()),
        (
            "interactions".to_string(),
            ds.report.interactions.to_string(),
        ),
        (
            "communities".to_string(),
            scores.communities.len().to_string(),
        ),
        (
            "PageRank held by top 1%".to_string(),
            format!("{:.1}%", 100.0 * lorenz.top1_share),
        ),
        (
            "PageRank held by top 10%".to_string(),
            format!("{:.1}%", 100.0 * lorenz.top10_share),
        ),
    ];
    if !ds.report.rejects.is_empty() {
        summary.push(("rejected rows".into(), ds.report.rejects.len().to_string()));
    }
    let mut tables = Vec::new();
    let mut leaders = ReportTable::new(
        "Opinion leaders (top PageRank)",
        "Accounts that receive the most attention, directly and through other attended accounts.",
        &[
            "rank",
            "id",
            "kind",
            "PageRank",
            "in-links",
            "out-links",
            "community",
        ],
    );
    for (i, &v) in rank_order(&scores.pagerank)
        .iter()
        .take(args.top)
        .enumerate()
    {
        leaders.rows.push(vec![
            (i + 1).to_string(),
            pg.id(v).to_string(),
            pg.kind(v).as_str().to_string(),
            format!("{:.5}", scores.pagerank[v as usize]),
            g.inc.degree(v).to_string(),
            g.out.degree(v).to_string(),
            scores.community[v as usize].to_string(),
        ]);
    }
    tables.push(leaders);
    if !ds.transactions.is_empty() {
        // Hidden influencers: customers with above-median PageRank and below-median spend.
        let cust: Vec<u32> = pg
            .nodes()
            .filter(|&v| !pg.kind(v).is_brand_side())
            .collect();
        let med = |mut x: Vec<f64>| {
            x.sort_by(f64::total_cmp);
            x.get(x.len() / 2).copied().unwrap_or(0.0)
        };
        let mpr = med(cust.iter().map(|&v| scores.pagerank[v as usize]).collect());
        let mclv = med(cust.iter().map(|&v| scores.clv[v as usize]).collect());
        let masked: Vec<f64> = (0..pg.node_count())
            .map(|v| {
                let c = !pg.kind(v as u32).is_brand_side();
                if c && scores.pagerank[v] > mpr && scores.clv[v] <= mclv {
                    scores.pagerank[v]
                } else {
                    -1.0
                }
            })
            .collect();
        let mut hidden = ReportTable::new(
            "Hidden influencers",
            "Customers with above-median PageRank but at most median purchase value.",
            &["id", "PageRank", "purchase value", "community"],
        );
        for v in rank_order(&masked).into_iter().take(args.top) {
            if masked[v as usize] < 0.0 {
                break;
            }
            hidden.rows.push(vec![
                pg.id(v).to_string(),
                format!("{:.5}", scores.pagerank[v as usize]),
                format!("{:.2}", scores.clv[v as usize]),
                scores.community[v as usize].to_string(),
            ]);
        }
        tables.push(hidden);
    }
    let mut comm = ReportTable::new(
        "Communities",
        "Brand-centricity: share of the community's interaction weight that involves brand or staff accounts.",
        &["community", "members", "brand-centricity", "lead"],
    );
    let mut bars = scores.communities.clone();
    bars.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.id.cmp(&b.id)));
    for b in bars.iter().take(args.top.max(10)) {
        comm.rows.push(vec![
            b.id.clone(),
            b.size.to_string(),
            format!("{:.0}%", 100.0 * b.brand_centricity),
            b.lead.as_str().to_string(),
        ]);
    }
    tables.push(comm);
    Ok(ReportInput {
        title: "kolgraph report: who moves this community".into(),
        dataset: args.input.data.clone(),
        generator: format!("kolgraph {}", env!("CARGO_PKG_VERSION")),
        seed,
        input_hashes: hash_inputs(&args.input.data)?,
        summary,
        charts: files,
        tables,
        parameters: serde_json::json!({
            "pagerank": {"damping": 0.85, "tolerance_l1": 1e-10, "max_iterations": 200},
            "communities": {"method": "label propagation (seeded order and tie-break)", "max_sweeps": 50},
            "undirected": ds.undirected,
            "unweighted": args.input.unweighted,
            "half_life_days": args.input.half_life,
            "kind_weights": args.input.kind_weights,
            "since": args.input.since,
            "until": args.input.until,
            "top": args.top,
        }),
        notes: vec![
            "The summary cards, the first leaders table and the communities table use PageRank and \
             label propagation on the graph alone; the charts and the ranking, seeds, hidden-influencer \
             and detractor tables come from the full analysis (Leiden communities, IMM seeds)."
                .into(),
        ],
    })
}

/// Run `kolgraph report`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    if args.top == 0 {
        return Err(crate::Error::param("--top", 0, "a positive number of rows").into());
    }
    // Validate the ranking and algorithm flags before the (possibly long) ingest.
    args.rank
        .analyze_config(crate::graph::WeightView::default(), args.seeds, false)?;
    let ds = args.input.load(ctx)?;
    if ds.graph.node_count() == 0 {
        return Err(crate::Error::EmptyGraph(format!("{} has no nodes", args.input.data)).into());
    }
    let view = args.input.weight_view(&ds)?;
    let g = CsrGraph::from_property(&ds.graph, &view, ds.undirected);
    let (inputs, scores) = charts::inputs_from_graph(&ds.graph, &g, &ds.transactions, ctx.seed)?;
    // The full analysis (ranking, spread, seeds, small world) feeds every chart and the
    // ranking, seeds, hidden-influencer and detractor tables; the graph-only inputs above are
    // the fallback when it cannot run.
    let cfg = args.rank.analyze_config(view.clone(), args.seeds, false)?;
    let bar = ctx.reporter();
    let analysis = match analyze(&ds, &cfg, ctx.seed, &bar) {
        Ok(a) => Some(a),
        Err(e) => {
            ctx.warn(&format!(
                "full analysis unavailable, graph-only report: {e}"
            ));
            None
        }
    };
    let inputs = match &analysis {
        Some(a) => super::analyze::chart_inputs(&ds, a, ctx.seed),
        None => inputs,
    };
    let files = charts::write_all(&args.out, &inputs)?;
    let mut report = build(&args, &ds, &g, &scores, files.clone(), ctx.seed)?;
    if let Some(a) = &analysis {
        add_analysis_tables(&mut report, &ds, a, args.top);
    }
    let path = write_report(&args.out, &report)?;
    ctx.info(&format!("report written to {}", path.display()));
    let json = serde_json::json!({
        "command": "report",
        "seed": ctx.seed,
        "report": path.display().to_string(),
        "charts": files,
    });
    emit(
        args.output.format,
        args.output.output.as_deref(),
        &super::chart::files_table(&files),
        &json,
    )?;
    Ok(ExitStatus::Success)
}

/// Tables that need the full analysis: the importance ranking, campaign seeds, hidden
/// influencers from the rank-shift report, and detractors.
fn add_analysis_tables(
    report: &mut ReportInput,
    ds: &crate::ingest::Dataset,
    a: &Analysis,
    top: usize,
) {
    let pg = &ds.graph;
    let roles_of = |v: u32| -> String {
        let r: Vec<&str> = a.roles[v as usize]
            .iter()
            .map(|h| h.role.as_str())
            .collect();
        if r.is_empty() {
            "-".to_string()
        } else {
            r.join(", ")
        }
    };
    let mut ranking = ReportTable::new(
        "Customer importance (blended ranking)",
        "Importance blends purchase value with network value; shift = purchase-only rank minus blended rank.",
        &["rank", "id", "importance", "purchase-only rank", "shift", "roles"],
    );
    for &v in a.order().iter().take(top) {
        let (r, p) = (
            a.ranking.rank[v as usize],
            a.ranking.purchase_rank[v as usize],
        );
        ranking.rows.push(vec![
            r.to_string(),
            pg.id(v).to_string(),
            format!("{:.4}", a.ranking.importance[v as usize]),
            p.to_string(),
            format!("{:+}", i64::from(p) - i64::from(r)),
            roles_of(v),
        ]);
    }
    report.tables.push(ranking);
    if let Some(s) = a.seed_sets.first() {
        let mut seeds = ReportTable::new(
            "Campaign seeds",
            &format!(
                "Seeds in pick order with their marginal gain; the set reaches {:.1} accounts (95% CI {:.1} to {:.1}).",
                s.spread.mean, s.spread.ci95.0, s.spread.ci95.1
            ),
            &["#", "id", "marginal gain", "cumulative reach"],
        );
        for (i, &v) in s.seeds.iter().enumerate().take(top) {
            seeds.rows.push(vec![
                (i + 1).to_string(),
                pg.id(v).to_string(),
                format!("{:.2}", s.marginal_gains.get(i).copied().unwrap_or(0.0)),
                format!("{:.2}", s.cumulative_spread.get(i).copied().unwrap_or(0.0)),
            ]);
        }
        report.tables.push(seeds);
    }
    let mut hidden = ReportTable::new(
        "Hidden influencers (rank-shift report)",
        &format!(
            "Low spend, high network value: {} customers in all.",
            a.shift.hidden_influencers.len()
        ),
        &["id", "blended rank", "purchase-only rank", "roles"],
    );
    for &v in a.shift.hidden_influencers.iter().take(top) {
        hidden.rows.push(vec![
            pg.id(v).to_string(),
            a.ranking.rank[v as usize].to_string(),
            a.ranking.purchase_rank[v as usize].to_string(),
            roles_of(v),
        ]);
    }
    report.tables.push(hidden);
    let detractors: Vec<u32> = a
        .order()
        .iter()
        .copied()
        .filter(|&v| {
            a.roles[v as usize]
                .iter()
                .any(|h| h.role == Role::Detractor)
        })
        .collect();
    let mut det = ReportTable::new(
        "Detractors",
        &format!(
            "Customers whose recent sentiment is negative, by importance: respond before the complaint cascades ({} in all).",
            detractors.len()
        ),
        &["id", "blended rank", "evidence"],
    );
    for &v in detractors.iter().take(top) {
        let ev = a.roles[v as usize]
            .iter()
            .find(|h| h.role == Role::Detractor)
            .map(|h| h.evidence.clone())
            .unwrap_or_default();
        det.rows.push(vec![
            pg.id(v).to_string(),
            a.ranking.rank[v as usize].to_string(),
            ev,
        ]);
    }
    report.tables.push(det);
}
