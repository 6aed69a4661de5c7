//! Every error class of the ingest validation, with its exact message, line and column
//! (fixtures/malformed/, one bad row per file).

use kolgraph::ingest::{load, IngestOptions};
use kolgraph::{Error, RecordError};
use std::path::Path;

fn rejects_of(rel: &str) -> Vec<RecordError> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let ds = load(&p, &IngestOptions::default()).expect("loads with rejects");
    ds.report.rejects
}

/// The single reject of a malformed fixture, as `file-suffix:line:column: message`.
fn one(rel: &str) -> (u64, u64, String, String) {
    let r = rejects_of(rel);
    assert_eq!(r.len(), 1, "{rel}: {r:?}");
    (
        r[0].line,
        r[0].column,
        r[0].message.clone(),
        r[0].to_string(),
    )
}

#[test]
fn bad_number() {
    let (l, c, m, full) = one("fixtures/malformed/bad_number.csv");
    assert_eq!((l, c), (3, 6));
    assert_eq!(
        m,
        r#"bad weight (got "abc", expected a finite non-negative number)"#
    );
    assert!(full.ends_with("fixtures/malformed/bad_number.csv:3:6: bad weight (got \"abc\", expected a finite non-negative number)"), "{full}");
}

#[test]
fn unknown_kind_lists_valid_kinds() {
    let (l, c, m, _) = one("fixtures/malformed/unknown_kind.csv");
    assert_eq!((l, c), (4, 3));
    assert_eq!(
        m,
        r#"unknown interaction kind (got "poke", expected one of reply, mention, share, like, comment, review, follow, message, co-create)"#
    );
}

#[test]
fn bad_timestamp() {
    let (l, c, m, _) = one("fixtures/malformed/bad_timestamp.csv");
    assert_eq!((l, c), (3, 5));
    assert_eq!(
        m,
        r#"bad timestamp (got "2025-13-45", expected RFC 3339 like 2024-03-01T12:00:00Z, YYYY-MM-DD or unix seconds)"#
    );
}

#[test]
fn wrong_column_count() {
    let (l, c, m, _) = one("fixtures/malformed/wrong_column_count.csv");
    assert_eq!((l, c), (3, 0));
    assert_eq!(
        m,
        "wrong number of columns (got 4, expected 7 as in the header)"
    );
}

#[test]
fn non_utf8() {
    let (l, c, m, _) = one("fixtures/malformed/non_utf8.csv");
    assert_eq!((l, c), (3, 1));
    assert_eq!(
        m,
        "invalid UTF-8 (got \"caf\u{FFFD}\", expected UTF-8 text; bad byte at offset 3)"
    );
}

#[test]
fn nan_weight() {
    let (l, c, m, _) = one("fixtures/malformed/not_finite.csv");
    assert_eq!((l, c), (4, 6));
    assert_eq!(
        m,
        r#"weight is not finite (got "NaN", expected a finite non-negative number)"#
    );
}

#[test]
fn infinite_sentiment_in_tsv() {
    let (l, c, m, _) = one("fixtures/malformed/infinite_sentiment.tsv");
    assert_eq!((l, c), (3, 7));
    assert_eq!(
        m,
        r#"sentiment is not finite (got "inf", expected a number in [-1, 1])"#
    );
}

#[test]
fn sentiment_out_of_range() {
    let (l, c, m, _) = one("fixtures/malformed/sentiment_out_of_range.csv");
    assert_eq!((l, c), (3, 7));
    assert_eq!(
        m,
        r#"sentiment out of range (got "1.5", expected a number in [-1, 1])"#
    );
}

#[test]
fn unknown_id_when_customers_given() {
    let (l, c, m, full) = one("fixtures/malformed/unknown_id");
    assert_eq!((l, c), (3, 2));
    assert_eq!(
        m,
        r#"unknown id (got "mallory", expected a customer or account id from customers.*/accounts.*, or a handle from identities.*)"#
    );
    assert!(full.contains("unknown_id/interactions.csv:3:2: "), "{full}");
}

#[test]
fn negative_amount() {
    let (l, c, m, full) = one("fixtures/malformed/negative_amount");
    assert_eq!((l, c), (3, 3));
    assert_eq!(
        m,
        r#"negative amount (got "-5.00", expected a non-negative number)"#
    );
    assert!(
        full.contains("negative_amount/transactions.csv:3:3: "),
        "{full}"
    );
}

#[test]
fn bad_json_line() {
    let (l, c, m, _) = one("fixtures/malformed/bad_json.jsonl");
    assert_eq!((l, c), (2, 0));
    assert!(m.starts_with(r#"invalid JSON (got "{\"source\":\"bob\",\"target\":", expected one JSON object per line"#), "{m}");
}

#[test]
fn missing_required_column_is_fatal() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed/missing_column.csv");
    let err = load(&p, &IngestOptions::default()).expect_err("header without kind");
    let Error::Record(r) = err else {
        panic!("expected a record error, got {err}")
    };
    assert_eq!((r.line, r.column), (1, 0));
    assert_eq!(
        r.message,
        r#"missing required column "kind" in the header (got "source,target,platform,timestamp", expected columns source, target, kind, timestamp; optional: platform, weight, sentiment)"#
    );
}

#[test]
fn good_rows_around_a_bad_one_are_kept() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed/bad_number.csv");
    let ds = load(&p, &IngestOptions::default()).expect("loads");
    assert_eq!(ds.report.interactions, 2);
    assert_eq!(ds.report.files[0].rows, 3);
    assert_eq!(ds.report.files[0].rejected, 1);
}

#[test]
fn strict_makes_any_reject_fatal() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed/unknown_kind.csv");
    let opts = IngestOptions {
        strict: true,
        ..Default::default()
    };
    match load(&p, &opts) {
        Err(Error::Strict { count, first }) => {
            assert_eq!(count, 1);
            assert!(
                first.contains("unknown_kind.csv:4:3: unknown interaction kind"),
                "{first}"
            );
        }
        other => panic!("expected a strict error, got {other:?}"),
    }
}
