//! `kolgraph rank`: the customer-importance ranking (purchase value blended with network value).

use crate::algo::centrality::betweenness::BetweennessConfig;
use crate::algo::centrality::pagerank::PageRankConfig;
use crate::algo::community::CommunityConfig;
use crate::algo::diffusion::probability::ProbabilityConfig;
use crate::algo::diffusion::SpreadConfig;
use crate::algo::influence::{SeedConfig, SeedMethod};
use crate::algo::small_world::SmallWorldConfig;
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::ingest::Dataset;
use crate::output::table::{emit, fmt_f, write_bytes, write_json_as};
use crate::output::{OutputFormat, Table};
use crate::rank::config::{BlendMethod, InfluenceMeasure, RankConfig};
use crate::rank::pipeline::{analyze, Analysis, AnalyzeConfig, PhaseTime};
use anyhow::Context as _;
use serde::Serialize;
use std::path::PathBuf;

/// Ranking options shared by `rank`, `explain` and `analyze`.
#[derive(Debug, Clone, clap::Args)]
pub struct RankArgs {
    /// TOML file with the ranking weights and thresholds (every key optional; see fixtures/rank.toml
    /// and docs/ranking.md).
    #[arg(long, value_name = "FILE", help_heading = "Ranking")]
    pub config: Option<PathBuf>,
    /// Weight of purchase value in the blend (overrides [blend] purchase; default 0.5).
    #[arg(long, value_name = "W", help_heading = "Ranking")]
    pub purchase_weight: Option<f64>,
    /// Weight of network value in the blend (overrides [blend] network; default 0.5).
    #[arg(long, value_name = "W", help_heading = "Ranking")]
    pub network_weight: Option<f64>,
    /// Centrality that stands for influence (overrides `influence`; default pagerank).
    #[arg(long, value_enum, value_name = "MEASURE", help_heading = "Ranking")]
    pub influence: Option<InfluenceMeasure>,
    /// How purchase and network value are combined (overrides [blend] method; default value:
    /// CLV + network value in money; percentile: weighted mean of percentiles).
    #[arg(long, value_enum, value_name = "METHOD", help_heading = "Ranking")]
    pub blend_method: Option<BlendMethod>,
    /// PageRank used as influence.
    #[command(flatten)]
    pub pagerank: PageRankConfig,
    /// Community detection.
    #[command(flatten)]
    pub community: CommunityConfig,
    /// Edge activation probabilities of the spread model.
    #[command(flatten)]
    pub probability: ProbabilityConfig,
    /// Spread model (reach and seeds).
    #[command(flatten)]
    pub spread: SpreadConfig,
    /// Small-world summary.
    #[command(flatten)]
    pub small_world: SmallWorldConfig,
    /// Betweenness: sampled sources (default automatic: exact up to 20,000 nodes, 512 sampled
    /// sources above; 0 = always exact).
    #[arg(long, value_name = "K", help_heading = "Betweenness")]
    pub bc_samples: Option<usize>,
    /// Seed-selection method of the campaign seeds.
    #[arg(long, value_enum, default_value_t = SeedMethod::Imm, help_heading = "Seeds")]
    pub seed_method: SeedMethod,
    /// IMM accuracy: the seed set is within (1 − 1/e − ε) of the optimum.
    #[arg(long, default_value_t = SeedConfig::default().epsilon, help_heading = "Seeds")]
    pub epsilon: f64,
}

/// One `-v` line per phase: wall time and peak RSS.
pub fn phase_line(p: &PhaseTime) -> String {
    let mib = |b: Option<u64>| {
        b.map_or_else(
            || "n/a".to_string(),
            |b| format!("{:.1} MiB", b as f64 / 1048576.0),
        )
    };
    format!(
        "phase {:>14}: {:>8.3}s  peak RSS {}  RSS {}",
        p.name,
        p.seconds,
        mib(p.peak_rss_bytes),
        mib(p.rss_bytes)
    )
}

impl RankArgs {
    /// The ranking configuration: defaults, then the TOML file, then the flags; validated.
    ///
    /// # Errors
    /// Unreadable or invalid TOML, invalid weights.
    pub fn rank_config(&self) -> anyhow::Result<RankConfig> {
        let mut cfg = match &self.config {
            Some(p) => RankConfig::from_file(p)?,
            None => RankConfig::default(),
        };
        if let Some(w) = self.purchase_weight {
            cfg.blend.purchase = w;
        }
        if let Some(w) = self.network_weight {
            cfg.blend.network = w;
        }
        if let Some(i) = self.influence {
            cfg.influence = i;
        }
        if let Some(m) = self.blend_method {
            cfg.blend.method = m;
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Load the data and run the analysis.
    ///
    /// # Errors
    /// Ingest errors, invalid configuration, no customers.
    pub fn run_analysis(
        &self,
        input: &InputArgs,
        ctx: &Ctx,
        seeds: usize,
        ranking_only: bool,
    ) -> anyhow::Result<(Dataset, Analysis)> {
        self.run_analysis_timed(input, ctx, seeds, ranking_only)
            .map(|(ds, a, _)| (ds, a))
    }

    /// The analysis configuration these flags describe (for `seeds` campaign seeds).
    ///
    /// # Errors
    /// Invalid ranking configuration or algorithm parameters.
    pub fn analyze_config(
        &self,
        view: crate::graph::WeightView,
        seeds: usize,
        ranking_only: bool,
    ) -> anyhow::Result<AnalyzeConfig> {
        let rank = self.rank_config()?;
        self.spread.validate()?;
        self.probability.model()?;
        Ok(AnalyzeConfig {
            rank,
            view,
            seeds,
            ranking_only,
            community: self.community.clone(),
            probability: self.probability.clone(),
            spread: self.spread.clone(),
            small_world: self.small_world.clone(),
            pagerank: self.pagerank.clone(),
            betweenness: BetweennessConfig {
                samples: self.bc_samples.filter(|&k| k > 0),
                ..BetweennessConfig::default()
            },
            exact_betweenness: self.bc_samples == Some(0),
            seed_method: self.seed_method,
            epsilon: self.epsilon,
        })
    }

    /// Load the data and run the analysis; also returns the ingest phase (time, peak RSS).
    /// Every phase is printed with `-v`.
    ///
    /// # Errors
    /// Ingest errors, invalid configuration, no customers.
    pub fn run_analysis_timed(
        &self,
        input: &InputArgs,
        ctx: &Ctx,
        seeds: usize,
        ranking_only: bool,
    ) -> anyhow::Result<(Dataset, Analysis, PhaseTime)> {
        // Validate the flags before the (possibly long) ingest.
        self.analyze_config(crate::graph::WeightView::default(), seeds, ranking_only)?;
        let (ds, ingest) = PhaseTime::measure("ingest", || input.load(ctx));
        let ds = ds?;
        ctx.debug(&phase_line(&ingest));
        let view = input.weight_view(&ds)?;
        let cfg = self.analyze_config(view, seeds, ranking_only)?;
        let bar = ctx.reporter();
        let a = analyze(&ds, &cfg, ctx.seed, &bar).context("ranking customers")?;
        for p in &a.phases {
            ctx.debug(&phase_line(p));
        }
        if let Some(notes) = a.extras.get("notes").and_then(|n| n.get("summary")) {
            for n in notes.as_array().into_iter().flatten() {
                ctx.info(n.as_str().unwrap_or_default());
            }
        }
        for (c, why) in &a.network.unavailable {
            ctx.warn(&format!("network component {c} unavailable: {why}"));
        }
        Ok((ds, a, ingest))
    }
}

/// Arguments of `kolgraph rank`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Importance = purchase-value percentile blended with network-value percentile (docs/ranking.md).

Examples:
  kolgraph rank fixtures/community --top 20
  kolgraph rank fixtures/community --format json -o ranking.json   # full breakdown per customer
  kolgraph rank fixtures/community --network-weight 0.8 --purchase-weight 0.2
  kolgraph rank fixtures/community --config fixtures/rank.toml --format csv
  kolgraph rank fixtures/community --shift                          # hidden influencers, isolated big spenders")]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rank: RankArgs,
    /// Show only the first N customers (default: 30 in a table, all in CSV/JSON).
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,
    /// Print the rank-shift report (purchase-only vs blended) instead of the ranking.
    #[arg(long, help_heading = "Output")]
    pub shift: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The JSON document of `rank` (and `ranking.json`).
#[derive(Debug, Serialize)]
pub struct RankingJson<'a> {
    /// Tool version.
    pub kolgraph: &'static str,
    /// Seed.
    pub seed: u64,
    /// Reference time (unix seconds).
    pub as_of: Option<i64>,
    /// Ranking configuration.
    pub parameters: &'a RankConfig,
    /// Customers ranked.
    pub customers: usize,
    /// Network components used.
    pub components_available: &'a [&'static str],
    /// Network components left out, with the reason.
    pub components_unavailable: Vec<(String, String)>,
    /// Rank-shift report.
    pub shift: ShiftJson,
    /// One record per customer, in blended order.
    pub ranking: Records<'a>,
}

/// The per-customer records of a ranking, serialized one at a time (never all in memory).
pub struct Records<'a> {
    ds: &'a Dataset,
    a: &'a Analysis,
    top: usize,
}

impl std::fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Records({} of {})",
            self.top.min(self.a.order().len()),
            self.a.order().len()
        )
    }
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(
            self.a
                .order()
                .iter()
                .take(self.top)
                .map(|&v| self.a.record(&self.ds.graph, v)),
        )
    }
}

/// The rank-shift report with external ids.
#[derive(Debug, Serialize)]
pub struct ShiftJson {
    /// Customers ranked higher once the network counts.
    pub moved_up: usize,
    /// Customers ranked lower.
    pub moved_down: usize,
    /// Mean absolute rank shift.
    pub mean_abs_shift: f64,
    /// Spearman ρ between purchase-only and blended ranks.
    pub spearman: Option<f64>,
    /// Number of hidden influencers.
    pub hidden_influencers_count: usize,
    /// Hidden influencers (low spend, high network value), ids.
    pub hidden_influencers: Vec<String>,
    /// Number of isolated big spenders.
    pub isolated_big_spenders_count: usize,
    /// Isolated big spenders (high spend, low network value), ids.
    pub isolated_big_spenders: Vec<String>,
}

/// Shift report with ids.
pub fn shift_json(ds: &Dataset, a: &Analysis) -> ShiftJson {
    let s = &a.shift;
    let ids = |v: &[u32]| v.iter().map(|&x| ds.graph.id(x).to_string()).collect();
    ShiftJson {
        moved_up: s.moved_up,
        moved_down: s.moved_down,
        mean_abs_shift: s.mean_abs_shift,
        spearman: s.spearman,
        hidden_influencers_count: s.hidden_influencers.len(),
        hidden_influencers: ids(&s.hidden_influencers),
        isolated_big_spenders_count: s.isolated_big_spenders.len(),
        isolated_big_spenders: ids(&s.isolated_big_spenders),
    }
}

/// Largest ranking (customer records written) printed as pretty JSON; larger rankings are
/// written compact (one line), about half the bytes: a pretty 5M-customer ranking.json was
/// over 7.3 GB. Same document, same numbers, only the whitespace differs.
pub const RANKING_JSON_PRETTY_MAX: usize = 100_000;

/// Whether a ranking JSON with `records` customer records is pretty-printed.
pub fn ranking_json_pretty(records: usize) -> bool {
    records <= RANKING_JSON_PRETTY_MAX
}

/// Write the ranking JSON document of the first `top` customers (pretty up to
/// [`RANKING_JSON_PRETTY_MAX`] records, compact above).
///
/// # Errors
/// I/O errors.
pub fn write_ranking_json(
    out: Option<&std::path::Path>,
    ds: &Dataset,
    a: &Analysis,
    top: usize,
) -> crate::error::Result<()> {
    let records = top.min(a.order().len());
    write_json_as(out, &ranking_json(ds, a, top), ranking_json_pretty(records))
}

/// The ranking JSON document (first `top` customers).
pub fn ranking_json<'a>(ds: &'a Dataset, a: &'a Analysis, top: usize) -> RankingJson<'a> {
    RankingJson {
        kolgraph: env!("CARGO_PKG_VERSION"),
        seed: a.seed,
        as_of: a.as_of,
        parameters: &a.config.rank,
        customers: a.n_customers,
        components_available: &a.network.available,
        components_unavailable: a
            .network
            .unavailable
            .iter()
            .map(|(c, r)| ((*c).to_string(), r.clone()))
            .collect(),
        shift: shift_json(ds, a),
        ranking: Records { ds, a, top },
    }
}

fn opt(x: Option<f64>, d: usize) -> String {
    x.map_or_else(|| "-".to_string(), |x| fmt_f(x, d))
}

/// Columns of the ranking table and `ranking.csv`.
pub const RANKING_HEADERS: [&str; 17] = [
    "rank",
    "id",
    "importance",
    "purchase_pct",
    "network_pct",
    "clv",
    "rfm",
    "purchase_rank",
    "shift",
    "influence_pct",
    "reach_pct",
    "brokerage_pct",
    "community",
    "quadrant",
    "stage",
    "roles",
    "flags",
];

/// One row of the ranking table.
fn ranking_row(ds: &Dataset, a: &Analysis, v: u32) -> [String; 17] {
    let r = a.record(&ds.graph, v);
    let roles: Vec<&str> = r.roles.iter().map(|h| h.role.as_str()).collect();
    [
        r.rank.to_string(),
        r.id,
        fmt_f(r.importance, 4),
        fmt_f(r.purchase_pct, 3),
        fmt_f(r.network_pct, 3),
        fmt_f(r.purchase.clv, 2),
        r.purchase.rfm_cell(),
        r.purchase_rank.to_string(),
        format!("{:+}", r.rank_shift),
        opt(r.network.influence_pct, 3),
        opt(r.network.reach_pct, 3),
        opt(r.network.brokerage_pct, 3),
        r.network
            .community
            .map_or_else(|| "-".to_string(), |c| c.to_string()),
        r.quadrant.to_string(),
        r.stage.to_string(),
        if roles.is_empty() {
            "-".to_string()
        } else {
            roles.join(";")
        },
        if r.flags.is_empty() {
            "-".to_string()
        } else {
            r.flags.join(";")
        },
    ]
}

/// The ranking as a table (first `top` customers).
pub fn ranking_table(ds: &Dataset, a: &Analysis, top: usize) -> Table {
    let mut t = Table::new(RANKING_HEADERS);
    for &v in a.order().iter().take(top) {
        t.push(ranking_row(ds, a, v));
    }
    t
}

/// Stream the ranking as CSV (the bytes of `ranking_table(..).write_csv`) without holding every
/// row: at millions of customers the table would cost gigabytes.
///
/// # Errors
/// I/O errors of the writer.
pub fn write_ranking_csv(
    w: impl std::io::Write,
    ds: &Dataset,
    a: &Analysis,
    top: usize,
) -> crate::error::Result<()> {
    let err = |e: csv::Error| crate::error::Error::Other(e.to_string());
    let mut cw = csv::Writer::from_writer(w);
    cw.write_record(RANKING_HEADERS).map_err(err)?;
    for &v in a.order().iter().take(top) {
        cw.write_record(ranking_row(ds, a, v)).map_err(err)?;
    }
    cw.flush()
        .map_err(|e| crate::error::Error::Other(e.to_string()))?;
    Ok(())
}

/// The rank-shift report as a table.
pub fn shift_table(ds: &Dataset, a: &Analysis, list: usize) -> Table {
    let mut t = Table::new([
        "group",
        "id",
        "rank",
        "purchase_rank",
        "shift",
        "purchase_pct",
        "network_pct",
    ]);
    let s = &a.shift;
    t.title = Some(format!(
        "rank shift: {} hidden influencers, {} isolated big spenders; {} moved up, {} down; Spearman ρ {}",
        s.hidden_influencers.len(),
        s.isolated_big_spenders.len(),
        s.moved_up,
        s.moved_down,
        opt(s.spearman, 3)
    ));
    for (group, list_v) in [
        ("hidden-influencer", &s.hidden_influencers),
        ("isolated-big-spender", &s.isolated_big_spenders),
    ] {
        for &v in list_v.iter().take(list) {
            let i = v as usize;
            t.push([
                group.to_string(),
                ds.graph.id(v).to_string(),
                a.ranking.rank[i].to_string(),
                a.ranking.purchase_rank[i].to_string(),
                format!("{:+}", a.ranking.shift(v)),
                fmt_f(a.ranking.purchase_pct[i], 3),
                fmt_f(a.ranking.network_pct[i], 3),
            ]);
        }
    }
    t
}

/// Run `kolgraph rank`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let (ds, a) = args.rank.run_analysis(&args.input, ctx, 0, true)?;
    let top = args.top.unwrap_or(match args.output.format {
        OutputFormat::Table => 30,
        _ => usize::MAX,
    });
    let out = args.output.output.as_deref();
    if args.shift {
        let list = args.top.unwrap_or(a.config.rank.shift.list);
        let t = shift_table(&ds, &a, list);
        emit(args.output.format, out, &t, &shift_json(&ds, &a))?;
    } else {
        // Build only the form that is written (the other could cost gigabytes at scale).
        match args.output.format {
            OutputFormat::Json => write_ranking_json(out, &ds, &a, top)?,
            OutputFormat::Csv => {
                let mut buf: Vec<u8> = Vec::new();
                match out {
                    Some(p) => {
                        let f = std::fs::File::create(p)
                            .with_context(|| format!("writing {}", p.display()))?;
                        write_ranking_csv(
                            std::io::BufWriter::with_capacity(1 << 20, f),
                            &ds,
                            &a,
                            top,
                        )?;
                    }
                    None => {
                        write_ranking_csv(&mut buf, &ds, &a, top)?;
                        write_bytes(None, &buf)?;
                    }
                }
            }
            OutputFormat::Table => {
                let t = ranking_table(&ds, &a, top);
                emit(args.output.format, out, &t, &serde_json::Value::Null)?;
            }
        }
    }
    Ok(ExitStatus::Success)
}
