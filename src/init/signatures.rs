//! `init` suggestions of the `[[data]]` kinds that name no field (SPEC 3): a handler's parameter whose name
//! says what it is (`username: Path<String>`), a function that generates a credential (`*_token` returning
//! a `String`), and a dependency's type that is personal data wherever it appears (axum's `ConnectInfo`).
//! Each is a commented-out entry for the operator to check, like the field suggestions.

use crate::index::{FnId, Index};
use crate::lints::undeclared_personal_data::{suggested_category, words};
use crate::parse::TypeRef;
use std::collections::BTreeMap;

/// Dependency types that carry a consumer's personal data, by the full path code names them with.
const DEPENDENCY_TYPES: &[(&str, &str)] = &[
    ("axum::extract::ConnectInfo", "ip_address"),
    ("axum::extract::connect_info::ConnectInfo", "ip_address"),
    ("axum_client_ip::ClientIp", "ip_address"),
    ("axum_client_ip::SecureClientIp", "ip_address"),
    ("axum_client_ip::InsecureClientIp", "ip_address"),
    ("actix_web::dev::ConnectionInfo", "ip_address"),
];

/// The last word of a function name that says it makes a credential (`issue_reset_token`)...
const GENERATED_CREDENTIALS: &[&str] = &["token", "password", "secret", "otp", "passcode"];
/// ... and its first word, that it makes a new one (not `get_token`, `hash_password`, `verify_otp`).
const GENERATING: &[&str] = &[
    "generate", "issue", "create", "new", "make", "mint", "gen", "random", "sign", "encode",
    "build",
];

/// Words of a name that say the value is already hashed or encrypted.
const PROTECTED_WORDS: &[&str] = &[
    "hash",
    "hashed",
    "digest",
    "encrypted",
    "ciphertext",
    "sealed",
];

/// Text types: a parameter or result of these holds what its name says.
const TEXT: &[&str] = &[
    "String",
    "str",
    "Cow",
    "SmolStr",
    "CompactString",
    "SecretString",
];

/// One suggested entry: where it was seen (file:line), and the TOML lines of the entry.
pub struct Suggestion {
    pub place: (String, u32),
    pub entry: String,
}

pub fn suggestions(index: &Index) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut dependency_types: BTreeMap<&str, (String, u32)> = BTreeMap::new();
    for (i, f) in index.fns.iter().enumerate() {
        let id = FnId(i as u32);
        let lowered = f.def.lowered.decode();
        let place = |span: crate::diagnostic::Span| {
            (index.workspace.file(span.file).rel_path.clone(), span.line)
        };
        let path = index.fn_path(id);
        for param in &lowered.params {
            for (dependency, _) in DEPENDENCY_TYPES {
                if names_type(index, f.module, &param.ty, dependency) {
                    dependency_types
                        .entry(dependency)
                        .or_insert_with(|| place(param.span));
                }
            }
            // A parameter arriving from outside: a handler's (async) or an extractor's text.
            if !(f.def.is_async || is_extractor(&param.ty)) || !is_text(index, f.module, &param.ty)
            {
                continue;
            }
            // `_shipping_address`: a parameter the function does not use.
            for name in param
                .pat
                .bound_names()
                .into_iter()
                .filter(|n| !n.starts_with('_'))
            {
                let Some(category) = suggested_category(&name) else {
                    continue;
                };
                let declared = index.catalogue.param_decls.get(&id);
                if declared.is_some_and(|d| d.iter().any(|(n, _)| *n == name)) {
                    continue;
                }
                // `password_hash`, `encrypted_email`: personal, but protected before it got here.
                let protected = words(&name)
                    .iter()
                    .any(|w| PROTECTED_WORDS.contains(&w.as_str()));
                let protected = if protected {
                    "# protected = true\n"
                } else {
                    ""
                };
                out.push(Suggestion {
                    place: place(param.span),
                    entry: format!(
                        "# [[data]]\n# path = \"{path}\"\n# param = \"{name}\"\n# category = \"{category}\"\n{protected}"
                    ),
                });
            }
        }
        let name_words = words(&f.name);
        let makes_credential = name_words
            .last()
            .is_some_and(|w| GENERATED_CREDENTIALS.contains(&w.as_str()))
            && name_words
                .first()
                .is_some_and(|w| GENERATING.contains(&w.as_str()));
        let returns_text = lowered
            .output
            .as_ref()
            .is_some_and(|ty| is_text(index, f.module, success_type(ty)));
        if makes_credential && returns_text && !index.catalogue.return_decls.contains_key(&id) {
            out.push(Suggestion {
                place: place(f.name_span),
                entry: format!(
                    "# [[data]]\n# path = \"{path}\"\n# returns = true\n# category = \"credential\"\n"
                ),
            });
        }
    }
    for (path, place) in dependency_types {
        let declared = index.catalogue.foreign_decls.iter().any(|(p, _)| p == path);
        let category = DEPENDENCY_TYPES
            .iter()
            .find(|(p, _)| *p == path)
            .map_or("ip_address", |(_, c)| c);
        if !declared {
            out.push(Suggestion {
                place,
                entry: format!("# [[data]]\n# path = \"{path}\"\n# category = \"{category}\"\n"),
            });
        }
    }
    out.sort_by(|a, b| a.place.cmp(&b.place).then_with(|| a.entry.cmp(&b.entry)));
    out
}

/// Whether the written type, or a type inside its generics, is the dependency type `full`.
fn names_type(index: &Index, module: crate::index::ModuleId, ty: &TypeRef, full: &str) -> bool {
    match ty {
        TypeRef::Path { segments, args } => {
            index.modules.written_in_full(module, segments).join("::") == full
                || args.iter().any(|a| names_type(index, module, a, full))
        }
        TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
            names_type(index, module, inner, full)
        }
        TypeRef::Tuple(items) => items.iter().any(|t| names_type(index, module, t, full)),
        TypeRef::Dyn(_) | TypeRef::Other => false,
    }
}

/// `T` of `Result<T, E>`; any other type itself.
fn success_type(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Path { segments, args } if segments.last().is_some_and(|n| n == "Result") => {
            args.first().unwrap_or(ty)
        }
        _ => ty,
    }
}

/// `Path<String>`, `Query<..>`, `Form<..>`, `Json<..>`: what a request carries.
fn is_extractor(ty: &TypeRef) -> bool {
    ty.last_name()
        .is_some_and(|n| ["Path", "Query", "Form", "Json"].contains(&n))
}

/// Text, also inside containers and extractors (`Option<String>`, `Path<String>`, `&str`), and no
/// workspace type (whose own fields are judged instead).
fn is_text(index: &Index, module: crate::index::ModuleId, ty: &TypeRef) -> bool {
    let held = crate::index::carried_types(ty);
    !held.is_empty()
        && held.iter().all(|t| {
            index.resolve_type(module, t).is_none()
                && t.last_name().is_some_and(|n| TEXT.contains(&n))
        })
}
