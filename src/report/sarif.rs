//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Rules carry each lint's documentation.

use super::{ReportInput, Reporter};
use crate::diagnostic::{Level, Span};
use crate::workspace::Workspace;
use serde_sarif::sarif;

pub struct Sarif;

fn location(workspace: &Workspace, span: Span, note: Option<&str>) -> sarif::Location {
    let region = sarif::Region::builder()
        .start_line(i64::from(span.line))
        .start_column(i64::from(span.column))
        .end_line(i64::from(span.end_line))
        .end_column(i64::from(span.end_column))
        .build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(workspace.file(span.file).rel_path.clone())
                .build(),
        )
        .region(region)
        .build();
    let location = sarif::Location::builder().physical_location(physical);
    match note {
        Some(note) => location
            .message(sarif::Message::builder().text(note).build())
            .build(),
        None => location.build(),
    }
}

impl Reporter for Sarif {
    fn render(&self, input: &ReportInput) -> String {
        let lints: Vec<&crate::lints::Lint> = crate::lints::all().collect();
        let rules: Vec<sarif::ReportingDescriptor> = lints
            .iter()
            .map(|lint| {
                let doc = lint.documentation();
                sarif::ReportingDescriptor::builder()
                    .id(lint.code)
                    .name(lint.name)
                    .short_description(
                        sarif::MultiformatMessageString::builder()
                            .text(lint.summary)
                            .build(),
                    )
                    .full_description(
                        sarif::MultiformatMessageString::builder()
                            .text(lint.summary)
                            .build(),
                    )
                    .help(
                        sarif::MultiformatMessageString::builder()
                            .text(doc.clone())
                            .markdown(doc)
                            .build(),
                    )
                    .build()
            })
            .collect();
        let results: Vec<sarif::Result> = input
            .findings
            .iter()
            .map(|f| {
                let level = if f.level == Level::Deny {
                    sarif::ResultLevel::Error
                } else {
                    sarif::ResultLevel::Warning
                };
                let mut text = f.message.clone();
                if let Some(help) = &f.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                let related: Vec<sarif::Location> = f
                    .trace
                    .iter()
                    .map(|step| location(input.workspace, step.span, Some(&step.note)))
                    .collect();
                let index = lints
                    .iter()
                    .position(|l| l.code == f.lint.code)
                    .unwrap_or(0) as i64;
                sarif::Result::builder()
                    .rule_id(f.lint.code)
                    .rule_index(index)
                    .level(level)
                    .message(sarif::Message::builder().text(text).build())
                    .locations(vec![location(input.workspace, f.span, None)])
                    .related_locations(related)
                    .build()
            })
            .collect();
        let driver = sarif::ToolComponent::builder()
            .name("cargo-pii-lint")
            .version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let run = sarif::Run::builder().tool(driver).results(results).build();
        let log = sarif::Sarif::builder()
            .version(sarif::Version::V2_1_0.to_string())
            .schema(sarif::SCHEMA_URL)
            .runs(vec![run])
            .build();
        // Serialising plain data cannot fail.
        serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
    }
}
