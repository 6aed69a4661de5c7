//! CSV, TSV and JSONL (plain or gzip) of the same data give identical graphs; identity merge;
//! unknown-id policy; duplicates, self-loops and the time window.

use kolgraph::graph::{NodeKind, PropertyGraph};
use kolgraph::ingest::{load, Dataset, IngestOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/community")
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("fixture csv");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

fn write_as(dir: &Path, stem: &str, ext: &str, gz: bool, h: &[String], rows: &[Vec<String>]) {
    let mut text = String::new();
    match ext {
        "tsv" => {
            text.push_str(&h.join("\t"));
            text.push('\n');
            for r in rows {
                text.push_str(&r.join("\t"));
                text.push('\n');
            }
        }
        "jsonl" => {
            for r in rows {
                let mut m = serde_json::Map::new();
                for (k, v) in h.iter().zip(r) {
                    if v.is_empty() {
                        continue;
                    }
                    // Numbers as JSON numbers where they look like one, to exercise both.
                    let val = match (k.as_str(), v.parse::<f64>()) {
                        ("sentiment" | "amount", Ok(x)) => serde_json::json!(x),
                        _ => serde_json::json!(v),
                    };
                    m.insert(k.clone(), val);
                }
                text.push_str(&serde_json::Value::Object(m).to_string());
                text.push('\n');
            }
        }
        _ => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(h).expect("w");
            for r in rows {
                w.write_record(r).expect("w");
            }
            text = String::from_utf8(w.into_inner().expect("w")).expect("utf8");
        }
    }
    let name = format!("{stem}.{ext}{}", if gz { ".gz" } else { "" });
    let f = std::fs::File::create(dir.join(name)).expect("create");
    if gz {
        let mut e = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        e.write_all(text.as_bytes()).expect("gz");
        e.finish().expect("gz");
    } else {
        let mut f = f;
        f.write_all(text.as_bytes()).expect("write");
    }
}

fn convert(ext: &str, gz: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for stem in [
        "customers",
        "accounts",
        "identities",
        "interactions",
        "transactions",
    ] {
        let (h, rows) = read_csv(&fixture().join(format!("{stem}.csv")));
        write_as(dir.path(), stem, ext, gz, &h, &rows);
    }
    dir
}

fn assert_same(a: &Dataset, b: &Dataset, what: &str) {
    let (ga, gb): (&PropertyGraph, &PropertyGraph) = (&a.graph, &b.graph);
    assert_eq!(ga.node_count(), gb.node_count(), "{what}: nodes");
    for v in ga.nodes() {
        assert_eq!(ga.node(v), gb.node(v), "{what}: node {v}");
    }
    let ea: Vec<_> = ga.edges().collect();
    let eb: Vec<_> = gb.edges().collect();
    assert_eq!(ea, eb, "{what}: edges");
    assert_eq!(ga.platforms, gb.platforms, "{what}: platforms");
    assert_eq!(a.transactions, b.transactions, "{what}: transactions");
    assert_eq!(
        a.customer_numeric, b.customer_numeric,
        "{what}: numeric columns"
    );
    assert_eq!(a.report.interactions, b.report.interactions);
    assert_eq!(a.report.duplicates, b.report.duplicates);
    assert_eq!(a.report.self_loops, b.report.self_loops);
    assert_eq!(
        (a.report.min_ts, a.report.max_ts),
        (b.report.min_ts, b.report.max_ts)
    );
    assert!(
        b.report.rejects.is_empty(),
        "{what}: {:?}",
        b.report.rejects.first()
    );
}

#[test]
fn csv_tsv_jsonl_and_gzip_give_identical_graphs() {
    let opts = IngestOptions::default();
    let base = load(&fixture(), &opts).expect("fixture");
    assert!(
        base.report.rejects.is_empty(),
        "{:?}",
        base.report.rejects.first()
    );
    assert_eq!(base.report.interactions, 4000);
    for (ext, gz) in [
        ("csv", true),
        ("tsv", false),
        ("tsv", true),
        ("jsonl", false),
        ("jsonl", true),
    ] {
        let d = convert(ext, gz);
        let ds = load(d.path(), &opts).expect("converted");
        assert_same(&base, &ds, &format!("{ext} gz={gz}"));
        assert_hashes(&ds);
    }
    assert_hashes(&base);
}

/// Each input's reported SHA-256 is that of the file's raw bytes (compressed for `.gz`): the
/// loader computes it from the bytes its readers read, so check it against an independent hash.
fn assert_hashes(ds: &Dataset) {
    use sha2::{Digest, Sha256};
    assert!(!ds.report.files.is_empty());
    for f in &ds.report.files {
        let bytes = std::fs::read(&f.path).expect("input file");
        let want = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(f.sha256, want, "{}", f.path);
    }
}

#[test]
fn fixture_shape() {
    let ds = load(&fixture(), &IngestOptions::default()).expect("fixture");
    assert_eq!(ds.graph.kind_counts(), (300, 5, 5));
    assert!(ds.transactions.len() > 500);
    assert!(ds.report.merged_handles > 300);
    assert_eq!(ds.customer_numeric["clv"].len(), ds.graph.node_count());
    // Brand accounts have no clv; customers all do.
    let b = ds.graph.index_of("brand0").expect("brand0");
    assert_eq!(ds.customer_numeric["clv"][b as usize], None);
    assert!(ds.graph.node(0).props().contains_key("clv"));
    assert_eq!(ds.report.files.len(), 5);
    assert!(ds.report.files.iter().all(|f| f.sha256.len() == 64));
}

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).expect("write");
    }
    d
}

const IDS: &str = "customer_id,platform,handle\nc1,instagram,@ann\nc1,tiktok,ann_t\nc2,instagram,bo\nc3,x,ann_t\n";

#[test]
fn identity_handles_merge_into_one_customer() {
    let d = folder(&[
        ("identities.csv", IDS),
        (
            "interactions.csv",
            "source,target,kind,platform,timestamp\n\
             instagram:ann,c2,reply,instagram,2025-01-01T00:00:00Z\n\
             ann,bo,share,instagram,2025-01-02T00:00:00Z\n\
             ann_t,c2,like,tiktok,2025-01-03T00:00:00Z\n\
             ann_t,c2,like,x,2025-01-04T00:00:00Z\n\
             c1,INSTAGRAM:bo,mention,x,2025-01-05T00:00:00Z\n",
        ),
    ]);
    let ds = load(d.path(), &IngestOptions::default()).expect("load");
    assert!(ds.report.rejects.is_empty(), "{:?}", ds.report.rejects);
    let g = &ds.graph;
    let (c1, c2, c3) = (
        g.index_of("c1").expect("c1"),
        g.index_of("c2").expect("c2"),
        g.index_of("c3").expect("c3"),
    );
    assert_eq!(g.node_count(), 3, "no node was made for a handle");
    assert_eq!(ds.report.merged_handles, 4);
    assert_eq!(g.node(c1).handles(), vec!["instagram:ann", "tiktok:ann_t"]);
    // c1 → c2: reply (platform:handle), share (bare handle on the row's platform), like on
    // tiktok (ann_t is c1 there), mention (upper-case platform prefix).
    let e = g
        .edges()
        .find(|(s, t, _)| (*s, *t) == (c1, c2))
        .expect("c1→c2")
        .2;
    assert_eq!(e.total(), 4);
    // `ann_t` on x is c3's handle.
    let e = g
        .edges()
        .find(|(s, t, _)| (*s, *t) == (c3, c2))
        .expect("c3→c2")
        .2;
    assert_eq!(e.total(), 1);
    assert!(g.nodes().all(|v| g.kind(v) == NodeKind::Customer));
}

#[test]
fn conflicting_identity_is_rejected() {
    let d = folder(&[
        (
            "identities.csv",
            "customer_id,platform,handle\nc1,x,zed\nc2,x,zed\n",
        ),
        (
            "interactions.csv",
            "source,target,kind,timestamp\nc1,c2,like,0\n",
        ),
    ]);
    let ds = load(d.path(), &IngestOptions::default()).expect("load");
    assert_eq!(ds.report.rejects.len(), 1);
    let r = &ds.report.rejects[0];
    assert_eq!((r.line, r.column), (3, 3));
    assert_eq!(
        r.message,
        r#"handle already belongs to another customer (got "x:zed" for "c2", expected it to map to "c1" only)"#
    );
}

#[test]
fn unknown_ids_create_customers_without_customers_file() {
    let d = folder(&[
        ("accounts.csv", "id,name,platform,kind\nacme,Acme,x,brand\nsam,Sam,x,staff\n"),
        (
            "interactions.csv",
            "source,target,kind,platform,timestamp\nnew1,acme,reply,x,2025-01-01\nsam,new2,reply,x,2025-01-02\n",
        ),
        ("transactions.csv", "customer_id,timestamp,amount\nnew1,2025-01-03,10\nacme,2025-01-03,5\nghost,2025-01-03,5\n"),
    ]);
    let ds = load(d.path(), &IngestOptions::default()).expect("load");
    let g = &ds.graph;
    assert_eq!(g.kind_counts(), (2, 1, 1));
    assert_eq!(ds.transactions.len(), 1);
    let msgs: Vec<String> = ds
        .report
        .rejects
        .iter()
        .map(|r| format!("{}:{} {}", r.line, r.column, r.message))
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].starts_with("3:1 unknown customer (got \"acme\""),
        "{msgs:?}"
    );
    assert!(
        msgs[1].starts_with("4:1 unknown customer (got \"ghost\""),
        "{msgs:?}"
    );
}

#[test]
fn duplicates_self_loops_window_and_timestamps() {
    let d = folder(&[(
        "interactions.tsv",
        "source\ttarget\tkind\tplatform\ttimestamp\tweight\tsentiment\n\
         a\tb\treply\tx\t2025-01-01T00:00:00Z\t\t\n\
         a\tb\treply\tx\t2025-01-01T00:00:00Z\t\t\n\
         a\tb\treply\tX\t1735689600\t\t\n\
         a\ta\tshare\tx\t2025-02-01T00:00:00Z\t2\t-0.5\n\
         b\ta\tCo_Create\t\t2024-06-01\t\t\n\
         b\ta\tlike\tx\t2026-06-01T00:00:00+02:00\t\t\n",
    )]);
    let ds = load(d.path(), &IngestOptions::default()).expect("load");
    assert!(ds.report.rejects.is_empty(), "{:?}", ds.report.rejects);
    let r = &ds.report;
    assert_eq!(r.interactions, 6);
    assert_eq!(
        r.duplicates, 2,
        "same row thrice (platform case and time format differ)"
    );
    assert_eq!(r.self_loops, 1);
    assert_eq!(r.min_ts, Some(1_717_200_000));
    assert_eq!(r.max_ts, Some(1_780_264_800));
    let a = ds.graph.index_of("a").expect("a");
    let e = ds
        .graph
        .edges()
        .find(|(s, t, _)| (*s, *t) == (a, a))
        .expect("loop")
        .2;
    assert_eq!(e.weight_sums[2], 2.0);
    assert_eq!(e.mean_sentiment(), Some(-0.5));

    let opts = IngestOptions {
        since: Some(1_735_689_600),
        until: Some(1_767_225_600),
        ..Default::default()
    };
    let ds = load(d.path(), &opts).expect("load");
    assert_eq!(ds.report.interactions, 4);
    assert_eq!(ds.report.outside_window, 2);
    assert_eq!(ds.report.max_ts, Some(1_738_368_000));
}

#[test]
fn single_interactions_file_and_edge_list() {
    let d = folder(&[
        ("x.jsonl", "{\"source\":\"a\",\"target\":\"b\",\"kind\":\"reply\",\"timestamp\":1}\n\n{\"src\":\"b\",\"dst\":\"c\",\"type\":\"like\",\"ts\":\"2\",\"extra\":[1]}\n"),
        ("e.txt", "# a comment\n1 2\n2 3 0.5\n% other comment\n3 1\n"),
    ]);
    let ds = load(&d.path().join("x.jsonl"), &IngestOptions::default()).expect("jsonl");
    assert!(ds.report.rejects.is_empty(), "{:?}", ds.report.rejects);
    assert_eq!((ds.graph.node_count(), ds.graph.edge_count()), (3, 2));
    let opts = IngestOptions {
        undirected: true,
        ..Default::default()
    };
    let ds = load(&d.path().join("e.txt"), &opts).expect("edge list");
    assert_eq!((ds.graph.node_count(), ds.graph.edge_count()), (3, 6));
}

#[test]
fn folder_without_interactions_is_an_error() {
    let d = folder(&[("customers.csv", "id\na\n")]);
    let e = load(d.path(), &IngestOptions::default()).expect_err("no interactions");
    assert!(
        e.to_string()
            .contains("no interactions.csv, interactions.tsv or interactions.jsonl"),
        "{e}"
    );
}

/// identities.* with a customer master list is read in parallel blocks with an in-order merge;
/// transactions.* is read while the interactions are. Every reject (file order, line, column,
/// message), merged handle and node handle list must be those of reading row by row. The
/// padding makes the file span several 1 MiB blocks, and the quote at its end sends the last
/// block to the csv reader, so both paths and the block merge are crossed.
#[test]
fn closed_identities_and_overlapped_transactions_keep_row_order_semantics() {
    const PAD: usize = 60_000;
    let mut ids = String::from(
        "customer_id,platform,handle\n\
         c1,instagram,@ann\n\
         c1,Instagram,ann\n\
         c2,instagram,ann\n\
         acme,x,acme_x\n\
         ghost,x,gh\n\
         c2,x,\n\
         c2,tiktok,ann\n\
         c3,x,cy,extra\n",
    );
    for i in 0..PAD {
        ids.push_str(&format!("c3,pad,h{i}\n"));
    }
    ids.push_str("c3,x,\"cy\"\nc2,x,cy\nc1,pad,h7\n");
    let d = folder(&[
        ("customers.csv", "id,name\nc1,Ann\nc2,Bo\nc3,Cy\n"),
        ("accounts.csv", "id,name,platform,kind\nacme,Acme,x,brand\n"),
        ("identities.csv", &ids),
        (
            "interactions.csv",
            "source,target,kind,platform,timestamp\n\
             instagram:ann,c2,reply,instagram,2025-01-01T00:00:00Z\n\
             ann,c3,like,tiktok,2025-01-02T00:00:00Z\n\
             ann,c3,like,x,2025-01-03T00:00:00Z\n\
             cy,acme,share,x,2025-01-04T00:00:00Z\n\
             h9,c1,like,pad,2025-01-05T00:00:00Z\n",
        ),
        (
            "transactions.csv",
            "customer_id,timestamp,amount\nc1,2025-01-01,10\nx:cy,2025-01-02,5\nacme,2025-01-03,5\nc2,2025-01-04,-1\n",
        ),
    ]);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let ds = pool.install(|| load(d.path(), &IngestOptions::default()).expect("load"));
        let got: Vec<String> = ds
            .report
            .rejects
            .iter()
            .map(|r| {
                let f = Path::new(&r.file)
                    .file_name()
                    .expect("name")
                    .to_string_lossy();
                format!("{f}:{}:{} {}", r.line, r.column, r.message)
            })
            .collect();
        let last = PAD as u64 + 10; // line of `c3,x,"cy"`
        assert_eq!(got.len(), 10, "{got:#?}");
        assert_eq!(
            got[0],
            r#"identities.csv:4:3 handle already belongs to another customer (got "instagram:ann" for "c2", expected it to map to "c1" only)"#
        );
        assert_eq!(
            got[1],
            r#"identities.csv:5:1 identity of a brand/staff account (got "acme", expected a customer id)"#
        );
        assert_eq!(
            got[2],
            r#"identities.csv:6:1 unknown id (got "ghost", expected a customer id from customers.*)"#
        );
        assert_eq!(
            got[3],
            r#"identities.csv:7:3 missing handle (got "", expected a non-empty value)"#
        );
        assert!(got[4].starts_with("identities.csv:9:0 "), "{got:#?}");
        assert_eq!(
            got[5],
            format!(
                r#"identities.csv:{}:3 handle already belongs to another customer (got "x:cy" for "c2", expected it to map to "c3" only)"#,
                last + 1
            )
        );
        assert_eq!(
            got[6],
            format!(
                r#"identities.csv:{}:3 handle already belongs to another customer (got "pad:h7" for "c1", expected it to map to "c3" only)"#,
                last + 2
            )
        );
        assert!(
            got[7].starts_with(r#"interactions.csv:4:1 unknown id (got "ann""#),
            "{got:#?}"
        );
        assert!(
            got[8].starts_with(r#"transactions.csv:4:1 unknown customer (got "acme""#),
            "{got:#?}"
        );
        assert!(
            got[9].starts_with(r#"transactions.csv:5:3 negative amount (got "-1""#),
            "{got:#?}"
        );
        let names: Vec<&str> = ds.report.files.iter().map(|f| f.role.as_str()).collect();
        assert_eq!(
            names,
            [
                "customers",
                "accounts",
                "identities",
                "interactions",
                "transactions"
            ]
        );
        assert_eq!(ds.report.files[2].rejected, 7);
        assert_eq!(ds.report.merged_handles, 3 + PAD as u64);
        let g = &ds.graph;
        let v = |id: &str| g.index_of(id).expect("node");
        assert_eq!(g.node(v("c1")).handles(), vec!["instagram:ann"]);
        assert_eq!(g.node(v("c2")).handles(), vec!["tiktok:ann"]);
        assert_eq!(g.node(v("c3")).handles().len(), PAD + 1);
        assert!(g.node(v("c3")).handles().contains(&"x:cy".to_string()));
        let pairs: Vec<(u32, u32)> = g.edges().map(|(s, t, _)| (s, t)).collect();
        assert_eq!(
            pairs,
            vec![
                (v("c1"), v("c2")),
                (v("c3"), v("c1")),
                (v("c2"), v("c3")),
                (v("c3"), v("acme"))
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        assert_eq!(ds.report.interactions, 4);
        let tx: Vec<(u32, f64)> = ds.transactions.iter().map(|t| (t.node, t.amount)).collect();
        assert_eq!(tx, vec![(v("c1"), 10.0), (v("c3"), 5.0)]);
    }
}
