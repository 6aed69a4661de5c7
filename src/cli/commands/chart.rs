//! `kolgraph chart`: draw the charts that the data alone supports (PNG + SVG + CSV each).

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::output::charts::{self, ChartInputs};
use crate::output::table::{emit, Table};
use std::path::PathBuf;

/// Which chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Every chart the data supports.
    All,
    /// In/out-degree distribution, log-log, with a fitted power law.
    Degree,
    /// Lorenz curve of PageRank with the top 1%/10% shares.
    Lorenz,
    /// Community sizes coloured consumer-led / brand-led.
    Communities,
    /// Ego network of the top PageRank customer.
    Ego,
    /// CLV vs network value (needs orders in the dataset).
    Quadrant,
    /// Word-of-mouth spread over steps from the campaign seeds (mean, 95% band).
    Spread,
    /// Cumulative expected reach vs number of seeds: IMM vs top degree vs top PageRank.
    Seeds,
    /// Purchase-only rank vs blended rank of the top movers.
    Rankshift,
    /// Clustering and path length vs random and lattice baselines.
    Smallworld,
}

const AFTER_HELP: &str = "\
Each chart is written as DIR/<kind>.png, DIR/<kind>.svg and DIR/<kind>.csv (the plotted values).
Every chart but `degree` runs the full analysis with default settings (as `kolgraph analyze`
does); the same input and --seed give byte-identical files.

Examples:
  kolgraph chart fixtures/community --out charts/
  kolgraph chart ../shared/data/karate/karate.edges.tsv --undirected --kind degree --out charts/
  kolgraph chart data/ --kind ego --seed 7 --out charts/ --format json";

/// Arguments of `kolgraph chart`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Chart to draw.
    #[arg(long, value_enum, default_value_t = ChartKind::All)]
    pub kind: ChartKind,
    /// Folder the chart files are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Keep only the requested chart in `inputs`.
fn select(mut inputs: ChartInputs, kind: ChartKind) -> ChartInputs {
    if kind == ChartKind::All {
        return inputs;
    }
    let keep = |k: ChartKind| k == kind;
    if !keep(ChartKind::Degree) {
        inputs.degree = None;
    }
    if !keep(ChartKind::Lorenz) {
        inputs.lorenz = None;
    }
    if !keep(ChartKind::Communities) {
        inputs.communities = None;
    }
    if !keep(ChartKind::Ego) {
        inputs.ego = None;
    }
    if !keep(ChartKind::Quadrant) {
        inputs.quadrant = None;
    }
    if !keep(ChartKind::Spread) {
        inputs.spread = None;
    }
    if !keep(ChartKind::Seeds) {
        inputs.seeds = None;
    }
    if !keep(ChartKind::Rankshift) {
        inputs.rank_shift = None;
    }
    if !keep(ChartKind::Smallworld) {
        inputs.smallworld = None;
    }
    inputs
}

/// The written charts as a table (kind, files, caption) and JSON.
pub(crate) fn files_table(files: &[charts::ChartFile]) -> Table {
    let mut t = Table::new(["chart", "png", "svg", "csv", "caption"]);
    for f in files {
        t.push([
            f.kind.clone(),
            f.png.display().to_string(),
            f.svg.display().to_string(),
            f.csv.display().to_string(),
            f.caption.clone(),
        ]);
    }
    t
}

/// Run `kolgraph chart`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = args.input.load(ctx)?;
    if ds.graph.node_count() == 0 {
        return Err(crate::Error::EmptyGraph(format!("{} has no nodes", args.input.data)).into());
    }
    let view = args.input.weight_view(&ds)?;
    let g = CsrGraph::from_property(&ds.graph, &view, ds.undirected);
    let (inputs, _) = charts::inputs_from_graph(&ds.graph, &g, &ds.transactions, ctx.seed)?;
    if args.kind == ChartKind::Quadrant && inputs.quadrant.is_none() {
        anyhow::bail!(
            "the quadrant chart needs purchase values: {} has no orders/transactions",
            args.input.data
        );
    }
    let inputs = if args.kind == ChartKind::Degree {
        inputs
    } else {
        let cfg = crate::rank::pipeline::AnalyzeConfig {
            view: view.clone(),
            ..crate::rank::pipeline::AnalyzeConfig::default()
        };
        match crate::rank::pipeline::analyze(&ds, &cfg, ctx.seed, &ctx.reporter()) {
            Ok(a) => super::analyze::chart_inputs(&ds, &a, ctx.seed),
            Err(e) => {
                ctx.warn(&format!(
                    "full analysis unavailable, graph-only charts: {e}"
                ));
                inputs
            }
        }
    };
    let inputs = select(inputs, args.kind);
    let files = charts::write_all(&args.out, &inputs)?;
    ctx.debug(&format!(
        "{} chart(s) written to {}",
        files.len(),
        args.out.display()
    ));
    let json = serde_json::json!({
        "command": "chart",
        "kind": args.kind,
        "seed": ctx.seed,
        "out": args.out.display().to_string(),
        "charts": files,
    });
    emit(
        args.output.format,
        args.output.output.as_deref(),
        &files_table(&files),
        &json,
    )?;
    Ok(ExitStatus::Success)
}
