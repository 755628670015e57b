use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub LOG_LEAK, "PII005", "log-leak", Deny,
    "personal data reaches a `log` sink"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
