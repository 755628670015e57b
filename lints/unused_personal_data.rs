use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub UNUSED_PERSONAL_DATA, "PII011", "unused-personal-data", Warn,
    "a declared field that no code ever reads: collected but not necessary"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
