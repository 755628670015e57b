use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub PARSE_ERROR, "PII000", "parse-error", Deny,
    "a file that cannot be parsed (the rest is still analysed)"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
