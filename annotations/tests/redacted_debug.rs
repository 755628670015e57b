//! `RedactedDebug` output, compiled and run for real, compact (`{:?}`) and pretty (`{:#?}`).

#![allow(dead_code)] // fields only read by derived `Debug` count as unread, as with std's derive

use pii_lint::{Pii, RedactedDebug};

#[derive(Pii, RedactedDebug)]
struct Customer {
    id: u64,
    #[pii(category = "phone", purpose = "service")]
    phone: String,
    nickname: Option<String>,
}

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
    let pretty = r#"Customer {
    id: 7,
    phone: <redacted phone>,
    nickname: Some(
        "xiao",
    ),
}"#;
    assert_eq!(format!("{:#?}", customer()), pretty);
}

#[derive(RedactedDebug)]
struct Pair(
    u8,
    #[pii(category = "id_number", purpose = "legal_obligation")] String,
);

#[derive(RedactedDebug)]
struct Unit;

#[test]
fn tuple_and_unit_structs() {
    let pair = Pair(3, "110101199003070000".into());
    assert_eq!(format!("{pair:?}"), "Pair(3, <redacted id_number>)");
    assert_eq!(
        format!("{pair:#?}"),
        "Pair(\n    3,\n    <redacted id_number>,\n)"
    );
    assert_eq!(format!("{:?}", Unit), "Unit");
    assert_eq!(format!("{:#?}", Unit), "Unit");
}

#[derive(RedactedDebug)]
struct Wrapper<T> {
    value: T,
    #[pii(category = "email", purpose = "service")]
    secret: String,
}

#[derive(RedactedDebug)]
struct Bounded<'a, T: Clone, U, const N: usize>
where
    U: Copy,
{
    values: &'a [T; N],
    #[pii(category = "email", purpose = "service")]
    secret: U,
}

#[test]
fn generic_structs() {
    let wrapper = Wrapper {
        value: vec![1, 2],
        secret: "a@b.cn".into(),
    };
    assert_eq!(
        format!("{wrapper:?}"),
        "Wrapper { value: [1, 2], secret: <redacted email> }"
    );
    let pretty =
        "Wrapper {\n    value: [\n        1,\n        2,\n    ],\n    secret: <redacted email>,\n}";
    assert_eq!(format!("{wrapper:#?}"), pretty);

    let bounded = Bounded {
        values: &['x'; 2],
        secret: 42u32,
    };
    assert_eq!(
        format!("{bounded:?}"),
        "Bounded { values: ['x', 'x'], secret: <redacted email> }"
    );
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

#[derive(RedactedDebug)]
enum Either<L, R> {
    Left(L),
    Right(#[pii(category = "name", purpose = "service")] R),
}

#[derive(RedactedDebug)]
enum Never {}

#[test]
fn enum_variants() {
    assert_eq!(format!("{:?}", Contact::Nobody), "Nobody");
    let phone = Contact::Phone("138".into(), 1);
    assert_eq!(format!("{phone:?}"), "Phone(<redacted phone>, 1)");
    assert_eq!(
        format!("{phone:#?}"),
        "Phone(\n    <redacted phone>,\n    1,\n)"
    );
    let mail = Contact::Mail {
        address: "a@b.cn".into(),
        verified: true,
    };
    assert_eq!(
        format!("{mail:?}"),
        "Mail { address: <redacted email>, verified: true }"
    );
    assert_eq!(
        format!("{mail:#?}"),
        "Mail {\n    address: <redacted email>,\n    verified: true,\n}"
    );
    assert_eq!(format!("{:?}", Either::<u8, &str>::Left(1)), "Left(1)");
    assert_eq!(
        format!("{:?}", Either::<u8, &str>::Right("Li")),
        "Right(<redacted name>)"
    );
    let _: Option<Never> = None;
}

#[derive(Pii, RedactedDebug)]
#[pii(category = "email", purposes = ["service", "marketing"])]
struct EmailAddress(String);

#[derive(RedactedDebug)]
#[pii(category = "location", purpose = "service", sensitive)]
enum Whereabouts {
    Home { lat: f64, lon: f64 },
    Away,
}

#[test]
fn a_personal_type_is_redacted_whole() {
    let email = EmailAddress("someone@example.cn".into());
    assert_eq!(format!("{email:?}"), "EmailAddress(<redacted email>)");
    assert_eq!(
        format!("{email:#?}"),
        "EmailAddress(\n    <redacted email>,\n)"
    );
    let home = Whereabouts::Home {
        lat: 31.2,
        lon: 121.5,
    };
    assert_eq!(format!("{home:?}"), "Whereabouts(<redacted location>)");
    assert_eq!(
        format!("{:?}", Whereabouts::Away),
        "Whereabouts(<redacted location>)"
    );
}

#[test]
fn personal_data_inside_printed_fields_stays_redacted() {
    #[derive(RedactedDebug)]
    struct Order {
        number: u32,
        contact: EmailAddress,
        buyer: Option<Customer>,
    }
    let order = Order {
        number: 1,
        contact: EmailAddress("someone@example.cn".into()),
        buyer: Some(customer()),
    };
    let text = format!("{order:?} {order:#?}");
    assert!(text.starts_with(
        "Order { number: 1, contact: EmailAddress(<redacted email>), buyer: Some(Customer { id: 7, phone: <redacted phone>,"
    ), "{text}");
    assert!(
        !text.contains("example.cn") && !text.contains("13800138000"),
        "{text}"
    );
}

/// Redacted values are never read, so their type need not be `Debug`.
struct Opaque;

#[derive(RedactedDebug)]
struct Token {
    #[pii(category = "credential", purpose = "security")]
    secret: Opaque,
    #[pii(category = "a {0} }{", purpose = "service")]
    odd: u8,
}

#[derive(RedactedDebug)]
struct Keywords {
    r#type: u8,
    #[pii(category = "phone", purpose = "service")]
    r#ref: String,
}

#[derive(RedactedDebug)]
#[repr(C, packed)]
struct Packed {
    tag: u8,
    len: u32,
}

#[test]
fn edge_cases_print_like_std() {
    let token = Token {
        secret: Opaque,
        odd: 1,
    };
    assert_eq!(
        format!("{token:?}"),
        "Token { secret: <redacted credential>, odd: <redacted a {0} }{> }"
    );
    let keywords = Keywords {
        r#type: 1,
        r#ref: "x".into(),
    };
    assert_eq!(
        format!("{keywords:?}"),
        "Keywords { type: 1, ref: <redacted phone> }"
    );
    let packed = Packed { tag: 1, len: 2 };
    assert_eq!(format!("{packed:?}"), "Packed { tag: 1, len: 2 }");
}
