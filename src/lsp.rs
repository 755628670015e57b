//! `cargo pii-lint lsp`: a language server over stdio that publishes the findings as diagnostics. The
//! whole workspace is analysed when the client connects and again whenever a file is saved.

use crate::diagnostic::{Finding, Level};
use crate::pipeline::{check_reusing, CheckRequest};
use crate::workspace::Workspace;
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{DidSaveTextDocument, Notification as _, PublishDiagnostics};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    InitializeParams, Location, NumberOrString, Position, PublishDiagnosticsParams, Range,
    SaveOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Serves until the client exits; says whether it shut the server down first (LSP: exit code 0, else 1).
/// With `timings`, each analysis's `--timings` go to stderr.
pub fn serve(request: CheckRequest, timings: bool) -> Result<bool, String> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "cargo-pii-lint", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let request = match serde_json::from_value::<InitializeParams>(params)
        .ok()
        .and_then(|p| workspace_root(&p))
    {
        Some(root) => CheckRequest {
            cwd: root,
            ..request
        },
        None => request,
    };
    let mut published = BTreeSet::new();
    // What the last analysis parsed and evaluated: a save re-parses only the files whose text changed,
    // and evaluates again only what the edit can have changed.
    let mut memo = crate::pipeline::Memo::kept();
    publish(&connection, &request, &mut published, &mut memo, timings)?;
    memo.prepare();
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(req) if req.method == "shutdown" => {
                shut_down = true;
                let response = lsp_server::Response::new_ok(req.id, ());
                connection
                    .sender
                    .send(response.into())
                    .map_err(|e| e.to_string())?;
            }
            // Every other request is answered, so a client never waits for nothing.
            Message::Request(req) => {
                let response = lsp_server::Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("cargo pii-lint does not answer `{}`", req.method),
                );
                connection
                    .sender
                    .send(response.into())
                    .map_err(|e| e.to_string())?;
            }
            Message::Notification(note) if note.method == "exit" => break,
            Message::Notification(note) if note.method == DidSaveTextDocument::METHOD => {
                publish(&connection, &request, &mut published, &mut memo, timings)?;
                memo.prepare();
            }
            _ => {}
        }
    }
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    Ok(shut_down)
}

#[allow(deprecated)] // `root_uri` is what most clients still send beside `workspace_folders`
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())?;
    uri.to_file_path().ok()
}

/// Runs the analysis and publishes each file's findings; files that had findings and have none now are
/// published empty, so their old diagnostics go away.
fn publish(
    connection: &Connection,
    request: &CheckRequest,
    published: &mut BTreeSet<Url>,
    memo: &mut crate::pipeline::Memo,
    timings: bool,
) -> Result<(), String> {
    let mut by_file: BTreeMap<Url, Vec<Diagnostic>> =
        published.iter().map(|u| (u.clone(), Vec::new())).collect();
    match check_reusing(request, memo) {
        Ok(outcome) => {
            if timings {
                eprint!("{}", crate::pipeline::timings_report(&outcome, None));
            }
            let workspace = &outcome.index.workspace;
            for finding in &outcome.findings {
                let Some(uri) = uri_of(workspace, finding.span.file) else {
                    continue;
                };
                by_file
                    .entry(uri)
                    .or_default()
                    .push(diagnostic(workspace, finding));
            }
            // Freeing the analysis takes a while on a large workspace: it is freed on a thread of its own
            // while the diagnostics go out (where no thread can be made, here).
            let _ = std::thread::Builder::new().spawn(move || drop(outcome));
        }
        Err(report) => {
            let message = format!("{report}");
            let params = lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::ERROR,
                message,
            };
            let note = Notification::new(
                lsp_types::notification::ShowMessage::METHOD.to_string(),
                params,
            );
            connection
                .sender
                .send(note.into())
                .map_err(|e| e.to_string())?;
        }
    }
    published.clear();
    for (uri, diagnostics) in by_file {
        if !diagnostics.is_empty() {
            published.insert(uri.clone());
        }
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        let note = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        connection
            .sender
            .send(note.into())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn uri_of(workspace: &Workspace, file: crate::workspace::FileId) -> Option<Url> {
    let path = &workspace.file(file).abs_path;
    let absolute = if path.is_absolute() {
        path.clone()
    } else {
        workspace.root.join(path)
    };
    Url::from_file_path(Path::new(&absolute)).ok()
}

/// LSP positions are 0-based, and count UTF-16 code units; spans count characters from 1.
fn range(workspace: &Workspace, span: crate::diagnostic::Span) -> Range {
    let position = |line: u32, column: u32| Position {
        line: line.saturating_sub(1),
        character: workspace.utf16_column(span.file, line, column) - 1,
    };
    Range {
        start: position(span.line, span.column),
        end: position(span.end_line, span.end_column),
    }
}

fn diagnostic(workspace: &Workspace, finding: &Finding) -> Diagnostic {
    let related = finding
        .trace
        .iter()
        .filter_map(|step| {
            let uri = uri_of(workspace, step.span.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: range(workspace, step.span),
                },
                message: step.note.clone(),
            })
        })
        .collect::<Vec<_>>();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range: range(workspace, finding.span),
        severity: Some(if finding.level == Level::Deny {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(format!(
            "{} {}",
            finding.lint.code, finding.lint.name
        ))),
        code_description: Url::parse(&finding.lint.help_uri())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("pii-lint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}
