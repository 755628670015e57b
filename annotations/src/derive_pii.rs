//! `#[derive(Pii)]`: checks every `#[pii(...)]` on the type and its fields. It generates no code: the
//! linter reads the attributes from source.

use crate::args;
use proc_macro2::{Span, TokenStream};
use quote::quote;

pub fn expand(input: TokenStream) -> TokenStream {
    let parsed = syn::parse2::<syn::DeriveInput>(input).and_then(|input| check(&input));
    match parsed {
        Ok(()) => TokenStream::new(),
        Err(error) => error.to_compile_error(),
    }
}

/// All the problems of all `#[pii]` attributes of the type, combined into one error so that each is
/// shown at its own place in one compilation.
pub fn check(input: &syn::DeriveInput) -> syn::Result<()> {
    let mut results = vec![pii_args(&input.attrs).map(drop)];
    if let syn::Data::Enum(data) = &input.data {
        results.extend(data.variants.iter().map(|v| no_pii_on_variant(&v.attrs)));
    }
    results.extend(fields(&input.data).map(|field| pii_args(&field.attrs).map(drop)));
    let mut errors = results.into_iter().filter_map(Result::err);
    let Some(mut all) = errors.next() else {
        return Ok(());
    };
    errors.for_each(|error| all.combine(error));
    Err(all)
}

/// The `#[pii]` arguments among `attrs` (at most one such attribute).
pub fn pii_args(attrs: &[syn::Attribute]) -> syn::Result<Option<args::PiiArgs>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("pii")) {
        if found.is_some() {
            let message = "a second `#[pii]`: declare everything in one";
            return Err(syn::Error::new(whole_span(attr), message));
        }
        found = Some(args::parse_pii(attr_tokens(attr), whole_span(attr))?);
    }
    Ok(found)
}

/// Every field of a struct, of each variant of an enum, or of a union.
fn fields(data: &syn::Data) -> Box<dyn Iterator<Item = &syn::Field> + '_> {
    match data {
        syn::Data::Struct(s) => Box::new(s.fields.iter()),
        syn::Data::Enum(e) => Box::new(e.variants.iter().flat_map(|v| v.fields.iter())),
        syn::Data::Union(u) => Box::new(u.fields.named.iter()),
    }
}

/// The linter reads `#[pii]` on the type and on fields only, so one on a variant would silently count for
/// nothing.
fn no_pii_on_variant(attrs: &[syn::Attribute]) -> syn::Result<()> {
    match attrs.iter().find(|a| a.path().is_ident("pii")) {
        Some(attr) => Err(syn::Error::new(
            whole_span(attr),
            "`#[pii]` goes on the type or on a field, not on a variant: write it on the variant's fields",
        )),
        None => Ok(()),
    }
}

/// The arguments as the shared grammar expects them, the same way the linter hands them over: the list's
/// contents, nothing for a bare `#[pii]`, `= value` for `#[pii = value]`.
fn attr_tokens(attr: &syn::Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::Path(_) => TokenStream::new(),
        syn::Meta::NameValue(nv) => {
            let (eq, value) = (&nv.eq_token, &nv.value);
            quote!(#eq #value)
        }
    }
}

/// `[pii(...)]`: one span covering the whole attribute even on stable, where spans cannot be joined.
fn whole_span(attr: &syn::Attribute) -> Span {
    attr.bracket_token.span.join()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_reported, errors};

    fn run(source: &str) -> TokenStream {
        expand(source.parse().expect("tokens"))
    }

    fn assert_fails(source: &str, message: &str, at: &str) {
        assert_reported(&run(source), &[(message, at)], source);
    }

    #[test]
    fn well_formed_declarations_generate_nothing() {
        for source in [
            r#"struct C { id: u64, #[pii(category = "phone", purpose = "service")] phone: String }"#,
            r#"struct C { #[pii(category = "name", purposes = ["service", "marketing"], sensitive)] n: String }"#,
            r#"#[pii(category = "email", purposes = ["service"])] struct Email(String);"#,
            r#"enum Contact { Phone(#[pii(category = "phone", purpose = "service")] String), None }"#,
            r#"enum E { A { #[pii(category = "email", purposes = "service",)] a: String } }"#,
            r#"union U { #[pii(category = "phone", purpose = "service")] a: u64, b: u32 }"#,
            r#"struct NoPii { id: u64 }"#,
            // A declaration without purpose compiles: `missing-purpose` is the linter's to report.
            r#"#[pii(category = "phone")] struct Phone(String);"#,
        ] {
            assert!(run(source).is_empty(), "{source}");
        }
    }

    #[test]
    fn a_missing_category_points_at_the_whole_attribute() {
        assert_fails(
            r#"struct C { #[pii(purpose = "service")] phone: String }"#,
            r#"`#[pii]` needs a category: `#[pii(category = "phone", purpose = "service")]`"#,
            r#"[pii(purpose = "service")]"#,
        );
        assert_fails(
            "struct C { #[pii] phone: String }",
            "`#[pii]` needs a category",
            "[pii]",
        );
    }

    #[test]
    fn malformed_arguments_point_at_the_mistake() {
        assert_fails(
            r#"struct C { #[pii(category = "phone", color = "red")] phone: String }"#,
            "unknown `pii` argument `color`: expected `category`, `purpose`, `purposes` or `sensitive`",
            "color",
        );
        assert_fails(
            r#"struct C { #[pii(category = "phone", purpose = "a", purposes = ["b"])] p: String }"#,
            "`purposes` repeats `purpose`: list every purpose in one `purposes = [..]`",
            "purposes",
        );
        assert_fails(
            r#"struct C { #[pii(category = phone)] phone: String }"#,
            r#"`category` takes a string: `category = "phone"`"#,
            "phone",
        );
        assert_fails(
            r#"struct C { #[pii(category = "phone", purpose = ["a", "b"])] p: String }"#,
            "`purpose` takes one string: list several with `purposes = [",
            "purpose",
        );
        assert_fails(
            r#"struct C { #[pii(category = "phone", sensitive = true)] p: String }"#,
            "`sensitive` is a flag and takes no value: write `sensitive`",
            "sensitive",
        );
        assert_fails(
            r#"struct C { #[pii(category = "a", category = "b")] p: String }"#,
            "`category` is given twice",
            "category",
        );
        assert_fails(
            r#"struct C { #[pii(category = "a" purpose = "b")] p: String }"#,
            "expected `,` between arguments",
            "purpose",
        );
        assert_fails(
            r#"#[pii = "phone"] struct Phone(String);"#,
            "`#[pii]` takes a list: `#[pii(category = ",
            "=",
        );
    }

    #[test]
    fn misplaced_or_repeated_attributes_are_errors() {
        assert_fails(
            r#"#[pii(category = "email")] #[pii(category = "name")] struct E(String);"#,
            "a second `#[pii]`: declare everything in one",
            r#"[pii(category = "name")]"#,
        );
        assert_fails(
            r#"enum Contact { #[pii(category = "phone")] Phone(String) }"#,
            "`#[pii]` goes on the type or on a field, not on a variant: write it on the variant's fields",
            r#"[pii(category = "phone")]"#,
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let out = run(r#"#[pii] struct C { #[pii] a: String, #[pii(color = "red")] b: String }"#);
        let at: Vec<String> = errors(&out).into_iter().map(|e| e.at).collect();
        assert_eq!(at, ["[pii]", "[pii]", "color"]);
    }
}
