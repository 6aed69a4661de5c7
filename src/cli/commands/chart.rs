//! `kolgraph chart` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};

/// Arguments of `kolgraph chart`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph chart`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&args, ctx);
    anyhow::bail!("`kolgraph chart` is not implemented yet")
}
