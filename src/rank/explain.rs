//! Explanations: every component of a customer's score, in one serialisable record.
//!
//! [`CustomerRecord`] is the per-customer breakdown carried by `kolgraph rank --format json` and
//! `ranking.json`; [`Explanation`] adds the contribution of every part to the importance, the
//! components that were unavailable, and the customers most likely reached when this one is
//! seeded alone (when the spread module supplies them). External ids are joined in here, at
//! output time.

use super::config::BlendMethod;
use super::lifecycle::{LifecycleInfo, DETRACTOR_ACTION};
use super::network::NetworkValue;
use super::pipeline::{Analysis, Flag};
use super::purchase::PurchaseValue;
use super::roles::{Role, RoleHit};
use crate::algo::NodeId;
use crate::graph::PropertyGraph;
use serde::Serialize;

/// The full breakdown of one customer's score.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerRecord {
    /// External id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Segment.
    pub segment: Option<String>,
    /// Platform handles merged into this customer.
    pub handles: Vec<String>,
    /// Blended rank (1 = most important).
    pub rank: u32,
    /// Rank under purchase value alone.
    pub purchase_rank: u32,
    /// purchase_rank − rank (positive = the network moved the customer up).
    pub rank_shift: i64,
    /// Importance: money (CLV + network value in money) with the default `value` blend, a number
    /// in [0, 1] with the `percentile` blend.
    pub importance: f64,
    /// Purchase-value percentile among customers.
    pub purchase_pct: f64,
    /// Network-value percentile among customers.
    pub network_pct: f64,
    /// CLV × network quadrant.
    pub quadrant: &'static str,
    /// Roles with evidence.
    pub roles: Vec<RoleHit>,
    /// Lifecycle stage.
    pub stage: &'static str,
    /// Recommended action.
    pub action: &'static str,
    /// Data-quality flags.
    pub flags: Vec<&'static str>,
    /// Purchase facts and values.
    pub purchase: PurchaseValue,
    /// Network components.
    pub network: NetworkValue,
    /// Lifecycle facts.
    pub lifecycle: LifecycleInfo,
    /// Accounts this customer acted on.
    pub out_degree: usize,
    /// Accounts that acted on this customer.
    pub in_degree: usize,
}

/// The recommended action: the detractor action wins over the stage's.
pub fn action_for(roles: &[RoleHit], life: &LifecycleInfo) -> &'static str {
    if roles.iter().any(|r| r.role == Role::Detractor) {
        DETRACTOR_ACTION
    } else {
        life.stage.action()
    }
}

impl Analysis {
    /// The breakdown of node `v` (a customer).
    pub fn record(&self, pg: &PropertyGraph, v: NodeId) -> CustomerRecord {
        let i = v as usize;
        let d = pg.node(v);
        CustomerRecord {
            id: d.id.to_string(),
            name: d.name().map(str::to_string),
            segment: d.segment().map(str::to_string),
            handles: d.handles().to_vec(),
            rank: self.ranking.rank[i],
            purchase_rank: self.ranking.purchase_rank[i],
            rank_shift: self.ranking.shift(v),
            importance: self.ranking.importance[i],
            purchase_pct: self.ranking.purchase_pct[i],
            network_pct: self.ranking.network_pct[i],
            quadrant: self.quadrant[i].map_or("-", |q| q.as_str()),
            roles: self.roles[i].clone(),
            stage: self.lifecycle[i].stage.as_str(),
            action: action_for(&self.roles[i], &self.lifecycle[i]),
            flags: self.flags[i].iter().map(|f| f.as_str()).collect(),
            purchase: self.purchase[i].clone(),
            network: self.network.nodes[i].clone(),
            lifecycle: self.lifecycle[i].clone(),
            out_degree: self.graph.out.degree(v),
            in_degree: self.graph.inc.degree(v),
        }
    }
}

/// One part of a score: its raw value, its percentile, its weight and what it adds.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Component name.
    pub name: &'static str,
    /// Raw value (score, count, money), when it has one.
    pub raw: Option<f64>,
    /// Value on the blended scale ([0, 1]).
    pub scaled: f64,
    /// Normalised weight (weights of available parts sum to 1).
    pub weight: f64,
    /// weight × scaled.
    pub contribution: f64,
}

/// A customer likely reached when this one is seeded alone.
#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    /// External id.
    pub id: String,
    /// Probability of activation.
    pub probability: f64,
}

/// Everything `kolgraph explain` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The breakdown.
    pub customer: CustomerRecord,
    /// Customers ranked.
    pub customers: usize,
    /// Importance = Σ parts (purchase, network).
    pub importance_parts: Vec<Part>,
    /// Network value = Σ parts − WOM penalty.
    pub network_parts: Vec<Part>,
    /// Negative word-of-mouth penalty subtracted from network value.
    pub wom_penalty: f64,
    /// Components left out, with the reason.
    pub unavailable: Vec<(String, String)>,
    /// Top reached customers (None when the spread module did not run).
    pub top_reached: Option<Vec<Reached>>,
    /// Plain-language summary lines.
    pub summary: Vec<String>,
}

impl Analysis {
    /// Explain node `v`. `top_reached` comes from the spread module when available.
    pub fn explain(
        &self,
        pg: &PropertyGraph,
        v: NodeId,
        top_reached: Option<Vec<Reached>>,
    ) -> Explanation {
        let rc = &self.config.rank;
        let rec = self.record(pg, v);
        let i = v as usize;
        let wsum = rc.blend.purchase + rc.blend.network;
        let importance_parts = match rc.blend.method {
            BlendMethod::Value => {
                let (wp, wn) = (
                    rc.blend.purchase / wsum * 2.0,
                    rc.blend.network / wsum * 2.0,
                );
                vec![
                    Part {
                        name: "purchase",
                        raw: Some(self.purchase_value[i]),
                        scaled: self.purchase_value[i],
                        weight: wp,
                        contribution: wp * self.purchase_value[i],
                    },
                    Part {
                        name: "network",
                        raw: Some(rec.network.money),
                        scaled: rec.network.money,
                        weight: wn,
                        contribution: wn * rec.network.money,
                    },
                ]
            }
            BlendMethod::Percentile => vec![
                Part {
                    name: "purchase",
                    raw: Some(self.purchase_value[i]),
                    scaled: rec.purchase_pct,
                    weight: rc.blend.purchase / wsum,
                    contribution: rc.blend.purchase / wsum * rec.purchase_pct,
                },
                Part {
                    name: "network",
                    raw: Some(rec.network.value),
                    scaled: rec.network_pct,
                    weight: rc.blend.network / wsum,
                    contribution: rc.blend.network / wsum * rec.network_pct,
                },
            ],
        };
        let nv = &rec.network;
        let w = &rc.network;
        let cand: [(&'static str, f64, Option<f64>, Option<f64>); 4] = [
            ("influence", w.influence, nv.influence, nv.influence_pct),
            ("reach", w.reach, nv.reach, nv.reach_pct),
            ("brokerage", w.brokerage, nv.betweenness, nv.brokerage_pct),
            (
                "community",
                w.community,
                nv.community_rank.map(f64::from),
                nv.leadership,
            ),
        ];
        let avail: Vec<_> = cand
            .iter()
            .filter(|c| self.network.available.contains(&c.0))
            .collect();
        let nsum: f64 = avail.iter().map(|c| c.1).sum();
        let network_parts: Vec<Part> = avail
            .iter()
            .map(|&&(name, wt, raw, scaled)| {
                let s = scaled.unwrap_or(0.0);
                let wn = if nsum > 0.0 { wt / nsum } else { 0.0 };
                Part {
                    name,
                    raw,
                    scaled: s,
                    weight: wn,
                    contribution: wn * s,
                }
            })
            .collect();
        let wom_penalty = w.wom_penalty * nv.wom_risk;
        let mut summary = vec![
            format!(
                "rank {} of {} (purchase-only rank {}, shift {:+})",
                rec.rank, self.n_customers, rec.purchase_rank, rec.rank_shift
            ),
            match rc.blend.method {
                BlendMethod::Value => format!(
                    "importance {:.2} = {:.2} × CLV {:.2} + {:.2} × network value in money {:.2} \
                     (attention {:.2} + spread {:.2}{})",
                    rec.importance,
                    importance_parts[0].weight,
                    self.purchase_value[i],
                    importance_parts[1].weight,
                    rec.network.money,
                    rec.network.attention_value.unwrap_or(0.0),
                    rec.network.spread_value.unwrap_or(0.0),
                    if rec.network.wom_risk > 0.0 {
                        format!(
                            ", × {:.2} for word-of-mouth risk",
                            (1.0 - rc.network.wom_penalty * rec.network.wom_risk).max(0.0)
                        )
                    } else {
                        String::new()
                    }
                ),
                BlendMethod::Percentile => format!(
                    "importance {:.3} = {:.2} × purchase percentile {:.3} + {:.2} × network percentile {:.3}",
                    rec.importance,
                    importance_parts[0].weight,
                    rec.purchase_pct,
                    importance_parts[1].weight,
                    rec.network_pct
                ),
            },
            format!(
                "purchase: {} orders, spend {:.2}, RFM {}, CLV {:.2} ({})",
                rec.purchase.frequency,
                rec.purchase.monetary,
                rec.purchase.rfm_cell(),
                rec.purchase.clv,
                serde_json::to_value(rec.purchase.clv_origin)
                    .ok()
                    .and_then(|x| x.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            format!("quadrant: {}", rec.quadrant),
            format!("stage: {} → {}", rec.stage, rec.action),
        ];
        if rec.roles.is_empty() {
            summary.push("roles: none".to_string());
        }
        for r in &rec.roles {
            summary.push(format!("role {}: {}", r.role.as_str(), r.evidence));
        }
        if nv.wom_flag {
            summary.push(format!(
                "negative word-of-mouth risk {:.2} (mean recent sentiment {:.2} over {} rows): −{:.3} network value",
                nv.wom_risk,
                nv.sentiment.mean.unwrap_or(0.0),
                nv.sentiment.rows,
                wom_penalty
            ));
        }
        for f in &self.flags[i] {
            summary.push(format!(
                "note: {}",
                match f {
                    Flag::NoTransactions => "no transactions (RFM 000): purchase value is the supplied clv column, or 0 without one",
                    Flag::NoInteractions => "no interactions: network value 0",
                    Flag::NoProfile => "no customer record: known only from interactions",
                }
            ));
        }
        Explanation {
            customer: rec,
            customers: self.n_customers,
            importance_parts,
            network_parts,
            wom_penalty,
            unavailable: self
                .network
                .unavailable
                .iter()
                .map(|(a, b)| ((*a).to_string(), b.clone()))
                .collect(),
            top_reached,
            summary,
        }
    }
}
