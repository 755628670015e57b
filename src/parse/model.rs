//! The compact per-file summary that later stages read; the syn tree is dropped once it is built.

use super::flow_ir::Encoded;
use crate::diagnostic::Span;
use serde::{Deserialize, Serialize};

/// A vector without spare capacity: summaries live for the whole run, and a vector grown by `push` keeps
/// room for at least four elements, which for one-parameter functions is most of the memory they take.
pub fn compact<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

/// A name written in an annotation (a category, purpose, consent, lint) and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileSummary {
    pub items: Vec<Item>,
    /// Malformed `pii_lint` attributes and suppression comments.
    pub annotation_errors: Vec<AnnotationError>,
    pub suppressions: Vec<Suppression>,
    pub parse_error: Option<ParseError>,
    /// Limits of the tool that cut this file's analysis (SPEC 4.4): said in the run's notes.
    pub limits: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnnotationError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub name: String,
    /// The item's name (or, for an impl, its self type).
    pub name_span: Span,
    /// The whole item, attributes included: what an `allow` attribute on it covers.
    pub item_span: Span,
    pub is_pub: bool,
    pub annotations: Vec<Annotation>,
    pub kind: ItemKind,
}

impl Item {
    /// Its name, places, visibility and attributes, without what its kind holds (`Other`).
    pub fn clone_without_kind(&self) -> Item {
        Item {
            name: self.name.clone(),
            name_span: self.name_span,
            item_span: self.item_span,
            is_pub: self.is_pub,
            annotations: self.annotations.clone(),
            kind: ItemKind::Other,
        }
    }
}

/// A trait: its methods (with their default bodies, if any) and the traits it extends, as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TraitDef {
    pub items: Vec<Item>,
    pub supertraits: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ItemKind {
    Struct(TypeDef),
    Enum(TypeDef),
    Union(TypeDef),
    Fn(FnDef),
    Impl(ImplDef),
    Trait(TraitDef),
    Mod(ModDef),
    Use(Vec<UseEntry>),
    /// `type Name<A, B> = ..;`: the type it stands for and its type parameters' names.
    TypeAlias(TypeRef, Vec<String>),
    /// `macro_rules! name { .. }`: the paths of the macros its rules invoke (`error`, `log::warn`), so a
    /// local wrapper of a sink macro is a sink too, and its rules as (matcher, transcriber) text, so the
    /// items its invocations make are indexed (SPEC 4.4).
    MacroRules {
        invoked: Vec<Vec<String>>,
        rules: Vec<(String, String)>,
    },
    /// `name!(..)` where items go: the invocation's tokens, as text.
    MacroCall(String),
    Other,
}

/// A `pii_lint` attribute on an item, its arguments read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Annotation {
    Purpose(Named),
    ConsentCheck(Named),
    ConsentProof(Named),
    /// `recipient` is said only by `[[sinks]]` entries (the inventory's "to whom").
    Sink {
        kind: Named,
        purpose: Option<Named>,
        recipient: Option<String>,
    },
    Sanitizer,
    Encryptor,
    Erasure,
}

/// `#[pii(...)]` on a type or a field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PiiAttr {
    Declared(PiiDecl),
    /// Written but malformed: reported as `invalid-annotation`, and counts as declared for the other lints.
    Malformed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PiiDecl {
    pub category: Named,
    pub purposes: Vec<Named>,
    pub sensitive: bool,
    /// The `#[pii(...)]` attribute itself.
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TypeDef {
    pub derives: Vec<String>,
    /// Derives `Pii` or `RedactedDebug`, so `#[pii]` helpers are read.
    pub derives_pii_helper: bool,
    pub pii: Option<PiiAttr>,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDef {
    /// `None` for a tuple field (see `index`).
    pub name: Option<String>,
    pub index: usize,
    pub variant: Option<String>,
    /// The field's name, or its type for a tuple field.
    pub span: Span,
    pub ty: TypeRef,
    pub pii: Option<PiiAttr>,
    pub serde_skip: bool,
    /// The field's type is the type's type parameter with this index (`response: R` in
    /// `ResponseData<F, R>`: 1).
    pub type_param: Option<u16>,
}

impl FieldDef {
    /// `phone`, `0`, or `Variant.phone` for enum variant fields.
    pub fn display_name(&self) -> String {
        let own = self.name.clone().unwrap_or_else(|| self.index.to_string());
        match &self.variant {
            Some(variant) => format!("{variant}.{own}"),
            None => own,
        }
    }
}

/// A type as written, reduced to what the analysis asks of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TypeRef {
    /// `a::b::Name<Args>`; `segments` holds the path, `args` the generic type arguments of the last segment.
    Path {
        segments: Vec<String>,
        args: Vec<TypeRef>,
    },
    Ref(Box<TypeRef>),
    Slice(Box<TypeRef>),
    Array(Box<TypeRef>),
    Tuple(Vec<TypeRef>),
    /// `dyn A + B`, `impl A`, or a generic parameter bounded by traits (`S: A`): the bounds' paths as
    /// written.
    Dyn(Vec<Vec<String>>),
    /// Function pointers, macros, `_`, unbounded generics seen as paths.
    Other,
}

impl TypeRef {
    pub fn last_name(&self) -> Option<&str> {
        match self {
            TypeRef::Path { segments, .. } => segments.last().map(String::as_str),
            TypeRef::Ref(inner) => inner.last_name(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FnDef {
    pub has_self: bool,
    /// Parameters other than `self`.
    pub param_count: u32,
    pub is_async: bool,
    /// What only the flow analysis reads, kept encoded until it does.
    pub lowered: Encoded<LoweredFn>,
}

/// A function's signature and body in flow form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoweredFn {
    pub params: Vec<Param>,
    pub output: Option<TypeRef>,
    /// The written output is one of the function's type parameters, alone or as the first type argument
    /// of its result (`-> T`, `-> Result<T, E>`, `-> Option<T>`).
    pub returns_type_param: bool,
    /// The calls its body writes (`WrittenCall::in_body`), kept encoded: the flow's prescan reads them
    /// without decoding the body, and decoding the body copies them without reading them.
    pub calls: super::flow_ir::ByteString,
    /// `None` for a trait method without a default body.
    pub body: Option<super::flow_ir::Block>,
    pub instrument: Option<super::flow_ir::Instrument>,
}

/// The first fields of `LoweredFn`, in its order: its signature, decoded without the body
/// (`Encoded::decode_leading`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoweredSignature {
    pub params: Vec<Param>,
    pub output: Option<TypeRef>,
    pub returns_type_param: bool,
}

impl super::flow_ir::Outlined for LoweredFn {
    type Outline = LoweredSignature;
}

/// The first fields of `LoweredFn`, in its order: its signature and the calls its body writes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoweredCalls {
    pub params: Vec<Param>,
    pub output: Option<TypeRef>,
    pub returns_type_param: bool,
    pub calls: super::flow_ir::ByteString,
}

impl super::flow_ir::Encoded<LoweredFn> {
    pub fn signature(&self) -> LoweredSignature {
        self.decode_leading()
    }

    /// The calls the body writes, decoded without the body.
    pub fn calls(&self) -> Vec<WrittenCall> {
        let written = self.decode_leading::<LoweredCalls>().calls;
        postcard::from_bytes(&written.0).unwrap_or_default()
    }
}

/// A call a body writes: `path(..)`, or `receiver.method(..)` (`on_self` when the receiver is `self`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WrittenCall {
    Path(Vec<String>),
    Method { name: Box<str>, on_self: bool },
}

/// A `WrittenCall` borrowed from the body it is in: written as the call is (the same variants, in the
/// same order, of the same data), and ordered the same.
#[derive(PartialEq, Eq, PartialOrd, Ord, Serialize)]
enum WrittenCallIn<'a> {
    Path(&'a [String]),
    Method { name: &'a str, on_self: bool },
}

impl WrittenCall {
    /// Every call in `body`, nested ones included, each once, encoded for `Encoded::calls`.
    pub fn in_body(body: &super::flow_ir::Block) -> super::flow_ir::ByteString {
        use super::flow_ir::ExprKind;
        use super::ir_walk::{block_children, children, Child};
        // Borrowed until written: a body's calls are sorted and most of them repeat.
        let mut calls: Vec<WrittenCallIn> = Vec::new();
        let mut stack: Vec<Child> = Vec::new();
        block_children(body, &mut |child| stack.push(child));
        while let Some(child) = stack.pop() {
            match child {
                Child::Expr(expr) => {
                    match &expr.kind {
                        ExprKind::Call { func, .. } => {
                            if let ExprKind::Path(segments) = &func.kind {
                                calls.push(WrittenCallIn::Path(segments));
                            }
                        }
                        ExprKind::MethodCall {
                            receiver, method, ..
                        } => calls.push(WrittenCallIn::Method {
                            name: method,
                            on_self: matches!(&receiver.kind, ExprKind::Path(p) if p.len() == 1 && p[0] == "self"),
                        }),
                        _ => {}
                    }
                    children(expr, &mut |c| stack.push(c));
                }
                Child::Block(block) => block_children(block, &mut |c| stack.push(c)),
            }
        }
        calls.sort_unstable();
        calls.dedup();
        // Plain data into a growing buffer: encoding cannot fail.
        super::flow_ir::ByteString(super::flow_ir::encode_exact(&calls).unwrap_or_default())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// The binding name when the pattern is a plain identifier.
    pub name: Option<String>,
    pub pat: super::flow_ir::Pat,
    pub ty: TypeRef,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImplDef {
    pub self_ty: TypeRef,
    pub trait_path: Option<Vec<String>>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModDef {
    /// `Some` for `mod x { ... }`, `None` for `mod x;` whose items live in another file.
    pub inline: Option<Vec<Item>>,
    /// `#[path = "..."]`
    pub path_attr: Option<String>,
}

/// One name brought in by a `use` (a `use a::{b, c as d}` gives two).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseEntry {
    /// Leading `::` is dropped; `crate`, `self`, `super` are kept as segments.
    pub path: Vec<String>,
    /// The name it is known by here; `None` for a glob import.
    pub alias: Option<String>,
    pub is_pub: bool,
}

/// An `allow` attribute or a `// pii-lint: allow(...)` comment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppression {
    pub lints: Vec<Named>,
    pub reason: Option<String>,
    /// The attribute or comment, where a problem with the suppression itself is reported.
    pub span: Span,
    /// The lines it silences: the item for an attribute, the line (or the next one) for a comment.
    pub covers: Span,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::parse::flow_ir::{Block, Encoded, Pat};
    use crate::workspace::FileId;

    #[test]
    fn the_calls_a_body_writes_are_read_without_the_body() {
        let text = "fn f(&self, c: &C) {\n    let n = crate::db::load(c.id);\n    if self.check(n) {\n        println!(\"{}\", c.name.trim());\n    }\n    helper(|x| x.save());\n}\n";
        let summary = crate::parse::parse_file(
            FileId(0),
            text,
            &crate::parse::ParseOptions {
                include_tests: false,
            },
        );
        let ItemKind::Fn(def) = &summary.items[0].kind else {
            panic!("a function: {:?}", summary.items);
        };
        let path = |p: &[&str]| WrittenCall::Path(p.iter().map(|s| s.to_string()).collect());
        let method = |name: &str, on_self| WrittenCall::Method {
            name: name.into(),
            on_self,
        };
        assert_eq!(
            def.lowered.calls(),
            vec![
                path(&["crate", "db", "load"]),
                path(&["helper"]),
                method("check", true),
                method("save", false),
                method("trim", false),
            ]
        );
    }

    #[test]
    fn the_signature_is_read_without_the_body() {
        let file = FileId(3);
        let ty = |name: &str| TypeRef::Path {
            segments: vec![name.to_string()],
            args: Vec::new(),
        };
        let lowered = LoweredFn {
            params: vec![Param {
                name: Some("item".to_string()),
                pat: Pat::Bind {
                    name: "item".to_string(),
                    span: Span::line(file, 2),
                    sub: None,
                },
                ty: ty("Response"),
                span: Span::line(file, 2),
            }],
            output: Some(ty("Payment")),
            returns_type_param: true,
            calls: Default::default(),
            body: Some(Block::default()),
            instrument: None,
        };
        let encoded = Encoded::encode(&lowered, file);
        let signature = encoded.signature();
        assert_eq!(signature.params.len(), 1);
        assert_eq!(signature.params[0].name.as_deref(), Some("item"));
        assert_eq!(signature.params[0].span, Span::line(file, 2));
        assert_eq!(
            signature
                .output
                .and_then(|o| o.last_name().map(String::from)),
            Some("Payment".to_string())
        );
    }
}
