//! Consent guards (SPEC 4.3): which consents hold where a piece of code runs. Checks that return `bool`,
//! `Option` or `Result` guard by control flow; other checks are consenting sources whose values carry the
//! consent; a consent-proof parameter guards the whole function.

use super::eval::Eval;
use super::value::{Origin, Trace, Value};
use crate::diagnostic::Span;
use crate::index::{FnId, Index, TypeId};
use crate::parse::flow_ir::{Arm, Block, Expr, ExprKind, Pat, Stmt};
use crate::parse::{Annotation, TypeRef};
use rustc_hash::FxHashMap as HashMap;

/// A set of consents, as bits of the workspace's consent table (at most 64 consents are told apart).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct ConsentSet(pub u64);

impl ConsentSet {
    pub const ALL: ConsentSet = ConsentSet(u64::MAX);

    pub fn one(bit: u8) -> ConsentSet {
        ConsentSet(1 << bit)
    }

    pub fn union(self, other: ConsentSet) -> ConsentSet {
        ConsentSet(self.0 | other.0)
    }

    pub fn intersection(self, other: ConsentSet) -> ConsentSet {
        ConsentSet(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn bits(self) -> impl Iterator<Item = u8> {
        (0..64u8).filter(move |b| self.0 & (1 << b) != 0)
    }
}

/// How a consent check tells its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// Returns `bool`, `Option` or `Result`: guards by control flow.
    Condition(Answer),
    /// Returns anything else: what it returns carries the consent.
    Source,
}

/// Where a condition check's "yes" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `-> bool`: `true`.
    Bool,
    /// `-> Result<(), _>`, `-> Option<Token>`: `Ok`/`Some` (and getting past `?`).
    Success,
    /// `-> Result<bool, _>`, `-> Option<bool>`: the `bool` inside, once unwrapped (`check(..)?`).
    BoolInside,
}

/// How code reads a check's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// As a boolean that is true (`if`, `&&`, a `true` arm).
    True,
    /// As a success (`Some(_)`/`Ok(_)` patterns, a `?` statement).
    Success,
}

/// The workspace's consents, checks and proofs, gathered once.
#[derive(Debug, Default)]
pub struct ConsentTable {
    pub names: Vec<String>,
    pub checks: HashMap<FnId, (u8, CheckKind)>,
    pub proofs: HashMap<TypeId, u8>,
}

impl ConsentTable {
    pub fn build(index: &Index) -> ConsentTable {
        let mut table = ConsentTable::default();
        for name in index.catalogue.consents() {
            table.bit(name);
        }
        for (i, f) in index.fns.iter().enumerate() {
            for annotation in &f.annotations {
                if let Annotation::ConsentCheck(consent) = annotation {
                    let Some(bit) = table.bit(&consent.value) else {
                        continue;
                    };
                    let kind = kind_of(f.def.lowered.signature().output.as_ref());
                    table.checks.insert(FnId(i as u32), (bit, kind));
                }
            }
        }
        for (i, ty) in index.types.iter().enumerate() {
            for annotation in &ty.annotations {
                if let Annotation::ConsentProof(consent) = annotation {
                    if let Some(bit) = table.bit(&consent.value) {
                        table.proofs.insert(TypeId(i as u32), bit);
                    }
                }
            }
        }
        table
    }

    fn bit(&mut self, name: &str) -> Option<u8> {
        if let Some(at) = self.names.iter().position(|n| n == name) {
            return Some(at as u8);
        }
        if self.names.len() >= 64 {
            return None;
        }
        self.names.push(name.to_string());
        Some(self.names.len() as u8 - 1)
    }

    pub fn names_of(&self, set: ConsentSet) -> Vec<String> {
        let mut names: Vec<String> = set
            .bits()
            .filter_map(|b| self.names.get(usize::from(b)).cloned())
            .collect();
        names.sort();
        names
    }
}

fn kind_of(output: Option<&TypeRef>) -> CheckKind {
    let Some(TypeRef::Path { segments, args }) = output else {
        return CheckKind::Source;
    };
    let bool_inside = args.first().and_then(TypeRef::last_name) == Some("bool");
    match segments.last().map(String::as_str) {
        Some("bool") => CheckKind::Condition(Answer::Bool),
        Some("Option" | "Result") if bool_inside => CheckKind::Condition(Answer::BoolInside),
        Some("Option" | "Result") => CheckKind::Condition(Answer::Success),
        _ => CheckKind::Source,
    }
}

/// The consents a value (or any of its fields) carries because it came from a consenting source or a
/// consent filter.
pub fn carried(value: &Value) -> ConsentSet {
    let own = value
        .items
        .keys()
        .fold(ConsentSet::default(), |set, origin| match origin {
            Origin::Consented(bit) => set.union(ConsentSet::one(*bit)),
            _ => set,
        });
    value
        .fields
        .values()
        .fold(own, |set, v| set.union(carried(v)))
}

/// A value marked with consents.
pub fn marked(set: ConsentSet) -> Value {
    let mut value = Value::default();
    for bit in set.bits() {
        value.join(&Value::one(Origin::Consented(bit), Trace::default()));
    }
    value
}

/// Macros that never return.
const DIVERGING_MACROS: &[&str] = &["bail", "panic", "unreachable", "todo", "unimplemented"];

/// Whether running `block` always leaves the enclosing function, loop iteration or block.
pub fn diverges(block: &Block) -> bool {
    block.stmts.iter().any(|s| match s {
        Stmt::Expr(e) => leaves(e),
        Stmt::Let { .. } => false,
    }) || block.tail.as_deref().is_some_and(leaves)
}

/// Whether evaluating `expr` always leaves (`return`, `continue`, `break`, `bail!`, `panic!`, ...).
fn leaves(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Return(_) | ExprKind::Break(_) | ExprKind::Continue => true,
        ExprKind::Macro(m) => m
            .path
            .last()
            .is_some_and(|n| DIVERGING_MACROS.contains(&n.as_str())),
        ExprKind::Block(inner) => diverges(inner),
        _ => false,
    }
}

/// `e` without the `.await`, `&` or parentheses around it.
fn bare(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Transparent(inner) | ExprKind::Typed(inner, ..) => inner,
        _ => e,
    }
}

/// How a pattern that matches only a check's "yes" reads it: `true`, or `Some(..)`/`Ok(..)`.
fn reading_of(pat: &Pat) -> Option<Reading> {
    match pat {
        Pat::Bool(true) => Some(Reading::True),
        Pat::Elements { path, .. } if path.last().is_some_and(|n| n == "Some" || n == "Ok") => {
            Some(Reading::Success)
        }
        _ => None,
    }
}

impl Eval<'_> {
    /// Runs `work` with `extra` consents held.
    pub(super) fn holding<T>(&mut self, extra: ConsentSet, work: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.held;
        self.held = saved.union(extra);
        let result = work(self);
        self.held = saved;
        result
    }

    /// Records a call of a consent check: a condition check at `span`, or the consent a source's
    /// result carries.
    pub(super) fn consent_check(&mut self, callee: FnId, span: Span) -> Option<Value> {
        let (bit, kind) = *self.sh.consents.checks.get(&callee)?;
        match kind {
            CheckKind::Condition(answer) => {
                self.check_calls.push((span, bit, answer));
                None
            }
            CheckKind::Source => Some(marked(ConsentSet::one(bit))),
        }
    }

    /// Consents proved when `expr`, a call of a condition check (perhaps behind `.await` or `?`), gives
    /// its answer read as `reading`.
    fn checked_by(&self, expr: &Expr, from: usize, reading: Reading) -> ConsentSet {
        let (leaf, unwrapped) = match &bare(expr).kind {
            ExprKind::Try(inner) => (bare(inner), true),
            _ => (bare(expr), false),
        };
        self.check_calls[from..]
            .iter()
            .filter(|(span, _, answer)| {
                *span == leaf.span
                    && matches!(
                        (reading, unwrapped, answer),
                        (Reading::True, false, Answer::Bool)
                            | (Reading::True, true, Answer::BoolInside)
                            | (Reading::Success, false, Answer::Success)
                    )
            })
            .fold(ConsentSet::default(), |set, (_, bit, _)| {
                set.union(ConsentSet::one(*bit))
            })
    }

    /// Evaluates a condition; returns its value and the consents that hold when it is true and when it
    /// is false.
    pub(super) fn condition(&mut self, expr: &Expr) -> (Value, ConsentSet, ConsentSet) {
        match &expr.kind {
            ExprKind::And(left, right) => {
                let (mut value, if_left, _) = self.condition(left);
                let (right_value, if_right, _) =
                    self.holding(if_left, |eval| eval.condition(right));
                value.join(&right_value);
                (value, if_left.union(if_right), ConsentSet::default())
            }
            // True when either holds: only what both prove; false only when both fail.
            ExprKind::Or(left, right) => {
                let (_, left_true, left_false) = self.condition(left);
                let (_, right_true, right_false) =
                    self.holding(left_false, |eval| eval.condition(right));
                (
                    Value::default(),
                    left_true.intersection(right_true),
                    left_false.union(right_false),
                )
            }
            ExprKind::Not(inner) => {
                let (_, yes, no) = self.condition(inner);
                (Value::default(), no, yes)
            }
            ExprKind::Transparent(inner) | ExprKind::Typed(inner, ..) => self.condition(inner),
            ExprKind::Path(segments)
                if segments.len() == 1 && self.answers.contains_key(&segments[0]) =>
            {
                let (if_true, if_false) = self.answers[&segments[0]];
                (self.expr(expr), if_true, if_false)
            }
            ExprKind::Let { pat, expr: tested } => {
                let from = self.check_calls.len();
                let value = self.expr(tested);
                let proved = match reading_of(pat) {
                    Some(reading) => self.checked_by(tested, from, reading),
                    None => ConsentSet::default(),
                };
                self.holding(proved, |eval| eval.bind(pat, &value));
                (Value::default(), proved, ConsentSet::default())
            }
            _ => {
                let from = self.check_calls.len();
                let value = self.expr(expr);
                (
                    value,
                    self.checked_by(expr, from, Reading::True),
                    ConsentSet::default(),
                )
            }
        }
    }

    /// After `expr?` on a check: the rest of the block runs only if it answered yes.
    pub(super) fn tried(&mut self, inner: &Expr) -> Value {
        let from = self.check_calls.len();
        let value = self.expr(inner);
        let proved = self.checked_by(inner, from, Reading::Success);
        self.after_stmt = self.after_stmt.union(proved);
        // `e?` returns the error side from the function and goes on with the success side.
        let failed = value.err_part();
        if !failed.is_empty() {
            self.facts.ret.join(&Value::err(failed));
        }
        value.ok_part()
    }

    /// `let ok = check(..);`: the local answers for the check wherever it is tested later.
    pub(super) fn let_init(&mut self, pat: &Pat, init: &Expr) -> Value {
        let (mut value, if_true, if_false) = self.condition(init);
        if matches!(init.kind, ExprKind::And(..) | ExprKind::Or(..)) {
            value = Value::default();
        }
        if let Pat::Bind {
            name, sub: None, ..
        } = pat
        {
            if if_true.is_empty() && if_false.is_empty() {
                self.answers.remove(name);
            } else {
                self.answers.insert(name.clone(), (if_true, if_false));
            }
        }
        value
    }

    /// `let Some(x) = check(..) else { return };`: the rest of the block runs only if it answered yes.
    pub(super) fn let_else(&mut self, pat: &Pat, init: &Expr) -> Value {
        let from = self.check_calls.len();
        let value = self.expr(init);
        if let Some(reading) = reading_of(pat) {
            self.after_stmt = self.after_stmt.union(self.checked_by(init, from, reading));
        }
        value
    }

    /// `ensure!(check(..), ..)`, `assert!(check(..))`: the rest of the block runs only if it held.
    pub(super) fn asserted(&mut self, condition: &Expr) -> Value {
        let (value, proved, _) = self.condition(condition);
        self.after_stmt = self.after_stmt.union(proved);
        value
    }

    /// `match check(..) { true => .., Some(x) => .. }`: the successful arms run with the consent.
    pub(super) fn arm_consents(&self, scrutinee: &Expr, from: usize, pat: &Pat) -> ConsentSet {
        match reading_of(pat) {
            Some(reading) => self.checked_by(scrutinee, from, reading),
            None => ConsentSet::default(),
        }
    }

    /// `match check(..) { Ok(..) => .., Err(e) => return Err(e) }`: when every other arm leaves, what follows
    /// the `match` runs only if the check answered yes.
    pub(super) fn match_exits(&mut self, scrutinee: &Expr, from: usize, arms: &[Arm]) {
        let proving = |a: &&Arm| reading_of(&a.pat).is_some() && a.guard.is_none();
        let others_leave = arms.iter().filter(|a| !proving(a)).all(|a| leaves(&a.body));
        if let (Some(arm), true) = (arms.iter().find(proving), others_leave) {
            if let Some(reading) = reading_of(&arm.pat) {
                let proved = self.checked_by(scrutinee, from, reading);
                self.after_stmt = self.after_stmt.union(proved);
            }
        }
    }

    /// The consents proved by the function's consent-proof parameters (`&Proof` too, not `Option<Proof>`).
    pub(super) fn proofs_of(&self, params: &[crate::parse::Param]) -> ConsentSet {
        params.iter().fold(ConsentSet::default(), |set, param| {
            let ty = match &param.ty {
                TypeRef::Ref(inner) => inner,
                other => other,
            };
            let proved = self
                .index()
                .resolve_type(self.module, ty)
                .and_then(|t| self.sh.consents.proofs.get(&t))
                .map_or(ConsentSet::default(), |bit| ConsentSet::one(*bit));
            set.union(proved)
        })
    }
}
