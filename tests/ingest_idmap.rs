//! The inline-key id map used by ingest (`graph::property::IdMap`) behaves like a `HashMap`:
//! inline (1..=23 bytes, narrow and wide slots) and long keys, overwrites, growth and misses.

use kolgraph::graph::property::IdMap;
use proptest::prelude::*;
use std::collections::HashMap;

#[test]
fn inline_and_long_keys() {
    let mut m = IdMap::new();
    assert!(m.is_empty());
    assert_eq!(m.get("c1"), None);
    assert_eq!(m.get(""), None);
    let long = "a-very-long-external-identifier-0001";
    m.insert("c1", 1);
    m.insert("", 7);
    m.insert(long, 2);
    m.insert("x:exactly-23-bytes-key!", 3);
    assert_eq!("x:exactly-23-bytes-key!".len(), 23);
    m.insert("x:exactly-24-bytes-key!!", 4);
    assert_eq!(m.get("c1"), Some(1));
    assert_eq!(m.get(""), Some(7));
    assert_eq!(m.get(long), Some(2));
    assert_eq!(m.get("x:exactly-23-bytes-key!"), Some(3));
    assert_eq!(m.get("x:exactly-24-bytes-key!!"), Some(4));
    // Same bytes, different length: distinct keys (the length is part of the packed key).
    assert_eq!(m.get("c1\0"), None);
    m.insert("c1", 9);
    assert_eq!(m.get("c1"), Some(9));
    assert_eq!(m.len(), 5);
}

#[test]
fn many_keys_grow_and_resolve() {
    let mut m = IdMap::new();
    m.reserve(10);
    for i in 0..200_000u32 {
        m.insert(&format!("c{i:06}"), i);
    }
    assert_eq!(m.len(), 200_000);
    for i in 0..200_000u32 {
        assert_eq!(m.get(&format!("c{i:06}")), Some(i));
    }
    for i in 200_000..201_000u32 {
        assert_eq!(m.get(&format!("c{i:06}")), None);
    }
}

/// Insert `ops` into an [`IdMap`] and a `HashMap`; every key reads back right after its insert,
/// and at the end the sizes and every inserted or probed key agree.
fn same_as_hashmap(ops: &[(String, u32)], probes: &[String]) -> Result<(), TestCaseError> {
    let mut m = IdMap::new();
    let mut model: HashMap<String, u32> = HashMap::new();
    for (k, v) in ops {
        m.insert(k, *v);
        model.insert(k.clone(), *v);
        prop_assert_eq!(m.get(k), Some(*v));
    }
    prop_assert_eq!(m.len(), model.len());
    for k in ops.iter().map(|(k, _)| k).chain(probes.iter()) {
        prop_assert_eq!(m.get(k), model.get(k).copied());
    }
    Ok(())
}

proptest! {
    #[test]
    fn matches_hashmap(ops in proptest::collection::vec(("[a-c:@]{0,30}", any::<u32>()), 0..300),
                       probes in proptest::collection::vec("[a-c:@]{0,30}", 0..50)) {
        same_as_hashmap(&ops, &probes)?;
    }
}

/// The batched prefetch helpers are pure reads: any index (stale, out of range) is accepted,
/// long and empty keys have no slot, and a pre-sized map resolves like a grown one.
#[test]
fn slot_index_and_touch_slots_never_change_lookups() {
    let mut m = IdMap::new();
    assert_eq!(m.slot_index("c1"), None);
    assert_eq!(m.touch_slots(&[0, 5, usize::MAX]), 0);
    m.reserve(50_000);
    for i in 0..50_000u32 {
        m.insert(&format!("c{i}"), i);
    }
    m.insert("a-very-long-external-identifier-0001", 7);
    assert_eq!(m.slot_index("a-very-long-external-identifier-0001"), None);
    assert_eq!(m.slot_index(""), None);
    let idx: Vec<usize> = (0..50_000u32)
        .filter_map(|i| m.slot_index(&format!("c{i}")))
        .collect();
    assert_eq!(idx.len(), 50_000);
    let _ = m.touch_slots(&idx);
    let _ = m.touch_slots(&[usize::MAX, 1 << 40]);
    for i in 0..50_000u32 {
        assert_eq!(m.get(&format!("c{i}")), Some(i));
    }
    assert_eq!(m.get("a-very-long-external-identifier-0001"), Some(7));
    assert_eq!(m.len(), 50_001);
}

/// Keys of up to 11 bytes live in 16-byte slots until the first 12-to-23-byte key, which moves
/// every entry to 32-byte slots: lookups resolve the same before and after the move.
#[test]
fn narrow_slots_then_wide() {
    let mut m = IdMap::new();
    for i in 0..100_000u32 {
        m.insert(&format!("c{i:010}"), i);
    }
    assert_eq!("c0000000000".len(), 11);
    assert_eq!(m.get("c00000000000"), None);
    assert_eq!(m.get("c000000000\0"), None);
    assert_eq!(m.get("c000000000"), None);
    assert!(m.slot_index("c0000000001").is_some());
    assert_eq!(m.slot_index("c00000000001"), None);
    m.insert("x:twelve-byte", 7);
    m.insert("a-very-long-external-identifier-0001", 8);
    m.insert("", 9);
    assert!(m.slot_index("x:twelve-byte").is_some());
    for i in 0..100_000u32 {
        assert_eq!(m.get(&format!("c{i:010}")), Some(i));
    }
    assert_eq!(m.get("x:twelve-byte"), Some(7));
    assert_eq!(m.get("a-very-long-external-identifier-0001"), Some(8));
    assert_eq!(m.get(""), Some(9));
    assert_eq!(m.get("c00000000000"), None);
    m.insert("c0000000005", 1);
    assert_eq!(m.get("c0000000005"), Some(1));
    assert_eq!(m.len(), 100_003);
}

proptest! {
    #[test]
    fn short_keys_match_hashmap(ops in proptest::collection::vec(("[a\0b]{0,12}", any::<u32>()), 0..300),
                                probes in proptest::collection::vec("[a\0b]{0,13}", 0..50)) {
        same_as_hashmap(&ops, &probes)?;
    }
}

#[test]
fn wide_from_the_start() {
    let mut m = IdMap::new_wide();
    m.reserve(1000);
    m.insert("x:a", 1);
    m.insert("instagram:somebody", 2);
    assert_eq!(m.get("x:a"), Some(1));
    assert_eq!(m.get("instagram:somebody"), Some(2));
    assert_eq!(m.get("x:b"), None);
    assert!(m.slot_index("x:a").is_some());
    assert_eq!(m.len(), 2);
}
