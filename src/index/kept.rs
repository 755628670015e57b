//! What a language server keeps of one index for the next analysis: the macro expansions, and what was
//! resolved from the items alone (impls' types and traits, supertraits, fields carrying personal-data
//! types). After an edit that keeps every file's shape (`parse::shape`), or changes only functions whose
//! names no other item has, the types and traits resolve as before, so that is taken instead of resolved
//! again. `IndexMemo::default()` keeps nothing.

use super::expand::ExpansionMemo;
use super::{FieldData, TraitId, TypeId};

#[derive(Default)]
pub struct IndexMemo {
    keep: bool,
    /// Keeps what was resolved for the CLI's record of its run (`resolutions`).
    record: bool,
    pub(super) expansions: ExpansionMemo,
    resolved: Option<Resolved>,
}

/// Resolutions that depend only on the items, by position.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Resolved {
    /// How many types there were (`carried_fields` names them by id).
    pub types: usize,
    pub impl_types: Vec<Option<TypeId>>,
    pub impl_traits: Vec<Option<TraitId>>,
    pub supertraits: Vec<Vec<TraitId>>,
    /// Fields whose values carry a personal-data type (`declare_fields_of_personal_types`), and the
    /// declarations they were found with (`Catalogue::declarations_key`): they name declarations by id.
    pub carried_fields: Vec<((TypeId, usize), FieldData)>,
    pub declarations: u64,
}

impl IndexMemo {
    pub fn kept() -> IndexMemo {
        IndexMemo {
            keep: true,
            record: false,
            expansions: ExpansionMemo::kept(),
            resolved: None,
        }
    }

    /// What the index of a run resolved, written for the CLI's record of it, and read back for the run
    /// after (`take_resolved` checks it fits the items then).
    pub fn resolutions(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self.resolved.as_ref()?).ok()
    }

    pub fn load_resolutions(&mut self, bytes: &[u8]) {
        self.resolved = postcard::from_bytes(bytes).ok();
    }

    /// This run's resolutions are kept for `resolutions`.
    pub fn record_resolutions(&mut self) {
        self.record = true;
    }

    /// The macro expansions an earlier run left in the on-disk cache (`ExpansionMemo::pack`), taken by
    /// this analysis; what it expands is kept too.
    pub fn load_expansions(&mut self, pack: &[u8], files: &[crate::workspace::SourceFile]) {
        self.expansions = ExpansionMemo::from_pack(pack, files);
    }

    /// Copies what the next analysis hands to the builder (see `ExpansionMemo::prepare`).
    pub fn prepare(&mut self) {
        self.expansions.prepare();
    }

    /// Of this analysis' macro expansions, how many were taken (from the analysis before or the on-disk
    /// cache), and how many there were.
    pub fn expansions_taken(&self) -> (usize, usize) {
        self.expansions.taken()
    }

    /// This analysis' expansions for the on-disk cache, when they are not those it loaded.
    pub fn expansions_pack(&self, files: &[crate::workspace::SourceFile]) -> Option<Vec<u8>> {
        self.expansions.pack(files)
    }

    pub(super) fn keeps(&self) -> bool {
        self.keep || self.record
    }

    /// What the last index resolved, when the edit since kept the types, traits and impls (`same_items`)
    /// and they are as many.
    pub(super) fn take_resolved(
        &mut self,
        same_items: bool,
        (types, impls, traits): (usize, usize, usize),
    ) -> Option<Resolved> {
        let resolved = self.resolved.take()?;
        let type_ok = |t: &TypeId| (t.0 as usize) < types;
        let trait_ok = |t: &TraitId| (t.0 as usize) < traits;
        // (Read back from disk, it is checked whole.)
        let fits = resolved.types == types
            && resolved.impl_types.len() == impls
            && resolved.impl_traits.len() == impls
            && resolved.supertraits.len() == traits
            && resolved.impl_types.iter().flatten().all(type_ok)
            && resolved.impl_traits.iter().flatten().all(trait_ok)
            && resolved.supertraits.iter().flatten().all(trait_ok)
            && resolved.carried_fields.iter().all(|((t, _), _)| type_ok(t));
        (same_items && fits).then_some(resolved)
    }

    /// Kept for the next analysis (only when it keeps: `keeps`).
    pub(super) fn keep_resolved(&mut self, resolved: Resolved) {
        self.resolved = Some(resolved);
    }
}
