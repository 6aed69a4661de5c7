//! Per-community profiles: size and account mix, internal/external weight, modularity
//! contribution, conductance, density, reciprocity, leaders (in-community PageRank) and the
//! consumer-led / brand-led typing.
//!
//! Definitions (on the weighted undirected view `U` = `CsrGraph::undirected()`, unless "directed"):
//! * `volume` K_c: sum of undirected degrees of the members (a self-loop counts twice); `2m` = Σ_c K_c.
//! * `internal_weight`: weight of undirected edges inside c (each once); `external_weight`: weight of
//!   edges leaving c (the cut).
//! * `modularity_contribution`: `2·internal/2m − γ (K_c/2m)²`; they sum to the partition's modularity.
//! * `conductance` (Yang & Leskovec 2012; networkx `conductance`): `cut / min(K_c, 2m − K_c)`,
//!   0 when that minimum is 0. Lower = more tightly knit.
//! * `density`: distinct adjacent member pairs / (s(s−1)/2) (unweighted; 0 for s < 2).
//! * `reciprocity` (directed): share of internal arcs u→v (u ≠ v) whose reverse v→u exists
//!   (1 for an undirected input; 0 with no internal arcs).
//! * **Leaders**: PageRank (damping 0.85, Brin & Page 1998) on the community's induced
//!   *directed* weighted subgraph, credit flowing source → target (pull over in-arcs), dangling
//!   mass spread uniformly inside the community, iterated to L1 change < 1e-10 (≤ 200 rounds).
//!   Members are ranked by score (ties by NodeId); `member_rank` is 1-based.
//! * **Hub**: the member with the largest internal weight (in + out arcs inside the community;
//!   ties by NodeId). `hub_share` = its internal weight / total internal arc weight (1 for a pure
//!   star's centre reached by every arc); `hub_asymmetry` = (in − out)/(in + out) of its internal
//!   arcs: +1 an inward hub everybody acts on (Pew's "broadcast network"), −1 an outward hub acting
//!   on everybody (Pew's "support network").
//! * **Brand share**: of all arc weight touching the community (arcs from a member plus arcs into
//!   a member from outside), the share with a brand or staff account at either end.
//! * **Brand centricity** = `max(brand_share, hub_share if the hub is a brand/staff account else 0)`
//!   in [0, 1]. The community is `brand-led` when brand centricity ≥ `brand_threshold`
//!   (default 0.5: half of the community's interaction weight involves the brand, or a brand
//!   account is the hub of at least half of the internal interaction weight), else `consumer-led`.
//!
//! Parallel over communities (each computed in member order), so the result does not depend on the
//! thread count. Time O(n + m + iterations · internal arcs), space O(n + m).

use super::quality::community_sums;
use super::Partition;
use crate::algo::NodeId;
use crate::graph::{CsrGraph, NodeKind};
use crate::ingest::Dataset;
use rayon::prelude::*;
use serde::Serialize;

/// Default number of leaders listed per community.
pub const DEFAULT_LEADERS: usize = 3;
/// Default brand-centricity threshold of the `brand-led` label.
pub const DEFAULT_BRAND_THRESHOLD: f64 = 0.5;
/// Damping of the in-community PageRank.
pub const LEADER_DAMPING: f64 = 0.85;

/// Profile settings.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct ProfileConfig {
    /// Leaders listed per community.
    #[arg(long, default_value_t = DEFAULT_LEADERS, value_name = "K")]
    pub leaders: usize,
    /// Brand-centricity threshold (0..1) at or above which a community is brand-led.
    #[arg(long, default_value_t = DEFAULT_BRAND_THRESHOLD, value_name = "X")]
    pub brand_threshold: f64,
    /// Resolution γ of the modularity contributions (set from the detection config).
    #[arg(skip = 1.0)]
    pub resolution: f64,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        ProfileConfig {
            leaders: DEFAULT_LEADERS,
            brand_threshold: DEFAULT_BRAND_THRESHOLD,
            resolution: 1.0,
        }
    }
}

/// Consumer-led or brand-led.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommunityType {
    /// Driven by customers talking to each other.
    ConsumerLed,
    /// Driven by brand or staff accounts.
    BrandLed,
}

impl CommunityType {
    /// `consumer-led` or `brand-led`.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityType::ConsumerLed => "consumer-led",
            CommunityType::BrandLed => "brand-led",
        }
    }
}

/// A leader: member and in-community PageRank score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Leader {
    /// Node index.
    pub node: NodeId,
    /// In-community PageRank (sums to 1 over the community).
    pub score: f64,
}

/// Profile of one community (see the module doc for every definition).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunityProfile {
    /// Community id (as in the partition).
    pub id: u32,
    /// Members.
    pub size: usize,
    /// Customer members.
    pub customers: usize,
    /// Brand-account members.
    pub brand_accounts: usize,
    /// Staff members.
    pub staff_accounts: usize,
    /// Undirected weight inside.
    pub internal_weight: f64,
    /// Undirected weight leaving (cut).
    pub external_weight: f64,
    /// Sum of member degrees.
    pub volume: f64,
    /// This community's term of the modularity.
    pub modularity_contribution: f64,
    /// cut / min(volume, 2m − volume).
    pub conductance: f64,
    /// Adjacent member pairs / possible pairs.
    pub density: f64,
    /// Share of internal arcs that are reciprocated.
    pub reciprocity: f64,
    /// Top members by in-community PageRank.
    pub leaders: Vec<Leader>,
    /// Member with the largest internal weight.
    pub hub: NodeId,
    /// Hub's share of internal arc weight.
    pub hub_share: f64,
    /// (in − out)/(in + out) of the hub's internal arcs.
    pub hub_asymmetry: f64,
    /// Share of touching arc weight involving brand/staff accounts.
    pub brand_share: f64,
    /// max(brand_share, hub_share when the hub is a brand/staff account).
    pub brand_centricity: f64,
    /// Consumer-led or brand-led.
    pub kind: CommunityType,
}

/// Profiles of all communities plus each node's leader rank inside its community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profiles {
    /// One profile per community, by id.
    pub communities: Vec<CommunityProfile>,
    /// 1-based rank of each node inside its community by in-community PageRank.
    pub member_rank: Vec<u32>,
    /// Each node's in-community PageRank.
    pub leader_score: Vec<f64>,
}

fn is_brand(k: NodeKind) -> bool {
    matches!(k, NodeKind::Brand | NodeKind::Staff)
}

/// In-community PageRank over members `mem` (local index = position), pulling over `g.inc`.
fn local_pagerank(g: &CsrGraph, mem: &[u32], part: &[u32], local: &[u32], c: u32) -> Vec<f64> {
    let s = mem.len();
    let sf = s as f64;
    // Internal out-strength of each member.
    let outw: Vec<f64> = mem
        .iter()
        .map(|&v| {
            g.out
                .neighbors(v)
                .iter()
                .zip(g.out.weights_of(v))
                .filter(|(&u, _)| part[u as usize] == c)
                .map(|(_, &w)| f64::from(w))
                .sum()
        })
        .collect();
    let mut x = vec![1.0 / sf; s];
    let mut y = vec![0.0; s];
    for _ in 0..200 {
        let dangling: f64 = (0..s).filter(|&i| outw[i] <= 0.0).map(|i| x[i]).sum();
        let base = (1.0 - LEADER_DAMPING) / sf + LEADER_DAMPING * dangling / sf;
        for (i, &v) in mem.iter().enumerate() {
            let mut acc = 0.0;
            for (&u, &w) in g.inc.neighbors(v).iter().zip(g.inc.weights_of(v)) {
                if part[u as usize] == c {
                    let j = local[u as usize] as usize;
                    if outw[j] > 0.0 {
                        acc += x[j] * f64::from(w) / outw[j];
                    }
                }
            }
            y[i] = base + LEADER_DAMPING * acc;
        }
        let diff: f64 = x.iter().zip(&y).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut y);
        if diff < 1e-10 {
            break;
        }
    }
    x
}

/// Profile every community of `part` on the dataset's directed graph `g`.
pub fn profile(ds: &Dataset, g: &CsrGraph, part: &Partition, cfg: &ProfileConfig) -> Profiles {
    let n = g.n();
    let labels = &part.community;
    let k = part.count;
    let und = g.undirected();
    let (inside, vol) = community_sums(&und, labels, k);
    let two_m: f64 = vol.iter().sum();
    // Members per community in node order, and each node's position inside its community.
    let mut start = vec![0usize; k + 1];
    for &c in labels {
        start[c as usize + 1] += 1;
    }
    for i in 0..k {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; n];
    let mut local = vec![0u32; n];
    for v in 0..n {
        let c = labels[v] as usize;
        local[v] = (fill[c] - start[c]) as u32;
        members[fill[c]] = v as u32;
        fill[c] += 1;
    }
    let kind_of = |v: u32| -> NodeKind {
        if (v as usize) < ds.graph.node_count() {
            ds.graph.kind(v)
        } else {
            NodeKind::Customer
        }
    };
    let per: Vec<(CommunityProfile, Vec<f64>, Vec<u32>)> = (0..k as u32)
        .into_par_iter()
        .map(|c| {
            let ci = c as usize;
            let mem = &members[start[ci]..start[ci + 1]];
            let s = mem.len();
            let (mut customers, mut brands, mut staff) = (0, 0, 0);
            let mut pairs = 0u64;
            let mut internal_arcs = 0u64;
            let mut reciprocated = 0u64;
            let mut touch_w = 0.0;
            let mut brand_w = 0.0;
            let mut int_total = 0.0;
            let mut hub = mem[0];
            let mut hub_in_out = (0.0f64, 0.0f64);
            for &v in mem {
                let kv = kind_of(v);
                match kv {
                    NodeKind::Customer => customers += 1,
                    NodeKind::Brand => brands += 1,
                    NodeKind::Staff => staff += 1,
                }
                pairs += und
                    .neighbors(v)
                    .iter()
                    .filter(|&&u| u != v && labels[u as usize] == c)
                    .count() as u64;
                let mut vin = 0.0;
                let mut vout = 0.0;
                for (&u, &w) in g.out.neighbors(v).iter().zip(g.out.weights_of(v)) {
                    let w = f64::from(w);
                    touch_w += w;
                    if is_brand(kv) || is_brand(kind_of(u)) {
                        brand_w += w;
                    }
                    if labels[u as usize] == c {
                        vout += w;
                        int_total += w;
                        if u != v {
                            internal_arcs += 1;
                            if g.out.neighbors(u).binary_search(&v).is_ok() {
                                reciprocated += 1;
                            }
                        }
                    }
                }
                for (&u, &w) in g.inc.neighbors(v).iter().zip(g.inc.weights_of(v)) {
                    let w = f64::from(w);
                    if labels[u as usize] == c {
                        vin += w;
                    } else {
                        touch_w += w;
                        if is_brand(kv) || is_brand(kind_of(u)) {
                            brand_w += w;
                        }
                    }
                }
                if vin + vout > hub_in_out.0 + hub_in_out.1 {
                    hub = v;
                    hub_in_out = (vin, vout);
                }
            }
            let scores = local_pagerank(g, mem, labels, &local, c);
            let mut order: Vec<usize> = (0..s).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            let leaders = order
                .iter()
                .take(cfg.leaders)
                .map(|&i| Leader {
                    node: mem[i],
                    score: scores[i],
                })
                .collect();
            let mut ranked = vec![0u32; s];
            for (r, &i) in order.iter().enumerate() {
                ranked[i] = r as u32 + 1;
            }
            let hub_w = hub_in_out.0 + hub_in_out.1;
            let hub_share = if int_total > 0.0 {
                (hub_w / int_total).min(1.0)
            } else {
                0.0
            };
            let hub_asymmetry = if hub_w > 0.0 {
                (hub_in_out.0 - hub_in_out.1) / hub_w
            } else {
                0.0
            };
            let brand_share = if touch_w > 0.0 {
                brand_w / touch_w
            } else if brands + staff > 0 {
                1.0
            } else {
                0.0
            };
            let brand_hub = if is_brand(kind_of(hub)) {
                hub_share
            } else {
                0.0
            };
            let brand_centricity = brand_share.max(brand_hub);
            let kind = if brand_centricity >= cfg.brand_threshold {
                CommunityType::BrandLed
            } else {
                CommunityType::ConsumerLed
            };
            let internal_weight = inside[ci] / 2.0;
            let external_weight = (vol[ci] - inside[ci]).max(0.0);
            let (modularity_contribution, conductance) = if two_m > 0.0 {
                let denom = vol[ci].min(two_m - vol[ci]);
                (
                    inside[ci] / two_m - cfg.resolution * (vol[ci] / two_m).powi(2),
                    if denom > 0.0 {
                        external_weight / denom
                    } else {
                        0.0
                    },
                )
            } else {
                (0.0, 0.0)
            };
            let density = if s >= 2 {
                (pairs as f64 / 2.0) / (s as f64 * (s as f64 - 1.0) / 2.0)
            } else {
                0.0
            };
            let reciprocity = if internal_arcs > 0 {
                reciprocated as f64 / internal_arcs as f64
            } else {
                0.0
            };
            let p = CommunityProfile {
                id: c,
                size: s,
                customers,
                brand_accounts: brands,
                staff_accounts: staff,
                internal_weight,
                external_weight,
                volume: vol[ci],
                modularity_contribution,
                conductance,
                density,
                reciprocity,
                leaders,
                hub,
                hub_share,
                hub_asymmetry,
                brand_share,
                brand_centricity,
                kind,
            };
            (p, scores, ranked)
        })
        .collect();
    let mut member_rank = vec![0u32; n];
    let mut leader_score = vec![0.0; n];
    let mut communities = Vec::with_capacity(k);
    for (c, (p, scores, ranked)) in per.into_iter().enumerate() {
        let mem = &members[start[c]..start[c + 1]];
        for (i, &v) in mem.iter().enumerate() {
            leader_score[v as usize] = scores[i];
            member_rank[v as usize] = ranked[i];
        }
        communities.push(p);
    }
    Profiles {
        communities,
        member_rank,
        leader_score,
    }
}
