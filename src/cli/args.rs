//! Argument groups shared by subcommands, and the run context.

use crate::algo::rng::DEFAULT_SEED;
use crate::graph::{InteractionKind, WeightView, N_KINDS};
use crate::ingest::{self, Dataset, IngestOptions};
use crate::output::OutputFormat;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;

/// Options every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS). Results do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Seed of every random process (same input + seed = byte-identical output).
    #[arg(long, global = true, default_value_t = DEFAULT_SEED, value_name = "S")]
    pub seed: u64,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print phase timings and details on stderr (-vv for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

/// The run context handed to every command.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Seed of every random process.
    pub seed: u64,
    /// Threads requested (None = default).
    pub threads: Option<usize>,
    /// Only errors.
    pub quiet: bool,
    /// Verbosity level.
    pub verbose: u8,
    /// Progress bars allowed.
    pub progress: bool,
}

impl Ctx {
    /// Context from the global flags.
    pub fn from_global(g: &GlobalArgs) -> Self {
        Ctx {
            seed: g.seed,
            threads: g.threads,
            quiet: g.quiet,
            verbose: g.verbose,
            progress: !g.no_progress && !g.quiet,
        }
    }
    /// A warning on stderr (unless quiet).
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            eprintln!("warning: {msg}");
        }
    }
    /// An info line on stderr (unless quiet).
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
    /// A detail line on stderr with -v.
    pub fn debug(&self, msg: &str) {
        if self.verbose > 0 {
            eprintln!("{msg}");
        }
    }
    /// A progress reporter for a long phase (indicatif on stderr when it is a terminal).
    pub fn reporter(&self) -> super::progress::Bar {
        super::progress::Bar::new(self.progress)
    }
}

/// Where the data comes from and how it becomes a graph.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Dataset folder, interactions file (.csv/.tsv/.jsonl[.gz]), edge list, or neo4j:// / bolt:// URI.
    #[arg(value_name = "DATA")]
    pub data: String,
    /// Treat an edge list as undirected (each line is two arcs).
    #[arg(long, help_heading = "Input")]
    pub undirected: bool,
    /// Make any rejected row fatal (exit 1, nothing written).
    #[arg(long, help_heading = "Input")]
    pub strict: bool,
    /// Where to write rejected rows (default: <DATA>.rejects.csv beside the input, or none for URIs).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub rejects: Option<PathBuf>,
    /// Keep only interactions at or after this time (RFC 3339 or unix seconds).
    #[arg(long, value_name = "TIME", help_heading = "Input")]
    pub since: Option<String>,
    /// Keep only interactions before this time (RFC 3339 or unix seconds).
    #[arg(long, value_name = "TIME", help_heading = "Input")]
    pub until: Option<String>,
    /// Recency half-life in days: older interactions weigh less (weight × 2^-(age/half-life)).
    #[arg(long, value_name = "DAYS", help_heading = "Input")]
    pub half_life: Option<f64>,
    /// Weight of one interaction of a kind, e.g. `--kind-weight like=0.1` (repeatable).
    #[arg(long = "kind-weight", value_name = "KIND=W", help_heading = "Input")]
    pub kind_weights: Vec<String>,
    /// Ignore weights (every edge weighs 1).
    #[arg(long, help_heading = "Input")]
    pub unweighted: bool,
}

/// Parse RFC 3339 or unix seconds.
pub fn parse_time(s: &str) -> anyhow::Result<i64> {
    let t = s.trim();
    if let Ok(x) = t.parse::<i64>() {
        return Ok(x);
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp())
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .map(|x| x.and_utc().timestamp())
                    .unwrap_or(0)
            })
        })
        .with_context(|| format!("bad time {t:?} (expected RFC 3339, YYYY-MM-DD or unix seconds)"))
}

impl InputArgs {
    /// Ingest options from the flags.
    pub fn ingest_options(&self) -> anyhow::Result<IngestOptions> {
        if let Some(h) = self.half_life {
            if !(h.is_finite() && h > 0.0) {
                anyhow::bail!(
                    "invalid value for --half-life: got {h}, expected a positive number of days"
                );
            }
        }
        Ok(IngestOptions {
            undirected: self.undirected,
            strict: self.strict,
            since: self.since.as_deref().map(parse_time).transpose()?,
            until: self.until.as_deref().map(parse_time).transpose()?,
            half_life_secs: self.half_life.map(|d| d * 86_400.0),
            rejects_path: self.rejects.clone(),
        })
    }

    /// The weight view from the flags (reference time = `--until` or the latest timestamp).
    pub fn weight_view(&self, ds: &Dataset) -> anyhow::Result<WeightView> {
        let mut v = WeightView::default();
        for kw in &self.kind_weights {
            let (k, w) = kw
                .split_once('=')
                .with_context(|| format!("bad --kind-weight {kw:?} (expected KIND=WEIGHT)"))?;
            let kind: InteractionKind = k.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let w: f64 = w
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .with_context(|| {
                    format!("bad --kind-weight {kw:?} (expected a non-negative number after '=')")
                })?;
            v.kind_weights[kind.index()] = w;
        }
        debug_assert_eq!(v.kind_weights.len(), N_KINDS);
        v.unweighted = self.unweighted;
        v.half_life_secs = self.half_life.map(|d| d * 86_400.0);
        v.reference_ts = match &self.until {
            Some(u) => Some(parse_time(u)?),
            None => ds.report.max_ts,
        };
        Ok(v)
    }

    /// True when DATA is a Neo4j URI.
    pub fn is_neo4j_uri(&self) -> bool {
        ["neo4j://", "neo4j+s://", "bolt://", "bolt+s://"]
            .iter()
            .any(|p| self.data.starts_with(p))
    }

    /// Load the dataset, print the reject summary and write the rejects file.
    ///
    /// # Errors
    /// I/O, layout errors, and (with `--strict`) any rejected row.
    pub fn load(&self, ctx: &Ctx) -> anyhow::Result<Dataset> {
        let opts = self.ingest_options()?;
        let t0 = std::time::Instant::now();
        let ds = if self.is_neo4j_uri() {
            crate::neo4j::read::load_uri(&self.data, &opts)?
        } else {
            let p = PathBuf::from(&self.data);
            if !p.exists() {
                anyhow::bail!("{}: no such file or folder", p.display());
            }
            ingest::load(&p, &opts)?
        };
        let r = &ds.report;
        ctx.debug(&format!(
            "ingest: {} nodes, {} edges, {} interactions, {} rejected in {:.2?}",
            ds.graph.node_count(),
            ds.graph.edge_count(),
            r.interactions,
            r.rejects.len(),
            t0.elapsed()
        ));
        if !r.rejects.is_empty() {
            let path = self.rejects.clone().or_else(|| {
                (!self.is_neo4j_uri()).then(|| {
                    let p = PathBuf::from(&self.data);
                    let base = p
                        .file_name()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    p.with_file_name(format!("{base}.rejects.csv"))
                })
            });
            if let Some(path) = &path {
                crate::ingest::write_rejects(path, &r.rejects)?;
            }
            ctx.warn(&format!(
                "{} row(s) rejected{}",
                r.rejects.len(),
                path.map(|p| format!(" (written to {})", p.display()))
                    .unwrap_or_default()
            ));
            for e in r
                .rejects
                .iter()
                .take(if ctx.verbose > 0 { usize::MAX } else { 10 })
            {
                ctx.warn(&e.to_string());
            }
        }
        Ok(ds)
    }
}

/// Where and how results are written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table, help_heading = "Output")]
    pub format: OutputFormat,
    /// Write results to FILE instead of stdout.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        help_heading = "Output"
    )]
    pub output: Option<PathBuf>,
}
