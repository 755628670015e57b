//! Parse: one file at a time, in parallel, never failing. Each file becomes a `FileSummary` (its items
//! lowered, its annotations read, its errors recorded) and the syn tree is dropped.

mod attrs;
pub mod cache;
mod chunks;
mod comments;
mod depth;
pub mod flow_ir;
pub mod ir_walk;
mod items;
mod lexical;
mod lower_body;
mod macro_rules;
mod macros;
pub mod model;
pub mod shape;

pub use model::*;

use crate::diagnostic::Span;
use crate::workspace::{FileId, FileText, Workspace};
use rayon::prelude::*;

pub struct ParseOptions {
    pub include_tests: bool,
}

/// Every Rust file of the workspace, parsed in parallel; the result is indexed by `FileId`.
pub fn parse_workspace(workspace: &Workspace, options: &ParseOptions) -> Vec<FileSummary> {
    parse_workspace_reusing(workspace, options, &mut ParseMemo::default(), None)
}

/// The summaries of the last analysis, by file, with the text they were made of: a language server
/// keeps them between saves and parses only the files whose text (or place in the file list) changed.
/// `ParseMemo::default()` keeps nothing (a one-off run pays nothing for it); `ParseMemo::kept()` keeps.
#[derive(Default)]
pub struct ParseMemo {
    keep: bool,
    entries: Vec<(String, std::sync::Arc<str>, FileSummary)>,
    /// A second copy of `entries`' summaries, made while the server waits for the next save (`prepare`):
    /// the index consumes the summaries it is given, and copying every file's takes longer than the rest
    /// of parsing after an edit.
    spares: Vec<Option<FileSummary>>,
    include_tests: bool,
    reused: usize,
    edit: Option<Edit>,
}

/// What changed since the run before, as the last run of a kept memo found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edit {
    /// The files whose text changed.
    pub changed: Vec<FileId>,
    /// Same files in the same places, and each changed one a source file with its shape (`shape`). With
    /// the same manifests too (the pipeline checks), the index is the one before but for the changed
    /// files' places and bodies.
    pub same_shape: bool,
    /// Same files in the same places, and each changed one a source file whose edit changed only
    /// functions (`shape::changed_functions`): those functions' names, and the traits of the impls
    /// holding some of them (none when `same_shape`).
    pub changed_functions: Option<shape::FunctionEdit>,
}

impl ParseMemo {
    pub fn kept() -> ParseMemo {
        ParseMemo {
            keep: true,
            ..ParseMemo::default()
        }
    }

    /// Copies the summaries the next run will hand to the index, so it need not (work for the time
    /// between two analyses).
    pub fn prepare(&mut self) {
        if self.keep && self.spares.len() != self.entries.len() {
            self.spares = (self.entries.par_iter())
                .map(|(_, _, summary)| Some(summary.clone()))
                .collect();
        }
    }

    /// How many files the last run took from the memo instead of parsing.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// Whether it holds the summaries of a run (it keeps, and a run was made).
    pub fn has_run(&self) -> bool {
        !self.entries.is_empty()
    }

    /// What the last run found changed since the one before; `None` after the first run.
    pub fn edit(&self) -> Option<&Edit> {
        self.edit.as_ref()
    }
}

/// As `parse_workspace`, taking each file's summary from `memo` when the file has the same path, text
/// and `FileId` as then (spans hold the `FileId`), else from the on-disk `cache`, and leaving this run's
/// summaries in `memo` and `cache`.
pub fn parse_workspace_reusing(
    workspace: &Workspace,
    options: &ParseOptions,
    memo: &mut ParseMemo,
    cache: Option<&cache::DiskCache>,
) -> Vec<FileSummary> {
    if memo.include_tests != options.include_tests {
        memo.entries.clear();
    }
    let unchanged: Vec<bool> = workspace
        .files
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let Some((path, text, _)) = memo.entries.get(index) else {
                return false;
            };
            matches!(&source.text, FileText::Utf8(current)
                if std::sync::Arc::ptr_eq(current, text) || current == text)
                && *path == source.rel_path
        })
        .collect();
    let had_run = !memo.entries.is_empty();
    let same_files = memo.entries.len() == workspace.files.len()
        && (workspace.files.iter())
            .zip(&memo.entries)
            .all(|(file, (path, _, _))| *path == file.rel_path);
    // The summaries of unchanged files: the spare copies `prepare` made, else copies made now; the memo
    // keeps its own.
    let mut spares = std::mem::take(&mut memo.spares);
    spares.resize_with(workspace.files.len(), || None);
    let mut reusable: Vec<Option<FileSummary>> = (spares.into_par_iter().enumerate())
        .map(|(index, spare)| {
            let same = unchanged[index];
            same.then(|| spare.unwrap_or_else(|| memo.entries[index].2.clone()))
        })
        .collect();
    // Largest files first, a file a task: the last file parsed is then a small one, and neither core waits
    // long on the other at the end (hyperswitch has a 370 KB file that alone takes 80 ms).
    let mut to_parse: Vec<usize> = (0..workspace.files.len())
        .filter(|&index| reusable[index].is_none())
        .collect();
    to_parse.sort_by_key(|&index| match &workspace.files[index].text {
        FileText::Utf8(text) => std::cmp::Reverse(text.len()),
        _ => std::cmp::Reverse(0),
    });
    if let Some(cache) = cache {
        for _ in 0..workspace.files.len() - to_parse.len() {
            cache.had_elsewhere();
        }
    }
    let parsed: Vec<(usize, FileSummary)> = to_parse
        .into_par_iter()
        .with_max_len(1)
        .map(|index| {
            let source = &workspace.files[index];
            let file = FileId(index as u32);
            let summary = match &source.text {
                _ if source.kind == crate::workspace::FileKind::Config => FileSummary::default(),
                FileText::Utf8(text) => match cache {
                    Some(cache) => cache.summary(source, file, text, options, || {
                        parse_file(file, text, options)
                    }),
                    None => parse_file(file, text, options),
                },
                FileText::NotUtf8 => unreadable(file, "the file is not valid UTF-8".to_string()),
                FileText::Unreadable(error) => {
                    unreadable(file, format!("the file cannot be read: {error}"))
                }
            };
            // Spans of this thread's files are no longer needed once lowered into our own `Span`s.
            proc_macro2::extra::invalidate_current_thread_spans();
            (index, summary)
        })
        .collect();
    for (index, summary) in parsed {
        reusable[index] = Some(summary);
    }
    let summaries: Vec<FileSummary> = reusable
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    if !memo.keep {
        return summaries;
    }
    memo.reused = unchanged.iter().filter(|same| **same).count();
    memo.edit = had_run.then(|| {
        let entries = &memo.entries;
        let before = |i: usize| Some(&entries[i].2);
        Edit::between(
            workspace,
            &unchanged,
            same_files.then_some(&before),
            &summaries,
        )
    });
    memo.include_tests = options.include_tests;
    let entry = |(source, summary): (&crate::workspace::SourceFile, &FileSummary)| {
        let text = match &source.text {
            FileText::Utf8(text) => text.clone(),
            _ => "".into(),
        };
        (source.rel_path.clone(), text, summary.clone())
    };
    if same_files {
        // Only the changed files' entries are new.
        for (index, same) in unchanged.iter().enumerate() {
            if !same {
                memo.entries[index] = entry((&workspace.files[index], &summaries[index]));
            }
        }
    } else {
        memo.entries = (workspace.files.par_iter())
            .zip(&summaries)
            .map(entry)
            .collect();
    }
    summaries
}

/// The summary a file had before an edit, when the files are those of then in the same places.
pub type Before<'a> = dyn Fn(usize) -> Option<&'a FileSummary> + 'a;

impl Edit {
    /// The edit that left the files `unchanged` says unchanged, and the others with `summaries`, where
    /// `before` gives a changed file's summary before it, when the files are those of then in the same
    /// places (`None` when they are not).
    pub fn between(
        workspace: &Workspace,
        unchanged: &[bool],
        before: Option<&Before>,
        summaries: &[FileSummary],
    ) -> Edit {
        let changed: Vec<usize> = (0..workspace.files.len())
            .filter(|i| !unchanged[*i])
            .collect();
        let same_shape = before.is_some_and(|before| {
            (changed.iter()).all(|i| keeps_shape(&workspace.files[*i], before(*i), &summaries[*i]))
        });
        Edit {
            changed_functions: match before {
                _ if same_shape => Some(shape::FunctionEdit::default()),
                Some(before) => functions_changed(workspace, &changed, before, summaries),
                None => None,
            },
            changed: changed.into_iter().map(|i| FileId(i as u32)).collect(),
            same_shape,
        }
    }
}

/// What the edit changed of functions, if it changed only functions in source files
/// (`shape::changed_functions`); `before` gives the summaries before the edit.
fn functions_changed(
    workspace: &Workspace,
    changed: &[usize],
    before: &Before,
    summaries: &[FileSummary],
) -> Option<shape::FunctionEdit> {
    let mut edit = shape::FunctionEdit::default();
    for &i in changed {
        if workspace.files[i].kind == crate::workspace::FileKind::Config {
            return None;
        }
        let file = shape::changed_functions(before(i)?, &summaries[i])?;
        edit.names.extend(file.names);
        edit.traits.extend(file.traits);
    }
    for list in [&mut edit.names, &mut edit.traits] {
        list.sort_unstable();
        list.dedup();
    }
    Some(edit)
}

/// Whether a changed file keeps the shape it had (`before`): a config edit never does, as it can change
/// what every file means.
fn keeps_shape(
    file: &crate::workspace::SourceFile,
    before: Option<&FileSummary>,
    now: &FileSummary,
) -> bool {
    file.kind != crate::workspace::FileKind::Config
        && before
            .and_then(shape::outline)
            .is_some_and(|outline| Some(outline) == shape::outline(now))
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

/// Files larger than this are parsed a run of items at a time (`chunks`), so the syntax tree of one
/// run at a time is in memory rather than the whole file's.
const CHUNKED_ABOVE: usize = 4 << 20;
const CHUNK_BYTES: usize = 1 << 20;

/// A large file parsed and lowered a run of whole items at a time (in parallel), each run's spans moved
/// to its lines in the file; the same summary as parsing it whole.
fn parse_in_chunks(
    file: FileId,
    text: &str,
    chunks: &[std::ops::Range<usize>],
    options: &ParseOptions,
    summary: &mut FileSummary,
) {
    let mut line = 0u32;
    let starts: Vec<u32> = chunks
        .iter()
        .map(|range| {
            let before = line;
            line += text[range.clone()].matches('\n').count() as u32;
            before
        })
        .collect();
    // `use pii_lint::..` anywhere in the file applies to all of it: read every run's imports first
    // (a second parse, only for files that mention the crate).
    let mut imports = attrs::PiiImports::none();
    if mentions_the_crate(text) {
        for range in chunks {
            if let Ok(part) = syn::parse_file(&text[range.clone()]) {
                imports.add(&part);
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
    let parts: Vec<Result<FileSummary, ()>> = chunks
        .par_iter()
        .zip(&starts)
        .map(|(range, &offset)| {
            crate::diagnostic::SYN_LINE_OFFSET.with(|o| o.set(offset));
            let mut part = FileSummary::default();
            let lowered = match syn::parse_file(&text[range.clone()]) {
                Ok(syntax) => {
                    lower(
                        &syntax,
                        (file, None),
                        &imports,
                        options.include_tests,
                        &mut part,
                    );
                    Ok(part)
                }
                Err(_) => Err(()),
            };
            crate::diagnostic::SYN_LINE_OFFSET.with(|o| o.set(0));
            proc_macro2::extra::invalidate_current_thread_spans();
            lowered
        })
        .collect();
    // A run that does not parse: the whole file is parsed, to report its error as a whole parse does.
    if parts.iter().any(Result::is_err) {
        parse_whole(file, text, options, summary);
        return;
    }
    for part in parts.into_iter().flatten() {
        summary.items.extend(part.items);
        summary.annotation_errors.extend(part.annotation_errors);
        summary.suppressions.extend(part.suppressions);
        summary.limits.extend(part.limits);
    }
}

/// A syn error as a parse error at its place in the file.
fn syntax_error(file: FileId, error: &syn::Error) -> ParseError {
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
    ParseError { span, message }
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
    parse_items(
        file,
        text,
        options,
        (CHUNKED_ABOVE, CHUNK_BYTES),
        &mut summary,
    );
    summary
}

/// The items of a file, in runs of about `chunk_bytes` when it is larger than `above`.
fn parse_items(
    file: FileId,
    text: &str,
    options: &ParseOptions,
    (above, chunk_bytes): (usize, usize),
    summary: &mut FileSummary,
) {
    if text.len() > above {
        if let Some(chunks) = chunks::item_chunks(text, chunk_bytes) {
            parse_in_chunks(file, text, &chunks, options, summary);
            return;
        }
    }
    parse_whole(file, text, options, summary);
}

fn parse_whole(file: FileId, text: &str, options: &ParseOptions, summary: &mut FileSummary) {
    match syn::parse_file(text) {
        Ok(syntax) => {
            // Only a `use` naming the crate imports anything: a file that never mentions it (most) is not
            // walked for them.
            let imports = if mentions_the_crate(text) {
                attrs::PiiImports::of_file(&syntax)
            } else {
                attrs::PiiImports::none()
            };
            lower(
                &syntax,
                (file, None),
                &imports,
                options.include_tests,
                summary,
            );
        }
        Err(error) => summary.parse_error = Some(syntax_error(file, &error)),
    }
}

pub use macro_rules::Rules as MacroRules;

/// Whether the text names the annotations crate (only then can it import from it).
fn mentions_the_crate(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"pii_lint").is_some()
}

/// Items a workspace macro's invocation makes: the first matching rule of `rules` expanded with `input`,
/// parsed and lowered with every span at the invocation (`at`). Nothing when no rule matches or the
/// expansion is not items. The caller invalidates this thread's spans once it is done expanding.
pub fn expand_items(rules: &MacroRules, input: &str, at: Span) -> Vec<Item> {
    let Some(expanded) = rules.expand(input) else {
        return Vec::new();
    };
    // Few expansions have enough openers to be too deep; only those are printed and measured.
    if macro_rules::openers(&expanded) > depth::MAX_NESTING
        && depth::too_deep(&expanded.to_string()).is_some()
    {
        return Vec::new();
    }
    let Ok(syntax) = syn::parse2::<syn::File>(expanded) else {
        return Vec::new();
    };
    let imports = attrs::PiiImports::of_file(&syntax);
    let mut made = FileSummary::default();
    lower(&syntax, (at.file, Some(at)), &imports, false, &mut made);
    made.items
}

/// Lowers parsed items into `summary` (items, attribute errors and suppressions, limits met); with
/// `at`, every span is that one (items a macro invocation made).
fn lower(
    syntax: &syn::File,
    (file, at): (FileId, Option<Span>),
    imports: &attrs::PiiImports,
    include_tests: bool,
    summary: &mut FileSummary,
) {
    let mut lowerer = items::Lowerer {
        reader: attrs::AttrReader {
            file,
            at,
            imports,
            errors: &mut summary.annotation_errors,
            suppressions: &mut summary.suppressions,
        },
        include_tests,
        limits: Default::default(),
    };
    summary.items = lowerer.items(&syntax.items);
    summary.limits.extend(lowerer.limits.into_inner());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file past the chunking size (made small here), with doc comments, attributes, `pii_lint` imports, suppressions,
    /// strings holding braces and nested modules: parsed in runs, it gives the summary parsing it whole does.
    #[test]
    fn a_large_file_parsed_in_runs_is_the_file_parsed_whole() {
        let mut text =
            String::from("//! The shop's generated models.\nuse pii_lint::Pii as Personal;\n");
        let mut i = 0;
        while text.len() < 48 << 10 {
            text.push_str(&format!(
                "/// Customer {i}.\n#[derive(Personal, Debug)]\npub struct Customer{i} {{\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n    pub note: String,\n}}\n\npub mod m{i} {{\n    pub fn show(c: &super::Customer{i}) -> String {{\n        let brace = \"}} {{ ;\";\n        println!(\"{{:?}} {{}}\", c, brace); // pii-lint: allow(log-leak) reason: generated\n        format!(\"{{}}\", '}}')\n    }}\n}}\n"
            ));
            i += 1;
        }
        let options = ParseOptions {
            include_tests: false,
        };
        let mut chunked = FileSummary::default();
        parse_items(
            FileId(3),
            &text,
            &options,
            (16 << 10, 4 << 10),
            &mut chunked,
        );
        assert!(chunks::item_chunks(&text, 4 << 10).is_some_and(|c| c.len() > 4));
        let mut whole = FileSummary::default();
        parse_whole(FileId(3), &text, &options, &mut whole);
        assert!(chunked.parse_error.is_none() && chunked.items.len() == 2 * i + 1);
        assert_eq!(format!("{chunked:?}"), format!("{whole:?}"));

        // A syntax error in one run is reported as the whole parse reports it.
        let broken = text.replacen("pub note: String,", "pub note: String,,", 40);
        let mut chunked = FileSummary::default();
        parse_items(
            FileId(3),
            &broken,
            &options,
            (16 << 10, 4 << 10),
            &mut chunked,
        );
        let mut whole = FileSummary::default();
        parse_whole(FileId(3), &broken, &options, &mut whole);
        assert!(chunked.parse_error.is_some());
        assert_eq!(format!("{chunked:?}"), format!("{whole:?}"));
    }
}
