//! One file per subcommand: its clap `Args` and its `run`.

pub mod analyze;
pub mod centrality;
pub mod chart;
pub mod communities;
pub mod explain;
pub mod export;
pub mod generate;
pub mod rank;
pub mod report;
pub mod seeds;
pub mod simulate;
pub mod smallworld;
pub mod stats;
