//! Errors of discovery: a missing or invalid manifest. They carry the file and, for TOML errors, the span.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

#[derive(Debug)]
pub struct WorkspaceError {
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Box<(NamedSource<String>, SourceSpan, String)>>,
}

impl WorkspaceError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> WorkspaceError {
        WorkspaceError {
            message: message.into(),
            help: Some(help.into()),
            source: None,
        }
    }

    /// A mistake in a manifest at byte range `span`, labelled there.
    pub fn at(
        path: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: String,
        label: String,
    ) -> WorkspaceError {
        WorkspaceError {
            message,
            help: Some("fix the manifest (`cargo metadata` reports the same problem)".to_string()),
            source: Some(Box::new((
                NamedSource::new(path, text.to_string()),
                SourceSpan::new(span.start.into(), span.len()),
                label,
            ))),
        }
    }

    /// A TOML error in a manifest, labelled at its position.
    pub fn toml(path: &str, text: &str, error: &toml::de::Error) -> WorkspaceError {
        let span = error.span().unwrap_or(0..0);
        let label = error.message().to_string();
        WorkspaceError {
            message: format!("{path} is not a valid Cargo manifest: {label}"),
            help: Some("fix the manifest (`cargo metadata` reports the same problem)".to_string()),
            source: Some(Box::new((
                NamedSource::new(path, text.to_string()),
                SourceSpan::new(span.start.into(), span.len()),
                label,
            ))),
        }
    }
}

impl fmt::Display for WorkspaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkspaceError {}

impl Diagnostic for WorkspaceError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|boxed| &boxed.0 as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span, label) = self.source.as_deref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label.clone()),
            *span,
        ))))
    }
}
