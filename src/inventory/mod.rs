//! `cargo pii-lint inventory`: the data map. Every personal-data declaration with its category, purposes,
//! the consent each purpose needs, where it is declared, which functions read it, which sinks it reaches
//! and whether an erasure path exists: the merchant's collection and use rules (CRPL Art. 29 ¶1) as the
//! code states them. Built from the index and the flow facts; this module only collects and renders.

mod build;
mod fides;
pub mod fideslang;
mod json;
mod markdown;
mod yaml;

pub use build::build;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Tables for people (a README, a review, the privacy officer)
    #[default]
    Markdown,
    /// One JSON document for tools
    Json,
    /// A fideslang `organization`, `dataset` and `system` manifest (YAML), for Fides and privacy tooling
    Fides,
}

/// The data map: plain data, in a deterministic order (declarations by path, purposes by name).
#[derive(Debug, Clone, Serialize)]
pub struct DataMap {
    /// What the workspace is called: its root package, or its directory.
    pub system: String,
    /// Who answers for the processing (`[controller]`), when the config says.
    pub controller: Option<Controller>,
    pub declarations: Vec<Declaration>,
    /// Every purpose the workspace knows (built-in and configured).
    pub purposes: Vec<PurposeRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    /// `crate::module::Type.field`, `crate::module::Type` for a whole type, `crate::module::login(username)`
    /// for a parameter, `crate::module::issue_token()` for a return value, `axum::extract::ConnectInfo`.
    pub path: String,
    /// `field`, `type`, `param`, `returns` or `dependency_type`.
    pub kind: &'static str,
    /// The type, the function (of a parameter or return value) or the dependency's type.
    #[serde(rename = "type")]
    pub type_path: String,
    /// The field's name, or the parameter's.
    pub field: Option<String>,
    /// Encrypted or hashed before the code sees it (`protected = true`).
    pub protected: bool,
    pub category: String,
    pub fideslang_category: Option<String>,
    pub sensitive: bool,
    pub purposes: Vec<PurposeUse>,
    pub declared_at: DeclaredAt,
    /// Paths of the functions that read it, sorted, each once.
    pub read_by: Vec<String>,
    pub sinks: Vec<SinkUse>,
    /// Whether some `#[pii_lint::erasure]` function reaches the declaring type (Decision Art. 8).
    pub erasure: bool,
    /// How long it is kept, as its `[[data]]` entry says.
    pub retention: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    pub name: String,
    pub contact: Option<String>,
}

/// A purpose as a declaration names it, with what it needs.
#[derive(Debug, Clone, Serialize)]
pub struct PurposeUse {
    pub name: String,
    /// `false` when neither built in nor in the config (reported as `invalid-annotation` by `check`).
    pub defined: bool,
    pub consent: Option<String>,
    pub fideslang_use: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeclaredAt {
    pub file: String,
    pub line: u32,
    /// `attribute` (`#[pii]` in the code) or `config` (`[[data]]` in pii-lint.toml).
    pub by: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SinkUse {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub kind: &'static str,
    pub sink: String,
    /// The function that makes the sink call.
    pub function: String,
    /// Only its encrypted form reaches the sink.
    pub encrypted: bool,
    /// The purpose the sink is declared for, if any.
    pub purpose: Option<String>,
    /// Who receives it, as the sink's `[[sinks]]` entry says.
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PurposeRule {
    pub name: String,
    pub consent: Option<String>,
    pub description: Option<String>,
    pub fideslang_use: Option<String>,
}

/// The data map in the chosen format, ending with a newline.
pub fn render(map: &DataMap, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(map),
        Format::Json => json::render(map),
        Format::Fides => fides::render(map),
    }
}
