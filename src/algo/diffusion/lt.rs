//! Linear Threshold (Kempe, Kleinberg & Tardos, KDD 2003). Each node `u` draws a threshold
//! θ_u ~ U[0, 1) per run (`hash(seed, r, u)`), and activates once the summed weight b of its
//! active influencers reaches θ_u. Weights: the arc probabilities of the chosen model, scaled
//! down per receiver when they sum above 1 (so Σ b ≤ 1 as the model requires; weighted cascade
//! gives exactly 1/d). Time O(active nodes + their arcs) per run; space O(n) per worker.

use super::probability::EdgeProbabilities;
use super::{run_key, sub_seed, RunRecord, Workspace};
use crate::algo::rng::{mix64, unit_f64};
use crate::algo::NodeId;
use crate::graph::CsrGraph;

/// Tag of the threshold stream.
const THETA_TAG: u64 = 0x4C54;

/// LT weights aligned with `g.inc`: the probabilities, divided by the receiver's total when it
/// exceeds 1. The receiver `u` of `inc` arc (v, u) has its influencers in its `out` row.
pub fn normalized_weights(g: &CsrGraph, probs: &EdgeProbabilities) -> Vec<f64> {
    let n = g.n();
    let mut total = vec![0f64; n];
    // Sum over the out row (same values, aligned with out), in row order: deterministic.
    for (u, t) in total.iter_mut().enumerate() {
        *t = g
            .out
            .range(u as u32)
            .map(|j| f64::from(probs.out[j]))
            .sum::<f64>();
    }
    let mut w = vec![0f64; g.inc.m()];
    for v in 0..n as u32 {
        for i in g.inc.range(v) {
            let u = g.inc.targets[i] as usize;
            let p = f64::from(probs.inc[i]);
            w[i] = if total[u] > 1.0 { p / total[u] } else { p };
        }
    }
    w
}

/// Threshold of node `u` in run `r`.
#[inline]
pub fn theta(seed: u64, r: u64, u: u64) -> f64 {
    unit_f64(mix64(
        run_key(sub_seed(seed, THETA_TAG), r) ^ u.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ))
}

/// One LT run; active nodes end in `ws.queue`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    g: &CsrGraph,
    w: &[f64],
    seeds: &[NodeId],
    seed: u64,
    r: u64,
    max_steps: u32,
    ws: &mut Workspace,
    rec: &mut RunRecord,
) {
    let ep = ws.next();
    for &s in seeds {
        if ws.stamp[s as usize] != ep {
            ws.stamp[s as usize] = ep;
            ws.queue.push(s);
        }
    }
    rec.steps.push((ws.queue.len() as u32, 0));
    let mut head = 0;
    let mut step = 0u32;
    while head < ws.queue.len() && (max_steps == 0 || step < max_steps) {
        let end = ws.queue.len();
        while head < end {
            let v = ws.queue[head];
            head += 1;
            for i in g.inc.range(v) {
                let u = g.inc.targets[i] as usize;
                if ws.stamp[u] == ep {
                    continue;
                }
                if ws.aux_stamp[u] != ep {
                    ws.aux_stamp[u] = ep;
                    ws.aux[u] = 0.0;
                }
                ws.aux[u] += w[i];
                if ws.aux[u] >= theta(seed, r, u as u64) {
                    ws.stamp[u] = ep;
                    ws.queue.push(u as NodeId);
                }
            }
        }
        step += 1;
        if ws.queue.len() == end {
            break;
        }
        rec.steps.push((ws.queue.len() as u32, 0));
    }
}
