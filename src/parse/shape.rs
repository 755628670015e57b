//! A file summary's shape: its items as the index and the flow's tables read them, without spans and
//! without function bodies. When every file an edit changed keeps its shape (a body was edited, lines
//! moved), the index is the one before but for those places and bodies, so a language server can take
//! the evaluations of its last analysis that read nothing the edit changed (`flow::FlowMemo`).

use super::model::{ImplDef, Item, ItemKind, ModDef};
use super::FileSummary;
use crate::diagnostic::without_places;

/// The summary's items written without places and bodies (`None` if they cannot be written).
pub fn outline(summary: &FileSummary) -> Option<Vec<u8>> {
    without_places(|| postcard::to_allocvec(&summary.items).ok())
}

/// What an edit of functions changed in a file: the functions' names, and the traits whose impls hold
/// some of them (the last segment of the path the impl names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionEdit {
    pub names: Vec<String>,
    pub traits: Vec<String>,
}

/// When an edit changed only functions of a file (added, removed, their signatures changed), the names of
/// those functions; `None` when it changed anything else. Free functions and the methods of impls count,
/// without `pii_lint` attributes: what another function can see of them is their name, so the flow may
/// keep the evaluations of the functions that name none of them (`flow::FlowMemo`). The methods of an
/// impl of a trait from outside the workspace are called without their name being written (`?`, `{}`,
/// `.into()`, a framework's extractors): the flow checks the traits named (`FunctionEdit::traits`). An
/// attribute declares data, sinks or consent checks, so a change to one is a change of shape.
pub fn changed_functions(before: &FileSummary, after: &FileSummary) -> Option<FunctionEdit> {
    let mut functions_before = Vec::new();
    let mut functions_after = Vec::new();
    let rest_before = without_functions(&before.items, &[], &mut functions_before)?;
    let rest_after = without_functions(&after.items, &[], &mut functions_after)?;
    if rest_before != rest_after {
        return None;
    }
    functions_before.sort_unstable();
    functions_after.sort_unstable();
    let mut edit = FunctionEdit::default();
    let mut changed = |function: &TakenFunction| {
        edit.names.push(function.name.clone());
        edit.traits.extend(function.of_trait.clone());
    };
    let (mut b, mut a) = (0, 0);
    while b < functions_before.len() || a < functions_after.len() {
        let order = match (functions_before.get(b), functions_after.get(a)) {
            (Some(before), Some(after)) => {
                (&before.at, &before.outline).cmp(&(&after.at, &after.outline))
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => (a, b) = (a + 1, b + 1),
            std::cmp::Ordering::Less => {
                changed(&functions_before[b]);
                b += 1;
            }
            std::cmp::Ordering::Greater => {
                changed(&functions_after[a]);
                a += 1;
            }
        }
    }
    for list in [&mut edit.names, &mut edit.traits] {
        list.sort_unstable();
        list.dedup();
    }
    Some(edit)
}

/// A function taken out of its file's items.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct TakenFunction {
    /// The positions of the items holding it.
    at: Vec<u32>,
    outline: Vec<u8>,
    name: String,
    /// For a trait impl's method, the trait's name.
    of_trait: Option<String>,
}

/// The outline of `items` without the functions `changed_functions` follows, which go to `taken`.
fn without_functions(
    items: &[Item],
    at: &[u32],
    taken: &mut Vec<TakenFunction>,
) -> Option<Vec<u8>> {
    let rest = rest_of(items, at, None, taken)?;
    without_places(|| postcard::to_allocvec(&rest).ok())
}

fn rest_of(
    items: &[Item],
    at: &[u32],
    of_trait: Option<&str>,
    taken: &mut Vec<TakenFunction>,
) -> Option<Vec<Item>> {
    let mut rest = Vec::with_capacity(items.len());
    for item in items {
        let here = || [at, &[rest.len() as u32]].concat();
        match &item.kind {
            ItemKind::Fn(_) if item.annotations.is_empty() => {
                taken.push(TakenFunction {
                    at: at.to_vec(),
                    outline: without_places(|| postcard::to_allocvec(item).ok())?,
                    name: item.name.clone(),
                    of_trait: of_trait.map(str::to_string),
                });
                continue;
            }
            ItemKind::Mod(ModDef {
                inline: Some(inner),
                path_attr,
            }) => {
                let inner = rest_of(inner, &here(), None, taken)?;
                rest.push(Item {
                    kind: ItemKind::Mod(ModDef {
                        inline: Some(inner),
                        path_attr: path_attr.clone(),
                    }),
                    ..item.clone_without_kind()
                });
            }
            ItemKind::Impl(ImplDef {
                self_ty,
                trait_path,
                items: methods,
            }) => {
                let of_trait = trait_path
                    .as_ref()
                    .map(|path| path.last().map_or("", String::as_str));
                let methods = rest_of(methods, &here(), of_trait, taken)?;
                rest.push(Item {
                    kind: ItemKind::Impl(ImplDef {
                        self_ty: self_ty.clone(),
                        trait_path: trait_path.clone(),
                        items: methods,
                    }),
                    ..item.clone_without_kind()
                });
            }
            _ => rest.push(item.clone()),
        }
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::{changed_functions, outline};
    use crate::parse::{parse_file, FileSummary, ParseOptions};
    use crate::workspace::FileId;

    fn parsed(text: &str) -> FileSummary {
        let options = ParseOptions {
            include_tests: false,
        };
        parse_file(FileId(0), text, &options)
    }

    fn shape_of(text: &str) -> Option<Vec<u8>> {
        outline(&parsed(text))
    }

    #[test]
    fn functions_added_removed_or_changed_are_named() {
        let before = "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\nimpl User {\n    fn mail(&self) {}\n}\nmod inner {\n    fn deep() {}\n}\nimpl Store for User {\n    fn put(&self) {}\n}\n";
        let changed = |after: &str| {
            let edit = changed_functions(&parsed(before), &parsed(after))?;
            Some((edit.names, edit.traits))
        };
        let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(changed(before), Some((vec![], vec![])));
        // Bodies edited and lines moved change no function.
        assert_eq!(
            changed(
                &before
                    .replace("{ 1 }", "{\n    2\n}")
                    .replace("struct", "\n\nstruct")
            ),
            Some((vec![], vec![]))
        );
        for (after, names, traits) in [
            (format!("{before}fn more() {{}}\n"), vec!["more"], vec![]),
            (
                before.replace("fn save(u: &User) -> u32 { 1 }\n", ""),
                vec!["save"],
                vec![],
            ),
            (before.replace("-> u32", "-> u64"), vec!["save"], vec![]),
            (
                before.replace("fn save", "fn store"),
                vec!["save", "store"],
                vec![],
            ),
            (
                before.replace(
                    "    fn mail(&self) {}\n",
                    "    fn mail(&self) {}\n    fn new() {}\n",
                ),
                vec!["new"],
                vec![],
            ),
            (
                before.replace("fn deep() {}", "fn deep(x: u8) {}"),
                vec!["deep"],
                vec![],
            ),
            // A trait impl's method: the trait is named too.
            (
                before.replace("fn put(&self)", "fn put(&self, n: u8)"),
                vec!["put"],
                vec!["Store"],
            ),
        ] {
            assert_eq!(
                changed(&after),
                Some((owned(&names), owned(&traits))),
                "{after}"
            );
        }
        // Anything else is more than functions: a field, an impl block, an attribute, an item.
        for after in [
            before.replace("email: String", "email: String, phone: String"),
            format!(
                "{before}impl Clone for User {{\n    fn clone(&self) -> Self {{ todo!() }}\n}}\n"
            ),
            before.replace("fn save", "#[pii_lint::sink(kind = \"log\")]\nfn save"),
            format!("{before}struct Order;\n"),
        ] {
            assert_eq!(changed(&after), None, "{after}");
        }
    }

    #[test]
    fn moved_lines_and_edited_bodies_keep_the_shape() {
        let before = "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\n";
        let after = "\n\nstruct User { email: String }\nfn save(u: &User) -> u32 {\n    log(u);\n    2\n}\n";
        assert!(shape_of(before).is_some());
        assert_eq!(shape_of(before), shape_of(after));
    }

    #[test]
    fn signatures_fields_and_items_change_the_shape() {
        let before = "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\n";
        for after in [
            "struct User { email: String, phone: String }\nfn save(u: &User) -> u32 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User) -> u64 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User, n: u8) -> u32 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\nfn more() {}\n",
            "struct User { email: String }\n#[pii_lint::sink(kind = \"log\")]\nfn save(u: &User) -> u32 { 1 }\n",
        ] {
            assert_ne!(shape_of(before), shape_of(after), "{after}");
        }
    }
}
