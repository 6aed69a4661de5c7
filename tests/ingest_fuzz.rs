//! No parser panics on arbitrary bytes: every file role, every syntax, plain and gzip.

use kolgraph::ingest::folder::load_role_file;
use kolgraph::ingest::{load, IngestOptions};
use proptest::prelude::*;
use std::io::Write;

const ROLES: [&str; 5] = [
    "interactions",
    "customers",
    "accounts",
    "identities",
    "transactions",
];
const EXTS: [&str; 3] = ["csv", "tsv", "jsonl"];

/// Bytes that often look like the real thing: a valid header, then arbitrary fragments.
fn table_bytes() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just(b"source,target,kind,platform,timestamp,weight,sentiment\n".to_vec()),
        Just(b"id,name,segment,joined_at,clv\n".to_vec()),
        Just(b"customer_id,timestamp,amount,order_id,category\n".to_vec()),
        Just(b"customer_id,platform,handle\n".to_vec()),
        Just(b"id,name,platform,kind\n".to_vec()),
        Just(b"source\ttarget\tkind\ttimestamp\n".to_vec()),
        Just(Vec::new()),
    ];
    let frag = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        "[a-z0-9,\\t\\n\"{}:.@-]{0,60}".prop_map(String::into_bytes),
        Just(b"a,b,reply,x,2025-01-01T00:00:00Z,1,0.5\n".to_vec()),
        Just(
            b"{\"source\":\"a\",\"target\":\"b\",\"kind\":\"like\",\"timestamp\":1e400}\n".to_vec()
        ),
        Just(b"x,2025-13-01,-1e309,NaN,inf\n".to_vec()),
    ];
    (header, proptest::collection::vec(frag, 0..8)).prop_map(|(h, fs)| {
        let mut v = h;
        for f in fs {
            v.extend(f);
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_parser_survives_arbitrary_bytes(bytes in table_bytes(), role in 0usize..5, ext in 0usize..3, gz in any::<bool>()) {
        let d = tempfile::tempdir().expect("tmp");
        let name = format!("{}.{}{}", ROLES[role], EXTS[ext], if gz { ".gz" } else { "" });
        let p = d.path().join(&name);
        if gz {
            let mut e = flate2::write::GzEncoder::new(std::fs::File::create(&p).expect("f"), flate2::Compression::fast());
            e.write_all(&bytes).expect("gz");
            e.finish().expect("gz");
        } else {
            std::fs::write(&p, &bytes).expect("w");
        }
        let opts = IngestOptions::default();
        // Errors are fine; panics are not. Every reject must carry a position in this file.
        if let Ok(ds) = load_role_file(&p, ROLES[role], &opts) {
            for r in &ds.report.rejects {
                prop_assert!(r.file.ends_with(&name));
                prop_assert!(r.line >= 1);
            }
        }
        let _ = load(&p, &opts);
        // The same bytes as an edge list and inside a folder.
        let e = d.path().join("g.edges");
        std::fs::write(&e, &bytes).expect("w");
        let _ = load(&e, &IngestOptions { undirected: true, ..opts.clone() });
        if role == 0 {
            let _ = load(d.path(), &opts);
        }
    }

    #[test]
    fn corrupt_gzip_is_an_error_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("interactions.csv.gz");
        let mut v = vec![0x1f, 0x8b, 8, 0];
        v.extend(bytes);
        std::fs::write(&p, &v).expect("w");
        let _ = load(&p, &IngestOptions::default());
    }
}
