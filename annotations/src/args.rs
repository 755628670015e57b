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
        if input.peek(Token![=]) {
            // `#[pii = ".."]`: callers hand over the `= value` of a name-value attribute as it is.
            return Err(input.error(format!("`#[pii]` takes a list: {PII_EXAMPLE}")));
        }
        let mut args = PiiArgs::default();
        let mut purpose_key: Option<Ident> = None;
        let mut sensitive_key: Option<Ident> = None;
        while !input.is_empty() {
            let key = parse_key(input, PII_KEYS)?;
            match key.to_string().as_str() {
                "category" => {
                    if args.category.is_some() {
                        return Err(syn::Error::new(key.span(), "`category` is given twice"));
                    }
                    args.category = Some(parse_string_value(input, &key, "phone")?);
                }
                "purpose" | "purposes" => {
                    if let Some(first) = &purpose_key {
                        let message = format!("`{key}` repeats `{first}`: list every purpose in one `purposes = [..]`");
                        return Err(syn::Error::new(key.span(), message));
                    }
                    args.purposes = if key == "purposes" {
                        parse_string_or_list(input, &key)?
                    } else {
                        if input.peek(Token![=]) && input.peek2(syn::token::Bracket) {
                            let message = "`purpose` takes one string: list several with `purposes = [\"service\", \"marketing\"]`";
                            return Err(syn::Error::new(key.span(), message));
                        }
                        vec![parse_string_value(input, &key, "service")?]
                    };
                    purpose_key = Some(key);
                }
                "sensitive" => {
                    if input.peek(Token![=]) {
                        let message = "`sensitive` is a flag and takes no value: write `sensitive`";
                        return Err(syn::Error::new(key.span(), message));
                    }
                    if sensitive_key.is_some() {
                        return Err(syn::Error::new(key.span(), "`sensitive` is given twice"));
                    }
                    args.sensitive = true;
                    sensitive_key = Some(key);
                }
                other => {
                    let message = format!("unknown `pii` argument `{other}`: expected {PII_KEYS}");
                    return Err(syn::Error::new(key.span(), message));
                }
            }
            parse_separator(input)?;
        }
        Ok(args)
    };
    let args = parser.parse2(tokens)?;
    if args.category.is_none() {
        let message = format!("`#[pii]` needs a category: {PII_EXAMPLE}");
        return Err(syn::Error::new(whole, message));
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
            let key = parse_key(input, SINK_KEYS)?;
            let (slot, example) = match key.to_string().as_str() {
                "kind" => (&mut kind, "export"),
                "purpose" => (&mut purpose, "third_party_sharing"),
                other => {
                    let message =
                        format!("unknown `sink` argument `{other}`: expected {SINK_KEYS}");
                    return Err(syn::Error::new(key.span(), message));
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            *slot = Some(parse_string_value(input, &key, example)?);
            parse_separator(input)?;
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
                let key = parse_key(input, "a lint name such as `log_leak` or `PII005`")?;
                if key == "reason" {
                    if args.reason.is_some() {
                        return Err(syn::Error::new(key.span(), "`reason` is given twice"));
                    }
                    args.reason = Some(parse_string_value(input, &key, "...")?);
                } else if input.peek(Token![-]) {
                    // `log-leak` reads as `log` minus `leak`: in attributes a lint is one identifier.
                    let mut name = key.to_string();
                    while input.peek(Token![-]) && input.peek2(Ident) {
                        input.parse::<Token![-]>()?;
                        name = format!("{name}_{}", input.parse::<Ident>()?);
                    }
                    let message = format!("in attributes lint names use `_`: write `{name}`");
                    return Err(syn::Error::new(key.span(), message));
                } else {
                    args.lints.push(Str {
                        value: key.to_string(),
                        span: key.span(),
                    });
                }
            }
            parse_separator(input)?;
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

const PII_EXAMPLE: &str = "`#[pii(category = \"phone\", purpose = \"service\")]`";
const PII_KEYS: &str = "`category`, `purpose`, `purposes` or `sensitive`";
const SINK_KEYS: &str = "`kind` or `purpose`";

/// The name of the next argument; anything else (a string, a number) gets a message saying what fits.
fn parse_key(input: ParseStream, expected: &str) -> syn::Result<Ident> {
    input
        .parse::<Ident>()
        .map_err(|err| syn::Error::new(err.span(), format!("expected {expected}")))
}

/// `= "value"` after `key`, with a message showing the right form when either part is missing.
fn parse_string_value(input: ParseStream, key: &Ident, example: &str) -> syn::Result<Str> {
    let wrong_form = |span: Span| {
        let message = format!("`{key}` takes a string: `{key} = \"{example}\"`");
        syn::Error::new(span, message)
    };
    input
        .parse::<Token![=]>()
        .map_err(|err| wrong_form(err.span()))?;
    let lit: LitStr = input.parse().map_err(|err| wrong_form(err.span()))?;
    Ok(Str::from_lit(&lit))
}

/// `= ["a", "b"]`, or one string `= "a"` (kept as a list of one).
fn parse_string_or_list(input: ParseStream, key: &Ident) -> syn::Result<Vec<Str>> {
    if input.peek(Token![=]) && input.peek2(syn::token::Bracket) {
        input.parse::<Token![=]>()?;
        return parse_string_list(input);
    }
    let message =
        format!("`{key}` takes a list of strings: `{key} = [\"service\", \"marketing\"]`");
    let one = parse_string_value(input, key, "service")
        .map_err(|err| syn::Error::new(err.span(), &message))?;
    Ok(vec![one])
}

/// A comma between arguments; a trailing one is allowed.
fn parse_separator(input: ParseStream) -> syn::Result<()> {
    if !input.is_empty() {
        input
            .parse::<Token![,]>()
            .map_err(|err| syn::Error::new(err.span(), "expected `,` between arguments"))?;
    }
    Ok(())
}

fn parse_string_list(input: ParseStream) -> syn::Result<Vec<Str>> {
    let content;
    syn::bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content).map_err(|err| {
        syn::Error::new(
            err.span(),
            "expected a list of strings: `[\"service\", \"marketing\"]`",
        )
    })?;
    Ok(list.iter().map(Str::from_lit).collect())
}
