//! `kolgraph smallworld`: clustering, path lengths, sigma and omega with a one-line verdict.

use crate::algo::small_world::{analyze, SmallWorldConfig};
use crate::algo::Progress;
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::output::table::{emit, fmt_f, Table};

const AFTER_HELP: &str = "\
The graph is read as undirected and unweighted. Path lengths are exact (BFS from every node) up to
--exact-threshold nodes in the largest component, sampled from --samples seeded sources above, with
a 95% interval. sigma = (C/Cr)/(L/Lr) uses transitivity as networkx.sigma does; omega = Lr/L - C/Cl
uses average clustering as networkx.omega does. Cr, Lr come from --nrand degree-preserving rewired
graphs, Cl from --nrand lattice rewirings (parallel, one seeded stream each).

Examples:
  kolgraph smallworld fixtures/community
  kolgraph smallworld ../shared/data/karate/karate.edges.tsv --undirected --format json
  kolgraph smallworld big.el --undirected --samples 500 --nrand 8 --seed 7";

/// Arguments of `kolgraph smallworld`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub config: SmallWorldConfig,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph smallworld`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = args.input.load(ctx)?;
    let view = args.input.weight_view(&ds)?;
    let g = CsrGraph::from_property(&ds.graph, &view, ds.undirected);
    let bar = ctx.reporter();
    bar.start("small world", 0);
    let t0 = std::time::Instant::now();
    let r = analyze(&g, &args.config, ctx.seed)?;
    bar.finish();
    ctx.debug(&format!("smallworld: {:.2?}", t0.elapsed()));
    let mut t = Table::new(["metric", "value"]);
    t.title = Some(r.verdict.clone());
    let f = |x: f64| fmt_f(x, 6);
    t.push(["nodes".to_string(), r.nodes.to_string()]);
    t.push(["edges".to_string(), r.edges.to_string()]);
    t.push(["components".to_string(), r.components.to_string()]);
    t.push([
        "largest_component_nodes".to_string(),
        r.lcc_nodes.to_string(),
    ]);
    t.push(["avg_clustering".to_string(), f(r.avg_clustering)]);
    t.push(["transitivity".to_string(), f(r.transitivity)]);
    t.push(["triangles".to_string(), r.triangles.to_string()]);
    t.push(["avg_path_length".to_string(), f(r.avg_path_length)]);
    t.push(["avg_path_length_ci95_low".to_string(), f(r.ci95.0)]);
    t.push(["avg_path_length_ci95_high".to_string(), f(r.ci95.1)]);
    t.push(["path_length_exact".to_string(), r.exact.to_string()]);
    t.push(["bfs_sources".to_string(), r.sources.to_string()]);
    t.push([
        if r.exact {
            "diameter"
        } else {
            "diameter_lower_bound"
        }
        .to_string(),
        r.diameter.to_string(),
    ]);
    t.push(["effective_diameter_90".to_string(), f(r.effective_diameter)]);
    if let (Some(s), Some(o), Some(b)) = (r.sigma, r.omega, &r.baselines) {
        t.push(["sigma".to_string(), f(s)]);
        t.push(["sigma_sd_over_references".to_string(), f(b.sigma_spread.sd)]);
        t.push(["omega".to_string(), f(o)]);
        t.push([
            "random_transitivity_mean".to_string(),
            f(b.random_transitivity.mean),
        ]);
        t.push([
            "random_transitivity_sd".to_string(),
            f(b.random_transitivity.sd),
        ]);
        t.push([
            "random_path_length_mean".to_string(),
            f(b.random_path_length.mean),
        ]);
        t.push([
            "random_path_length_sd".to_string(),
            f(b.random_path_length.sd),
        ]);
        t.push([
            "lattice_clustering_mean".to_string(),
            f(b.lattice_clustering.mean),
        ]);
        t.push([
            "lattice_clustering_sd".to_string(),
            f(b.lattice_clustering.sd),
        ]);
        t.push(["references".to_string(), b.references.to_string()]);
    }
    let json = serde_json::json!({
        "command": "smallworld",
        "seed": ctx.seed,
        "config": args.config,
        "result": r,
    });
    emit(args.output.format, args.output.output.as_deref(), &t, &json)?;
    Ok(ExitStatus::Success)
}
