//! `kolgraph generate`: write a seeded synthetic brand community to a folder.

use crate::cli::{Ctx, ExitStatus, OutputArgs};
use crate::generate::{generate, GenerateConfig};
use crate::output::table::emit;
use crate::output::Table;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Writes customers.csv, accounts.csv, identities.csv, interactions.csv, transactions.csv and the
ground truth leaders.csv (planted opinion leaders) and communities.csv. Same --seed = byte-identical
files, whatever --threads.

Examples:
  kolgraph generate --out data/small
  kolgraph generate --customers 300 --interactions 3000 --brands 5 --seed 42 --out fixtures/community
  kolgraph generate --customers 1000000 --interactions 10000000 --out bench-work/10m --gzip";

/// Arguments of `kolgraph generate`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Folder to write (created if missing; files in it are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub config: GenerateConfig,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph generate`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let t0 = std::time::Instant::now();
    let s = generate(&args.config, ctx.seed, &args.out)?;
    ctx.debug(&format!("generated in {:.2?}", t0.elapsed()));
    let mut t = Table::new(["item", "value"]);
    t.push(["folder".to_string(), args.out.display().to_string()]);
    t.push(["seed".to_string(), s.seed.to_string()]);
    t.push(["customers".to_string(), s.config.customers.to_string()]);
    t.push([
        "interactions".to_string(),
        s.config.interactions.to_string(),
    ]);
    t.push(["brands".to_string(), s.config.brands.to_string()]);
    t.push(["communities".to_string(), s.communities.to_string()]);
    t.push(["planted leaders".to_string(), s.leaders.to_string()]);
    t.push(["transactions".to_string(), s.transactions.to_string()]);
    emit(args.output.format, args.output.output.as_deref(), &t, &s)?;
    Ok(ExitStatus::Success)
}
