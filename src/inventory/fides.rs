//! `inventory --format fides`: the data map as a fideslang manifest (YAML) that Fides and other privacy
//! tools load: the controller as an `organization`, the declarations as a `dataset` (one collection per
//! type, one field per declared field), and the processing as a `system` with one privacy declaration per
//! purpose: what data, for which data use, kept how long, shared with whom. A category or purpose without
//! a fideslang key (neither built in nor given by `fideslang = ".."` in the config) is written with the
//! nearest general key: `user` for data, and for a purpose the data use of the consent it needs, else
//! `essential` (processing that needs no consent must be necessary for the service).

use super::{DataMap, Declaration};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The data subjects of a merchant's personal data: its consumers.
const DATA_SUBJECT: &str = "customer";

pub fn render(map: &DataMap) -> String {
    let key = fides_key(&map.system);
    let mut document = Map::new();
    let mut organization_key = None;
    if let Some(controller) = &map.controller {
        let org_key = fides_key(&controller.name);
        let mut contact = json!({ "name": controller.name });
        if let Some(text) = &controller.contact {
            // ContactDetails has separate e-mail and address lines; a contact is usually one of them.
            let line = if text.contains('@') {
                "email"
            } else {
                "address"
            };
            contact[line] = json!(text);
        }
        document.insert(
            "organization".into(),
            json!([{ "fides_key": org_key, "name": controller.name, "controller": contact }]),
        );
        organization_key = Some(org_key);
    }
    let mut dataset = json!({
        "fides_key": key,
        "name": format!("{} personal data", map.system),
        "description": format!(
            "Personal data declared in the Rust workspace `{}` (#[pii] attributes and [[data]] entries), written by {} {}.",
            map.system,
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        ),
        "data_subjects": [DATA_SUBJECT],
        "collections": collections(map),
    });
    let mut system = json!({
        "fides_key": key,
        "name": map.system,
        "description": format!("The services built from the Rust workspace `{}`.", map.system),
        "system_type": "Service",
        "dataset_references": [key],
        "privacy_declarations": privacy_declarations(map, &key),
    });
    if let Some(controller) = &map.controller {
        system["legal_name"] = json!(controller.name);
        if let Some(contact) = &controller.contact {
            system["dpo"] = json!(contact);
        }
    }
    if let Some(org_key) = organization_key {
        dataset["organization_fides_key"] = json!(org_key);
        system["organization_fides_key"] = json!(org_key);
    }
    document.insert("dataset".into(), json!([dataset]));
    document.insert("system".into(), json!([system]));
    let header = format!(
        "# fideslang manifest of `{}`, written by {} {} (`cargo pii-lint inventory --format fides`).\n",
        map.system,
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    header + &super::yaml::render(&Value::Object(document))
}

/// One collection per declaring type, in path order: a whole-type declaration gives the collection its
/// category; each field declaration is a field.
fn collections(map: &DataMap) -> Vec<Value> {
    let mut collections: Vec<Value> = Vec::new();
    for same_type in map.declarations.chunk_by(|a, b| a.type_path == b.type_path) {
        let whole: BTreeSet<&str> = same_type
            .iter()
            .filter(|d| d.field.is_none())
            .map(category)
            .collect();
        let uses: BTreeSet<&str> = same_type.iter().flat_map(|d| data_uses(d, map)).collect();
        let fields: Vec<Value> = same_type
            .iter()
            .filter_map(|decl| {
                let name = decl.field.as_ref()?;
                Some(json!({
                    "name": name,
                    "description": describe(decl),
                    "data_categories": [category(decl)],
                }))
            })
            .collect();
        let mut collection = json!({ "name": same_type[0].type_path });
        if let Some(decl) = same_type.iter().find(|d| d.field.is_none()) {
            collection["description"] = json!(describe(decl));
        }
        if !whole.is_empty() {
            collection["data_categories"] = json!(whole);
        }
        collection["data_uses"] = json!(uses);
        collection["fields"] = json!(fields);
        collections.push(collection);
    }
    collections
}

/// One privacy declaration per purpose that some declaration names, in purpose order.
fn privacy_declarations(map: &DataMap, dataset_key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for purpose in &map.purposes {
        let with_purpose: Vec<&Declaration> = map
            .declarations
            .iter()
            .filter(|d| d.purposes.iter().any(|p| p.name == purpose.name))
            .collect();
        if with_purpose.is_empty() {
            continue;
        }
        let categories: BTreeSet<&str> = with_purpose.iter().map(|d| category(d)).collect();
        let mut declaration = json!({
            "name": purpose.name,
            "data_use": data_use(purpose.fideslang_use.as_deref(), purpose.consent.as_deref(), map),
            "data_categories": categories,
            "data_subjects": [DATA_SUBJECT],
            "dataset_references": [dataset_key],
        });
        let retention: Vec<String> = with_purpose
            .iter()
            .filter_map(|d| Some(format!("{}: {}", d.path, d.retention.as_ref()?)))
            .collect();
        if !retention.is_empty() {
            declaration["retention_period"] = json!(retention.join("; "));
        }
        let shared: Vec<(&str, &str)> = with_purpose
            .iter()
            .flat_map(|d| {
                // A sink declared for one purpose shares only for that purpose.
                let for_purpose =
                    |s: &&super::SinkUse| s.purpose.as_ref().is_none_or(|p| *p == purpose.name);
                d.sinks
                    .iter()
                    .filter(for_purpose)
                    .filter_map(move |s| Some((s.recipient.as_deref()?, category(d))))
            })
            .collect();
        if !shared.is_empty() {
            let recipients: BTreeSet<&str> = shared.iter().map(|(r, _)| *r).collect();
            let shared_categories: BTreeSet<&str> = shared.iter().map(|(_, c)| *c).collect();
            declaration["data_shared_with_third_parties"] = json!(true);
            declaration["third_parties"] =
                json!(recipients.into_iter().collect::<Vec<_>>().join("; "));
            declaration["shared_categories"] = json!(shared_categories);
        }
        out.push(declaration);
    }
    out
}

fn category(decl: &Declaration) -> &str {
    decl.fideslang_category.as_deref().unwrap_or("user")
}

fn data_uses<'a>(decl: &'a Declaration, map: &'a DataMap) -> Vec<&'a str> {
    decl.purposes
        .iter()
        .filter(|p| p.defined)
        .map(|p| data_use(p.fideslang_use.as_deref(), p.consent.as_deref(), map))
        .collect()
}

/// A purpose's data use: its own key, else the key of the purpose its consent is named after (a purpose
/// that needs `marketing` consent is marketing), else `functional` when it needs some other consent and
/// `essential` when it needs none.
fn data_use<'a>(own: Option<&'a str>, consent: Option<&str>, map: &'a DataMap) -> &'a str {
    if let Some(key) = own {
        return key;
    }
    let Some(consent) = consent else {
        return "essential";
    };
    let named_after = map.purposes.iter().find(|p| p.name == consent);
    named_after
        .and_then(|p| p.fideslang_use.as_deref())
        .or_else(|| super::fideslang::data_use(consent))
        .unwrap_or("functional")
}

/// What a fideslang field description says of a declaration: purposes, retention, where it is declared.
fn describe(decl: &Declaration) -> String {
    let purposes: Vec<&str> = decl.purposes.iter().map(|p| p.name.as_str()).collect();
    let mut text = format!("{} ({})", decl.path, decl.category);
    if !purposes.is_empty() {
        text.push_str(&format!(", for {}", purposes.join(", ")));
    }
    if let Some(retention) = &decl.retention {
        text.push_str(&format!(", kept {retention}"));
    }
    text.push_str(&format!(
        "; declared at {}:{}",
        decl.declared_at.file, decl.declared_at.line
    ));
    text
}

/// A fides key (`[A-Za-z0-9_.<>-]+`) from a name: other characters become `_`.
fn fides_key(name: &str) -> String {
    let key: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        "workspace".to_string()
    } else {
        key
    }
}
