//! Neo4j export paths that need no server: `--dry-run`, the neo4j-admin CSVs, argument checks.

use std::process::Command;

fn kolgraph(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .env("NEO4J_PASSWORD", "s3cret-never-printed")
        .output()
        .expect("run kolgraph")
}

const KARATE: &str = "tests/data/neo4j/karate.edges.tsv";

#[test]
fn dry_run_prints_statements_and_row_counts_without_connecting() {
    // Port 1 is never a Neo4j: a dry run must not try to connect.
    let out = kolgraph(&[
        "export",
        "neo4j",
        KARATE,
        "--undirected",
        "--dry-run",
        "--uri",
        "bolt://127.0.0.1:1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CREATE CONSTRAINT account_id IF NOT EXISTS"));
    assert!(text.contains("// nodes :Customer: 34 rows in 1 batches"));
    assert!(text.contains("// rels :MENTIONED: 156 rows in 1 batches"));
    assert!(text.contains("// result properties: 34 rows"));
    assert!(text.contains("MERGE (a:AnalysisRun {id: r.id})"));
    // Values travel as parameters only: no id of the input appears in the statements.
    assert!(!text
        .lines()
        .any(|l| !l.starts_with("//") && l.contains("'33'")));
    let all = format!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("s3cret"), "password printed");
}

#[test]
fn neo4j_import_writes_headers_and_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().join("imp");
    let out = kolgraph(&[
        "export",
        "neo4j-import",
        KARATE,
        "--undirected",
        d.to_str().unwrap_or_default(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hdr = std::fs::read_to_string(d.join("accounts_header.csv")).expect("header");
    assert!(hdr.starts_with(":ID(Account),id,:LABEL,kind,seq:long"));
    assert!(hdr.contains("inDegree:long"));
    let nodes = std::fs::read_to_string(d.join("accounts.csv")).expect("nodes");
    assert_eq!(nodes.lines().count(), 34);
    assert!(nodes
        .lines()
        .all(|l| l.contains(",Account;Customer") && l.contains(",customer,")));
    let rels = std::fs::read_to_string(d.join("interactions.csv")).expect("rels");
    assert_eq!(rels.lines().count(), 156);
    assert!(rels.lines().all(|l| l.contains(",MENTIONED,1,")));
    let cmd = std::fs::read_to_string(d.join("IMPORT.txt")).expect("IMPORT.txt");
    assert!(cmd.contains("database import full neo4j --overwrite-destination --id-type=actual"));
    // `:ID` is the node index, `seq` repeats it (dense integer ids for --id-type=actual).
    assert!(nodes.lines().enumerate().all(|(i, l)| {
        let f: Vec<&str> = l.split(',').collect();
        f[0] == i.to_string() && f[4] == i.to_string()
    }));
    let args = std::fs::read_to_string(d.join("IMPORT.args")).expect("IMPORT.args");
    assert_eq!(
        args.lines().collect::<Vec<_>>().join(" "),
        cmd.lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("neo4j-admin ")
    );
}

#[test]
fn bad_uri_and_batch_size_are_errors() {
    let out = kolgraph(&["export", "neo4j", KARATE, "--uri", "http://127.0.0.1:7474"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--uri"));
    let out = kolgraph(&["export", "neo4j", KARATE, "--batch-size", "0", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
}
