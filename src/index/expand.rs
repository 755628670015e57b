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

impl Expansions {
    /// Every invocation of a workspace macro in the files, and in what those make, `depth` levels deep.
    pub fn ahead(
        summaries: &[FileSummary],
        rules: &HashMap<String, Vec<(String, String)>>,
        depth: usize,
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
            // The rules hold proc-macro2 tokens, which stay on their thread: each worker lexes its own.
            let expanded: Vec<(Invocation, Vec<Item>)> = std::mem::take(&mut found)
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
                invocations(&items, rules, &mut found);
                made.insert(call, items);
            }
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
