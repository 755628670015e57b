//! Config entries that name code (`[[data]]`, `[[processing]]`, `[[consent_checks]]`, `[[sinks]]`, ...)
//! applied to what they name, as if it carried the matching attribute. A path that names nothing in the
//! workspace is an `invalid-annotation` at its line in `pii-lint.toml`.

use super::catalogue::{DataDecl, DeclOrigin, DeclTarget, FieldData};
use super::modules::{Def, FnId, TypeId};
use super::{Index, InvalidAnnotation, ModuleAnnotations};
use crate::config::Spanned;
use crate::diagnostic::Span;
use crate::parse::{Annotation, Named};

pub fn apply(index: &mut Index) {
    let Some(file) = index.config_file else {
        return;
    };
    let text = index.workspace.text(file).unwrap_or_default().to_string();
    let lines = crate::diagnostic::LineIndex::new(&text);
    let named = |s: &Spanned<String>| Named {
        value: s.value.clone(),
        span: lines.span(file, &text, s.span.clone()),
    };
    let config = index.config.clone();

    for entry in &config.data {
        let at = named(&entry.path);
        if entry.param.is_some() || entry.returns {
            declare_function_data(index, entry, at, &named);
            continue;
        }
        if !names_workspace_crate(index, &entry.path.value) {
            declare_dependency_type(index, entry, at, &named);
            continue;
        }
        let (type_path, field) = split_field(&entry.path.value);
        let types = types_at(index, type_path);
        if types.is_empty() {
            index.invalid.push(nothing_matches(
                at,
                "[[data]]",
                "a type (`crate::module::Type`) or a field (`crate::module::Type.field`)",
            ));
            continue;
        }
        // With `*` segments (or definitions behind different `cfg`s) a path names several types: the
        // entry is a mistake only when none of them has the field.
        let with_field: Vec<TypeId> = types
            .iter()
            .copied()
            .filter(|t| field.is_none_or(|name| field_position(index, *t, name).is_some()))
            .collect();
        if let (Some(name), true) = (field, with_field.is_empty()) {
            let (message, help) = match types.as_slice() {
                [only] => (
                    format!("`{}` has no field `{name}`", index.type_path(*only)),
                    field_help(index, *only),
                ),
                _ => (
                    format!(
                        "none of the {} types `{}` names has a field `{name}`",
                        types.len(),
                        entry.path.value
                    ),
                    "check the field's name, or narrow the `*` segments to the types that have it"
                        .to_string(),
                ),
            };
            index.invalid.push(InvalidAnnotation {
                span: at.span,
                message,
                help: Some(help),
            });
            continue;
        }
        for type_id in with_field {
            let ty = index.ty(type_id);
            let field_index = field.and_then(|name| field_position(index, type_id, name));
            let already = match field_index {
                Some(i) => index.catalogue.field(type_id, i).is_some(),
                None => index.catalogue.type_decl(type_id).is_some(),
            };
            if already {
                // The attribute in code wins over the config entry; the entry may still add a retention.
                let declared = match field_index {
                    Some(i) => match index.catalogue.field(type_id, i) {
                        Some(FieldData::Declared(id)) => Some(id),
                        _ => None,
                    },
                    None => index.catalogue.type_decl(type_id),
                };
                if let (Some(id), Some(retention)) = (declared, &entry.retention) {
                    index.catalogue.set_retention(id, retention);
                }
                continue;
            }
            let decl = DataDecl {
                target: DeclTarget::Type(type_id),
                type_name: ty.name.clone(),
                field: field_index,
                field_name: field_index.map(|i| ty.fields()[i].display_name()),
                category: named(&entry.category),
                purposes: entry.purposes.iter().map(named).collect(),
                sensitive_flag: entry.sensitive,
                span: field_index.map_or(ty.name_span, |i| ty.fields()[i].span),
                declared_at: at.span,
                origin: DeclOrigin::Config,
                retention: entry.retention.clone(),
                protected: entry.protected,
            };
            index.catalogue.add(decl);
        }
    }

    for entry in &config.processing {
        let annotation = Annotation::Purpose(named(&entry.purpose));
        let defs = defs_at(index, &entry.path.value);
        if defs.is_empty() {
            index.invalid.push(nothing_matches(
                named(&entry.path),
                "[[processing]]",
                "a module, a function or a type",
            ));
        }
        for def in defs {
            match def {
                Def::Module(module) => index.module_annotations.push(ModuleAnnotations {
                    module,
                    annotations: vec![annotation.clone()],
                }),
                Def::Fn(id) => index.fns[id.0 as usize]
                    .annotations
                    .push(annotation.clone()),
                Def::Type(ty) => {
                    for imp in index
                        .impls
                        .iter_mut()
                        .filter(|imp| imp.self_type == Some(ty))
                    {
                        imp.annotations.push(annotation.clone());
                    }
                }
                // An alias names no code of its own.
                Def::Alias(_) => {}
                // A trait's default bodies and every impl of it.
                Def::Trait(t) => {
                    for imp in index.impls.iter_mut().filter(|imp| imp.trait_id == Some(t)) {
                        imp.annotations.push(annotation.clone());
                    }
                }
            }
        }
    }

    let fn_entries = config
        .consent_checks
        .iter()
        .map(|e| {
            (
                &e.path,
                "[[consent_checks]]",
                Annotation::ConsentCheck(named(&e.consent)),
            )
        })
        .chain(config.sinks.iter().map(|e| {
            (
                &e.path,
                "[[sinks]]",
                Annotation::Sink {
                    kind: named(&e.kind),
                    purpose: e.purpose.as_ref().map(named),
                    recipient: e.recipient.clone(),
                },
            )
        }))
        .chain(
            config
                .sanitizers
                .iter()
                .map(|e| (&e.path, "[[sanitizers]]", Annotation::Sanitizer)),
        )
        .chain(
            config
                .encryptors
                .iter()
                .map(|e| (&e.path, "[[encryptors]]", Annotation::Encryptor)),
        )
        .chain(
            config
                .erasure
                .iter()
                .map(|e| (&e.path, "[[erasure]]", Annotation::Erasure)),
        );
    for (path, table, annotation) in fn_entries {
        let fns = fns_at(index, &path.value);
        if fns.is_empty() {
            // A sink, sanitizer or encryptor outside the workspace (an SDK's send function, a crate's
            // hash) is matched at call sites by the flow stage.
            let matched_at_calls =
                ["[[sinks]]", "[[sanitizers]]", "[[encryptors]]"].contains(&table);
            if matched_at_calls && !names_workspace_crate(index, &path.value) {
                continue;
            }
            // A workspace `macro_rules!` (`crate::name`, whatever module defines it) is matched at its
            // invocations by the flow stage.
            let last = path.value.rsplit("::").next().unwrap_or_default();
            if table == "[[sinks]]" && index.macros.contains_key(last) {
                continue;
            }
            index.invalid.push(nothing_matches(
                named(path),
                table,
                "a function or a method (`crate::module::Type::method`)",
            ));
        }
        for id in fns {
            index.fns[id.0 as usize]
                .annotations
                .push(annotation.clone());
        }
    }

    for entry in &config.consent_proofs {
        let types = types_at(index, &entry.path.value);
        if types.is_empty() {
            index.invalid.push(nothing_matches(
                named(&entry.path),
                "[[consent_proofs]]",
                "a type",
            ));
        }
        for ty in types {
            index.types[ty.0 as usize]
                .annotations
                .push(Annotation::ConsentProof(named(&entry.consent)));
        }
    }
}

/// A `[[data]]` entry with `param` or `returns`: a parameter or the return value of the functions the
/// path names.
fn declare_function_data(
    index: &mut Index,
    entry: &crate::config::DataEntry,
    at: Named,
    named: &dyn Fn(&Spanned<String>) -> Named,
) {
    let fns = fns_at(index, &entry.path.value);
    if fns.is_empty() {
        let expected = "a function or a method (`crate::module::Type::method`)";
        index
            .invalid
            .push(nothing_matches(at, "[[data]]", expected));
        return;
    }
    let mut missing = Vec::new();
    for function in fns {
        let f = index.func(function);
        let (target, type_name, span) = match &entry.param {
            Some(param) => {
                let params = f.def.lowered.signature().params;
                let bound = params.iter().find_map(|p| p.pat.binding(&param.value));
                let Some(span) = bound else {
                    let names: Vec<String> = params
                        .iter()
                        .flat_map(|p| p.pat.bound_names())
                        .map(|n| format!("`{n}`"))
                        .collect();
                    missing.push((f.name.clone(), names));
                    continue;
                };
                let name = format!("{}({})", f.name, param.value);
                (DeclTarget::Param(function, param.value.clone()), name, span)
            }
            None => (
                DeclTarget::Returns(function),
                format!("{}()", f.name),
                f.name_span,
            ),
        };
        let decl = data_decl(entry, (target, type_name), span, at.span, named);
        index.catalogue.add(decl);
    }
    if let (Some(param), Some((function, names))) = (&entry.param, missing.first()) {
        let help = if names.is_empty() {
            format!("`{function}` takes no parameters besides `self`")
        } else {
            format!("its parameters bind {}", names.join(", "))
        };
        index.invalid.push(InvalidAnnotation {
            span: named(param).span,
            message: format!("`{function}` has no parameter `{}`", param.value),
            help: Some(help),
        });
    }
}

/// A `[[data]]` entry whose path starts with a dependency's name: values of that type, wherever code names
/// it, are the data.
fn declare_dependency_type(
    index: &mut Index,
    entry: &crate::config::DataEntry,
    at: Named,
    named: &dyn Fn(&Spanned<String>) -> Named,
) {
    let path = &entry.path.value;
    if split_field(path).1.is_some() || path.split("::").any(|s| s == "*") {
        index.invalid.push(InvalidAnnotation {
            span: at.span,
            message: format!("`{path}` names a field or a pattern of a dependency's type"),
            help: Some(
                "a dependency's type is declared whole, by its full path (`axum::extract::ConnectInfo`)"
                    .into(),
            ),
        });
        return;
    }
    let type_name = path.rsplit("::").next().unwrap_or(path).to_string();
    // Matched where code names it: a name no Rust file contains can never match (a typo).
    let workspace = &index.workspace;
    let named_somewhere = workspace.file_ids().any(|id| {
        workspace.file(id).rel_path.ends_with(".rs")
            && workspace
                .text(id)
                .is_some_and(|t| t.contains(type_name.as_str()))
    });
    if !named_somewhere {
        index.invalid.push(InvalidAnnotation {
            span: at.span,
            message: format!("no code in the workspace names `{type_name}`, so `{path}` declares nothing"),
            help: Some(
                "check the path; a workspace type is named with its crate first (`crate_name::module::Type`)"
                    .into(),
            ),
        });
        return;
    }
    let target = DeclTarget::Foreign(path.clone());
    let decl = data_decl(entry, (target, type_name), at.span, at.span, named);
    index.catalogue.add(decl);
}

/// The declaration a `[[data]]` entry makes of a function's data or a dependency's type (`named`: what
/// it says, `span`: where findings about the data point, `declared_at`: the entry).
fn data_decl(
    entry: &crate::config::DataEntry,
    (target, type_name): (DeclTarget, String),
    span: Span,
    declared_at: Span,
    named: &dyn Fn(&Spanned<String>) -> Named,
) -> DataDecl {
    DataDecl {
        target,
        type_name,
        field: None,
        field_name: None,
        category: named(&entry.category),
        purposes: entry.purposes.iter().map(named).collect(),
        sensitive_flag: entry.sensitive,
        span,
        declared_at,
        origin: DeclOrigin::Config,
        retention: entry.retention.clone(),
        protected: entry.protected,
    }
}

fn nothing_matches(path: Named, table: &str, expected: &str) -> InvalidAnnotation {
    InvalidAnnotation {
        span: path.span,
        message: format!("the {table} path `{}` names nothing in the workspace", path.value),
        help: Some(format!("write {expected}, starting with the crate name as code writes it; `*` matches one segment")),
    }
}

fn field_position(index: &Index, ty: TypeId, name: &str) -> Option<usize> {
    index
        .ty(ty)
        .fields()
        .iter()
        .position(|f| f.display_name() == name)
}

fn field_help(index: &Index, ty: TypeId) -> String {
    let names: Vec<String> = index
        .ty(ty)
        .fields()
        .iter()
        .map(|f| format!("`{}`", f.display_name()))
        .collect();
    format!("its fields are {}", names.join(", "))
}

/// `a::b::Type.field` → (`a::b::Type`, Some(`field`)); enum variant fields are `Type.Variant.field`.
fn split_field(path: &str) -> (&str, Option<&str>) {
    let last_segment_start = path.rfind("::").map_or(0, |i| i + 2);
    match path[last_segment_start..].find('.') {
        Some(dot) => (
            &path[..last_segment_start + dot],
            Some(&path[last_segment_start + dot + 1..]),
        ),
        None => (path, None),
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split("::").map(|s| s.trim().to_string()).collect()
}

fn names_workspace_crate(index: &Index, path: &str) -> bool {
    let first = path.split("::").next().unwrap_or_default();
    first == "*"
        || index
            .crate_roots
            .iter()
            .any(|root| index.modules.crate_name(*root) == first)
}

fn defs_at(index: &Index, path: &str) -> Vec<Def> {
    let mut defs = index
        .modules
        .resolve_absolute(&index.crate_roots, &segments(path));
    defs.extend(methods_at(index, path).into_iter().map(Def::Fn));
    defs
}

fn types_at(index: &Index, path: &str) -> Vec<TypeId> {
    let types: std::collections::BTreeSet<TypeId> = defs_at(index, path)
        .into_iter()
        .filter_map(Def::as_type)
        .collect();
    types.into_iter().collect()
}

fn fns_at(index: &Index, path: &str) -> Vec<FnId> {
    let fns: std::collections::BTreeSet<FnId> = defs_at(index, path)
        .into_iter()
        .filter_map(Def::as_fn)
        .collect();
    fns.into_iter().collect()
}

/// `crate::module::Type::method`: the methods of that name in the type's impl blocks.
fn methods_at(index: &Index, path: &str) -> Vec<FnId> {
    let all = segments(path);
    let Some((method, type_path)) = all.split_last() else {
        return Vec::new();
    };
    if type_path.is_empty() {
        return Vec::new();
    }
    let defs = index
        .modules
        .resolve_absolute(&index.crate_roots, type_path);
    let types: Vec<TypeId> = defs.iter().filter_map(|d| d.as_type()).collect();
    // `crate::module::Trait::method`: its default body and every impl's.
    let traits: Vec<_> = defs.iter().filter_map(|d| d.as_trait()).collect();
    if types.is_empty() && traits.is_empty() {
        return Vec::new();
    }
    (0..index.fns.len() as u32)
        .map(FnId)
        .filter(|id| {
            let f = index.func(*id);
            (method == "*" || f.name == *method)
                && f.owner.is_some_and(|imp| {
                    let imp = &index.impls[imp.0 as usize];
                    imp.self_type.is_some_and(|t| types.contains(&t))
                        || imp.trait_id.is_some_and(|t| traits.contains(&t))
                })
        })
        .collect()
}
