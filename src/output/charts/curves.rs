//! Line charts: word-of-mouth spread over steps (mean with a 95% band, positive vs negative) and
//! cumulative expected reach of seed sets (IMM/CELF vs top-degree vs top-PageRank). Drawing is
//! O(total points).

use super::{
    axis_desc_font, frame, legend_font, num, palette, render, short, tick_font, ChartFile, Draw,
    DrawResult, DEFAULT_HEIGHT, DEFAULT_WIDTH,
};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::path::Path;

/// Tone of what spreads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Positive word of mouth (campaign, recommendation).
    Positive,
    /// Negative word of mouth (complaint).
    Negative,
}

/// One simulated spread: cumulative accounts reached after each step (step 0 = the seeds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpreadSeries {
    /// Legend label, e.g. "campaign (IC, 10 IMM seeds)".
    pub label: String,
    /// Positive or negative word of mouth.
    pub polarity: Polarity,
    /// Mean over runs of the cumulative number of accounts reached after each step.
    pub mean: Vec<f64>,
    /// Lower end of the 95% interval per step (same length as `mean`).
    pub lo: Vec<f64>,
    /// Upper end of the 95% interval per step (same length as `mean`).
    pub hi: Vec<f64>,
}

struct SpreadChart {
    series: Vec<SpreadSeries>,
    subtitle: String,
}

fn spread_color(polarity: Polarity, i: usize) -> RGBColor {
    match polarity {
        Polarity::Positive => [palette::BLUE, palette::GREEN, palette::SKY][i % 3],
        Polarity::Negative => [palette::VERMILLION, palette::ORANGE, palette::PURPLE][i % 3],
    }
}

impl Draw for SpreadChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, "Word-of-mouth spread over time", &self.subtitle)?;
        let steps = self.series.iter().map(|s| s.mean.len()).max().unwrap_or(1);
        let ymax = self
            .series
            .iter()
            .flat_map(|s| s.hi.iter().chain(s.mean.iter()))
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0f64, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(
                0f64..(steps.saturating_sub(1)).max(1) as f64,
                0f64..super::upper(ymax),
            )?;
        chart
            .configure_mesh()
            .x_desc("Step of the cascade (0 = seeds)")
            .y_desc("Accounts reached (cumulative, mean over runs)")
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| short(*y))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let (mut np, mut nn) = (0, 0);
        for s in &self.series {
            let i = match s.polarity {
                Polarity::Positive => {
                    np += 1;
                    np - 1
                }
                Polarity::Negative => {
                    nn += 1;
                    nn - 1
                }
            };
            let c = spread_color(s.polarity, i);
            // 95% band: upper edge forward then lower edge backward.
            let mut poly: Vec<(f64, f64)> =
                s.hi.iter()
                    .enumerate()
                    .map(|(t, &y)| (t as f64, y))
                    .collect();
            poly.extend(s.lo.iter().enumerate().rev().map(|(t, &y)| (t as f64, y)));
            chart.draw_series(std::iter::once(Polygon::new(poly, c.mix(0.2).filled())))?;
            let line: Vec<(f64, f64)> = s
                .mean
                .iter()
                .enumerate()
                .map(|(t, &y)| (t as f64, y))
                .collect();
            let label = format!(
                "{} ({})",
                s.label,
                match s.polarity {
                    Polarity::Positive => "positive",
                    Polarity::Negative => "negative",
                }
            );
            let series = match s.polarity {
                // Negative word of mouth is dashed so it does not rely on colour alone.
                Polarity::Negative => chart.draw_series(DashedLineSeries::new(
                    line.clone(),
                    12,
                    6,
                    c.stroke_width(4),
                ))?,
                Polarity::Positive => {
                    chart.draw_series(LineSeries::new(line.clone(), c.stroke_width(4)))?
                }
            };
            let dashed = s.polarity == Polarity::Negative;
            series.label(label).legend(move |(x, y)| {
                if dashed {
                    PathElement::new(vec![(x, y), (x + 8, y)], c.stroke_width(4))
                } else {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(4))
                }
            });
            chart.draw_series(line.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("shaded: 95% interval over runs")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 7), (x + 20, y + 7)],
                    palette::GREY.mix(0.3).filled(),
                )
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw spread curves (`spread.png/.svg/.csv`). CSV: `series,polarity,step,mean,lo95,hi95`.
///
/// # Errors
/// [`Error::InvalidParameter`] when a series has `lo`/`hi` of another length than `mean`; I/O and
/// drawing errors.
pub fn spread_chart(dir: &Path, series: &[SpreadSeries]) -> Result<ChartFile> {
    for s in series {
        if s.lo.len() != s.mean.len() || s.hi.len() != s.mean.len() {
            return Err(Error::param(
                "spread series",
                &s.label,
                "lo, mean and hi of the same length",
            ));
        }
    }
    let mut rows = Vec::new();
    let mut parts = Vec::new();
    for s in series {
        let pol = match s.polarity {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        };
        for t in 0..s.mean.len() {
            rows.push(vec![
                s.label.clone(),
                pol.to_string(),
                t.to_string(),
                num(s.mean[t]),
                num(s.lo[t]),
                num(s.hi[t]),
            ]);
        }
        if let Some(last) = s.mean.last() {
            parts.push(format!("{}: {} reached", s.label, short(*last)));
        }
    }
    let subtitle = parts.join(" · ");
    let chart = SpreadChart {
        series: series.to_vec(),
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "spread",
        size,
        &chart,
        &["series", "polarity", "step", "mean", "lo95", "hi95"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "spread".into(),
        title: "Word-of-mouth spread".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}

/// Expected reach of the first k seeds of one selection method, for k = 1..=len.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedCurve {
    /// Method name, e.g. "IMM", "CELF", "top degree", "top PageRank".
    pub method: String,
    /// `cumulative[k-1]` = expected number of accounts reached by the first k seeds.
    pub cumulative: Vec<f64>,
}

struct SeedChart {
    curves: Vec<SeedCurve>,
    subtitle: String,
}

impl Draw for SeedChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            "Seed selection: expected reach vs number of seeds",
            &self.subtitle,
        )?;
        let kmax = self
            .curves
            .iter()
            .map(|c| c.cumulative.len())
            .max()
            .unwrap_or(1);
        let ymax = self
            .curves
            .iter()
            .flat_map(|c| c.cumulative.iter())
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0f64, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0.5f64..kmax as f64 + 0.5, 0f64..super::upper(ymax))?;
        chart
            .configure_mesh()
            .x_desc("Number of seeds k")
            .y_desc("Expected accounts reached")
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_labels(kmax.clamp(2, 20))
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-9 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| short(*y))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        for (i, c) in self.curves.iter().enumerate() {
            let col = palette::series(i);
            let pts: Vec<(f64, f64)> = c
                .cumulative
                .iter()
                .enumerate()
                .map(|(k, &y)| ((k + 1) as f64, y))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), col.stroke_width(3)))?
                .label(format!(
                    "{} ({} at k = {})",
                    c.method,
                    c.cumulative.last().map(|y| short(*y)).unwrap_or_default(),
                    c.cumulative.len()
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], col.stroke_width(3))
                });
            // A distinct marker per method so curves differ without colour.
            match i % 3 {
                0 => {
                    chart.draw_series(pts.iter().map(|&p| Circle::new(p, 6, col.filled())))?;
                }
                1 => {
                    chart.draw_series(
                        pts.iter().map(|&p| TriangleMarker::new(p, 8, col.filled())),
                    )?;
                }
                _ => {
                    chart
                        .draw_series(pts.iter().map(|&p| Cross::new(p, 7, col.stroke_width(3))))?;
                }
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw seed-selection curves (`seeds.png/.svg/.csv`). CSV: `method,k,expected_reach`.
///
/// # Errors
/// I/O and drawing errors.
pub fn seed_chart(dir: &Path, curves: &[SeedCurve]) -> Result<ChartFile> {
    let mut rows = Vec::new();
    for c in curves {
        for (k, &y) in c.cumulative.iter().enumerate() {
            rows.push(vec![c.method.clone(), (k + 1).to_string(), num(y)]);
        }
    }
    let best = curves
        .iter()
        .filter_map(|c| c.cumulative.last().map(|y| (c.method.as_str(), *y)))
        .fold(None::<(&str, f64)>, |b, x| match b {
            Some(bb) if bb.1 >= x.1 => Some(bb),
            _ => Some(x),
        });
    let subtitle = match best {
        Some((m, y)) => format!(
            "Best final reach: {m}, {} accounts (Monte Carlo estimate)",
            short(y)
        ),
        None => "no seed curves".to_string(),
    };
    let chart = SeedChart {
        curves: curves.to_vec(),
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "seeds",
        size,
        &chart,
        &["method", "k", "expected_reach"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "seeds".into(),
        title: "Seed selection: cumulative reach".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}
