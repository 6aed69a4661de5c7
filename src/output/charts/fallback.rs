//! Small, sequential stand-ins used by `kolgraph chart`/`report` for the scores a chart needs when
//! run on raw data: a PageRank (Page, Brin, Motwani & Winograd 1999) and a label propagation
//! (Raghavan, Albert & Kumara 2007). They exist so the charts can be drawn from the graph alone;
//! `kolgraph analyze` passes the real results of the centrality and community modules instead.
//!
//! Both are sequential and visit nodes in id order, so they are deterministic. PageRank:
//! O(iterations × m); label propagation: O(iterations × m log d).

use crate::algo::rng::{hash3, rng_for, Stream};
use crate::graph::CsrGraph;
use rand::seq::SliceRandom;

/// PageRank with damping `d`: credit flows source → target (pulled over `inc`), each arc weighted
/// by its share of the source's out-strength; dangling mass is spread uniformly. Stops when the
/// L1 change is below 1e-10 or after 200 iterations.
pub fn pagerank(g: &CsrGraph, d: f64) -> Vec<f64> {
    let n = g.n();
    if n == 0 {
        return Vec::new();
    }
    let strength: Vec<f64> = (0..n as u32).map(|v| g.out.strength(v)).collect();
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..200 {
        let dangling: f64 = (0..n).filter(|&v| strength[v] <= 0.0).map(|v| x[v]).sum();
        let base = (1.0 - d) / n as f64 + d * dangling / n as f64;
        for v in 0..n as u32 {
            let mut s = 0.0;
            for (&u, &w) in g.inc.neighbors(v).iter().zip(g.inc.weights_of(v)) {
                let su = strength[u as usize];
                if su > 0.0 {
                    s += x[u as usize] * f64::from(w) / su;
                }
            }
            next[v as usize] = base + d * s;
        }
        let delta: f64 = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if delta < 1e-10 {
            break;
        }
    }
    x
}

/// Label propagation on the undirected weighted view: each node, in a seeded random order per
/// sweep, takes the label with the largest total weight among its neighbours; a node keeps its
/// label when that label is among the best, other ties go to the smallest `hash3(seed, v, label)`
/// (a seeded random tie-break: the "smallest label" rule floods small graphs with one label).
/// At most 50 sweeps. Labels are renumbered 0.. by first appearance in id order.
pub fn label_propagation(g: &CsrGraph, seed: u64) -> Vec<u32> {
    let u = g.undirected();
    let n = u.n();
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut acc: Vec<(u32, f64)> = Vec::new();
    let mut order: Vec<u32> = (0..n as u32).collect();
    for sweep in 0..50u64 {
        let mut changed = false;
        order.shuffle(&mut rng_for(seed, Stream::LabelPropagation, sweep));
        for &v in &order {
            acc.clear();
            for (&w, &wt) in u.neighbors(v).iter().zip(u.weights_of(v)) {
                if w != v {
                    acc.push((label[w as usize], f64::from(wt)));
                }
            }
            if acc.is_empty() {
                continue;
            }
            acc.sort_by_key(|a| a.0);
            let cur = label[v as usize];
            let mut sums: Vec<(u32, f64)> = Vec::new();
            let mut i = 0;
            while i < acc.len() {
                let l = acc[i].0;
                let mut s = 0.0;
                while i < acc.len() && acc[i].0 == l {
                    s += acc[i].1;
                    i += 1;
                }
                sums.push((l, s));
            }
            let top = sums.iter().map(|x| x.1).fold(f64::MIN, f64::max);
            let best = if sums.iter().any(|x| x.0 == cur && x.1 >= top) {
                cur
            } else {
                sums.iter()
                    .filter(|x| x.1 >= top)
                    .map(|x| x.0)
                    .min_by_key(|&l| hash3(seed, u64::from(v), u64::from(l)))
                    .unwrap_or(cur)
            };
            if best != label[v as usize] {
                label[v as usize] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut map = vec![u32::MAX; n];
    let mut next = 0u32;
    label
        .iter()
        .map(|&l| {
            if map[l as usize] == u32::MAX {
                map[l as usize] = next;
                next += 1;
            }
            map[l as usize]
        })
        .collect()
}
