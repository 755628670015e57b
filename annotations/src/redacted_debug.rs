//! `#[derive(RedactedDebug)]`: a `Debug` that prints like std's derive, except that every field declared
//! with `#[pii(category = "X")]` prints as `<redacted X>`, and a type declared as a whole prints as
//! `Name(<redacted X>)`.

use crate::derive_pii::{check, pii_args};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input).and_then(|input| generate(&input)) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

/// `Some("<redacted X>")` for a field or type declared with `#[pii]`.
fn redaction(attrs: &[syn::Attribute]) -> syn::Result<Option<String>> {
    Ok(pii_args(attrs)?
        .and_then(|pii| pii.category)
        .map(|category| format!("<redacted {}>", category.value)))
}

fn generate(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    check(input)?;
    let name = &input.ident;
    let name_text = name.to_string();
    let body = match (redaction(&input.attrs)?, &input.data) {
        (Some(redacted), _) => quote! {
            f.debug_tuple(#name_text).field(&::core::format_args!(#redacted)).finish()
        },
        (None, syn::Data::Struct(data)) => {
            let (pattern, body) = fields(&name_text, &data.fields)?;
            quote! {
                let #name #pattern = self;
                #body
            }
        }
        (None, syn::Data::Enum(data)) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let ident = &variant.ident;
                let (pattern, body) = fields(&ident.to_string(), &variant.fields)?;
                arms.push(quote!(Self::#ident #pattern => { #body }));
            }
            if arms.is_empty() {
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms)* })
            }
        }
        (None, syn::Data::Union(data)) => {
            let message =
                "`RedactedDebug` cannot be derived for a union: its active field is unknown";
            return Err(syn::Error::new(data.union_token.span, message));
        }
    };
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(syn::parse_quote!(::core::fmt::Debug));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #name #type_generics #where_clause {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #body
            }
        }
    })
}

/// The pattern that binds a struct's or variant's fields, and the body that formats them.
fn fields(name: &str, fields: &syn::Fields) -> syn::Result<(TokenStream, TokenStream)> {
    let mut patterns = Vec::new();
    let mut calls = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let binding = format_ident!("field_{}", index);
        let redacted = redaction(&field.attrs)?;
        let value = match &redacted {
            Some(text) => quote!(&::core::format_args!(#text)),
            None => quote!(#binding),
        };
        let bound = if redacted.is_some() {
            quote!(_)
        } else {
            quote!(#binding)
        };
        match &field.ident {
            Some(ident) => {
                patterns.push(quote!(#ident: #bound));
                let label = ident.to_string();
                calls.push(quote!(.field(#label, #value)));
            }
            None => {
                patterns.push(bound);
                calls.push(quote!(.field(#value)));
            }
        }
    }
    Ok(match fields {
        syn::Fields::Named(_) => (
            quote!({ #(#patterns),* }),
            quote!(f.debug_struct(#name) #(#calls)* .finish()),
        ),
        syn::Fields::Unnamed(_) => (
            quote!(( #(#patterns),* )),
            quote!(f.debug_tuple(#name) #(#calls)* .finish()),
        ),
        syn::Fields::Unit => (TokenStream::new(), quote!(f.write_str(#name))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> String {
        expand(source.parse().expect("tokens")).to_string()
    }

    #[test]
    fn unions_and_malformed_pii_are_compile_errors() {
        let out = run("union U { a: u8, b: u16 }");
        assert!(
            out.contains("compile_error") && out.contains("cannot be derived for a union"),
            "{out}"
        );
        let out = run(r#"struct C { #[pii(purpose = "service")] phone: String }"#);
        assert!(out.contains("needs a category"), "{out}");
    }

    #[test]
    fn redacted_fields_are_never_bound() {
        let out = run(
            r#"struct C { id: u64, #[pii(category = "phone", purpose = "service")] phone: String }"#,
        );
        assert!(out.contains("phone : _"), "{out}");
        assert!(out.contains("\"<redacted phone>\""), "{out}");
    }
}
