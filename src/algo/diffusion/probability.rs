//! Per-arc propagation probabilities for the spread models.
//!
//! Word of mouth flows *target → source*: an interaction `u → v` (u acted on v: replied, shared,
//! mentioned) is the channel through which v's word reaches u. A cascade at `v` therefore visits
//! the `inc` row of `v`, and the probability of that arc is stored aligned with `g.inc`. Reverse
//! reachable sets (IMM, single-seed reach) walk the `out` rows, so the same probabilities are also
//! given aligned with `g.out`.
//!
//! Models (always named explicitly, never a silent default):
//! * `Uniform(p)`: every arc has probability `p` (Kempe et al. 2003; GDS' only model).
//! * `WeightedCascade`: `p(v ⇝ u) = 1 / d(u)` where `d(u)` is the number of accounts whose word
//!   can reach `u` (= out-degree of `u` in the interaction graph, the degree for undirected input).
//!   This is KKT's weighted cascade, *not* NDlib's sender-degree default.
//! * `Strength { p_max, half_weight }`: `p = p_max · (1 − 2^(−w / half_weight))`, where `w` is the
//!   arc weight of the weight view (interaction counts × per-kind weights × recency decay, see
//!   `--kind-weight` and `--half-life`). One interaction of weight `half_weight` gives `p_max/2`,
//!   strong ties saturate at `p_max`. Unweighted graphs (w = 1) get `p_max/2` with the defaults.
//!
//! Build cost: O(m log d) time (the out-alignment binary-searches each arc), O(m) space.

use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use crate::ingest::Dataset;
use serde::Serialize;

/// Default uniform probability.
pub const DEFAULT_P: f64 = 0.1;
/// Default saturation of the strength mapping.
pub const DEFAULT_P_MAX: f64 = 0.3;
/// Default weight at which the strength mapping reaches half of `p_max`.
pub const DEFAULT_HALF_WEIGHT: f64 = 1.0;

/// How arc probabilities are chosen (CLI spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbabilityKind {
    /// One probability `--p` on every arc.
    Uniform,
    /// Weighted cascade: 1 / (number of accounts that can reach the receiver).
    Wc,
    /// From interaction strength, kind and recency: p_max · (1 − 2^(−w / half_weight)).
    Strength,
}

/// Probability options shared by `simulate`, `seeds` and `rank`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct ProbabilityConfig {
    /// Edge probability model: uniform (--p), wc (weighted cascade, 1/in-degree of the receiver)
    /// or strength (from interaction weight, kind and recency).
    #[arg(long = "probability", value_enum, default_value_t = ProbabilityKind::Uniform, help_heading = "Spread")]
    pub kind: ProbabilityKind,
    /// Uniform activation probability of every arc (with --probability uniform).
    #[arg(long = "p", default_value_t = DEFAULT_P, help_heading = "Spread")]
    pub p: f64,
    /// Highest probability of the strength mapping.
    #[arg(long, default_value_t = DEFAULT_P_MAX, help_heading = "Spread")]
    pub p_max: f64,
    /// Arc weight that gives half of --p-max in the strength mapping.
    #[arg(long, default_value_t = DEFAULT_HALF_WEIGHT, help_heading = "Spread")]
    pub half_weight: f64,
}

impl Default for ProbabilityConfig {
    fn default() -> Self {
        ProbabilityConfig {
            kind: ProbabilityKind::Uniform,
            p: DEFAULT_P,
            p_max: DEFAULT_P_MAX,
            half_weight: DEFAULT_HALF_WEIGHT,
        }
    }
}

impl ProbabilityConfig {
    /// The model described by these options.
    ///
    /// # Errors
    /// A probability outside [0, 1] or a non-positive half weight.
    pub fn model(&self) -> Result<ProbabilityModel> {
        Ok(match self.kind {
            ProbabilityKind::Uniform => {
                check_p("--p", self.p)?;
                ProbabilityModel::Uniform(self.p)
            }
            ProbabilityKind::Wc => ProbabilityModel::WeightedCascade,
            ProbabilityKind::Strength => {
                check_p("--p-max", self.p_max)?;
                if !(self.half_weight.is_finite() && self.half_weight > 0.0) {
                    return Err(Error::param(
                        "--half-weight",
                        self.half_weight,
                        "a positive number",
                    ));
                }
                ProbabilityModel::Strength {
                    p_max: self.p_max,
                    half_weight: self.half_weight,
                }
            }
        })
    }
}

fn check_p(name: &'static str, p: f64) -> Result<()> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::param(name, p, "a probability in [0, 1]"))
    }
}

/// An arc probability model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum ProbabilityModel {
    /// The same probability on every arc.
    Uniform(f64),
    /// `1 / d(receiver)` (Kempe et al.'s weighted cascade).
    WeightedCascade,
    /// `p_max · (1 − 2^(−w / half_weight))` of the arc weight `w`.
    Strength {
        /// Saturation probability.
        p_max: f64,
        /// Weight giving `p_max / 2`.
        half_weight: f64,
    },
}

/// Per-arc probabilities aligned with both adjacency directions of a [`CsrGraph`].
#[derive(Debug, Clone, Serialize)]
pub struct EdgeProbabilities {
    /// `inc[i]`: probability that the row node of `g.inc` reaches `g.inc.targets[i]`.
    #[serde(skip)]
    pub inc: Vec<f32>,
    /// The same probabilities aligned with `g.out` (arc `x → u` of `out` row `x` is the arc by
    /// which `u`'s word reaches `x`).
    #[serde(skip)]
    pub out: Vec<f32>,
    /// Mean sentiment in [-1, 1] of each `inc` arc (IC-N), 0 where none was recorded.
    #[serde(skip)]
    pub sentiment_inc: Vec<f32>,
    /// The model used.
    pub model: ProbabilityModel,
    /// Mean arc probability (for reports).
    pub mean: f64,
}

impl EdgeProbabilities {
    /// Build the probabilities of `g` under `model`. `ds` (the dataset `g` was built from, node
    /// index = CSR row) supplies per-arc sentiment for IC-N; pass `None` for plain graphs.
    ///
    /// # Errors
    /// Invalid model parameters.
    pub fn build(g: &CsrGraph, ds: Option<&Dataset>, model: ProbabilityModel) -> Result<Self> {
        let n = g.n();
        let mut inc = vec![0f32; g.inc.m()];
        match model {
            ProbabilityModel::Uniform(p) => {
                check_p("p", p)?;
                inc.iter_mut().for_each(|x| *x = p as f32);
            }
            ProbabilityModel::WeightedCascade => {
                for v in 0..n as u32 {
                    for i in g.inc.range(v) {
                        let u = g.inc.targets[i];
                        let d = g.out.degree(u).max(1);
                        inc[i] = (1.0 / d as f64) as f32;
                    }
                }
            }
            ProbabilityModel::Strength { p_max, half_weight } => {
                check_p("p_max", p_max)?;
                if !(half_weight.is_finite() && half_weight > 0.0) {
                    return Err(Error::param(
                        "half_weight",
                        half_weight,
                        "a positive number",
                    ));
                }
                for (x, &w) in inc.iter_mut().zip(&g.inc.weights) {
                    let w = f64::from(w).max(0.0);
                    *x = (p_max * (1.0 - (-w / half_weight).exp2())) as f32;
                }
            }
        }
        let out = align_to_out(g, &inc);
        let mut sentiment_inc = vec![0f32; g.inc.m()];
        if let Some(ds) = ds {
            if ds.graph.node_count() == n {
                for (s, t, e) in ds.graph.edges() {
                    if let Some(m) = e.mean_sentiment() {
                        // Arc s → t: s acted on t, the channel through which t reaches s.
                        if let Some(i) = arc_index(&g.inc, t, s) {
                            sentiment_inc[i] = m.clamp(-1.0, 1.0) as f32;
                        }
                    }
                }
            }
        }
        let mean = if inc.is_empty() {
            0.0
        } else {
            inc.iter().map(|&x| f64::from(x)).sum::<f64>() / inc.len() as f64
        };
        Ok(EdgeProbabilities {
            inc,
            out,
            sentiment_inc,
            model,
            mean,
        })
    }

    /// Uniform probabilities without a dataset (tests, benchmarks).
    ///
    /// # Errors
    /// `p` outside [0, 1].
    pub fn uniform(g: &CsrGraph, p: f64) -> Result<Self> {
        Self::build(g, None, ProbabilityModel::Uniform(p))
    }
}

/// Position of `col` in row `row` of `csr` (rows are sorted).
pub fn arc_index(csr: &crate::graph::Csr, row: u32, col: u32) -> Option<usize> {
    let r = csr.range(row);
    let start = r.start;
    csr.targets[r].binary_search(&col).ok().map(|k| start + k)
}

/// Re-align `inc`-aligned values to `out`: the `inc` arc (row v, col u) is the `out` arc (row u, col v).
fn align_to_out(g: &CsrGraph, inc_vals: &[f32]) -> Vec<f32> {
    let mut out = vec![0f32; g.out.m()];
    for v in 0..g.n() as u32 {
        for i in g.inc.range(v) {
            let u = g.inc.targets[i];
            if let Some(j) = arc_index(&g.out, u, v) {
                out[j] = inc_vals[i];
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn weighted_cascade_sums_to_one_per_receiver() {
        // 0 acted on 1 and 2; 1 acted on 2.
        let g = CsrGraph::from_arcs(3, &[(0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0)], false);
        let p = EdgeProbabilities::build(&g, None, ProbabilityModel::WeightedCascade).unwrap();
        // Receiver 0 can be reached by 1 and 2: each 1/2. Receiver 1 by 2: 1.
        let mut by_receiver = [0f32; 3];
        for v in 0..3u32 {
            for i in g.inc.range(v) {
                by_receiver[g.inc.targets[i] as usize] += p.inc[i];
            }
        }
        assert_eq!(by_receiver, [1.0, 1.0, 0.0]);
        // out alignment: out row 0 = arcs to 1, 2 carry the probabilities reaching 0.
        assert_eq!(&p.out[g.out.range(0)], &[0.5, 0.5]);
        assert!(EdgeProbabilities::uniform(&g, 1.5).is_err());
    }
}
