//! `#[derive(RedactedDebug)]`: a `Debug` that prints like std's derive, except that every field declared
//! with `#[pii(category = "X")]` prints as `<redacted X>`, and a type declared as a whole prints as
//! `Name(<redacted X>)`. A redacted value is never read, so its type need not implement `Debug`.

use crate::derive_pii::{check, pii_args};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;

pub fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input).and_then(|input| generate(&input)) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn generate(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    check(input)?;
    let name = &input.ident;
    // std prints `r#type` as `type`.
    let name_text = name.unraw().to_string();
    let body = match (redaction(&input.attrs)?, &input.data) {
        (Some(redacted), _) => quote! {
            f.debug_tuple(#name_text).field(#redacted).finish()
        },
        (None, syn::Data::Struct(data)) => struct_body(&name_text, &data.fields, is_packed(input))?,
        (None, syn::Data::Enum(data)) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let ident = &variant.ident;
                let (pattern, body) = variant_arm(&ident.unraw().to_string(), &variant.fields)?;
                arms.push(quote!(Self::#ident #pattern => #body,));
            }
            if arms.is_empty() {
                // No value of it exists; matching the place `*self` proves that to the compiler.
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms)* })
            }
        }
        (None, syn::Data::Union(data)) => {
            let message =
                "`RedactedDebug` cannot be derived for a union: which field is set is unknown";
            return Err(syn::Error::new(data.union_token.span, message));
        }
    };
    let mut generics = input.generics.clone();
    // Like std's derive: every type parameter must be `Debug`, whether or not a printed field uses it.
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

/// The placeholder printed for a field or type declared with `#[pii]`, as a `&dyn Debug` argument.
fn redaction(attrs: &[syn::Attribute]) -> syn::Result<Option<TokenStream>> {
    let category = pii_args(attrs)?.and_then(|pii| pii.category);
    Ok(category.map(|category| {
        let text = format!("<redacted {}>", category.value);
        // Through `{}`: the category is the merchant's text and may hold braces.
        quote!(&::core::format_args!("{}", #text))
    }))
}

/// A struct's fields are read through `self.field`, as std does; fields of a packed struct may be
/// unaligned, so (like std) they are copied out first.
fn struct_body(name: &str, fields: &syn::Fields, packed: bool) -> syn::Result<TokenStream> {
    let mut values = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let member = match &field.ident {
            Some(ident) => syn::Member::Named(ident.clone()),
            None => syn::Member::Unnamed(index.into()),
        };
        values.push(match redaction(&field.attrs)? {
            Some(redacted) => redacted,
            None if packed => quote!(&{ self.#member }),
            None => quote!(&self.#member),
        });
    }
    Ok(format_fields(name, fields, &values))
}

/// The pattern binding a variant's printed fields (redacted ones are left unbound) and its formatting.
fn variant_arm(name: &str, fields: &syn::Fields) -> syn::Result<(TokenStream, TokenStream)> {
    let mut bindings = Vec::new();
    let mut values = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let binding = format_ident!("__self_{}", index);
        let (bound, value) = match redaction(&field.attrs)? {
            Some(redacted) => (quote!(_), redacted),
            None => (quote!(#binding), quote!(#binding)),
        };
        bindings.push(match &field.ident {
            Some(ident) => quote!(#ident: #bound),
            None => bound,
        });
        values.push(value);
    }
    let pattern = match fields {
        syn::Fields::Named(_) => quote!({ #(#bindings),* }),
        syn::Fields::Unnamed(_) => quote!(( #(#bindings),* )),
        syn::Fields::Unit => TokenStream::new(),
    };
    // Match ergonomics bind by reference, so `__self_0` is already a `&T`.
    Ok((pattern, format_fields(name, fields, &values)))
}

/// `f.debug_struct(..)`, `f.debug_tuple(..)` or `f.write_str(..)` over the fields' printed values.
fn format_fields(name: &str, fields: &syn::Fields, values: &[TokenStream]) -> TokenStream {
    match fields {
        syn::Fields::Named(named) => {
            let labels = named.named.iter().filter_map(|field| field.ident.as_ref());
            let labels = labels.map(|ident| ident.unraw().to_string());
            quote!(f.debug_struct(#name) #(.field(#labels, #values))* .finish())
        }
        syn::Fields::Unnamed(_) => quote!(f.debug_tuple(#name) #(.field(#values))* .finish()),
        syn::Fields::Unit => quote!(f.write_str(#name)),
    }
}

/// `#[repr(packed)]` or `#[repr(C, packed(2))]`.
fn is_packed(input: &syn::DeriveInput) -> bool {
    input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("repr"))
        .filter_map(|attr| attr.meta.require_list().ok())
        .flat_map(|list| list.tokens.clone())
        .any(|token| matches!(token, proc_macro2::TokenTree::Ident(ident) if ident == "packed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_reported;

    fn run(source: &str) -> TokenStream {
        expand(source.parse().expect("tokens"))
    }

    fn generated(source: &str) -> String {
        let out = run(source);
        assert_reported(&out, &[], source);
        out.to_string()
    }

    #[test]
    fn unions_are_compile_errors() {
        assert_reported(
            &run("union U { a: u8, b: u16 }"),
            &[(
                "`RedactedDebug` cannot be derived for a union: which field is set is unknown",
                "union",
            )],
            "union",
        );
    }

    #[test]
    fn malformed_pii_is_checked_as_by_pii() {
        let source =
            r#"struct C { #[pii(purpose = "service")] phone: String, #[pii(colour = "x")] b: u8 }"#;
        assert_reported(
            &run(source),
            &[
                ("`#[pii]` needs a category", r#"[pii(purpose = "service")]"#),
                ("unknown `pii` argument `colour`", "colour"),
            ],
            source,
        );
    }

    #[test]
    fn redacted_fields_are_never_read() {
        let out = generated(
            r#"struct C { id: u64, #[pii(category = "phone", purpose = "service")] phone: String }"#,
        );
        assert!(out.contains("& self . id"), "{out}");
        assert!(!out.contains("self . phone"), "{out}");
        assert!(out.contains(r#""<redacted phone>""#), "{out}");

        let out = generated(
            r#"enum E { A(#[pii(category = "phone", purpose = "service")] String, u8) }"#,
        );
        assert!(out.contains("Self :: A (_ , __self_1)"), "{out}");
    }

    #[test]
    fn a_category_with_braces_is_printed_not_interpreted() {
        let out = generated(r#"#[pii(category = "a{0}")] struct S(u8);"#);
        assert!(
            out.contains(r#"format_args ! ("{}" , "<redacted a{0}>")"#),
            "{out}"
        );
    }

    #[test]
    fn packed_structs_copy_their_fields() {
        let out = generated("#[repr(C, packed)] struct P { a: u32 }");
        assert!(out.contains("& { self . a }"), "{out}");
    }

    #[test]
    fn type_parameters_get_debug_bounds_and_keep_their_where_clause() {
        let out = generated("struct W<'a, T, const N: usize> where T: Clone { v: &'a [T; N] }");
        assert!(
            out.contains("impl < 'a , T : :: core :: fmt :: Debug , const N : usize >"),
            "{out}"
        );
        assert!(
            out.contains("for W < 'a , T , N > where T : Clone"),
            "{out}"
        );
    }
}
