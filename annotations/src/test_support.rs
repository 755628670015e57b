//! Reading what an expansion reported: each `compile_error!` with its message and the source text its span
//! starts at. Tests enable proc-macro2's `span-locations`, so tokens parsed from a string remember where
//! they came from and a test can check that an error points at the right token.

use proc_macro2::{TokenStream, TokenTree};

/// Where an error made at `Span::call_site()` points: the attribute itself, in a real compilation.
pub const CALL_SITE: &str = "<call site>";

/// One `compile_error!` of an expansion.
#[derive(Debug, PartialEq)]
pub struct Reported {
    pub message: String,
    /// The source text of the error's first token's span, or `CALL_SITE`.
    pub at: String,
}

/// Every `compile_error!` in `tokens`, in order (syn writes `::core::compile_error! { "message" }`, the
/// path with the error's start span).
pub fn errors(tokens: &TokenStream) -> Vec<Reported> {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut found = Vec::new();
    for window in tokens.windows(3) {
        let [TokenTree::Ident(name), TokenTree::Punct(bang), TokenTree::Group(body)] = window
        else {
            continue;
        };
        if name != "compile_error" || bang.as_char() != '!' {
            continue;
        }
        let message = syn::parse2::<syn::LitStr>(body.stream())
            .map(|lit| lit.value())
            .unwrap_or_else(|_| format!("unreadable message: {body}"));
        let at = name
            .span()
            .source_text()
            .unwrap_or_else(|| CALL_SITE.to_string());
        found.push(Reported { message, at });
    }
    found
}

/// The expansion reports exactly these errors, in order: each `(message_start, at)` is the start of the
/// message and the source text the error points at.
pub fn assert_reported(tokens: &TokenStream, expected: &[(&str, &str)], context: &str) {
    let reported = errors(tokens);
    let matches = reported.len() == expected.len()
        && reported
            .iter()
            .zip(expected)
            .all(|(r, (message, at))| r.message.starts_with(message) && r.at == *at);
    assert!(
        matches,
        "{context}\n  expected: {expected:?}\n  reported: {reported:?}"
    );
}
