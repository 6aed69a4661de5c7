//! `kolgraph smallworld` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};

/// Arguments of `kolgraph smallworld`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph smallworld`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&args, ctx);
    anyhow::bail!("`kolgraph smallworld` is not implemented yet")
}
