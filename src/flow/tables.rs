//! What the flow builds from the index before evaluating anything: sinks and sources, type facts,
//! methods by type and name, conversions' shapes, consent checks. They depend on the items only, but
//! for the hand-written renders (read from `Debug`/`Display`/`Serialize` bodies), so a language server
//! keeps them for an edit that keeps the index's shape and the renders, and the type facts for an edit
//! that changed only functions (`FlowMemo`).

use super::catalog::Catalog;
use super::guards::ConsentTable;
use super::methods::MethodTable;
use super::overloads::Overloads;
use super::render::HandWritten;
use super::types::TypeFacts;
use crate::index::Index;

pub struct Tables {
    pub catalog: Catalog,
    /// Shared with the analysis after an edit that changed only functions: they depend on the types.
    pub types: std::sync::Arc<TypeFacts>,
    pub methods: MethodTable,
    pub overloads: Overloads,
    pub consents: ConsentTable,
}

impl Tables {
    /// The tables of `index`, with the type facts `types` when given (those of an index with the same
    /// types, config and renders).
    pub fn build(
        index: &Index,
        hand: HandWritten,
        types: Option<std::sync::Arc<TypeFacts>>,
    ) -> Tables {
        let catalog = Catalog::builtin()
            .with_config(&index.config)
            .with_workspace_macros(index);
        Tables {
            types: types
                .unwrap_or_else(|| std::sync::Arc::new(TypeFacts::build(index, &catalog, hand))),
            catalog,
            methods: MethodTable::build(index),
            overloads: Overloads::new(index),
            consents: ConsentTable::build(index),
        }
    }
}
