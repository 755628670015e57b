use crate::diagnostic::Finding;
use crate::index::catalogue::DeclOrigin;
use crate::lints::LintContext;

declare_lint! {
    /// ### What it does
    /// Reports a declaration of personal data that states no purpose: a `#[pii(...)]` without `purpose` or
    /// `purposes`, or a `[[data]]` entry without them. A personal-data type without purpose is reported once, at
    /// the type's name, not again at each field that holds that type. The finding points at the field's name or
    /// the type's name (for a `[[data]]` entry, at the entry in `pii-lint.toml`).
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶1 and Decision Art. 2 require a merchant who collects and uses consumers' personal
    /// information to "明示收集、使用信息的目的、方式和范围" (state clearly the purpose, method and scope of
    /// collecting and using it) and to collect only what is necessary. A purpose that is written nowhere cannot
    /// be stated to the consumer, and the purpose and consent checks of this tool (`purpose-mismatch`,
    /// `missing-consent`) have nothing to check the use of that data against.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "birth_date")]          // why is the birthday collected?
    ///     pub birthday: Option<String>,
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "birth_date", purposes = ["service", "marketing"])]
    ///     pub birthday: Option<String>,
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Add `purpose = "..."` or `purposes = [..]` to the `#[pii]` attribute or the `[[data]]` entry: a built-in
    ///   purpose (`service`, `legal_obligation`, `security`, `marketing`, `analytics`, `third_party_sharing`) or
    ///   one declared under `[purposes.NAME]` in `pii-lint.toml`.
    /// - If no purpose can be named, the data is not necessary: stop collecting it.
    pub MISSING_PURPOSE, "PII001", "missing-purpose", Deny,
    "a personal-data declaration with no purpose"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
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
