use crate::diagnostic::{Finding, Span};
use crate::index::catalogue::DeclOrigin;
use crate::index::Index;
use crate::lints::LintContext;
use crate::parse::{Annotation, Named};

declare_lint! {
    /// ### What it does
    /// Reports an annotation or config entry the tool cannot use:
    /// - a malformed `pii_lint` attribute (`#[pii]` without `category`, `#[pii_lint::sink(kind = "mail")]`,
    ///   `#[pii_lint::purpose]` without a name, arguments where none are taken), or a malformed
    ///   `// pii-lint:` comment;
    /// - an unknown category or purpose, in code or in `pii-lint.toml`, and a consent name no purpose needs;
    /// - a config path (`[[data]]`, `[[processing]]`, `[[consent_checks]]`, ...) that names nothing in the
    ///   workspace, or a field the named type does not have;
    /// - a suppression without a reason (it does not take effect), or naming an unknown lint: reported once
    ///   per attribute or comment.
    ///
    /// The finding points at the attribute or comment, or at the entry's line in `pii-lint.toml`.
    ///
    /// ### Why: the law
    /// No article is enforced directly, but each of these mistakes silently weakens the others: a misspelt
    /// category or purpose declares nothing, a config path that matches nothing protects nothing, and a
    /// suppression without a reason hides a finding without the justification an auditor will ask for.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "phone_number", purpose = "service")]   // no such category
    ///     pub phone: String,
    ///     pub mobile: String, // pii-lint: allow(undeclared-personal-data)   (no reason)
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "phone", purpose = "service")]
    ///     pub phone: String,
    ///     pub mobile: String, // pii-lint: allow(undeclared-personal-data) reason: the courier's hotline
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Use a built-in category or purpose, or declare yours under `[categories.NAME]` / `[purposes.NAME]`.
    /// - Correct the path of the config entry: the crate name as code writes it, then modules and the item
    ///   (`shop_core::models::Customer.phone`); `*` matches one segment.
    /// - Give every suppression a reason: `reason = "..."` in the attribute, `reason: ...` in the comment.
    pub INVALID_ANNOTATION, "PII002", "invalid-annotation", Deny,
    "unknown category or purpose, malformed attribute or config entry, suppression without reason"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    let mut report = |span: Span, message: String, help: Option<String>| {
        let finding = Finding::new(&INVALID_ANNOTATION, span, message);
        findings.push(match help {
            Some(help) => finding.with_help(help),
            None => finding,
        });
    };
    for error in &index.annotation_errors {
        let help =
            "see `cargo pii-lint explain invalid-annotation` for the syntax of each annotation";
        report(error.span, error.message.clone(), Some(help.to_string()));
    }
    for invalid in &index.invalid {
        report(invalid.span, invalid.message.clone(), invalid.help.clone());
    }
    let catalogue = &index.catalogue;
    let categories: Vec<&str> = catalogue.categories.keys().map(String::as_str).collect();
    let purposes: Vec<&str> = catalogue.purposes.keys().map(String::as_str).collect();
    let consents: Vec<&str> = catalogue.consents().into_iter().collect();
    for id in catalogue.decl_ids() {
        let decl = catalogue.decl(id);
        let at = |named: &Named| match decl.origin {
            DeclOrigin::Attribute => decl.declared_at,
            DeclOrigin::Config => named.span,
        };
        if catalogue.category(&decl.category.value).is_none() {
            let (message, help) = unknown(
                "category",
                &decl.category.value,
                &categories,
                "[categories.NAME]",
            );
            report(at(&decl.category), message, Some(help));
        }
        for purpose in decl
            .purposes
            .iter()
            .filter(|p| catalogue.purpose(&p.value).is_none())
        {
            let (message, help) = unknown("purpose", &purpose.value, &purposes, "[purposes.NAME]");
            report(at(purpose), message, Some(help));
        }
    }
    for annotation in annotations(index) {
        let (purpose, consent) = match annotation {
            Annotation::Purpose(purpose) => (Some(purpose), None),
            Annotation::Sink { purpose, .. } => (purpose.as_ref(), None),
            Annotation::ConsentCheck(consent) | Annotation::ConsentProof(consent) => {
                (None, Some(consent))
            }
            Annotation::Sanitizer | Annotation::Encryptor | Annotation::Erasure => (None, None),
        };
        if let Some(purpose) = purpose.filter(|p| catalogue.purpose(&p.value).is_none()) {
            let (message, help) = unknown("purpose", &purpose.value, &purposes, "[purposes.NAME]");
            report(purpose.span, message, Some(help));
        }
        if let Some(consent) = consent.filter(|c| !consents.contains(&c.value.as_str())) {
            let message = format!("no purpose needs the consent `{}`", consent.value);
            let help = format!(
                "consents are those purposes need: {}; a purpose needs one with `consent = \"..\"` under \
                 [purposes.NAME] in pii-lint.toml",
                quoted(&consents)
            );
            report(consent.span, message, Some(help));
        }
    }
    for suppression in &index.suppressions {
        let mut problems = Vec::new();
        if suppression.reason.is_none() {
            problems.push("it gives no reason, so it does not take effect".to_string());
        }
        for lint in suppression
            .lints
            .iter()
            .filter(|l| crate::lints::find(&l.value).is_none())
        {
            problems.push(format!("`{}` is not a lint", lint.value));
        }
        if !problems.is_empty() {
            let message = format!("suppression is not valid: {}", problems.join("; "));
            let help = "write why the finding is acceptable: `// pii-lint: allow(log-leak) reason: <why>` or \
                        `#[pii_lint::allow(log_leak, reason = \"<why>\")]`; lints are named by name or code";
            report(suppression.span, message, Some(help.to_string()));
        }
    }
}

/// Every `pii_lint` annotation of the workspace, from attributes and config entries.
fn annotations(index: &Index) -> impl Iterator<Item = &Annotation> {
    index
        .fns
        .iter()
        .flat_map(|f| &f.annotations)
        .chain(index.types.iter().flat_map(|t| &t.annotations))
        .chain(index.impls.iter().flat_map(|i| &i.annotations))
        .chain(index.module_annotations.iter().flat_map(|m| &m.annotations))
}

fn unknown(what: &str, name: &str, known: &[&str], config_table: &str) -> (String, String) {
    let message = format!("unknown {what} `{name}`");
    let similar = |k: &&&str| {
        edit_distance(k, name) <= 2.max(name.len() / 3)
            || name.starts_with(**k)
            || k.starts_with(name)
    };
    let closest = known
        .iter()
        .filter(similar)
        .min_by_key(|k| edit_distance(k, name));
    let help = match closest {
        Some(closest) => format!(
            "did you mean `{closest}`? or declare `{name}` as {config_table} in pii-lint.toml"
        ),
        None => format!(
            "known {what}s: {}; or declare `{name}` as {config_table} in pii-lint.toml",
            quoted(known)
        ),
    };
    (message, help)
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_name() {
        let (_, help) = unknown(
            "category",
            "phone_number",
            &["phone", "email"],
            "[categories.NAME]",
        );
        assert!(help.starts_with("did you mean `phone`?"), "{help}");
        let (_, help) = unknown(
            "purpose",
            "zzz",
            &["service", "marketing"],
            "[purposes.NAME]",
        );
        assert!(
            help.starts_with("known purposes: `service`, `marketing`"),
            "{help}"
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("marketing", "marketting"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("service", "service"), 0);
    }
}
