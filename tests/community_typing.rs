//! Consumer-led vs brand-led typing against the generator's planted truth: on
//! `fixtures/community` (made by `kolgraph generate`, planted types in `communities.csv`), every
//! detected community is typed like the majority of its planted members, and the brand-led ones
//! are brand-led through the lift rule (their brand share alone is far below the 0.5 threshold).

use kolgraph::algo::community::{self, CommunityConfig, CommunityType, ProfileConfig};
use kolgraph::graph::{CsrGraph, WeightView};
use kolgraph::ingest::{load, IngestOptions};
use std::collections::HashMap;
use std::path::Path;

#[test]
fn planted_brand_led_communities_are_typed_brand_led() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/community");
    let ds = load(&dir, &IngestOptions::default()).expect("fixture loads");
    let g = CsrGraph::from_property(&ds.graph, &WeightView::default(), ds.undirected);
    let part = community::detect(&g.undirected(), &CommunityConfig::default(), 42).expect("leiden");
    let prof = community::profile(&ds, &g, &part, &ProfileConfig::default());

    // Planted type of each customer.
    let mut planted: HashMap<String, bool> = HashMap::new();
    let mut r = csv::Reader::from_path(dir.join("communities.csv")).expect("communities.csv");
    for rec in r.records() {
        let rec = rec.expect("row");
        planted.insert(rec[0].to_string(), &rec[2] == "brand");
    }
    let (mut brand_led, mut consumer_led) = (0, 0);
    for p in &prof.communities {
        let (mut b, mut c) = (0usize, 0usize);
        for v in 0..part.community.len() {
            if part.community[v] as usize == p.id as usize {
                match planted.get(ds.graph.id(v as u32)) {
                    Some(true) => b += 1,
                    Some(false) => c += 1,
                    None => {}
                }
            }
        }
        if b + c < 3 {
            continue;
        }
        let want = if b > c {
            CommunityType::BrandLed
        } else {
            CommunityType::ConsumerLed
        };
        assert_eq!(
            p.kind, want,
            "community {} (planted brand {b}, consumer {c}): share {:.3}, lift {:.2}, z {:.2}",
            p.id, p.brand_share, p.brand_lift, p.brand_z
        );
        if want == CommunityType::BrandLed {
            brand_led += 1;
            // The absolute rule alone would miss it: the lift rule is what types it.
            assert!(p.brand_centricity < 0.5);
            assert!(p.brand_lift >= 1.5 && p.brand_z >= 3.0);
        } else {
            consumer_led += 1;
        }
    }
    // The fixture plants 2 brand-led and 3 consumer-led communities; Leiden recovers all five.
    assert_eq!((brand_led, consumer_led), (2, 3));

    // With the lift rule switched off (no z can reach +∞) only the absolute threshold remains: nothing is brand-led.
    let absolute_only = ProfileConfig {
        brand_z: f64::INFINITY,
        ..ProfileConfig::default()
    };
    let prof2 = community::profile(&ds, &g, &part, &absolute_only);
    assert!(prof2
        .communities
        .iter()
        .all(|p| p.kind == CommunityType::ConsumerLed));
}
