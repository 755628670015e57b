//! The whole-workspace solution: function summaries to a fixed point, then what each parameter receives
//! from its callers to a fixed point, then the personal data reaching every sink call.

use super::catalog::{Catalog, SinkKind};
use super::context::CallGraph;
use super::erasure::erased_types;
use super::eval::{self, FnFacts, ReadHit, Seen, Shared};
use super::guards::{carried, ConsentSet, ConsentTable};
use super::methods::MethodTable;
use super::order;
use super::render::materialize;
use super::types::TypeFacts;
use super::value::{Origin, Value};
use crate::diagnostic::{Span, TraceStep};
use crate::index::{DeclId, FnId, Index, TypeId};
use crate::parse::flow_ir::Render;
use crate::parse::Named;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Personal data reaching one sink call.
#[derive(Debug, Clone)]
pub struct SinkFlow {
    pub span: Span,
    pub kind: SinkKind,
    pub sink: String,
    pub purpose: Option<Named>,
    /// Who receives it, as the sink's `[[sinks]]` entry says.
    pub recipient: Option<String>,
    pub function: FnId,
    /// Each piece of data (a declaration, or an encrypted one) with the path it took.
    pub data: BTreeMap<Origin, Vec<TraceStep>>,
    /// The consents that guard the call, sorted.
    pub consents: Vec<String>,
}

/// One expression that reads personal data (SPEC 4.1: a declared field's access or binding, a use of a
/// personal-data type's value, a whole struct formatted or serialised), once per expression.
#[derive(Debug, Clone)]
pub struct DataRead {
    pub span: Span,
    pub function: FnId,
    /// What it reads, in `DeclId` order.
    pub decls: Vec<DeclId>,
    /// The consents that guard it (checks, proofs, consenting sources, or every caller guarded), sorted.
    pub consents: Vec<String>,
}

/// The purpose a function's code processes data for.
#[derive(Debug, Clone)]
pub struct CodePurpose {
    pub purpose: Named,
    /// `false` when declared (attribute or `[[processing]]`), `true` when all callers share it.
    pub inferred: bool,
}

#[derive(Debug, Default)]
pub struct FlowFacts {
    pub sink_flows: Vec<SinkFlow>,
    /// Every read of personal data, sorted by span.
    pub reads: Vec<DataRead>,
    /// Per function (`FnId` order), its purpose if it has one.
    pub purposes: Vec<Option<CodePurpose>>,
    /// Types some `#[pii_lint::erasure]` function names, directly or through the functions it calls.
    pub erased_types: BTreeSet<TypeId>,
    /// Types whose values, or personal data read from them, reach a storage sink (SPEC 4.1,
    /// `no-erasure-path`: only what is kept needs a way to be erased).
    pub stored_types: BTreeSet<TypeId>,
    /// Field names accessed or bound anywhere.
    pub used_fields: BTreeSet<String>,
    /// Workspace types whose whole values are formatted or serialised somewhere.
    pub rendered_types: BTreeSet<TypeId>,
}

/// What a value carries once every whole value is counted with all its personal data.
pub fn extract(index: &Index, types: &TypeFacts, value: &Value) -> Value {
    let flat = value.flattened();
    let mut out = Value::default();
    for (origin, trace) in &flat.items {
        match origin {
            Origin::Whole(ty) => {
                for leak in types.leaks(index, *ty, Render::Value) {
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Built(ty) => {
                for leak in types.built_leaks(index, *ty, Render::Value) {
                    out.items.entry(leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Variant(ty, variant) => {
                for leak in types.variant_leaks(index, *ty, *variant, Render::Value) {
                    out.items.entry(leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Decl(_) | Origin::Encrypted(_) => {
                out.items.entry(*origin).or_insert_with(|| trace.clone());
            }
            // What is still wrapped reaches a sink that takes the value itself (a bind, an argument).
            Origin::Masked(decl, _) => {
                out.items
                    .entry(Origin::Decl(*decl))
                    .or_insert_with(|| trace.clone());
            }
            Origin::Param(..)
            | Origin::ParamPart(..)
            | Origin::Handle(_)
            | Origin::Dyn(_)
            | Origin::Consented(_) => {}
        }
    }
    out
}

/// Parameter markers of a function replaced by what its callers pass.
fn with_params(index: &Index, types: &TypeFacts, value: &Value, params: &[Value]) -> Value {
    super::calls::substitute(index, types, value, params)
}

pub fn compute(index: &Index) -> FlowFacts {
    let catalog = Catalog::builtin()
        .with_config(&index.config)
        .with_workspace_macros(index);
    let types = TypeFacts::build(index, &catalog);
    let methods = MethodTable::build(index);
    let count = index.fns.len();
    let mut returns = vec![Value::default(); count];
    let seen = std::sync::Mutex::new(Seen::default());
    let consents = ConsentTable::build(index);
    let evaluate = |ids: &[u32], returns: &[Value]| -> Vec<FnFacts> {
        let shared = Shared {
            index,
            catalog: &catalog,
            types: &types,
            methods: &methods,
            returns,
            seen: &seen,
            consents: &consents,
        };
        ids.par_iter()
            .map(|i| eval::run(&shared, FnId(*i)))
            .collect()
    };
    // Every function once; then, callees before callers, only the callers of functions whose summary
    // grew, until nothing changes.
    let all: Vec<u32> = (0..count as u32).collect();
    let mut facts: Vec<FnFacts> = evaluate(&all, &returns);
    let callees: Vec<Vec<u32>> = facts
        .iter()
        .map(|f| f.calls.iter().map(|c| c.callee.0).collect())
        .collect();
    let level = order::levels(&callees);
    let mut callers: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (caller, targets) in callees.iter().enumerate() {
        for callee in targets {
            callers[*callee as usize].push(caller as u32);
        }
    }
    let mut dirty: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut settle = |id: u32,
                      new_facts: FnFacts,
                      facts: &mut Vec<FnFacts>,
                      returns: &mut Vec<Value>,
                      dirty: &mut BTreeSet<(u32, u32)>| {
        let f = id as usize;
        // Summaries only grow, so the fixed point is reached however the evaluations interleave.
        let grew = returns[f].absorb(&new_facts.ret);
        for call in &new_facts.calls {
            let known = &mut callers[call.callee.0 as usize];
            if !known.contains(&id) {
                known.push(id);
            }
        }
        facts[f] = new_facts;
        if grew {
            for caller in &callers[f] {
                dirty.insert((level[*caller as usize], *caller));
            }
        }
    };
    let first = std::mem::take(&mut facts);
    facts = vec![FnFacts::default(); count];
    for (id, f) in first.into_iter().enumerate() {
        settle(id as u32, f, &mut facts, &mut returns, &mut dirty);
    }
    while let Some(&(lowest, _)) = dirty.first() {
        let mut batch = Vec::new();
        while let Some(&(l, id)) = dirty.first() {
            if l != lowest {
                break;
            }
            dirty.pop_first();
            batch.push(id);
        }
        let again = evaluate(&batch, &returns);
        for (id, f) in batch.into_iter().zip(again) {
            settle(id, f, &mut facts, &mut returns, &mut dirty);
        }
    }

    // What each parameter receives from every call site, propagated from callers to callees until
    // nothing changes (a worklist; a call's arguments are substituted again only when they depend on
    // the caller's parameters and those grew).
    let arity = |id: usize| {
        index.fns[id].def.param_count as usize + usize::from(index.fns[id].def.has_self)
    };
    let mut params: Vec<Vec<Value>> = (0..count)
        .map(|i| vec![Value::default(); arity(i)])
        .collect();
    let mut queue: std::collections::VecDeque<u32> = (0..count as u32).collect();
    let mut queued = vec![true; count];
    let mut visited = vec![false; count];
    while let Some(caller) = queue.pop_front() {
        let caller = caller as usize;
        queued[caller] = false;
        let again = std::mem::replace(&mut visited[caller], true);
        for call in &facts[caller].calls {
            let callee = call.callee.0 as usize;
            for (i, arg) in call.args.iter().enumerate().take(arity(callee)) {
                if again && !arg.mentions_params() {
                    continue;
                }
                let concrete = with_params(index, &types, arg, &params[caller]);
                if params[callee][i].absorb(&concrete) && !queued[callee] {
                    queued[callee] = true;
                    queue.push_back(callee as u32);
                }
            }
        }
    }

    let seen = seen.into_inner().unwrap_or_default();
    let graph = CallGraph::new(&facts);
    let entry = graph.entry_consents();
    let mut flow = FlowFacts {
        used_fields: seen.used_fields,
        rendered_types: seen.rendered,
        purposes: graph.purposes(index),
        erased_types: erased_types(index, &facts),
        ..FlowFacts::default()
    };
    for (function, function_facts) in facts.into_iter().enumerate() {
        flow.reads.extend(data_reads(
            &consents,
            FnId(function as u32),
            &function_facts.reads,
            entry[function],
        ));
        for hit in function_facts.sinks {
            let concrete = with_params(index, &types, &hit.value, &params[function]);
            let guarded = hit
                .consents
                .union(entry[function])
                .union(carried(&concrete));
            let shown = extract(
                index,
                &types,
                &materialize(index, &types, &concrete, Render::Value),
            );
            if hit.kind == SinkKind::Storage {
                flow.stored_types.extend(concrete.flattened().whole_types());
                for origin in shown.items.keys() {
                    if let Origin::Decl(d) | Origin::Encrypted(d) = origin {
                        flow.stored_types.extend(index.catalogue.decl(*d).type_id());
                    }
                }
            }
            // A commercial message is checked for its consent even when it carries no personal data.
            if shown.items.is_empty() && hit.kind != SinkKind::CommercialMessage {
                continue;
            }
            flow.sink_flows.push(SinkFlow {
                span: hit.span,
                kind: hit.kind,
                sink: hit.sink,
                purpose: hit.purpose,
                recipient: hit.recipient,
                function: FnId(function as u32),
                consents: consents.names_of(guarded),
                data: shown
                    .items
                    .into_iter()
                    .map(|(o, steps)| (o, steps.steps().iter().map(|s| s.render(index)).collect()))
                    .collect(),
            });
        }
    }
    merge_same_call(&mut flow.sink_flows);
    flow.reads.sort_by_key(|r| (r.span, r.function));
    flow
}

/// A function's reads, one per expression, with the consents of the function's callers added.
fn data_reads(
    consents: &ConsentTable,
    function: FnId,
    hits: &[ReadHit],
    entry: ConsentSet,
) -> Vec<DataRead> {
    // `hits` are sorted by span, then declaration.
    hits.chunk_by(|a, b| a.span == b.span)
        .map(|same| {
            let mut decls: Vec<DeclId> = same.iter().map(|h| h.decl).collect();
            decls.dedup();
            let guarded = same
                .iter()
                .fold(ConsentSet::ALL, |set, h| set.intersection(h.consents))
                .union(entry);
            DataRead {
                span: same[0].span,
                function,
                decls,
                consents: consents.names_of(guarded),
            }
        })
        .collect()
}

/// One flow per sink call and kind: a call reached from several places names all that reaches it.
fn merge_same_call(flows: &mut Vec<SinkFlow>) {
    flows.sort_by_key(|f| (f.span, f.kind));
    let mut merged: Vec<SinkFlow> = Vec::new();
    for flow in flows.drain(..) {
        match merged.last_mut() {
            Some(last) if last.span == flow.span && last.kind == flow.kind => {
                // An attribute and a `[[sinks]]` entry on one function: the entry may add the recipient.
                last.recipient = last.recipient.take().or(flow.recipient);
                for (origin, trace) in flow.data {
                    last.data.entry(origin).or_insert(trace);
                }
            }
            _ => merged.push(flow),
        }
    }
    *flows = merged;
}
