//! `kolgraph seeds`: pick campaign seeds (IMM, CELF, degree, PageRank).

use crate::algo::diffusion::probability::{EdgeProbabilities, ProbabilityConfig};
use crate::algo::influence::{select_seeds, SeedConfig};
use crate::algo::Progress;
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::output::table::{emit, fmt_f, Table};

const AFTER_HELP: &str = "\
Seeds are listed in pick order with their marginal gain (expected newly reached customers) and the
estimated spread of the prefix; the title gives the whole set's spread from a fresh simulation
(mean ± standard error, 95% interval). IMM scales to millions of nodes with a (1 − 1/e − ε)
guarantee; CELF is the exact greedy reference on --runs common live-edge worlds (memory runs × nodes
bytes). With --cost-column (a numeric customers column) CELF runs the cost-effective variant.

Examples:
  kolgraph seeds fixtures/community --k 10
  kolgraph seeds fixtures/community --k 5 --method celf --runs 10000 --p 0.1
  kolgraph seeds fixtures/community --k 20 --method celf --cost-column fee --budget 5000
  kolgraph seeds big.el --undirected --k 50 --epsilon 0.1 --probability wc --format json";

/// Arguments of `kolgraph seeds`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub config: SeedConfig,
    #[command(flatten)]
    pub probability: ProbabilityConfig,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph seeds`.
pub fn run(mut args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = args.input.load(ctx)?;
    let view = args.input.weight_view(&ds)?;
    let g = CsrGraph::from_property(&ds.graph, &view, ds.undirected);
    let probs = EdgeProbabilities::build(&g, Some(&ds), args.probability.model()?)?;
    if let Some(col) = &args.config.cost_column {
        let Some(vals) = ds.customer_numeric.get(col) else {
            anyhow::bail!(
                "--cost-column {col:?}: no such numeric customers column (have: {})",
                ds.customer_numeric
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        let costs: Vec<f64> = (0..g.n())
            .map(|v| vals.get(v).copied().flatten().unwrap_or(f64::INFINITY))
            .collect();
        let missing = costs.iter().filter(|c| !c.is_finite()).count();
        if missing > 0 {
            ctx.warn(&format!(
                "{missing} node(s) have no {col:?} value and will not be picked"
            ));
        }
        args.config.costs = Some(costs);
        if args.config.method != crate::algo::influence::SeedMethod::Celf {
            ctx.warn(
                "--cost-column is used by --method celf only; costs are reported, not optimised",
            );
        }
    }
    let bar = ctx.reporter();
    bar.start("selecting seeds", 0);
    let t0 = std::time::Instant::now();
    let set = select_seeds(&g, &probs, &args.config, ctx.seed, None)?;
    bar.finish();
    ctx.debug(&format!("seeds: {:.2?}", t0.elapsed()));
    if let Some(imm) = &set.imm {
        ctx.debug(&format!(
            "imm: {} RR sets, mean size {:.2}, lower bound {:.1}",
            imm.rr_sets, imm.mean_rr_size, imm.lower_bound
        ));
        if imm.capped {
            // Say what the capped run still guarantees rather than a generic warning.
            ctx.warn(&format!(
                "IMM capped at {} RR sets (--max-rr-sets): epsilon relaxed from {} to \
                 epsilon_effective {:.4} (the value these RR sets support: the seed set is within \
                 (1 - 1/e - {:.4}) of the optimum)",
                imm.rr_sets, args.config.epsilon, imm.epsilon_effective, imm.epsilon_effective
            ));
        }
    }
    let pg = &ds.graph;
    let costs = args.config.costs.as_deref();
    let mut t = Table::new(["rank", "id", "marginal_gain", "cumulative_spread", "cost"]);
    let s = &set.spread;
    t.title = Some(format!(
        "{:?} seeds: expected spread {} ± {} (95% CI {}–{}, {} runs)",
        set.method,
        fmt_f(s.mean, 2),
        fmt_f(s.std_error, 2),
        fmt_f(s.ci95.0, 2),
        fmt_f(s.ci95.1, 2),
        s.runs
    ));
    let mut rows = Vec::new();
    for (i, &v) in set.seeds.iter().enumerate() {
        let cost = costs.map(|c| c[v as usize]).unwrap_or(1.0);
        t.push([
            (i + 1).to_string(),
            pg.id(v).to_string(),
            fmt_f(set.marginal_gains[i], 4),
            fmt_f(set.cumulative_spread[i], 4),
            fmt_f(cost, 2),
        ]);
        rows.push(serde_json::json!({
            "rank": i + 1,
            "id": pg.id(v),
            "marginal_gain": set.marginal_gains[i],
            "cumulative_spread": set.cumulative_spread[i],
            "cost": cost,
        }));
    }
    let json = serde_json::json!({
        "command": "seeds",
        "seed": ctx.seed,
        "config": args.config,
        "probability": args.probability,
        "seeds": rows,
        "spread": set.spread,
        "total_cost": set.total_cost,
        "imm": set.imm,
    });
    emit(args.output.format, args.output.output.as_deref(), &t, &json)?;
    Ok(ExitStatus::Success)
}
