//! What the flow analysis knows about each workspace type, worked out once per run: the workspace types
//! each field holds, and (lazily, once per type and render) the personal data a whole value shows.
//! The evaluator asks these questions millions of times on real code; answering from here keeps name
//! resolution and type walks out of the solver.

use super::catalog::Catalog;
use super::render::{shown_fields, HandWritten};
use super::value::Origin;
use crate::index::{is_container, is_settings_type, FieldData, Index, ModuleId, TraitId, TypeId};
use crate::parse::flow_ir::Render;
use crate::parse::TypeRef;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const RENDERS: [Render; 4] = [
    Render::Value,
    Render::Display,
    Render::Debug,
    Render::Serialize,
];

/// Types whose values cannot hold text, so carry no personal data (SPEC 4.5), by their last name.
const NO_TEXT: &[&str] = &[
    "bool",
    "char",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "Ordering",
    "Duration",
    "Instant",
    "SystemTime",
    "Uuid",
    "DateTime",
    "NaiveDate",
    "NaiveDateTime",
    "NaiveTime",
    "PrimitiveDateTime",
    "OffsetDateTime",
    "Date",
    "Time",
    "StatusCode",
    "NonZeroU32",
    "NonZeroU64",
    "NonZeroUsize",
    "AtomicBool",
    "AtomicUsize",
    "AtomicU64",
];

/// One of a type's facts per render (in `RENDERS` order), each made on first use.
type PerRender<T> = [OnceLock<T>; 4];

/// Per variant of an enum (`TypeFacts::variant` numbers them), what a value of it shows.
type ByVariant = Box<[Box<[Origin]>]>;

pub struct TypeFacts {
    pub hand: HandWritten,
    /// Per type, per field (in declaration order): the workspace types its values are made of.
    field_types: Vec<Box<[Box<[TypeId]>]>>,
    /// Per (type, field) holding trait objects (`store: Arc<dyn StorageInterface>`): those traits. Fields
    /// written through aliases are not expanded: dispatching through hyperswitch's `BoxedOperation` fields
    /// (each operation trait with dozens of heavy impls) took its flow phase from 4 s to 93 s.
    field_traits: rustc_hash::FxHashMap<(TypeId, usize), Box<[TraitId]>>,
    /// Per type, per field: the wrapper (catalogue index) its values are kept in, if any.
    field_wrappers: Vec<Box<[Option<u16>]>>,
    /// Per type: what the wrappers render (`(debug redacted, serialize redacted)`), by wrapper index.
    wrapper_renders: Vec<(bool, bool)>,
    /// Per type: the merchant's own settings (SPEC 4.5): no source of consumers' data.
    settings: Vec<bool>,
    /// Per type: its values cannot hold text (only numbers, flags, ids, dates, variants without data).
    no_text: Vec<bool>,
    /// Per enum: the names of its variants that hold data, in declaration order (`Origin::Variant`).
    variants: Vec<Vec<String>>,
    /// Per type and render: the personal data a whole value shows, computed on first use.
    leaks: Vec<PerRender<Box<[Origin]>>>,
    /// Per type and render: which of its fields (in declaration order) the render shows, `None` when all
    /// may (`render::shown_fields`), computed on first use.
    shown: Vec<PerRender<Option<Box<[bool]>>>>,
    /// Per type and render: `built_leaks`, computed on first use.
    built: Vec<PerRender<Box<[Origin]>>>,
    /// Per enum and render: `variant_leaks` of each of its variants, computed on first use.
    variant_leaks: Vec<PerRender<ByVariant>>,
}

/// A field of a type: the type and the field's place in it.
type FieldAt = (TypeId, usize);

/// What `TypeFacts` found of the types, as the CLI's record of its last run keeps it (`flow::stored`):
/// the facts made at the start; those made on first use are made again.
#[derive(serde::Serialize)]
pub struct StoredTypesOf<'a> {
    field_types: &'a [Box<[Box<[TypeId]>]>],
    field_traits: Vec<(&'a FieldAt, &'a [TraitId])>,
    field_wrappers: &'a [Box<[Option<u16>]>],
    wrapper_renders: &'a [(bool, bool)],
    settings: &'a [bool],
    no_text: &'a [bool],
    variants: &'a [Vec<String>],
}

#[derive(serde::Deserialize)]
pub struct StoredTypes {
    field_types: Vec<Box<[Box<[TypeId]>]>>,
    field_traits: Vec<(FieldAt, Box<[TraitId]>)>,
    field_wrappers: Vec<Box<[Option<u16>]>>,
    wrapper_renders: Vec<(bool, bool)>,
    settings: Vec<bool>,
    no_text: Vec<bool>,
    variants: Vec<Vec<String>>,
}

impl StoredTypes {
    /// Whether they are the facts of `count` types, each kept whole (a record of another index is not).
    pub fn fits(&self, count: usize) -> bool {
        let whole = |len: usize| len == count;
        whole(self.field_types.len())
            && whole(self.field_wrappers.len())
            && whole(self.settings.len())
            && whole(self.no_text.len())
            && whole(self.variants.len())
            && (self.field_types.iter().flatten().flatten()).all(|t| (t.0 as usize) < count)
            && (self.field_traits.iter()).all(|((t, _), _)| (t.0 as usize) < count)
            && (self.field_wrappers.iter().flatten().flatten())
                .all(|w| usize::from(*w) < self.wrapper_renders.len())
    }
}

impl TypeFacts {
    pub fn stored(&self) -> StoredTypesOf<'_> {
        let mut field_traits: Vec<(&FieldAt, &[TraitId])> = (self.field_traits.iter())
            .map(|(at, traits)| (at, &traits[..]))
            .collect();
        field_traits.sort_unstable_by_key(|(at, _)| **at);
        StoredTypesOf {
            field_types: &self.field_types,
            field_traits,
            field_wrappers: &self.field_wrappers,
            wrapper_renders: &self.wrapper_renders,
            settings: &self.settings,
            no_text: &self.no_text,
            variants: &self.variants,
        }
    }

    /// The facts `stored` kept, with the renders `hand` (those they were made with).
    pub fn from_stored(stored: StoredTypes, hand: HandWritten) -> TypeFacts {
        let count = stored.field_types.len();
        TypeFacts {
            hand,
            field_types: stored.field_types,
            field_traits: stored.field_traits.into_iter().collect(),
            field_wrappers: stored.field_wrappers,
            wrapper_renders: stored.wrapper_renders,
            settings: stored.settings,
            no_text: stored.no_text,
            variants: stored.variants,
            leaks: (0..count).map(|_| Default::default()).collect(),
            shown: (0..count).map(|_| Default::default()).collect(),
            built: (0..count).map(|_| Default::default()).collect(),
            variant_leaks: (0..count).map(|_| Default::default()).collect(),
        }
    }

    pub fn build(index: &Index, catalog: &Catalog, hand: HandWritten) -> TypeFacts {
        // Each field's types, traits and wrapper, in one pass over the fields.
        type Fields = (
            Box<[Box<[TypeId]>]>,
            Vec<(usize, Box<[TraitId]>)>,
            Box<[Option<u16>]>,
        );
        let fields: Vec<Fields> = (index.types.par_iter())
            .map(|info| {
                let mut traits_of = Vec::new();
                let held = (info.fields().iter().enumerate())
                    .map(|(f, field)| {
                        // Not through aliases (see `field_traits`).
                        let (held, traits) = index.types_and_traits(info.module, &field.ty, 0);
                        if !traits.is_empty() {
                            traits_of.push((f, traits.into_boxed_slice()));
                        }
                        held.into_boxed_slice()
                    })
                    .collect();
                let wrappers = (info.fields().iter())
                    .map(|field| wrapper_of(index, catalog, info.module, &field.ty))
                    .collect();
                (held, traits_of, wrappers)
            })
            .collect();
        let mut field_types = Vec::with_capacity(fields.len());
        let mut field_traits = rustc_hash::FxHashMap::default();
        let mut field_wrappers = Vec::with_capacity(fields.len());
        for (i, (held, traits, wrappers)) in fields.into_iter().enumerate() {
            field_types.push(held);
            for (f, traits) in traits {
                field_traits.insert((TypeId(i as u32), f), traits);
            }
            field_wrappers.push(wrappers);
        }
        let settings = index
            .types
            .iter()
            .map(|info| is_settings_type(&info.name))
            .collect();
        let mut facts = TypeFacts {
            hand,
            field_types,
            field_traits,
            field_wrappers,
            wrapper_renders: catalog
                .wrappers
                .iter()
                .map(|w| (w.debug, w.serialize))
                .collect(),
            settings,
            no_text: Vec::new(),
            variants: index
                .types
                .iter()
                .map(|info| {
                    let mut names: Vec<String> = Vec::new();
                    for variant in info.fields().iter().filter_map(|f| f.variant.as_ref()) {
                        if !names.contains(variant) {
                            names.push(variant.clone());
                        }
                    }
                    names
                })
                .collect(),
            leaks: (0..index.types.len()).map(|_| Default::default()).collect(),
            shown: (0..index.types.len()).map(|_| Default::default()).collect(),
            built: (0..index.types.len()).map(|_| Default::default()).collect(),
            variant_leaks: (0..index.types.len()).map(|_| Default::default()).collect(),
        };
        facts.no_text = facts.types_without_text(index);
        facts
    }

    /// A greatest fixed point: a type holds no text unless it is personal data, has a declared field,
    /// or has a field that may hold text.
    fn types_without_text(&self, index: &Index) -> Vec<bool> {
        let mut no_text: Vec<bool> = index
            .type_ids()
            .map(|t| !index.catalogue.holds_personal_data(t))
            .collect();
        loop {
            let mut changed = false;
            for t in index.type_ids() {
                if !no_text[t.0 as usize] {
                    continue;
                }
                let info = index.ty(t);
                let texty = info
                    .fields()
                    .iter()
                    .any(|f| !type_holds_no_text(index, &no_text, info.module, &f.ty));
                if texty {
                    no_text[t.0 as usize] = false;
                    changed = true;
                }
            }
            if !changed {
                return no_text;
            }
        }
    }

    /// Whether values of a written type cannot hold text (`bool`, `Option<u32>`, `Vec<OrderStatus>`).
    pub fn carries_nothing(&self, index: &Index, module: ModuleId, ty: &TypeRef) -> bool {
        type_holds_no_text(index, &self.no_text, module, ty)
    }

    pub fn is_settings(&self, ty: TypeId) -> bool {
        self.settings[ty.0 as usize]
    }

    /// The index of enum `ty`'s variant `name` (`u16::MAX` for a variant without data).
    pub fn variant(&self, ty: TypeId, name: &str) -> u16 {
        self.variants[ty.0 as usize]
            .iter()
            .position(|v| v == name)
            .map_or(u16::MAX, |i| i as u16)
    }

    /// Whether a field (by its display name, `Variant.0`) belongs to variant `variant` of `ty`.
    pub fn in_variant(&self, ty: TypeId, variant: u16, field_name: &str) -> bool {
        self.variants[ty.0 as usize]
            .get(variant as usize)
            .is_some_and(|v| {
                field_name
                    .strip_prefix(v.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            })
    }

    /// The personal data a value of variant `variant` of `ty` shows when rendered.
    pub fn variant_leaks(
        &self,
        index: &Index,
        ty: TypeId,
        variant: u16,
        render: Render,
    ) -> &[Origin] {
        let slot = RENDERS.iter().position(|r| *r == render).unwrap_or(0);
        let variants = self.variant_leaks[ty.0 as usize][slot].get_or_init(|| {
            (0..self.variants[ty.0 as usize].len())
                .map(|v| (self.variant_leaks_made(index, ty, v as u16, render)).into_boxed_slice())
                .collect()
        });
        variants
            .get(usize::from(variant))
            .map_or(&[], |leaks| leaks)
    }

    fn variant_leaks_made(
        &self,
        index: &Index,
        ty: TypeId,
        variant: u16,
        render: Render,
    ) -> Vec<Origin> {
        let mut found = Vec::new();
        let mut seen = BTreeSet::from([ty]);
        let shown = self.shown(index, ty, render);
        for (i, field) in index.ty(ty).fields().iter().enumerate() {
            if shown.is_none_or(|s| s[i]) && self.in_variant(ty, variant, &field.display_name()) {
                self.field_leaks(index, ty, i, render, &mut seen, &mut found);
            }
        }
        found
    }

    /// The personal data a struct built by a literal shows by declaration: its declared fields (what
    /// its other fields show comes from the values put in them).
    pub fn built_leaks(&self, index: &Index, ty: TypeId, render: Render) -> &[Origin] {
        if index.catalogue.type_decl(ty).is_some() {
            return self.leaks(index, ty, render);
        }
        let slot = RENDERS.iter().position(|r| *r == render).unwrap_or(0);
        self.built[ty.0 as usize][slot]
            .get_or_init(|| self.built_leaks_made(index, ty, render).into_boxed_slice())
    }

    fn built_leaks_made(&self, index: &Index, ty: TypeId, render: Render) -> Vec<Origin> {
        let mut found = Vec::new();
        let mut seen = BTreeSet::from([ty]);
        let shown = self.shown(index, ty, render);
        for i in 0..index.ty(ty).fields().len() {
            let declared = matches!(
                index.catalogue.field(ty, i),
                Some(FieldData::Declared(_) | FieldData::OfType(_))
            );
            if declared && shown.is_none_or(|s| s[i]) {
                self.field_leaks(index, ty, i, render, &mut seen, &mut found);
            }
        }
        found
    }

    /// The wrapper the field named `name` (`phone`, `Variant.0`) of `ty` keeps its value in.
    pub fn wrapper_of_field(&self, index: &Index, ty: TypeId, name: &str) -> Option<u16> {
        self.field_wrapper(ty, field_position(index, ty, name)?)
    }

    /// Whether the field named `name` (`phone`, `Variant.0`) of `ty` shows nothing when its holder is
    /// rendered as `render`.
    pub fn field_hidden(&self, index: &Index, ty: TypeId, name: &str, render: Render) -> bool {
        let Some(position) = field_position(index, ty, name) else {
            return false;
        };
        if self
            .field_wrapper(ty, position)
            .is_some_and(|w| self.hides(w, render))
        {
            return true;
        }
        // The field found is the one `name` names as `display_name` writes it, unless `name` writes its
        // number otherwise (`+1`, `01`): then the names themselves are compared.
        let field = &index.ty(ty).fields()[position];
        let own = name.split_once('.').map_or(name, |(_, own)| own);
        let canonical = field.name.is_some() || !(own.starts_with(['+', '0']) && own.len() > 1);
        if canonical {
            return self
                .shown(index, ty, render)
                .is_some_and(|shown| !shown[position]);
        }
        shown_fields(index, &self.hand, ty, render).is_some_and(|shown| !shown.contains(name))
    }

    /// The wrapper field `field` of `ty` keeps its value in.
    pub fn field_wrapper(&self, ty: TypeId, field: usize) -> Option<u16> {
        self.field_wrappers[ty.0 as usize]
            .get(field)
            .copied()
            .flatten()
    }

    /// Whether wrapper `wrapper` hides its value when rendered as `render`.
    pub fn hides(&self, wrapper: u16, render: Render) -> bool {
        let (debug, serialize) = self
            .wrapper_renders
            .get(wrapper as usize)
            .copied()
            .unwrap_or_default();
        match render {
            Render::Debug | Render::Display => debug,
            Render::Serialize => serialize,
            Render::Value => false,
        }
    }

    /// A personal-data type whose every field is in a wrapper hiding it, rendered with a derived (or
    /// no) impl of the trait: `struct Email(Secret<String>)` prints `Email(*** .. ***)`.
    fn masks_itself(&self, index: &Index, ty: TypeId, render: Render) -> bool {
        let info = index.ty(ty);
        let trait_name = match render {
            Render::Debug => "Debug",
            Render::Display => "Display",
            Render::Serialize => "Serialize",
            Render::Value => return false,
        };
        !info.fields().is_empty()
            && self.hand.get(ty, trait_name).is_none()
            && (0..info.fields().len()).all(|i| {
                self.field_wrapper(ty, i)
                    .is_some_and(|w| self.hides(w, render))
            })
    }

    /// The workspace types field `field` of `ty` holds.
    /// The workspace traits a field's trait objects are known by.
    pub fn field_traits(&self, ty: TypeId, field: usize) -> &[TraitId] {
        self.field_traits.get(&(ty, field)).map_or(&[], |t| t)
    }

    pub fn field_types(&self, ty: TypeId, field: usize) -> &[TypeId] {
        self.field_types[ty.0 as usize]
            .get(field)
            .map_or(&[], |held| held)
    }

    /// The personal data a whole value of `ty` shows when rendered as `render`, following fields of
    /// workspace types.
    /// Whether a value of `ty`, however rendered, can show any personal data.
    pub fn holds_data(&self, index: &Index, ty: TypeId) -> bool {
        RENDERS
            .iter()
            .any(|render| !self.leaks(index, ty, *render).is_empty())
    }

    /// Per field of `ty`, whether rendering a value of it as `render` shows the field; `None` when every
    /// field may show.
    fn shown(&self, index: &Index, ty: TypeId, render: Render) -> Option<&[bool]> {
        let slot = RENDERS.iter().position(|r| *r == render).unwrap_or(0);
        let shown = self.shown[ty.0 as usize][slot].get_or_init(|| {
            let names = shown_fields(index, &self.hand, ty, render)?;
            let fields = index.ty(ty).fields().iter();
            Some(fields.map(|f| names.contains(&f.display_name())).collect())
        });
        shown.as_deref()
    }

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
            if !redacted && !hidden && !self.masks_itself(index, ty, render) {
                found.push(Origin::Decl(decl));
            }
            return;
        }
        if self.is_settings(ty) {
            return;
        }
        let shown = self.shown(index, ty, render);
        for i in 0..info.fields().len() {
            if shown.is_some_and(|s| !s[i]) {
                continue;
            }
            self.field_leaks(index, ty, i, render, seen, found);
        }
    }

    /// What field `i` of `ty` shows when its holder is rendered.
    fn field_leaks(
        &self,
        index: &Index,
        ty: TypeId,
        i: usize,
        render: Render,
        seen: &mut BTreeSet<TypeId>,
        found: &mut Vec<Origin>,
    ) {
        if self
            .field_wrapper(ty, i)
            .is_some_and(|w| self.hides(w, render))
        {
            return;
        }
        {
            match index.catalogue.field(ty, i) {
                Some(FieldData::Declared(d)) => found.push(Origin::Decl(d)),
                // A field of a personal-data type shows what that type's render shows.
                Some(FieldData::OfType(d)) => {
                    let before = found.len();
                    for inner in self.field_types(ty, i) {
                        self.collect_leaks(index, *inner, render, seen, found);
                    }
                    if self.field_types(ty, i).is_empty() && found.len() == before {
                        found.push(Origin::Decl(d));
                    }
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

fn type_holds_no_text(index: &Index, no_text: &[bool], module: ModuleId, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Path { segments, args } => {
            let Some(last) = segments.last() else {
                return false;
            };
            if is_container(last) {
                return !args.is_empty()
                    && args
                        .iter()
                        .all(|a| type_holds_no_text(index, no_text, module, a));
            }
            if NO_TEXT.contains(&last.as_str()) {
                return true;
            }
            index
                .resolve_type(module, ty)
                .is_some_and(|t| no_text[t.0 as usize])
        }
        TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
            type_holds_no_text(index, no_text, module, inner)
        }
        TypeRef::Tuple(items) => items
            .iter()
            .all(|t| type_holds_no_text(index, no_text, module, t)),
        TypeRef::Dyn(_) | TypeRef::Other => false,
    }
}

/// The catalogue wrapper a written field type keeps its value in (looking through containers).
fn wrapper_of(index: &Index, catalog: &Catalog, module: ModuleId, ty: &TypeRef) -> Option<u16> {
    match ty {
        TypeRef::Path { segments, args } => {
            let last = segments.last()?;
            if is_container(last) {
                return args
                    .iter()
                    .find_map(|a| wrapper_of(index, catalog, module, a));
            }
            let full = index.modules.written_in_full(module, segments).join("::");
            catalog
                .wrapper(&full)
                .or_else(|| catalog.wrapper(&segments.join("::")))
                // A generic holder of a wrapped value (`Encryptable<Secret<String>>`) keeps it wrapped.
                .or_else(|| {
                    args.iter()
                        .find_map(|a| wrapper_of(index, catalog, module, a))
                })
        }
        TypeRef::Ref(inner) => wrapper_of(index, catalog, module, inner),
        _ => None,
    }
}

/// The field a name (`phone`, `0`, `Variant.phone`, `Variant.0`) names, without building display names.
pub fn field_position(index: &Index, ty: TypeId, name: &str) -> Option<usize> {
    let (variant, own) = match name.split_once('.') {
        Some((variant, own)) => (Some(variant), own),
        None => (None, name),
    };
    let number = own.parse::<usize>().ok();
    index.ty(ty).fields().iter().position(|f| {
        f.variant.as_deref() == variant
            && f.name
                .as_deref()
                .map_or(number == Some(f.index), |n| n == own)
    })
}
