//! Deterministic float reductions: fixed-size chunks summed in parallel, then combined in chunk
//! order, so the result is the same bit pattern for any number of threads (rayon-rs/rayon#663).

use rayon::prelude::*;

/// Chunk size of the ordered reductions (fixed, independent of the thread count).
pub const CHUNK: usize = 4096;

/// Sum of `f(i)` for `i in 0..n`, bit-identical for any thread count.
pub fn sum_by<F>(n: usize, f: F) -> f64
where
    F: Fn(usize) -> f64 + Sync,
{
    let chunks = n.div_ceil(CHUNK);
    let partial: Vec<f64> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let lo = c * CHUNK;
            let hi = (lo + CHUNK).min(n);
            let mut s = 0.0;
            for i in lo..hi {
                s += f(i);
            }
            s
        })
        .collect();
    partial.iter().sum()
}

/// Sum of a slice, bit-identical for any thread count.
pub fn sum(xs: &[f64]) -> f64 {
    sum_by(xs.len(), |i| xs[i])
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_for_any_pool() {
        let xs: Vec<f64> = (0..100_000).map(|i| 1.0 / (i as f64 + 1.0)).collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| super::sum(&xs));
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| super::sum(&xs));
        assert_eq!(one.to_bits(), two.to_bits());
    }
}
