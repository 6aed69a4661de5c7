//! Kernel timings of kolgraph's PageRank and sampled betweenness on a plain edge list, without the
//! property-graph ingest (the CSR is built straight from the file), for benches/centrality.sh.
//!
//! Usage: `cargo bench --bench centrality_pagerank -- GRAPH.el [--directed] [--samples K] [--threads T]
//! [--repeats R] [--exact-too] [--no-bc]`
//! Prints one `KOLGRAPH key=value ...` line per measurement (seconds, iterations, peak RSS in MiB).
//! Peak RSS per operation: the counter is reset before the operation (`/proc/self/clear_refs`), so
//! it is the peak during that operation with the loaded CSR included, as peers.py measures.

use kolgraph::algo::centrality::betweenness::{betweenness, BetweennessConfig};
use kolgraph::algo::centrality::pagerank::{pagerank, PageRankConfig, PrPrecision};
use kolgraph::graph::CsrGraph;
use std::io::BufRead;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Reset the peak-RSS counter to the current RSS (as peers.py does before each operation), so the
/// next `peak_rss_mib()` is the peak of that operation, loaded graph included.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(path) = args
        .iter()
        .find(|a| !a.starts_with("--") && a.contains('.'))
    else {
        eprintln!("usage: centrality_pagerank GRAPH.el [--directed] [--samples K] [--threads T]");
        return Ok(());
    };
    let opt = |name: &str| -> Option<usize> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
    };
    let directed = args.iter().any(|a| a == "--directed");
    let samples = opt("--samples").unwrap_or(32);
    let threads = opt("--threads").unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let t = Instant::now();
    let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    let mut n = 0u32;
    for line in f.lines() {
        let line = line?;
        if line.starts_with('#') || line.starts_with('%') || line.is_empty() {
            continue;
        }
        let mut it = line.split_ascii_whitespace();
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            continue;
        };
        let (a, b): (u32, u32) = (a.parse()?, b.parse()?);
        n = n.max(a + 1).max(b + 1);
        edges.push((a, b, 1.0));
    }
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let g = pool.install(|| {
        if directed {
            CsrGraph::from_arcs(n as usize, &edges, false)
        } else {
            CsrGraph::from_undirected_edges(n as usize, &edges, false)
        }
    });
    drop(edges);
    let csr_s = t.elapsed().as_secs_f64();
    println!(
        "KOLGRAPH op=load n={} arcs={} parse_s={load_s:.2} csr_s={csr_s:.2} csr_mib={:.0} peak_mib={:.0}",
        g.n(),
        g.m(),
        g.memory_bytes() as f64 / 1048576.0,
        peak_rss_mib()
    );
    // L1 < 1e-6 on the probability vector, as the peers are run (NetworkX tol = 1e-6 / n).
    let modes: Vec<PrPrecision> = if args.iter().any(|a| a == "--exact-too") {
        vec![PrPrecision::Fast, PrPrecision::Exact]
    } else {
        vec![PrPrecision::Fast]
    };
    let repeats = opt("--repeats").unwrap_or(2);
    for precision in modes {
        let cfg = PageRankConfig {
            tolerance: 1e-6 / g.n() as f64,
            max_iterations: 1000,
            precision,
            ..Default::default()
        };
        // One capped iteration: its time minus one iteration's share of the full run is the
        // fixed cost of a call (degree relabelling, setup, mapping back), reported separately.
        let one = PageRankConfig {
            max_iterations: 1,
            ..cfg.clone()
        };
        let t = Instant::now();
        pool.install(|| pagerank(&g, &one, None))?;
        let one_s = t.elapsed().as_secs_f64();
        for _ in 0..repeats {
            reset_peak();
            let t = Instant::now();
            let r = pool.install(|| pagerank(&g, &cfg, None))?;
            let s = t.elapsed().as_secs_f64();
            // Per-iteration time without the fixed cost: (total - one-iteration call) / (it - 1).
            let it = r.iterations.max(2) as f64;
            let sweep = ((s - one_s) / (it - 1.0)).max(0.0);
            println!(
                "KOLGRAPH op=pagerank precision={precision:?} threads={threads} seconds={s:.3} iterations={} s_per_iter={:.4} sweep_s_per_iter={sweep:.4} fixed_s={:.3} residual={:.2e} converged={} peak_mib={:.0}",
                r.iterations,
                s / r.iterations as f64,
                (s - sweep * r.iterations as f64).max(0.0),
                r.residual,
                r.converged,
                peak_rss_mib()
            );
        }
    }
    if args.iter().any(|a| a == "--no-bc") {
        return Ok(());
    }
    let bc = BetweennessConfig {
        samples: Some(samples),
        ..Default::default()
    };
    reset_peak();
    let t = Instant::now();
    let r = pool.install(|| betweenness(&g, &bc, 42))?;
    println!(
        "KOLGRAPH op=betweenness samples={samples} threads={threads} seconds={:.3} max_se={:.2e} peak_mib={:.0}",
        t.elapsed().as_secs_f64(),
        r.max_std_error,
        peak_rss_mib()
    );
    Ok(())
}
