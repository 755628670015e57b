use crate::diagnostic::Finding;
use crate::index::catalogue::DeclOrigin;
use crate::index::Index;

declare_lint! {
    /// ### What it does
    /// TODO
    pub MISSING_PURPOSE, "PII001", "missing-purpose", Deny,
    "a personal-data declaration with no purpose"
}

pub fn check(index: &Index, findings: &mut Vec<Finding>) {
    let catalogue = &index.catalogue;
    for id in catalogue.decl_ids() {
        let decl = catalogue.decl(id);
        if !decl.purposes.is_empty() {
            continue;
        }
        let data = catalogue.data_ref(id);
        let message = format!(
            "personal data {} is declared with no purpose",
            data.describe()
        );
        let (span, help) = match decl.origin {
            DeclOrigin::Attribute => (
                decl.span,
                format!(
                    "state why it is collected: `#[pii(category = \"{}\", purpose = \"service\")]` \
                     (or `purposes = [..]`)",
                    decl.category.value
                ),
            ),
            DeclOrigin::Config => (
                decl.declared_at,
                "add `purposes = [\"service\"]` to this [[data]] entry".to_string(),
            ),
        };
        findings.push(
            Finding::new(&MISSING_PURPOSE, span, message)
                .with_data(vec![data])
                .with_help(help),
        );
    }
}
