//! The attribute macros: each validates its arguments with the shared grammar and the kind of item it is
//! on, then returns the item unchanged. On a mistake the item is kept too, so only one error is shown.

use crate::args;
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The kinds of item an attribute may be written on.
#[derive(Clone, Copy)]
enum Place {
    /// A function or a method.
    Function,
    /// A function, an impl block or an inline module.
    Context,
    /// A struct or an enum.
    Type,
    Anywhere,
}

/// What the attribute was written on.
enum ItemKind {
    Function,
    Impl,
    InlineModule,
    ModuleFile,
    Struct,
    Enum,
    Other(&'static str),
}

pub fn expand(attribute: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    let whole = Span::call_site();
    let (checked, place) = match attribute {
        "purpose" => (
            args::parse_single_name(args, whole, attribute, "marketing").map(drop),
            Place::Context,
        ),
        "consent_check" => (
            args::parse_single_name(args, whole, attribute, "marketing").map(drop),
            Place::Function,
        ),
        "consent_proof" => (
            args::parse_single_name(args, whole, attribute, "marketing").map(drop),
            Place::Type,
        ),
        "sink" => (args::parse_sink(args, whole).map(drop), Place::Function),
        "allow" => (args::parse_allow(args, whole).map(drop), Place::Anywhere),
        other => (args::parse_no_args(args, other), Place::Function),
    };
    let placed = check_place(attribute, place, &item);
    match (checked, placed) {
        (Ok(()), Ok(())) => item,
        (Err(error), _) | (Ok(()), Err(error)) => {
            let error = error.to_compile_error();
            quote!(#error #item)
        }
    }
}

fn kind_of(item: &TokenStream) -> ItemKind {
    // A method without a body (in a trait) parses only as a trait item; with a body, as both.
    if syn::parse2::<syn::TraitItemFn>(item.clone()).is_ok() {
        return ItemKind::Function;
    }
    if let Ok(parsed) = syn::parse2::<syn::Item>(item.clone()) {
        return match parsed {
            syn::Item::Fn(_) => ItemKind::Function,
            syn::Item::Impl(_) => ItemKind::Impl,
            syn::Item::Mod(m) if m.content.is_some() => ItemKind::InlineModule,
            syn::Item::Mod(_) => ItemKind::ModuleFile,
            syn::Item::Struct(_) => ItemKind::Struct,
            syn::Item::Enum(_) => ItemKind::Enum,
            syn::Item::Trait(_) => ItemKind::Other("a trait"),
            syn::Item::Union(_) => ItemKind::Other("a union"),
            syn::Item::Const(_) | syn::Item::Static(_) => ItemKind::Other("a constant or static"),
            syn::Item::Use(_) => ItemKind::Other("a `use`"),
            _ => ItemKind::Other("this item"),
        };
    }
    ItemKind::Other("this item")
}

fn check_place(attribute: &str, place: Place, item: &TokenStream) -> syn::Result<()> {
    let kind = kind_of(item);
    let allowed = matches!(
        (place, &kind),
        (Place::Anywhere, _)
            | (Place::Function | Place::Context, ItemKind::Function)
            | (Place::Context, ItemKind::Impl | ItemKind::InlineModule)
            | (Place::Type, ItemKind::Struct | ItemKind::Enum)
    );
    if allowed {
        return Ok(());
    }
    let written_on = match kind {
        ItemKind::Function => "a function",
        ItemKind::Impl => "an impl block",
        ItemKind::InlineModule => "a module",
        ItemKind::ModuleFile => "a `mod name;` declaration (write it on an inline `mod name { .. }` or in pii-lint.toml)",
        ItemKind::Struct => "a struct",
        ItemKind::Enum => "an enum",
        ItemKind::Other(what) => what,
    };
    let expected = match place {
        Place::Function => "a function or a method",
        Place::Context => "a function, an impl block or an inline module",
        Place::Type => "a struct or an enum",
        Place::Anywhere => "any item",
    };
    let message = format!("`#[pii_lint::{attribute}]` goes on {expected}, not on {written_on}");
    Err(syn::Error::new(Span::call_site(), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(attribute: &str, args: &str, item: &str) -> String {
        let args: TokenStream = args.parse().expect("args tokens");
        let item: TokenStream = item.parse().expect("item tokens");
        expand(attribute, args, item).to_string()
    }

    fn assert_error(attribute: &str, args: &str, item: &str, message: &str) {
        let out = run(attribute, args, item);
        assert!(
            out.contains("compile_error"),
            "expected an error for #[{attribute}({args})] on `{item}`: {out}"
        );
        assert!(out.contains(message), "`{out}` lacks `{message}`");
    }

    fn assert_unchanged(attribute: &str, args: &str, item: &str) {
        let expected: TokenStream = item.parse().expect("item tokens");
        assert_eq!(run(attribute, args, item), expected.to_string());
    }

    #[test]
    fn well_formed_attributes_pass_the_item_through() {
        assert_unchanged("purpose", r#""marketing""#, "fn campaign() {}");
        assert_unchanged("purpose", r#""service""#, "impl Shop { fn ship(&self) {} }");
        assert_unchanged("purpose", r#""service""#, "mod orders { fn ship() {} }");
        assert_unchanged(
            "consent_check",
            r#""marketing""#,
            "fn opted_in(c: &Customer) -> bool { c.opt_in }",
        );
        assert_unchanged(
            "consent_check",
            r#""marketing""#,
            "fn opted_in(&self) -> bool { self.opt_in }",
        );
        assert_unchanged(
            "consent_proof",
            r#""marketing""#,
            "pub struct MarketingConsent { id: u64 }",
        );
        assert_unchanged(
            "sink",
            r#"kind = "export", purpose = "third_party_sharing""#,
            "fn upload(rows: &[Row]) {}",
        );
        assert_unchanged("sink", r#"kind = "commercial_message""#, "fn sms(p: &str);");
        assert_unchanged("sanitizer", "", "fn mask(p: &str) -> String { p.into() }");
        assert_unchanged(
            "encryptor",
            "",
            "fn seal(p: &[u8]) -> Vec<u8> { p.to_vec() }",
        );
        assert_unchanged("erasure", "", "fn forget(id: u64) {}");
        assert_unchanged(
            "allow",
            r#"log_leak, PII006, reason = "masked upstream""#,
            "struct Row { a: u8 }",
        );
        assert_unchanged("allow", "log_leak", "fn f() {}");
    }

    #[test]
    fn malformed_arguments_are_compile_errors() {
        assert_error("purpose", "", "fn f() {}", "`purpose` needs one name");
        assert_error(
            "purpose",
            "marketing",
            "fn f() {}",
            "`purpose` takes one string",
        );
        assert_error(
            "purpose",
            r#""a", "b""#,
            "fn f() {}",
            "takes exactly one string",
        );
        assert_error(
            "consent_check",
            "42",
            "fn f() -> bool { true }",
            "`consent_check` takes one string",
        );
        assert_error("sink", "", "fn f() {}", "`sink` needs a kind");
        assert_error(
            "sink",
            r#"kind = "mail""#,
            "fn f() {}",
            "unknown sink kind `mail`",
        );
        assert_error(
            "sink",
            r#"kind = "log", target = "x""#,
            "fn f() {}",
            "unknown `sink` argument `target`",
        );
        assert_error(
            "sink",
            r#"kind = "log", kind = "export""#,
            "fn f() {}",
            "`kind` is given twice",
        );
        assert_error(
            "sanitizer",
            "strong",
            "fn f() {}",
            "`sanitizer` takes no arguments",
        );
        assert_error(
            "erasure",
            r#""all""#,
            "fn f() {}",
            "`erasure` takes no arguments",
        );
        assert_error("allow", "", "fn f() {}", "`allow` needs the lint to allow");
        assert_error(
            "allow",
            r#"reason = "x""#,
            "fn f() {}",
            "`allow` needs the lint to allow",
        );
    }

    #[test]
    fn attributes_on_the_wrong_item_are_compile_errors() {
        assert_error(
            "sink",
            r#"kind = "log""#,
            "struct Logger;",
            "goes on a function or a method, not on a struct",
        );
        assert_error("sanitizer", "", "enum Mask { A }", "not on an enum");
        assert_error(
            "consent_proof",
            r#""marketing""#,
            "fn proof() {}",
            "goes on a struct or an enum",
        );
        assert_error(
            "purpose",
            r#""service""#,
            "struct Order;",
            "goes on a function, an impl block or an inline module",
        );
        assert_error(
            "purpose",
            r#""service""#,
            "mod orders;",
            "`mod name;` declaration",
        );
        assert_error(
            "erasure",
            "",
            "const X: u8 = 1;",
            "not on a constant or static",
        );
    }

    #[test]
    fn the_item_is_kept_beside_the_error() {
        let out = run("sink", r#"kind = "mail""#, "fn upload() {}");
        assert!(out.contains("fn upload"), "{out}");
    }
}
