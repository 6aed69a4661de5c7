//! The generator is byte-deterministic (any thread count), reproduces fixtures/community, and its
//! output loads without a single reject.

use kolgraph::generate::{generate, GenerateConfig};
use kolgraph::ingest::{load, IngestOptions};
use std::path::Path;

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let name = p.file_name().expect("name").to_string_lossy().to_string();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    v.sort();
    v
}

fn run_with_threads(
    threads: usize,
    cfg: &GenerateConfig,
    seed: u64,
) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let d = tempfile::tempdir().expect("tempdir");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| generate(cfg, seed, d.path()))
        .expect("generate");
    let f = files_of(d.path());
    (d, f)
}

#[test]
fn same_seed_same_bytes_for_any_thread_count() {
    // Several chunks so the parallel path is exercised.
    let cfg = GenerateConfig {
        customers: 2_000,
        interactions: 3 * kolgraph::generate::CHUNK + 123,
        brands: 3,
        ..Default::default()
    };
    let (_a, one) = run_with_threads(1, &cfg, 7);
    let (_b, two) = run_with_threads(2, &cfg, 7);
    assert_eq!(one.len(), 7);
    assert!(one == two, "1 vs 2 threads differ");
    let (_c, other) = run_with_threads(2, &cfg, 8);
    assert!(one != other, "another seed must give other data");
    let cfg_gz = GenerateConfig { gzip: true, ..cfg };
    let (_d, gz1) = run_with_threads(1, &cfg_gz, 7);
    let (_e, gz2) = run_with_threads(2, &cfg_gz, 7);
    assert!(gz1 == gz2, "gzip output differs");
}

#[test]
fn regenerating_the_committed_fixture_gives_the_same_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/community");
    let cfg = GenerateConfig {
        customers: 300,
        interactions: 4000,
        brands: 5,
        ..Default::default()
    };
    let (_d, made) = run_with_threads(2, &cfg, 42);
    let committed = files_of(&root);
    assert_eq!(made.len(), committed.len());
    for ((na, a), (nb, b)) in made.iter().zip(&committed) {
        assert_eq!(na, nb);
        assert!(
            a == b,
            "{na} differs from the committed fixture (see fixtures/README.md)"
        );
    }
}

#[test]
fn generated_data_loads_cleanly_with_planted_structure() {
    let cfg = GenerateConfig {
        customers: 1_000,
        interactions: 20_000,
        brands: 2,
        ..Default::default()
    };
    let (d, _) = run_with_threads(2, &cfg, 3);
    let ds = load(d.path(), &IngestOptions::default()).expect("load");
    assert!(
        ds.report.rejects.is_empty(),
        "{:?}",
        ds.report.rejects.first()
    );
    assert_eq!(ds.report.interactions, 20_000);
    let g = &ds.graph;
    assert_eq!(g.kind_counts(), (1_000, 2, 2));
    // Leaders receive interactions from many distinct customers: their mean in-degree is far
    // above everyone else's.
    let leaders: Vec<u32> = csv::Reader::from_path(d.path().join("leaders.csv"))
        .expect("leaders")
        .records()
        .map(|r| g.index_of(&r.expect("row")[0]).expect("leader id"))
        .collect();
    assert!(
        leaders.len() >= 20 && leaders.len() <= 40,
        "{}",
        leaders.len()
    );
    let mut indeg = vec![0u64; g.node_count()];
    for (_, t, _) in g.edges() {
        indeg[t as usize] += 1;
    }
    let is_leader = |v: u32| leaders.contains(&v);
    let customers: Vec<u32> = g.nodes().filter(|&v| !g.kind(v).is_brand_side()).collect();
    let mean = |f: &dyn Fn(u32) -> bool| {
        let xs: Vec<u64> = customers
            .iter()
            .filter(|&&v| f(v))
            .map(|&v| indeg[v as usize])
            .collect();
        xs.iter().sum::<u64>() as f64 / xs.len() as f64
    };
    let (ml, mo) = (mean(&is_leader), mean(&|v| !is_leader(v)));
    assert!(ml > 5.0 * mo, "leader in-degree {ml} vs others {mo}");
    // Purchases are only weakly tied to leadership: the top spenders are mostly not leaders.
    let mut spend = vec![0.0f64; g.node_count()];
    for t in &ds.transactions {
        spend[t.node as usize] += t.amount;
    }
    let mut order: Vec<u32> = customers.clone();
    order.sort_by(|&a, &b| {
        spend[b as usize]
            .total_cmp(&spend[a as usize])
            .then(a.cmp(&b))
    });
    let hits = order[..leaders.len()]
        .iter()
        .filter(|&&v| is_leader(v))
        .count();
    assert!(
        hits * 2 < leaders.len(),
        "purchase-only ranking finds {hits} of {} leaders",
        leaders.len()
    );
}

#[test]
fn bad_parameters_are_errors() {
    let d = tempfile::tempdir().expect("tempdir");
    for cfg in [
        GenerateConfig {
            customers: 3,
            ..Default::default()
        },
        GenerateConfig {
            brands: 0,
            ..Default::default()
        },
        GenerateConfig {
            communities: Some(1000),
            ..Default::default()
        },
        GenerateConfig {
            orders_per_customer: f64::NAN,
            ..Default::default()
        },
    ] {
        let e = generate(&cfg, 1, d.path()).expect_err("invalid");
        assert!(e.to_string().starts_with("invalid value for --"), "{e}");
    }
}
