//! Neo4j: the only module that talks to Neo4j (neo4rs + tokio). Bolt export, read-back of
//! graphs that live in Neo4j, and CSVs for `neo4j-admin database import`.
//!
//! * [`client`]: connection, retries, runtime;
//! * [`export`]: the graph and a generic [`export::ResultColumns`] bundle over Bolt;
//! * [`read`]: `neo4j://`/`bolt://` DATA arguments;
//! * [`import_csv`]: header + data CSVs for `neo4j-admin database import full`.

pub mod bolt;
pub mod client;
pub mod export;
pub mod import_csv;
pub mod read;
