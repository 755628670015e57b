use crate::diagnostic::Finding;
use crate::flow::SinkKind;
use crate::lints::{sink_finding, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports a call to a `log` sink whose arguments carry personal data: `println!`, `eprintln!`, `dbg!`,
    /// `panic!`, `assert!` messages and operands, `expect` messages, `log` and `tracing` macros (format arguments
    /// and structured fields such as `phone = %c.phone` or `?customer`), `#[tracing::instrument]` on a function
    /// whose personal-data parameters are not skipped, `anyhow!`/`bail!`/`eyre!`, and functions declared with
    /// `#[pii_lint::sink(kind = "log")]` or `[[sinks]]`. Formatting a value with `{:?}` leaks every personal field
    /// of a type that derives `Debug`; a hand-written `Debug`/`Display` leaks what it formats; `RedactedDebug`
    /// leaks nothing. One finding per sink call, at the call, naming all the data that reaches it and the path
    /// it took.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶2 and Decision Art. 3 require personal information to be kept strictly confidential and
    /// never leaked ("必须严格保密, 不得泄露"). Logs are copied to log platforms, shared with on-call engineers and
    /// vendors, and kept for months: personal data written there has leaked from the systems that protect it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[pii_lint::purpose("service")]
    /// fn place_order(customer: &Customer, order: &Order) {
    ///     tracing::info!("order {} placed by {:?}", order.no, customer);   // Debug prints the phone number
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[pii_lint::purpose("service")]
    /// fn place_order(customer: &Customer, order: &Order) {
    ///     tracing::info!(customer_id = customer.id, "order {} placed", order.no);
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Log identifiers, not people: the customer id, the order number.
    /// - Mask what must be logged with a `#[pii_lint::sanitizer]` function (`138****8000`).
    /// - Derive `pii_lint::RedactedDebug` instead of `Debug` on types holding personal data.
    /// - Skip personal parameters in `#[tracing::instrument(skip(customer))]`.
    pub LOG_LEAK, "PII005", "log-leak", Deny,
    "personal data reaches a `log` sink"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    for flow in cx
        .flow
        .sink_flows
        .iter()
        .filter(|f| f.kind == SinkKind::Log)
    {
        if let Some(finding) = sink_finding(&LOG_LEAK, cx.index, flow, |_, _| true, "a log sink") {
            let help = "log an identifier instead, or mask the value with a #[pii_lint::sanitizer] function; \
                        derive pii_lint::RedactedDebug on types that are printed with {:?}";
            findings.push(finding.with_help(help));
        }
    }
}
