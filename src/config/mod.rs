//! `pii-lint.toml`: parsed with spans kept, so every mistake points into the file.

use std::ops::Range;

/// A value and the byte range it was written at in the config text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub categories: Vec<CategoryDef>,
    pub purposes: Vec<PurposeDef>,
    pub data: Vec<DataEntry>,
    pub processing: Vec<ProcessingEntry>,
    pub consent_checks: Vec<ConsentEntry>,
    pub consent_proofs: Vec<ConsentEntry>,
    pub sinks: Vec<SinkEntry>,
    pub sanitizers: Vec<PathEntry>,
    pub encryptors: Vec<PathEntry>,
    pub erasure: Vec<PathEntry>,
    pub lints: Vec<LintLevel>,
    pub files: FilesConfig,
}

#[derive(Debug, Clone)]
pub struct CategoryDef {
    pub name: Spanned<String>,
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct PurposeDef {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub consent: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct DataEntry {
    pub path: Spanned<String>,
    pub category: Spanned<String>,
    pub purposes: Vec<Spanned<String>>,
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct ProcessingEntry {
    pub path: Spanned<String>,
    pub purpose: Spanned<String>,
}

#[derive(Debug, Clone)]
pub struct ConsentEntry {
    pub path: Spanned<String>,
    pub consent: Spanned<String>,
}

#[derive(Debug, Clone)]
pub struct SinkEntry {
    pub path: Spanned<String>,
    pub kind: Spanned<String>,
    pub purpose: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct PathEntry {
    pub path: Spanned<String>,
}

#[derive(Debug, Clone)]
pub struct LintLevel {
    pub lint: &'static crate::lints::Lint,
    pub level: crate::diagnostic::Level,
}

#[derive(Debug, Clone, Default)]
pub struct FilesConfig {
    pub exclude: Vec<String>,
    pub include_tests: bool,
}
