//! The command-line interface: clap derive parser, dispatch, exit codes.
//!
//! Exit codes: 0 success; 1 the run finished but a requested check failed (`--strict` with
//! rejected rows, a convergence requirement not met); 2 error (usage, I/O, invalid parameters,
//! Neo4j). A closed stdout pipe is not an error.

pub mod args;
pub mod commands;
pub mod progress;

use clap::{Parser, Subcommand};

pub use args::{Ctx, GlobalArgs, InputArgs, OutputArgs};

/// Exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success = 0,
    /// The run finished but a requested check failed.
    Failure = 1,
    /// An error stopped the run.
    Error = 2,
}

const AFTER_HELP: &str = "\
Edge meaning: a row `source → target` means SOURCE acted on TARGET (replied to, shared, mentioned...).
Attention and credit flow source → target; word of mouth spreads target → source.

Examples:
  kolgraph analyze fixtures/community --out out/        # the whole job: rank, communities, seeds, charts
  kolgraph stats fixtures/community                      # what was loaded, rejected rows, CSR memory
  kolgraph centrality fixtures/community --algo pagerank --top 10
  kolgraph communities fixtures/community --method leiden --format csv -o communities.csv
  kolgraph seeds fixtures/community --k 10 --method imm
  kolgraph rank fixtures/community --format json -o ranking.json
  kolgraph explain fixtures/community c0042
  kolgraph generate --customers 5000 --interactions 100000 --out data/synthetic
  NEO4J_PASSWORD=... kolgraph export neo4j fixtures/community --uri bolt://127.0.0.1:7687

Exit codes: 0 ok, 1 a requested check failed (e.g. --strict with bad rows), 2 error.";

/// kolgraph: find the customers who move a brand's community.
///
/// Loads social interaction exports and order history into a property graph, runs parallel
/// graph algorithms (PageRank, LeaderRank, HITS, betweenness, k-core, Leiden/Louvain, spread
/// simulation, influence maximization) and blends network value with purchase value into one
/// explained customer-importance ranking.
#[derive(Debug, Parser)]
#[command(name = "kolgraph", version, about, long_about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// kolgraph's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: ingest, centralities, communities, small world, spread, seeds, ranking, charts.
    Analyze(commands::analyze::Args),
    /// Summarise a dataset: nodes, edges by kind and platform, rejected rows, components, memory.
    Stats(commands::stats::Args),
    /// Generate a seeded synthetic brand community (interactions, customers, transactions ...).
    Generate(commands::generate::Args),
    /// Influence centralities: PageRank, LeaderRank, HITS, degree, betweenness, k-core.
    Centrality(commands::centrality::Args),
    /// Communities (Leiden, Louvain, label propagation) with leaders and brand-led/consumer-led type.
    Communities(commands::communities::Args),
    /// Small-world analysis: clustering, path lengths, sigma and omega.
    Smallworld(commands::smallworld::Args),
    /// Simulate word-of-mouth spread (IC, LT, SIR, IC-N negative word of mouth).
    Simulate(commands::simulate::Args),
    /// Pick campaign seeds (IMM, CELF, degree, PageRank).
    Seeds(commands::seeds::Args),
    /// Customer-importance ranking: purchase value blended with network value.
    Rank(commands::rank::Args),
    /// Explain one customer's score, role, stage and reach.
    Explain(commands::explain::Args),
    /// Export the graph and results (Neo4j over Bolt, or CSVs for neo4j-admin import).
    #[command(subcommand)]
    Export(commands::export::ExportCommand),
    /// Draw charts (PNG + SVG + CSV of the plotted data).
    Chart(commands::chart::Args),
    /// Write a self-contained HTML report.
    Report(commands::report::Args),
}

/// Run a parsed command line.
///
/// # Errors
/// Any error from the command, with its context chain.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let ctx = Ctx::from_global(&cli.global);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.global.threads.unwrap_or(0))
        .build()?;
    ctx.debug(&format!("using {} thread(s)", pool.current_num_threads()));
    pool.install(|| match cli.command {
        Command::Analyze(a) => commands::analyze::run(a, &ctx),
        Command::Stats(a) => commands::stats::run(a, &ctx),
        Command::Generate(a) => commands::generate::run(a, &ctx),
        Command::Centrality(a) => commands::centrality::run(a, &ctx),
        Command::Communities(a) => commands::communities::run(a, &ctx),
        Command::Smallworld(a) => commands::smallworld::run(a, &ctx),
        Command::Simulate(a) => commands::simulate::run(a, &ctx),
        Command::Seeds(a) => commands::seeds::run(a, &ctx),
        Command::Rank(a) => commands::rank::run(a, &ctx),
        Command::Explain(a) => commands::explain::run(a, &ctx),
        Command::Export(a) => commands::export::run(a, &ctx),
        Command::Chart(a) => commands::chart::run(a, &ctx),
        Command::Report(a) => commands::report::run(a, &ctx),
    })
}
