//! Findings are plain data: what a lint says, where, about which personal data. Rendering is `report`'s job.

use crate::workspace::FileId;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// A place in a file: 1-based lines, 1-based columns counted in characters, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

thread_local! {
    static WITHOUT_PLACES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` (a serialisation on this thread) with every span written as nothing, so what is written
/// is what the data says apart from where (`parse::shape`). The setting is this thread's: `work` must not
/// hand serialisation to other threads (rayon).
pub(crate) fn without_places<T>(work: impl FnOnce() -> T) -> T {
    /// Puts the outer setting back however `work` ends.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WITHOUT_PLACES.set(self.0);
        }
    }
    let _outer = Restore(WITHOUT_PLACES.replace(true));
    work()
}

/// Whether spans are being left out (`without_places`).
pub(crate) fn places_left_out() -> bool {
    WITHOUT_PLACES.get()
}

// Written as the derive would, but for `without_places`.
impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if places_left_out() {
            return serializer.serialize_unit();
        }
        let mut span = serializer.serialize_struct("Span", 5)?;
        span.serialize_field("file", &self.file)?;
        span.serialize_field("line", &self.line)?;
        span.serialize_field("column", &self.column)?;
        span.serialize_field("end_line", &self.end_line)?;
        span.serialize_field("end_column", &self.end_column)?;
        span.end()
    }
}

impl Span {
    /// The whole of one line, used where only a line is known (a parse error, a non-UTF-8 file).
    pub fn line(file: FileId, line: u32) -> Span {
        Span {
            file,
            line,
            column: 1,
            end_line: line,
            end_column: 1,
        }
    }

    /// The span of a token range from syn (proc-macro2 `span-locations`: columns are 0-based chars), in a
    /// text that starts `SYN_LINE_OFFSET` lines into its file (a run of items of a very large file).
    pub fn from_syn(file: FileId, span: proc_macro2::Span) -> Span {
        Span::from_syn_ends(file, span, span)
    }

    /// From the start of `first` to the end of `last` (two tokens of one file): each end looked up once.
    pub fn from_syn_ends(file: FileId, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        let (start, end) = (first.start(), last.end());
        let offset = SYN_LINE_OFFSET.with(std::cell::Cell::get);
        Span {
            file,
            line: start.line as u32 + offset,
            column: start.column as u32 + 1,
            end_line: end.line as u32 + offset,
            end_column: end.column as u32 + 1,
        }
    }

    /// The span of a byte range in a text (config files, comments found by scanning).
    pub fn from_byte_range(file: FileId, text: &str, range: std::ops::Range<usize>) -> Span {
        Span::from_ends(
            file,
            line_column(text, range.start),
            line_column(text, range.end.max(range.start)),
        )
    }

    fn from_ends(
        file: FileId,
        (line, column): (u32, u32),
        (end_line, end_column): (u32, u32),
    ) -> Span {
        Span {
            file,
            line,
            column,
            end_line,
            end_column,
        }
    }

    pub fn contains_line(&self, line: u32) -> bool {
        self.line <= line && line <= self.end_line
    }
}

thread_local! {
    /// Lines of the file before the text this thread is lowering (0 for a whole file).
    pub static SYN_LINE_OFFSET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Where each line of a text starts, so that spans of many byte ranges in one text (every entry of a long
/// `pii-lint.toml`) cost a binary search each instead of a scan from the start.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// As `line_column`, for the text this index was made of.
    pub fn line_column(&self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        let column = text[line_start..offset].chars().count() as u32 + 1;
        (line as u32, column)
    }

    /// As `Span::from_byte_range`, for the text this index was made of.
    pub fn span(&self, file: FileId, text: &str, range: std::ops::Range<usize>) -> Span {
        Span::from_ends(
            file,
            self.line_column(text, range.start),
            self.line_column(text, range.end.max(range.start)),
        )
    }
}

/// 1-based line and character column of a byte offset (clamped to the text and to a char boundary).
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

/// The byte offset of a 1-based line and character column in `text` (clamped to the text).
pub fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line as usize - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = &text[line_start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(rest.len(), |(i, _)| i);
    line_start + within
}

/// A piece of personal data a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DataRef {
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub category: String,
    pub sensitive: bool,
    /// The file that declares it (`#[pii]` in a source file, or `[[data]]` in pii-lint.toml), for
    /// `--files`: a staged declaration change reports the flows it declares.
    #[serde(skip)]
    pub declared_in: Option<crate::workspace::FileId>,
}

impl DataRef {
    /// `Customer.phone (phone)` or `EmailAddress (email)`.
    pub fn describe(&self) -> String {
        match &self.field {
            Some(field) => format!("`{}.{}` ({})", self.type_name, field, self.category),
            None => format!("`{}` ({})", self.type_name, self.category),
        }
    }
}

/// One step of the path personal data took (declaration, binding, call, return).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    pub span: Span,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub lint: &'static crate::lints::Lint,
    /// Filled in from the configured levels after the checks ran.
    pub level: Level,
    pub message: String,
    pub span: Span,
    pub data: Vec<DataRef>,
    pub trace: Vec<TraceStep>,
    pub help: Option<String>,
    /// What identifies the finding across edits (SPEC 5.3): its lint, the function it is in (or the
    /// declaration it is about) and the types of the data involved; not its line, file or message.
    /// Filled in by the pipeline; baselines and SARIF use it.
    pub fingerprint: String,
}

impl Finding {
    pub fn new(
        lint: &'static crate::lints::Lint,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            lint,
            level: lint.default_level,
            message: message.into(),
            span,
            data: Vec::new(),
            trace: Vec::new(),
            help: None,
            fingerprint: String::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_data(mut self, data: Vec<DataRef>) -> Finding {
        self.data = data;
        self
    }

    pub fn with_trace(mut self, trace: Vec<TraceStep>) -> Finding {
        self.trace = trace;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{line_column, LineIndex};

    #[test]
    fn a_line_index_agrees_with_the_scan() {
        let text = "a\nbé c\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_column(text, offset),
                line_column(text, offset),
                "{offset}"
            );
        }
    }
}
