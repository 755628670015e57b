//! Where a call goes: methods by receiver type, the unique inherent method of a name, and paths.

use crate::index::{Def, FnId, Index, ModuleId, Resolution, TraitId, TypeId};
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug, Default)]
pub struct MethodTable {
    by_type: HashMap<TypeId, HashMap<String, Vec<FnId>>>,
    /// Inherent methods (with `self`) by name, when the workspace has exactly one of that name.
    unique: HashMap<String, Option<FnId>>,
    /// Names of every method some workspace impl defines.
    names: rustc_hash::FxHashSet<String>,
    /// Every method (with `self`) of each name, whatever its type or trait.
    by_name: HashMap<String, Vec<FnId>>,
    /// Per trait, per method name: the impls' methods and the trait's default body.
    by_trait: HashMap<TraitId, HashMap<String, Vec<FnId>>>,
    /// Per trait: itself and every trait it extends, transitively (a `dyn StorageInterface` has the
    /// methods of `PaymentMethodInterface`, which it extends).
    with_supertraits: HashMap<TraitId, Vec<TraitId>>,
}

impl MethodTable {
    pub fn build(index: &Index) -> MethodTable {
        let mut table = MethodTable::default();
        // Most names are filed already: looked up before a key is made (hyperswitch has 30,000 methods).
        fn file(map: &mut HashMap<String, Vec<FnId>>, name: &str, id: FnId) {
            match map.get_mut(name) {
                Some(fns) => fns.push(id),
                None => {
                    map.insert(name.to_string(), vec![id]);
                }
            }
        }
        for (i, f) in index.fns.iter().enumerate() {
            let id = FnId(i as u32);
            let Some(owner) = f.owner else { continue };
            let name = f.name.as_str();
            if !table.names.contains(name) {
                table.names.insert(f.name.clone());
            }
            if f.def.has_self {
                file(&mut table.by_name, name, id);
            }
            let imp = &index.impls[owner.0 as usize];
            if let Some(ty) = imp.self_type {
                file(table.by_type.entry(ty).or_default(), name, id);
            }
            if let Some(t) = imp.trait_id {
                file(table.by_trait.entry(t).or_default(), name, id);
            }
            if imp.trait_path.is_none() && f.def.has_self {
                match table.unique.get_mut(name) {
                    Some(slot) => *slot = None,
                    None => {
                        table.unique.insert(f.name.clone(), Some(id));
                    }
                }
            }
        }
        for i in 0..index.traits.len() {
            let mut all = vec![TraitId(i as u32)];
            let mut next = 0;
            while let Some(t) = all.get(next).copied() {
                next += 1;
                let supers = &index.traits[t.0 as usize].supertraits;
                all.extend(
                    supers
                        .iter()
                        .filter(|s| !all.contains(s))
                        .collect::<Vec<_>>(),
                );
            }
            table.with_supertraits.insert(TraitId(i as u32), all);
        }
        table
    }

    /// The methods named `name` a value known by trait `t` may run: every impl's, of `t` and of the
    /// traits it extends, and their default bodies.
    pub fn of_trait(&self, t: TraitId, name: &str) -> Vec<FnId> {
        let traits = self.with_supertraits.get(&t).map_or(&[][..], Vec::as_slice);
        traits
            .iter()
            .filter_map(|t| self.by_trait.get(t)?.get(name))
            .flatten()
            .copied()
            .collect()
    }

    pub fn of_type(&self, ty: TypeId, name: &str) -> &[FnId] {
        self.by_type
            .get(&ty)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether some workspace impl defines a method of this name.
    pub fn defines(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Every method of this name in the workspace.
    pub fn named(&self, name: &str) -> &[FnId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn unique(&self, name: &str) -> Option<FnId> {
        self.unique.get(name).copied().flatten()
    }
}

/// What a call path names: workspace functions, a workspace type (a tuple struct built by call), or an
/// outside path, written in full through the module's imports (`File::create` → `std::fs::File::create`).
pub enum Callee {
    Fns(Vec<FnId>),
    Type(TypeId),
    /// `Enum::Variant`: a variant of a workspace enum, built or matched.
    Variant(TypeId, String),
    External(String),
}

pub fn resolve_call(
    index: &Index,
    methods: &MethodTable,
    module: ModuleId,
    self_type: Option<TypeId>,
    segments: &[String],
) -> Callee {
    resolve_written(index, methods, module, self_type, segments).unwrap_or_else(|| {
        Callee::External(index.modules.written_in_full(module, segments).join("::"))
    })
}

/// `resolve_call`, without writing in full a path that names nothing in the workspace (`None`): a
/// pattern or a path used as a value (`None`, `Ok(..)`, a constant) only asks for workspace types.
pub fn resolve_written(
    index: &Index,
    methods: &MethodTable,
    module: ModuleId,
    self_type: Option<TypeId>,
    segments: &[String],
) -> Option<Callee> {
    let (first, rest) = match segments.split_first() {
        Some(split) => split,
        None => return Some(Callee::External(String::new())),
    };
    if first == "Self" {
        if let Some(ty) = self_type {
            return match rest {
                [] => Some(Callee::Type(ty)),
                [name] => Some(Callee::Fns(methods.of_type(ty, name).to_vec())),
                _ => Some(Callee::External(segments.join("::"))),
            };
        }
    }
    match index.resolve_path(module, segments) {
        Resolution::Defs(defs) => {
            let fns: Vec<FnId> = defs
                .iter()
                .filter_map(|d| if let Def::Fn(f) = d { Some(*f) } else { None })
                .collect();
            if !fns.is_empty() {
                return Some(Callee::Fns(fns));
            }
            if let Some(ty) =
                defs.iter()
                    .find_map(|d| if let Def::Type(t) = d { Some(*t) } else { None })
            {
                return Some(Callee::Type(ty));
            }
        }
        Resolution::External | Resolution::Unresolved => {}
    }
    // `Type::function` and `module::Type::function`.
    if let Some((name, type_path)) = segments.split_last() {
        if !type_path.is_empty() {
            let ty = match type_path {
                [only] if only == "Self" => self_type,
                _ => match index.resolve_path(module, type_path) {
                    Resolution::Defs(defs) => {
                        defs.iter()
                            .find_map(|d| if let Def::Type(t) = d { Some(*t) } else { None })
                    }
                    _ => None,
                },
            };
            if let Some(ty) = ty {
                let fns = methods.of_type(ty, name);
                let is_enum = index.ty(ty).kind == crate::index::TypeKind::Enum;
                if fns.is_empty() && is_enum && name.starts_with(char::is_uppercase) {
                    return Some(Callee::Variant(ty, name.clone()));
                }
                return Some(Callee::Fns(fns.to_vec()));
            }
        }
    }
    None
}
