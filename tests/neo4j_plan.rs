//! The relationship lane schedule used by parallel Bolt writers (no server needed): every pair is
//! scheduled exactly once and the lanes of one round never share a node, which is what makes
//! parallel relationship batches free of lock waits and deadlocks.

use kolgraph::neo4j::export::lane_schedule;
use std::collections::HashSet;

/// A deterministic pseudo-random edge list with a hub (node 0 on every 5th edge).
fn edges(n: u32, m: usize) -> Vec<(u32, u32)> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..m)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s = if i % 5 == 0 {
                0
            } else {
                (x % u64::from(n)) as u32
            };
            let t = ((x >> 32) % u64::from(n)) as u32;
            (s, t)
        })
        .collect()
}

#[test]
fn lanes_cover_every_pair_once_and_are_node_disjoint_per_round() {
    for p in [2usize, 4, 6, 8] {
        let e = edges(97, 3000);
        let items: Vec<u32> = (0..e.len() as u32).collect();
        let (order, rounds) = lane_schedule(&items, p, |i| e[i as usize]);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, items, "p={p}: each pair exactly once");
        // Rounds tile 0..order.len() in order.
        let mut next = 0;
        for round in &rounds {
            let mut seen: HashSet<u32> = HashSet::new();
            for lane in round {
                assert_eq!(lane.start, next, "p={p}: lanes are contiguous");
                next = lane.end;
                let nodes: HashSet<u32> = order[lane.clone()]
                    .iter()
                    .flat_map(|&i| [e[i as usize].0, e[i as usize].1])
                    .collect();
                assert!(
                    seen.is_disjoint(&nodes),
                    "p={p}: two lanes of a round share a node"
                );
                seen.extend(nodes);
            }
        }
        assert_eq!(next, order.len());
        // The diagonal round plus p - 1 tournament rounds; an even p has p lanes in round 0.
        assert_eq!(rounds.len(), p, "p={p}");
        assert_eq!(rounds[0].len(), p);
        assert!(rounds[1..].iter().all(|r| r.len() == p / 2));
    }
}

#[test]
fn lane_schedule_is_deterministic_and_handles_empty_input() {
    let e = edges(50, 500);
    let items: Vec<u32> = (0..e.len() as u32).collect();
    let a = lane_schedule(&items, 4, |i| e[i as usize]);
    let b = lane_schedule(&items, 4, |i| e[i as usize]);
    assert_eq!(a, b);
    let (order, rounds) = lane_schedule(&[], 4, |i| e[i as usize]);
    assert!(order.is_empty() && rounds.is_empty());
}

mod bulk_csv {
    //! `neo4j::import_csv`: the hand-written CSV must parse back (RFC 4180) to the graph's
    //! values, and the relationship file must be byte-identical for the staged (sequential) and
    //! table (parallel, chunked) paths and for 1 and 2 threads.

    use kolgraph::graph::{InteractionKind, NodeKind, PropertyGraph};
    use kolgraph::ingest::Dataset;
    use kolgraph::neo4j::import_csv::{self, CHUNK};

    /// A graph with more than two formatting chunks of pairs, every kind, timestamps, sentiment,
    /// platforms and awkward strings.
    fn graph() -> PropertyGraph {
        let mut g = PropertyGraph::new();
        let n = 3000u32;
        for i in 0..n {
            let v = g.ensure_node(&format!("u{i},\"q\""), NodeKind::Customer);
            if i % 3 == 0 {
                g.node_mut(v)
                    .set_name(Some(format!("Name {i}, \"x\"\nline")));
                g.node_mut(v).extra_mut().handles = vec![format!("x:a;{i}"), "ig".into()];
            }
        }
        let b = g.ensure_node("brand", NodeKind::Brand);
        g.node_mut(b).set_segment(Some("brands".into()));
        let kinds = InteractionKind::ALL;
        let pairs = 2 * CHUNK + 5000;
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for j in 0..pairs {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s = (x % u64::from(n)) as u32;
            let t = ((x >> 24) % u64::from(n + 1)) as u32;
            let k = kinds[j % kinds.len()];
            let ts = (j % 4 != 0).then_some(1_700_000_000 + j as i64);
            let sent = (j % 3 == 0).then_some(0.25);
            let plat = if j % 2 == 0 { Some("x") } else { None };
            g.add_interaction(s, t, k, plat, ts, 1.5, sent, None);
        }
        g
    }

    fn write(ds: &Dataset, threads: usize) -> (tempfile::TempDir, import_csv::ImportFiles) {
        let dir = tempfile::tempdir().expect("tmp");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let f = pool
            .install(|| import_csv::write(ds, None, dir.path()))
            .expect("write");
        (dir, f)
    }

    fn read(dir: &tempfile::TempDir, name: &str) -> Vec<u8> {
        std::fs::read(dir.path().join(name)).expect("read")
    }

    #[test]
    fn staged_and_parallel_paths_write_identical_files() {
        let mut ds = Dataset {
            graph: graph(),
            ..Dataset::default()
        };
        assert!(ds.graph.has_staged());
        let (staged, f0) = write(&ds, 2);
        ds.graph.compact();
        assert!(!ds.graph.has_staged() && ds.graph.edge_count() > 2 * CHUNK);
        let (one, f1) = write(&ds, 1);
        let (two, f2) = write(&ds, 2);
        let rel = |d| read(d, "interactions.csv");
        assert_eq!(rel(&staged), rel(&one), "staged vs table path");
        assert_eq!(rel(&one), rel(&two), "1 vs 2 threads");
        assert_eq!(read(&one, "accounts.csv"), read(&staged, "accounts.csv"));
        let want: u64 = ds
            .graph
            .edges()
            .map(|(_, _, e)| e.counts.iter().filter(|&&c| c > 0).count() as u64)
            .sum();
        assert_eq!((f0.relationships, f1.relationships), (want, want));
        assert_eq!(f2.relationships, want);
        assert_eq!(
            f1.args.last().map(String::as_str),
            Some("--relationships=interactions_header.csv,interactions.csv")
        );
        let args = read(&one, "IMPORT.args");
        assert!(String::from_utf8_lossy(&args).contains("--id-type=actual\n"));
    }

    #[test]
    fn csv_parses_back_to_the_graph() {
        let mut ds = Dataset {
            graph: graph(),
            ..Dataset::default()
        };
        ds.graph.compact();
        let g = &ds.graph;
        let (dir, _) = write(&ds, 2);
        let mut nodes = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(dir.path().join("accounts.csv"))
            .expect("open");
        let mut count = 0u32;
        for (v, rec) in nodes.records().enumerate() {
            let rec = rec.expect("node record");
            let d = g.node(v as u32);
            assert_eq!(rec.len(), 9);
            assert_eq!(&rec[0], v.to_string(), ":ID = node index");
            assert_eq!(&rec[1], d.id.as_str());
            assert_eq!(&rec[4], v.to_string(), "seq");
            assert_eq!(&rec[5], d.name().unwrap_or_default());
            let handles: Vec<String> = d.handles().iter().map(|h| h.replace(';', ",")).collect();
            assert_eq!(&rec[8], handles.join(";"));
            count += 1;
        }
        assert_eq!(count as usize, g.node_count());
        let mut rels = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(dir.path().join("interactions.csv"))
            .expect("open");
        let mut it = g.edges().flat_map(|(s, t, d)| {
            InteractionKind::ALL
                .into_iter()
                .filter(move |k| d.counts[k.index()] > 0)
                .map(move |k| (s, t, k, d.clone()))
        });
        for rec in rels.records() {
            let rec = rec.expect("rel record");
            let (s, t, k, d) = it.next().expect("as many rows as pairs × kinds");
            assert_eq!(rec.len(), 13);
            assert_eq!(&rec[0], s.to_string());
            assert_eq!(&rec[1], t.to_string());
            assert_eq!(&rec[2], k.rel_type());
            assert_eq!(rec[3].parse::<u32>().ok(), Some(d.counts[k.index()]));
            let w: f64 = rec[4].parse().expect("weight");
            assert_eq!(w, f64::from(d.weight_sums[k.index()]));
            let first = (d.first_ts != i64::MAX).then(|| d.first_ts.to_string());
            assert_eq!(&rec[5], first.unwrap_or_default());
            assert_eq!(rec[11].parse::<u32>().ok(), Some(d.sentiment_n));
            if d.first_ts != i64::MAX {
                assert!(rec[7].ends_with('Z') && rec[7].contains('T'), "{}", &rec[7]);
            }
        }
        assert!(it.next().is_none());
    }

    /// Optional relationship columns: without timestamps, sentiment or platforms anywhere they are
    /// left out of the header and of every row (staged and table paths alike); one pair with a
    /// timestamp brings the four timestamp columns back.
    #[test]
    fn empty_optional_columns_are_left_out() {
        let mut g = PropertyGraph::new();
        for i in 0..200u32 {
            g.ensure_node(&format!("u{i}"), NodeKind::Customer);
        }
        for j in 0..(CHUNK as u32 + 300) {
            let (s, t) = (j % 200, (j / 200 + j) % 200);
            g.add_interaction(
                s,
                t,
                InteractionKind::ALL[(j % 3) as usize],
                None,
                None,
                1.0,
                None,
                None,
            );
        }
        let staged = Dataset {
            graph: g.clone(),
            ..Dataset::default()
        };
        let mut ds = Dataset {
            graph: g,
            ..Dataset::default()
        };
        ds.graph.compact();
        let (a, _) = write(&staged, 1);
        let (b, fb) = write(&ds, 2);
        let hdr = String::from_utf8(read(&b, "interactions_header.csv")).expect("utf8");
        assert_eq!(
            hdr,
            ":START_ID(Account),:END_ID(Account),:TYPE,count:long,weight:double,sentimentN:long\n"
        );
        assert_eq!(read(&a, "interactions_header.csv"), hdr.as_bytes());
        let rels = read(&b, "interactions.csv");
        assert_eq!(read(&a, "interactions.csv"), rels, "staged vs table path");
        let text = String::from_utf8(rels).expect("utf8");
        assert_eq!(text.lines().count() as u64, fb.relationships);
        assert!(text
            .lines()
            .all(|l| l.split(',').count() == 6 && l.ends_with(",0")));

        ds.graph.add_interaction(
            0,
            1,
            InteractionKind::ALL[0],
            None,
            Some(1_700_000_000),
            1.0,
            None,
            None,
        );
        ds.graph.compact();
        let (c, _) = write(&ds, 2);
        let hdr = String::from_utf8(read(&c, "interactions_header.csv")).expect("utf8");
        assert!(hdr.contains(",weight:double,firstTs:long,lastTs:long,firstAt:datetime,lastAt:datetime,sentimentN:long\n"));
        let text = String::from_utf8(read(&c, "interactions.csv")).expect("utf8");
        assert!(text.lines().all(|l| l.split(',').count() == 10));
        assert!(
            text.contains(",1700000000,1700000000,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,0\n")
        );
    }
}
