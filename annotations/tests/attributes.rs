//! Every attribute in each of its valid places: this file compiling on stable is the test.

#![allow(dead_code)]

use pii_lint::{consent_check, purpose};

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

#[pii_lint::purpose("service")]
impl Customer {
    #[pii_lint::consent_check("marketing")]
    fn consents(&self) -> bool {
        self.opted_in
    }

    #[pii_lint::sanitizer]
    fn masked_phone(&self) -> String {
        format!("{}****", &self.phone[..3.min(self.phone.len())])
    }
}

#[pii_lint::purpose("security")]
mod fraud {
    pub fn score(phone: &str) -> usize {
        phone.len()
    }
}

trait Notifier {
    #[pii_lint::sink(kind = "commercial_message")]
    fn send(&self, phone: &str, text: &str);
}

#[pii_lint::sink(kind = "export", purpose = "third_party_sharing")]
fn upload_to_partner(_rows: &[u8]) {}

#[pii_lint::sink(kind = "log")]
fn audit(_line: &str) {}

#[pii_lint::encryptor]
fn encrypt(plain: &[u8]) -> Vec<u8> {
    plain.iter().map(|b| b ^ 0x5a).collect()
}

#[pii_lint::erasure]
fn delete_customer(_id: u64) {}

#[pii_lint::allow(log_leak, reason = "only the masked phone is logged")]
fn log_masked(c: &Customer) {
    audit(&c.masked_phone());
}

#[pii_lint::allow(undeclared_personal_data, PII011, reason = "vendor payload")]
struct VendorRow {
    mobile: String,
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
    assert_eq!(fraud::score(&c.phone), 11);
    assert_eq!(
        build_campaign(
            std::slice::from_ref(&c),
            &MarketingConsent { customer: c.id }
        ),
        1
    );
    assert_eq!(encrypt(&encrypt(b"x")), b"x");
    log_masked(&c);
    upload_to_partner(&[]);
    delete_customer(c.id);
    let _ = VendorRow {
        mobile: String::new(),
    };
}
