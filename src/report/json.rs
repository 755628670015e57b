//! `--format json` (SPEC 5.1).

use super::{ReportInput, Reporter};
use crate::diagnostic::{DataRef, Finding};
use serde::Serialize;

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    /// What the run skipped or cut (SPEC 5.1), the notes printed on stderr; left out when there are none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    lint: &'static str,
    level: &'static str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    data: &'a [DataRef],
    trace: Vec<JsonStep<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    note: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    deny: usize,
    warn: usize,
}

impl Reporter for Json {
    fn render(&self, input: &ReportInput) -> String {
        let path = |f: &Finding| input.workspace.file(f.span.file).rel_path.as_str();
        let findings = input
            .findings
            .iter()
            .map(|f| JsonFinding {
                code: f.lint.code,
                lint: f.lint.name,
                level: f.level.as_str(),
                message: &f.message,
                file: path(f),
                line: f.span.line,
                column: f.span.column,
                end_line: f.span.end_line,
                end_column: f.span.end_column,
                data: &f.data,
                trace: f
                    .trace
                    .iter()
                    .map(|step| JsonStep {
                        file: input.workspace.file(step.span.file).rel_path.as_str(),
                        line: step.span.line,
                        column: step.span.column,
                        note: &step.note,
                    })
                    .collect(),
                help: f.help.as_deref(),
            })
            .collect();
        let s = input.summary;
        let document = Document {
            version: 1,
            findings,
            summary: JsonSummary {
                files: s.files,
                findings: s.findings,
                deny: s.deny,
                warn: s.warn,
            },
            notes: &input.workspace.notes,
        };
        // Serialising plain structs of strings and numbers cannot fail.
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}
