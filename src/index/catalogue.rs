//! The personal-data catalogue: categories and purposes (built-in and configured), and every declaration
//! of personal data (attributes, config `[[data]]`, and fields whose type is a personal-data type).

use super::modules::{FnId, TypeId};
use crate::config::Config;
use crate::diagnostic::{DataRef, Span};
use crate::parse::Named;
use std::collections::{BTreeMap, BTreeSet};

/// Built-in categories (SPEC 2.1): name and whether it is sensitive.
pub const BUILTIN_CATEGORIES: &[(&str, bool)] = &[
    ("name", false),
    ("phone", false),
    ("email", false),
    ("address", false),
    ("birth_date", false),
    ("gender", false),
    ("account", false),
    ("device_id", false),
    ("online_id", false),
    ("ip_address", false),
    ("portrait", false),
    ("transaction", false),
    ("communication", true),
    ("location", true),
    ("financial", true),
    ("biometric", true),
    ("health", true),
    ("religion", true),
    ("minor", true),
    ("id_number", true),
    ("credential", true),
];

/// Built-in purposes (SPEC 2.2): name and the consent it needs.
pub const BUILTIN_PURPOSES: &[(&str, Option<&str>)] = &[
    ("service", None),
    ("legal_obligation", None),
    ("security", None),
    ("marketing", Some("marketing")),
    ("analytics", Some("analytics")),
    ("third_party_sharing", Some("third_party_sharing")),
];

#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct Purpose {
    pub name: String,
    pub consent: Option<String>,
    pub description: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct DeclId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclOrigin {
    Attribute,
    Config,
}

/// What a declaration makes personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclTarget {
    /// A workspace type, or one of its fields (`DataDecl::field`).
    Type(TypeId),
    /// A parameter of a workspace function, by the name its pattern binds (`Path(username): Path<String>`).
    Param(FnId, String),
    /// What a workspace function returns (a generated reset token).
    Returns(FnId),
    /// A dependency's type, by the path code names it with (`axum::extract::ConnectInfo`).
    Foreign(String),
}

/// One declaration of personal data: a whole type, a field of a type, a function's parameter or return
/// value, or a dependency's type.
#[derive(Debug, Clone)]
pub struct DataDecl {
    pub target: DeclTarget,
    /// How messages name it: `Customer`, `login(username)`, `issue_reset_token()`, `ConnectInfo`.
    pub type_name: String,
    /// Index into the type's fields, for a field declaration.
    pub field: Option<usize>,
    pub field_name: Option<String>,
    pub category: Named,
    pub purposes: Vec<Named>,
    /// The `sensitive` flag as written (the category may make it sensitive too).
    pub sensitive_flag: bool,
    /// Where declaration lints point: the field's or the type's name.
    pub span: Span,
    /// The `#[pii]` attribute or the `[[data]]` entry.
    pub declared_at: Span,
    pub origin: DeclOrigin,
    /// How long it is kept (`retention` of a `[[data]]` entry), for the inventory.
    pub retention: Option<String>,
    /// Encrypted or hashed before the code sees it (`protected = true`): `unprotected-storage` does not
    /// apply to it.
    pub protected: bool,
}

impl DataDecl {
    /// The workspace type it declares (or declares a field of).
    pub fn type_id(&self) -> Option<TypeId> {
        match self.target {
            DeclTarget::Type(ty) => Some(ty),
            _ => None,
        }
    }
}

/// Why a field is personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldData {
    /// Its own `#[pii]` or `[[data]]` declaration.
    Declared(DeclId),
    /// Its type (possibly inside `Option`, `Vec`, ...) is a personal-data type with this declaration.
    OfType(DeclId),
    /// A `#[pii]` that could not be read: reported as `invalid-annotation` and otherwise left alone.
    Malformed,
}

#[derive(Debug, Default)]
pub struct Catalogue {
    pub categories: BTreeMap<String, Category>,
    pub purposes: BTreeMap<String, Purpose>,
    pub decls: Vec<DataDecl>,
    pub type_decls: BTreeMap<TypeId, DeclId>,
    pub field_data: BTreeMap<(TypeId, usize), FieldData>,
    /// Declared parameters of workspace functions: the name their pattern binds.
    pub param_decls: BTreeMap<FnId, Vec<(String, DeclId)>>,
    /// Workspace functions whose return value is declared personal data.
    pub return_decls: BTreeMap<FnId, Vec<DeclId>>,
    /// Dependency types declared personal data, by the path code names them with.
    pub foreign_decls: Vec<(String, DeclId)>,
}

impl Catalogue {
    /// A hash of the declarations in `DeclId` order, without places and function ids: a `[[data]]` entry
    /// for a function's return value or parameter declares one datum per function it names, so adding
    /// or removing such a function numbers the declarations after it anew (values and carried fields
    /// name declarations by id).
    pub fn declarations_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        for decl in &self.decls {
            match &decl.target {
                DeclTarget::Type(ty) => (0u8, ty.0).hash(&mut hasher),
                DeclTarget::Param(_, name) => (1u8, name).hash(&mut hasher),
                DeclTarget::Returns(_) => 2u8.hash(&mut hasher),
                DeclTarget::Foreign(path) => (3u8, path).hash(&mut hasher),
            }
            (
                &decl.type_name,
                decl.field,
                &decl.field_name,
                &decl.category.value,
            )
                .hash(&mut hasher);
            for purpose in &decl.purposes {
                purpose.value.hash(&mut hasher);
            }
            (decl.sensitive_flag, decl.protected, &decl.retention).hash(&mut hasher);
        }
        hasher.finish()
    }

    pub fn with_config(config: &Config) -> Catalogue {
        let mut catalogue = Catalogue::default();
        for (name, sensitive) in BUILTIN_CATEGORIES {
            let category = Category {
                name: name.to_string(),
                sensitive: *sensitive,
            };
            catalogue.categories.insert(name.to_string(), category);
        }
        for def in &config.categories {
            let name = def.name.value.clone();
            catalogue.categories.insert(
                name.clone(),
                Category {
                    name,
                    sensitive: def.sensitive,
                },
            );
        }
        for (name, consent) in BUILTIN_PURPOSES {
            let purpose = Purpose {
                name: name.to_string(),
                consent: consent.map(str::to_string),
                description: None,
            };
            catalogue.purposes.insert(name.to_string(), purpose);
        }
        // A configured purpose replaces a built-in one of the same name entirely.
        for def in &config.purposes {
            let name = def.name.value.clone();
            let purpose = Purpose {
                name: name.clone(),
                consent: def.consent.as_ref().map(|c| c.value.clone()),
                description: def.description.clone(),
            };
            catalogue.purposes.insert(name, purpose);
        }
        catalogue
    }

    pub fn decl(&self, id: DeclId) -> &DataDecl {
        &self.decls[id.0 as usize]
    }

    pub fn decl_ids(&self) -> impl Iterator<Item = DeclId> {
        (0..self.decls.len() as u32).map(DeclId)
    }

    /// Gives a declaration the retention a `[[data]]` entry states for it (the entry may name a field
    /// `#[pii]` already declares, to add only what the attribute cannot say).
    pub(super) fn set_retention(&mut self, id: DeclId, retention: &str) {
        self.decls[id.0 as usize].retention = Some(retention.to_string());
    }

    pub(super) fn add(&mut self, decl: DataDecl) -> DeclId {
        let id = DeclId(self.decls.len() as u32);
        match (&decl.target, decl.field) {
            (DeclTarget::Type(ty), Some(field)) => {
                self.field_data
                    .insert((*ty, field), FieldData::Declared(id));
            }
            (DeclTarget::Type(ty), None) => {
                self.type_decls.insert(*ty, id);
            }
            (DeclTarget::Param(function, name), _) => {
                let params = self.param_decls.entry(*function).or_default();
                params.push((name.clone(), id));
            }
            (DeclTarget::Returns(function), _) => {
                self.return_decls.entry(*function).or_default().push(id);
            }
            (DeclTarget::Foreign(path), _) => self.foreign_decls.push((path.clone(), id)),
        }
        self.decls.push(decl);
        id
    }

    /// Whether the category is known (built-in or configured).
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.get(name)
    }

    pub fn purpose(&self, name: &str) -> Option<&Purpose> {
        self.purposes.get(name)
    }

    /// Every consent some purpose needs: the names a consent check or proof may use.
    pub fn consents(&self) -> BTreeSet<&str> {
        self.purposes
            .values()
            .filter_map(|p| p.consent.as_deref())
            .collect()
    }

    pub fn is_sensitive(&self, decl: &DataDecl) -> bool {
        decl.sensitive_flag
            || self
                .category(&decl.category.value)
                .is_some_and(|c| c.sensitive)
    }

    /// The personal-data type declaration of a type, if the type as a whole is personal data.
    pub fn type_decl(&self, ty: TypeId) -> Option<DeclId> {
        self.type_decls.get(&ty).copied()
    }

    pub fn field(&self, ty: TypeId, field: usize) -> Option<FieldData> {
        self.field_data.get(&(ty, field)).copied()
    }

    /// Whether values of the type carry personal data: a personal-data type, or one with personal fields.
    pub fn holds_personal_data(&self, ty: TypeId) -> bool {
        self.type_decls.contains_key(&ty)
            || self
                .field_data
                .range((ty, 0)..=(ty, usize::MAX))
                .next()
                .is_some()
    }

    pub fn data_ref(&self, id: DeclId) -> DataRef {
        let decl = self.decl(id);
        DataRef {
            type_name: decl.type_name.clone(),
            field: decl.field_name.clone(),
            category: decl.category.value.clone(),
            sensitive: self.is_sensitive(decl),
            declared_in: Some(decl.declared_at.file),
        }
    }
}
