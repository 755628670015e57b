use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub MISSING_CONSENT, "PII004", "missing-consent", Deny,
    "personal data used for a purpose that needs consent, where no consent check guards the use"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
