//! The evaluations of one analysis, kept for the next (a language server's next save). The next
//! analysis evaluates in its own order and takes a kept evaluation instead of redoing it when it is the
//! same work: its function is written in no file the edit changed, the hand-written renders (read from
//! bodies) are the same, and every summary it read then has the same fingerprint now. Its result is then
//! what evaluating would give, so the findings are a cold run's.
//!
//! After an edit that keeps the index's shape (`parse::shape`: bodies edited, lines moved) the functions
//! keep their ids, and the flow's tables, the calls each body makes and the order they gave are taken
//! too. After an edit that only added, removed or changed functions (`shape::changed_functions`), the
//! functions after them in the index are renumbered: a kept evaluation is renumbered with them, and is
//! taken only if its function's body names none of the changed functions (what else it reads is the
//! same items as before); the type facts are taken, the tables that name functions made again, and the
//! order taken when the functions that were there call what they called.

use super::eval::{CallSite, FnFacts, Trail};
use super::render::HandWritten;
use super::tables::Tables;
use super::types::{StoredTypes, TypeFacts};
use super::value::Value;
use crate::index::{FnId, Index, TypeId};
use crate::parse::Edit;
use rayon::prelude::*;
use std::sync::Arc;

/// One evaluation of a function: what it read, what it gave.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// The functions whose summaries it read, with those summaries' fingerprints then.
    #[serde(with = "super::stored::functions_read")]
    read: Box<[(u32, u64)]>,
    pub facts: Arc<FnFacts>,
    /// Shared by the evaluation renumbered from it.
    pub used_fields: Arc<[String]>,
    pub rendered: Arc<[TypeId]>,
    /// Its function's summary when this evaluation alone made it, whether that added anything to an
    /// empty one, and its fingerprint.
    #[serde(skip)]
    first_summary: std::sync::OnceLock<(Arc<Value>, bool, u64)>,
    /// The highest id of a function it calls or read the summary of: a renumbering that moves only
    /// functions after it leaves it as it is.
    #[serde(with = "super::stored::function")]
    latest: u32,
}

impl Evaluation {
    pub fn new(facts: Arc<FnFacts>, trail: Trail, fingerprints: &[u64]) -> Evaluation {
        let called = facts.calls.iter().map(|call| call.callee.0);
        let latest = called.chain(trail.summaries_read.iter().copied()).max();
        Evaluation {
            latest: latest.unwrap_or(0),
            read: (trail.summaries_read.iter())
                .map(|f| (*f, fingerprints[*f as usize]))
                .collect(),
            facts,
            used_fields: trail.used_fields.into(),
            rendered: trail.rendered.into(),
            first_summary: std::sync::OnceLock::new(),
        }
    }

    /// Whether every function and call it names is among the first `count` functions and its calls (an
    /// evaluation read from disk).
    pub fn names_only(&self, count: usize) -> bool {
        let known = |f: u32| (f as usize) < count;
        let facts = &self.facts;
        known(self.latest)
            && self.read.iter().all(|(f, _)| known(*f))
            && facts.calls.iter().all(|call| known(call.callee.0))
            && facts.callees.iter().all(|f| known(*f))
            && (facts.passing.iter()).all(|at| (*at as usize) < facts.calls.len())
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

    /// The same evaluation with the functions it names renumbered (`new_id` by old id); `None` if one of
    /// them is gone. Only the ids of calls and of the summaries read: values name functions by their
    /// names (`FnName`).
    /// `first_moved` is the lowest id `new_id` changes.
    fn renumbered(
        self: &Arc<Self>,
        new_id: &[Option<u32>],
        first_moved: u32,
    ) -> Option<Arc<Evaluation>> {
        if self.latest < first_moved {
            return Some(Arc::clone(self));
        }
        let moved = |f: u32| new_id[f as usize] != Some(f);
        let calls_moved = self.facts.calls.iter().any(|c| moved(c.callee.0));
        if !calls_moved && !self.read.iter().any(|(f, _)| moved(*f)) {
            return Some(Arc::clone(self));
        }
        let read: Box<[(u32, u64)]> = (self.read.iter())
            .map(|(f, fingerprint)| Some((new_id[*f as usize]?, *fingerprint)))
            .collect::<Option<_>>()?;
        let facts = if calls_moved {
            let calls = (self.facts.calls.iter())
                .map(|call| {
                    Some(CallSite {
                        callee: FnId(new_id[call.callee.0 as usize]?),
                        ..call.clone()
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Arc::new(FnFacts {
                ret: Arc::clone(&self.facts.ret),
                sinks: Arc::clone(&self.facts.sinks),
                callees: super::eval::callees_of(&calls),
                calls,
                passing: Arc::clone(&self.facts.passing),
                reads: Arc::clone(&self.facts.reads),
            })
        } else {
            Arc::clone(&self.facts)
        };
        Some(Arc::new(Evaluation {
            read,
            facts,
            used_fields: Arc::clone(&self.used_fields),
            rendered: Arc::clone(&self.rendered),
            first_summary: self.first_summary.clone(),
            latest: new_id[self.latest as usize].unwrap_or(self.latest),
        }))
    }
}

pub struct FlowMemo {
    /// Which function each id was (`function_keys`).
    pub(super) keys: Vec<u64>,
    /// What the declarations were (`Catalogue::declarations_key`).
    pub(super) declarations: u64,
    /// Per function (`FnId` order), its evaluations in the order they were made.
    pub(super) evaluations: Vec<Vec<Arc<Evaluation>>>,
    /// The tables, when the memo was kept in memory (a memo read from disk makes them again).
    pub(super) tables: Option<Arc<Tables>>,
    /// A hash of the renders hand-written impls make (`HandWritten`), and the consents by bit: what
    /// the tables were made of that an edit of bodies can change.
    pub(super) hand: u64,
    pub(super) consents: Vec<String>,
    /// Per function, the functions its body calls (`prescan`), and the levels these gave.
    pub(super) callees: Vec<Vec<u32>>,
    pub(super) level: Vec<u32>,
    /// The bytes it was read from, when it was (`stored`).
    pub(super) stored: Option<super::stored::StoredBlobs>,
    /// The type facts it was read with, when it was (taken by the analysis that takes from it).
    pub(super) stored_types: std::sync::Mutex<Option<StoredTypes>>,
}

impl FlowMemo {
    /// `keys` when the analysis has them already (`Reuse::keys`).
    pub fn new(
        index: &Index,
        keys: Option<Vec<u64>>,
        tables: Arc<Tables>,
        callees: Vec<Vec<u32>>,
        level: Vec<u32>,
    ) -> FlowMemo {
        FlowMemo {
            keys: keys.unwrap_or_else(|| function_keys(index)),
            declarations: index.catalogue.declarations_key(),
            evaluations: vec![Vec::new(); callees.len()],
            hand: hand_key(&tables.types.hand),
            consents: tables.consents.names.clone(),
            tables: Some(tables),
            callees,
            level,
            stored: None,
            stored_types: Default::default(),
        }
    }

    pub fn keep(&mut self, function: u32, evaluation: Arc<Evaluation>) {
        self.evaluations[function as usize].push(evaluation);
    }
}

fn hand_key(hand: &HandWritten) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    hand.hash(&mut hasher);
    hasher.finish()
}

/// Per function, a hash of its name, module, file and impl block: the same function after an edit that
/// changed only functions (the modules, files and impl blocks keep their ids then).
fn function_keys(index: &Index) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    (index.fns.par_iter())
        .map(|f| {
            let mut hasher = std::hash::DefaultHasher::new();
            (&f.name, f.module, f.file, f.owner).hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// Whether every impl in the changed files of a trait named `traits` implements a workspace trait: the
/// functions the workspace calls by a trait's method name (`x.method()`, `Trait::method(x)`, through
/// `dyn Trait`) write that name. A trait from outside is another matter: Rust or a framework calls its
/// methods where no name is written (`?` and `.into()` call `from`, `{}` calls `fmt`, an extractor's
/// `from_request` runs before a handler).
fn of_workspace_traits(index: &Index, changed_file: &[bool], traits: &[String]) -> bool {
    (index.impls.iter())
        .filter(|imp| changed_file[imp.span.file.0 as usize])
        .filter(|imp| {
            let name = imp.trait_path.as_ref().and_then(|path| path.last());
            name.is_some_and(|name| traits.contains(name))
        })
        .all(|imp| imp.trait_id.is_some())
}

/// A kept memo, as the analysis after an edit may use it.
pub struct Reuse<'a> {
    memo: &'a FlowMemo,
    /// Every function's key now (`function_keys`).
    keys: Vec<u64>,
    /// Per function: written in a file the edit changed (or, after a renumbering, new or naming a changed
    /// function), so always evaluated again.
    edited: Vec<bool>,
    /// After a renumbering: per function (new ids), its kept evaluations renumbered, and the ids.
    renumbered: Option<Renumbered>,
}

struct Renumbered {
    evaluations: Vec<Kept>,
    /// Per function now, its id before; per function before, its id now.
    old_id: Vec<Option<u32>>,
    new_id: Vec<Option<u32>>,
}

/// A function's kept evaluations after a renumbering.
enum Kept {
    /// Those of the function's id before, which name no function whose id changed.
    Before(u32),
    Renumbered(Vec<Arc<Evaluation>>),
}

impl<'a> Reuse<'a> {
    /// `None` when the edit changed more than bodies and functions, the renders differ, or the
    /// functions' order changed.
    pub fn new(
        memo: &'a FlowMemo,
        index: &Index,
        hand_written: &HandWritten,
        edit: &Edit,
    ) -> Option<Reuse<'a>> {
        let functions = edit.changed_functions.as_ref()?;
        let changed_functions = &functions.names;
        if memo.hand != hand_key(hand_written) {
            return None;
        }
        let mut changed_file = vec![false; index.workspace.files.len()];
        for file in &edit.changed {
            changed_file[file.0 as usize] = true;
        }
        // A function made by a macro is in the file of the invocation, where its spans are.
        let in_changed_file = |f: usize| changed_file[index.fns[f].file.0 as usize];
        let keys = function_keys(index);
        if edit.same_shape {
            // The same items with the same signatures: the same ids, checked again.
            if keys != memo.keys {
                return None;
            }
            let edited = (0..index.fns.len()).map(in_changed_file).collect();
            return Some(Reuse {
                memo,
                keys,
                edited,
                renumbered: None,
            });
        }
        // Functions changed, maybe without their ids moving (a signature changed): their callers are
        // evaluated again, and the tables made again (methods are filed by their signatures). A type or
        // trait of a changed function's name may resolve otherwise now; declarations of a function's data
        // may be numbered otherwise.
        if changed_functions.is_empty()
            || !index.modules.names_only_functions(changed_functions)
            || !of_workspace_traits(index, &changed_file, &functions.traits)
            || index.catalogue.declarations_key() != memo.declarations
        {
            return None;
        }
        let old_id = old_ids(&memo.keys, &keys)?;
        let mut new_id = vec![None; memo.keys.len()];
        for (new, old) in old_id.iter().enumerate() {
            if let Some(old) = old {
                new_id[*old as usize] = Some(new as u32);
            }
        }
        let first_moved = (new_id.iter().enumerate())
            .position(|(old, new)| *new != Some(old as u32))
            .map_or(u32::MAX, |at| at as u32);
        let names = with_aliases(index, changed_functions);
        let finders: Vec<memchr::memmem::Finder> = (names.iter())
            .map(|name| memchr::memmem::Finder::new(name.as_bytes()))
            .collect();
        let edited: Vec<bool> = (0..index.fns.len())
            .into_par_iter()
            .map(|f| {
                let body = index.fns[f].def.lowered.bytes();
                old_id[f].is_none()
                    || in_changed_file(f)
                    || finders.iter().any(|name| name.find(body).is_some())
            })
            .collect();
        let evaluations = (0..index.fns.len())
            .into_par_iter()
            .map(|f| match old_id[f] {
                Some(old) if !edited[f] => {
                    let before = &memo.evaluations[old as usize];
                    let renumbered: Vec<Arc<Evaluation>> = before
                        .iter()
                        .filter_map(|e| e.renumbered(&new_id, first_moved))
                        .collect();
                    let same = renumbered.len() == before.len()
                        && (renumbered.iter().zip(before))
                            .all(|(now, then)| Arc::ptr_eq(now, then));
                    if same {
                        Kept::Before(old)
                    } else {
                        Kept::Renumbered(renumbered)
                    }
                }
                _ => Kept::Renumbered(Vec::new()),
            })
            .collect();
        Some(Reuse {
            memo,
            keys,
            edited,
            renumbered: Some(Renumbered {
                evaluations,
                old_id,
                new_id,
            }),
        })
    }

    /// Every function's key now, for the memo this analysis keeps.
    pub fn keys(&self) -> Vec<u64> {
        self.keys.clone()
    }

    /// The tables of the analysis before, when kept, unless the functions were renumbered: the same
    /// items and renders give the same tables.
    pub fn tables(&self) -> Option<Arc<Tables>> {
        (self.memo.tables.as_ref())
            .filter(|_| self.renumbered.is_none())
            .cloned()
    }

    /// Whether the consents have the bits they had (values name consents by bit): a function a
    /// `[[consent_checks]]` entry names can bring a consent no other check or declaration named.
    pub fn same_consents(&self, tables: &Tables) -> bool {
        tables.consents.names == self.memo.consents
    }

    /// The type facts of the analysis before, kept or read back (with the renders `hand`, the same as
    /// then): the edit changed no type, and the renders are the same.
    pub fn type_facts(&self, index: &Index, hand: &HandWritten) -> Option<Arc<TypeFacts>> {
        if let Some(tables) = &self.memo.tables {
            return Some(Arc::clone(&tables.types));
        }
        let stored = self.memo.stored_types.lock().ok()?.take()?;
        let facts = stored.fits(index.types.len()).then_some(stored)?;
        Some(Arc::new(TypeFacts::from_stored(facts, hand.clone())))
    }

    /// What `function`'s body calls, as found before the edit, unless the edit can have changed it.
    pub fn callees(&self, function: usize) -> Option<Vec<u32>> {
        if self.edited[function] {
            return None;
        }
        match &self.renumbered {
            Some(renumbered) => {
                let old = renumbered.old_id[function]? as usize;
                (self.memo.callees[old].iter())
                    .map(|callee| renumbered.new_id[*callee as usize])
                    .collect()
            }
            None => Some(self.memo.callees[function].clone()),
        }
    }

    /// The levels found before the edit, if the calls are the same now (`order::levels` of them).
    pub fn level(&self, callees: &[Vec<u32>]) -> Option<Vec<u32>> {
        let Some(renumbered) = &self.renumbered else {
            let same = (self.edited.iter().enumerate())
                .all(|(f, edited)| !edited || self.memo.callees[f] == callees[f]);
            return same.then(|| self.memo.level.clone());
        };
        // After a renumbering: the functions there before call what they called, renumbered, and the new
        // ones call only those (or themselves). No function there before calls a new one then, so each
        // keeps its level, and a new one is a level above its highest callee.
        let mut level = vec![0; callees.len()];
        for (f, old) in renumbered.old_id.iter().enumerate() {
            let Some(old) = old else { continue };
            let before = self.memo.callees[*old as usize].iter();
            let same = before
                .map(|c| renumbered.new_id[*c as usize])
                .eq(callees[f].iter().map(|c| Some(*c)));
            if !same {
                return None;
            }
            level[f] = self.memo.level[*old as usize];
        }
        for (f, old) in renumbered.old_id.iter().enumerate() {
            if old.is_some() {
                continue;
            }
            let mut highest = None;
            for callee in callees[f].iter().filter(|c| **c as usize != f) {
                renumbered.old_id[*callee as usize]?;
                highest = highest.max(Some(level[*callee as usize] + 1));
            }
            level[f] = highest.unwrap_or(0);
        }
        Some(level)
    }

    /// A kept evaluation of `function` that read summaries with the fingerprints they have now.
    pub fn find(&self, function: u32, fingerprints: &[u64]) -> Option<&Arc<Evaluation>> {
        if self.edited[function as usize] {
            return None;
        }
        let kept = match &self.renumbered {
            Some(renumbered) => match &renumbered.evaluations[function as usize] {
                Kept::Before(old) => &self.memo.evaluations[*old as usize],
                Kept::Renumbered(evaluations) => evaluations,
            },
            None => &self.memo.evaluations[function as usize],
        };
        kept.iter().find(|e| {
            e.read
                .iter()
                .all(|(read, then)| fingerprints[*read as usize] == *then)
        })
    }
}

/// Per function now, its id before (`keys` before and now), if it was there; `None` when the functions
/// kept are not in the order they had (a function moved: the order of calls to them could differ).
pub(super) fn old_ids(before: &[u64], now: &[u64]) -> Option<Vec<Option<u32>>> {
    // An edit changes the functions of a few files: the ids before the first change and after the last
    // are matched in place, those between by key.
    let prefix = (before.iter().zip(now)).take_while(|(b, n)| b == n).count();
    let longest = before.len().min(now.len()) - prefix;
    let suffix = (before.iter().rev().zip(now.iter().rev()))
        .take(longest)
        .take_while(|(b, n)| b == n)
        .count();
    let (middle_before, middle_now) = (prefix..before.len() - suffix, prefix..now.len() - suffix);
    // The same key twice (functions of one name in one module and impl, under different `cfg`s) is
    // told apart by its place among them.
    let mut seen: rustc_hash::FxHashMap<u64, u32> = Default::default();
    let mut by_key: rustc_hash::FxHashMap<(u64, u32), u32> = Default::default();
    for id in middle_before {
        let nth = seen.entry(before[id]).or_default();
        by_key.insert((before[id], *nth), id as u32);
        *nth += 1;
    }
    seen.clear();
    let mut old_id: Vec<Option<u32>> = (0..prefix as u32).map(Some).collect();
    let mut last = prefix.checked_sub(1).map(|id| id as u32);
    for id in middle_now {
        let nth = seen.entry(now[id]).or_default();
        let old = by_key.get(&(now[id], *nth)).copied();
        *nth += 1;
        if let Some(old) = old {
            if last.is_some_and(|last| old <= last) {
                return None;
            }
            last = Some(old);
        }
        old_id.push(old);
    }
    let shift = before.len() - suffix;
    old_id.extend((0..suffix).map(|at| Some((shift + at) as u32)));
    Some(old_id)
}

/// The names and every name a `use` gives one of them (`use a::save as store`): a body that names the
/// function may name it so.
fn with_aliases(index: &Index, names: &[String]) -> Vec<String> {
    let mut all: std::collections::BTreeSet<String> = names.iter().cloned().collect();
    loop {
        let mut grew = false;
        for module in &index.modules.modules {
            for entry in &module.uses {
                let named = entry.path.iter().rev().find(|s| *s != "self");
                if let (Some(alias), Some(named)) = (&entry.alias, named) {
                    if all.contains(named) && !all.contains(alias) {
                        all.insert(alias.clone());
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            return all.into_iter().collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::old_ids;

    #[test]
    fn functions_are_matched_by_key_in_order() {
        let same = |ids: &[u32]| ids.iter().map(|id| Some(*id)).collect::<Vec<_>>();
        assert_eq!(old_ids(&[1, 2, 3], &[1, 2, 3]), Some(same(&[0, 1, 2])));
        // One added in the middle, one removed.
        assert_eq!(
            old_ids(&[1, 2, 3], &[1, 9, 2, 3]),
            Some(vec![Some(0), None, Some(1), Some(2)])
        );
        assert_eq!(old_ids(&[1, 2, 3], &[1, 3]), Some(same(&[0, 2])));
        // Two functions of one key (under different `cfg`s) keep their order; one of them goes.
        assert_eq!(
            old_ids(&[1, 5, 5, 3], &[1, 5, 7, 5, 3]),
            Some(vec![Some(0), Some(1), None, Some(2), Some(3)])
        );
        assert_eq!(old_ids(&[5, 4, 5], &[5, 5]), Some(same(&[0, 2])));
        // A function moved after another: the order of calls to them could differ.
        assert_eq!(old_ids(&[1, 2, 3, 4], &[1, 3, 2, 4]), None);
    }
}
