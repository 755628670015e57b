//! The calls each body writes, resolved without evaluating it: the call graph the summaries are first
//! computed in the order of, callees before callers, so most functions are evaluated once, after what
//! they call has settled. It only orders work: a call it misses or invents costs an evaluation more,
//! never a fact (the solver follows the calls evaluation finds).

use super::methods::{resolve_call, Callee, MethodTable};
use crate::index::{FnId, Index};
use crate::parse::WrittenCall;
use rayon::prelude::*;

/// A method called on anything but `self` is taken to reach every method of its name, when there are
/// at most this many; a commoner name (`new`, `get`, `clone`) says too little to order by.
const NAMED_FANOUT: usize = 4;

/// Per function, the workspace functions its body calls (deduplicated, in no particular order); those
/// `known` gives (an analysis before an edit found them) are taken from it.
pub fn callees(
    index: &Index,
    methods: &MethodTable,
    known: impl Fn(usize) -> Option<Vec<u32>> + Sync,
) -> Vec<Vec<u32>> {
    index
        .fns
        .par_iter()
        .enumerate()
        .map(|(id, f)| {
            if let Some(found) = known(id) {
                return found;
            }
            let self_type = f
                .owner
                .and_then(|imp| index.impls[imp.0 as usize].self_type);
            let mut found: Vec<u32> = Vec::new();
            let mut add = |fns: &[FnId]| found.extend(fns.iter().map(|f| f.0));
            for call in f.def.lowered.calls() {
                match call {
                    WrittenCall::Path(segments) => {
                        let callee = resolve_call(index, methods, f.module, self_type, &segments);
                        if let Callee::Fns(fns) = callee {
                            add(&fns);
                        }
                    }
                    WrittenCall::Method { name, on_self } => {
                        let own = match self_type {
                            Some(ty) if on_self => methods.of_type(ty, &name),
                            _ => &[],
                        };
                        if !own.is_empty() {
                            add(own);
                        } else {
                            let named = methods.named(&name);
                            if named.len() <= NAMED_FANOUT {
                                add(named);
                            }
                        }
                    }
                }
            }
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}
