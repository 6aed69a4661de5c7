//! Read a graph back from Neo4j (`neo4j://` / `bolt://` DATA arguments).

use crate::error::{Error, Result};
use crate::ingest::{Dataset, IngestOptions};

/// Load a dataset from a Neo4j URI.
///
/// # Errors
/// Connection, query or mapping errors.
pub fn load_uri(uri: &str, _opts: &IngestOptions) -> Result<Dataset> {
    Err(Error::Neo4j {
        message: format!("reading from {uri} is not implemented yet"),
    })
}
