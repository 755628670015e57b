use crate::diagnostic::{DataRef, Finding};
use crate::index::{Index, TypeId};
use crate::lints::LintContext;
use crate::parse::{FieldDef, TypeRef};
use rayon::prelude::*;
use std::sync::OnceLock;

declare_lint! {
    /// ### What it does
    /// Reports a field (of a struct or an enum variant) with no declaration whose name or type looks like
    /// personal data. The whole words of its snake_case or camelCase name, or else the CamelCase words of its
    /// type's name, are matched against: `phone`, `mobile`, `telephone`, `tel`, `cellphone`, `shouji` (手机),
    /// `email`, `mail_address`, `id_card`, `idcard`, `id_number`, `id_no`, `passport`, `shenfenzheng` (身份证),
    /// `address`, `dizhi` (地址), `ip_address`, `mac_address`, `password`, `passwd`, `bank_card`, `card_number`,
    /// `credit_card`, `real_name`, `full_name`, `first_name`, `last_name`, `surname`, `xingming` (姓名),
    /// `birthday`, `birth_date`, `date_of_birth`, `username`.
    ///
    /// Not reported: a listed word followed by a qualifier (`model`, `brand`, `type`, `kind`, `template`,
    /// `subject`, `policy`, `format`, `pattern`, `regex`, `verified`, `enabled`, `count`, `len`, `length`,
    /// `status`, `at`, `sent`, `required`, `valid`, `id`, `ids`, `app`, `version`, `os`, `platform`, `size`,
    /// `family`, `state`, `space`, `mode`, `range`, `offset`, `width`, `bits`, `align`, `mask`, `index`,
    /// `flags`, `domain`, `url`, `logo`, `button`, `position`, `token`, `options`, `country`, `client`,
    /// `settings`, `config`, `server`, `host`, `port`), as in `phone_model`, `email_verified`,
    /// `address_type`, `email_domain`, `phone_country_code`, `email_client`; `address` after a word that
    /// makes it a machine's (`base_address`, `socket_address`, `virtual_address`); type names in ALL_CAPS;
    /// fields of type `bool` or `Option<bool>`; fields declared with `#[pii]` or `[[data]]`; fields whose
    /// type is a workspace struct or enum (that type's own fields are judged instead, a newtype's by the
    /// newtype's name: `struct PhoneNumber(String)`); fields of a
    /// personal-data type itself; fields of the merchant's own settings (a type whose name ends in
    /// `Config`, `Configs`, `Conf`, `Settings`, `Configuration`, `Options` or `Credentials`); and names
    /// such as `customer_id`, `order_no`, `created_at` where no whole word matches. The finding points at
    /// the field's name. Warns by default.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶1 and GPCL Art. 111 protect all personal information a merchant collects, and ask that the
    /// rules of collection and use be stated and made public. Data nobody declared has no stated purpose, no
    /// consent behind it and no protection from the other checks: it is the part of the data map that is
    /// missing.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(serde::Deserialize)]
    /// pub struct SignupForm {
    ///     pub shouji: String,          // a mobile number, undeclared
    ///     pub phone_model: String,     // not reported: a product attribute
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[derive(serde::Deserialize, pii_lint::Pii)]
    /// pub struct SignupForm {
    ///     #[pii(category = "phone", purpose = "service")]
    ///     pub shouji: String,
    ///     pub phone_model: String,
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Declare the field: `#[pii(category = "...", purpose = "...")]` on a type deriving `pii_lint::Pii`,
    ///   or a `[[data]]` entry in `pii-lint.toml` for code you cannot annotate.
    /// - If it is not personal data, suppress with a reason:
    ///   `// pii-lint: allow(undeclared-personal-data) reason: the courier's switchboard number`.
    pub UNDECLARED_PERSONAL_DATA, "PII009", "undeclared-personal-data", Warn,
    "a field whose name or type looks like personal data with no declaration"
}

/// Words (or runs of words) of a field or type name that mark personal data, with the category they
/// suggest. Longer runs come first so `ip_address` is not read as `address`.
pub const PERSONAL_WORDS: &[(&str, &str)] = &[
    ("date_of_birth", "birth_date"),
    ("mail_address", "email"),
    ("ip_address", "ip_address"),
    ("mac_address", "device_id"),
    ("id_card", "id_number"),
    ("id_number", "id_number"),
    ("id_no", "id_number"),
    ("bank_card", "financial"),
    ("card_number", "financial"),
    ("credit_card", "financial"),
    ("real_name", "name"),
    ("full_name", "name"),
    ("first_name", "name"),
    ("last_name", "name"),
    ("birth_date", "birth_date"),
    ("phone", "phone"),
    ("mobile", "phone"),
    ("telephone", "phone"),
    ("tel", "phone"),
    ("cellphone", "phone"),
    ("shouji", "phone"),
    ("email", "email"),
    ("idcard", "id_number"),
    ("passport", "id_number"),
    ("shenfenzheng", "id_number"),
    ("address", "address"),
    ("dizhi", "address"),
    ("password", "credential"),
    ("passwd", "credential"),
    ("surname", "name"),
    ("xingming", "name"),
    ("birthday", "birth_date"),
    ("username", "account"),
];

/// A word after a personal word that makes the name about something else (`phone_model`, `email_verified`,
/// `address_id`): metadata, settings or a reference, not the data itself.
pub const QUALIFIERS: &[&str] = &[
    "model", "brand", "type", "kind", "template", "subject", "policy", "format", "pattern",
    "regex", "verified", "enabled", "count", "len", "length", "status", "at", "sent", "required",
    "valid", "id", "ids", "app", "version", "os", "platform", "size", "family", "state", "space",
    "mode", "range", "offset", "width", "bits", "align", "mask", "index", "flags", "domain", "url",
    "logo", "button", "position", "token", "options", "country", "client", "settings", "config",
    "server", "host", "port",
];

/// Words before `address` that make it a memory, network or hardware address, not a person's.
pub const NOT_A_HOME: &[&str] = &[
    "base",
    "virtual",
    "physical",
    "start",
    "end",
    "begin",
    "minimum",
    "maximum",
    "min",
    "max",
    "memory",
    "mem",
    "local",
    "remote",
    "peer",
    "socket",
    "server",
    "listen",
    "bind",
    "source",
    "destination",
    "dest",
    "station",
    "return",
    "load",
    "entry",
    "target",
    "next",
    "prev",
    "buffer",
    "buf",
    "device",
    "hardware",
    "broadcast",
    "multicast",
    "gateway",
    "node",
    "host",
    "network",
    "net",
    "link",
    "bus",
    "register",
    "page",
    "heap",
    "stack",
];

/// The lowercase words of a snake_case, camelCase or CamelCase name.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// `PERSONAL_WORDS` split into words, and by first word the positions of the patterns starting with it.
type Patterns = (
    Vec<(Vec<&'static str>, &'static str)>,
    std::collections::HashMap<&'static str, Vec<usize>>,
);

/// The category a name suggests, when its words contain a personal word not followed by a qualifier
/// (the first such pattern of `PERSONAL_WORDS`, wherever in the name it matches).
pub fn suggested_category(name: &str) -> Option<&'static str> {
    // Names repeat (`id`, `status`, `created_at` in most types), and a language server judges the same
    // names on every save: each thread keeps the answers it gave.
    thread_local! {
        static ANSWERS: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Option<&'static str>>> =
            Default::default();
    }
    if let Some(answer) = ANSWERS.with_borrow(|answers| answers.get(name).copied()) {
        return answer;
    }
    let answer = suggested_category_uncached(name);
    ANSWERS.with_borrow_mut(|answers| answers.insert(name.into(), answer));
    answer
}

fn suggested_category_uncached(name: &str) -> Option<&'static str> {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    let (patterns, by_first_word) = PATTERNS.get_or_init(|| {
        let patterns: Vec<(Vec<&str>, &str)> = PERSONAL_WORDS
            .iter()
            .map(|(pattern, category)| (pattern.split('_').collect(), *category))
            .collect();
        let mut by_first_word: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (at, (pattern, _)) in patterns.iter().enumerate() {
            by_first_word.entry(pattern[0]).or_default().push(at);
        }
        (patterns, by_first_word)
    });
    let words = words(name);
    let matches_at = |pattern: &[&str], category: &str, start: usize| {
        let end = start + pattern.len();
        let machine_address =
            category == "address" && start > 0 && NOT_A_HOME.contains(&words[start - 1].as_str());
        end <= words.len()
            && words[start..end].iter().zip(pattern).all(|(w, p)| w == p)
            && !words
                .get(end)
                .is_some_and(|next| QUALIFIERS.contains(&next.as_str()))
            && !machine_address
    };
    let first = (0..words.len())
        .flat_map(|start| {
            let candidates = by_first_word.get(words[start].as_str());
            let candidates = candidates.map_or(&[][..], Vec::as_slice);
            candidates.iter().map(move |at| (*at, start))
        })
        .filter(|(at, start)| matches_at(&patterns[*at].0, patterns[*at].1, *start))
        .map(|(at, _)| at)
        .min()?;
    Some(patterns[first].1)
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    let per_type: Vec<Vec<Finding>> = index
        .type_ids()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|type_id| type_findings(index, type_id))
        .collect();
    findings.extend(per_type.into_iter().flatten());
}

fn type_findings(index: &Index, type_id: TypeId) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Every field of a personal-data type is part of the declared value.
    if index.catalogue.type_decl(type_id).is_some() {
        return findings;
    }
    let ty = index.ty(type_id);
    // The merchant's own settings (its sender address, SMTP account) are not consumers' data.
    if crate::index::is_settings_type(&ty.name) {
        return findings;
    }
    {
        for (field_index, field) in ty.fields().iter().enumerate() {
            if index.catalogue.field(type_id, field_index).is_some() || is_flag(&field.ty) {
                continue;
            }
            // Names first: most fields are named like nothing personal, and need no path resolved.
            let Some(category) = looks_personal(index, type_id, field) else {
                continue;
            };
            if holds_workspace_type(index, ty.module, &field.ty) {
                continue;
            }
            let field_name = field.display_name();
            let message = format!(
                "field `{}.{field_name}` looks like personal data ({category}) but is not declared",
                ty.name
            );
            let derive_hint = if ty.def.derives_pii_helper {
                ""
            } else {
                " and derive `pii_lint::Pii` on the type"
            };
            let help = format!(
                "declare it with `#[pii(category = \"{category}\", purpose = \"...\")]` on the field{derive_hint}, \
                 or a [[data]] entry in pii-lint.toml; if it is not personal data, allow the lint with a reason"
            );
            let sensitive = index
                .catalogue
                .category(category)
                .is_some_and(|c| c.sensitive);
            let data = DataRef {
                type_name: ty.name.clone(),
                field: Some(field_name),
                category: category.to_string(),
                sensitive,
                declared_in: None,
            };
            findings.push(
                Finding::new(&UNDECLARED_PERSONAL_DATA, field.span, message)
                    .with_data(vec![data])
                    .with_help(help),
            );
        }
    }
    findings
}

/// `bool` and `Option<bool>`: flags such as `email_verified`, `email_verification_required`.
fn is_flag(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Path { segments, args } if segments.last().is_some_and(|n| n == "Option") => {
            args.first().is_some_and(is_flag)
        }
        _ => ty.last_name() == Some("bool"),
    }
}

/// A field of a workspace struct or enum (`email_client: EmailClient`): that type's own fields are judged.
fn holds_workspace_type(index: &Index, module: crate::index::ModuleId, ty: &TypeRef) -> bool {
    crate::index::carried_types(ty)
        .iter()
        .any(|t| index.resolve_type(module, t).is_some())
}

/// By the field's name, else by the name of the type it holds, unless that type is a workspace type that
/// holds declared personal data (then the data is declared there).
fn looks_personal(index: &Index, owner: TypeId, field: &FieldDef) -> Option<&'static str> {
    let held: Vec<&TypeRef> = crate::index::carried_types(&field.ty);
    let category = named_category(index, owner, field, &held)?;
    let module = index.ty(owner).module;
    let holds_declared = held.iter().any(|t| {
        index
            .resolve_type(module, t)
            .is_some_and(|id| index.catalogue.holds_personal_data(id))
    });
    (!holds_declared).then_some(category)
}

/// The category the field's name, its newtype's name or its type's names suggest.
fn named_category(
    index: &Index,
    owner: TypeId,
    field: &FieldDef,
    held: &[&TypeRef],
) -> Option<&'static str> {
    if let Some(category) = field.name.as_deref().and_then(suggested_category) {
        return Some(category);
    }
    // A newtype's value is named by its type: `struct PhoneNumber(String)`.
    let owner_name = &index.ty(owner).name;
    if field.name.is_none() && field.variant.is_none() && owner_name.chars().any(char::is_lowercase)
    {
        if let Some(category) = suggested_category(owner_name) {
            return Some(category);
        }
    }
    // Type names count when written in CamelCase: ALL_CAPS names are generated FFI bindings.
    held.iter()
        .filter_map(|t| t.last_name())
        .filter(|name| name.chars().any(char::is_lowercase))
        .find_map(suggested_category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_snake_and_camel_case() {
        assert_eq!(words("home_address"), ["home", "address"]);
        assert_eq!(words("homeAddress"), ["home", "address"]);
        assert_eq!(words("PhoneNumber"), ["phone", "number"]);
        assert_eq!(words("address_line1"), ["address", "line1"]);
    }

    #[test]
    fn matches_personal_words() {
        for (name, category) in [
            ("phone", "phone"),
            ("customer_phone", "phone"),
            ("mobile", "phone"),
            ("tel", "phone"),
            ("shouji", "phone"),
            ("email", "email"),
            ("mail_address", "email"),
            ("id_card", "id_number"),
            ("idcard", "id_number"),
            ("shenfenzheng", "id_number"),
            ("passport", "id_number"),
            ("home_address", "address"),
            ("dizhi", "address"),
            ("ip_address", "ip_address"),
            ("password", "credential"),
            ("passwd", "credential"),
            ("bank_card_no", "financial"),
            ("card_number", "financial"),
            ("real_name", "name"),
            ("fullName", "name"),
            ("birthday", "birth_date"),
            ("birth_date", "birth_date"),
            ("EmailAddress", "email"),
            ("PhoneNumber", "phone"),
        ] {
            assert_eq!(suggested_category(name), Some(category), "{name}");
        }
    }

    #[test]
    fn leaves_look_alikes_alone() {
        for name in [
            "phone_model",
            "email_verified",
            "address_type",
            "customer_id",
            "order_no",
            "created_at",
            "hotel_name",
            "telemetry",
            "mobile_app_version",
            "address_id",
            "email_template",
            "email_domain",
            "phone_country_code",
            "email_client",
            "reset_password_token",
            "base_address",
            "VirtualAddress",
            "socket_address",
            "address_size",
            "AddressFamily",
            "id",
            "name",
            "card",
            "number",
        ] {
            assert_eq!(suggested_category(name), None, "{name}");
        }
    }
}
