//! The index: the workspace's modules, types, functions and personal-data catalogue, built once from the
//! parse summaries and the config, then frozen. Lints and the flow analysis only query it.

mod build;
mod declare;
mod expand;
pub use declare::{carried_types, is_container, is_settings_type};
pub use kept::IndexMemo;
pub mod catalogue;
mod config_entries;
mod kept;
mod memo;
pub mod modules;

pub use catalogue::{Catalogue, DataDecl, DeclId, FieldData};
pub use modules::{AliasId, Def, FnId, ModuleId, ModuleTree, Resolution, TraitId, TypeId};

use crate::config::Config;
use crate::diagnostic::Span;
use crate::parse::{
    Annotation, AnnotationError, FieldDef, FnDef, ParseError, Suppression, TypeDef, TypeRef,
};
use crate::workspace::{FileId, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Struct,
    Enum,
    Union,
}

#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub name: String,
    pub kind: TypeKind,
    pub module: ModuleId,
    pub file: FileId,
    pub name_span: Span,
    pub item_span: Span,
    pub annotations: Vec<Annotation>,
    pub def: TypeDef,
}

impl TypeInfo {
    pub fn fields(&self) -> &[FieldDef] {
        &self.def.fields
    }
}

#[derive(Debug, Clone)]
pub struct FnInfo {
    pub name: String,
    pub module: ModuleId,
    pub file: FileId,
    pub name_span: Span,
    pub item_span: Span,
    pub annotations: Vec<Annotation>,
    pub def: FnDef,
    /// For methods: the impl block they are in.
    pub owner: Option<ImplId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImplId(pub u32);

#[derive(Debug, Clone)]
pub struct ImplInfo {
    pub module: ModuleId,
    pub self_ty: TypeRef,
    /// The workspace type the impl is for, when it resolves to one.
    pub self_type: Option<TypeId>,
    pub trait_path: Option<Vec<String>>,
    /// The workspace trait `trait_path` names; for the impl that holds a trait's default bodies, that
    /// trait.
    pub trait_id: Option<TraitId>,
    /// This "impl" is a trait's own block of default method bodies.
    pub defaults_of_trait: bool,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

/// A workspace trait: where it is, the traits it extends (resolved), and the impl block holding its
/// default method bodies.
#[derive(Debug, Clone)]
pub struct TraitInfo {
    pub name: String,
    pub module: ModuleId,
    pub supertraits_written: Vec<Vec<String>>,
    pub supertraits: Vec<TraitId>,
    pub defaults: ImplId,
}

/// A `pii_lint` annotation on an inline module, with the lines it covers.
#[derive(Debug, Clone)]
pub struct ModuleAnnotations {
    pub module: ModuleId,
    pub annotations: Vec<Annotation>,
}

/// A mistake in an annotation or config entry, found while indexing (unknown category, purpose, ...).
#[derive(Debug, Clone)]
pub struct InvalidAnnotation {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug)]
pub struct Index {
    pub workspace: Workspace,
    pub config: Config,
    /// The `pii-lint.toml` registered in the workspace's files, when there is one.
    pub config_file: Option<FileId>,
    pub modules: ModuleTree,
    /// Crate roots, in workspace order.
    pub crate_roots: Vec<ModuleId>,
    pub types: Vec<TypeInfo>,
    pub fns: Vec<FnInfo>,
    pub impls: Vec<ImplInfo>,
    pub traits: Vec<TraitInfo>,
    /// `type` aliases: the module they are written in, the type they stand for and their type
    /// parameters' names.
    pub aliases: Vec<(ModuleId, TypeRef, Vec<String>)>,
    pub module_annotations: Vec<ModuleAnnotations>,
    /// The workspace's `macro_rules!` macros by name, with the macros their rules invoke.
    pub macros: std::collections::BTreeMap<String, Vec<Vec<String>>>,
    pub catalogue: Catalogue,
    pub parse_errors: Vec<ParseError>,
    pub annotation_errors: Vec<AnnotationError>,
    pub invalid: Vec<InvalidAnnotation>,
    pub suppressions: Vec<Suppression>,
    /// Number of Rust source files analysed (the summary line's `F files`).
    pub rust_files: usize,
    /// Paths resolved so far (see `resolve_path`).
    pub resolved: memo::ResolutionMemo,
}

impl Index {
    pub fn build(
        workspace: Workspace,
        config: Config,
        config_file: Option<FileId>,
        summaries: Vec<crate::parse::FileSummary>,
    ) -> Index {
        Index::build_reusing(
            workspace,
            config,
            config_file,
            summaries,
            &mut IndexMemo::default(),
            None,
        )
    }

    /// `build`, taking what `memo` kept of the last index (the macro expansions; with `changed_functions`,
    /// an edit since that changed only the functions named, or nothing but bodies, its resolutions) and
    /// leaving this one's.
    pub fn build_reusing(
        workspace: Workspace,
        config: Config,
        config_file: Option<FileId>,
        summaries: Vec<crate::parse::FileSummary>,
        memo: &mut IndexMemo,
        changed_functions: Option<&[String]>,
    ) -> Index {
        build::build(
            workspace,
            config,
            config_file,
            summaries,
            memo,
            changed_functions,
        )
    }

    /// What a path written in `module` names; each (module, path) is resolved once per run.
    pub fn resolve_path(&self, module: ModuleId, segments: &[String]) -> Resolution {
        self.resolved.resolve(&self.modules, module, segments)
    }

    pub fn ty(&self, id: TypeId) -> &TypeInfo {
        &self.types[id.0 as usize]
    }

    pub fn func(&self, id: FnId) -> &FnInfo {
        &self.fns[id.0 as usize]
    }

    /// `crate::module::function`, or `crate::module::Type::method` for a method, as config paths name it.
    pub fn fn_path(&self, id: FnId) -> String {
        let f = self.func(id);
        let module = self.modules.path_string(f.module);
        let Some(owner) = f.owner else {
            return format!("{module}::{}", f.name);
        };
        let imp = &self.impls[owner.0 as usize];
        match imp.self_type {
            Some(ty) => format!("{}::{}", self.type_path(ty), f.name),
            // A type outside the workspace (`impl Display for Vec<..>`): named as written.
            None => {
                let ty = imp.self_ty.last_name().unwrap_or("_");
                format!("{module}::{ty}::{}", f.name)
            }
        }
    }

    pub fn type_ids(&self) -> impl Iterator<Item = TypeId> {
        (0..self.types.len() as u32).map(TypeId)
    }

    /// The workspace type a written type names (`Customer`, `crate::models::Customer`), if any.
    pub fn resolve_type(&self, module: ModuleId, ty: &TypeRef) -> Option<TypeId> {
        let TypeRef::Path { segments, .. } = ty else {
            return None;
        };
        match self.resolve_path(module, segments) {
            Resolution::Defs(defs) => defs.into_iter().find_map(|def| match def {
                Def::Type(id) => Some(id),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Every workspace type a written type names: several when the name is imported behind different
    /// `#[cfg]`s (a v1 and a v2 `Customer`), which of them is compiled being unknown here.
    pub fn resolve_types(&self, module: ModuleId, ty: &TypeRef) -> Vec<TypeId> {
        let TypeRef::Path { segments, .. } = ty else {
            return Vec::new();
        };
        match self.resolve_path(module, segments) {
            Resolution::Defs(defs) => defs.into_iter().filter_map(Def::as_type).collect(),
            _ => Vec::new(),
        }
    }

    /// What a written type's path names (types, traits, aliases), nothing for other shapes.
    pub fn resolve_written(&self, module: ModuleId, ty: &TypeRef) -> Vec<Def> {
        let TypeRef::Path { segments, .. } = ty else {
            return Vec::new();
        };
        match self.resolve_path(module, segments) {
            Resolution::Defs(defs) => defs,
            _ => Vec::new(),
        }
    }

    /// The alias a definition is, with the module its own paths resolve in.
    pub fn alias(&self, def: Def) -> Option<(ModuleId, &TypeRef)> {
        match def {
            Def::Alias(a) => {
                let (module, ty, _) = &self.aliases[a.0 as usize];
                Some((*module, ty))
            }
            _ => None,
        }
    }

    /// As `alias_of`, with the alias's type parameters' names.
    pub fn alias_with_params(
        &self,
        module: ModuleId,
        ty: &TypeRef,
    ) -> Option<(ModuleId, &TypeRef, &[String])> {
        let TypeRef::Path { segments, .. } = ty else {
            return None;
        };
        match self.resolve_path(module, segments) {
            Resolution::Defs(defs) => defs.into_iter().find_map(|def| match def {
                Def::Alias(a) => {
                    let (module, ty, params) = &self.aliases[a.0 as usize];
                    Some((*module, ty, params.as_slice()))
                }
                _ => None,
            }),
            _ => None,
        }
    }

    /// The type a written path stands for when it names a `type` alias, with the alias's module (where
    /// its own paths resolve).
    pub fn alias_of(&self, module: ModuleId, ty: &TypeRef) -> Option<(ModuleId, &TypeRef)> {
        self.alias_with_params(module, ty)
            .map(|(alias_module, aliased, _)| (alias_module, aliased))
    }

    /// The workspace types and traits a written type stands for, looking through containers and `type`
    /// aliases (aliases of aliases `depth` deep).
    pub fn types_and_traits(
        &self,
        module: ModuleId,
        ty: &TypeRef,
        depth: usize,
    ) -> (Vec<TypeId>, Vec<TraitId>) {
        let (mut types, mut traits) = (Vec::new(), Vec::new());
        for held in carried_types(ty) {
            if let (Some((inner_module, inner)), true) = (self.alias_of(module, held), depth > 0) {
                let (t, d) = self.types_and_traits(inner_module, inner, depth - 1);
                types.extend(t);
                traits.extend(d);
                continue;
            }
            types.extend(self.resolve_types(module, held));
            traits.extend(self.resolve_traits(module, held));
        }
        types.dedup();
        traits.dedup();
        (types, traits)
    }

    /// The workspace traits a `dyn A + B` (or a bounded generic parameter) names.
    pub fn resolve_traits(&self, module: ModuleId, ty: &TypeRef) -> Vec<TraitId> {
        let TypeRef::Dyn(bounds) = ty else {
            return Vec::new();
        };
        bounds
            .iter()
            .filter_map(|path| match self.resolve_path(module, path) {
                Resolution::Defs(defs) => defs.into_iter().find_map(Def::as_trait),
                _ => None,
            })
            .collect()
    }

    /// The purpose declared for a function's code: on the function, else its impl block, else the
    /// innermost enclosing module that declares one (`[[processing]]` entries included).
    pub fn declared_purpose(&self, id: FnId) -> Option<&crate::parse::Named> {
        let f = self.func(id);
        if let Some(p) = purpose_in(&f.annotations) {
            return Some(p);
        }
        if let Some(p) = f
            .owner
            .and_then(|imp| purpose_in(&self.impls[imp.0 as usize].annotations))
        {
            return Some(p);
        }
        let mut module = Some(f.module);
        while let Some(m) = module {
            let declared = self
                .module_annotations
                .iter()
                .filter(|a| a.module == m)
                .find_map(|a| purpose_in(&a.annotations));
            if declared.is_some() {
                return declared;
            }
            module = self.modules.get(m).parent;
        }
        None
    }

    /// `crate::module::Type`, as config paths and messages name it.
    pub fn type_path(&self, id: TypeId) -> String {
        let ty = self.ty(id);
        format!("{}::{}", self.modules.path_string(ty.module), ty.name)
    }
}

fn purpose_in(annotations: &[Annotation]) -> Option<&crate::parse::Named> {
    annotations.iter().find_map(|a| match a {
        Annotation::Purpose(p) => Some(p),
        _ => None,
    })
}
