//! A config that cannot be used: the file, a labelled span at the offending text, and a help line.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

#[derive(Debug)]
pub struct ConfigError {
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Box<NamedSource<String>>>,
    pub span: Option<SourceSpan>,
}

impl ConfigError {
    pub fn at(
        file_name: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: String,
        help: String,
    ) -> ConfigError {
        let (line, column) = crate::diagnostic::line_column(text, span.start);
        ConfigError {
            message: format!("{file_name}:{line}:{column}: {message}"),
            help: Some(help),
            source: Some(Box::new(NamedSource::new(file_name, text.to_string()))),
            span: Some(SourceSpan::new(span.start.into(), span.len())),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("pii-lint::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_deref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_string()),
            span,
        ))))
    }
}
