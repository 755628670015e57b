//! What real backends are made of (SPEC 4.4): extractors, smart pointers and local logging macros. Each
//! leak beside its fixed twin; lines marked `// leak` (with the lint after the marker, log-leak when none is
//! given) are the only flow findings expected.

mod common;

use common::assert_marked_leaks as assert_leaks;

const FORM: &str = r#"#[derive(pii_lint::Pii, serde::Deserialize)]
pub struct FormData {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
    pub name_length: usize,
}
#[derive(pii_lint::Pii, serde::Deserialize)]
pub struct RegisterInput {
    pub user: String,
    #[pii(category = "credential", purpose = "security")]
    pub password: String,
}
#[pii_lint::sanitizer]
pub fn hash(secret: &str) -> String {
    secret.chars().rev().collect()
}
"#;

#[test]
fn actix_and_axum_extractors_are_seen_through() {
    let code = format!(
        r#"{FORM}use actix_web::web;
use axum::Json;
#[tracing::instrument(skip(form), fields(subscriber_email = %form.email))] // leak
pub async fn subscribe(form: web::Form<FormData>) {{
    log::info!("{{}}", form.0.email); // leak
    log::info!("{{}}", form.into_inner().email); // leak
}}
#[tracing::instrument(skip(form), fields(size = %form.name_length))]
pub async fn quiet(form: web::Form<FormData>) {{
    log::info!("{{}}", form.name_length);
}}
pub async fn register(pool: &sqlx::PgPool, Json(payload): Json<RegisterInput>) {{
    let _ = sqlx::query("INSERT INTO users (name, password) VALUES ($1, $2)")
        .bind(&payload.user)
        .bind(&payload.password) // leak PII008
        .execute(pool)
        .await;
    let _ = sqlx::query("INSERT INTO users (name, password) VALUES ($1, $2)")
        .bind(&payload.user)
        .bind(hash(&payload.password))
        .execute(pool)
        .await;
}}
pub async fn shared(state: std::sync::Arc<std::sync::Mutex<FormData>>) {{
    let guard = state.lock().unwrap();
    log::info!("{{}}", guard.email); // leak
}}
"#
    );
    assert_leaks(&code, "");
}

#[test]
fn a_local_macro_that_logs_is_a_log_sink_at_each_invocation() {
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Login {
    pub id: u64,
    #[pii(category = "ip_address", purpose = "security")]
    pub ip: String,
}
macro_rules! err {
    ($msg:expr, $value:expr) => {{
        log::error!("{}: {}", $msg, $value);
        Err(())
    }};
}
macro_rules! fail {
    ($msg:expr, $value:expr) => {
        err!($msg, $value)
    };
}
macro_rules! audit {
    ($value:expr) => {
        crate::audit_log::push(format!("{}", $value))
    };
}
pub mod audit_log {
    pub fn push(line: String) -> usize {
        line.len()
    }
}
pub fn check(login: &Login) -> Result<(), ()> {
    audit!(login.ip); // leak
    audit!(login.id);
    let _: Result<(), ()> = fail!("blocked", login.ip); // leak
    err!("refused", login.ip) // leak
}
pub fn quiet(login: &Login) -> Result<(), ()> {
    err!("refused", login.id)
}
"#;
    let config = "[[sinks]]\npath = \"shop::audit\"\nkind = \"log\"\n";
    assert_leaks(code, config);
}

#[test]
fn items_a_workspace_macro_makes_are_indexed_declared_and_followed() {
    let code = r#"macro_rules! make_string_type {
    ($name:ident) => {
        #[derive(Debug, Clone)]
        pub struct $name(pub String);
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}
make_string_type!(Email);
make_string_type!(Slug);
macro_rules! model {
    ($name:ident { $($field:ident : $ty:ty),* }) => {
        #[derive(Debug)]
        pub struct $name {
            $(pub $field: $ty),*
        }
    };
}
model!(Account { id: u64, email: Email, note: String });
pub fn log(a: &Account, s: &Slug) {
    log::info!("{}", s.as_str());
    log::info!("{:?}", a.email); // leak
    log::info!("{}", a.email.as_str()); // leak
    log::info!("{} {}", a.id, a.note);
}
"#;
    let config = "[[data]]\npath = \"shop::Email\"\ncategory = \"email\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::Account.note\"\ncategory = \"communication\"\npurposes = [\"service\"]\n";
    let with_note_leak = code.replace("a.id, a.note);", "a.id, a.note); // leak");
    assert_leaks(&with_note_leak, config);
}

#[test]
fn an_expect_message_is_printed_and_unwrap_keeps_the_success_side() {
    let code = r#"#[derive(pii_lint::Pii, Clone)]
pub struct Customer {
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}
pub fn find(c: &Customer) -> Result<Customer, String> {
    Ok(c.clone())
}
pub fn f(c: &Customer) -> u32 {
    let n: Option<u32> = None;
    let found = find(c).expect("lookup failed");
    log::info!("{}", found.phone); // leak
    let again = find(c).unwrap();
    log::info!("{}", again.phone); // leak
    n.expect(&format!("no number for {}", c.phone)) // leak
}
"#;
    assert_leaks(code, "");
}

#[test]
fn instrument_ret_and_err_record_what_the_function_returns() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[tracing::instrument(skip_all, ret)] // leak
pub fn reset_token(c: &Customer) -> String {
    format!("{}-reset", c.email)
}
#[tracing::instrument(skip_all, ret)]
pub fn customer_id(c: &Customer) -> u64 {
    c.id
}
#[tracing::instrument(skip_all, err)] // leak
pub fn parse(c: &Customer) -> Result<u64, String> {
    Err(format!("{} is not a customer", c.email))
}
#[tracing::instrument(skip_all, err)]
pub fn load(c: &Customer) -> Result<Customer, std::io::Error> {
    Ok(c.clone())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn values_are_typed_where_they_are_made() {
    let code = r#"#[derive(pii_lint::Pii, Debug, serde::Deserialize)]
pub struct User {
    pub id: i64,
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug, Clone, Copy)]
pub struct UserId(pub i64);
pub async fn load(pool: &sqlx::PgPool, body: &str, row: &sqlx::postgres::PgRow) -> Result<(), sqlx::Error> {
    let user = sqlx::query_as::<_, User>("SELECT * FROM users WHERE id = $1")
        .bind(1_i64)
        .fetch_optional(pool)
        .await?;
    println!("{:#?}", user); // leak
    let same = sqlx::query_as!(User, "SELECT * FROM users WHERE id = $1", 1_i64)
        .fetch_one(pool)
        .await?;
    println!("{:?}", same); // leak
    let parsed = serde_json::from_str::<User>(body).unwrap();
    println!("{parsed:?}"); // leak
    let id = row.try_get::<UserId, _>("id")?;
    println!("{id:?}");
    let count = body.parse::<u64>().unwrap_or(0);
    println!("{count}");
    Ok(())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_workspace_functions_turbofish_does_not_type_its_result() {
    let code = r#"#[derive(pii_lint::Pii, Debug, Default)]
pub struct Attempt {
    #[pii(category = "ip_address", purpose = "security")]
    pub ip: String,
}
#[derive(Debug, Default)]
pub struct Response {
    pub id: u64,
}
pub fn core<R: Default, D: Default>(_data: D) -> R {
    R::default()
}
pub fn handle() {
    let response = core::<Response, Attempt>(Attempt::default());
    log::info!("{response:?}");
}
"#;
    assert_leaks(code, "");
}

#[test]
fn lookup_binds_are_read_not_stored() {
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Account {
    #[pii(category = "id_number", purpose = "legal_obligation")]
    pub id_card: String,
    #[pii(category = "credential", purpose = "security")]
    pub password: String,
}
pub async fn run(pool: &sqlx::PgPool, a: &Account, sql: &str) {
    let _ = sqlx::query("SELECT id FROM accounts WHERE id_card = $1")
        .bind(&a.id_card)
        .fetch_one(pool)
        .await;
    let _ = sqlx::query("DELETE FROM sessions WHERE id_card = $1").bind(&a.id_card).execute(pool).await;
    let _ = sqlx::query("UPDATE accounts SET password = $1 WHERE id_card = $2")
        .bind(&a.password) // leak PII008
        .bind(&a.id_card)
        .execute(pool)
        .await;
    let _ = sqlx::query("INSERT INTO accounts (id_card) VALUES ($1)")
        .bind(&a.id_card) // leak PII008
        .execute(pool)
        .await;
    let _ = sqlx::query(sql).bind(&a.id_card).execute(pool).await; // leak PII008
    let _ = sqlx::query!("SELECT id FROM accounts WHERE id_card = $1", a.id_card).fetch_one(pool).await;
    let _ = sqlx::query!("INSERT INTO accounts (id_card) VALUES ($1)", a.id_card).execute(pool).await; // leak PII008
}
"#;
    assert_leaks(code, "");
}

#[test]
fn glob_imports_across_workspace_crates_resolve() {
    let dir = common::workspace(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"api\", \"app\"]\n"),
        ("api/Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        (
            "api/src/lib.rs",
            "pub mod types {\n    #[derive(Debug)]\n    pub struct LoginRequest {\n        pub username: String,\n        pub remember: bool,\n    }\n}\n",
        ),
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\napi = { path = \"../api\" }\n",
        ),
        (
            "app/src/lib.rs",
            "use api::types::*;\npub fn login(req: &LoginRequest) {\n    println!(\"{:?}\", req);\n}\n",
        ),
        (
            "pii-lint.toml",
            "[[data]]\npath = \"api::types::LoginRequest.username\"\ncategory = \"account\"\npurposes = [\"service\"]\n",
        ),
    ]);
    assert_eq!(
        common::findings_allowing(dir.path(), &[]),
        ["app/src/lib.rs:3 PII005"]
    );
}

#[test]
fn trait_calls_reach_every_workspace_impl_through_dyn_impl_and_bounds() {
    let code = r#"use std::sync::Arc;

#[derive(pii_lint::Pii)]
pub struct Card {
    #[pii(category = "financial", purpose = "service")]
    pub number: String,
}

pub trait CardInterface {
    fn insert_card(&self, number: &str);
    fn audit(&self, number: &str) {
        println!("audit {}", number); // leak
    }
}

pub trait StorageInterface: CardInterface + Send + Sync {}

pub struct Store;
impl CardInterface for Store {
    fn insert_card(&self, number: &str) {
        tracing::info!("storing {}", number); // leak
    }
}
impl StorageInterface for Store {}

pub struct MockDb;
impl CardInterface for MockDb {
    fn insert_card(&self, number: &str) {
        let _ = number.len();
    }
}

pub struct AppState {
    pub store: Arc<dyn StorageInterface>,
}

pub fn save(db: &dyn StorageInterface, card: &Card) {
    db.insert_card(&card.number);
}

pub fn save_generic<S: CardInterface>(db: &S, card: &Card) {
    db.insert_card(&card.number);
}

pub fn save_where<S>(db: S, card: &Card)
where
    S: StorageInterface,
{
    db.insert_card(&card.number);
}

pub fn save_impl(db: impl CardInterface, card: &Card) {
    db.audit(&card.number);
}

pub fn save_state(state: &AppState, card: &Card) {
    state.store.insert_card(&card.number);
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_trait_method_with_few_impls_returns_what_they_return_and_one_with_many_its_receiver() {
    let mut code = String::from(
        r#"#[derive(pii_lint::Pii, Clone)]
pub struct Customer {
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}

pub trait Repository {
    fn find(&self, id: u64) -> Customer;
}

pub struct Postgres;
impl Repository for Postgres {
    fn find(&self, _id: u64) -> Customer {
        Customer { phone: String::new() }
    }
}

pub fn lookup(repo: &dyn Repository) {
    let found = repo.find(7);
    println!("{}", found.phone); // leak
}

pub trait Step {
    fn describe(&self) -> String;
}
"#,
    );
    // Five steps, one of which describes a customer: a caller of `describe` is not handed its data.
    for i in 0..5 {
        let body = if i == 0 {
            "let c = Customer { phone: String::new() };\n        c.phone.clone()"
        } else {
            "String::from(\"step\")"
        };
        code.push_str(&format!(
            "pub struct Step{i};\nimpl Step for Step{i} {{\n    fn describe(&self) -> String {{\n        {body}\n    }}\n}}\n"
        ));
    }
    code.push_str("pub fn show(step: &dyn Step) {\n    println!(\"{}\", step.describe());\n}\n");
    assert_leaks(&code, "");
}

#[test]
fn a_trait_object_is_known_by_its_trait_not_by_the_records_its_impl_holds() {
    let code = r#"use std::sync::{Arc, Mutex};

#[derive(pii_lint::Pii, Debug, Clone)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}

pub trait Storage: std::fmt::Debug {
    fn name(&self) -> String;
}

#[derive(Debug, Clone)]
pub struct MockDb {
    pub customers: Arc<Mutex<Vec<Customer>>>,
}

impl Storage for MockDb {
    fn name(&self) -> String {
        String::from("mock")
    }
}

pub fn make_store(seed: Vec<Customer>) -> Box<dyn Storage> {
    Box::new(MockDb { customers: Arc::new(Mutex::new(seed)) })
}

pub fn start(fixture: Customer) {
    let store = make_store(vec![fixture]);
    tracing::info!(label = %store.name(), ?store, "storage ready");
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_trait_object_named_through_a_type_alias_is_dispatched() {
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Card {
    #[pii(category = "financial", purpose = "service")]
    pub number: String,
}

pub trait Operation {
    fn run(&self, number: &str);
}

pub type BoxedOperation = Box<dyn Operation + Send + Sync>;
pub type Boxed = BoxedOperation;

pub struct Charge;
impl Operation for Charge {
    fn run(&self, number: &str) {
        log::warn!("charging {}", number); // leak
    }
}

pub fn execute(op: Boxed, card: &Card) {
    op.run(&card.number);
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_constructor_of_a_personal_data_type_holds_that_data_from_the_start_of_its_body() {
    let code = r#"#[derive(pii_lint::Pii, Debug)]
#[pii(category = "email", purpose = "service")]
pub struct SubscriberEmail(String);

impl SubscriberEmail {
    pub fn parse(s: String) -> Result<SubscriberEmail, String> {
        if s.contains('@') {
            Ok(Self(s))
        } else {
            Err(format!("{s} is not a valid subscriber e-mail"))
        }
    }

    pub fn parse_quietly(s: String) -> Result<SubscriberEmail, String> {
        if s.contains('@') {
            Ok(Self(s))
        } else {
            Err("not a valid subscriber e-mail".to_string())
        }
    }
}

pub struct FormData {
    pub email: String,
    pub name: String,
}

pub fn subscribe(form: FormData) {
    match SubscriberEmail::parse(form.email) {
        Ok(email) => drop(email),
        Err(e) => tracing::warn!("rejected: {e}"), // leak
    }
}

pub fn subscribe_quietly(form: FormData) {
    match SubscriberEmail::parse_quietly(form.email) {
        Ok(email) => drop(email),
        Err(e) => tracing::warn!("rejected: {e}"),
    }
}
"#;
    assert_leaks(code, "");
}

#[test]
fn an_impl_written_for_a_type_alias_is_one_of_the_aliased_type() {
    // Connectors write their conversions for aliases of the shared router type
    // (`impl TryFrom<..> for PaymentsAuthorizeRouterData`); a call on the type itself reaches them.
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
pub struct RouterData<Flow> {
    pub flow: Flow,
    pub note: String,
}
pub struct Authorize;
pub type AuthorizeRouterData = RouterData<Authorize>;
impl From<String> for AuthorizeRouterData {
    fn from(note: String) -> Self {
        log::info!("authorizing {}", note); // leak
        RouterData { flow: Authorize, note }
    }
}
pub fn authorize(c: &Customer) -> AuthorizeRouterData {
    RouterData::from(c.email.clone())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_workspace_parser_called_with_a_turbofish_returns_that_type() {
    // hyperswitch's `ParseExt::parse_value::<T>` and `parse_xml::<T>`: a generic workspace function whose
    // result is its one type parameter gives a value of the type the turbofish names.
    let code = r#"#[derive(pii_lint::Pii, serde::Deserialize)]
pub struct CustomerData {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug)]
pub struct ParsingError;
pub trait ParseExt {
    fn parse_value<T: serde::de::DeserializeOwned>(self, name: &str) -> Result<T, ParsingError>;
}
impl ParseExt for String {
    fn parse_value<T: serde::de::DeserializeOwned>(self, _name: &str) -> Result<T, ParsingError> {
        serde_json::from_str(&self).map_err(|_| ParsingError)
    }
}
pub fn show(raw: String) -> Result<(), ParsingError> {
    let customer = raw.parse_value::<CustomerData>("CustomerData")?;
    log::info!("customer {}", customer.email); // leak
    Ok(())
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_turbofish_on_a_workspace_parser_keeps_what_its_error_carries() {
    // The type the turbofish names adds to the summary; it does not cut it to that type (`u64` holds
    // nothing, but the error quoting the input does).
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug)]
pub struct ParseError {
    pub input: String,
}
pub fn parse_value<T: std::str::FromStr>(raw: String) -> Result<T, ParseError> {
    Err(ParseError { input: raw })
}
pub fn check(c: &Customer) {
    if let Err(e) = parse_value::<u64>(c.email.clone()) {
        log::info!("bad input {}", e.input); // leak
    }
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_conversion_no_impl_of_which_fits_the_known_type_reaches_them_all() {
    // What is known of the argument (it holds a whole `Envelope`) fits no impl: the knowledge is wrong
    // somewhere (a dependency converted the value), so every impl is reached, as before narrowing.
    let code = r#"#[derive(Debug, pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
#[derive(Debug)]
pub struct Envelope {
    pub body: String,
}
#[derive(Debug)]
pub struct Message {
    pub text: String,
}
#[derive(Debug)]
pub struct Letter {
    pub text: String,
}
pub struct Payment;
impl From<Message> for Payment {
    fn from(m: Message) -> Self {
        log::info!("{:?}", m); // leak
        Payment
    }
}
impl From<Letter> for Payment {
    fn from(_l: Letter) -> Self {
        Payment
    }
}
pub fn pay(c: &Customer) -> Payment {
    let envelope = Envelope { body: c.email.clone() };
    Payment::from(envelope)
}
"#;
    assert_leaks(code, "");
}

#[test]
fn a_conversion_impl_that_leaves_a_field_type_open_is_reached() {
    // `ResponseData<Stripe, Meta>` fits the first impl (its `R` is open), not the second one, which
    // names `Stripe` too but in the other position.
    let code = r#"#[derive(pii_lint::Pii)]
pub struct Customer {
    #[pii(category = "email", purpose = "service")]
    pub email: String,
}
pub trait Connector {}
#[derive(Debug)]
pub struct Stripe {
    pub id: String,
}
impl Connector for Stripe {}
#[derive(Debug)]
pub struct Meta {
    pub note: String,
}
#[derive(Debug)]
pub struct ResponseData<R, D> {
    pub response: R,
    pub data: D,
}
pub struct Payment;
impl<R: Connector + std::fmt::Debug> From<ResponseData<R, Meta>> for Payment {
    fn from(item: ResponseData<R, Meta>) -> Self {
        log::info!("{:?}", item); // leak
        Payment
    }
}
impl From<ResponseData<Meta, Stripe>> for Payment {
    fn from(item: ResponseData<Meta, Stripe>) -> Self {
        log::debug!("{:?}", item);
        Payment
    }
}
pub fn settle(c: &Customer) -> Payment {
    let response = Stripe { id: c.email.clone() };
    Payment::from(ResponseData { response, data: Meta { note: String::new() } })
}
"#;
    assert_leaks(code, "");
}
