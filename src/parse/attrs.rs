//! Recognising `pii_lint` attributes (SPEC 2: by path `pii_lint::NAME`, or bare when imported from
//! `pii_lint` in this file) and reading their arguments with the grammar the proc macros use.

#[path = "../../annotations/src/args.rs"]
#[allow(dead_code)]
mod args;

use super::model::{Annotation, AnnotationError, Named, PiiAttr, PiiDecl, Suppression};
use crate::diagnostic::Span;
use crate::workspace::FileId;
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::visit::Visit;

const ATTRIBUTE_NAMES: &[&str] = &[
    "purpose",
    "consent_check",
    "consent_proof",
    "sink",
    "sanitizer",
    "encryptor",
    "erasure",
    "allow",
];

/// What the file imports from `pii_lint`: local names of attributes, and aliases of the crate itself.
#[derive(Debug, Default)]
pub struct PiiImports {
    names: HashMap<String, String>,
    crate_aliases: Vec<String>,
    glob: bool,
}

impl PiiImports {
    pub fn of_file(file: &syn::File) -> PiiImports {
        let mut imports = PiiImports::none();
        imports.visit_file(file);
        imports
    }

    /// No imports yet: only `pii_lint::name` paths are recognised.
    pub fn none() -> PiiImports {
        PiiImports {
            crate_aliases: vec!["pii_lint".to_string()],
            ..Default::default()
        }
    }

    /// Adds the imports of one run of a file's items.
    pub fn add(&mut self, part: &syn::File) {
        self.visit_file(part);
    }

    /// The `pii_lint` attribute a path names, if any.
    fn recognise(&self, path: &syn::Path) -> Option<&'static str> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let local = match segments.as_slice() {
            [krate, name] if self.crate_aliases.contains(krate) => return attribute_name(name),
            [name] => name,
            _ => return None,
        };
        if let Some(original) = self.names.get(local) {
            return attribute_name(original);
        }
        if self.glob {
            return attribute_name(local);
        }
        None
    }

    fn add_use_tree(&mut self, tree: &syn::UseTree, inside_pii_lint: bool) {
        match tree {
            syn::UseTree::Path(p) if !inside_pii_lint && p.ident == "pii_lint" => {
                self.add_use_tree(&p.tree, true)
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.add_use_tree(tree, inside_pii_lint);
                }
            }
            syn::UseTree::Name(name) if inside_pii_lint => {
                self.names
                    .insert(name.ident.to_string(), name.ident.to_string());
            }
            syn::UseTree::Rename(rename) if inside_pii_lint => {
                self.names
                    .insert(rename.rename.to_string(), rename.ident.to_string());
            }
            syn::UseTree::Rename(rename) if rename.ident == "pii_lint" => {
                self.crate_aliases.push(rename.rename.to_string());
            }
            syn::UseTree::Glob(_) if inside_pii_lint => self.glob = true,
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for PiiImports {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.add_use_tree(&item.tree, false);
    }
}

fn attribute_name(name: &str) -> Option<&'static str> {
    ATTRIBUTE_NAMES.iter().copied().find(|known| *known == name)
}

/// Reads attributes of one item, collecting errors and suppressions into the file's summary.
pub struct AttrReader<'a> {
    pub file: FileId,
    /// For items a macro generated: every span is the invocation's (the expansion has no place of its own).
    pub at: Option<Span>,
    pub imports: &'a PiiImports,
    pub errors: &'a mut Vec<AnnotationError>,
    pub suppressions: &'a mut Vec<Suppression>,
}

impl AttrReader<'_> {
    fn span(&self, span: proc_macro2::Span) -> Span {
        self.at.unwrap_or_else(|| Span::from_syn(self.file, span))
    }

    fn named(&self, s: args::Str) -> Named {
        Named {
            value: s.value,
            span: self.span(s.span),
        }
    }

    fn error(&mut self, attr: &syn::Attribute, error: syn::Error) {
        let message = format!(
            "malformed `{}` attribute: {}",
            path_text(attr.path()),
            error
        );
        self.errors.push(AnnotationError {
            span: self.span(attr.span()),
            message,
        });
    }

    /// The `pii_lint` annotations among `attrs`; `allow` ones become suppressions covering `item_span`.
    pub fn annotations(&mut self, attrs: &[syn::Attribute], item_span: Span) -> Vec<Annotation> {
        let mut found = Vec::new();
        for attr in attrs {
            let Some(name) = self.imports.recognise(attr.path()) else {
                continue;
            };
            let tokens = attr_tokens(attr);
            let whole = attr.span();
            let read = match name {
                "purpose" | "consent_check" | "consent_proof" => {
                    args::parse_single_name(tokens, whole, name, "marketing").map(|s| {
                        let named = self.named(s);
                        Some(match name {
                            "purpose" => Annotation::Purpose(named),
                            "consent_check" => Annotation::ConsentCheck(named),
                            _ => Annotation::ConsentProof(named),
                        })
                    })
                }
                "sink" => args::parse_sink(tokens, whole).map(|sink| {
                    Some(Annotation::Sink {
                        kind: self.named(sink.kind),
                        purpose: sink.purpose.map(|p| self.named(p)),
                        recipient: None,
                    })
                }),
                "sanitizer" => {
                    args::parse_no_args(tokens, name).map(|()| Some(Annotation::Sanitizer))
                }
                "encryptor" => {
                    args::parse_no_args(tokens, name).map(|()| Some(Annotation::Encryptor))
                }
                "erasure" => args::parse_no_args(tokens, name).map(|()| Some(Annotation::Erasure)),
                _ => args::parse_allow(tokens, whole).map(|allow| {
                    let suppression = Suppression {
                        lints: allow.lints.into_iter().map(|l| self.named(l)).collect(),
                        reason: allow.reason.map(|r| r.value),
                        span: self.span(whole),
                        covers: item_span,
                    };
                    self.suppressions.push(suppression);
                    None
                }),
            };
            match read {
                Ok(Some(annotation)) => found.push(annotation),
                Ok(None) => {}
                Err(error) => self.error(attr, error),
            }
        }
        super::model::compact(found)
    }

    /// The `#[pii(...)]` helper among `attrs` (only meaningful on types deriving `Pii`/`RedactedDebug`).
    pub fn pii(&mut self, attrs: &[syn::Attribute]) -> Option<PiiAttr> {
        let mut found = None;
        for attr in attrs.iter().filter(|a| a.path().is_ident("pii")) {
            if found.is_some() {
                let error =
                    syn::Error::new(attr.span(), "a second `#[pii]`: declare everything in one");
                self.error(attr, error);
                continue;
            }
            found = Some(match args::parse_pii(attr_tokens(attr), attr.span()) {
                Ok(pii) => PiiAttr::Declared(PiiDecl {
                    category: self.named(pii.category.unwrap_or_else(|| args::Str {
                        value: String::new(),
                        span: attr.span(),
                    })),
                    purposes: pii.purposes.into_iter().map(|p| self.named(p)).collect(),
                    sensitive: pii.sensitive,
                    span: self.span(attr.span()),
                }),
                Err(error) => {
                    self.error(attr, error);
                    PiiAttr::Malformed
                }
            });
        }
        found
    }
}

/// The tokens inside the attribute's delimiters (`#[name(...)]`), empty for `#[name]`.
fn attr_tokens(attr: &syn::Attribute) -> proc_macro2::TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::Path(_) => proc_macro2::TokenStream::new(),
        syn::Meta::NameValue(nv) => {
            // The real `=` token, so an error about it points into the attribute.
            let (eq, value) = (&nv.eq_token, &nv.value);
            quote::quote!(#eq #value)
        }
    }
}

pub fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// The derive names on an item: `Pii`, `pii_lint::Pii` (as `Pii`), `Debug`, `serde::Serialize` (as `Serialize`).
pub fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let parsed = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        );
        if let Ok(paths) = parsed {
            names.extend(
                paths
                    .iter()
                    .filter_map(|p| p.segments.last())
                    .map(|s| s.ident.to_string()),
            );
        }
    }
    super::model::compact(names)
}

/// `#[serde(skip)]` or `#[serde(skip_serializing)]` (also `skip_serializing_if` does not count: it may serialize).
pub fn serde_skips(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|attr| {
            let mut skip = false;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                    skip = true;
                }
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            skip
        })
}

/// `#[cfg(test)]`, also inside `all(...)`: skipped unless tests are included.
pub fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .any(|attr| match &attr.meta {
            syn::Meta::List(list) => list
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| requires_test(&meta)),
            _ => false,
        })
}

fn requires_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(path) => path.is_ident("test"),
        syn::Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|metas| metas.iter().any(requires_test)),
        _ => false,
    }
}

/// `#[path = "..."]` on a `mod`.
pub fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("path"))
        .and_then(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
}
