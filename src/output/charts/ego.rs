//! Ego network of one account (its direct neighbourhood, both directions), laid out with the
//! seeded Fruchterman–Reingold layout of [`crate::output::layout`], nodes coloured by community
//! and sized by PageRank. Building the ego network is O(d log d + Σ deg) for the kept nodes;
//! layout O(iterations × n²) for the n ≤ `max_nodes` drawn nodes.

use super::{frame, legend_font, num, palette, render, ChartFile, Draw, DrawResult, FONT};
use crate::error::{Error, Result};
use crate::graph::CsrGraph;
use crate::output::layout::{fruchterman_reingold, DEFAULT_ITERATIONS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::path::Path;

/// Default cap on drawn nodes (centre included): the neighbours with the highest PageRank stay.
pub const DEFAULT_EGO_NODES: usize = 60;
/// Most nodes the ego chart lays out (the layout is quadratic in the node count).
pub const MAX_EGO_DRAW: usize = 1000;
/// Nodes labelled besides the centre: the highest PageRank ones.
pub const EGO_LABELS: usize = 8;
/// Size of the ego chart in pixels.
pub const EGO_SIZE: (u32, u32) = (1200, 900);

/// One node of an ego network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EgoNode {
    /// External id.
    pub id: String,
    /// Community label.
    pub community: u32,
    /// PageRank (any non-negative influence score).
    pub pagerank: f64,
}

/// An ego network: `nodes[0]` is the centre; `edges` index into `nodes` (undirected, a < b).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EgoNetwork {
    /// Centre first, then neighbours by PageRank descending (ties by node id).
    pub nodes: Vec<EgoNode>,
    /// Undirected edges among the kept nodes, sorted, no duplicates.
    pub edges: Vec<(u32, u32)>,
    /// Neighbours of the centre before the cap.
    pub total_neighbors: usize,
}

/// Build the ego network of `center` from a CSR graph: neighbours in either direction, capped at
/// `max_nodes` (centre included) keeping the highest PageRank, plus every edge among them.
///
/// # Errors
/// [`Error::InvalidParameter`] when `center` is out of range or the per-node slices are shorter
/// than the graph.
pub fn ego_network(
    g: &CsrGraph,
    center: u32,
    id_of: &dyn Fn(u32) -> String,
    community: &[u32],
    pagerank: &[f64],
    max_nodes: usize,
) -> Result<EgoNetwork> {
    let n = g.n();
    if center as usize >= n {
        return Err(Error::param(
            "ego centre",
            center,
            format!("a node id < {n}"),
        ));
    }
    if community.len() < n || pagerank.len() < n {
        return Err(Error::param(
            "ego inputs",
            format!("{} communities, {} scores", community.len(), pagerank.len()),
            format!("one per node ({n})"),
        ));
    }
    let mut nb: Vec<u32> = g
        .out
        .neighbors(center)
        .iter()
        .chain(g.inc.neighbors(center).iter())
        .copied()
        .filter(|&v| v != center)
        .collect();
    nb.sort_unstable();
    nb.dedup();
    let total_neighbors = nb.len();
    nb.sort_by(|&a, &b| {
        pagerank[b as usize]
            .total_cmp(&pagerank[a as usize])
            .then(a.cmp(&b))
    });
    nb.truncate(max_nodes.max(1) - 1);
    let mut kept = vec![center];
    kept.extend(nb);
    // Position of each kept node, looked up by binary search over a sorted copy.
    let mut sorted: Vec<(u32, u32)> = kept
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i as u32))
        .collect();
    sorted.sort_unstable();
    let idx = |v: u32| {
        sorted
            .binary_search_by_key(&v, |p| p.0)
            .ok()
            .map(|i| sorted[i].1)
    };
    let mut edges = Vec::new();
    for (i, &v) in kept.iter().enumerate() {
        for &w in g.out.neighbors(v) {
            if let Some(j) = idx(w) {
                let (a, b) = (i as u32, j);
                if a != b {
                    edges.push((a.min(b), a.max(b)));
                }
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    Ok(EgoNetwork {
        nodes: kept
            .iter()
            .map(|&v| EgoNode {
                id: id_of(v),
                community: community[v as usize],
                pagerank: pagerank[v as usize],
            })
            .collect(),
        edges,
        total_neighbors,
    })
}

struct EgoChart {
    ego: EgoNetwork,
    pos: Vec<(f64, f64)>,
    /// Colour slot per node (None = "other communities").
    colour: Vec<Option<usize>>,
    legend: Vec<(u32, usize)>,
    subtitle: String,
}

fn radius(pr: f64, max: f64) -> i32 {
    if max > 0.0 && pr.is_finite() && pr > 0.0 {
        (6.0 + 24.0 * (pr / max).sqrt()).round() as i32
    } else {
        6
    }
}

impl Draw for EgoChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let centre = self.ego.nodes.first().map(|n| n.id.as_str()).unwrap_or("");
        let area = frame(
            root,
            &format!("Ego network of the top opinion leader: {centre}"),
            &self.subtitle,
        )?;
        let mut chart = ChartBuilder::on(&area)
            .margin(30)
            .build_cartesian_2d(-0.05f64..1.05, -0.05f64..1.05)?;
        let maxpr = self
            .ego
            .nodes
            .iter()
            .map(|n| n.pagerank)
            .filter(|x| x.is_finite())
            .fold(0.0f64, f64::max);
        for &(a, b) in &self.ego.edges {
            let touches = a == 0 || b == 0;
            let style = if touches {
                RGBColor(120, 120, 120).mix(0.7).stroke_width(2)
            } else {
                RGBColor(170, 170, 170).mix(0.5).stroke_width(1)
            };
            chart.draw_series(LineSeries::new(
                vec![self.pos[a as usize], self.pos[b as usize]],
                style,
            ))?;
        }
        // Small nodes last so they stay visible on top of big ones.
        let mut order: Vec<usize> = (0..self.ego.nodes.len()).collect();
        order.sort_by(|&a, &b| {
            self.ego.nodes[b]
                .pagerank
                .total_cmp(&self.ego.nodes[a].pagerank)
                .then(a.cmp(&b))
        });
        for &i in &order {
            let c = self.colour[i].map(palette::series).unwrap_or(palette::GREY);
            let r = radius(self.ego.nodes[i].pagerank, maxpr);
            chart.draw_series(std::iter::once(Circle::new(self.pos[i], r, c.filled())))?;
            let ring = if i == 0 {
                BLACK.stroke_width(4)
            } else {
                WHITE.stroke_width(1)
            };
            chart.draw_series(std::iter::once(Circle::new(self.pos[i], r, ring)))?;
        }
        // Labels: the centre and the highest-PageRank neighbours.
        let mut labelled: Vec<usize> = vec![0];
        labelled.extend(order.iter().copied().filter(|&i| i != 0).take(EGO_LABELS));
        for &i in &labelled {
            let r = radius(self.ego.nodes[i].pagerank, maxpr);
            let (px, py) = chart.backend_coord(&self.pos[i]);
            let font = if i == 0 {
                (FONT, 22).into_font().style(FontStyle::Bold)
            } else {
                (FONT, 17).into_font()
            };
            root.draw(&Text::new(
                self.ego.nodes[i].id.clone(),
                (px, py - r - 3),
                font.color(&BLACK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
        for &(comm, slot) in &self.legend {
            let c = palette::series(slot);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(format!("community {comm}"))
                .legend(move |(x, y)| Circle::new((x + 8, y), 7, c.filled()));
        }
        if self.colour.iter().any(Option::is_none) {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label("other communities")
                .legend(|(x, y)| Circle::new((x + 8, y), 7, palette::GREY.filled()));
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

/// Draw the ego network (`ego.png/.svg/.csv` plus `ego_edges.csv`). Colours: the communities
/// with the most nodes in the picture (ties by label) get the palette, the rest are grey.
/// CSV: `id,community,pagerank,x,y,is_centre` with the layout coordinates in [0, 1].
///
/// # Errors
/// I/O and drawing errors; [`Error::InvalidParameter`] for an empty network or an edge index
/// out of range.
pub fn ego_chart(dir: &Path, ego: &EgoNetwork, seed: u64) -> Result<ChartFile> {
    let n = ego.nodes.len();
    if n == 0 {
        return Err(Error::param(
            "ego network",
            "0 nodes",
            "at least the centre",
        ));
    }
    if n > MAX_EGO_DRAW {
        return Err(Error::param(
            "ego network",
            format!("{n} nodes"),
            format!("at most {MAX_EGO_DRAW} (build it with ego_network and a cap)"),
        ));
    }
    if let Some(&(a, b)) = ego
        .edges
        .iter()
        .find(|&&(a, b)| a as usize >= n || b as usize >= n)
    {
        return Err(Error::param(
            "ego edge",
            format!("({a}, {b})"),
            format!("indices < {n}"),
        ));
    }
    let pos = fruchterman_reingold(n, &ego.edges, seed, DEFAULT_ITERATIONS);
    let mut counts: Vec<(u32, usize)> = Vec::new();
    let mut comms: Vec<u32> = ego.nodes.iter().map(|x| x.community).collect();
    comms.sort_unstable();
    for c in comms {
        match counts.last_mut() {
            Some((k, m)) if *k == c => *m += 1,
            _ => counts.push((c, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let slots = palette::SERIES.len();
    let legend: Vec<(u32, usize)> = counts
        .iter()
        .take(slots)
        .enumerate()
        .map(|(i, &(c, _))| (c, i))
        .collect();
    let colour: Vec<Option<usize>> = ego
        .nodes
        .iter()
        .map(|x| legend.iter().find(|l| l.0 == x.community).map(|l| l.1))
        .collect();
    let subtitle = format!(
        "{} neighbours{} · {} links among them · {} communities · node size ∝ √PageRank (centre ringed)",
        ego.total_neighbors,
        if ego.total_neighbors + 1 > n {
            format!(" ({} with the highest PageRank shown)", n - 1)
        } else {
            String::new()
        },
        ego.edges.len(),
        counts.len()
    );
    let rows: Vec<Vec<String>> = ego
        .nodes
        .iter()
        .zip(&pos)
        .enumerate()
        .map(|(i, (x, p))| {
            vec![
                x.id.clone(),
                x.community.to_string(),
                num(x.pagerank),
                num(p.0),
                num(p.1),
                (i == 0).to_string(),
            ]
        })
        .collect();
    let edge_rows: Vec<Vec<String>> = ego
        .edges
        .iter()
        .map(|&(a, b)| {
            vec![
                ego.nodes[a as usize].id.clone(),
                ego.nodes[b as usize].id.clone(),
            ]
        })
        .collect();
    super::write_csv(
        &dir.join("ego_edges.csv"),
        &["source", "target"],
        &edge_rows,
    )?;
    let chart = EgoChart {
        ego: ego.clone(),
        pos,
        colour,
        legend,
        subtitle: subtitle.clone(),
    };
    let (png, svg, csv) = render(
        dir,
        "ego",
        EGO_SIZE,
        &chart,
        &["id", "community", "pagerank", "x", "y", "is_centre"],
        &rows,
    )?;
    Ok(ChartFile {
        kind: "ego".into(),
        title: format!("Ego network of {}", ego.nodes[0].id),
        png,
        svg,
        csv,
        width: EGO_SIZE.0,
        height: EGO_SIZE.1,
        caption: subtitle,
    })
}
