//! Community detection: Leiden (default), Louvain and synchronous label propagation on the
//! weighted undirected view of the interaction graph, plus per-community profiles (leaders,
//! consumer-led versus brand-led typing).
//!
//! Papers: Blondel et al. 2008 (Louvain, [`louvain`]), Traag, Waltman & van Eck 2019 (Leiden,
//! [`leiden`]), Raghavan, Albert & Kumara 2007 (label propagation, [`lpa`]); quality functions in
//! [`quality`]; profiles in [`profile`].
//!
//! Determinism: local moving has sequential semantics over seeded orders (parallel batches
//! reproduce the sequential result bit for bit, `moving.rs`)
//! (`rng_for(seed, Stream::Leiden | Stream::Louvain, unit)`); Leiden's refinement runs each
//! community on its own stream (parallel over communities); the other parallel parts are
//! deterministic by construction (aggregation, label-propagation rounds, modularity terms). The same input and seed give
//! the same partition for any `--threads`.
//!
//! Output ids: communities are numbered densely from 0 by decreasing size, ties broken by the
//! smallest member NodeId.

pub mod leiden;
pub mod louvain;
pub mod lpa;
pub(crate) mod moving;
pub mod profile;
pub mod quality;

pub use profile::{profile, CommunityProfile, CommunityType, Leader, ProfileConfig, Profiles};

use crate::algo::rng::hash3;
use crate::algo::{NoProgress, Progress};
use crate::error::{Error, Result};
use crate::graph::Csr;
use serde::Serialize;

/// Default resolution γ.
pub const DEFAULT_RESOLUTION: f64 = 1.0;
/// Default Leiden randomness θ (igraph's `beta`, leidenalg's `theta`).
pub const DEFAULT_THETA: f64 = 0.01;
/// Default cap on levels per pass.
pub const DEFAULT_MAX_LEVELS: u32 = 20;
/// Default cap on Louvain sweeps per level / label-propagation rounds / Leiden passes.
pub const DEFAULT_MAX_ITERATIONS: u32 = 20;
/// Default number of Leiden passes (igraph's `n_iterations` default).
pub const DEFAULT_LEIDEN_ITERATIONS: u32 = 2;
/// Default minimum modularity gain of a Louvain sweep.
pub const DEFAULT_TOLERANCE: f64 = 1e-7;
/// Default number of independent runs (the best quality is kept).
pub const DEFAULT_TRIALS: u32 = 1;

/// Which algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Leiden (Traag et al. 2019): connected communities, best quality.
    #[default]
    Leiden,
    /// Louvain (Blondel et al. 2008), multi-level.
    Louvain,
    /// Synchronous label propagation (Raghavan et al. 2007), fastest, lowest quality.
    Lpa,
}

/// Which quality function Louvain and Leiden optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Modularity with resolution γ (Newman & Girvan 2004; Reichardt & Bornholdt 2006).
    #[default]
    Modularity,
    /// Constant Potts Model: Σ_c e_c − γ n_c(n_c−1)/2 (Traag et al. 2011); γ is an edge density.
    Cpm,
}

/// Community detection settings.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct CommunityConfig {
    /// Algorithm.
    #[arg(long, value_enum, default_value_t = Method::Leiden)]
    pub method: Method,
    /// Resolution γ: larger gives more, smaller communities.
    #[arg(long, default_value_t = DEFAULT_RESOLUTION, value_name = "GAMMA")]
    pub resolution: f64,
    /// Quality function of Louvain and Leiden.
    #[arg(long, value_enum, default_value_t = Objective::Modularity)]
    pub objective: Objective,
    /// Leiden refinement randomness θ (> 0; smaller = greedier merges).
    #[arg(long, default_value_t = DEFAULT_THETA)]
    pub theta: f64,
    /// Maximum number of aggregation levels per pass.
    #[arg(long, default_value_t = DEFAULT_MAX_LEVELS, value_name = "N")]
    pub max_levels: u32,
    /// Leiden passes, each starting from the previous result with local moving of the nodes;
    /// a later pass then resumes from the first pass's level-2 graph when no node moved, else it
    /// splits disconnected communities and ends (0 = repeat until a pass changes nothing, at
    /// most --max-iterations passes).
    #[arg(long, default_value_t = DEFAULT_LEIDEN_ITERATIONS, value_name = "N")]
    pub iterations: u32,
    /// Maximum Louvain sweeps per level, label-propagation rounds, or Leiden passes with
    /// --iterations 0.
    #[arg(long, default_value_t = DEFAULT_MAX_ITERATIONS, value_name = "N")]
    pub max_iterations: u32,
    /// Louvain: stop sweeping a level when a sweep gains less modularity than this.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE)]
    pub tolerance: f64,
    /// Independent runs with derived seeds; the one with the best quality is kept
    /// (ties: the earliest run). Deterministic.
    #[arg(long, default_value_t = DEFAULT_TRIALS, value_name = "N")]
    pub trials: u32,
}

impl Default for CommunityConfig {
    fn default() -> Self {
        CommunityConfig {
            method: Method::Leiden,
            resolution: DEFAULT_RESOLUTION,
            objective: Objective::Modularity,
            theta: DEFAULT_THETA,
            max_levels: DEFAULT_MAX_LEVELS,
            iterations: DEFAULT_LEIDEN_ITERATIONS,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            tolerance: DEFAULT_TOLERANCE,
            trials: DEFAULT_TRIALS,
        }
    }
}

impl CommunityConfig {
    /// Check the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for out-of-range values.
    pub fn validate(&self) -> Result<()> {
        if !(self.resolution.is_finite() && self.resolution >= 0.0) {
            return Err(Error::param(
                "--resolution",
                self.resolution,
                "a finite number ≥ 0",
            ));
        }
        if !(self.theta.is_finite() && self.theta > 0.0) {
            return Err(Error::param("--theta", self.theta, "a finite number > 0"));
        }
        if self.max_levels == 0 {
            return Err(Error::param("--max-levels", 0, "at least 1"));
        }
        if self.max_iterations == 0 {
            return Err(Error::param("--max-iterations", 0, "at least 1"));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::param(
                "--tolerance",
                self.tolerance,
                "a finite number ≥ 0",
            ));
        }
        if self.trials == 0 {
            return Err(Error::param("--trials", 0, "at least 1"));
        }
        Ok(())
    }
}

/// A partition of the nodes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Partition {
    /// Community of each node (dense ids; 0 = largest community, ties by smallest member id).
    pub community: Vec<u32>,
    /// Number of communities.
    pub count: usize,
    /// Modularity at the configured resolution (objective modularity) or at γ = 1 (CPM, LPA).
    pub modularity: f64,
    /// Value of the optimised objective (modularity or CPM; modularity for LPA).
    pub quality: f64,
    /// Aggregation levels (Leiden: the most levels any pass ran).
    pub levels: u32,
    /// Leiden passes, Louvain sweeps (summed over levels) or label-propagation rounds.
    pub iterations: u32,
    /// Which trial won (0-based).
    pub trial: u32,
}

/// Renumber labels: 0 = largest community, ties by smallest member id. Returns the count.
pub fn canonicalize(labels: &mut [u32]) -> usize {
    let n = labels.len();
    let k = labels.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut size = vec![0u64; k];
    let mut first = vec![u32::MAX; k];
    for (v, &c) in labels.iter().enumerate() {
        size[c as usize] += 1;
        if first[c as usize] == u32::MAX {
            first[c as usize] = v as u32;
        }
    }
    let mut ids: Vec<u32> = (0..k as u32).filter(|&c| size[c as usize] > 0).collect();
    ids.sort_by(|&a, &b| {
        size[b as usize]
            .cmp(&size[a as usize])
            .then(first[a as usize].cmp(&first[b as usize]))
    });
    let mut map = vec![0u32; k];
    for (new, &old) in ids.iter().enumerate() {
        map[old as usize] = new as u32;
    }
    for l in labels.iter_mut().take(n) {
        *l = map[*l as usize];
    }
    ids.len()
}

/// Detect communities on the undirected weighted view `g` (from `CsrGraph::undirected()`).
/// Leiden and Louvain also take a view whose all-one weights were dropped
/// ([`Csr::drop_unit_weights`]): same result, 4 bytes per arc less memory.
///
/// # Errors
/// Invalid parameters; weights that are negative or not finite.
pub fn detect(g: &Csr, cfg: &CommunityConfig, seed: u64) -> Result<Partition> {
    detect_with(g, cfg, seed, &NoProgress)
}

/// [`detect`] with a progress reporter.
///
/// # Errors
/// As [`detect`].
pub fn detect_with(
    g: &Csr,
    cfg: &CommunityConfig,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Partition> {
    cfg.validate()?;
    if g.unit_dropped() && cfg.method == Method::Lpa {
        return Err(Error::Other(
            "label propagation needs the view's weights (they were dropped)".into(),
        ));
    }
    if let Some(w) = g.weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(Error::param(
            "edge weight",
            w,
            "finite and ≥ 0 for community detection",
        ));
    }
    let q_gamma = match (cfg.method, cfg.objective) {
        (Method::Lpa, _) | (_, Objective::Cpm) => 1.0,
        _ => cfg.resolution,
    };
    let trials = if cfg.method == Method::Lpa {
        1
    } else {
        cfg.trials
    };
    let mut best: Option<Partition> = None;
    for t in 0..trials {
        // Trial 0 uses the seed itself so `--trials 1` and the first of N agree.
        let s = if t == 0 {
            seed
        } else {
            hash3(seed, 0xC0DE, u64::from(t))
        };
        let (mut labels, levels, iterations) = match cfg.method {
            Method::Leiden => leiden::leiden(g, cfg, s, progress),
            Method::Louvain => louvain::louvain(g, cfg, s, progress),
            Method::Lpa => {
                let (l, r) = lpa::label_propagation(g, cfg, progress);
                (l, 0, r)
            }
        };
        let count = canonicalize(&mut labels);
        let modularity = quality::modularity(g, &labels, q_gamma);
        let quality = match (cfg.method, cfg.objective) {
            (Method::Lpa, _) | (_, Objective::Modularity) => modularity,
            (_, Objective::Cpm) => quality::cpm(g, &labels, cfg.resolution),
        };
        let p = Partition {
            community: labels,
            count,
            modularity,
            quality,
            levels,
            iterations,
            trial: t,
        };
        if best.as_ref().map_or(true, |b| p.quality > b.quality) {
            best = Some(p);
        }
    }
    best.ok_or_else(|| Error::Other("no trial ran".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::rng::hash3;
    use crate::graph::CsrGraph;

    /// Leiden and Louvain on a view whose all-one weights were dropped give the same partition
    /// (same bits) as on the stored weights, at 1 and 2 threads; label propagation refuses it;
    /// the weights come back exactly; a weighted view keeps its weights.
    #[test]
    fn dropped_unit_weights_give_the_same_partition() {
        let n = 2000u32;
        let mut edges = Vec::new();
        for u in 0..n {
            for k in 0..6u64 {
                let h = hash3(9, u64::from(u), k);
                // Groups of 40 with a few arcs between them.
                let v = if h % 5 == 0 {
                    (h >> 8) as u32 % n
                } else {
                    u / 40 * 40 + (h >> 8) as u32 % 40
                };
                if v != u {
                    edges.push((u.min(v), u.max(v), 1.0));
                }
            }
        }
        // Some self-loops (the level-0 graph copies such rows without them).
        edges.extend((0..n).step_by(50).map(|u| (u, u, 1.0)));
        // Repeated pairs would merge into weight 2.
        edges.sort_by_key(|&(u, v, _)| (u, v));
        edges.dedup_by_key(|e| (e.0, e.1));
        let stored =
            Csr::clone(&CsrGraph::from_undirected_edges(n as usize, &edges, false).undirected());
        assert!(stored.unit_weights());
        let mut dropped = stored.clone();
        assert!(dropped.drop_unit_weights() && dropped.unit_dropped());
        assert!(dropped.weights.is_empty());
        for method in [Method::Leiden, Method::Louvain] {
            let cfg = CommunityConfig {
                method,
                ..CommunityConfig::default()
            };
            let want = detect(&stored, &cfg, 3).unwrap();
            for threads in [1, 2] {
                let got = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| detect(&dropped, &cfg, 3).unwrap());
                assert_eq!(
                    got.community, want.community,
                    "{method:?}, {threads} threads"
                );
                assert_eq!(got.modularity.to_bits(), want.modularity.to_bits());
                assert_eq!((got.levels, got.iterations), (want.levels, want.iterations));
            }
        }
        let lpa = CommunityConfig {
            method: Method::Lpa,
            ..CommunityConfig::default()
        };
        assert!(detect(&dropped, &lpa, 3).is_err());
        dropped.restore_unit_weights();
        assert_eq!(dropped, stored);
        let mut weighted = stored.clone();
        weighted.weights[0] = 2.0;
        let before = weighted.clone();
        assert!(!weighted.drop_unit_weights());
        assert_eq!(weighted, before);
    }

    #[test]
    fn canonical_ids() {
        let mut l = vec![5, 5, 2, 2, 2, 9, 7, 7];
        assert_eq!(canonicalize(&mut l), 4);
        assert_eq!(l, vec![1, 1, 0, 0, 0, 3, 2, 2]);
    }
}
