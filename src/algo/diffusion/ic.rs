//! Independent Cascade (Kempe, Kleinberg & Tardos, KDD 2003): a node activated at step t gets one
//! chance, at step t + 1, to activate each inactive node of its `inc` row, with the arc's
//! probability. Equivalent to reachability in the live-edge world of run r (arc e live iff
//! `coin(seed, r, e) < p_e`), which is how it is computed: a BFS that draws the coin of an arc only
//! when its head is still inactive (the coin does not depend on when it is drawn).
//! Time O(active nodes + their arcs) per run; space O(n) per worker.

use super::{arc_hash, live, run_key, RunRecord, Workspace};
use crate::algo::NodeId;
use crate::graph::CsrGraph;

/// One IC run; the active nodes end up in `ws.queue` in activation order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    g: &CsrGraph,
    thr: &[u64],
    seeds: &[NodeId],
    seed: u64,
    r: u64,
    max_steps: u32,
    ws: &mut Workspace,
    rec: &mut RunRecord,
) {
    let ep = ws.next();
    let key = run_key(seed, r);
    for &s in seeds {
        if ws.stamp[s as usize] != ep {
            ws.stamp[s as usize] = ep;
            ws.queue.push(s);
        }
    }
    rec.steps.push((ws.queue.len() as u32, 0));
    let offs = &g.inc.offsets;
    let tg = &g.inc.targets;
    let mut head = 0;
    let mut step = 0u32;
    while head < ws.queue.len() && (max_steps == 0 || step < max_steps) {
        let end = ws.queue.len();
        while head < end {
            let v = ws.queue[head] as usize;
            head += 1;
            for i in offs[v] as usize..offs[v + 1] as usize {
                let u = tg[i] as usize;
                if ws.stamp[u] != ep && live(arc_hash(key, i as u64), thr[i]) {
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
