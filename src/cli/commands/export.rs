//! `kolgraph export neo4j|neo4j-import` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, InputArgs};

/// Export targets.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write the graph and every result to Neo4j over Bolt (password from NEO4J_PASSWORD).
    Neo4j(Neo4jArgs),
    /// Write CSVs for `neo4j-admin database import` (graphs too big for Bolt).
    Neo4jImport(ImportArgs),
}

/// Arguments of `export neo4j`.
#[derive(Debug, clap::Args)]
pub struct Neo4jArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `export neo4j-import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder for the CSVs.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

/// Run an export.
pub fn run(cmd: ExportCommand, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&cmd, ctx);
    anyhow::bail!("`kolgraph export` is not implemented yet")
}
