//! The evaluations of one analysis, kept for the next (a language server's next save). After an edit
//! that keeps the index's shape (`parse::shape`: bodies edited, lines moved, no item, signature or
//! manifest changed), the next analysis evaluates in the same order and takes a kept evaluation
//! instead of redoing it when it is the same work: its function is written in no file the edit
//! changed, the hand-written renders (read from bodies) are the same, and every summary it read then
//! has the same fingerprint now. Its result is then what evaluating would give, so the findings are a
//! cold run's. The flow's tables, the calls each body makes and the order they gave are taken the
//! same way.

use super::eval::{FnFacts, Trail};
use super::render::HandWritten;
use super::tables::Tables;
use super::value::Value;
use crate::index::{Index, TypeId};
use crate::workspace::FileId;
use std::sync::Arc;

/// One evaluation of a function: what it read, what it gave.
#[derive(Debug)]
pub struct Evaluation {
    /// The functions whose summaries it read, with those summaries' fingerprints then.
    read: Box<[(u32, u64)]>,
    pub facts: Arc<FnFacts>,
    pub used_fields: Box<[String]>,
    pub rendered: Box<[TypeId]>,
    /// Its function's summary when this evaluation alone made it, whether that added anything to an
    /// empty one, and its fingerprint.
    first_summary: std::sync::OnceLock<(Arc<Value>, bool, u64)>,
}

impl Evaluation {
    pub fn new(facts: Arc<FnFacts>, trail: Trail, fingerprints: &[u64]) -> Evaluation {
        Evaluation {
            read: (trail.summaries_read.iter())
                .map(|f| (*f, fingerprints[*f as usize]))
                .collect(),
            facts,
            used_fields: trail.used_fields.into(),
            rendered: trail.rendered.into(),
            first_summary: std::sync::OnceLock::new(),
        }
    }

    /// What its facts alone make of an empty summary (`ret`, their return value, joined into one), whether
    /// that grew, and the fingerprint: made once, shared by every analysis that takes it.
    pub fn first_summary(&self, ret: &Value) -> (Arc<Value>, bool, u64) {
        let (summary, grew, fingerprint) = self.first_summary.get_or_init(|| {
            let mut summary = Value::default();
            let grew = summary.absorb(ret);
            let fingerprint = summary.fingerprint();
            (Arc::new(summary), grew, fingerprint)
        });
        (Arc::clone(summary), *grew, *fingerprint)
    }
}

pub struct FlowMemo {
    /// Which functions the ids were (`identity`): a second check that the index is the one before.
    functions: u64,
    /// Per function (`FnId` order), its evaluations in the order they were made.
    evaluations: Vec<Vec<Arc<Evaluation>>>,
    tables: Arc<Tables>,
    /// Per function, the functions its body calls (`prescan`), and the levels these gave.
    callees: Vec<Vec<u32>>,
    level: Vec<u32>,
}

impl FlowMemo {
    pub fn new(
        index: &Index,
        tables: Arc<Tables>,
        callees: Vec<Vec<u32>>,
        level: Vec<u32>,
    ) -> FlowMemo {
        FlowMemo {
            functions: identity(index),
            evaluations: vec![Vec::new(); callees.len()],
            tables,
            callees,
            level,
        }
    }

    pub fn keep(&mut self, function: u32, evaluation: Arc<Evaluation>) {
        self.evaluations[function as usize].push(evaluation);
    }
}

/// A kept memo, as the analysis after an edit may use it.
pub struct Reuse<'a> {
    memo: &'a FlowMemo,
    /// Per function: written in a file the edit changed, so always evaluated again.
    edited: Vec<bool>,
}

/// A hash of every function's name, module, file and impl block, in id order.
fn identity(index: &Index) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    for f in &index.fns {
        (&f.name, f.module, f.file, f.owner).hash(&mut hasher);
    }
    hasher.finish()
}

impl<'a> Reuse<'a> {
    /// `None` when the memo is of another index (other functions under the ids) or the renders differ.
    pub fn new(
        memo: &'a FlowMemo,
        index: &Index,
        hand_written: &HandWritten,
        changed: &[FileId],
    ) -> Option<Reuse<'a>> {
        let same_functions =
            memo.evaluations.len() == index.fns.len() && memo.functions == identity(index);
        if !same_functions || memo.tables.types.hand != *hand_written {
            return None;
        }
        let mut changed_file = vec![false; index.workspace.files.len()];
        for file in changed {
            changed_file[file.0 as usize] = true;
        }
        // A function made by a macro is in the file of the invocation, where its spans are.
        let edited = (index.fns.iter())
            .map(|f| changed_file[f.file.0 as usize])
            .collect();
        Some(Reuse { memo, edited })
    }

    /// The tables of the analysis before: the same items and renders give the same tables.
    pub fn tables(&self) -> Arc<Tables> {
        Arc::clone(&self.memo.tables)
    }

    /// What `function`'s body calls, as found before the edit, unless the edit changed its file.
    pub fn callees(&self, function: usize) -> Option<Vec<u32>> {
        (!self.edited[function]).then(|| self.memo.callees[function].clone())
    }

    /// The levels found before the edit, if the calls are the same now.
    pub fn level(&self, callees: &[Vec<u32>]) -> Option<Vec<u32>> {
        let same = (self.edited.iter().enumerate())
            .all(|(f, edited)| !edited || self.memo.callees[f] == callees[f]);
        same.then(|| self.memo.level.clone())
    }

    /// A kept evaluation of `function` that read summaries with the fingerprints they have now.
    pub fn find(&self, function: u32, fingerprints: &[u64]) -> Option<&'a Arc<Evaluation>> {
        if self.edited[function as usize] {
            return None;
        }
        self.memo.evaluations[function as usize].iter().find(|e| {
            e.read
                .iter()
                .all(|(read, then)| fingerprints[*read as usize] == *then)
        })
    }
}
