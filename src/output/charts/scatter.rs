//! CLV vs network value quadrant scatter, and the rank-shift slope chart (purchase-only rank vs
//! blended rank of the biggest movers). Drawing is O(points); the mover selection is O(n log n).

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

/// Most points drawn in the quadrant chart (the CSV always has every point).
pub const MAX_DRAWN_POINTS: usize = 20_000;
/// Movers drawn by default in the rank-shift chart.
pub const DEFAULT_MOVERS: usize = 16;
/// A mover must be in the top this-many by purchase or by blended rank.
pub const MOVER_WINDOW: u32 = 50;

/// One customer in the quadrant chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuadrantPoint {
    /// External id.
    pub id: String,
    /// Customer lifetime value (purchase value), in the currency of the orders.
    pub clv: f64,
    /// Network value (normalised network score).
    pub network_value: f64,
    /// Draw the id beside the point (top customers).
    pub label: bool,
}

/// The quadrant chart input.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct QuadrantInput {
    /// One point per customer.
    pub points: Vec<QuadrantPoint>,
    /// Vertical split (CLV); the median when `None`.
    pub clv_split: Option<f64>,
    /// Horizontal split (network value); the median when `None`.
    pub network_split: Option<f64>,
    /// Currency or unit of CLV for the axis label (e.g. "EUR"); empty = "currency units".
    pub currency: String,
    /// What the network value is (e.g. "blended network score, 0–1").
    pub network_label: String,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Quadrant names, in CSV order: (high CLV, high network), (low, high), (high, low), (low, low).
const QUADRANTS: [(&str, RGBColor); 4] = [
    ("champions", palette::GREEN),
    ("hidden influencers", palette::BLUE),
    ("big spenders", palette::ORANGE),
    ("long tail", palette::GREY),
];

fn quadrant_of(p: &QuadrantPoint, cs: f64, ns: f64) -> usize {
    match (p.clv > cs, p.network_value > ns) {
        (true, true) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (false, false) => 3,
    }
}

struct QuadrantChart {
    /// The points drawn (all of them up to [`MAX_DRAWN_POINTS`]).
    input: QuadrantInput,
    /// Data extents over all points: (x min, x max, y min, y max).
    extents: (f64, f64, f64, f64),
    /// Points per quadrant over all points.
    counts: [usize; 4],
    cs: f64,
    ns: f64,
    subtitle: String,
}

impl Draw for QuadrantChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, "Purchase value vs network value", &self.subtitle)?;
        let pts = &self.input.points;
        let fin = |x: f64| if x.is_finite() { x } else { 0.0 };
        let (xmin, xmax, ymin, ymax) = self.extents;
        let unit = if self.input.currency.is_empty() {
            "currency units".to_string()
        } else {
            self.input.currency.clone()
        };
        let ylab = if self.input.network_label.is_empty() {
            "Network value (score)".to_string()
        } else {
            format!("Network value ({})", self.input.network_label)
        };
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(xmin..super::upper(xmax), ymin..super::upper(ymax))?;
        chart
            .configure_mesh()
            .x_desc(format!("Customer lifetime value ({unit})"))
            .y_desc(ylab)
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| short(*y))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let (x1, y1) = (super::upper(xmax), super::upper(ymax));
        let split = BLACK.mix(0.5).stroke_width(2);
        chart.draw_series(DashedLineSeries::new(
            vec![(self.cs, ymin), (self.cs, y1)],
            10,
            6,
            split,
        ))?;
        chart.draw_series(DashedLineSeries::new(
            vec![(xmin, self.ns), (x1, self.ns)],
            10,
            6,
            split,
        ))?;
        // Quadrant names in the corners.
        let corner = |q: usize| -> ((f64, f64), Pos) {
            let right = q == 0 || q == 2;
            let top = q < 2;
            let x = if right {
                x1 - (x1 - xmin) * 0.01
            } else {
                xmin + (x1 - xmin) * 0.01
            };
            let y = if top {
                y1 - (y1 - ymin) * 0.01
            } else {
                ymin + (y1 - ymin) * 0.01
            };
            (
                (x, y),
                Pos::new(
                    if right { HPos::Right } else { HPos::Left },
                    if top { VPos::Top } else { VPos::Bottom },
                ),
            )
        };
        for (q, (name, c)) in QUADRANTS.iter().enumerate() {
            let (p, pos) = corner(q);
            chart.draw_series(std::iter::once(Text::new(
                name.to_uppercase(),
                p,
                (FONT, 20)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(c)
                    .pos(pos),
            )))?;
        }
        for (q, (name, c)) in QUADRANTS.iter().enumerate() {
            let c = *c;
            let n = self.counts[q];
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| quadrant_of(p, self.cs, self.ns) == q)
                        .map(|p| {
                            Circle::new((fin(p.clv), fin(p.network_value)), 5, c.mix(0.75).filled())
                        }),
                )?
                .label(format!("{name} ({n})"))
                .legend(move |(x, y)| Circle::new((x + 10, y), 6, c.filled()));
        }
        for p in pts.iter().filter(|p| p.label) {
            let at = (fin(p.clv), fin(p.network_value));
            chart.draw_series(std::iter::once(Circle::new(at, 7, BLACK.stroke_width(2))))?;
            // Offset in pixels so the name sits beside the ring, not on it.
            let (px, py) = chart.backend_coord(&at);
            root.draw(&Text::new(
                p.id.clone(),
                (px + 10, py - 8),
                (FONT, 18)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::Coordinate(60, 50))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw the CLV vs network value scatter (`quadrant.png/.svg/.csv`), split at the medians (or the
/// given splits), labelled points ringed and named. CSV: `id,clv,network_value,quadrant,labelled,
/// drawn` — one row per point, in input order (above [`MAX_DRAWN_POINTS`] points a regular
/// subsample plus the labelled points is drawn).
///
/// # Errors
/// I/O and drawing errors.
pub fn quadrant_chart(dir: &Path, input: &QuadrantInput) -> Result<ChartFile> {
    let cs = input
        .clv_split
        .unwrap_or_else(|| median(input.points.iter().map(|p| p.clv).collect()));
    let ns = input
        .network_split
        .unwrap_or_else(|| median(input.points.iter().map(|p| p.network_value).collect()));
    let mut counts = [0usize; 4];
    let rows: Vec<Vec<String>> = input
        .points
        .iter()
        .map(|p| {
            let q = quadrant_of(p, cs, ns);
            counts[q] += 1;
            vec![
                p.id.clone(),
                num(p.clv),
                num(p.network_value),
                QUADRANTS[q].0.to_string(),
                p.label.to_string(),
            ]
        })
        .collect();
    let fin = |x: f64| if x.is_finite() { x } else { 0.0 };
    let pts = &input.points;
    let extents = (
        pts.iter().map(|p| fin(p.clv)).fold(0.0f64, f64::min),
        pts.iter().map(|p| fin(p.clv)).fold(0.0f64, f64::max),
        pts.iter()
            .map(|p| fin(p.network_value))
            .fold(0.0f64, f64::min),
        pts.iter()
            .map(|p| fin(p.network_value))
            .fold(0.0f64, f64::max),
    );
    // Above MAX_DRAWN_POINTS, draw every stride-th point (plus the labelled ones) so the SVG stays
    // small; the CSV keeps every point and says which were drawn.
    let stride = pts.len().div_ceil(MAX_DRAWN_POINTS).max(1);
    let drawn: Vec<bool> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| i % stride == 0 || p.label)
        .collect();
    let n_drawn = drawn.iter().filter(|&&d| d).count();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .zip(&drawn)
        .map(|(mut r, d)| {
            r.push(d.to_string());
            r
        })
        .collect();
    let subtitle = format!(
        "{} customers{} · split at CLV {} and network value {} · {} hidden influencers (low spend, high reach)",
        pts.len(),
        if n_drawn < pts.len() {
            format!(" ({n_drawn} drawn: every {stride}th and the labelled)")
        } else {
            String::new()
        },
        short(cs),
        short(ns),
        counts[1]
    );
    let chart = QuadrantChart {
        input: QuadrantInput {
            points: pts
                .iter()
                .zip(&drawn)
                .filter(|(_, &d)| d)
                .map(|(p, _)| p.clone())
                .collect(),
            ..input.clone()
        },
        extents,
        counts,
        cs,
        ns,
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "quadrant",
        size,
        &chart,
        &[
            "id",
            "clv",
            "network_value",
            "quadrant",
            "labelled",
            "drawn",
        ],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "quadrant".into(),
        title: "CLV vs network value".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}

/// A customer's rank by purchase value alone and by the blended score (1 = best).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankShift {
    /// External id.
    pub id: String,
    /// Rank by purchase value only.
    pub purchase_rank: u32,
    /// Rank by the blended (purchase × network) score.
    pub blended_rank: u32,
}

/// The biggest movers: customers in the top [`MOVER_WINDOW`] by either rank, sorted by the size
/// of their move (descending), then blended rank, then id; at most `n`.
pub fn select_movers(all: &[RankShift], n: usize) -> Vec<RankShift> {
    let mut v: Vec<RankShift> = all
        .iter()
        .filter(|r| r.purchase_rank.min(r.blended_rank) <= MOVER_WINDOW)
        .filter(|r| r.purchase_rank != r.blended_rank)
        .cloned()
        .collect();
    v.sort_by(|a, b| {
        let da = a.purchase_rank.abs_diff(a.blended_rank);
        let db = b.purchase_rank.abs_diff(b.blended_rank);
        db.cmp(&da)
            .then(a.blended_rank.cmp(&b.blended_rank))
            .then_with(|| a.id.cmp(&b.id))
    });
    v.truncate(n);
    v
}

struct RankShiftChart {
    movers: Vec<RankShift>,
    subtitle: String,
}

/// Rank → y coordinate: −ln(rank), so rank 1 is on top and the top ranks get the most room.
fn ry(rank: u32) -> f64 {
    -f64::from(rank.max(1)).ln()
}

impl Draw for RankShiftChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            "Who moves when network value counts: purchase rank → blended rank",
            &self.subtitle,
        )?;
        let maxr = self
            .movers
            .iter()
            .map(|m| m.purchase_rank.max(m.blended_rank))
            .max()
            .unwrap_or(10)
            .max(10);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(40)
            .margin_right(40)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.35f64..1.35, ry(maxr) - 0.25..ry(1) + 0.2)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(2)
            .x_label_formatter(&|x| {
                if x.abs() < 1e-9 {
                    "Purchase-only rank".into()
                } else if (x - 1.0).abs() < 1e-9 {
                    "Blended rank".into()
                } else {
                    String::new()
                }
            })
            .y_desc("Rank (1 = most important; log scale)")
            // Rank ticks are drawn below at round ranks; the mesh's own would land between them.
            .y_labels(0)
            .disable_y_mesh()
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        let mut tick = 1u32;
        let mut ticks = Vec::new();
        while tick <= maxr {
            ticks.push(tick);
            tick = match tick.to_string().as_bytes().first() {
                Some(b'1') => tick * 2,
                Some(b'2') => tick / 2 * 5,
                _ => tick * 2,
            };
        }
        for &t in &ticks {
            chart.draw_series(LineSeries::new(
                vec![(-0.35, ry(t)), (1.35, ry(t))],
                RGBColor(225, 225, 225).stroke_width(1),
            ))?;
            let (px, py) = chart.backend_coord(&(-0.35, ry(t)));
            root.draw(&Text::new(
                t.to_string(),
                (px - 10, py),
                tick_font().pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        for x in [0.0, 1.0] {
            chart.draw_series(LineSeries::new(
                vec![(x, ry(maxr) - 0.25), (x, ry(1) + 0.2)],
                palette::GREY.stroke_width(2),
            ))?;
        }
        let mut labels_l: Vec<(i32, i32, String, RGBColor)> = Vec::new();
        let mut labels_r: Vec<(i32, i32, String, RGBColor)> = Vec::new();
        for m in &self.movers {
            let up = m.blended_rank < m.purchase_rank;
            let c = if up {
                palette::BLUE
            } else {
                palette::VERMILLION
            };
            let a = (0.0, ry(m.purchase_rank));
            let b = (1.0, ry(m.blended_rank));
            chart.draw_series(LineSeries::new(vec![a, b], c.stroke_width(3)))?;
            chart.draw_series([a, b].into_iter().map(|p| Circle::new(p, 6, c.filled())))?;
            let pa = chart.backend_coord(&a);
            let pb = chart.backend_coord(&b);
            labels_l.push((pa.0, pa.1, format!("{}  #{}", m.id, m.purchase_rank), c));
            labels_r.push((pb.0, pb.1, format!("#{}  {}", m.blended_rank, m.id), c));
        }
        // Spread labels vertically so close ranks do not print on top of each other.
        for (labels, hpos, dx) in [
            (&mut labels_l, HPos::Right, -12),
            (&mut labels_r, HPos::Left, 12),
        ] {
            labels.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.2.cmp(&b.2)));
            let mut last = i32::MIN / 2;
            for (x, y, text, c) in labels.iter() {
                let y = (*y).max(last + 20);
                last = y;
                root.draw(&Text::new(
                    text.clone(),
                    (x + dx, y),
                    (FONT, 17)
                        .into_font()
                        .color(c)
                        .pos(Pos::new(hpos, VPos::Center)),
                ))?;
            }
        }
        for (name, c) in [
            ("moves up", palette::BLUE),
            ("moves down", palette::VERMILLION),
        ] {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerMiddle)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    }
}

/// Draw the rank-shift slope chart (`rankshift.png/.svg/.csv`) of the `n` biggest movers (see
/// [`select_movers`]). CSV: `id,purchase_rank,blended_rank,shift` (shift > 0 = moves up).
///
/// # Errors
/// I/O and drawing errors.
pub fn rank_shift_chart(dir: &Path, all: &[RankShift], n: usize) -> Result<ChartFile> {
    let movers = select_movers(all, n);
    let ups = movers
        .iter()
        .filter(|m| m.blended_rank < m.purchase_rank)
        .count();
    let subtitle = format!(
        "{} biggest movers among the top {MOVER_WINDOW} · {ups} move up, {} move down · {} customers ranked",
        movers.len(),
        movers.len() - ups,
        all.len()
    );
    let rows: Vec<Vec<String>> = movers
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                m.purchase_rank.to_string(),
                m.blended_rank.to_string(),
                (i64::from(m.purchase_rank) - i64::from(m.blended_rank)).to_string(),
            ]
        })
        .collect();
    let chart = RankShiftChart {
        movers,
        subtitle: subtitle.clone(),
    };
    let size = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let (png, svg, csv) = render(
        dir,
        "rankshift",
        size,
        &chart,
        &["id", "purchase_rank", "blended_rank", "shift"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "rankshift".into(),
        title: "Rank shift: purchase-only vs blended".into(),
        png,
        svg,
        csv,
        width: size.0,
        height: size.1,
        caption: subtitle,
    })
}
