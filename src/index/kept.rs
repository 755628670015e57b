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
    pub(super) expansions: ExpansionMemo,
    resolved: Option<Resolved>,
}

/// Resolutions that depend only on the items, by position.
#[derive(Default)]
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
            expansions: ExpansionMemo::kept(),
            resolved: None,
        }
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
        self.keep
    }

    /// What the last index resolved, when the edit since kept the types, traits and impls (`same_items`)
    /// and they are as many.
    pub(super) fn take_resolved(
        &mut self,
        same_items: bool,
        (types, impls, traits): (usize, usize, usize),
    ) -> Option<Resolved> {
        let resolved = self.resolved.take()?;
        let fits = resolved.types == types
            && resolved.impl_types.len() == impls
            && resolved.supertraits.len() == traits;
        (same_items && fits).then_some(resolved)
    }

    /// Kept for the next analysis (only when it keeps: `keeps`).
    pub(super) fn keep_resolved(&mut self, resolved: Resolved) {
        self.resolved = Some(resolved);
    }
}
