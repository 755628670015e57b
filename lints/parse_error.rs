use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub PARSE_ERROR, "PII000", "parse-error", Deny,
    "a file that cannot be parsed (the rest is still analysed)"
}

pub fn check(index: &Index, findings: &mut Vec<Finding>) {
    for error in &index.parse_errors {
        let message = format!("this file cannot be parsed: {}", error.message);
        let help = if error.message.contains("UTF-8") {
            "save the file as UTF-8; the rest of the workspace is still analysed, this file is not"
        } else {
            "fix the syntax error (`cargo check` shows it too); until then this file is not analysed"
        };
        findings.push(Finding::new(&PARSE_ERROR, error.span, message).with_help(help));
    }
}
