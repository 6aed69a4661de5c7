//! Discrete-time SIR (Kermack–McKendrick on a network). At each step every infected node tries
//! each susceptible node of its `inc` row with the arc probability (a fresh coin per step:
//! `hash(run key, step, arc)`), then recovers with probability γ (`hash(run key, step, node)`).
//! Spread = nodes ever infected. Time O(steps · infected arcs) per run; space O(n) per worker.

use super::{live, run_key, sub_seed, threshold, RunRecord, Workspace};
use crate::algo::rng::{hash3, unit_f64};
use crate::algo::NodeId;
use crate::graph::CsrGraph;

const INFECT_TAG: u64 = 0x5349_5231;
const RECOVER_TAG: u64 = 0x5349_5232;

/// One SIR run; ever-infected nodes end in `ws.queue`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    g: &CsrGraph,
    thr: &[u64],
    seeds: &[NodeId],
    seed: u64,
    r: u64,
    gamma: f64,
    max_steps: u32,
    ws: &mut Workspace,
    rec: &mut RunRecord,
) {
    let ep = ws.next();
    let ki = run_key(sub_seed(seed, INFECT_TAG), r);
    let kr = run_key(sub_seed(seed, RECOVER_TAG), r);
    let gthr = threshold(gamma as f32);
    // `ws.list` holds the currently infected nodes.
    for &s in seeds {
        if ws.stamp[s as usize] != ep {
            ws.stamp[s as usize] = ep;
            ws.queue.push(s);
            ws.list.push(s);
        }
    }
    rec.steps.push((ws.queue.len() as u32, 0));
    let mut infected = std::mem::take(&mut ws.list);
    let mut next: Vec<NodeId> = Vec::new();
    let mut step = 0u64;
    while !infected.is_empty() && step < u64::from(max_steps) {
        next.clear();
        let before = ws.queue.len();
        for &v in &infected {
            for i in g.inc.range(v) {
                let u = g.inc.targets[i] as usize;
                if ws.stamp[u] != ep && live(hash3(ki, step, i as u64), thr[i]) {
                    ws.stamp[u] = ep;
                    ws.queue.push(u as NodeId);
                    next.push(u as NodeId);
                }
            }
        }
        for &v in &infected {
            if !live(hash3(kr, step, u64::from(v)), gthr) {
                next.push(v);
            }
        }
        std::mem::swap(&mut infected, &mut next);
        step += 1;
        if ws.queue.len() > before {
            rec.steps.push((ws.queue.len() as u32, 0));
        } else if !infected.is_empty() {
            // Nothing new this step but infection continues: the curve stays flat.
            rec.steps.push((ws.queue.len() as u32, 0));
        }
    }
    infected.clear();
    ws.list = infected;
    let _ = unit_f64;
}
