//! A flow memo as bytes, for the on-disk cache: the CLI's next run after an edit takes from it the
//! evaluations the edit cannot have changed, as a language server takes them from its memory. The
//! tables are not written (they are made again from the index). Each function's evaluations are
//! encoded and decoded apart, in parallel, with a table of the traces their values hold: a trace step
//! is shared by every value the data was copied into, and is written once.

use super::memo::{Evaluation, FlowMemo};
use super::value::{Step, Trace};
use crate::parse::cache::Bytes;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

#[derive(Serialize)]
struct Written<'a> {
    keys: &'a [u64],
    declarations: u64,
    hand: u64,
    consents: &'a [String],
    callees: &'a [Vec<u32>],
    level: &'a [u32],
    evaluations: Vec<Bytes<'a>>,
}

#[derive(Deserialize)]
struct Read<'a> {
    keys: Vec<u64>,
    declarations: u64,
    hand: u64,
    consents: Vec<String>,
    callees: Vec<Vec<u32>>,
    level: Vec<u32>,
    #[serde(borrow)]
    evaluations: Vec<&'a [u8]>,
}

/// One function's evaluations: the trace nodes their values name (each a step and the node before it,
/// 0 for none, else its place + 1; a node after those it names), then the evaluations.
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

/// The trace nodes written so far on this thread: by identity, and by contents (a node made twice).
#[derive(Default)]
struct Writing {
    nodes: Vec<(Step, u32)>,
    by_identity: HashMap<usize, u32>,
    by_contents: HashMap<(Step, u32), u32>,
}

impl Writing {
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

thread_local! {
    static WRITING: RefCell<Option<Writing>> = const { RefCell::new(None) };
    static READING: RefCell<Option<Vec<Trace>>> = const { RefCell::new(None) };
}

/// A trace's number in the table being written on this thread (`None` outside `encode`).
pub(super) fn trace_written(trace: &Trace) -> Option<u32> {
    WRITING.with_borrow_mut(|writing| Some(writing.as_mut()?.intern(trace)))
}

/// The trace numbered `at` in the table being read on this thread.
pub(super) fn trace_read(at: u32) -> Option<Trace> {
    READING.with_borrow(|traces| match at {
        0 => Some(Trace::default()),
        _ => traces.as_ref()?.get(at as usize - 1).cloned(),
    })
}

fn encode(evaluations: &[Arc<Evaluation>]) -> Option<Vec<u8>> {
    WRITING.set(Some(Writing::default()));
    let written = postcard::to_allocvec(evaluations).ok();
    let writing = WRITING.take()?;
    postcard::to_allocvec(&BlobOf {
        nodes: &writing.nodes,
        evaluations: Bytes(&written?),
    })
    .ok()
}

fn decode(bytes: &[u8]) -> Option<Vec<Arc<Evaluation>>> {
    let blob: Blob = postcard::from_bytes(bytes).ok()?;
    let mut traces: Vec<Trace> = Vec::with_capacity(blob.nodes.len());
    for (step, earlier) in blob.nodes {
        let earlier = match earlier {
            0 => Trace::default(),
            at => traces.get(at as usize - 1)?.clone(),
        };
        traces.push(Trace::after(&earlier, step)?);
    }
    READING.set(Some(traces));
    let evaluations = postcard::from_bytes(blob.evaluations).ok();
    READING.set(None);
    evaluations
}

/// The bytes a memo was read from, and where each function's evaluations are in them: a run that takes a
/// function's evaluations as they were writes these bytes again instead of encoding them.
pub(super) struct StoredBlobs {
    bytes: Vec<u8>,
    ranges: Vec<Range<usize>>,
}

impl FlowMemo {
    /// The memo written; the evaluations of a function that are those of a function of `before` (a memo
    /// read from disk), the same and in the same order, are written as they were read.
    pub fn to_bytes(&self, before: Option<&FlowMemo>) -> Option<Vec<u8>> {
        let before = before.and_then(|memo| Some((memo, memo.stored.as_ref()?)));
        let by_first: HashMap<usize, usize> = before.map_or_else(HashMap::default, |(memo, _)| {
            (memo.evaluations.iter().enumerate())
                .filter_map(|(f, list)| Some((Arc::as_ptr(list.first()?) as usize, f)))
                .collect()
        });
        let as_read = |list: &[Arc<Evaluation>]| -> Option<&[u8]> {
            let (memo, stored) = before?;
            let f = *by_first.get(&(Arc::as_ptr(list.first()?) as usize))?;
            let then = &memo.evaluations[f];
            let same = then.len() == list.len()
                && (then.iter().zip(list)).all(|(then, now)| Arc::ptr_eq(then, now));
            same.then(|| &stored.bytes[stored.ranges[f].clone()])
        };
        let evaluations = (self.evaluations.par_iter())
            .map(|list| match as_read(list) {
                Some(bytes) => Some(Cow::Borrowed(bytes)),
                None => encode(list).map(Cow::Owned),
            })
            .collect::<Option<Vec<Cow<[u8]>>>>()?;
        postcard::to_allocvec(&Written {
            keys: &self.keys,
            declarations: self.declarations,
            hand: self.hand,
            consents: &self.consents,
            callees: &self.callees,
            level: &self.level,
            evaluations: evaluations.iter().map(|bytes| Bytes(bytes)).collect(),
        })
        .ok()
    }

    /// What `to_bytes` wrote, at `within` in `bytes`; `None` when it does not read back whole, or names
    /// a function it lacks.
    pub fn from_bytes(bytes: Vec<u8>, within: Range<usize>) -> Option<FlowMemo> {
        let read: Read = postcard::from_bytes(bytes.get(within)?).ok()?;
        let count = read.keys.len();
        let whole = read.evaluations.len() == count
            && read.callees.len() == count
            && read.level.len() == count
            && (read.callees.iter().flatten()).all(|f| (*f as usize) < count);
        if !whole {
            return None;
        }
        let evaluations = (read.evaluations.par_iter())
            .map(|bytes| {
                let evaluations = decode(bytes)?;
                (evaluations.iter())
                    .all(|e| e.names_only(count))
                    .then_some(evaluations)
            })
            .collect::<Option<Vec<_>>>()?;
        let start = bytes.as_ptr() as usize;
        let ranges = (read.evaluations.iter())
            .map(|blob| {
                let at = blob.as_ptr() as usize - start;
                at..at + blob.len()
            })
            .collect();
        Some(FlowMemo {
            keys: read.keys,
            declarations: read.declarations,
            evaluations,
            tables: None,
            hand: read.hand,
            consents: read.consents,
            callees: read.callees,
            level: read.level,
            stored: Some(StoredBlobs { bytes, ranges }),
        })
    }
}
