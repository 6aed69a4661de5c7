//! `kolgraph communities`: Leiden / Louvain / label propagation on the weighted undirected view,
//! with per-community profiles (leaders, consumer-led vs brand-led) and per-member assignments.

use crate::algo::community::{self, CommunityConfig, Partition, ProfileConfig, Profiles};
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::graph::CsrGraph;
use crate::ingest::Dataset;
use crate::output::table::{emit, fmt_f, write_json, Table};
use crate::output::OutputFormat;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

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

const MEMBER_HEADERS: [&str; 6] = [
    "id",
    "kind",
    "community",
    "community_type",
    "leader_rank",
    "leader_score",
];

/// Node `v`'s cells in the members view.
fn member_row(ds: &Dataset, part: &Partition, prof: &Profiles, v: usize) -> [String; 6] {
    let c = part.community[v] as usize;
    [
        ds.graph.id(v as u32).to_string(),
        ds.graph.kind(v as u32).as_str().to_string(),
        c.to_string(),
        prof.communities[c].kind.as_str().to_string(),
        prof.member_rank[v].to_string(),
        fmt_f(prof.leader_score[v], 6),
    ]
}

/// Run `write` on a buffered writer onto `out` (a file) or stdout; a closed stdout pipe is not
/// an error (as in `output::table::write_bytes`).
fn with_output(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> crate::Result<()> {
    match out {
        Some(p) => {
            let f = std::fs::File::create(p).map_err(|e| crate::Error::io("writing", p, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            write(&mut w)
                .and_then(|()| w.flush())
                .map_err(|e| crate::Error::io("writing", p, e))
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            match write(&mut w).and_then(|()| w.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(crate::Error::io("writing", "<stdout>", e)),
            }
        }
    }
}

/// The members view (one row per node), streamed: the same bytes as a `Table` of every row
/// would print, without holding millions of formatted rows. The text table needs its column
/// widths first, so it formats the rows twice (one pass measures, one writes).
fn write_members(
    format: OutputFormat,
    out: Option<&Path>,
    ds: &Dataset,
    part: &Partition,
    prof: &Profiles,
) -> crate::Result<()> {
    let n = part.community.len();
    with_output(out, |w| match format {
        OutputFormat::Csv => {
            let mut cw = csv::Writer::from_writer(w);
            cw.write_record(MEMBER_HEADERS)?;
            for v in 0..n {
                cw.write_record(member_row(ds, part, prof, v))?;
            }
            cw.flush()
        }
        _ => {
            let mut widths: Vec<usize> = MEMBER_HEADERS.iter().map(|h| h.chars().count()).collect();
            for v in 0..n {
                for (wd, c) in widths.iter_mut().zip(member_row(ds, part, prof, v)) {
                    *wd = (*wd).max(c.chars().count());
                }
            }
            crate::output::table::text_line(w, &widths, &MEMBER_HEADERS.map(String::from))?;
            let rule: Vec<String> = widths.iter().map(|&k| "-".repeat(k)).collect();
            crate::output::table::text_line(w, &widths, &rule)?;
            for v in 0..n {
                crate::output::table::text_line(w, &widths, &member_row(ds, part, prof, v))?;
            }
            Ok(())
        }
    })
}

/// The `--format json` document. Fields are declared in sorted key order: the document used to
/// be a `serde_json::Value` (a `BTreeMap`, keys sorted), and streaming it must not change a byte.
#[derive(Serialize)]
struct JsonDoc<'a> {
    command: &'static str,
    communities: JsonCommunities<'a>,
    config: serde_json::Value,
    count: usize,
    iterations: u32,
    levels: u32,
    members: JsonMembers<'a>,
    modularity: f64,
    nodes: usize,
    profile_config: serde_json::Value,
    quality: f64,
    seed: u64,
    trial: u32,
}

/// One community's record (sorted keys, see [`JsonDoc`]).
#[derive(Serialize)]
struct CommunityRecord<'a> {
    brand_accounts: usize,
    brand_centricity: f64,
    brand_lift: f64,
    brand_share: f64,
    brand_z: f64,
    conductance: f64,
    customers: usize,
    density: f64,
    external_weight: f64,
    hub: &'a str,
    hub_asymmetry: f64,
    hub_share: f64,
    id: u32,
    internal_weight: f64,
    leaders: LeaderRecords<'a>,
    modularity_contribution: f64,
    reciprocity: f64,
    size: usize,
    staff_accounts: usize,
    #[serde(rename = "type")]
    kind: community::CommunityType,
    volume: f64,
}

/// A leader as `{"id", "score"}`.
#[derive(Serialize)]
struct LeaderRecord<'a> {
    id: &'a str,
    score: f64,
}

/// A community's leaders, serialized one by one.
struct LeaderRecords<'a> {
    ds: &'a Dataset,
    leaders: &'a [community::Leader],
}

impl Serialize for LeaderRecords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.leaders.iter().map(|l| LeaderRecord {
            id: self.ds.graph.id(l.node),
            score: l.score,
        }))
    }
}

/// Every community, each record built only while it is written.
struct JsonCommunities<'a> {
    ds: &'a Dataset,
    prof: &'a Profiles,
}

impl Serialize for JsonCommunities<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let ds = self.ds;
        s.collect_seq(self.prof.communities.iter().map(|p| CommunityRecord {
            brand_accounts: p.brand_accounts,
            brand_centricity: p.brand_centricity,
            brand_lift: p.brand_lift,
            brand_share: p.brand_share,
            brand_z: p.brand_z,
            conductance: p.conductance,
            customers: p.customers,
            density: p.density,
            external_weight: p.external_weight,
            hub: ds.graph.id(p.hub),
            hub_asymmetry: p.hub_asymmetry,
            hub_share: p.hub_share,
            id: p.id,
            internal_weight: p.internal_weight,
            leaders: LeaderRecords {
                ds,
                leaders: &p.leaders,
            },
            modularity_contribution: p.modularity_contribution,
            reciprocity: p.reciprocity,
            size: p.size,
            staff_accounts: p.staff_accounts,
            kind: p.kind,
            volume: p.volume,
        }))
    }
}

/// One member's record (sorted keys, see [`JsonDoc`]).
#[derive(Serialize)]
struct MemberRecord<'a> {
    community: usize,
    community_type: community::CommunityType,
    id: &'a str,
    kind: &'static str,
    leader_rank: u32,
    leader_score: f64,
}

/// Every node's assignment, each record built only while it is written.
struct JsonMembers<'a> {
    ds: &'a Dataset,
    part: &'a Partition,
    prof: &'a Profiles,
}

impl Serialize for JsonMembers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (ds, part, prof) = (self.ds, self.part, self.prof);
        s.collect_seq((0..part.community.len()).map(|v| {
            let c = part.community[v] as usize;
            MemberRecord {
                community: c,
                community_type: prof.communities[c].kind,
                id: ds.graph.id(v as u32),
                kind: ds.graph.kind(v as u32).as_str(),
                leader_rank: prof.member_rank[v],
                leader_score: prof.leader_score[v],
            }
        }))
    }
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
    // Nothing below looks a node up by its external id (output maps node numbers to ids):
    // free the id → node map (32 B per slot; 256 MiB at 5M nodes) before the detection.
    ds.graph.release_id_index();
    let view = args.input.weight_view(&ds)?;
    // Nothing below reads edge properties (profiles use node kinds and the CSR): move the edge
    // table's rows into the CSR instead of keeping a second copy of every target.
    let mut g = CsrGraph::from_property_take(&mut ds.graph, &view, ds.undirected);
    let mut und = g.undirected();
    // Leiden and Louvain need no stored weight when every arc weighs 1 (unweighted input): free
    // the view's weight array (4 B per arc, a third of the view) for the detection and put it
    // back afterwards, when the level graphs are gone. A symmetric graph's view is `g`'s own
    // rows: hand them over to the view alone first, so that it can be changed in place.
    let mut handed_over = false;
    let mut unit_dropped = false;
    if args.config.method != community::Method::Lpa {
        handed_over = g.symmetric && Arc::ptr_eq(&g.out, &und);
        if handed_over {
            g.out = Arc::default();
            g.inc = Arc::default();
        }
        if let Some(view) = Arc::get_mut(&mut und) {
            unit_dropped = view.drop_unit_weights();
        }
    }
    // The detection's own memory: its peak over the resident set before it. Reported only where
    // the kernel lets us reset the high-water mark first (otherwise the loading peak would hide it).
    let reset = crate::rank::pipeline::reset_peak_rss();
    let rss0 = crate::rank::pipeline::rss_bytes();
    let cpu0 = process_cpu_secs();
    let t0 = std::time::Instant::now();
    let part = community::detect_with(&und, &args.config, ctx.seed, &ctx.reporter())?;
    let elapsed = t0.elapsed();
    if unit_dropped {
        if let Some(view) = Arc::get_mut(&mut und) {
            view.restore_unit_weights();
        }
    }
    if handed_over {
        g.out = Arc::clone(&und);
        g.inc = Arc::clone(&und);
    }
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
    // Per-member output (the members table, the JSON document) is streamed record by record: it
    // holds no per-member strings or `serde_json::Value`s (5M members used to cost ~9 GB as JSON).
    if args.output.format != OutputFormat::Json {
        if args.view == View::Members {
            write_members(
                args.output.format,
                args.output.output.as_deref(),
                &ds,
                &part,
                &prof,
            )?;
            return Ok(ExitStatus::Success);
        }
        let table = communities_table(&ds, &part, &prof, args.top);
        emit(
            args.output.format,
            args.output.output.as_deref(),
            &table,
            &serde_json::Value::Null,
        )?;
        return Ok(ExitStatus::Success);
    }
    // Streamed: every record is serialized straight into the output buffer (a 5M-member
    // document built as `serde_json::Value`s took ~9 GB). Field order = the sorted key order the
    // `Value` document had, so the bytes are the same.
    let config = serde_json::to_value(&args.config)?;
    let profile_config = serde_json::to_value(&pcfg)?;
    let doc = JsonDoc {
        command: "communities",
        communities: JsonCommunities {
            ds: &ds,
            prof: &prof,
        },
        config,
        count: part.count,
        iterations: part.iterations,
        levels: part.levels,
        members: JsonMembers {
            ds: &ds,
            part: &part,
            prof: &prof,
        },
        modularity: part.modularity,
        nodes: part.community.len(),
        profile_config,
        quality: part.quality,
        seed: ctx.seed,
        trial: part.trial,
    };
    write_json(args.output.output.as_deref(), &doc)?;
    Ok(ExitStatus::Success)
}
