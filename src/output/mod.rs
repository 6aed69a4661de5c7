//! Outputs: tables (table/CSV/JSON), charts (plotters) and the HTML report.

pub mod charts;
pub mod layout;
pub mod report;
pub mod table;

pub use table::{OutputFormat, Table};
