//! What holds for a function's code as a whole, from the call graph: its purpose (declared, or shared by
//! all its callers) and the consents that guard every call of it (SPEC 2.2, 4.3 "across functions").

use super::eval::FnFacts;
use super::guards::ConsentSet;
use super::solve::CodePurpose;
use crate::index::{FnId, Index};

/// Each call of the workspace: who calls whom, with which consents held at the call.
pub struct CallGraph {
    /// Per callee, its call sites as (caller, consents at the call).
    callers: Vec<Vec<(usize, ConsentSet)>>,
}

impl CallGraph {
    pub fn new(facts: &[std::sync::Arc<FnFacts>]) -> CallGraph {
        let mut callers = vec![Vec::new(); facts.len()];
        for (caller, f) in facts.iter().enumerate() {
            for call in &f.calls {
                if let Some(sites) = callers.get_mut(call.callee.0 as usize) {
                    sites.push((caller, call.consents));
                }
            }
        }
        CallGraph { callers }
    }

    /// Purposes: declared ones, then, until nothing changes, the purpose all of a function's callers
    /// share (calls of a function from itself do not count).
    pub fn purposes(&self, index: &Index) -> Vec<Option<CodePurpose>> {
        let mut purposes: Vec<Option<CodePurpose>> = (0..self.callers.len())
            .map(|i| {
                index.declared_purpose(FnId(i as u32)).map(|p| CodePurpose {
                    purpose: p.clone(),
                    inferred: false,
                })
            })
            .collect();
        loop {
            let mut changed = false;
            for (callee, sites) in self.callers.iter().enumerate() {
                if purposes[callee].is_some() {
                    continue;
                }
                let mut shared: Option<&CodePurpose> = None;
                let mut agree = false;
                for (caller, _) in sites.iter().filter(|(c, _)| *c != callee) {
                    match (&purposes[*caller], shared) {
                        (None, _) => {
                            agree = false;
                            break;
                        }
                        (Some(p), None) => {
                            shared = Some(p);
                            agree = true;
                        }
                        (Some(p), Some(s)) if p.purpose.value == s.purpose.value => {}
                        (Some(_), Some(_)) => {
                            agree = false;
                            break;
                        }
                    }
                }
                if let (true, Some(p)) = (agree, shared) {
                    purposes[callee] = Some(CodePurpose {
                        purpose: p.purpose.clone(),
                        inferred: true,
                    });
                    changed = true;
                }
            }
            if !changed {
                return purposes;
            }
        }
    }

    /// The consents that guard every call of each function: the greatest fixed point of "what every call
    /// site holds, plus what guards its caller". A function nobody calls is guarded by nothing.
    pub fn entry_consents(&self) -> Vec<ConsentSet> {
        let mut entry: Vec<ConsentSet> = self
            .callers
            .iter()
            .map(|sites| {
                if sites.is_empty() {
                    ConsentSet::default()
                } else {
                    ConsentSet::ALL
                }
            })
            .collect();
        loop {
            let mut changed = false;
            for (callee, sites) in self.callers.iter().enumerate() {
                if sites.is_empty() {
                    continue;
                }
                let guarded = sites
                    .iter()
                    .fold(ConsentSet::ALL, |set, (caller, at_call)| {
                        set.intersection(at_call.union(entry[*caller]))
                    });
                if guarded != entry[callee] {
                    entry[callee] = guarded;
                    changed = true;
                }
            }
            if !changed {
                return entry;
            }
        }
    }
}
