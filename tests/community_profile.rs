//! Community profiles: consumer-led vs brand-led typing, leaders, hub asymmetry, reciprocity,
//! and per-community figures that add up (modularity contributions sum to Q).

use kolgraph::algo::community::{self, CommunityConfig, CommunityType, ProfileConfig};
use kolgraph::graph::{CsrGraph, InteractionKind, NodeKind, WeightView};
use kolgraph::ingest::Dataset;

/// Group A: six customers replying to each other (all pairs, both ways) and mentioning `c0`.
/// Group B: a brand account everybody in it mentions; it replies to two of them; two of its
/// customers also talk to each other. One reply bridges the groups.
fn dataset() -> Dataset {
    let mut ds = Dataset::default();
    let g = &mut ds.graph;
    let a: Vec<u32> = (0..6)
        .map(|i| g.ensure_node(&format!("c{i}"), NodeKind::Customer))
        .collect();
    let brand = g.ensure_node("brand", NodeKind::Brand);
    let b: Vec<u32> = (0..6)
        .map(|i| g.ensure_node(&format!("d{i}"), NodeKind::Customer))
        .collect();
    let mut add = |s: u32, t: u32, k: InteractionKind| {
        g.add_interaction(s, t, k, None, None, 1.0, None, None);
    };
    for &u in &a {
        for &v in &a {
            if u != v {
                add(u, v, InteractionKind::Reply);
            }
        }
        if u != a[0] {
            add(u, a[0], InteractionKind::Mention);
        }
    }
    for &d in &b {
        add(d, brand, InteractionKind::Mention);
        add(d, brand, InteractionKind::Reply);
    }
    add(brand, b[0], InteractionKind::Reply);
    add(brand, b[1], InteractionKind::Reply);
    add(b[2], b[3], InteractionKind::Reply);
    add(a[5], b[5], InteractionKind::Reply);
    ds
}

#[test]
fn consumer_led_and_brand_led() {
    let ds = dataset();
    let g = CsrGraph::from_property(&ds.graph, &WeightView::default(), false);
    let part = community::detect(&g.undirected(), &CommunityConfig::default(), 3).expect("detect");
    assert_eq!(part.count, 2, "{:?}", part.community);
    let prof = community::profile(&ds, &g, &part, &ProfileConfig::default());
    let id = |s: &str| ds.graph.index_of(s).expect("node");
    let ca = part.community[id("c0") as usize] as usize;
    let cb = part.community[id("brand") as usize] as usize;
    assert_ne!(ca, cb);
    let (pa, pb) = (&prof.communities[ca], &prof.communities[cb]);

    assert_eq!(pa.kind, CommunityType::ConsumerLed);
    assert_eq!(pa.brand_share, 0.0);
    assert_eq!(pa.customers, 6);
    assert_eq!(pa.reciprocity, 1.0);
    assert_eq!(pa.density, 1.0);
    assert_eq!(pa.leaders[0].node, id("c0"));
    assert_eq!(prof.member_rank[id("c0") as usize], 1);

    assert_eq!(pb.kind, CommunityType::BrandLed);
    assert_eq!(pb.brand_accounts, 1);
    assert_eq!(pb.hub, id("brand"));
    assert!(pb.hub_asymmetry > 0.5, "inward hub: {}", pb.hub_asymmetry);
    assert!(pb.brand_centricity >= 0.5);
    assert!(pb.reciprocity < 0.5, "{}", pb.reciprocity);
    assert_eq!(pb.leaders[0].node, id("brand"));
    assert_eq!(prof.member_rank[id("brand") as usize], 1);

    // Leader scores are a distribution inside each community; ranks are a permutation.
    for p in &prof.communities {
        let members: Vec<usize> = (0..part.community.len())
            .filter(|&v| part.community[v] as usize == p.id as usize)
            .collect();
        let s: f64 = members.iter().map(|&v| prof.leader_score[v]).sum();
        assert!((s - 1.0).abs() < 1e-9, "{s}");
        let mut ranks: Vec<u32> = members.iter().map(|&v| prof.member_rank[v]).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (1..=members.len() as u32).collect::<Vec<_>>());
        assert!(p.conductance >= 0.0 && p.conductance <= 1.0);
    }
    // The bridge is the only cut edge; contributions add up to Q.
    let bridge = 1.0; // reply weight
    assert!((pa.external_weight - bridge).abs() < 1e-9);
    assert!((pb.external_weight - bridge).abs() < 1e-9);
    let q: f64 = prof
        .communities
        .iter()
        .map(|p| p.modularity_contribution)
        .sum();
    assert!((q - part.modularity).abs() < 1e-12);

    // A stricter threshold relabels the brand community.
    let strict = ProfileConfig {
        brand_threshold: 1.01,
        brand_z: f64::INFINITY,
        ..ProfileConfig::default()
    };
    let prof2 = community::profile(&ds, &g, &part, &strict);
    assert!(prof2
        .communities
        .iter()
        .all(|p| p.kind == CommunityType::ConsumerLed));
}

#[test]
fn profile_is_thread_independent() {
    let ds = dataset();
    let g = CsrGraph::from_property(&ds.graph, &WeightView::default(), false);
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .expect("pool")
            .install(|| {
                let part = community::detect(&g.undirected(), &CommunityConfig::default(), 3)
                    .expect("detect");
                community::profile(&ds, &g, &part, &ProfileConfig::default())
            })
    };
    assert_eq!(
        serde_json::to_string(&run(1)).expect("json"),
        serde_json::to_string(&run(2)).expect("json")
    );
}
