use crate::diagnostic::Finding;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub UNSOLICITED_COMMERCIAL_MESSAGE, "PII007", "unsolicited-commercial-message", Deny,
    "a `commercial_message` sink called where no check of its purpose's consent guards it, or given personal data not collected for that purpose"
}

pub fn check(_index: &Index, _findings: &mut Vec<Finding>) {}
