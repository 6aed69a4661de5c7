//! Ranking edge cases on a hand-built dataset: a brand and a staff account (never ranked), a
//! customer without transactions, one without interactions, one known only by a platform
//! handle; and byte-identical output for 1 and 2 threads.
#![allow(clippy::unwrap_used)]

use kolgraph::algo::NoProgress;
use kolgraph::cli::commands::rank::ranking_json;
use kolgraph::graph::{InteractionKind, NodeKind, PropertyGraph, Transaction};
use kolgraph::ingest::{Dataset, IngestReport, InputFile};
use kolgraph::rank::pipeline::{analyze, AnalyzeConfig, Flag};

const DAY: i64 = 86_400;

fn dataset() -> Dataset {
    let mut g = PropertyGraph::new();
    let brand = g.ensure_node("brand", NodeKind::Brand);
    let staff = g.ensure_node("staff", NodeKind::Staff);
    let mut c = Vec::new();
    for i in 0..8 {
        let v = g.ensure_node(&format!("c{i}"), NodeKind::Customer);
        g.node_mut(v).set_name(Some(format!("Customer {i}")));
        g.node_mut(v).set_joined_at(Some(0));
        c.push(v);
    }
    let handle_only = g.ensure_node("instagram:@anna", NodeKind::Customer);
    g.node_mut(handle_only).extra_mut().handles = vec!["instagram:@anna".into()];
    let no_int = g.ensure_node("quiet", NodeKind::Customer);
    g.node_mut(no_int).set_name(Some("Quiet buyer".into()));
    let add = |g: &mut PropertyGraph, s: u32, t: u32, d: i64, sent: Option<f64>| {
        g.add_interaction(
            s,
            t,
            InteractionKind::Reply,
            Some("instagram"),
            Some(d * DAY),
            1.0,
            sent,
            None,
        );
    };
    // c0 is the star: everyone talks to c0; c0 talks to the brand.
    for (k, &v) in c.iter().enumerate().skip(1) {
        add(&mut g, v, c[0], 100 + k as i64, Some(0.5));
        add(&mut g, c[0], v, 150 + k as i64, Some(0.4));
    }
    add(&mut g, c[0], brand, 190, None);
    add(&mut g, staff, c[1], 191, None);
    add(&mut g, brand, c[2], 192, None);
    // c7 complains loudly.
    for d in 0..4 {
        add(&mut g, c[7], brand, 195 + d, Some(-0.9));
    }
    add(&mut g, handle_only, c[0], 180, Some(0.2));
    let mut tx = Vec::new();
    // c1..c6 and "quiet" buy; c0 (the star), c7 and the handle-only customer never buy.
    for (k, &v) in c.iter().enumerate().take(7).skip(1) {
        for j in 0..k {
            tx.push(Transaction {
                node: v,
                timestamp: (20 * j as i64 + 10) * DAY,
                amount: 10.0 * k as f64,
                order_id: None,
                category: None,
            });
        }
    }
    tx.push(Transaction {
        node: no_int,
        timestamp: 199 * DAY,
        amount: 5000.0,
        order_id: Some("o1".into()),
        category: None,
    });
    let report = IngestReport {
        files: vec![InputFile {
            path: "customers.csv".into(),
            role: "customers".into(),
            sha256: String::new(),
            rows: 9,
            rejected: 0,
        }],
        max_ts: Some(198 * DAY),
        min_ts: Some(100 * DAY),
        ..Default::default()
    };
    Dataset {
        graph: g,
        transactions: tx,
        report,
        undirected: false,
        customer_numeric: Default::default(),
    }
}

#[test]
fn brand_staff_and_incomplete_customers_are_handled() {
    let ds = dataset();
    let a = analyze(&ds, &AnalyzeConfig::default(), 42, &NoProgress).unwrap();
    let pg = &ds.graph;
    let brand = pg.index_of("brand").unwrap();
    let staff = pg.index_of("staff").unwrap();
    // Brand and staff accounts are never ranked.
    assert_eq!(a.n_customers, 10);
    assert_eq!(a.order().len(), 10);
    assert!(!a.order().contains(&brand) && !a.order().contains(&staff));
    assert_eq!(a.ranking.rank[brand as usize], 0);
    assert!(a.quadrant[staff as usize].is_none());
    // Ranks are a permutation of 1..=10; importance (money by default) is finite and ≥ CLV.
    let mut ranks: Vec<u32> = a
        .order()
        .iter()
        .map(|&v| a.ranking.rank[v as usize])
        .collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=10).collect::<Vec<u32>>());
    for &v in a.order() {
        let x = a.ranking.importance[v as usize];
        assert!(
            x.is_finite() && x >= a.purchase[v as usize].clv - 1e-9,
            "{x}"
        );
    }
    // No transactions: flagged, purchase value 0, still ranked.
    let star = pg.index_of("c0").unwrap();
    assert!(a.flags[star as usize].contains(&Flag::NoTransactions));
    assert_eq!(a.purchase[star as usize].clv, 0.0);
    assert_eq!(a.purchase[star as usize].rfm_cell(), "000");
    // No interactions: flagged, network value 0, the biggest spender.
    let quiet = pg.index_of("quiet").unwrap();
    assert!(a.flags[quiet as usize].contains(&Flag::NoInteractions));
    assert_eq!(a.network.nodes[quiet as usize].value, 0.0);
    assert_eq!(a.ranking.purchase_rank[quiet as usize], 1);
    // Only known by a platform handle: flagged, ranked like anyone else.
    let anna = pg.index_of("instagram:@anna").unwrap();
    assert!(a.flags[anna as usize].contains(&Flag::NoProfile));
    assert!(a.ranking.rank[anna as usize] >= 1);
    // The complainer carries the word-of-mouth flag.
    let c7 = pg.index_of("c7").unwrap();
    assert!(a.network.nodes[c7 as usize].wom_flag);
    assert!(a.network.nodes[c7 as usize].wom_risk > 0.8);
    // Explanation of a customer: purchase + network parts sum to the importance.
    let e = a.explain(pg, star, None);
    let sum: f64 = e.importance_parts.iter().map(|p| p.contribution).sum();
    assert!((sum - e.customer.importance).abs() < 1e-12 * e.customer.importance.abs().max(1.0));
    assert!(e.summary.iter().any(|l| l.contains("no transactions")));
}

#[test]
fn ranking_is_byte_identical_for_1_and_2_threads() {
    let ds = dataset();
    let run = |k: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap();
        pool.install(|| {
            let a = analyze(&ds, &AnalyzeConfig::default(), 7, &NoProgress).unwrap();
            serde_json::to_vec(&ranking_json(&ds, &a, usize::MAX)).unwrap()
        })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(1));
}

#[test]
fn example_config_lists_every_default() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rank.toml");
    let cfg = kolgraph::rank::RankConfig::from_file(&path).unwrap();
    assert_eq!(cfg, kolgraph::rank::RankConfig::default());
}
