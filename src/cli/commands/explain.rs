//! `kolgraph explain`: every component of one customer's score.

use super::rank::RankArgs;
use crate::cli::{Ctx, ExitStatus, InputArgs, OutputArgs};
use crate::error::Error;
use crate::output::table::{emit, fmt_f};
use crate::output::Table;
use crate::rank::pipeline::reached_from;

/// Arguments of `kolgraph explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Shows the purchase part (RFM, CLV), every network component with its weight and contribution,
the rank under purchase-only and blended ranking, roles with evidence, quadrant, lifecycle stage
with the recommended action, community and the customers most likely reached.

Examples:
  kolgraph explain fixtures/community c0042
  kolgraph explain fixtures/community instagram:@anna --format json")]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Customer id (or a merged platform handle).
    #[arg(value_name = "CUSTOMER")]
    pub customer: String,
    #[command(flatten)]
    pub rank: RankArgs,
    /// How many reached customers to list.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub reached: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run `kolgraph explain`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let (ds, a) = args.rank.run_analysis(&args.input, ctx, 0, true)?;
    let v = ds
        .graph
        .index_of(&args.customer)
        .ok_or_else(|| Error::UnknownCustomer(args.customer.clone()))?;
    let kind = ds.graph.kind(v);
    if kind.is_brand_side() {
        anyhow::bail!(
            "{:?} is a {kind} account: brand and staff accounts are never ranked as customers",
            args.customer
        );
    }
    let reached = reached_from(&ds, &a, v, args.reached, ctx.seed);
    let e = a.explain(&ds.graph, v, reached);
    let mut t = Table::new(["part", "raw", "scaled", "weight", "contribution"]);
    t.title = Some(format!("{} — {}", e.customer.id, e.summary.join("\n  ")));
    for p in &e.importance_parts {
        t.push([
            format!("importance.{}", p.name),
            p.raw.map_or("-".into(), |x| fmt_f(x, 4)),
            fmt_f(p.scaled, 4),
            fmt_f(p.weight, 3),
            fmt_f(p.contribution, 4),
        ]);
    }
    for p in &e.network_parts {
        t.push([
            format!("network.{}", p.name),
            p.raw.map_or("-".into(), |x| fmt_f(x, 6)),
            fmt_f(p.scaled, 4),
            fmt_f(p.weight, 3),
            fmt_f(p.contribution, 4),
        ]);
    }
    if e.wom_penalty > 0.0 {
        t.push([
            "network.wom_penalty".to_string(),
            fmt_f(e.customer.network.wom_risk, 3),
            "-".into(),
            fmt_f(a.config.rank.network.wom_penalty, 3),
            fmt_f(-e.wom_penalty, 4),
        ]);
    }
    for (c, why) in &e.unavailable {
        t.push([
            format!("network.{c}"),
            "unavailable".to_string(),
            why.clone(),
            "-".into(),
            "-".into(),
        ]);
    }
    if let Some(r) = &e.top_reached {
        for x in r {
            t.push([
                "reached".to_string(),
                x.id.clone(),
                fmt_f(x.probability, 3),
                "-".into(),
                "-".into(),
            ]);
        }
    }
    emit(args.output.format, args.output.output.as_deref(), &t, &e)?;
    Ok(ExitStatus::Success)
}
