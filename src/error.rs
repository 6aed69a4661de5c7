//! Typed errors with the context a user needs to fix the input.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T> = std::result::Result<T, Error>;

/// Every error kolgraph's library can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad row in an input file: `file:line:column: message`.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Rows were rejected and `--strict` was given.
    #[error("{count} row(s) rejected and --strict is set; first: {first}")]
    Strict { count: usize, first: String },
    /// An I/O error with the path it happened on.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A parameter outside its valid range.
    #[error("invalid value for {name}: got {value:?}, expected {expected}")]
    InvalidParameter {
        name: &'static str,
        value: String,
        expected: String,
    },
    /// An id that is not in the graph.
    #[error("unknown customer or account {0:?}")]
    UnknownCustomer(String),
    /// The input has no nodes or no edges where some are needed.
    #[error("the graph is empty: {0}")]
    EmptyGraph(String),
    /// The input layout is not one kolgraph understands.
    #[error("{0}")]
    Input(String),
    /// A Neo4j error, with how far the write got.
    #[error("neo4j: {message}")]
    Neo4j { message: String },
    /// Anything else, with a message.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wrap an I/O error with the path and the action that failed.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// An invalid-parameter error.
    pub fn param(name: &'static str, value: impl ToString, expected: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// One bad row, located to file, line and column (1-based; column 0 = whole row).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RecordError {
    /// Path of the file as given by the user.
    pub file: String,
    /// 1-based line number (physical line where the record starts).
    pub line: u64,
    /// 1-based column (field index) of the bad value; 0 when the whole row is bad.
    pub column: u64,
    /// What was wrong, with the bad value and what was expected, e.g.
    /// `bad amount (got "abc", expected a non-negative number)`.
    pub message: String,
}
