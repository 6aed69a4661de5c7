//! The main job behind `kolgraph analyze`, `rank` and `explain`: from a loaded [`Dataset`] to a
//! complete [`Analysis`] (centralities, communities, spread, seeds, small world, purchase value,
//! network value, blend, roles, quadrant, lifecycle, rank shift), with the wall time of every phase.
//!
//! Each algorithm input comes from its own module. When a module cannot run (e.g. the graph has
//! no edges) its component is left out of network value and listed under `unavailable` with
//! the reason; nothing is ever filled with made-up numbers.
//!
//! Determinism: every phase is deterministic for a given seed and any thread count (each
//! algorithm guarantees it; the ranking code here is sequential), so the ranking is byte-identical
//! for `--threads 1` and `--threads 2`.

use super::blend::{blend, shift_report, Ranking, ShiftReport};
use super::config::{InfluenceMeasure, ReachCredit};
use super::config::{PurchaseScore, RankConfig};
use super::lifecycle::{lifecycle, LifecycleInfo};
use super::network::{
    money_values, network_values, recent_sentiment, NetworkInputs, NetworkValues,
};
use super::percentiles;
use super::purchase::{purchase_values, PurchaseValue};
use super::roles::{neighbour_communities, quadrant, roles_of, Quadrant, RoleHit, RoleInputs};
use crate::algo::centrality::betweenness::{betweenness, BetweennessConfig};
use crate::algo::centrality::kcore::kcore;
use crate::algo::centrality::leaderrank::{leaderrank, LeaderRankConfig};
use crate::algo::centrality::pagerank::{pagerank, PageRankConfig};
use crate::algo::community::{
    detect, profile, CommunityConfig, CommunityType, ProfileConfig, Profiles,
};
use crate::algo::diffusion::probability::{EdgeProbabilities, ProbabilityConfig};
use crate::algo::diffusion::sub_seed;
use crate::algo::diffusion::{auto_rr_sets, simulate, top_reached, SpreadConfig, SpreadModel};
use crate::algo::influence::imm::{rr_pilot, rr_tally, RrTally, SHARE_ONE};
use crate::algo::influence::{
    choose_seeds, evaluate_on_rr, Chosen, SeedConfig, SeedMethod, SeedSet, EVAL_TAG,
};
use crate::algo::small_world::SmallWorldReport;
use crate::algo::small_world::{analyze as small_world, SmallWorldConfig};
use crate::algo::{NodeId, Progress};
use crate::error::{Error, Result};
use crate::graph::{CsrGraph, NodeKind, WeightView};
use crate::ingest::Dataset;
use crate::output::table::fmt_f;
use crate::output::Table;
use serde::Serialize;
use serde_json::json;
use std::time::Instant;

/// Everything `analyze` needs besides the data.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzeConfig {
    /// Ranking weights and thresholds.
    pub rank: RankConfig,
    /// How interactions become arc weights.
    pub view: WeightView,
    /// Number of campaign seeds to pick.
    pub seeds: usize,
    /// Skip the expensive phases that only feed the report (small world, seed selection).
    pub ranking_only: bool,
    /// Community detection.
    pub community: CommunityConfig,
    /// Edge activation probabilities of the spread model.
    pub probability: ProbabilityConfig,
    /// Spread model (reach when seeded alone, seeds).
    pub spread: SpreadConfig,
    /// Small-world analysis.
    pub small_world: SmallWorldConfig,
    /// PageRank (influence).
    pub pagerank: PageRankConfig,
    /// Betweenness (brokerage); `samples: None` = automatic: exact up to
    /// [`BETWEENNESS_EXACT_MAX`] nodes, [`betweenness_auto_samples`] sampled sources above.
    pub betweenness: BetweennessConfig,
    /// Force exact betweenness even on large graphs (overrides the automatic switch).
    pub exact_betweenness: bool,
    /// Seed-selection method.
    pub seed_method: SeedMethod,
    /// IMM accuracy ε.
    pub epsilon: f64,
}

impl AnalyzeConfig {
    /// Default number of seeds.
    pub const DEFAULT_SEEDS: usize = 10;
}

impl Default for AnalyzeConfig {
    fn default() -> Self {
        AnalyzeConfig {
            rank: RankConfig::default(),
            view: WeightView::default(),
            seeds: Self::DEFAULT_SEEDS,
            ranking_only: false,
            community: CommunityConfig::default(),
            probability: ProbabilityConfig::default(),
            spread: SpreadConfig::default(),
            small_world: SmallWorldConfig::default(),
            pagerank: PageRankConfig::default(),
            betweenness: BetweennessConfig::default(),
            exact_betweenness: false,
            seed_method: SeedMethod::Imm,
            epsilon: SeedConfig::default().epsilon,
        }
    }
}

/// Wall time and memory of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseTime {
    /// Phase name.
    pub name: &'static str,
    /// Wall seconds.
    pub seconds: f64,
    /// Peak resident set size during the phase in bytes (Linux: the high-water mark VmHWM,
    /// reset at the start of the phase through /proc/self/clear_refs when the kernel allows it,
    /// else the process peak so far); None where /proc is unavailable.
    pub peak_rss_bytes: Option<u64>,
    /// Resident set size at the end of the phase (VmRSS); None where unavailable.
    pub rss_bytes: Option<u64>,
}

impl PhaseTime {
    /// Time `f` as phase `name`, with its peak memory.
    pub fn measure<T>(name: &'static str, f: impl FnOnce() -> T) -> (T, PhaseTime) {
        reset_peak_rss();
        let t0 = Instant::now();
        let out = f();
        let p = PhaseTime {
            name,
            seconds: t0.elapsed().as_secs_f64(),
            peak_rss_bytes: peak_rss_bytes(),
            rss_bytes: rss_bytes(),
        };
        (out, p)
    }
}

fn proc_status_kb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Peak resident set size in bytes since the process start or the last [`reset_peak_rss`]
/// (VmHWM of /proc/self/status; None where unavailable, e.g. outside Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    proc_status_kb("VmHWM:")
}

/// Current resident set size in bytes (VmRSS; None where unavailable).
pub fn rss_bytes() -> Option<u64> {
    proc_status_kb("VmRSS:")
}

/// Reset the peak-RSS high-water mark to the current RSS (Linux ≥ 4.0: writing 5 to
/// /proc/self/clear_refs), so each phase reports its own peak. Returns false where that is not
/// possible; then the peaks are cumulative (still correct upper bounds).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Data-quality flags of a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// No purchase rows: purchase value 0, RFM 000.
    NoTransactions,
    /// Not in any interaction: network value 0.
    NoInteractions,
    /// No customer record (known only from interactions, e.g. by a platform handle).
    NoProfile,
}

impl Flag {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::NoTransactions => "no-transactions",
            Flag::NoInteractions => "no-interactions",
            Flag::NoProfile => "no-profile",
        }
    }
}

/// The complete analysis, indexed by `NodeId`.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Configuration used.
    pub config: AnalyzeConfig,
    /// Seed used.
    pub seed: u64,
    /// Reference time (latest timestamp in interactions and transactions).
    pub as_of: Option<i64>,
    /// Ranked as a customer (kind Customer).
    pub customers: Vec<bool>,
    /// Number of customers.
    pub n_customers: usize,
    /// The compute graph.
    pub graph: CsrGraph,
    /// Purchase facts and values.
    pub purchase: Vec<PurchaseValue>,
    /// The raw purchase value the blend uses (CLV or RFM sum).
    pub purchase_value: Vec<f64>,
    /// Network values and component availability.
    pub network: NetworkValues,
    /// Out-degree percentile among customers.
    pub out_degree_pct: Vec<f64>,
    /// Core numbers, when k-core ran.
    pub core: Option<Vec<u32>>,
    /// Campaign seed sets: the chosen method first, then the top-degree and top-PageRank
    /// baselines (empty when the spread model did not run).
    pub seed_sets: Vec<SeedSet>,
    /// Small-world summary, when it ran.
    pub small_world: Option<SmallWorldReport>,
    /// Type of each community (indexed by community id), by the profile rule of
    /// `algo::community::profile`, when communities ran.
    pub community_types: Option<Vec<CommunityType>>,
    /// Edge probabilities of the spread model, when it ran.
    pub probs: Option<EdgeProbabilities>,
    /// Blended and purchase-only rankings.
    pub ranking: Ranking,
    /// Rank-shift report.
    pub shift: ShiftReport,
    /// Roles per node.
    pub roles: Vec<Vec<RoleHit>>,
    /// Quadrant per node (None for brand/staff).
    pub quadrant: Vec<Option<Quadrant>>,
    /// Lifecycle per node.
    pub lifecycle: Vec<LifecycleInfo>,
    /// Data-quality flags per node.
    pub flags: Vec<Vec<Flag>>,
    /// Extra results for the report (communities, seeds, small world) as JSON, by name.
    pub extras: std::collections::BTreeMap<&'static str, serde_json::Value>,
    /// Wall time per phase.
    pub phases: Vec<PhaseTime>,
}

/// Reference time: the latest interaction or purchase timestamp.
pub fn reference_time(ds: &Dataset) -> Option<i64> {
    let tx = ds.transactions.iter().map(|t| t.timestamp).max();
    match (ds.report.max_ts, tx) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

struct Timer {
    phases: Vec<PhaseTime>,
}

impl Timer {
    fn time<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let (out, p) = PhaseTime::measure(phase, f);
        self.phases.push(p);
        out
    }
}

/// Algorithm results network value is built from.
struct AlgoResults {
    inputs: NetworkInputs,
    core: Option<Vec<u32>>,
    probs: Option<EdgeProbabilities>,
    reasons: Vec<(&'static str, String)>,
    notes: Vec<String>,
    extras: std::collections::BTreeMap<&'static str, serde_json::Value>,
    seed_sets: Vec<SeedSet>,
    small_world: Option<SmallWorldReport>,
    community_types: Option<Vec<CommunityType>>,
}

#[allow(clippy::too_many_arguments)]
/// Run the graph algorithms.
fn run_algorithms(
    ds: &Dataset,
    g: &CsrGraph,
    cfg: &AnalyzeConfig,
    seed: u64,
    customers: &[bool],
    clv: &[f64],
    progress: &dyn Progress,
    timer: &mut Timer,
) -> AlgoResults {
    let mut r = AlgoResults {
        inputs: NetworkInputs::default(),
        core: None,
        probs: None,
        reasons: Vec::new(),
        notes: Vec::new(),
        extras: Default::default(),
        seed_sets: Vec::new(),
        small_world: None,
        community_types: None,
    };
    if g.m() == 0 {
        for c in ["influence", "reach", "brokerage", "community"] {
            r.reasons
                .push((c, "the graph has no interactions".to_string()));
        }
        return r;
    }
    let n = g.n();
    // Influence: weighted PageRank (attention flows source → target) or LeaderRank.
    progress.start("influence", 0);
    let inf = timer.time("influence", || match cfg.rank.influence {
        InfluenceMeasure::Pagerank => pagerank(g, &cfg.pagerank, None).map(|p| p.scores),
        InfluenceMeasure::Leaderrank => {
            leaderrank(g, &LeaderRankConfig::default()).map(|p| p.scores)
        }
    });
    progress.finish();
    match inf {
        Ok(x) => r.inputs.influence = Some(x),
        Err(e) => r.reasons.push(("influence", e.to_string())),
    }
    // Brokerage: exact betweenness up to BETWEENNESS_EXACT_MAX nodes, sampled sources above.
    progress.start("betweenness", 0);
    let auto =
        cfg.betweenness.samples.is_none() && !cfg.exact_betweenness && n > BETWEENNESS_EXACT_MAX;
    let auto_samples = betweenness_auto_samples(g.m());
    let bc = BetweennessConfig {
        samples: cfg.betweenness.samples.or(auto.then_some(auto_samples)),
        ..cfg.betweenness.clone()
    };
    if auto {
        r.notes.push(format!(
            "betweenness: {n} nodes > {BETWEENNESS_EXACT_MAX}, switched from exact to \
             {auto_samples} sampled sources"
        ));
    }
    r.extras.insert(
        "betweenness",
        json!({"summary": {"exact": bc.samples.is_none(), "samples": bc.samples, "automatic": auto}}),
    );
    match timer.time("betweenness", || betweenness(g, &bc, seed)) {
        Ok(b) => r.inputs.betweenness = Some(b.scores),
        Err(e) => r.reasons.push(("brokerage", e.to_string())),
    }
    progress.finish();
    r.core = Some(timer.time("kcore", || kcore(g)));
    // Communities.
    progress.start("communities", 0);
    // The undirected copy (≈ 16 bytes per arc) lives only while communities are detected.
    match timer.time("communities", || {
        detect(&g.undirected(), &cfg.community, seed)
    }) {
        Ok(part) => {
            let pc = ProfileConfig {
                resolution: cfg.community.resolution,
                ..ProfileConfig::default()
            };
            let prof = timer.time("profiles", || profile(ds, g, &part, &pc));
            r.extras.insert(
                "communities",
                json!({
                    "csv": communities_csv(ds, &prof),
                    "summary": {
                        "method": cfg.community.method,
                        "count": part.count,
                        "modularity": part.modularity,
                        "brand_led": prof.communities.iter().filter(|c| c.kind == CommunityType::BrandLed).count(),
                    },
                }),
            );
            r.inputs.community = Some(part.community);
            r.community_types = Some(prof.communities.iter().map(|c| c.kind).collect());
        }
        Err(e) => {
            r.reasons.push(("community", e.to_string()));
            r.extras
                .insert("communities", json!({"unavailable": e.to_string()}));
        }
    }
    progress.finish();
    // Seeds, then reach. The campaign seeds are chosen first (IMM on its own RR sets, then one
    // Monte Carlo run set for the cascade timeline and the 95% CI of the campaign); the degree
    // and PageRank baselines are plain top-k lists. One pass over a fixed budget of fresh RR
    // sets then gives every customer's reach AND the prefix-spread curves of all three lists
    // (unbiased: the sets are independent of the selections), instead of one simulation per
    // prefix per baseline.
    progress.start("spread", 0);
    let probs = cfg
        .probability
        .model()
        .and_then(|m| EdgeProbabilities::build(g, Some(ds), m));
    match probs {
        Ok(probs) => {
            let mut chosen: Vec<Chosen> = Vec::new();
            let mut campaign_spread = None;
            // Pilot: the mean RR-set size sets the budgets of reach and IMM (both cost θ · mean
            // size; dense communities make sets of hundreds of nodes).
            let lt = cfg.spread.model == SpreadModel::Lt;
            let (pilot_sets, pilot_members) = timer.time("rr_pilot", || {
                rr_pilot(
                    g,
                    &probs,
                    lt,
                    RR_PILOT_SETS,
                    RR_PILOT_MEMBERS,
                    sub_seed(seed, PILOT_TAG),
                )
            });
            let mean_size = (pilot_members as f64 / pilot_sets.max(1) as f64).max(1.0);
            if !cfg.ranking_only && cfg.seeds > 0 {
                let imm_cap = ((IMM_MAX_ENTRIES as f64 / mean_size) as u64).max(1);
                let sc = SeedConfig {
                    k: cfg.seeds.min(n),
                    method: cfg.seed_method,
                    epsilon: cfg.epsilon,
                    max_rr_sets: SeedConfig::default().max_rr_sets.min(imm_cap),
                    spread: cfg.spread.clone(),
                    ..SeedConfig::default()
                };
                let pr = r
                    .inputs
                    .influence
                    .as_deref()
                    .filter(|_| cfg.rank.influence == InfluenceMeasure::Pagerank);
                let campaign = timer.time("seeds", || {
                    let c = choose_seeds(g, &probs, &sc, seed, pr)?;
                    // Budget the Monte Carlo evaluation by the method's own spread estimate
                    // (IMM/CELF), else k × the mean RR size.
                    let guess = c
                        .cumulative_spread
                        .last()
                        .copied()
                        .unwrap_or(mean_size * c.seeds.len() as f64)
                        .max(1.0);
                    let runs = eval_runs(cfg.spread.runs, guess);
                    let ec = SpreadConfig {
                        runs,
                        ..cfg.spread.clone()
                    };
                    let est = simulate(g, &probs, &c.seeds, &ec, sub_seed(seed, EVAL_TAG))?;
                    Ok::<_, Error>((c, est, runs))
                });
                match campaign {
                    Ok((c, est, runs)) => {
                        if runs < cfg.spread.runs {
                            r.notes.push(format!(
                                "campaign evaluation: {runs} Monte Carlo runs instead of {} \
                                 (work budget {MC_EVAL_WORK} activations, expected spread \
                                 {:.0})",
                                cfg.spread.runs, est.mean
                            ));
                        }
                        chosen.push(c);
                        campaign_spread = Some(est);
                        let base = timer.time("seed_baselines", || {
                            [SeedMethod::Degree, SeedMethod::Pagerank]
                                .into_iter()
                                .filter(|&m| m != sc.method)
                                .filter_map(|m| {
                                    let bc = SeedConfig {
                                        method: m,
                                        ..sc.clone()
                                    };
                                    choose_seeds(g, &probs, &bc, seed, pr).ok()
                                })
                                .collect::<Vec<_>>()
                        });
                        chosen.extend(base);
                    }
                    Err(e) => {
                        r.extras
                            .insert("seeds", json!({"unavailable": e.to_string()}));
                    }
                }
            }
            let lists: Vec<&[NodeId]> = chosen.iter().map(|c| c.seeds.as_slice()).collect();
            let theta = if cfg.spread.rr_sets == 0 {
                // The floor of REACH_MIN_SETS holds while it costs at most twice the budget
                // (all small and mid-size graphs); for huge RR sets the budget wins.
                let floor = REACH_MIN_SETS
                    .min(((2 * REACH_MAX_ENTRIES) as f64 / mean_size) as u64)
                    .max(1);
                ((REACH_MAX_ENTRIES as f64 / mean_size) as u64)
                    .clamp(floor, auto_rr_sets(n).max(floor))
            } else {
                cfg.spread.rr_sets
            };
            let tally = timer.time("reach", || {
                rr_tally(
                    g,
                    &probs,
                    cfg.spread.model == SpreadModel::Lt,
                    theta,
                    seed,
                    &lists,
                )
            });
            r.notes.push(format!(
                "reach and seed curves: {theta} RR sets, mean size {:.2}",
                tally.total_size as f64 / theta.max(1) as f64
            ));
            let reach = if cfg.rank.clv_weighted_reach {
                timer.time("reach_clv", || {
                    clv_weighted_reach(g, &probs, customers, clv, seed)
                })
            } else {
                Ok(reach_scores(&tally, n, cfg.rank.reach_credit))
            };
            match reach {
                Ok(x) => r.inputs.reach = Some(x),
                Err(e) => r.reasons.push(("reach", e.to_string())),
            }
            for (i, c) in chosen.into_iter().enumerate() {
                let mut s = evaluate_on_rr(c, &tally, i, n);
                if i == 0 {
                    if let Some(est) = campaign_spread.take() {
                        s.spread = est;
                    }
                    if let Some(imm) = &s.imm {
                        if imm.capped {
                            r.notes.push(format!(
                                "IMM: θ capped at {} RR sets (mean size {mean_size:.1}, memory \
                                 budget {IMM_MAX_ENTRIES} entries): ε relaxed from {} to {:.4}",
                                imm.rr_sets, cfg.epsilon, imm.epsilon_effective
                            ));
                        }
                    }
                    r.extras.insert(
                        "seeds",
                        json!({
                            "csv": seeds_csv(ds, &s),
                            "summary": {
                                "k": s.seeds.len(), "method": s.method, "spread": s.spread.mean,
                                "ci95": s.spread.ci95,
                                "epsilon": cfg.epsilon,
                                "epsilon_effective": s.imm.as_ref().map(|i| i.epsilon_effective),
                                "imm_rr_sets": s.imm.as_ref().map(|i| i.rr_sets),
                                "imm_capped": s.imm.as_ref().map(|i| i.capped),
                                "curves_rr_sets": tally.theta,
                            },
                        }),
                    );
                }
                r.seed_sets.push(s);
            }
            r.probs = Some(probs);
        }
        Err(e) => r.reasons.push(("reach", e.to_string())),
    }
    progress.finish();
    if !cfg.ranking_only {
        progress.start("small world", 0);
        let nrand = small_world_references(cfg.small_world.nrand, g.m());
        if nrand < cfg.small_world.nrand && !cfg.small_world.no_baselines {
            r.notes.push(format!(
                "small world: {nrand} random and {nrand} lattice references instead of {} \
                 ({} arcs, reference budget {SMALL_WORLD_REF_WORK} arcs)",
                cfg.small_world.nrand,
                g.m()
            ));
        }
        let graphs = 1 + 2 * if cfg.small_world.no_baselines {
            0
        } else {
            nrand
        };
        let samples = small_world_samples(cfg.small_world.samples, graphs, g.m());
        if samples < cfg.small_world.samples {
            r.notes.push(format!(
                "small world: {samples} BFS sources per graph instead of {} ({graphs} graphs \
                 of {} arcs, work budget {SMALL_WORLD_BFS_WORK} arcs)",
                cfg.small_world.samples,
                g.m()
            ));
        }
        let swc = SmallWorldConfig {
            samples,
            nrand,
            ..cfg.small_world.clone()
        };
        match timer.time("small_world", || small_world(g, &swc, seed)) {
            Ok(s) => {
                r.extras.insert("small_world", json!({"summary": s}));
                r.small_world = Some(s);
            }
            Err(e) => {
                r.extras
                    .insert("small_world", json!({"unavailable": e.to_string()}));
            }
        }
        progress.finish();
    }
    if !r.notes.is_empty() {
        r.extras.insert("notes", json!({ "summary": r.notes }));
    }
    r
}

fn csv_string(t: &Table) -> String {
    let mut buf = Vec::new();
    match t.write_csv(&mut buf) {
        Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
        Err(_) => String::new(),
    }
}

/// communities.csv: one row per community profile.
fn communities_csv(ds: &Dataset, p: &Profiles) -> String {
    let mut t = Table::new([
        "community",
        "size",
        "customers",
        "brand_accounts",
        "staff_accounts",
        "kind",
        "brand_centricity",
        "modularity_contribution",
        "conductance",
        "density",
        "reciprocity",
        "hub",
        "leaders",
    ]);
    for c in &p.communities {
        let leaders: Vec<&str> = c.leaders.iter().map(|l| ds.graph.id(l.node)).collect();
        t.push([
            c.id.to_string(),
            c.size.to_string(),
            c.customers.to_string(),
            c.brand_accounts.to_string(),
            c.staff_accounts.to_string(),
            c.kind.as_str().to_string(),
            fmt_f(c.brand_centricity, 4),
            fmt_f(c.modularity_contribution, 6),
            fmt_f(c.conductance, 4),
            fmt_f(c.density, 4),
            fmt_f(c.reciprocity, 4),
            ds.graph.id(c.hub).to_string(),
            leaders.join(";"),
        ]);
    }
    csv_string(&t)
}

/// seeds.csv: the campaign seeds in selection order.
fn seeds_csv(ds: &Dataset, s: &SeedSet) -> String {
    let mut t = Table::new(["order", "id", "marginal_gain", "cumulative_spread"]);
    for (i, &v) in s.seeds.iter().enumerate() {
        t.push([
            (i + 1).to_string(),
            ds.graph.id(v).to_string(),
            fmt_f(s.marginal_gains.get(i).copied().unwrap_or(0.0), 4),
            fmt_f(s.cumulative_spread.get(i).copied().unwrap_or(0.0), 4),
        ]);
    }
    csv_string(&t)
}

/// Largest graph (nodes) with exact betweenness in `analyze`; above it sources are sampled.
pub const BETWEENNESS_EXACT_MAX: usize = 20_000;
/// Most sampled betweenness sources on larger graphs.
pub const BETWEENNESS_SAMPLES: usize = 512;
/// Fewest sampled betweenness sources on larger graphs.
pub const BETWEENNESS_MIN_SAMPLES: usize = 64;
/// Work budget of sampled betweenness in arcs scanned: each source costs about 2·m (Brandes'
/// forward BFS and backward accumulation).
pub const BETWEENNESS_WORK: u64 = 1 << 32;

/// Sampled sources on a graph of `m` arcs: `BETWEENNESS_WORK / (2m)` clamped to
/// [`BETWEENNESS_MIN_SAMPLES`, `BETWEENNESS_SAMPLES`] (512 up to ~4M arcs, 71 at 30M, the floor
/// of 64 from 33.5M arcs: ≈ 77 s at the 50M-interaction dataset's 33M arcs on 2 cores). The
/// brokerage component is a percentile; with K sources a node's estimate has relative error about
/// `1/√(K·share of shortest paths through it)`, small for the top brokers that matter.
pub fn betweenness_auto_samples(m: usize) -> usize {
    let per = (2 * m as u64).max(1);
    ((BETWEENNESS_WORK / per) as usize).clamp(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_SAMPLES)
}

/// RR sets of the pilot that measures the mean RR-set size.
pub const RR_PILOT_SETS: u64 = 10_000;
/// Member budget of the pilot: it stops after the first block of 2,048 sets that reaches it
/// (4,096 sets at the 50M dataset's mean size of 7,722 instead of 10,000: ~6 s instead of 14 s;
/// the mean of 4,096 sets is still within a few percent, and it only sizes the budgets).
/// Smaller graphs never reach it and keep exactly 10,000 sets.
pub const RR_PILOT_MEMBERS: u64 = 1 << 24;
/// Sub-seed tag of the pilot sets (independent of the reach sets).
const PILOT_TAG: u64 = 0x9170;
/// Work budget of reach and the seed curves, in RR-set members: θ = budget / mean size, between
/// [`REACH_MIN_SETS`] and [`auto_rr_sets`] (16 per node, ≤ 8M). A customer with true alone-reach
/// `r` is in a fraction `p = r/n` of the sets: relative standard error `√((1−p)/(θp))`.
pub const REACH_MAX_ENTRIES: u64 = 1 << 27;
/// Fewest RR sets for reach and the seed curves, unless that many sets would cost more than
/// twice [`REACH_MAX_ENTRIES`] (then `2·REACH_MAX_ENTRIES / mean size`: ≈ 34,800 sets at the
/// 50M dataset's mean size of 7,722, relative error ≈ 3% for a customer reaching 4% of nodes).
pub const REACH_MIN_SETS: u64 = 50_000;
/// Memory budget of IMM in stored RR-set members (≈ 8 bytes each with the inverted index,
/// 2 GiB): `max_rr_sets = budget / mean size`; when θ is cut, ε is relaxed to the value those
/// sets support (`epsilon_effective` in summary.json).
pub const IMM_MAX_ENTRIES: u64 = 1 << 28;

/// Work budget of the campaign's Monte Carlo evaluation (cascade timeline and 95% CI), in
/// expected activations: `runs = budget / expected spread`, between [`MC_EVAL_MIN_RUNS`] and
/// `--runs`. The CI half-width grows as `1/√runs` (reported in summary.json `ci95`). 2²⁶
/// keeps 10,000 runs up to an expected spread of ~6,700 and gives ~316 runs at the 50M dataset's
/// ~212k (each run's spread varies little there, the interval stays well under 1% of the mean).
pub const MC_EVAL_WORK: u64 = 1 << 26;
/// Fewest Monte Carlo runs of the campaign evaluation.
pub const MC_EVAL_MIN_RUNS: u32 = 200;

/// Runs of the campaign evaluation for an expected spread `guess` (see [`MC_EVAL_WORK`]).
pub fn eval_runs(requested: u32, guess: f64) -> u32 {
    let by_budget = (MC_EVAL_WORK as f64 / guess.max(1.0)).min(f64::from(u32::MAX)) as u32;
    by_budget.clamp(MC_EVAL_MIN_RUNS.min(requested), requested)
}

/// Work budget of the small-world path-length samples, in arcs scanned by BFS over the graph and
/// its random and lattice references together.
pub const SMALL_WORLD_BFS_WORK: u64 = 1 << 32;
/// Fewest BFS sources per graph of the small-world summary.
pub const SMALL_WORLD_MIN_SAMPLES: usize = 16;

/// BFS sources per graph: `SMALL_WORLD_BFS_WORK / (graphs · m)` clamped to
/// [[`SMALL_WORLD_MIN_SAMPLES`], `requested`] (256 requested by default: unchanged up to ~1.9M
/// arcs; 16 at 30M). The average path length is a mean over sources of each source's mean
/// distance to the whole component; those per-source means vary little (standard deviation
/// typically 0.1–0.3 hops), so 16 sources give a standard error of about 0.05 hops (reported as
/// `ci95` in the summary).
pub fn small_world_samples(requested: usize, graphs: usize, m: usize) -> usize {
    let per = (graphs.max(1) as u64 * m.max(1) as u64).max(1);
    ((SMALL_WORLD_BFS_WORK / per) as usize).clamp(SMALL_WORLD_MIN_SAMPLES.min(requested), requested)
}

/// Budget of the small-world references, in arcs per kind: `nrand = budget / m` random (and as
/// many lattice) references, between 1 and the requested `nrand` (4 by default: unchanged up to
/// ~16.8M arcs; 2 at the 50M dataset's 33M arcs). Each reference costs a rewiring, a triangle
/// count and the sampled BFS of a graph as large as the input; σ and ω are means over the
/// references (their spread is reported as `sigma_spread` and the reference standard deviations).
pub const SMALL_WORLD_REF_WORK: u64 = 1 << 26;

/// Random (and lattice) references for a graph of `m` arcs (see [`SMALL_WORLD_REF_WORK`]).
pub fn small_world_references(requested: usize, m: usize) -> usize {
    ((SMALL_WORLD_REF_WORK / m.max(1) as u64) as usize).clamp(1.min(requested), requested)
}

/// Monte Carlo runs per customer of the CLV-weighted reach.
pub const CLV_REACH_RUNS: u32 = 1000;

/// CLV-weighted reach (Domingos & Richardson 2001): `Σ_{j ≠ i, j customer} P(i activates j) · CLV_j`
/// from `CLV_REACH_RUNS` IC runs seeded at each customer alone (common random numbers across
/// customers). Cost O(customers · runs · cascade size): opt-in (`clv_weighted_reach = true`).
fn clv_weighted_reach(
    g: &CsrGraph,
    probs: &EdgeProbabilities,
    customers: &[bool],
    clv: &[f64],
    seed: u64,
) -> Result<Vec<f64>> {
    let cfg = SpreadConfig {
        runs: CLV_REACH_RUNS,
        ..SpreadConfig::default()
    };
    let mut out = vec![0.0; customers.len()];
    for v in 0..customers.len() {
        if !customers[v] {
            continue;
        }
        let est = simulate(g, probs, &[v as NodeId], &cfg, seed)?;
        // Fixed summation order (node id) keeps the value independent of the thread count.
        out[v] = (0..customers.len())
            .filter(|&j| j != v && customers[j])
            .map(|j| est.per_node_activation[j] * clv[j])
            .sum();
    }
    Ok(out)
}

/// Reach of every node from an RR tally ([`rr_tally`], a fixed budget of `spread.rr_sets` sets
/// or [`auto_rr_sets`]): with [`ReachCredit::Alone`] the expected other accounts activated when
/// the node alone is seeded, `n · P(v ∈ RR) − 1` (Borgs et al. 2014); with
/// [`ReachCredit::Shared`] its Shapley share (Chen & Teng 2017): `n · E[1{v ∈ RR, v ≠ root} /
/// |RR|]`, each activation split equally among the accounts that could each have caused it.
/// Standard error of the alone form: `n·√(p(1−p)/θ)` with `p = P(v ∈ RR)`; the shared form is a
/// mean of values in [0, 1/2] per set, so its error is at most half of that.
fn reach_scores(t: &RrTally, n: usize, credit: ReachCredit) -> Vec<f64> {
    let scale = n as f64 / t.theta.max(1) as f64;
    match credit {
        ReachCredit::Alone => t
            .counts
            .iter()
            .map(|&c| (scale * c as f64 - 1.0).max(0.0))
            .collect(),
        ReachCredit::Shared => t
            .shares
            .iter()
            .map(|&c| scale * c as f64 / SHARE_ONE as f64)
            .collect(),
    }
}

/// Run the whole analysis.
///
/// # Errors
/// Invalid configuration; an empty dataset (no customers).
pub fn analyze(
    ds: &Dataset,
    cfg: &AnalyzeConfig,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Analysis> {
    cfg.rank.validate()?;
    let pg = &ds.graph;
    let n = pg.node_count();
    let customers: Vec<bool> = (0..n as u32)
        .map(|v| pg.kind(v) == NodeKind::Customer)
        .collect();
    let n_customers = customers.iter().filter(|&&c| c).count();
    if n_customers == 0 {
        return Err(Error::EmptyGraph(
            "no customer to rank (every node is a brand or staff account)".to_string(),
        ));
    }
    let mut timer = Timer { phases: Vec::new() };
    let rc = &cfg.rank;
    let as_of = reference_time(ds);
    let graph = timer.time("csr", || {
        CsrGraph::from_property(pg, &cfg.view, ds.undirected)
    });
    let t0 = Instant::now();
    let clv_col = ds
        .customer_numeric
        .get("clv")
        .filter(|c| c.len() == n)
        .map(Vec::as_slice);
    let (purchase, purchase_phase) = PhaseTime::measure("purchase", || {
        purchase_values(
            n,
            &ds.transactions,
            &customers,
            as_of.unwrap_or(0),
            clv_col,
            &rc.purchase,
        )
    });
    timer.phases.push(purchase_phase);
    let purchase_value: Vec<f64> = purchase
        .iter()
        .map(|p| match rc.purchase.score {
            PurchaseScore::Clv => p.clv,
            PurchaseScore::Rfm => f64::from(p.rfm_sum()),
        })
        .collect();
    let t_purchase = t0.elapsed().as_secs_f64() - timer.phases.last().map_or(0.0, |p| p.seconds);
    let purchase_peak = peak_rss_bytes();
    let algo = run_algorithms(
        ds,
        &graph,
        cfg,
        seed,
        &customers,
        &purchase_value,
        progress,
        &mut timer,
    );

    reset_peak_rss();
    let t0 = Instant::now();
    progress.start("ranking", 0);
    let sentiment = recent_sentiment(pg, as_of, &rc.sentiment);
    // A node in no interaction has no network value: its PageRank is only teleport mass and its
    // reach only itself, so those raw scores are zeroed (percentile 0) before the percentiles.
    let mut algo = algo;
    let inputs = &mut algo.inputs;
    for v in 0..n as u32 {
        if graph.out.degree(v) + graph.inc.degree(v) == 0 {
            for x in [
                &mut inputs.influence,
                &mut inputs.reach,
                &mut inputs.betweenness,
            ]
            .into_iter()
            .flatten()
            {
                x[v as usize] = 0.0;
            }
        }
    }
    let mut network = network_values(
        inputs,
        &sentiment,
        &customers,
        &rc.network,
        &rc.roles,
        &rc.sentiment,
        &algo.reasons,
    );
    // The raw scores now live in `network.nodes`: free the per-node input vectors (3 × 8 bytes
    // per node) before the ranking tables are built. Communities stay for the role rules.
    algo.inputs.influence = None;
    algo.inputs.reach = None;
    algo.inputs.betweenness = None;
    drop(sentiment);
    // The money form of network value uses the CLV even when the percentile blend ranks by RFM.
    let clv: Vec<f64> = purchase.iter().map(|p| p.clv).collect();
    money_values(
        &mut network.nodes,
        &clv,
        &customers,
        rc.clv_weighted_reach,
        rc.network.wom_penalty,
    );
    let nv: Vec<f64> = network.nodes.iter().map(|x| x.value).collect();
    let money: Vec<f64> = network.nodes.iter().map(|x| x.money).collect();
    let ranking = blend(&purchase_value, &nv, &money, &customers, &rc.blend);
    drop((clv, nv, money));
    let shift = shift_report(&ranking, &rc.shift);
    let out_deg: Vec<f64> = (0..n as u32).map(|v| graph.out.degree(v) as f64).collect();
    let out_degree_pct = percentiles(&out_deg, &customers);
    drop(out_deg);
    let (neigh, neigh_phase) = PhaseTime::measure("neighbour_communities", || {
        algo.inputs
            .community
            .as_ref()
            .map(|c| neighbour_communities(&graph, c))
    });
    let rin = RoleInputs {
        network: &network.nodes,
        out_degree_pct: &out_degree_pct,
        core: algo
            .core
            .as_deref()
            .map(|c| (c, c.iter().copied().max().unwrap_or(0))),
        neighbour_communities: neigh.as_deref(),
    };
    let roles: Vec<Vec<RoleHit>> = (0..n)
        .map(|v| {
            if customers[v] {
                roles_of(v, &rin, &rc.roles)
            } else {
                Vec::new()
            }
        })
        .collect();
    let quad: Vec<Option<Quadrant>> = (0..n)
        .map(|v| {
            customers[v].then(|| {
                quadrant(
                    ranking.purchase_pct[v],
                    ranking.network_pct[v],
                    &rc.quadrant,
                )
            })
        })
        .collect();
    let (life, life_phase) = PhaseTime::measure("lifecycle", || {
        lifecycle(pg, &ds.transactions, &customers, as_of, &rc.lifecycle)
    });
    // "No profile" only means something when the data has customer records at all.
    let has_profiles = ds.report.files.iter().any(|f| f.role == "customers");
    let flags: Vec<Vec<Flag>> = (0..n as u32)
        .map(|v| {
            let mut f = Vec::new();
            if !customers[v as usize] {
                return f;
            }
            if purchase[v as usize].transactions == 0 {
                f.push(Flag::NoTransactions);
            }
            if graph.out.degree(v) + graph.inc.degree(v) == 0 {
                f.push(Flag::NoInteractions);
            }
            let d = pg.node(v);
            if has_profiles
                && d.name().is_none()
                && d.segment().is_none()
                && d.joined_at().is_none()
                && d.props().is_empty()
            {
                f.push(Flag::NoProfile);
            }
            f
        })
        .collect();
    progress.finish();
    // The ranking phase excludes its timed sub-phases, listed after it.
    let sub = neigh_phase.seconds + life_phase.seconds;
    let peak = peak_rss_bytes()
        .max(purchase_peak)
        .max(neigh_phase.peak_rss_bytes)
        .max(life_phase.peak_rss_bytes);
    timer.phases.push(PhaseTime {
        name: "ranking",
        seconds: t_purchase + t0.elapsed().as_secs_f64() - sub,
        peak_rss_bytes: peak,
        rss_bytes: rss_bytes(),
    });
    timer.phases.push(neigh_phase);
    timer.phases.push(life_phase);
    Ok(Analysis {
        config: cfg.clone(),
        seed,
        as_of,
        customers,
        n_customers,
        graph,
        purchase,
        purchase_value,
        network,
        out_degree_pct,
        core: algo.core,
        seed_sets: algo.seed_sets,
        small_world: algo.small_world,
        community_types: algo.community_types,
        probs: algo.probs,
        ranking,
        shift,
        roles,
        quadrant: quad,
        lifecycle: life,
        flags,
        extras: algo.extras,
        phases: timer.phases,
    })
}

impl Analysis {
    /// Customers in blended order.
    pub fn order(&self) -> &[NodeId] {
        &self.ranking.order
    }
}

/// The customers most likely activated when `v` alone is seeded (top `k` by probability, ties by
/// id, from 1,000 IC runs); None when the spread model did not run.
pub fn reached_from(
    ds: &Dataset,
    a: &Analysis,
    v: NodeId,
    k: usize,
    seed: u64,
) -> Option<Vec<super::explain::Reached>> {
    let probs = a.probs.as_ref()?;
    let top = top_reached(&a.graph, probs, v, CLV_REACH_RUNS, k, seed).ok()?;
    Some(
        top.into_iter()
            .map(|(u, p)| super::explain::Reached {
                id: ds.graph.id(u).to_string(),
                probability: p,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_keep_small_graphs_unchanged_and_bound_big_ones() {
        // Betweenness: 512 sources up to ~4M arcs, fewer above, never below 64.
        assert_eq!(betweenness_auto_samples(677_099), BETWEENNESS_SAMPLES);
        assert_eq!(betweenness_auto_samples(30_000_000), 71);
        assert_eq!(
            betweenness_auto_samples(usize::MAX / 4),
            BETWEENNESS_MIN_SAMPLES
        );
        // Campaign Monte Carlo: --runs kept for small spreads, cut for huge ones, floor 200,
        // and never more than requested.
        assert_eq!(eval_runs(10_000, 4770.0), 10_000);
        assert_eq!(eval_runs(10_000, 250_000.0), 268);
        assert_eq!(eval_runs(10_000, 1e12), MC_EVAL_MIN_RUNS);
        assert_eq!(eval_runs(50, 1e12), 50);
        // Small world: 256 sources on 9 graphs up to ~1.9M arcs, 16 at 30M.
        assert_eq!(small_world_samples(256, 9, 677_099), 256);
        assert_eq!(small_world_samples(256, 9, 30_000_000), 16);
        assert_eq!(small_world_samples(4, 9, 30_000_000), 4);
        // Small-world references: 4 up to ~16.8M arcs, 2 at 33M, at least 1, never more than
        // requested (0 stays 0).
        assert_eq!(small_world_references(4, 6_700_000), 4);
        assert_eq!(small_world_references(4, 33_375_344), 2);
        assert_eq!(small_world_references(4, usize::MAX / 4), 1);
        assert_eq!(small_world_references(0, 10), 0);
    }
}
