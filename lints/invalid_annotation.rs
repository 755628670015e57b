use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub INVALID_ANNOTATION, "PII002", "invalid-annotation", Deny,
    "unknown category or purpose, malformed attribute or config entry, suppression without reason"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
