//! Connection handling: one place that builds the neo4rs [`Graph`], runs statements with retries and
//! owns the tokio runtime. Every other module in `neo4j` goes through here, so a neo4rs upgrade is a
//! change to this file (plus the `BoltType` builders in `bolt.rs`).
//!
//! Retries: neo4rs 0.8 retries `TransientError`s (deadlocks, lock timeouts) inside `Graph::run` with
//! its own exponential back-off. It does **not** retry I/O failures (server restarting, connection
//! reset), so [`Client::run`] wraps every statement in a second back-off loop bounded by
//! `retry_secs`. That is safe only because every statement kolgraph sends is idempotent (`MERGE` on
//! constrained ids, `SET` of absolute values): replaying a batch whose commit was lost changes nothing.

use crate::error::{Error, Result};
use neo4rs::{ConfigBuilder, Graph, Query};
use std::time::{Duration, Instant};

/// Environment variable holding the password (never a flag, never printed).
pub const PASSWORD_ENV: &str = "NEO4J_PASSWORD";
/// Environment variable with the user for `neo4j://` DATA arguments (default `neo4j`).
pub const USER_ENV: &str = "NEO4J_USER";
/// Environment variable with the database for `neo4j://` DATA arguments (default `neo4j`).
pub const DATABASE_ENV: &str = "NEO4J_DATABASE";
/// Default Bolt URI of the dev server.
pub const DEFAULT_URI: &str = "bolt://127.0.0.1:7687";

/// Where and as whom to connect.
#[derive(Clone)]
pub struct ConnectOptions {
    /// `bolt://host:port` (a `neo4j://` scheme is accepted and treated as a direct connection).
    pub uri: String,
    /// User name.
    pub user: String,
    /// Password (from `NEO4J_PASSWORD`); never printed, not part of `Debug`.
    pub password: String,
    /// Database name.
    pub database: String,
    /// Connections in the pool (= maximum parallel writers).
    pub max_connections: usize,
    /// Rows fetched per round trip when reading.
    pub fetch_size: usize,
    /// How long one statement may keep failing on I/O errors before the export gives up.
    pub retry_secs: u64,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("uri", &self.uri)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("database", &self.database)
            .finish()
    }
}

impl ConnectOptions {
    /// Options with the password from `NEO4J_PASSWORD` (empty when unset: fine for a server
    /// with auth off, such as the dev server in tests).
    pub fn from_env(uri: &str, user: &str, database: &str) -> Self {
        ConnectOptions {
            uri: uri.to_string(),
            user: user.to_string(),
            password: std::env::var(PASSWORD_ENV).unwrap_or_default(),
            database: database.to_string(),
            max_connections: 8,
            fetch_size: 10_000,
            retry_secs: 60,
        }
    }
}

/// neo4rs only speaks direct Bolt in 0.8; `neo4j://` (routing) is mapped onto `bolt://`, which is
/// what a single Community server needs anyway.
pub fn normalise_uri(uri: &str) -> Result<String> {
    let u = uri.trim();
    let rest = if let Some(r) = u.strip_prefix("neo4j://") {
        r
    } else if let Some(r) = u.strip_prefix("bolt://") {
        r
    } else {
        return Err(Error::param(
            "--uri",
            uri,
            "bolt://host[:port] or neo4j://host[:port] (TLS schemes are not supported)",
        ));
    };
    // Drop a path or query (e.g. `neo4j://host:7687/neo4j`): the database is a separate option.
    let host = rest.split(['/', '?']).next().unwrap_or("");
    if host.is_empty() {
        return Err(Error::param(
            "--uri",
            uri,
            "a host, e.g. bolt://127.0.0.1:7687",
        ));
    }
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:7687")
    };
    Ok(host)
}

/// A connected client with its own tokio runtime (the CLI is synchronous).
pub struct Client {
    /// The neo4rs connection pool.
    pub graph: Graph,
    /// Runtime that drives every async call.
    pub rt: tokio::runtime::Runtime,
    opts: ConnectOptions,
}

fn neo(msg: impl std::fmt::Display) -> Error {
    Error::Neo4j {
        message: msg.to_string(),
    }
}

/// Whether an error is worth retrying: I/O and connection failures (the server may be restarting)
/// and whatever neo4rs could not retry itself in time. Syntax, constraint and auth errors are not.
fn retryable(e: &neo4rs::Error) -> bool {
    match e {
        neo4rs::Error::IOError { .. } | neo4rs::Error::ConnectionError => true,
        neo4rs::Error::Neo4j(n) => n.code().starts_with("Neo.TransientError"),
        neo4rs::Error::UnexpectedMessage(_) => true,
        _ => false,
    }
}

impl Client {
    /// Connect (and check the connection with `RETURN 1`).
    ///
    /// # Errors
    /// Bad URI, unreachable server, authentication failure.
    pub fn connect(opts: &ConnectOptions) -> Result<Self> {
        let host = normalise_uri(&opts.uri)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| neo(format!("cannot start the async runtime: {e}")))?;
        let config = ConfigBuilder::default()
            .uri(host.as_str())
            .user(opts.user.as_str())
            .password(opts.password.as_str())
            .db(opts.database.as_str())
            .fetch_size(opts.fetch_size)
            .max_connections(opts.max_connections.max(1))
            .build()
            .map_err(|e| neo(format!("bad connection settings for {}: {e}", opts.uri)))?;
        let graph = rt
            .block_on(Graph::connect(config))
            .map_err(|e| neo(format!("cannot connect to {}: {e}", opts.uri)))?;
        let client = Client {
            graph,
            rt,
            opts: opts.clone(),
        };
        client
            .query_i64("RETURN 1 AS ok", "ok")
            .map_err(|e| neo(format!("cannot reach {} as {}: {e}", opts.uri, opts.user)))?;
        Ok(client)
    }

    /// Options used to connect.
    pub fn options(&self) -> &ConnectOptions {
        &self.opts
    }

    /// Run one write statement (auto-commit) with retries; see the module doc.
    ///
    /// # Errors
    /// A non-retryable error, or retryable ones for longer than `retry_secs`.
    pub fn run(&self, q: Query) -> Result<()> {
        self.rt.block_on(self.run_async(q))
    }

    /// Async form of [`Client::run`], for parallel batches on the runtime.
    ///
    /// # Errors
    /// As [`Client::run`].
    pub async fn run_async(&self, q: Query) -> Result<()> {
        run_with_retry(&self.graph, q, self.opts.retry_secs).await
    }

    /// Run a read query and collect every row.
    ///
    /// # Errors
    /// Query or connection errors.
    pub fn rows(&self, q: Query) -> Result<Vec<neo4rs::Row>> {
        let retry = self.opts.retry_secs;
        self.rt.block_on(async {
            let t0 = Instant::now();
            let mut delay = Duration::from_millis(100);
            loop {
                let res: std::result::Result<Vec<neo4rs::Row>, neo4rs::Error> = async {
                    let mut s = self.graph.execute(q.clone()).await?;
                    let mut out = Vec::new();
                    while let Some(r) = s.next().await? {
                        out.push(r);
                    }
                    Ok(out)
                }
                .await;
                match res {
                    Ok(v) => return Ok(v),
                    Err(e) if retryable(&e) && t0.elapsed() < Duration::from_secs(retry) => {
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(5));
                    }
                    Err(e) => return Err(neo(e)),
                }
            }
        })
    }

    /// Run a query returning one integer column and return the first row's value.
    ///
    /// # Errors
    /// Query errors or an empty result.
    pub fn query_i64(&self, text: &str, col: &str) -> Result<i64> {
        let rows = self.rows(neo4rs::query(text))?;
        let r = rows
            .first()
            .ok_or_else(|| neo(format!("no row from {text:?}")))?;
        r.get::<i64>(col)
            .map_err(|e| neo(format!("column {col} of {text:?}: {e}")))
    }
}

/// Run a statement with the I/O retry loop (exponential back-off from 100 ms, capped at 5 s).
///
/// # Errors
/// A non-retryable error, or retryable ones for longer than `retry_secs`.
pub async fn run_with_retry(graph: &Graph, q: Query, retry_secs: u64) -> Result<()> {
    let t0 = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match graph.run(q.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) if retryable(&e) && t0.elapsed() < Duration::from_secs(retry_secs) => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(neo(e)),
        }
    }
}

/// Run `UNWIND $rows` batch `rows` with `first`; if that attempt fails in any retryable way, or
/// with a constraint violation, every later attempt uses `fallback` instead (the idempotent `MERGE`
/// form of a fast `CREATE` statement). Why: a `CREATE` batch whose commit reply was lost may have
/// been committed, so replaying the `CREATE` could duplicate relationships; the `MERGE` replay
/// converges whether or not the first attempt committed.
///
/// # Errors
/// As [`run_with_retry`].
pub async fn run_rows_with_fallback(
    graph: &Graph,
    first: &str,
    fallback: &str,
    rows: neo4rs::BoltType,
    retry_secs: u64,
) -> Result<()> {
    let q = neo4rs::query(first).param("rows", rows.clone());
    match graph.run(q).await {
        Ok(()) => Ok(()),
        Err(e) if retryable(&e) || constraint_violation(&e) => {
            run_with_retry(
                graph,
                neo4rs::query(fallback).param("rows", rows),
                retry_secs,
            )
            .await
        }
        Err(e) => Err(neo(e)),
    }
}

/// A unique-constraint violation (another writer created the node first).
fn constraint_violation(e: &neo4rs::Error) -> bool {
    matches!(e, neo4rs::Error::Neo4j(n) if n.code() == "Neo.ClientError.Schema.ConstraintValidationFailed")
}
