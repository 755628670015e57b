use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub EXPORT_LEAK, "PII006", "export-leak", Deny,
    "personal data reaches an `export` sink without a purpose it was collected for and the consent that purpose needs"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
