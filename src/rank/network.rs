//! Network value: how much of the brand's community a customer moves.
//!
//! Domingos & Richardson (KDD 2001) define a customer's network value as the expected profit from
//! the customers they influence. kolgraph combines four measurable parts, each as a percentile
//! among customers (see [`super::percentiles`]), with the weights of `[network]` in the config:
//!
//! * **influence**: PageRank (or LeaderRank) score, attention flowing source → target;
//! * **reach**: the customer's word-of-mouth credit in the Independent Cascade model: by default
//!   (`reach_credit = "shared"`) the Shapley value of the spread (Chen & Teng, "Interplay between
//!   social influence and network centrality", WWW 2017): every expected activation of another
//!   account is split equally among the accounts that could each have caused it (the members of
//!   a reverse-reachable set); with `reach_credit = "alone"` the expected other accounts
//!   activated when the customer alone is seeded (single-node influence). Shared credit is the
//!   default because single-node influence is dominated by the size of the cascade a customer
//!   sits in: in a dense community of 700 every ordinary member "reaches" 60+ accounts, more
//!   than the leader of a community of 30, and the customers' reaches add up to many times the
//!   activations there are. Shapley credits add up to the expected activations (efficiency).
//!   Optionally CLV-weighted, as in Domingos & Richardson;
//! * **brokerage**: betweenness centrality (Brandes 2001): the customer links otherwise distant groups;
//! * **community leadership**: the customer's influence percentile *inside* their own community,
//!   scaled down in communities smaller than `roles.community_min_size` (`× size/min_size`).
//!
//! `value = Σ w_k·c_k / Σ w_k − wom_penalty · wom_risk`, clamped to [0, 1], over the components
//! that are available: when an algorithm could not run its component is left out, the weights are
//! renormalised and the component is listed as unavailable. No component is ever faked.
//!
//! **Negative word-of-mouth risk**: the mean sentiment of the customer's own recent interactions
//! (out-edges whose latest row falls in `sentiment.recent_days`; every edge when there are no
//! timestamps). With at least `sentiment.min_rows` rows and a mean at or below
//! `sentiment.negative_threshold`, the risk is `min(1, −mean)` and the customer is flagged.
//!
//! **In money** ([`money_values`], used by the default `value` blend): attention value + spread
//! value, in the currency of the transactions, so importance = CLV + network value is one unit.
//!
//! Time O(n log n + m), space O(n).

use super::config::{NetworkWeights, RoleConfig, SentimentConfig};
use super::{percentiles, DAY};
use crate::graph::PropertyGraph;
use serde::Serialize;

/// The raw algorithm outputs network value is built from (indexed by `NodeId`); `None` = the
/// algorithm did not run or is not available in this build.
#[derive(Debug, Clone, Default)]
pub struct NetworkInputs {
    /// Influence scores (PageRank or LeaderRank).
    pub influence: Option<Vec<f64>>,
    /// Word-of-mouth reach of each node, other accounts only (shared credit or alone, see the
    /// module doc).
    pub reach: Option<Vec<f64>>,
    /// Betweenness centrality.
    pub betweenness: Option<Vec<f64>>,
    /// Community id per node.
    pub community: Option<Vec<u32>>,
}

/// Mean recent sentiment of a node's own interactions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct SentimentSummary {
    /// Mean sentiment in [-1, 1] over the counted rows (None when no row had one).
    pub mean: Option<f64>,
    /// Rows with a sentiment value that were counted.
    pub rows: u32,
}

/// Recent sentiment of every node's outgoing interactions (their own voice).
pub fn recent_sentiment(
    pg: &PropertyGraph,
    as_of: Option<i64>,
    cfg: &SentimentConfig,
) -> Vec<SentimentSummary> {
    let n = pg.node_count();
    let mut sum = vec![0.0f64; n];
    let mut rows = vec![0u32; n];
    let cutoff = as_of.map(|t| t - (cfg.recent_days * DAY) as i64);
    for (s, _t, e) in pg.edges() {
        if e.sentiment_n == 0 {
            continue;
        }
        let recent = match cutoff {
            Some(c) if e.last_ts != i64::MIN => e.last_ts >= c,
            _ => true,
        };
        if recent {
            sum[s as usize] += f64::from(e.sentiment_sum);
            rows[s as usize] = rows[s as usize].saturating_add(e.sentiment_n);
        }
    }
    (0..n)
        .map(|v| SentimentSummary {
            mean: (rows[v] > 0).then(|| sum[v] / f64::from(rows[v])),
            rows: rows[v],
        })
        .collect()
}

/// Network value of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct NetworkValue {
    /// Raw influence score.
    pub influence: Option<f64>,
    /// Influence percentile among customers.
    pub influence_pct: Option<f64>,
    /// Word-of-mouth reach: expected other accounts activated (shared credit by default).
    pub reach: Option<f64>,
    /// Reach percentile among customers.
    pub reach_pct: Option<f64>,
    /// Raw betweenness.
    pub betweenness: Option<f64>,
    /// Betweenness percentile among customers.
    pub brokerage_pct: Option<f64>,
    /// Community id.
    pub community: Option<u32>,
    /// Customers in that community.
    pub community_size: Option<u32>,
    /// 1-based rank by influence among the community's customers.
    pub community_rank: Option<u32>,
    /// Community-leadership component in [0, 1].
    pub leadership: Option<f64>,
    /// Recent sentiment of the customer's own interactions.
    pub sentiment: SentimentSummary,
    /// Negative word-of-mouth risk in [0, 1] (0 = none).
    pub wom_risk: f64,
    /// True when the risk rule fired.
    pub wom_flag: bool,
    /// Network value in [0, 1].
    pub value: f64,
    /// Attention value in money: the customer's share of the customers' attention (influence
    /// score over the customers' total) × the customers' total CLV (None without influence).
    pub attention_value: Option<f64>,
    /// Spread value in money: expected other customers activated when seeded alone × the mean
    /// customer CLV, or the CLV-weighted reach itself (None without reach).
    pub spread_value: Option<f64>,
    /// Network value in money: (attention + spread) × max(0, 1 − wom_penalty × wom_risk).
    pub money: f64,
}

/// Network values of every node plus which components were available.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkValues {
    /// Per node (brand/staff accounts carry their raw scores but value 0).
    pub nodes: Vec<NetworkValue>,
    /// Components that entered the value.
    pub available: Vec<&'static str>,
    /// Components left out, with the reason.
    pub unavailable: Vec<(&'static str, String)>,
}

/// Compute network values. `customers[v]` marks the nodes ranked as customers; percentiles are
/// taken among them. `reasons` gives the reason for each missing input (by component name).
pub fn network_values(
    inputs: &NetworkInputs,
    sentiment: &[SentimentSummary],
    customers: &[bool],
    w: &NetworkWeights,
    roles: &RoleConfig,
    scfg: &SentimentConfig,
    reasons: &[(&'static str, String)],
) -> NetworkValues {
    let n = customers.len();
    let mut nodes = vec![NetworkValue::default(); n];
    let mut available = Vec::new();
    let mut unavailable = Vec::new();
    let reason = |name: &'static str| {
        reasons
            .iter()
            .find(|(k, _)| *k == name)
            .map_or_else(|| "not computed".to_string(), |(_, r)| r.clone())
    };
    let mut parts: Vec<(f64, Vec<f64>)> = Vec::new();

    // Influence, reach and brokerage share one shape: raw score and customer percentile per node,
    // then a weighted part of the network value (or the reason it is missing).
    type Setter = fn(&mut NetworkValue, f64, Option<f64>);
    let components: [(&'static str, Option<&Vec<f64>>, f64, Setter); 3] = [
        (
            "influence",
            inputs.influence.as_ref(),
            w.influence,
            |x, s, p| {
                x.influence = Some(s);
                x.influence_pct = p;
            },
        ),
        ("reach", inputs.reach.as_ref(), w.reach, |x, s, p| {
            x.reach = Some(s);
            x.reach_pct = p;
        }),
        (
            "brokerage",
            inputs.betweenness.as_ref(),
            w.brokerage,
            |x, s, p| {
                x.betweenness = Some(s);
                x.brokerage_pct = p;
            },
        ),
    ];
    for (name, scores, weight, set) in components {
        match scores {
            Some(sc) => {
                let p = percentiles(sc, customers);
                for v in 0..n {
                    set(&mut nodes[v], sc[v], customers[v].then_some(p[v]));
                }
                available.push(name);
                parts.push((weight, p));
            }
            None => unavailable.push((name, reason(name))),
        }
    }
    match (&inputs.community, &inputs.influence) {
        (Some(comm), Some(inf)) => {
            let lead = community_leadership(comm, inf, customers, roles.community_min_size);
            for v in 0..n {
                nodes[v].community = Some(comm[v]);
                if customers[v] {
                    nodes[v].community_size = Some(lead.size[v]);
                    nodes[v].community_rank = Some(lead.rank[v]);
                    nodes[v].leadership = Some(lead.score[v]);
                }
            }
            available.push("community");
            parts.push((w.community, lead.score));
        }
        (Some(comm), None) => {
            for v in 0..n {
                nodes[v].community = Some(comm[v]);
            }
            unavailable.push(("community", "needs influence scores".to_string()));
        }
        (None, _) => unavailable.push(("community", reason("community"))),
    }

    let wsum: f64 = parts.iter().map(|(w, _)| w).sum();
    for v in 0..n {
        let s = sentiment.get(v).copied().unwrap_or_default();
        nodes[v].sentiment = s;
        if let Some(mean) = s.mean {
            if s.rows >= scfg.min_rows && mean <= scfg.negative_threshold {
                nodes[v].wom_flag = true;
                nodes[v].wom_risk = (-mean).clamp(0.0, 1.0);
            }
        }
        if !customers[v] {
            continue;
        }
        // Parts are summed in a fixed order (influence, reach, brokerage, community).
        let base = if wsum > 0.0 {
            parts.iter().map(|(w, p)| w * p[v]).sum::<f64>() / wsum
        } else {
            0.0
        };
        nodes[v].value = (base - w.wom_penalty * nodes[v].wom_risk).clamp(0.0, 1.0);
    }
    NetworkValues {
        nodes,
        available,
        unavailable,
    }
}

/// Network value in money (the `value` blend): fills `attention_value`, `spread_value` and
/// `money` of every customer from the raw influence and reach already in `nodes`.
///
/// After Kumar et al.'s customer engagement value (J. Service Research 2010), a customer is worth
/// their own CLV plus the value they move in others, measured in the same currency:
/// * attention value = `influence_v / Σ_customers influence × Σ_customers CLV`: the share of the
///   customers' attention (PageRank is a probability distribution of attention) applied to the
///   value of the customers who give it, as Kumar et al. (Marketing Science 2013) split
///   word-of-mouth sales by each member's share of influence;
/// * spread value = `max(0, reach_v) × customers/accounts × mean customer CLV`: the expected
///   other customers credited to their messages in the Independent Cascade model (reach
///   counts accounts, so brand and staff accounts are discounted by the customers' share of the
///   accounts), each worth the mean CLV (Domingos & Richardson 2001's network value with the
///   expected value of a reached customer); with `clv_weighted_reach` the reach already is
///   `Σ P(v activates j)·CLV_j` and is used as is.
///
/// Sums run sequentially in node order (deterministic for any thread count). O(n).
pub fn money_values(
    nodes: &mut [NetworkValue],
    clv: &[f64],
    customers: &[bool],
    reach_is_money: bool,
    wom_penalty: f64,
) {
    let n = customers.len();
    let mut total_clv = 0.0;
    let mut total_inf = 0.0;
    let mut n_customers = 0usize;
    for v in 0..n {
        if customers[v] {
            total_clv += clv[v];
            total_inf += nodes[v].influence.unwrap_or(0.0);
            n_customers += 1;
        }
    }
    if n_customers == 0 {
        return;
    }
    let mean_clv = total_clv / n_customers as f64;
    let customer_share = n_customers as f64 / n as f64;
    for v in 0..n {
        if !customers[v] {
            continue;
        }
        let x = &mut nodes[v];
        x.attention_value = x.influence.map(|i| {
            if total_inf > 0.0 {
                i / total_inf * total_clv
            } else {
                0.0
            }
        });
        x.spread_value = x.reach.map(|r| {
            if reach_is_money {
                r.max(0.0)
            } else {
                r.max(0.0) * customer_share * mean_clv
            }
        });
        let gross = x.attention_value.unwrap_or(0.0) + x.spread_value.unwrap_or(0.0);
        x.money = gross * (1.0 - wom_penalty * x.wom_risk).max(0.0);
    }
}

/// Community leadership of every customer.
#[derive(Debug, Clone)]
pub struct Leadership {
    /// Leadership score in [0, 1].
    pub score: Vec<f64>,
    /// 1-based rank inside the community by influence (ties by id).
    pub rank: Vec<u32>,
    /// Customers in the node's community.
    pub size: Vec<u32>,
}

/// Influence percentile of each customer among the customers of its own community, times
/// `min(1, size / min_size)` so that leading a pair is not leading a community.
pub fn community_leadership(
    community: &[u32],
    influence: &[f64],
    customers: &[bool],
    min_size: u32,
) -> Leadership {
    let n = customers.len();
    let mut members: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for v in 0..n {
        if customers[v] {
            members.entry(community[v]).or_default().push(v);
        }
    }
    let mut score = vec![0.0; n];
    let mut rank = vec![0u32; n];
    let mut size = vec![0u32; n];
    for list in members.values() {
        let k = list.len();
        let mut sorted = list.clone();
        sorted.sort_by(|&a, &b| influence[b].total_cmp(&influence[a]).then(a.cmp(&b)));
        let vals: Vec<f64> = list.iter().map(|&v| influence[v]).collect();
        let pct = percentiles(&vals, &vec![true; k]);
        let scale = (k as f64 / f64::from(min_size.max(1))).min(1.0);
        for (i, &v) in list.iter().enumerate() {
            score[v] = pct[i] * scale;
            size[v] = k as u32;
        }
        for (i, &v) in sorted.iter().enumerate() {
            rank[v] = i as u32 + 1;
        }
    }
    Leadership { score, rank, size }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn missing_components_are_left_out_and_renormalised() {
        let customers = vec![true, true, true, false];
        let inputs = NetworkInputs {
            influence: Some(vec![0.1, 0.3, 0.2, 0.9]),
            ..Default::default()
        };
        let sent = vec![SentimentSummary::default(); 4];
        let nv = network_values(
            &inputs,
            &sent,
            &customers,
            &NetworkWeights::default(),
            &RoleConfig::default(),
            &SentimentConfig::default(),
            &[("reach", "spread module not built".into())],
        );
        assert_eq!(nv.available, vec!["influence"]);
        assert_eq!(nv.unavailable.len(), 3);
        assert_eq!(nv.unavailable[0].1, "spread module not built");
        // Only influence counts: value = influence percentile among customers (brand excluded).
        assert_eq!(nv.nodes[1].value, 1.0);
        assert_eq!(nv.nodes[2].value, 0.5);
        assert_eq!(nv.nodes[0].value, 0.0);
        assert_eq!(nv.nodes[3].value, 0.0);
    }

    #[test]
    fn negative_sentiment_flags_and_penalises() {
        let customers = vec![true, true];
        let inputs = NetworkInputs {
            influence: Some(vec![1.0, 1.0]),
            ..Default::default()
        };
        let sent = vec![
            SentimentSummary {
                mean: Some(-0.8),
                rows: 5,
            },
            SentimentSummary {
                mean: Some(-0.8),
                rows: 2,
            },
        ];
        let nv = network_values(
            &inputs,
            &sent,
            &customers,
            &NetworkWeights::default(),
            &RoleConfig::default(),
            &SentimentConfig::default(),
            &[],
        );
        assert!(nv.nodes[0].wom_flag);
        assert!(!nv.nodes[1].wom_flag, "too few rows to flag");
        // Tied influence: both at the mid-rank percentile 0.5; only the flagged one is penalised.
        assert!((nv.nodes[0].value - (0.5 - 0.25 * 0.8)).abs() < 1e-12);
        assert_eq!(nv.nodes[1].value, 0.5);
    }

    #[test]
    fn money_values_split_attention_and_count_reached_customers() {
        // Three customers and one brand account; influence 0.5/0.3/0.2 among customers.
        let customers = vec![true, true, true, false];
        let mut nodes = vec![NetworkValue::default(); 4];
        for (v, (i, r)) in [(0.5, 4.0), (0.3, 0.0), (0.2, -0.5), (9.0, 9.0)]
            .into_iter()
            .enumerate()
        {
            nodes[v].influence = Some(i);
            nodes[v].reach = Some(r);
        }
        nodes[1].wom_risk = 0.8;
        let clv = [100.0, 200.0, 300.0, 1e9];
        money_values(&mut nodes, &clv, &customers, false, 0.25);
        // Total CLV 600, mean 200, customers are 3 of 4 accounts.
        assert!((nodes[0].attention_value.unwrap() - 300.0).abs() < 1e-9);
        assert!((nodes[0].spread_value.unwrap() - 4.0 * 0.75 * 200.0).abs() < 1e-9);
        assert!((nodes[0].money - 900.0).abs() < 1e-9);
        // Reach 0 = no other account: no spread value; the WOM risk scales the money down by 20%.
        assert_eq!(nodes[1].spread_value, Some(0.0));
        assert!((nodes[1].money - 180.0 * 0.8).abs() < 1e-9);
        // A negative reach (never produced, but clamped) never gives negative money.
        assert_eq!(nodes[2].spread_value, Some(0.0));
        // The brand account is not a customer: no money value.
        assert_eq!(nodes[3].money, 0.0);
        assert_eq!(nodes[3].attention_value, None);
    }

    #[test]
    fn leadership_ranks_inside_each_community() {
        let comm = [0, 0, 0, 0, 0, 1, 1];
        let inf = [0.5, 0.1, 0.2, 0.3, 0.4, 0.9, 0.8];
        let lead = community_leadership(&comm, &inf, &[true; 7], 5);
        assert_eq!(lead.rank[0], 1);
        assert_eq!(lead.score[0], 1.0);
        assert_eq!(lead.rank[5], 1);
        // A pair's leader is scaled by 2/5.
        assert!((lead.score[5] - 0.4).abs() < 1e-12);
        assert_eq!(lead.size[6], 2);
    }
}
