//! `kolgraph stats` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};

/// Arguments of `kolgraph stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph stats`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&args, ctx);
    anyhow::bail!("`kolgraph stats` is not implemented yet")
}
