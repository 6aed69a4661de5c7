//! The real binary: `stats` on fixtures, rejects file, --strict exit code, `generate`.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kolgraph"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn stats_on_the_community_fixture() {
    let out = bin()
        .args(["stats", "fixtures/community", "--format", "json", "-q"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let s = &v["stats"];
    assert_eq!(s["nodes"], 310);
    assert_eq!(s["customers"], 300);
    assert_eq!(s["brands"], 5);
    assert_eq!(s["staff"], 5);
    assert_eq!(s["interactions"], 4000);
    assert_eq!(s["rejected"], 0);
    let by_kind: u64 = s["interactions_by_kind"]
        .as_object()
        .expect("kinds")
        .values()
        .map(|x| x.as_u64().expect("n"))
        .sum();
    assert_eq!(by_kind, 4000);
    let by_platform: u64 = s["interactions_by_platform"]
        .as_object()
        .expect("platforms")
        .values()
        .map(|x| x.as_u64().expect("n"))
        .sum();
    assert_eq!(by_platform, 4000);
    assert!(s["largest_component"].as_u64().expect("lcc") >= 290);
    let bpe = s["csr_adjacency_bytes_per_edge"].as_f64().expect("bpe");
    assert!((bpe - 16.0).abs() < 1e-9, "{bpe}");
    assert!(s["reciprocity"].as_f64().expect("r") > 0.0);
    assert_eq!(v["files"].as_array().expect("files").len(), 5);
}

#[test]
fn stats_on_karate_edge_list() {
    let out = bin()
        .args([
            "stats",
            "fixtures/public/karate/karate.edges.tsv",
            "--undirected",
            "--format",
            "csv",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nodes,34"), "{text}");
    assert!(text.contains("edges (distinct pairs),156"), "{text}");
    assert!(text.contains("reciprocity,1.0000"), "{text}");
    assert!(text.contains("weak components,1"), "{text}");
}

#[test]
fn rejects_are_written_and_summarised() {
    let d = tempfile::tempdir().expect("tmp");
    let rej = d.path().join("rej.csv");
    let out = bin()
        .args(["stats", "fixtures/malformed/unknown_kind.csv", "--rejects"])
        .arg(&rej)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: 1 row(s) rejected"), "{err}");
    assert!(
        err.contains("unknown_kind.csv:4:3: unknown interaction kind (got \"poke\""),
        "{err}"
    );
    let text = std::fs::read_to_string(&rej).expect("rejects file");
    assert!(text.starts_with("file,line,column,reason\n"), "{text}");
    assert!(text.contains("unknown_kind.csv,4,3,"), "{text}");
}

#[test]
fn default_rejects_file_sits_beside_the_input() {
    let d = tempfile::tempdir().expect("tmp");
    let f = d.path().join("x.csv");
    std::fs::write(&f, "source,target,kind,timestamp\na,b,like,1\na,b,poke,2\n").expect("w");
    let out = bin().arg("stats").arg(&f).arg("-q").output().expect("run");
    assert!(out.status.success());
    assert!(Path::new(&d.path().join("x.csv.rejects.csv")).exists());
}

#[test]
fn strict_exits_1_and_writes_nothing() {
    let d = tempfile::tempdir().expect("tmp");
    let rej = d.path().join("rej.csv");
    let o = d.path().join("stats.txt");
    let out = bin()
        .args([
            "stats",
            "fixtures/malformed/bad_number.csv",
            "--strict",
            "--rejects",
        ])
        .arg(&rej)
        .arg("-o")
        .arg(&o)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(!rej.exists() && !o.exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--strict"), "{err}");
}

#[test]
fn missing_column_exits_2() {
    let out = bin()
        .args(["stats", "fixtures/malformed/missing_column.csv"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing_column.csv:1:0: missing required column \"kind\""),
        "{err}"
    );
    assert_eq!(err.matches("missing required column").count(), 1, "{err}");
}

#[test]
fn generate_then_stats() {
    let d = tempfile::tempdir().expect("tmp");
    let out = bin()
        .args([
            "generate",
            "--customers",
            "200",
            "--interactions",
            "1500",
            "--brands",
            "2",
            "--gzip",
            "--format",
            "json",
            "--out",
        ])
        .arg(d.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(d.path().join("interactions.csv.gz").exists());
    let out = bin()
        .arg("stats")
        .arg(d.path())
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stats"]["interactions"], 1500);
    assert_eq!(v["stats"]["rejected"], 0);
}
