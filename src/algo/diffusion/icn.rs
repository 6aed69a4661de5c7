//! IC-N: Independent Cascade with negative opinions (Chen et al., "Influence maximization in
//! social networks when negative opinions may emerge and propagate", SDM 2011).
//!
//! Arcs are live exactly as in IC (same coins, so IC-N's total reach equals IC's in every run).
//! Signs: a seed turns positive with probability q, negative otherwise; a node activated at step
//! t by at least one negative neighbour turns negative (negativity bias: negative wins
//! simultaneous attempts); a node activated only by positive neighbours turns positive with
//! probability min over those arcs of q_e, where q_e = q · (1 + min(0, s_e)) and s_e ∈ [-1, 1] is
//! the mean sentiment of the interactions on the arc (a hostile reply halves q at s = −0.5). The
//! quality draw of node u in run r is `hash(seed', r, u)`. Time and space as IC.

use super::{arc_hash, live, run_key, sub_seed, RunRecord, Workspace};
use crate::algo::rng::{mix64, unit_f64};
use crate::algo::NodeId;
use crate::graph::CsrGraph;

const QUALITY_TAG: u64 = 0x4943_4E51;

/// `ws.flag[u]`: 1 = positive, 2 = negative.
const POS: u8 = 1;
const NEG: u8 = 2;

#[inline]
fn quality_draw(kq: u64, u: u64) -> f64 {
    unit_f64(mix64(kq ^ u.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// One IC-N run; active nodes in `ws.queue`, signs in `ws.flag`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    g: &CsrGraph,
    thr: &[u64],
    sentiment: &[f32],
    q: f64,
    seeds: &[NodeId],
    seed: u64,
    r: u64,
    max_steps: u32,
    ws: &mut Workspace,
    rec: &mut RunRecord,
) {
    let ep = ws.next();
    let key = run_key(seed, r);
    let kq = run_key(sub_seed(seed, QUALITY_TAG), r);
    let mut neg = 0u32;
    for &s in seeds {
        let su = s as usize;
        if ws.stamp[su] != ep {
            ws.stamp[su] = ep;
            ws.queue.push(s);
            ws.flag[su] = if quality_draw(kq, u64::from(s)) < q {
                POS
            } else {
                neg += 1;
                NEG
            };
        }
    }
    rec.steps.push((ws.queue.len() as u32, neg));
    let mut head = 0;
    let mut step = 0u32;
    while head < ws.queue.len() && (max_steps == 0 || step < max_steps) {
        let end = ws.queue.len();
        ws.list.clear();
        while head < end {
            let v = ws.queue[head] as usize;
            head += 1;
            let v_neg = ws.flag[v] == NEG;
            for i in g.inc.range(v as u32) {
                let u = g.inc.targets[i] as usize;
                if ws.stamp[u] == ep || !live(arc_hash(key, i as u64), thr[i]) {
                    continue;
                }
                // Pending activation of u this step: aux = min q_e so far, flag = any negative.
                if ws.aux_stamp[u] != ep {
                    ws.aux_stamp[u] = ep;
                    ws.aux[u] = 1.0;
                    ws.flag[u] = 0;
                    ws.list.push(u as NodeId);
                }
                if v_neg {
                    ws.flag[u] = NEG;
                } else {
                    let s = f64::from(sentiment.get(i).copied().unwrap_or(0.0));
                    let qe = q * (1.0 + s.min(0.0));
                    ws.aux[u] = ws.aux[u].min(qe);
                }
            }
        }
        for k in 0..ws.list.len() {
            let u = ws.list[k] as usize;
            ws.stamp[u] = ep;
            if ws.flag[u] != NEG {
                ws.flag[u] = if quality_draw(kq, u as u64) < ws.aux[u] {
                    POS
                } else {
                    NEG
                };
            }
            if ws.flag[u] == NEG {
                neg += 1;
            }
            ws.queue.push(u as NodeId);
        }
        step += 1;
        if ws.queue.len() == end {
            break;
        }
        rec.steps.push((ws.queue.len() as u32, neg));
    }
    rec.negative = neg;
}
