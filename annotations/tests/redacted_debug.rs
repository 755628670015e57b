//! `RedactedDebug` output, compiled and run for real.

#![allow(dead_code)] // fields only read by derived `Debug` count as unread, as with std's derive

use pii_lint::{Pii, RedactedDebug};

#[derive(Pii, RedactedDebug)]
struct Customer {
    id: u64,
    #[pii(category = "phone", purpose = "service")]
    phone: String,
    nickname: Option<String>,
}

#[derive(RedactedDebug)]
struct Pair(
    u8,
    #[pii(category = "id_number", purpose = "legal_obligation")] String,
);

#[derive(RedactedDebug)]
struct Unit;

#[derive(RedactedDebug)]
struct Wrapper<T: Clone, U>
where
    U: Copy,
{
    value: T,
    #[pii(category = "email", purpose = "service")]
    secret: U,
}

#[derive(RedactedDebug)]
enum Contact {
    Nobody,
    Phone(#[pii(category = "phone", purpose = "service")] String, u8),
    Mail {
        #[pii(category = "email", purpose = "service")]
        address: String,
        verified: bool,
    },
}

#[derive(Pii, RedactedDebug)]
#[pii(category = "email", purposes = ["service", "marketing"])]
struct EmailAddress(String);

#[derive(RedactedDebug)]
enum Never {}

fn customer() -> Customer {
    Customer {
        id: 7,
        phone: "13800138000".into(),
        nickname: Some("xiao".into()),
    }
}

#[test]
fn named_fields() {
    assert_eq!(
        format!("{:?}", customer()),
        r#"Customer { id: 7, phone: <redacted phone>, nickname: Some("xiao") }"#
    );
}

#[test]
fn pretty_printing_keeps_the_redaction() {
    let expected = "Customer {\n    id: 7,\n    phone: <redacted phone>,\n    nickname: Some(\n        \"xiao\",\n    ),\n}";
    assert_eq!(format!("{:#?}", customer()), expected);
}

#[test]
fn tuple_and_unit_structs() {
    assert_eq!(
        format!("{:?}", Pair(3, "110101199003070000".into())),
        "Pair(3, <redacted id_number>)"
    );
    assert_eq!(format!("{:?}", Unit), "Unit");
}

#[test]
fn generic_structs() {
    let wrapper = Wrapper {
        value: vec![1, 2],
        secret: 42u32,
    };
    assert_eq!(
        format!("{wrapper:?}"),
        "Wrapper { value: [1, 2], secret: <redacted email> }"
    );
}

#[test]
fn enum_variants() {
    assert_eq!(format!("{:?}", Contact::Nobody), "Nobody");
    assert_eq!(
        format!("{:?}", Contact::Phone("138".into(), 1)),
        "Phone(<redacted phone>, 1)"
    );
    let mail = Contact::Mail {
        address: "a@b.cn".into(),
        verified: true,
    };
    assert_eq!(
        format!("{mail:?}"),
        "Mail { address: <redacted email>, verified: true }"
    );
}

#[test]
fn a_personal_type_is_redacted_whole() {
    let email = EmailAddress("someone@example.cn".into());
    assert_eq!(format!("{email:?}"), "EmailAddress(<redacted email>)");
    assert!(!format!("{email:#?}").contains("example"));
}

#[test]
fn the_value_never_appears() {
    let text = format!("{:?} {:#?}", customer(), customer());
    assert!(!text.contains("13800138000"));
    let _: Option<Never> = None;
}
