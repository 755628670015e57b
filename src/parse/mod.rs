//! Parse: one file at a time, in parallel, never failing. Each file becomes a `FileSummary` (its items
//! lowered, its annotations read, its errors recorded) and the syn tree is dropped.

mod attrs;
mod comments;
mod depth;
pub mod flow_ir;
mod items;
mod lower_body;
mod macro_rules;
mod macros;
pub mod model;

pub use model::*;

use crate::diagnostic::Span;
use crate::workspace::{FileId, FileText, Workspace};
use rayon::prelude::*;

pub struct ParseOptions {
    pub include_tests: bool,
}

/// Every Rust file of the workspace, parsed in parallel; the result is indexed by `FileId`.
pub fn parse_workspace(workspace: &Workspace, options: &ParseOptions) -> Vec<FileSummary> {
    let summaries: Vec<FileSummary> = workspace
        .files
        .par_iter()
        .enumerate()
        .map(|(index, source)| {
            let file = FileId(index as u32);
            let summary = match &source.text {
                _ if source.kind == crate::workspace::FileKind::Config => FileSummary::default(),
                FileText::Utf8(text) => parse_file(file, text, options),
                FileText::NotUtf8 => unreadable(file, "the file is not valid UTF-8".to_string()),
                FileText::Unreadable(error) => {
                    unreadable(file, format!("the file cannot be read: {error}"))
                }
            };
            // Spans of this thread's files are no longer needed once lowered into our own `Span`s.
            proc_macro2::extra::invalidate_current_thread_spans();
            summary
        })
        .collect();
    summaries
}

fn unreadable(file: FileId, message: String) -> FileSummary {
    FileSummary {
        parse_error: Some(ParseError {
            span: Span::line(file, 1),
            message,
        }),
        ..Default::default()
    }
}

/// One file's summary. A syntax error leaves the items empty but suppression comments are still read,
/// so a `parse-error` can be allowed like any other finding.
pub fn parse_file(file: FileId, text: &str, options: &ParseOptions) -> FileSummary {
    let mut summary = FileSummary::default();
    comments::suppressions(
        file,
        text,
        &mut summary.suppressions,
        &mut summary.annotation_errors,
    );
    if let Some(line) = depth::too_deep(text) {
        summary.parse_error = Some(ParseError {
            span: Span::line(file, line),
            message: format!(
                "code nested more than {} levels deep: the file is not analysed (a limit of cargo \
                 pii-lint, so that parsing it cannot overflow the stack)",
                depth::MAX_NESTING
            ),
        });
        summary.limits.push(format!(
            "nested more than {} levels deep at line {line}: not analysed",
            depth::MAX_NESTING
        ));
        return summary;
    }
    match syn::parse_file(text) {
        Ok(syntax) => {
            let imports = attrs::PiiImports::of_file(&syntax);
            let mut lowerer = items::Lowerer {
                reader: attrs::AttrReader {
                    file,
                    at: None,
                    imports: &imports,
                    errors: &mut summary.annotation_errors,
                    suppressions: &mut summary.suppressions,
                },
                include_tests: options.include_tests,
                limits: Default::default(),
            };
            summary.items = lowerer.items(&syntax.items);
            summary.limits = lowerer.limits.into_inner();
        }
        Err(error) => {
            let start = error.span().start();
            let line = start.line.max(1) as u32;
            let span = Span {
                file,
                line,
                column: start.column as u32 + 1,
                end_line: line,
                end_column: start.column as u32 + 1,
            };
            let message = match error.to_string() {
                // proc-macro2's lexer error says nothing of the cause, which is nearly always this.
                lex if lex == "cannot parse string into token stream" => {
                    "unbalanced delimiter or invalid token (the file does not lex)".to_string()
                }
                other => other,
            };
            summary.parse_error = Some(ParseError { span, message });
        }
    }
    summary
}

pub use macro_rules::Rules as MacroRules;

/// Items a workspace macro's invocation makes: the first matching rule of `rules` expanded with `input`,
/// parsed and lowered with every span at the invocation (`at`). Nothing when no rule matches or the
/// expansion is not items. The caller invalidates this thread's spans once it is done expanding.
pub fn expand_items(rules: &MacroRules, input: &str, at: Span) -> Vec<Item> {
    let Some(expanded) = rules.expand(input) else {
        return Vec::new();
    };
    if depth::too_deep(&expanded).is_some() {
        return Vec::new();
    }
    let Ok(syntax) = syn::parse_file(&expanded) else {
        return Vec::new();
    };
    let imports = attrs::PiiImports::of_file(&syntax);
    let (mut errors, mut suppressions) = (Vec::new(), Vec::new());
    let mut lowerer = items::Lowerer {
        reader: attrs::AttrReader {
            file: at.file,
            at: Some(at),
            imports: &imports,
            errors: &mut errors,
            suppressions: &mut suppressions,
        },
        include_tests: false,
        limits: Default::default(),
    };
    lowerer.items(&syntax.items)
}
