//! Human output (SPEC 5.2): miette diagnostics with the lint code and name, the source line with the
//! primary span labelled, declaration and flow steps as secondary labels, a help line, and a summary.

use super::{ReportInput, Reporter};
use crate::diagnostic::{byte_offset as offset, Finding, Level, Span};
use crate::workspace::Workspace;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceSpan,
};
use std::fmt;

pub struct Human;

impl Reporter for Human {
    fn render(&self, input: &ReportInput) -> String {
        let theme = if input.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(120)
            .with_context_lines(1);
        let mut out = String::new();
        for finding in input.findings {
            let diagnostic = Rendered::of(finding, input.workspace);
            if handler.render_report(&mut out, &diagnostic).is_err() {
                out.push_str(&diagnostic.to_string());
            }
            out.push('\n');
        }
        if !input.quiet {
            out.push_str(&input.summary.line());
            out.push('\n');
        }
        out
    }
}

/// One finding (or one cross-file step of its trace) as a miette diagnostic.
#[derive(Debug)]
struct Rendered {
    message: String,
    code: Option<String>,
    severity: Severity,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl Rendered {
    fn of(finding: &Finding, workspace: &Workspace) -> Rendered {
        let file = workspace.file(finding.span.file);
        let text = workspace.text(finding.span.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        let message = match text {
            Some(_) => finding.message.clone(),
            None => format!(
                "{}:{}:{}: {}",
                file.rel_path, finding.span.line, finding.span.column, finding.message
            ),
        };
        if let Some(text) = text {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(finding.lint.name.to_string()),
                source_span(text, finding.span),
            ));
            for step in &finding.trace {
                match workspace.text(step.span.file) {
                    Some(step_text) if step.span.file == finding.span.file => {
                        labels.push(LabeledSpan::new_with_span(
                            Some(step.note.clone()),
                            source_span(step_text, step.span),
                        ));
                    }
                    Some(step_text) => {
                        related.push(Rendered::step(workspace, step.span, &step.note, step_text))
                    }
                    None => {}
                }
            }
        }
        Rendered {
            message,
            code: Some(format!("{} {}", finding.lint.code, finding.lint.name)),
            severity: match finding.level {
                Level::Deny => Severity::Error,
                _ => Severity::Warning,
            },
            help: finding.help.clone(),
            source: text
                .map(|t| NamedSource::new(&file.rel_path, t.to_string()).with_language("Rust")),
            labels,
            related,
        }
    }

    fn step(workspace: &Workspace, span: Span, note: &str, text: &str) -> Rendered {
        let path = &workspace.file(span.file).rel_path;
        Rendered {
            message: note.to_string(),
            code: None,
            severity: Severity::Advice,
            help: None,
            source: Some(NamedSource::new(path, text.to_string())),
            labels: vec![LabeledSpan::new_with_span(
                Some(note.to_string()),
                source_span(text, span),
            )],
            related: Vec::new(),
        }
    }
}

/// Byte range of a line/column span in `text` (columns count characters).
fn source_span(text: &str, span: Span) -> SourceSpan {
    let start = offset(text, span.line, span.column);
    let end = offset(text, span.end_line, span.end_column).max(start);
    let end = if end == start {
        line_end(text, start).max(start)
    } else {
        end
    };
    SourceSpan::new(start.into(), end - start)
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i)
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::FileId;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "fn a() {}\nlet 名字 = x;\n";
        assert_eq!(offset(text, 2, 1), 10);
        assert_eq!(offset(text, 2, 5), 14);
        assert_eq!(offset(text, 2, 7), 20);
        assert_eq!(offset(text, 9, 1), text.len());
    }

    #[test]
    fn an_empty_span_covers_the_rest_of_its_line() {
        let text = "one\ntwo three\n";
        let span = Span {
            file: FileId(0),
            line: 2,
            column: 1,
            end_line: 2,
            end_column: 1,
        };
        let s = source_span(text, span);
        assert_eq!((s.offset(), s.len()), (4, 9));
    }
}
