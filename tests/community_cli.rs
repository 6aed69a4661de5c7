//! `kolgraph communities` end to end: JSON content, views, determinism across --threads, errors.

use std::process::Command;

fn karate() -> String {
    format!(
        "{}/tests/data/community/karate.edges.tsv",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .output()
        .expect("run kolgraph");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_has_partition_profiles_and_config() {
    let k = karate();
    let (code, out, err) = run(&[
        "communities",
        &k,
        "--undirected",
        "--unweighted",
        "--format",
        "json",
        "--no-progress",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["config"]["method"], "leiden");
    assert_eq!(v["config"]["objective"], "modularity");
    assert_eq!(v["nodes"], 34);
    let q = v["modularity"].as_f64().expect("q");
    assert!(q >= 0.4198 - 0.005, "{q}");
    let count = v["count"].as_u64().expect("count") as usize;
    assert_eq!(
        v["communities"].as_array().expect("communities").len(),
        count
    );
    let members = v["members"].as_array().expect("members");
    assert_eq!(members.len(), 34);
    for m in members {
        assert!(m["community"].as_u64().expect("c") < count as u64);
        assert_eq!(m["community_type"], "consumer-led");
        assert!(m["leader_rank"].as_u64().expect("rank") >= 1);
    }
    // Karate's two leaders (nodes 0 and 33) lead their communities.
    let lead = |id: &str| {
        members
            .iter()
            .find(|m| m["id"] == id)
            .map(|m| m["leader_rank"].as_u64())
    };
    assert_eq!(lead("0"), Some(Some(1)));
    assert_eq!(lead("33"), Some(Some(1)));
}

#[test]
fn identical_output_for_any_thread_count() {
    let k = karate();
    for extra in [
        vec!["--format", "json"],
        vec!["--view", "members", "--format", "csv"],
        vec!["--method", "louvain", "--format", "json"],
        vec!["--method", "lpa", "--format", "json"],
        vec!["--trials", "3", "--format", "json"],
    ] {
        let mut outs = Vec::new();
        for t in ["1", "2"] {
            let mut a = vec![
                "--threads",
                t,
                "--seed",
                "11",
                "communities",
                &k,
                "--undirected",
            ];
            a.extend(extra.iter().copied());
            let (code, out, err) = run(&a);
            assert_eq!(code, 0, "{err}");
            outs.push(out);
        }
        assert_eq!(outs[0], outs[1], "{extra:?}");
    }
}

#[test]
fn table_view_and_errors() {
    let k = karate();
    let (code, out, _) = run(&["communities", &k, "--undirected", "--no-progress"]);
    assert_eq!(code, 0);
    assert!(out.contains("brand_centricity") && out.contains("consumer-led"));
    let (code, _, err) = run(&["communities", &k, "--undirected", "--resolution=-1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("resolution"), "{err}");
    let (code, _, err) = run(&["communities", &k, "--undirected", "--brand-threshold", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("brand-threshold"), "{err}");
}
