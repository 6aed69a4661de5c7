//! `kolgraph report` (not implemented yet).

use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};

/// Arguments of `kolgraph report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph report`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let _ = (&args, ctx);
    anyhow::bail!("`kolgraph report` is not implemented yet")
}
