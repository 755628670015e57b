//! The whole-workspace solution: function summaries to a fixed point, then what each parameter receives
//! from its callers to a fixed point, then the personal data reaching every sink call.

use super::catalog::SinkKind;
use super::context::CallGraph;
use super::erasure::erased_types;
use super::eval::{self, FnFacts, ReadHit, Seen, Shared};
use super::guards::{carried, ConsentSet, ConsentTable};
use super::memo::{Evaluation, FlowMemo, Reuse};
use super::order;
use super::render::{materialize, HandWritten};
use super::tables::Tables;
use super::types::TypeFacts;
use super::value::{FnNames, Origin, StepNote, Value};
use crate::diagnostic::{Span, TraceStep};
use crate::index::{DeclId, FnId, Index, TypeId};
use crate::parse::flow_ir::Render;
use crate::parse::Named;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Personal data reaching one sink call.
#[derive(Debug, Clone)]
pub struct SinkFlow {
    pub span: Span,
    pub kind: SinkKind,
    pub sink: String,
    /// The purpose the sink's declaration gives.
    pub purpose: Option<String>,
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
    /// How long each step of the solution took (`--timings`).
    /// Each step's wall time, and the CPU time the process spent in it where the system tells it.
    pub steps: Vec<(&'static str, Duration, Option<Duration>)>,
    /// Of the evaluations of the functions, how many were taken from the analysis before an edit
    /// instead of made (`FlowMemo`), and how many there were.
    pub evaluations: (usize, usize),
}

/// Times consecutive steps.
struct Stopwatch {
    last: (Instant, Option<Duration>),
    laps: Vec<(&'static str, Duration, Option<Duration>)>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch {
            last: (Instant::now(), crate::clock::process_cpu_time()),
            laps: Vec::new(),
        }
    }
}

impl Stopwatch {
    fn lap(&mut self, step: &'static str) {
        let now = (Instant::now(), crate::clock::process_cpu_time());
        let cpu = now
            .1
            .zip(self.last.1)
            .map(|(now, last)| now.saturating_sub(last));
        self.laps.push((step, now.0 - self.last.0, cpu));
        self.last = now;
    }
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
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
                }
            }
            Origin::Variant(ty, variant) => {
                for leak in types.variant_leaks(index, *ty, *variant, Render::Value) {
                    out.items.entry(*leak).or_insert_with(|| trace.clone());
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
    super::arguments::substitute(index, types, value, params)
}

pub fn compute(index: &Index) -> FlowFacts {
    compute_with(index, None, false).0
}

/// `compute`, taking what it can of the evaluations `previous` kept for an analysis before an edit of
/// bodies or functions (`parse::Edit`, `FlowMemo`); with `keep`, also the evaluations of this one, for
/// the next.
pub fn compute_with(
    index: &Index,
    previous: Option<(&FlowMemo, &crate::parse::Edit)>,
    keep: bool,
) -> (FlowFacts, Option<FlowMemo>) {
    let mut clock = Stopwatch::default();
    let hand = HandWritten::collect(index);
    let mut reuse = previous.and_then(|(memo, edit)| Reuse::new(memo, index, &hand, edit));
    let tables = match reuse.as_ref().and_then(Reuse::tables) {
        Some(tables) => tables,
        None => {
            let types = (reuse.as_ref()).and_then(|reuse| reuse.type_facts(index, &hand));
            Arc::new(Tables::build(index, hand, types))
        }
    };
    reuse = reuse.filter(|reuse| reuse.same_consents(&tables));
    let Tables {
        catalog,
        types,
        methods,
        overloads,
        consents,
    } = &*tables;
    let count = index.fns.len();
    // Shared: a summary made by one kept evaluation alone is that evaluation's
    // (`Evaluation::first_summary`).
    let nothing = Arc::new(Value::default());
    let mut returns: Vec<Arc<Value>> = vec![Arc::clone(&nothing); count];
    let seen = std::sync::Mutex::new(Seen::default());
    // Only kept and reused evaluations need them: each summary's fingerprint, updated as it grows.
    let fingerprinted = keep || reuse.is_some();
    let mut fingerprints =
        vec![Value::default().fingerprint(); if fingerprinted { count } else { 0 }];
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let names = FnNames::new(index);
    clock.lap("tables");
    let evaluate = |ids: &[u32], returns: &[Arc<Value>], fingerprints: &[u64]| -> Vec<Evaluated> {
        let shared = Shared {
            index,
            catalog,
            types,
            methods,
            overloads,
            returns,
            seen: &seen,
            consents,
            names: &names,
        };
        // Kept evaluations are taken here, in order (taking one costs less than handing it to another
        // thread); the others are evaluated in parallel.
        let mut done: Vec<Option<Evaluated>> = (ids.iter())
            .map(|i| {
                let before = reuse.as_ref().and_then(|r| r.find(*i, fingerprints))?;
                reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Some(take_kept(before, &seen, keep))
            })
            .collect();
        let missing: Vec<usize> = (0..ids.len()).filter(|&at| done[at].is_none()).collect();
        let evaluated: Vec<Evaluated> = missing
            .par_iter()
            .map(|&at| {
                let id = FnId(ids[at]);
                if !keep {
                    return (Arc::new(eval::run(&shared, id).compacted()), None);
                }
                let (facts, trail) = eval::run_recorded(&shared, id);
                let facts = Arc::new(facts.compacted());
                let evaluation = Arc::new(Evaluation::new(Arc::clone(&facts), trail, fingerprints));
                (facts, Some(evaluation))
            })
            .collect();
        for (at, evaluated) in missing.into_iter().zip(evaluated) {
            done[at] = Some(evaluated);
        }
        done.into_iter().flatten().collect()
    };
    // Every function, callees before callers as their bodies' calls say, so most are evaluated once; then
    // the callers of functions whose summary grew after they were evaluated (a call the order missed, a
    // recursion), until nothing changes.
    let calls = super::prescan::callees(index, methods, |f| {
        reuse.as_ref().and_then(|reuse| reuse.callees(f))
    });
    // What is taken from before is what making it again gives (checked in test builds).
    debug_assert!(
        reuse.is_none() || calls == super::prescan::callees(index, methods, |_| None),
        "the calls taken from the analysis before differ"
    );
    clock.lap("prescan");
    let level = match reuse.as_ref().and_then(|reuse| reuse.level(&calls)) {
        Some(level) => {
            debug_assert_eq!(level, order::levels(&calls), "the levels taken differ");
            level
        }
        None => order::levels(&calls),
    };
    clock.lap("levels");
    let mut kept = keep.then(|| {
        let keys = reuse.as_ref().map(Reuse::keys);
        FlowMemo::new(
            index,
            keys,
            Arc::clone(&tables),
            calls.clone(),
            level.clone(),
        )
    });
    let mut facts: Vec<Arc<FnFacts>> = vec![Arc::default(); count];
    let mut callers: Vec<Vec<u32>> = vec![Vec::new(); count];
    // Per function, the callees whose `callers` it is in (sorted): a function called from thousands of
    // places would otherwise search its list for each.
    let mut callees_of: Vec<Arc<[u32]>> = vec![Arc::from([]); count];
    // A batch's calls are all known before any of its summaries grows: a caller evaluated in the same
    // batch as its callee saw the callee's summary from before.
    let mut settle = |batch: Vec<(u32, Evaluated)>,
                      facts: &mut Vec<Arc<FnFacts>>,
                      returns: &mut Vec<Arc<Value>>,
                      fingerprints: &mut Vec<u64>,
                      dirty: &mut Worklist| {
        for (id, (new_facts, _)) in &batch {
            let now = &new_facts.callees;
            let known = &mut callees_of[*id as usize];
            for callee in now.iter() {
                if known.binary_search(callee).is_err() {
                    callers[*callee as usize].push(*id);
                }
            }
            if known.is_empty() {
                *known = Arc::clone(now);
            } else if now
                .iter()
                .any(|callee| known.binary_search(callee).is_err())
            {
                let mut both: Vec<u32> = known.iter().chain(now.iter()).copied().collect();
                both.sort_unstable();
                both.dedup();
                *known = both.into();
            }
        }
        // Summaries only grow, so the fixed point is reached however the evaluations interleave. The
        // batch's functions are distinct: their summaries are joined (and fingerprinted) in parallel.
        let mut summaries: Vec<Arc<Value>> = (batch.iter())
            .map(|(id, _)| std::mem::replace(&mut returns[*id as usize], Arc::clone(&nothing)))
            .collect();
        let grown: Vec<(bool, Option<u64>)> = (summaries.par_iter_mut())
            .zip(&batch)
            .map(|(summary, (_, (new_facts, evaluation)))| {
                let first = summary.items.is_empty() && summary.fields.is_empty();
                match evaluation {
                    // A summary made by one evaluation alone is the same each time that evaluation is
                    // taken: it is kept with it, fingerprinted.
                    Some(evaluation) if first => {
                        let (made, grew, fingerprint) = evaluation.first_summary(&new_facts.ret);
                        *summary = made;
                        (grew, (grew && fingerprinted).then_some(fingerprint))
                    }
                    _ => {
                        let grew = Arc::make_mut(summary).absorb(&new_facts.ret);
                        (grew, (grew && fingerprinted).then(|| summary.fingerprint()))
                    }
                }
            })
            .collect();
        for (((id, (new_facts, evaluation)), summary), (grew, fingerprint)) in
            batch.into_iter().zip(summaries).zip(grown)
        {
            let f = id as usize;
            returns[f] = summary;
            if grew {
                for caller in &callers[f] {
                    dirty.push(level[*caller as usize], *caller);
                }
            }
            if let Some(fingerprint) = fingerprint {
                fingerprints[f] = fingerprint;
            }
            if let (Some(kept), Some(evaluation)) = (kept.as_mut(), evaluation) {
                kept.keep(id, evaluation);
            }
            facts[f] = new_facts;
        }
    };
    let mut dirty = Worklist::all(&level);
    clock.lap("setup");
    let mut evaluations = 0;
    while let Some(batch) = dirty.pop_lowest_level() {
        evaluations += batch.len();
        let again = evaluate(&batch, &returns, &fingerprints);
        settle(
            batch.into_iter().zip(again).collect(),
            &mut facts,
            &mut returns,
            &mut fingerprints,
            &mut dirty,
        );
    }
    let reused = reused.into_inner();

    // What each parameter receives from every call site, propagated from callers to callees until
    // nothing changes (a worklist; a call's arguments are substituted again only when they depend on
    // the caller's parameters and those grew).
    clock.lap("summaries");
    // Read for every call site: kept apart from the functions' other facts, in one small array.
    let arities: Vec<u32> = (index.fns.iter())
        .map(|f| f.def.param_count + u32::from(f.def.has_self))
        .collect();
    let arity = |id: usize| arities[id] as usize;
    let needed = needed_params(&facts, &callers, arity);
    // Every function's parameters in one array, a function's from its `first_param` on.
    let first_param: Vec<usize> = (0..=count)
        .scan(0, |next, f| {
            let first = *next;
            *next += if f < count { arity(f) } else { 0 };
            Some(first)
        })
        .collect();
    let mut all_params: Vec<Value> = vec![Value::default(); first_param[count]];
    let params_of = |f: usize| first_param[f]..first_param[f + 1];
    let mut queue: std::collections::VecDeque<u32> = (0..count as u32).collect();
    let mut queued = vec![true; count];
    let mut visited = vec![false; count];
    while let Some(caller) = queue.pop_front() {
        let caller = caller as usize;
        queued[caller] = false;
        let again = std::mem::replace(&mut visited[caller], true);
        // Most calls keep no arguments.
        let caller_facts = &facts[caller];
        for call in caller_facts
            .passing
            .iter()
            .map(|&at| &caller_facts.calls[at as usize])
        {
            let callee = call.callee.0 as usize;
            for (i, arg) in call.args().iter().enumerate().take(arity(callee)) {
                if !needed[callee][i] || (again && !arg.mentions_params()) {
                    continue;
                }
                let passed = arg.stepped(call.span, StepNote::Passed(names.of(call.callee)));
                let concrete = with_params(index, types, &passed, &all_params[params_of(caller)]);
                if all_params[first_param[callee] + i].absorb(&concrete) && !queued[callee] {
                    queued[callee] = true;
                    queue.push_back(callee as u32);
                }
            }
        }
    }

    clock.lap("params");
    let seen = seen.into_inner().unwrap_or_default();
    let graph = CallGraph::new(&facts);
    let entry = graph.entry_consents();
    let mut flow = FlowFacts {
        used_fields: seen.used_fields.into_iter().collect(),
        rendered_types: seen.rendered.into_iter().collect(),
        purposes: graph.purposes(index),
        erased_types: erased_types(index, &facts),
        ..FlowFacts::default()
    };
    clock.lap("callers");
    // A few functions hold most of the sinks: small tasks, so they do not end up queued on one core.
    let per_function: Vec<(Vec<DataRead>, Vec<SinkFlow>, Vec<TypeId>)> = facts
        .into_par_iter()
        .enumerate()
        .with_max_len(64)
        .map(|(function, function_facts)| {
            let id = FnId(function as u32);
            let reads = data_reads(consents, id, &function_facts.reads, entry[function]);
            let mut flows = Vec::new();
            let mut stored = Vec::new();
            for hit in function_facts.sinks.iter() {
                let concrete =
                    with_params(index, types, &hit.value, &all_params[params_of(function)]);
                let guarded = hit
                    .consents
                    .union(entry[function])
                    .union(carried(&concrete));
                let shown = extract(
                    index,
                    types,
                    &materialize(index, types, &concrete, Render::Value),
                );
                if hit.kind == SinkKind::Storage {
                    stored.extend(concrete.flattened().whole_types());
                    for origin in shown.items.keys() {
                        if let Origin::Decl(d) | Origin::Encrypted(d) = origin {
                            stored.extend(index.catalogue.decl(*d).type_id());
                        }
                    }
                }
                // A commercial message is checked for its consent even when it carries no personal data.
                if shown.items.is_empty() && hit.kind != SinkKind::CommercialMessage {
                    continue;
                }
                flows.push(SinkFlow {
                    span: hit.span,
                    kind: hit.kind,
                    sink: hit.sink.clone(),
                    purpose: hit.purpose.clone(),
                    recipient: hit.recipient.clone(),
                    function: id,
                    consents: consents.names_of(guarded),
                    data: shown
                        .items
                        .into_iter()
                        .map(|(o, steps)| {
                            (
                                o,
                                steps
                                    .steps()
                                    .iter()
                                    .map(|s| s.render(index, &names))
                                    .collect(),
                            )
                        })
                        .collect(),
                });
            }
            (reads, flows, stored)
        })
        .collect();
    for (reads, flows, stored) in per_function {
        flow.reads.extend(reads);
        flow.sink_flows.extend(flows);
        flow.stored_types.extend(stored);
    }
    merge_same_call(&mut flow.sink_flows);
    flow.reads.sort_by_key(|r| (r.span, r.function));
    clock.lap("sinks");
    flow.steps = clock.laps;
    flow.evaluations = (reused, evaluations);
    // Every summary and parameter value, freed beside whatever runs next rather than before it.
    // (Where no thread can be made, they are freed here.)
    let _ = std::thread::Builder::new().spawn(move || drop((returns, all_params)));
    (flow, kept)
}

/// An evaluation's facts, and the evaluation itself when it is kept for the next analysis.
type Evaluated = (Arc<FnFacts>, Option<Arc<Evaluation>>);

/// A kept evaluation taken instead of evaluating: its facts, and what it saw handed to `seen`.
fn take_kept(before: &Arc<Evaluation>, seen: &std::sync::Mutex<Seen>, keep: bool) -> Evaluated {
    if before.used_fields.is_empty() && before.rendered.is_empty() {
        return (Arc::clone(&before.facts), keep.then(|| Arc::clone(before)));
    }
    if let Ok(mut seen) = seen.lock() {
        for field in before.used_fields.iter() {
            if !seen.used_fields.contains(field) {
                seen.used_fields.insert(field.clone());
            }
        }
        seen.rendered.extend(before.rendered.iter().copied());
    }
    (Arc::clone(&before.facts), keep.then(|| Arc::clone(before)))
}

/// Functions to evaluate, by level: each at most once in it, so a function whose summary grew adds each
/// of its (maybe thousands of) callers in constant time when they are waiting already.
struct Worklist {
    /// Per level, the functions waiting there, in no particular order.
    waiting: Vec<Vec<u32>>,
    /// No level below this one has a function waiting.
    lowest: usize,
    queued: Vec<bool>,
}

impl Worklist {
    /// Every function, at its level.
    fn all(level: &[u32]) -> Worklist {
        let levels = level
            .iter()
            .max()
            .map_or(0, |highest| *highest as usize + 1);
        let mut waiting = vec![Vec::new(); levels];
        for (id, at) in level.iter().enumerate() {
            waiting[*at as usize].push(id as u32);
        }
        Worklist {
            waiting,
            lowest: 0,
            queued: vec![true; level.len()],
        }
    }

    fn push(&mut self, level: u32, id: u32) {
        if !std::mem::replace(&mut self.queued[id as usize], true) {
            // A call the prescan missed can make a caller's level lower than its callee's.
            self.waiting[level as usize].push(id);
            self.lowest = self.lowest.min(level as usize);
        }
    }

    /// The waiting functions of the lowest level, in id order.
    fn pop_lowest_level(&mut self) -> Option<Vec<u32>> {
        while self.waiting.get(self.lowest)?.is_empty() {
            self.lowest += 1;
        }
        let mut batch = std::mem::take(&mut self.waiting[self.lowest]);
        batch.sort_unstable();
        for id in &batch {
            self.queued[*id as usize] = false;
        }
        Some(batch)
    }
}

/// Which parameters' values the sinks need: those a sink's value mentions, and those passed on to a
/// needed parameter of a callee (backwards over the calls, to a fixed point). Only these are propagated
/// from callers; most parameters reach no sink.
fn needed_params(
    facts: &[Arc<FnFacts>],
    callers: &[Vec<u32>],
    arity: impl Fn(usize) -> usize,
) -> Vec<Vec<bool>> {
    let mut needed: Vec<Vec<bool>> = (0..facts.len()).map(|f| vec![false; arity(f)]).collect();
    let mut work: Vec<(u32, u32)> = Vec::new();
    let mark =
        |f: usize, params: &[u32], needed: &mut Vec<Vec<bool>>, work: &mut Vec<(u32, u32)>| {
            for &i in params {
                if let Some(slot) = needed[f].get_mut(i as usize) {
                    if !*slot {
                        *slot = true;
                        work.push((f as u32, i));
                    }
                }
            }
        };
    let mut mentioned = Vec::new();
    for (f, function_facts) in facts.iter().enumerate() {
        for hit in function_facts.sinks.iter() {
            mentioned.clear();
            hit.value.mentioned_params(&mut mentioned);
            mark(f, &mentioned, &mut needed, &mut work);
        }
    }
    while let Some((callee, i)) = work.pop() {
        for &caller in &callers[callee as usize] {
            for call in &facts[caller as usize].calls {
                if call.callee.0 != callee {
                    continue;
                }
                if let Some(arg) = call.args().get(i as usize) {
                    mentioned.clear();
                    arg.mentioned_params(&mut mentioned);
                    mark(caller as usize, &mentioned, &mut needed, &mut work);
                }
            }
        }
    }
    needed
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
