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
