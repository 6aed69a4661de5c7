//! # kolgraph
//!
//! Find the customers who move a brand's community. The pipeline:
//!
//! ```text
//! ingest (CSV/TSV/JSONL/edge list, validated) → graph (petgraph property graph → CSR)
//!   → algo (centrality, community, small world, diffusion, influence maximization)
//!   → rank (purchase value × network value, roles, lifecycle, explanations)
//!   → output (table/CSV/JSON, charts, HTML report) and neo4j (Bolt export, import CSVs, read back)
//! ```
//!
//! Edge meaning: an interaction `source → target` means *source acted on target*. Attention and
//! credit flow source → target; word of mouth spreads target → source.

#![warn(missing_docs)]
#![allow(missing_docs)] // TODO(helpers): document every public item, then drop this line.

pub mod algo;
pub mod cli;
pub mod error;
pub mod generate;
pub mod graph;
pub mod ingest;
pub mod neo4j;
pub mod output;
pub mod rank;

pub use error::{Error, RecordError, Result};
