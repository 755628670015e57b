//! cargo pii-lint: discover → parse → index → flow → lints → report.

pub mod config;
pub mod diagnostic;
pub mod index;
#[path = "../lints/mod.rs"]
pub mod lints;
pub mod levels;
pub mod suppress;
pub mod parse;
pub mod report;
pub mod workspace;
