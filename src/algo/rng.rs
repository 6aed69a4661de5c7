//! The only place where random numbers are made.
//!
//! Two tools: counter-based hashes (`hash3`, `coin`) for Monte Carlo, so that the coin of edge `e`
//! in run `r` depends only on `(seed, r, e)` and never on traversal or thread order; and seeded
//! `Pcg64` streams (`rng_for`) for algorithms that need a sequence (node orders, rewiring), one
//! stream per (algorithm, unit), never shared across rayon tasks.

use rand::SeedableRng;
use rand_pcg::Pcg64;

/// Default seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 42;

/// SplitMix64 finalizer (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Counter-based hash of three words.
#[inline]
pub fn hash3(seed: u64, a: u64, b: u64) -> u64 {
    mix64(mix64(mix64(seed) ^ a) ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// Uniform number in [0, 1) from a hash (53 bits).
#[inline]
pub fn unit_f64(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Key of Monte Carlo run `run`: `mix64(mix64(seed) ^ run)`, computed once per run.
#[inline]
pub fn run_key(seed: u64, run: u64) -> u64 {
    mix64(mix64(seed) ^ run)
}

/// The hash of edge `e` under a run key: the wyrand output (Wang Yi's generator, a Weyl sequence
/// finished by one 64×64→128-bit multiply, which passes BigCrush and PractRand) at position
/// `e + 1` of the sequence started at `key`. Counter-based, so one multiply-xor per edge.
#[inline]
pub fn edge_hash(key: u64, e: u64) -> u64 {
    let s = key.wrapping_add(e.wrapping_add(1).wrapping_mul(0xA076_1D64_78BD_642F));
    let t = u128::from(s) * u128::from(s ^ 0xE703_7ED1_A0B4_28DB);
    (t >> 64) as u64 ^ t as u64
}

/// The coin of edge `e` in run `r`: uniform on the 2³²-point grid of [0, 1) (the high 32 bits
/// of `edge_hash(run_key(seed, r), e)`), so `coin < p` is one integer compare against a
/// per-edge threshold `⌈p·2³²⌉`.
#[inline]
pub fn coin(seed: u64, run: u64, edge: u64) -> f64 {
    (edge_hash(run_key(seed, run), edge) >> 32) as f64 * (1.0 / 4_294_967_296.0)
}

/// Named random streams, so two algorithms never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    Louvain = 1,
    Leiden = 2,
    LabelPropagation = 3,
    Rewire = 4,
    Lattice = 5,
    Betweenness = 6,
    PathSample = 7,
    Cascade = 8,
    ReverseReachable = 9,
    Generator = 10,
    Layout = 11,
    Other = 99,
}

/// A `Pcg64` stream for `(seed, stream, unit)`.
pub fn rng_for(seed: u64, stream: Stream, unit: u64) -> Pcg64 {
    let s = hash3(seed, stream as u64, unit);
    let t = hash3(s, 0x5EED, unit);
    Pcg64::seed_from_u64(s ^ t.rotate_left(17))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn coins_are_uniform_enough_and_stable() {
        let n = 100_000;
        let mean: f64 = (0..n).map(|e| coin(7, 3, e)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert_eq!(coin(1, 2, 3), coin(1, 2, 3));
        assert_ne!(coin(1, 2, 3), coin(1, 3, 2));
        let a: u64 = rng_for(1, Stream::Louvain, 0).gen();
        let b: u64 = rng_for(1, Stream::Louvain, 0).gen();
        let c: u64 = rng_for(1, Stream::Leiden, 0).gen();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
