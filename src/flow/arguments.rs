//! What a call hands over: a callee's summary with its parameters replaced by the arguments, and the part
//! of the arguments a call site keeps for the solver to hand on to the callee's parameters.

use super::eval::Eval;
use super::render::materialize;
use super::types::TypeFacts;
use super::value::{Origin, Value};
use crate::index::Index;
use crate::parse::flow_ir::Render;
use std::cell::OnceCell;
use std::sync::Arc;

/// Replaces parameter markers of a callee's summary by what the call passes.
pub fn substitute(index: &Index, types: &TypeFacts, summary: &Value, args: &[Value]) -> Value {
    // Most summaries are a few items that owe nothing to the parameters: those are the result as they are.
    let from_params = |origin: &Origin| matches!(origin, Origin::Param(..) | Origin::ParamPart(..));
    if summary.fields.is_empty() && !summary.items.keys().any(from_params) {
        return Value {
            items: summary.items.clone(),
            fields: Default::default(),
        };
    }
    let mut out = Value::default();
    for (origin, trace) in &summary.items {
        match origin {
            Origin::Param(i, render) => match args.get(*i as usize) {
                Some(arg) if *render == Render::Value => out.join(arg),
                Some(arg) => out.join(&materialize(index, types, arg, *render)),
                None => {}
            },
            Origin::ParamPart(i, element, render) => {
                if let Some(arg) = args.get(*i as usize) {
                    let part = arg.element(usize::from(*element));
                    out.join(&materialize(index, types, &part, *render));
                }
            }
            other => {
                out.items.entry(*other).or_insert_with(|| trace.clone());
            }
        }
    }
    for (name, value) in &summary.fields {
        let part = substitute(index, types, value, args);
        out.join_field(name, &part);
    }
    out
}

/// The argument values of one call expression (receiver first for methods), handed to each function the
/// call may reach. What a call site keeps of them does not depend on the callee, so it is made once and
/// shared: a trait call reaching hundreds of impls keeps one copy, not one per impl.
pub(super) struct CallArgs {
    pub(super) values: Vec<Value>,
    kept: OnceCell<Option<Arc<[Value]>>>,
}

impl CallArgs {
    pub(super) fn new(values: Vec<Value>) -> CallArgs {
        CallArgs {
            values,
            kept: OnceCell::new(),
        }
    }
}

impl Eval<'_> {
    /// `kept_for_callee` of these arguments, made on the first call site that asks.
    pub(super) fn kept_args(&self, args: &CallArgs) -> Option<Arc<[Value]>> {
        args.kept
            .get_or_init(|| {
                if self.protecting || args.values.iter().all(Value::is_empty) {
                    None
                } else {
                    self.kept_for_callee(&args.values)
                }
            })
            .clone()
    }

    /// What a call's arguments carry that can matter once they are the callee's parameters: the solver
    /// hands them on to the callee's sinks, where only personal data and consents count. Trait objects,
    /// writer handles and whole values of types that hold no personal data (unless fields of the value
    /// are known, which the type may hide) are left out (most arguments are only those: a call site then
    /// keeps nothing).
    fn kept_for_callee(&self, args: &[Value]) -> Option<Arc<[Value]>> {
        let (index, types) = (self.index(), self.sh.types);
        let keep = |origin: &Origin, holds_fields: bool| match origin {
            // A type whose value holds fields here says which of them its renders hide.
            Origin::Whole(ty) => holds_fields || types.holds_data(index, *ty),
            Origin::Dyn(_) | Origin::Handle(_) => false,
            // What is known of a built value or a variant narrows what its fields are read as.
            Origin::Built(_)
            | Origin::Variant(..)
            | Origin::Decl(_)
            | Origin::Encrypted(_)
            | Origin::Masked(..)
            | Origin::Param(..)
            | Origin::ParamPart(..)
            | Origin::Consented(_) => true,
        };
        if !args.iter().any(|a| a.keeps_any(&keep)) {
            return None;
        }
        Some(args.iter().map(|a| a.retained(&keep)).collect())
    }
}
