//! `kolgraph simulate`: Monte Carlo word-of-mouth spread from a seed set.

use crate::algo::diffusion::probability::{EdgeProbabilities, ProbabilityConfig};
use crate::algo::diffusion::{simulate, SpreadConfig, SpreadModel};
use crate::algo::influence::baseline_pagerank;
use crate::algo::{rank_order, NodeId, Progress};
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::error::Error;
use crate::graph::{CsrGraph, PropertyGraph};
use crate::output::table::{emit, fmt_f, Table};

const AFTER_HELP: &str = "\
Word of mouth spreads target → source: if A replied to B, B's word can reach A. Spread counts the
seeds. The coin of arc e in run r is hash(seed, r, e), so results are identical for any --threads.

Examples:
  kolgraph simulate fixtures/community --seeds c0001,c0042 --runs 20000
  kolgraph simulate fixtures/community --top-k 10 --model icn --quality 0.7
  kolgraph simulate data.el --undirected --top-k 10 --p 0.01 --format json
  kolgraph simulate fixtures/community --seeds c0001 --probability strength --half-life 30 --show curve";

/// How `--top-k` picks its seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TopBy {
    /// Highest PageRank.
    Pagerank,
    /// Largest audience (accounts that acted on the node).
    Degree,
}

/// What the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Show {
    /// The expected spread with its interval.
    Summary,
    /// The nodes most often reached (per-node activation probability).
    Nodes,
    /// Mean cumulative cascade size per step, with its 95% interval.
    Curve,
}

/// Arguments of `kolgraph simulate`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Seed ids, comma separated (as in the input).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "top_k",
        required_unless_present = "top_k"
    )]
    pub seeds: Vec<String>,
    /// Seed with the top K nodes by --by instead of --seeds.
    #[arg(long, value_name = "K")]
    pub top_k: Option<usize>,
    /// Ranking used by --top-k.
    #[arg(long, value_enum, default_value_t = TopBy::Pagerank)]
    pub by: TopBy,
    #[command(flatten)]
    pub spread: SpreadConfig,
    #[command(flatten)]
    pub probability: ProbabilityConfig,
    /// Table content: summary, nodes (most reached) or curve (per step).
    #[arg(long, value_enum, default_value_t = Show::Summary)]
    pub show: Show,
    /// Rows of the per-node listing (table and JSON).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Resolve external ids to node ids.
///
/// # Errors
/// An id not in the graph.
pub fn resolve_ids(pg: &PropertyGraph, ids: &[String]) -> Result<Vec<NodeId>, Error> {
    ids.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            pg.index_of(s)
                .ok_or_else(|| Error::UnknownCustomer(s.to_string()))
        })
        .collect()
}

/// Run `kolgraph simulate`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = args.input.load(ctx)?;
    let view = args.input.weight_view(&ds)?;
    let g = CsrGraph::from_property(&ds.graph, &view, ds.undirected);
    let probs = EdgeProbabilities::build(&g, Some(&ds), args.probability.model()?)?;
    let seeds: Vec<NodeId> = match args.top_k {
        Some(k) => {
            if k == 0 {
                return Err(Error::param("--top-k", k, "at least 1").into());
            }
            let scores: Vec<f64> = match args.by {
                TopBy::Pagerank => baseline_pagerank(&g)?,
                TopBy::Degree => (0..g.n() as u32).map(|v| g.inc.degree(v) as f64).collect(),
            };
            rank_order(&scores).into_iter().take(k).collect()
        }
        None => resolve_ids(&ds.graph, &args.seeds)?,
    };
    if seeds.is_empty() {
        return Err(Error::param("--seeds", "", "at least one id").into());
    }
    let bar = ctx.reporter();
    bar.start("simulating", 0);
    let t0 = std::time::Instant::now();
    let est = simulate(&g, &probs, &seeds, &args.spread, ctx.seed)?;
    bar.finish();
    ctx.debug(&format!(
        "simulate: {} runs in {:.2?}",
        args.spread.runs,
        t0.elapsed()
    ));
    let pg = &ds.graph;
    let seed_ids: Vec<&str> = seeds.iter().map(|&v| pg.id(v)).collect();
    let order = rank_order(&est.per_node_activation);
    let top_nodes: Vec<serde_json::Value> = order
        .iter()
        .take(args.top)
        .filter(|&&v| est.per_node_activation[v as usize] > 0.0)
        .map(|&v| {
            serde_json::json!({
                "id": pg.id(v),
                "seed": seeds.contains(&v),
                "activation": est.per_node_activation[v as usize],
                "negative": est.per_node_negative.get(v as usize).copied(),
            })
        })
        .collect();
    let f = |x: f64| fmt_f(x, 4);
    let t = match args.show {
        Show::Summary => {
            let mut t = Table::new(["metric", "value"]);
            t.push([
                "model".into(),
                format!("{:?}", args.spread.model).to_lowercase(),
            ]);
            t.push(["seeds".into(), seed_ids.join(",")]);
            t.push(["runs".into(), est.runs.to_string()]);
            t.push(["expected_spread".into(), f(est.mean)]);
            t.push(["std_error".into(), f(est.std_error)]);
            t.push(["ci95_low".into(), f(est.ci95.0)]);
            t.push(["ci95_high".into(), f(est.ci95.1)]);
            if args.spread.model == SpreadModel::Icn {
                t.push(["positive_reach".into(), f(est.positive_mean)]);
                t.push(["negative_reach".into(), f(est.negative_mean)]);
                t.push(["net_reach".into(), f(est.positive_mean - est.negative_mean)]);
            }
            t.push([
                "steps".into(),
                est.per_step_mean.len().saturating_sub(1).to_string(),
            ]);
            t
        }
        Show::Nodes => {
            let mut t = Table::new(["id", "seed", "activation", "negative"]);
            for v in order.iter().take(args.top) {
                let v = *v as usize;
                if est.per_node_activation[v] <= 0.0 {
                    break;
                }
                t.push([
                    pg.id(v as u32).to_string(),
                    seeds.contains(&(v as u32)).to_string(),
                    f(est.per_node_activation[v]),
                    est.per_node_negative
                        .get(v)
                        .map(|&x| f(x))
                        .unwrap_or_default(),
                ]);
            }
            t
        }
        Show::Curve => {
            let mut t = Table::new([
                "step",
                "mean",
                "ci95_low",
                "ci95_high",
                "positive",
                "negative",
            ]);
            for (i, m) in est.per_step_mean.iter().enumerate() {
                t.push([
                    i.to_string(),
                    f(*m),
                    f(est.per_step_ci[i].0),
                    f(est.per_step_ci[i].1),
                    f(est.per_step_positive[i]),
                    f(est.per_step_negative[i]),
                ]);
            }
            t
        }
    };
    let json = serde_json::json!({
        "command": "simulate",
        "seed": ctx.seed,
        "config": args.spread,
        "probability": args.probability,
        "probability_mean": probs.mean,
        "seeds": seed_ids,
        "estimate": est,
        "top_reached": top_nodes,
    });
    emit(args.output.format, args.output.output.as_deref(), &t, &json)?;
    Ok(ExitStatus::Success)
}
