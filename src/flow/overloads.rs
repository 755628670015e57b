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
    /// Per workspace type, its fields whose type is one of its type parameters: the field's name and the
    /// parameter's position, worked out the first time.
    generic_fields: Vec<OnceLock<Vec<(String, u16)>>>,
}

/// A parameter's written type, as far as telling impls apart goes.
struct Shape {
    /// The workspace types it may be (several behind `#[cfg]`s).
    heads: Vec<TypeId>,
    /// The head type's type arguments in order, with what aliases were given put in their parameters'
    /// places (`PaymentsResponseRouterData<StripeResponse>` is `ResponseRouterData<Authorize,
    /// StripeResponse, ..>`).
    args: Vec<Arg>,
}

/// One type argument of the parameter's type.
struct Arg {
    /// The workspace types it names, at any depth and through aliases.
    named: Vec<TypeId>,
    /// It is, or holds, a type parameter of the impl (`impl<R> From<ResponseData<R>>`): any type fits.
    open: bool,
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
    /// be, and what it holds in a field whose type is a type parameter (`response: R`) is of a type the
    /// parameter gives that type parameter.
    fn fits(&self, index: &Index, shape: &Shape, arg: &Value) -> bool {
        let known: Vec<TypeId> = arg.whole_types().collect();
        let Some(head) = shape.heads.iter().find(|h| known.contains(h)) else {
            return false;
        };
        let generic = self.generic_fields[head.0 as usize].get_or_init(|| {
            index
                .ty(*head)
                .fields()
                .iter()
                .filter_map(|field| Some((field.display_name(), field.type_param?)))
                .collect()
        });
        generic.iter().all(|(name, position)| {
            let Some(held) = arg.fields.get(name.as_str()) else {
                return true;
            };
            let Some(given) = shape.args.get(usize::from(*position)) else {
                return true;
            };
            let mut held_types = held.whole_types().peekable();
            given.open
                || held_types.peek().is_none()
                || held_types.any(|t| given.named.contains(&t))
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
    let TypeRef::Path { args: written, .. } = &ty else {
        return None;
    };
    let mut args: Vec<Written> = written
        .iter()
        .map(|a| {
            (
                vec![(module, a.clone())],
                is_type_parameter(index, module, a),
            )
        })
        .collect();
    for _ in 0..=ALIAS_DEPTH {
        if let Some((alias_module, aliased, params)) = index.alias_with_params(module, &ty) {
            let aliased = without_refs(aliased).clone();
            let TypeRef::Path { args: target, .. } = &aliased else {
                return None;
            };
            args = target
                .iter()
                .map(|a| given_to(index, alias_module, a, params, &args))
                .collect();
            module = alias_module;
            ty = aliased;
            continue;
        }
        let heads = index.resolve_types(module, &ty);
        let args = args
            .into_iter()
            .map(|(pieces, open)| {
                let mut named = Vec::new();
                for (module, piece) in &pieces {
                    named_types(index, *module, piece, ALIAS_DEPTH, &mut named);
                }
                Arg { named, open }
            })
            .collect();
        return (!heads.is_empty()).then_some(Shape { heads, args });
    }
    None
}

/// A type argument as written: the types it is made of, each with the module it is written in, and
/// whether it is open.
type Written = (Vec<(ModuleId, TypeRef)>, bool);

/// A type argument an alias's definition writes (`R`, `Vec<R>`, `Authorize`), with what the alias was
/// given for its parameters put in: the written types it is made of (with their modules), and whether it
/// is open (a type parameter of the impl, or a parameter the alias was not given).
fn given_to(
    index: &Index,
    module: ModuleId,
    written: &TypeRef,
    params: &[String],
    given: &[Written],
) -> Written {
    let unknown = (Vec::new(), true);
    if let TypeRef::Path { segments, args } = written {
        if let ([name], true) = (segments.as_slice(), args.is_empty()) {
            if let Some(k) = params.iter().position(|p| p == name) {
                return given.get(k).cloned().unwrap_or(unknown);
            }
        }
    }
    let mut pieces = vec![(module, written.clone())];
    let mut open = is_type_parameter(index, module, written);
    for (k, param) in params.iter().enumerate() {
        if mentions(written, param) {
            let (more, more_open) = given.get(k).cloned().unwrap_or(unknown.clone());
            pieces.extend(more);
            open |= more_open;
        }
    }
    (pieces, open)
}

/// Whether a written type names `name` anywhere (`Vec<R>` names `R`).
fn mentions(ty: &TypeRef, name: &str) -> bool {
    match ty {
        TypeRef::Path { segments, args } => {
            (segments.len() == 1 && segments[0] == name) || args.iter().any(|a| mentions(a, name))
        }
        TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
            mentions(inner, name)
        }
        TypeRef::Tuple(items) => items.iter().any(|i| mentions(i, name)),
        TypeRef::Dyn(_) | TypeRef::Other => false,
    }
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

/// Whether a written type argument is a type parameter of the impl (`R`, or `S: Store`): a bare
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
