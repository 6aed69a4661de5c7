//! Customer-importance ranking: purchase value (RFM, CLV), network value, their blend, roles,
//! the CLV × network quadrant, lifecycle stages, explanations and the `analyze` pipeline.
//!
//! Every score is computed on plain vectors indexed by `NodeId`; brand and staff accounts take
//! part in the graph algorithms but are never ranked as customers. All scales that are blended
//! are percentiles among customers (see [`percentiles`]), so no component can dominate by its units.
//! The user documentation of every score is `docs/ranking.md`.

pub mod blend;
pub mod config;
pub mod explain;
pub mod lifecycle;
pub mod network;
pub mod pipeline;
pub mod purchase;
pub mod roles;

pub use config::RankConfig;

/// Seconds per day.
pub const DAY: f64 = 86_400.0;

/// Percentile of each masked value among the masked values, in [0, 1].
///
/// Convention: the mid-rank percentile `(less + (equal − 1)/2) / (count − 1)`, so the largest
/// value gets 1, the smallest 0 and tied values share the average of their positions (ties never
/// depend on node order). A value of exactly 0 means "nothing measured" and always gets 0. With a
/// single masked value, a positive value gets 1. Unmasked entries get 0.
///
/// Time O(n log n), space O(n); sequential and deterministic.
pub fn percentiles(values: &[f64], mask: &[bool]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).filter(|&i| mask[i]).collect();
    let mut out = vec![0.0; values.len()];
    let count = idx.len();
    if count == 0 {
        return out;
    }
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut i = 0;
    while i < count {
        let mut j = i;
        while j + 1 < count && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let p = if count == 1 {
            1.0
        } else {
            (i as f64 + (j - i) as f64 / 2.0) / (count - 1) as f64
        };
        for &k in &idx[i..=j] {
            out[k] = if values[k] == 0.0 { 0.0 } else { p };
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::percentiles;

    #[test]
    fn percentile_ties_and_zero() {
        let v = [0.0, 3.0, 1.0, 3.0, 2.0, 9.0];
        let m = [true, true, true, true, true, false];
        let p = percentiles(&v, &m);
        assert_eq!(p[0], 0.0);
        assert_eq!(p[2], 0.25);
        assert_eq!(p[4], 0.5);
        assert_eq!(p[1], 0.875);
        assert_eq!(p[3], 0.875);
        assert_eq!(p[5], 0.0);
        assert_eq!(percentiles(&[5.0], &[true]), vec![1.0]);
    }
}
