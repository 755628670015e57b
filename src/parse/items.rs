//! Lowering syn items into the summary's `Item`s.

use super::attrs::{self, AttrReader};
use super::flow_ir::Encoded;
use super::model::*;
use crate::diagnostic::Span;
use proc_macro2::Span as SynSpan;
use syn::spanned::Spanned;

pub struct Lowerer<'a> {
    pub reader: AttrReader<'a>,
    pub include_tests: bool,
    /// Limits that cut a function's analysis (said in the run's notes).
    pub limits: std::cell::RefCell<Vec<String>>,
}

impl Lowerer<'_> {
    fn span(&self, span: SynSpan) -> Span {
        self.reader
            .at
            .unwrap_or_else(|| Span::from_syn(self.reader.file, span))
    }

    /// From the first outer attribute (or `start`) to `end`.
    fn extent(&self, attrs: &[syn::Attribute], start: SynSpan, end: SynSpan) -> Span {
        let first = attrs.first().map_or(start, |a| a.pound_token.span);
        (self.reader.at).unwrap_or_else(|| Span::from_syn_ends(self.reader.file, first, end))
    }

    pub fn items(&mut self, items: &[syn::Item]) -> Vec<Item> {
        compact(items.iter().filter_map(|item| self.item(item)).collect())
    }

    fn item(&mut self, item: &syn::Item) -> Option<Item> {
        let attrs = item_attrs(item);
        if !self.include_tests && attrs::is_cfg_test(attrs) {
            return None;
        }
        let (name, name_span, start, end, is_pub) = match item {
            syn::Item::Struct(s) => {
                let end = s
                    .semi_token
                    .map_or_else(|| fields_end(&s.fields), |t| t.span);
                (
                    s.ident.to_string(),
                    s.ident.span(),
                    s.struct_token.span,
                    end,
                    is_pub(&s.vis),
                )
            }
            syn::Item::Enum(e) => (
                e.ident.to_string(),
                e.ident.span(),
                e.enum_token.span,
                e.brace_token.span.close(),
                is_pub(&e.vis),
            ),
            syn::Item::Union(u) => (
                u.ident.to_string(),
                u.ident.span(),
                u.union_token.span,
                u.fields.brace_token.span.close(),
                is_pub(&u.vis),
            ),
            syn::Item::Fn(f) => (
                f.sig.ident.to_string(),
                f.sig.ident.span(),
                f.sig.fn_token.span,
                f.block.brace_token.span.close(),
                is_pub(&f.vis),
            ),
            syn::Item::Impl(i) => {
                let name = lower_type(&i.self_ty)
                    .last_name()
                    .unwrap_or("_")
                    .to_string();
                (
                    name,
                    i.self_ty.span(),
                    i.impl_token.span,
                    i.brace_token.span.close(),
                    false,
                )
            }
            syn::Item::Trait(t) => (
                t.ident.to_string(),
                t.ident.span(),
                t.trait_token.span,
                t.brace_token.span.close(),
                is_pub(&t.vis),
            ),
            syn::Item::Mod(m) => {
                let end = m.content.as_ref().map_or_else(
                    || m.semi.map_or(m.ident.span(), |s| s.span),
                    |(b, _)| b.span.close(),
                );
                (
                    m.ident.to_string(),
                    m.ident.span(),
                    m.mod_token.span,
                    end,
                    is_pub(&m.vis),
                )
            }
            syn::Item::Use(u) => (
                String::new(),
                u.use_token.span,
                u.use_token.span,
                u.semi_token.span,
                is_pub(&u.vis),
            ),
            syn::Item::Type(t) => (
                t.ident.to_string(),
                t.ident.span(),
                t.type_token.span,
                t.semi_token.span,
                is_pub(&t.vis),
            ),
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let ident = m.ident.as_ref()?;
                (
                    ident.to_string(),
                    ident.span(),
                    m.mac.path.span(),
                    m.mac.delimiter.span().close(),
                    true,
                )
            }
            // An invocation where items go: a workspace macro may make them (expanded by the index).
            syn::Item::Macro(m) => (
                m.mac.path.segments.last()?.ident.to_string(),
                m.mac.path.span(),
                m.mac.path.span(),
                m.mac.delimiter.span().close(),
                false,
            ),
            _ => return None,
        };
        let item_span = self.extent(attrs, start, end);
        let annotations = self.reader.annotations(attrs, item_span);
        let kind = match item {
            syn::Item::Struct(s) => {
                ItemKind::Struct(self.type_def(attrs, &s.generics, [(None, &s.fields)].into_iter()))
            }
            syn::Item::Enum(e) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|v| (Some(v.ident.to_string()), &v.fields));
                ItemKind::Enum(self.type_def(attrs, &e.generics, variants))
            }
            syn::Item::Union(u) => {
                let fields = syn::Fields::Named(u.fields.clone());
                ItemKind::Union(self.type_def(attrs, &u.generics, [(None, &fields)].into_iter()))
            }
            syn::Item::Fn(f) => ItemKind::Fn(self.fn_def(&f.sig, &f.attrs, Some(&f.block))),
            syn::Item::Impl(i) => ItemKind::Impl(ImplDef {
                self_ty: lower_type(&i.self_ty),
                trait_path: i.trait_.as_ref().map(|(_, path, _)| segments(path)),
                items: i
                    .items
                    .iter()
                    .filter_map(|item| self.impl_item(item))
                    .collect(),
            }),
            syn::Item::Trait(t) => ItemKind::Trait(TraitDef {
                items: t
                    .items
                    .iter()
                    .filter_map(|item| self.trait_item(item))
                    .collect(),
                supertraits: t
                    .supertraits
                    .iter()
                    .filter_map(|bound| match bound {
                        syn::TypeParamBound::Trait(b) => Some(segments(&b.path)),
                        _ => None,
                    })
                    .collect(),
            }),
            syn::Item::Mod(m) => ItemKind::Mod(ModDef {
                inline: m.content.as_ref().map(|(_, items)| self.items(items)),
                path_attr: attrs::path_attr(attrs),
            }),
            syn::Item::Use(u) => {
                let mut entries = Vec::new();
                flatten_use(&u.tree, &mut Vec::new(), is_pub, &mut entries);
                ItemKind::Use(entries)
            }
            syn::Item::Type(t) => ItemKind::TypeAlias(lower_type(&t.ty), type_params(&t.generics)),
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let mut invoked = Vec::new();
                invoked_macros(m.mac.tokens.clone(), &mut invoked);
                let rules = super::macro_rules::rules_of(m.mac.tokens.clone());
                ItemKind::MacroRules { invoked, rules }
            }
            syn::Item::Macro(m) => ItemKind::MacroCall(m.mac.tokens.to_string()),
            _ => ItemKind::Other,
        };
        Some(Item {
            name,
            name_span: self.span(name_span),
            item_span,
            is_pub,
            annotations,
            kind,
        })
    }

    fn impl_item(&mut self, item: &syn::ImplItem) -> Option<Item> {
        let syn::ImplItem::Fn(f) = item else {
            return None;
        };
        if !self.include_tests && attrs::is_cfg_test(&f.attrs) {
            return None;
        }
        Some(self.method(
            &f.attrs,
            &f.sig,
            Some(&f.block),
            f.block.brace_token.span.close(),
            is_pub(&f.vis),
        ))
    }

    fn trait_item(&mut self, item: &syn::TraitItem) -> Option<Item> {
        let syn::TraitItem::Fn(f) = item else {
            return None;
        };
        let end = f
            .default
            .as_ref()
            .map_or_else(|| f.sig.span(), |b| b.brace_token.span.close());
        Some(self.method(&f.attrs, &f.sig, f.default.as_ref(), end, true))
    }

    fn method(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: Option<&syn::Block>,
        end: SynSpan,
        is_pub: bool,
    ) -> Item {
        let item_span = self.extent(attrs, sig.fn_token.span, end);
        let annotations = self.reader.annotations(attrs, item_span);
        Item {
            name: sig.ident.to_string(),
            name_span: self.span(sig.ident.span()),
            item_span,
            is_pub,
            annotations,
            kind: ItemKind::Fn(self.fn_def(sig, attrs, block)),
        }
    }

    fn fn_def(
        &self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        block: Option<&syn::Block>,
    ) -> FnDef {
        let lowerer = super::lower_body::BodyLowerer {
            depth: std::cell::Cell::new(0),
            file: self.reader.file,
            cut: std::cell::Cell::new(None),
            at: self.reader.at,
        };
        let bounds = generic_bounds(&sig.generics);
        let mut params = Vec::new();
        let mut has_self = false;
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => has_self = true,
                syn::FnArg::Typed(typed) => params.push(Param {
                    name: match &*typed.pat {
                        syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                        _ => None,
                    },
                    ty: with_bounds(lower_type(&typed.ty), &bounds),
                    pat: lowerer.pat(&typed.pat),
                    span: self.span(typed.pat.span()),
                }),
            }
        }
        let output = match &sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some(with_bounds(lower_type(ty), &bounds)),
        };
        let body = block.map(|b| lowerer.block(b));
        let def = FnDef {
            has_self,
            param_count: params.len() as u32,
            is_async: sig.asyncness.is_some(),
            lowered: Encoded::encode(
                &LoweredFn {
                    params,
                    output,
                    returns_type_param: returns_type_param(sig),
                    calls: body.as_ref().map(WrittenCall::in_body).unwrap_or_default(),
                    body,
                    instrument: lowerer.instrument(attrs),
                },
                self.reader.file,
            ),
        };
        if let Some(line) = lowerer.cut.get() {
            self.limits.borrow_mut().push(format!(
                "fn `{}`: an expression nested more than {} levels deep at line {line}: the data inside \
                 it is not followed",
                sig.ident,
                super::lower_body::MAX_NESTING
            ));
        }
        def
    }

    fn type_def<'f>(
        &mut self,
        attrs: &[syn::Attribute],
        generics: &syn::Generics,
        field_groups: impl Iterator<Item = (Option<String>, &'f syn::Fields)>,
    ) -> TypeDef {
        let params = type_params(generics);
        let derives = attrs::derives(attrs);
        let derives_pii_helper = derives.iter().any(|d| d == "Pii" || d == "RedactedDebug");
        let pii = if derives_pii_helper {
            self.reader.pii(attrs)
        } else {
            None
        };
        let mut fields = Vec::new();
        for (variant, group) in field_groups {
            for (index, field) in group.iter().enumerate() {
                if !self.include_tests && attrs::is_cfg_test(&field.attrs) {
                    continue;
                }
                fields.push(FieldDef {
                    name: field.ident.as_ref().map(|i| i.to_string()),
                    index,
                    variant: variant.clone(),
                    span: self.span(
                        field
                            .ident
                            .as_ref()
                            .map_or_else(|| field.ty.span(), |i| i.span()),
                    ),
                    ty: lower_type(&field.ty),
                    pii: if derives_pii_helper {
                        self.reader.pii(&field.attrs)
                    } else {
                        None
                    },
                    serde_skip: attrs::serde_skips(&field.attrs),
                    type_param: match &field.ty {
                        syn::Type::Path(p) if p.qself.is_none() => p
                            .path
                            .get_ident()
                            .and_then(|name| params.iter().position(|t| name == t))
                            .map(|i| i as u16),
                        _ => None,
                    },
                });
            }
        }
        TypeDef {
            derives,
            derives_pii_helper,
            pii,
            fields: compact(fields),
        }
    }
}

fn fields_end(fields: &syn::Fields) -> SynSpan {
    match fields {
        syn::Fields::Named(named) => named.brace_token.span.close(),
        syn::Fields::Unnamed(unnamed) => unnamed.paren_token.span.close(),
        syn::Fields::Unit => SynSpan::call_site(),
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        _ => &[],
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    !matches!(vis, syn::Visibility::Inherited)
}

fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

pub fn lower_type(ty: &syn::Type) -> TypeRef {
    match ty {
        syn::Type::Path(p) => {
            let args = p
                .path
                .segments
                .last()
                .map_or_else(Vec::new, |last| match &last.arguments {
                    syn::PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::GenericArgument::Type(t) => Some(lower_type(t)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                });
            TypeRef::Path {
                segments: segments(&p.path),
                args,
            }
        }
        syn::Type::Reference(r) => TypeRef::Ref(Box::new(lower_type(&r.elem))),
        syn::Type::Ptr(p) => TypeRef::Ref(Box::new(lower_type(&p.elem))),
        syn::Type::Slice(s) => TypeRef::Slice(Box::new(lower_type(&s.elem))),
        syn::Type::Array(a) => TypeRef::Array(Box::new(lower_type(&a.elem))),
        syn::Type::Tuple(t) => TypeRef::Tuple(t.elems.iter().map(lower_type).collect()),
        syn::Type::Paren(p) => lower_type(&p.elem),
        syn::Type::Group(g) => lower_type(&g.elem),
        syn::Type::TraitObject(t) => bounded(t.bounds.iter()),
        syn::Type::ImplTrait(t) => bounded(t.bounds.iter()),
        _ => TypeRef::Other,
    }
}

/// A value known only by the traits it implements (`dyn StorageInterface + Send`).
fn bounded<'a>(bounds: impl Iterator<Item = &'a syn::TypeParamBound>) -> TypeRef {
    let traits: Vec<Vec<String>> = bounds
        .filter_map(|bound| match bound {
            syn::TypeParamBound::Trait(t) => Some(segments(&t.path)),
            _ => None,
        })
        .collect();
    if traits.is_empty() {
        TypeRef::Other
    } else {
        TypeRef::Dyn(traits)
    }
}

/// The trait bounds of a signature's type parameters, from `<S: A>` and `where S: A`.
/// The names of an item's type parameters, in order (lifetimes and constants left out, as in the type
/// arguments `TypeRef` keeps).
fn type_params(generics: &syn::Generics) -> Vec<String> {
    generics
        .type_params()
        .map(|t| t.ident.to_string())
        .collect()
}

/// Whether a signature's output is one of its type parameters, alone or as the first type argument of its
/// result type (`fn parse_value<T>(..) -> Result<T, E>`).
fn returns_type_param(sig: &syn::Signature) -> bool {
    let syn::ReturnType::Type(_, output) = &sig.output else {
        return false;
    };
    let is_param = |ty: &syn::Type| match ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .get_ident()
            .is_some_and(|name| sig.generics.type_params().any(|t| t.ident == *name)),
        _ => false,
    };
    let first_argument = match &**output {
        syn::Type::Path(p) => p.path.segments.last().and_then(|s| match &s.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        }),
        _ => None,
    };
    is_param(output) || first_argument.is_some_and(is_param)
}

fn generic_bounds(generics: &syn::Generics) -> Vec<(String, TypeRef)> {
    let mut found: Vec<(String, Vec<syn::TypeParamBound>)> = Vec::new();
    for param in generics.type_params() {
        found.push((
            param.ident.to_string(),
            param.bounds.iter().cloned().collect(),
        ));
    }
    for predicate in generics.where_clause.iter().flat_map(|w| &w.predicates) {
        let syn::WherePredicate::Type(p) = predicate else {
            continue;
        };
        let syn::Type::Path(path) = &p.bounded_ty else {
            continue;
        };
        let Some(name) = path.path.get_ident().map(|i| i.to_string()) else {
            continue;
        };
        match found.iter_mut().find(|(n, _)| *n == name) {
            Some((_, bounds)) => bounds.extend(p.bounds.iter().cloned()),
            None => found.push((name, p.bounds.iter().cloned().collect())),
        }
    }
    found
        .into_iter()
        .map(|(name, bounds)| (name, bounded(bounds.iter())))
        .filter(|(_, ty)| *ty != TypeRef::Other)
        .collect()
}

/// A written type with each bounded type parameter (`S`, `&S`, `Arc<S>`) replaced by its bounds.
fn with_bounds(ty: TypeRef, generics: &[(String, TypeRef)]) -> TypeRef {
    if generics.is_empty() {
        return ty;
    }
    match ty {
        TypeRef::Path { segments, args } => {
            if let ([name], true) = (segments.as_slice(), args.is_empty()) {
                if let Some((_, bounds)) = generics.iter().find(|(n, _)| n == name) {
                    return bounds.clone();
                }
            }
            let args = args.into_iter().map(|a| with_bounds(a, generics)).collect();
            TypeRef::Path { segments, args }
        }
        TypeRef::Ref(inner) => TypeRef::Ref(Box::new(with_bounds(*inner, generics))),
        TypeRef::Slice(inner) => TypeRef::Slice(Box::new(with_bounds(*inner, generics))),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(with_bounds(*inner, generics))),
        TypeRef::Tuple(items) => TypeRef::Tuple(
            items
                .into_iter()
                .map(|t| with_bounds(t, generics))
                .collect(),
        ),
        other => other,
    }
}

fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    is_pub: bool,
    out: &mut Vec<UseEntry>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, is_pub, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            // `use a::b::{self}` imports `b` itself.
            let (path, alias) = if name == "self" {
                (prefix.clone(), prefix.last().cloned())
            } else {
                (
                    [prefix.as_slice(), std::slice::from_ref(&name)].concat(),
                    Some(name),
                )
            };
            out.push(UseEntry {
                path,
                alias,
                is_pub,
            });
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let path = if name == "self" {
                prefix.clone()
            } else {
                [prefix.as_slice(), &[name]].concat()
            };
            out.push(UseEntry {
                path,
                alias: Some(r.rename.to_string()),
                is_pub,
            });
        }
        syn::UseTree::Glob(_) => out.push(UseEntry {
            path: prefix.clone(),
            alias: None,
            is_pub,
        }),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten_use(tree, prefix, is_pub, out);
            }
        }
    }
}

/// The paths of macro invocations in a token stream (`error!`, `log::error!`, `$crate::audit!`).
fn invoked_macros(tokens: proc_macro2::TokenStream, out: &mut Vec<Vec<String>>) {
    use proc_macro2::TokenTree;
    let mut path: Vec<String> = Vec::new();
    let mut after_colons = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if !after_colons {
                    path.clear();
                }
                path.push(ident.to_string());
                after_colons = false;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => after_colons = !path.is_empty(),
            TokenTree::Punct(p) if p.as_char() == '!' && !path.is_empty() => {
                out.push(std::mem::take(&mut path));
            }
            TokenTree::Punct(p) if p.as_char() == '$' => {}
            TokenTree::Group(group) => {
                path.clear();
                invoked_macros(group.stream(), out);
            }
            _ => path.clear(),
        }
    }
}
