use crate::diagnostic::Finding;
use crate::flow::SinkKind;
use crate::lints::{purposes, sink_finding, LintContext};

declare_lint! {
    /// ### What it does
    /// Reports a call to an `export` sink (files, HTTP requests to other parties, analytics, message queues:
    /// `std::fs::write`, `File` writes, `csv::Writer`, `serde_json::to_writer`, `reqwest`/`ureq`/`hyper` bodies,
    /// forms and queries, and functions declared `#[pii_lint::sink(kind = "export")]` or in `[[sinks]]`) whose
    /// arguments carry personal data, unless the export serves a purpose the data was collected for and that
    /// purpose's consent is checked. The purpose is the sink's own `purpose`, else the purpose of the calling
    /// code. Serialising a type that derives `Serialize` exports its personal fields except those marked
    /// `#[serde(skip)]`. One finding per sink call, at the call.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶2 forbids leaking, selling or illegally providing personal information to others
    /// ("不得泄露、出售或者非法向他人提供"), and Decision Art. 3 and GPCL Art. 111 say the same. Handing data to a
    /// partner, an analytics vendor or a file that leaves the company is providing it to others: only for a
    /// purpose the consumer agreed to, with their consent where that purpose needs it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]
    /// fn upload_to_partner(rows: &[PartnerRow]) { /* ... */ }
    ///
    /// fn nightly_feed(customers: &[Customer]) {
    ///     let rows: Vec<PartnerRow> = customers.iter().map(PartnerRow::from).collect();
    ///     upload_to_partner(&rows);   // phone collected for `service`, no sharing consent checked
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// fn nightly_feed(customers: &[Customer]) {
    ///     let rows: Vec<PartnerRow> = customers
    ///         .iter()
    ///         .filter(|c| has_sharing_consent(c))          // #[pii_lint::consent_check("third_party_sharing")]
    ///         .map(PartnerRow::from_masked)                // only what the partner needs, masked
    ///         .collect();
    ///     upload_to_partner(&rows);
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Export only data collected for the purpose of the export, and check that purpose's consent first.
    /// - Send identifiers or sanitized values instead of the personal data.
    /// - Mark fields the export must not carry `#[serde(skip)]`.
    pub EXPORT_LEAK, "PII006", "export-leak", Deny,
    "personal data reaches an `export` sink without a purpose it was collected for and the consent that purpose needs"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for flow in cx
        .flow
        .sink_flows
        .iter()
        .filter(|f| f.kind == SinkKind::Export)
    {
        let code = purposes::of_code(cx.flow, flow.function);
        let purpose = (flow.purpose.as_deref()).or(code.map(|c| c.purpose.value.as_str()));
        let consent = purpose.and_then(|p| purposes::consent_of(index, p));
        let consented = consent.is_none_or(|c| flow.consents.iter().any(|held| held == c));
        let allowed =
            |decl| purpose.is_some_and(|p| purposes::collected_for(index, decl, p)) && consented;
        let Some(mut finding) = sink_finding(
            &EXPORT_LEAK,
            index,
            flow,
            |decl, _| !allowed(decl),
            "an export sink",
        ) else {
            continue;
        };
        let all_collected = finding.data.iter().all(|d| {
            purpose.is_some_and(|p| {
                index.catalogue.decl_ids().any(|id| {
                    index.catalogue.data_ref(id) == *d && purposes::collected_for(index, id, p)
                })
            })
        });
        let help = match (purpose, consent) {
            (None, _) => "state the purpose of the export (#[pii_lint::purpose] on the function, or `purpose` on \
                          the sink) and send only data collected for it, or a sanitized value"
                .to_string(),
            (Some(p), Some(c)) if all_collected && !consented => format!(
                "the export serves `{p}`, which needs the consumer's consent `{c}`: {}",
                purposes::nearest_check(index, c, flow.span)
            ),
            (Some(p), _) => format!(
                "the export serves `{p}`, which this data was not collected for: send only data collected for \
                 `{p}`, or a sanitized value"
            ),
        };
        if let (None, Some(code)) = (&flow.purpose, code) {
            finding
                .trace
                .push(purposes::step(index, flow.function, code));
        }
        findings.push(finding.with_help(help));
    }
}
