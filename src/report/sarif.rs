//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Rules carry each lint's documentation
//! and default level; each result its trace twice, as `codeFlows` (one thread flow, the sink last) and as
//! `relatedLocations` its message links to, and its fingerprint (the baselines') as `partialFingerprints`. Columns count UTF-16 code units; URIs are relative to the git repository's root.

use super::{ReportInput, Reporter};
use crate::diagnostic::{Level, Span};
use crate::workspace::Workspace;
use serde_sarif::sarif;
use std::collections::BTreeMap;

pub struct Sarif;

const SRCROOT: &str = "%SRCROOT%";

struct Locator<'a> {
    workspace: &'a Workspace,
    prefix: String,
}

impl Locator<'_> {
    fn location(&self, span: Span, note: Option<&str>, id: Option<i64>) -> sarif::Location {
        let column = |line, column| i64::from(self.workspace.utf16_column(span.file, line, column));
        let region = sarif::Region::builder()
            .start_line(i64::from(span.line))
            .start_column(column(span.line, span.column))
            .end_line(i64::from(span.end_line))
            .end_column(column(span.end_line, span.end_column))
            .build();
        let uri = format!("{}{}", self.prefix, self.workspace.file(span.file).rel_path);
        let physical = sarif::PhysicalLocation::builder()
            .artifact_location(
                sarif::ArtifactLocation::builder()
                    .uri(uri)
                    .uri_base_id(SRCROOT)
                    .build(),
            )
            .region(region)
            .build();
        let mut location = sarif::Location::builder()
            .physical_location(physical)
            .build();
        location.message = note.map(|n| sarif::Message::builder().text(n).build());
        location.id = id;
        location
    }
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        _ => "warning",
    }
}

impl Reporter for Sarif {
    fn render(&self, input: &ReportInput) -> String {
        let locator = Locator {
            workspace: input.workspace,
            prefix: input.workspace.repository_prefix(),
        };
        let lints: Vec<&crate::lints::Lint> = crate::lints::all().collect();
        let rules: Vec<sarif::ReportingDescriptor> = lints
            .iter()
            .map(|lint| {
                let doc = lint.documentation();
                let mut rule = sarif::ReportingDescriptor::builder()
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
                    .help_uri(lint.help_uri())
                    .build();
                let mut configuration = sarif::ReportingConfiguration::builder().build();
                configuration.level = Some(level(lint.default_level).into());
                rule.default_configuration = Some(configuration);
                rule
            })
            .collect();
        let results: Vec<sarif::Result> = input
            .findings
            .iter()
            .map(|f| {
                let result_level = if f.level == Level::Deny {
                    sarif::ResultLevel::Error
                } else {
                    sarif::ResultLevel::Warning
                };
                let related: Vec<sarif::Location> = f
                    .trace
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        locator.location(step.span, Some(&step.note), Some(i as i64 + 1))
                    })
                    .collect();
                let mut text = f.message.clone();
                if !f.trace.is_empty() {
                    let links: Vec<String> = f
                        .trace
                        .iter()
                        .enumerate()
                        .map(|(i, step)| {
                            format!("[{}]({})", step.note.replace(['[', ']'], ""), i + 1)
                        })
                        .collect();
                    text.push_str(&format!(" (path: {})", links.join(", ")));
                }
                if let Some(help) = &f.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                let sink = locator.location(f.span, Some(f.lint.name), None);
                let steps: Vec<sarif::ThreadFlowLocation> = f
                    .trace
                    .iter()
                    .map(|step| locator.location(step.span, Some(&step.note), None))
                    .chain(std::iter::once(sink))
                    .map(|location| {
                        sarif::ThreadFlowLocation::builder()
                            .location(location)
                            .build()
                    })
                    .collect();
                let flow = sarif::CodeFlow::builder()
                    .thread_flows(vec![sarif::ThreadFlow::builder().locations(steps).build()])
                    .build();
                let index = lints
                    .iter()
                    .position(|l| l.code == f.lint.code)
                    .unwrap_or(0) as i64;
                let mut result = sarif::Result::builder()
                    .rule_id(f.lint.code)
                    .rule_index(index)
                    .level(result_level)
                    .message(sarif::Message::builder().text(text).build())
                    .locations(vec![locator.location(f.span, None, None)])
                    .related_locations(related)
                    .build();
                if !f.trace.is_empty() {
                    result.code_flows = Some(vec![flow]);
                }
                result.partial_fingerprints = Some(BTreeMap::from([(
                    "piiLintFinding/v1".to_string(),
                    f.fingerprint.clone(),
                )]));
                result
            })
            .collect();
        let driver = sarif::ToolComponent::builder()
            .name("cargo-pii-lint")
            .version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let mut run = sarif::Run::builder().tool(driver).results(results).build();
        run.column_kind = Some("utf16CodeUnits".into());
        let repository_root = input
            .workspace
            .root
            .ancestors()
            .nth(locator.prefix.matches('/').count())
            .and_then(url_of_dir);
        if let Some(uri) = repository_root {
            run.original_uri_base_ids = Some(BTreeMap::from([(
                SRCROOT.to_string(),
                sarif::ArtifactLocation::builder().uri(uri).build(),
            )]));
        }
        let log = sarif::Sarif::builder()
            .version(sarif::Version::V2_1_0.to_string())
            .schema(sarif::SCHEMA_URL)
            .runs(vec![run])
            .build();
        // Serialising plain data cannot fail.
        serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
    }
}

/// `file:///abs/dir/` for a directory (SARIF base URIs end with a slash).
fn url_of_dir(dir: &std::path::Path) -> Option<String> {
    let text = dir.to_str()?;
    let trimmed = text.trim_end_matches('/');
    Some(format!(
        "file://{}/",
        trimmed.replace('\\', "/").replace(' ', "%20")
    ))
}
