//! The grammar of every `pii_lint` attribute's arguments. One parser, shared by the proc-macro crate
//! (malformed arguments become compile errors) and by the linter (they become `invalid-annotation`),
//! which includes this file with `#[path]`. It depends on nothing but syn and proc-macro2.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

/// A string argument and where it was written.
#[derive(Debug, Clone)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

impl Str {
    fn from_lit(lit: &LitStr) -> Str {
        Str {
            value: lit.value(),
            span: lit.span(),
        }
    }
}

/// `#[pii(category = "phone", purposes = ["service"], sensitive)]`
#[derive(Debug, Clone, Default)]
pub struct PiiArgs {
    pub category: Option<Str>,
    pub purposes: Vec<Str>,
    pub sensitive: bool,
}

/// `#[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]`
#[derive(Debug, Clone)]
pub struct SinkArgs {
    pub kind: Str,
    pub purpose: Option<Str>,
}

/// `#[pii_lint::allow(log_leak, PII006, reason = "...")]`
#[derive(Debug, Clone)]
pub struct AllowArgs {
    pub lints: Vec<Str>,
    pub reason: Option<Str>,
}

pub const SINK_KINDS: &[&str] = &["log", "export", "storage", "commercial_message"];

/// `category = "..."` is required; `purpose = ".."` and `purposes = [..]` may not both be given.
pub fn parse_pii(tokens: TokenStream, whole: Span) -> syn::Result<PiiArgs> {
    let parser = |input: ParseStream| {
        let mut args = PiiArgs::default();
        let mut purpose_key: Option<Ident> = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "category" => {
                    if args.category.is_some() {
                        return Err(syn::Error::new(key.span(), "`category` is given twice"));
                    }
                    input.parse::<Token![=]>()?;
                    args.category = Some(Str::from_lit(&input.parse()?));
                }
                "purpose" | "purposes" => {
                    if let Some(first) = &purpose_key {
                        let message = format!("`{key}` repeats `{first}`: list every purpose in one `purposes = [..]`");
                        return Err(syn::Error::new(key.span(), message));
                    }
                    input.parse::<Token![=]>()?;
                    args.purposes = if key == "purposes" && input.peek(syn::token::Bracket) {
                        parse_string_list(input)?
                    } else {
                        vec![Str::from_lit(&input.parse()?)]
                    };
                    purpose_key = Some(key);
                }
                "sensitive" => args.sensitive = true,
                other => {
                    let message = format!(
                        "unknown `pii` argument `{other}`: expected `category`, `purpose`, `purposes` or `sensitive`"
                    );
                    return Err(syn::Error::new(key.span(), message));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    };
    let args = parser.parse2(tokens)?;
    if args.category.is_none() {
        return Err(syn::Error::new(
            whole,
            "`#[pii]` needs a category: `#[pii(category = \"phone\", purpose = \"service\")]`",
        ));
    }
    Ok(args)
}

/// One string literal: `purpose("marketing")`, `consent_check("marketing")`, `consent_proof("marketing")`.
pub fn parse_single_name(
    tokens: TokenStream,
    whole: Span,
    attribute: &str,
    example: &str,
) -> syn::Result<Str> {
    if tokens.is_empty() {
        let message =
            format!("`{attribute}` needs one name: `#[pii_lint::{attribute}(\"{example}\")]`");
        return Err(syn::Error::new(whole, message));
    }
    let parser = |input: ParseStream| {
        let lit: LitStr = input.parse().map_err(|err| {
            let message = format!(
                "`{attribute}` takes one string: `#[pii_lint::{attribute}(\"{example}\")]`"
            );
            syn::Error::new(err.span(), message)
        })?;
        if !input.is_empty() {
            let message = format!("`{attribute}` takes exactly one string");
            return Err(syn::Error::new(input.span(), message));
        }
        Ok(Str::from_lit(&lit))
    };
    parser.parse2(tokens)
}

/// `kind` is required and one of `SINK_KINDS`; `purpose` is optional.
pub fn parse_sink(tokens: TokenStream, whole: Span) -> syn::Result<SinkArgs> {
    let parser = |input: ParseStream| {
        let (mut kind, mut purpose) = (None::<Str>, None::<Str>);
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = Str::from_lit(&input.parse()?);
            let slot = match key.to_string().as_str() {
                "kind" => &mut kind,
                "purpose" => &mut purpose,
                other => {
                    let message =
                        format!("unknown `sink` argument `{other}`: expected `kind` or `purpose`");
                    return Err(syn::Error::new(key.span(), message));
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            *slot = Some(value);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok((kind, purpose))
    };
    let (kind, purpose) = parser.parse2(tokens)?;
    let Some(kind) = kind else {
        return Err(syn::Error::new(
            whole,
            "`sink` needs a kind: `#[pii_lint::sink(kind = \"export\")]`",
        ));
    };
    if !SINK_KINDS.contains(&kind.value.as_str()) {
        let message = format!(
            "unknown sink kind `{}`: expected one of `log`, `export`, `storage`, `commercial_message`",
            kind.value
        );
        return Err(syn::Error::new(kind.span, message));
    }
    Ok(SinkArgs { kind, purpose })
}

/// No arguments: `sanitizer`, `encryptor`, `erasure`.
pub fn parse_no_args(tokens: TokenStream, attribute: &str) -> syn::Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let message = format!("`{attribute}` takes no arguments: write `#[pii_lint::{attribute}]`");
    Err(syn::Error::new_spanned(tokens, message))
}

/// Lint names (identifiers such as `log_leak` or `PII005`, or strings) and an optional `reason = ".."`.
/// A missing reason is no syntax error: the linter reports it, so the suppression stays visible.
pub fn parse_allow(tokens: TokenStream, whole: Span) -> syn::Result<AllowArgs> {
    let parser = |input: ParseStream| {
        let mut args = AllowArgs {
            lints: Vec::new(),
            reason: None,
        };
        while !input.is_empty() {
            if input.peek(LitStr) {
                args.lints.push(Str::from_lit(&input.parse()?));
            } else {
                let key: Ident = input.parse()?;
                if key == "reason" {
                    input.parse::<Token![=]>()?;
                    args.reason = Some(Str::from_lit(&input.parse()?));
                } else {
                    args.lints.push(Str {
                        value: key.to_string(),
                        span: key.span(),
                    });
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    };
    let args = parser.parse2(tokens)?;
    if args.lints.is_empty() {
        return Err(syn::Error::new(
            whole,
            "`allow` needs the lint to allow: `#[pii_lint::allow(log_leak, reason = \"...\")]`",
        ));
    }
    Ok(args)
}

fn parse_string_list(input: ParseStream) -> syn::Result<Vec<Str>> {
    let content;
    syn::bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(list.iter().map(Str::from_lit).collect())
}
