//! Collecting the data map from the catalogue (declarations, purposes) and the flow facts (reads, sink
//! flows, erasure paths).

use super::{
    fideslang, Controller, DataMap, Declaration, DeclaredAt, PurposeRule, PurposeUse, SinkUse,
};
use crate::diagnostic::Span;
use crate::flow::{FlowFacts, Origin};
use crate::index::catalogue::{DeclOrigin, DeclTarget};
use crate::index::{DeclId, FnId, Index};
use std::collections::{BTreeMap, BTreeSet};

/// What SPEC 2.2 says each built-in purpose means, for purposes the config leaves undescribed.
const BUILTIN_DESCRIPTIONS: &[(&str, &str)] = &[
    ("service", "providing what the consumer asked for"),
    ("legal_obligation", "meeting a legal obligation"),
    ("security", "fraud prevention"),
    ("marketing", "marketing to the consumer"),
    ("analytics", "analysing how the service is used"),
    ("third_party_sharing", "providing the data to other parties"),
];

pub fn build(index: &Index, flow: &FlowFacts) -> DataMap {
    let catalogue = &index.catalogue;
    let mut readers: BTreeMap<DeclId, BTreeSet<FnId>> = BTreeMap::new();
    for read in &flow.reads {
        for decl in &read.decls {
            readers.entry(*decl).or_default().insert(read.function);
        }
    }
    let mut sinks: BTreeMap<DeclId, BTreeSet<SinkUse>> = BTreeMap::new();
    for sink_flow in &flow.sink_flows {
        for origin in sink_flow.data.keys() {
            let (Origin::Decl(decl) | Origin::Encrypted(decl)) = *origin else {
                continue;
            };
            let (file, line, column) = place(index, sink_flow.span);
            sinks.entry(decl).or_default().insert(SinkUse {
                file,
                line,
                column,
                kind: sink_flow.kind.as_str(),
                sink: sink_flow.sink.clone(),
                function: index.fn_path(sink_flow.function),
                // The plain value reaching the same sink outweighs its encrypted form.
                encrypted: !sink_flow.data.contains_key(&Origin::Decl(decl)),
                purpose: sink_flow.purpose.clone(),
                recipient: sink_flow.recipient.clone(),
            });
        }
    }
    let mut declarations: Vec<Declaration> = catalogue
        .decl_ids()
        .map(|id| {
            let decl = catalogue.decl(id);
            let (kind, type_path, path) = match &decl.target {
                DeclTarget::Type(ty) => {
                    let type_path = index.type_path(*ty);
                    match &decl.field_name {
                        Some(field) => ("field", type_path.clone(), format!("{type_path}.{field}")),
                        None => ("type", type_path.clone(), type_path),
                    }
                }
                DeclTarget::Param(function, name) => {
                    let function = index.fn_path(*function);
                    ("param", function.clone(), format!("{function}({name})"))
                }
                DeclTarget::Returns(function) => {
                    let function = index.fn_path(*function);
                    ("returns", function.clone(), format!("{function}()"))
                }
                DeclTarget::Foreign(path) => ("dependency_type", path.clone(), path.clone()),
            };
            let (file, line, _) = place(index, decl.declared_at);
            let mut read_by: Vec<String> = readers
                .get(&id)
                .into_iter()
                .flatten()
                .map(|f| index.fn_path(*f))
                .collect();
            read_by.sort();
            read_by.dedup();
            Declaration {
                path,
                kind,
                type_path,
                field: match &decl.target {
                    DeclTarget::Param(_, name) => Some(name.clone()),
                    _ => decl.field_name.clone(),
                },
                protected: decl.protected,
                category: decl.category.value.clone(),
                fideslang_category: category_key(index, &decl.category.value),
                sensitive: catalogue.is_sensitive(decl),
                purposes: decl
                    .purposes
                    .iter()
                    .map(|p| purpose_use(index, &p.value))
                    .collect(),
                declared_at: DeclaredAt {
                    file,
                    line,
                    by: match decl.origin {
                        DeclOrigin::Attribute => "attribute",
                        DeclOrigin::Config => "config",
                    },
                },
                read_by,
                sinks: sinks.remove(&id).into_iter().flatten().collect(),
                erasure: decl
                    .type_id()
                    .is_some_and(|ty| flow.erased_types.contains(&ty)),
                retention: decl.retention.clone(),
            }
        })
        .collect();
    // Paths can repeat (a field declared by attribute and in the config): the place decides then.
    declarations.sort_by(|a, b| {
        (&a.path, &a.declared_at.file, a.declared_at.line).cmp(&(
            &b.path,
            &b.declared_at.file,
            b.declared_at.line,
        ))
    });
    DataMap {
        system: system_name(index),
        controller: index.config.controller.as_ref().map(|c| Controller {
            name: c.name.clone(),
            contact: c.contact.clone(),
        }),
        declarations,
        purposes: purpose_rules(index),
    }
}

/// The fideslang data category the config gives a category, or the built-in one's.
fn category_key(index: &Index, name: &str) -> Option<String> {
    let configured = index
        .config
        .categories
        .iter()
        .find(|c| c.name.value == name);
    configured
        .and_then(|c| c.fideslang.clone())
        .or_else(|| fideslang::data_category(name).map(str::to_string))
}

/// The fideslang data use the config gives a purpose, or the built-in one's.
fn use_key(index: &Index, name: &str) -> Option<String> {
    let configured = index.config.purposes.iter().find(|p| p.name.value == name);
    configured
        .and_then(|p| p.fideslang.clone())
        .or_else(|| fideslang::data_use(name).map(str::to_string))
}

/// The root package's name, or (a virtual workspace) the root directory's.
fn system_name(index: &Index) -> String {
    let workspace = &index.workspace;
    let root = workspace.packages.iter().find(|p| p.dir == workspace.root);
    root.map(|p| p.name.clone())
        .or_else(|| {
            let dir = workspace.root.file_name()?;
            Some(dir.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "workspace".to_string())
}

fn purpose_use(index: &Index, name: &str) -> PurposeUse {
    let purpose = index.catalogue.purpose(name);
    PurposeUse {
        name: name.to_string(),
        defined: purpose.is_some(),
        consent: purpose.and_then(|p| p.consent.clone()),
        fideslang_use: use_key(index, name),
    }
}

/// The catalogue's purposes, by name (a `BTreeMap`, so already sorted).
fn purpose_rules(index: &Index) -> Vec<PurposeRule> {
    index
        .catalogue
        .purposes
        .values()
        .map(|p| PurposeRule {
            name: p.name.clone(),
            consent: p.consent.clone(),
            description: p.description.clone().or_else(|| {
                BUILTIN_DESCRIPTIONS
                    .iter()
                    .find(|(name, _)| *name == p.name)
                    .map(|(_, text)| text.to_string())
            }),
            fideslang_use: use_key(index, &p.name),
        })
        .collect()
}

/// The file (relative to the workspace root, `/` separators), line and column of a span.
fn place(index: &Index, span: Span) -> (String, u32, u32) {
    let file = index.workspace.file(span.file).rel_path.clone();
    (file, span.line, span.column)
}

#[cfg(test)]
mod tests {
    use super::BUILTIN_DESCRIPTIONS;
    use crate::index::catalogue::BUILTIN_PURPOSES;

    #[test]
    fn every_builtin_purpose_is_described() {
        for (name, _) in BUILTIN_PURPOSES {
            assert!(
                BUILTIN_DESCRIPTIONS.iter().any(|(n, _)| n == name),
                "purpose `{name}` has no description"
            );
        }
    }
}
