//! Personal-data declarations: `#[pii]` attributes, and fields whose type is a personal-data type.

use super::catalogue::{DataDecl, DeclOrigin, DeclTarget, FieldData};
use super::modules::TypeId;
use super::{Index, TypeInfo};
use crate::parse::{PiiAttr, TypeRef};

/// `#[pii]` on types and fields of types that derive `Pii` or `RedactedDebug`.
pub(super) fn declare_from_attributes(index: &mut Index) {
    for type_index in 0..index.types.len() {
        let type_id = TypeId(type_index as u32);
        let ty = &index.types[type_index];
        let mut decls = Vec::new();
        let mut malformed = Vec::new();
        match &ty.def.pii {
            Some(PiiAttr::Declared(pii)) => decls.push(decl(ty, type_id, None, pii)),
            Some(PiiAttr::Malformed) | None => {}
        }
        for (field_index, field) in ty.def.fields.iter().enumerate() {
            match &field.pii {
                Some(PiiAttr::Declared(pii)) => {
                    decls.push(decl(ty, type_id, Some(field_index), pii))
                }
                Some(PiiAttr::Malformed) => malformed.push(field_index),
                None => {}
            }
        }
        for decl in decls {
            index.catalogue.add(decl);
        }
        for field_index in malformed {
            index
                .catalogue
                .field_data
                .insert((type_id, field_index), FieldData::Malformed);
        }
    }
}

fn decl(
    ty: &TypeInfo,
    type_id: TypeId,
    field: Option<usize>,
    pii: &crate::parse::PiiDecl,
) -> DataDecl {
    let field_def = field.map(|i| &ty.def.fields[i]);
    DataDecl {
        target: DeclTarget::Type(type_id),
        type_name: ty.name.clone(),
        field,
        field_name: field_def.map(|f| f.display_name()),
        category: pii.category.clone(),
        purposes: pii.purposes.clone(),
        sensitive_flag: pii.sensitive,
        span: field_def.map_or(ty.name_span, |f| f.span),
        declared_at: pii.span,
        origin: DeclOrigin::Attribute,
        retention: None,
        protected: false,
    }
}

/// Fields with no declaration of their own whose type is a personal-data type (also inside `Option`,
/// `Vec`, `Box`, `Arc`, `Rc`, references, slices, arrays, tuples, map values).
pub(super) fn fields_carrying_personal_types(index: &Index) -> Vec<((TypeId, usize), FieldData)> {
    use rayon::prelude::*;
    let types: Vec<TypeId> = index.type_ids().collect();
    types
        .par_iter()
        .flat_map_iter(|&type_id| {
            let ty = index.ty(type_id);
            let fields = ty.def.fields.iter().enumerate();
            fields.filter_map(move |(field_index, field)| {
                if index.catalogue.field(type_id, field_index).is_some() {
                    return None;
                }
                carried_types(&field.ty)
                    .into_iter()
                    .filter_map(|t| index.resolve_type(ty.module, t))
                    .find_map(|t| index.catalogue.type_decl(t))
                    .map(|decl| ((type_id, field_index), FieldData::OfType(decl)))
            })
        })
        .collect()
}

/// Collections whose values are made of their type arguments.
const CONTAINERS: &[&str] = &[
    "Option", "Vec", "VecDeque", "HashSet", "BTreeSet", "IndexSet",
];

/// Extractors and smart pointers, as data in `lints/catalog/extractors.toml`.
#[derive(serde::Deserialize)]
struct Extractors {
    transparent: Vec<Transparent>,
}

/// One crate's extractors (its `crate` key documents the file and is not read).
#[derive(serde::Deserialize)]
struct Transparent {
    types: Vec<String>,
}

/// The names of extractor and smart-pointer types a value is seen through (`Json<T>` is a `T`).
pub fn transparent_types() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        // The file is part of the build; a test proves it parses.
        toml::from_str::<Extractors>(include_str!("../../lints/catalog/extractors.toml"))
            .map(|e| e.transparent.into_iter().flat_map(|t| t.types).collect())
            .unwrap_or_default()
    })
}

/// Whether a type with type arguments is seen through to them (`Option<T>`, `Json<T>`, `Arc<T>`).
pub fn is_container(name: &str) -> bool {
    CONTAINERS.contains(&name) || transparent_types().iter().any(|t| t == name)
}
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

/// The types a field's values are made of, looking through containers, extractors and smart pointers.
pub fn carried_types(ty: &TypeRef) -> Vec<&TypeRef> {
    match ty {
        TypeRef::Path { segments, args } => match segments.last().map(String::as_str) {
            Some(name) if is_container(name) && !args.is_empty() => {
                args.iter().flat_map(carried_types).collect()
            }
            Some(name) if MAPS.contains(&name) => {
                args.last().map(carried_types).unwrap_or_default()
            }
            _ => vec![ty],
        },
        TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => carried_types(inner),
        TypeRef::Tuple(items) => items.iter().flat_map(carried_types).collect(),
        TypeRef::Dyn(_) => vec![ty],
        TypeRef::Other => Vec::new(),
    }
}

/// Names of types that hold the merchant's own settings (SPEC 4.1, 4.5): its accounts, servers and
/// sender addresses, not consumers' data.
const SETTINGS_SUFFIXES: &[&str] = &[
    "Config",
    "Configs",
    "Settings",
    "Configuration",
    "Options",
    "Credentials",
    "Conf",
];

/// Whether a type's name says it holds the merchant's own settings (`EmailSettings`, `SmtpConfig`).
pub fn is_settings_type(name: &str) -> bool {
    SETTINGS_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_extractor_catalogue_parses() {
        let names = super::transparent_types();
        for name in ["Json", "Form", "Path", "State", "Arc", "MutexGuard"] {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
    }
}
