//! Degree distribution (log-log, with a discrete power-law fit) and the Lorenz curve of influence.
//!
//! Power-law fit: the discrete maximum-likelihood estimator of Clauset, Shalizi & Newman,
//! "Power-law distributions in empirical data", SIAM Review 51 (2009), §3: for each candidate
//! `x_min` (every distinct degree with at least [`MIN_TAIL`] nodes at or above it) the exponent
//! maximises `L(α) = −n ln ζ(α, x_min) − α Σ ln x_i` (ζ = Hurwitz zeta, by Euler–Maclaurin), and the
//! `x_min` with the smallest Kolmogorov–Smirnov distance between the tail and the fitted law wins.
//! Cost: O(u² · z) for u distinct degrees (z = cost of one zeta evaluation, ~20 powers); the
//! number of distinct degrees stays small (≤ ~2√m), so this is milliseconds even for large graphs.
//!
//! Lorenz curve (Lorenz 1905): nodes sorted by score ascending, cumulative share of nodes vs
//! cumulative share of the score; Gini = 1 − 2 × area under the curve (trapezoids over all n
//! points). O(n log n).

use super::{
    axis_desc_font, frame, legend_font, num, palette, render, tick_font, ChartFile, Draw,
    DrawResult, DEFAULT_HEIGHT, DEFAULT_WIDTH, FONT,
};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::path::Path;

/// Smallest tail (nodes with degree ≥ x_min) a power-law fit is attempted on.
pub const MIN_TAIL: usize = 10;
/// Most points drawn for a Lorenz curve (the CSV holds exactly the drawn points).
pub const LORENZ_POINTS: usize = 1001;

/// Degrees of every node. For an undirected graph pass the same vector twice and `directed = false`.
#[derive(Debug, Clone, Default)]
pub struct DegreeDistribution {
    /// In-degree of each node (number of distinct accounts that acted on it).
    pub in_degrees: Vec<u32>,
    /// Out-degree of each node.
    pub out_degrees: Vec<u32>,
    /// False when the graph is undirected: one "degree" series is drawn.
    pub directed: bool,
}

impl DegreeDistribution {
    /// Degrees from a CSR graph (in-degree = row length of `inc`).
    pub fn from_csr(g: &crate::graph::CsrGraph) -> Self {
        let n = g.n() as u32;
        DegreeDistribution {
            in_degrees: (0..n).map(|v| g.inc.degree(v) as u32).collect(),
            out_degrees: (0..n).map(|v| g.out.degree(v) as u32).collect(),
            directed: !g.symmetric,
        }
    }
}

/// A fitted discrete power law `p(k) ∝ k^−α` for `x_min ≤ k`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerLawFit {
    /// Exponent α.
    pub alpha: f64,
    /// Lower bound of the fitted range.
    pub x_min: u32,
    /// Largest observed value (upper end of the fitted range).
    pub x_max: u32,
    /// Number of observations in the tail (≥ x_min).
    pub n_tail: usize,
    /// Kolmogorov–Smirnov distance between the tail and the fit.
    pub ks: f64,
}

/// Hurwitz zeta ζ(s, q) = Σ_{k≥0} (q + k)^−s for s > 1, q ≥ 1, by Euler–Maclaurin summation with
/// 12 direct terms and Bernoulli corrections up to B6 (absolute error below 1e-11 for s ≥ 2,
/// q ≥ 1; the fit only compares likelihoods, so this is far more than needed).
fn hurwitz_zeta(s: f64, q: f64) -> f64 {
    const N: usize = 12;
    let mut sum = 0.0;
    for k in 0..N {
        sum += (q + k as f64).powf(-s);
    }
    let a = q + N as f64;
    sum + a.powf(1.0 - s) / (s - 1.0) + 0.5 * a.powf(-s) + s / 12.0 * a.powf(-s - 1.0)
        - s * (s + 1.0) * (s + 2.0) / 720.0 * a.powf(-s - 3.0)
        + s * (s + 1.0) * (s + 2.0) * (s + 3.0) * (s + 4.0) / 30240.0 * a.powf(-s - 5.0)
}

/// Fit a discrete power law to the positive values of `xs` (Clauset et al. 2009). `None` when
/// fewer than [`MIN_TAIL`] positive values or no candidate tail has two distinct values.
pub fn fit_power_law(xs: &[u32]) -> Option<PowerLawFit> {
    // Distinct positive values with their counts, ascending.
    let mut v: Vec<u32> = xs.iter().copied().filter(|&x| x > 0).collect();
    v.sort_unstable();
    let mut uniq: Vec<(u32, usize)> = Vec::new();
    for &x in &v {
        match uniq.last_mut() {
            Some((u, c)) if *u == x => *c += 1,
            _ => uniq.push((x, 1)),
        }
    }
    if v.len() < MIN_TAIL || uniq.len() < 2 {
        return None;
    }
    let x_max = uniq.last().map(|u| u.0).unwrap_or(0);
    // Suffix sums of counts and of count·ln x, so each candidate tail is O(1) to summarise.
    let u = uniq.len();
    let mut tail_n = vec![0usize; u + 1];
    let mut tail_log = vec![0f64; u + 1];
    for i in (0..u).rev() {
        tail_n[i] = tail_n[i + 1] + uniq[i].1;
        tail_log[i] = tail_log[i + 1] + uniq[i].1 as f64 * f64::from(uniq[i].0).ln();
    }
    let mut best: Option<PowerLawFit> = None;
    for i in 0..u - 1 {
        let n = tail_n[i];
        if n < MIN_TAIL {
            break;
        }
        let xmin = f64::from(uniq[i].0);
        let s = tail_log[i];
        let ll = |a: f64| -(n as f64) * hurwitz_zeta(a, xmin).ln() - a * s;
        // The log-likelihood is concave in α (ln ζ is a log-sum-exp of linear functions of α):
        // golden-section search on [1.0001, 12].
        let (mut lo, mut hi) = (1.0001f64, 12.0f64);
        let g = (5f64.sqrt() - 1.0) / 2.0;
        let mut c = hi - g * (hi - lo);
        let mut d = lo + g * (hi - lo);
        let (mut fc, mut fd) = (ll(c), ll(d));
        for _ in 0..80 {
            if fc > fd {
                hi = d;
                d = c;
                fd = fc;
                c = hi - g * (hi - lo);
                fc = ll(c);
            } else {
                lo = c;
                c = d;
                fc = fd;
                d = lo + g * (hi - lo);
                fd = ll(d);
            }
        }
        let alpha = (lo + hi) / 2.0;
        // KS distance over the distinct values of the tail.
        let z0 = hurwitz_zeta(alpha, xmin);
        let mut cum = 0usize;
        let mut ks = 0f64;
        for &(x, c) in &uniq[i..] {
            cum += c;
            let emp = cum as f64 / n as f64;
            let model = 1.0 - hurwitz_zeta(alpha, f64::from(x) + 1.0) / z0;
            ks = ks.max((emp - model).abs());
        }
        let fit = PowerLawFit {
            alpha,
            x_min: uniq[i].0,
            x_max,
            n_tail: n,
            ks,
        };
        // Strictly smaller KS wins, so ties keep the smallest x_min (the most data).
        if best.map_or(true, |b| ks < b.ks) {
            best = Some(fit);
        }
    }
    best
}

/// One series of the degree chart: (k, count) for k ≥ 1 plus its fit.
struct DegreeSeries {
    name: &'static str,
    color: RGBColor,
    points: Vec<(u32, usize)>,
    n: usize,
    fit: Option<PowerLawFit>,
}

fn degree_series(name: &'static str, color: RGBColor, d: &[u32]) -> DegreeSeries {
    let mut v: Vec<u32> = d.iter().copied().filter(|&x| x > 0).collect();
    v.sort_unstable();
    let mut points: Vec<(u32, usize)> = Vec::new();
    for &x in &v {
        match points.last_mut() {
            Some((k, c)) if *k == x => *c += 1,
            _ => points.push((x, 1)),
        }
    }
    DegreeSeries {
        name,
        color,
        points,
        n: d.len(),
        fit: fit_power_law(d),
    }
}

impl DegreeSeries {
    /// Fitted p(k) in the fitted range, scaled to the share of nodes in the tail.
    fn fit_p(&self, k: u32) -> Option<f64> {
        let f = self.fit?;
        if k < f.x_min || k > f.x_max || self.n == 0 {
            return None;
        }
        let z = hurwitz_zeta(f.alpha, f64::from(f.x_min));
        Some(f.n_tail as f64 / self.n as f64 * f64::from(k).powf(-f.alpha) / z)
    }
}

struct DegreeChart {
    series: Vec<DegreeSeries>,
    subtitle: String,
}

impl Draw for DegreeChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, "Degree distribution (log-log)", &self.subtitle)?;
        let kmax = self
            .series
            .iter()
            .flat_map(|s| s.points.last().map(|p| p.0))
            .max()
            .unwrap_or(1)
            .max(2);
        let pmin = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|&(_, c)| c as f64 / s.n.max(1) as f64))
            .fold(1.0f64, f64::min);
        // The fitted line may end below the smallest observed share: keep it inside the plot.
        let pmin = self
            .series
            .iter()
            .filter_map(|s| s.fit.and_then(|f| s.fit_p(f.x_max)))
            .fold(pmin, f64::min);
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(
                (0.8f64..f64::from(kmax) * 1.5).log_scale(),
                (pmin * 0.5..1.0f64).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("Degree k (number of distinct accounts linked)")
            .y_desc("Share of accounts with degree k, P(k)")
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| {
                if *y >= 1e-4 {
                    // Plain decimals: 1, 0.1, 0.01 ... (enough digits for the leading one).
                    let d = (-y.log10()).ceil().max(0.0) as usize;
                    format!("{y:.d$}")
                } else {
                    format!("{y:.0e}")
                }
            })
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        for s in &self.series {
            let color = s.color;
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|&(k, c)| (f64::from(k), c as f64 / s.n.max(1) as f64))
                .collect();
            chart
                .draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, 5, color.mix(0.8).filled())),
                )?
                .label(format!("{} (observed)", s.name))
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
            if let Some(f) = s.fit {
                // Draw the fit on a fine grid over [x_min, x_max] so it is a straight log-log line.
                let steps = 60;
                let a = f64::from(f.x_min).ln();
                let b = f64::from(f.x_max.max(f.x_min + 1)).ln();
                let z = hurwitz_zeta(f.alpha, f64::from(f.x_min));
                let scale = f.n_tail as f64 / s.n.max(1) as f64 / z;
                let line: Vec<(f64, f64)> = (0..=steps)
                    .map(|i| {
                        let k = (a + (b - a) * i as f64 / steps as f64).exp();
                        (k, scale * k.powf(-f.alpha))
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(line, color.stroke_width(3)))?
                    .label(format!(
                        "{} fit: α = {:.2}, k ∈ [{}, {}], n = {}",
                        s.name, f.alpha, f.x_min, f.x_max, f.n_tail
                    ))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                    });
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw the degree distribution (`degree.png/.svg/.csv`): P(k) per degree on log-log axes with
/// the fitted power law over its range. CSV: `series,degree,count,share,fit_share` (fit empty
/// outside the fitted range).
///
/// # Errors
/// I/O and drawing errors.
pub fn degree_chart(dir: &Path, d: &DegreeDistribution) -> Result<ChartFile> {
    let series = if d.directed {
        vec![
            degree_series("in-degree", palette::BLUE, &d.in_degrees),
            degree_series("out-degree", palette::VERMILLION, &d.out_degrees),
        ]
    } else {
        vec![degree_series("degree", palette::BLUE, &d.out_degrees)]
    };
    let n = d.out_degrees.len().max(d.in_degrees.len());
    let mut parts = vec![format!("{n} accounts")];
    for s in &series {
        let zeros = n - s.points.iter().map(|p| p.1).sum::<usize>();
        if zeros > 0 {
            parts.push(format!("{zeros} with {} 0 not shown", s.name));
        }
        match s.fit {
            Some(f) => parts.push(format!(
                "{}: power law α = {:.2} for k ≥ {} (KS {:.3})",
                s.name, f.alpha, f.x_min, f.ks
            )),
            None => parts.push(format!(
                "{}: no power-law fit (under 10 values or one distinct value)",
                s.name
            )),
        }
    }
    let subtitle = parts.join(" · ");
    let mut rows = Vec::new();
    for s in &series {
        for &(k, c) in &s.points {
            rows.push(vec![
                s.name.to_string(),
                k.to_string(),
                c.to_string(),
                num(c as f64 / s.n.max(1) as f64),
                s.fit_p(k).map(num).unwrap_or_default(),
            ]);
        }
    }
    let chart = DegreeChart {
        series,
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "degree",
        size,
        &chart,
        &["series", "degree", "count", "share", "fit_share"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "degree".into(),
        title: "Degree distribution".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}

/// Scores whose concentration the Lorenz chart shows (e.g. PageRank of every node).
#[derive(Debug, Clone, Default)]
pub struct LorenzInput {
    /// Name of the score, e.g. "PageRank".
    pub label: String,
    /// One non-negative score per node (negative values count as 0).
    pub scores: Vec<f64>,
}

/// Concentration numbers of a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LorenzSummary {
    /// Number of nodes.
    pub n: usize,
    /// Gini coefficient (0 = equal, → 1 = one node holds everything).
    pub gini: f64,
    /// Share of the total held by the top 1% of nodes (at least one node).
    pub top1_share: f64,
    /// Share of the total held by the top 10% of nodes (at least one node).
    pub top10_share: f64,
}

/// Lorenz curve points (at most [`LORENZ_POINTS`], always including (0,0) and (1,1)) and the
/// concentration summary. Sums run sequentially over the sorted scores (deterministic).
pub fn lorenz_points(scores: &[f64]) -> (Vec<(f64, f64)>, LorenzSummary) {
    let mut s: Vec<f64> = scores
        .iter()
        .map(|&x| if x.is_finite() && x > 0.0 { x } else { 0.0 })
        .collect();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let total: f64 = s.iter().sum();
    if n == 0 {
        let summary = LorenzSummary {
            n: 0,
            gini: 0.0,
            top1_share: 0.0,
            top10_share: 0.0,
        };
        return (vec![(0.0, 0.0), (1.0, 1.0)], summary);
    }
    // cum[i] = share held by the i poorest nodes; with a zero total every node is "equal".
    let mut cum = Vec::with_capacity(n + 1);
    cum.push(0.0f64);
    let mut acc = 0.0f64;
    for (i, &x) in s.iter().enumerate() {
        acc += x;
        cum.push(if total > 0.0 {
            acc / total
        } else {
            (i + 1) as f64 / n as f64
        });
    }
    if let Some(last) = cum.last_mut() {
        *last = 1.0; // exact end point despite rounding
    }
    let mut area = 0.0;
    for i in 1..=n {
        area += (cum[i] + cum[i - 1]) / (2.0 * n as f64);
    }
    let top = |p: f64| {
        let k = ((n as f64 * p).ceil() as usize).clamp(1, n);
        1.0 - cum[n - k]
    };
    let summary = LorenzSummary {
        n,
        gini: (1.0 - 2.0 * area).max(0.0),
        top1_share: top(0.01),
        top10_share: top(0.10),
    };
    let p = (n + 1).min(LORENZ_POINTS);
    let mut pts = Vec::with_capacity(p);
    let mut last_i = usize::MAX;
    for j in 0..p {
        let i = if p == n + 1 {
            j
        } else {
            ((j as f64) * n as f64 / (p - 1) as f64).round() as usize
        };
        if i != last_i {
            pts.push((i as f64 / n as f64, cum[i]));
            last_i = i;
        }
    }
    (pts, summary)
}

struct LorenzChart {
    label: String,
    points: Vec<(f64, f64)>,
    summary: LorenzSummary,
    subtitle: String,
}

impl Draw for LorenzChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            &format!("Influence concentration: Lorenz curve of {}", self.label),
            &self.subtitle,
        )?;
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..100.0, 0f64..100.0)?;
        chart
            .configure_mesh()
            .x_desc("Accounts, from least to most influential (cumulative %)")
            .y_desc(format!("Share of total {} (cumulative %)", self.label))
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (100.0, 100.0)],
                palette::GREY.stroke_width(2),
            ))?
            .label("Perfect equality")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], palette::GREY.stroke_width(2))
            });
        let pts: Vec<(f64, f64)> = self
            .points
            .iter()
            .map(|&(x, y)| (100.0 * x, 100.0 * y))
            .collect();
        chart.draw_series(AreaSeries::new(pts.clone(), 0.0, palette::SKY.mix(0.25)))?;
        chart
            .draw_series(LineSeries::new(pts, palette::BLUE.stroke_width(4)))?
            .label(format!(
                "{} Lorenz curve (Gini {:.2})",
                self.label, self.summary.gini
            ))
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], palette::BLUE.stroke_width(4))
            });
        // Mark where the top 10% and top 1% start, with the share they hold.
        for (p, share, color) in [
            (90.0, self.summary.top10_share, palette::VERMILLION),
            (99.0, self.summary.top1_share, palette::ORANGE),
        ] {
            let y = 100.0 * (1.0 - share);
            chart.draw_series(LineSeries::new(
                vec![(p, 0.0), (p, y)],
                color.stroke_width(2),
            ))?;
            chart.draw_series(std::iter::once(Circle::new((p, y), 6, color.filled())))?;
        }
        let t10 = self.summary.top10_share;
        let t1 = self.summary.top1_share;
        chart.draw_series(std::iter::once(Text::new(
            format!("Top 10% hold {:.1}%", 100.0 * t10),
            (4.0, 92.0),
            (FONT, 24).into_font().color(&palette::VERMILLION),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("Top 1% hold {:.1}%", 100.0 * t1),
            (4.0, 84.0),
            (FONT, 24).into_font().color(&RGBColor(170, 110, 0)),
        )))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::Coordinate(30, 150))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw the Lorenz curve (`lorenz.png/.svg/.csv`) with the top 1%/10% shares marked. CSV:
/// `population_share,score_share` (both in [0,1]; first row 0,0, last row 1,1).
///
/// # Errors
/// I/O and drawing errors.
pub fn lorenz_chart(dir: &Path, input: &LorenzInput) -> Result<ChartFile> {
    let (points, summary) = lorenz_points(&input.scores);
    let label = if input.label.is_empty() {
        "score".to_string()
    } else {
        input.label.clone()
    };
    let subtitle = format!(
        "{} accounts · top 1% hold {:.1}% · top 10% hold {:.1}% · Gini {:.3}",
        summary.n,
        100.0 * summary.top1_share,
        100.0 * summary.top10_share,
        summary.gini
    );
    let rows: Vec<Vec<String>> = points.iter().map(|&(x, y)| vec![num(x), num(y)]).collect();
    let chart = LorenzChart {
        label: label.clone(),
        points,
        summary,
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "lorenz",
        size,
        &chart,
        &["population_share", "score_share"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "lorenz".into(),
        title: format!("Influence concentration ({label})"),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeta_matches_riemann_zeta_2() {
        let z = hurwitz_zeta(2.0, 1.0);
        assert!(
            (z - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-10,
            "{z}"
        );
        // ζ(s, q) − ζ(s, q + 1) = q^−s
        let d = hurwitz_zeta(2.5, 3.0) - hurwitz_zeta(2.5, 4.0);
        assert!((d - 3f64.powf(-2.5)).abs() < 1e-12);
    }

    #[test]
    fn lorenz_of_equal_scores_is_diagonal() {
        let (pts, s) = lorenz_points(&[1.0; 200]);
        assert!(s.gini.abs() < 1e-12);
        assert!((s.top10_share - 0.1).abs() < 1e-12);
        for (x, y) in pts {
            assert!((x - y).abs() < 1e-12);
        }
    }
}
