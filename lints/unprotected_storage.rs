use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub UNPROTECTED_STORAGE, "PII008", "unprotected-storage", Warn,
    "sensitive personal data reaches a `storage` sink without an encryptor or sanitizer"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
