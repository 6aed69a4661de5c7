//! The bulk ingest path (parallel id resolution, sort-based duplicate count and edge
//! aggregation) gives exactly what recording the rows one by one gives, for any thread count;
//! rejects found in the parallel phase are merged back in line order.

use kolgraph::graph::{
    InteractionKind, InteractionRow, PropertyGraph, NO_PLATFORM, ROW_HAS_SENTIMENT, ROW_HAS_TS,
};
use kolgraph::ingest::{load, Dataset, IngestOptions};
use std::fmt::Write as _;

fn pool(k: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .build()
        .expect("pool")
}

/// A small deterministic pseudo-random sequence (no dependence on the crate under test).
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

fn random_rows(n: usize, nodes: u32, seed: u64) -> Vec<InteractionRow> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|_| {
            let has_ts = r.next() % 5 != 0;
            let has_sent = r.next() % 2 == 0;
            InteractionRow {
                s: (r.next() % u64::from(nodes)) as u32,
                t: (r.next() % u64::from(nodes)) as u32,
                ts: 1_700_000_000 + (r.next() % 10_000_000) as i64,
                weight: (r.next() % 1000) as f32 / 7.0,
                sentiment: ((r.next() % 201) as f32 - 100.0) / 100.0,
                platform: if r.next() % 4 == 0 {
                    NO_PLATFORM
                } else {
                    (r.next() % 3) as u32
                },
                kind: (r.next() % 9) as u8,
                flags: if has_ts { ROW_HAS_TS } else { 0 }
                    | if has_sent { ROW_HAS_SENTIMENT } else { 0 },
            }
        })
        .collect()
}

fn graph_with_nodes(n: u32) -> PropertyGraph {
    let mut g = PropertyGraph::new();
    for v in 0..n {
        g.ensure_node(&format!("n{v}"), kolgraph::graph::NodeKind::Customer);
    }
    g
}

fn edges_of(g: &PropertyGraph) -> Vec<(u32, u32, String)> {
    // Debug formatting of f32/f64 is exact (shortest round-trip), so equal strings = equal bits.
    g.edges()
        .map(|(s, t, e)| (s, t, format!("{e:?}")))
        .collect()
}

#[test]
fn bulk_rows_equal_row_by_row_for_any_thread_count() {
    bulk_equals_row_by_row(20_000, 300, 11, &[1, 2, 3]);
}

/// More rows than one fold chunk (65,536), so pairs are folded by several chunks and the
/// source buckets are filled by several threads.
#[test]
fn bulk_rows_equal_row_by_row_across_fold_chunks() {
    bulk_equals_row_by_row(200_000, 5_000, 12, &[2, 4]);
}

fn bulk_equals_row_by_row(n_rows: usize, n_nodes: u32, seed: u64, threads: &[usize]) {
    let rows = random_rows(n_rows, n_nodes, seed);
    let names = ["x", "instagram", "tiktok"];
    for half_life in [None, Some(86_400.0 * 30.0)] {
        let mut one = graph_with_nodes(n_nodes);
        for r in &rows {
            one.add_interaction(
                r.s,
                r.t,
                InteractionKind::ALL[r.kind as usize],
                (r.platform != NO_PLATFORM).then(|| names[r.platform as usize]),
                r.timestamp(),
                f64::from(r.weight),
                r.sentiment_value().map(f64::from),
                half_life,
            );
        }
        // Bits as the row-by-row path assigned them.
        let bits: Vec<u64> = names
            .iter()
            .map(|p| {
                let i = one.platforms.iter().position(|q| q == p).expect("seen");
                1u64 << i
            })
            .collect();
        for &k in threads {
            let mut bulk = graph_with_nodes(n_nodes);
            bulk.platforms = one.platforms.clone();
            pool(k).install(|| bulk.add_interaction_rows(&rows, &bits, half_life));
            assert_eq!(edges_of(&bulk), edges_of(&one), "threads {k}");
            // The pair map is rebuilt on demand: a later single update lands on the same edge.
            let before = bulk.edge_count();
            let (s, t) = (rows[5].s, rows[5].t);
            bulk.edge_mut(s, t).counts[0] += 1;
            assert_eq!(bulk.edge_count(), before);
        }
    }
}

/// A closed folder (customers given) with interleaved bad rows of every phase.
fn closed_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let mut customers = String::from("id,name\n");
    for v in 0..50 {
        writeln!(customers, "c{v},Name {v}").expect("w");
    }
    std::fs::write(dir.path().join("customers.csv"), customers).expect("w");
    std::fs::write(
        dir.path().join("identities.csv"),
        "customer_id,platform,handle\nc1,x,@one\nc2,instagram,two\nc3,x,two\n",
    )
    .expect("w");
    let mut rows = String::from("source,target,kind,platform,timestamp,sentiment\n");
    let mut r = Lcg(3);
    for i in 0..3000 {
        let s = r.next() % 50;
        let t = r.next() % 50;
        let line = match i % 97 {
            5 => format!("ghost{i},c{t},reply,x,2025-01-02T03:04:05Z,0.5"),
            9 => format!("c{s},ghost{i},like,X,2025-01-02T03:04:05Z,"),
            13 => format!("c{s},c{t},hug,x,2025-01-02T03:04:05Z,0.1"),
            17 => format!("c{s},c{t},reply,x,yesterday,0.1"),
            21 => format!("c{s},c{t},reply"),
            25 => format!("c{s},one,share,X,2025-01-02T03:04:05Z,-0.5"),
            29 => format!("x:two,c{t},comment,Instagram,2025-01-02T03:04:05Z,"),
            33 => format!("two,c{t},comment,instagram,2025-01-02T03:04:05Z,1.5"),
            37 => "c7,c8,reply,x,2025-03-01T00:00:00Z,0.5".to_string(),
            _ => format!(
                "c{s},c{t},{},{},{},0.{}",
                ["reply", "like", "share", "mention"][(r.next() % 4) as usize],
                ["x", "tiktok", "Instagram", ""][(r.next() % 4) as usize],
                1_735_000_000 + r.next() % 5_000_000,
                r.next() % 10
            ),
        };
        rows.push_str(&line);
        rows.push('\n');
    }
    std::fs::write(dir.path().join("interactions.csv"), rows).expect("w");
    dir
}

fn summary(ds: &Dataset) -> String {
    let r = &ds.report;
    let rejects: Vec<String> = r.rejects.iter().map(ToString::to_string).collect();
    format!(
        "{:?}\n{:?}\n{} {} {} {} {:?} {:?} {:?}\n{}",
        edges_of(&ds.graph),
        ds.graph.platforms,
        r.interactions,
        r.duplicates,
        r.self_loops,
        r.outside_window,
        r.min_ts,
        r.max_ts,
        r.platform_rows,
        rejects.join("\n")
    )
}

#[test]
fn closed_folder_rejects_in_line_order_and_same_result_for_any_threads() {
    let dir = closed_folder();
    let opts = IngestOptions {
        since: Some(1_736_000_000),
        half_life_secs: Some(86_400.0),
        ..IngestOptions::default()
    };
    let a = pool(1).install(|| load(dir.path(), &opts)).expect("load");
    let b = pool(2).install(|| load(dir.path(), &opts)).expect("load");
    assert_eq!(summary(&a), summary(&b));
    let lines: Vec<u64> = a.report.rejects.iter().map(|e| e.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "rejects in line order");
    // Unknown ids (found in the parallel phase) sit between parse errors, with their column.
    let unknown: Vec<_> = a
        .report
        .rejects
        .iter()
        .filter(|e| e.message.starts_with("unknown id"))
        .collect();
    let ghosts_src = unknown.iter().filter(|e| e.column == 1).count();
    let ghosts_dst = unknown.iter().filter(|e| e.column == 2).count();
    assert!(
        ghosts_src > 20 && ghosts_dst > 20,
        "{ghosts_src} {ghosts_dst}"
    );
    assert!(unknown[0]
        .to_string()
        .contains("interactions.csv:7:1: unknown id (got \"ghost5\""));
    // "two" is ambiguous as a bare handle (x and instagram), so only the row whose own
    // platform names it resolves; "one" is unique across platforms.
    assert!(a
        .report
        .rejects
        .iter()
        .all(|e| !e.message.contains("\"one\"")));
    assert!(a
        .report
        .rejects
        .iter()
        .any(|e| e.message.contains("sentiment out of range")));
    let file = &a.report.files.last().expect("file");
    assert_eq!(file.rejected, a.report.rejects.len() as u64);
    // Every data row is accounted for exactly once.
    assert_eq!(
        a.report.interactions + a.report.outside_window + file.rejected,
        3000
    );
    assert!(a.report.duplicates >= 29, "{}", a.report.duplicates);
    assert_eq!(
        a.report.platform_rows.keys().collect::<Vec<_>>(),
        ["", "instagram", "tiktok", "x"]
    );
}

// ---- Block-parallel table reader == sequential csv reader -------------------------------

mod block_reader {
    use kolgraph::error::RecordError;
    use kolgraph::ingest::table::{read_table, read_table_par_sized, Row};
    use proptest::prelude::*;
    use std::path::Path;

    const WANTED: [&[&str]; 3] = [&["a"], &["b"], &["c"]];

    /// Everything a row shows to its callback.
    fn view(row: &Row<'_>) -> String {
        let mut s = format!("{}:", row.line);
        for i in 0..WANTED.len() {
            s.push_str(&format!("{:?}@{};", row.get(i), row.col(i)));
        }
        s.push_str(&format!("{:?}", row.extras()));
        s
    }

    /// The callback also rejects some rows, so callback rejects interleave with reader rejects.
    fn check(row: &Row<'_>) -> Result<(), RecordError> {
        match row.get(0) {
            Some(v) if v.contains('x') => Err(row.reject(Some(0), format!("has x (got {v:?})"))),
            _ => Ok(()),
        }
    }

    type Seen = (Vec<String>, Vec<String>, u64, u64);

    fn sequential(path: &Path) -> Result<Seen, String> {
        let mut rows = Vec::new();
        let mut rej = Vec::new();
        let c = read_table(path, &WANTED, &[0], &mut rej, |row| {
            rows.push(view(row));
            check(row)
        })
        .map_err(|e| e.to_string())?;
        let rej = rej.iter().map(ToString::to_string).collect();
        Ok((rows, rej, c.rows, c.rejected))
    }

    fn blocks(path: &Path, block: usize, batch: usize) -> Result<Seen, String> {
        let mut rows = Vec::new();
        let mut rej = Vec::new();
        let c = read_table_par_sized(
            path,
            &WANTED,
            &[0],
            block,
            batch,
            Vec::new,
            |st: &mut Vec<String>, row| {
                st.push(view(row));
                check(row)
            },
            |st, r| {
                rows.extend(st);
                rej.extend(r);
            },
        )
        .map_err(|e| e.to_string())?;
        // Callback and reader rejects reach the merge per block; callers restore line order.
        rej.sort_by_key(|r| r.line);
        let rej = rej.iter().map(ToString::to_string).collect();
        Ok((rows, rej, c.rows, c.rejected))
    }

    fn same_for_all_sizes(name: &str, bytes: &[u8]) {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let want = sequential(&p);
        for (block, batch) in [(1, 1), (3, 8), (7, 20), (16, 64), (1 << 20, 16 << 20)] {
            for k in [1, 2] {
                let got = super::pool(k).install(|| blocks(&p, block, batch));
                assert_eq!(got, want, "{name} block {block} batch {batch} threads {k}");
            }
        }
    }

    #[test]
    fn plain_rows_with_bad_ones() {
        let mut b = b"A,b,C,extra\n".to_vec();
        for i in 0..200 {
            match i % 13 {
                3 => b.extend_from_slice(b"1,2\n"),
                5 => b.extend_from_slice(b"x1,2,3,4\n"),
                7 => b.extend_from_slice(b"a\xff,b,c,d\n"),
                // A 2-byte character split by a delimiter: the joined fields are UTF-8.
                9 => b.extend_from_slice(b"p\xc3,\xa9q,c,d\n"),
                11 => b.extend_from_slice(" é , ,ü,v\n".as_bytes()),
                _ => b.extend_from_slice(format!("{i},t{i},{},e{i}\n", i * 7).as_bytes()),
            }
        }
        b.extend_from_slice(b"last,row,no,newline");
        same_for_all_sizes("t.csv", &b);
    }

    #[test]
    fn quotes_crlf_and_empty_lines_fall_back() {
        let mut b = b"\xef\xbb\xbfa,b,c\n".to_vec();
        for i in 0..60 {
            b.extend_from_slice(format!("{i},{i},{i}\n").as_bytes());
        }
        b.extend_from_slice(b"\"q,1\",\"multi\nline\",3\n\n\n4,5,6\r\n7,8,9\n");
        for i in 0..60 {
            b.extend_from_slice(format!("{i},{i},{i}\n").as_bytes());
        }
        same_for_all_sizes("q.csv", &b);
        let mut t = b"a\tb\tc\n".to_vec();
        for i in 0..60 {
            t.extend_from_slice(format!("\"{i}\t{i}\"\t{i}\n").as_bytes());
        }
        t.extend_from_slice(b"1\t2\n\n3\t4\t5\r\n6\t7\t8");
        same_for_all_sizes("t.tsv", &t);
        same_for_all_sizes("e.csv", b"");
        same_for_all_sizes("h.csv", b"\na,b,c\n1,2,3\n");
        same_for_all_sizes("n.csv", b"b,c\n1,2\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Arbitrary bodies from an alphabet rich in separators, quotes, CR/LF and bad UTF-8.
        #[test]
        fn any_body_reads_the_same(
            body in proptest::collection::vec(
                prop::sample::select(vec![b'a', b'x', b' ', b',', b'\t', b'"', b'\n', b'\n', b'\r', 0xc3, 0xa9, 0xff, b'1']),
                0..300),
            tsv in any::<bool>(),
            block in 1usize..40,
            batch in 1usize..90,
        ) {
            let (name, head): (&str, &[u8]) = if tsv { ("p.tsv", b"a\tb\tc\n") } else { ("p.csv", b"a,b,c\n") };
            let mut bytes = head.to_vec();
            bytes.extend_from_slice(&body);
            let d = tempfile::tempdir().expect("tmp");
            let p = d.path().join(name);
            std::fs::write(&p, &bytes).expect("write");
            let want = sequential(&p);
            let got = super::pool(2).install(|| blocks(&p, block, batch));
            prop_assert_eq!(got, want);
        }
    }
}
