//! Every attribute in each of its valid places, written both with the `pii_lint::` path and bare after a
//! `use`: this file compiling on stable is the test; running it proves the items are unchanged.

#![allow(dead_code)]

use pii_lint::{consent_check, purpose, sink};

#[derive(pii_lint::Pii, Debug)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
    #[pii(category = "name", purposes = ["service", "marketing"], sensitive)]
    pub name: String,
    pub opted_in: bool,
}

#[pii_lint::consent_proof("marketing")]
pub struct MarketingConsent {
    customer: u64,
}

#[pii_lint::consent_proof("analytics")]
pub enum AnalyticsConsent {
    Granted,
}

// On a free function.
#[purpose("marketing")]
fn build_campaign(customers: &[Customer], _proof: &MarketingConsent) -> usize {
    customers
        .iter()
        .filter(|c| has_marketing_consent(c))
        .count()
}

#[consent_check("marketing")]
fn has_marketing_consent(c: &Customer) -> bool {
    c.opted_in
}

#[pii_lint::consent_check("marketing")]
async fn confirmed_subscribers(all: Vec<Customer>) -> Vec<Customer> {
    all.into_iter().filter(|c| c.opted_in).collect()
}

// On an inherent impl block, and on methods inside it.
#[pii_lint::purpose("service")]
impl Customer {
    #[pii_lint::consent_check("marketing")]
    fn consents(&self) -> bool {
        self.opted_in
    }

    #[pii_lint::sanitizer]
    pub fn masked_phone(&self) -> String {
        format!("{}****", &self.phone[..3.min(self.phone.len())])
    }

    #[pii_lint::purpose("marketing")]
    #[pii_lint::allow(log_leak, reason = "the campaign id only")]
    pub fn campaign_id(&self) -> u64 {
        self.id
    }
}

// On an inline module: accepted by stable rustc.
#[pii_lint::purpose("security")]
mod fraud {
    pub fn score(phone: &str) -> usize {
        phone.len()
    }
}

// On a trait's method declarations and provided methods, and on a trait impl.
trait Notifier {
    #[pii_lint::sink(kind = "commercial_message")]
    fn send(&self, phone: &str, text: &str) -> usize;

    #[sink(kind = "log", purpose = "service")]
    fn trace(&self, line: &str) -> usize {
        line.len()
    }
}

struct Sms;

#[purpose("marketing")]
impl Notifier for Sms {
    #[pii_lint::sink(kind = "commercial_message", purpose = "marketing")]
    fn send(&self, phone: &str, text: &str) -> usize {
        phone.len() + text.len()
    }
}

// On a function declared in an `extern` block.
extern "C" {
    #[pii_lint::sink(kind = "log")]
    pub fn c_log(line: *const u8);
}

#[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]
fn upload_to_partner(_rows: &[u8]) {}

#[pii_lint::sink(kind = "storage")]
pub(crate) fn save(_row: &Customer) {}

#[pii_lint::sink(kind = "log")]
fn audit(_line: &str) {}

#[pii_lint::encryptor]
fn encrypt(plain: &[u8]) -> Vec<u8> {
    plain.iter().map(|b| b ^ 0x5a).collect()
}

#[pii_lint::erasure]
fn delete_customer(_id: u64) {}

// `allow` goes on any item.
#[pii_lint::allow(log_leak, reason = "only the masked phone is logged")]
fn log_masked(c: &Customer) {
    audit(&c.masked_phone());
}

#[pii_lint::allow(undeclared_personal_data, PII011, reason = "vendor payload")]
struct VendorRow {
    mobile: String,
}

#[pii_lint::allow("missing-purpose", reason = "legacy")]
enum Legacy {
    Row(String),
}

#[pii_lint::allow(log_leak, reason = "constants hold no personal data")]
const GREETING: &str = "hello";

#[pii_lint::allow(log_leak, reason = "the whole module is test tooling")]
mod tooling {
    #[pii_lint::allow(PII005)]
    pub fn noop() {}
}

#[pii_lint::allow(log_leak, reason = "a reviewed impl")]
impl VendorRow {
    #[pii_lint::allow(log_leak, reason = "one method")]
    fn len(&self) -> usize {
        self.mobile.len()
    }
}

#[test]
fn annotated_code_runs_unchanged() {
    let c = Customer {
        id: 1,
        phone: "13800138000".into(),
        name: "Li".into(),
        opted_in: true,
    };
    assert!(c.consents());
    assert_eq!(c.masked_phone(), "138****");
    assert_eq!(c.campaign_id(), 1);
    assert_eq!(fraud::score(&c.phone), 11);
    assert_eq!(Sms.send("138", "hi"), 5);
    assert_eq!(Sms.trace("line"), 4);
    assert_eq!(
        build_campaign(
            std::slice::from_ref(&c),
            &MarketingConsent { customer: c.id }
        ),
        1
    );
    assert_eq!(encrypt(&encrypt(b"x")), b"x");
    log_masked(&c);
    save(&c);
    upload_to_partner(&[]);
    delete_customer(c.id);
    tooling::noop();
    let row = VendorRow {
        mobile: "138".into(),
    };
    assert_eq!(row.len(), 3);
    assert_eq!(GREETING, "hello");
    // The async consent check is an ordinary future: build it, never run it.
    drop(confirmed_subscribers(vec![c]));
}
