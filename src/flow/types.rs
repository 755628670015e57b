//! What the flow analysis knows about each workspace type, worked out once per run: the workspace types
//! each field holds, and (lazily, once per type and render) the personal data a whole value shows.
//! The evaluator asks these questions millions of times on real code; answering from here keeps name
//! resolution and type walks out of the solver.

use super::render::{shown_fields, HandWritten};
use super::value::Origin;
use crate::index::{carried_types, FieldData, Index, TypeId};
use crate::parse::flow_ir::Render;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const RENDERS: [Render; 4] = [
    Render::Value,
    Render::Display,
    Render::Debug,
    Render::Serialize,
];

pub struct TypeFacts {
    pub hand: HandWritten,
    /// Per type, per field (in declaration order): the workspace types its values are made of.
    field_types: Vec<Box<[Box<[TypeId]>]>>,
    /// Per type and render: the personal data a whole value shows, computed on first use.
    leaks: Vec<[OnceLock<Box<[Origin]>>; 4]>,
}

impl TypeFacts {
    pub fn build(index: &Index) -> TypeFacts {
        let field_types = index
            .types
            .par_iter()
            .map(|info| {
                info.fields()
                    .iter()
                    .map(|field| {
                        let mut held: Vec<TypeId> = carried_types(&field.ty)
                            .into_iter()
                            .filter_map(|t| index.resolve_type(info.module, t))
                            .collect();
                        held.dedup();
                        held.into_boxed_slice()
                    })
                    .collect()
            })
            .collect();
        TypeFacts {
            hand: HandWritten::collect(index),
            field_types,
            leaks: (0..index.types.len()).map(|_| Default::default()).collect(),
        }
    }

    /// The workspace types field `field` of `ty` holds.
    pub fn field_types(&self, ty: TypeId, field: usize) -> &[TypeId] {
        self.field_types[ty.0 as usize]
            .get(field)
            .map_or(&[], |held| held)
    }

    /// The personal data a whole value of `ty` shows when rendered as `render`, following fields of
    /// workspace types.
    pub fn leaks(&self, index: &Index, ty: TypeId, render: Render) -> &[Origin] {
        let slot = RENDERS.iter().position(|r| *r == render).unwrap_or(0);
        self.leaks[ty.0 as usize][slot].get_or_init(|| {
            let mut found = Vec::new();
            self.collect_leaks(index, ty, render, &mut BTreeSet::new(), &mut found);
            found.sort();
            found.dedup();
            found.into_boxed_slice()
        })
    }

    fn collect_leaks(
        &self,
        index: &Index,
        ty: TypeId,
        render: Render,
        seen: &mut BTreeSet<TypeId>,
        found: &mut Vec<Origin>,
    ) {
        if !seen.insert(ty) {
            return;
        }
        let info = index.ty(ty);
        if let Some(decl) = index.catalogue.type_decl(ty) {
            let redacted =
                render == Render::Debug && info.def.derives.iter().any(|d| d == "RedactedDebug");
            let hidden = render == Render::Display
                && self.hand.get(ty, "Display").is_some_and(BTreeSet::is_empty);
            if !redacted && !hidden {
                found.push(Origin::Decl(decl));
            }
            return;
        }
        let shown = shown_fields(index, &self.hand, ty, render);
        for (i, field) in info.fields().iter().enumerate() {
            if shown
                .as_ref()
                .is_some_and(|s| !s.contains(&field.display_name()))
            {
                continue;
            }
            match index.catalogue.field(ty, i) {
                Some(FieldData::Declared(d)) | Some(FieldData::OfType(d)) => {
                    found.push(Origin::Decl(d))
                }
                Some(FieldData::Malformed) => {}
                None => {
                    for inner in self.field_types(ty, i) {
                        self.collect_leaks(index, *inner, render, seen, found);
                    }
                }
            }
        }
    }
}
