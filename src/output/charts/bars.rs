//! Bar charts: community sizes coloured by who leads them, and small-world metrics against their
//! random and lattice baselines (Watts & Strogatz 1998; σ of Humphries & Gurney 2008; ω of
//! Telesford et al. 2011). Both are O(number of bars) to draw.

use super::{
    axis_desc_font, frame, legend_font, num, palette, render, short, tick_font, ChartFile, Draw,
    DrawResult, DEFAULT_HEIGHT, DEFAULT_WIDTH, FONT,
};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::path::Path;

/// Most communities drawn (the largest ones); the CSV lists the same ones.
pub const MAX_COMMUNITY_BARS: usize = 30;

/// Who drives a community's conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommunityLead {
    /// Most interactions are between customers.
    ConsumerLed,
    /// Most interactions involve brand or staff accounts.
    BrandLed,
    /// Neither side dominates.
    Mixed,
}

impl CommunityLead {
    /// Label used in legends and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityLead::ConsumerLed => "consumer-led",
            CommunityLead::BrandLed => "brand-led",
            CommunityLead::Mixed => "mixed",
        }
    }
    fn color(self) -> RGBColor {
        match self {
            CommunityLead::ConsumerLed => palette::BLUE,
            CommunityLead::BrandLed => palette::VERMILLION,
            CommunityLead::Mixed => palette::GREY,
        }
    }
}

/// One community bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunityBar {
    /// Community label (id or name).
    pub id: String,
    /// Number of members.
    pub size: usize,
    /// Brand-centricity in [0, 1]: share of the community's interaction weight that involves
    /// brand or staff accounts.
    pub brand_centricity: f64,
    /// Consumer-led, brand-led or mixed.
    pub lead: CommunityLead,
}

struct CommunityChart {
    bars: Vec<CommunityBar>,
    subtitle: String,
}

impl Draw for CommunityChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, "Communities: size and who leads them", &self.subtitle)?;
        let k = self.bars.len().max(1) as f64;
        let ymax = self.bars.iter().map(|b| b.size).max().unwrap_or(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(70)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..k - 0.5, 0f64..ymax * 1.15)?;
        let bars = &self.bars;
        chart
            .configure_mesh()
            .disable_x_mesh()
            // Community names are drawn under each bar below (one per bar, not at round ticks).
            .x_labels(0)
            .x_desc("Community (largest first; % above bar = brand-centricity)")
            .y_desc("Members (accounts)")
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .y_label_formatter(&|y| short(*y))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        // Bars at most 80 px wide so a handful of communities do not look like a wall.
        let (x0, _) = chart.backend_coord(&(0.0, 0.0));
        let (x1, _) = chart.backend_coord(&(1.0, 0.0));
        let px_per_unit = f64::from((x1 - x0).max(1));
        let half = (0.4f64).min(40.0 / px_per_unit);
        let label_font = (FONT, if bars.len() > 15 { 13 } else { 16 }).into_font();
        for (i, b) in bars.iter().enumerate() {
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - half, 0.0), (x + half, b.size as f64)],
                b.lead.color().filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("{:.0}%", 100.0 * b.brand_centricity),
                (x, b.size as f64 + ymax * 0.01),
                (FONT, 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))?;
            let (px, py) = chart.backend_coord(&(x, 0.0));
            root.draw(&Text::new(
                b.id.clone(),
                (px, py + 8),
                label_font
                    .clone()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        // Legend entries: one invisible series per lead kind present.
        for lead in [
            CommunityLead::ConsumerLed,
            CommunityLead::BrandLed,
            CommunityLead::Mixed,
        ] {
            if bars.iter().any(|b| b.lead == lead) {
                let c = lead.color();
                chart
                    .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                    .label(lead.as_str())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 8), (x + 18, y + 8)], c.filled())
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

/// Draw community sizes (`communities.png/.svg/.csv`), the [`MAX_COMMUNITY_BARS`] largest
/// communities (size descending, ties by id), coloured consumer-led / brand-led / mixed. CSV:
/// `community,size,brand_centricity,lead`.
///
/// # Errors
/// I/O and drawing errors.
pub fn community_chart(dir: &Path, bars: &[CommunityBar]) -> Result<ChartFile> {
    let mut b: Vec<CommunityBar> = bars.to_vec();
    b.sort_by(|x, y| y.size.cmp(&x.size).then_with(|| x.id.cmp(&y.id)));
    let total = b.len();
    let members: usize = b.iter().map(|x| x.size).sum();
    b.truncate(MAX_COMMUNITY_BARS);
    let count = |l: CommunityLead| bars.iter().filter(|x| x.lead == l).count();
    let subtitle = format!(
        "{total} communities, {members} members · {} consumer-led, {} brand-led, {} mixed{}",
        count(CommunityLead::ConsumerLed),
        count(CommunityLead::BrandLed),
        count(CommunityLead::Mixed),
        if total > MAX_COMMUNITY_BARS {
            format!(" · largest {MAX_COMMUNITY_BARS} shown")
        } else {
            String::new()
        }
    );
    let rows: Vec<Vec<String>> = b
        .iter()
        .map(|x| {
            vec![
                x.id.clone(),
                x.size.to_string(),
                num(x.brand_centricity),
                x.lead.as_str().to_string(),
            ]
        })
        .collect();
    let chart = CommunityChart {
        bars: b,
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "communities",
        size,
        &chart,
        &["community", "size", "brand_centricity", "lead"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "communities".into(),
        title: "Community sizes and brand-centricity".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}

/// Small-world numbers of a graph and its baselines.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SmallWorldBars {
    /// Average clustering coefficient C of the graph.
    pub clustering: f64,
    /// Average shortest path length L of the graph (hops).
    pub path_length: f64,
    /// Mean C over the random (degree-preserving) baselines.
    pub random_clustering_mean: f64,
    /// Standard deviation of C over the random baselines.
    pub random_clustering_sd: f64,
    /// Mean L over the random baselines.
    pub random_path_length_mean: f64,
    /// Standard deviation of L over the random baselines.
    pub random_path_length_sd: f64,
    /// C of the lattice baseline.
    pub lattice_clustering: f64,
    /// L of the lattice baseline.
    pub lattice_path_length: f64,
    /// σ = (C/C_rand)/(L/L_rand), if computed.
    pub sigma: Option<f64>,
    /// ω = L_rand/L − C/C_latt, if computed.
    pub omega: Option<f64>,
}

struct SmallWorldChart {
    s: SmallWorldBars,
    subtitle: String,
}

type Bar3 = [(&'static str, f64, f64, RGBColor); 3];

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    ydesc: &str,
    bars: &Bar3,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let ymax = bars
        .iter()
        .map(|b| b.1 + b.2)
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::max);
    let ymax = if ymax > 0.0 { ymax * 1.2 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 24).into_font().style(FontStyle::Bold))
        .margin(10)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((0u32..2).into_segmented(), 0f64..ymax)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(3)
        .y_desc(ydesc)
        .axis_desc_style(axis_desc_font())
        .label_style(tick_font())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => bars
                .get(*i as usize)
                .map(|b| b.0.to_string())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        })
        .y_label_formatter(&|y| short(*y))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (i, &(_, v, sd, c)) in bars.iter().enumerate() {
        let i = i as u32;
        let v = if v.is_finite() { v } else { 0.0 };
        let mut r = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), v),
            ],
            c.filled(),
        );
        r.set_margin(0, 0, 25, 25);
        chart.draw_series(std::iter::once(r))?;
        if sd > 0.0 && sd.is_finite() {
            chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                SegmentValue::CenterOf(i),
                (v - sd).max(0.0),
                v,
                v + sd,
                BLACK.stroke_width(2),
                16,
            )))?;
        }
        let label = if sd > 0.0 && sd.is_finite() {
            format!("{} ± {}", short(v), short(sd))
        } else {
            short(v)
        };
        chart.draw_series(std::iter::once(Text::new(
            label,
            (SegmentValue::CenterOf(i), v + sd.max(0.0) + ymax * 0.015),
            (FONT, 20)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        )))?;
    }
    Ok(())
}

impl Draw for SmallWorldChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            "Small world: the graph vs random and lattice baselines",
            &self.subtitle,
        )?;
        let s = &self.s;
        let parts = area.split_evenly((1, 2));
        let c: Bar3 = [
            ("This graph", s.clustering, 0.0, palette::BLUE),
            (
                "Random (mean ± sd)",
                s.random_clustering_mean,
                s.random_clustering_sd,
                palette::ORANGE,
            ),
            ("Lattice", s.lattice_clustering, 0.0, palette::GREEN),
        ];
        let l: Bar3 = [
            ("This graph", s.path_length, 0.0, palette::BLUE),
            (
                "Random (mean ± sd)",
                s.random_path_length_mean,
                s.random_path_length_sd,
                palette::ORANGE,
            ),
            ("Lattice", s.lattice_path_length, 0.0, palette::GREEN),
        ];
        panel(
            &parts[0],
            "Clustering: higher = tighter circles of friends",
            "Average clustering coefficient C (0–1)",
            &c,
        )?;
        panel(
            &parts[1],
            "Path length: lower = news travels faster",
            "Average shortest path length L (hops)",
            &l,
        )?;
        Ok(())
    }
}

/// Draw the small-world comparison (`smallworld.png/.svg/.csv`). CSV: `metric,graph,
/// random_mean,random_sd,lattice` with rows `clustering` and `path_length`.
///
/// # Errors
/// I/O and drawing errors.
pub fn smallworld_chart(dir: &Path, s: &SmallWorldBars) -> Result<ChartFile> {
    let mut parts = vec![format!(
        "C = {:.3} vs random {:.3}, L = {:.2} vs random {:.2} hops",
        s.clustering, s.random_clustering_mean, s.path_length, s.random_path_length_mean
    )];
    if let Some(sig) = s.sigma {
        parts.push(format!("σ = {sig:.2} (> 1: small world)"));
    }
    if let Some(o) = s.omega {
        parts.push(format!("ω = {o:.2} (near 0: small world)"));
    }
    let subtitle = parts.join(" · ");
    let rows = vec![
        vec![
            "clustering".to_string(),
            num(s.clustering),
            num(s.random_clustering_mean),
            num(s.random_clustering_sd),
            num(s.lattice_clustering),
        ],
        vec![
            "path_length".to_string(),
            num(s.path_length),
            num(s.random_path_length_mean),
            num(s.random_path_length_sd),
            num(s.lattice_path_length),
        ],
    ];
    let chart = SmallWorldChart {
        s: s.clone(),
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "smallworld",
        size,
        &chart,
        &["metric", "graph", "random_mean", "random_sd", "lattice"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "smallworld".into(),
        title: "Small world vs baselines".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}
