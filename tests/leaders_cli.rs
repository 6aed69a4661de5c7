//! The user-facing way to list opinion leaders: `kolgraph rank DATA --purchase-weight 0` orders
//! customers by network value alone (in money: attention + shared word-of-mouth credit). On
//! `kolgraph generate` data it must recover the planted leaders (precision@k ≥ 0.9, k = number
//! planted) where the purchase-only order (the `purchase_rank` column) finds fewer than half.
//! tests/rank_leaders.rs checks the same through the library on five generator seeds; this one
//! runs the real binary end to end, as a marketer would.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn kolgraph(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kolgraph {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// (id, purchase_rank) per ranking row, in ranking order.
fn ranking(csv: &str) -> Vec<(String, usize)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let id = header.iter().position(|h| *h == "id").unwrap();
    let pr = header.iter().position(|h| *h == "purchase_rank").unwrap();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[id].to_string(), f[pr].parse().unwrap())
        })
        .collect()
}

fn leaders(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("leaders.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

fn precision<'a>(ids: impl Iterator<Item = &'a String>, truth: &BTreeSet<String>) -> f64 {
    let k = truth.len();
    ids.take(k).filter(|id| truth.contains(*id)).count() as f64 / k as f64
}

#[test]
fn rank_with_purchase_weight_zero_lists_the_planted_leaders() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("community");
    let d = data.to_str().unwrap();
    kolgraph(&[
        "generate",
        "--customers",
        "1500",
        "--interactions",
        "20000",
        "--seed",
        "7",
        "--out",
        d,
        "-q",
    ]);
    let truth = leaders(&data);
    assert!(truth.len() >= 10, "{} planted", truth.len());

    let by_network = ranking(&kolgraph(&[
        "rank",
        d,
        "--purchase-weight",
        "0",
        "--format",
        "csv",
        "-q",
    ]));
    let p_network = precision(by_network.iter().map(|(id, _)| id), &truth);

    let mut by_purchase = by_network.clone();
    by_purchase.sort_by_key(|(_, r)| *r);
    let p_purchase = precision(by_purchase.iter().map(|(id, _)| id), &truth);
    eprintln!(
        "k = {}: network value precision@k {p_network:.3}, purchase-only {p_purchase:.3}",
        truth.len()
    );
    assert!(p_network >= 0.9, "network-value precision@k {p_network}");
    assert!(p_purchase < 0.5, "purchase-only precision@k {p_purchase}");
}
