//! Evaluating one function body over abstract values: what each expression may carry, which sinks it
//! reaches, which functions it calls with what, and what it returns (in terms of its parameters).

use super::catalog::{Catalog, SinkKind};
use super::guards::{carried, diverges, ConsentSet, ConsentTable};
use super::methods::MethodTable;
use super::render::materialize;
use super::types::TypeFacts;
use super::value::{Origin, Trace, Value};
use crate::diagnostic::Span;
use crate::index::{DeclId, Def, FnId, ImplId, Index, ModuleId, TypeId};
use crate::parse::flow_ir::{Block, Expr, ExprKind, Pat, Render, Stmt};
use crate::parse::{Annotation, TypeRef};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

pub struct Shared<'a> {
    pub index: &'a Index,
    pub catalog: &'a Catalog,
    pub types: &'a TypeFacts,
    pub methods: &'a MethodTable,
    pub overloads: &'a super::overloads::Overloads,
    /// Each function's return value, in terms of its parameters (the summaries so far).
    pub returns: &'a [std::sync::Arc<Value>],
    /// What every function evaluated so far read and rendered, gathered here rather than kept per function.
    pub seen: &'a Mutex<Seen>,
    pub consents: &'a ConsentTable,
    pub names: &'a super::value::FnNames,
}

/// Hashed, not ordered: tens of thousands of evaluations add to them (a language server's taken ones each
/// look up every field they read), and only the run's end needs them in order.
#[derive(Debug, Default)]
pub struct Seen {
    pub used_fields: rustc_hash::FxHashSet<String>,
    pub rendered: rustc_hash::FxHashSet<TypeId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SinkHit {
    pub span: Span,
    pub kind: SinkKind,
    pub sink: String,
    /// The purpose the sink's declaration gives (its name: where it is written is in the index).
    pub purpose: Option<String>,
    /// Who receives it, as a `[[sinks]]` entry says.
    pub recipient: Option<String>,
    pub value: Value,
    /// Consents held at the call (in this function; callers' guards are added by the solver).
    pub consents: ConsentSet,
}

#[derive(Debug, Clone)]
pub struct CallSite {
    pub callee: FnId,
    pub span: Span,
    /// What each argument carries (without the step of this call), shared by the call sites of one call
    /// expression; none when no argument carries anything, as at most calls.
    pub kept: Option<Arc<[Value]>>,
    pub consents: ConsentSet,
}

impl CallSite {
    pub fn args(&self) -> &[Value] {
        self.kept.as_deref().unwrap_or_default()
    }
}

/// An expression that reads one declaration, and the consents held there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReadHit {
    pub span: Span,
    pub decl: DeclId,
    pub consents: ConsentSet,
}

/// What an evaluation finds, as it finds it.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    pub ret: Value,
    pub sinks: Vec<SinkHit>,
    pub calls: Vec<CallSite>,
    pub reads: Vec<ReadHit>,
}

/// What an evaluation found, kept until the end of the run (and by a language server, for the next):
/// all but the calls shared, so renumbering the functions called copies only the calls.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct FnFacts {
    pub ret: Arc<Value>,
    pub sinks: Arc<[SinkHit]>,
    #[serde(with = "super::stored::calls")]
    pub calls: Vec<CallSite>,
    /// The functions the calls reach, sorted, each once.
    #[serde(with = "super::stored::functions")]
    pub callees: Arc<[u32]>,
    /// Which of the calls keep what their arguments carry (by position in `calls`): the only ones the
    /// solver hands on to parameters.
    pub passing: Arc<[u32]>,
    pub reads: Arc<[ReadHit]>,
}

/// The functions `calls` reach, sorted, each once.
pub fn callees_of(calls: &[CallSite]) -> Arc<[u32]> {
    let mut callees: Vec<u32> = calls.iter().map(|call| call.callee.0).collect();
    callees.sort_unstable();
    callees.dedup();
    callees.into()
}

impl Facts {
    /// Without spare capacity: the facts of every function are kept until the end of the run.
    pub fn compacted(mut self) -> FnFacts {
        self.calls.shrink_to_fit();
        let passing = (self.calls.iter().enumerate())
            .filter(|(_, call)| !call.args().is_empty())
            .map(|(at, _)| at as u32)
            .collect();
        FnFacts {
            ret: Arc::new(self.ret.compacted()),
            sinks: self.sinks.into(),
            callees: callees_of(&self.calls),
            calls: self.calls,
            passing,
            reads: self.reads.into(),
        }
    }
}

pub(super) struct Eval<'a> {
    pub(super) sh: &'a Shared<'a>,
    pub(super) module: ModuleId,
    pub(super) self_type: Option<TypeId>,
    /// The impl block the function is in.
    pub(super) owner: Option<ImplId>,
    pub(super) scopes: Vec<HashMap<String, Value>>,
    pub(super) facts: Facts,
    /// Inside a sink, sanitizer or encryptor: reads here are not reported.
    pub(super) boundary: bool,
    /// Inside a declared sink: flows to sinks of its own kind are not reported (SPEC 2.4: a `println!` in
    /// an export sink is still a log leak).
    pub(super) own_kinds: Vec<SinkKind>,
    /// Inside a sanitizer or encryptor: the functions it calls do its work, so what it passes them is
    /// not followed either (an encryption service's HTTP client is no export of the data it seals).
    pub(super) protecting: bool,
    /// Inside a consent check: it reads who the consumer is to find their consent, which needs no consent.
    pub(super) checking_consent: bool,
    /// Consents that hold where evaluation is (see `guards`).
    pub(super) held: ConsentSet,
    /// Consents the statement being evaluated proves for the rest of its block (`check()?`, `ensure!`).
    pub(super) after_stmt: ConsentSet,
    /// Calls of condition consent checks so far: their span and consent.
    pub(super) check_calls: Vec<(Span, u8, super::guards::Answer)>,
    /// Field names read here, and types rendered whole: handed to `Shared::seen` when the function is done.
    pub(super) used_fields: BTreeSet<String>,
    pub(super) rendered: BTreeSet<TypeId>,
    /// Locals holding a check's answer (`let ok = check(c);`): what holds when they are true and false.
    pub(super) answers: HashMap<String, (ConsentSet, ConsentSet)>,
    /// The functions whose summaries (`Shared::returns`) were read, when a `Trail` is kept.
    pub(super) summaries_read: Option<Vec<u32>>,
}

/// What an evaluation read and handed to `Shared::seen`, besides its facts: what `FlowMemo` keeps.
#[derive(Debug, Default)]
pub struct Trail {
    /// The functions whose summaries it read, each once, in no particular order.
    pub summaries_read: Vec<u32>,
    pub used_fields: Vec<String>,
    pub rendered: Vec<TypeId>,
}

/// The element types of a tuple type (also behind `&`).
fn bare_tuple(ty: &TypeRef) -> Option<&[TypeRef]> {
    match ty {
        TypeRef::Tuple(items) => Some(items),
        TypeRef::Ref(inner) => bare_tuple(inner),
        _ => None,
    }
}

/// How many aliases of aliases a type is followed through.
const ALIAS_DEPTH: usize = 8;

pub fn run(sh: &Shared, id: FnId) -> Facts {
    run_with(sh, id, None)
}

/// `run`, saying in `trail` what the evaluation read and saw.
pub fn run_recorded(sh: &Shared, id: FnId) -> (Facts, Trail) {
    let mut trail = Trail::default();
    let facts = run_with(sh, id, Some(&mut trail));
    trail.summaries_read.sort_unstable();
    trail.summaries_read.dedup();
    (facts, trail)
}

fn run_with(sh: &Shared, id: FnId, mut trail: Option<&mut Trail>) -> Facts {
    let (facts, constructs) = evaluate(sh, id, &[], trail.as_deref_mut());
    // A constructor of a personal-data type (`SubscriberEmail::parse(s)`): the parameters it puts into
    // the value are that data from the start of the body, so an error quoting one carries it (SPEC 4.4).
    let Some(decl) = constructs else {
        return facts;
    };
    let mut put_in: Vec<u32> = facts
        .ret
        .ok_part()
        .flattened()
        .items
        .keys()
        .filter_map(|origin| match origin {
            Origin::Param(i, _) | Origin::ParamPart(i, _, _) => Some(*i),
            _ => None,
        })
        .collect();
    put_in.dedup();
    if put_in.is_empty() {
        return facts;
    }
    let constructed: Vec<(u32, DeclId)> = put_in.into_iter().map(|i| (i, decl)).collect();
    evaluate(sh, id, &constructed, trail).0
}

/// Evaluates a function's body; `constructed` parameters (by index, `self` counted) are personal data
/// from the start. Also says which personal-data type's declaration the function returns a value of.
fn evaluate(
    sh: &Shared,
    id: FnId,
    constructed: &[(u32, DeclId)],
    trail: Option<&mut Trail>,
) -> (Facts, Option<DeclId>) {
    let f = sh.index.func(id);
    let lowered = f.def.lowered.decode();
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
        owner: f.owner,
        scopes: vec![HashMap::default()],
        facts: Facts::default(),
        boundary,
        own_kinds: f
            .annotations
            .iter()
            .filter_map(|a| match a {
                Annotation::Sink { kind, .. } => SinkKind::parse(&kind.value),
                _ => None,
            })
            .collect(),
        protecting: f
            .annotations
            .iter()
            .any(|a| matches!(a, Annotation::Sanitizer | Annotation::Encryptor)),
        checking_consent: f
            .annotations
            .iter()
            .any(|a| matches!(a, Annotation::ConsentCheck(_))),
        held: ConsentSet::default(),
        after_stmt: ConsentSet::default(),
        check_calls: Vec::new(),
        answers: HashMap::default(),
        used_fields: BTreeSet::new(),
        rendered: BTreeSet::new(),
        summaries_read: trail.is_some().then(Vec::new),
    };
    eval.held = eval.proofs_of(&lowered.params);
    let mut index = 0u32;
    let mut param_values = Vec::new();
    if f.def.has_self {
        let mut value = Value::one(Origin::Param(0, Render::Value), Trace::default());
        if let Some(ty) = self_type {
            value.join(&Value::one(Origin::Whole(ty), Trace::default()));
        }
        // In a trait's default body, `self` is any implementor.
        let imp = f.owner.map(|imp| &sh.index.impls[imp.0 as usize]);
        if let Some(t) = imp.filter(|i| i.defaults_of_trait).and_then(|i| i.trait_id) {
            value.join(&Value::one(Origin::Dyn(t), Trace::default()));
        }
        eval.scopes[0].insert("self".to_string(), value.clone());
        param_values.push(("self".to_string(), value));
        index = 1;
    }
    let declared_params = sh.index.catalogue.param_decls.get(&id);
    for param in &lowered.params {
        let mut value = eval.param_value(Origin::Param(index, Render::Value), &param.ty);
        // A parameter `[[data]]` declares is that data, whatever callers pass.
        let declared: Vec<(&String, Value)> = declared_params
            .into_iter()
            .flatten()
            .filter(|(name, _)| param.pat.binding(name).is_some())
            .map(|(name, decl)| (name, Value::one(Origin::Decl(*decl), Trace::default())))
            .collect();
        for (_, data) in &declared {
            value.join(data);
        }
        for (_, decl) in constructed.iter().filter(|(i, _)| *i == index) {
            value.join(&Value::one(Origin::Decl(*decl), Trace::default()));
        }
        match (&param.pat, bare_tuple(&param.ty)) {
            // `(card, item): (&Card, Data)`: each element gets only what callers put in it.
            (Pat::Elements { path, elems }, Some(types))
                if path.is_empty() && elems.len() == types.len() =>
            {
                for (element, (pat, ty)) in elems.iter().zip(types).enumerate() {
                    let origin = Origin::ParamPart(index, element as u16, Render::Value);
                    let part = eval.param_value(origin, ty);
                    eval.bind(pat, &part);
                }
            }
            _ => eval.bind(&param.pat, &value),
        }
        // The name bound inside a pattern (`Path(username)`) is the data, whatever the wrapper's shape.
        for (name, data) in declared {
            if let Some(bound) = eval.scopes[0].get_mut(name.as_str()) {
                bound.join(&data);
            }
        }
        param_values.push((param.name.clone().unwrap_or_default(), value));
        index += 1;
    }
    if let Some(instrument) = &lowered.instrument {
        if !instrument.skip_all {
            for (name, value) in param_values
                .iter()
                .filter(|(n, _)| !instrument.skip.contains(n) && n != "self")
            {
                let shown = materialize(sh.index, sh.types, value, Render::Debug);
                eval.hit(
                    instrument.span,
                    SinkKind::Log,
                    format!("#[instrument] parameter `{name}`"),
                    None,
                    shown,
                );
            }
        }
        let fields = eval.macro_args(&instrument.fields, instrument.span);
        eval.hit(
            instrument.span,
            SinkKind::Log,
            "#[instrument] fields".to_string(),
            None,
            fields,
        );
    }
    if let Some(body) = &lowered.body {
        let value = eval.block(body);
        eval.facts.ret.join(&value);
    }
    // What the signature promises is returned (`-> Customer`), whatever the body was seen to return.
    if let Some(output) = &lowered.output {
        // Types the body is not seen to return are promised whole; one it builds is what it built.
        let built: Vec<TypeId> = eval.facts.ret.flattened().whole_types().collect();
        let mut promised = eval.type_value(output);
        promised
            .items
            .retain(|origin, _| !matches!(origin, Origin::Whole(t) if built.contains(t)));
        eval.facts.ret.join(&promised);
        let returned = std::mem::take(&mut eval.facts.ret);
        eval.facts.ret = eval.within_type(output, returned);
    }
    // `#[instrument(ret)]` and `#[instrument(err)]` record what the function returns.
    if let Some(instrument) = &lowered.instrument {
        let returned = eval.facts.ret.clone();
        let recorded = [
            (instrument.ret, returned.ok_part(), "return value"),
            (instrument.err, returned.err_part(), "error"),
        ];
        for (render, value, what) in recorded {
            if let Some(render) = render {
                let shown = materialize(sh.index, sh.types, &value, render);
                eval.hit(
                    instrument.span,
                    SinkKind::Log,
                    format!("#[instrument] {what}"),
                    None,
                    shown,
                );
            }
        }
    }
    eval.facts.ret = std::mem::take(&mut eval.facts.ret).compacted();
    eval.facts.reads.sort();
    eval.facts.reads.dedup();
    eval.facts.reads.shrink_to_fit();
    if let Some(trail) = trail {
        trail
            .summaries_read
            .extend(eval.summaries_read.take().unwrap_or_default());
        trail.used_fields.extend(eval.used_fields.iter().cloned());
        trail.rendered.extend(eval.rendered.iter().copied());
    }
    if let Ok(mut seen) = sh.seen.lock() {
        // `extend`, not `append`: appending rebuilds the whole (large) set for each function.
        seen.used_fields
            .extend(std::mem::take(&mut eval.used_fields));
        seen.rendered.extend(std::mem::take(&mut eval.rendered));
    }
    let constructs = lowered
        .output
        .as_ref()
        .and_then(|output| eval.constructed_type(output))
        .and_then(|ty| sh.index.catalogue.type_decl(ty));
    (eval.facts, constructs)
}

impl Eval<'_> {
    pub(super) fn index(&self) -> &Index {
        self.sh.index
    }

    pub(super) fn hit(
        &mut self,
        span: Span,
        kind: SinkKind,
        sink: String,
        purpose: Option<String>,
        value: Value,
    ) {
        self.hit_declared(span, kind, sink, purpose, None, value);
    }

    /// A call of a sink the merchant declared, which may name who receives the data.
    pub(super) fn hit_declared(
        &mut self,
        span: Span,
        kind: SinkKind,
        sink: String,
        purpose: Option<String>,
        recipient: Option<String>,
        value: Value,
    ) {
        // A commercial message is checked for consent even when it carries no personal data.
        let inside = self.protecting || self.own_kinds.contains(&kind);
        if inside || (value.is_empty() && kind != SinkKind::CommercialMessage) {
            return;
        }
        let consents = self.held.union(carried(&value));
        self.facts.sinks.push(SinkHit {
            span,
            kind,
            sink,
            purpose,
            recipient,
            value,
            consents,
        });
    }

    /// What a declared type says a value holds: whole values of workspace types, writer handles.
    pub(super) fn type_value(&self, ty: &TypeRef) -> Value {
        let mut value = Value::default();
        for held in crate::index::carried_types(ty) {
            let defs = match held.last_name() {
                Some("Self") => self.self_type.map(Def::Type).into_iter().collect(),
                _ => self.index().resolve_written(self.module, held),
            };
            // `type BoxedOperation = Box<dyn Operation>`: the workspace types and traits it stands for.
            if let Some((module, aliased)) = defs.iter().find_map(|d| self.index().alias(*d)) {
                value.join(&self.aliased_value(module, aliased, ALIAS_DEPTH));
                continue;
            }
            let resolved: Vec<TypeId> = defs.iter().filter_map(|d| d.as_type()).collect();
            for t in &resolved {
                value.join(&Value::one(Origin::Whole(*t), Trace::default()));
            }
            for t in self.index().resolve_traits(self.module, held) {
                value.join(&Value::one(Origin::Dyn(t), Trace::default()));
            }
            let handle = held
                .last_name()
                .and_then(|n| self.sh.catalog.handle_type(n));
            if let (true, Some(handle)) = (resolved.is_empty(), handle) {
                value.join(&Value::one(Origin::Handle(handle), Trace::default()));
            }
        }
        let foreign = &self.index().catalogue.foreign_decls;
        if !foreign.is_empty() {
            self.declared_dependency_types(ty, &mut value);
        }
        // Writers wrapped in generics (`BufWriter<File>`) are handles too.
        if let TypeRef::Path { segments, .. } = ty {
            if let Some(handle) = segments.last().and_then(|n| self.sh.catalog.handle_type(n)) {
                value.join(&Value::one(Origin::Handle(handle), Trace::default()));
            }
        }
        value
    }

    /// The workspace types and traits a type written in `module` stands for, through aliases (aliases of
    /// aliases followed `depth` deep).
    fn aliased_value(&self, module: ModuleId, ty: &TypeRef, depth: usize) -> Value {
        let mut value = Value::default();
        let index = self.index();
        for held in crate::index::carried_types(ty) {
            if let (Some((inner_module, inner)), true) = (index.alias_of(module, held), depth > 0) {
                value.join(&self.aliased_value(inner_module, inner, depth - 1));
                continue;
            }
            for t in index.resolve_types(module, held) {
                value.join(&Value::one(Origin::Whole(t), Trace::default()));
            }
            for t in index.resolve_traits(module, held) {
                value.join(&Value::one(Origin::Dyn(t), Trace::default()));
            }
        }
        value
    }

    /// A value of a workspace trait object type (`Box<dyn StorageInterface>`, `&impl Store`, `S: Store`)
    /// is known only by its traits: the concrete value behind it (a mock database holding records, a
    /// client holding its settings) is not data that the code passes on, and its methods see it only as
    /// the trait.
    fn trait_object(&self, ty: &TypeRef) -> Option<Value> {
        let held = crate::index::carried_types(ty);
        let mut value = Value::default();
        for t in &held {
            let traits = self.index().resolve_traits(self.module, t);
            if traits.is_empty() {
                return None;
            }
            for t in traits {
                value.join(&Value::one(Origin::Dyn(t), Trace::default()));
            }
        }
        (!held.is_empty()).then_some(value)
    }

    /// The workspace type a constructor's declared output makes: `Self`, `T`, `Option<T>`, `Result<T, _>`.
    fn constructed_type(&self, output: &TypeRef) -> Option<TypeId> {
        let made = match output {
            TypeRef::Path { segments, args }
                if matches!(
                    segments.last().map(String::as_str),
                    Some("Option" | "Result")
                ) =>
            {
                args.first()?
            }
            other => other,
        };
        match made.last_name() {
            Some("Self") => self.self_type,
            _ => self.index().resolve_type(self.module, made),
        }
    }

    /// The dependency types `[[data]]` declares that a written type names, also inside generics
    /// (`Option<ConnectInfo<SocketAddr>>`), matched by the full path code names them with.
    fn declared_dependency_types(&self, ty: &TypeRef, value: &mut Value) {
        match ty {
            TypeRef::Path { segments, args } => {
                let full = self.index().modules.written_in_full(self.module, segments);
                let (full, written) = (full.join("::"), segments.join("::"));
                for (path, decl) in &self.index().catalogue.foreign_decls {
                    if *path == full || *path == written {
                        value.join(&Value::one(Origin::Decl(*decl), Trace::default()));
                    }
                }
                for arg in args {
                    self.declared_dependency_types(arg, value);
                }
            }
            TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
                self.declared_dependency_types(inner, value)
            }
            TypeRef::Tuple(items) => {
                for item in items {
                    self.declared_dependency_types(item, value);
                }
            }
            TypeRef::Dyn(_) | TypeRef::Other => {}
        }
    }

    /// Whether a call goes to a workspace function or a method some workspace impl defines.
    fn calls_workspace_code(&self, call: &Expr) -> bool {
        match &call.kind {
            ExprKind::MethodCall { method, .. } => self.sh.methods.defines(method),
            _ => !self.workspace_callees(call).is_empty(),
        }
    }

    /// The workspace functions a call may reach by its path, or by its method's name.
    fn workspace_callees(&self, call: &Expr) -> Vec<FnId> {
        match &call.kind {
            ExprKind::Call { func, .. } => match &func.kind {
                ExprKind::Path(segments) => match super::methods::resolve_call(
                    self.index(),
                    self.sh.methods,
                    self.module,
                    self.self_type,
                    segments,
                ) {
                    super::methods::Callee::Fns(fns) => fns,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            },
            ExprKind::MethodCall { method, .. } => self.sh.methods.named(method).to_vec(),
            _ => Vec::new(),
        }
    }

    /// Whether every workspace function a call may reach returns one of its type parameters, alone or as
    /// the first argument of its result type (`-> T`, `-> Result<T, E>`, `-> Option<T>`).
    fn returns_type_parameter(&self, call: &Expr) -> bool {
        let fns = self.workspace_callees(call);
        !fns.is_empty()
            && fns.iter().all(|f| {
                self.index()
                    .func(*f)
                    .def
                    .lowered
                    .signature()
                    .returns_type_param
            })
    }

    /// A parameter's value: what callers pass (`marker`), and what its type says; nothing but the type
    /// when the type cannot hold text (`bool`, `u64`, an id newtype).
    fn param_value(&self, marker: Origin, ty: &TypeRef) -> Value {
        if self.sh.types.carries_nothing(self.index(), self.module, ty) {
            return self.type_value(ty);
        }
        Value::one(marker, Trace::default()).joined(&self.type_value(ty))
    }

    /// What a value of declared type `ty` can carry of `value`: no data when the type cannot hold text
    /// (`bool`, `usize`, `Option<Uuid>`), only the error side of a `Result` whose success side cannot.
    pub(super) fn within_type(&self, ty: &TypeRef, value: Value) -> Value {
        let types = self.sh.types;
        // Only the type itself is kept, for the methods called on the value.
        if types.carries_nothing(self.index(), self.module, ty) {
            return self.type_value(ty);
        }
        if let Some(object) = self.trait_object(ty) {
            return object;
        }
        // `let mut am: user::ActiveModel = model.into();`: a record handle from here on.
        let handle = ty.last_name().and_then(|n| self.sh.catalog.handle_type(n));
        let value = match handle {
            Some(h) => value.joined(&Value::one(Origin::Handle(h), Trace::default())),
            None => value,
        };
        if let TypeRef::Path { segments, args } = ty {
            let success_is_empty = args
                .first()
                .is_some_and(|ok| types.carries_nothing(self.index(), self.module, ok));
            if segments.last().is_some_and(|n| n == "Result") && success_is_empty {
                return Value::err(value.err_part());
            }
        }
        value
    }

    pub(super) fn lookup(&self, name: &str) -> Value {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn assign(&mut self, name: &str, value: Value, strong: bool) {
        self.answers.remove(name);
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

    pub(super) fn block(&mut self, block: &Block) -> Value {
        self.scopes.push(HashMap::default());
        let (held, after) = (self.held, self.after_stmt);
        self.after_stmt = ConsentSet::default();
        for stmt in &block.stmts {
            match stmt {
                Stmt::Let {
                    pat,
                    ty,
                    init,
                    diverge,
                } => {
                    let mut value = match (init, diverge) {
                        // `let Some(x) = check(..) else { return };`
                        (Some(init), Some(_)) => self.let_else(pat, init),
                        // A closure kept in a variable runs wherever it is called later, under guards
                        // not known here: its consents are not judged (leaks in it still are).
                        (Some(init), None) if matches!(init.kind, ExprKind::Closure { .. }) => {
                            self.holding(ConsentSet::ALL, |eval| eval.expr(init))
                        }
                        (Some(init), None) => self.let_init(pat, init),
                        (None, _) => Value::default(),
                    };
                    if let Some(ty) = ty {
                        value.join(&self.type_value(ty));
                        value = self.within_type(ty, value);
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
            self.held = self.held.union(std::mem::take(&mut self.after_stmt));
        }
        let value = block
            .tail
            .as_ref()
            .map(|e| self.expr(e))
            .unwrap_or_default();
        self.scopes.pop();
        (self.held, self.after_stmt) = (held, after);
        value
    }

    pub(super) fn expr(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Path(segments) => match segments.as_slice() {
                [name] if self.scopes.iter().any(|s| s.contains_key(name)) => {
                    let value = self.lookup(name);
                    self.whole_value_read(&value, expr.span);
                    value
                }
                // A unit struct used as a value.
                _ => match self.pattern_shape(segments) {
                    Some(shape) => Value::one(shape.origin, Trace::default()),
                    None => Value::default(),
                },
            },
            ExprKind::Lit | ExprKind::Sql(_) | ExprKind::Continue => Value::default(),
            ExprKind::Field(base, name) => {
                let base = self.expr(base);
                self.field(&base, name, Some(expr.span))
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
                let shape = self.pattern_shape(path);
                if let Some(shape) = &shape {
                    // Every field of a struct literal without `..rest` is known: the type says only
                    // which of them are personal data by declaration.
                    let origin = match shape.origin {
                        Origin::Whole(ty) if rest.is_none() => Origin::Built(ty),
                        other => other,
                    };
                    value.join(&Value::one(origin, Trace::default()));
                }
                // A record type a dependency's derive generates (`user::ActiveModel { .. }`).
                let generated = path.last().and_then(|n| self.sh.catalog.handle_type(n));
                if let (None, Some(handle)) = (&shape, generated) {
                    value.join(&Value::one(Origin::Handle(handle), Trace::default()));
                }
                let prefix = shape.as_ref().map_or("", |s| s.prefix.as_str());
                let holder = value.whole_types().next();
                for (name, e) in fields {
                    let key = format!("{prefix}{name}");
                    let mut part = self.expr(e);
                    // Data put into a field declared as a wrapper (`ip: Secret<String>`) is wrapped.
                    if let Some(wrapper) =
                        holder.and_then(|ty| self.sh.types.wrapper_of_field(self.index(), ty, &key))
                    {
                        part = part.masked(wrapper);
                    }
                    value.join_field(&key, &part);
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
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Not(_) => {
                self.condition(expr);
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
                self.scopes.push(HashMap::default());
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
                self.scopes.push(HashMap::default());
                let (_, if_true, if_false) = self.condition(cond);
                let mut value = self.holding(if_true, |eval| eval.block(then));
                self.scopes.pop();
                let after_then = std::mem::replace(&mut self.scopes, saved);
                match otherwise {
                    Some(otherwise) => {
                        value.join(&self.holding(if_false, |eval| eval.expr(otherwise)));
                        // `if check(..) { .. } else { return; }`
                        if matches!(&otherwise.kind, ExprKind::Block(b) if diverges(b))
                            && !diverges(then)
                        {
                            self.after_stmt = self.after_stmt.union(if_true);
                        }
                    }
                    // `if !check(..) { return; }`: what follows runs only when the check held.
                    None if diverges(then) => {
                        self.after_stmt = self.after_stmt.union(if_false);
                    }
                    None => {}
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
                let checks_before = self.check_calls.len();
                let tested = &**scrutinee;
                let scrutinee = self.expr(scrutinee);
                let saved = self.scopes.clone();
                let mut value = Value::default();
                let mut outcomes = Vec::new();
                for arm in arms {
                    self.scopes = saved.clone();
                    self.scopes.push(HashMap::default());
                    let proved = self.arm_consents(tested, checks_before, &arm.pat);
                    let arm_value = self.holding(proved, |eval| {
                        eval.bind(&arm.pat, &scrutinee);
                        let (_, guarded, _) = match &arm.guard {
                            Some(guard) => eval.condition(guard),
                            None => Default::default(),
                        };
                        eval.holding(guarded, |eval| eval.expr(&arm.body))
                    });
                    value.join(&arm_value);
                    self.scopes.pop();
                    outcomes.push(std::mem::take(&mut self.scopes));
                }
                self.scopes = saved;
                for outcome in outcomes {
                    self.join_scopes(outcome);
                }
                self.match_exits(tested, checks_before, arms);
                value
            }
            ExprKind::Loop(body) => {
                self.block(body);
                self.block(body)
            }
            ExprKind::While { cond, body } => {
                for _ in 0..2 {
                    self.scopes.push(HashMap::default());
                    let (_, if_true, _) = self.condition(cond);
                    self.holding(if_true, |eval| eval.block(body));
                    self.scopes.pop();
                }
                Value::default()
            }
            ExprKind::For { pat, iter, body } => {
                let items = self.expr(iter).flattened();
                for _ in 0..2 {
                    self.scopes.push(HashMap::default());
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
            ExprKind::Try(inner) => self.tried(inner),
            ExprKind::Transparent(inner) => self.expr(inner),
            // A dependency's generic function gives the type its turbofish names; a workspace
            // function's result is what its summary says (its turbofish need not name the result),
            // and that type too when the turbofish names its one type parameter and it returns it
            // (`fn parse_xml<T>(self) -> Result<T, E>` called as `.parse_xml::<Response>()`).
            ExprKind::Typed(inner, ty, sole) => {
                let value = self.expr(inner);
                if self.calls_workspace_code(inner) {
                    // The summary says what the result holds (its error side too); the type adds its own.
                    if *sole && self.returns_type_parameter(inner) {
                        return value.joined(&self.type_value(ty));
                    }
                    return value;
                }
                let value = value.joined(&self.type_value(ty));
                self.within_type(ty, value)
            }
            ExprKind::Index(base, index) => {
                self.expr(index);
                self.expr(base).flattened()
            }
        }
    }

    /// Variables known before a branch get what either branch gave them.
    pub(super) fn join_scopes(&mut self, other: Vec<HashMap<String, Value>>) {
        for (mine, theirs) in self.scopes.iter_mut().zip(other) {
            for (name, value) in theirs {
                mine.entry(name).or_default().join(&value);
            }
        }
    }
}
