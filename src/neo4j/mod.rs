//! Neo4j: the only module that talks to Neo4j (neo4rs + tokio). Bolt export, read-back of
//! graphs that live in Neo4j, and CSVs for `neo4j-admin database import`.

pub mod read;
