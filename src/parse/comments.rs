//! Suppression comments: `// pii-lint: allow(log-leak, PII006) reason: <text>`. Comments are not in the
//! syn tree, so the text is scanned, skipping string and char literals and block comments.

use super::lexical::{
    is_raw_string_start, skip_block_comment, skip_char_literal, skip_raw_string, skip_string,
};
use super::model::{AnnotationError, Named, Suppression};
use crate::diagnostic::Span;
use crate::workspace::FileId;

const MARKER: &str = "pii-lint:";

/// Every `//` line comment of the text, with its byte range.
fn line_comments(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                comments.push((i, end));
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            b'"' => i = skip_string(bytes, i + 1),
            b'r' if is_raw_string_start(bytes, i) => i = skip_raw_string(bytes, i + 1),
            b'\'' => i = skip_char_literal(bytes, i),
            _ => i += 1,
        }
    }
    comments
}

/// Reads every suppression comment; a malformed one is an annotation error at the comment.
pub fn suppressions(
    file: FileId,
    text: &str,
    out: &mut Vec<Suppression>,
    errors: &mut Vec<AnnotationError>,
) {
    // Most files have no suppression: one substring search instead of lexing their comments.
    if !text.contains(MARKER) {
        return;
    }
    for (start, end) in line_comments(text) {
        let comment = &text[start..end];
        let body = comment.trim_start_matches('/').trim_start();
        let Some(directive) = body.strip_prefix(MARKER) else {
            continue;
        };
        let span = Span::from_byte_range(file, text, start..end);
        let own_line = text[..start]
            .rsplit('\n')
            .next()
            .is_some_and(|before| before.trim().is_empty());
        let covered_line = if own_line { span.line + 1 } else { span.line };
        let directive_offset = start + (comment.len() - directive.len());
        match parse_directive(directive) {
            Ok((lints, reason)) => out.push(Suppression {
                lints: lints
                    .into_iter()
                    .map(|(name, range)| Named {
                        value: name,
                        span: Span::from_byte_range(
                            file,
                            text,
                            directive_offset + range.start..directive_offset + range.end,
                        ),
                    })
                    .collect(),
                reason,
                span,
                covers: Span::line(file, covered_line),
            }),
            Err(problem) => errors.push(AnnotationError {
                span,
                message: format!("malformed suppression comment: {problem}"),
            }),
        }
    }
}

type LintNames = Vec<(String, std::ops::Range<usize>)>;

/// `allow(a, b) reason: text` → the lint names with their ranges in `directive`, and the reason.
fn parse_directive(directive: &str) -> Result<(LintNames, Option<String>), String> {
    let expected = "expected `pii-lint: allow(<lint>, ...) reason: <why>`";
    let trimmed = directive.trim_start();
    let lead = directive.len() - trimmed.len();
    let Some(after_allow) = trimmed.strip_prefix("allow") else {
        return Err(expected.to_string());
    };
    let after_allow_trimmed = after_allow.trim_start();
    let Some(list) = after_allow_trimmed.strip_prefix('(') else {
        return Err(expected.to_string());
    };
    let Some(close) = list.find(')') else {
        return Err("`allow(` is not closed with `)`".to_string());
    };
    let list_offset = lead + "allow".len() + (after_allow.len() - after_allow_trimmed.len()) + 1;
    let mut lints = Vec::new();
    let mut cursor = 0;
    for part in list[..close].split(',') {
        let name = part.trim();
        if !name.is_empty() {
            let at = list_offset + cursor + part.find(name).unwrap_or(0);
            lints.push((name.to_string(), at..at + name.len()));
        }
        cursor += part.len() + 1;
    }
    if lints.is_empty() {
        return Err("`allow()` names no lint".to_string());
    }
    let rest = list[close + 1..].trim();
    let reason = match rest.strip_prefix("reason:") {
        Some(reason) if !reason.trim().is_empty() => Some(reason.trim().to_string()),
        Some(_) => None,
        None if rest.is_empty() => None,
        None => {
            return Err(format!(
                "unexpected `{rest}` after `allow(...)`: {expected}"
            ))
        }
    };
    Ok((lints, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Suppression>, Vec<AnnotationError>) {
        let (mut found, mut errors) = (Vec::new(), Vec::new());
        suppressions(FileId(0), text, &mut found, &mut errors);
        (found, errors)
    }

    #[test]
    fn trailing_comment_covers_its_own_line() {
        let (found, errors) =
            read("let a = 1;\nlog(x); // pii-lint: allow(log-leak) reason: masked upstream\n");
        assert!(errors.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].covers.line, 2);
        assert_eq!(found[0].lints[0].value, "log-leak");
        assert_eq!(found[0].lints[0].span.column, 28);
        assert_eq!(found[0].reason.as_deref(), Some("masked upstream"));
    }

    #[test]
    fn own_line_comment_covers_the_next_line() {
        let (found, _) =
            read("    // pii-lint: allow(PII005, export_leak) reason: audit\n    log(x);\n");
        assert_eq!(found[0].covers.line, 2);
        let names: Vec<_> = found[0].lints.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(names, ["PII005", "export_leak"]);
    }

    #[test]
    fn missing_reason_is_kept_without_reason() {
        let (found, errors) = read("// pii-lint: allow(log-leak)\n");
        assert!(errors.is_empty());
        assert_eq!(found[0].reason, None);
        let (found, _) = read("// pii-lint: allow(log-leak) reason:   \n");
        assert_eq!(found[0].reason, None);
    }

    #[test]
    fn malformed_directives_are_errors() {
        for text in [
            "// pii-lint: alow(log-leak) reason: x",
            "// pii-lint: allow log-leak",
            "// pii-lint: allow(log-leak reason: x",
            "// pii-lint: allow() reason: x",
            "// pii-lint: allow(log-leak) because it is fine",
        ] {
            let (found, errors) = read(text);
            assert!(found.is_empty(), "{text}");
            assert_eq!(errors.len(), 1, "{text}");
        }
    }

    #[test]
    fn markers_inside_literals_and_block_comments_are_ignored() {
        let text = concat!(
            "let s = \"// pii-lint: allow(log-leak)\";\n",
            "let r = r#\"// pii-lint: allow(log-leak) \"quoted\" \"#;\n",
            "/* // pii-lint: allow(log-leak) */\n",
            "let c = '\"'; // pii-lint: allow(log-leak) reason: real\n",
            "fn f<'a>(x: &'a str) {} // pii-lint: allow(export-leak) reason: real too\n",
        );
        let (found, errors) = read(text);
        assert!(errors.is_empty());
        let lines: Vec<_> = found.iter().map(|s| s.covers.line).collect();
        assert_eq!(lines, [4, 5]);
    }

    #[test]
    fn ordinary_comments_are_not_suppressions() {
        let (found, errors) = read("// pii lint allow(log-leak)\n// see pii-lint docs\n");
        assert!(found.is_empty() && errors.is_empty());
    }
}
