//! Importance = blend of purchase value and network value, and the rank-shift report.
//!
//! Two documented rules (`blend.method`):
//!
//! * **value** (default): `importance = (w_p · CLV + w_n · NV$) / ((w_p + w_n) / 2)`, both in
//!   money: NV$ is the network value in money ([`super::network::money_values`]: attention share ×
//!   the customers' total CLV + expected reached customers × mean CLV), after Kumar et al.'s
//!   customer engagement value (CLV + influence value). Equal weights give `CLV + NV$`. A planted
//!   opinion leader who commands ten times the average attention is worth ten average customers
//!   of influence, which a percentile (capped at 1) cannot express.
//! * **percentile**: `importance = (w_p · P + w_n · N) / (w_p + w_n)` where `P` and `N` are the
//!   percentiles (among customers, [`super::percentiles`]) of purchase value and network value: a
//!   percentile form of the CI blend in algorithms.md §7. It keeps heavy-tailed spend from
//!   swamping the network part, but also flattens the heavy tail of influence.
//!
//! Ranks are 1-based, score descending, ties by `NodeId` ascending; brand and staff accounts get
//! rank 0 (not ranked). The purchase-only ranking orders by the raw purchase value (CLV or RFM sum).
//!
//! **Rank shift.** Hidden influencers: purchase percentile ≤ `shift.low_spend` and network
//! percentile ≥ `shift.high_network` (they matter more than their spend says). Isolated big
//! spenders: purchase percentile ≥ `shift.high_spend` and network percentile ≤ `shift.low_network`.
//! Spearman's ρ between the two rankings summarises how much the network changes the picture.
//!
//! Time O(n log n), space O(n); sequential, deterministic.

use super::config::{BlendMethod, BlendWeights, ShiftConfig};
use super::percentiles;
use crate::algo::NodeId;
use serde::Serialize;

/// The blended ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// Purchase-value percentile per node (0 for non-customers).
    pub purchase_pct: Vec<f64>,
    /// Network-value percentile per node.
    pub network_pct: Vec<f64>,
    /// Importance per node.
    pub importance: Vec<f64>,
    /// Blended rank per node (1-based; 0 = not ranked).
    pub rank: Vec<u32>,
    /// Purchase-only rank per node (1-based; 0 = not ranked).
    pub purchase_rank: Vec<u32>,
    /// Customers in blended order.
    pub order: Vec<NodeId>,
    /// Customers in purchase-only order.
    pub purchase_order: Vec<NodeId>,
}

impl Ranking {
    /// Purchase rank minus blended rank (positive = the network moved the customer up).
    pub fn shift(&self, v: NodeId) -> i64 {
        i64::from(self.purchase_rank[v as usize]) - i64::from(self.rank[v as usize])
    }
}

/// Customers ordered by `score` descending, ties by id ascending.
fn order_of(score: &[f64], customers: &[bool]) -> Vec<NodeId> {
    let mut idx: Vec<NodeId> = (0..score.len() as NodeId)
        .filter(|&v| customers[v as usize])
        .collect();
    idx.sort_by(|&a, &b| {
        score[b as usize]
            .total_cmp(&score[a as usize])
            .then(a.cmp(&b))
    });
    idx
}

fn ranks_of(order: &[NodeId], n: usize) -> Vec<u32> {
    let mut r = vec![0u32; n];
    for (i, &v) in order.iter().enumerate() {
        r[v as usize] = i as u32 + 1;
    }
    r
}

/// Blend purchase value (raw, e.g. CLV) and network value into one ranking. `network_value` is
/// the [0, 1] composite (percentile method, quadrant, shift report); `network_money` the network
/// value in money (value method).
pub fn blend(
    purchase_value: &[f64],
    network_value: &[f64],
    network_money: &[f64],
    customers: &[bool],
    w: &BlendWeights,
) -> Ranking {
    let n = customers.len();
    let purchase_pct = percentiles(purchase_value, customers);
    let network_pct = percentiles(network_value, customers);
    let wsum = w.purchase + w.network;
    let importance: Vec<f64> = (0..n)
        .map(|v| {
            if !customers[v] || wsum <= 0.0 {
                return 0.0;
            }
            match w.method {
                BlendMethod::Value => {
                    (w.purchase * purchase_value[v] + w.network * network_money[v]) / (wsum / 2.0)
                }
                BlendMethod::Percentile => {
                    (w.purchase * purchase_pct[v] + w.network * network_pct[v]) / wsum
                }
            }
        })
        .collect();
    let order = order_of(&importance, customers);
    let purchase_order = order_of(purchase_value, customers);
    Ranking {
        rank: ranks_of(&order, n),
        purchase_rank: ranks_of(&purchase_order, n),
        purchase_pct,
        network_pct,
        importance,
        order,
        purchase_order,
    }
}

/// Purchase-only versus blended ranking.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftReport {
    /// Low spend, high network value, by network percentile descending.
    pub hidden_influencers: Vec<NodeId>,
    /// High spend, low network value, by purchase percentile descending.
    pub isolated_big_spenders: Vec<NodeId>,
    /// Customers ranked higher once the network counts.
    pub moved_up: usize,
    /// Customers ranked lower.
    pub moved_down: usize,
    /// Mean |purchase rank − blended rank|.
    pub mean_abs_shift: f64,
    /// Spearman rank correlation between the two rankings (None with fewer than 2 customers).
    pub spearman: Option<f64>,
}

/// The rank-shift report.
pub fn shift_report(r: &Ranking, cfg: &ShiftConfig) -> ShiftReport {
    let mut hidden: Vec<NodeId> = r
        .order
        .iter()
        .copied()
        .filter(|&v| {
            r.purchase_pct[v as usize] <= cfg.low_spend
                && r.network_pct[v as usize] >= cfg.high_network
        })
        .collect();
    hidden.sort_by(|&a, &b| {
        r.network_pct[b as usize]
            .total_cmp(&r.network_pct[a as usize])
            .then(a.cmp(&b))
    });
    let mut isolated: Vec<NodeId> = r
        .order
        .iter()
        .copied()
        .filter(|&v| {
            r.purchase_pct[v as usize] >= cfg.high_spend
                && r.network_pct[v as usize] <= cfg.low_network
        })
        .collect();
    isolated.sort_by(|&a, &b| {
        r.purchase_pct[b as usize]
            .total_cmp(&r.purchase_pct[a as usize])
            .then(a.cmp(&b))
    });
    let k = r.order.len();
    let (mut up, mut down, mut abs, mut d2) = (0usize, 0usize, 0u64, 0u128);
    for &v in &r.order {
        let s = r.shift(v);
        if s > 0 {
            up += 1;
        } else if s < 0 {
            down += 1;
        }
        abs += s.unsigned_abs();
        d2 += u128::from(s.unsigned_abs()) * u128::from(s.unsigned_abs());
    }
    // Ranks are a permutation (ties broken by id), so the exact-rank Spearman formula applies;
    // the integer sum keeps it independent of summation order.
    let spearman = (k >= 2).then(|| {
        let kf = k as f64;
        1.0 - 6.0 * d2 as f64 / (kf * (kf * kf - 1.0))
    });
    ShiftReport {
        hidden_influencers: hidden,
        isolated_big_spenders: isolated,
        moved_up: up,
        moved_down: down,
        mean_abs_shift: if k > 0 { abs as f64 / k as f64 } else { 0.0 },
        spearman,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn blend_ranks_and_shift() {
        // 0: big spender, no network; 1: no spend, top network; 2: middle; 3: brand (not ranked).
        let pv = [100.0, 0.0, 50.0, 1000.0];
        let nv = [0.0, 0.9, 0.5, 1.0];
        let customers = [true, true, true, false];
        let pct = BlendWeights {
            method: BlendMethod::Percentile,
            ..BlendWeights::default()
        };
        let r = blend(&pv, &nv, &nv, &customers, &pct);
        assert_eq!(r.purchase_order, vec![0, 2, 1]);
        assert_eq!(r.rank[3], 0);
        // Importance: 0 → (1+0)/2, 1 → (0+1)/2, 2 → (0.5+0.5)/2: all 0.5, ties by id.
        assert_eq!(r.order, vec![0, 1, 2]);
        let w = BlendWeights {
            method: BlendMethod::Percentile,
            purchase: 0.0,
            network: 1.0,
        };
        let r = blend(&pv, &nv, &nv, &customers, &w);
        assert_eq!(r.order, vec![1, 2, 0]);
        assert_eq!(r.shift(1), 2);
        let s = shift_report(&r, &ShiftConfig::default());
        assert_eq!(s.hidden_influencers, vec![1]);
        assert_eq!(s.isolated_big_spenders, vec![0]);
        assert_eq!((s.moved_up, s.moved_down), (1, 1));
        assert_eq!(s.mean_abs_shift, 4.0 / 3.0);
        // Ranks (1,3,2) vs (3,1,2): d² = 4 + 4 + 0 → ρ = 1 − 6·8/24 = −1.
        assert_eq!(s.spearman, Some(-1.0));
    }

    #[test]
    fn value_blend_adds_money() {
        // CLV 100 / 0 / 50 plus network money 10 / 120 / 50: 110, 120, 100.
        let pv = [100.0, 0.0, 50.0];
        let money = [10.0, 120.0, 50.0];
        let nv = [0.1, 0.9, 0.5];
        let r = blend(&pv, &nv, &money, &[true; 3], &BlendWeights::default());
        assert_eq!(r.importance, vec![110.0, 120.0, 100.0]);
        assert_eq!(r.order, vec![1, 0, 2]);
        assert_eq!(r.purchase_order, vec![0, 2, 1]);
        // Weights tilt the money sum: 0.75·CLV + 0.25·NV$, rescaled by 2/(0.75 + 0.25).
        let w = BlendWeights {
            purchase: 0.75,
            network: 0.25,
            ..BlendWeights::default()
        };
        let r = blend(&pv, &nv, &money, &[true; 3], &w);
        assert_eq!(r.importance, vec![155.0, 60.0, 100.0]);
    }
}
