//! Item-position invocations of workspace macros, expanded ahead of the (sequential) module build, in
//! parallel: an expansion depends only on the macro's rules, the invocation's tokens and where it is, so
//! the builder takes each from here instead of expanding it itself (and expands anything missed).

use crate::diagnostic::Span;
use crate::parse::{FileSummary, Item, ItemKind, MacroRules};
use crate::workspace::{relative_to, FileId, SourceFile};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// The macros' rules lexed on this thread for the current level of expansions (proc-macro2 tokens
    /// stay on the thread that made them), emptied when the level is done; each with the text it was
    /// lexed from, as two analyses in one process (tests) may share the threads.
    static LEXED: RefCell<HashMap<String, (RulesText, MacroRules)>> = RefCell::new(HashMap::new());
}

/// A macro's rules as written: (matcher, transcriber) pairs.
type RulesText = Vec<(String, String)>;

/// An invocation: the macro's name, its tokens as text, and where it is (every span it makes is there).
pub type Invocation = (String, String, Span);

/// Expansions made ahead, taken by the builder.
#[derive(Default)]
pub struct Expansions {
    made: HashMap<Invocation, Vec<Item>>,
}

/// The expansions of one analysis, kept for the next (a language server's next save, or the next run
/// through the on-disk cache: `pack`): an invocation in the same place with the same tokens, of a macro
/// with the same rules, makes the same items. `ExpansionMemo::default()` keeps nothing.
#[derive(Default)]
pub struct ExpansionMemo {
    keep: bool,
    rules: HashMap<String, Vec<(String, String)>>,
    made: HashMap<Invocation, Vec<Item>>,
    /// A copy of `made` made between two analyses (`prepare`), handed to the builder (which consumes
    /// what it is given) so the next analysis need not copy them.
    spare: Option<HashMap<Invocation, Vec<Item>>>,
    /// Whether the last analysis expanded anything anew, or left kept expansions unused: what it keeps
    /// differs from what it was given.
    changed: bool,
    /// Of the last analysis' expansions, how many were taken from the memo, and how many there were.
    taken: (usize, usize),
}

/// The expansions as the on-disk cache keeps them (`expansions.pack`): each invocation written relative
/// to its file (see `workspace::relative_to`), under the file's path, so a file added or removed
/// elsewhere leaves them valid.
#[derive(serde::Serialize, serde::Deserialize)]
struct Pack {
    rules: Vec<(String, Vec<(String, String)>)>,
    /// (file path, the invocation and its items, encoded relative to the file)
    made: Vec<(String, Vec<u8>)>,
}

impl ExpansionMemo {
    pub fn kept() -> ExpansionMemo {
        ExpansionMemo {
            keep: true,
            ..ExpansionMemo::default()
        }
    }

    /// What `pack` wrote, for the files as they are now (an invocation in a file no longer there, or
    /// that does not read back, is dropped); it keeps what the next analysis expands.
    pub fn from_pack(bytes: &[u8], files: &[SourceFile]) -> ExpansionMemo {
        let Ok(pack) = postcard::from_bytes::<Pack>(bytes) else {
            return ExpansionMemo::kept();
        };
        let ids: HashMap<&str, FileId> = (files.iter().enumerate())
            .map(|(i, f)| (f.rel_path.as_str(), FileId(i as u32)))
            .collect();
        let made = (pack.made.par_iter())
            .filter_map(|(path, bytes)| {
                let file = *ids.get(path.as_str())?;
                relative_to(file, || {
                    postcard::from_bytes::<(Invocation, Vec<Item>)>(bytes).ok()
                })
                .filter(|((_, _, at), _)| at.file == file)
            })
            .collect();
        ExpansionMemo {
            keep: true,
            rules: pack.rules.into_iter().collect(),
            made,
            spare: None,
            changed: false,
            taken: (0, 0),
        }
    }

    /// Copies the expansions the next analysis will hand to the builder, so it need not (work for the
    /// time between two analyses).
    pub fn prepare(&mut self) {
        if self.keep && self.spare.is_none() {
            self.spare = Some(
                (self.made.par_iter())
                    .map(|(call, items)| (call.clone(), items.clone()))
                    .collect(),
            );
        }
    }

    /// Of the last analysis' expansions, how many were taken from it, and how many there were.
    pub fn taken(&self) -> (usize, usize) {
        self.taken
    }

    /// What it keeps, for `from_pack`; `None` when that is what it was given (nothing to write).
    pub fn pack(&self, files: &[SourceFile]) -> Option<Vec<u8>> {
        if !self.changed {
            return None;
        }
        let mut rules: Vec<_> = (self.rules.iter())
            .map(|(name, rules)| (name.clone(), rules.clone()))
            .collect();
        rules.sort();
        let mut made: Vec<(String, Vec<u8>)> = (self.made.par_iter())
            .filter_map(|(call, items)| {
                let file = call.2.file;
                let path = files.get(file.0 as usize)?.rel_path.clone();
                let bytes = relative_to(file, || postcard::to_allocvec(&(call, items)).ok())?;
                Some((path, bytes))
            })
            .collect();
        // In a fixed order, so the same expansions make the same pack.
        made.sort();
        postcard::to_allocvec(&Pack { rules, made }).ok()
    }

    /// The items `call` made last time, if its macro's rules are the same (the memo keeps its own).
    fn take(
        &mut self,
        call: &Invocation,
        rules: &HashMap<String, Vec<(String, String)>>,
    ) -> Option<Vec<Item>> {
        if self.rules.get(&call.0) != rules.get(&call.0) {
            return None;
        }
        let kept = self.made.get(call)?;
        let spare = self.spare.as_mut().and_then(|spare| spare.remove(call));
        Some(spare.unwrap_or_else(|| kept.clone()))
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
        let mut fresh: Vec<Invocation> = Vec::new();
        for _ in 0..depth {
            found.sort();
            found.dedup();
            found.retain(|call| !made.contains_key(call));
            if found.is_empty() {
                break;
            }
            // What this level's expansions invoke is the next level.
            let mut next = Vec::new();
            let mut fresh_calls = Vec::new();
            for call in std::mem::take(&mut found) {
                match memo.take(&call, rules) {
                    Some(items) => {
                        invocations(&items, rules, &mut next);
                        made.insert(call, items);
                    }
                    None => fresh_calls.push(call),
                }
            }
            fresh.extend(fresh_calls.iter().cloned());
            // The largest expansions first, one invocation a task, so no core is left alone with a large
            // one at the end (hyperswitch has an invocation that makes 10,000 impls): a repetition's
            // expansion grows with the macro's transcribers and the invocation's separators.
            fresh_calls.sort_by_cached_key(|call| {
                let transcribed: usize = rules[&call.0].iter().map(|(_, body)| body.len()).sum();
                let repeats = 1 + call.1.bytes().filter(|b| matches!(b, b',' | b';')).count();
                std::cmp::Reverse(transcribed * repeats)
            });
            let expanded: Vec<(Invocation, Vec<Item>)> = fresh_calls
                .into_par_iter()
                .with_max_len(1)
                .map(|call| {
                    let items = LEXED.with_borrow_mut(|lexed| {
                        let text = &rules[&call.0];
                        let (lexed_from, lexed_rules) = lexed
                            .entry(call.0.clone())
                            .or_insert_with(|| (text.clone(), MacroRules::lex(text)));
                        if lexed_from != text {
                            *lexed_from = text.clone();
                            *lexed_rules = MacroRules::lex(text);
                        }
                        crate::parse::expand_items(lexed_rules, &call.1, call.2)
                    });
                    (call, items)
                })
                .collect();
            rayon::broadcast(|_| {
                LEXED.with_borrow_mut(HashMap::clear);
                proc_macro2::extra::invalidate_current_thread_spans()
            });
            // A level rayon did not split ran here, on the caller's thread (whose spans the builder
            // invalidates once done).
            LEXED.with_borrow_mut(HashMap::clear);
            for (call, items) in expanded {
                invocations(&items, rules, &mut next);
                made.insert(call, items);
            }
            found = next;
        }
        let taken = made.len() - fresh.len();
        memo.taken = (taken, made.len());
        memo.spare = None;
        if memo.keep {
            // Kept expansions no invocation took now are dropped; fresh ones are kept (in place of any
            // made by rules that changed since).
            memo.changed = !fresh.is_empty() || memo.made.len() != taken || memo.rules != *rules;
            memo.made.retain(|call, _| made.contains_key(call));
            for call in fresh {
                let items = made[&call].clone();
                memo.made.insert(call, items);
            }
            memo.rules = rules.clone();
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
