//! Flow: where each piece of personal data goes, computed once for the whole workspace over the index
//! (function summaries to a fixed point; the lints only read the result).

mod access;
mod arguments;
mod calls;
pub mod catalog;
mod context;
mod erasure;
mod eval;
mod guards;
mod memo;
mod methods;
mod order;
mod overloads;
mod prescan;
mod render;
mod small_map;
mod solve;
mod stored;
mod tables;
mod types;
mod value;
use crate::parse::ir_walk as walk;

pub use catalog::SinkKind;
pub use memo::FlowMemo;
pub use solve::{compute, compute_with, CodePurpose, DataRead, FlowFacts, SinkFlow};
pub use value::Origin;
