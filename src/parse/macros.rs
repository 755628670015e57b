//! Macro arguments, parsed from their tokens once during lowering: format strings (`{}`, `{:?}`, inline
//! `{name}`), `write!` destinations, `log`/`tracing` structured fields (`phone = %c.phone`, `?customer`).

use super::flow_ir::{Expr, ExprKind, MacroArg, Render};
use syn::parse::{ParseStream, Parser};
use syn::{Expr as SynExpr, LitStr, Token};

/// One placeholder of a format string: the argument it names and how it renders it.
#[derive(Debug, PartialEq, Eq)]
pub enum Placeholder {
    Next(Render),
    Index(usize, Render),
    Named(String, Render),
}

/// The placeholders of a format string, in order (`{{` and `}}` are literal braces).
pub fn placeholders(format: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let inner: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let (argument, spec) = inner.split_once(':').unwrap_or((inner.as_str(), ""));
                let render = if spec.contains('?') {
                    Render::Debug
                } else {
                    Render::Display
                };
                let argument = argument.trim();
                found.push(if argument.is_empty() {
                    Placeholder::Next(render)
                } else if let Ok(index) = argument.parse() {
                    Placeholder::Index(index, render)
                } else {
                    Placeholder::Named(argument.to_string(), render)
                });
            }
            _ => {}
        }
    }
    found
}

/// The arguments of a format macro after its format string: each rendered as its placeholder says;
/// inline `{name}` placeholders become reads of `name` at the string's span.
pub fn format_arguments(
    format: &str,
    format_span: crate::diagnostic::Span,
    positional: Vec<Expr>,
    named: Vec<(String, Expr)>,
) -> Vec<MacroArg> {
    let mut renders: Vec<Option<Render>> = vec![None; positional.len()];
    let mut named_renders: Vec<Option<Render>> = vec![None; named.len()];
    let mut inline = Vec::new();
    let mut next = 0;
    let strongest = |slot: &mut Option<Render>, render: Render| {
        *slot = Some(slot.map_or(render, |r| r.max(render)))
    };
    for placeholder in placeholders(format) {
        match placeholder {
            Placeholder::Next(render) => {
                if let Some(slot) = renders.get_mut(next) {
                    strongest(slot, render);
                }
                next += 1;
            }
            Placeholder::Index(index, render) => {
                if let Some(slot) = renders.get_mut(index) {
                    strongest(slot, render);
                }
            }
            Placeholder::Named(name, render) => match named.iter().position(|(n, _)| *n == name) {
                Some(index) => strongest(&mut named_renders[index], render),
                None => inline.push(MacroArg {
                    expr: Expr {
                        kind: ExprKind::Path(vec![name]),
                        span: format_span,
                    },
                    render,
                }),
            },
        }
    }
    let mut args: Vec<MacroArg> = positional
        .into_iter()
        .zip(renders)
        .map(|(expr, render)| MacroArg {
            expr,
            render: render.unwrap_or(Render::Display),
        })
        .collect();
    args.extend(
        named
            .into_iter()
            .zip(named_renders)
            .map(|((_, expr), render)| MacroArg {
                expr,
                render: render.unwrap_or(Render::Display),
            }),
    );
    args.extend(inline);
    args
}

/// What a macro's tokens say, before lowering the expressions in them.
pub struct ParsedMacro {
    /// Expressions before the format string (`write!`'s destination, `assert!`'s condition).
    pub leading: Vec<SynExpr>,
    /// Structured fields (`tracing`): name (if any), render, expression.
    pub fields: Vec<(Render, SynExpr)>,
    pub format: Option<LitStr>,
    pub positional: Vec<SynExpr>,
    pub named: Vec<(String, SynExpr)>,
}

/// Parses `[leading exprs,] [structured fields,] ["format", args..]`, as `println!`, `write!`, `assert!`,
/// `log::info!(target: "x", ..)` and `tracing::info!(phone = %p, ?c, "msg {}", x)` are written.
pub fn parse_macro(
    tokens: proc_macro2::TokenStream,
    leading_count: usize,
) -> syn::Result<ParsedMacro> {
    let parser = move |input: ParseStream| {
        let mut parsed = ParsedMacro {
            leading: Vec::new(),
            fields: Vec::new(),
            format: None,
            positional: Vec::new(),
            named: Vec::new(),
        };
        for _ in 0..leading_count {
            if input.is_empty() {
                return Ok(parsed);
            }
            parsed.leading.push(input.parse()?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        // `target: "..", parent: &span, name: ".."` of log/tracing macros.
        while input.peek(syn::Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
            input.parse::<syn::Ident>()?;
            input.parse::<Token![:]>()?;
            input.parse::<SynExpr>()?;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        while !input.is_empty() {
            if input.peek(LitStr) && parsed.format.is_none() {
                parsed.format = Some(input.parse()?);
                while !input.is_empty() {
                    // slog: `"message", args; "key" => value, "key" => %value`.
                    if input.peek(Token![;]) {
                        input.parse::<Token![;]>()?;
                        slog_key_values(input, &mut parsed)?;
                        break;
                    }
                    input.parse::<Token![,]>()?;
                    if input.is_empty() {
                        break;
                    }
                    if input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==])
                    {
                        let name: syn::Ident = input.parse()?;
                        input.parse::<Token![=]>()?;
                        parsed.named.push((name.to_string(), input.parse()?));
                    } else {
                        parsed.positional.push(input.parse()?);
                    }
                }
                break;
            }
            parsed.fields.push(structured_field(input)?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(parsed)
    };
    parser.parse2(tokens)
}

/// The values named in tokens no macro grammar reads (`serde_json::json!({ "email": req.email })`, a
/// dependency's DSL): each `a.b.c` chain of names, anywhere in the tokens, as an expression. What such a
/// macro makes carries what it was given, so nothing it names is lost.
pub fn loose_expressions(tokens: proc_macro2::TokenStream) -> Vec<SynExpr> {
    use proc_macro2::TokenTree;
    let mut found = Vec::new();
    let mut chain: Vec<TokenTree> = Vec::new();
    let flush = |chain: &mut Vec<TokenTree>, found: &mut Vec<SynExpr>| {
        // A trailing `.` belongs to no chain.
        while matches!(chain.last(), Some(TokenTree::Punct(p)) if p.as_char() == '.') {
            chain.pop();
        }
        if !chain.is_empty() {
            let stream: proc_macro2::TokenStream = chain.drain(..).collect();
            if let Ok(expr) = syn::parse2::<SynExpr>(stream) {
                found.push(expr);
            }
        }
    };
    for token in tokens {
        match &token {
            TokenTree::Ident(_) => {
                let after_dot =
                    matches!(chain.last(), Some(TokenTree::Punct(p)) if p.as_char() == '.');
                if !after_dot {
                    flush(&mut chain, &mut found);
                }
                chain.push(token);
            }
            TokenTree::Literal(_) if matches!(chain.last(), Some(TokenTree::Punct(p)) if p.as_char() == '.') =>
            {
                chain.push(token);
            }
            TokenTree::Punct(p) if p.as_char() == '.' && !chain.is_empty() => chain.push(token),
            TokenTree::Group(group) => {
                flush(&mut chain, &mut found);
                found.extend(loose_expressions(group.stream()));
            }
            _ => flush(&mut chain, &mut found),
        }
    }
    flush(&mut chain, &mut found);
    found
}

/// slog's key-values after the `;`: `"key" => value`, `"key" => %value`, `"key" => ?value`.
fn slog_key_values(input: ParseStream, parsed: &mut ParsedMacro) -> syn::Result<()> {
    while !input.is_empty() {
        if input.peek(LitStr) {
            input.parse::<LitStr>()?;
        } else {
            input.parse::<syn::Ident>()?;
        }
        input.parse::<Token![=>]>()?;
        let render = render_marker(input)?.unwrap_or(Render::Display);
        parsed.fields.push((render, input.parse()?));
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

/// `name = expr`, `name = %expr`, `name = ?expr`, `a.b = expr`, `%expr`, `?expr`, `expr`.
fn structured_field(input: ParseStream) -> syn::Result<(Render, SynExpr)> {
    let fork = input.fork();
    let named = (|| -> syn::Result<()> {
        if fork.peek(LitStr) {
            fork.parse::<LitStr>()?;
        } else {
            fork.parse::<syn::Ident>()?;
            while fork.peek(Token![.]) {
                fork.parse::<Token![.]>()?;
                fork.parse::<syn::Ident>()?;
            }
        }
        if fork.peek(Token![==]) {
            return Err(fork.error("comparison"));
        }
        fork.parse::<Token![=]>()?;
        Ok(())
    })();
    if named.is_ok() {
        use syn::parse::discouraged::Speculative;
        input.advance_to(&fork);
    }
    let render = render_marker(input)?.unwrap_or(Render::Value);
    Ok((render, input.parse()?))
}

/// `%` (Display) or `?` (Debug) before a structured value, if there is one.
fn render_marker(input: ParseStream) -> syn::Result<Option<Render>> {
    if input.peek(Token![%]) {
        input.parse::<Token![%]>()?;
        Ok(Some(Render::Display))
    } else if input.peek(Token![?]) {
        input.parse::<Token![?]>()?;
        Ok(Some(Render::Debug))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_expressions_are_the_name_chains_of_any_tokens() {
        let tokens: proc_macro2::TokenStream =
            r#"{ "email": req.email, "id": user.0, "tags": [a, b.c], "n": 1.5 }"#
                .parse()
                .unwrap();
        let found: Vec<String> = super::loose_expressions(tokens)
            .iter()
            .map(|e| quote::quote!(#e).to_string())
            .collect();
        assert_eq!(found, ["req . email", "user . 0", "a", "b . c"]);
    }

    #[test]
    fn placeholders_know_debug_from_display() {
        use Placeholder::*;
        assert_eq!(
            placeholders("{} {:?} {0:#?} {name} {name:>8?} {{literal}} {:08.2}"),
            [
                Next(Render::Display),
                Next(Render::Debug),
                Index(0, Render::Debug),
                Named("name".into(), Render::Display),
                Named("name".into(), Render::Debug),
                Next(Render::Display)
            ]
        );
    }

    #[test]
    fn tracing_fields_and_format_arguments() {
        let parsed = parse_macro(quote::quote!(target: "orders", phone = %c.phone, ?customer, order.id = o.id, "placed {} {x}", o.no, x = 1), 0).unwrap();
        let renders: Vec<Render> = parsed.fields.iter().map(|(r, _)| *r).collect();
        assert_eq!(renders, [Render::Display, Render::Debug, Render::Value]);
        assert_eq!(parsed.format.unwrap().value(), "placed {} {x}");
        assert_eq!(parsed.positional.len(), 1);
        assert_eq!(parsed.named[0].0, "x");
    }

    #[test]
    fn leading_expressions_come_first() {
        let parsed = parse_macro(quote::quote!(out, "{}", name), 1).unwrap();
        assert_eq!(parsed.leading.len(), 1);
        assert_eq!(parsed.positional.len(), 1);
        let parsed = parse_macro(quote::quote!(a == b, "{} differs", a), 1).unwrap();
        assert_eq!(parsed.leading.len(), 1);
        assert_eq!(parsed.format.unwrap().value(), "{} differs");
    }
}
