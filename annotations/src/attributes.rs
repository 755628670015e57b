//! The attribute macros: each validates its arguments with the shared grammar and the kind of item it is
//! on, then returns the item unchanged. On a mistake the item is kept too, so that the mistake is the only
//! error shown (no "cannot find function" errors follow from a vanished item).

use crate::args;
use crate::placement::{check_place, Place};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The attribute macros of the crate.
#[derive(Clone, Copy, Debug)]
pub enum Attribute {
    Purpose,
    ConsentCheck,
    ConsentProof,
    Sink,
    Sanitizer,
    Encryptor,
    Erasure,
    Allow,
}

impl Attribute {
    /// The name merchants write after `pii_lint::`.
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Purpose => "purpose",
            Attribute::ConsentCheck => "consent_check",
            Attribute::ConsentProof => "consent_proof",
            Attribute::Sink => "sink",
            Attribute::Sanitizer => "sanitizer",
            Attribute::Encryptor => "encryptor",
            Attribute::Erasure => "erasure",
            Attribute::Allow => "allow",
        }
    }

    fn place(self) -> Place {
        match self {
            Attribute::Purpose => Place::Context,
            Attribute::ConsentProof => Place::Type,
            Attribute::Allow => Place::Anywhere,
            Attribute::ConsentCheck
            | Attribute::Sink
            | Attribute::Sanitizer
            | Attribute::Encryptor
            | Attribute::Erasure => Place::Function,
        }
    }

    /// `whole` is where an error about the attribute as a whole (a missing argument) points.
    fn check_args(self, args: TokenStream, whole: Span) -> syn::Result<()> {
        let name = self.name();
        match self {
            Attribute::Purpose | Attribute::ConsentCheck | Attribute::ConsentProof => {
                args::parse_single_name(args, whole, name, "marketing").map(drop)
            }
            Attribute::Sink => args::parse_sink(args, whole).map(drop),
            Attribute::Allow => args::parse_allow(args, whole).map(drop),
            Attribute::Sanitizer | Attribute::Encryptor | Attribute::Erasure => {
                args::parse_no_args(args, name)
            }
        }
    }
}

/// The item unchanged, preceded by a `compile_error!` if the arguments or the place are wrong (the
/// arguments first: one error per attribute is enough).
pub fn expand(attribute: Attribute, args: TokenStream, item: TokenStream) -> TokenStream {
    // An attribute macro's call site is the attribute itself.
    let whole = Span::call_site();
    let checked = attribute
        .check_args(args, whole)
        .and_then(|()| check_place(attribute.name(), attribute.place(), &item, whole));
    match checked {
        Ok(()) => item,
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#error #item)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Attribute::*;
    use super::*;
    use crate::test_support::{assert_reported, CALL_SITE};

    fn run(attribute: Attribute, args: &str, item: &str) -> TokenStream {
        let args: TokenStream = args.parse().expect("args tokens");
        let item: TokenStream = item.parse().expect("item tokens");
        expand(attribute, args, item)
    }

    /// Each case expands to the item alone, token for token.
    fn assert_unchanged(cases: &[(Attribute, &str, &str)]) {
        for &(attribute, args, item) in cases {
            let expected: TokenStream = item.parse().expect("item tokens");
            let out = run(attribute, args, item);
            let context = format!("#[{}({args})] on `{item}`", attribute.name());
            assert_eq!(out.to_string(), expected.to_string(), "{context}");
        }
    }

    /// Each case `(attribute, args, item, message, at)` gives one error, starting with `message` and
    /// pointing at `at` (a token of the arguments, or `CALL_SITE` for the attribute as a whole), followed
    /// by the item, kept so that it causes no second error.
    fn assert_errors(cases: &[(Attribute, &str, &str, &str, &str)]) {
        for &(attribute, args, item, message, at) in cases {
            let out = run(attribute, args, item);
            let context = format!("#[{}({args})] on `{item}`: {out}", attribute.name());
            assert_reported(&out, &[(message, at)], &context);
            let item: TokenStream = item.parse().expect("item tokens");
            assert!(out.to_string().ends_with(&item.to_string()), "{context}");
        }
    }

    #[test]
    fn names_of_purposes_and_consents_pass_the_item_through() {
        assert_unchanged(&[
            (Purpose, r#""marketing""#, "fn campaign() {}"),
            (Purpose, r#""service""#, "impl Shop { fn ship(&self) {} }"),
            (
                Purpose,
                r#""service""#,
                "impl Notify for Shop { fn send(&self) {} }",
            ),
            (Purpose, r#""service""#, "pub mod orders { fn ship() {} }"),
            (
                ConsentCheck,
                r#""marketing""#,
                "pub async fn opted_in(db: &Db) -> Vec<C> { db.c().await }",
            ),
            (
                ConsentCheck,
                r#""marketing""#,
                "fn opted_in(&self) -> bool { self.opt_in }",
            ),
            (
                ConsentProof,
                r#""marketing""#,
                "pub struct MarketingConsent { id: u64 }",
            ),
            (ConsentProof, r#""analytics""#, "enum Consent { Given }"),
        ]);
    }

    #[test]
    fn sinks_sanitizers_and_suppressions_pass_the_item_through() {
        assert_unchanged(&[
            (
                Sink,
                r#"kind = "export", purpose = "third_party_sharing""#,
                "fn upload(rows: &[Row]) {}",
            ),
            (Sink, r#"kind = "commercial_message","#, "fn sms(p: &str);"),
            (Sink, r#"kind = "log""#, "pub fn c_log(line: *const u8);"),
            (Sanitizer, "", "fn mask(p: &str) -> String { p.into() }"),
            (
                Encryptor,
                "",
                "pub(crate) fn seal(p: &[u8]) -> Vec<u8> { p.to_vec() }",
            ),
            (Erasure, "", "unsafe fn forget(id: u64) {}"),
            (
                Allow,
                r#"log_leak, PII006, "missing-purpose", reason = "masked""#,
                "struct Row { a: u8 }",
            ),
            (Allow, "log_leak", "fn f() {}"),
            (Allow, "log_leak", "const X: u8 = 1;"),
        ]);
    }

    #[test]
    fn malformed_names_are_compile_errors() {
        assert_errors(&[
            (
                Purpose,
                "",
                "fn f() {}",
                r#"`purpose` needs one name: `#[pii_lint::purpose("marketing")]`"#,
                CALL_SITE,
            ),
            (
                Purpose,
                "marketing",
                "fn f() {}",
                r#"`purpose` takes one string: `#[pii_lint::purpose("marketing")]`"#,
                "marketing",
            ),
            (
                Purpose,
                r#""a", "b""#,
                "fn f() {}",
                "`purpose` takes exactly one string",
                ",",
            ),
            (
                ConsentCheck,
                "42",
                "fn f() -> bool { true }",
                "`consent_check` takes one string",
                "42",
            ),
            (
                ConsentProof,
                "",
                "struct P;",
                "`consent_proof` needs one name",
                CALL_SITE,
            ),
        ]);
    }

    #[test]
    fn malformed_sinks_are_compile_errors() {
        let needs_kind = r#"`sink` needs a kind: `#[pii_lint::sink(kind = "export")]`"#;
        assert_errors(&[
            (Sink, "", "fn f() {}", needs_kind, CALL_SITE),
            (Sink, r#"purpose = "marketing""#, "fn f() {}", needs_kind, CALL_SITE),
            (Sink, r#"kind = "mail""#, "fn f() {}", "unknown sink kind `mail`: expected one of `log`, `export`, `storage`, `commercial_message`", r#""mail""#),
            (Sink, r#"kind = "log", target = "x""#, "fn f() {}", "unknown `sink` argument `target`: expected `kind` or `purpose`", "target"),
            (Sink, r#"kind = "log", kind = "export""#, "fn f() {}", "`kind` is given twice", "kind"),
            (Sink, "kind = log", "fn f() {}", r#"`kind` takes a string: `kind = "export"`"#, "log"),
            (Sink, r#""log""#, "fn f() {}", "expected `kind` or `purpose`", r#""log""#),
        ]);
    }

    #[test]
    fn arguments_where_none_are_taken_are_compile_errors() {
        assert_errors(&[
            (
                Sanitizer,
                "strong",
                "fn f() {}",
                "`sanitizer` takes no arguments: write `#[pii_lint::sanitizer]`",
                "strong",
            ),
            (
                Erasure,
                r#""all""#,
                "fn f() {}",
                "`erasure` takes no arguments",
                r#""all""#,
            ),
            (
                Encryptor,
                "aes = 256",
                "fn f() {}",
                "`encryptor` takes no arguments",
                "aes",
            ),
        ]);
    }

    #[test]
    fn malformed_suppressions_are_compile_errors() {
        let needs_lint =
            r#"`allow` needs the lint to allow: `#[pii_lint::allow(log_leak, reason = "...")]`"#;
        assert_errors(&[
            (Allow, "", "fn f() {}", needs_lint, CALL_SITE),
            (Allow, r#"reason = "x""#, "fn f() {}", needs_lint, CALL_SITE),
            (
                Allow,
                "log-leak",
                "fn f() {}",
                "in attributes lint names use `_`: write `log_leak`",
                "log",
            ),
            (
                Allow,
                "log_leak, reason = because",
                "fn f() {}",
                r#"`reason` takes a string: `reason = "..."`"#,
                "because",
            ),
            (
                Allow,
                r#"log_leak, reason = "a", reason = "b""#,
                "fn f() {}",
                "`reason` is given twice",
                "reason",
            ),
        ]);
    }

    #[test]
    fn attributes_on_the_wrong_item_are_compile_errors() {
        let on_fn = "goes on a function or a method, not on";
        assert_errors(&[
            (Sink, r#"kind = "log""#, "struct Logger;", "`#[pii_lint::sink]` goes on a function or a method, not on a struct", CALL_SITE),
            (Sanitizer, "", "enum Mask { A }", "`#[pii_lint::sanitizer]` goes on a function or a method, not on an enum", CALL_SITE),
            (ConsentProof, r#""marketing""#, "fn proof() {}", "`#[pii_lint::consent_proof]` goes on a struct or an enum, not on a function", CALL_SITE),
            (Purpose, r#""service""#, "struct Order;", "`#[pii_lint::purpose]` goes on a function, an impl block or an inline module, not on a struct", CALL_SITE),
            (Purpose, r#""service""#, "mod orders;", "`#[pii_lint::purpose]` goes on a function, an impl block or an inline module, not on a `mod name;` declaration", CALL_SITE),
            (ConsentCheck, r#""marketing""#, "trait Check {}", "`#[pii_lint::consent_check]` goes on a function or a method, not on a trait", CALL_SITE),
            (Erasure, "", "const X: u8 = 1;", "`#[pii_lint::erasure]` goes on a function or a method, not on a constant or static", CALL_SITE),
            (Encryptor, "", r#"extern "C" { fn seal(); }"#, "`#[pii_lint::encryptor]` goes on a function or a method, not on an `extern` block", CALL_SITE),
        ]);
        // The message names the attribute and the item, whatever they are.
        let out = run(Erasure, "", "impl Shop {}");
        assert!(
            out.to_string().contains(&format!("{on_fn} an impl block")),
            "{out}"
        );
    }

    #[test]
    fn malformed_arguments_are_reported_before_the_place() {
        let out = run(Sink, r#"kind = "mail""#, "struct Logger;");
        assert_reported(
            &out,
            &[("unknown sink kind `mail`", r#""mail""#)],
            "sink on a struct",
        );
    }
}
