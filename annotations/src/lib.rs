//! Annotations for `cargo pii-lint`, the static-analysis linter for personal information under PRC consumer
//! protection law (CRPL Art. 29). Mark the personal information in your code, the purposes you process it
//! for, your consent checks, sinks, sanitizers, encryptors and erasure functions. The linter reads these
//! attributes from source; this crate makes them compile on stable Rust, turns malformed arguments or an
//! attribute on the wrong kind of item into compile errors, and derives a `Debug` that hides personal data.
//!
//! Every attribute works with its path (`#[pii_lint::purpose("marketing")]`) or bare after a `use`
//! (`use pii_lint::purpose;`). Names of purposes, consents and categories are checked by the linter, not
//! here: the compiler only checks the shape of the arguments.
//!
//! # Personal data: `#[derive(Pii)]` and `#[pii(..)]`
//!
//! `#[pii(category = "..", purpose = ".." | purposes = [".."], sensitive)]` on a field, or on the type to
//! make every value of it personal data. `category` is required; `sensitive` is an optional flag. The
//! derive generates no code.
//!
//! ```
//! #[derive(pii_lint::Pii)]
//! pub struct Customer {
//!     pub id: u64,
//!     #[pii(category = "phone", purpose = "service")]
//!     pub phone: String,
//!     #[pii(category = "name", purposes = ["service", "marketing"], sensitive)]
//!     pub name: String,
//! }
//!
//! /// Every value of this type is personal data.
//! #[derive(pii_lint::Pii)]
//! #[pii(category = "email", purposes = ["service", "marketing"])]
//! pub struct EmailAddress(String);
//! ```
//!
//! A declaration without a category does not compile:
//!
//! ```compile_fail
//! #[derive(pii_lint::Pii)]
//! pub struct Customer {
//!     #[pii(purpose = "service")] // error: `#[pii]` needs a category
//!     pub phone: String,
//! }
//! ```
//!
//! # Printing without leaking: `#[derive(RedactedDebug)]`
//!
//! A `Debug` like std's, except that each field declared with `#[pii]` prints as `<redacted CATEGORY>`
//! and a type declared as a whole prints as `Name(<redacted CATEGORY>)`. It reads the same `#[pii]`
//! attributes, so it may be derived alone or beside `Pii`.
//!
//! ```
//! use pii_lint::{Pii, RedactedDebug};
//!
//! #[derive(Pii, RedactedDebug)]
//! struct Customer {
//!     id: u64,
//!     #[pii(category = "phone", purpose = "service")]
//!     phone: String,
//! }
//!
//! #[derive(RedactedDebug)]
//! #[pii(category = "email", purpose = "service")]
//! struct EmailAddress(String);
//!
//! let customer = Customer { id: 7, phone: "13800138000".into() };
//! assert_eq!(format!("{customer:?}"), "Customer { id: 7, phone: <redacted phone> }");
//! let email = EmailAddress("li@example.cn".into());
//! assert_eq!(format!("{email:?}"), "EmailAddress(<redacted email>)");
//! ```
//!
//! # Purposes: `#[purpose("..")]`
//!
//! On a function, an impl block or an inline module: the code inside processes personal data for that
//! purpose (the innermost annotation wins).
//!
//! ```
//! use pii_lint::purpose;
//!
//! #[purpose("marketing")]
//! fn build_campaign(phones: &[String]) -> usize { phones.len() }
//!
//! #[purpose("security")]
//! mod fraud {
//!     pub fn score(phone: &str) -> usize { phone.len() }
//! }
//! # assert_eq!(build_campaign(&[]), 0);
//! ```
//!
//! # Consent: `#[consent_check("..")]` and `#[consent_proof("..")]`
//!
//! A consent check is a function or method that checks the consent it names; a consent proof is a struct
//! or enum whose values prove it.
//!
//! ```
//! #[pii_lint::consent_check("marketing")]
//! fn has_marketing_consent(opted_in: bool) -> bool { opted_in }
//!
//! #[pii_lint::consent_proof("marketing")]
//! pub struct MarketingConsent { pub customer: u64 }
//! # assert!(has_marketing_consent(true));
//! ```
//!
//! # Sinks, sanitizers, encryptors, erasure
//!
//! On functions and methods. A sink's `kind` is one of `log`, `export`, `storage`, `commercial_message`;
//! its `purpose` is optional. `sanitizer`, `encryptor` and `erasure` take no arguments.
//!
//! ```
//! #[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]
//! fn upload_to_partner(rows: &[u8]) {}
//!
//! #[pii_lint::sanitizer] // the result no longer identifies the person
//! fn mask_phone(p: &str) -> String { format!("{}****", &p[..3]) }
//!
//! #[pii_lint::encryptor] // the result is still personal data, but protected
//! fn encrypt(p: &[u8]) -> Vec<u8> { p.iter().map(|b| b ^ 0x5a).collect() }
//!
//! #[pii_lint::erasure] // handles a consumer's request to delete their data
//! fn delete_customer(id: u64) {}
//! # assert_eq!(mask_phone("13800138000"), "138****");
//! ```
//!
//! A sink must say its kind, and goes on functions only:
//!
//! ```compile_fail
//! #[pii_lint::sink(kind = "mail")] // error: unknown sink kind `mail`
//! fn send() {}
//! ```
//!
//! ```compile_fail
//! #[pii_lint::sink(kind = "log")] // error: `#[pii_lint::sink]` goes on a function or a method, not on a struct
//! struct Logger;
//! ```
//!
//! # Suppressions: `#[allow(lint, .., reason = "..")]`
//!
//! On any item: silences the named lints inside it. Name a lint by its name with `_` or by its code. The
//! reason is not required to compile, but the linter ignores and reports a suppression without one.
//!
//! ```
//! #[pii_lint::allow(log_leak, PII011, reason = "only the masked phone is logged")]
//! fn audit(masked: &str) {}
//! ```

// The linter reads every field of the parsed arguments; the macros only need them to parse.
#[allow(dead_code)]
mod args;
mod attributes;
mod derive_pii;
mod placement;
mod redacted_debug;
#[cfg(test)]
mod test_support;

use attributes::Attribute;
use proc_macro::TokenStream;

/// Declares personal data: `#[pii(category = "..", purpose = ".." | purposes = [..], sensitive)]` on fields,
/// or on the type to make every value of it personal data. Generates no code.
#[proc_macro_derive(Pii, attributes(pii))]
pub fn derive_pii(input: TokenStream) -> TokenStream {
    derive_pii::expand(input.into()).into()
}

/// A `Debug` that prints every field declared with `#[pii]` as `<redacted CATEGORY>`.
#[proc_macro_derive(RedactedDebug, attributes(pii))]
pub fn derive_redacted_debug(input: TokenStream) -> TokenStream {
    redacted_debug::expand(input.into()).into()
}

/// `#[pii_lint::purpose("marketing")]`: the code inside processes personal data for that purpose.
#[proc_macro_attribute]
pub fn purpose(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Purpose, args.into(), item.into()).into()
}

/// `#[pii_lint::consent_check("marketing")]`: the function checks that consent.
#[proc_macro_attribute]
pub fn consent_check(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::ConsentCheck, args.into(), item.into()).into()
}

/// `#[pii_lint::consent_proof("marketing")]`: a value of this type proves that consent.
#[proc_macro_attribute]
pub fn consent_proof(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::ConsentProof, args.into(), item.into()).into()
}

/// `#[pii_lint::sink(kind = "export", purpose = "..")]`: personal data passed to it leaves the code.
#[proc_macro_attribute]
pub fn sink(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Sink, args.into(), item.into()).into()
}

/// `#[pii_lint::sanitizer]`: the result no longer identifies the person.
#[proc_macro_attribute]
pub fn sanitizer(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Sanitizer, args.into(), item.into()).into()
}

/// `#[pii_lint::encryptor]`: the result is still personal data, but protected.
#[proc_macro_attribute]
pub fn encryptor(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Encryptor, args.into(), item.into()).into()
}

/// `#[pii_lint::erasure]`: handles a consumer's request to delete their data.
#[proc_macro_attribute]
pub fn erasure(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Erasure, args.into(), item.into()).into()
}

/// `#[pii_lint::allow(log_leak, PII005, reason = "..")]`: silences these lints inside the item.
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand(Attribute::Allow, args.into(), item.into()).into()
}
