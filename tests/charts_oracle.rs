//! Chart statistics against an independent Python implementation (scripts/oracles/charts.py:
//! scipy's Hurwitz zeta and bounded Brent for the discrete power-law MLE of Clauset et al. 2009,
//! numpy for the Lorenz summary) on the degrees of networkx.barabasi_albert_graph(3000, 2, seed=7).

use kolgraph::output::charts::{fit_power_law, lorenz_points};

#[test]
fn power_law_fit_and_lorenz_match_the_python_oracle() {
    let degrees: Vec<u32> = std::fs::read_to_string("tests/data/charts/ba3000.degrees.txt")
        .expect("degrees")
        .lines()
        .map(|l| l.trim().parse().expect("integer degree"))
        .collect();
    assert_eq!(degrees.len(), 3000);
    let oracle: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/charts/ba3000.oracle.json").expect("oracle"),
    )
    .expect("json");
    let pl = &oracle["power_law"];
    let fit = fit_power_law(&degrees).expect("fit");
    assert_eq!(u64::from(fit.x_min), pl["x_min"].as_u64().expect("x_min"));
    assert_eq!(u64::from(fit.x_max), pl["x_max"].as_u64().expect("x_max"));
    assert_eq!(fit.n_tail as u64, pl["n_tail"].as_u64().expect("n_tail"));
    let alpha = pl["alpha"].as_f64().expect("alpha");
    assert!(
        (fit.alpha - alpha).abs() < 1e-4,
        "alpha {} vs {alpha}",
        fit.alpha
    );
    let ks = pl["ks"].as_f64().expect("ks");
    assert!((fit.ks - ks).abs() < 1e-6, "ks {} vs {ks}", fit.ks);

    let scores: Vec<f64> = degrees.iter().map(|&d| f64::from(d)).collect();
    let (_, s) = lorenz_points(&scores);
    let l = &oracle["lorenz"];
    for (got, key) in [
        (s.gini, "gini"),
        (s.top1_share, "top1_share"),
        (s.top10_share, "top10_share"),
    ] {
        let want = l[key].as_f64().expect("number");
        assert!((got - want).abs() < 1e-12, "{key}: {got} vs {want}");
    }
}
