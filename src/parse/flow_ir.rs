//! The flow form of a function body: just what the flow analysis follows (bindings, field reads, calls,
//! macros with their format arguments, control flow), with spans. Built from syn once, during lowering.

use super::model::TypeRef;
use crate::diagnostic::Span;
use crate::workspace::{relative_to, FileId};
use serde::{Deserialize, Serialize};

/// Lowered code kept as compact bytes from parse to flow, so the whole workspace's bodies fit in a few
/// times their source size; each evaluation decodes it, which costs far less than keeping the tree.
/// Spans inside are written relative to `file` (see `workspace::relative_to`), so the bytes are the same
/// wherever the file is in the list, and the on-disk cache can hand them to a later run as they are.
pub struct Encoded<T> {
    bytes: Box<[u8]>,
    file: FileId,
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T> Clone for Encoded<T> {
    fn clone(&self) -> Self {
        Encoded {
            bytes: self.bytes.clone(),
            file: self.file,
            kind: std::marker::PhantomData,
        }
    }
}

thread_local! {
    /// Where this thread writes an encoding before copying it out at its size.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `value` as postcard writes it, in a box of its size: written into this thread's scratch buffer (grown
/// until it fits, and kept up to `SCRATCH_KEPT`) and copied out once, instead of grown, copied and shrunk
/// for every body.
pub fn encode_exact<T: Serialize + ?Sized>(value: &T) -> Option<Box<[u8]>> {
    SCRATCH.with(|cell| {
        // An encoding made while writing another (none is today) gets a buffer of its own.
        let Ok(mut scratch) = cell.try_borrow_mut() else {
            return postcard::to_allocvec(value).ok().map(Vec::into_boxed_slice);
        };
        let encoded = encode_into(value, &mut scratch);
        // A buffer grown for an outsized body is not kept for the rest of the process.
        if scratch.len() > SCRATCH_KEPT {
            *scratch = Vec::new();
        }
        encoded
    })
}

/// The largest scratch buffer a thread keeps between encodings.
const SCRATCH_KEPT: usize = 1 << 20;

fn encode_into<T: Serialize + ?Sized>(value: &T, scratch: &mut Vec<u8>) -> Option<Box<[u8]>> {
    loop {
        if scratch.is_empty() {
            scratch.resize(1 << 12, 0);
        }
        match postcard::to_slice(value, scratch) {
            Ok(written) => return Some(Box::from(&*written)),
            Err(postcard::Error::SerializeBufferFull) => {
                let grown = scratch.len() * 2;
                scratch.resize(grown, 0);
            }
            Err(_) => return None,
        }
    }
}

/// Bytes written as one byte string (serde writes a `[u8]` element by element otherwise).
struct BytesOf<'a>(&'a [u8]);

impl Serialize for BytesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// The part of an encoded value the index and the flow's tables read (a function's signature, not its
/// body): what is written of it when places are left out (`parse::shape`).
pub trait Outlined: Serialize + serde::de::DeserializeOwned + Default {
    type Outline: Serialize + serde::de::DeserializeOwned + Default;
}

// Kept as the bytes they are (the on-disk cache stores summaries whole); without places, the outline.
impl<T: Outlined> Serialize for Encoded<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::diagnostic::places_left_out() {
            return self.decode_leading::<T::Outline>().serialize(serializer);
        }
        (self.file, BytesOf(&self.bytes)).serialize(serializer)
    }
}

/// Bytes read as one byte string: what `BytesOf` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteString(pub Box<[u8]>);

impl Serialize for ByteString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        BytesOf(&self.0).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> serde::de::Visitor<'de> for BytesVisitor {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
                Ok(bytes.into())
            }
        }
        deserializer.deserialize_bytes(BytesVisitor).map(ByteString)
    }
}

impl<'de, T> Deserialize<'de> for Encoded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (file, bytes): (FileId, ByteString) = Deserialize::deserialize(deserializer)?;
        Ok(Encoded {
            bytes: bytes.0,
            file,
            kind: std::marker::PhantomData,
        })
    }
}

impl<T> std::fmt::Debug for Encoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encoded({} bytes)", self.bytes.len())
    }
}

impl<T> Encoded<T> {
    /// The encoding: names in it are their bytes (what `flow::FlowMemo` searches for a changed name).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl<T: Serialize + serde::de::DeserializeOwned + Default> Encoded<T> {
    /// `value`, made of `file`.
    pub fn encode(value: &T, file: FileId) -> Encoded<T> {
        Encoded {
            // Encoding plain data into a growing buffer cannot fail.
            bytes: relative_to(file, || encode_exact(value)).unwrap_or_default(),
            file,
            kind: std::marker::PhantomData,
        }
    }

    pub fn decode(&self) -> T {
        // Only bytes `encode` wrote are ever decoded; the empty value is the safe reading of anything else.
        relative_to(self.file, || postcard::from_bytes(&self.bytes)).unwrap_or_default()
    }

    /// The leading fields only, as `P` (a struct whose fields are `T`'s first ones) reads them: the rest
    /// of the bytes is not decoded.
    pub fn decode_leading<P: serde::de::DeserializeOwned + Default>(&self) -> P {
        relative_to(self.file, || postcard::take_from_bytes(&self.bytes))
            .map(|(leading, _)| leading)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Stmt {
    Let {
        pat: Box<Pat>,
        ty: Option<Box<TypeRef>>,
        init: Option<Box<Expr>>,
        diverge: Option<Box<Block>>,
    },
    Expr(Expr),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// How a value is turned into text or bytes where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Render {
    /// Passed as it is (a function argument, a bind value).
    Value,
    /// `{}` / `%x`: `Display`.
    Display,
    /// `{:?}` / `?x`: `Debug`.
    Debug,
    /// `serde` serialisation.
    Serialize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MacroArg {
    pub expr: Expr,
    pub render: Render,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ExprKind {
    /// A local, a constant, a function item or a unit struct.
    Path(Vec<String>),
    /// Literals and anything that carries no data of its own.
    Lit,
    /// A string literal that is a SQL statement: what erasure paths and storage sinks need of it.
    Sql(Box<SqlText>),
    Field(Box<Expr>, String),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
    },
    MethodCall {
        receiver: Box<Expr>,
        method: Box<str>,
        args: Box<[Expr]>,
    },
    Macro(Box<MacroCall>),
    Struct {
        path: Box<[String]>,
        fields: Box<[(String, Expr)]>,
        rest: Option<Box<Expr>>,
    },
    /// Tuples, arrays, `vec![..]`, and `+` of strings: every part flows into the result.
    Aggregate(Vec<Expr>),
    /// `==`, `<`: the result is a bool, the operands are still read.
    Compare(Vec<Expr>),
    /// `a && b`: `b` runs only where `a` held (what a consent check in `a` guards).
    And(Box<Expr>, Box<Expr>),
    /// `a || b`: `b` runs only where `a` failed.
    Or(Box<Expr>, Box<Expr>),
    /// `!a`
    Not(Box<Expr>),
    Assign {
        target: Box<Expr>,
        value: Box<Expr>,
        compound: bool,
    },
    Closure {
        params: Vec<Pat>,
        body: Box<Expr>,
    },
    Block(Block),
    If {
        cond: Box<Expr>,
        then: Box<Block>,
        otherwise: Option<Box<Expr>>,
    },
    /// `let PAT = EXPR` in an `if let` / `while let` condition.
    Let {
        pat: Box<Pat>,
        expr: Box<Expr>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
    },
    Loop(Block),
    While {
        cond: Box<Expr>,
        body: Box<Block>,
    },
    For {
        pat: Box<Pat>,
        iter: Box<Expr>,
        body: Box<Block>,
    },
    Return(Option<Box<Expr>>),
    Break(Option<Box<Expr>>),
    Continue,
    /// `e?`
    Try(Box<Expr>),
    /// References, derefs, `.await`, casts, parentheses: the value passes through.
    Transparent(Box<Expr>),
    /// A call whose result's type a turbofish names (`query_as::<_, User>(..)`, `from_str::<T>(..)`,
    /// `row.try_get::<UserId, _>(..)`, `.load::<T>(..)`): the value is also what that type holds. The flag
    /// says the turbofish has that one type argument only (so it is the function's one type parameter).
    Typed(Box<Expr>, Box<TypeRef>, bool),
    /// `a[i]`: an element of `a`.
    Index(Box<Expr>, Box<Expr>),
}

/// What a SQL string says (SPEC 2.5, 4.1): the table a `DELETE` deletes from (lower case), and from which
/// placeholder on the values bound are lookup keys, not stored (`SELECT`/`DELETE`: all; `UPDATE`: those of
/// its `WHERE` clause).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SqlText {
    pub deleted_table: Option<Box<str>>,
    pub lookups_from: Option<u16>,
}

/// A macro call: `target` is `write!`'s destination; `reads` are read but not printed (`assert!`'s
/// condition); `args` are rendered as their placeholders say.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MacroCall {
    pub path: Vec<String>,
    pub target: Option<Expr>,
    pub reads: Vec<Expr>,
    pub args: Vec<MacroArg>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Arm {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Pat {
    Bind {
        name: String,
        span: Span,
        sub: Option<Box<Pat>>,
    },
    /// Tuples, slices, tuple structs and variants (`Some(x)`, `Ok(x)`): each element binds part of the value.
    Elements {
        path: Vec<String>,
        elems: Vec<Pat>,
    },
    Struct {
        path: Vec<String>,
        fields: Vec<(String, Pat)>,
    },
    Or(Vec<Pat>),
    /// `true` / `false` (a `match` on a consent check).
    Bool(bool),
    /// `_`, other literals, ranges: binds nothing.
    Ignore,
}

impl Pat {
    /// Where the pattern binds `name` (`username`, or inside `Path(username)`).
    pub fn binding(&self, name: &str) -> Option<Span> {
        match self {
            Pat::Bind { name: n, span, .. } if n == name => Some(*span),
            Pat::Bind { sub, .. } => sub.as_deref().and_then(|s| s.binding(name)),
            Pat::Elements { elems, .. } => elems.iter().find_map(|p| p.binding(name)),
            Pat::Struct { fields, .. } => fields.iter().find_map(|(_, p)| p.binding(name)),
            Pat::Or(cases) => cases.iter().find_map(|p| p.binding(name)),
            Pat::Bool(_) | Pat::Ignore => None,
        }
    }

    /// Every name the pattern binds.
    pub fn bound_names(&self) -> Vec<String> {
        match self {
            Pat::Bind { name, sub, .. } => std::iter::once(name.clone())
                .chain(sub.iter().flat_map(|s| s.bound_names()))
                .collect(),
            Pat::Elements { elems, .. } => elems.iter().flat_map(Pat::bound_names).collect(),
            Pat::Struct { fields, .. } => {
                fields.iter().flat_map(|(_, p)| p.bound_names()).collect()
            }
            // Every case of an or-pattern binds the same names.
            Pat::Or(cases) => cases.first().map(Pat::bound_names).unwrap_or_default(),
            Pat::Bool(_) | Pat::Ignore => Vec::new(),
        }
    }
}

/// `#[tracing::instrument(skip(..), fields(..))]` on a function.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instrument {
    pub span: Span,
    pub skip_all: bool,
    pub skip: Vec<String>,
    pub fields: Vec<MacroArg>,
    /// `ret` / `ret(Display)`: the return value is recorded, rendered so (Debug unless said).
    pub ret: Option<Render>,
    /// `err` / `err(Debug)`: the error returned is recorded, rendered so (Display unless said).
    pub err: Option<Render>,
}
