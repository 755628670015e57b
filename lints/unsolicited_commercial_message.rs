use crate::diagnostic::Finding;
use crate::flow::{Origin, SinkKind};
use crate::lints::{purposes, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports a call to a `commercial_message` sink (SMS, e-mail or push sent for marketing, declared with
    /// `#[pii_lint::sink(kind = "commercial_message")]` or in `[[sinks]]`) where no check of its purpose's
    /// consent (`marketing`, unless the sink declares another purpose) guards the call, whether or not personal
    /// data is passed; and a call given personal data that was not collected for that purpose. The finding
    /// points at the sink call.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶3 says a merchant may not send commercial messages to a consumer without their consent or
    /// request, or after they refused ("未经消费者同意或者请求, 或者消费者明确表示拒绝的, 不得向其发送商业性信息"), and
    /// Decision Art. 7 says the same for commercial electronic messages. Every promotional SMS must be behind a
    /// check that this person agreed to receive it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[pii_lint::sink(kind = "commercial_message")]
    /// fn send_promo_sms(phone: &str, text: &str) { /* SMS gateway */ }
    ///
    /// fn double_eleven(customers: &[Customer]) {
    ///     for c in customers {
    ///         send_promo_sms(&c.phone, "11.11: 50% off");   // no marketing consent checked
    ///     }
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// fn double_eleven(customers: &[Customer]) {
    ///     for c in customers.iter().filter(|c| has_marketing_consent(c)) {
    ///         send_promo_sms(&c.phone, "11.11: 50% off");
    ///     }
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Check the consent (`#[pii_lint::consent_check("marketing")]`) before each send, or iterate over a
    ///   consenting source of recipients.
    /// - Declare the contact data with the `marketing` purpose if it is used for it, and tell consumers so.
    /// - Honour refusals: a consent check must return false for people who opted out.
    pub UNSOLICITED_COMMERCIAL_MESSAGE, "PII007", "unsolicited-commercial-message", Deny,
    "a `commercial_message` sink called where no check of its purpose's consent guards it, or given personal data not collected for that purpose"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for flow in cx
        .flow
        .sink_flows
        .iter()
        .filter(|f| f.kind == SinkKind::CommercialMessage)
    {
        // A commercial message serves `marketing` unless its sink declares another purpose.
        let purpose = flow.purpose.as_deref().unwrap_or("marketing");
        let consent = purposes::consent_of(index, purpose).unwrap_or("marketing");
        let consented = flow.consents.iter().any(|c| c == consent);
        let mut outside = Vec::new();
        for origin in flow.data.keys() {
            if let Origin::Decl(d) | Origin::Encrypted(d) = origin {
                let data = index.catalogue.data_ref(*d);
                if !purposes::collected_for(index, *d, purpose) && !outside.contains(&data) {
                    outside.push(data);
                }
            }
        }
        if consented && outside.is_empty() {
            continue;
        }
        let mut reasons = Vec::new();
        if !consented {
            reasons.push(format!("no check of the consent `{consent}` guards it"));
        }
        if !outside.is_empty() {
            let named: Vec<String> = outside.iter().map(|d| d.describe()).collect();
            reasons.push(format!(
                "it is given personal data {} not collected for `{purpose}`",
                named.join(", ")
            ));
        }
        let message = format!(
            "commercial message {} sent for `{purpose}`, but {}",
            flow.sink,
            reasons.join(", and ")
        );
        let help = if consented {
            format!("send it only to contacts collected for `{purpose}`")
        } else {
            format!(
                "send commercial messages only to consumers who agreed: {}",
                purposes::nearest_check(index, consent, flow.span)
            )
        };
        findings.push(
            Finding::new(&UNSOLICITED_COMMERCIAL_MESSAGE, flow.span, message)
                .with_data(outside)
                .with_help(help),
        );
    }
}
