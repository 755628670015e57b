//! The catalogue of a merchant's crates (SPEC 2.5): for each crate, a realistic call that carries
//! personal data is reported, and a realistic call that carries none is not. Lines marked `// leak`
//! (with the lint after the marker) are the only flow findings expected.

mod common;

const CUSTOMER: &str = r#"#[derive(pii_lint::Pii, Debug, Clone, serde::Serialize)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "email", purpose = "service")]
    pub email: String,
    #[pii(category = "id_number", purpose = "legal_obligation")]
    pub id_card: String,
}
"#;

fn assert_leaks(body: &str) {
    common::assert_marked_leaks(&format!("{CUSTOMER}{body}"), "");
}

#[test]
fn slog() {
    assert_leaks(
        r#"pub fn f(log: &slog::Logger, c: &Customer) {
    slog::info!(log, "signed up"; "email" => &c.email); // leak
    slog::info!(log, "signed up"; "id" => c.id);
}
"#,
    );
}

#[test]
fn sentry() {
    assert_leaks(
        r#"pub fn f(c: &Customer) {
    sentry::capture_message(&format!("bounce for {}", c.email), sentry::Level::Warning); // leak PII006
    sentry::capture_message(&format!("bounce for {}", c.id), sentry::Level::Warning);
    sentry::configure_scope(|scope| {
        scope.set_user(Some(sentry::User { email: Some(c.email.clone()), ..Default::default() })); // leak PII006
        scope.set_tag("customer", c.id);
    });
}
"#,
    );
}

#[test]
fn opentelemetry() {
    assert_leaks(
        r#"pub fn f(span: &mut opentelemetry::global::BoxedSpan, c: &Customer) {
    span.set_attribute(opentelemetry::KeyValue::new("user.email", c.email.clone())); // leak
    span.set_attribute(opentelemetry::KeyValue::new("user.id", c.id.to_string()));
}
"#,
    );
}

#[test]
fn lettre() {
    assert_leaks(
        r#"use lettre::Transport;
pub fn f(mailer: &lettre::SmtpTransport, c: &Customer) {
    let message = lettre::Message::builder()
        .to(c.email.parse().unwrap())
        .subject("Welcome")
        .body(String::from("hello"))
        .unwrap();
    mailer.send(&message).unwrap(); // leak PII006
    let report = lettre::Message::builder()
        .to("ops@example.com".parse().unwrap())
        .body(format!("{} sign-ups", c.id))
        .unwrap();
    mailer.send(&report).unwrap();
}
"#,
    );
}

#[test]
fn async_nats_rdkafka_and_lapin() {
    assert_leaks(
        r#"pub async fn f(nats: &async_nats::Client, producer: &rdkafka::producer::FutureProducer, channel: &lapin::Channel, c: &Customer) {
    let body = serde_json::to_vec(c).unwrap();
    let _ = nats.publish("customers", body.clone().into()).await; // leak PII006
    let _ = nats.publish("customers", c.id.to_string().into()).await;
    let record = rdkafka::producer::FutureRecord::to("customers").key("k").payload(&body); // leak PII006
    let _ = producer.send(record, std::time::Duration::from_secs(1)).await;
    let _ = channel.basic_publish("", "customers", Default::default(), &body, Default::default()).await; // leak PII006
    let _ = channel.basic_publish("", "customers", Default::default(), b"ping", Default::default()).await;
}
"#,
    );
}

#[test]
fn aws_sdk_s3_ses_and_sns() {
    assert_leaks(
        r#"pub async fn f(s3: &aws_sdk_s3::Client, sns: &aws_sdk_sns::Client, c: &Customer) {
    let body = serde_json::to_vec(c).unwrap();
    let _ = s3.put_object().bucket("exports").key("c.json").body(body.into()).send().await; // leak PII006
    let _ = s3.put_object().bucket("exports").key("n.txt").body(c.id.to_string().into_bytes().into()).send().await;
    let _ = sns.publish().topic_arn("arn").message(c.email.clone()).send().await; // leak PII006
}
"#,
    );
}

#[test]
fn mongodb() {
    assert_leaks(
        r#"pub async fn f(customers: &mongodb::Collection<Customer>, ids: &mongodb::Collection<u64>, c: &Customer) {
    let _ = customers.insert_one(c.clone()).await; // leak PII008
    let _ = ids.insert_one(c.id).await;
}
"#,
    );
}

#[test]
fn fred_and_deadpool_redis() {
    assert_leaks(
        r#"pub async fn f(client: &fred::clients::Client, c: &Customer) {
    let _: () = client.set("card", c.id_card.clone(), None, None, false).await.unwrap(); // leak PII008
    let _: () = client.set("last-id", c.id, None, None, false).await.unwrap();
}
"#,
    );
}

#[test]
fn tonic() {
    assert_leaks(
        r#"pub struct Lookup {
    pub email: String,
}
pub async fn f(c: &Customer) {
    let _request = tonic::Request::new(Lookup { email: c.email.clone() }); // leak PII006
    let _ping = tonic::Request::new(c.id);
}
"#,
    );
}

#[test]
fn sea_orm_active_models() {
    assert_leaks(
        r#"pub mod person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "people")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub id_card: String,
    }
}

pub async fn f(db: &sea_orm::DatabaseConnection, c: &Customer, found: person::Model) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let row = person::ActiveModel { id_card: Set(c.id_card.clone()), ..Default::default() };
    row.insert(db).await?; // leak PII008
    let only_id = person::ActiveModel { id: Set(c.id as i64), ..Default::default() };
    only_id.insert(db).await?;
    let copy = person::ActiveModel { id_card: Set(c.id_card.clone()), ..Default::default() };
    person::Entity::insert(copy).exec(db).await?; // leak PII008
    let mut am: person::ActiveModel = found.clone().into();
    am.id_card = Set(c.id_card.clone());
    am.update(db).await?; // leak PII008
    let mut again = found.into_active_model();
    again.id_card = Set(c.id_card.clone());
    again.save(db).await?; // leak PII008
    let mut cache = std::collections::HashMap::new();
    cache.insert(c.id, c.id_card.clone());
    Ok(())
}
"#,
    );
}
