//! A flow memo on disk, for the CLI's cache: the next run after an edit takes from it the evaluations
//! the edit cannot have changed, as a language server takes them from its memory. The tables are not
//! written (they are made again from the index).
//!
//! Each function's evaluations are one blob, kept by a hash of its bytes in a `KeyedPack`, so a run
//! writes only the blobs it made and the small record naming them. A blob names the functions its
//! evaluations call and read as places in a table kept beside it in the record: after an edit that
//! renumbers the functions, a kept blob is named again with its table renumbered, its bytes unchanged.
//! It holds the trace steps its values name once each (a step is shared by every value the data was
//! copied into). Blobs are encoded and decoded in parallel.

use super::memo::{old_ids, Evaluation, FlowMemo};
use super::types::{StoredTypes, StoredTypesOf};
use super::value::{Step, Trace};
use crate::index::FnId;
use crate::parse::cache::{content_key, Bytes, Entries, Key, KeyedPack};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::sync::Arc;

/// The blob of a function's evaluations, and the functions its places name (by id).
type Named = (Key, Vec<u32>);

#[derive(Serialize)]
struct Written<'a> {
    keys: &'a [u64],
    declarations: u64,
    hand: u64,
    consents: &'a [String],
    callees: &'a [Vec<u32>],
    level: &'a [u32],
    blobs: &'a [Named],
    types: Option<StoredTypesOf<'a>>,
}

#[derive(Deserialize)]
struct Read {
    keys: Vec<u64>,
    declarations: u64,
    hand: u64,
    consents: Vec<String>,
    callees: Vec<Vec<u32>>,
    level: Vec<u32>,
    blobs: Vec<Named>,
    types: Option<StoredTypes>,
}

/// A blob: the trace nodes its values name (each a step and the node before it, 0 for none, else its
/// place + 1; a node after those it names), then the evaluations.
#[derive(Serialize)]
struct BlobOf<'a> {
    nodes: &'a [(Step, u32)],
    evaluations: Bytes<'a>,
}

#[derive(Deserialize)]
struct Blob<'a> {
    nodes: Vec<(Step, u32)>,
    #[serde(borrow)]
    evaluations: &'a [u8],
}

/// The blobs a memo was read from: written again by name for the functions whose evaluations a run
/// takes as they were.
pub(super) struct StoredBlobs {
    entries: Entries,
    blobs: Vec<Named>,
}

/// The trace nodes written so far in a blob: by identity, and by contents (a node made twice).
#[derive(Default)]
struct Traces {
    nodes: Vec<(Step, u32)>,
    by_identity: HashMap<usize, u32>,
    by_contents: HashMap<(Step, u32), u32>,
}

impl Traces {
    /// The trace's place + 1 in the table (0 for the empty trace), its earlier nodes added first.
    fn intern(&mut self, trace: &Trace) -> u32 {
        let Some((step, earlier)) = trace.split() else {
            return 0;
        };
        if let Some(at) = self.by_identity.get(&trace.identity()) {
            return *at;
        }
        let earlier = self.intern(earlier);
        let at = *self.by_contents.entry((step, earlier)).or_insert_with(|| {
            self.nodes.push((step, earlier));
            self.nodes.len() as u32
        });
        self.by_identity.insert(trace.identity(), at);
        at
    }
}

/// The functions a blob names, in the order it first names them.
#[derive(Default)]
struct Functions {
    table: Vec<u32>,
    place: HashMap<u32, u32>,
}

/// What the blob being written or read on this thread refers to (encoding and decoding run on one
/// thread each: serde has no other way to hand them a context).
#[derive(Default)]
struct Writing {
    traces: Traces,
    functions: Functions,
}

struct Reading {
    traces: Vec<Trace>,
    functions: Vec<u32>,
}

thread_local! {
    static WRITING: RefCell<Option<Writing>> = const { RefCell::new(None) };
    static READING: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

/// A trace's number in the blob being written on this thread (`None` outside `encode`).
pub(super) fn trace_written(trace: &Trace) -> Option<u32> {
    WRITING.with_borrow_mut(|writing| Some(writing.as_mut()?.traces.intern(trace)))
}

/// The trace numbered `at` in the blob being read on this thread.
pub(super) fn trace_read(at: u32) -> Option<Trace> {
    READING.with_borrow(|reading| match at {
        0 => Some(Trace::default()),
        _ => reading.as_ref()?.traces.get(at as usize - 1).cloned(),
    })
}

/// A function id, written as its place in the blob's table.
struct Place(u32);

impl Serialize for Place {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let place = WRITING.with_borrow_mut(|writing| {
            let functions = &mut writing.as_mut()?.functions;
            Some(*functions.place.entry(self.0).or_insert_with(|| {
                functions.table.push(self.0);
                functions.table.len() as u32 - 1
            }))
        });
        match place {
            Some(place) => serializer.serialize_u32(place),
            None => Err(serde::ser::Error::custom(
                "a function is written only in a blob",
            )),
        }
    }
}

/// A function id, read from its place in the blob's table.
struct Id(u32);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let place = u32::deserialize(deserializer)?;
        READING
            .with_borrow(|reading| reading.as_ref()?.functions.get(place as usize).copied())
            .map(Id)
            .ok_or_else(|| serde::de::Error::custom("a function its blob's table lacks"))
    }
}

/// `#[serde(with)]` for the fields of evaluations that name functions.
pub(super) mod function {
    use super::*;
    pub fn serialize<S: Serializer>(id: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        Place(*id).serialize(serializer)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
        Ok(Id::deserialize(deserializer)?.0)
    }
}

/// A function's calls, the sites of one call expression (one per function it reaches, sharing what the
/// arguments keep) written as one.
pub(super) mod calls {
    use super::*;
    use crate::diagnostic::Span;
    use crate::flow::eval::CallSite;
    use crate::flow::guards::ConsentSet;
    use crate::flow::value::Value;

    #[derive(Serialize)]
    struct GroupOf<'a> {
        span: Span,
        consents: ConsentSet,
        kept: &'a Option<Arc<[Value]>>,
        callees: Vec<Place>,
    }

    #[derive(Deserialize)]
    struct Group {
        span: Span,
        consents: ConsentSet,
        kept: Option<Arc<[Value]>>,
        callees: Vec<Id>,
    }

    fn one_expression(a: &CallSite, b: &CallSite) -> bool {
        let same_kept = match (&a.kept, &b.kept) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_kept && a.span == b.span && a.consents == b.consents
    }

    pub fn serialize<S: Serializer>(calls: &[CallSite], serializer: S) -> Result<S::Ok, S::Error> {
        // Postcard writes a sequence's length first: the groups are counted before they are written.
        let groups: Vec<GroupOf> = (calls.chunk_by(one_expression))
            .map(|sites| GroupOf {
                span: sites[0].span,
                consents: sites[0].consents,
                kept: &sites[0].kept,
                callees: sites.iter().map(|site| Place(site.callee.0)).collect(),
            })
            .collect();
        serializer.collect_seq(groups)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<CallSite>, D::Error> {
        let groups = Vec::<Group>::deserialize(deserializer)?;
        let sites = groups.into_iter().flat_map(|group| {
            let Group {
                span,
                consents,
                kept,
                callees,
            } = group;
            (callees.into_iter()).map(move |callee| CallSite {
                callee: FnId(callee.0),
                span,
                kept: kept.clone(),
                consents,
            })
        });
        Ok(sites.collect())
    }
}

pub(super) mod functions {
    use super::*;
    pub fn serialize<S: Serializer>(ids: &Arc<[u32]>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(ids.iter().map(|id| Place(*id)))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<[u32]>, D::Error> {
        let ids = Vec::<Id>::deserialize(deserializer)?;
        Ok(ids.into_iter().map(|id| id.0).collect())
    }
}

pub(super) mod functions_read {
    use super::*;
    pub fn serialize<S: Serializer>(read: &[(u32, u64)], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(read.iter().map(|(id, seen)| (Place(*id), *seen)))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Box<[(u32, u64)]>, D::Error> {
        let read = Vec::<(Id, u64)>::deserialize(deserializer)?;
        Ok(read.into_iter().map(|(id, seen)| (id.0, seen)).collect())
    }
}

/// A function's evaluations as a blob, and the functions it names.
fn encode(evaluations: &[Arc<Evaluation>]) -> Option<(Vec<u8>, Vec<u32>)> {
    WRITING.set(Some(Writing::default()));
    let written = postcard::to_allocvec(evaluations).ok();
    let writing = WRITING.take()?;
    let blob = postcard::to_allocvec(&BlobOf {
        nodes: &writing.traces.nodes,
        evaluations: Bytes(&written?),
    })
    .ok()?;
    Some((blob, writing.functions.table))
}

fn decode(bytes: &[u8], functions: &[u32]) -> Option<Vec<Arc<Evaluation>>> {
    let blob: Blob = postcard::from_bytes(bytes).ok()?;
    let mut traces: Vec<Trace> = Vec::with_capacity(blob.nodes.len());
    for (step, earlier) in blob.nodes {
        let earlier = match earlier {
            0 => Trace::default(),
            at => traces.get(at as usize - 1)?.clone(),
        };
        traces.push(Trace::after(&earlier, step)?);
    }
    READING.set(Some(Reading {
        traces,
        functions: functions.to_vec(),
    }));
    let evaluations = postcard::from_bytes(blob.evaluations).ok();
    READING.set(None);
    evaluations
}

/// Whether `now` are `then`, or what renumbering the functions made of them (which shares their facts
/// but the calls: an evaluation made again shares nothing with one before).
fn same_evaluations(now: &[Arc<Evaluation>], then: &[Arc<Evaluation>]) -> bool {
    now.len() == then.len()
        && (now.iter().zip(then)).all(|(now, then)| {
            Arc::ptr_eq(now, then)
                || (Arc::ptr_eq(&now.facts.ret, &then.facts.ret)
                    && Arc::ptr_eq(&now.facts.sinks, &then.facts.sinks)
                    && Arc::ptr_eq(&now.used_fields, &then.used_fields))
        })
}

impl FlowMemo {
    /// The record of this memo, its blobs written to `pack`: those of `before` (the memo read from it)
    /// named again for the functions whose evaluations are its own, the others encoded.
    pub fn store(&self, before: Option<&FlowMemo>, pack: &KeyedPack) -> Option<Vec<u8>> {
        let before = before.and_then(|memo| Some((memo, memo.stored.as_ref()?)));
        let old_id = before.and_then(|(memo, _)| old_ids(&memo.keys, &self.keys));
        let mut new_id: Vec<Option<u32>> =
            vec![None; before.map_or(0, |(memo, _)| memo.keys.len())];
        for (now, then) in old_id.iter().flatten().enumerate() {
            if let Some(then) = then {
                new_id[*then as usize] = Some(now as u32);
            }
        }
        let kept = |f: usize| -> Option<Named> {
            let (memo, stored) = before?;
            let then = old_id.as_ref()?[f]? as usize;
            if !same_evaluations(&self.evaluations[f], &memo.evaluations[then]) {
                return None;
            }
            let (key, functions) = &stored.blobs[then];
            let functions = (functions.iter())
                .map(|old| *new_id.get(*old as usize)?)
                .collect::<Option<Vec<u32>>>()?;
            Some((*key, functions))
        };
        let named: Vec<(Named, Option<Vec<u8>>)> = (0..self.evaluations.len())
            .into_par_iter()
            .map(|f| match kept(f) {
                Some(named) => Some((named, None)),
                None => {
                    let (blob, functions) = encode(&self.evaluations[f])?;
                    Some(((content_key(&blob), functions), Some(blob)))
                }
            })
            .collect::<Option<_>>()?;
        let mut made = Vec::new();
        let mut kept_keys = Vec::new();
        let mut blobs = Vec::with_capacity(named.len());
        for ((key, functions), blob) in named {
            match blob {
                Some(blob) => made.push(KeyedPack::made(key, blob)),
                None => kept_keys.push(key),
            }
            blobs.push((key, functions));
        }
        let empty = Entries::default();
        let entries = before.map_or(&empty, |(_, stored)| &stored.entries);
        pack.write(entries, &kept_keys, made);
        postcard::to_allocvec(&Written {
            keys: &self.keys,
            declarations: self.declarations,
            hand: self.hand,
            consents: &self.consents,
            callees: &self.callees,
            level: &self.level,
            blobs: &blobs,
            types: self.tables.as_ref().map(|tables| tables.types.stored()),
        })
        .ok()
    }

    /// The memo `store` recorded, its blobs read from `pack`; `None` when it does not read back whole,
    /// or names a function it lacks.
    pub fn load(record: &[u8], pack: &KeyedPack) -> Option<FlowMemo> {
        let read: Read = postcard::from_bytes(record).ok()?;
        let count = read.keys.len();
        let known = |f: &u32| (*f as usize) < count;
        let whole = read.blobs.len() == count
            && read.callees.len() == count
            && read.level.len() == count
            && (read.callees.iter().flatten()).all(known)
            && (read.blobs.iter()).all(|(_, functions)| functions.iter().all(known));
        if !whole {
            return None;
        }
        let entries = pack.read();
        let evaluations = (read.blobs.par_iter())
            .map(|(key, functions)| {
                let evaluations = decode(KeyedPack::entry(&entries, key)?, functions)?;
                (evaluations.iter())
                    .all(|e| e.names_only(count))
                    .then_some(evaluations)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(FlowMemo {
            keys: read.keys,
            declarations: read.declarations,
            evaluations,
            tables: None,
            hand: read.hand,
            consents: read.consents,
            callees: read.callees,
            level: read.level,
            stored: Some(StoredBlobs {
                entries,
                blobs: read.blobs,
            }),
            stored_types: std::sync::Mutex::new(read.types),
        })
    }
}
