//! Independent Cascade (Kempe, Kleinberg & Tardos, KDD 2003): a node activated at step t gets one
//! chance, at step t + 1, to activate each inactive node of its `inc` row, with the arc's
//! probability. Equivalent to reachability in the live-edge world of run r (arc e live iff
//! `coin(seed, r, e) < p_e`), which is how it is computed: a BFS that draws the coin of an arc only
//! when its head is still inactive (the coin does not depend on when it is drawn).
//! The arcs are read as packed `(target, threshold − 1)` pairs ([`super::packed_arcs`]): one 8-byte
//! load and, for an inactive head, one multiply-xor hash and an integer compare per arc.
//! Time O(active nodes + their arcs) per run; space O(n) per worker.

use super::{arc_hash, run_key, RunRecord, Workspace};
use crate::algo::NodeId;
use crate::graph::CsrGraph;

/// One IC run; the active nodes end up in `ws.queue` in activation order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    g: &CsrGraph,
    arcs: &[(u32, u32)],
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
    let mut head = 0;
    let mut step = 0u32;
    while head < ws.queue.len() && (max_steps == 0 || step < max_steps) {
        let end = ws.queue.len();
        while head < end {
            let v = ws.queue[head] as usize;
            head += 1;
            let b = offs[v] as usize;
            for (i, &(u, m1)) in arcs[b..offs[v + 1] as usize].iter().enumerate() {
                let u = u as usize;
                if ws.stamp[u] != ep && (arc_hash(key, (b + i) as u64) >> 32) as u32 <= m1 {
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
