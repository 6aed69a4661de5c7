//! Lifecycle stages of the customer–brand relationship (exploration → formation → stable →
//! declining, after the relationship-development stages of Dwyer, Schurr & Oh 1987) and the
//! recommended action for each.
//!
//! Facts per customer (their own activity only: interactions they initiated and purchases):
//! * first seen = earliest of `joined_at`, first outgoing interaction, first purchase;
//! * last active = latest outgoing interaction or purchase (or `joined_at` if nothing else);
//! * tenure = reference time − first seen; silence = reference time − last active;
//! * activity = interactions initiated + purchases (all time);
//! * recent touchpoints = accounts acted on with a latest interaction inside `window_days`, plus
//!   purchases inside the window. (Interactions are aggregated per ordered pair at ingest, so the
//!   interaction part counts distinct accounts, not rows.)
//!
//! Rules, first match wins (thresholds in `[lifecycle]`):
//! 1. no dated fact at all → **unknown** (e.g. a plain edge list);
//! 2. silence > `declining_days` → **declining**;
//! 3. tenure < `exploration_days` or activity < 2 → **exploration**;
//! 4. tenure < `formation_days` or recent touchpoints < `stable_min_touchpoints` → **formation**;
//! 5. otherwise **stable**.
//!
//! A detractor's action is replaced by the detractor action (respond before the complaint cascades).

use super::config::LifecycleConfig;
use super::DAY;
use crate::graph::{PropertyGraph, Transaction};
use serde::Serialize;

/// Relationship stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// New or barely active: getting to know the brand.
    Exploration,
    /// Building the relationship.
    Formation,
    /// Established and active.
    Stable,
    /// Gone quiet.
    Declining,
    /// No dated activity to judge from.
    Unknown,
}

impl Stage {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Exploration => "exploration",
            Stage::Formation => "formation",
            Stage::Stable => "stable",
            Stage::Declining => "declining",
            Stage::Unknown => "unknown",
        }
    }
    /// Recommended action for the stage.
    pub fn action(self) -> &'static str {
        match self {
            Stage::Exploration => {
                "profile them and reach them through the channel they already use; welcome offer"
            }
            Stage::Formation => {
                "start two-way interaction: reply, invite reviews and co-creation"
            }
            Stage::Stable => {
                "serve the community and keep its opinion leaders close: early access, ambassador programme"
            }
            Stage::Declining => {
                "win back: personal outreach, ask what changed, targeted incentive"
            }
            Stage::Unknown => "no dated activity: collect timestamps to judge the stage",
        }
    }
}

/// The action for a detractor, whatever the stage.
pub const DETRACTOR_ACTION: &str =
    "respond before the complaint cascades: acknowledge publicly, resolve privately";

/// Lifecycle facts and stage of one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LifecycleInfo {
    /// The stage.
    pub stage: Stage,
    /// Days since first seen.
    pub tenure_days: Option<f64>,
    /// Days since last activity.
    pub silence_days: Option<f64>,
    /// Interactions initiated + purchases, all time.
    pub activity: u64,
    /// Recent touchpoints (see module docs).
    pub recent_touchpoints: u32,
}

/// Lifecycle of every node (brand/staff get `Unknown`).
pub fn lifecycle(
    pg: &PropertyGraph,
    transactions: &[Transaction],
    customers: &[bool],
    as_of: Option<i64>,
    cfg: &LifecycleConfig,
) -> Vec<LifecycleInfo> {
    let n = pg.node_count();
    let mut first: Vec<Option<i64>> = (0..n as u32).map(|v| pg.node(v).joined_at()).collect();
    let mut last: Vec<Option<i64>> = vec![None; n];
    let mut activity = vec![0u64; n];
    let mut touch = vec![0u32; n];
    let cutoff = as_of.map(|t| t - (cfg.window_days * DAY) as i64);
    let upd = |first: &mut Option<i64>, last: &mut Option<i64>, lo: i64, hi: i64| {
        *first = Some(first.map_or(lo, |f| f.min(lo)));
        *last = Some(last.map_or(hi, |l| l.max(hi)));
    };
    for (s, _t, e) in pg.edges() {
        let v = s as usize;
        activity[v] += e.total();
        if e.last_ts != i64::MIN {
            upd(&mut first[v], &mut last[v], e.first_ts, e.last_ts);
            if cutoff.is_some_and(|c| e.last_ts >= c) {
                touch[v] = touch[v].saturating_add(1);
            }
        }
    }
    for t in transactions {
        let v = t.node as usize;
        if v >= n {
            continue;
        }
        activity[v] += 1;
        upd(&mut first[v], &mut last[v], t.timestamp, t.timestamp);
        if cutoff.is_some_and(|c| t.timestamp >= c) {
            touch[v] = touch[v].saturating_add(1);
        }
    }
    (0..n)
        .map(|v| {
            let last_v = last[v].or(pg.node(v as u32).joined_at());
            let (tenure, silence) = match (as_of, first[v], last_v) {
                (Some(now), Some(f), Some(l)) => (
                    Some(((now - f) as f64 / DAY).max(0.0)),
                    Some(((now - l) as f64 / DAY).max(0.0)),
                ),
                _ => (None, None),
            };
            let stage = match (customers[v], tenure, silence) {
                (false, _, _) | (_, None, _) | (_, _, None) => Stage::Unknown,
                (true, Some(ten), Some(sil)) => {
                    if sil > cfg.declining_days {
                        Stage::Declining
                    } else if ten < cfg.exploration_days || activity[v] < 2 {
                        Stage::Exploration
                    } else if ten < cfg.formation_days || touch[v] < cfg.stable_min_touchpoints {
                        Stage::Formation
                    } else {
                        Stage::Stable
                    }
                }
            };
            LifecycleInfo {
                stage,
                tenure_days: tenure,
                silence_days: silence,
                activity: activity[v],
                recent_touchpoints: touch[v],
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::graph::{InteractionKind, NodeKind};

    #[test]
    fn stages_follow_the_rules() {
        let mut pg = PropertyGraph::new();
        let day = 86_400i64;
        let ids = ["new", "forming", "stable", "gone", "quiet", "brand"];
        for id in ids {
            let kind = if id == "brand" {
                NodeKind::Brand
            } else {
                NodeKind::Customer
            };
            pg.ensure_node(id, kind);
        }
        let now = 400 * day;
        let add = |pg: &mut PropertyGraph, s: u32, t: u32, d: i64| {
            pg.add_interaction(
                s,
                t,
                InteractionKind::Reply,
                None,
                Some(d * day),
                1.0,
                None,
                None,
            );
        };
        add(&mut pg, 0, 5, 390);
        add(&mut pg, 0, 5, 395);
        add(&mut pg, 1, 5, 300);
        add(&mut pg, 1, 5, 399);
        for t in [0u32, 1, 3, 5] {
            add(&mut pg, 2, t, 10);
            add(&mut pg, 2, t, 380);
        }
        add(&mut pg, 3, 5, 100);
        add(&mut pg, 3, 5, 200);
        // "quiet" has no dated fact at all.
        let tx = vec![Transaction {
            node: 1,
            timestamp: 350 * day,
            amount: 1.0,
            order_id: None,
            category: None,
        }];
        let customers = [true, true, true, true, true, false];
        let lc = lifecycle(&pg, &tx, &customers, Some(now), &LifecycleConfig::default());
        let st: Vec<Stage> = lc.iter().map(|l| l.stage).collect();
        assert_eq!(
            st,
            vec![
                Stage::Exploration,
                Stage::Formation,
                Stage::Stable,
                Stage::Declining,
                Stage::Unknown,
                Stage::Unknown
            ]
        );
        assert_eq!(lc[1].activity, 3);
        assert_eq!(lc[1].recent_touchpoints, 2);
        assert_eq!(lc[2].recent_touchpoints, 4);
    }
}
