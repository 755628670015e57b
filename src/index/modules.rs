//! The module tree of every crate in the workspace, and name resolution in it (`use`, globs, renames,
//! `crate::`, `self::`, `super::`, `pub use` re-exports, other workspace crates by dependency name).

use crate::parse::UseEntry;
use crate::workspace::FileId;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u32);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TypeId(pub u32);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct FnId(pub u32);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TraitId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AliasId(pub u32);

/// What a name in the type or value namespace denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Def {
    Module(ModuleId),
    Type(TypeId),
    Fn(FnId),
    Trait(TraitId),
    /// `type Boxed = Box<dyn Op>;`
    Alias(AliasId),
}

impl Def {
    pub fn as_type(self) -> Option<TypeId> {
        match self {
            Def::Type(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_fn(self) -> Option<FnId> {
        match self {
            Def::Fn(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_trait(self) -> Option<TraitId> {
        match self {
            Def::Trait(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Module {
    /// Its own name (`b` of `crate_name::a::b`); for a crate root, or a file no `mod` reaches, its whole
    /// path. The full path is the parents' paths and this (`ModuleTree::path`): storing it whole in every
    /// module grew with the square of the nesting depth.
    pub own_path: Vec<String>,
    pub file: FileId,
    pub parent: Option<ModuleId>,
    pub crate_root: ModuleId,
    /// Items and child modules defined here, by name.
    pub defs: rustc_hash::FxHashMap<String, Vec<Def>>,
    pub uses: Vec<UseEntry>,
    /// `uses` by name, made at the first lookup (and again after `add_uses`: change `uses` through it).
    pub(super) use_index: std::sync::OnceLock<UseIndex>,
    /// On crate roots: the crates this crate can name (workspace dependencies and, for bins, the
    /// package's lib).
    pub extern_crates: BTreeMap<String, ModuleId>,
}

/// Where in a module's `uses` each name is imported (in order), and where its glob imports are: a
/// lookup reads the entries that can give the name, not every import of the module (hyperswitch's
/// modules import dozens of names, and lookups are counted in millions).
#[derive(Debug, Clone, Default)]
pub(super) struct UseIndex {
    by_alias: rustc_hash::FxHashMap<String, Vec<u32>>,
    globs: Vec<u32>,
}

impl Module {
    fn use_index(&self) -> &UseIndex {
        self.use_index.get_or_init(|| {
            let mut index = UseIndex::default();
            for (at, entry) in self.uses.iter().enumerate() {
                match &entry.alias {
                    Some(alias) => index
                        .by_alias
                        .entry(alias.clone())
                        .or_default()
                        .push(at as u32),
                    None => index.globs.push(at as u32),
                }
            }
            index
        })
    }

    /// The imports of `name`, in the order they are written.
    fn imports_of<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a UseEntry> {
        let at = self
            .use_index()
            .by_alias
            .get(name)
            .map_or(&[][..], Vec::as_slice);
        at.iter().map(|&i| &self.uses[i as usize])
    }

    /// The glob imports, in the order they are written.
    fn glob_imports(&self) -> impl Iterator<Item = &UseEntry> {
        self.use_index()
            .globs
            .iter()
            .map(|&i| &self.uses[i as usize])
    }

    /// Adds imports (the index is made again at the next lookup).
    pub fn add_uses(&mut self, entries: Vec<UseEntry>) {
        self.uses.extend(entries);
        self.use_index = std::sync::OnceLock::new();
    }
}

/// The result of resolving a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Defs(Vec<Def>),
    /// Names something outside the workspace (`serde::Serialize`, `std::fs::write`).
    External,
    Unresolved,
}

/// Per query, what each (module, name) looked at resolved to: `None` while it is being looked at (a glob
/// or re-export cycle) or when it names nothing; a name found once is found again from another path.
#[derive(Default)]
struct Seen<'a> {
    looked: rustc_hash::FxHashMap<(ModuleId, &'a str), Option<Vec<Def>>>,
    /// When known, every name a module defines or imports by name (`ModuleTree::bound_names`).
    bound: Option<&'a BoundNames>,
}

/// Every name some module defines or imports by name: any other name is a member of no module, so
/// looking it up need not walk the globs of every module on the way (`Some`, `Ok`, `String` are looked
/// up from thousands of modules, and name nothing in the workspace).
#[derive(Debug, Default)]
pub struct BoundNames(rustc_hash::FxHashSet<Box<str>>);

/// Bounds one resolution on pathological module graphs.
const MAX_VISITS: usize = 4096;

#[derive(Debug, Default)]
pub struct ModuleTree {
    pub modules: Vec<Module>,
}

impl ModuleTree {
    /// Whether every item called by one of `names` is a function: then a change to those functions
    /// changes how no type or trait resolves.
    pub fn names_only_functions(&self, names: &[String]) -> bool {
        (self.modules.iter()).all(|module| {
            (names
                .iter()
                .flat_map(|name| module.defs.get(name))
                .flatten())
            .all(|def| matches!(def, Def::Fn(_)))
        })
    }

    pub fn get(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    pub fn path_string(&self, id: ModuleId) -> String {
        self.path(id).join("::")
    }

    /// `crate_name::a::b`.
    pub fn path(&self, id: ModuleId) -> Vec<String> {
        let mut chain = vec![id];
        while let Some(parent) = self.get(*chain.last().unwrap_or(&id)).parent {
            chain.push(parent);
        }
        chain
            .iter()
            .rev()
            .flat_map(|m| self.get(*m).own_path.iter().cloned())
            .collect()
    }

    /// The name of the crate a module is in, as code names it.
    pub fn crate_name(&self, id: ModuleId) -> &str {
        let root = self.get(self.get(id).crate_root);
        root.own_path.first().map_or("", String::as_str)
    }

    /// Resolves a path written in module `from` (a type, a `use` target, a call path).
    pub fn resolve(&self, from: ModuleId, segments: &[String]) -> Resolution {
        self.resolve_knowing(from, segments, None)
    }

    /// `resolve`, with the tree's `bound_names` when it is complete.
    pub fn resolve_knowing(
        &self,
        from: ModuleId,
        segments: &[String],
        bound: Option<&BoundNames>,
    ) -> Resolution {
        let mut seen = Seen {
            // Most queries look at a few dozen (module, name) pairs: one allocation, no growing.
            looked: rustc_hash::FxHashMap::with_capacity_and_hasher(32, Default::default()),
            bound,
        };
        self.resolve_at(from, segments, &mut seen)
    }

    /// Every name defined or imported by name in some module (stale once the tree changes).
    pub fn bound_names(&self) -> BoundNames {
        let mut names = rustc_hash::FxHashSet::default();
        for module in &self.modules {
            names.extend(module.defs.keys().map(|name| Box::from(name.as_str())));
            let aliases = module
                .uses
                .iter()
                .filter_map(|entry| entry.alias.as_deref());
            names.extend(aliases.map(Box::from));
        }
        BoundNames(names)
    }

    fn resolve_at<'a>(
        &'a self,
        from: ModuleId,
        segments: &'a [String],
        seen: &mut Seen<'a>,
    ) -> Resolution {
        let Some((first, rest)) = segments.split_first() else {
            return Resolution::Unresolved;
        };
        let start = match first.as_str() {
            "crate" => vec![Def::Module(self.get(from).crate_root)],
            "self" => vec![Def::Module(from)],
            "super" => match self.get(from).parent {
                Some(parent) => vec![Def::Module(parent)],
                None => return Resolution::Unresolved,
            },
            name => match self.lookup(from, name, seen) {
                Resolution::Defs(defs) => defs,
                other => return other,
            },
        };
        self.walk(start, rest, seen)
    }

    /// Follows `rest` from `defs` through modules, items and re-exports.
    fn walk<'a>(
        &'a self,
        mut defs: Vec<Def>,
        rest: &'a [String],
        seen: &mut Seen<'a>,
    ) -> Resolution {
        for segment in rest {
            let module = defs.iter().find_map(|def| match def {
                Def::Module(m) => Some(*m),
                _ => None,
            });
            let Some(module) = module else {
                // `Type::method` and associated items are not modules: the caller handles them.
                return Resolution::Unresolved;
            };
            defs = match segment.as_str() {
                "super" => match self.get(module).parent {
                    Some(parent) => vec![Def::Module(parent)],
                    None => return Resolution::Unresolved,
                },
                "self" => vec![Def::Module(module)],
                name => match self.member(module, name, seen) {
                    Some(found) => found,
                    None => return Resolution::Unresolved,
                },
            };
        }
        Resolution::Defs(defs)
    }

    /// A name as seen from inside `module`: its own items, its imports, then the crates it can name.
    fn lookup<'a>(&'a self, module: ModuleId, name: &'a str, seen: &mut Seen<'a>) -> Resolution {
        if let Some(found) = self.member(module, name, seen) {
            return Resolution::Defs(found);
        }
        let here = self.get(module);
        if let Some(root) = self.get(here.crate_root).extern_crates.get(name) {
            return Resolution::Defs(vec![Def::Module(*root)]);
        }
        if self.crate_name(module) == name && name != "crate" {
            // A crate naming itself is unusual in code but is how config paths start.
            return Resolution::Defs(vec![Def::Module(here.crate_root)]);
        }
        Resolution::External
    }

    /// A name defined in, or imported into, `module` (private imports included: code in the module sees
    /// them, and re-exports are a subset).
    fn member<'a>(
        &'a self,
        module: ModuleId,
        name: &'a str,
        seen: &mut Seen<'a>,
    ) -> Option<Vec<Def>> {
        // Each (module, name) is looked at once per query: glob and re-export cycles end, and a name
        // that is not there costs one visit of each module its globs reach, not one per path to it.
        if seen.bound.is_some_and(|bound| !bound.0.contains(name)) {
            return None;
        }
        let key = (module, name);
        if let Some(known) = seen.looked.get(&key) {
            return known.clone();
        }
        if seen.looked.len() > MAX_VISITS {
            return None;
        }
        seen.looked.insert(key, None);
        let found = self.member_uncached(module, name, seen);
        seen.looked.insert(key, found.clone());
        found
    }

    fn member_uncached<'a>(
        &'a self,
        module: ModuleId,
        name: &'a str,
        seen: &mut Seen<'a>,
    ) -> Option<Vec<Def>> {
        let here = self.get(module);
        if let Some(defs) = here.defs.get(name) {
            return Some(defs.clone());
        }
        // Several imports of one name are definitions behind different `#[cfg]`s (`#[cfg(feature =
        // "v1")] pub use v1::Customer;` beside a v2 one): the name stands for all of them.
        let mut imported: Vec<Def> = Vec::new();
        for entry in here.imports_of(name) {
            if let Resolution::Defs(defs) = self.resolve_at(module, &entry.path, seen) {
                for def in defs {
                    if !imported.contains(&def) {
                        imported.push(def);
                    }
                }
            }
        }
        if !imported.is_empty() {
            return Some(imported);
        }
        for entry in here.glob_imports() {
            if let Resolution::Defs(defs) = self.resolve_at(module, &entry.path, seen) {
                for def in defs {
                    if let Def::Module(target) = def {
                        if target != module {
                            if let Some(found) = self.member(target, name, seen) {
                                return Some(found);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    /// A path written in `module`, its first segment replaced by what a `use` of the module imports under
    /// that name (`fs::write` after `use std::fs;` is `std::fs::write`); otherwise as written.
    pub fn written_in_full(&self, module: ModuleId, segments: &[String]) -> Vec<String> {
        let Some((first, rest)) = segments.split_first() else {
            return Vec::new();
        };
        let imported = self.get(module).imports_of(first).next();
        match imported {
            Some(entry)
                if !matches!(
                    entry.path.first().map(String::as_str),
                    Some("crate" | "self" | "super")
                ) =>
            {
                entry.path.iter().chain(rest).cloned().collect()
            }
            _ => segments.to_vec(),
        }
    }

    /// Every name visible as a member of `module` (for `*` segments of config paths).
    pub fn member_names(&self, module: ModuleId) -> Vec<String> {
        let here = self.get(module);
        let mut names: Vec<String> = here.defs.keys().cloned().collect();
        names.extend(here.uses.iter().filter_map(|e| e.alias.clone()));
        names.sort();
        names.dedup();
        names
    }

    /// Resolves a config path (`crate::module::Item`, with `*` segments) from the workspace's crate roots.
    pub fn resolve_absolute(&self, roots: &[ModuleId], segments: &[String]) -> Vec<Def> {
        let Some((first, rest)) = segments.split_first() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for root in roots {
            if first == "*" || self.crate_name(*root) == first {
                self.expand(vec![Def::Module(*root)], rest, &mut found);
            }
        }
        found.sort_by_key(|def| format!("{def:?}"));
        found.dedup();
        found
    }

    fn expand(&self, defs: Vec<Def>, rest: &[String], found: &mut Vec<Def>) {
        let Some((segment, tail)) = rest.split_first() else {
            found.extend(defs);
            return;
        };
        for def in defs {
            let Def::Module(module) = def else { continue };
            if segment == "*" {
                for name in self.member_names(module) {
                    if let Some(next) = self.member(module, &name, &mut Seen::default()) {
                        self.expand(next, tail, found);
                    }
                }
            } else if let Some(next) = self.member(module, segment, &mut Seen::default()) {
                self.expand(next, tail, found);
            }
        }
    }
}
