//! `kolgraph communities`: Leiden / Louvain / label propagation on the weighted undirected view,
//! with per-community profiles (leaders, consumer-led vs brand-led) and per-member assignments.

use crate::algo::community::{self, CommunityConfig, Partition, ProfileConfig, Profiles};
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::ingest::Dataset;
use crate::output::table::{emit, fmt_f, Table};
use crate::output::OutputFormat;
use serde_json::json;

/// User + system CPU seconds of this process so far (Linux /proc/self/stat, in USER_HZ = 100
/// ticks); None elsewhere.
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Which table `--format table|csv` prints (JSON always carries both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    /// One row per community: size, type, brand centricity, leaders, quality figures.
    Communities,
    /// One row per node: community id, community type, leader rank inside the community.
    Members,
}

/// Arguments of `kolgraph communities`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  kolgraph communities data/brand/                         # Leiden, modularity, per-community table
  kolgraph communities data/brand/ --view members --format csv -o members.csv
  kolgraph communities edges.tsv --undirected --method louvain --resolution 0.8
  kolgraph communities data/brand/ --objective cpm --resolution 0.05 --format json
  kolgraph communities data/brand/ --trials 5 --threads 2 --seed 7   # same output for any --threads

Community ids are dense: 0 is the largest community (ties: smallest member). Type: brand-led when
brand centricity >= --brand-threshold (share of interaction weight touching brand/staff accounts,
or a brand/staff hub's share of internal weight), or when that share is at least --brand-lift times
the rest of the graph's with binomial z >= --brand-z; else consumer-led. Leader rank: position by
PageRank inside the community's own directed subgraph.")]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub config: CommunityConfig,
    #[command(flatten)]
    pub profile: ProfileConfig,
    /// Table shown with --format table|csv.
    #[arg(long, value_enum, default_value_t = View::Communities, help_heading = "Output")]
    pub view: View,
    /// Communities listed in the communities view (0 = all).
    #[arg(long, default_value_t = 50, value_name = "N", help_heading = "Output")]
    pub top: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn leaders_text(ds: &Dataset, p: &community::CommunityProfile) -> String {
    p.leaders
        .iter()
        .map(|l| format!("{}:{}", ds.graph.id(l.node), fmt_f(l.score, 3)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn communities_table(ds: &Dataset, part: &Partition, prof: &Profiles, top: usize) -> Table {
    let mut t = Table::new([
        "community",
        "size",
        "customers",
        "brand",
        "staff",
        "type",
        "brand_centricity",
        "brand_lift",
        "internal_w",
        "external_w",
        "q_contrib",
        "conductance",
        "density",
        "reciprocity",
        "leaders",
    ]);
    let limit = if top == 0 { usize::MAX } else { top };
    for p in prof.communities.iter().take(limit) {
        t.push([
            p.id.to_string(),
            p.size.to_string(),
            p.customers.to_string(),
            p.brand_accounts.to_string(),
            p.staff_accounts.to_string(),
            p.kind.as_str().to_string(),
            fmt_f(p.brand_centricity, 3),
            fmt_f(p.brand_lift, 2),
            fmt_f(p.internal_weight, 2),
            fmt_f(p.external_weight, 2),
            fmt_f(p.modularity_contribution, 4),
            fmt_f(p.conductance, 3),
            fmt_f(p.density, 3),
            fmt_f(p.reciprocity, 3),
            leaders_text(ds, p),
        ]);
    }
    t.title = Some(format!(
        "{} communities, modularity {}, {} level(s), {} iteration(s){}",
        part.count,
        fmt_f(part.modularity, 4),
        part.levels,
        part.iterations,
        if prof.communities.len() > limit {
            format!(" (largest {limit} shown; --top 0 for all)")
        } else {
            String::new()
        }
    ));
    t
}

fn members_table(ds: &Dataset, part: &Partition, prof: &Profiles) -> Table {
    let mut t = Table::new([
        "id",
        "kind",
        "community",
        "community_type",
        "leader_rank",
        "leader_score",
    ]);
    for v in 0..part.community.len() {
        let c = part.community[v] as usize;
        t.push([
            ds.graph.id(v as u32).to_string(),
            ds.graph.kind(v as u32).as_str().to_string(),
            c.to_string(),
            prof.communities[c].kind.as_str().to_string(),
            prof.member_rank[v].to_string(),
            fmt_f(prof.leader_score[v], 6),
        ]);
    }
    t
}

/// Run `kolgraph communities`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    args.config.validate()?;
    if !(0.0..=1.0).contains(&args.profile.brand_threshold) {
        return Err(crate::Error::param(
            "--brand-threshold",
            args.profile.brand_threshold,
            "a number in [0, 1]",
        )
        .into());
    }
    if !(args.profile.brand_lift.is_finite() && args.profile.brand_lift >= 0.0) {
        return Err(crate::Error::param(
            "--brand-lift",
            args.profile.brand_lift,
            "a finite number >= 0",
        )
        .into());
    }
    if !args.profile.brand_z.is_finite() {
        return Err(
            crate::Error::param("--brand-z", args.profile.brand_z, "a finite number").into(),
        );
    }
    let mut ds = args.input.load(ctx)?;
    if ds.graph.node_count() == 0 {
        return Err(crate::Error::EmptyGraph("no nodes to partition".into()).into());
    }
    let view = args.input.weight_view(&ds)?;
    // Nothing below reads edge properties (profiles use node kinds and the CSR): move the edge
    // table's rows into the CSR instead of keeping a second copy of every target.
    let g = CsrGraph::from_property_take(&mut ds.graph, &view, ds.undirected);
    let und = g.undirected();
    // The detection's own memory: its peak over the resident set before it. Reported only where
    // the kernel lets us reset the high-water mark first (otherwise the loading peak would hide it).
    let reset = crate::rank::pipeline::reset_peak_rss();
    let rss0 = crate::rank::pipeline::rss_bytes();
    let cpu0 = process_cpu_secs();
    let t0 = std::time::Instant::now();
    let part = community::detect_with(&und, &args.config, ctx.seed, &ctx.reporter())?;
    let elapsed = t0.elapsed();
    // CPU seconds of all threads: on a loaded machine wall time mostly measures the load.
    let cpu = match (cpu0, process_cpu_secs()) {
        (Some(a), Some(b)) => format!(" (CPU {:.2}s)", b - a),
        _ => String::new(),
    };
    let mem = match (rss0, crate::rank::pipeline::peak_rss_bytes()) {
        (Some(r), Some(p)) if reset => format!(
            ", detection peak +{:.1} MiB over {:.1} MiB resident",
            p.saturating_sub(r) as f64 / 1048576.0,
            r as f64 / 1048576.0
        ),
        _ => String::new(),
    };
    ctx.debug(&format!(
        "communities: {} found, modularity {:.6}, {} level(s), {} iteration(s), trial {} in {:.2?}{cpu}{mem}",
        part.count, part.modularity, part.levels, part.iterations, part.trial, elapsed
    ));
    let mut pcfg = args.profile.clone();
    pcfg.resolution = match (args.config.method, args.config.objective) {
        (community::Method::Lpa, _) | (_, community::Objective::Cpm) => 1.0,
        _ => args.config.resolution,
    };
    // The level graphs are gone; the undirected view is not needed any more either (profiles
    // build their own), so free it before profiling to keep the peak down.
    drop(und);
    let prof = community::profile(&ds, &g, &part, &pcfg);
    drop(g);
    // Build only what the chosen format prints: the JSON document of a million members is several
    // hundred MB of `serde_json::Value`s, the members table a few tens.
    if args.output.format != OutputFormat::Json {
        let table = match args.view {
            View::Communities => communities_table(&ds, &part, &prof, args.top),
            View::Members => members_table(&ds, &part, &prof),
        };
        emit(
            args.output.format,
            args.output.output.as_deref(),
            &table,
            &serde_json::Value::Null,
        )?;
        return Ok(ExitStatus::Success);
    }
    let comms: Vec<_> = prof
        .communities
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "size": p.size,
                "customers": p.customers,
                "brand_accounts": p.brand_accounts,
                "staff_accounts": p.staff_accounts,
                "type": p.kind,
                "brand_centricity": p.brand_centricity,
                "brand_share": p.brand_share,
                "brand_lift": p.brand_lift,
                "brand_z": p.brand_z,
                "hub": ds.graph.id(p.hub),
                "hub_share": p.hub_share,
                "hub_asymmetry": p.hub_asymmetry,
                "internal_weight": p.internal_weight,
                "external_weight": p.external_weight,
                "volume": p.volume,
                "modularity_contribution": p.modularity_contribution,
                "conductance": p.conductance,
                "density": p.density,
                "reciprocity": p.reciprocity,
                "leaders": p.leaders.iter().map(|l| json!({"id": ds.graph.id(l.node), "score": l.score})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let members: Vec<_> = (0..part.community.len())
        .map(|v| {
            let c = part.community[v] as usize;
            json!({
                "id": ds.graph.id(v as u32),
                "kind": ds.graph.kind(v as u32).as_str(),
                "community": c,
                "community_type": prof.communities[c].kind,
                "leader_rank": prof.member_rank[v],
                "leader_score": prof.leader_score[v],
            })
        })
        .collect();
    let doc = json!({
        "command": "communities",
        "config": &args.config,
        "profile_config": &pcfg,
        "seed": ctx.seed,
        "nodes": part.community.len(),
        "count": part.count,
        "modularity": part.modularity,
        "quality": part.quality,
        "levels": part.levels,
        "iterations": part.iterations,
        "trial": part.trial,
        "communities": comms,
        "members": members,
    });
    emit(
        args.output.format,
        args.output.output.as_deref(),
        &Table::new(["id"]),
        &doc,
    )?;
    Ok(ExitStatus::Success)
}
