//! Small builders for neo4rs parameter values (one `BoltMap` per row, no intermediate clones).

use neo4rs::{BoltList, BoltMap, BoltNull, BoltString, BoltType};

/// A row under construction.
#[derive(Debug, Default)]
pub struct Row(BoltMap);

impl Row {
    /// Empty row with room for `n` keys.
    pub fn with_capacity(n: usize) -> Self {
        Row(BoltMap::with_capacity(n))
    }
    /// Add a key.
    pub fn put(&mut self, key: &str, v: BoltType) -> &mut Self {
        self.0.put(BoltString::from(key), v);
        self
    }
    /// Finish.
    pub fn done(self) -> BoltType {
        BoltType::Map(self.0)
    }
}

/// String value.
pub fn s(v: &str) -> BoltType {
    BoltType::String(BoltString::from(v))
}
/// Integer value.
pub fn i(v: i64) -> BoltType {
    v.into()
}
/// Float value.
pub fn f(v: f64) -> BoltType {
    v.into()
}
/// Boolean value.
pub fn b(v: bool) -> BoltType {
    v.into()
}
/// Null (removes the property under `SET n += map`).
pub fn null() -> BoltType {
    BoltType::Null(BoltNull)
}
/// Optional value, null when absent.
pub fn opt<T>(v: Option<T>, conv: impl FnOnce(T) -> BoltType) -> BoltType {
    v.map(conv).unwrap_or_else(null)
}
/// List value.
pub fn list(values: Vec<BoltType>) -> BoltType {
    BoltType::List(BoltList { value: values })
}
/// Map value from an already built row.
pub fn map(r: Row) -> BoltType {
    r.done()
}
/// UTC datetime from unix seconds (null when out of chrono's range).
pub fn datetime(secs: i64) -> BoltType {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(null, |t| {
        BoltType::DateTime(neo4rs::BoltDateTime::from(t.fixed_offset()))
    })
}
