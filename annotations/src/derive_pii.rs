//! `#[derive(Pii)]`: checks every `#[pii(...)]` on the type and its fields. It generates no code: the
//! linter reads the attributes from source.

use crate::args;
use proc_macro2::TokenStream;
use syn::spanned::Spanned;

/// Every field of a struct, enum or union, with the attributes written on it.
pub fn fields(data: &syn::Data) -> Vec<&syn::Field> {
    match data {
        syn::Data::Struct(s) => s.fields.iter().collect(),
        syn::Data::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
        syn::Data::Union(u) => u.fields.named.iter().collect(),
    }
}

/// The `#[pii]` arguments among `attrs` (at most one such attribute).
pub fn pii_args(attrs: &[syn::Attribute]) -> syn::Result<Option<args::PiiArgs>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("pii")) {
        if found.is_some() {
            return Err(syn::Error::new(
                attr.span(),
                "a second `#[pii]`: declare everything in one",
            ));
        }
        let tokens = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        found = Some(args::parse_pii(tokens, attr.span())?);
    }
    Ok(found)
}

/// All the problems of all `#[pii]` attributes of the type, combined into one error.
pub fn check(input: &syn::DeriveInput) -> syn::Result<()> {
    let mut errors: Option<syn::Error> = None;
    let results = std::iter::once(pii_args(&input.attrs))
        .chain(fields(&input.data).into_iter().map(|f| pii_args(&f.attrs)));
    for result in results {
        if let Err(error) = result {
            match &mut errors {
                Some(all) => all.combine(error),
                None => errors = Some(error),
            }
        }
    }
    errors.map_or(Ok(()), Err)
}

pub fn expand(input: TokenStream) -> TokenStream {
    let parsed = syn::parse2::<syn::DeriveInput>(input).and_then(|input| check(&input));
    match parsed {
        Ok(()) => TokenStream::new(),
        Err(error) => error.to_compile_error(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> String {
        expand(source.parse().expect("tokens")).to_string()
    }

    #[test]
    fn well_formed_declarations_generate_nothing() {
        for source in [
            r#"struct C { id: u64, #[pii(category = "phone", purpose = "service")] phone: String }"#,
            r#"struct C { #[pii(category = "name", purposes = ["service", "marketing"], sensitive)] n: String }"#,
            r#"#[pii(category = "email", purposes = ["service"])] struct Email(String);"#,
            r#"enum Contact { Phone(#[pii(category = "phone", purpose = "service")] String), None }"#,
            r#"struct NoPii { id: u64 }"#,
            r#"#[pii(category = "phone")] struct MissingPurposeIsTheLintersJob(String);"#,
        ] {
            assert_eq!(run(source), "", "{source}");
        }
    }

    #[test]
    fn malformed_declarations_are_compile_errors() {
        for (source, message) in [
            (
                r#"struct C { #[pii(purpose = "service")] phone: String }"#,
                "needs a category",
            ),
            (r#"struct C { #[pii] phone: String }"#, "needs a category"),
            (
                r#"struct C { #[pii(category = "phone", color = "red")] phone: String }"#,
                "unknown `pii` argument `color`",
            ),
            (
                r#"struct C { #[pii(category = "phone", purpose = "a", purposes = ["b"])] p: String }"#,
                "repeats `purpose`",
            ),
            (
                r#"struct C { #[pii(category = phone)] phone: String }"#,
                "expected string literal",
            ),
            (
                r#"#[pii(category = "email")] #[pii(category = "name")] struct E(String);"#,
                "a second `#[pii]`",
            ),
            (
                r#"enum E { A { #[pii(category = "x", purposes = "y")] a: String } }"#,
                "",
            ),
        ] {
            let out = run(source);
            if message.is_empty() {
                // `purposes = "y"` (one string) is accepted as a single purpose.
                assert_eq!(out, "", "{source}");
                continue;
            }
            assert!(
                out.contains("compile_error") && out.contains(message),
                "{source}: {out}"
            );
        }
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let out = run(r#"struct C { #[pii] a: String, #[pii(color = "red")] b: String }"#);
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    }
}
