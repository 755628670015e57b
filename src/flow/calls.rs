//! Calls, method calls and macros: where the data they are given goes, which of them are sinks, and
//! what they return.

use super::arguments::{substitute, CallArgs};
use super::catalog::{Protection, SinkKind};
use super::eval::{CallSite, Eval};
use super::guards::{carried, marked, ConsentSet};
use super::methods::{resolve_call, Callee};
use super::types::TypeFacts;
use super::value::{Origin, StepNote, Trace, Value};
use crate::diagnostic::Span;
use crate::index::{FnId, Index};
use crate::parse::flow_ir::{Expr, ExprKind, MacroArg, Render};
use crate::parse::Annotation;
use rustc_hash::FxHashMap as HashMap;

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
    "eq",
    "lt",
    "le",
    "gt",
    "ge",
    "ne",
    "count",
    "capacity",
    "port",
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

/// Whether a method's result carries none of the receiver's data: counts, tests (`is_empty`,
/// `is_valid_email`, `has_role`) and comparisons.
fn carries_no_data(method: &str) -> bool {
    NO_DATA_METHODS.contains(&method) || method.starts_with("is_") || method.starts_with("has_")
}

/// Methods of the standard library's traits that a value of unknown type is far likelier to have than the
/// one workspace method of that name (`pool.next()` on a dependency's connection pool is no call of the
/// workspace's one inherent `next`). Others (`get`, `iter`, `push`, ..) were tried: on hyperswitch they
/// made a hashed password look stored in clear.
const STD_TRAIT_METHODS: &[&str] = &["next"];

/// Methods whose closure is given the error side of a `Result`.
const ON_ERROR: &[&str] = &["map_err", "or_else", "unwrap_or_else", "inspect_err"];

/// Macros whose first argument must hold for the code after them to run.
const ASSERTING: &[&str] = &["ensure", "assert", "debug_assert"];

/// Dependency methods whose result is made of their arguments as well as their receiver.
/// How many workspace impls a trait method called through `dyn` or a bound may have for the call to
/// return what they return (above it, the call returns its receiver).
const NARROW_DISPATCH: usize = 4;

const ARG_PASSING: &[&str] = &[
    "or",
    "unwrap_or",
    "map_or",
    "and",
    "xor",
    "get_or_insert",
    "get_or_insert_with",
    "or_insert",
    "or_insert_with",
    "chain",
    "zip",
    "join",
    "concat",
    "replace",
    "replacen",
    "repeat",
    "add",
    "push",
    "push_str",
    "push_back",
    "push_front",
    "insert",
    "extend",
    "append",
    "set",
    "with",
    "entry",
    "format",
    "fmt",
    "to",
    "from",
    "into",
    "try_into",
    "clone_from",
    "copied",
    "cloned",
    "header",
    "headers",
    "query",
    "body",
    "text",
    "param",
    "params",
    "arg",
    "args",
    "bind",
    "value",
    "values",
    "field",
    "fields",
    "attach_printable",
    "attach",
    "context",
    "with_context",
    "wrap_err",
    "change_context",
];

/// Types a path can start with without a `use` (so `Vec::from(x)` is no generic parameter's function).
const PRELUDE_TYPES: &[&str] = &[
    "Self",
    "String",
    "Vec",
    "Box",
    "Option",
    "Result",
    "Some",
    "Ok",
    "Err",
    "None",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Default",
    "Iterator",
    "IntoIterator",
    "Clone",
];

/// Functions of a generic parameter that build their result from their arguments (conversions).
fn converts(name: &str) -> bool {
    [
        "from", "try_from", "new", "into", "convert", "wrap", "build", "parse",
    ]
    .contains(&name)
        || name.starts_with("from_")
        || name.starts_with("foreign_")
        || name.starts_with("try_from_")
}

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

impl Eval<'_> {
    /// Evaluates a call of workspace function `callee` with the call's arguments.
    pub(super) fn call(&mut self, callee: FnId, call_args: &CallArgs, span: Span) -> Value {
        let kept = self.kept_args(call_args);
        let given = &call_args.values;
        let sh = self.sh;
        let index = sh.index;
        let f = index.func(callee);
        let name = &f.name;
        let summary = &sh.returns[callee.0 as usize];
        if let Some(read) = &mut self.summaries_read {
            read.push(callee.0);
        }
        // The step "passed to" is added where the arguments are read here: by a declared sink or an
        // encryptor, or through a summary that returns a parameter. Most calls do neither, and the
        // arguments a call site keeps are stepped by the solver, for the parameters it hands on.
        let reads_args = summary.mentions_params()
            || f.annotations
                .iter()
                .any(|a| matches!(a, Annotation::Sink { .. } | Annotation::Encryptor));
        let stepped: Option<Vec<Value>> = reads_args.then(|| {
            given
                .iter()
                .map(|a| a.stepped(span, StepNote::Passed(sh.names.of(callee))))
                .collect()
        });
        let args: &[Value] = stepped.as_deref().unwrap_or(given);
        let mut encrypt = false;
        for annotation in &f.annotations {
            match annotation {
                Annotation::Sink {
                    kind,
                    purpose,
                    recipient,
                } => {
                    let kind = SinkKind::parse(&kind.value).unwrap_or(SinkKind::Log);
                    let data = args.iter().fold(Value::default(), |v, a| v.joined(a));
                    let sink = format!("`{name}`");
                    let purpose = purpose.as_ref().map(|p| p.value.clone());
                    self.hit_declared(span, kind, sink, purpose, recipient.clone(), data);
                }
                Annotation::Sanitizer => return Value::default(),
                Annotation::Encryptor => encrypt = true,
                _ => {}
            }
        }
        let consents = given.iter().fold(self.held, |set, a| set.union(carried(a)));
        self.facts.calls.push(CallSite {
            callee,
            span,
            kept,
            consents,
        });
        let mut result = substitute(index, sh.types, summary, args)
            .with_step(span, StepNote::Returned(sh.names.of(callee)));
        if let Some(source) = self.consent_check(callee, span) {
            result.join(&source);
        }
        // A return value `[[data]]` declares is that data, whatever the body computes.
        for decl in index
            .catalogue
            .return_decls
            .get(&callee)
            .into_iter()
            .flatten()
        {
            let declared = Value::one(Origin::Decl(*decl), Trace::default())
                .with_step(span, StepNote::Returned(sh.names.of(callee)));
            result.join(&declared);
        }
        if encrypt {
            let plain = args.iter().fold(result, |v, a| v.joined(a));
            return encrypted(self.index(), self.sh.types, &plain);
        }
        result
    }

    /// Of the methods a call on `Self` or `self` names, those of the caller's own impl block when it
    /// defines one: impls written for different aliases of one type (`impl AuthData`, `impl CapData`
    /// over `RouterData`) are all that type's, but `Self::describe` in one of them is its own.
    fn own_impl_first(&self, fns: Vec<FnId>) -> Vec<FnId> {
        let Some(owner) = self.owner.filter(|_| fns.len() > 1) else {
            return fns;
        };
        let own: Vec<FnId> = fns
            .iter()
            .copied()
            .filter(|f| self.index().func(*f).owner == Some(owner))
            .collect();
        if own.is_empty() {
            fns
        } else {
            own
        }
    }

    pub(super) fn call_expr(&mut self, func: &Expr, args: &[Expr], span: Span) -> Value {
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
                let fns = match segments.first().map(String::as_str) {
                    Some("Self") => self.own_impl_first(fns),
                    _ => fns,
                };
                let fns = self.sh.overloads.reachable(self.index(), fns, &values);
                let mut result = Value::default();
                let call_args = CallArgs::new(values);
                for callee in fns {
                    result.join(&self.call(callee, &call_args, span));
                }
                result
            }
            Callee::Type(ty) => {
                let mut value = Value::one(Origin::Whole(ty), Trace::default());
                for (i, part) in values.into_iter().enumerate() {
                    value = value.with_field(&i.to_string(), part);
                }
                value
            }
            Callee::Variant(ty, name) => {
                let variant = self.sh.types.variant(ty, &name);
                let mut value = Value::one(Origin::Variant(ty, variant), Trace::default());
                for (i, part) in values.into_iter().enumerate() {
                    value = value.with_field(&format!("{name}.{i}"), part);
                }
                value
            }
            Callee::Fns(_) => values.iter().fold(Value::default(), |v, a| v.joined(a)),
            Callee::External(full) if full == "Err" && values.len() == 1 => {
                Value::err(values.into_iter().next().unwrap_or_default())
            }
            Callee::External(full) => self.external_call(&full, segments, values, span),
        }
    }

    pub(super) fn external_call(
        &mut self,
        full: &str,
        written: &[String],
        values: Vec<Value>,
        span: Span,
    ) -> Value {
        let all = values.iter().fold(Value::default(), |v, a| v.joined(a));
        match self
            .sh
            .catalog
            .protection_of_function(&[full, &written.join("::")])
        {
            Some(Protection::Sanitizes) => return Value::default(),
            Some(Protection::Encrypts) => return encrypted(self.index(), self.sh.types, &all),
            None => {}
        }
        let written_path = written;
        let written = written.join("::");
        if let Some(handle) = self
            .sh
            .catalog
            .handle_constructor(&[full, written.as_str()])
        {
            return all.joined(&Value::one(Origin::Handle(handle), Trace::default()));
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
            let purpose = declared_purpose(entry);
            let recipient = entry.recipient.clone();
            self.hit_declared(span, kind, format!("`{full}`"), purpose, recipient, all);
            return Value::default();
        }
        let sink = self
            .sh
            .catalog
            .function_sink(full)
            .or_else(|| self.sh.catalog.function_sink(&written))
            .cloned();
        if let Some(sink) = sink {
            // A whole value handed to a sink is used whole, however the sink renders it.
            for (i, value) in values.iter().enumerate() {
                if sink.args.as_ref().is_none_or(|args| args.contains(&i)) {
                    self.rendered.extend(value.whole_types());
                }
            }
            let data =
                self.rendered_args(&values, sink.args.as_deref(), sink.render.render(), span);
            self.hit(span, sink.kind, format!("`{}`", full), None, data);
            return Value::default();
        }
        // `Secret::new(x)`, `StrongSecret::from(x)`: the data is wrapped from here on.
        if let Some((type_path, "new" | "from")) = full.rsplit_once("::") {
            if let Some(wrapper) = self.sh.catalog.wrapper(type_path) {
                return all.masked(wrapper);
            }
        }
        if SERIALIZERS.contains(&full) {
            return self.shown(&all, Render::Serialize, span);
        }
        // `Res::generate_response(data, ..)` on a generic parameter: a trait's function whose result
        // is made of its arguments only when it converts them (`T::from(x)`), like a dependency's method.
        if let [generic, name] = written_path {
            let unimported = full == written;
            let generic_parameter = generic.starts_with(char::is_uppercase)
                && !PRELUDE_TYPES.contains(&generic.as_str());
            if unimported && generic_parameter && !converts(name) {
                return Value::default();
            }
        }
        all
    }

    pub(super) fn method_call(
        &mut self,
        receiver: &Expr,
        method: &str,
        args: &[Expr],
        span: Span,
    ) -> Value {
        let receiver_value = self.expr(receiver);
        let mut values = Vec::new();
        let mut closure_results = Value::default();
        // A closure given to a method sees the receiver's elements: everything the receiver holds on
        // its success side, or its error side for the methods that handle errors.
        let success = receiver_value.ok_part().flattened();
        let failure = receiver_value.err_part().flattened();
        // `.filter(|x| check(x))`, `.retain(|x| check(x))`: the elements that pass carry the consent.
        let mut filtered = ConsentSet::default();
        for (position, arg) in args.iter().enumerate() {
            match &arg.kind {
                ExprKind::Closure { params, body } => {
                    // `map_err(|e| ..)`, and the first closure of `map_or_else`, handle the error side.
                    let on_error = ON_ERROR.contains(&method)
                        || (method == "map_or_else" && position == 0 && args.len() == 2);
                    let elements = if on_error { &failure } else { &success };
                    self.scopes.push(HashMap::default());
                    for p in params {
                        self.bind(p, elements);
                    }
                    if method == "filter" || method == "retain" {
                        let (value, proved, _) = self.condition(body);
                        filtered = filtered.union(proved);
                        closure_results.join(&value);
                    } else {
                        closure_results.join(&self.expr(body));
                    }
                    self.scopes.pop();
                }
                _ => values.push(self.expr(arg)),
            }
        }
        if carries_no_data(method) || self.sh.catalog.is_masking_method(method) {
            return Value::default();
        }
        if let Some(handle) = self.sh.catalog.handle_conversion(method) {
            return receiver_value.joined(&Value::one(Origin::Handle(handle), Trace::default()));
        }
        match method {
            "unwrap" | "expect" | "ok" | "unwrap_or_default" | "unwrap_unchecked" => {
                // `expect`'s message is printed on failure (a log sink of the catalogue).
                self.method_sink(receiver, &receiver_value, method, &values, span);
                return receiver_value.ok_part();
            }
            "unwrap_err" | "expect_err" | "err" => {
                self.method_sink(receiver, &receiver_value, method, &values, span);
                return receiver_value.err_part();
            }
            "map_err" => {
                return receiver_value
                    .ok_part()
                    .joined(&Value::err(closure_results))
            }
            _ => {}
        }
        if !filtered.is_empty() {
            let kept = receiver_value.joined(&marked(filtered));
            if method == "retain" {
                if let ExprKind::Path(p) = &receiver.kind {
                    if let [name] = p.as_slice() {
                        self.assign(name, kept, true);
                    }
                }
                return Value::default();
            }
            return kept;
        }
        let mut targets: Vec<FnId> = receiver_value
            .whole_types()
            .flat_map(|t| self.sh.methods.of_type(t, method).to_vec())
            .collect();
        if matches!(&receiver.kind, ExprKind::Path(p) if p.len() == 1 && p[0] == "self") {
            targets = self.own_impl_first(targets);
        }
        // A trait object or bounded generic: every workspace impl of the method, and the default body.
        let statically_known = targets.len();
        for t in receiver_value.dyn_traits() {
            for target in self.sh.methods.of_trait(t, method) {
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
        let dispatched = targets.len() - statically_known;
        // A dependency's wrapper opened (`secret.peek()`, `email.expose_secret()` through `Deref`).
        if targets.is_empty() && self.sh.catalog.is_expose_method(method) {
            return receiver_value.unmasked(self.index());
        }
        if targets.is_empty()
            && receiver_value.whole_types().next().is_none()
            && !STD_TRAIT_METHODS.contains(&method)
        {
            targets.extend(self.sh.methods.unique(method));
        }
        if !targets.is_empty() {
            let mut result = Value::default();
            let all_args: Vec<Value> = std::iter::once(receiver_value.clone())
                .chain(values.iter().cloned())
                .collect();
            // Data goes into every impl a trait call may reach (their sinks see it); what comes out is
            // what a call the analysis cannot see into gives: the receiver. Every impl's result joined
            // (one per payment flow, one per connector) would hand each caller every other flow's data.
            // The impls see the receiver only as the trait (a store object holding records, such as a
            // mock database, is not data the call passes).
            let mut dispatched_values = all_args.clone();
            dispatched_values[0] = receiver_value
                .dyn_traits()
                .map(|t| Value::one(Origin::Dyn(t), Trace::default()))
                .fold(Value::default(), |v, t| v.joined(&t));
            // A method with a few impls (a store, its mock and its event-emitting wrapper) returns what
            // any of them returns; one with many (a flow per payment step, a connector per provider)
            // returns what a call the analysis cannot see into returns, the receiver.
            let narrow = dispatched <= NARROW_DISPATCH;
            let all_args = CallArgs::new(all_args);
            let dispatched_args = CallArgs::new(dispatched_values);
            for (i, target) in targets.into_iter().enumerate() {
                if i < statically_known {
                    result.join(&self.call(target, &all_args, span));
                } else {
                    let returned = self.call(target, &dispatched_args, span);
                    if narrow {
                        result.join(&returned);
                    }
                }
            }
            if !narrow && statically_known == 0 {
                result.join(&receiver_value.joined(&closure_results));
            }
            return result;
        }
        match self.sh.catalog.protection_of_method(method) {
            Some(Protection::Sanitizes) => return Value::default(),
            Some(Protection::Encrypts) => {
                let plain = values
                    .iter()
                    .fold(receiver_value.clone(), |v, a| v.joined(a));
                return encrypted(self.index(), self.sh.types, &plain);
            }
            None => {}
        }
        // A sink method of a builder chain (`.bind(x)`, `.json(&x)`) hands the builder on: what comes out
        // of the chain is what the builder was made to return (`query_as::<_, User>`), not what it sent.
        if self.method_sink(receiver, &receiver_value, method, &values, span) {
            return receiver_value;
        }
        if method == "to_string" {
            return self.shown(&receiver_value, Render::Display, span);
        }
        let others = values.iter().fold(Value::default(), |v, a| v.joined(a));
        if MAP_LIKE.contains(&method) {
            return closure_results.joined(&others);
        }
        // A dependency's method returns what it is called on (`c.phone.trim()`); what it is given goes
        // into the result only for the methods that combine values (`a.or(b)`, `s.replace(x, y)`): a
        // client's `execute(req)` returns something else.
        if ARG_PASSING.contains(&method) {
            return receiver_value.joined(&others).joined(&closure_results);
        }
        receiver_value.joined(&closure_results)
    }

    /// A catalogue method sink (`.bind(x)` on a sqlx query, `.json(&x)` on a request, `write_all` on a
    /// file): records the hit and says whether there was one.
    pub(super) fn method_sink(
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
                let render = entry.render.render();
                let (data, sink) = if entry.holds_data {
                    let record = std::slice::from_ref(receiver_value);
                    let data = self.rendered_args(record, None, render, span);
                    (data, format!("`.{method}(..)` of a record"))
                } else {
                    let data = self.rendered_args(values, None, render, span);
                    (data, format!("`.{method}(..)` on a writer"))
                };
                self.hit(span, entry.kind, sink, None, data);
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
            // `mailer.send(..)`, `self.mailer.send(..)`, `state.transport.send(..)`.
            let named = sink.receiver_names.is_empty()
                || match &receiver.kind {
                    ExprKind::Path(p) => p.len() == 1 && sink.receiver_names.contains(&p[0]),
                    ExprKind::Field(_, field) => sink.receiver_names.contains(field),
                    _ => false,
                };
            if chained && rooted && typed && named {
                // A value bound as a lookup key (`SELECT .. WHERE email = $1`) is read, not stored.
                if sink.kind == SinkKind::Storage && is_lookup_bind(receiver, method) {
                    return true;
                }
                let data =
                    self.rendered_args(values, sink.args.as_deref(), sink.render.render(), span);
                self.hit(span, sink.kind, format!("`.{method}(..)`"), None, data);
                return true;
            }
        }
        false
    }

    pub(super) fn rendered_args(
        &mut self,
        values: &[Value],
        only: Option<&[usize]>,
        render: Render,
        at: Span,
    ) -> Value {
        let mut data = Value::default();
        for (i, value) in values.iter().enumerate() {
            if only.is_none_or(|only| only.contains(&i)) {
                data.join(&self.shown(value, render, at));
            }
        }
        data
    }

    pub(super) fn macro_call(
        &mut self,
        path: &[String],
        target: Option<&Expr>,
        reads: &[Expr],
        args: &[MacroArg],
        span: Span,
    ) -> Value {
        let name = path.last().map(String::as_str).unwrap_or_default();
        for (i, read) in reads.iter().enumerate() {
            if i == 0 && ASSERTING.contains(&name) {
                self.asserted(read);
            } else {
                self.expr(read);
            }
        }
        let data = self.macro_args(args, span);
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
        if let Some(sink) = self.sh.catalog.macro_sink_entry(path) {
            let entry = sink.entry.and_then(|i| self.index().config.sinks.get(i));
            let purpose = entry.and_then(declared_purpose);
            let recipient = entry.and_then(|e| e.recipient.clone());
            let (kind, sink) = (sink.kind, format!("`{name}!`"));
            self.hit_declared(span, kind, sink, purpose, recipient, data);
            return Value::default();
        }
        // `format!`, `anyhow!`, `dbg!` and unknown macros: the result carries what they were given.
        data
    }
}

/// The purpose a `[[sinks]]` entry gives its sink.
fn declared_purpose(entry: &crate::config::SinkEntry) -> Option<String> {
    entry.purpose.as_ref().map(|p| p.value.clone())
}

/// The value after an encryptor: its personal data is still there, but protected.
fn encrypted(index: &Index, types: &TypeFacts, value: &Value) -> Value {
    let shown = super::solve::extract(index, types, value);
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
            ExprKind::Try(inner) | ExprKind::Transparent(inner) | ExprKind::Typed(inner, ..) => {
                current = inner
            }
            _ => return names,
        }
    }
}

/// Whether this `.bind(..)` fills a placeholder that the query's SQL text (the chain root's first
/// argument, when it is a literal) uses as a lookup key. When the text cannot be read, a bind stores.
fn is_lookup_bind(receiver: &Expr, method: &str) -> bool {
    if method != "bind" {
        return false;
    }
    let placeholder = receiver_chain(receiver)
        .iter()
        .filter(|m| *m == "bind")
        .count()
        + 1;
    let mut root = receiver;
    loop {
        match &root.kind {
            ExprKind::MethodCall { receiver, .. } => root = receiver,
            ExprKind::Try(inner) | ExprKind::Transparent(inner) | ExprKind::Typed(inner, ..) => {
                root = inner
            }
            ExprKind::Call { args, .. } => {
                return matches!(
                    args.first().map(|a| &a.kind),
                    Some(ExprKind::Sql(sql))
                        if sql.lookups_from.is_some_and(|from| placeholder >= usize::from(from))
                );
            }
            _ => return false,
        }
    }
}

/// The function called at the start of a receiver chain (`sqlx::query("..").bind(..)` → sqlx::query).
fn chain_root(expr: &Expr) -> Option<Vec<String>> {
    match &expr.kind {
        ExprKind::MethodCall { receiver, .. } => chain_root(receiver),
        ExprKind::Try(inner) | ExprKind::Transparent(inner) | ExprKind::Typed(inner, ..) => {
            chain_root(inner)
        }
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
