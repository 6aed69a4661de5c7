//! `kolgraph export neo4j|neo4j-import`: the graph and its analysis results into Neo4j.
//!
//! Results come from [`analysis_results`], the single place where the analysis modules plug in:
//! it returns a [`ResultColumns`] bundle (node properties, tier labels, communities, run info) that
//! the writers in `crate::neo4j` turn into statements or CSV columns.

use crate::cli::{Ctx, ExitStatus, InputArgs};
use crate::ingest::Dataset;
use crate::neo4j::client::{Client, ConnectOptions, DEFAULT_URI, PASSWORD_ENV};
use crate::neo4j::export::{
    self, CommunityRow, ExportOptions, PropValue, ResultColumns, RunInfo, TierLabel,
};
use crate::neo4j::import_csv;
use crate::rank::lifecycle::Stage;
use crate::rank::pipeline::{analyze, Analysis, AnalyzeConfig};
use crate::rank::roles::{Quadrant, Role};
use anyhow::Context as _;

const NEO4J_HELP: &str = "\
Writes (idempotently: MERGE on ids, absolute SETs) every account as (:Account:Customer|Brand|Staff),
one relationship type per interaction kind (REPLIED_TO, MENTIONED, SHARED, LIKED, COMMENTED_ON,
REVIEWED, FOLLOWS, MESSAGED, CO_CREATED_WITH) with count, weight, firstAt/lastAt and sentiment,
the analysis results as node properties and tier labels, and an (:AnalysisRun) node. Re-running
after a failure completes the export without duplicates.

The password is read from NEO4J_PASSWORD only (never a flag, never printed).

Examples:
  scripts/neo4j-dev start
  kolgraph export neo4j fixtures/community --uri bolt://127.0.0.1:7687 --dry-run
  NEO4J_PASSWORD=secret kolgraph export neo4j fixtures/community --uri bolt://127.0.0.1:7687
  kolgraph export neo4j-import fixtures/community out/import   # then see out/import/IMPORT.txt";

/// Export targets.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write the graph and every result to Neo4j over Bolt (password from NEO4J_PASSWORD).
    #[command(after_help = NEO4J_HELP)]
    Neo4j(Neo4jArgs),
    /// Write CSVs for `neo4j-admin database import full` (graphs too big for Bolt).
    #[command(
        after_help = "Writes accounts_header.csv, accounts.csv, interactions_header.csv, interactions.csv,\nIMPORT.txt (the exact neo4j-admin command) and IMPORT.args (its arguments, one per line)\ninto DIR. The :ID column is the dense node index, imported with --id-type=actual (no id\nmapping); the external id is the `id` property.\n\nExample:\n  kolgraph export neo4j-import fixtures/community out/import\n  scripts/neo4j-dev stop && scripts/neo4j-dev import out/import && scripts/neo4j-dev start"
    )]
    Neo4jImport(ImportArgs),
}

/// Arguments of `export neo4j`.
#[derive(Debug, clap::Args)]
pub struct Neo4jArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Bolt URI (bolt:// or neo4j://; neo4j:// is used as a direct connection).
    #[arg(long, default_value = DEFAULT_URI, help_heading = "Neo4j")]
    pub uri: String,
    /// User name.
    #[arg(long, default_value = "neo4j", help_heading = "Neo4j")]
    pub user: String,
    /// Database name.
    #[arg(long, default_value = "neo4j", help_heading = "Neo4j")]
    pub database: String,
    /// Rows per node/property batch (relationship batches are half as large).
    #[arg(long, default_value_t = export::DEFAULT_BATCH_SIZE, value_name = "ROWS", help_heading = "Neo4j")]
    pub batch_size: usize,
    /// Parallel writers for node and property batches.
    #[arg(long, default_value_t = export::DEFAULT_WRITERS, value_name = "N", help_heading = "Neo4j")]
    pub writers: usize,
    /// Parallel writers for relationship batches; above 1 they write node-disjoint lanes
    /// (no lock waits or deadlocks on hubs).
    #[arg(long, default_value_t = export::DEFAULT_REL_WRITERS, value_name = "N", help_heading = "Neo4j")]
    pub rel_writers: usize,
    /// Always MERGE nodes and relationships, even into a database without :Account nodes
    /// (by default a first export into an empty database uses the faster CREATE).
    #[arg(long, help_heading = "Neo4j")]
    pub always_merge: bool,
    /// Give up after a statement kept failing on connection errors for this long.
    #[arg(
        long,
        default_value_t = 60,
        value_name = "SECS",
        help_heading = "Neo4j"
    )]
    pub retry_secs: u64,
    /// Write only the graph, no analysis results.
    #[arg(long, help_heading = "Neo4j")]
    pub graph_only: bool,
    /// Print the statements and row counts; connect to nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `export neo4j-import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder for the CSVs.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Write only the graph, no analysis results.
    #[arg(long)]
    pub graph_only: bool,
}

/// The analysis results written next to the graph. **Integration point**: runs the ranking pipeline
/// (`rank::pipeline::analyze`: centralities, communities, purchase and network value, roles,
/// lifecycle) and maps it onto a [`ResultColumns`] bundle. Other modules add columns with
/// `ResultColumns::push_f64`/`push_i64`/`push_str`, tier labels with `push_label_ids`, communities in
/// `communities`. If the analysis cannot run (e.g. a graph without customers) the degree columns
/// (`inDegree`, `outDegree`, `interactionsIn`, `interactionsOut`) are still written.
pub fn analysis_results(ds: &Dataset, input: &InputArgs, ctx: &Ctx) -> ResultColumns {
    let mut r = degree_results(ds, ctx);
    let cfg = AnalyzeConfig {
        view: input.weight_view(ds).unwrap_or_default(),
        ..AnalyzeConfig::default()
    };
    let bar = ctx.reporter();
    match analyze(ds, &cfg, ctx.seed, &bar) {
        Ok(a) => add_analysis(&mut r, ds, &a),
        Err(e) => ctx.warn(&format!(
            "analysis skipped ({e}); exporting the graph with degree columns only"
        )),
    }
    r
}

fn add_analysis(r: &mut ResultColumns, ds: &Dataset, a: &Analysis) {
    let n = ds.graph.node_count();
    let nv = &a.network.nodes;
    let opt = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<PropValue> {
        (0..n)
            .map(|v| f(v).map_or(PropValue::Null, PropValue::Float))
            .collect()
    };
    let cust = |v: usize| a.customers.get(v).copied().unwrap_or(false);
    r.node_props.push((
        "importance".into(),
        opt(&|v| cust(v).then(|| a.ranking.importance[v])),
    ));
    r.node_props.push((
        "rank".into(),
        (0..n)
            .map(|v| match a.ranking.rank[v] {
                0 => PropValue::Null,
                k => PropValue::Int(i64::from(k)),
            })
            .collect(),
    ));
    r.node_props.push((
        "purchaseValue".into(),
        opt(&|v| cust(v).then(|| a.ranking.purchase_pct[v])),
    ));
    r.node_props.push((
        "networkValue".into(),
        opt(&|v| cust(v).then(|| a.ranking.network_pct[v])),
    ));
    r.node_props
        .push(("purchaseAmount".into(), opt(&|v| Some(a.purchase_value[v]))));
    r.node_props
        .push(("influence".into(), opt(&|v| nv[v].influence)));
    r.node_props.push(("reach".into(), opt(&|v| nv[v].reach)));
    r.node_props
        .push(("betweenness".into(), opt(&|v| nv[v].betweenness)));
    r.node_props
        .push(("womRisk".into(), opt(&|v| Some(nv[v].wom_risk))));
    if let Some(core) = &a.core {
        r.push_i64("core", core.iter().map(|&c| i64::from(c)));
    }
    r.push_str(
        "role",
        (0..n).map(|v| a.roles[v].first().map(|h| h.role.as_str().to_string())),
    );
    r.push_str(
        "roles",
        (0..n).map(|v| {
            (!a.roles[v].is_empty()).then(|| {
                a.roles[v]
                    .iter()
                    .map(|h| h.role.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
        }),
    );
    r.push_str(
        "lifecycle",
        (0..n).map(|v| cust(v).then(|| a.lifecycle[v].stage.as_str().to_string())),
    );
    r.push_str(
        "quadrant",
        (0..n).map(|v| a.quadrant[v].map(|q| q.as_str().to_string())),
    );
    let has = |v: usize, role: Role| a.roles[v].iter().any(|h| h.role == role);
    r.push_label(
        TierLabel::OpinionLeader,
        (0..n).map(|v| has(v, Role::OpinionLeader)).collect(),
    );
    r.push_label(
        TierLabel::Bridge,
        (0..n).map(|v| has(v, Role::Bridge)).collect(),
    );
    r.push_label(
        TierLabel::Connector,
        (0..n).map(|v| has(v, Role::CommunityLeader)).collect(),
    );
    r.push_label(
        TierLabel::Detractor,
        (0..n)
            .map(|v| has(v, Role::Detractor) || nv[v].wom_flag)
            .collect(),
    );
    r.push_label(
        TierLabel::Advocate,
        (0..n)
            .map(|v| a.quadrant[v] == Some(Quadrant::Advocate))
            .collect(),
    );
    r.push_label(
        TierLabel::AtRisk,
        (0..n)
            .map(|v| cust(v) && a.lifecycle[v].stage == Stage::Declining)
            .collect(),
    );
    r.push_label(
        TierLabel::Newcomer,
        (0..n)
            .map(|v| cust(v) && a.lifecycle[v].stage == Stage::Exploration)
            .collect(),
    );
    let top: Vec<u32> = a
        .ranking
        .order
        .iter()
        .take(TOP_CUSTOMERS)
        .copied()
        .collect();
    r.push_label_ids(TierLabel::TopCustomer, n, &top);
    // Communities with leaders (by in-community rank) from the network values.
    let mut comms: std::collections::BTreeMap<u32, CommunityAcc> = Default::default();
    for (v, x) in nv.iter().enumerate() {
        if let Some(c) = x.community {
            let e = comms.entry(c).or_default();
            e.0.push(v as u32);
            if let Some(k) = x.community_rank {
                e.1.push((k, v as u32));
            }
        }
    }
    r.communities = comms
        .into_iter()
        .map(|(c, (members, mut ranked))| {
            ranked.sort_unstable();
            CommunityRow {
                id: i64::from(c),
                members,
                leaders: ranked.iter().take(3).map(|&(_, v)| v).collect(),
                props: Vec::new(),
            }
        })
        .collect();
    r.run.command = "export (analyze)".into();
    r.run.params = serde_json::to_value(&a.config).unwrap_or_default();
}

/// Members and (in-community rank, node) pairs of one community.
type CommunityAcc = (Vec<u32>, Vec<(u32, u32)>);

/// Customers labelled `:TopCustomer`.
const TOP_CUSTOMERS: usize = 25;

fn degree_results(ds: &Dataset, ctx: &Ctx) -> ResultColumns {
    let g = &ds.graph;
    let n = g.node_count();
    let (mut indeg, mut outdeg) = (vec![0i64; n], vec![0i64; n]);
    let (mut iin, mut iout) = (vec![0i64; n], vec![0i64; n]);
    for (s, t, e) in g.edges() {
        let c = e.total() as i64;
        outdeg[s as usize] += 1;
        indeg[t as usize] += 1;
        iout[s as usize] += c;
        iin[t as usize] += c;
    }
    let params = serde_json::json!({ "results": "degree" });
    let mut r = ResultColumns::new(RunInfo::for_dataset(ds, "export", params, ctx.seed));
    r.push_i64("inDegree", indeg);
    r.push_i64("outDegree", outdeg);
    r.push_i64("interactionsIn", iin);
    r.push_i64("interactionsOut", iout);
    r
}

/// Run an export.
pub fn run(cmd: ExportCommand, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    match cmd {
        ExportCommand::Neo4j(a) => run_bolt(a, ctx),
        ExportCommand::Neo4jImport(a) => run_import(a, ctx),
    }
}

fn run_bolt(a: Neo4jArgs, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    if a.batch_size == 0 {
        return Err(crate::Error::param("--batch-size", 0, "a positive number of rows").into());
    }
    if a.writers == 0 || a.rel_writers == 0 {
        return Err(crate::Error::param("--writers/--rel-writers", 0, "at least 1").into());
    }
    crate::neo4j::client::normalise_uri(&a.uri)?;
    let ds = a.input.load(ctx)?;
    let results = (!a.graph_only).then(|| analysis_results(&ds, &a.input, ctx));
    let opts = ExportOptions {
        batch_size: a.batch_size,
        rel_batch_size: (a.batch_size / 2).max(1),
        writers: a.writers,
        rel_writers: a.rel_writers,
        create_when_empty: !a.always_merge,
    };
    let steps = export::plan(&ds, results.as_ref(), &opts)?;
    if a.dry_run {
        crate::output::table::write_bytes(None, export::dry_run(&steps).as_bytes())?;
        return Ok(ExitStatus::Success);
    }
    let mut co = ConnectOptions::from_env(&a.uri, &a.user, &a.database);
    co.max_connections = a.writers.max(a.rel_writers) + 1;
    co.retry_secs = a.retry_secs;
    if std::env::var_os(PASSWORD_ENV).is_none() {
        ctx.debug("NEO4J_PASSWORD is not set: connecting with an empty password");
    }
    let client = Client::connect(&co).with_context(|| format!("connecting to {}", a.uri))?;
    let bar = ctx.reporter();
    let sum = export::execute(&client, &steps, &opts, &bar)
        .context("export interrupted; re-run the same command to complete it (no duplicates)")?;
    ctx.info(&format!(
        "exported {} nodes ({:.0}/s), {} relationships ({:.0}/s), {} result rows in {:.1}s to {} (database {})",
        sum.nodes,
        sum.nodes as f64 / sum.node_secs.max(1e-9),
        sum.relationships,
        sum.relationships as f64 / sum.rel_secs.max(1e-9),
        sum.result_rows,
        sum.total_secs,
        a.uri,
        a.database
    ));
    let json = serde_json::to_string(&sum)?;
    crate::output::table::write_bytes(None, format!("{json}\n").as_bytes())?;
    Ok(ExitStatus::Success)
}

fn run_import(a: ImportArgs, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let ds = a.input.load(ctx)?;
    let results = (!a.graph_only).then(|| analysis_results(&ds, &a.input, ctx));
    let t0 = std::time::Instant::now();
    let f = import_csv::write(&ds, results.as_ref(), &a.dir)?;
    ctx.info(&format!(
        "wrote {} nodes and {} relationships to {} in {:.1}s; import with:\n  cd {} && {}",
        f.nodes,
        f.relationships,
        a.dir.display(),
        t0.elapsed().as_secs_f64(),
        a.dir.display(),
        f.command
    ));
    Ok(ExitStatus::Success)
}
