//! Thin binary: parse → run → exit code. Errors print their whole cause chain.

use clap::Parser;
use kolgraph::cli::{self, ExitStatus};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            let strict = matches!(
                err.downcast_ref::<kolgraph::Error>(),
                Some(kolgraph::Error::Strict { .. })
            );
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  cause: {cause}");
            }
            ExitCode::from(if strict {
                ExitStatus::Failure
            } else {
                ExitStatus::Error
            } as u8)
        }
    }
}
