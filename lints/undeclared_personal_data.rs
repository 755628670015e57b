use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub UNDECLARED_PERSONAL_DATA, "PII009", "undeclared-personal-data", Warn,
    "a field whose name or type looks like personal data with no declaration"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
