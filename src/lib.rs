//! cargo pii-lint: discover → parse → index → flow → lints → report. `pipeline::check` runs it all.

pub mod baseline;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod flow;
pub mod index;
pub mod init;
pub mod inventory;
pub mod last_run;
pub mod levels;
#[path = "../lints/mod.rs"]
pub mod lints;
pub mod lsp;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod suppress;
pub mod workspace;
