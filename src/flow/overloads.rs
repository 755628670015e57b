//! Which of a type's conversions a call reaches. `RouterData::try_from(ResponseRouterData { response, .. })`
//! names every `TryFrom` impl for `RouterData`: in a payments codebase one per connector and flow, hundreds.
//! Rust picks the impl whose parameter type the argument has; so does this, when the argument's type is
//! known here. An impl is left out only when its parameter names other workspace types than the argument
//! is known to have: when nothing is known, or no impl fits, the call reaches them all as before.

use super::value::Value;
use crate::index::{FnId, Index, ModuleId, Resolution, TypeId};
use crate::parse::TypeRef;
use std::sync::OnceLock;

/// How many `type` aliases of aliases are followed.
const ALIAS_DEPTH: usize = 8;

/// Per function, what its first parameter's type says, worked out the first time a call needs it.
pub struct Overloads {
    shapes: Vec<OnceLock<Option<Shape>>>,
    /// Per workspace type, the names of its fields of generic type, worked out the first time.
    generic_fields: Vec<OnceLock<Vec<String>>>,
}

/// A parameter's written type, as far as telling impls apart goes.
struct Shape {
    /// The workspace types it may be (several behind `#[cfg]`s).
    heads: Vec<TypeId>,
    /// The workspace types its generic arguments name, at any depth and through aliases.
    named: Vec<TypeId>,
}

impl Overloads {
    pub fn new(index: &Index) -> Overloads {
        Overloads {
            shapes: (0..index.fns.len()).map(|_| OnceLock::new()).collect(),
            generic_fields: (0..index.types.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The functions of `fns` a call with `args` can reach: all of them but those whose parameter
    /// type another workspace type than the first argument's is.
    pub fn reachable(&self, index: &Index, fns: Vec<FnId>, args: &[Value]) -> Vec<FnId> {
        let Some(arg) = args.first() else {
            return fns;
        };
        if fns.len() < 2 || arg.whole_types().next().is_none() {
            return fns;
        }
        let fitting: Vec<FnId> = fns
            .iter()
            .copied()
            .filter(|f| {
                self.shapes[f.0 as usize]
                    .get_or_init(|| shape(index, *f))
                    .as_ref()
                    .is_none_or(|shape| self.fits(index, shape, arg))
            })
            .collect();
        if fitting.is_empty() {
            fns
        } else {
            fitting
        }
    }

    /// Whether an argument can be of the parameter's type: it is of one of the types the parameter may
    /// be, and what it holds in a field of generic type (`response: R`) is of a type the parameter names.
    fn fits(&self, index: &Index, shape: &Shape, arg: &Value) -> bool {
        let known: Vec<TypeId> = arg.whole_types().collect();
        let Some(head) = shape.heads.iter().find(|h| known.contains(h)) else {
            return false;
        };
        let generic = self.generic_fields[head.0 as usize].get_or_init(|| {
            let info = index.ty(*head);
            info.fields()
                .iter()
                .filter(|field| is_type_parameter(index, info.module, &field.ty))
                .map(|field| field.display_name())
                .collect()
        });
        generic.iter().all(|name| {
            let Some(held) = arg.fields.get(name.as_str()) else {
                return true;
            };
            let mut held_types = held.whole_types().peekable();
            held_types.peek().is_none() || held_types.any(|t| shape.named.contains(&t))
        })
    }
}

/// The shape of an associated function's first parameter (`fn try_from(item: T)`); none for methods and
/// for types this cannot tell apart (generic, foreign, unresolved).
fn shape(index: &Index, f: FnId) -> Option<Shape> {
    let info = index.func(f);
    if info.def.has_self || info.def.param_count == 0 {
        return None;
    }
    let lowered = info.def.lowered.signature();
    let mut module = info.module;
    let mut ty = without_refs(&lowered.params.first()?.ty).clone();
    let mut named = Vec::new();
    for _ in 0..=ALIAS_DEPTH {
        let TypeRef::Path { args, .. } = &ty else {
            return None;
        };
        for arg in args {
            named_types(index, module, arg, ALIAS_DEPTH, &mut named);
        }
        if let Some((alias_module, aliased)) = index.alias_of(module, &ty) {
            module = alias_module;
            ty = without_refs(aliased).clone();
            continue;
        }
        let heads = index.resolve_types(module, &ty);
        return (!heads.is_empty()).then_some(Shape { heads, named });
    }
    None
}

fn without_refs(mut ty: &TypeRef) -> &TypeRef {
    while let TypeRef::Ref(inner) = ty {
        ty = inner;
    }
    ty
}

/// Every workspace type a written type names, its generic arguments and what aliases stand for included.
fn named_types(index: &Index, module: ModuleId, ty: &TypeRef, depth: usize, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Path { args, .. } => {
            out.extend(index.resolve_types(module, ty));
            if let (Some((alias_module, aliased)), true) = (index.alias_of(module, ty), depth > 0) {
                named_types(index, alias_module, aliased, depth - 1, out);
            }
            for arg in args {
                named_types(index, module, arg, depth, out);
            }
        }
        TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
            named_types(index, module, inner, depth, out)
        }
        TypeRef::Tuple(items) => {
            for item in items {
                named_types(index, module, item, depth, out);
            }
        }
        TypeRef::Dyn(_) | TypeRef::Other => {}
    }
}

/// Whether a field's written type is one of its struct's type parameters (`R`, or `S: Store`): a bare
/// capitalised name that names nothing in the workspace (the resolver takes unknown names for a
/// dependency's, so it cannot tell `R` from an imported `Response`; neither holds a workspace type's value
/// unless it is a type parameter).
fn is_type_parameter(index: &Index, module: ModuleId, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Dyn(_) => true,
        TypeRef::Path { segments, args } if segments.len() == 1 && args.is_empty() => {
            let name = &segments[0];
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && !matches!(name.as_str(), "String" | "Self")
                && !matches!(index.resolve_path(module, segments), Resolution::Defs(_))
        }
        _ => false,
    }
}
