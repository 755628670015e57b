//! Lowering a syn function body into the flow form (`flow_ir`).

use super::flow_ir::*;
use super::items::lower_type;
use super::macros::{format_arguments, parse_macro};
use super::model::TypeRef;
use crate::diagnostic::Span;
use crate::workspace::FileId;
use syn::spanned::Spanned;

pub struct BodyLowerer {
    pub file: FileId,
    /// How deep the expression being lowered is nested.
    pub depth: std::cell::Cell<u32>,
    /// The line of the first expression cut for being nested too deep, if any (said in the run's notes).
    pub cut: std::cell::Cell<Option<u32>>,
    /// For code a macro generated: every span is the invocation's.
    pub at: Option<Span>,
}

/// Deeper than this, an expression is not followed (generated code; no hand-written code nests so deep).
pub const MAX_NESTING: u32 = 400;

/// The field names an expression accesses or binds, anywhere inside it.
struct FieldNames(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for FieldNames {
    fn visit_member(&mut self, member: &'ast syn::Member) {
        self.0.push(match member {
            syn::Member::Named(ident) => ident.to_string(),
            syn::Member::Unnamed(index) => index.index.to_string(),
        });
    }
}

/// How many expressions a macro takes before its format string or fields, and whether the first is a
/// destination (`write!`) rather than something read.
fn leading_of(name: &str) -> (usize, bool) {
    match name {
        "write" | "writeln" => (1, true),
        "assert" | "debug_assert" | "ensure" | "log" => (1, false),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => (2, false),
        _ => (0, false),
    }
}

impl BodyLowerer {
    fn span(&self, span: proc_macro2::Span) -> Span {
        self.at.unwrap_or_else(|| Span::from_syn(self.file, span))
    }

    pub fn block(&self, block: &syn::Block) -> Block {
        let mut lowered = Block::default();
        let count = block.stmts.len();
        for (index, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Local(local) => lowered.stmts.push(self.local(local)),
                syn::Stmt::Expr(expr, None) if index + 1 == count => {
                    lowered.tail = Some(Box::new(self.expr(expr)))
                }
                syn::Stmt::Expr(expr, _) => lowered.stmts.push(Stmt::Expr(self.expr(expr))),
                syn::Stmt::Macro(mac) => lowered.stmts.push(Stmt::Expr(self.mac(&mac.mac))),
                syn::Stmt::Item(_) => {}
            }
        }
        lowered
    }

    fn local(&self, local: &syn::Local) -> Stmt {
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(typed) => (self.pat(&typed.pat), Some(lower_type(&typed.ty))),
            other => (self.pat(other), None),
        };
        let init = local.init.as_ref().map(|init| self.expr(&init.expr));
        let diverge = local
            .init
            .as_ref()
            .and_then(|init| init.diverge.as_ref())
            .map(|(_, e)| match &**e {
                syn::Expr::Block(b) => self.block(&b.block),
                other => Block {
                    stmts: vec![Stmt::Expr(self.expr(other))],
                    tail: None,
                },
            });
        Stmt::Let {
            pat: Box::new(pat),
            ty: ty.map(Box::new),
            init: init.map(Box::new),
            diverge: diverge.map(Box::new),
        }
    }

    pub fn pat(&self, pat: &syn::Pat) -> Pat {
        match pat {
            syn::Pat::Ident(ident) => Pat::Bind {
                name: ident.ident.to_string(),
                span: self.span(ident.ident.span()),
                sub: ident.subpat.as_ref().map(|(_, p)| Box::new(self.pat(p))),
            },
            syn::Pat::Tuple(t) => Pat::Elements {
                path: Vec::new(),
                elems: t.elems.iter().map(|p| self.pat(p)).collect(),
            },
            syn::Pat::Slice(s) => Pat::Elements {
                path: Vec::new(),
                elems: s.elems.iter().map(|p| self.pat(p)).collect(),
            },
            syn::Pat::TupleStruct(t) => Pat::Elements {
                path: path_segments(&t.path),
                elems: t.elems.iter().map(|p| self.pat(p)).collect(),
            },
            syn::Pat::Struct(s) => Pat::Struct {
                path: path_segments(&s.path),
                fields: s
                    .fields
                    .iter()
                    .map(|f| match &f.member {
                        syn::Member::Named(name) => (name.to_string(), self.pat(&f.pat)),
                        syn::Member::Unnamed(index) => (index.index.to_string(), self.pat(&f.pat)),
                    })
                    .collect(),
            },
            syn::Pat::Or(or) => Pat::Or(or.cases.iter().map(|p| self.pat(p)).collect()),
            syn::Pat::Lit(syn::PatLit {
                lit: syn::Lit::Bool(b),
                ..
            }) => Pat::Bool(b.value),
            syn::Pat::Reference(r) => self.pat(&r.pat),
            syn::Pat::Paren(p) => self.pat(&p.pat),
            syn::Pat::Type(t) => self.pat(&t.pat),
            _ => Pat::Ignore,
        }
    }

    fn exprs<'a>(&self, exprs: impl IntoIterator<Item = &'a syn::Expr>) -> Vec<Expr> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&self, expr: &syn::Expr) -> Box<Expr> {
        Box::new(self.expr(expr))
    }

    /// Where a call is reported: from the called path (or method name) to its closing parenthesis. Other
    /// expressions are never reported, so their spans are not computed (`Spanned::span` re-tokenizes the
    /// whole subtree, which would make lowering quadratic in nesting depth).
    fn reported_span(&self, expr: &syn::Expr) -> Span {
        let (start, end) = match expr {
            syn::Expr::Call(c) => {
                let start = match &*c.func {
                    syn::Expr::Path(p) => p
                        .path
                        .segments
                        .first()
                        .map_or(c.paren_token.span.open(), |s| s.ident.span()),
                    _ => c.paren_token.span.open(),
                };
                (start, c.paren_token.span.close())
            }
            syn::Expr::MethodCall(m) => (m.method.span(), m.paren_token.span.close()),
            syn::Expr::Field(f) => (
                left_start(&f.base).unwrap_or_else(|| f.member.span()),
                f.member.span(),
            ),
            syn::Expr::Path(p) => match (p.path.segments.first(), p.path.segments.last()) {
                (Some(first), Some(last)) => (first.ident.span(), last.ident.span()),
                _ => return Span::line(self.file, 1),
            },
            _ => return Span::line(self.file, 1),
        };
        self.span_between(start, end)
    }

    /// From the start of `first` to the end of `last`.
    fn span_between(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        (self.at).unwrap_or_else(|| Span::from_syn_ends(self.file, first, last))
    }

    pub fn expr(&self, expr: &syn::Expr) -> Expr {
        if self.depth.get() >= MAX_NESTING {
            // Its data is not followed, but the fields it names are still used (no "never read").
            let span = self.span(expr.span());
            if self.cut.get().is_none() {
                self.cut.set(Some(span.line));
            }
            let mut named = FieldNames(Vec::new());
            syn::visit::Visit::visit_expr(&mut named, expr);
            let base = || {
                Box::new(Expr {
                    kind: ExprKind::Lit,
                    span,
                })
            };
            let reads = named.0.into_iter().map(|name| Expr {
                kind: ExprKind::Field(base(), name),
                span,
            });
            return Expr {
                kind: ExprKind::Aggregate(reads.collect()),
                span,
            };
        }
        self.depth.set(self.depth.get() + 1);
        let lowered = self.expr_unguarded(expr);
        self.depth.set(self.depth.get() - 1);
        lowered
    }

    fn expr_unguarded(&self, expr: &syn::Expr) -> Expr {
        use syn::Expr as E;
        let span = self.reported_span(expr);
        let kind = match expr {
            E::Path(p) => ExprKind::Path(path_segments(&p.path)),
            E::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => sql_text(&text.value()).map_or(ExprKind::Lit, |sql| ExprKind::Sql(Box::new(sql))),
            E::Lit(_) => ExprKind::Lit,
            E::Field(f) => ExprKind::Field(self.boxed(&f.base), member_name(&f.member)),
            E::Call(c) => {
                let call = ExprKind::Call {
                    func: self.boxed(&c.func),
                    args: self.exprs(&c.args),
                };
                let named = match &*c.func {
                    E::Path(p) => p.path.segments.last().and_then(|s| match &s.arguments {
                        syn::PathArguments::AngleBracketed(args) => turbofish_type(args),
                        _ => None,
                    }),
                    _ => None,
                };
                typed(call, named, span)
            }
            E::MethodCall(m) => {
                let call = ExprKind::MethodCall {
                    receiver: self.boxed(&m.receiver),
                    method: m.method.to_string().into(),
                    args: self.exprs(&m.args).into(),
                };
                typed(call, m.turbofish.as_ref().and_then(turbofish_type), span)
            }
            E::Macro(m) => return self.mac(&m.mac),
            E::Struct(s) => ExprKind::Struct {
                path: path_segments(&s.path).into(),
                fields: s
                    .fields
                    .iter()
                    .map(|f| (member_name(&f.member), self.expr(&f.expr)))
                    .collect(),
                rest: s.rest.as_ref().map(|r| self.boxed(r)),
            },
            E::Tuple(t) => ExprKind::Aggregate(self.exprs(&t.elems)),
            E::Array(a) => ExprKind::Aggregate(self.exprs(&a.elems)),
            E::Repeat(r) => ExprKind::Aggregate(vec![self.expr(&r.expr)]),
            E::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                ExprKind::And(self.boxed(&b.left), self.boxed(&b.right))
            }
            E::Binary(b) if matches!(b.op, syn::BinOp::Or(_)) => {
                ExprKind::Or(self.boxed(&b.left), self.boxed(&b.right))
            }
            E::Binary(b) => {
                let operands = vec![self.expr(&b.left), self.expr(&b.right)];
                match b.op {
                    syn::BinOp::Add(_)
                    | syn::BinOp::Sub(_)
                    | syn::BinOp::Mul(_)
                    | syn::BinOp::Div(_)
                    | syn::BinOp::Rem(_)
                    | syn::BinOp::BitXor(_)
                    | syn::BinOp::BitAnd(_)
                    | syn::BinOp::BitOr(_)
                    | syn::BinOp::Shl(_)
                    | syn::BinOp::Shr(_) => ExprKind::Aggregate(operands),
                    syn::BinOp::AddAssign(_)
                    | syn::BinOp::SubAssign(_)
                    | syn::BinOp::MulAssign(_)
                    | syn::BinOp::DivAssign(_)
                    | syn::BinOp::RemAssign(_)
                    | syn::BinOp::BitXorAssign(_)
                    | syn::BinOp::BitAndAssign(_)
                    | syn::BinOp::BitOrAssign(_)
                    | syn::BinOp::ShlAssign(_)
                    | syn::BinOp::ShrAssign(_) => {
                        let mut operands = operands.into_iter();
                        let (target, value) = (operands.next(), operands.next());
                        match (target, value) {
                            (Some(target), Some(value)) => ExprKind::Assign {
                                target: Box::new(target),
                                value: Box::new(value),
                                compound: true,
                            },
                            _ => ExprKind::Lit,
                        }
                    }
                    _ => ExprKind::Compare(operands),
                }
            }
            E::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => ExprKind::Transparent(self.boxed(&u.expr)),
                syn::UnOp::Not(_) => ExprKind::Not(self.boxed(&u.expr)),
                _ => ExprKind::Compare(vec![self.expr(&u.expr)]),
            },
            E::Assign(a) => ExprKind::Assign {
                target: self.boxed(&a.left),
                value: self.boxed(&a.right),
                compound: false,
            },
            E::Closure(c) => ExprKind::Closure {
                params: c.inputs.iter().map(|p| self.pat(p)).collect(),
                body: self.boxed(&c.body),
            },
            E::Block(b) => ExprKind::Block(self.block(&b.block)),
            E::Unsafe(b) => ExprKind::Block(self.block(&b.block)),
            E::Async(b) => ExprKind::Block(self.block(&b.block)),
            E::TryBlock(b) => ExprKind::Block(self.block(&b.block)),
            E::Const(b) => ExprKind::Block(self.block(&b.block)),
            E::If(i) => ExprKind::If {
                cond: self.boxed(&i.cond),
                then: Box::new(self.block(&i.then_branch)),
                otherwise: i.else_branch.as_ref().map(|(_, e)| self.boxed(e)),
            },
            E::Let(l) => ExprKind::Let {
                pat: Box::new(self.pat(&l.pat)),
                expr: self.boxed(&l.expr),
            },
            E::Match(m) => ExprKind::Match {
                scrutinee: self.boxed(&m.expr),
                arms: m
                    .arms
                    .iter()
                    .map(|arm| Arm {
                        pat: self.pat(&arm.pat),
                        guard: arm.guard.as_ref().map(|(_, g)| self.expr(g)),
                        body: self.expr(&arm.body),
                    })
                    .collect(),
            },
            E::Loop(l) => ExprKind::Loop(self.block(&l.body)),
            E::While(w) => ExprKind::While {
                cond: self.boxed(&w.cond),
                body: Box::new(self.block(&w.body)),
            },
            E::ForLoop(f) => ExprKind::For {
                pat: Box::new(self.pat(&f.pat)),
                iter: self.boxed(&f.expr),
                body: Box::new(self.block(&f.body)),
            },
            E::Return(r) => ExprKind::Return(r.expr.as_ref().map(|e| self.boxed(e))),
            E::Break(b) => ExprKind::Break(b.expr.as_ref().map(|e| self.boxed(e))),
            E::Continue(_) => ExprKind::Continue,
            E::Try(t) => ExprKind::Try(self.boxed(&t.expr)),
            E::Await(a) => ExprKind::Transparent(self.boxed(&a.base)),
            E::Reference(r) => ExprKind::Transparent(self.boxed(&r.expr)),
            E::Paren(p) => ExprKind::Transparent(self.boxed(&p.expr)),
            E::Group(g) => ExprKind::Transparent(self.boxed(&g.expr)),
            E::Cast(c) => ExprKind::Transparent(self.boxed(&c.expr)),
            E::Index(i) => ExprKind::Index(self.boxed(&i.expr), self.boxed(&i.index)),
            E::Range(r) => ExprKind::Compare(
                r.start
                    .iter()
                    .chain(r.end.iter())
                    .map(|e| self.expr(e))
                    .collect(),
            ),
            _ => ExprKind::Lit,
        };
        Expr { kind, span }
    }

    /// A macro call, its arguments parsed from its tokens with the render each placeholder gives them.
    pub fn mac(&self, mac: &syn::Macro) -> Expr {
        let path = path_segments(&mac.path);
        let name = path.last().map(String::as_str).unwrap_or_default();
        let start = mac
            .path
            .segments
            .first()
            .map_or_else(|| mac.path.span(), |s| s.ident.span());
        let whole = self.span_between(start, mac.delimiter.span().close());
        if name == "vec" {
            let parts = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated
                .parse2(mac.tokens.clone())
                .map(|list| self.exprs(&list))
                .or_else(|_| {
                    let tokens = &mac.tokens;
                    syn::parse2::<syn::ExprRepeat>(quote::quote!([#tokens]))
                        .map(|r| vec![self.expr(&r.expr)])
                })
                .unwrap_or_default();
            return Expr {
                kind: ExprKind::Aggregate(parts),
                span: whole,
            };
        }
        // `query_as!(User, "SELECT ..", id)`: the row type names the result and is no argument.
        if matches!(name, "query_as" | "query_as_unchecked") {
            let mut tokens = mac.tokens.clone().into_iter();
            let mut row = proc_macro2::TokenStream::new();
            for token in tokens.by_ref() {
                if matches!(&token, proc_macro2::TokenTree::Punct(p) if p.as_char() == ',') {
                    break;
                }
                row.extend([token]);
            }
            if let Ok(ty) = syn::parse2::<syn::Type>(row) {
                // The rest starts with the SQL string, so this lowers as a plain query.
                let query = self.mac(&syn::Macro {
                    tokens: tokens.collect(),
                    ..mac.clone()
                });
                return Expr {
                    kind: ExprKind::Typed(Box::new(query), Box::new(lower_type(&ty)), false),
                    span: whole,
                };
            }
        }
        if name == "dbg" {
            let parts = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated
                .parse2(mac.tokens.clone());
            let args = parts
                .map(|list| {
                    list.iter()
                        .map(|e| MacroArg {
                            expr: self.expr(e),
                            render: Render::Debug,
                        })
                        .collect()
                })
                .unwrap_or_default();
            return Expr {
                kind: ExprKind::Macro(Box::new(MacroCall {
                    path,
                    target: None,
                    reads: Vec::new(),
                    args,
                })),
                span: whole,
            };
        }
        let (leading, is_destination) = leading_of(name);
        let Ok(parsed) = parse_macro(mac.tokens.clone(), leading) else {
            let args = super::macros::loose_expressions(mac.tokens.clone())
                .iter()
                .map(|e| MacroArg {
                    expr: self.expr(e),
                    render: Render::Value,
                })
                .collect();
            return Expr {
                kind: ExprKind::Macro(Box::new(MacroCall {
                    path,
                    target: None,
                    reads: Vec::new(),
                    args,
                })),
                span: whole,
            };
        };
        let leading: Vec<Expr> = self.exprs(&parsed.leading);
        let (target, mut reads, mut args) = match (is_destination, name) {
            (true, _) => (leading.into_iter().next(), Vec::new(), Vec::new()),
            (false, "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne") => (
                None,
                Vec::new(),
                leading
                    .into_iter()
                    .map(|expr| MacroArg {
                        expr,
                        render: Render::Debug,
                    })
                    .collect(),
            ),
            _ => (None, leading, Vec::new()),
        };
        args.extend(parsed.fields.iter().map(|(render, e)| MacroArg {
            expr: self.expr(e),
            render: *render,
        }));
        // `sqlx::query!("SELECT .. WHERE email = $1", email)`: lookup keys are read, not stored.
        let lookups = match (&parsed.format, name) {
            (Some(format), "query" | "query_as" | "query_scalar" | "query_unchecked") => {
                Some(lookups_from(&format.value()))
            }
            _ => None,
        };
        match (&parsed.format, lookups) {
            (_, Some(lookups_from)) => {
                for (i, e) in parsed.positional.iter().enumerate() {
                    let expr = self.expr(e);
                    if lookups_from.is_some_and(|from| i as u16 + 1 >= from) {
                        reads.push(expr);
                    } else {
                        args.push(MacroArg {
                            expr,
                            render: Render::Value,
                        });
                    }
                }
            }
            (Some(format), None) => {
                let positional = self.exprs(&parsed.positional);
                let named = parsed
                    .named
                    .iter()
                    .map(|(n, e)| (n.clone(), self.expr(e)))
                    .collect();
                args.extend(format_arguments(
                    &format.value(),
                    self.span(format.span()),
                    positional,
                    named,
                ));
            }
            (None, None) => reads.extend(self.exprs(&parsed.positional)),
        }
        Expr {
            kind: ExprKind::Macro(Box::new(MacroCall {
                path,
                target,
                reads,
                args,
            })),
            span: whole,
        }
    }

    /// `#[tracing::instrument(...)]` / `#[instrument(...)]` among a function's attributes.
    pub fn instrument(&self, attrs: &[syn::Attribute]) -> Option<Instrument> {
        let attr = attrs.iter().find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "instrument")
        })?;
        let mut found = Instrument {
            span: self.span(attr.span()),
            skip_all: false,
            skip: Vec::new(),
            fields: Vec::new(),
            ret: None,
            err: None,
        };
        let _ = attr.parse_nested_meta(|meta| {
            let rendered = |meta: &syn::meta::ParseNestedMeta, default: Render| {
                let mut render = default;
                if meta.input.peek(syn::token::Paren) {
                    let _ = meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("Debug") {
                            render = Render::Debug;
                        } else if inner.path.is_ident("Display") {
                            render = Render::Display;
                        }
                        Ok(())
                    });
                }
                render
            };
            if meta.path.is_ident("ret") {
                found.ret = Some(rendered(&meta, Render::Debug));
            } else if meta.path.is_ident("err") {
                found.err = Some(rendered(&meta, Render::Display));
            } else if meta.path.is_ident("skip_all") {
                found.skip_all = true;
            } else if meta.path.is_ident("skip") {
                meta.parse_nested_meta(|inner| {
                    if let Some(ident) = inner.path.get_ident() {
                        found.skip.push(ident.to_string());
                    }
                    Ok(())
                })?;
            } else if meta.path.is_ident("fields") {
                let content;
                syn::parenthesized!(content in meta.input);
                let tokens: proc_macro2::TokenStream = content.parse()?;
                if let Ok(parsed) = parse_macro(tokens, 0) {
                    found
                        .fields
                        .extend(parsed.fields.iter().map(|(render, e)| MacroArg {
                            expr: self.expr(e),
                            render: *render,
                        }));
                }
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
            }
            Ok(())
        });
        Some(found)
    }
}

use syn::parse::Parser;

/// Where an expression starts, found along its left edge only (`Spanned::span` would re-tokenize it).
fn left_start(expr: &syn::Expr) -> Option<proc_macro2::Span> {
    match expr {
        syn::Expr::Path(p) => p.path.segments.first().map(|s| s.ident.span()),
        syn::Expr::Field(f) => left_start(&f.base),
        syn::Expr::MethodCall(m) => left_start(&m.receiver),
        syn::Expr::Call(c) => left_start(&c.func),
        syn::Expr::Index(i) => left_start(&i.expr),
        syn::Expr::Try(t) => left_start(&t.expr),
        syn::Expr::Await(a) => left_start(&a.base),
        syn::Expr::Paren(p) => Some(p.paren_token.span.open()),
        syn::Expr::Reference(r) => Some(r.and_token.span),
        syn::Expr::Unary(u) => Some(u.op.span()),
        _ => None,
    }
}

pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(name) => name.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

/// What a string literal says as SQL, when it is a statement that deletes, or binds lookup keys.
pub fn sql_text(sql: &str) -> Option<SqlText> {
    let text = SqlText {
        deleted_table: deleted_table(sql),
        lookups_from: lookups_from(sql),
    };
    (text.deleted_table.is_some() || text.lookups_from.is_some()).then_some(text)
}

/// The first placeholder (1-based) from which values bound are lookup keys: every one of a `SELECT` or
/// `DELETE`, those after the `WHERE` of an `UPDATE`; none for anything else (an `INSERT` stores them all).
fn lookups_from(sql: &str) -> Option<u16> {
    let lower = sql.trim_start().to_ascii_lowercase();
    let first = lower.split_whitespace().next()?;
    match first {
        "select" | "delete" | "with" => Some(1),
        "update" => {
            let clause = lower.find(" where ")?;
            let before = &lower[..clause];
            let numbered = lower[clause..]
                .split('$')
                .skip(1)
                .filter_map(|rest| {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    digits.parse::<u16>().ok()
                })
                .min();
            numbered.or_else(|| Some(before.matches('?').count() as u16 + 1))
        }
        _ => None,
    }
}

/// The table a SQL statement deletes from (`DELETE FROM public."Customers" WHERE ..` -> `customers`).
fn deleted_table(sql: &str) -> Option<Box<str>> {
    let lower = sql.to_ascii_lowercase();
    let at = lower.find("delete from")?;
    let rest = lower[at + "delete from".len()..].trim_start();
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '`'))
        .filter(|c| !matches!(c, '"' | '`'))
        .collect();
    let table = name.rsplit('.').next()?.to_string();
    (!table.is_empty()).then(|| table.into_boxed_str())
}

/// The type a turbofish names for a call's result: its last type argument that is not `_`; and whether
/// it is the turbofish's only type argument.
fn turbofish_type(args: &syn::AngleBracketedGenericArguments) -> Option<(TypeRef, bool)> {
    let types = || {
        args.args
            .iter()
            .filter(|arg| matches!(arg, syn::GenericArgument::Type(_)))
    };
    let sole = types().count() == 1;
    types().rev().find_map(|arg| match arg {
        syn::GenericArgument::Type(syn::Type::Infer(_)) => None,
        syn::GenericArgument::Type(ty) => Some((lower_type(ty), sole)),
        _ => None,
    })
}

/// A call wrapped with the type its turbofish names, if it names one.
fn typed(call: ExprKind, named: Option<(TypeRef, bool)>, span: Span) -> ExprKind {
    match named {
        Some((ty, sole)) => {
            ExprKind::Typed(Box::new(Expr { kind: call, span }), Box::new(ty), sole)
        }
        None => call,
    }
}
