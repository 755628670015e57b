//! The fideslang (Fides privacy taxonomy, ethyca/fideslang `data_files/`) equivalent of each built-in
//! category and purpose, so a data map can be loaded into tools that speak that taxonomy. Only keys the
//! taxonomy defines and has not deprecated (as of fideslang 3.x) are used.

/// Built-in category → fideslang data category.
const CATEGORIES: &[(&str, &str)] = &[
    ("name", "user.name"),
    ("phone", "user.contact.phone_number"),
    ("email", "user.contact.email"),
    ("address", "user.contact.address"),
    ("birth_date", "user.demographic.date_of_birth"),
    ("gender", "user.demographic.gender"),
    ("account", "user.account"),
    ("device_id", "user.device.device_id"),
    // Cookie and advertising ids: the taxonomy's closest key is the cookie id.
    ("online_id", "user.device.cookie_id"),
    ("ip_address", "user.device.ip_address"),
    ("portrait", "user.content.self_image"),
    ("transaction", "user.behavior.purchase_history"),
    // Message content and call records are the person's private content.
    ("communication", "user.content.private"),
    // The built-in category is precise location (SPEC 2.1).
    ("location", "user.location.precise"),
    ("financial", "user.financial"),
    ("biometric", "user.biometrics"),
    ("health", "user.health"),
    ("religion", "user.demographic.religious_belief"),
    ("minor", "user.children"),
    ("id_number", "user.government_id"),
    ("credential", "user.authorization.credentials"),
];

/// Built-in purpose → fideslang data use.
const PURPOSES: &[(&str, &str)] = &[
    ("service", "essential.service"),
    ("legal_obligation", "essential.legal_obligation"),
    // SPEC 2.2 defines `security` as fraud prevention.
    ("security", "essential.fraud_detection"),
    ("marketing", "marketing"),
    ("analytics", "analytics"),
    ("third_party_sharing", "third_party_sharing"),
];

/// The fideslang data category of a built-in category; `None` for categories the config adds.
pub fn data_category(category: &str) -> Option<&'static str> {
    lookup(CATEGORIES, category)
}

/// The fideslang data use of a built-in purpose (also when the config redefines its consent or
/// description: the name keeps its meaning); `None` for purposes the config adds.
pub fn data_use(purpose: &str) -> Option<&'static str> {
    lookup(PURPOSES, purpose)
}

/// Whether `key` has the shape of a taxonomy key (`user.contact.email`); whether the taxonomy defines it
/// is for fideslang to say.
pub fn is_key(key: &str) -> bool {
    key.split('.').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, key)| *key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::catalogue::{BUILTIN_CATEGORIES, BUILTIN_PURPOSES};

    #[test]
    fn every_builtin_category_is_mapped() {
        for (name, _) in BUILTIN_CATEGORIES {
            assert!(
                data_category(name).is_some(),
                "category `{name}` has no fideslang key"
            );
        }
        assert_eq!(
            CATEGORIES.len(),
            BUILTIN_CATEGORIES.len(),
            "a mapped name is no built-in"
        );
    }

    #[test]
    fn every_builtin_purpose_is_mapped() {
        for (name, _) in BUILTIN_PURPOSES {
            assert!(
                data_use(name).is_some(),
                "purpose `{name}` has no fideslang key"
            );
        }
        assert_eq!(
            PURPOSES.len(),
            BUILTIN_PURPOSES.len(),
            "a mapped name is no built-in"
        );
    }

    #[test]
    fn keys_are_taxonomy_paths() {
        let keys = CATEGORIES.iter().chain(PURPOSES).map(|(_, key)| *key);
        for key in keys {
            assert!(is_key(key), "`{key}` is not a fides key");
        }
        assert_eq!(data_category("loyalty_id"), None);
        assert_eq!(data_use("order_fulfillment"), None);
    }
}
