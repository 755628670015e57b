//! `--format github`: GitHub Actions workflow commands, so findings appear as annotations on the diff.

use super::{ReportInput, Reporter};
use crate::diagnostic::Level;

pub struct Github;

/// GitHub's escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property values.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn render(&self, input: &ReportInput) -> String {
        let mut out = String::new();
        let prefix = input.workspace.repository_prefix();
        for f in input.findings {
            let command = if f.level == Level::Deny {
                "error"
            } else {
                "warning"
            };
            let file = format!("{prefix}{}", input.workspace.file(f.span.file).rel_path);
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&file),
                f.span.line,
                f.span.column,
                f.span.end_line,
                f.span.end_column,
                escape_property(&format!("{} {}", f.lint.code, f.lint.name)),
                escape_data(&message)
            ));
        }
        out
    }
}

/// The Markdown table of every finding for `$GITHUB_STEP_SUMMARY` (GitHub shows only ten annotations of a
/// step; the summary lists them all).
pub fn step_summary(input: &ReportInput) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let prefix = input.workspace.repository_prefix();
    let mut out = format!(
        "### cargo pii-lint: {} findings ({} deny, {} warn)\n\n",
        input.summary.findings, input.summary.deny, input.summary.warn
    );
    if input.findings.is_empty() {
        return out;
    }
    out.push_str("| level | lint | location | message |\n|---|---|---|---|\n");
    for f in input.findings {
        let level = if f.level == Level::Deny {
            "deny"
        } else {
            "warn"
        };
        out.push_str(&format!(
            "| {level} | {} {} | `{prefix}{}:{}` | {} |\n",
            f.lint.code,
            f.lint.name,
            input.workspace.file(f.span.file).rel_path,
            f.span.line,
            cell(&f.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_documents() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
