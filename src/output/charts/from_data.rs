//! Chart inputs computed from a loaded dataset alone (used by `kolgraph chart` and `kolgraph
//! report`): degree distribution, Lorenz curve of PageRank, community sizes, the ego network of
//! the top PageRank account and, when orders are present, the CLV vs network value scatter.
//! Spread, seed, rank-shift and small-world charts need the simulation, seeding, ranking and
//! small-world modules; `kolgraph analyze` fills those.

use super::fallback::{label_propagation, pagerank};
use super::{
    ego_network, ChartInputs, CommunityBar, CommunityLead, DegreeDistribution, LorenzInput,
    QuadrantInput, QuadrantPoint,
};
use crate::algo::community::CommunityType;
use crate::algo::rank_order;
use crate::error::Result;
use crate::graph::{CsrGraph, PropertyGraph, Transaction};

/// Customers labelled in the quadrant chart.
pub const QUADRANT_LABELS: usize = 8;
/// Brand-centricity at or above which a community counts as brand-led (fallback rule).
pub const BRAND_LED_AT: f64 = 0.5;
/// Brand-centricity at or above which a community counts as mixed (fallback rule).
pub const MIXED_AT: f64 = 0.25;

/// What was computed besides the chart inputs (reused by the report tables).
#[derive(Debug, Clone, Default)]
pub struct GraphScores {
    /// PageRank per node.
    pub pagerank: Vec<f64>,
    /// Community label per node.
    pub community: Vec<u32>,
    /// Purchase value per node (sum of order amounts; 0 without orders).
    pub clv: Vec<f64>,
    /// Community bars (same order as labels 0..).
    pub communities: Vec<CommunityBar>,
}

/// Brand-centricity and lead of each community: the share of the total weight of arcs touching
/// a community member that has a brand or staff account at either end. `types` (indexed by
/// community id) are the profile rule's verdicts from `algo::community::profile`; when given
/// they decide the lead, so the chart agrees with `communities` and `analyze`. Without them
/// (the graph-only fallback) the fixed cut-offs [`BRAND_LED_AT`] and [`MIXED_AT`] apply.
pub fn community_bars(
    pg: &PropertyGraph,
    g: &CsrGraph,
    community: &[u32],
    types: Option<&[CommunityType]>,
) -> Vec<CommunityBar> {
    let k = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut size = vec![0usize; k];
    for &c in community {
        size[c as usize] += 1;
    }
    let mut brand = vec![0f64; k];
    let mut total = vec![0f64; k];
    for s in 0..g.n() as u32 {
        for (&t, &w) in g.out.neighbors(s).iter().zip(g.out.weights_of(s)) {
            let w = f64::from(w);
            let b = pg.kind(s).is_brand_side() || pg.kind(t).is_brand_side();
            let cs = community[s as usize] as usize;
            let ct = community[t as usize] as usize;
            total[cs] += w;
            if b {
                brand[cs] += w;
            }
            if ct != cs {
                total[ct] += w;
                if b {
                    brand[ct] += w;
                }
            }
        }
    }
    (0..k)
        .map(|c| {
            let bc = if total[c] > 0.0 {
                brand[c] / total[c]
            } else {
                0.0
            };
            CommunityBar {
                id: c.to_string(),
                size: size[c],
                brand_centricity: bc,
                lead: if let Some(t) = types.and_then(|t| t.get(c)) {
                    match t {
                        CommunityType::BrandLed => CommunityLead::BrandLed,
                        CommunityType::ConsumerLed => CommunityLead::ConsumerLed,
                    }
                } else if bc >= BRAND_LED_AT {
                    CommunityLead::BrandLed
                } else if bc >= MIXED_AT {
                    CommunityLead::Mixed
                } else {
                    CommunityLead::ConsumerLed
                },
            }
        })
        .collect()
}

/// Purchase value per node: the sum of its order amounts in transaction order.
pub fn clv(n: usize, tx: &[Transaction]) -> Vec<f64> {
    let mut v = vec![0.0; n];
    for t in tx {
        if let Some(x) = v.get_mut(t.node as usize) {
            *x += t.amount;
        }
    }
    v
}

/// Compute the chart inputs the graph alone supports.
///
/// # Errors
/// Only from building the ego network (never for a non-empty graph).
pub fn inputs_from_graph(
    pg: &PropertyGraph,
    g: &CsrGraph,
    transactions: &[Transaction],
    seed: u64,
) -> Result<(ChartInputs, GraphScores)> {
    let n = g.n();
    let pr = pagerank(g, 0.85);
    let community = label_propagation(g, seed);
    let bars = community_bars(pg, g, &community, None);
    let mut inputs = ChartInputs {
        degree: Some(DegreeDistribution::from_csr(g)),
        lorenz: Some(LorenzInput {
            label: "PageRank".into(),
            scores: pr.clone(),
        }),
        communities: Some(bars.clone()),
        seed,
        ..ChartInputs::default()
    };
    // Ego network of the top-PageRank customer (or account, when there are no customers).
    let order = rank_order(&pr);
    let top = order
        .iter()
        .copied()
        .find(|&v| !pg.kind(v).is_brand_side())
        .or_else(|| order.first().copied());
    if let Some(c) = top {
        let id_of = |v: u32| pg.id(v).to_string();
        inputs.ego = Some(ego_network(
            g,
            c,
            &id_of,
            &community,
            &pr,
            super::ego::DEFAULT_EGO_NODES,
        )?);
    }
    let values = clv(n, transactions);
    if !transactions.is_empty() {
        let maxpr = pr.iter().copied().fold(0.0f64, f64::max);
        let customers: Vec<u32> = (0..n as u32)
            .filter(|&v| !pg.kind(v).is_brand_side())
            .collect();
        let nv: Vec<f64> = customers
            .iter()
            .map(|&v| {
                if maxpr > 0.0 {
                    pr[v as usize] / maxpr
                } else {
                    0.0
                }
            })
            .collect();
        // Label the customers best by the product of both normalised values.
        let maxclv = values.iter().copied().fold(0.0f64, f64::max);
        let both: Vec<f64> = customers
            .iter()
            .zip(&nv)
            .map(|(&v, &x)| {
                x * if maxclv > 0.0 {
                    values[v as usize] / maxclv
                } else {
                    0.0
                } + x * 1e-9
            })
            .collect();
        let best: Vec<u32> = rank_order(&both)
            .into_iter()
            .take(QUADRANT_LABELS)
            .collect();
        inputs.quadrant = Some(QuadrantInput {
            points: customers
                .iter()
                .enumerate()
                .map(|(i, &v)| QuadrantPoint {
                    id: pg.id(v).to_string(),
                    clv: values[v as usize],
                    network_value: nv[i],
                    label: best.contains(&(i as u32)),
                })
                .collect(),
            clv_split: None,
            network_split: None,
            currency: String::new(),
            network_label: "PageRank ÷ max".into(),
        });
    }
    Ok((
        inputs,
        GraphScores {
            pagerank: pr,
            community,
            clv: values,
            communities: bars,
        },
    ))
}

/// Quadrant input from per-node arrays (indexed by NodeId): one point per node in `customers`
/// (in that order), the nodes in `labelled` named on the chart.
pub fn quadrant_from_scores(
    id_of: &dyn Fn(u32) -> String,
    customers: &[u32],
    clv: &[f64],
    network_value: &[f64],
    labelled: &[u32],
) -> QuadrantInput {
    QuadrantInput {
        points: customers
            .iter()
            .map(|&v| QuadrantPoint {
                id: id_of(v),
                clv: clv.get(v as usize).copied().unwrap_or(0.0),
                network_value: network_value.get(v as usize).copied().unwrap_or(0.0),
                label: labelled.contains(&v),
            })
            .collect(),
        ..QuadrantInput::default()
    }
}

/// Rank-shift input from per-node ranks (indexed by NodeId, 1 = best) for the nodes in
/// `customers`; the chart picks the movers itself.
pub fn rank_shift_from_ranks(
    id_of: &dyn Fn(u32) -> String,
    customers: &[u32],
    purchase_rank: &[u32],
    blended_rank: &[u32],
) -> Vec<super::RankShift> {
    customers
        .iter()
        .filter_map(|&v| {
            Some(super::RankShift {
                id: id_of(v),
                purchase_rank: *purchase_rank.get(v as usize)?,
                blended_rank: *blended_rank.get(v as usize)?,
            })
        })
        .collect()
}
