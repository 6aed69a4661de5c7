//! The columnar edge store: edge lists parsed in parallel pieces give exactly what folding the
//! lines one by one gives (counts, weight sums in line order, node order, reject line numbers);
//! the table is lean; the CSR built straight from it equals the generic arc build; staged
//! single-pair updates merge correctly; `to_petgraph` interoperates with petgraph algorithms.

use kolgraph::graph::{CsrGraph, InteractionKind, NodeKind, PropertyGraph, WeightView};
use kolgraph::ingest::{load, IngestOptions};
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn pool(k: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .expect("pool")
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A 3+ MB edge list (several parallel pieces) with duplicates, weights, self-loops, comments,
/// blank lines, Unicode ids and bad lines at known places.
fn big_edge_list(dir: &std::path::Path) -> (std::path::PathBuf, Vec<Vec<u8>>) {
    let mut r = Lcg(7);
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for i in 0..200_000u64 {
        let s = r.next() % 3000;
        let t = r.next() % 3000;
        let line = match i % 9973 {
            17 => b"# a comment".to_vec(),
            18 => Vec::new(),
            19 => format!("{s} {t} -1").into_bytes(),
            20 => format!("{s}").into_bytes(),
            21 => vec![b'1', b' ', 0xff, 0xfe],
            22 => format!("\u{e9}{s}\u{2003}{t}\u{2003}2.5").into_bytes(),
            23 => format!("{s} {t} 1 extra").into_bytes(),
            _ if i % 7 == 0 => format!("{s}\t{t}\t{}", (r.next() % 40) as f64 / 8.0).into_bytes(),
            _ => format!("{s} {t}").into_bytes(),
        };
        lines.push(line);
    }
    let mut bytes = Vec::new();
    for l in &lines {
        bytes.extend_from_slice(l);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"5 6"); // last line without newline
    lines.push(b"5 6".to_vec());
    let p = dir.join("big.el");
    std::fs::write(&p, bytes).expect("write");
    (p, lines)
}

/// Per pair: (count, weight sum).
type Agg = BTreeMap<(u32, u32), (u32, f32)>;

/// The reference: fold lines one at a time (the pre-table semantics): node ids in order of
/// first appearance, the aggregate, the line numbers of rejected lines.
fn reference(lines: &[Vec<u8>], undirected: bool) -> (Vec<String>, Agg, Vec<u64>) {
    let mut ids: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, u32> = BTreeMap::new();
    let mut agg: Agg = BTreeMap::new();
    let mut bad = Vec::new();
    let mut id = |x: &str, ids: &mut Vec<String>| -> u32 {
        *index.entry(x.to_string()).or_insert_with(|| {
            ids.push(x.to_string());
            ids.len() as u32 - 1
        })
    };
    for (i, l) in lines.iter().enumerate() {
        let Ok(s) = std::str::from_utf8(l) else {
            bad.push(i as u64 + 1);
            continue;
        };
        let t = s.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = t.split_whitespace().collect();
        let w = match f.len() {
            2 => 1.0,
            3 => match f[2].parse::<f64>() {
                Ok(w) if w.is_finite() && w >= 0.0 => w,
                _ => {
                    bad.push(i as u64 + 1);
                    continue;
                }
            },
            _ => {
                bad.push(i as u64 + 1);
                continue;
            }
        };
        let a = id(f[0], &mut ids);
        let b = id(f[1], &mut ids);
        let mut add = |a: u32, b: u32| {
            let e = agg.entry((a, b)).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += w as f32;
        };
        add(a, b);
        if undirected && a != b {
            add(b, a);
        }
    }
    (ids, agg, bad)
}

#[test]
fn parallel_edge_list_equals_line_by_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let (path, lines) = big_edge_list(dir.path());
    for undirected in [false, true] {
        let (ids, agg, bad) = reference(&lines, undirected);
        let opts = IngestOptions {
            undirected,
            ..IngestOptions::default()
        };
        let one = pool(1).install(|| load(&path, &opts)).expect("load");
        let two = pool(2).install(|| load(&path, &opts)).expect("load");
        let g = &one.graph;
        let got_ids: Vec<&str> = g.nodes().map(|v| g.id(v)).collect();
        assert_eq!(got_ids, ids, "node order = first appearance");
        let got: Agg = g
            .edges()
            .map(|(s, t, e)| {
                let k = InteractionKind::Mention.index();
                ((s, t), (e.counts[k], e.weight_sums[k]))
            })
            .collect();
        assert_eq!(got.len(), agg.len());
        for (k, v) in &agg {
            let w = got[k];
            assert_eq!(w.0, v.0, "count of {k:?}");
            assert_eq!(w.1.to_bits(), v.1.to_bits(), "weight sum of {k:?}");
        }
        let lines_bad: Vec<u64> = one.report.rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines_bad, bad, "reject line numbers");
        let e1: Vec<_> = one.graph.edges().collect();
        let e2: Vec<_> = two.graph.edges().collect();
        assert_eq!(e1, e2, "thread count changed the graph");
        assert_eq!(one.report.interactions, two.report.interactions);
    }
}

#[test]
fn plain_edge_list_table_is_lean() {
    let ds = load(
        std::path::Path::new("fixtures/public/karate/karate.edges.tsv"),
        &IngestOptions {
            undirected: true,
            ..IngestOptions::default()
        },
    )
    .expect("karate");
    let g = &ds.graph;
    assert_eq!(g.edge_count(), 156);
    // Targets (4 B/pair) + weight sums (weighted list: 4 B/pair) + row offsets.
    assert_eq!(
        g.edge_memory_bytes(),
        156 * 4 + 156 * 4 + (g.node_count() + 1) * 8
    );
    // Unweighted: targets and offsets only.
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("u.el");
    let mut s = String::new();
    for i in 0..1000 {
        writeln!(s, "{} {}", i, (i * 7 + 1) % 1000).expect("w");
    }
    std::fs::write(&p, s).expect("w");
    let ds = load(&p, &IngestOptions::default()).expect("load");
    assert_eq!(ds.graph.edge_count(), 1000);
    assert_eq!(ds.graph.edge_memory_bytes(), 1000 * 4 + 1001 * 8);
}

#[test]
fn csr_from_table_equals_generic_arc_build() {
    let ds = load(
        std::path::Path::new("fixtures/community"),
        &IngestOptions {
            half_life_secs: Some(30.0 * 86_400.0),
            ..IngestOptions::default()
        },
    )
    .expect("fixtures");
    let g = &ds.graph;
    assert!(!g.has_staged());
    let views = [
        WeightView::default(),
        WeightView {
            half_life_secs: Some(30.0 * 86_400.0),
            reference_ts: ds.report.max_ts,
            ..WeightView::default()
        },
        WeightView {
            unweighted: true,
            ..WeightView::default()
        },
    ];
    for view in &views {
        let fast = CsrGraph::from_property(g, view, false);
        let arcs: Vec<(u32, u32, f32)> = g
            .edges()
            .map(|(s, t, e)| (s, t, view.weight(&e) as f32))
            .collect();
        let slow = CsrGraph::from_arcs(g.node_count(), &arcs, !view.unweighted);
        assert_eq!(*fast.out, *slow.out);
        assert_eq!(*fast.inc, *slow.inc);
    }
    // A generated dataset with several kinds, timestamps, sentiment and platforms stays lean.
    let per_pair = g.edge_memory_bytes() as f64 / g.edge_count() as f64;
    assert!(per_pair < 50.0, "{per_pair} B per pair");
}

#[test]
fn staged_updates_merge_and_compact() {
    let ds = load(
        std::path::Path::new("fixtures/community"),
        &IngestOptions::default(),
    )
    .expect("fixtures");
    let mut g = ds.graph.clone();
    let (s, t, e0) = g.edges().nth(10).expect("edge");
    let m = g.edge_count();
    g.edge_mut(s, t).counts[0] += 5;
    let new_s = g.ensure_node("brand-new", NodeKind::Customer);
    g.add_interaction(
        new_s,
        0,
        InteractionKind::Like,
        Some("x"),
        Some(5),
        2.0,
        None,
        None,
    );
    assert_eq!(g.edge_count(), m + 1);
    assert!(g.has_staged());
    let merged: Vec<_> = g.edges().collect();
    assert_eq!(merged.len(), m + 1);
    assert!(merged
        .windows(2)
        .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    let mut want = e0.clone();
    want.counts[0] += 5;
    assert_eq!(g.edge(s, t), Some(want));
    let view = WeightView::default();
    let staged_csr = CsrGraph::from_property(&g, &view, false);
    g.compact();
    assert!(!g.has_staged());
    assert_eq!(g.edges().collect::<Vec<_>>(), merged);
    let csr = CsrGraph::from_property(&g, &view, false);
    assert_eq!(*csr.out, *staged_csr.out);
    assert_eq!(*csr.inc, *staged_csr.inc);
}

#[test]
fn to_petgraph_works_with_petgraph_algorithms() {
    let ds = load(
        std::path::Path::new("fixtures/public/karate/karate.edges.tsv"),
        &IngestOptions {
            undirected: true,
            ..IngestOptions::default()
        },
    )
    .expect("karate");
    let pg = ds.graph.to_petgraph();
    assert_eq!(pg.node_count(), 34);
    assert_eq!(pg.edge_count(), 156);
    assert_eq!(petgraph::algo::connected_components(&pg), 1);
    assert_eq!(petgraph::algo::kosaraju_scc(&pg).len(), 1);
    let _: &PropertyGraph = &ds.graph;
}
