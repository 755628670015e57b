//! Output formats: the only code that knows about miette or JSON. One file per format behind one trait.

mod github;
pub use github::step_summary;
mod human;
mod json;
mod rustc_json;
mod sarif;

use crate::diagnostic::{Finding, Level};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// GitHub Actions annotations (`::error file=..::message`)
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    /// rustc's JSON diagnostics, one per line (`--message-format json`, for rust-analyzer)
    #[value(skip)]
    RustcJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub deny: usize,
    pub warn: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], files: usize) -> Summary {
        let count = |level| findings.iter().filter(|f| f.level == level).count();
        Summary {
            files,
            findings: findings.len(),
            deny: count(Level::Deny),
            warn: count(Level::Warn),
        }
    }

    pub fn line(&self) -> String {
        format!(
            "{} findings ({} deny, {} warn) in {} files",
            self.findings, self.deny, self.warn, self.files
        )
    }
}

pub struct ReportInput<'a> {
    /// Sorted by file, line, column, code.
    pub findings: &'a [Finding],
    pub workspace: &'a Workspace,
    pub summary: Summary,
    pub color: bool,
    pub quiet: bool,
}

pub trait Reporter {
    fn render(&self, input: &ReportInput) -> String;
}

pub fn reporter(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human),
        Format::Json => Box::new(json::Json),
        Format::Github => Box::new(github::Github),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::RustcJson => Box::new(rustc_json::RustcJson),
    }
}

/// The order of SPEC 5.1: file, line, column, code (then message, for a total order).
pub fn sort(findings: &mut [Finding], workspace: &Workspace) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                workspace.file(f.span.file).rel_path.clone(),
                f.span.line,
                f.span.column,
                f.lint.code,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
}
