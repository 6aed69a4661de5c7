//! `kolgraph analyze`: the main job in one command. Ingest, centralities, communities, small
//! world, spread and seeds, ranking; writes the ranking (CSV + JSON), communities, seeds, a
//! summary JSON (parameters, seed, input hashes, phase times, peak memory) and the charts.

use super::rank::{ranking_table, shift_json, write_ranking_csv, write_ranking_json, RankArgs};
use crate::cli::{Ctx, ExitStatus, InputArgs};
use crate::output::table::write_bytes;
use crate::output::OutputFormat;
use crate::rank::pipeline::{AnalyzeConfig, PhaseTime};
use anyhow::Context as _;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `kolgraph analyze`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Writes to DIR: ranking.csv, ranking.json (full breakdown per customer; compact one-line JSON
above 100,000 customers), communities.csv,
seeds.csv, summary.json (parameters, seed, input SHA-256, per-phase wall time, peak RSS) and charts.
Prints the top customers on stdout.

Examples:
  kolgraph analyze fixtures/community --out out/
  kolgraph analyze data/synthetic --out out/ --seeds 20 --config fixtures/rank.toml --threads 2")]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created if missing; existing files are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of campaign seeds to select.
    #[arg(long, default_value_t = AnalyzeConfig::DEFAULT_SEEDS, value_name = "K")]
    pub seeds: usize,
    /// Customers printed on stdout.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    #[command(flatten)]
    pub rank: RankArgs,
}

fn write_json(path: &Path, v: &impl serde::Serialize) -> anyhow::Result<()> {
    crate::output::table::write_json(Some(path), v)?;
    Ok(())
}

/// Run `kolgraph analyze`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let t0 = Instant::now();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let (ds, a, ingest) = args
        .rank
        .run_analysis_timed(&args.input, ctx, args.seeds, false)?;
    let mut files: Vec<String> = Vec::new();
    let mut skipped: BTreeMap<&str, String> = BTreeMap::new();
    let out = |name: &str| args.out.join(name);

    crate::rank::pipeline::reset_peak_rss();
    let t_out = Instant::now();
    {
        let p = out("ranking.csv");
        let f = std::fs::File::create(&p).with_context(|| format!("writing {}", p.display()))?;
        write_ranking_csv(
            std::io::BufWriter::with_capacity(1 << 20, f),
            &ds,
            &a,
            usize::MAX,
        )?;
    }
    files.push("ranking.csv".into());
    write_ranking_json(Some(&out("ranking.json")), &ds, &a, usize::MAX)?;
    files.push("ranking.json".into());
    for (name, key) in [("communities.csv", "communities"), ("seeds.csv", "seeds")] {
        match a
            .extras
            .get(key)
            .and_then(|v| v.get("csv"))
            .and_then(|v| v.as_str())
        {
            Some(csv) => {
                write_bytes(Some(&out(name)), csv.as_bytes())?;
                files.push(name.into());
            }
            None => {
                let why = a
                    .extras
                    .get(key)
                    .and_then(|v| v.get("unavailable"))
                    .and_then(|v| v.as_str())
                    .unwrap_or("its algorithm module is not in this build yet")
                    .to_string();
                ctx.warn(&format!("{name} not written: {why}"));
                skipped.insert(key, why);
            }
        }
    }
    let count = |f: &dyn Fn(u32) -> Option<&'static str>| {
        let mut m: BTreeMap<&'static str, usize> = BTreeMap::new();
        for &v in a.order() {
            if let Some(k) = f(v) {
                *m.entry(k).or_default() += 1;
            }
        }
        m
    };
    let quadrants = count(&|v| a.quadrant[v as usize].map(|q| q.as_str()));
    let stages = count(&|v| Some(a.lifecycle[v as usize].stage.as_str()));
    let mut roles: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &v in a.order() {
        for r in &a.roles[v as usize] {
            *roles.entry(r.role.as_str()).or_default() += 1;
        }
    }
    let shift = shift_json(&ds, &a);
    let t = ranking_table(&ds, &a, args.top);
    // The per-customer tables are written above: free what the charts and the summary do not
    // read (purchase facts, roles, lifecycle, flags, quadrants, edge probabilities: ≈ 1.5 GB
    // at 5M customers) before the chart inputs are built.
    let mut a = a;
    a.purchase = Vec::new();
    a.roles = Vec::new();
    a.lifecycle = Vec::new();
    a.flags = Vec::new();
    a.quadrant = Vec::new();
    a.probs = None;
    // Charts: degree distribution, CLV × network quadrant, rank shift and community bars
    // (when communities ran), drawn by `crate::output::charts` into DIR/charts.
    {
        use crate::output::charts;
        let inputs = chart_inputs(&ds, &a, ctx.seed);
        match charts::write_all(&args.out.join("charts"), &inputs) {
            Ok(list) => {
                for c in list {
                    for p in [&c.png, &c.svg, &c.csv] {
                        if let Ok(rel) = p.strip_prefix(&args.out) {
                            files.push(rel.display().to_string());
                        }
                    }
                }
            }
            Err(e) => {
                ctx.warn(&format!("charts not written: {e}"));
                skipped.insert("charts", e.to_string());
            }
        }
    }

    let outputs = PhaseTime {
        name: "outputs",
        seconds: t_out.elapsed().as_secs_f64(),
        peak_rss_bytes: crate::rank::pipeline::peak_rss_bytes(),
        rss_bytes: crate::rank::pipeline::rss_bytes(),
    };
    ctx.debug(&super::rank::phase_line(&outputs));
    let mut phases = vec![ingest];
    phases.extend(a.phases.iter().cloned());
    phases.push(outputs);
    let (nc, nb, ns) = ds.graph.kind_counts();
    let extras: BTreeMap<&str, &serde_json::Value> = a
        .extras
        .iter()
        .map(|(k, v)| (*k, v.get("summary").unwrap_or(v)))
        .collect();
    let summary = json!({
        "kolgraph": env!("CARGO_PKG_VERSION"),
        "data": args.input.data,
        "seed": ctx.seed,
        "threads": rayon::current_num_threads(),
        "as_of": a.as_of,
        "parameters": a.config,
        "inputs": ds.report.files,
        "ingest": {
            "interactions": ds.report.interactions,
            "rejected": ds.report.rejects.len(),
            "duplicates": ds.report.duplicates,
            "self_loops": ds.report.self_loops,
            "transactions": ds.report.transactions,
        },
        "graph": {
            "nodes": ds.graph.node_count(),
            "edges": ds.graph.edge_count(),
            "customers": nc,
            "brand_accounts": nb,
            "staff_accounts": ns,
        },
        "network_components": {
            "available": a.network.available,
            "unavailable": a.network.unavailable,
        },
        "results": extras,
        "quadrants": quadrants,
        "stages": stages,
        "roles": roles,
        "shift": shift,
        "top": a.order().iter().take(args.top).map(|&v| ds.graph.id(v)).collect::<Vec<_>>(),
        "files": files,
        "not_written": skipped,
        "phases": phases,
        "wall_seconds": t0.elapsed().as_secs_f64(),
        "peak_rss_bytes": phases.iter().filter_map(|p| p.peak_rss_bytes).max(),
    });
    write_json(&out("summary.json"), &summary)?;
    crate::output::table::emit(OutputFormat::Table, None, &t, &())?;
    ctx.info(&format!(
        "wrote {} and summary.json to {} in {:.2}s",
        files.join(", "),
        args.out.display(),
        t0.elapsed().as_secs_f64()
    ));
    Ok(ExitStatus::Success)
}

/// Legend label of a seed-selection method.
fn seed_label(m: crate::algo::influence::SeedMethod) -> &'static str {
    use crate::algo::influence::SeedMethod;
    match m {
        SeedMethod::Imm => "IMM",
        SeedMethod::Celf => "CELF",
        SeedMethod::Degree => "top degree",
        SeedMethod::Pagerank => "top PageRank",
    }
}

/// Every chart input the full analysis supports (shared by `analyze` and `report`).
pub fn chart_inputs(
    ds: &crate::ingest::Dataset,
    a: &crate::rank::pipeline::Analysis,
    seed: u64,
) -> crate::output::charts::ChartInputs {
    use crate::output::charts::{self, ChartInputs, DegreeDistribution};
    let id_of = |v: u32| ds.graph.id(v).to_string();
    let order = a.order();
    let top: Vec<u32> = order.iter().copied().take(10).collect();
    let nv: Vec<f64> = a.network.nodes.iter().map(|x| x.value).collect();
    ChartInputs {
        degree: Some(DegreeDistribution::from_csr(&a.graph)),
        quadrant: Some(charts::quadrant_from_scores(
            &id_of,
            order,
            &a.purchase_value,
            &nv,
            &top,
        )),
        rank_shift: Some(charts::rank_shift_from_ranks(
            &id_of,
            order,
            &a.ranking.purchase_rank,
            &a.ranking.rank,
        )),
        communities: a.network.nodes.first().and_then(|x| x.community).map(|_| {
            let comm: Vec<u32> = a
                .network
                .nodes
                .iter()
                .map(|x| x.community.unwrap_or(0))
                .collect();
            charts::from_data::community_bars(
                &ds.graph,
                &a.graph,
                &comm,
                a.community_types.as_deref(),
            )
        }),
        lorenz: a
            .network
            .nodes
            .iter()
            .any(|x| x.influence.is_some())
            .then(|| charts::LorenzInput {
                label: "PageRank".to_string(),
                scores: a
                    .network
                    .nodes
                    .iter()
                    .map(|x| x.influence.unwrap_or(0.0))
                    .collect(),
            }),
        spread: a.seed_sets.first().map(|s| {
            let e = &s.spread;
            let mut series = vec![charts::SpreadSeries {
                label: format!(
                    "campaign: {} seeds ({})",
                    s.seeds.len(),
                    seed_label(s.method)
                ),
                polarity: charts::Polarity::Positive,
                mean: e.per_step_mean.clone(),
                lo: e.per_step_ci.iter().map(|c| c.0).collect(),
                hi: e.per_step_ci.iter().map(|c| c.1).collect(),
            }];
            if e.per_step_negative.iter().any(|&x| x > 0.0) {
                series.push(charts::SpreadSeries {
                    label: "negative word of mouth".to_string(),
                    polarity: charts::Polarity::Negative,
                    mean: e.per_step_negative.clone(),
                    lo: e.per_step_negative.clone(),
                    hi: e.per_step_negative.clone(),
                });
            }
            series
        }),
        seeds: (!a.seed_sets.is_empty()).then(|| {
            a.seed_sets
                .iter()
                .map(|s| charts::SeedCurve {
                    method: seed_label(s.method).to_string(),
                    cumulative: s.cumulative_spread.clone(),
                })
                .collect()
        }),
        smallworld: a.small_world.as_ref().and_then(|s| {
            s.baselines.as_ref().map(|b| charts::SmallWorldBars {
                clustering: s.avg_clustering,
                path_length: s.avg_path_length,
                random_clustering_mean: b.random_clustering.mean,
                random_clustering_sd: b.random_clustering.sd,
                random_path_length_mean: b.random_path_length.mean,
                random_path_length_sd: b.random_path_length.sd,
                lattice_clustering: b.lattice_clustering.mean,
                lattice_path_length: b.lattice_path_length.mean,
                sigma: s.sigma,
                omega: s.omega,
            })
        }),
        ego: {
            // The top opinion leader: the customer with the highest influence score.
            let pr: Vec<f64> = a
                .network
                .nodes
                .iter()
                .map(|x| x.influence.unwrap_or(0.0))
                .collect();
            let comm: Vec<u32> = a
                .network
                .nodes
                .iter()
                .map(|x| x.community.unwrap_or(0))
                .collect();
            crate::algo::rank_order(&pr)
                .into_iter()
                .find(|&v| a.customers[v as usize])
                .filter(|_| a.graph.m() > 0)
                .and_then(|c| charts::ego_network(&a.graph, c, &id_of, &comm, &pr, 60).ok())
        },
        seed,
    }
}
