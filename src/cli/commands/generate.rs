//! `kolgraph generate` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, OutputArgs};

/// Arguments of `kolgraph generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph generate`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&args, ctx);
    anyhow::bail!("`kolgraph generate` is not implemented yet")
}
