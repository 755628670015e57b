// Every mistake below must fail to compile with its message, where the marker says: `//~ at TOKEN: MESSAGE`
// means an error starting with MESSAGE whose span starts at the first TOKEN of that line. Nothing else may
// fail. `tests/compile_errors.rs` checks this file as a crate of its own.

#![allow(dead_code)]

use pii_lint::{Pii, RedactedDebug};

#[derive(Pii)]
struct Customer {
    #[pii(purpose = "service")] //~ at [pii: `#[pii]` needs a category
    phone: String,
    #[pii(category = "name", colour = "red")] //~ at colour: unknown `pii` argument `colour`
    name: String,
    #[pii(category = "email", purpose = "a", purposes = ["b"])] //~ at purposes: `purposes` repeats `purpose`
    email: String,
}

#[derive(RedactedDebug)]
struct Order {
    #[pii(category = address)] //~ at address: `category` takes a string
    address: String,
}

#[derive(Pii)]
enum Contact {
    #[pii(category = "phone")] //~ at [pii: `#[pii]` goes on the type or on a field, not on a variant
    Phone(String),
}

#[derive(RedactedDebug)]
union Raw { //~ at union: `RedactedDebug` cannot be derived for a union
    a: u8,
}

#[pii_lint::purpose()] //~ at #: `purpose` needs one name
fn no_name() {}

#[pii_lint::purpose(marketing)] //~ at marketing: `purpose` takes one string
fn unquoted() {}

#[pii_lint::consent_check("marketing", "analytics")] //~ at ,: `consent_check` takes exactly one string
fn two_names() -> bool { true }

#[pii_lint::sink(purpose = "marketing")] //~ at #: `sink` needs a kind
fn no_kind() {}

#[pii_lint::sink(kind = "mail")] //~ at "mail": unknown sink kind `mail`
fn mail() {}

#[pii_lint::sanitizer(strong)] //~ at strong: `sanitizer` takes no arguments
fn mask() {}

#[pii_lint::allow(reason = "legacy")] //~ at #: `allow` needs the lint to allow
fn nothing_allowed() {}

#[pii_lint::allow(log-leak, reason = "legacy")] //~ at log: in attributes lint names use `_`: write `log_leak`
fn dashed() {}

#[pii_lint::sink(kind = "log")] //~ at #: `#[pii_lint::sink]` goes on a function or a method, not on a struct
struct Logger;

#[pii_lint::consent_proof("marketing")] //~ at #: `#[pii_lint::consent_proof]` goes on a struct or an enum, not on a function
fn proof() {}

#[pii_lint::purpose("service")] //~ at #: `#[pii_lint::purpose]` goes on a function, an impl block or an inline module, not on a trait
trait Shop {}

// Well-formed annotations beside the mistakes: they must add no error.
#[derive(Pii, RedactedDebug)]
#[pii(category = "email", purposes = ["service", "marketing"])]
struct EmailAddress(String);

#[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]
fn upload(_rows: &[EmailAddress]) {}
