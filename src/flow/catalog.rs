//! The built-in knowledge of ecosystem sinks, kept as data in `lints/catalog/*.toml` (one file per crate)
//! and embedded at build time.

use crate::parse::flow_ir::Render;
use serde::Deserialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SinkKind {
    Log,
    Export,
    Storage,
    CommercialMessage,
}

impl SinkKind {
    pub fn parse(text: &str) -> Option<SinkKind> {
        match text {
            "log" => Some(SinkKind::Log),
            "export" => Some(SinkKind::Export),
            "storage" => Some(SinkKind::Storage),
            "commercial_message" => Some(SinkKind::CommercialMessage),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Log => "log",
            SinkKind::Export => "export",
            SinkKind::Storage => "storage",
            SinkKind::CommercialMessage => "commercial_message",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CatalogRender {
    #[default]
    Value,
    Serialize,
}

impl CatalogRender {
    pub fn render(self) -> Render {
        match self {
            CatalogRender::Value => Render::Value,
            CatalogRender::Serialize => Render::Serialize,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MacroSink {
    pub names: Vec<String>,
    pub kind: SinkKind,
    /// When set, the macro must be written with one of these crates as its path's first segment.
    #[serde(default)]
    pub crates: Vec<String>,
    /// The `[[sinks]]` entry (its index in the config) that names this macro, for its purpose and
    /// recipient.
    #[serde(skip)]
    pub entry: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSink {
    pub paths: Vec<String>,
    pub kind: SinkKind,
    /// The arguments that reach the sink (all when unset).
    pub args: Option<Vec<usize>>,
    #[serde(default)]
    pub render: CatalogRender,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSink {
    pub names: Vec<String>,
    pub kind: SinkKind,
    pub args: Option<Vec<usize>>,
    #[serde(default)]
    pub render: CatalogRender,
    /// The receiver chain must contain a call of one of these methods (`client.post(..).json(..)`).
    #[serde(default)]
    pub chain: Vec<String>,
    /// The receiver chain must start with a call of one of these functions (`sqlx::query(..).bind(..)`).
    #[serde(default)]
    pub chain_roots: Vec<String>,
    /// The receiver's type, when known, must be one of these (by name).
    #[serde(default)]
    pub receiver_types: Vec<String>,
    /// The receiver must be a variable of one of these names (`con.set(..)`).
    #[serde(default)]
    pub receiver_names: Vec<String>,
}

/// A writer that sends what is written to it somewhere: created by `constructors`, or a parameter of one
/// of `types`; `write_methods` called on it (and `write!` into it) are sinks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandleSink {
    pub constructors: Vec<String>,
    pub types: Vec<String>,
    pub write_methods: Vec<String>,
    pub kind: SinkKind,
    #[serde(default)]
    pub render: CatalogRender,
    /// The handle is a record: its write methods store the handle's own value (a sea-orm `ActiveModel`
    /// saved with `.insert(db)`), not their arguments.
    #[serde(default)]
    pub holds_data: bool,
    /// Methods that turn a value into such a handle (`model.into_active_model()`).
    #[serde(default)]
    pub conversions: Vec<String>,
}

/// A type of a dependency that wraps a value and prints it masked (`secrecy::Secret`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrapper {
    pub paths: Vec<String>,
    #[serde(default, deserialize_with = "redacted")]
    pub debug: bool,
    #[serde(default, deserialize_with = "redacted")]
    pub serialize: bool,
    /// Methods that hand out the wrapped value.
    #[serde(default)]
    pub expose: Vec<String>,
    /// Methods (of any value) whose output is masked by the wrappers' strategies.
    #[serde(default)]
    pub masking_methods: Vec<String>,
}

/// Functions (by path) and methods (by name) of dependencies that hash or encrypt what they are given.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Protector {
    /// The crates the entry describes (documentation).
    #[serde(default, rename = "crate")]
    pub krate: String,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
}

/// What a dependency's function or method does to personal data it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Its result no longer identifies anyone.
    Sanitizes,
    /// Its result is the data, protected at rest.
    Encrypts,
}

/// `"redacted"` is true, `"clear"` false.
fn redacted<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match String::deserialize(deserializer)?.as_str() {
        "redacted" => Ok(true),
        "clear" => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "`{other}` is neither \"redacted\" nor \"clear\""
        ))),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(default)]
    pub macros: Vec<MacroSink>,
    #[serde(default)]
    pub functions: Vec<FunctionSink>,
    #[serde(default)]
    pub methods: Vec<MethodSink>,
    #[serde(default)]
    pub handles: Vec<HandleSink>,
    #[serde(default)]
    pub wrappers: Vec<Wrapper>,
    #[serde(default)]
    pub sanitizers: Vec<Protector>,
    #[serde(default)]
    pub encryptors: Vec<Protector>,
    /// Extractors and smart pointers values are seen through; read by the index (`carried_types`).
    #[serde(default)]
    pub transparent: Vec<toml::Table>,
}

pub const FILES: &[(&str, &str)] = &[
    ("std", include_str!("../../lints/catalog/std.toml")),
    ("log", include_str!("../../lints/catalog/log.toml")),
    ("tracing", include_str!("../../lints/catalog/tracing.toml")),
    ("anyhow", include_str!("../../lints/catalog/anyhow.toml")),
    (
        "serde_json",
        include_str!("../../lints/catalog/serde_json.toml"),
    ),
    ("csv", include_str!("../../lints/catalog/csv.toml")),
    ("reqwest", include_str!("../../lints/catalog/reqwest.toml")),
    ("ureq", include_str!("../../lints/catalog/ureq.toml")),
    ("hyper", include_str!("../../lints/catalog/hyper.toml")),
    ("sqlx", include_str!("../../lints/catalog/sqlx.toml")),
    ("diesel", include_str!("../../lints/catalog/diesel.toml")),
    ("redis", include_str!("../../lints/catalog/redis.toml")),
    ("secrecy", include_str!("../../lints/catalog/secrecy.toml")),
    ("masking", include_str!("../../lints/catalog/masking.toml")),
    ("crypto", include_str!("../../lints/catalog/crypto.toml")),
    ("slog", include_str!("../../lints/catalog/slog.toml")),
    ("sentry", include_str!("../../lints/catalog/sentry.toml")),
    (
        "opentelemetry",
        include_str!("../../lints/catalog/opentelemetry.toml"),
    ),
    ("lettre", include_str!("../../lints/catalog/lettre.toml")),
    ("queues", include_str!("../../lints/catalog/queues.toml")),
    ("aws", include_str!("../../lints/catalog/aws.toml")),
    ("mongodb", include_str!("../../lints/catalog/mongodb.toml")),
    ("fred", include_str!("../../lints/catalog/fred.toml")),
    ("tonic", include_str!("../../lints/catalog/tonic.toml")),
    ("sea_orm", include_str!("../../lints/catalog/sea_orm.toml")),
    (
        "extractors",
        include_str!("../../lints/catalog/extractors.toml"),
    ),
];

impl Catalog {
    /// Every catalogue file merged. The files are part of the build; a test proves each one parses.
    pub fn builtin() -> Catalog {
        let mut all = Catalog::default();
        for (_, text) in FILES {
            if let Ok(part) = toml::from_str::<Catalog>(text) {
                all.macros.extend(part.macros);
                all.functions.extend(part.functions);
                all.methods.extend(part.methods);
                all.handles.extend(part.handles);
                all.wrappers.extend(part.wrappers);
                all.sanitizers.extend(part.sanitizers);
                all.encryptors.extend(part.encryptors);
            }
        }
        all
    }

    pub fn macro_sink(&self, path: &[String]) -> Option<SinkKind> {
        self.macro_sink_entry(path).map(|m| m.kind)
    }

    /// The sink a macro path names, with the `[[sinks]]` entry that declares it, if one does.
    pub fn macro_sink_entry(&self, path: &[String]) -> Option<&MacroSink> {
        let name = path.last()?;
        self.macros.iter().find(|m| {
            m.names.contains(name)
                && (m.crates.is_empty() || path.len() > 1 && m.crates.contains(&path[0]))
        })
    }

    /// A function sink by its full path; a catalogue path `*::Entity::insert` matches any path ending in
    /// `::Entity::insert` (items generated per table by a derive, such as sea-orm's `Entity`).
    pub fn function_sink(&self, full_path: &str) -> Option<&FunctionSink> {
        self.functions
            .iter()
            .find(|f| f.paths.iter().any(|p| path_matches(p, full_path)))
    }

    /// The handle a method turns its receiver into (`into_active_model`).
    pub fn handle_conversion(&self, method: &str) -> Option<u16> {
        self.handles
            .iter()
            .position(|h| h.conversions.iter().any(|m| m == method))
            .map(|i| i as u16)
    }

    /// The handle kind a call creates (`File::create(..)`), by its full or written path.
    pub fn handle_constructor(&self, paths: &[&str]) -> Option<u16> {
        self.handles
            .iter()
            .position(|h| {
                h.constructors
                    .iter()
                    .any(|c| paths.iter().any(|p| path_matches(c, p)))
            })
            .map(|i| i as u16)
    }

    /// The catalogue's wrappers, sanitizers and encryptors followed by the config's (`[[wrappers]]`, and
    /// `[[sanitizers]]`/`[[encryptors]]` naming functions of dependencies, matched where code calls them).
    pub fn with_config(mut self, config: &crate::config::Config) -> Catalog {
        let paths = |entries: &[crate::config::PathEntry]| Protector {
            krate: String::new(),
            paths: entries.iter().map(|e| e.path.value.clone()).collect(),
            methods: Vec::new(),
        };
        self.sanitizers.push(paths(&config.sanitizers));
        self.encryptors.push(paths(&config.encryptors));
        let entries = &config.wrappers;
        self.wrappers.extend(entries.iter().map(|e| Wrapper {
            paths: vec![e.path.value.clone()],
            debug: e.debug_redacted,
            serialize: e.serialize_redacted,
            expose: e.expose.clone(),
            masking_methods: Vec::new(),
        }));
        self
    }

    /// The workspace's own macros that are sinks: a `macro_rules!` whose rules invoke a sink macro (directly
    /// or through another workspace macro) is a sink of that kind, and `[[sinks]]` may name a macro, of the
    /// workspace (`crate::name`) or of a dependency (`other_crate::name`).
    pub fn with_workspace_macros(mut self, index: &crate::index::Index) -> Catalog {
        let mut kinds: std::collections::BTreeMap<String, (SinkKind, Option<usize>)> =
            Default::default();
        for (i, entry) in index.config.sinks.iter().enumerate() {
            let path: Vec<String> = entry.path.value.split("::").map(str::to_string).collect();
            let (Some(name), Some(kind)) = (path.last(), SinkKind::parse(&entry.kind.value)) else {
                continue;
            };
            if index.macros.contains_key(name) {
                kinds.insert(name.clone(), (kind, Some(i)));
            } else if path.len() > 1
                && !index
                    .crate_roots
                    .iter()
                    .any(|root| index.modules.crate_name(*root) == path[0])
            {
                self.macros.push(MacroSink {
                    names: vec![name.clone()],
                    kind,
                    crates: vec![path[0].clone()],
                    entry: Some(i),
                });
            }
        }
        loop {
            let mut found = Vec::new();
            for (name, invoked) in &index.macros {
                if kinds.contains_key(name) {
                    continue;
                }
                let kind = invoked.iter().find_map(|path| {
                    self.macro_sink(path)
                        .or_else(|| path.last().and_then(|n| kinds.get(n).map(|k| k.0)))
                });
                found.extend(kind.map(|k| (name.clone(), (k, None))));
            }
            if found.is_empty() {
                break;
            }
            kinds.extend(found);
        }
        self.macros
            .extend(kinds.into_iter().map(|(name, (kind, entry))| MacroSink {
                names: vec![name],
                kind,
                crates: Vec::new(),
                entry,
            }));
        self
    }

    /// What a dependency's function, by its full or written path, does to the data it is given.
    pub fn protection_of_function(&self, paths: &[&str]) -> Option<Protection> {
        self.protection(|p| p.paths.iter().any(|x| paths.contains(&x.as_str())))
    }

    /// What a dependency's method, by name, does to the data it is given.
    pub fn protection_of_method(&self, name: &str) -> Option<Protection> {
        self.protection(|p| p.methods.iter().any(|m| m == name))
    }

    fn protection(&self, names: impl Fn(&Protector) -> bool) -> Option<Protection> {
        if self.sanitizers.iter().any(&names) {
            Some(Protection::Sanitizes)
        } else if self.encryptors.iter().any(&names) {
            Some(Protection::Encrypts)
        } else {
            None
        }
    }

    /// The wrapper a type path (written in full) names.
    pub fn wrapper(&self, full_path: &str) -> Option<u16> {
        self.wrappers
            .iter()
            .position(|w| w.paths.iter().any(|p| p == full_path))
            .map(|i| i as u16)
    }

    pub fn is_expose_method(&self, name: &str) -> bool {
        self.wrappers
            .iter()
            .any(|w| w.expose.iter().any(|m| m == name))
    }

    pub fn is_masking_method(&self, name: &str) -> bool {
        self.wrappers
            .iter()
            .any(|w| w.masking_methods.iter().any(|m| m == name))
    }

    pub fn handle_type(&self, type_name: &str) -> Option<u16> {
        self.handles
            .iter()
            .position(|h| h.types.iter().any(|t| t == type_name))
            .map(|i| i as u16)
    }
}

/// A catalogue path against a path in code: equal, or for `*::Entity::insert` any path ending in
/// `::Entity::insert`.
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_prefix("*::") {
        Some(tail) => path
            .strip_suffix(tail)
            .is_some_and(|head| head.ends_with("::")),
        None => pattern == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_file_parses_and_names_sinks() {
        for (name, text) in FILES {
            let part: Catalog =
                toml::from_str(text).unwrap_or_else(|e| panic!("lints/catalog/{name}.toml: {e}"));
            let count = part.macros.len()
                + part.functions.len()
                + part.methods.len()
                + part.handles.len()
                + part.wrappers.len()
                + part.sanitizers.len()
                + part.encryptors.len()
                + part.transparent.len();
            assert!(count > 0, "lints/catalog/{name}.toml declares nothing");
        }
    }

    #[test]
    fn catalogue_files_on_disk_are_all_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lints/catalog");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("lints/catalog")
            .filter_map(Result::ok)
            .map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .trim_end_matches(".toml")
                    .to_string()
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn lookups() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.macro_sink(&["println".into()]), Some(SinkKind::Log));
        assert_eq!(
            catalog.macro_sink(&["tracing".into(), "info".into()]),
            Some(SinkKind::Log)
        );
        assert_eq!(catalog.macro_sink(&["format".into()]), None);
        assert_eq!(
            catalog.macro_sink(&["query".into()]),
            None,
            "a bare `query!` is not sqlx's"
        );
        assert_eq!(
            catalog.macro_sink(&["sqlx".into(), "query".into()]),
            Some(SinkKind::Storage)
        );
        assert!(catalog.function_sink("std::fs::write").is_some());
        assert!(catalog.handle_constructor(&["File::create"]).is_some());
        assert!(catalog.handle_type("BufWriter").is_some());
    }
}
