//! Every chart: the PNG decodes, has the stated size, is not blank inside the plot area, the SVG
//! is an SVG, and the CSV holds the plotted values. Set KOLGRAPH_CHART_DIR to keep the files.

use kolgraph::algo::rank_order;
use kolgraph::graph::CsrGraph;
use kolgraph::ingest::{load, IngestOptions};
use kolgraph::output::charts::{self, fallback, ChartFile, ChartInputs};
use std::path::{Path, PathBuf};

fn karate() -> (kolgraph::ingest::Dataset, CsrGraph) {
    let opts = IngestOptions {
        undirected: true,
        ..IngestOptions::default()
    };
    let ds = load(Path::new("tests/data/charts/karate.edges.tsv"), &opts).expect("karate loads");
    let g = CsrGraph::from_property(&ds.graph, &Default::default(), true);
    (ds, g)
}

fn out_dir(name: &str) -> (PathBuf, Option<tempfile::TempDir>) {
    match std::env::var_os("KOLGRAPH_CHART_DIR") {
        Some(d) => {
            let p = PathBuf::from(d).join(name);
            std::fs::create_dir_all(&p).expect("mkdir");
            (p, None)
        }
        None => {
            let t = tempfile::tempdir().expect("tempdir");
            (t.path().to_path_buf(), Some(t))
        }
    }
}

/// Read a CSV into header + rows.
fn read_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).expect("csv opens");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(String::from).collect())
        .collect();
    (h, rows)
}

/// PNG decodes, has the stated size, and the central plot area is not blank: at least 1% of
/// its pixels are not white and they use at least 3 distinct colours.
fn check_png(f: &ChartFile) {
    let img = image::open(&f.png).expect("png decodes").to_rgb8();
    assert_eq!(
        (img.width(), img.height()),
        (f.width, f.height),
        "{}",
        f.kind
    );
    let (w, h) = (img.width(), img.height());
    let mut ink = 0usize;
    let mut total = 0usize;
    let mut colours = std::collections::BTreeSet::new();
    for y in h / 5..h * 4 / 5 {
        for x in w / 8..w * 7 / 8 {
            let p = img.get_pixel(x, y).0;
            total += 1;
            if p != [255, 255, 255] {
                ink += 1;
                colours.insert(p);
            }
        }
    }
    assert!(
        ink * 100 > total,
        "{}: plot area is blank ({ink}/{total})",
        f.kind
    );
    assert!(
        colours.len() >= 3,
        "{}: only {} colours",
        f.kind,
        colours.len()
    );
    let svg = std::fs::read_to_string(&f.svg).expect("svg reads");
    assert!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "{}",
        f.kind
    );
    assert!(
        svg.contains(&format!("width=\"{}\"", f.width)),
        "{}",
        f.kind
    );
}

fn synthetic_inputs(ds: &kolgraph::ingest::Dataset, g: &CsrGraph) -> ChartInputs {
    let (mut inputs, scores) =
        charts::inputs_from_graph(&ds.graph, g, &ds.transactions, 42).expect("inputs");
    let pr = &scores.pagerank;
    // Deterministic stand-ins for results other modules produce.
    let steps = 8;
    let curve = |scale: f64| -> Vec<f64> {
        (0..steps)
            .map(|t| scale * (1.0 - (-(t as f64) / 2.0).exp()) + 3.0)
            .collect()
    };
    let band = |m: &[f64], d: f64| -> (Vec<f64>, Vec<f64>) {
        (
            m.iter().map(|x| (x - d).max(0.0)).collect(),
            m.iter().map(|x| x + d).collect(),
        )
    };
    let pos = curve(20.0);
    let neg = curve(9.0);
    let (pl, ph) = band(&pos, 2.5);
    let (nl, nh) = band(&neg, 1.5);
    inputs.spread = Some(vec![
        charts::SpreadSeries {
            label: "campaign, 3 IMM seeds".into(),
            polarity: charts::Polarity::Positive,
            mean: pos,
            lo: pl,
            hi: ph,
        },
        charts::SpreadSeries {
            label: "complaint from the top detractor".into(),
            polarity: charts::Polarity::Negative,
            mean: neg,
            lo: nl,
            hi: nh,
        },
    ]);
    inputs.seeds = Some(
        [("IMM", 1.0), ("top degree", 0.85), ("top PageRank", 0.9)]
            .iter()
            .map(|&(m, f)| charts::SeedCurve {
                method: m.into(),
                cumulative: (1..=10)
                    .map(|k| f * 34.0 * (1.0 - 0.8f64.powi(k)))
                    .collect(),
            })
            .collect(),
    );
    let n = pr.len();
    let clv: Vec<f64> = (0..n)
        .map(|v| ((v * 37) % 23) as f64 * 10.0 + 5.0)
        .collect();
    let maxpr = pr.iter().copied().fold(0.0, f64::max);
    inputs.quadrant = Some(charts::QuadrantInput {
        points: (0..n)
            .map(|v| charts::QuadrantPoint {
                id: format!("c{v}"),
                clv: clv[v],
                network_value: pr[v] / maxpr,
                label: v < 5,
            })
            .collect(),
        currency: "EUR".into(),
        network_label: "PageRank ÷ max".into(),
        ..Default::default()
    });
    let blend: Vec<f64> = (0..n)
        .map(|v| 0.5 * clv[v] / 225.0 + 0.5 * pr[v] / maxpr)
        .collect();
    let pr_rank = kolgraph::algo::ranks(&clv);
    let bl_rank = kolgraph::algo::ranks(&blend);
    inputs.rank_shift = Some(
        (0..n)
            .map(|v| charts::RankShift {
                id: format!("c{v}"),
                purchase_rank: pr_rank[v],
                blended_rank: bl_rank[v],
            })
            .collect(),
    );
    // Relabel the communities' leads so every colour and legend entry is exercised.
    if let Some(bars) = inputs.communities.as_mut() {
        let leads = [
            charts::CommunityLead::ConsumerLed,
            charts::CommunityLead::BrandLed,
            charts::CommunityLead::Mixed,
        ];
        for (i, b) in bars.iter_mut().enumerate() {
            b.lead = leads[i % 3];
            b.brand_centricity = [0.1, 0.7, 0.35][i % 3];
        }
    }
    inputs.smallworld = Some(charts::SmallWorldBars {
        clustering: 0.571,
        path_length: 2.41,
        random_clustering_mean: 0.26,
        random_clustering_sd: 0.03,
        random_path_length_mean: 2.25,
        random_path_length_sd: 0.04,
        lattice_clustering: 0.62,
        lattice_path_length: 3.1,
        sigma: Some(2.05),
        omega: Some(-0.1),
    });
    inputs
}

#[test]
fn every_chart_decodes_is_not_blank_and_its_csv_holds_the_plotted_values() {
    let (ds, g) = karate();
    let inputs = synthetic_inputs(&ds, &g);
    let (dir, _keep) = out_dir("karate");
    let files = charts::write_all(&dir, &inputs).expect("charts written");
    let kinds: Vec<&str> = files.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "degree",
            "lorenz",
            "communities",
            "spread",
            "seeds",
            "quadrant",
            "rankshift",
            "smallworld",
            "ego"
        ]
    );
    for f in &files {
        check_png(f);
    }
    let by = |k: &str| files.iter().find(|f| f.kind == k).expect("chart present");

    // Degree: one row per distinct positive degree, counts sum to n, shares match counts.
    let (h, rows) = read_csv(&by("degree").csv);
    assert_eq!(h, ["series", "degree", "count", "share", "fit_share"]);
    let total: usize = rows
        .iter()
        .map(|r| r[2].parse::<usize>().expect("count"))
        .sum();
    assert_eq!(total, 34);
    for r in &rows {
        let share: f64 = r[3].parse().expect("share");
        let count: f64 = r[2].parse().expect("count");
        assert!((share - count / 34.0).abs() < 1e-12);
    }
    let k17 = rows
        .iter()
        .find(|r| r[1] == "17")
        .expect("node 33 has degree 17");
    assert_eq!(k17[2], "1");

    // Lorenz: starts at (0,0), ends at (1,1), non-decreasing, below the diagonal.
    let (_, rows) = read_csv(&by("lorenz").csv);
    let pts: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r[0].parse().expect("x"), r[1].parse().expect("y")))
        .collect();
    assert_eq!(pts.first(), Some(&(0.0, 0.0)));
    assert_eq!(pts.last(), Some(&(1.0, 1.0)));
    assert_eq!(pts.len(), 35);
    for w in pts.windows(2) {
        assert!(w[1].0 > w[0].0 && w[1].1 >= w[0].1);
        assert!(w[1].1 <= w[1].0 + 1e-12);
    }

    // Quadrant: one point per customer (every karate node is a customer).
    let (h, rows) = read_csv(&by("quadrant").csv);
    assert_eq!(h[..3], ["id", "clv", "network_value"]);
    assert_eq!(rows.len(), 34);
    assert_eq!(rows.iter().filter(|r| r[4] == "true").count(), 5);

    // Communities: sizes sum to n.
    let (_, rows) = read_csv(&by("communities").csv);
    let members: usize = rows
        .iter()
        .map(|r| r[1].parse::<usize>().expect("size"))
        .sum();
    assert_eq!(members, 34);

    // Seeds: 3 methods × 10 k.
    let (_, rows) = read_csv(&by("seeds").csv);
    assert_eq!(rows.len(), 30);
    // Spread: 2 series × 8 steps, lo ≤ mean ≤ hi.
    let (_, rows) = read_csv(&by("spread").csv);
    assert_eq!(rows.len(), 16);
    for r in &rows {
        let v: Vec<f64> = r[3..6].iter().map(|x| x.parse().expect("num")).collect();
        assert!(v[1] <= v[0] && v[0] <= v[2]);
    }
    // Rank shift: shift = purchase − blended, movers sorted by |shift| desc.
    let (_, rows) = read_csv(&by("rankshift").csv);
    assert!(!rows.is_empty() && rows.len() <= charts::DEFAULT_MOVERS);
    let mut last = i64::MAX;
    for r in &rows {
        let p: i64 = r[1].parse().expect("rank");
        let b: i64 = r[2].parse().expect("rank");
        let s: i64 = r[3].parse().expect("shift");
        assert_eq!(s, p - b);
        assert!(s.abs() <= last);
        last = s.abs();
    }
    // Ego: the centre is the top PageRank node (33 in karate), with its 17 neighbours.
    let (_, rows) = read_csv(&by("ego").csv);
    let top = rank_order(&fallback::pagerank(&g, 0.85))[0];
    assert_eq!(rows[0][0], ds.graph.id(top));
    assert_eq!(rows[0][5], "true");
    assert_eq!(rows.len(), 1 + g.out.degree(top));
    for r in &rows {
        let x: f64 = r[3].parse().expect("x");
        let y: f64 = r[4].parse().expect("y");
        assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
    }
    // Small world: two metric rows.
    let (_, rows) = read_csv(&by("smallworld").csv);
    assert_eq!(rows.len(), 2);
}

#[test]
fn charts_are_byte_identical_across_runs_and_thread_counts() {
    let (ds, g) = karate();
    let mut outputs = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let dir = tempfile::tempdir().expect("tempdir");
        let files = pool.install(|| {
            let inputs = synthetic_inputs(&ds, &g);
            charts::write_all(dir.path(), &inputs).expect("charts")
        });
        let mut bytes = Vec::new();
        for f in &files {
            for p in [&f.png, &f.svg, &f.csv] {
                bytes.push(std::fs::read(p).expect("read"));
            }
        }
        outputs.push(bytes);
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn power_law_fit_recovers_a_known_exponent() {
    // Deterministic sample of a discrete power law with α = 2.5 by inverse transform on a grid.
    let alpha = 2.5f64;
    let kmax = 10_000u32;
    let z: f64 = (1..=kmax).map(|k| f64::from(k).powf(-alpha)).sum();
    let mut xs = Vec::new();
    let n = 20_000usize;
    let mut cdf = 0.0;
    let mut k = 1u32;
    for i in 0..n {
        let u = (i as f64 + 0.5) / n as f64;
        while cdf + f64::from(k).powf(-alpha) / z < u && k < kmax {
            cdf += f64::from(k).powf(-alpha) / z;
            k += 1;
        }
        xs.push(k);
    }
    let fit = charts::fit_power_law(&xs).expect("fit");
    assert!((fit.alpha - alpha).abs() < 0.1, "{fit:?}");
    assert!(fit.x_min <= 3, "{fit:?}");
    assert!(charts::fit_power_law(&[1, 2, 3]).is_none());
}

#[test]
fn lorenz_shares_of_a_skewed_score() {
    // 100 nodes: one holds 50, the other 99 hold 50/99 each.
    let mut s = vec![50.0 / 99.0; 99];
    s.push(50.0);
    let (_, sum) = charts::lorenz_points(&s);
    assert!((sum.top1_share - 0.5).abs() < 1e-12);
    assert!((sum.top10_share - (0.5 + 9.0 * 0.5 / 99.0)).abs() < 1e-12);
    assert!(sum.gini > 0.45 && sum.gini < 0.5, "{}", sum.gini);
}

#[test]
fn adapters_keep_one_point_per_customer_and_the_ranks() {
    let id = |v: u32| format!("n{v}");
    let q = charts::quadrant_from_scores(&id, &[2, 0], &[1.0, 2.0, 3.0], &[0.5, 0.25, 0.75], &[0]);
    assert_eq!(q.points.len(), 2);
    assert_eq!(
        (q.points[0].id.as_str(), q.points[0].clv, q.points[0].label),
        ("n2", 3.0, false)
    );
    assert_eq!((q.points[1].network_value, q.points[1].label), (0.5, true));
    let r = charts::rank_shift_from_ranks(&id, &[0, 1], &[1, 2], &[2, 1]);
    assert_eq!(r[1].id, "n1");
    assert_eq!((r[1].purchase_rank, r[1].blended_rank), (2, 1));
}
