//! Graph layer: the typed property graph (petgraph) and the compact CSR view for algorithms.

pub mod csr;
pub mod edges;
pub mod model;
pub mod property;

pub use csr::{Csr, CsrGraph, WeightView};
pub use edges::EdgeTable;
pub use model::{
    CompactStr, EdgeData, InteractionKind, NodeData, NodeExtra, NodeKind, Props, Transaction,
    N_KINDS,
};
pub use property::{InteractionRow, PropertyGraph, NO_PLATFORM, ROW_HAS_SENTIMENT, ROW_HAS_TS};
