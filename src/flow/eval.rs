//! Evaluating one function body over abstract values: what each expression may carry, which sinks it
//! reaches, which functions it calls with what, and what it returns (in terms of its parameters).

use super::catalog::{Catalog, SinkKind};
use super::methods::{resolve_call, Callee, MethodTable};
use super::render::{materialize, HandWritten};
use super::value::{Origin, StepNote, Value};
use crate::diagnostic::Span;
use crate::index::{FieldData, FnId, Index, ModuleId, TypeId};
use crate::parse::flow_ir::{Block, Expr, ExprKind, MacroArg, Pat, Render, Stmt};
use crate::parse::{Annotation, Named, TypeRef};
use std::collections::{BTreeSet, HashMap};

/// Methods whose result carries none of the receiver's data.
const NO_DATA_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "contains",
    "contains_key",
    "starts_with",
    "ends_with",
    "cmp",
    "partial_cmp",
    "lt",
    "le",
    "gt",
    "ge",
    "ne",
    "count",
    "capacity",
    "any",
    "all",
    "position",
    "is_ascii",
    "hash",
    "type_id",
    "is_char_boundary",
    "is_digit",
    "is_alphabetic",
    "is_numeric",
];

/// Methods whose result is what their closure returns, not the receiver.
const MAP_LIKE: &[&str] = &[
    "map",
    "filter_map",
    "flat_map",
    "and_then",
    "then",
    "map_or",
    "map_or_else",
    "fold",
    "find_map",
];

/// Functions that serialise a value into memory: no sink, but the result carries what serialising shows.
const SERIALIZERS: &[&str] = &[
    "serde_json::to_string",
    "serde_json::to_string_pretty",
    "serde_json::to_vec",
    "serde_json::to_vec_pretty",
    "serde_json::to_value",
    "toml::to_string",
    "toml::to_string_pretty",
    "serde_yaml::to_string",
    "bincode::serialize",
    "serde_urlencoded::to_string",
];

pub struct Shared<'a> {
    pub index: &'a Index,
    pub catalog: &'a Catalog,
    pub hand: &'a HandWritten,
    pub methods: &'a MethodTable,
    /// Each function's return value, in terms of its parameters (the summaries so far).
    pub returns: &'a [Value],
}

#[derive(Debug, Clone)]
pub struct SinkHit {
    pub span: Span,
    pub kind: SinkKind,
    pub sink: String,
    pub purpose: Option<Named>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct CallSite {
    pub callee: FnId,
    pub args: Vec<Value>,
}

#[derive(Debug, Default, Clone)]
pub struct FnFacts {
    pub ret: Value,
    pub sinks: Vec<SinkHit>,
    pub calls: Vec<CallSite>,
    pub used_fields: BTreeSet<String>,
    pub rendered: BTreeSet<TypeId>,
}

struct Eval<'a> {
    sh: &'a Shared<'a>,
    module: ModuleId,
    self_type: Option<TypeId>,
    scopes: Vec<HashMap<String, Value>>,
    facts: FnFacts,
    /// Inside a sink, sanitizer or encryptor: flows here are not reported.
    boundary: bool,
}

pub fn run(sh: &Shared, id: FnId) -> FnFacts {
    let f = sh.index.func(id);
    let self_type = f
        .owner
        .and_then(|imp| sh.index.impls[imp.0 as usize].self_type);
    let boundary = f.annotations.iter().any(|a| {
        matches!(
            a,
            Annotation::Sink { .. } | Annotation::Sanitizer | Annotation::Encryptor
        )
    });
    let mut eval = Eval {
        sh,
        module: f.module,
        self_type,
        scopes: vec![HashMap::new()],
        facts: FnFacts::default(),
        boundary,
    };
    let mut index = 0u32;
    let mut param_values = Vec::new();
    if f.def.has_self {
        let mut value = Value::one(Origin::Param(0, Render::Value), Vec::new());
        if let Some(ty) = self_type {
            value.join(&Value::one(Origin::Whole(ty), Vec::new()));
        }
        eval.scopes[0].insert("self".to_string(), value.clone());
        param_values.push(("self".to_string(), value));
        index = 1;
    }
    for param in &f.def.params {
        let value = Value::one(Origin::Param(index, Render::Value), Vec::new())
            .joined(&eval.type_value(&param.ty));
        eval.bind(&param.pat, &value);
        param_values.push((param.name.clone().unwrap_or_default(), value));
        index += 1;
    }
    if let Some(instrument) = &f.def.instrument {
        if !instrument.skip_all {
            for (name, value) in param_values
                .iter()
                .filter(|(n, _)| !instrument.skip.contains(n) && n != "self")
            {
                let shown = materialize(sh.index, sh.hand, value, Render::Debug);
                eval.hit(
                    instrument.span,
                    SinkKind::Log,
                    format!("#[instrument] parameter `{name}`"),
                    None,
                    shown,
                );
            }
        }
        let fields = eval.macro_args(&instrument.fields);
        eval.hit(
            instrument.span,
            SinkKind::Log,
            "#[instrument] fields".to_string(),
            None,
            fields,
        );
    }
    if let Some(body) = &f.def.body {
        let value = eval.block(body);
        eval.facts.ret.join(&value);
    }
    // What the signature promises is returned (`-> Customer`), whatever the body was seen to return.
    if let Some(output) = &f.def.output {
        let promised = eval.type_value(output);
        eval.facts.ret.join(&promised);
    }
    eval.facts
}

impl Eval<'_> {
    fn index(&self) -> &Index {
        self.sh.index
    }

    fn hit(
        &mut self,
        span: Span,
        kind: SinkKind,
        sink: String,
        purpose: Option<Named>,
        value: Value,
    ) {
        if self.boundary || value.is_empty() {
            return;
        }
        self.facts.sinks.push(SinkHit {
            span,
            kind,
            sink,
            purpose,
            value,
        });
    }

    /// What a declared type says a value holds: whole values of workspace types, writer handles.
    fn type_value(&self, ty: &TypeRef) -> Value {
        let mut value = Value::default();
        for held in crate::index::carried_types(ty) {
            let resolved = match held.last_name() {
                Some("Self") => self.self_type,
                _ => self.index().resolve_type(self.module, held),
            };
            match resolved {
                Some(t) => value.join(&Value::one(Origin::Whole(t), Vec::new())),
                None => {
                    if let Some(handle) = held
                        .last_name()
                        .and_then(|n| self.sh.catalog.handle_type(n))
                    {
                        value.join(&Value::one(Origin::Handle(handle), Vec::new()));
                    }
                }
            }
        }
        // Writers wrapped in generics (`BufWriter<File>`) are handles too.
        if let TypeRef::Path { segments, .. } = ty {
            if let Some(handle) = segments.last().and_then(|n| self.sh.catalog.handle_type(n)) {
                value.join(&Value::one(Origin::Handle(handle), Vec::new()));
            }
        }
        value
    }

    fn lookup(&self, name: &str) -> Value {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .cloned()
            .unwrap_or_default()
    }

    fn assign(&mut self, name: &str, value: Value, strong: bool) {
        let scope = self.scopes.iter_mut().rev().find(|s| s.contains_key(name));
        match scope {
            Some(scope) => {
                let slot = scope.entry(name.to_string()).or_default();
                if strong {
                    *slot = value;
                } else {
                    slot.join(&value);
                }
            }
            None => {
                if let Some(last) = self.scopes.last_mut() {
                    last.insert(name.to_string(), value);
                }
            }
        }
    }

    fn block(&mut self, block: &Block) -> Value {
        self.scopes.push(HashMap::new());
        for stmt in &block.stmts {
            match stmt {
                Stmt::Let {
                    pat,
                    ty,
                    init,
                    diverge,
                } => {
                    let mut value = init.as_ref().map(|e| self.expr(e)).unwrap_or_default();
                    if let Some(ty) = ty {
                        value.join(&self.type_value(ty));
                    }
                    self.bind(pat, &value);
                    if let Some(diverge) = diverge {
                        self.block(diverge);
                    }
                }
                Stmt::Expr(e) => {
                    self.expr(e);
                }
            }
        }
        let value = block
            .tail
            .as_ref()
            .map(|e| self.expr(e))
            .unwrap_or_default();
        self.scopes.pop();
        value
    }

    /// The value of field `name` of a value of workspace type `ty`.
    fn field_of(&self, ty: TypeId, name: &str) -> Value {
        let info = self.index().ty(ty);
        let Some(position) = info.fields().iter().position(|f| {
            f.name
                .as_deref()
                .map_or_else(|| f.index.to_string() == name, |n| n == name)
        }) else {
            return Value::default();
        };
        let field = &info.fields()[position];
        let mut value = Value::default();
        match self.index().catalogue.field(ty, position) {
            Some(FieldData::Declared(d)) => value.join(&Value::one(Origin::Decl(d), Vec::new())),
            Some(FieldData::OfType(_)) | None | Some(FieldData::Malformed) => {}
        }
        for held in crate::index::carried_types(&field.ty) {
            if let Some(inner) = self.index().resolve_type(info.module, held) {
                value.join(&Value::one(Origin::Whole(inner), Vec::new()));
            }
        }
        value
    }

    fn field(&mut self, base: &Value, name: &str) -> Value {
        self.facts.used_fields.insert(name.to_string());
        let mut value = base.fields.get(name).cloned().unwrap_or_default();
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
            for t in part.items.values_mut() {
                if t.is_empty() {
                    *t = trace.clone();
                }
            }
            value.join(&part);
        }
        value
    }

    fn bind(&mut self, pat: &Pat, value: &Value) {
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
                                .joined(&Value::one(Origin::Whole(ty), Vec::new())),
                            &key,
                        ),
                        None if path.is_empty() => value
                            .fields
                            .get(&key)
                            .cloned()
                            .unwrap_or_else(|| value.clone()),
                        None => value.clone(),
                    };
                    self.bind(elem, &part);
                }
            }
            Pat::Struct { path, fields } => {
                let mut base = value.clone();
                if let Some(ty) = self.pattern_type(path) {
                    base.join(&Value::one(Origin::Whole(ty), Vec::new()));
                }
                for (name, sub) in fields {
                    let part = self.field(&base, name);
                    self.bind(sub, &part);
                }
            }
            Pat::Or(cases) => cases.iter().for_each(|case| self.bind(case, value)),
            Pat::Ignore => {}
        }
    }

    fn pattern_type(&self, path: &[String]) -> Option<TypeId> {
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

    fn macro_args(&mut self, args: &[MacroArg]) -> Value {
        let mut value = Value::default();
        for arg in args {
            let raw = self.expr(&arg.expr);
            if arg.render != Render::Value {
                self.facts.rendered.extend(raw.whole_types());
            }
            value.join(&materialize(self.index(), self.sh.hand, &raw, arg.render));
        }
        value
    }

    /// Evaluates a call of workspace function `callee` with argument values (receiver first for methods).
    fn call(&mut self, callee: FnId, args: Vec<Value>, span: Span) -> Value {
        let index = self.sh.index;
        let f = index.func(callee);
        let name = &f.name;
        let args: Vec<Value> = args
            .iter()
            .map(|a| a.stepped(span, StepNote::Passed(callee)))
            .collect();
        let mut encrypt = false;
        for annotation in &f.annotations {
            match annotation {
                Annotation::Sink { kind, purpose } => {
                    let kind = SinkKind::parse(&kind.value).unwrap_or(SinkKind::Log);
                    let data = args.iter().fold(Value::default(), |v, a| v.joined(a));
                    self.hit(span, kind, format!("`{name}`"), purpose.clone(), data);
                }
                Annotation::Sanitizer => return Value::default(),
                Annotation::Encryptor => encrypt = true,
                _ => {}
            }
        }
        self.facts.calls.push(CallSite {
            callee,
            args: args.clone(),
        });
        let summary = &self.sh.returns[callee.0 as usize];
        let result = substitute(self.index(), self.sh.hand, summary, &args)
            .stepped(span, StepNote::Returned(callee));
        if encrypt {
            let plain = args.iter().fold(result, |v, a| v.joined(a));
            return encrypted(self.index(), self.sh.hand, &plain);
        }
        result
    }

    fn expr(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Path(segments) => match segments.as_slice() {
                [name] if self.scopes.iter().any(|s| s.contains_key(name)) => self.lookup(name),
                // A unit struct used as a value.
                _ => match self.pattern_type(segments) {
                    Some(ty) => Value::one(Origin::Whole(ty), Vec::new()),
                    None => Value::default(),
                },
            },
            ExprKind::Lit | ExprKind::Continue => Value::default(),
            ExprKind::Field(base, name) => {
                let base = self.expr(base);
                self.field(&base, name)
            }
            ExprKind::Call { func, args } => self.call_expr(func, args, expr.span),
            ExprKind::MethodCall {
                receiver,
                method,
                args,
            } => self.method_call(receiver, method, args, expr.span),
            ExprKind::Macro(call) => self.macro_call(
                &call.path,
                call.target.as_ref(),
                &call.reads,
                &call.args,
                expr.span,
            ),
            ExprKind::Struct { path, fields, rest } => {
                let mut value = rest.as_ref().map(|r| self.expr(r)).unwrap_or_default();
                if let Some(ty) = self.pattern_type(path) {
                    value.join(&Value::one(Origin::Whole(ty), Vec::new()));
                }
                for (name, e) in fields {
                    let part = self.expr(e);
                    value.join_field(name, &part);
                }
                value
            }
            ExprKind::Aggregate(items) => {
                let mut value = Value::default();
                for (i, item) in items.iter().enumerate() {
                    let part = self.expr(item);
                    value = value.with_field(&i.to_string(), part);
                }
                value
            }
            ExprKind::Compare(items) => {
                for item in items {
                    self.expr(item);
                }
                Value::default()
            }
            ExprKind::Assign {
                target,
                value,
                compound,
            } => {
                let value = self.expr(value);
                match &target.kind {
                    ExprKind::Path(p) if p.len() == 1 => self.assign(&p[0], value, !compound),
                    ExprKind::Field(base, field) => match &base.kind {
                        ExprKind::Path(p) if p.len() == 1 => {
                            let mut holder = self.lookup(&p[0]);
                            holder.join_field(field, &value);
                            self.assign(&p[0], holder, true);
                        }
                        _ => {
                            self.expr(target);
                        }
                    },
                    ExprKind::Index(base, _) => {
                        if let ExprKind::Path(p) = &base.kind {
                            if p.len() == 1 {
                                self.assign(&p[0], value, false);
                            }
                        }
                    }
                    _ => {
                        self.expr(target);
                    }
                }
                Value::default()
            }
            ExprKind::Closure { params, body } => {
                self.scopes.push(HashMap::new());
                for p in params {
                    self.bind(p, &Value::default());
                }
                let value = self.expr(body);
                self.scopes.pop();
                value
            }
            ExprKind::Block(block) => self.block(block),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let saved = self.scopes.clone();
                self.scopes.push(HashMap::new());
                self.expr(cond);
                let mut value = self.block(then);
                self.scopes.pop();
                let after_then = std::mem::replace(&mut self.scopes, saved);
                if let Some(otherwise) = otherwise {
                    value.join(&self.expr(otherwise));
                }
                self.join_scopes(after_then);
                value
            }
            ExprKind::Let { pat, expr } => {
                let value = self.expr(expr);
                self.bind(pat, &value);
                Value::default()
            }
            ExprKind::Match { scrutinee, arms } => {
                let scrutinee = self.expr(scrutinee);
                let saved = self.scopes.clone();
                let mut value = Value::default();
                let mut outcomes = Vec::new();
                for arm in arms {
                    self.scopes = saved.clone();
                    self.scopes.push(HashMap::new());
                    self.bind(&arm.pat, &scrutinee);
                    if let Some(guard) = &arm.guard {
                        self.expr(guard);
                    }
                    value.join(&self.expr(&arm.body));
                    self.scopes.pop();
                    outcomes.push(std::mem::take(&mut self.scopes));
                }
                self.scopes = saved;
                for outcome in outcomes {
                    self.join_scopes(outcome);
                }
                value
            }
            ExprKind::Loop(body) => {
                self.block(body);
                self.block(body)
            }
            ExprKind::While { cond, body } => {
                for _ in 0..2 {
                    self.scopes.push(HashMap::new());
                    self.expr(cond);
                    self.block(body);
                    self.scopes.pop();
                }
                Value::default()
            }
            ExprKind::For { pat, iter, body } => {
                let items = self.expr(iter).flattened();
                for _ in 0..2 {
                    self.scopes.push(HashMap::new());
                    self.bind(pat, &items);
                    self.block(body);
                    self.scopes.pop();
                }
                Value::default()
            }
            ExprKind::Return(value) => {
                let value = value.as_ref().map(|v| self.expr(v)).unwrap_or_default();
                self.facts.ret.join(&value);
                Value::default()
            }
            ExprKind::Break(value) => value.as_ref().map(|v| self.expr(v)).unwrap_or_default(),
            ExprKind::Try(inner) | ExprKind::Transparent(inner) => self.expr(inner),
            ExprKind::Index(base, index) => {
                self.expr(index);
                self.expr(base).flattened()
            }
        }
    }

    /// Variables known before a branch get what either branch gave them.
    fn join_scopes(&mut self, other: Vec<HashMap<String, Value>>) {
        for (mine, theirs) in self.scopes.iter_mut().zip(other) {
            for (name, value) in theirs {
                mine.entry(name).or_default().join(&value);
            }
        }
    }

    fn call_expr(&mut self, func: &Expr, args: &[Expr], span: Span) -> Value {
        let values: Vec<Value> = args.iter().map(|a| self.expr(a)).collect();
        let ExprKind::Path(segments) = &func.kind else {
            let callee = self.expr(func);
            return values.iter().fold(callee, |v, a| v.joined(a));
        };
        if segments.len() == 1 && self.scopes.iter().any(|s| s.contains_key(&segments[0])) {
            let callee = self.lookup(&segments[0]);
            return values.iter().fold(callee, |v, a| v.joined(a));
        }
        match resolve_call(
            self.index(),
            self.sh.methods,
            self.module,
            self.self_type,
            segments,
        ) {
            Callee::Fns(fns) if !fns.is_empty() => {
                let mut result = Value::default();
                for callee in fns {
                    result.join(&self.call(callee, values.clone(), span));
                }
                result
            }
            Callee::Type(ty) => {
                let mut value = Value::one(Origin::Whole(ty), Vec::new());
                for (i, part) in values.into_iter().enumerate() {
                    value = value.with_field(&i.to_string(), part);
                }
                value
            }
            Callee::Fns(_) => values.iter().fold(Value::default(), |v, a| v.joined(a)),
            Callee::External(full) => self.external_call(&full, segments, values, span),
        }
    }

    fn external_call(
        &mut self,
        full: &str,
        written: &[String],
        values: Vec<Value>,
        span: Span,
    ) -> Value {
        let written = written.join("::");
        let all = values.iter().fold(Value::default(), |v, a| v.joined(a));
        if let Some(handle) = self
            .sh
            .catalog
            .handle_constructor(&[full, written.as_str()])
        {
            return all.joined(&Value::one(Origin::Handle(handle), Vec::new()));
        }
        if let Some(entry) = self
            .index()
            .config
            .sinks
            .iter()
            .find(|s| s.path.value == full || s.path.value == written)
        {
            // A `[[sinks]]` entry for a function outside the workspace (a vendor SDK's send function).
            let kind = SinkKind::parse(&entry.kind.value).unwrap_or(SinkKind::Log);
            let purpose = entry.purpose.as_ref().map(|p| Named {
                value: p.value.clone(),
                span: span_in_config(self.index(), &p.span),
            });
            self.hit(span, kind, format!("`{full}`"), purpose, all);
            return Value::default();
        }
        let sink = self
            .sh
            .catalog
            .function_sink(full)
            .or_else(|| self.sh.catalog.function_sink(&written))
            .cloned();
        if let Some(sink) = sink {
            let render = sink.render.render();
            let mut data = Value::default();
            for (i, value) in values.iter().enumerate() {
                if sink.args.as_ref().is_none_or(|args| args.contains(&i)) {
                    self.facts.rendered.extend(value.whole_types());
                    data.join(&materialize(self.index(), self.sh.hand, value, render));
                }
            }
            self.hit(span, sink.kind, format!("`{}`", full), None, data);
            return Value::default();
        }
        if SERIALIZERS.contains(&full) {
            self.facts.rendered.extend(all.whole_types());
            return materialize(self.index(), self.sh.hand, &all, Render::Serialize);
        }
        all
    }

    fn method_call(&mut self, receiver: &Expr, method: &str, args: &[Expr], span: Span) -> Value {
        let receiver_value = self.expr(receiver);
        let mut values = Vec::new();
        let mut closure_results = Value::default();
        // A closure given to a method sees the receiver's elements: everything the receiver holds.
        let elements = receiver_value.flattened();
        for arg in args {
            match &arg.kind {
                ExprKind::Closure { params, body } => {
                    self.scopes.push(HashMap::new());
                    for p in params {
                        self.bind(p, &elements);
                    }
                    closure_results.join(&self.expr(body));
                    self.scopes.pop();
                }
                _ => values.push(self.expr(arg)),
            }
        }
        if NO_DATA_METHODS.contains(&method) {
            return Value::default();
        }
        let mut targets: Vec<FnId> = receiver_value
            .whole_types()
            .flat_map(|t| self.sh.methods.of_type(t, method).to_vec())
            .collect();
        if targets.is_empty() && receiver_value.whole_types().next().is_none() {
            targets.extend(self.sh.methods.unique(method));
        }
        if !targets.is_empty() {
            let mut result = Value::default();
            let all_args: Vec<Value> = std::iter::once(receiver_value.clone())
                .chain(values.iter().cloned())
                .collect();
            for target in targets {
                result.join(&self.call(target, all_args.clone(), span));
            }
            return result;
        }
        if self.method_sink(receiver, &receiver_value, method, &values, span) {
            return Value::default();
        }
        if method == "to_string" {
            self.facts.rendered.extend(receiver_value.whole_types());
            return materialize(self.index(), self.sh.hand, &receiver_value, Render::Display);
        }
        let others = values.iter().fold(Value::default(), |v, a| v.joined(a));
        if MAP_LIKE.contains(&method) {
            return closure_results.joined(&others);
        }
        receiver_value.joined(&others).joined(&closure_results)
    }

    /// A catalogue method sink (`.bind(x)` on a sqlx query, `.json(&x)` on a request, `write_all` on a
    /// file): records the hit and says whether there was one.
    fn method_sink(
        &mut self,
        receiver: &Expr,
        receiver_value: &Value,
        method: &str,
        values: &[Value],
        span: Span,
    ) -> bool {
        let catalog = self.sh.catalog;
        for handle in receiver_value.handles().collect::<Vec<_>>() {
            let entry = &catalog.handles[handle as usize];
            if entry.write_methods.iter().any(|m| m == method) {
                let data = self.rendered_args(values, None, entry.render.render());
                self.hit(
                    span,
                    entry.kind,
                    format!("`.{method}(..)` on a writer"),
                    None,
                    data,
                );
                return true;
            }
        }
        let chain = receiver_chain(receiver);
        let root = chain_root(receiver).map(|segments| {
            let full = self
                .index()
                .modules
                .written_in_full(self.module, &segments)
                .join("::");
            (segments.join("::"), full)
        });
        for sink in catalog
            .methods
            .iter()
            .filter(|s| s.names.iter().any(|n| n == method))
        {
            let chained = sink.chain.is_empty() || chain.iter().any(|m| sink.chain.contains(m));
            let rooted = sink.chain_roots.is_empty()
                || root.as_ref().is_some_and(|(written, full)| {
                    sink.chain_roots.iter().any(|r| r == written || r == full)
                });
            let typed = sink.receiver_types.is_empty()
                || receiver_names(receiver).iter().any(|n| {
                    sink.receiver_types
                        .iter()
                        .any(|t| n.eq_ignore_ascii_case(t))
                });
            let named = sink.receiver_names.is_empty()
                || matches!(&receiver.kind, ExprKind::Path(p) if p.len() == 1 && sink.receiver_names.contains(&p[0]));
            if chained && rooted && typed && named {
                let data = self.rendered_args(values, sink.args.as_deref(), sink.render.render());
                self.hit(span, sink.kind, format!("`.{method}(..)`"), None, data);
                return true;
            }
        }
        false
    }

    fn rendered_args(&mut self, values: &[Value], only: Option<&[usize]>, render: Render) -> Value {
        let mut data = Value::default();
        for (i, value) in values.iter().enumerate() {
            if only.is_none_or(|only| only.contains(&i)) {
                if render != Render::Value {
                    self.facts.rendered.extend(value.whole_types());
                }
                data.join(&materialize(self.index(), self.sh.hand, value, render));
            }
        }
        data
    }

    fn macro_call(
        &mut self,
        path: &[String],
        target: Option<&Expr>,
        reads: &[Expr],
        args: &[MacroArg],
        span: Span,
    ) -> Value {
        for read in reads {
            self.expr(read);
        }
        let name = path.last().map(String::as_str).unwrap_or_default();
        let data = self.macro_args(args);
        if let Some(target) = target {
            let destination = self.expr(target);
            let handle = destination.handles().next();
            match handle {
                Some(h) => {
                    let kind = self.sh.catalog.handles[h as usize].kind;
                    self.hit(span, kind, format!("`{name}!` into a writer"), None, data);
                }
                None => {
                    if let ExprKind::Path(p) = &target.kind {
                        if p.len() == 1 {
                            self.assign(&p[0], data, false);
                        }
                    }
                }
            }
            return Value::default();
        }
        if let Some(kind) = self.sh.catalog.macro_sink(path) {
            self.hit(span, kind, format!("`{name}!`"), None, data);
            return Value::default();
        }
        // `format!`, `anyhow!`, `dbg!` and unknown macros: the result carries what they were given.
        data
    }
}

/// A byte range of `pii-lint.toml` as a span (where config purposes are declared).
fn span_in_config(index: &Index, range: &std::ops::Range<usize>) -> Span {
    let file = index.config_file.unwrap_or(crate::workspace::FileId(0));
    let text = index.workspace.text(file).unwrap_or_default();
    Span::from_byte_range(file, text, range.clone())
}

/// Replaces parameter markers of a callee's summary by what the call passes.
pub fn substitute(index: &Index, hand: &HandWritten, summary: &Value, args: &[Value]) -> Value {
    let mut out = Value::default();
    for (origin, trace) in &summary.items {
        match origin {
            Origin::Param(i, render) => {
                if let Some(arg) = args.get(*i as usize) {
                    out.join(&materialize(index, hand, arg, *render));
                }
            }
            other => {
                out.items.entry(*other).or_insert_with(|| trace.clone());
            }
        }
    }
    for (name, value) in &summary.fields {
        let part = substitute(index, hand, value, args);
        out.join_field(name, &part);
    }
    out
}

/// The value after an encryptor: its personal data is still there, but protected.
fn encrypted(index: &Index, hand: &HandWritten, value: &Value) -> Value {
    let shown = super::solve::extract(index, hand, value);
    let mut out = Value::default();
    for (origin, trace) in shown.items {
        let protected = match origin {
            Origin::Decl(d) => Origin::Encrypted(d),
            other => other,
        };
        out.items.entry(protected).or_insert(trace);
    }
    out
}

/// The methods called along a receiver chain (`client.post(url).header(..)` → post, header).
fn receiver_chain(expr: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = expr;
    loop {
        match &current.kind {
            ExprKind::MethodCall {
                receiver, method, ..
            } => {
                names.push(method.to_string());
                current = receiver;
            }
            ExprKind::Try(inner) | ExprKind::Transparent(inner) => current = inner,
            _ => return names,
        }
    }
}

/// The function called at the start of a receiver chain (`sqlx::query("..").bind(..)` → sqlx::query).
fn chain_root(expr: &Expr) -> Option<Vec<String>> {
    match &expr.kind {
        ExprKind::MethodCall { receiver, .. } => chain_root(receiver),
        ExprKind::Try(inner) | ExprKind::Transparent(inner) => chain_root(inner),
        ExprKind::Call { func, .. } => match &func.kind {
            ExprKind::Path(p) => Some(p.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The names a receiver is written with (a variable, or the segments of the call it starts with).
fn receiver_names(expr: &Expr) -> Vec<String> {
    match &expr.kind {
        ExprKind::Path(p) => p.clone(),
        _ => chain_root(expr).unwrap_or_default(),
    }
}
