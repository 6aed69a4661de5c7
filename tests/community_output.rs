//! `kolgraph communities` output writers: the streamed JSON document keeps the exact shape and
//! bytes of the former `serde_json::Value` document (sorted keys, pretty, newline-terminated),
//! and the streamed members CSV / text table agree with each other and with the JSON.

use kolgraph::output::table::Table;
use std::process::Command;

fn fixture() -> String {
    format!("{}/fixtures/community", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .output()
        .expect("run kolgraph");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_document_shape_and_bytes_are_pinned() {
    let f = fixture();
    for method in ["lpa", "leiden"] {
        let out = run(&[
            "communities",
            &f,
            "--method",
            method,
            "--format",
            "json",
            "--no-progress",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        // Line for line what serializing the parsed document (a BTreeMap: sorted keys) prints:
        // the former `serde_json::Value` output. Only a float's last digit may differ, because
        // serde_json's default parser does not round-trip every f64 exactly.
        let canon = serde_json::to_string_pretty(&v).expect("pretty") + "\n";
        assert_eq!(out.lines().count(), canon.lines().count(), "{method}");
        assert!(out.ends_with("}\n"));
        let mut floats_differing = 0;
        for (a, b) in out.lines().zip(canon.lines()) {
            if a != b {
                let num = |l: &str| -> (String, f64) {
                    let (k, x) = l.rsplit_once(' ').expect("key: value");
                    let x = x.trim_end_matches(',').parse().expect("a float");
                    (k.to_string(), x)
                };
                let ((ka, xa), (kb, xb)) = (num(a), num(b));
                assert_eq!(ka, kb, "{method}");
                assert!((xa - xb).abs() <= 1e-15 * xa.abs().max(1.0), "{a} vs {b}");
                floats_differing += 1;
            }
        }
        assert!(floats_differing < out.lines().count() / 2, "{method}");
        assert_eq!(
            keys(&v),
            [
                "command",
                "communities",
                "config",
                "count",
                "iterations",
                "levels",
                "members",
                "modularity",
                "nodes",
                "profile_config",
                "quality",
                "seed",
                "trial"
            ]
        );
        assert_eq!(v["command"], "communities");
        assert_eq!(v["config"]["method"], method);
        let comms = v["communities"].as_array().expect("communities");
        assert_eq!(comms.len() as u64, v["count"].as_u64().expect("count"));
        assert_eq!(
            keys(&comms[0]),
            [
                "brand_accounts",
                "brand_centricity",
                "brand_lift",
                "brand_share",
                "brand_z",
                "conductance",
                "customers",
                "density",
                "external_weight",
                "hub",
                "hub_asymmetry",
                "hub_share",
                "id",
                "internal_weight",
                "leaders",
                "modularity_contribution",
                "reciprocity",
                "size",
                "staff_accounts",
                "type",
                "volume"
            ]
        );
        assert_eq!(keys(&comms[0]["leaders"][0]), ["id", "score"]);
        for (i, c) in comms.iter().enumerate() {
            assert_eq!(c["id"].as_u64(), Some(i as u64));
        }
        let members = v["members"].as_array().expect("members");
        assert_eq!(members.len() as u64, v["nodes"].as_u64().expect("nodes"));
        assert_eq!(
            keys(&members[0]),
            [
                "community",
                "community_type",
                "id",
                "kind",
                "leader_rank",
                "leader_score"
            ]
        );
        for m in members {
            let c = m["community"].as_u64().expect("community") as usize;
            assert_eq!(m["community_type"], comms[c]["type"]);
        }
    }
}

#[test]
fn streamed_members_csv_table_and_json_agree() {
    let f = fixture();
    let base = [
        "communities",
        f.as_str(),
        "--method",
        "lpa",
        "--no-progress",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(&a)
    };
    let csv_out = with(&["--view", "members", "--format", "csv"]);
    let text_out = with(&["--view", "members", "--format", "table"]);
    let json_out = with(&["--format", "json"]);

    let mut rd = csv::Reader::from_reader(csv_out.as_bytes());
    let headers: Vec<String> = rd
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        headers,
        [
            "id",
            "kind",
            "community",
            "community_type",
            "leader_rank",
            "leader_score"
        ]
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect();

    // The streamed text table is exactly what the generic table writer prints for these rows.
    let mut t = Table::new(headers);
    t.rows = rows.clone();
    let mut expect = Vec::new();
    t.write_text(&mut expect).expect("write");
    assert_eq!(text_out, String::from_utf8(expect).expect("utf-8"));

    // And the CSV rows are the JSON members, in node order.
    let v: serde_json::Value = serde_json::from_str(&json_out).expect("json");
    let members = v["members"].as_array().expect("members");
    assert_eq!(rows.len(), members.len());
    for (r, m) in rows.iter().zip(members) {
        assert_eq!(r[0], m["id"].as_str().expect("id"));
        assert_eq!(r[1], m["kind"].as_str().expect("kind"));
        assert_eq!(r[2], m["community"].to_string());
        assert_eq!(r[3], m["community_type"].as_str().expect("type"));
        assert_eq!(r[4], m["leader_rank"].to_string());
        let s: f64 = r[5].parse().expect("score");
        assert!((s - m["leader_score"].as_f64().expect("score")).abs() <= 5e-7);
    }
}
