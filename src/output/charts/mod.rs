//! Charts drawn with plotters: every chart is written as PNG and SVG, with a CSV of the plotted
//! values beside it.
//!
//! Each chart is a pure function over a plain data struct defined here (e.g. [`DegreeDistribution`],
//! [`LorenzInput`]), so any command can draw it from its own results; [`write_all`] draws every
//! chart whose input is present in a [`ChartInputs`].
//!
//! Conventions: the bundled DejaVu Sans font (no system fonts are read, so output does not depend
//! on the machine), the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal
//! Design"), titles, axis labels with units and legends on every chart. Output is a pure function
//! of the input struct (no clocks, no hash-map order, no threads), so the same input and seed give
//! byte-identical files.

mod bars;
mod curves;
mod distribution;
pub mod ego;
pub mod fallback;
pub mod from_data;
mod scatter;

pub use bars::{community_chart, smallworld_chart, CommunityBar, CommunityLead, SmallWorldBars};
pub use curves::{seed_chart, spread_chart, Polarity, SeedCurve, SpreadSeries};
pub use distribution::{
    degree_chart, fit_power_law, lorenz_chart, lorenz_points, DegreeDistribution, LorenzInput,
    LorenzSummary, PowerLawFit,
};
pub use ego::{ego_chart, ego_network, EgoNetwork, EgoNode};
pub use from_data::{inputs_from_graph, quadrant_from_scores, rank_shift_from_ranks, GraphScores};
pub use scatter::{
    quadrant_chart, rank_shift_chart, select_movers, QuadrantInput, QuadrantPoint, RankShift,
    DEFAULT_MOVERS,
};

use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Font family name under which the bundled font is registered.
pub const FONT: &str = "sans-serif";
/// Default chart width in pixels.
pub const DEFAULT_WIDTH: u32 = 1200;
/// Default chart height in pixels.
pub const DEFAULT_HEIGHT: u32 = 750;

static FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
static FONTS: Once = Once::new();

/// Register the bundled DejaVu Sans with plotters (idempotent; called by every chart).
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes are the bundled TTF files, so parsing cannot fail at run time; a failure would
        // surface as a drawing error ("font unavailable") rather than a panic.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BOLD);
    });
}

/// Okabe–Ito palette (colour-blind safe), in the order used for series.
pub mod palette {
    use plotters::style::RGBColor;
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    /// Black.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Neutral grey for "other" and reference lines.
    pub const GREY: RGBColor = RGBColor(150, 150, 150);
    /// Series order: the most distinct colours first.
    pub const SERIES: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, BLACK];
    /// Colour of series `i` (cycles).
    pub fn series(i: usize) -> RGBColor {
        SERIES[i % SERIES.len()]
    }
}

/// One chart written to disk.
#[derive(Debug, Clone, Serialize)]
pub struct ChartFile {
    /// Chart kind (`degree`, `lorenz`, ...), also the file stem.
    pub kind: String,
    /// Chart title.
    pub title: String,
    /// PNG path.
    pub png: PathBuf,
    /// SVG path.
    pub svg: PathBuf,
    /// CSV of the plotted values.
    pub csv: PathBuf,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// One-line caption with the key numbers (for the report).
    pub caption: String,
}

/// Everything [`write_all`] can draw; each chart is drawn when its input is present.
#[derive(Debug, Clone, Default)]
pub struct ChartInputs {
    /// Degree distribution.
    pub degree: Option<DegreeDistribution>,
    /// Influence concentration (Lorenz curve).
    pub lorenz: Option<LorenzInput>,
    /// Community sizes with brand-centricity.
    pub communities: Option<Vec<CommunityBar>>,
    /// Word-of-mouth spread curves.
    pub spread: Option<Vec<SpreadSeries>>,
    /// Seed-selection cumulative reach curves.
    pub seeds: Option<Vec<SeedCurve>>,
    /// CLV vs network value scatter.
    pub quadrant: Option<QuadrantInput>,
    /// Purchase rank vs blended rank.
    pub rank_shift: Option<Vec<RankShift>>,
    /// Small world vs baselines.
    pub smallworld: Option<SmallWorldBars>,
    /// Ego network of the top opinion leader (already laid out or not; see [`ego_chart`]).
    pub ego: Option<EgoNetwork>,
    /// Seed of the layout.
    pub seed: u64,
}

/// Draw every chart present in `inputs` into `dir` (created if missing), in a fixed order.
///
/// # Errors
/// I/O errors and drawing errors.
pub fn write_all(dir: &Path, inputs: &ChartInputs) -> Result<Vec<ChartFile>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let mut out = Vec::new();
    if let Some(d) = &inputs.degree {
        out.push(degree_chart(dir, d)?);
    }
    if let Some(l) = &inputs.lorenz {
        out.push(lorenz_chart(dir, l)?);
    }
    if let Some(c) = &inputs.communities {
        out.push(community_chart(dir, c)?);
    }
    if let Some(s) = &inputs.spread {
        out.push(spread_chart(dir, s)?);
    }
    if let Some(s) = &inputs.seeds {
        out.push(seed_chart(dir, s)?);
    }
    if let Some(q) = &inputs.quadrant {
        out.push(quadrant_chart(dir, q)?);
    }
    if let Some(r) = &inputs.rank_shift {
        out.push(rank_shift_chart(dir, r, DEFAULT_MOVERS)?);
    }
    if let Some(s) = &inputs.smallworld {
        out.push(smallworld_chart(dir, s)?);
    }
    if let Some(e) = &inputs.ego {
        out.push(ego_chart(dir, e, inputs.seed)?);
    }
    Ok(out)
}

/// Result of a drawing closure (plotters errors are boxed and turned into [`Error::Other`]).
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draw `chart` as `<dir>/<stem>.png` and `<dir>/<stem>.svg` and write the CSV rows.
pub(crate) fn render<C: Draw>(
    dir: &Path,
    stem: &str,
    size: (u32, u32),
    chart: &C,
    csv_headers: &[&str],
    csv_rows: &[Vec<String>],
) -> Result<(PathBuf, PathBuf, PathBuf)> {
    register_fonts();
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    let csv = dir.join(format!("{stem}.csv"));
    let err = |what: &Path, e: Box<dyn std::error::Error + Send + Sync>| {
        Error::Other(format!("drawing {}: {e}", what.display()))
    };
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        chart.draw(&root).map_err(|e| err(&png, e))?;
        root.present().map_err(|e| err(&png, Box::new(e)))?;
    }
    {
        let root = SVGBackend::new(&svg, size).into_drawing_area();
        chart.draw(&root).map_err(|e| err(&svg, e))?;
        root.present().map_err(|e| err(&svg, Box::new(e)))?;
    }
    write_csv(&csv, csv_headers, csv_rows)?;
    Ok((png, svg, csv))
}

/// Write a CSV file with a header row.
pub(crate) fn write_csv(path: &Path, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let ioe = |e: std::io::Error| Error::io("writing", path, e);
    let f = std::fs::File::create(path).map_err(ioe)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let ce = |e: csv::Error| Error::Other(format!("writing {}: {e}", path.display()));
    w.write_record(headers).map_err(ce)?;
    for r in rows {
        w.write_record(r).map_err(ce)?;
    }
    w.flush().map_err(ioe)?;
    Ok(())
}

/// Format a float for CSV: shortest round-trip representation (deterministic).
pub(crate) fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// Title font.
pub(crate) fn title_font() -> TextStyle<'static> {
    (FONT, 30).into_font().style(FontStyle::Bold).color(&BLACK)
}

/// Subtitle / caption font.
pub(crate) fn caption_font() -> TextStyle<'static> {
    (FONT, 20).into_font().color(&RGBColor(60, 60, 60))
}

/// Axis description font.
pub(crate) fn axis_desc_font() -> TextStyle<'static> {
    (FONT, 22).into_font().color(&BLACK)
}

/// Tick label font.
pub(crate) fn tick_font() -> TextStyle<'static> {
    (FONT, 18).into_font().color(&RGBColor(40, 40, 40))
}

/// Legend font.
pub(crate) fn legend_font() -> TextStyle<'static> {
    (FONT, 19).into_font().color(&BLACK)
}

/// Fill the background, draw title and subtitle, and return the plot area below them.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (24, 14),
        title_font().pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Top,
        )),
    ))?;
    // Wrap the subtitle at " · " separators so it never runs past the right edge.
    let max_chars = ((w.saturating_sub(48)) / 11).max(40) as usize;
    let mut lines: Vec<String> = Vec::new();
    for part in subtitle.split(" · ").filter(|p| !p.is_empty()) {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 3 + part.chars().count() <= max_chars => {
                l.push_str(" · ");
                l.push_str(part);
            }
            _ => lines.push(part.to_string()),
        }
    }
    for (i, l) in lines.iter().enumerate() {
        root.draw(&Text::new(
            l.clone(),
            (24, 52 + 26 * i as i32),
            caption_font(),
        ))?;
    }
    Ok(root.margin(58 + 26 * lines.len() as u32, 16, 16, 28))
}

/// Nice upper bound for an axis: the data maximum plus a margin, never zero.
pub(crate) fn upper(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.08
    } else {
        1.0
    }
}

/// Thousands separator-free compact number for labels (1234 -> "1234", 0.0123 -> "0.0123").
pub(crate) fn short(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{x:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}
