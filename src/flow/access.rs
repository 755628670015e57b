//! Reading values: field access, patterns that bind, and rendering; each read of declared personal data
//! is recorded with the consents that hold where it happens (SPEC 4.1 "a read").

use super::eval::{Eval, ReadHit};
use super::guards::{carried, marked, ConsentSet};
use super::methods::{resolve_written, Callee};
use super::render::materialize;
use super::value::{Origin, StepNote, Trace, Value};
use crate::diagnostic::Span;
use crate::index::{DeclId, FieldData, TypeId};
use crate::parse::flow_ir::{MacroArg, Pat, Render};

impl Eval<'_> {
    /// The value of field `name` of a value of workspace type `ty`.
    /// The field a name (`phone`, `0`, `Variant.phone`, `Variant.0`) names.
    fn field_position(&self, ty: TypeId, name: &str) -> Option<usize> {
        super::types::field_position(self.index(), ty, name)
    }

    pub(super) fn field_of(&self, ty: TypeId, name: &str) -> Value {
        let Some(position) = self.field_position(ty, name) else {
            return Value::default();
        };
        let types = self.sh.types;
        let mut value = Value::default();
        if let Some(FieldData::Declared(d)) = self.index().catalogue.field(ty, position) {
            let origin = match types.field_wrapper(ty, position) {
                Some(wrapper) => Origin::Masked(d, wrapper),
                None => Origin::Decl(d),
            };
            value.join(&Value::one(origin, Trace::default()))
        }
        // The merchant's own settings are no source (SPEC 4.5): only a field declared itself is data.
        if types.is_settings(ty) {
            return value;
        }
        for inner in types.field_types(ty, position) {
            value.join(&Value::one(Origin::Whole(*inner), Trace::default()));
        }
        // A field that holds a trait object (`store: Arc<dyn StorageInterface>`).
        for t in types.field_traits(ty, position) {
            value.join(&Value::one(Origin::Dyn(*t), Trace::default()));
        }
        value
    }

    /// Field `name` of `base`; a declared field, or a field holding a personal-data type's value, read at
    /// `at` is recorded as a read. A personal-data type's inner value (`email.0`) is not read again: the
    /// value itself was, where it was named.
    pub(super) fn field(&mut self, base: &Value, name: &str, at: Option<Span>) -> Value {
        self.used_fields.insert(name.to_string());
        // `.0` of an extractor or wrapper seen through (`form.0.email` with `form: Form<FormData>`).
        if name == "0"
            && base.fields.is_empty()
            && base
                .whole_types()
                .all(|ty| self.field_position(ty, "0").is_none())
        {
            return base.clone();
        }
        let mut value = base.fields.get(name).cloned().unwrap_or_default();
        let consents = self.held.union(carried(base));
        let variants_known: Vec<(TypeId, u16)> = base
            .items
            .keys()
            .filter_map(|o| match o {
                Origin::Variant(t, v) => Some((*t, *v)),
                _ => None,
            })
            .collect();
        for ty in base.whole_types().collect::<Vec<_>>() {
            // A value known to be one variant holds no other variant's fields.
            let whole = base.items.get(&Origin::Whole(ty)).is_some();
            let built = base.items.get(&Origin::Built(ty)).is_some();
            let this_variant = variants_known
                .iter()
                .any(|(t, v)| *t == ty && self.sh.types.in_variant(ty, *v, name));
            if !whole && !built && !this_variant {
                continue;
            }
            // A personal-data type's inner field is the personal data itself (still wrapped when the
            // field is a wrapper: `struct Email(Secret<String>)`).
            if let Some(decl) = self.index().catalogue.type_decl(ty) {
                let wrapper = self
                    .field_position(ty, name)
                    .and_then(|i| self.sh.types.field_wrapper(ty, i));
                value.join(&Value::one(
                    wrapper.map_or(Origin::Decl(decl), |w| Origin::Masked(decl, w)),
                    base.items
                        .get(&Origin::Whole(ty))
                        .cloned()
                        .unwrap_or_default(),
                ));
                continue;
            }
            let trace = base
                .items
                .iter()
                .find(|(o, _)| matches!(o, Origin::Whole(t) | Origin::Variant(t, _) | Origin::Built(t) if *t == ty))
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            let mut part = self.field_of(ty, name);
            // A struct built here holds in an undeclared field just what was put there.
            if !whole && built {
                part.items
                    .retain(|origin, _| matches!(origin, Origin::Decl(_) | Origin::Masked(..)));
            }
            for (origin, t) in part.items.iter_mut() {
                if let Origin::Decl(decl) | Origin::Masked(decl, _) = origin {
                    self.read(at, *decl, consents);
                }
                if t.is_empty() {
                    *t = trace.clone();
                }
            }
            value.join(&part);
        }
        if let Some(at) = at {
            let whole = Value {
                items: value.items.clone(),
                ..Value::default()
            };
            self.whole_value_read(&whole.joined(&marked(carried(base))), at);
        }
        // What came from a consenting source still does, field by field.
        let marks = carried(base);
        if !marks.is_empty() {
            value.join(&marked(marks));
        }
        value
    }

    /// Records that the expression at `at` reads `decl` with `consents` held.
    pub(super) fn read(&mut self, at: Option<Span>, decl: DeclId, consents: ConsentSet) {
        if self.boundary || self.checking_consent {
            return;
        }
        if let Some(span) = at {
            self.facts.reads.push(ReadHit {
                span,
                decl,
                consents,
            });
        }
    }

    pub(super) fn bind(&mut self, pat: &Pat, value: &Value) {
        match pat {
            Pat::Bind { name, span, sub } => {
                if let Some(sub) = sub {
                    self.bind(sub, value);
                }
                // `error @ Err(_)` holds only the error side, `found @ Some(_)` the success side.
                let held = match sub.as_deref() {
                    Some(Pat::Elements { path, .. }) if path.last().is_some_and(|n| n == "Err") => {
                        Value::err(value.err_part())
                    }
                    Some(Pat::Elements { path, .. })
                        if path.last().is_some_and(|n| n == "Ok" || n == "Some") =>
                    {
                        value.ok_part()
                    }
                    _ => value.clone(),
                };
                let stepped = held.with_step(*span, StepNote::Bound);
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(name.clone(), stepped);
                }
            }
            Pat::Elements { path, elems }
                if matches!(path.last().map(String::as_str), Some("Ok" | "Some" | "Err"))
                    && elems.len() == 1 =>
            {
                // A variant binds only what that variant holds: `Err(e)` the error side.
                let part = match path.last().map(String::as_str) {
                    Some("Err") => value.err_part(),
                    _ => value.ok_part(),
                };
                self.bind(&elems[0], &part);
            }
            Pat::Elements { path, elems } => {
                let shape = self.pattern_shape(path);
                for (i, elem) in elems.iter().enumerate() {
                    let part = match &shape {
                        Some(shape) => {
                            let key = format!("{}{i}", shape.prefix);
                            self.field(&shape.applied_to(value), &key, bound_at(elem))
                        }
                        // A tuple built here keeps only its non-empty elements.
                        None if path.is_empty() && !value.fields.is_empty() => value
                            .fields
                            .get(i.to_string().as_str())
                            .cloned()
                            .unwrap_or_default(),
                        None => value.clone(),
                    };
                    self.bind(elem, &part);
                }
            }
            Pat::Struct { path, fields } => {
                let shape = self.pattern_shape(path);
                let base = match &shape {
                    Some(shape) => shape.applied_to(value),
                    None => value.clone(),
                };
                let prefix = shape.as_ref().map_or("", |s| s.prefix.as_str());
                for (name, sub) in fields {
                    let part = self.field(&base, &format!("{prefix}{name}"), bound_at(sub));
                    self.bind(sub, &part);
                }
            }
            Pat::Or(cases) => cases.iter().for_each(|case| self.bind(case, value)),
            Pat::Bool(_) | Pat::Ignore => {}
        }
    }

    /// What a path in a pattern or a struct literal names: a workspace struct, or an enum's variant.
    pub(super) fn pattern_shape(&self, path: &[String]) -> Option<Shape> {
        if path.is_empty() {
            return None;
        }
        if path == ["Self"] {
            return self.self_type.map(Shape::whole);
        }
        match resolve_written(
            self.index(),
            self.sh.methods,
            self.module,
            self.self_type,
            path,
        )? {
            Callee::Type(ty) => Some(Shape::whole(ty)),
            Callee::Variant(ty, name) => Some(Shape {
                origin: Origin::Variant(ty, self.sh.types.variant(ty, &name)),
                prefix: format!("{name}."),
            }),
            _ => None,
        }
    }

    /// The data a macro's arguments show; a struct formatted whole is read at the macro (`at`).
    pub(super) fn macro_args(&mut self, args: &[MacroArg], at: Span) -> Value {
        let mut value = Value::default();
        for arg in args {
            let raw = self.expr(&arg.expr);
            value.join(&self.shown(&raw, arg.render, at));
        }
        value
    }

    /// What `raw` shows rendered as `render`: the personal fields of whole structs formatted or serialised
    /// are read at `at`.
    pub(super) fn shown(&mut self, raw: &Value, render: Render, at: Span) -> Value {
        if render != Render::Value {
            self.rendered.extend(raw.whole_types());
        }
        let shown = materialize(self.index(), self.sh.types, raw, render);
        if raw.whole_types().next().is_some() {
            let consents = self.held.union(carried(raw));
            let given = raw.flattened();
            for origin in shown.items.keys() {
                if let Origin::Decl(decl) = origin {
                    if given.items.get(origin).is_none() {
                        self.read(Some(at), *decl, consents);
                    }
                }
            }
        }
        shown
    }

    /// A use of a value of a personal-data type (`EmailAddress`) is a read of it.
    pub(super) fn whole_value_read(&mut self, value: &Value, at: Span) {
        let consents = self.held.union(carried(value));
        for ty in value.whole_types().collect::<Vec<_>>() {
            if let Some(decl) = self.index().catalogue.type_decl(ty) {
                self.read(Some(at), decl, consents);
            }
        }
    }
}

/// Where a pattern binds the value it is given, when it binds it whole to a name.
fn bound_at(pat: &Pat) -> Option<Span> {
    match pat {
        Pat::Bind { span, .. } => Some(*span),
        _ => None,
    }
}

/// A workspace type a pattern or literal names, and the prefix of its fields' names (`Variant.`).
pub(super) struct Shape {
    pub origin: Origin,
    pub prefix: String,
}

impl Shape {
    fn whole(ty: TypeId) -> Shape {
        Shape {
            origin: Origin::Whole(ty),
            prefix: String::new(),
        }
    }

    /// The value matched, known to be of this shape.
    pub fn applied_to(&self, value: &Value) -> Value {
        value
            .clone()
            .joined(&Value::one(self.origin, Trace::default()))
    }
}
