//! `pii-lint.toml`: parsed with spans kept, so every mistake points into the file.

mod error;
mod schema;

pub use error::ConfigError;

use std::ops::Range;
use std::path::Path;

/// Reads and parses a config file; returns its text too (findings point into it).
pub fn load(path: &Path, display_name: &str) -> Result<(Config, String), ConfigError> {
    let text = crate::workspace::read::regular_text(path).map_err(|error| ConfigError {
        message: format!("cannot read the config {}: {error}", path.display()),
        help: Some(if error.contains("UTF-8") {
            "save pii-lint.toml as UTF-8 text".into()
        } else {
            "pass an existing regular file with --config, or remove the option to use pii-lint.toml at the root".into()
        }),
        source: None,
        span: None,
    })?;
    let config = parse(&text, display_name)?;
    Ok((config, text))
}

/// Parses a config text; every error points at the offending text.
pub fn parse(text: &str, file_name: &str) -> Result<Config, ConfigError> {
    let raw: schema::RawConfig = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        let message = error.message().trim_end().to_string();
        let help = if message.contains("unknown field") {
            "remove or correct the key; the README's config reference lists every key of pii-lint.toml"
        } else {
            "pii-lint.toml must be TOML of the shape the README's config reference shows"
        };
        ConfigError::at(file_name, text, span, message, help.to_string())
    })?;
    raw.into_config()
        .map_err(|(message, span, help)| ConfigError::at(file_name, text, span, message, help))
}

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
    pub wrappers: Vec<WrapperEntry>,
    pub lints: Vec<LintLevel>,
    /// Who decides the purposes and means of processing (the merchant), for the inventory.
    pub controller: Option<Controller>,
    pub files: FilesConfig,
}

#[derive(Debug, Clone)]
pub struct CategoryDef {
    pub name: Spanned<String>,
    pub sensitive: bool,
    /// Its fideslang data category, for `inventory --format fides`.
    pub fideslang: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PurposeDef {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub consent: Option<Spanned<String>>,
    /// Its fideslang data use, for `inventory --format fides`.
    pub fideslang: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DataEntry {
    pub path: Spanned<String>,
    pub category: Spanned<String>,
    pub purposes: Vec<Spanned<String>>,
    pub sensitive: bool,
    /// How long it is kept, in the operator's words (the inventory shows it).
    pub retention: Option<String>,
    /// The path is a function and this parameter of it is the data.
    pub param: Option<Spanned<String>>,
    /// The path is a function and its return value is the data.
    pub returns: bool,
    /// Encrypted or hashed before this code sees it: `unprotected-storage` does not apply.
    pub protected: bool,
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
    /// Who receives what reaches the sink (a CRM vendor, the courier), for the inventory.
    pub recipient: Option<String>,
}

/// The `[controller]` table: the merchant that answers for the processing, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    pub name: String,
    pub contact: Option<String>,
}

/// A type of a dependency that wraps a value (`masking::Secret`): how it renders, how it is opened.
#[derive(Debug, Clone)]
pub struct WrapperEntry {
    pub path: Spanned<String>,
    pub debug_redacted: bool,
    pub serialize_redacted: bool,
    pub expose: Vec<String>,
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
