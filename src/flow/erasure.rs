//! Which types an erasure path handles (SPEC 4.1, `no-erasure-path`): those an `#[pii_lint::erasure]`
//! function names in its signature or body, directly or through the workspace functions it calls.

use super::eval::FnFacts;
use super::walk::{block_children, children, Child};
use crate::index::{carried_types, FnId, Index, ModuleId, TypeId};
use crate::parse::flow_ir::{Block, Expr, ExprKind, Pat, Stmt};
use crate::parse::{Annotation, TypeRef};
use std::collections::BTreeSet;

pub fn erased_types(index: &Index, facts: &[std::sync::Arc<FnFacts>]) -> BTreeSet<TypeId> {
    let mut reached: BTreeSet<usize> = index
        .fns
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.annotations
                .iter()
                .any(|a| matches!(a, Annotation::Erasure))
        })
        .map(|(i, _)| i)
        .collect();
    let mut todo: Vec<usize> = reached.iter().copied().collect();
    while let Some(f) = todo.pop() {
        for call in facts.get(f).map_or(&[][..], |f| &f.calls[..]) {
            if reached.insert(call.callee.0 as usize) {
                todo.push(call.callee.0 as usize);
            }
        }
    }
    let mut named = BTreeSet::new();
    for f in reached {
        Namer {
            index,
            module: index.func(FnId(f as u32)).module,
            named: &mut named,
        }
        .function(FnId(f as u32));
    }
    with_contained(index, named)
}

/// Erasing a value erases what it holds: the types of the fields of an erased type are erased too.
fn with_contained(index: &Index, mut named: BTreeSet<TypeId>) -> BTreeSet<TypeId> {
    let mut todo: Vec<TypeId> = named.iter().copied().collect();
    while let Some(ty) = todo.pop() {
        let info = index.ty(ty);
        for field in info.fields() {
            for held in carried_types(&field.ty) {
                if let Some(inner) = index.resolve_type(info.module, held) {
                    if named.insert(inner) {
                        todo.push(inner);
                    }
                }
            }
        }
    }
    named
}

struct Namer<'a> {
    index: &'a Index,
    module: ModuleId,
    named: &'a mut BTreeSet<TypeId>,
}

impl Namer<'_> {
    fn function(&mut self, id: FnId) {
        let f = self.index.func(id);
        if let Some(ty) = f
            .owner
            .and_then(|imp| self.index.impls[imp.0 as usize].self_type)
        {
            self.named.insert(ty);
        }
        let lowered = f.def.lowered.decode();
        for param in &lowered.params {
            self.ty(&param.ty);
            self.pat(&param.pat);
        }
        if let Some(output) = &lowered.output {
            self.ty(output);
        }
        if let Some(body) = &lowered.body {
            self.block(body);
        }
    }

    fn ty(&mut self, ty: &TypeRef) {
        for held in carried_types(ty) {
            if let Some(id) = self.index.resolve_type(self.module, held) {
                self.named.insert(id);
            }
        }
    }

    /// `Customer`, `Customer::delete`, `models::Customer { .. }`: the longest prefix naming a type.
    fn path(&mut self, segments: &[String]) {
        for len in (1..=segments.len()).rev() {
            let prefix = TypeRef::Path {
                segments: segments[..len].to_vec(),
                args: Vec::new(),
            };
            if let Some(id) = self.index.resolve_type(self.module, &prefix) {
                self.named.insert(id);
                return;
            }
        }
    }

    /// `DELETE FROM customers`: the types whose table it is (snake case of the name, singular or plural).
    fn table(&mut self, table: &str) {
        for ty in self.index.type_ids() {
            let name = snake_case(&self.index.ty(ty).name);
            let plural = match name.strip_suffix('y') {
                Some(stem) => format!("{stem}ies"),
                None if name.ends_with('s') || name.ends_with("sh") || name.ends_with("ch") => {
                    format!("{name}es")
                }
                None => format!("{name}s"),
            };
            if table == name || table == plural {
                self.named.insert(ty);
            }
        }
    }

    fn pat(&mut self, pat: &Pat) {
        match pat {
            Pat::Bind { sub: Some(sub), .. } => self.pat(sub),
            Pat::Elements { path, elems } => {
                self.path(path);
                elems.iter().for_each(|p| self.pat(p));
            }
            Pat::Struct { path, fields } => {
                self.path(path);
                fields.iter().for_each(|(_, p)| self.pat(p));
            }
            Pat::Or(cases) => cases.iter().for_each(|p| self.pat(p)),
            Pat::Bind { .. } | Pat::Bool(_) | Pat::Ignore => {}
        }
    }

    fn block(&mut self, block: &Block) {
        for stmt in &block.stmts {
            if let Stmt::Let { pat, ty, .. } = stmt {
                self.pat(pat);
                if let Some(ty) = ty {
                    self.ty(ty);
                }
            }
        }
        block_children(block, &mut |child| self.child(child));
    }

    fn child(&mut self, child: Child) {
        match child {
            Child::Expr(e) => self.expr(e),
            Child::Block(b) => self.block(b),
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Path(segments) => self.path(segments),
            ExprKind::Sql(sql) => {
                if let Some(table) = &sql.deleted_table {
                    self.table(table)
                }
            }
            ExprKind::Struct { path, .. } => self.path(path),
            ExprKind::Let { pat, .. } | ExprKind::For { pat, .. } => self.pat(pat),
            ExprKind::Match { arms, .. } => arms.iter().for_each(|arm| self.pat(&arm.pat)),
            ExprKind::Closure { params, .. } => params.iter().for_each(|p| self.pat(p)),
            _ => {}
        }
        children(expr, &mut |child| self.child(child));
    }
}

/// `LoyaltyMember` -> `loyalty_member`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}
