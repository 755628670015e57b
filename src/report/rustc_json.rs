//! `--message-format json`: one rustc-style JSON diagnostic per line, as rust-analyzer reads from a
//! `check.overrideCommand`, so findings show in the editor.

use super::{ReportInput, Reporter};
use crate::diagnostic::{byte_offset, Finding, Level, Span};
use crate::workspace::Workspace;
use serde_json::{json, Value};

pub struct RustcJson;

fn span(workspace: &Workspace, span: Span, primary: bool, label: Option<&str>) -> Value {
    let text = workspace.text(span.file).unwrap_or_default();
    let (start, end) = (
        byte_offset(text, span.line, span.column),
        byte_offset(text, span.end_line, span.end_column),
    );
    let line_text = text
        .lines()
        .nth(span.line.saturating_sub(1) as usize)
        .unwrap_or_default();
    json!({
        "file_name": workspace.file(span.file).rel_path,
        "byte_start": start,
        "byte_end": end.max(start),
        "line_start": span.line,
        "line_end": span.end_line,
        "column_start": span.column,
        "column_end": span.end_column,
        "is_primary": primary,
        "text": [{ "text": line_text, "highlight_start": span.column, "highlight_end": span.end_column }],
        "label": label,
        "suggested_replacement": null,
        "suggestion_applicability": null,
        "expansion": null,
    })
}

fn diagnostic(finding: &Finding, workspace: &Workspace) -> Value {
    let level = if finding.level == Level::Deny {
        "error"
    } else {
        "warning"
    };
    let file = &workspace.file(finding.span.file).rel_path;
    let mut spans = vec![span(workspace, finding.span, true, Some(finding.lint.name))];
    spans.extend(
        finding
            .trace
            .iter()
            .filter(|s| s.span.file == finding.span.file)
            .map(|s| span(workspace, s.span, false, Some(&s.note))),
    );
    let children: Vec<Value> = finding
        .help
        .iter()
        .map(|help| json!({ "message": help, "code": null, "level": "help", "spans": [], "children": [], "rendered": null }))
        .collect();
    let rendered = format!(
        "{level}[{}]: {}\n --> {file}:{}:{}\n",
        finding.lint.code, finding.message, finding.span.line, finding.span.column
    );
    json!({
        "message": finding.message,
        "code": { "code": format!("{} {}", finding.lint.code, finding.lint.name), "explanation": finding.lint.documentation() },
        "level": level,
        "spans": spans,
        "children": children,
        "rendered": rendered,
    })
}

impl Reporter for RustcJson {
    fn render(&self, input: &ReportInput) -> String {
        let mut out = String::new();
        for finding in input.findings {
            out.push_str(&diagnostic(finding, input.workspace).to_string());
            out.push('\n');
        }
        out
    }
}
