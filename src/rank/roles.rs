//! Roles (opinion leader, community leader, bridge, core spreader, hub, detractor) and the
//! CLV × network-value quadrant.
//!
//! Rules (thresholds in `[roles]`, percentiles among customers; a customer may hold several roles,
//! each records the evidence that triggered it; algorithms.md §8):
//! * **opinion leader**: influence percentile ≥ `opinion_leader_influence` and reach percentile ≥
//!   `opinion_leader_reach` (reach is skipped when unavailable, which the evidence says);
//! * **community leader**: among the top `community_leader_top` customers of their community by
//!   influence, in a community of at least `community_min_size` customers;
//! * **bridge**: betweenness percentile ≥ `bridge_betweenness` and neighbours in at least
//!   `bridge_min_communities` communities;
//! * **core spreader** (Kitsak et al. 2010): core number ≥ `core_fraction` × the largest core number;
//! * **hub** (amplifier): out-degree percentile ≥ `hub_out_degree`;
//! * **detractor**: negative word-of-mouth flag and reach percentile ≥ `detractor_min_reach`
//!   (or the flag alone when reach is unavailable).
//!
//! Quadrant (Kumar, Petersen & Leone, HBR 2007): CLV percentile ≥ `quadrant.clv_split` is high
//! CLV, network percentile ≥ `quadrant.network_split` is high referral/network value:
//! Champion (high, high), Affluent (high CLV, low network), Advocate (low CLV, high network),
//! Low-value (low, low; Kumar's "Misers").

use super::config::{QuadrantConfig, RoleConfig};
use super::network::NetworkValue;
use crate::graph::CsrGraph;
use serde::Serialize;

/// A customer role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Widely attended to and spreads far.
    OpinionLeader,
    /// Leads their own community.
    CommunityLeader,
    /// Links communities.
    Bridge,
    /// Sits in the innermost k-shells.
    CoreSpreader,
    /// Amplifies others (many outgoing interactions).
    Hub,
    /// Spreads negative word of mouth.
    Detractor,
}

impl Role {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::OpinionLeader => "opinion-leader",
            Role::CommunityLeader => "community-leader",
            Role::Bridge => "bridge",
            Role::CoreSpreader => "core-spreader",
            Role::Hub => "hub",
            Role::Detractor => "detractor",
        }
    }
}

/// A role with the evidence that triggered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleHit {
    /// The role.
    pub role: Role,
    /// Why, in words with the numbers.
    pub evidence: String,
}

/// Per-node inputs of the role rules besides network values.
#[derive(Debug, Clone, Copy)]
pub struct RoleInputs<'a> {
    /// Network values (percentiles, community rank, WOM flag).
    pub network: &'a [NetworkValue],
    /// Out-degree percentile among customers.
    pub out_degree_pct: &'a [f64],
    /// Core numbers and their maximum over all nodes (None when k-core is unavailable). The
    /// maximum is computed once by the caller: scanning it per customer made roles O(n²).
    pub core: Option<(&'a [u32], u32)>,
    /// Distinct communities among each node's neighbours (None without communities).
    pub neighbour_communities: Option<&'a [u32]>,
}

/// Distinct communities among each node's neighbours in the undirected view.
pub fn neighbour_communities(g: &CsrGraph, community: &[u32]) -> Vec<u32> {
    // Out- and in-neighbours together are the undirected neighbourhood; reading both rows
    // avoids building the undirected copy of the graph (≈ 1.3 GB transient at 33M arcs).
    let mut c: Vec<u32> = Vec::new();
    (0..g.n() as u32)
        .map(|v| {
            c.clear();
            let sym = std::sync::Arc::ptr_eq(&g.out, &g.inc);
            let inc: &[u32] = if sym { &[] } else { g.inc.neighbors(v) };
            c.extend(
                g.out
                    .neighbors(v)
                    .iter()
                    .chain(inc)
                    .filter(|&&u| u != v)
                    .map(|&u| community[u as usize]),
            );
            c.sort_unstable();
            c.dedup();
            c.len() as u32
        })
        .collect()
}

/// Roles of node `v` (in the fixed order of [`Role`]).
pub fn roles_of(v: usize, inp: &RoleInputs<'_>, cfg: &RoleConfig) -> Vec<RoleHit> {
    let nv = &inp.network[v];
    let mut out = Vec::new();
    if let Some(ip) = nv.influence_pct {
        let reach_ok = nv.reach_pct.map_or(true, |r| r >= cfg.opinion_leader_reach);
        if ip >= cfg.opinion_leader_influence && reach_ok {
            let reach = nv.reach_pct.map_or_else(
                || "reach unavailable".to_string(),
                |r| format!("reach percentile {r:.2} ≥ {}", cfg.opinion_leader_reach),
            );
            out.push(RoleHit {
                role: Role::OpinionLeader,
                evidence: format!(
                    "influence percentile {ip:.2} ≥ {}; {reach}",
                    cfg.opinion_leader_influence
                ),
            });
        }
    }
    if let (Some(rank), Some(size)) = (nv.community_rank, nv.community_size) {
        if rank <= cfg.community_leader_top && size >= cfg.community_min_size {
            out.push(RoleHit {
                role: Role::CommunityLeader,
                evidence: format!(
                    "#{rank} by influence of {size} customers in community {}",
                    nv.community.unwrap_or(0)
                ),
            });
        }
    }
    if let Some(bp) = nv.brokerage_pct {
        let k = inp.neighbour_communities.map(|c| c[v]);
        let ok = k.map_or(true, |k| k >= cfg.bridge_min_communities);
        if bp >= cfg.bridge_betweenness && ok {
            let ks = k.map_or_else(
                || "communities unavailable".to_string(),
                |k| format!("neighbours in {k} communities"),
            );
            out.push(RoleHit {
                role: Role::Bridge,
                evidence: format!(
                    "betweenness percentile {bp:.2} ≥ {}; {ks}",
                    cfg.bridge_betweenness
                ),
            });
        }
    }
    if let Some((core, max)) = inp.core {
        let c = core[v];
        if max > 0 && c > 0 && f64::from(c) >= cfg.core_fraction * f64::from(max) {
            out.push(RoleHit {
                role: Role::CoreSpreader,
                evidence: format!("core number {c} ≥ {} × max core {max}", cfg.core_fraction),
            });
        }
    }
    let od = inp.out_degree_pct[v];
    if od >= cfg.hub_out_degree && od > 0.0 {
        out.push(RoleHit {
            role: Role::Hub,
            evidence: format!("out-degree percentile {od:.2} ≥ {}", cfg.hub_out_degree),
        });
    }
    if nv.wom_flag {
        let reach_ok = nv.reach_pct.map_or(true, |r| r >= cfg.detractor_min_reach);
        if reach_ok {
            out.push(RoleHit {
                role: Role::Detractor,
                evidence: format!(
                    "mean recent sentiment {:.2} over {} rows{}",
                    nv.sentiment.mean.unwrap_or(0.0),
                    nv.sentiment.rows,
                    nv.reach_pct
                        .map(|r| format!("; reach percentile {r:.2}"))
                        .unwrap_or_default()
                ),
            });
        }
    }
    out
}

/// The CLV × network-value quadrant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quadrant {
    /// High CLV, high network value: keep close, co-create, reward.
    Champion,
    /// High CLV, low network value: serve well; referral incentives may unlock network value.
    Affluent,
    /// Low CLV, high network value: the hidden influencers; invite to advocate.
    Advocate,
    /// Low on both: serve at low cost.
    LowValue,
}

impl Quadrant {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Champion => "champion",
            Quadrant::Affluent => "affluent",
            Quadrant::Advocate => "advocate",
            Quadrant::LowValue => "low-value",
        }
    }
}

/// Quadrant from the purchase and network percentiles.
pub fn quadrant(purchase_pct: f64, network_pct: f64, cfg: &QuadrantConfig) -> Quadrant {
    match (
        purchase_pct >= cfg.clv_split,
        network_pct >= cfg.network_split,
    ) {
        (true, true) => Quadrant::Champion,
        (true, false) => Quadrant::Affluent,
        (false, true) => Quadrant::Advocate,
        (false, false) => Quadrant::LowValue,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rank::network::SentimentSummary;

    #[test]
    fn rules_fire_with_evidence() {
        let mut a = NetworkValue {
            influence_pct: Some(0.95),
            reach_pct: Some(0.9),
            brokerage_pct: Some(0.95),
            community: Some(3),
            community_rank: Some(1),
            community_size: Some(10),
            ..Default::default()
        };
        let b = NetworkValue {
            influence_pct: Some(0.95),
            reach_pct: Some(0.5),
            wom_flag: true,
            sentiment: SentimentSummary {
                mean: Some(-0.7),
                rows: 4,
            },
            ..Default::default()
        };
        a.community_size = Some(10);
        let nv = vec![a, b];
        let inp = RoleInputs {
            network: &nv,
            out_degree_pct: &[0.2, 0.99],
            core: Some((&[5, 2], 5)),
            neighbour_communities: Some(&[3, 1]),
        };
        let cfg = RoleConfig::default();
        let r0: Vec<Role> = roles_of(0, &inp, &cfg).iter().map(|h| h.role).collect();
        assert_eq!(
            r0,
            vec![
                Role::OpinionLeader,
                Role::CommunityLeader,
                Role::Bridge,
                Role::CoreSpreader
            ]
        );
        let r1 = roles_of(1, &inp, &cfg);
        let names: Vec<Role> = r1.iter().map(|h| h.role).collect();
        assert_eq!(names, vec![Role::Hub, Role::Detractor], "{r1:?}");
        assert!(r1[1].evidence.contains("-0.70"), "{}", r1[1].evidence);
    }

    #[test]
    fn quadrants() {
        let c = QuadrantConfig::default();
        assert_eq!(quadrant(0.9, 0.9, &c), Quadrant::Champion);
        assert_eq!(quadrant(0.9, 0.1, &c), Quadrant::Affluent);
        assert_eq!(quadrant(0.1, 0.9, &c), Quadrant::Advocate);
        assert_eq!(quadrant(0.1, 0.1, &c), Quadrant::LowValue);
    }
}
