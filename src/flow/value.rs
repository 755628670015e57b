//! The abstract value of an expression: which personal data it may carry, with the path it took.

use super::small_map::SmallMap;
use crate::diagnostic::{Span, TraceStep};
use crate::index::{DeclId, TraitId, TypeId};
use crate::index::{FnId, Index};
use crate::parse::flow_ir::Render;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Where the data in a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// A declared field's or personal-data type's value, already extracted.
    Decl(DeclId),
    /// A whole value of a workspace type: its personal data depends on how it is rendered.
    Whole(TypeId),
    /// A value of a workspace struct built by a literal here (no `..rest`): its declared fields are
    /// personal data, and its other fields hold just what was put in them (tracked in `fields`).
    Built(TypeId),
    /// A value of a workspace enum known to be the variant with this index (`TypeFacts::variant`):
    /// it holds only that variant's data.
    Variant(TypeId, u16),
    /// Whatever the function's parameter `index` receives from its callers, rendered as `Render`
    /// (`Value` when not rendered yet).
    Param(u32, Render),
    /// Element `1` of parameter `0` when the parameter is a tuple destructured where it is declared
    /// (`(card, item, session): (&Card, Data, Session)`), so each element carries only its own data.
    ParamPart(u32, u16, Render),
    /// A writer that goes to a file or another party (its catalogue entry's index).
    Handle(u16),
    /// Personal data that went through an encryptor: still personal data, but protected at rest.
    Encrypted(DeclId),
    /// Personal data inside a wrapper of the catalogue or `[[wrappers]]` (its index): rendered as the
    /// wrapper renders, handed out by its expose methods.
    Masked(DeclId, u16),
    /// Came from a consenting source (or a consent filter) for the consent with this bit (see `guards`).
    Consented(u8),
    /// A value known by a workspace trait it implements (`&dyn StorageInterface`, `impl Store`, `S: Store`):
    /// its methods are every impl's (SPEC 4.4 "trait calls"). Carries no data itself.
    Dyn(TraitId),
}

/// One step of the path data took. Notes are rendered only for findings, so a step is a plain copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    pub span: Span,
    pub note: StepNote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepNote {
    /// Bound by a pattern; the name is the text at the step's span.
    Bound,
    Passed(FnName),
    Returned(FnName),
}

/// A function's name, as a step says it: a hash of the text, not the `FnId`, so a value's traces (and
/// its fingerprint) stay the same when an edit renumbers the functions (`FlowMemo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FnName(u64);

impl FnName {
    pub fn of(name: &str) -> FnName {
        use std::hash::{Hash, Hasher};
        // SipHash: names that differ practically never share a hash.
        let mut hasher = std::hash::DefaultHasher::new();
        name.hash(&mut hasher);
        FnName(hasher.finish())
    }
}

/// Every function's `FnName`, by id, and the names back from them (for rendering steps; made at the
/// first step rendered, as only findings' steps are).
pub struct FnNames {
    by_id: Vec<FnName>,
    text: std::sync::OnceLock<std::collections::HashMap<FnName, FnId>>,
}

impl FnNames {
    pub fn new(index: &Index) -> FnNames {
        use rayon::prelude::*;
        let by_id: Vec<FnName> = index.fns.par_iter().map(|f| FnName::of(&f.name)).collect();
        FnNames {
            by_id,
            text: std::sync::OnceLock::new(),
        }
    }

    pub fn of(&self, function: FnId) -> FnName {
        self.by_id[function.0 as usize]
    }

    fn text<'a>(&self, index: &'a Index, name: FnName) -> &'a str {
        let text = self.text.get_or_init(|| {
            (self.by_id.iter().enumerate())
                .map(|(id, name)| (*name, FnId(id as u32)))
                .collect()
        });
        text.get(&name).map_or("_", |f| &index.func(*f).name)
    }
}

impl Step {
    pub fn render(&self, index: &Index, names: &FnNames) -> TraceStep {
        let note = match self.note {
            StepNote::Bound => {
                let name = index
                    .workspace
                    .text(self.span.file)
                    .and_then(|text| span_text(text, self.span))
                    .unwrap_or("_");
                format!("bound to `{name}`")
            }
            StepNote::Passed(f) => format!("passed to `{}`", names.text(index, f)),
            StepNote::Returned(f) => format!("returned from `{}`", names.text(index, f)),
        };
        TraceStep {
            span: self.span,
            note,
        }
    }
}

/// The text of a one-line span.
fn span_text(text: &str, span: Span) -> Option<&str> {
    let line = text.lines().nth(span.line.checked_sub(1)? as usize)?;
    let start = line
        .char_indices()
        .nth(span.column.checked_sub(1)? as usize)
        .map(|(i, _)| i)?;
    let end = line
        .char_indices()
        .nth(span.end_column.checked_sub(1)? as usize)
        .map_or(line.len(), |(i, _)| i);
    line.get(start..end.max(start))
}

/// The steps data took, oldest first. A step is shared by every value the data was copied into, so copying
/// a value (which the analysis does constantly) never copies its paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace(Option<Arc<TraceNode>>);

#[derive(Debug, PartialEq, Eq)]
struct TraceNode {
    step: Step,
    len: u16,
    earlier: Trace,
}

// As `PartialEq` compares: step by step, after the length (so a value's traces hash apart).
impl std::hash::Hash for Trace {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        let mut at = self;
        while let Some(node) = &at.0 {
            node.step.hash(state);
            at = &node.earlier;
        }
    }
}

impl Trace {
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |node| usize::from(node.len))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn last(&self) -> Option<&Step> {
        self.0.as_ref().map(|node| &node.step)
    }

    /// Its last step and the trace before it.
    pub(super) fn split(&self) -> Option<(Step, &Trace)> {
        self.0.as_ref().map(|node| (node.step, &node.earlier))
    }

    /// What tells this trace's last node from any other (not its contents).
    pub(super) fn identity(&self) -> usize {
        self.0.as_ref().map_or(0, |node| Arc::as_ptr(node) as usize)
    }

    /// `earlier` with `step` after it, unless that is longer than any trace kept.
    pub(super) fn after(earlier: &Trace, step: Step) -> Option<Trace> {
        (earlier.len() < MAX_TRACE).then(|| earlier.pushed(step))
    }

    fn pushed(&self, step: Step) -> Trace {
        Trace(Some(Arc::new(TraceNode {
            step,
            len: self.len() as u16 + 1,
            earlier: self.clone(),
        })))
    }

    pub fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::with_capacity(self.len());
        let mut at = self;
        while let Some(node) = &at.0 {
            steps.push(node.step);
            at = &node.earlier;
        }
        steps.reverse();
        steps
    }
}

// Written as its place in the table of traces being written (`stored`), so the steps shared by many
// values are written once.
impl Serialize for Trace {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match super::stored::trace_written(self) {
            Some(at) => serializer.serialize_u32(at),
            None => Err(serde::ser::Error::custom(
                "a trace is written only with its table",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Trace {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let at = u32::deserialize(deserializer)?;
        super::stored::trace_read(at)
            .ok_or_else(|| serde::de::Error::custom("a trace its table lacks"))
    }
}

/// Steps kept per origin: enough to explain a flow, bounded so values stay small.
const MAX_TRACE: usize = 12;

/// The field under which a value keeps what its `Err` variant holds (not a Rust name, so never a field's).
pub const ERR: &str = "<err>";

/// How deep per-field knowledge goes (`row.address.street`); deeper, a value is one set of data.
const MAX_DEPTH: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Value {
    pub items: SmallMap<Origin, Trace>,
    /// Data known per field or tuple element (struct literals, tuples): read back by field access.
    pub fields: SmallMap<String, Value>,
}

impl Value {
    pub fn one(origin: Origin, trace: Trace) -> Value {
        let mut value = Value::default();
        value.items.insert(origin, trace);
        value
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.fields.values().all(Value::is_empty)
    }

    /// A hash of everything it holds, traces included: equal values have equal fingerprints, and (64-bit
    /// SipHash, not a fast multiplicative hash) different ones practically never share one.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// Adds what `other` carries; an origin already present keeps its (first found) trace.
    pub fn join(&mut self, other: &Value) {
        self.absorb(other);
    }

    /// `join`, saying whether anything new was added (the fixed points' test of change; the flow memo
    /// refreshes a summary's fingerprint only when this says so).
    pub fn absorb(&mut self, other: &Value) -> bool {
        let grew = self.items.absorb_from(&other.items);
        let fields_grew = self.fields.merge_from(
            &other.fields,
            |mine, theirs| mine.absorb(theirs),
            |theirs| {
                let mut fresh = Value::default();
                fresh.absorb(theirs).then_some(fresh)
            },
        );
        grew | fields_grew
    }

    /// Whether some data in it (fields included) is a parameter's, so depends on the callers.
    pub fn mentions_params(&self) -> bool {
        self.items
            .keys()
            .any(|o| matches!(o, Origin::Param(..) | Origin::ParamPart(..)))
            || self.fields.values().any(Value::mentions_params)
    }

    /// The parameters whose data is in it (fields included), each once, in no particular order.
    pub fn mentioned_params(&self, out: &mut Vec<u32>) {
        for origin in self.items.keys() {
            if let Origin::Param(i, _) | Origin::ParamPart(i, _, _) = origin {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
        }
        for value in self.fields.values() {
            value.mentioned_params(out);
        }
    }

    pub fn joined(mut self, other: &Value) -> Value {
        self.join(other);
        self
    }

    /// Everything it carries, its fields included, as one flat value.
    pub fn flattened(&self) -> Value {
        let mut flat = Value {
            items: self.items.clone(),
            fields: SmallMap::default(),
        };
        for value in self.fields.values() {
            flat.join(&value.flattened());
        }
        flat
    }

    /// The same data, with a step added to every trace.
    pub fn stepped(&self, span: Span, note: StepNote) -> Value {
        let mut value = self.clone();
        value.add_step(span, note);
        value
    }

    /// `stepped`, for a value no longer needed without the step.
    pub fn with_step(mut self, span: Span, note: StepNote) -> Value {
        self.add_step(span, note);
        self
    }

    fn add_step(&mut self, span: Span, note: StepNote) {
        for trace in self.items.values_mut() {
            if trace.len() < MAX_TRACE && trace.last().is_none_or(|last| last.span != span) {
                *trace = trace.pushed(Step { span, note });
            }
        }
        for value in self.fields.values_mut() {
            value.add_step(span, note);
        }
    }

    pub fn with_field(mut self, name: &str, value: Value) -> Value {
        self.join_field(name, &value);
        self
    }

    /// Adds `value` to what field `name` holds, keeping values at most `MAX_DEPTH` fields deep (deeper
    /// parts are flattened into their holder): recursive functions and loops would nest them forever.
    pub fn join_field(&mut self, name: &str, value: &Value) {
        if value.is_empty() {
            return;
        }
        self.fields
            .get_or_insert_with(name, Value::default)
            .join_truncated(value, MAX_DEPTH - 1);
    }

    /// Joins `other` keeping at most `depth` levels of its fields (deeper ones flattened into their holder).
    fn join_truncated(&mut self, other: &Value, depth: usize) {
        self.items.absorb_from(&other.items);
        if depth == 0 {
            for value in other.fields.values() {
                self.join_truncated(value, 0);
            }
            return;
        }
        self.fields.merge_from(
            &other.fields,
            |mine, theirs| {
                mine.join_truncated(theirs, depth - 1);
                false
            },
            |theirs| {
                let mut fresh = Value::default();
                fresh.join_truncated(theirs, depth - 1);
                (!fresh.is_empty()).then_some(fresh)
            },
        );
    }

    /// Only the origins `keep` keeps (fields included, fields left empty dropped), without spare capacity.
    /// `keep` is also told whether the value it is in holds fields: a type then says which of them its
    /// renders hide.
    pub fn retained(&self, keep: &impl Fn(&Origin, bool) -> bool) -> Value {
        if self.all_kept(keep) {
            return self.clone().compacted();
        }
        let holds_fields = !self.fields.is_empty();
        let mut items = self.items.clone();
        items.retain(|origin, _| keep(origin, holds_fields));
        items.shrink();
        let mut fields: SmallMap<String, Value> = self
            .fields
            .iter()
            .map(|(name, value)| (name.clone(), value.retained(keep)))
            .collect();
        fields.retain(|_, value| !value.is_empty());
        fields.shrink();
        Value { items, fields }
    }

    /// Whether `retained(keep)` keeps anything.
    pub fn keeps_any(&self, keep: &impl Fn(&Origin, bool) -> bool) -> bool {
        let holds_fields = !self.fields.is_empty();
        self.items.keys().any(|origin| keep(origin, holds_fields))
            || self.fields.values().any(|v| v.keeps_any(keep))
    }

    fn all_kept(&self, keep: &impl Fn(&Origin, bool) -> bool) -> bool {
        let holds_fields = !self.fields.is_empty();
        self.items.keys().all(|origin| keep(origin, holds_fields))
            && self
                .fields
                .values()
                .all(|v| !v.is_empty() && v.all_kept(keep))
    }

    /// The same value without spare capacity, for values kept until the end of the run.
    pub fn compacted(mut self) -> Value {
        self.compact();
        self
    }

    fn compact(&mut self) {
        self.items.shrink();
        self.fields.shrink();
        for value in self.fields.values_mut() {
            value.compact();
        }
    }

    /// Element `element` of a tuple value: what it was built with, if it was built here, else all of it.
    pub fn element(&self, element: usize) -> Value {
        if self.fields.is_empty() {
            return self.clone();
        }
        let mut part = Value {
            items: self.items.clone(),
            fields: SmallMap::default(),
        };
        if let Some(built) = self.fields.get(element.to_string().as_str()) {
            part.join(built);
        }
        part
    }

    /// `Err(value)`: a result that holds `value` on its error side only.
    pub fn err(value: Value) -> Value {
        Value::default().with_field(ERR, value)
    }

    /// What the error side holds (`Err(e)` patterns, `.unwrap_err()`, `map_err`'s closure).
    pub fn err_part(&self) -> Value {
        self.fields.get(ERR).cloned().unwrap_or_default()
    }

    /// What the success side holds (`Ok(x)`, `?`, `.unwrap()`): everything but the error side.
    pub fn ok_part(&self) -> Value {
        if self.fields.get(ERR).is_none() {
            return self.clone();
        }
        Value {
            items: self.items.clone(),
            fields: self
                .fields
                .iter()
                .filter(|(name, _)| name.as_str() != ERR)
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        }
    }

    /// The wrapped data handed out (`secret.peek()`): masked data in clear, and a personal-data type's
    /// value as its data (`email.peek()` through `Deref`).
    pub fn unmasked(&self, index: &Index) -> Value {
        let mut out = Value::default();
        for (origin, trace) in &self.items {
            let opened = match origin {
                Origin::Masked(d, _) => Origin::Decl(*d),
                Origin::Whole(t) => match index.catalogue.type_decl(*t) {
                    Some(d) => Origin::Decl(d),
                    None => *origin,
                },
                other => *other,
            };
            out.items.entry(opened).or_insert_with(|| trace.clone());
        }
        for (name, value) in &self.fields {
            out.join_field(name, &value.unmasked(index));
        }
        out
    }

    /// The same data put inside wrapper `wrapper` (`Secret::new(x)`).
    pub fn masked(&self, wrapper: u16) -> Value {
        let mut out = Value::default();
        for (origin, trace) in &self.flattened().items {
            let wrapped = match origin {
                Origin::Decl(d) => Origin::Masked(*d, wrapper),
                other => *other,
            };
            out.items.entry(wrapped).or_insert_with(|| trace.clone());
        }
        out
    }

    pub fn handles(&self) -> impl Iterator<Item = u16> + '_ {
        self.items.keys().filter_map(|o| match o {
            Origin::Handle(h) => Some(*h),
            _ => None,
        })
    }

    /// The workspace traits the value is known by (for method calls).
    pub fn dyn_traits(&self) -> impl Iterator<Item = TraitId> + '_ {
        self.items.keys().filter_map(|o| match o {
            Origin::Dyn(t) => Some(*t),
            _ => None,
        })
    }

    /// The workspace types of the value (for method calls and field types), whatever the variant.
    pub fn whole_types(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.items.keys().filter_map(|o| match o {
            Origin::Whole(t) | Origin::Variant(t, _) | Origin::Built(t) => Some(*t),
            _ => None,
        })
    }
}
