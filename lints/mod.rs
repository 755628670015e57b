//! The lint registry: one line per lint. Each lint lives in its own file beside this one, with its
//! documentation (the doc comment of its `declare_lint!`) and its check, a pure query over the index.

use crate::diagnostic::{Finding, Level};
use crate::flow::FlowFacts;
use crate::index::Index;

/// A lint's identity and documentation. `doc` is the markdown of its doc comment, used by `explain`.
#[derive(Debug)]
pub struct Lint {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    /// One line: what the lint reports (the table row of SPEC 4).
    pub summary: &'static str,
    pub doc: &'static str,
}

impl Lint {
    /// The documentation as markdown: the doc comment without the space after each `///`.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The name as written in attributes (`log_leak`).
    pub fn snake_name(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The lint's documentation page as docs.rs publishes this crate's API documentation: each lint is a
    /// documented `pub static` named like the lint in a module named like the lint (checked by a test), so
    /// the page exists for every released version, the way clippy links each lint to its lint list.
    pub fn help_uri(&self) -> String {
        let module = self.snake_name();
        format!(
            "https://docs.rs/{}/{}/cargo_pii_lint/lints/{module}/static.{}.html",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            module.to_ascii_uppercase()
        )
    }
}

/// Declares a lint: its doc comment becomes `Lint::doc`, like clippy's `declare_clippy_lint!`.
macro_rules! declare_lint {
    ($(#[doc = $doc:literal])* pub $ident:ident, $code:literal, $name:literal, $level:ident, $summary:literal) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::lints::Lint = $crate::lints::Lint {
            code: $code,
            name: $name,
            default_level: $crate::diagnostic::Level::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// What a lint's check reads: the frozen index and the flow facts computed over it.
pub struct LintContext<'a> {
    pub index: &'a Index,
    pub flow: &'a FlowFacts,
}

/// The finding of a sink lint for one sink call: the data that reaches it (as `keep` selects), named in
/// the message, with the path of the first piece as its trace. `None` when nothing is kept.
pub fn sink_finding(
    lint: &'static Lint,
    index: &Index,
    flow: &crate::flow::SinkFlow,
    keep: impl Fn(crate::index::DeclId, bool) -> bool,
    what: &str,
) -> Option<Finding> {
    use crate::diagnostic::TraceStep;
    use crate::flow::Origin;
    let mut data = Vec::new();
    let mut trace = Vec::new();
    for (origin, steps) in &flow.data {
        let (decl, encrypted) = match origin {
            Origin::Decl(d) => (*d, false),
            Origin::Encrypted(d) => (*d, true),
            _ => continue,
        };
        if !keep(decl, encrypted) {
            continue;
        }
        let data_ref = index.catalogue.data_ref(decl);
        if data.contains(&data_ref) {
            continue;
        }
        if trace.is_empty() {
            trace.push(TraceStep {
                span: index.catalogue.decl(decl).span,
                note: format!("{} declared here", data_ref.describe()),
            });
            trace.extend(steps.iter().cloned());
        }
        data.push(data_ref);
    }
    if data.is_empty() {
        return None;
    }
    let named: Vec<String> = data.iter().map(|d| d.describe()).collect();
    let message = format!(
        "personal data {} reaches {what} ({})",
        named.join(", "),
        flow.sink
    );
    Some(
        Finding::new(lint, flow.span, message)
            .with_data(data)
            .with_trace(trace),
    )
}

/// A lint's check: a pure query over the context that appends findings.
pub type Check = fn(&LintContext, &mut Vec<Finding>);

pub mod export_leak;
pub mod invalid_annotation;
pub mod log_leak;
pub mod missing_consent;
pub mod missing_purpose;
pub mod no_erasure_path;
pub mod parse_error;
pub mod purpose_mismatch;
/// What the purpose and consent lints say alike (not a lint: lints/ itself holds one file per lint).
#[path = "support/purposes.rs"]
pub mod purposes;
pub mod undeclared_personal_data;
pub mod unprotected_storage;
pub mod unsolicited_commercial_message;
pub mod unused_personal_data;

/// Every lint with its check, in code order.
pub static REGISTRY: &[(&Lint, Check)] = &[
    (&parse_error::PARSE_ERROR, parse_error::check),
    (&missing_purpose::MISSING_PURPOSE, missing_purpose::check),
    (
        &invalid_annotation::INVALID_ANNOTATION,
        invalid_annotation::check,
    ),
    (&purpose_mismatch::PURPOSE_MISMATCH, purpose_mismatch::check),
    (&missing_consent::MISSING_CONSENT, missing_consent::check),
    (&log_leak::LOG_LEAK, log_leak::check),
    (&export_leak::EXPORT_LEAK, export_leak::check),
    (
        &unsolicited_commercial_message::UNSOLICITED_COMMERCIAL_MESSAGE,
        unsolicited_commercial_message::check,
    ),
    (
        &unprotected_storage::UNPROTECTED_STORAGE,
        unprotected_storage::check,
    ),
    (
        &undeclared_personal_data::UNDECLARED_PERSONAL_DATA,
        undeclared_personal_data::check,
    ),
    (&no_erasure_path::NO_ERASURE_PATH, no_erasure_path::check),
    (
        &unused_personal_data::UNUSED_PERSONAL_DATA,
        unused_personal_data::check,
    ),
];

/// All lints, in code order.
pub fn all() -> impl Iterator<Item = &'static Lint> {
    REGISTRY.iter().map(|(lint, _)| *lint)
}

/// Finds a lint by code (`PII005`, any case) or name (`log-leak` or `log_leak`).
pub fn find(name_or_code: &str) -> Option<&'static Lint> {
    let wanted = name_or_code.trim();
    all().find(|lint| {
        lint.code.eq_ignore_ascii_case(wanted) || lint.name == wanted.replace('_', "-")
    })
}

#[cfg(test)]
mod tests {
    use super::all;

    /// `Lint::help_uri` links `lints/<name>/static.<NAME>.html`: the file and the static must be named so.
    #[test]
    fn each_lint_is_documented_where_its_help_uri_points() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lints");
        for lint in all() {
            let module = lint.snake_name();
            let source = std::fs::read_to_string(dir.join(format!("{module}.rs")))
                .unwrap_or_else(|_| panic!("lints/{module}.rs is missing"));
            let declared = format!("pub {},", module.to_ascii_uppercase());
            assert!(
                source.contains(&declared),
                "lints/{module}.rs does not declare `{declared}`"
            );
            assert!(lint.help_uri().ends_with(&format!(
                "/lints/{module}/static.{}.html",
                module.to_ascii_uppercase()
            )));
        }
    }
}
