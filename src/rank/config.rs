//! Ranking configuration: every weight and threshold of the customer-importance ranking, with
//! documented defaults. Loaded from a TOML file (`--config FILE`); every field is optional and
//! falls back to its default. `validate` checks the cross-field rules (weights ≥ 0 with a
//! positive sum, fractions in [0, 1]).
//!
//! ```toml
//! [blend]
//! method = "value"
//! purchase = 0.5
//! network = 0.5
//! ```
//!
//! See `fixtures/rank.toml` for a complete file with every key and `docs/ranking.md` for what
//! each one does.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which centrality stands for "influence".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum InfluenceMeasure {
    /// PageRank over the attention direction (damping 0.85, weighted).
    Pagerank,
    /// LeaderRank (Lü et al. 2011): parameter-free, robust to noise.
    Leaderrank,
}

/// Where the customer lifetime value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ClvSource {
    /// The user-supplied `clv` column when the customer has one, else the model.
    Auto,
    /// Always the model: historic value + projected value.
    Model,
    /// Only the `clv` column (customers without one get 0).
    Column,
    /// Only the historic value (total spend), no projection.
    Historic,
}

/// How word-of-mouth activations are credited in the reach component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ReachCredit {
    /// Shared (default): each expected activation of another account is split equally among
    /// the accounts that could each have caused it (the Shapley value of the spread, Chen & Teng
    /// 2017), so overlapping cascades are not counted once per member of a dense community.
    Shared,
    /// Alone: the expected number of other accounts activated when the customer alone is seeded
    /// (single-node influence; every member of one big cascade gets all of it).
    Alone,
}

/// What "purchase value" means in the blend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum PurchaseScore {
    /// The customer lifetime value (percentile among customers).
    Clv,
    /// The RFM score R + F + M (3..15), as a percentile among customers.
    Rfm,
}

/// How purchase value and network value are combined into importance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum BlendMethod {
    /// Money (default): importance = CLV + network value in money (customer engagement value
    /// after Kumar et al. 2010): the customer's share of the customers' attention × their total
    /// CLV, plus the expected customers reached by their word of mouth × the mean CLV.
    Value,
    /// Percentiles: importance = weighted mean of the purchase and network percentiles.
    Percentile,
}

/// Weights of the importance blend.
///
/// * `method = "value"` (default): `importance = (purchase·CLV + network·NV$) / ((purchase +
///   network) / 2)`, in the currency of the transactions; equal weights give `CLV + NV$`.
/// * `method = "percentile"`: `importance = (purchase·P + network·N) / (purchase + network)`, with
///   P and N the percentiles of purchase value and network value among customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlendWeights {
    /// How the two values are combined (default value: both in money).
    pub method: BlendMethod,
    /// Weight of purchase value (default 0.5).
    pub purchase: f64,
    /// Weight of network value (default 0.5).
    pub network: f64,
}

impl BlendWeights {
    /// Default blend method.
    pub const DEFAULT_METHOD: BlendMethod = BlendMethod::Value;
    /// Default weight of purchase value.
    pub const DEFAULT_PURCHASE: f64 = 0.5;
    /// Default weight of network value.
    pub const DEFAULT_NETWORK: f64 = 0.5;
}

impl Default for BlendWeights {
    fn default() -> Self {
        BlendWeights {
            method: Self::DEFAULT_METHOD,
            purchase: Self::DEFAULT_PURCHASE,
            network: Self::DEFAULT_NETWORK,
        }
    }
}

/// Weights of the network-value components (all on a percentile scale in [0, 1]).
/// Components whose algorithm is unavailable are left out and the others renormalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkWeights {
    /// Influence: PageRank or LeaderRank percentile (default 0.35).
    pub influence: f64,
    /// Reach: expected customers activated when the customer is seeded alone (default 0.30).
    pub reach: f64,
    /// Brokerage: betweenness percentile (default 0.15).
    pub brokerage: f64,
    /// Community leadership: influence percentile inside the customer's own community (default 0.20).
    pub community: f64,
    /// Penalty subtracted per unit of negative word-of-mouth risk (default 0.25); 0 only flags.
    pub wom_penalty: f64,
}

impl NetworkWeights {
    /// Default influence weight.
    pub const DEFAULT_INFLUENCE: f64 = 0.35;
    /// Default reach weight.
    pub const DEFAULT_REACH: f64 = 0.30;
    /// Default brokerage weight.
    pub const DEFAULT_BROKERAGE: f64 = 0.15;
    /// Default community-leadership weight.
    pub const DEFAULT_COMMUNITY: f64 = 0.20;
    /// Default negative word-of-mouth penalty.
    pub const DEFAULT_WOM_PENALTY: f64 = 0.25;
}

impl Default for NetworkWeights {
    fn default() -> Self {
        NetworkWeights {
            influence: Self::DEFAULT_INFLUENCE,
            reach: Self::DEFAULT_REACH,
            brokerage: Self::DEFAULT_BROKERAGE,
            community: Self::DEFAULT_COMMUNITY,
            wom_penalty: Self::DEFAULT_WOM_PENALTY,
        }
    }
}

/// Purchase-value model parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PurchaseConfig {
    /// Where CLV comes from (default auto: the `clv` column if present, else the model).
    pub clv_source: ClvSource,
    /// What purchase value means in the blend (default clv).
    pub score: PurchaseScore,
    /// Projection horizon in days (default 365).
    pub horizon_days: f64,
    /// Expected customer lifetime in days: the churn hazard is 1/lifetime (default 730).
    pub expected_lifetime_days: f64,
    /// Shortest observation span in days used for a purchase rate, so a first-week buyer is
    /// not extrapolated to dozens of orders a year (default 30).
    pub min_span_days: f64,
}

impl PurchaseConfig {
    /// Default horizon.
    pub const DEFAULT_HORIZON_DAYS: f64 = 365.0;
    /// Default expected lifetime.
    pub const DEFAULT_EXPECTED_LIFETIME_DAYS: f64 = 730.0;
    /// Default minimum span.
    pub const DEFAULT_MIN_SPAN_DAYS: f64 = 30.0;
}

impl Default for PurchaseConfig {
    fn default() -> Self {
        PurchaseConfig {
            clv_source: ClvSource::Auto,
            score: PurchaseScore::Clv,
            horizon_days: Self::DEFAULT_HORIZON_DAYS,
            expected_lifetime_days: Self::DEFAULT_EXPECTED_LIFETIME_DAYS,
            min_span_days: Self::DEFAULT_MIN_SPAN_DAYS,
        }
    }
}

/// Negative word-of-mouth detection from the sentiment of the customer's own recent interactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SentimentConfig {
    /// Only interactions whose latest row is at most this many days before the reference time
    /// count as recent (default 90). Without timestamps every interaction counts.
    pub recent_days: f64,
    /// Mean recent sentiment at or below this flags a word-of-mouth risk (default −0.2).
    pub negative_threshold: f64,
    /// Fewest sentiment-bearing rows needed before a customer can be flagged (default 3).
    pub min_rows: u32,
}

impl SentimentConfig {
    /// Default recent window.
    pub const DEFAULT_RECENT_DAYS: f64 = 90.0;
    /// Default threshold.
    pub const DEFAULT_NEGATIVE_THRESHOLD: f64 = -0.2;
    /// Default minimum rows.
    pub const DEFAULT_MIN_ROWS: u32 = 3;
}

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            recent_days: Self::DEFAULT_RECENT_DAYS,
            negative_threshold: Self::DEFAULT_NEGATIVE_THRESHOLD,
            min_rows: Self::DEFAULT_MIN_ROWS,
        }
    }
}

/// Role thresholds (percentiles are among customers, in [0, 1]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoleConfig {
    /// Opinion leader: influence percentile at least this (default 0.9) ...
    pub opinion_leader_influence: f64,
    /// ... and reach percentile at least this (default 0.8; ignored when reach is unavailable).
    pub opinion_leader_reach: f64,
    /// Community leader: among the top `community_leader_top` of their community by influence (default 1) ...
    pub community_leader_top: u32,
    /// ... in a community of at least this many members (default 5).
    pub community_min_size: u32,
    /// Bridge: betweenness percentile at least this (default 0.9) ...
    pub bridge_betweenness: f64,
    /// ... with neighbours in at least this many communities (default 2).
    pub bridge_min_communities: u32,
    /// Core spreader: core number at least this fraction of the maximum core number (default 0.8).
    pub core_fraction: f64,
    /// Hub (amplifier): out-degree percentile at least this (default 0.95).
    pub hub_out_degree: f64,
    /// Detractor: flagged for word-of-mouth risk and reach percentile at least this (default 0.25).
    pub detractor_min_reach: f64,
}

impl Default for RoleConfig {
    fn default() -> Self {
        RoleConfig {
            opinion_leader_influence: 0.9,
            opinion_leader_reach: 0.8,
            community_leader_top: 1,
            community_min_size: 5,
            bridge_betweenness: 0.9,
            bridge_min_communities: 2,
            core_fraction: 0.8,
            hub_out_degree: 0.95,
            detractor_min_reach: 0.25,
        }
    }
}

/// Splits of the CLV × network-value quadrant (Kumar, Petersen & Leone 2007).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuadrantConfig {
    /// Purchase-value percentile at or above which CLV is "high" (default 0.5).
    pub clv_split: f64,
    /// Network-value percentile at or above which network value is "high" (default 0.5).
    pub network_split: f64,
}

impl Default for QuadrantConfig {
    fn default() -> Self {
        QuadrantConfig {
            clv_split: 0.5,
            network_split: 0.5,
        }
    }
}

/// Rank-shift report thresholds (percentiles among customers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShiftConfig {
    /// Hidden influencer: purchase percentile at most this (default 0.5) ...
    pub low_spend: f64,
    /// ... and network percentile at least this (default 0.8).
    pub high_network: f64,
    /// Isolated big spender: purchase percentile at least this (default 0.8) ...
    pub high_spend: f64,
    /// ... and network percentile at most this (default 0.2).
    pub low_network: f64,
    /// Longest list printed per group (default 20; JSON carries every member).
    pub list: usize,
}

impl Default for ShiftConfig {
    fn default() -> Self {
        ShiftConfig {
            low_spend: 0.5,
            high_network: 0.8,
            high_spend: 0.8,
            low_network: 0.2,
            list: 20,
        }
    }
}

/// Lifecycle-stage rules (Exploration → Formation → Stable → Declining).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LifecycleConfig {
    /// Tenure (days since first seen) below this is exploration (default 60).
    pub exploration_days: f64,
    /// Tenure below this is formation at most (default 180).
    pub formation_days: f64,
    /// No activity for longer than this is declining (default 90).
    pub declining_days: f64,
    /// Window in days for recent activity (default 90).
    pub window_days: f64,
    /// Recent touchpoints (accounts acted on + purchases in the window) needed for stable (default 4).
    pub stable_min_touchpoints: u32,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            exploration_days: 60.0,
            formation_days: 180.0,
            declining_days: 90.0,
            window_days: 90.0,
            stable_min_touchpoints: 4,
        }
    }
}

/// The whole ranking configuration (one TOML file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankConfig {
    /// Which centrality stands for influence (default pagerank).
    pub influence: InfluenceMeasure,
    /// Weight reach by the reached customers' CLV (Domingos & Richardson 2001) when the spread
    /// module supplies per-customer reach weights (default false: count customers).
    pub clv_weighted_reach: bool,
    /// How activations are credited in reach (default shared; see [`ReachCredit`]).
    pub reach_credit: ReachCredit,
    /// Purchase value vs network value.
    pub blend: BlendWeights,
    /// Network-value components.
    pub network: NetworkWeights,
    /// Purchase-value model.
    pub purchase: PurchaseConfig,
    /// Negative word of mouth.
    pub sentiment: SentimentConfig,
    /// Role rules.
    pub roles: RoleConfig,
    /// Quadrant splits.
    pub quadrant: QuadrantConfig,
    /// Rank-shift report.
    pub shift: ShiftConfig,
    /// Lifecycle rules.
    pub lifecycle: LifecycleConfig,
}

impl Default for RankConfig {
    fn default() -> Self {
        RankConfig {
            influence: InfluenceMeasure::Pagerank,
            clv_weighted_reach: false,
            reach_credit: ReachCredit::Shared,
            blend: BlendWeights::default(),
            network: NetworkWeights::default(),
            purchase: PurchaseConfig::default(),
            sentiment: SentimentConfig::default(),
            roles: RoleConfig::default(),
            quadrant: QuadrantConfig::default(),
            shift: ShiftConfig::default(),
            lifecycle: LifecycleConfig::default(),
        }
    }
}

fn non_negative(name: &'static str, x: f64) -> Result<()> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(Error::param(name, x, "a finite number ≥ 0"))
    }
}

fn positive(name: &'static str, x: f64) -> Result<()> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(Error::param(name, x, "a finite number > 0"))
    }
}

fn fraction(name: &'static str, x: f64) -> Result<()> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(Error::param(name, x, "a number in [0, 1]"))
    }
}

impl RankConfig {
    /// Parse a TOML document (missing keys take their defaults) and validate it.
    ///
    /// # Errors
    /// TOML syntax errors, unknown keys, and values `validate` rejects.
    pub fn from_toml_str(s: &str) -> Result<Self> {
        let cfg: RankConfig =
            toml::from_str(s).map_err(|e| Error::Input(format!("rank config: {e}")))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Read and parse a TOML file.
    ///
    /// # Errors
    /// I/O errors and everything `from_toml_str` rejects (with the path in the message).
    pub fn from_file(path: &Path) -> Result<Self> {
        let s = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
        Self::from_toml_str(&s).map_err(|e| match e {
            Error::Input(m) => Error::Input(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Check every cross-field rule.
    ///
    /// # Errors
    /// `InvalidParameter` naming the first bad key.
    pub fn validate(&self) -> Result<()> {
        let b = &self.blend;
        non_negative("blend.purchase", b.purchase)?;
        non_negative("blend.network", b.network)?;
        if b.purchase + b.network <= 0.0 {
            return Err(Error::param(
                "blend.purchase + blend.network",
                b.purchase + b.network,
                "a positive sum",
            ));
        }
        if b.method == BlendMethod::Value && self.purchase.score == PurchaseScore::Rfm {
            return Err(Error::param(
                "purchase.score",
                "rfm",
                "\"clv\" with blend.method = \"value\" (an RFM score is not money; use blend.method = \"percentile\")",
            ));
        }
        let n = &self.network;
        non_negative("network.influence", n.influence)?;
        non_negative("network.reach", n.reach)?;
        non_negative("network.brokerage", n.brokerage)?;
        non_negative("network.community", n.community)?;
        non_negative("network.wom_penalty", n.wom_penalty)?;
        let sum = n.influence + n.reach + n.brokerage + n.community;
        if sum <= 0.0 {
            return Err(Error::param(
                "network.influence + reach + brokerage + community",
                sum,
                "a positive sum",
            ));
        }
        let p = &self.purchase;
        positive("purchase.horizon_days", p.horizon_days)?;
        positive("purchase.expected_lifetime_days", p.expected_lifetime_days)?;
        positive("purchase.min_span_days", p.min_span_days)?;
        let s = &self.sentiment;
        positive("sentiment.recent_days", s.recent_days)?;
        if !(-1.0..=1.0).contains(&s.negative_threshold) {
            return Err(Error::param(
                "sentiment.negative_threshold",
                s.negative_threshold,
                "a number in [-1, 1]",
            ));
        }
        let r = &self.roles;
        fraction("roles.opinion_leader_influence", r.opinion_leader_influence)?;
        fraction("roles.opinion_leader_reach", r.opinion_leader_reach)?;
        fraction("roles.bridge_betweenness", r.bridge_betweenness)?;
        fraction("roles.core_fraction", r.core_fraction)?;
        fraction("roles.hub_out_degree", r.hub_out_degree)?;
        fraction("roles.detractor_min_reach", r.detractor_min_reach)?;
        if r.community_leader_top == 0 {
            return Err(Error::param("roles.community_leader_top", 0, "at least 1"));
        }
        fraction("quadrant.clv_split", self.quadrant.clv_split)?;
        fraction("quadrant.network_split", self.quadrant.network_split)?;
        let sh = &self.shift;
        fraction("shift.low_spend", sh.low_spend)?;
        fraction("shift.high_network", sh.high_network)?;
        fraction("shift.high_spend", sh.high_spend)?;
        fraction("shift.low_network", sh.low_network)?;
        let l = &self.lifecycle;
        positive("lifecycle.exploration_days", l.exploration_days)?;
        positive("lifecycle.formation_days", l.formation_days)?;
        positive("lifecycle.declining_days", l.declining_days)?;
        positive("lifecycle.window_days", l.window_days)?;
        if l.formation_days < l.exploration_days {
            return Err(Error::param(
                "lifecycle.formation_days",
                l.formation_days,
                format!(
                    "at least lifecycle.exploration_days ({})",
                    l.exploration_days
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_partial_toml_keeps_defaults() {
        RankConfig::default().validate().expect("defaults valid");
        let c = RankConfig::from_toml_str("[blend]\nnetwork = 0.7\n").expect("parses");
        assert_eq!(c.blend.network, 0.7);
        assert_eq!(c.blend.purchase, BlendWeights::DEFAULT_PURCHASE);
        assert_eq!(c.network, NetworkWeights::default());
    }

    #[test]
    fn rejects_bad_weights_and_unknown_keys() {
        let e = RankConfig::from_toml_str("[blend]\npurchase = -1\n").unwrap_err();
        assert!(e.to_string().contains("blend.purchase"), "{e}");
        let e = RankConfig::from_toml_str("[blend]\npurchase = 0\nnetwork = 0\n").unwrap_err();
        assert!(e.to_string().contains("positive sum"), "{e}");
        let e = RankConfig::from_toml_str("[blend]\npurchse = 1\n").unwrap_err();
        assert!(e.to_string().contains("purchse"), "{e}");
        let e = RankConfig::from_toml_str("influence = \"hits\"\n").unwrap_err();
        assert!(e.to_string().contains("hits"), "{e}");
    }
}
