//! What a value shows when it is rendered: `Debug`, `Display` and `Serialize` of workspace types, from
//! their derives and hand-written impls; applied to values by `materialize`.

use super::types::TypeFacts;
use super::value::{Origin, Value};
use super::walk::Child;
use crate::index::{FieldData, Index, TypeId};
use crate::parse::flow_ir::{Block, Expr, ExprKind, Render};
use std::collections::{BTreeMap, BTreeSet};

/// Per type and trait, the fields a hand-written impl reads from `self`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct HandWritten {
    impls: BTreeMap<(TypeId, &'static str), BTreeSet<String>>,
}

impl HandWritten {
    pub fn collect(index: &Index) -> HandWritten {
        let mut found = HandWritten::default();
        for f in &index.fns {
            let Some(owner) = f.owner else { continue };
            let imp = &index.impls[owner.0 as usize];
            let (Some(ty), Some(trait_path)) = (imp.self_type, &imp.trait_path) else {
                continue;
            };
            let trait_name = match trait_path.last().map(String::as_str) {
                Some("Debug") => "Debug",
                Some("Display") => "Display",
                Some("Serialize") => "Serialize",
                _ => continue,
            };
            let mut fields = BTreeSet::new();
            if let Some(body) = &f.def.lowered.decode().body {
                self_fields_block(body, &mut fields);
            }
            found
                .impls
                .entry((ty, trait_name))
                .or_default()
                .extend(fields);
        }
        found
    }

    pub(super) fn get(&self, ty: TypeId, trait_name: &'static str) -> Option<&BTreeSet<String>> {
        self.impls.get(&(ty, trait_name))
    }
}

fn self_fields_block(block: &Block, out: &mut BTreeSet<String>) {
    super::walk::block_children(block, &mut |child| self_fields_child(child, out));
}

fn self_fields_child(child: Child, out: &mut BTreeSet<String>) {
    match child {
        Child::Expr(e) => self_fields(e, out),
        Child::Block(b) => self_fields_block(b, out),
    }
}

/// Fields read as `self.field` anywhere in an expression.
fn self_fields(expr: &Expr, out: &mut BTreeSet<String>) {
    if let ExprKind::Field(base, name) = &expr.kind {
        if matches!(&base.kind, ExprKind::Path(p) if p.len() == 1 && p[0] == "self") {
            out.insert(name.clone());
            return;
        }
    }
    super::walk::children(expr, &mut |child| self_fields_child(child, out));
}

/// Which fields of `ty` a render shows (`None`: all of them).
pub(super) fn shown_fields(
    index: &Index,
    hand: &HandWritten,
    ty: TypeId,
    render: Render,
) -> Option<BTreeSet<String>> {
    let info = index.ty(ty);
    let derives = |name: &str| info.def.derives.iter().any(|d| d == name);
    let (trait_name, derived) = match render {
        Render::Value => return None,
        Render::Debug => ("Debug", derives("Debug")),
        // `derive_more::Display` and the like: assume they print every field.
        Render::Display => ("Display", derives("Display")),
        Render::Serialize => ("Serialize", derives("Serialize")),
    };
    if render == Render::Debug && derives("RedactedDebug") {
        // Declared fields print as `<redacted ..>`; the rest print normally.
        let shown = info
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, _)| !matches!(index.catalogue.field(ty, *i), Some(FieldData::Declared(_))))
            .map(|(_, f)| f.display_name());
        return Some(shown.collect());
    }
    if derived {
        let shown = info
            .fields()
            .iter()
            .filter(|f| render != Render::Serialize || !f.serde_skip)
            .map(|f| f.display_name());
        return Some(shown.collect());
    }
    match hand.get(ty, trait_name) {
        Some(fields) => Some(fields.clone()),
        // No `Display` in the workspace: the type is not formatted with `{}` here, it shows nothing.
        None if render == Render::Display => Some(BTreeSet::new()),
        // No `Debug`/`Serialize` the workspace shows (one may come from a macro): assume every field shows.
        None => None,
    }
}

/// The value as it is once rendered: whole values become the personal data their render shows, and
/// parameters remember how they were rendered.
pub fn materialize(index: &Index, types: &TypeFacts, value: &Value, render: Render) -> Value {
    if render == Render::Value {
        return value.clone();
    }
    let flat = rendered_parts(index, types, value, render);
    let mut out = Value::default();
    for (origin, trace) in &flat.items {
        match origin {
            Origin::Whole(ty) => {
                for leak in types.leaks(index, *ty, render) {
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Param(i, Render::Value) => {
                out.items
                    .entry(Origin::Param(*i, render))
                    .or_insert_with(|| trace.clone());
            }
            Origin::ParamPart(i, element, Render::Value) => {
                out.items
                    .entry(Origin::ParamPart(*i, *element, render))
                    .or_insert_with(|| trace.clone());
            }
            Origin::Built(ty) => {
                for leak in types.built_leaks(index, *ty, render) {
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Variant(ty, variant) => {
                for leak in types.variant_leaks(index, *ty, *variant, render) {
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Handle(_) | Origin::Dyn(_) => {}
            Origin::Masked(decl, wrapper) => {
                if !types.hides(*wrapper, render) {
                    out.items
                        .entry(Origin::Decl(*decl))
                        .or_insert_with(|| trace.clone());
                }
            }
            other => {
                out.items.entry(*other).or_insert_with(|| trace.clone());
            }
        }
    }
    out
}

/// Everything a value holds, flattened, less the fields its type's render leaves out (a wrapper that
/// masks, `#[serde(skip)]`, a field a hand-written `Debug` does not print).
fn rendered_parts(index: &Index, types: &TypeFacts, value: &Value, render: Render) -> Value {
    if value.fields.is_empty() {
        return value.clone();
    }
    let holders: Vec<TypeId> = value.whole_types().collect();
    let mut flat = Value {
        items: value.items.clone(),
        fields: Default::default(),
    };
    for (name, part) in &value.fields {
        if holders
            .iter()
            .any(|ty| types.field_hidden(index, *ty, name, render))
        {
            continue;
        }
        flat.join(&rendered_parts(index, types, part, render));
    }
    flat
}
