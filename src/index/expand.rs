//! Item-position invocations of workspace macros, expanded ahead of the (sequential) module build, in
//! parallel: an expansion depends only on the macro's rules, the invocation's tokens and where it is, so
//! the builder takes each from here instead of expanding it itself (and expands anything missed).

use crate::diagnostic::Span;
use crate::parse::{FileSummary, Item, ItemKind, MacroRules};
use rayon::prelude::*;
use std::collections::HashMap;

/// An invocation: the macro's name, its tokens as text, and where it is (every span it makes is there).
pub type Invocation = (String, String, Span);

/// Expansions made ahead, taken by the builder.
#[derive(Default)]
pub struct Expansions {
    made: HashMap<Invocation, Vec<Item>>,
}

/// The expansions of one analysis, kept for the next (a language server's next save): an invocation in
/// the same place with the same tokens, of a macro with the same rules, makes the same items.
/// `ExpansionMemo::default()` keeps nothing.
#[derive(Default)]
pub struct ExpansionMemo {
    keep: bool,
    rules: HashMap<String, Vec<(String, String)>>,
    made: HashMap<Invocation, Vec<Item>>,
}

impl ExpansionMemo {
    pub fn kept() -> ExpansionMemo {
        ExpansionMemo {
            keep: true,
            ..ExpansionMemo::default()
        }
    }

    /// The items `call` made last time, if its macro's rules are the same.
    fn take(
        &mut self,
        call: &Invocation,
        rules: &HashMap<String, Vec<(String, String)>>,
    ) -> Option<Vec<Item>> {
        if self.rules.get(&call.0) != rules.get(&call.0) {
            return None;
        }
        self.made.remove(call)
    }
}

impl Expansions {
    /// Every invocation of a workspace macro in the files, and in what those make, `depth` levels deep;
    /// what `memo` kept of the last analysis is taken, and this one's is left in it.
    pub fn ahead(
        summaries: &[FileSummary],
        rules: &HashMap<String, Vec<(String, String)>>,
        depth: usize,
        memo: &mut ExpansionMemo,
    ) -> Expansions {
        let mut found = Vec::new();
        for summary in summaries {
            invocations(&summary.items, rules, &mut found);
        }
        let mut made: HashMap<Invocation, Vec<Item>> = HashMap::new();
        for _ in 0..depth {
            found.sort();
            found.dedup();
            found.retain(|call| !made.contains_key(call));
            if found.is_empty() {
                break;
            }
            // What this level's expansions invoke is the next level.
            let mut next = Vec::new();
            let mut fresh = Vec::new();
            for call in std::mem::take(&mut found) {
                match memo.take(&call, rules) {
                    Some(items) => {
                        invocations(&items, rules, &mut next);
                        made.insert(call, items);
                    }
                    None => fresh.push(call),
                }
            }
            // The rules hold proc-macro2 tokens, which stay on their thread: each worker lexes its own.
            let expanded: Vec<(Invocation, Vec<Item>)> = fresh
                .into_par_iter()
                .map_init(HashMap::<String, MacroRules>::new, |lexed, call| {
                    let rules = lexed
                        .entry(call.0.clone())
                        .or_insert_with(|| MacroRules::lex(&rules[&call.0]));
                    let items = crate::parse::expand_items(rules, &call.1, call.2);
                    (call, items)
                })
                .collect();
            rayon::broadcast(|_| proc_macro2::extra::invalidate_current_thread_spans());
            for (call, items) in expanded {
                invocations(&items, rules, &mut next);
                made.insert(call, items);
            }
            found = next;
        }
        if memo.keep {
            memo.rules = rules.clone();
            memo.made = made.clone();
        }
        Expansions { made }
    }

    /// The items `call` makes, if it was expanded ahead.
    pub fn take(&mut self, call: &Invocation) -> Option<Vec<Item>> {
        self.made.remove(call)
    }
}

fn invocations(
    items: &[Item],
    rules: &HashMap<String, Vec<(String, String)>>,
    found: &mut Vec<Invocation>,
) {
    for item in items {
        match &item.kind {
            ItemKind::MacroCall(tokens) if rules.contains_key(&item.name) => {
                found.push((item.name.clone(), tokens.clone(), item.item_span));
            }
            ItemKind::Mod(def) => {
                invocations(def.inline.as_deref().unwrap_or_default(), rules, found)
            }
            _ => {}
        }
    }
}
