//! Annotations for [cargo pii-lint](https://crates.io/crates/cargo-pii-lint): mark the personal
//! information in your code, the purposes you process it for, your consent checks, sinks, sanitizers,
//! encryptors and erasure functions. The linter reads these attributes from source; this crate makes them
//! compile on stable Rust and turns malformed arguments into compile errors.
//!
//! ```ignore
//! #[derive(pii_lint::Pii, pii_lint::RedactedDebug)]
//! pub struct Customer {
//!     pub id: u64,
//!     #[pii(category = "phone", purpose = "service")]
//!     pub phone: String,
//!     #[pii(category = "name", purposes = ["service", "marketing"])]
//!     pub name: String,
//! }
//! // format!("{:?}", customer) == "Customer { id: 7, phone: <redacted phone>, name: <redacted name> }"
//!
//! #[derive(pii_lint::Pii)]
//! #[pii(category = "email", purposes = ["service", "marketing"], sensitive)]
//! pub struct EmailAddress(String);
//!
//! #[pii_lint::purpose("marketing")]                    // fn, impl block or inline mod
//! fn build_campaign(customers: &[Customer]) {}
//!
//! #[pii_lint::consent_check("marketing")]              // fn or method
//! fn has_marketing_consent(c: &Customer) -> bool { true }
//!
//! #[pii_lint::consent_proof("marketing")]              // struct or enum
//! pub struct MarketingConsent { customer: u64 }
//!
//! #[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]   // log | export | storage | commercial_message
//! fn upload_to_partner(rows: &[u8]) {}
//!
//! #[pii_lint::sanitizer] fn mask_phone(p: &str) -> String { p.into() }
//! #[pii_lint::encryptor] fn encrypt(p: &[u8]) -> Vec<u8> { p.to_vec() }
//! #[pii_lint::erasure] fn delete_customer(id: u64) {}
//!
//! #[pii_lint::allow(log_leak, reason = "only the masked value is logged")]   // any item
//! fn audit() {}
//! ```

// The linter reads every field of the parsed arguments; the macros only need them to parse.
#[allow(dead_code)]
mod args;
mod attributes;
mod derive_pii;
mod redacted_debug;

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
    attributes::expand("purpose", args.into(), item.into()).into()
}

/// `#[pii_lint::consent_check("marketing")]`: the function checks that consent.
#[proc_macro_attribute]
pub fn consent_check(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("consent_check", args.into(), item.into()).into()
}

/// `#[pii_lint::consent_proof("marketing")]`: a value of this type proves that consent.
#[proc_macro_attribute]
pub fn consent_proof(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("consent_proof", args.into(), item.into()).into()
}

/// `#[pii_lint::sink(kind = "export", purpose = "..")]`: personal data passed to it leaves the code.
#[proc_macro_attribute]
pub fn sink(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("sink", args.into(), item.into()).into()
}

/// `#[pii_lint::sanitizer]`: the result no longer identifies the person.
#[proc_macro_attribute]
pub fn sanitizer(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("sanitizer", args.into(), item.into()).into()
}

/// `#[pii_lint::encryptor]`: the result is still personal data, but protected.
#[proc_macro_attribute]
pub fn encryptor(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("encryptor", args.into(), item.into()).into()
}

/// `#[pii_lint::erasure]`: handles a consumer's request to delete their data.
#[proc_macro_attribute]
pub fn erasure(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("erasure", args.into(), item.into()).into()
}

/// `#[pii_lint::allow(log_leak, reason = "..")]`: silences a lint inside the item.
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    attributes::expand("allow", args.into(), item.into()).into()
}
