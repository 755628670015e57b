//! Suppressions (SPEC 2.6) filter findings: an `allow` attribute covers its item, a comment its line or
//! the next one. One without a reason does not take effect (it is reported as `invalid-annotation`).

use crate::diagnostic::Finding;
use crate::parse::Suppression;

pub fn apply(findings: &mut Vec<Finding>, suppressions: &[Suppression]) {
    findings.retain(|finding| !suppressions.iter().any(|s| silences(s, finding)));
}

fn silences(suppression: &Suppression, finding: &Finding) -> bool {
    suppression.reason.is_some()
        && suppression.covers.file == finding.span.file
        && suppression.covers.contains_line(finding.span.line)
        && suppression.lints.iter().any(|name| {
            crate::lints::find(&name.value).is_some_and(|l| l.code == finding.lint.code)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::parse::Named;
    use crate::workspace::FileId;

    fn suppression(lint: &str, reason: Option<&str>, lines: (u32, u32)) -> Suppression {
        let covers = Span {
            file: FileId(0),
            line: lines.0,
            column: 1,
            end_line: lines.1,
            end_column: 1,
        };
        Suppression {
            lints: vec![Named {
                value: lint.to_string(),
                span: covers,
            }],
            reason: reason.map(str::to_string),
            span: covers,
            covers,
        }
    }

    fn finding(lint: &str, line: u32) -> Finding {
        Finding::new(
            crate::lints::find(lint).unwrap(),
            Span::line(FileId(0), line),
            "m",
        )
    }

    #[test]
    fn a_reasoned_suppression_silences_its_lint_on_its_lines() {
        let mut findings = vec![
            finding("log-leak", 5),
            finding("log-leak", 9),
            finding("export-leak", 5),
        ];
        apply(
            &mut findings,
            &[suppression("log_leak", Some("masked"), (4, 6))],
        );
        let left: Vec<_> = findings
            .iter()
            .map(|f| (f.lint.code, f.span.line))
            .collect();
        assert_eq!(left, [("PII005", 9), ("PII006", 5)]);
    }

    #[test]
    fn codes_and_both_spellings_name_the_same_lint() {
        for name in ["PII005", "pii005", "log-leak", "log_leak"] {
            let mut findings = vec![finding("log-leak", 3)];
            apply(&mut findings, &[suppression(name, Some("ok"), (3, 3))]);
            assert!(findings.is_empty(), "{name}");
        }
    }

    #[test]
    fn without_a_reason_nothing_is_silenced() {
        let mut findings = vec![finding("log-leak", 3)];
        apply(&mut findings, &[suppression("log-leak", None, (3, 3))]);
        assert_eq!(findings.len(), 1);
    }

    #[test]
    fn other_files_and_unknown_lints_are_not_silenced() {
        let mut findings = vec![finding("log-leak", 3)];
        let mut other_file = suppression("log-leak", Some("ok"), (3, 3));
        other_file.covers.file = FileId(1);
        apply(
            &mut findings,
            &[other_file, suppression("log-leek", Some("ok"), (3, 3))],
        );
        assert_eq!(findings.len(), 1);
    }
}
