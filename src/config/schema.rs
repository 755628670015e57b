//! The TOML shape of `pii-lint.toml`, deserialised with spans, then turned into `Config`.

use super::{
    CategoryDef, Config, ConsentEntry, DataEntry, FilesConfig, LintLevel, PathEntry,
    ProcessingEntry, PurposeDef, SinkEntry, Spanned, WrapperEntry,
};

/// Methods that hand out a wrapper's value when a `[[wrappers]]` entry names none.
pub const DEFAULT_EXPOSE: &[&str] = &["expose", "expose_secret", "peek", "into_inner"];
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned as S;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    categories: BTreeMap<S<String>, RawCategory>,
    #[serde(default)]
    purposes: BTreeMap<S<String>, RawPurpose>,
    #[serde(default)]
    data: Vec<RawData>,
    #[serde(default)]
    processing: Vec<RawProcessing>,
    #[serde(default)]
    consent_checks: Vec<RawConsent>,
    #[serde(default)]
    consent_proofs: Vec<RawConsent>,
    #[serde(default)]
    sinks: Vec<RawSink>,
    #[serde(default)]
    sanitizers: Vec<RawPath>,
    #[serde(default)]
    encryptors: Vec<RawPath>,
    #[serde(default)]
    erasure: Vec<RawPath>,
    #[serde(default)]
    wrappers: Vec<RawWrapper>,
    #[serde(default)]
    lints: BTreeMap<S<String>, S<String>>,
    #[serde(default)]
    files: RawFiles,
    controller: Option<RawController>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawController {
    name: S<String>,
    contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    #[serde(default)]
    sensitive: bool,
    #[allow(dead_code)]
    description: Option<String>,
    fideslang: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurpose {
    description: Option<String>,
    consent: Option<S<String>>,
    fideslang: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    path: S<String>,
    category: S<String>,
    purpose: Option<S<String>>,
    purposes: Option<Vec<S<String>>>,
    #[serde(default)]
    sensitive: bool,
    retention: Option<String>,
    param: Option<S<String>>,
    returns: Option<S<bool>>,
    #[serde(default)]
    protected: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcessing {
    path: S<String>,
    purpose: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsent {
    path: S<String>,
    consent: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSink {
    path: S<String>,
    kind: S<String>,
    purpose: Option<S<String>>,
    recipient: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    path: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrapper {
    path: S<String>,
    debug: Option<S<String>>,
    serialize: Option<S<String>>,
    expose: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<S<String>>,
    #[serde(default)]
    include_tests: bool,
}

fn spanned(s: &S<String>) -> Spanned<String> {
    Spanned {
        value: s.get_ref().clone(),
        span: s.span(),
    }
}

/// A value that fits the TOML types but not the schema's meaning: message, span, help.
pub type SchemaProblem = (String, std::ops::Range<usize>, String);

impl RawConfig {
    pub fn into_config(self) -> Result<Config, SchemaProblem> {
        let mut config = Config {
            categories: self
                .categories
                .iter()
                .map(|(name, c)| CategoryDef {
                    name: spanned(name),
                    sensitive: c.sensitive,
                    fideslang: c.fideslang.as_ref().map(|k| k.get_ref().clone()),
                })
                .collect(),
            purposes: self
                .purposes
                .iter()
                .map(|(name, p)| PurposeDef {
                    name: spanned(name),
                    description: p.description.clone(),
                    consent: p.consent.as_ref().map(spanned),
                    fideslang: p.fideslang.as_ref().map(|k| k.get_ref().clone()),
                })
                .collect(),
            processing: self
                .processing
                .iter()
                .map(|p| ProcessingEntry {
                    path: spanned(&p.path),
                    purpose: spanned(&p.purpose),
                })
                .collect(),
            consent_checks: self
                .consent_checks
                .iter()
                .map(|c| ConsentEntry {
                    path: spanned(&c.path),
                    consent: spanned(&c.consent),
                })
                .collect(),
            consent_proofs: self
                .consent_proofs
                .iter()
                .map(|c| ConsentEntry {
                    path: spanned(&c.path),
                    consent: spanned(&c.consent),
                })
                .collect(),
            sanitizers: self
                .sanitizers
                .iter()
                .map(|p| PathEntry {
                    path: spanned(&p.path),
                })
                .collect(),
            encryptors: self
                .encryptors
                .iter()
                .map(|p| PathEntry {
                    path: spanned(&p.path),
                })
                .collect(),
            erasure: self
                .erasure
                .iter()
                .map(|p| PathEntry {
                    path: spanned(&p.path),
                })
                .collect(),
            files: FilesConfig {
                exclude: self
                    .files
                    .exclude
                    .iter()
                    .map(|e| e.get_ref().clone())
                    .collect(),
                include_tests: self.files.include_tests,
            },
            ..Config::default()
        };
        let fideslang_keys = self
            .categories
            .values()
            .filter_map(|c| c.fideslang.as_ref());
        let fideslang_keys =
            fideslang_keys.chain(self.purposes.values().filter_map(|p| p.fideslang.as_ref()));
        for key in fideslang_keys {
            if !crate::inventory::fideslang::is_key(key.get_ref()) {
                return Err((
                    format!("`{}` is not a fideslang key", key.get_ref()),
                    key.span(),
                    "a fideslang key is a dotted path of lowercase words, such as `user.contact.email` or `marketing.communications`".into(),
                ));
            }
        }
        if let Some(controller) = &self.controller {
            if controller.name.get_ref().trim().is_empty() {
                return Err((
                    "[controller] has an empty `name`".into(),
                    controller.name.span(),
                    "name the merchant that answers for the processing (its legal name)".into(),
                ));
            }
            config.controller = Some(super::Controller {
                name: controller.name.get_ref().clone(),
                contact: controller.contact.clone(),
            });
        }
        for pattern in &self.files.exclude {
            if let Err(error) = globset::Glob::new(pattern.get_ref()) {
                return Err((
                    format!(
                        "invalid glob `{}` in [files] exclude: {error}",
                        pattern.get_ref()
                    ),
                    pattern.span(),
                    "globs use `*`, `**`, `?` and `[...]`".into(),
                ));
            }
        }
        for data in &self.data {
            let purposes = match (&data.purpose, &data.purposes) {
                (Some(_), Some(list)) => {
                    let span = list.first().map_or(data.path.span(), |p| p.span());
                    return Err((
                        "[[data]] gives both `purpose` and `purposes`".into(),
                        span,
                        "list every purpose in `purposes = [..]`".into(),
                    ));
                }
                (Some(one), None) => vec![spanned(one)],
                (None, Some(list)) => list.iter().map(spanned).collect(),
                (None, None) => Vec::new(),
            };
            let returns = data.returns.as_ref().is_some_and(|r| *r.get_ref());
            if let (Some(param), true) = (&data.param, returns) {
                return Err((
                    "[[data]] gives both `param` and `returns`".into(),
                    param.span(),
                    "declare the parameter and the return value in two [[data]] entries".into(),
                ));
            }
            let names_function = data.param.as_ref().map(|p| p.span()).or_else(|| {
                let returns = data.returns.as_ref().filter(|r| *r.get_ref())?;
                Some(returns.span())
            });
            if let (Some(span), true) = (names_function, data.path.get_ref().contains('.')) {
                return Err((
                    "`param` and `returns` declare a function's data, but the path names a field".into(),
                    span,
                    "write the function's path (`crate::module::function` or `crate::module::Type::method`)"
                        .into(),
                ));
            }
            config.data.push(DataEntry {
                path: spanned(&data.path),
                category: spanned(&data.category),
                purposes,
                sensitive: data.sensitive,
                retention: data.retention.clone(),
                param: data.param.as_ref().map(spanned),
                returns,
                protected: data.protected,
            });
        }
        for sink in &self.sinks {
            if !["log", "export", "storage", "commercial_message"]
                .contains(&sink.kind.get_ref().as_str())
            {
                let message = format!("unknown sink kind `{}`", sink.kind.get_ref());
                return Err((
                    message,
                    sink.kind.span(),
                    "a sink kind is one of `log`, `export`, `storage`, `commercial_message`".into(),
                ));
            }
            config.sinks.push(SinkEntry {
                path: spanned(&sink.path),
                kind: spanned(&sink.kind),
                purpose: sink.purpose.as_ref().map(spanned),
                recipient: sink.recipient.clone(),
            });
        }
        for wrapper in &self.wrappers {
            let redacted = |key: &Option<S<String>>, what: &str| match key {
                None => Ok(false),
                Some(value) => match value.get_ref().as_str() {
                    "redacted" => Ok(true),
                    "clear" => Ok(false),
                    other => Err((
                        format!("unknown {what} behaviour `{other}` in [[wrappers]]"),
                        value.span(),
                        format!("`{what}` is \"redacted\" (prints no personal data) or \"clear\""),
                    )),
                },
            };
            config.wrappers.push(WrapperEntry {
                path: spanned(&wrapper.path),
                debug_redacted: redacted(&wrapper.debug, "debug")?,
                serialize_redacted: redacted(&wrapper.serialize, "serialize")?,
                expose: wrapper
                    .expose
                    .clone()
                    .unwrap_or_else(|| DEFAULT_EXPOSE.iter().map(|m| m.to_string()).collect()),
            });
        }
        for (name, level) in &self.lints {
            let Some(lint) = crate::lints::find(name.get_ref()) else {
                let message = format!("unknown lint `{}` in [lints]", name.get_ref());
                let help = "lints are named by name (`log-leak`, `log_leak`) or code (`PII005`); `cargo pii-lint explain` lists them";
                return Err((message, name.span(), help.into()));
            };
            let Some(level) = crate::diagnostic::Level::parse(level.get_ref()) else {
                let message = format!(
                    "unknown level `{}` for `{}` in [lints]",
                    level.get_ref(),
                    name.get_ref()
                );
                return Err((
                    message,
                    level.span(),
                    "a level is \"deny\", \"warn\" or \"allow\"".into(),
                ));
            };
            config.lints.push(LintLevel { lint, level });
        }
        Ok(config)
    }
}
