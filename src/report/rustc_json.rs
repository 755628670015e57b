//! `--message-format json`: one cargo message per line, as `cargo check --message-format json` writes them
//! (`compiler-message` with a rustc diagnostic inside, then `build-finished`), so rust-analyzer's
//! `check.overrideCommand` and tools that read cargo's stream show the findings.

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

/// The package a finding belongs to: its file's, or the first package for findings in `pii-lint.toml`
/// (attached to the workspace's manifest directory).
fn package_fields(workspace: &Workspace, finding: &Finding) -> (Value, Value, Value) {
    let file = workspace.file(finding.span.file);
    let package = file
        .package
        .and_then(|p| workspace.packages.get(p.0 as usize))
        .or_else(|| workspace.packages.first());
    let (name, dir) = match package {
        Some(p) => (p.name.clone(), p.dir.clone()),
        None => (String::from("workspace"), workspace.root.clone()),
    };
    let dir_text = dir.to_string_lossy().replace('\\', "/");
    let target = package
        .and_then(|p| p.targets.first())
        .map(|t| {
            (
                t.crate_name.clone(),
                workspace.file(t.root).abs_path.clone(),
            )
        })
        .unwrap_or_else(|| (name.replace('-', "_"), file.abs_path.clone()));
    let kind = if target.1.ends_with("main.rs") {
        "bin"
    } else {
        "lib"
    };
    (
        json!(format!("path+file://{dir_text}#{name}@0.0.0")),
        json!(format!("{dir_text}/Cargo.toml")),
        json!({
            "kind": [kind],
            "crate_types": [kind],
            "name": target.0,
            "src_path": target.1.to_string_lossy(),
            "edition": "2021",
            "required-features": [],
            "doc": true,
            "doctest": false,
            "test": true,
        }),
    )
}

impl Reporter for RustcJson {
    fn render(&self, input: &ReportInput) -> String {
        let mut out = String::new();
        for finding in input.findings {
            let (package_id, manifest_path, target) = package_fields(input.workspace, finding);
            let message = json!({
                "reason": "compiler-message",
                "package_id": package_id,
                "manifest_path": manifest_path,
                "target": target,
                "message": diagnostic(finding, input.workspace),
            });
            out.push_str(&message.to_string());
            out.push('\n');
        }
        let success = !input.findings.iter().any(|f| f.level == Level::Deny);
        out.push_str(&json!({"reason": "build-finished", "success": success}).to_string());
        out.push('\n');
        out
    }
}
