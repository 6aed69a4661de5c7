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
use super::config::{PurchaseScore, RankConfig};
use super::lifecycle::{lifecycle, LifecycleInfo};
use super::network::{network_values, recent_sentiment, NetworkInputs, NetworkValues};
use super::percentiles;
use super::purchase::{purchase_values, PurchaseValue};
use super::roles::{neighbour_communities, quadrant, roles_of, Quadrant, RoleHit, RoleInputs};
use crate::algo::{NodeId, Progress};
use crate::error::{Error, Result};
use crate::graph::{CsrGraph, NodeKind, WeightView};
use crate::ingest::Dataset;
use serde::Serialize;
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
        }
    }
}

/// Wall time of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseTime {
    /// Phase name.
    pub phase: &'static str,
    /// Seconds.
    pub seconds: f64,
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
        let t0 = Instant::now();
        let out = f();
        self.phases.push(PhaseTime {
            phase,
            seconds: t0.elapsed().as_secs_f64(),
        });
        out
    }
}

/// Algorithm results network value is built from.
struct AlgoResults {
    inputs: NetworkInputs,
    core: Option<Vec<u32>>,
    reasons: Vec<(&'static str, String)>,
    extras: std::collections::BTreeMap<&'static str, serde_json::Value>,
}

/// Run the graph algorithms. Hook for every algorithm module.
#[allow(clippy::too_many_arguments)]
fn run_algorithms(
    _ds: &Dataset,
    g: &CsrGraph,
    _cfg: &AnalyzeConfig,
    _seed: u64,
    _customers: &[bool],
    _clv: &[f64],
    _progress: &dyn Progress,
    timer: &mut Timer,
) -> AlgoResults {
    let mut r = AlgoResults {
        inputs: NetworkInputs::default(),
        core: None,
        reasons: Vec::new(),
        extras: Default::default(),
    };
    if g.m() == 0 {
        for c in ["influence", "reach", "brokerage", "community"] {
            r.reasons
                .push((c, "the graph has no interactions".to_string()));
        }
        return r;
    }
    timer.time("centrality", || ());
    for c in ["influence", "reach", "brokerage", "community"] {
        r.reasons.push((
            c,
            "its algorithm module is not in this build yet".to_string(),
        ));
    }
    r
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
    let purchase = purchase_values(
        n,
        &ds.transactions,
        &customers,
        as_of.unwrap_or(0),
        clv_col,
        &rc.purchase,
    );
    let purchase_value: Vec<f64> = purchase
        .iter()
        .map(|p| match rc.purchase.score {
            PurchaseScore::Clv => p.clv,
            PurchaseScore::Rfm => f64::from(p.rfm_sum()),
        })
        .collect();
    let t_purchase = t0.elapsed().as_secs_f64();
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

    let t0 = Instant::now();
    progress.start("ranking", 0);
    let sentiment = recent_sentiment(pg, as_of, &rc.sentiment);
    let network = network_values(
        &algo.inputs,
        &sentiment,
        &customers,
        &rc.network,
        &rc.roles,
        &rc.sentiment,
        &algo.reasons,
    );
    let nv: Vec<f64> = network.nodes.iter().map(|x| x.value).collect();
    let ranking = blend(&purchase_value, &nv, &customers, &rc.blend);
    let shift = shift_report(&ranking, &rc.shift);
    let out_deg: Vec<f64> = (0..n as u32).map(|v| graph.out.degree(v) as f64).collect();
    let out_degree_pct = percentiles(&out_deg, &customers);
    let neigh = algo
        .inputs
        .community
        .as_ref()
        .map(|c| neighbour_communities(&graph.undirected(), c));
    let rin = RoleInputs {
        network: &network.nodes,
        out_degree_pct: &out_degree_pct,
        core: algo.core.as_deref(),
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
    let life = lifecycle(pg, &ds.transactions, &customers, as_of, &rc.lifecycle);
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
                && d.name.is_none()
                && d.segment.is_none()
                && d.joined_at.is_none()
                && d.props.is_empty()
            {
                f.push(Flag::NoProfile);
            }
            f
        })
        .collect();
    progress.finish();
    timer.phases.push(PhaseTime {
        phase: "ranking",
        seconds: t_purchase + t0.elapsed().as_secs_f64(),
    });
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
/// id), from the spread module; None when it is not available.
pub fn reached_from(
    _ds: &Dataset,
    _a: &Analysis,
    _v: NodeId,
    _k: usize,
    _seed: u64,
) -> Option<Vec<super::explain::Reached>> {
    None
}
