use crate::diagnostic::Finding;
use crate::flow::SinkKind;
use crate::lints::{sink_finding, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports a call to a `storage` sink (databases, caches, key-value stores: `sqlx` `.bind(..)`, `diesel`
    /// inserts, `redis` set commands, and functions declared `#[pii_lint::sink(kind = "storage")]` or in
    /// `[[sinks]]`) that receives sensitive personal data (a sensitive category such as `id_number`,
    /// `financial`, `health`, `credential`, `location`, or a declaration marked `sensitive`) that has not passed
    /// through a `#[pii_lint::encryptor]` or `#[pii_lint::sanitizer]`. Each `.bind(..)` in a chain is one sink
    /// call. Warns by default.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶2 requires technical measures to keep personal information secure and prevent leaks and
    /// loss ("采取技术措施和其他必要措施, 确保信息安全"), and Decision Art. 4 says the same. For sensitive data, a
    /// plain-text column is the leak waiting to happen: a backup, a read replica or an SQL injection exposes it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// sqlx::query("INSERT INTO customers (id, id_card) VALUES ($1, $2)")
    ///     .bind(customer.id)
    ///     .bind(&customer.id_card)        // ID card number stored in plain text
    ///     .execute(&pool)
    ///     .await?;
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// sqlx::query("INSERT INTO customers (id, id_card) VALUES ($1, $2)")
    ///     .bind(customer.id)
    ///     .bind(encrypt(customer.id_card.as_bytes()))   // #[pii_lint::encryptor]
    ///     .execute(&pool)
    ///     .await?;
    /// ```
    ///
    /// ### Fix
    /// - Encrypt sensitive values before storing them, with a function marked `#[pii_lint::encryptor]`.
    /// - Store a one-way hash or a masked value (a `#[pii_lint::sanitizer]`) when the original is not needed.
    /// - If the store itself encrypts at rest, declare your own wrapper as the encryptor.
    pub UNPROTECTED_STORAGE, "PII008", "unprotected-storage", Warn,
    "sensitive personal data reaches a `storage` sink without an encryptor or sanitizer"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    // Data declared `protected` was encrypted or hashed before this code saw it.
    let sensitive = |decl| {
        let decl = index.catalogue.decl(decl);
        index.catalogue.is_sensitive(decl) && !decl.protected
    };
    for flow in cx
        .flow
        .sink_flows
        .iter()
        .filter(|f| f.kind == SinkKind::Storage)
    {
        let keep = |decl, encrypted: bool| !encrypted && sensitive(decl);
        if let Some(finding) = sink_finding(
            &UNPROTECTED_STORAGE,
            index,
            flow,
            keep,
            "a storage sink unencrypted",
        ) {
            let help = "encrypt it before storing with a #[pii_lint::encryptor] function, or store a one-way hash \
                        or masked value from a #[pii_lint::sanitizer]";
            findings.push(finding.with_help(help));
        }
    }
}
