use crate::diagnostic::{Finding, TraceStep};
use crate::lints::{purposes, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports an expression that reads personal data (a field access such as `c.phone`, a pattern that binds
    /// it, or a use of a value of a personal-data type) in code whose purpose is not one the data was collected
    /// for. The purpose of code comes from `#[pii_lint::purpose]` on the function, its impl block or an
    /// enclosing inline module (innermost wins), from `[[processing]]` in the config, or from its callers when
    /// they all agree. Any read counts, even comparing or measuring the value. Code with no purpose is left to
    /// the sink lints, and the purposes carried by sinks are checked by the sink lints, not here.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶1 forbids using personal information in breach of what was agreed with the consumer
    /// ("不得违反法律、法规的规定和双方的约定收集、使用信息"), and GPCL Art. 111 forbids illegal use and processing.
    /// Data collected to deliver an order and then mined for advertising is used beyond the purpose the
    /// consumer was told about.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "phone", purpose = "service")]
    ///     pub phone: String,
    /// }
    ///
    /// #[pii_lint::purpose("marketing")]
    /// fn campaign_targets(customers: &[Customer]) -> Vec<String> {
    ///     customers.iter().map(|c| c.phone.clone()).collect()   // phone was collected for `service` only
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "phone", purposes = ["service", "marketing"])]   // and tell the consumer so
    ///     pub phone: String,
    /// }
    /// ```
    ///
    /// ### Fix
    /// - If the use is legitimate and the consumer was told, add the purpose to the declaration.
    /// - Otherwise do not read the data there: pass on an identifier, or a sanitized value.
    /// - Check the purpose of the code: a helper called from several places may need its own
    ///   `#[pii_lint::purpose]`.
    pub PURPOSE_MISMATCH, "PII003", "purpose-mismatch", Deny,
    "personal data used in code whose purpose the data was not collected for"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for (read, code) in purposes::reads_with_purpose(cx.flow) {
        let purpose = code.purpose.value.as_str();
        // Data declared with no purpose is `missing-purpose`'s alone.
        let outside: Vec<_> = read
            .decls
            .iter()
            .copied()
            .filter(|d| !index.catalogue.decl(*d).purposes.is_empty())
            .filter(|d| !purposes::collected_for(index, *d, purpose))
            .collect();
        if outside.is_empty() {
            continue;
        }
        let described: Vec<String> = outside
            .iter()
            .map(|d| {
                format!(
                    "{} (collected for {})",
                    index.catalogue.data_ref(*d).describe(),
                    purposes::collected_purposes(index, *d)
                )
            })
            .collect();
        let message = format!(
            "personal data {} is read for `{purpose}`, a purpose it was not collected for",
            described.join(", ")
        );
        let mut trace: Vec<TraceStep> = outside
            .iter()
            .map(|d| TraceStep {
                span: index.catalogue.decl(*d).declared_at,
                note: format!(
                    "{} is collected for {} here",
                    index.catalogue.data_ref(*d).describe(),
                    purposes::collected_purposes(index, *d)
                ),
            })
            .collect();
        trace.push(purposes::step(index, read.function, code));
        let help = format!(
            "if the consumer was told and agreed, add `{purpose}` to the declaration's purposes; otherwise do \
             not read the data here (pass an identifier, or a value masked by a #[pii_lint::sanitizer])"
        );
        findings.push(
            Finding::new(&PURPOSE_MISMATCH, read.span, message)
                .with_data(
                    outside
                        .iter()
                        .map(|d| index.catalogue.data_ref(*d))
                        .collect(),
                )
                .with_trace(trace)
                .with_help(help),
        );
    }
}
