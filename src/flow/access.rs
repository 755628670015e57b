//! Reading values: field access, patterns that bind, and rendering; each read of declared personal data
//! is recorded with the consents that hold where it happens (SPEC 4.1 "a read").

use super::eval::{Eval, ReadHit};
use super::guards::{carried, marked, ConsentSet};
use super::methods::{resolve_call, Callee};
use super::render::materialize;
use super::value::{Origin, StepNote, Trace, Value};
use crate::diagnostic::Span;
use crate::index::{DeclId, FieldData, TypeId};
use crate::parse::flow_ir::{MacroArg, Pat, Render};

impl Eval<'_> {
    /// The value of field `name` of a value of workspace type `ty`.
    pub(super) fn field_of(&self, ty: TypeId, name: &str) -> Value {
        let info = self.index().ty(ty);
        let Some(position) = info.fields().iter().position(|f| {
            f.name
                .as_deref()
                .map_or_else(|| f.index.to_string() == name, |n| n == name)
        }) else {
            return Value::default();
        };
        let mut value = Value::default();
        if let Some(FieldData::Declared(d)) = self.index().catalogue.field(ty, position) {
            value.join(&Value::one(Origin::Decl(d), Trace::default()))
        }
        for inner in self.sh.types.field_types(ty, position) {
            value.join(&Value::one(Origin::Whole(*inner), Trace::default()));
        }
        value
    }

    /// Field `name` of `base`; a declared field, or a field holding a personal-data type's value, read at
    /// `at` is recorded as a read. A personal-data type's inner value (`email.0`) is not read again: the
    /// value itself was, where it was named.
    pub(super) fn field(&mut self, base: &Value, name: &str, at: Option<Span>) -> Value {
        self.used_fields.insert(name.to_string());
        let mut value = base.fields.get(name).cloned().unwrap_or_default();
        let consents = self.held.union(carried(base));
        for ty in base.whole_types().collect::<Vec<_>>() {
            // A personal-data type's inner field is the personal data itself.
            if let Some(decl) = self.index().catalogue.type_decl(ty) {
                value.join(&Value::one(
                    Origin::Decl(decl),
                    base.items
                        .get(&Origin::Whole(ty))
                        .cloned()
                        .unwrap_or_default(),
                ));
                continue;
            }
            let trace = base
                .items
                .get(&Origin::Whole(ty))
                .cloned()
                .unwrap_or_default();
            let mut part = self.field_of(ty, name);
            for (origin, t) in part.items.iter_mut() {
                if let Origin::Decl(decl) = origin {
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
                let stepped = value.stepped(*span, StepNote::Bound);
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(name.clone(), stepped);
                }
            }
            Pat::Elements { path, elems } => {
                let ty = self.pattern_type(path);
                for (i, elem) in elems.iter().enumerate() {
                    let key = i.to_string();
                    let part = match ty {
                        Some(ty) => self.field(
                            &value
                                .clone()
                                .joined(&Value::one(Origin::Whole(ty), Trace::default())),
                            &key,
                            bound_at(elem),
                        ),
                        // A tuple built here keeps only its non-empty elements.
                        None if path.is_empty() && !value.fields.is_empty() => {
                            value.fields.get(&key).cloned().unwrap_or_default()
                        }
                        None if path.is_empty() => value.clone(),
                        None => value.clone(),
                    };
                    self.bind(elem, &part);
                }
            }
            Pat::Struct { path, fields } => {
                let mut base = value.clone();
                if let Some(ty) = self.pattern_type(path) {
                    base.join(&Value::one(Origin::Whole(ty), Trace::default()));
                }
                for (name, sub) in fields {
                    let part = self.field(&base, name, bound_at(sub));
                    self.bind(sub, &part);
                }
            }
            Pat::Or(cases) => cases.iter().for_each(|case| self.bind(case, value)),
            Pat::Bool(_) | Pat::Ignore => {}
        }
    }

    pub(super) fn pattern_type(&self, path: &[String]) -> Option<TypeId> {
        if path.is_empty() {
            return None;
        }
        if path == ["Self"] {
            return self.self_type;
        }
        match resolve_call(
            self.index(),
            self.sh.methods,
            self.module,
            self.self_type,
            path,
        ) {
            Callee::Type(ty) => Some(ty),
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
