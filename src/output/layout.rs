//! Deterministic force-directed layout: Fruchterman & Reingold, "Graph drawing by force-directed
//! placement", Software—Practice and Experience 21(11), 1991.
//!
//! Start positions come from `algo::rng::rng_for(seed, Stream::Layout, 0)`; forces are summed
//! sequentially in node order, so the same graph and seed give the same positions on any machine
//! thread count. Repulsion k²/d between every pair, attraction d²/k along edges, displacement
//! capped by a temperature that cools linearly. O(iterations × (n² + m)) time, O(n) space:
//! meant for the small graphs that are drawn (ego networks of ≤ a few hundred nodes).

use crate::algo::rng::{rng_for, Stream};
use rand::Rng;

/// Default number of iterations.
pub const DEFAULT_ITERATIONS: usize = 300;

/// Positions in [0, 1]² for `n` nodes joined by undirected `edges` (indices < n; others ignored).
pub fn fruchterman_reingold(
    n: usize,
    edges: &[(u32, u32)],
    seed: u64,
    iterations: usize,
) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let mut rng = rng_for(seed, Stream::Layout, n as u64);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.gen::<f64>(), rng.gen::<f64>()))
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let t0 = 0.1;
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for it in 0..iterations {
        let t = t0 * (1.0 - it as f64 / iterations as f64) + 1e-4;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in (i + 1)..n {
                let (mut dx, mut dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let mut d2 = dx * dx + dy * dy;
                if d2 < 1e-18 {
                    // Coincident nodes: push apart along a fixed, index-dependent direction.
                    let a = (i * 7 + j * 13) as f64;
                    dx = a.cos() * 1e-6;
                    dy = a.sin() * 1e-6;
                    d2 = dx * dx + dy * dy;
                }
                let f = k * k / d2; // (k²/d) · (1/d) for the unit vector
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b) in edges {
            let (a, b) = (a as usize, b as usize);
            if a >= n || b >= n || a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            let f = d / k; // (d²/k) · (1/d)
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for i in 0..n {
            let (dx, dy) = disp[i];
            let len = (dx * dx + dy * dy).sqrt();
            if len > 0.0 {
                let s = len.min(t) / len;
                pos[i].0 += dx * s;
                pos[i].1 += dy * s;
            }
        }
    }
    normalize(&mut pos);
    pos
}

/// Scale positions into [0, 1]² keeping the aspect ratio, centred.
fn normalize(pos: &mut [(f64, f64)]) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos.iter() {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0);
    if !(span.is_finite() && span > 0.0) {
        pos.iter_mut().for_each(|p| *p = (0.5, 0.5));
        return;
    }
    let (ox, oy) = ((span - (x1 - x0)) / 2.0, (span - (y1 - y0)) / 2.0);
    for p in pos.iter_mut() {
        *p = ((p.0 - x0 + ox) / span, (p.1 - y0 + oy) / span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_deterministic_and_separates_nodes() {
        let edges: Vec<(u32, u32)> = (0..9).map(|i| (i, i + 1)).collect();
        let a = fruchterman_reingold(10, &edges, 7, 200);
        let b = fruchterman_reingold(10, &edges, 7, 200);
        assert_eq!(a, b);
        for i in 0..10 {
            assert!((0.0..=1.0).contains(&a[i].0) && (0.0..=1.0).contains(&a[i].1));
            for j in (i + 1)..10 {
                let d = ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt();
                assert!(d > 0.01, "nodes {i} and {j} overlap");
            }
        }
        // A path: neighbours are closer on average than the two ends.
        let end = ((a[0].0 - a[9].0).powi(2) + (a[0].1 - a[9].1).powi(2)).sqrt();
        let nb = ((a[0].0 - a[1].0).powi(2) + (a[0].1 - a[1].1).powi(2)).sqrt();
        assert!(nb < end);
    }
}
