//! Visiting the direct children of a flow-form expression (the flow analysis walks bodies with it, and
//! lowering lists the calls a body writes).

use crate::parse::flow_ir::{Block, Expr, ExprKind, Stmt};

pub enum Child<'a> {
    Expr(&'a Expr),
    Block(&'a Block),
}

pub fn children<'a>(expr: &'a Expr, visit: &mut dyn FnMut(Child<'a>)) {
    let mut e = |x: &'a Expr| visit(Child::Expr(x));
    match &expr.kind {
        ExprKind::Path(_) | ExprKind::Lit | ExprKind::Sql(_) | ExprKind::Continue => {}
        ExprKind::Field(base, _) => e(base),
        ExprKind::Call { func, args } => {
            e(func);
            args.iter().for_each(e);
        }
        ExprKind::MethodCall { receiver, args, .. } => {
            e(receiver);
            args.iter().for_each(e);
        }
        ExprKind::Macro(call) => {
            if let Some(target) = &call.target {
                e(target);
            }
            call.reads.iter().for_each(&mut e);
            call.args.iter().for_each(|a| e(&a.expr));
        }
        ExprKind::Struct { fields, rest, .. } => {
            fields.iter().for_each(|(_, x)| e(x));
            if let Some(rest) = rest {
                e(rest);
            }
        }
        ExprKind::Aggregate(items) | ExprKind::Compare(items) => items.iter().for_each(e),
        ExprKind::Assign { target, value, .. }
        | ExprKind::And(target, value)
        | ExprKind::Or(target, value) => {
            e(target);
            e(value);
        }
        ExprKind::Not(inner) => e(inner),
        ExprKind::Closure { body, .. } => e(body),
        ExprKind::Block(block) | ExprKind::Loop(block) => visit(Child::Block(block)),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            visit(Child::Expr(cond));
            visit(Child::Block(then));
            if let Some(otherwise) = otherwise {
                visit(Child::Expr(otherwise));
            }
        }
        ExprKind::Let { expr, .. }
        | ExprKind::Try(expr)
        | ExprKind::Transparent(expr)
        | ExprKind::Typed(expr, ..) => e(expr),
        ExprKind::Match { scrutinee, arms } => {
            e(scrutinee);
            for arm in arms {
                if let Some(guard) = &arm.guard {
                    e(guard);
                }
                e(&arm.body);
            }
        }
        ExprKind::While { cond, body } => {
            visit(Child::Expr(cond));
            visit(Child::Block(body));
        }
        ExprKind::For { iter, body, .. } => {
            visit(Child::Expr(iter));
            visit(Child::Block(body));
        }
        ExprKind::Return(value) | ExprKind::Break(value) => {
            if let Some(value) = value {
                e(value);
            }
        }
        ExprKind::Index(base, index) => {
            e(base);
            e(index);
        }
    }
}

/// The statements' expressions and the tail of a block, as children.
pub fn block_children<'a>(block: &'a Block, visit: &mut dyn FnMut(Child<'a>)) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::Let { init, diverge, .. } => {
                if let Some(init) = init {
                    visit(Child::Expr(init));
                }
                if let Some(diverge) = diverge {
                    visit(Child::Block(diverge));
                }
            }
            Stmt::Expr(x) => visit(Child::Expr(x)),
        }
    }
    if let Some(tail) = &block.tail {
        visit(Child::Expr(tail));
    }
}
