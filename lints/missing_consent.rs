use crate::diagnostic::Finding;
use crate::lints::{purposes, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports an expression that reads personal data for a purpose the data was collected for, where that
    /// purpose needs consent (`marketing`, `analytics`, `third_party_sharing`, or a configured purpose with
    /// `consent = "..."`) and no check of that consent guards the read. A read is guarded inside the `then`
    /// block of an `if` on a `#[pii_lint::consent_check]` for that consent (also to the right of it in a `&&`
    /// chain, in `if let Some(_)/Ok(_)`, in a `match ... { true => }`), after an early exit when the check fails
    /// (`return`, `continue`, `break`, `bail!`, `?`, `ensure!`, `assert!`), after `.filter(|x| check(x))`, in a
    /// function taking a `#[pii_lint::consent_proof]` for it, or on values from a consenting source. Across
    /// functions, a function is guarded when every call site in the workspace is guarded (and there is one).
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶1 and Decision Art. 2 require the consumer's consent ("经消费者同意") before their personal
    /// information is collected and used. For purposes beyond providing the service they asked for, the
    /// consent must be checked where the data is used, per person, not assumed.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[pii_lint::purpose("marketing")]
    /// fn newsletter(customers: &[Customer]) -> Vec<String> {
    ///     customers.iter().map(|c| c.email.to_string()).collect()   // no marketing consent checked
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[pii_lint::consent_check("marketing")]
    /// fn has_marketing_consent(c: &Customer) -> bool { c.marketing_opt_in }
    ///
    /// #[pii_lint::purpose("marketing")]
    /// fn newsletter(customers: &[Customer]) -> Vec<String> {
    ///     customers.iter().filter(|c| has_marketing_consent(c)).map(|c| c.email.to_string()).collect()
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Guard the use with the consent check (`if`, early return, `.filter`).
    /// - Or take a consent proof type as a parameter, so callers must show consent.
    /// - Or read the people from a consenting source (a `consent_check` that returns only consenting people).
    pub MISSING_CONSENT, "PII004", "missing-consent", Deny,
    "personal data used for a purpose that needs consent, where no consent check guards the use"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for (read, code) in purposes::reads_with_purpose(cx.flow) {
        let purpose = code.purpose.value.as_str();
        let Some(consent) = purposes::consent_of(index, purpose) else {
            continue;
        };
        if read.consents.iter().any(|c| c == consent) {
            continue;
        }
        // Reading data for a purpose it was not collected for is `purpose-mismatch` only.
        let unguarded: Vec<_> = read
            .decls
            .iter()
            .copied()
            .filter(|d| purposes::collected_for(index, *d, purpose))
            .collect();
        if unguarded.is_empty() {
            continue;
        }
        let data: Vec<_> = unguarded
            .iter()
            .map(|d| index.catalogue.data_ref(*d))
            .collect();
        let named: Vec<String> = data.iter().map(|d| d.describe()).collect();
        let message = format!(
            "personal data {} is used for `{purpose}`, which needs the consumer's consent `{consent}`, and no \
             check of that consent guards this use",
            named.join(", ")
        );
        let help = format!(
            "{}; or use a value masked by a #[pii_lint::sanitizer]",
            purposes::nearest_check(index, consent, read.span)
        );
        findings.push(
            Finding::new(&MISSING_CONSENT, read.span, message)
                .with_data(data)
                .with_trace(vec![purposes::step(index, read.function, code)])
                .with_help(help),
        );
    }
}
