//! Building the index: modules from crate roots (`mod x;` files, inline modules, `#[path]`), then items,
//! impls, the catalogue, and the config entries applied to what they name.

use super::catalogue::Catalogue;
use super::modules::{Def, FnId, Module, ModuleId, ModuleTree, TraitId, TypeId};
use super::{
    config_entries, FnInfo, ImplId, ImplInfo, Index, ModuleAnnotations, TraitInfo, TypeInfo,
    TypeKind,
};
use crate::config::Config;
use crate::parse::{FileSummary, Item, ItemKind, TypeRef};
use crate::workspace::{FileId, FileKind, TargetKind, Workspace};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

struct Builder<'a> {
    workspace: &'a Workspace,
    summaries: &'a mut [FileSummary],
    files_by_path: HashMap<&'a str, FileId>,
    loaded: Vec<bool>,
    tree: ModuleTree,
    types: Vec<TypeInfo>,
    fns: Vec<FnInfo>,
    impls: Vec<ImplInfo>,
    traits: Vec<TraitInfo>,
    aliases: Vec<(ModuleId, TypeRef, Vec<String>)>,
    module_annotations: Vec<ModuleAnnotations>,
    macros: BTreeMap<String, Vec<Vec<String>>>,
    /// Every workspace `macro_rules!`'s rules by name, gathered before modules are built (a macro may be
    /// defined in a file read after the one invoking it).
    macro_rules: HashMap<String, crate::parse::MacroRules>,
    /// What the invocations expand to, made ahead in parallel.
    expansions: super::expand::Expansions,
    expansion_depth: usize,
}

/// How deep macro invocations that make macro invocations are expanded (a macro that invokes itself
/// without end stops here).
const MAX_EXPANSION_DEPTH: usize = 16;
/// How many `type` aliases of aliases an impl's self type is followed through.
const ALIAS_DEPTH: usize = 8;

/// The rules of every `macro_rules!` in the parsed files, inline modules included, as text.
fn gather_macro_rules(summaries: &[FileSummary]) -> HashMap<String, Vec<(String, String)>> {
    fn visit(items: &[Item], out: &mut HashMap<String, Vec<(String, String)>>) {
        for item in items {
            match &item.kind {
                ItemKind::MacroRules { rules, .. } => {
                    out.entry(item.name.clone())
                        .or_default()
                        .extend(rules.iter().cloned());
                }
                ItemKind::Mod(def) => visit(def.inline.as_deref().unwrap_or_default(), out),
                _ => {}
            }
        }
    }
    let mut out = HashMap::new();
    for summary in summaries {
        visit(&summary.items, &mut out);
    }
    out
}

/// Where `mod x;` declarations of a module look for files.
#[derive(Clone)]
struct ModuleDirs {
    /// The directory of the file the module's items are written in.
    file_dir: String,
    /// Where child module files live (the file's dir plus non-mod-rs stem and inline module names).
    child_dir: String,
    inline: bool,
}

pub fn build(
    workspace: Workspace,
    config: Config,
    config_file: Option<FileId>,
    mut summaries: Vec<FileSummary>,
    memo: &mut super::IndexMemo,
    changed_functions: Option<&[String]>,
) -> Index {
    let (
        tree,
        crate_roots,
        types,
        fns,
        (impls, traits, aliases),
        module_annotations,
        (macros, carried_fields),
    ) = {
        let rule_texts = gather_macro_rules(&summaries);
        let expansions = super::expand::Expansions::ahead(
            &summaries,
            &rule_texts,
            MAX_EXPANSION_DEPTH,
            &mut memo.expansions,
        );
        let macro_rules = rule_texts
            .iter()
            .map(|(name, rules)| (name.clone(), crate::parse::MacroRules::lex(rules)))
            .collect();
        let mut builder = Builder {
            workspace: &workspace,
            files_by_path: workspace
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.rel_path.as_str(), FileId(i as u32)))
                .collect(),
            loaded: vec![false; workspace.files.len()],
            summaries: &mut summaries,
            tree: ModuleTree::default(),
            types: Vec::new(),
            fns: Vec::new(),
            impls: Vec::new(),
            traits: Vec::new(),
            aliases: Vec::new(),
            module_annotations: Vec::new(),
            macros: BTreeMap::new(),
            macro_rules,
            expansions,
            expansion_depth: 0,
        };
        let crate_roots = builder.crate_roots();
        let counts = (
            builder.types.len(),
            builder.impls.len(),
            builder.traits.len(),
        );
        // Types and traits resolve by name as before when only functions changed, unless another item
        // shares a changed function's name.
        let same_items =
            changed_functions.is_some_and(|names| builder.tree.names_only_functions(names));
        let resolved = memo.take_resolved(same_items, counts);
        let carried_fields = match resolved {
            Some(resolved) => {
                builder.take_resolved(&resolved);
                Some((resolved.carried_fields, resolved.declarations))
            }
            None => {
                builder.resolve_impl_types();
                builder.resolve_traits();
                None
            }
        };
        // Spans of the macro expansions lexed on this thread are no longer needed.
        proc_macro2::extra::invalidate_current_thread_spans();
        (
            builder.tree,
            crate_roots,
            builder.types,
            builder.fns,
            (builder.impls, builder.traits, builder.aliases),
            builder.module_annotations,
            (builder.macros, carried_fields),
        )
    };
    let mut index = Index {
        catalogue: Catalogue::with_config(&config),
        workspace,
        config,
        config_file,
        modules: tree,
        crate_roots,
        types,
        fns,
        impls,
        traits,
        aliases,
        module_annotations,
        macros,
        parse_errors: Vec::new(),
        annotation_errors: Vec::new(),
        invalid: Vec::new(),
        suppressions: Vec::new(),
        rust_files: 0,
        resolved: Default::default(),
    };
    for (file, summary) in summaries.into_iter().enumerate() {
        let path = &index.workspace.files[file].rel_path;
        let limits: Vec<String> = summary
            .limits
            .iter()
            .map(|limit| format!("{path}: {limit}"))
            .collect();
        index.workspace.notes.extend(limits);
        index.parse_errors.extend(summary.parse_error);
        index.annotation_errors.extend(summary.annotation_errors);
        index.suppressions.extend(summary.suppressions);
    }
    index.rust_files = index
        .workspace
        .files
        .iter()
        .filter(|f| f.kind != FileKind::Config)
        .count();
    super::declare::declare_from_attributes(&mut index);
    config_entries::apply(&mut index);
    // Taken only with the same declarations: an edit that adds a function a `[[data]]` entry names
    // numbers the declarations after it anew.
    let declarations = index.catalogue.declarations_key();
    let carried_fields = match carried_fields {
        Some((fields, then)) if then == declarations => fields,
        _ => super::declare::fields_carrying_personal_types(&index),
    };
    index
        .catalogue
        .field_data
        .extend(carried_fields.iter().copied());
    if memo.keeps() {
        memo.keep_resolved(super::kept::Resolved {
            types: index.types.len(),
            impl_types: index.impls.iter().map(|imp| imp.self_type).collect(),
            impl_traits: index.impls.iter().map(|imp| imp.trait_id).collect(),
            supertraits: index.traits.iter().map(|t| t.supertraits.clone()).collect(),
            carried_fields,
            declarations,
        });
    }
    index
}

fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map_or_else(String::new, |(dir, _)| dir.to_string())
}

fn join(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `src/lib.rs`, `src/models/mod.rs` keep children beside them; `src/models.rs` keeps them in `src/models/`.
fn dirs_of_file(rel_path: &str, is_root: bool) -> ModuleDirs {
    let file_dir = parent_dir(rel_path);
    let file_name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let child_dir = if is_root || file_name == "mod.rs" {
        file_dir.clone()
    } else {
        join(&file_dir, file_name.trim_end_matches(".rs"))
    };
    ModuleDirs {
        file_dir,
        child_dir,
        inline: false,
    }
}

impl Builder<'_> {
    fn new_module(
        &mut self,
        path: Vec<String>,
        file: FileId,
        parent: Option<ModuleId>,
    ) -> ModuleId {
        let id = ModuleId(self.tree.modules.len() as u32);
        let crate_root = parent.map_or(id, |p| self.tree.get(p).crate_root);
        self.tree.modules.push(Module {
            own_path: path,
            file,
            parent,
            crate_root,
            defs: Default::default(),
            uses: Vec::new(),
            use_index: Default::default(),
            extern_crates: BTreeMap::new(),
        });
        id
    }

    fn define(&mut self, module: ModuleId, name: &str, def: Def) {
        self.tree.modules[module.0 as usize]
            .defs
            .entry(name.to_string())
            .or_default()
            .push(def);
    }

    /// Crate roots of every target, then any Rust file no `mod` reached (still analysed, under a module
    /// path made from its file path).
    fn crate_roots(&mut self) -> Vec<ModuleId> {
        let mut roots = Vec::new();
        let mut lib_roots: HashMap<String, ModuleId> = HashMap::new();
        let mut package_roots = Vec::new();
        for package in &self.workspace.packages {
            let mut own = Vec::new();
            for target in &package.targets {
                if self.loaded[target.root.0 as usize] {
                    continue;
                }
                let root = self.load_root(vec![target.crate_name.clone()], target.root);
                if target.kind == TargetKind::Lib {
                    lib_roots.insert(package.name.clone(), root);
                }
                own.push((root, target.kind));
                roots.push(root);
            }
            package_roots.push(own);
        }
        for (package, own) in self.workspace.packages.iter().zip(&package_roots) {
            let mut externs = BTreeMap::new();
            for (code_name, package_name) in &package.workspace_deps {
                if let Some(root) = lib_roots.get(package_name) {
                    externs.insert(code_name.clone(), *root);
                }
            }
            let own_lib = lib_roots
                .get(&package.name)
                .map(|root| (self.tree.crate_name(*root).to_string(), *root));
            for (root, kind) in own {
                let module = &mut self.tree.modules[root.0 as usize];
                module.extern_crates = externs.clone();
                if let (Some((name, lib)), false) = (&own_lib, *kind == TargetKind::Lib) {
                    module.extern_crates.insert(name.clone(), *lib);
                }
            }
        }
        for file in self.workspace.file_ids() {
            let source = self.workspace.file(file);
            if self.loaded[file.0 as usize] || source.kind == FileKind::Config {
                continue;
            }
            let path = self.orphan_module_path(file);
            roots.push(self.load_root(path, file));
        }
        roots
    }

    fn load_root(&mut self, path: Vec<String>, file: FileId) -> ModuleId {
        let root = self.new_module(path, file, None);
        let dirs = dirs_of_file(&self.workspace.file(file).rel_path, true);
        self.load_file(root, file, dirs);
        root
    }

    fn orphan_module_path(&self, file: FileId) -> Vec<String> {
        let source = self.workspace.file(file);
        let package = source
            .package
            .map(|p| &self.workspace.packages[p.0 as usize]);
        let crate_name = package
            .and_then(|p| {
                p.targets
                    .first()
                    .map(|t| t.crate_name.clone())
                    .or_else(|| Some(p.name.replace('-', "_")))
            })
            .or_else(|| {
                self.workspace
                    .root
                    .file_name()
                    .map(|n| n.to_string_lossy().replace('-', "_"))
            })
            .unwrap_or_else(|| "crate".to_string());
        let within = match package {
            Some(p) => source
                .abs_path
                .strip_prefix(&p.dir)
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/")),
            None => None,
        }
        .unwrap_or_else(|| source.rel_path.clone());
        let mut path = vec![crate_name];
        let segments: Vec<&str> = within.trim_end_matches(".rs").split('/').collect();
        let skip_first = matches!(
            segments.first(),
            Some(&"src" | &"examples" | &"benches" | &"tests")
        ) as usize;
        path.extend(
            segments[skip_first..]
                .iter()
                .filter(|s| **s != "mod" && **s != "lib" && **s != "main")
                .map(|s| s.to_string()),
        );
        path
    }

    fn load_file(&mut self, module: ModuleId, file: FileId, dirs: ModuleDirs) {
        self.loaded[file.0 as usize] = true;
        let items = std::mem::take(&mut self.summaries[file.0 as usize].items);
        self.add_items(module, file, items, &dirs);
    }

    fn add_items(&mut self, module: ModuleId, file: FileId, items: Vec<Item>, dirs: &ModuleDirs) {
        for item in items {
            let Item {
                name,
                name_span,
                item_span,
                annotations,
                kind,
                ..
            } = item;
            let type_kind = match &kind {
                ItemKind::Enum(_) => TypeKind::Enum,
                ItemKind::Union(_) => TypeKind::Union,
                _ => TypeKind::Struct,
            };
            match kind {
                ItemKind::Struct(def) | ItemKind::Enum(def) | ItemKind::Union(def) => {
                    let id = TypeId(self.types.len() as u32);
                    self.define(module, &name, Def::Type(id));
                    self.types.push(TypeInfo {
                        name,
                        kind: type_kind,
                        module,
                        file,
                        name_span,
                        item_span,
                        annotations,
                        def,
                    });
                }
                ItemKind::Fn(def) => {
                    self.define(module, &name, Def::Fn(FnId(self.fns.len() as u32)));
                    self.add_fn(
                        module,
                        file,
                        name,
                        (name_span, item_span),
                        annotations,
                        def,
                        None,
                    );
                }
                ItemKind::Impl(def) => {
                    let impl_id = ImplId(self.impls.len() as u32);
                    self.impls.push(ImplInfo {
                        module,
                        self_ty: def.self_ty,
                        self_type: None,
                        trait_path: def.trait_path,
                        trait_id: None,
                        defaults_of_trait: false,
                        annotations,
                        span: item_span,
                    });
                    for method in def.items {
                        if let ItemKind::Fn(fn_def) = method.kind {
                            self.add_fn(
                                module,
                                file,
                                method.name,
                                (method.name_span, method.item_span),
                                method.annotations,
                                fn_def,
                                Some(impl_id),
                            );
                        }
                    }
                }
                ItemKind::Mod(def) => {
                    let child = self.new_module(vec![name.clone()], file, Some(module));
                    self.define(module, &name, Def::Module(child));
                    if !annotations.is_empty() {
                        self.module_annotations.push(ModuleAnnotations {
                            module: child,
                            annotations,
                        });
                    }
                    match def.inline {
                        Some(inline_items) => {
                            let child_dir =
                                join(&dirs.child_dir, def.path_attr.as_deref().unwrap_or(&name));
                            let dirs = ModuleDirs {
                                child_dir,
                                inline: true,
                                ..dirs.clone()
                            };
                            self.add_items(child, file, inline_items, &dirs);
                        }
                        None => self.load_module_file(child, &name, def.path_attr.as_deref(), dirs),
                    }
                }
                ItemKind::Use(entries) => self.tree.modules[module.0 as usize].add_uses(entries),
                ItemKind::MacroRules { invoked, .. } => {
                    self.macros.entry(name).or_default().extend(invoked);
                }
                ItemKind::MacroCall(tokens) => {
                    // Items a workspace `macro_rules!` makes are items of the module it is invoked in.
                    let Some(rules) = self.macro_rules.get(&name) else {
                        continue;
                    };
                    if self.expansion_depth >= MAX_EXPANSION_DEPTH {
                        continue;
                    }
                    let call = (name, tokens, item_span);
                    let made = match self.expansions.take(&call) {
                        Some(made) => made,
                        None => crate::parse::expand_items(rules, &call.1, call.2),
                    };
                    self.expansion_depth += 1;
                    self.add_items(module, file, made, dirs);
                    self.expansion_depth -= 1;
                }
                ItemKind::Trait(def) => {
                    // Its default bodies are methods of an impl block of the trait itself, so they are
                    // named `crate::module::Trait::method` and dispatched to like the impls' methods.
                    let trait_id = TraitId(self.traits.len() as u32);
                    let defaults = ImplId(self.impls.len() as u32);
                    self.impls.push(ImplInfo {
                        module,
                        self_ty: TypeRef::Path {
                            segments: vec![name.clone()],
                            args: Vec::new(),
                        },
                        self_type: None,
                        trait_path: Some(vec![name.clone()]),
                        trait_id: Some(trait_id),
                        defaults_of_trait: true,
                        annotations,
                        span: item_span,
                    });
                    self.traits.push(TraitInfo {
                        name: name.clone(),
                        module,
                        supertraits_written: def.supertraits,
                        supertraits: Vec::new(),
                        defaults,
                    });
                    self.define(module, &name, Def::Trait(trait_id));
                    for method in def.items {
                        if let ItemKind::Fn(fn_def) = method.kind {
                            self.add_fn(
                                module,
                                file,
                                method.name,
                                (method.name_span, method.item_span),
                                method.annotations,
                                fn_def,
                                Some(defaults),
                            );
                        }
                    }
                }
                ItemKind::TypeAlias(ty, params) => {
                    let id = super::modules::AliasId(self.aliases.len() as u32);
                    self.aliases.push((module, ty, params));
                    self.define(module, &name, Def::Alias(id));
                }
                ItemKind::Other => {}
            }
        }
    }

    fn load_module_file(
        &mut self,
        module: ModuleId,
        name: &str,
        path_attr: Option<&str>,
        dirs: &ModuleDirs,
    ) {
        let candidates = match path_attr {
            Some(path) if dirs.inline => vec![join(&dirs.child_dir, path)],
            Some(path) => vec![join(&dirs.file_dir, path)],
            None => vec![
                join(&dirs.child_dir, &format!("{name}.rs")),
                join(&dirs.child_dir, &format!("{name}/mod.rs")),
            ],
        };
        let found = candidates
            .iter()
            .find_map(|c| self.files_by_path.get(c.as_str()).copied());
        let Some(file) = found else { return };
        if self.loaded[file.0 as usize] {
            return;
        }
        let rel_path = self.workspace.file(file).rel_path.clone();
        let child_dirs = dirs_of_file(
            &rel_path,
            path_attr.is_some() && !rel_path.ends_with("/mod.rs"),
        );
        let child_dirs = if path_attr.is_some() {
            ModuleDirs {
                child_dir: child_dirs.file_dir.clone(),
                ..child_dirs
            }
        } else {
            child_dirs
        };
        self.load_file(module, file, child_dirs);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_fn(
        &mut self,
        module: ModuleId,
        file: FileId,
        name: String,
        (name_span, item_span): (crate::diagnostic::Span, crate::diagnostic::Span),
        annotations: Vec<crate::parse::Annotation>,
        def: crate::parse::FnDef,
        owner: Option<ImplId>,
    ) {
        self.fns.push(FnInfo {
            name,
            module,
            file,
            name_span,
            item_span,
            annotations,
            def,
            owner,
        });
    }

    /// The workspace traits that impls implement and that traits extend (impls looked up in parallel:
    /// a payments workspace has tens of thousands).
    fn resolve_traits(&mut self) {
        let tree = &self.tree;
        let resolve = |module, path: &[String]| match tree.resolve(module, path) {
            super::Resolution::Defs(defs) => defs.into_iter().find_map(Def::as_trait),
            _ => None,
        };
        let found: Vec<Option<TraitId>> = self
            .impls
            .par_iter()
            .map(|imp| match &imp.trait_path {
                Some(path) if !imp.defaults_of_trait => resolve(imp.module, path),
                _ => imp.trait_id,
            })
            .collect();
        for (imp, trait_id) in self.impls.iter_mut().zip(found) {
            imp.trait_id = trait_id;
        }
        for info in &mut self.traits {
            info.supertraits = info
                .supertraits_written
                .iter()
                .filter_map(|path| resolve(info.module, path))
                .collect();
        }
    }

    /// What `resolve_impl_types` and `resolve_traits` found for the same items before.
    fn take_resolved(&mut self, resolved: &super::kept::Resolved) {
        for ((imp, ty), trait_id) in (self.impls.iter_mut())
            .zip(&resolved.impl_types)
            .zip(&resolved.impl_traits)
        {
            imp.self_type = *ty;
            imp.trait_id = *trait_id;
        }
        for (info, supertraits) in self.traits.iter_mut().zip(&resolved.supertraits) {
            info.supertraits = supertraits.clone();
        }
    }

    /// The workspace type each impl is for, through `type` aliases (`impl TryFrom<..> for
    /// PaymentsAuthorizeRouterData` is an impl for `RouterData`).
    fn resolve_impl_types(&mut self) {
        let (tree, aliases) = (&self.tree, &self.aliases);
        let found: Vec<Option<TypeId>> = self
            .impls
            .par_iter()
            .map(|imp| type_behind(tree, aliases, imp.module, &imp.self_ty, ALIAS_DEPTH))
            .collect();
        for (imp, ty) in self.impls.iter_mut().zip(found) {
            imp.self_type = ty;
        }
    }
}

/// The workspace type a written type names, looking through `type` aliases `depth` deep.
fn type_behind(
    tree: &ModuleTree,
    aliases: &[(ModuleId, TypeRef, Vec<String>)],
    module: ModuleId,
    ty: &TypeRef,
    depth: usize,
) -> Option<TypeId> {
    let TypeRef::Path { segments, .. } = ty else {
        return None;
    };
    let super::Resolution::Defs(defs) = tree.resolve(module, segments) else {
        return None;
    };
    defs.iter().find_map(|d| d.as_type()).or_else(|| {
        let (alias_module, aliased, _) = defs.iter().find_map(|d| match d {
            Def::Alias(a) if depth > 0 => Some(&aliases[a.0 as usize]),
            _ => None,
        })?;
        type_behind(tree, aliases, *alias_module, aliased, depth - 1)
    })
}
