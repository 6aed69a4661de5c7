//! Graph algorithms. Every algorithm runs on [`crate::graph::CsrGraph`] with `u32` node ids and
//! returns a named result struct indexed by node id. External ids are joined back only in outputs.

pub mod centrality;
pub mod community;
pub mod diffusion;
pub mod influence;
pub mod reduce;
pub mod rng;
pub mod small_world;

/// Compact node id (= CSR row = petgraph node index).
pub type NodeId = u32;

/// Progress reporting for long phases. The library only calls this trait; the CLI implements it
/// with indicatif on stderr.
pub trait Progress: Sync {
    /// A phase starts with `total` units of work (0 = unknown).
    fn start(&self, _phase: &str, _total: u64) {}
    /// `n` more units are done.
    fn inc(&self, _n: u64) {}
    /// The phase ended.
    fn finish(&self) {}
}

/// A `Progress` that reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// Order nodes by score descending, ties by node id ascending (the fixed tie-break everywhere).
pub fn rank_order(scores: &[f64]) -> Vec<NodeId> {
    let mut idx: Vec<NodeId> = (0..scores.len() as NodeId).collect();
    idx.sort_by(|&a, &b| {
        scores[b as usize]
            .total_cmp(&scores[a as usize])
            .then(a.cmp(&b))
    });
    idx
}

/// 1-based rank of each node under `rank_order`.
pub fn ranks(scores: &[f64]) -> Vec<u32> {
    let order = rank_order(scores);
    let mut r = vec![0u32; scores.len()];
    for (i, &v) in order.iter().enumerate() {
        r[v as usize] = i as u32 + 1;
    }
    r
}
